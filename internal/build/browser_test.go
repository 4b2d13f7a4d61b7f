package build

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/testtools"
	"github.com/wegweiser-de/wegweiser/themes"
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
// static host would.
func serveFiles(t *testing.T, files map[string][]byte) *httptest.Server {
	srv := httptest.NewServer(filesHandler(files))
	t.Cleanup(srv.Close)
	return srv
}

// filesHandler serves files with the headers of their _headers file and,
// for a missing file, the "not found" page of its language as the
// _redirects file's 404 rules do (the root's for paths outside one).
func filesHandler(files map[string][]byte) http.Handler {
	rules := ParseHeaders(files["_headers"])
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range rules.For(r.URL.Path) {
			w.Header().Set(h.Name, h.Value)
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		b, ok := files[name]
		if !ok {
			notFound := files["404.html"]
			if lang, _, ok := strings.Cut(name, "/"); ok && files[lang+"/404.html"] != nil {
				notFound = files[lang+"/404.html"]
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(notFound)
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
	Path      string
	Status    int
	H1        string
	Lang, Dir string
	Main      int
	OpenNow   *string
	Errors    []string
	External  []string
	Axe       []struct {
		ID, Impact, Help string
		Nodes            []string
		Width            int // the window's width axe ran at
	}
	Layout []struct {
		ScrollWidth, Width, Header int
		Overflow, Splits, Squeezed []string
	}
}

// runBrowser runs a command of pages.mjs with args in the browser the
// package's tests share (sharedPages) and decodes its results into v.
func runBrowser(t *testing.T, node, chromium, dir string, v any, args ...string) {
	t.Helper()
	out, err := sharedPages.run(node, chromium, dir, args)
	if err != nil {
		t.Fatalf("browser run %s failed: %v", args[0], err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("browser output: %v\n%s", err, out)
	}
}

// sharedPages is the one `node pages.mjs serve` process, with one
// Chromium, that the package's browser tests send their runs to: started
// by the first, stopped by TestMain. Chromium starts once per test binary
// instead of once per run, and the runs of parallel tests go on side by
// side in contexts of their own.
var sharedPages pagesProcess

type pagesProcess struct {
	once  sync.Once
	start error
	stdin io.WriteCloser
	done  chan struct{} // closed when the process has ended
	mu    sync.Mutex
	next  int
	wait  map[int]chan pagesReply
	err   error // why the process ended, once it has
	logMu sync.Mutex
	log   bytes.Buffer // its stderr
}

type pagesReply struct {
	ID      int
	Results json.RawMessage
	Error   string
}

// run sends one command and waits for its results.
func (p *pagesProcess) run(node, chromium, dir string, args []string) (json.RawMessage, error) {
	p.once.Do(func() { p.start = p.launch(node, chromium, dir) })
	if p.start != nil {
		return nil, p.start
	}
	p.mu.Lock()
	if p.err != nil {
		p.mu.Unlock()
		return nil, p.err
	}
	p.next++
	id, reply := p.next, make(chan pagesReply, 1)
	p.wait[id] = reply
	line, _ := json.Marshal(map[string]any{"id": id, "args": args})
	_, err := p.stdin.Write(append(line, '\n'))
	p.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("pages.mjs: %w", err)
	}
	select {
	case r := <-reply:
		if r.Error != "" {
			return nil, errors.New(r.Error)
		}
		return r.Results, nil
	case <-p.done:
		p.mu.Lock()
		err := p.err
		p.mu.Unlock()
		p.logMu.Lock()
		defer p.logMu.Unlock()
		return nil, fmt.Errorf("pages.mjs ended: %v\n%s", err, p.log.String())
	}
}

func (p *pagesProcess) launch(node, chromium, dir string) error {
	cmd := exec.Command(node, filepath.Join(dir, "pages.mjs"), "serve")
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	cmd.Dir = dir
	cmd.Stderr = &lockedWriter{mu: &p.logMu, w: &p.log}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start pages.mjs: %w", err)
	}
	p.stdin, p.wait, p.done = stdin, map[int]chan pagesReply{}, make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 256<<20)
		for sc.Scan() {
			var r pagesReply
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				continue // not a reply
			}
			p.mu.Lock()
			if c, ok := p.wait[r.ID]; ok {
				c <- r
				delete(p.wait, r.ID)
			}
			p.mu.Unlock()
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.err = fmt.Errorf("pages.mjs exited: %v", err)
		p.mu.Unlock()
		close(p.done)
	}()
	return nil
}

