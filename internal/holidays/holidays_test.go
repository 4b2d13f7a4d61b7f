package holidays

import (
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

func has(state string, d model.Date) string {
	for _, h := range In(state, d.Year) {
		if h.Date == d {
			return h.Name
		}
	}
	return ""
}

func TestKnownDates(t *testing.T) {
	day := func(y int, m time.Month, d int) model.Date { return model.Date{Year: y, Month: m, Day: d} }
	for _, tc := range []struct {
		state string
		date  model.Date
		want  string // "" : not a holiday there
	}{
		{"BY", day(2026, 10, 3), "Tag der Deutschen Einheit"},
		{"NW", day(2026, 10, 3), "Tag der Deutschen Einheit"},
		{"", day(2026, 10, 3), "Tag der Deutschen Einheit"},
		{"BY", day(2027, 1, 6), "Heilige Drei Könige"},
		{"NW", day(2027, 1, 6), ""},
		{"BY", day(2026, 4, 3), "Karfreitag"}, // Easter 2026: 5 April
		{"BY", day(2026, 4, 6), "Ostermontag"},
		{"BY", day(2026, 5, 14), "Christi Himmelfahrt"},
		{"BY", day(2026, 5, 25), "Pfingstmontag"},
		{"BY", day(2026, 6, 4), "Fronleichnam"},
		{"BE", day(2026, 6, 4), ""},
		{"BY", day(2027, 5, 6), "Christi Himmelfahrt"}, // Easter 2027: 28 March
		{"SN", day(2026, 11, 18), "Buß- und Bettag"},
		{"BY", day(2026, 11, 18), ""},
		{"SN", day(2027, 11, 17), "Buß- und Bettag"},
		{"BE", day(2027, 3, 8), "Internationaler Frauentag"},
		{"HH", day(2026, 10, 31), "Reformationstag"},
		{"BY", day(2026, 10, 31), ""},
		{"NW", day(2026, 11, 1), "Allerheiligen"},
		{"TH", day(2026, 9, 20), "Weltkindertag"},
		{"BY", day(2026, 12, 24), ""},
	} {
		if got := has(tc.state, tc.date); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.state, tc.date, got, tc.want)
		}
	}
	for y, want := range map[int]model.Date{2024: day(2024, 3, 31), 2025: day(2025, 4, 20), 2026: day(2026, 4, 5), 2038: day(2038, 4, 25), 2285: day(2285, 3, 22)} {
		if got := Easter(y); got != want {
			t.Errorf("Easter %d: %s, want %s", y, got, want)
		}
	}
	for _, s := range []string{"Bayern", "BY", "DE-BY", "bayern"} {
		if c, ok := State(s); !ok || c != "BY" {
			t.Errorf("State(%q) = %q, %v", s, c, ok)
		}
	}
	if n := len(Between("BY", day(2026, 12, 1), day(2027, 1, 31))); n != 4 {
		t.Errorf("%d holidays in Bavaria from December to January, want 4", n)
	}
}
