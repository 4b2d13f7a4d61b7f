package build

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// testToday is the date the tests build as of: the example's closures and
// courses are judged against it.
var testToday = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// memWriter collects the files of a build.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	if _, dup := m.files[name]; dup {
		return errors.New("written twice: " + name)
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

func buildExample(t *testing.T, base string) map[string][]byte {
	t.Helper()
	return buildExampleWith(t, Config{BaseURL: base})
}

// exampleBuilds holds the files of example builds by configuration: most
// tests read the same build, and the example with its fourteen languages
// takes seconds to build on two cores. The maps are shared: tests read
// them and never change them.
var exampleBuilds sync.Map // Config (comparable fields only) → *exampleBuild

type exampleBuild struct {
	once  sync.Once
	files map[string][]byte
	err   error
}

// buildExampleWith builds the example site with cfg's other settings, once
// per configuration (see exampleBuilds) when cfg has only a base URL and
// an edition.
func buildExampleWith(t *testing.T, cfg Config) map[string][]byte {
	t.Helper()
	if (cfg == Config{BaseURL: cfg.BaseURL, Edition: cfg.Edition}) {
		v, _ := exampleBuilds.LoadOrStore(cfg, &exampleBuild{})
		b := v.(*exampleBuild)
		b.once.Do(func() { b.files, b.err = buildExampleFiles(cfg) })
		if b.err != nil {
			t.Fatal(b.err)
		}
		return b.files
	}
	files, err := buildExampleFiles(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// exampleStatistics is a statistics export (Config.Statistics) of the
// example, with every kind of table and suppressed counts.
const exampleStatistics = `{"from":"2025-12","to":"2026-11","suppressed_below":5,"tables":[
		{"dimension":"month","rows":[{"value":"2025-12","count":45},{"value":"2026-11","count":12}],"total":57},
		{"dimension":"source","rows":[{"value":"jobcenter","count":50},{"value":"auslaenderbehoerde","count":"suppressed"},{"value":"clearing","count":"suppressed"}],"total":57},
		{"dimension":"provider","rows":[{"value":"caritas-muenchen","count":30},{"value":"awo-muenchen","count":27}],"total":57},
		{"dimension":"district","rows":[{"value":"maxvorstadt","count":"suppressed"},{"value":"laim","count":"suppressed"}],"total":57},
		{"dimension":"outcome","rows":[{"value":"closed","count":"suppressed"},{"value":"accepted","count":"suppressed"}],"total":57}]}`

// statisticsBuild is the example built with exampleStatistics: the
// statistics page's content (TestStatisticsPage) and layout (TestBrowser)
// are checked on one build.
var statisticsBuild exampleBuild

// buildExampleWithStatistics builds the example with exampleStatistics,
// once for all tests.
func buildExampleWithStatistics(t *testing.T) map[string][]byte {
	t.Helper()
	statisticsBuild.once.Do(func() {
		st, err := site.ParseStatistics(strings.NewReader(exampleStatistics))
		if err != nil {
			statisticsBuild.err = err
			return
		}
		statisticsBuild.files, statisticsBuild.err = buildExampleFiles(Config{Statistics: st})
	})
	if statisticsBuild.err != nil {
		t.Fatal(statisticsBuild.err)
	}
	return statisticsBuild.files
}

func buildExampleFiles(cfg Config) (map[string][]byte, error) {
	var w memWriter
	cfg.Source, cfg.Now = os.DirFS("../.."), testToday
	res, err := Build(context.Background(), cfg, &w)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if res.Problems.Errors() > 0 {
		return nil, fmt.Errorf("problems: %v", res.Problems)
	}
	return w.files, nil
}

// langs are the example's fourteen interface languages; easy is its
// Leichte Sprache edition, which has only some pages.
var langs = []string{"de", "en", "ar", "tr", "ru", "uk", "fa", "fr", "prs", "ps", "kmr", "ckb", "ti", "so"}

const easy = "de-simple"

// reviewed are the languages whose interface and data translations have
// been reviewed by a native speaker (the others carry a note).
var reviewed = langs[:2]

// TestEveryKindInEveryLanguage checks that each page kind exists in every
// interface language of the example.
func TestEveryKindInEveryLanguage(t *testing.T) {
	files := buildExample(t, "")
	keys := []string{"", "districts/", "districts/maxvorstadt/", "languages/", "languages/ar/", "topics/", "topics/residence/",
		"providers/", "providers/caritas-muenchen/", "offices/caritas-mbe-maxvorstadt/", "offers/caritas-anerkennung/",
		"courses/", "courses/mvhs-general-2026-001/", "courses/types/literacy/", "courses/districts/maxvorstadt/",
		"courses/months/2027-01/", "courses/times/evening/", "advisors/", "programs/mbe/", "programs/jmd/",
		"mbe-jmd/", "integrationskurs/", "ueber-uns/", "open-data/"}
	for _, lang := range langs {
		for _, k := range keys {
			if _, ok := files[path.Join(lang, k, "index.html")]; !ok {
				t.Errorf("missing %s", path.Join(lang, k, "index.html"))
			}
		}
	}
	for _, lang := range langs {
		for _, f := range []string{"feed.atom"} {
			if _, ok := files[lang+"/"+f]; !ok {
				t.Errorf("missing %s/%s", lang, f)
			}
		}
		for _, f := range []string{"organizations.json", "services.json", "locations.json", "service_at_locations.json"} {
			if _, ok := files["data/hsds/"+lang+"/"+f]; !ok {
				t.Errorf("missing data/hsds/%s/%s", lang, f)
			}
		}
	}
	for _, f := range []string{"index.html", "404.html", "robots.txt", "_headers", "data/directory.json", "data/offices.geojson", "data/changes.json"} {
		if _, ok := files[f]; !ok {
			t.Errorf("missing %s", f)
		}
	}
}

// parse parses an HTML page.
func parse(t *testing.T, name string, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// TestNoBrokenLinks follows every link and resource reference in every
// page, with relative links (opened from disk) and under a sub-path. The
// sub-path is checked on the example in three languages (smallExample):
// it is put before every link alike, whatever the page's language.
func TestNoBrokenLinks(t *testing.T) {
	small, _ := smallExample(t)
	var sub memWriter
	if _, err := Build(context.Background(), Config{Source: os.DirFS(small), Now: testToday, BaseURL: "https://example.org/wegweiser/"}, &sub); err != nil {
		t.Fatal(err)
	}
	for _, run := range []struct {
		base  string
		files map[string][]byte
	}{{"", buildExample(t, "")}, {"https://example.org/wegweiser/", sub.files}} {
		base, files := run.base, run.files
		checked := 0
		for name, b := range files {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			walk(parse(t, name, b), func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				for _, key := range []string{"href", "src"} {
					v, ok := attr(n, key)
					if !ok || strings.HasPrefix(v, "#") {
						continue
					}
					v = strings.TrimPrefix(v, "https://example.org") // canonical and alternate links are absolute
					if strings.Contains(v, ":") {
						continue // tel:, mailto:, external
					}
					target := strings.SplitN(v, "#", 2)[0]
					if base != "" && strings.HasPrefix(target, "/") {
						if !strings.HasPrefix(target, "/wegweiser/") {
							t.Errorf("%s: link %q is not below the base path", name, v)
							continue
						}
						target = strings.TrimPrefix(target, "/wegweiser/")
					} else if strings.HasPrefix(target, "/") && (path.Base(name) == "404.html" || strings.HasSuffix(name, "/"+site.KeySearchNames+"index.html")) {
						target = strings.TrimPrefix(target, "/") // a 404 page (and the names page) links from the root: it is served at any depth
					} else {
						target = path.Join(path.Dir(name), target)
					}
					if strings.HasSuffix(target, "/") || target == "" || target == "." {
						target = path.Join(target, "index.html")
					}
					if _, ok := files[target]; !ok {
						t.Errorf("%s: broken link %q (%s)", name, v, target)
					}
					checked++
				}
			})
		}
		if checked < 10000 {
			t.Errorf("only %d links checked", checked)
		}
	}
}

// TestDirection checks lang and dir on the root element of every page, and
// on snippets in another language.
func TestDirection(t *testing.T) {
	files := buildExample(t, "")
	rtl := map[string]bool{"ar": true, "fa": true, "prs": true, "ps": true, "ckb": true}
	for name, b := range files {
		lang, _, ok := strings.Cut(name, "/")
		if !ok || !strings.HasSuffix(name, ".html") || !(slices.Contains(langs, lang) || lang == easy) {
			continue
		}
		doc := parse(t, name, b)
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if n.Data == "html" {
				want := "ltr"
				if rtl[lang] {
					want = "rtl"
				}
				if l, _ := attr(n, "lang"); l != lang {
					t.Errorf("%s: <html lang=%q>", name, l)
				}
				if d, _ := attr(n, "dir"); d != want {
					t.Errorf("%s: <html dir=%q>, want %s", name, d, want)
				}
			}
			// Every element that changes the language sets the direction too.
			if l, ok := attr(n, "lang"); ok && n.Data != "html" {
				if _, ok := attr(n, "dir"); !ok {
					t.Errorf("%s: <%s lang=%q> without dir", name, n.Data, l)
				}
			}
		})
	}
}

