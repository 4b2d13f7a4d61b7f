package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// copySite copies the example's data/ and content/ into a temporary
// directory.
func copySite(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, top := range []string{"data", "content"} {
		filepath.WalkDir(filepath.Join("../..", top), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel("../..", p)
			if e.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			b, _ := os.ReadFile(p)
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		})
	}
	return dst
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s: %v / no %q", file, err, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestServe(t *testing.T) {
	dir := copySite(t)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Source: dir, Now: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}, "127.0.0.1:0", func(a net.Addr) { addrc <- a })
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}

	code, hdr, body := get(t, base+"/de/")
	if code != 200 || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") || !strings.Contains(body, `_wegweiser/reload.js`) {
		t.Fatalf("GET /de/: %d, CSP %q, reload script present: %v", code, hdr.Get("Content-Security-Policy"), strings.Contains(body, "reload.js"))
	}
	code, _, body = get(t, base+"/api/search?q=caritas+pasing&lang=de")
	var sr struct {
		Results []struct{ URL, Title, Kind, Snippet string }
		Facets  map[string][]struct{ Value string }
	}
	if err := json.Unmarshal([]byte(body), &sr); code != 200 || err != nil || len(sr.Results) == 0 ||
		sr.Results[0].URL != "/de/offices/caritas-mbe-pasing/" || sr.Results[0].Kind != "office" || sr.Facets["kind"] == nil {
		t.Errorf("/api/search: %d %s", code, body)
	}
	if code, _, _ := get(t, base+"/api/search?q=kurs&lang=xx"); code != 400 {
		t.Errorf("/api/search in an unknown language: %d", code)
	}
	// A file made in the background: the request waits for it.
	if code, hdr, body := get(t, base+"/data/directory.json"); code != 200 || !strings.Contains(body, `"providers"`) || hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /data/directory.json: %d, %q…", code, body[:min(len(body), 80)])
	}
	if code, _, _ := get(t, base+"/de/no-such-page/"); code != 404 {
		t.Errorf("missing page: %d, want 404", code)
	}
	if code, _, _ := get(t, base+"/de/districts"); code != 200 {
		t.Errorf("directory without slash: %d, want 200 after redirect", code)
	}

	resp, err := http.Get(base + "/_wegweiser/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan state, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var s state
				json.Unmarshal([]byte(data), &s)
				events <- s
			}
		}
		close(events)
	}()
	next := func(what string) state {
		t.Helper()
		select {
		case s, ok := <-events:
			if !ok {
				t.Fatalf("%s: event stream closed", what)
			}
			return s
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: no event within 20 s", what)
		}
		return state{}
	}
	first := next("connect")
	if first.Version != 1 {
		t.Fatalf("first state: %+v", first)
	}

	// A good change: rebuilt, announced, served.
	provider := filepath.Join(dir, "data/providers/awo-muenchen.yaml")
	replaceIn(t, provider, "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord")
	if s := next("good change"); s.Version != 2 || s.Problems.Errors() != 0 {
		t.Fatalf("after a good change: %+v", s)
	}
	if _, _, body := get(t, base+"/de/offices/awo-mbe-moosach/"); !strings.Contains(body, "Moosach-Nord") {
		t.Errorf("the change is not served")
	}

	// A data error: the problems are announced with file and line, the last good site stays.
	replaceIn(t, provider, "    district: moosach", "    district: mosach")
	s := next("bad change")
	if s.Version != 2 || s.Problems.Errors() != 1 {
		t.Fatalf("after a bad change: %+v", s)
	}
	i := slices.IndexFunc(s.Problems, func(p diag.Problem) bool { return p.Severity == diag.Error })
	if p := s.Problems[max(i, 0)]; i < 0 || !strings.HasSuffix(p.File, "data/providers/awo-muenchen.yaml") || p.Line == 0 || !strings.Contains(p.Message, "mosach") {
		t.Errorf("problem: %+v", p)
	}
	if code, _, body := get(t, base+"/de/offices/awo-mbe-moosach/"); code != 200 || !strings.Contains(body, "Moosach-Nord") {
		t.Errorf("last good site not served: %d", code)
	}
	var st state
	_, _, body = get(t, base+"/_wegweiser/state")
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Problems.Errors() != 1 {
		t.Errorf("state endpoint: %s", body)
	}

	// Fixed: rebuilt again.
	replaceIn(t, provider, "    district: mosach", "    district: moosach")
	if s := next("fix"); s.Version != 3 || s.Problems.Errors() != 0 {
		t.Fatalf("after the fix: %+v", s)
	}

	// Graceful shutdown, with an event stream still open.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not shut down")
	}
}

// TestServeBrokenAtStart shows the problems when there was never a good
// build.
func TestServeBrokenAtStart(t *testing.T) {
	dir := copySite(t)
	replaceIn(t, filepath.Join(dir, "data/site.yaml"), "default_language: de", "default_language: de\ncolour: blue")
	s := New(Config{Source: dir})
	if err := s.Rebuild(context.Background()); err == nil {
		t.Fatal("a broken site built")
	}
	srv := &http.Server{Handler: s}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	code, _, body := get(t, "http://"+ln.Addr().String()+"/de/")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "unknown field `colour`") || !strings.Contains(body, "data/site.yaml:") {
		t.Errorf("GET /de/ on a broken site: %d\n%s", code, body)
	}
}
