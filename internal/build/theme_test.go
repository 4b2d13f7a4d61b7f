package build

import (
	"context"
	"encoding/json"
	"html"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/themes"
)

// siteWith returns the example site with extra files laid over it.
func siteWith(t *testing.T, extra fstest.MapFS) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("../..")
	for _, dir := range []string{"data", "content"} {
		entries, err := fsWalk(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range entries {
			m[name] = &fstest.MapFile{Data: b}
		}
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// TestThemeOverride shows that a site overrides any template, asset or
// string of the default theme, and keeps the rest.
func TestThemeOverride(t *testing.T) {
	src := siteWith(t, fstest.MapFS{
		"themes/default/templates/404.html": {Data: []byte(`{{define "title"}}Weg{{end}}{{define "main"}}<h1>Eigene Fehlerseite</h1>{{end}}`)},
		"themes/default/assets/style.css":   {Data: []byte("body { color: #000; }\n")},
		"i18n/de.yaml":                      {Data: []byte("nav_courses: Deutschkurse\n")},
	})
	var w memWriter
	if _, err := Build(context.Background(), Config{Source: src, Now: testToday}, &w); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(w.files["404.html"]), "<h1>Eigene Fehlerseite</h1>") {
		t.Errorf("template override not used")
	}
	home := string(w.files["de/index.html"])
	if !strings.Contains(home, ">Deutschkurse</a>") || !strings.Contains(home, ">Stadtbezirke</a>") {
		t.Errorf("string override not used, or the other strings lost")
	}
	css := regexp.MustCompile(`assets/style\.[0-9a-f]+\.css`).FindString(home)
	if string(w.files[css]) != "body { color: #000; }\n" {
		t.Errorf("asset override not used: %s", css)
	}
	// The default theme's own script is still there.
	if !regexp.MustCompile(`assets/site\.[0-9a-f]+\.js`).MatchString(home) {
		t.Errorf("default assets lost")
	}
	if _, err := themes.Default().Open("templates/base.html"); err != nil {
		t.Errorf("embedded theme: %v", err)
	}
}

// TestJSONLD parses the schema.org data of office, offer and course pages.
func TestJSONLD(t *testing.T) {
	files := buildExample(t, "https://example.org/")
	re := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	tests := []struct{ page, typ, name string }{
		{"en/offices/caritas-mbe-maxvorstadt/index.html", "ProfessionalService", "Caritas Migrationsdienst Maxvorstadt"},
		{"ar/offers/caritas-anerkennung/index.html", "Service", "استشارة حول الاعتراف بالشهادات الأجنبية"},
		{"de/courses/mvhs-general-2026-001/index.html", "Course", "Allgemeiner Integrationskurs A1–B1"},
	}
	for _, tt := range tests {
		m := re.FindSubmatch(files[tt.page])
		if m == nil {
			t.Errorf("%s: no JSON-LD", tt.page)
			continue
		}
		var v map[string]any
		if err := json.Unmarshal(m[1], &v); err != nil {
			t.Errorf("%s: JSON-LD does not parse: %v\n%s", tt.page, err, m[1])
			continue
		}
		if v["@context"] != "https://schema.org" || v["@type"] != tt.typ || v["name"] != tt.name {
			t.Errorf("%s: %v", tt.page, v)
		}
	}
	var course map[string]any
	json.Unmarshal(re.FindSubmatch(files["de/courses/mvhs-general-2026-001/index.html"])[1], &course)
	inst := course["hasCourseInstance"].(map[string]any)
	if inst["startDate"] != "2026-12-01" || inst["courseSchedule"].(map[string]any)["startTime"] != "08:30" {
		t.Errorf("course instance: %v", inst)
	}
	if strings.Contains(string(files["de/index.html"]), "ld+json") {
		t.Errorf("JSON-LD on the home page")
	}
}

// fsWalk reads every file below dir of fsys.
func fsWalk(fsys fs.FS, dir string) (map[string][]byte, error) {
	m := map[string][]byte{}
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		m[p] = b
		return err
	})
	return m, err
}

// TestStatisticsPage publishes an export file as a page in every language.
func TestStatisticsPage(t *testing.T) {
	files := buildExampleWithStatistics(t)
	strs, err := i18n.Load(langs, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		page := string(files[lang+"/statistics/index.html"])
		if !strings.Contains(page, `<table class="stats">`) || strings.Count(page, `<td>`+html.EscapeString(strs.T(lang, "stats_suppressed"))+`</td>`) != 6 || !strings.Contains(page, ">57<") {
			t.Errorf("%s statistics page:\n%s", lang, page)
		}
		if !strings.Contains(string(files[lang+"/index.html"]), "statistics/index.html") {
			t.Errorf("%s home does not link the statistics", lang)
		}
	}
	de := string(files["de/statistics/index.html"])
	for _, want := range []string{"Ausländerbehörde", "Caritasverband", "Maxvorstadt", "Dezember 2025", "Abgeschlossen", "verborgen"} {
		if !strings.Contains(de, want) {
			t.Errorf("de statistics page lacks %q", want)
		}
	}
	if _, ok := buildExample(t, "")["de/statistics/index.html"]; ok {
		t.Errorf("a statistics page without an export file")
	}
}
