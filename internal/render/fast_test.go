package render

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// TestFastPathsMatchTemplates renders the pages the fast paths write
// (course pages; course cards on course lists, district and language
// pages) with them and with the templates they stand for, in both link
// modes, and compares the bytes: first the example as it is, then with a
// course whose texts, address, phone, e-mail and registration URL carry
// what escaping must handle (markup, quotes, ampersands, plus signs, a
// javascript: URL, bytes a URL may not hold).
func TestFastPathsMatchTemplates(t *testing.T) {
	kinds := map[string]bool{site.KindCourse: true, site.KindCourseSet: true, site.KindDistrict: true, site.KindLanguage: true}
	for _, base := range []string{"", "https://example.org/wegweiser/"} {
		// German, Arabic (right to left), Tigrinya and Somali (many texts
		// fall back to English) and the Leichte Sprache edition: more
		// languages add time, not cases.
		s, fast := exampleSiteIn(t, base, "de", "ar", "ti", "so")
		if !fast.fast {
			t.Fatal("the default theme does not take the fast paths")
		}
		slow, err := newRenderer(fast.cfg, false)
		if err != nil {
			t.Fatal(err)
		}
		course := func(p *site.Page) bool { return kinds[p.Kind] }
		compare := func(round string) {
			t.Helper()
			n, diffs := renderBoth(t, s, fast, slow, course)
			if len(diffs) > 0 {
				t.Errorf("base %q, %s: %d of %d pages differ between the fast paths (first) and the templates (second), e.g. %s", base, round, len(diffs), n, diffs[0])
			}
			if n < 100 {
				t.Errorf("base %q, %s: only %d pages compared", base, round, n)
			}
		}
		compare("example")

		// The same course, made hostile, in every language; the caches
		// would hold its old card.
		var c *model.Course
		for _, p := range s.Pages {
			if x, ok := p.Data.(*model.Course); ok && x.Registration != nil && len(x.SupportLanguages) > 0 {
				c = x
				break
			}
		}
		if c == nil {
			t.Fatal("the example has no course with registration and support languages")
		}
		c.Title = model.Text{"de": `<script>alert("x")</script> & 'Kurs' + A1`, "ar": `دورة <b>"عربية"</b>`}
		c.Description = model.Text{"en": "only in English: <i>&amp;</i>"}
		c.Level = `A1+ <B1>`
		c.Units = 700
		c.Location.Street = `Straße "am" <Platz> 1 & 2`
		c.Location.Geo = nil // the map link searches for the address
		c.Registration = &model.Registration{Phone: "+49 (89) 123-45 <6>", Email: `a&b+"x"@example.org`,
			URL: "javascript:alert(1)"}
		seats := 0
		c.SeatsFree, c.Childcare, c.WomenOnly = &seats, true, true
		fast.fragments, slow.fragments = nil, nil
		compare("hostile course")
		c.Registration.URL = "https://example.org/anmeldung?kurs=a b&x=\"ü\"%41%zz"
		c.LastVerified = model.Date{}
		seats = 3
		compare("hostile URL")
	}
}

// TestFastPathsFollowTheTheme: a theme that changes course.html or
// partials.html gets its templates, not the fast paths.
func TestFastPathsFollowTheTheme(t *testing.T) {
	for _, name := range fastFiles {
		def, err := fs.ReadFile(themes.Default(), name)
		if err != nil {
			t.Fatal(err)
		}
		theme := themes.Overlay(fstest.MapFS{name: {Data: append(def, "\n{{/* changed */}}\n"...)}}, themes.Default())
		if fastPathsApply(theme) {
			t.Errorf("%s changed: the fast paths still apply", name)
		}
	}
	if !fastPathsApply(themes.Default()) {
		t.Errorf("the default theme does not take the fast paths")
	}
	// A course page of a theme with its own course.html shows it.
	s, r := exampleSite(t, "")
	def, _ := fs.ReadFile(themes.Default(), "templates/course.html")
	own := strings.Replace(string(def), `<dl class="facts">`, `<dl class="facts own">`, 1)
	cfg := r.cfg
	cfg.Theme = themes.Overlay(fstest.MapFS{"templates/course.html": {Data: []byte(own)}}, themes.Default())
	mine, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Pages {
		if p.Kind == site.KindCourse {
			var b bytes.Buffer
			if err := mine.Render(&b, s, p); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), `<dl class="facts own">`) {
				t.Errorf("%s: the theme's course.html was not used", p.Path())
			}
			break
		}
	}
}