// stop ends the process (closing its input lets it finish its runs and
// close the browser).
func (p *pagesProcess) stop() {
	if p.stdin == nil {
		return
	}
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
	}
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// TestMain stops the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	sharedPages.stop()
	os.Exit(code)
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
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	srv := serveFiles(t, buildExample(t, ""))
	tests := []struct {
		path  string
		times []string // Munich is UTC+1 in winter
		want  []string
		today []int
	}{
		// caritas-mbe-maxvorstadt: Mo 13–17 walk-in; Tu–Th 9–12 by appointment; closed 24 Dec – 6 Jan.
		// 2027-05-06 (Thursday) is Ascension Day, a public holiday.
		{"/de/offices/caritas-mbe-maxvorstadt/",
			[]string{"2026-11-23T13:30:00Z", "2026-11-24T09:30:00Z", "2026-11-28T10:00:00Z", "2026-12-28T13:30:00Z", "2027-05-06T08:30:00Z", "2027-05-04T08:30:00Z"},
			[]string{"Jetzt geöffnet", "Nur mit Termin", "Gerade nicht geöffnet", "Gerade nicht geöffnet", "Gerade nicht geöffnet", "Nur mit Termin"},
			[]int{1, 1, 0, 1, 1, 1}},
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
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	files := buildExample(t, "")
	srv := serveFiles(t, files)
	var got []struct {
		Before, After int
		Output        string
		FormShown     bool
		Names         []string
	}
	// The rows of a pre-built page in a language and MBE, by hand.
	count := func(page, lang string) int {
		n := 0
		for _, row := range strings.Split(string(files[page]), "<tr data-name=")[1:] {
			tag := row[:strings.Index(row, ">")]
			if strings.Contains(tag, `data-programs="mbe`) && strings.Contains(" "+strings.SplitN(strings.SplitN(tag, `data-langs="`, 2)[1], `"`, 2)[0]+" ", " "+lang+" ") {
				n++
			}
		}
		return n
	}
	tests := []struct {
		page, lang string
		before     int    // rows before the filter, at least
		prebuilt   string // the page whose rows to count
	}{
		{"/ar/advisors/", "uk", 40, "ar/advisors/languages/uk/index.html"},
		// A district's page: its form has no district filter.
		{"/de/advisors/districts/maxvorstadt/", "ar", 2, "de/advisors/districts/maxvorstadt/index.html"},
	}
	for _, tt := range tests {
		runBrowser(t, node, chromium, dir, &got, "filter", srv.URL, tt.page, "lang="+tt.lang, "program=mbe")
		if len(got) != 1 {
			t.Fatalf("results: %v", got)
		}
		r := got[0]
		want := count(tt.prebuilt, tt.lang)
		if !r.FormShown || r.Before < tt.before || r.After != want || want == 0 || r.After == r.Before || !strings.Contains(r.Output, fmt.Sprint(want)) {
			t.Errorf("filter %s: form shown %v, %d rows before, %d after (want %d), output %q", tt.page, r.FormShown, r.Before, r.After, want, r.Output)
		}
	}
}

// The languages, axe runs and widths of TestBrowser. make test checks
// fewer (about 80 CPU-seconds of Chromium instead of 160); make a11y, which
// .ci/run runs after make test, checks every language with axe at every
// width.
var (
	// make test: German, Arabic (right to left), Ukrainian (long words in
	// Cyrillic), Tigrinya (Ethiopic) and Leichte Sprache; "all": the
	// fourteen interface languages and Leichte Sprache.
	browserLanguages = flag.String("browser.languages", "de,ar,uk,ti,de-simple", `languages for TestBrowser, comma-separated, or "all"`)
	// axe is the costliest part of a page's check (about a CPU-second a
	// page): make test ("split") runs it once on every page kind, in
	// German on every second kind and in Arabic on the others, so both
	// directions are checked; a list of languages checks all their pages.
	axeLanguages = flag.String("browser.axe", "split", `languages whose pages TestBrowser checks with axe-core, comma-separated; "all"; or "split" (each page kind once, German or Arabic)`)
	// The widths of a small phone and a desktop (make a11y adds 360, a
	// common phone): a layout pass over every page each.
	browserWidths = flag.String("browser.widths", "320,1280", "window widths in px TestBrowser measures every page at, comma-separated")
)

