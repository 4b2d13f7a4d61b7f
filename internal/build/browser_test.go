package build

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/internal/testtools"
)

// browserTools returns the paths of Chromium, node and the browser test
// directory, or skips the test (fails it under CI) when one is missing.
func browserTools(t *testing.T) (chromium, node, dir string) {
	t.Helper()
	chromium = testtools.Chromium(t)
	node, dir = testtools.Node(t, "playwright-core")
	return chromium, node, dir
}

// serveFiles serves built files on loopback with the site's headers, as a
// static host would, plus axe-core at /__axe.js so that the CSP ('self')
// stays enforced while axe runs.
func serveFiles(t *testing.T, files map[string][]byte, axe []byte) *httptest.Server {
	srv := httptest.NewServer(filesHandler(files, axe))
	t.Cleanup(srv.Close)
	return srv
}

// filesHandler serves files with the headers of their _headers file.
func filesHandler(files map[string][]byte, axe []byte) http.Handler {
	rules := ParseHeaders(files["_headers"])
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range rules.For(r.URL.Path) {
			w.Header().Set(h.Name, h.Value)
		}
		if r.URL.Path == "/__axe.js" {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(axe)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		b, ok := files[name]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write(files["404.html"])
			return
		}
		switch path.Ext(name) {
		case ".html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		case ".css":
			w.Header().Set("Content-Type", "text/css")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript")
		case ".yml":
			w.Header().Set("Content-Type", "text/yaml")
		}
		w.Write(b)
	})
}

type pageResult struct {
	Path        string
	Status      int
	H1          string
	Lang, Dir   string
	Main        int
	OpenNow     *string
	ScrollWidth int
	Errors      []string
	External    []string
	Axe         []struct {
		ID, Impact, Help string
		Nodes            []string
	}
}

// runBrowser runs pages.mjs with args and decodes its JSON output into v.
func runBrowser(t *testing.T, node, chromium, dir string, v any, args ...string) {
	t.Helper()
	runScript(t, node, chromium, dir, "pages.mjs", v, args...)
}

// runScript runs a browser script of tests/browser with args and decodes
// its JSON output into v.
func runScript(t *testing.T, node, chromium, dir, script string, v any, args ...string) {
	t.Helper()
	cmd := exec.Command(node, append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("browser run failed: %v\n%s", err, stderr)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("browser output: %v\n%s", err, out)
	}
}

// TestOpenNow sets the browser's clock and reads the office pages' status
// line: open during walk-in hours, "by appointment" during appointment
// hours (never "closed"), nothing at all for an office with appointments
// only when none is running, and closed during a closure.
func TestOpenNow(t *testing.T) {
	chromium, node, dir := browserTools(t)
	srv := serveFiles(t, buildExample(t, ""), nil)
	tests := []struct {
		path  string
		times []string // Munich is UTC+1 in winter
		want  []string
		today []int
	}{
		// caritas-mbe-maxvorstadt: Mo 13–17 walk-in; Tu–Th 9–12 by appointment; closed 24 Dec – 6 Jan.
		{"/de/offices/caritas-mbe-maxvorstadt/",
			[]string{"2026-11-23T13:30:00Z", "2026-11-24T09:30:00Z", "2026-11-28T10:00:00Z", "2026-12-28T13:30:00Z"},
			[]string{"Jetzt geöffnet", "Nur mit Termin", "Gerade nicht geöffnet", "Gerade nicht geöffnet"},
			[]int{1, 1, 0, 1}},
		// diakonie-mbe-schwabing: appointments only (Mo, We, Fr 9–13).
		{"/ar/offices/diakonie-mbe-schwabing/",
			[]string{"2026-11-23T09:00:00Z", "2026-11-28T10:00:00Z"},
			[]string{"بموعد مسبق فقط", ""},
			[]int{1, 0}},
	}
	for _, tt := range tests {
		var got []struct {
			Status string
			Today  int
		}
		runBrowser(t, node, chromium, dir, &got, append([]string{"status", srv.URL, tt.path}, tt.times...)...)
		for i := range tt.times {
			if got[i].Status != tt.want[i] || got[i].Today != tt.today[i] {
				t.Errorf("%s at %s: status %q with %d slots marked today, want %q and %d", tt.path, tt.times[i], got[i].Status, got[i].Today, tt.want[i], tt.today[i])
			}
		}
	}
}

// TestAdvisorFilter uses the directory's instant filter in Chromium: the
// rows left are exactly those of the pre-built page for the same filter.
func TestAdvisorFilter(t *testing.T) {
	chromium, node, dir := browserTools(t)
	files := buildExample(t, "")
	srv := serveFiles(t, files, nil)
	var got []struct {
		Before, After int
		Output        string
		FormShown     bool
		Names         []string
	}
	runBrowser(t, node, chromium, dir, &got, "filter", srv.URL, "/ar/advisors/", "lang=uk", "program=mbe")
	if len(got) != 1 {
		t.Fatalf("results: %v", got)
	}
	r := got[0]
	// The pre-built page for Ukrainian, restricted to MBE, by hand.
	want := 0
	for _, row := range strings.Split(string(files["ar/advisors/languages/uk/index.html"]), "<tr data-name=")[1:] {
		if strings.Contains(row[:strings.Index(row, ">")], `data-programs="mbe`) {
			want++
		}
	}
	if !r.FormShown || r.Before < 40 || r.After != want || want == 0 || !strings.Contains(r.Output, fmt.Sprint(want)) {
		t.Errorf("filter: form shown %v, %d rows before, %d after (want %d), output %q", r.FormShown, r.Before, r.After, want, r.Output)
	}
}