// TestFallbackNotes checks that a note marks a text exactly where its
// translation is missing: the example's data is translated into every
// interface language but for one deliberately German-only closure note,
// which appears with a note on the office page in every other language
// and nowhere else. And every page in a language whose translations have
// not been reviewed says so.
func TestFallbackNotes(t *testing.T) {
	files := buildExample(t, "")
	for name, b := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		lang, _, _ := strings.Cut(name, "/")
		want := 0
		if name == lang+"/offices/diakonie-mbe-schwabing/index.html" && lang != "de" {
			want = 1
			if !strings.Contains(string(b), `<span lang="de" dir="ltr">Teamfortbildung</span> <small class="fallback">`) {
				t.Errorf("%s: the fallback text is not marked as German", name)
			}
		}
		if notes := strings.Count(string(b), `class="fallback"`); notes != want {
			t.Errorf("%s: %d fallback notes, want %d", name, notes, want)
		}
		if !slices.Contains(langs, lang) || strings.Contains(name, "/admin/") {
			continue
		}
		if note := strings.Contains(string(b), `<p class="review">`); note != !slices.Contains(reviewed, lang) {
			t.Errorf("%s: review note %v, want %v", name, note, !note)
		}
	}
	// Markdown pages missing in a language are shown in English where it
	// exists (German readers get German), marked.
	if b := files["ar/ueber-uns/index.html"]; !strings.Contains(string(b), `class="fallback-page"`) || !strings.Contains(string(b), `<article lang="en" dir="ltr">`) {
		t.Errorf("ar/ueber-uns is not marked as an English fallback")
	}
	if b := files["ar/mbe-jmd/index.html"]; strings.Contains(string(b), `fallback-page`) {
		t.Errorf("ar/mbe-jmd exists in Arabic but is marked as a fallback")
	}
}