// pageKinds are the example's pages of every kind, by key (one page of
// each kind; the course lists twice, as a district's list has its own
// layout); easyKinds those the Leichte Sprache edition has.
var (
	pageKinds = []string{"", "find/", "find/ar/", "find/ar/maxvorstadt/", "districts/", "districts/maxvorstadt/",
		"languages/", "languages/ar/", "topics/", "topics/residence/", "providers/", "providers/caritas-muenchen/",
		"offices/caritas-mbe-maxvorstadt/", "offices/diakonie-mbe-schwabing/", "offers/caritas-anerkennung/",
		"programs/jmd/", "courses/", "courses/mvhs-general-2026-001/", "courses/types/literacy/",
		"courses/districts/maxvorstadt/",
		"pass/maxvorstadt/", "offices/caritas-mbe-maxvorstadt/flyer/",
		"advisors/", "advisors/districts/", "advisors/districts/maxvorstadt/",
		"mbe-jmd/", "integrationskurs/", "ueber-uns/", "statistics/", "open-data/", "search/", "search/names/", "no/such/page/"}
	easyKinds = []string{"", "find/", "find/ar/maxvorstadt/", "mbe-jmd/", "integrationskurs/", "no/such/page/"}
)

// TestBrowser opens every page kind in the languages of -browser.languages
// in headless Chromium, as people would, and fails when a page
//   - does not render (status, a heading, content, the right lang and dir),
//     logs a console error or CSP violation, or loads from another host;
//   - has an axe-core violation (WCAG 2.1 A/AA and best practices; as
//     -browser.axe says: each page kind once, in de or ar; all in make
//     a11y);
//   - at 320, 360 or 1280 px has an element wider than the window, text
//     squeezed into a column a few letters wide, a phone number, e-mail
//     address or time split over two lines, or (at 360 × 800) a header
//     taller than a quarter of the screen.
func TestBrowser(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	// Relative links: the site works under the test server's address.
	files := buildExampleWithStatistics(t)
	srv := serveFiles(t, files)
	languages := strings.Split(*browserLanguages, ",")
	if *browserLanguages == "all" {
		languages = append(slices.Clone(langs), easy)
	}
	var paths []string
	for _, lang := range languages {
		kinds := pageKinds
		if lang == easy {
			kinds = easyKinds
		}
		for _, k := range kinds {
			paths = append(paths, "/"+lang+"/"+k)
		}
	}
	// Searches with results and the filters open (a filter set in the
	// address opens them): the filters' layout and axe over them.
	paths = append(paths, "/", "/does-not-exist", "/de/search/?q=beratung&district=maxvorstadt",
		"/ar/search/?q="+url.QueryEscape("استشارة")+"&kind=office")
	axeIn := strings.Split(*axeLanguages, ",")
	noAxe := func(paths []string) []string {
		var skip []string
		for _, p := range paths {
			lang, kind, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
			axe := *axeLanguages == "all" || slices.Contains(axeIn, lang) || p == "/" || p == "/does-not-exist"
			if *axeLanguages == "split" && (lang == "de" || lang == "ar") {
				i := slices.Index(pageKinds, kind)
				axe = i < 0 || (i%2 == 0) == (lang == "de") // the staff edition's pages (not kinds): all
			}
			if !axe {
				skip = append(skip, p)
			}
		}
		return skip
	}
	results := checkPages(t, node, chromium, dir, srv.URL, paths, noAxe(paths))
	// The staff edition's own pages.
	// (With a base URL its links start at the root: the build TestEditions
	// reads too.)
	isrv := serveFiles(t, buildExampleWith(t, Config{BaseURL: "https://example.org/", Edition: "internal"}))
	ipaths := []string{"/de/refer/", "/de/quality/", "/de/advisors/", "/ar/refer/", "/ar/offices/caritas-mbe-maxvorstadt/"}
	results = append(results, checkPages(t, node, chromium, dir, isrv.URL, ipaths, noAxe(ipaths))...)
	paths = append(paths, ipaths...)
	// A site with more districts than one page lists: the language
	// pages, a course type's list, the advisor directory and its lists by
	// language and program, the program pages list districts (the example
	// has too few).
	wide, _ := wideExample(t, "de", "ar")
	var ww memWriter
	if _, err := Build(context.Background(), Config{Source: os.DirFS(wide), Now: testToday}, &ww); err != nil {
		t.Fatal(err)
	}
	wsrv := serveFiles(t, ww.files)
	wpaths := []string{"/de/languages/ar/", "/ar/languages/ar/", "/de/languages/ar/neuhausen-nymphenburg/", "/ar/languages/ar/neuhausen-nymphenburg/",
		"/de/courses/types/literacy/", "/ar/courses/", "/de/advisors/", "/ar/advisors/languages/ar/", "/de/programs/mbe/"}
	// axe once per kind (the Arabic page of the two that have two).
	results = append(results, checkPages(t, node, chromium, dir, wsrv.URL, wpaths, []string{"/de/languages/ar/", "/de/languages/ar/neuhausen-nymphenburg/"})...)
	paths = append(paths, wpaths...)
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d pages", len(results), len(paths))
	}
	rtl := map[string]bool{"ar": true, "fa": true, "prs": true, "ps": true, "ckb": true}
	for _, r := range results {
		lang, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		wantStatus := 200
		if strings.Contains(r.Path, "does-not-exist") || strings.Contains(r.Path, "/no/such/page/") {
			wantStatus = 404
		}
		if r.Path == "/" || r.Path == "/does-not-exist" {
			lang = "de" // the multilingual root pages are German first
		}
		wantDir := "ltr"
		if rtl[lang] {
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
		if len(r.External) > 0 {
			t.Errorf("%s: requests outside the site: %v", r.Path, r.External)
		}
		for _, v := range r.Axe {
			t.Errorf("%s: axe %s (%s) at %d px: %s at %v", r.Path, v.ID, v.Impact, v.Width, v.Help, v.Nodes)
		}
		for _, l := range r.Layout {
			if l.ScrollWidth > l.Width || len(l.Overflow) > 0 {
				t.Errorf("%s at %d px: %d px wide, sticking out: %v", r.Path, l.Width, l.ScrollWidth, l.Overflow)
			}
			if len(l.Squeezed) > 0 {
				t.Errorf("%s at %d px: text squeezed into a narrow column: %v", r.Path, l.Width, l.Squeezed)
			}
			if len(l.Splits) > 0 {
				t.Errorf("%s at %d px: split over two lines: %v", r.Path, l.Width, l.Splits)
			}
			if l.Width == 360 && l.Header > 800/4 {
				t.Errorf("%s at %d × 800 px: the header is %d px high, more than a quarter of the screen", r.Path, l.Width, l.Header)
			}
		}
		// An office with walk-in hours always gets a status line (TestOpenNow checks its words).
		if strings.HasSuffix(r.Path, "/offices/caritas-mbe-maxvorstadt/") && (r.OpenNow == nil || *r.OpenNow == "") {
			t.Errorf("%s: the script did not say whether the office is open now", r.Path)
		}
	}
	t.Logf("%d pages checked in %s at %v px in %s, with axe-core in %s", len(results), chromium, layoutWidths(t), strings.Join(languages, ", "), *axeLanguages)
}