// TestBrowser opens every page kind in German, Arabic and Ukrainian in
// headless Chromium: each renders (status 200, a heading, content, the
// right lang and dir, no console error or CSP violation, no horizontal
// scrolling at 360 px) and axe-core finds no WCAG 2.1 A/AA violation.
func TestBrowser(t *testing.T) {
	chromium, node, dir := browserTools(t)
	// Relative links: the site works under the test server's address.
	st, err := site.ParseStatistics(strings.NewReader(`{"from":"2025-12","to":"2026-11","suppressed_below":5,"tables":[
		{"dimension":"month","rows":[{"value":"2025-12","count":45},{"value":"2026-11","count":12}],"total":57},
		{"dimension":"source","rows":[{"value":"jobcenter","count":50},{"value":"auslaenderbehoerde","count":"suppressed"},{"value":"clearing","count":"suppressed"}],"total":57},
		{"dimension":"outcome","rows":[{"value":"closed","count":"suppressed"},{"value":"accepted","count":"suppressed"}],"total":57}]}`))
	if err != nil {
		t.Fatal(err)
	}
	files := buildExampleWith(t, Config{Statistics: st})
	axe, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	srv := serveFiles(t, files, axe)
	keys := []string{"", "districts/", "districts/maxvorstadt/", "languages/", "languages/ar/", "topics/", "topics/residence/",
		"providers/", "providers/caritas-muenchen/", "offices/caritas-mbe-maxvorstadt/", "offices/diakonie-mbe-schwabing/",
		"offers/caritas-anerkennung/", "courses/", "courses/mvhs-general-2026-001/", "courses/types/literacy/",
		"courses/months/2027-01/", "advisors/", "advisors/languages/ar/", "advisors/districts/maxvorstadt/", "programs/jmd/", "mbe-jmd/", "ueber-uns/", "statistics/", "open-data/", "search/"}
	var paths []string
	for _, lang := range []string{"de", "ar", "uk"} {
		for _, k := range keys {
			paths = append(paths, "/"+lang+"/"+k)
		}
	}
	paths = append(paths, "/", "/does-not-exist")
	var results []pageResult
	runBrowser(t, node, chromium, dir, &results, append([]string{"check", srv.URL}, paths...)...)
	// The staff edition's own pages.
	isrv := serveFiles(t, buildExampleWith(t, Config{Edition: "internal"}), axe)
	var internal []pageResult
	ipaths := []string{"/de/refer/", "/de/quality/", "/de/advisors/", "/ar/refer/", "/ar/offices/caritas-mbe-maxvorstadt/"}
	runBrowser(t, node, chromium, dir, &internal, append([]string{"check", isrv.URL}, ipaths...)...)
	results = append(results, internal...)
	paths = append(paths, ipaths...)
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d pages", len(results), len(paths))
	}
	for _, r := range results {
		lang, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		wantStatus := 200
		if r.Path == "/does-not-exist" {
			wantStatus, lang = 404, "de"
		}
		if r.Path == "/" {
			lang = "de"
		}
		wantDir := "ltr"
		if lang == "ar" {
			wantDir = "rtl"
		}
		if r.Status != wantStatus || r.H1 == "" || r.Main < 20 || r.Lang != lang || r.Dir != wantDir {
			t.Errorf("%s: status %d, h1 %q, %d characters of content, lang %q dir %q", r.Path, r.Status, r.H1, r.Main, r.Lang, r.Dir)
		}
		if wantStatus == 404 && len(r.Errors) == 1 && strings.Contains(r.Errors[0], "404") {
			r.Errors = nil // the page itself
		}
		if len(r.Errors) > 0 {
			t.Errorf("%s: console errors (CSP violations show here): %v", r.Path, r.Errors)
		}
		if r.ScrollWidth > 320 {
			t.Errorf("%s: %d px wide at a 320 px viewport: the page scrolls sideways", r.Path, r.ScrollWidth)
		}
		if len(r.External) > 0 {
			t.Errorf("%s: requests outside the site: %v", r.Path, r.External)
		}
		for _, v := range r.Axe {
			t.Errorf("%s: axe %s (%s): %s at %v", r.Path, v.ID, v.Impact, v.Help, v.Nodes)
		}
		// An office with walk-in hours always gets a status line (TestOpenNow checks its words).
		if strings.Contains(r.Path, "/offices/caritas-mbe-maxvorstadt/") && (r.OpenNow == nil || *r.OpenNow == "") {
			t.Errorf("%s: the script did not say whether the office is open now", r.Path)
		}
	}
	t.Logf("%d pages checked in Chromium with axe-core", len(results))
}