// TestFallbackFromTranslation builds a site with a missing translation and
// counts: every place the untranslated title appears on a page in that
// language carries the note, and no page in a translated language does.
// The site lists English in translations_need_review: every English page
// and no German one says its translation has not been reviewed.
func TestFallbackFromTranslation(t *testing.T) {
	base, err := fsWalk(os.DirFS("../load/testdata/base"), ".")
	if err != nil {
		t.Fatal(err)
	}
	src := fstest.MapFS{}
	for name, b := range base {
		src[name] = &fstest.MapFile{Data: b}
	}
	prov := string(src["data/providers/caritas.yaml"].Data)
	src["data/providers/caritas.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(prov,
		"title: {de: Migrationsberatung, en: Migration counselling, ar: استشارات الهجرة}", "title: {de: Migrationsberatung, en: Migration counselling}", 1))}
	// English data translations not yet reviewed: the English interface is,
	// so the note on English pages comes from site.yaml alone.
	site := string(src["data/site.yaml"].Data) + "translations_need_review: [en]\n"
	src["data/site.yaml"] = &fstest.MapFile{Data: []byte(site)}
	var w memWriter
	res, err := Build(context.Background(), Config{Source: src, Now: testToday}, &w)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range w.files {
		lang, _, _ := strings.Cut(name, "/")
		if (lang == "en" || lang == "de") && strings.HasSuffix(name, ".html") && strings.Contains(string(b), `<p class="review">`) != (lang == "en") {
			t.Errorf("%s: review note %v, want %v", name, lang != "en", lang == "en")
		}
	}
	if len(res.Problems) != 1 || res.Problems[0].Rule != "missing-translation" {
		t.Fatalf("problems: %v", res.Problems)
	}
	arNotes, arPlaces, enNotes := 0, 0, 0
	for name, b := range w.files {
		s := string(b)
		switch {
		case strings.HasPrefix(name, "ar/"):
			arNotes += strings.Count(s, `class="fallback"`)
			arPlaces += strings.Count(s, `<span lang="en" dir="ltr">Migration counselling</span>`)
		case strings.HasPrefix(name, "en/"):
			enNotes += strings.Count(s, `class="fallback"`)
		}
	}
	if arPlaces == 0 || arNotes != arPlaces {
		t.Errorf("Arabic pages: %d fallback notes for %d untranslated titles", arNotes, arPlaces)
	}
	if enNotes != 0 {
		t.Errorf("English pages: %d fallback notes, want 0", enNotes)
	}
}