// layoutWidths are the window widths of -browser.widths.
func layoutWidths(t *testing.T) []int {
	var out []int
	for _, w := range strings.Split(*browserWidths, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 200 {
			t.Fatalf("-browser.widths: %q is not a window width", w)
		}
		out = append(out, n)
	}
	return out
}

// checkPages runs pages.mjs check over paths of the site at base, with
// axe on all but the paths in noAxe: at every width with -browser.axe=all
// (make a11y), else at the narrowest and the widest width in turn (the
// pages with axe, in their order), so that both layouts are checked — a
// phone's folded menus and a desktop's header with its search form —
// for the time of one.
func checkPages(t *testing.T, node, chromium, dir, base string, paths, noAxe []string) []pageResult {
	t.Helper()
	widths := layoutWidths(t)
	axeAt := map[string][]int{}
	for _, p := range paths {
		switch {
		case slices.Contains(noAxe, p):
		case *axeLanguages == "all":
			axeAt[p] = widths
		case len(axeAt)%2 == 0:
			axeAt[p] = []int{slices.Min(widths)}
		default:
			axeAt[p] = []int{slices.Max(widths)}
		}
	}
	arg, err := json.Marshal(map[string]any{"paths": paths, "widths": widths, "parallel": 2, "axeAt": axeAt})
	if err != nil {
		t.Fatal(err)
	}
	var results []pageResult
	runBrowser(t, node, chromium, dir, &results, "check", base, string(arg))
	return results
}

