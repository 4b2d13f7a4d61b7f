package model

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-10-01", Date{2026, time.October, 1}, true},
		{"2028-02-29", Date{2028, time.February, 29}, true},
		{"2027-02-29", Date{}, false},
		{"2026-02-30", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"01.10.2026", Date{}, false},
		{"2026-1-1", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if d := (Date{2026, time.December, 24}); d.String() != "2026-12-24" || !d.Before(Date{2027, time.January, 1}) || d.DaysUntil(Date{2027, time.January, 6}) != 13 {
		t.Errorf("Date methods wrong for %v", d)
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want Clock
		ok   bool
	}{
		{"09:00", 540, true},
		{"00:00", 0, true},
		{"23:59", 1439, true},
		{"24:00", 1440, true},
		{"24:01", 0, false},
		{"9:00", 0, false},
		{"09.00", 0, false},
		{"12:60", 0, false},
		{"-1:00", 0, false},
		{"ab:cd", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseClock(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("Clock(%d).String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}

func TestWeekdays(t *testing.T) {
	want := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for i, code := range WeekdayCodes() {
		d, err := ParseWeekday(code)
		if err != nil || d != want[i] || WeekdayCode(d) != code {
			t.Errorf("ParseWeekday(%q) = %v, %v; want %v", code, d, err, want[i])
		}
	}
	if _, err := ParseWeekday("di"); err == nil {
		t.Error("ParseWeekday accepted the German di")
	}
}

func TestPhoneE164(t *testing.T) {
	tests := []struct{ in, want string }{
		{"089 1234-567", "+49891234567"},
		{"+49 89 123456-0", "+49891234560"},
		{"0049 89 1234", "+49891234"},
		{"+49 (0)89 123456", "+4989123456"},
		{"0176 12345678", "+4917612345678"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Phone(tt.in).E164(); got != tt.want {
			t.Errorf("Phone(%q).E164() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextGet(t *testing.T) {
	tx := Text{"de": "Beratung", "en": "Counselling", "ar": ""}
	tests := []struct{ lang, want, in string }{
		{"en", "Counselling", "en"},
		{"ar", "Beratung", "de"},
		{"uk", "Beratung", "de"},
	}
	for _, tt := range tests {
		if s, in := tx.Get(tt.lang, "de"); s != tt.want || in != tt.in {
			t.Errorf("Get(%s) = %q, %q; want %q, %q", tt.lang, s, in, tt.want, tt.in)
		}
	}
	if s, in := (Text{}).Get("de", "de"); s != "" || in != "" {
		t.Errorf("empty text Get = %q, %q", s, in)
	}
	if m := tx.Missing([]string{"de", "ar", "en", "uk"}); len(m) != 2 || m[0] != "ar" || m[1] != "uk" {
		t.Errorf("Missing = %v, want [ar uk]", m)
	}
}