// TestProblemsStopBuild checks that data errors come back as a diag.List
// and nothing is written.
func TestProblemsStopBuild(t *testing.T) {
	src := fstest.MapFS{}
	maps.Copy(src, fstest.MapFS{"data/site.yaml": {Data: []byte("name: X\n")}})
	var w memWriter
	_, err := Build(context.Background(), Config{Source: src, Now: testToday}, &w)
	var problems diag.List
	if !errors.As(err, &problems) || problems.Errors() == 0 {
		t.Fatalf("err = %v, want problems", err)
	}
	if len(w.files) != 0 {
		t.Errorf("%d files written despite errors", len(w.files))
	}
}

// TestSitemap checks sitemap.xml and robots.txt with a base URL:
// sitemap.xml is an index of a sitemap per language, which lists the
// language's pages with their alternates.
func TestSitemap(t *testing.T) {
	const base = "https://example.org/wegweiser/"
	files := buildExample(t, base)
	index := string(files["sitemap.xml"])
	if !strings.Contains(index, "<sitemapindex ") {
		t.Fatalf("sitemap.xml is no sitemap index:\n%.300s", index)
	}
	for _, lang := range append(slices.Clone(langs), easy) {
		name := lang + "/sitemap-1.xml"
		if !strings.Contains(index, "<loc>"+base+name+"</loc>") {
			t.Errorf("the index does not list %s", name)
		}
		if _, ok := files[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	sm := string(files["de/sitemap-1.xml"])
	for _, want := range []string{
		"<loc>https://example.org/wegweiser/de/districts/maxvorstadt/</loc>",
		`<xhtml:link rel="alternate" hreflang="ar" href="https://example.org/wegweiser/ar/districts/maxvorstadt/"></xhtml:link>`,
	} {
		if !strings.Contains(sm, want) {
			t.Errorf("de/sitemap-1.xml lacks %s", want)
		}
	}
	if n := strings.Count(sm, "<loc>"); n != strings.Count(sm, "<url>") || n < 500 {
		t.Errorf("de/sitemap-1.xml has %d locs", n)
	}
	if !strings.Contains(string(files["robots.txt"]), "Sitemap: https://example.org/wegweiser/sitemap.xml") {
		t.Errorf("robots.txt: %s", files["robots.txt"])
	}
	if !strings.Contains(string(files["de/offices/caritas-mbe-maxvorstadt/index.html"]), `<link rel="canonical" href="https://example.org/wegweiser/de/offices/caritas-mbe-maxvorstadt/">`) {
		t.Errorf("no canonical link on an office page")
	}
}

// TestSitemapLimits: where a language's pages pass a sitemap's limits
// (50,000 addresses, 50 MB; here made small) they are split over
// several files, each within both limits and listing only addresses
// below its own folder; the index lists every file, and every public page
// is listed once, in the order of the pages.
func TestSitemapLimits(t *testing.T) {
	const base = "https://example.org/"
	s := siteOf(t, "../..")
	var want []string
	for _, p := range s.Pages() {
		if p.Lang != "" && p.Kind != site.KindNotFound && p.Key != site.KeySearchNames {
			want = append(want, base+p.Lang+"/"+p.Key)
		}
	}
	for _, limit := range []struct{ urls, bytes int }{{sitemapURLs, sitemapBytes}, {100, 1 << 20}, {sitemapURLs, 40_000}} {
		files := sitemaps(s, base, limit.urls, limit.bytes)
		var index struct {
			Sitemaps []struct {
				Loc string `xml:"loc"`
			} `xml:"sitemap"`
		}
		if err := xml.Unmarshal(files["sitemap.xml"], &index); err != nil {
			t.Fatal(err)
		}
		if len(index.Sitemaps) != len(files)-1 {
			t.Errorf("limits %v: the index lists %d files of %d", limit, len(index.Sitemaps), len(files)-1)
		}
		var got []string
		split := false
		for _, e := range index.Sitemaps {
			name := strings.TrimPrefix(e.Loc, base)
			b := files[name]
			var set struct {
				URLs []struct {
					Loc   string `xml:"loc"`
					Links []struct {
						Hreflang string `xml:"hreflang,attr"`
					} `xml:"link"`
				} `xml:"url"`
			}
			if err := xml.Unmarshal(b, &set); err != nil {
				t.Fatalf("limits %v: %s: %v", limit, name, err)
			}
			if len(set.URLs) > limit.urls || len(b) > limit.bytes {
				t.Errorf("limits %v: %s has %d addresses, %d bytes", limit, name, len(set.URLs), len(b))
			}
			split = split || !strings.HasSuffix(name, "-1.xml")
			folder := base + path.Dir(name) + "/"
			for _, u := range set.URLs {
				if !strings.HasPrefix(u.Loc, folder) {
					t.Errorf("limits %v: %s lists %s, outside its folder", limit, name, u.Loc)
				}
				if len(u.Links) != len(s.Dir.Site.Languages) {
					t.Errorf("limits %v: %s: %s has %d alternates, want %d", limit, name, u.Loc, len(u.Links), len(s.Dir.Site.Languages))
				}
				got = append(got, u.Loc)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("limits %v: the sitemaps list %d addresses, want the %d public pages in order", limit, len(got), len(want))
		}
		if small := limit.urls < sitemapURLs || limit.bytes < sitemapBytes; split != small {
			t.Errorf("limits %v: split over more files per language: %v", limit, split)
		}
	}
}

// siteOf loads the site in the folder src and makes its page graph,
// without building it.
func siteOf(t *testing.T, src string) *site.Site {
	t.Helper()
	d, problems := load.Load(os.DirFS(src), load.Options{Now: testToday})
	if problems.Errors() > 0 {
		t.Fatal(problems)
	}
	s, err := site.New(d, site.Options{Today: model.DateOf(testToday)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBuildPages: `wegweiser build --pages-only` writes the Markdown pages
// and the theme's assets, nothing else.
func TestBuildPages(t *testing.T) {
	var w memWriter
	res, err := BuildPages(context.Background(), Config{Source: os.DirFS("../.."), Now: testToday}, &w)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for name := range w.files {
		switch {
		case strings.HasPrefix(name, "assets/"):
		case strings.HasSuffix(name, "/index.html") && slices.ContainsFunc([]string{"/ueber-uns/", "/mbe-jmd/", "/integrationskurs/"}, func(p string) bool { return strings.Contains(name, p) }):
			pages++
		default:
			t.Errorf("BuildPages wrote %s", name)
		}
	}
	n := 0
	for _, c := range res.Pages {
		n += c
	}
	if pages == 0 || pages != n || w.files["de/ueber-uns/index.html"] == nil {
		t.Errorf("%d Markdown pages written, the result counts %d", pages, n)
	}
}