// TestSearchWithoutJavaScript sends the search form with JavaScript off
// through Netlify's redirect engine reading the build's _redirects
// (nojs.mjs): the name of a district, an alias, a postal code of one
// district, a language or a topic, typed on the search page of any
// language (or in the header's form of any page), leads to that page in
// the same language; anything else (a
// typo, a postal code of several districts, nothing) to the names page,
// whose address keeps the query and whose links work at that depth. With
// JavaScript, the script keeps nojs out of the address.
func TestSearchWithoutJavaScript(t *testing.T) {
	t.Parallel()
	chromium, node, dir := browserTools(t)
	files := buildExample(t, "")
	srv := serveFiles(t, files)
	rules := filepath.Join(t.TempDir(), "_redirects")
	if err := os.WriteFile(rules, files["_redirects"], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page, q, want string // want: the path the browser ends up at
		form          string // the form's selector; "": the search page's
	}{
		{"/de/search/", "Maxvorstadt", "/de/districts/maxvorstadt/", ""},
		{"/de/search/", "maxvorstadt", "/de/districts/maxvorstadt/", ""},
		{"/de/search/", "Glockenbachviertel", "/de/districts/ludwigsvorstadt-isarvorstadt/", ""},
		{"/uk/search/", "80331", "/uk/districts/altstadt-lehel/", ""},
		{"/ar/search/", "العربية", "/ar/languages/ar/", ""},
		{"/ti/search/", "Tigrinya", "/ti/languages/ti/", ""},
		{"/fa/search/", "اقامت و مدارک", "/fa/topics/residence/", ""},
		{"/de/search/", "Maxvorstad", "/de/search/q/Maxvorstad/", ""},
		{"/ar/search/", "80335", "/ar/search/q/80335/", ""},
		{"/de/search/", "", "/de/search/q//", ""},
		{"/tr/districts/", "Maxvorstadt", "/tr/districts/maxvorstadt/", "form.searchbox"}, // the header's form
	}
	var searches []map[string]string
	for _, tt := range tests {
		searches = append(searches, map[string]string{"page": tt.page, "q": tt.q, "form": tt.form})
	}
	arg, _ := json.Marshal(searches)
	var got struct {
		Searches []struct {
			Page, Q, Path, H1 string
			Status            int
			Link              *struct {
				Href   string
				Status int
			}
		}
		WithScript struct{ Path, Query string }
	}
	runScript(t, node, chromium, dir, "nojs.mjs", &got, srv.URL, rules, string(arg))
	strs, err := i18n.Load(langs, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Searches) != len(tests) {
		t.Fatalf("%d searches reported, want %d", len(got.Searches), len(tests))
	}
	for i, tt := range tests {
		r := got.Searches[i]
		lang := strings.Split(tt.page, "/")[1]
		names := strings.HasPrefix(tt.want, "/"+lang+"/search/q/")
		if r.Path != tt.want || r.Status != http.StatusOK {
			t.Errorf("%s %q: ends at %s (%d), want %s", tt.page, tt.q, r.Path, r.Status, tt.want)
			continue
		}
		if names {
			if want := strs.T(lang, "search_names_title"); r.H1 != want {
				t.Errorf("%s %q: heading %q, want the names page's %q", tt.page, tt.q, r.H1, want)
			}
			if r.Link == nil || r.Link.Status != http.StatusOK {
				t.Errorf("%s %q: the names page's first link does not open: %+v", tt.page, tt.q, r.Link)
			}
		}
	}
	if ws := got.WithScript; ws.Path != tests[0].page || ws.Query != "?q="+tests[0].q {
		t.Errorf("with JavaScript the search's address is %s%s, want %s?q=%s", ws.Path, ws.Query, tests[0].page, tests[0].q)
	}
}

