package i18n

import (
	"regexp"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/themes"
)

var langs = []string{"de", "en", "ar", "tr", "ru", "uk", "fa", "fr"}

// TestThemeComplete checks that the default theme's strings are complete in
// every supported language: the same keys as English, the same placeholders,
// and translated rather than copied from English.
func TestThemeComplete(t *testing.T) {
	b, err := Load(langs, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	ref := b.Keys("en")
	if len(ref) < 100 {
		t.Fatalf("only %d English keys", len(ref))
	}
	ph := regexp.MustCompile(`\{[a-z]+\}`)
	for _, lang := range langs {
		keys := b.Keys(lang)
		for _, k := range ref {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: missing key %s", lang, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(ref, k) {
				t.Errorf("%s: key %s is not in en.yaml", lang, k)
			}
		}
		same := 0
		for _, k := range ref {
			en, s := b.T("en", k), b.T(lang, k)
			p1, p2 := ph.FindAllString(en, -1), ph.FindAllString(s, -1)
			slices.Sort(p1)
			slices.Sort(p2)
			if !slices.Equal(p1, p2) {
				t.Errorf("%s: %s has placeholders %v, English has %v", lang, k, p2, p1)
			}
			if lang != "en" && s == en && len(p1) == 0 {
				same++
			}
		}
		if lang != "en" && same*10 > len(ref) {
			t.Errorf("%s: %d of %d strings are the same as in English: translate them", lang, same, len(ref))
		}
	}
}

func TestOverrideAndFallback(t *testing.T) {
	site := fstest.MapFS{"i18n/de.yaml": {Data: []byte("nav_home: Start\nextra: Nur hier\n")}}
	b, err := Load([]string{"de", "en"}, "de", themes.Default(), site)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, key, want string }{
		{"de", "nav_home", "Start"},    // the site overrides the theme
		{"de", "nav_courses", "Kurse"}, // the theme fills the rest
		{"en", "extra", "Nur hier"},    // missing in en: the default language
		{"en", "no_such_key", "no_such_key"},
	}
	for _, tt := range tests {
		if got := b.T(tt.lang, tt.key); got != tt.want {
			t.Errorf("T(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if got := b.T("de", "closed_range", "from", "1. Mai", "to", "3. Mai"); got != "Geschlossen vom 1. Mai bis 3. Mai" {
		t.Errorf("placeholders: %q", got)
	}
	if _, err := Load([]string{"de"}, "de", fstest.MapFS{"i18n/de.yaml": {Data: []byte("a: [b")}}); err == nil {
		t.Error("broken YAML accepted")
	}
}

func TestFormats(t *testing.T) {
	b, err := Load(langs, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	d := model.Date{Year: 2026, Month: time.November, Day: 21}
	tests := []struct{ got, want string }{
		{b.Date("de", d), "21. November 2026"},
		{b.Date("en", d), "21 November 2026"},
		{b.Date("ru", d), "21 ноября 2026"},
		{b.Date("ar", d), "21 نوفمبر 2026"},
		{b.Month("ru", 2026, time.November), "Ноябрь 2026"},
		{b.Month("de", 2026, time.March), "März 2026"},
		{b.Weekday("tr", time.Monday), "Pazartesi"},
		{b.Weekday("fa", time.Sunday), "یکشنبه"},
		{b.TimeRange("de", 540, 720), "09:00–12:00"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestFill(t *testing.T) {
	for _, tt := range []struct {
		s     string
		pairs []string
		want  string
	}{
		{"{from}–{to}", []string{"from", "09:00", "to", "12:00"}, "09:00–12:00"},
		{"{n} Stellen in {district}", []string{"district", "Moosach", "n", "3"}, "3 Stellen in Moosach"},
		{"{a}{a}", []string{"a", "x"}, "xx"},
		{"{unknown} and {a", []string{"a", "x"}, "{unknown} and {a"},
		{"no placeholders", []string{"a", "x"}, "no placeholders"},
		{"{a}", []string{"a", "{a}"}, "{a}"},
		{"", []string{"a", "x"}, ""},
	} {
		if got := fill(tt.s, tt.pairs); got != tt.want {
			t.Errorf("fill(%q, %q) = %q, want %q", tt.s, tt.pairs, got, tt.want)
		}
	}
}

// TestNumber groups digits by three with the language's number_group, the
// fallback language's when it has none, and not at all when neither has.
func TestNumber(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/de.yaml": {Data: []byte("number_group: \".\"\n")},
		"i18n/en.yaml": {Data: []byte("number_group: \",\"\n")},
		"i18n/fr.yaml": {Data: []byte("number_group: \"\\u202F\"\n")},
		"i18n/tr.yaml": {Data: []byte("nav_home: Ana sayfa\n")},
	}
	b, err := Load([]string{"de", "en", "fr", "tr"}, "de", fsys)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := Load([]string{"de"}, "de", fstest.MapFS{"i18n/de.yaml": {Data: []byte("nav_home: Start\n")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		b    *Bundle
		lang string
		n    int
		want string
	}{
		{b, "de", 0, "0"},
		{b, "de", 999, "999"},
		{b, "de", 1000, "1.000"},
		{b, "de", 21231, "21.231"},
		{b, "de", 123456, "123.456"},
		{b, "de", 1234567, "1.234.567"},
		{b, "de", -1234, "-1.234"},
		{b, "de", -999, "-999"},
		{b, "en", 1000000, "1,000,000"},
		{b, "fr", 16000, "16\u202f000"},
		{b, "tr", 2048, "2.048"}, // the fallback's
		{bare, "de", 31103, "31103"},
	} {
		if got := tt.b.Number(tt.lang, tt.n); got != tt.want {
			t.Errorf("Number(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
