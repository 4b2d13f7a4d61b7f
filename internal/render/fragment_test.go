package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// TestFragmentsArePure renders every page of the example twice, with the
// fragment cache and without it, in both link modes: a partial rendered
// through View.Fragment that depended on the page (not only on its value,
// language and link prefix) would differ between the two. What each page
// read must not differ either: a fragment from the cache hands the page
// the reads it recorded when rendered. Every page kind
// is rendered in five of the fourteen languages, which cover both
// directions, the English and German fallbacks and Leichte Sprache; the
// fragments do not differ by language otherwise (make test's time).
func TestFragmentsArePure(t *testing.T) {
	langs := map[string]bool{"": true, "de": true, "en": true, "ar": true, "ti": true, "de-simple": true}
	some := func(p *site.Page) bool { return langs[p.Lang] }
	for _, base := range []string{"", "https://example.org/wegweiser/"} {
		s, cached := exampleSite(t, base)
		plain := *cached
		plain.fragments = nil
		if n, diffs := renderBoth(t, s, cached, &plain, some); len(diffs) > 0 {
			t.Errorf("base %q: %d of %d pages differ with the fragment cache, e.g.:\n%s", base, len(diffs), n, diffs[0])
		}
		hits := 0
		cached.fragments.Range(func(_, m any) bool {
			m.(*sync.Map).Range(func(_, _ any) bool { hits++; return true })
			return true
		})
		if hits == 0 {
			t.Errorf("base %q: no fragment was cached", base)
		}
	}
}

// renderBoth renders the pages of s that keep accepts (nil: all) with a
// and with b, and returns how many it rendered and, for each that differs
// in its HTML or in what it read (site.Reads), its path and how.
func renderBoth(t *testing.T, s *site.Site, a, b *Renderer, keep func(*site.Page) bool) (n int, diffs []string) {
	t.Helper()
	var x, y bytes.Buffer
	for _, p := range s.Pages() {
		if keep != nil && !keep(p) {
			continue
		}
		x.Reset()
		y.Reset()
		ra, err := a.Render(&x, s, p)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Render(&y, s, p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			diffs = append(diffs, p.Path()+":\n"+firstDiff(x.String(), y.String()))
		}
		if !reflect.DeepEqual(ra, rb) {
			diffs = append(diffs, fmt.Sprintf("%s: reads %+v and %+v", p.Path(), *ra, *rb))
		}
	}
	return n, diffs
}

// firstDiff shows where two renderings part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "first:  …" + a[from:min(len(a), i+80)] + "\nsecond: …" + b[from:min(len(b), i+80)]
}

// exampleSite loads the example site and a renderer for it.
func exampleSite(tb testing.TB, base string) (*site.Site, *Renderer) {
	return exampleSiteIn(tb, base)
}

// exampleSiteIn is exampleSite in some of the example's interface
// languages only (all without langs): for tests that compare two
// renderings of every page, where more languages add time, not cases.
func exampleSiteIn(tb testing.TB, base string, langs ...string) (*site.Site, *Renderer) {
	tb.Helper()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	src := os.DirFS("../..")
	dir, problems := load.Load(src, load.Options{Now: now})
	if dir == nil {
		tb.Fatal(problems)
	}
	if len(langs) > 0 {
		dir.Site.Languages = langs
	}
	theme := themes.Default()
	strs, err := i18n.Load(dir.Site.Languages, dir.Site.DefaultLanguage, theme, src)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := site.New(dir, site.Options{Today: model.DateOf(now)})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := New(Config{Theme: theme, Strings: strs, BaseURL: base})
	if err != nil {
		tb.Fatal(err)
	}
	return s, r
}

// BenchmarkRender renders the example's pages of one kind per op, in all
// languages (go test ./internal/render -bench Render -benchmem); the
// fragment cache is warm after the first op, as in a build. The kinds
// with "-own-theme" render with a theme whose course page and course card
// differ from the default theme's: its output changes, its speed does not
// (there is one rendering path, whatever the theme).
func BenchmarkRender(b *testing.B) {
	s, r := exampleSite(b, "")
	own := ownTheme(b)
	ownR, err := New(Config{Theme: own, Strings: r.cfg.Strings})
	if err != nil {
		b.Fatal(err)
	}
	for _, run := range []struct {
		kind, name, marker string
		r                  *Renderer
	}{
		{site.KindCourse, "course", "", r},
		{site.KindCourse, "course-own-theme", `<p class="own">`, ownR},
		{site.KindCourseSet, "courseset", "", r},
		{site.KindCourseSet, "courseset-own-theme", `<h3 class="own">`, ownR},
		{site.KindOffice, "office", "", r},
		{site.KindDistrict, "district", "", r},
		{site.KindAdvisorSet, "advisorset", "", r},
	} {
		var pages []*site.Page
		for _, p := range s.Pages() {
			if p.Kind == run.kind {
				pages = append(pages, p)
			}
		}
		b.Run(run.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				for _, p := range pages {
					buf.Reset()
					if _, err := run.r.Render(&buf, s, p); err != nil {
						b.Fatal(err)
					}
					if !bytes.Contains(buf.Bytes(), []byte(run.marker)) {
						b.Fatalf("%s lacks the theme's %s", p.Path(), run.marker)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages)), "ns/page")
		})
	}
}

// ownTheme is the default theme with a line added to the course page and
// a class to the course card.
func ownTheme(tb testing.TB) fs.FS {
	tb.Helper()
	edit := func(name, old, new string) *fstest.MapFile {
		b, err := fs.ReadFile(themes.Default(), name)
		if err != nil || !bytes.Contains(b, []byte(old)) {
			tb.Fatalf("%s has no %q (%v)", name, old, err)
		}
		return &fstest.MapFile{Data: bytes.Replace(b, []byte(old), []byte(new), 1)}
	}
	return themes.Overlay(fstest.MapFS{
		"templates/course.html":   edit("templates/course.html", `<h1>{{template "text" .Title}}</h1>`, `<h1>{{template "text" .Title}}</h1><p class="own">{{.TypeName}}</p>`),
		"templates/partials.html": edit("templates/partials.html", `{{define "course-card"}}{{with .V.Course .X}}<h3>`, `{{define "course-card"}}{{with .V.Course .X}}<h3 class="own">`),
	}, themes.Default())
}

// TestLanguageLinksMatchTemplate checks the Go-written language links
// against the template loop they replace (the switcher lists the page's
// own language first), escaping included, on every page of the example.
func TestLanguageLinksMatchTemplate(t *testing.T) {
	s, r := exampleSite(t, "")
	loop := template.Must(template.New("").Parse(`{{range .Alternates}}
<link rel="alternate" hreflang="{{.Lang}}" href="{{.URL}}">{{end}}|{{range .Alternates}}{{if .Current}}
<li><a href="{{.URL}}" hreflang="{{.Lang}}" lang="{{.Lang}}" dir="{{.Dir}}" aria-current="true">{{.Native}}</a></li>{{end}}{{end}}{{range .Alternates}}{{if not .Current}}
<li><a href="{{.URL}}" hreflang="{{.Lang}}" lang="{{.Lang}}" dir="{{.Dir}}">{{.Native}}</a></li>{{end}}{{end}}`))
	for _, p := range s.Pages() {
		v := r.view(s, p)
		var want strings.Builder
		if err := loop.Execute(&want, v); err != nil {
			t.Fatal(err)
		}
		if got := string(v.AlternateLinks() + "|" + v.LanguageSwitcher()); got != want.String() {
			t.Fatalf("%s: language links\n%s\nwant (as the template loop writes them)\n%s", p.Path(), got, want.String())
		}
	}
}