// TestOffline opens the site as a person with patchy signal would: a page
// and a search online, then, with Chromium's network off, the same page
// (served from the service worker's copy, with the note saying when it was
// saved), another search (answered from the kept index) and the course
// finder with another choice (from its kept data); back online
// after a new deploy, the page comes from the new build, and the new
// worker replaces the old one's copies.
func TestOffline(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	// The example in three languages (smallExample), built on one day and
	// deployed again the next.
	small, _ := smallExample(t)
	builds := make([]map[string][]byte, 2)
	for i := range builds {
		var w memWriter
		if _, err := Build(context.Background(), Config{Source: os.DirFS(small), Now: testToday.AddDate(0, 0, i)}, &w); err != nil {
			t.Fatal(err)
		}
		builds[i] = w.files
	}
	first, second := builds[0], builds[1]
	var cur atomic.Pointer[http.Handler]
	a, b := filesHandler(first), filesHandler(second)
	cur.Store(&a)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__switch" {
			cur.Store(&b)
			return
		}
		(*cur.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var got []struct {
		Controlled bool
		Offline    struct {
			Status       int
			H1, Note     string
			Results      int
			SearchNote   string `json:"searchNote"`
			SearchStatus string `json:"searchStatus"`
			Kept         struct{ N, Want int }
			Finder       struct {
				Status  string
				Courses int
			}
		}
		Online struct {
			Footer, Note string
			Caches       struct {
				Names   []string
				Version string
			}
		}
		Errors []string
	}
	runBrowser(t, node, chromium, dir, &got, "offline", srv.URL,
		"/de/offices/caritas-mbe-maxvorstadt/", "/de/search/?q=arabisch", "/de/search/?q=integrationskurs", "/__switch", "/de/courses/?district=maxvorstadt")
	if len(got) != 1 {
		t.Fatalf("%d results", len(got))
	}
	g := got[0]
	if !g.Controlled {
		t.Fatalf("the worker does not control the page")
	}
	if g.Offline.Status != 200 || !strings.Contains(g.Offline.H1, "Caritas") || !strings.HasPrefix(g.Offline.Note, "Offline: gespeichert am ") {
		t.Errorf("offline page: status %d, h1 %q, note %q", g.Offline.Status, g.Offline.H1, g.Offline.Note)
	}
	if g.Offline.Kept.N < g.Offline.Kept.Want || g.Offline.Kept.Want < 100 {
		t.Errorf("the worker kept %d of the %d files of the German search index", g.Offline.Kept.N, g.Offline.Kept.Want)
	}
	if g.Offline.Results == 0 || g.Offline.SearchNote == "" {
		t.Errorf("offline search: %d results (%q), note %q", g.Offline.Results, g.Offline.SearchStatus, g.Offline.SearchNote)
	}
	// The course finder offline: literacy courses from the kept finder.json.
	if lit := strings.Count(string(first["de/courses/types/literacy/index.html"]), `<li><h3>`); g.Offline.Finder.Courses == 0 || g.Offline.Finder.Courses != lit || !strings.Contains(g.Offline.Finder.Status, fmt.Sprint(lit)) {
		t.Errorf("offline course finder: %d courses (%q), the literacy list has %d", g.Offline.Finder.Courses, g.Offline.Finder.Status, lit)
	}
	wantDate := "22.\u00a0November\u00a02026" // the second build's date
	if !strings.Contains(g.Online.Footer, wantDate) || g.Online.Note != "" {
		t.Errorf("online after the deploy: footer %q (want %s), note %q", g.Online.Footer, wantDate, g.Online.Note)
	}
	version := regexp.MustCompile(`VERSION = "([0-9a-f-]+)"`).FindSubmatch(second["sw.js"])
	if version == nil || g.Online.Caches.Version != string(version[1]) || len(g.Online.Caches.Names) != 1 || g.Online.Caches.Names[0] != "wegweiser-"+string(version[1]) {
		t.Errorf("after the deploy: caches %v, worker version %q, want only wegweiser-%s", g.Online.Caches.Names, g.Online.Caches.Version, version[1])
	}
	if len(g.Errors) > 0 {
		t.Errorf("script errors: %v", g.Errors)
	}

	// public/ opened from disk: the search page says why it cannot search.
	disk := t.TempDir()
	for name, b := range first {
		if name == "de/search/index.html" || strings.HasPrefix(name, "assets/") {
			p := filepath.Join(disk, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var file []struct{ Status string }
	runBrowser(t, node, chromium, dir, &file, "file", "file://"+filepath.Join(disk, "de", "search", "index.html"))
	if len(file) != 1 || !strings.HasPrefix(file[0].Status, "Die Suche braucht einen Webserver") {
		t.Errorf("the search page opened from disk says %q", file)
	}
}

// TestOfflineLargeIndex checks that the service worker does not keep a
// large search index whole (sw.js's KEEP_WHOLE; the German index of the
// small example, its meta.json saying it is one byte larger): only the
// files a search read are kept, that search works offline again, and a
// search that needs files not kept says the results may be incomplete.
func TestOfflineLargeIndex(t *testing.T) {
	t.Parallel()
	chromium, node, dir := browserTools(t)
	small, _ := smallExample(t)
	var w memWriter
	if _, err := Build(context.Background(), Config{Source: os.DirFS(small), Now: testToday}, &w); err != nil {
		t.Fatal(err)
	}
	keepWhole := regexp.MustCompile(`KEEP_WHOLE = (\d+);`).FindSubmatch(w.files["sw.js"])
	if keepWhole == nil {
		t.Fatal("sw.js has no KEEP_WHOLE")
	}
	var meta map[string]any
	if err := json.Unmarshal(w.files["search/de/meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	limit, _ := strconv.Atoi(string(keepWhole[1]))
	if size := int(meta["bytes"].(float64)); size <= 0 || size > limit {
		t.Fatalf("the German index has %d bytes: the example's should be kept whole (at most %d)", size, limit)
	}
	meta["bytes"] = limit + 1
	w.files["search/de/meta.json"], _ = json.Marshal(meta)
	whole := 0
	for name := range w.files {
		if strings.HasPrefix(name, "search/de/") {
			whole++
		}
	}
	var fetched atomic.Int32 // index files other than meta.json asked of the server
	files := filesHandler(w.files)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/search/de/") && !strings.HasSuffix(r.URL.Path, "/meta.json") {
			fetched.Add(1)
		}
		files.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	type search struct {
		N      int
		Status string
	}
	var got []struct {
		Controlled             bool
		Kept                   int
		Online, Offline, Again search
	}
	runBrowser(t, node, chromium, dir, &got, "keep", srv.URL,
		"/de/offices/caritas-mbe-maxvorstadt/", "/de/search/?q=arabisch", "/de/search/?q=integrationskurs")
	if len(got) != 1 || !got[0].Controlled {
		t.Fatalf("the worker does not control the page: %+v", got)
	}
	g := got[0]
	t.Logf("kept %d of %d files (%d fetched); online %+v, offline %+v, again %+v", g.Kept, whole, fetched.Load(), g.Online, g.Offline, g.Again)
	if g.Kept == 0 || g.Kept > whole/4 || fetched.Load() > int32(whole/4) {
		t.Errorf("the worker kept %d of the index's %d files (%d fetched): want only those the search read", g.Kept, whole, fetched.Load())
	}
	if g.Online.N == 0 || g.Again.N != g.Online.N || strings.Contains(g.Again.Status, "Keine Verbindung") {
		t.Errorf("the search again offline: %d results (%q), online %d", g.Again.N, g.Again.Status, g.Online.N)
	}
	if !strings.Contains(g.Offline.Status, "Keine Verbindung: Es fehlen vielleicht Ergebnisse.") {
		t.Errorf("a search offline with files not kept says %q (%d results)", g.Offline.Status, g.Offline.N)
	}
}
