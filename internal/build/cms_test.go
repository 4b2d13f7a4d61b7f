package build

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/testtools"
)

// TestEditorRoundTrip is the web editor's acceptance test: a copy of the
// example site is built with the admin loading the copies of Decap CMS and
// the yaml library the build writes to admin/vendor/ (nothing from another
// host) and talking to decap-server (Decap's local backend, the real one
// from npm) running on the copy. Headless Chromium opens the admin,
// changes the opening hours of an office and publishes. Then the YAML file
// on disk differs from before in that one line only (comments and every
// other line kept), and the site still passes the check.
func TestEditorRoundTrip(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, _, dir := browserTools(t)
	node, _ := testtools.Node(t, "decap-server")
	site := t.TempDir()
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(site, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}

	// The site is served on a port known before the build, which writes
	// the address of the local backend into the admin's configuration.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	backend := fmt.Sprintf("http://127.0.0.1:%d/api/v1", port)
	cmsBlock := fmt.Sprintf("cms:\n  enabled: true\n  backend:\n    name: github\n    repo: wegweiser-de/wegweiser\n  local_backend: %q\n", backend)
	siteYAML := filepath.Join(site, "data", "site.yaml")
	b, err := os.ReadFile(siteYAML)
	if err != nil {
		t.Fatal(err)
	}
	before, _, ok := bytes.Cut(b, []byte("cms:\n"))
	if !ok {
		t.Fatal("the example site.yaml has no cms block")
	}
	if err := os.WriteFile(siteYAML, append(before, cmsBlock...), 0o644); err != nil {
		t.Fatal(err)
	}
	var w memWriter
	if _, err := Build(context.Background(), Config{Source: os.DirFS(site), Now: testToday}, &w); err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(w.files["admin/vendor/decap-cms/decap-cms.js"]) == 0 {
		t.Fatal("the build wrote no copy of Decap CMS")
	}
	srv := httptest.NewUnstartedServer(filesHandler(w.files))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	// decap-server writes to the copy of the site.
	server := exec.Command(node, filepath.Join(dir, "node_modules", "decap-server", "dist", "index.js"))
	server.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "BIND_HOST=127.0.0.1", "GIT_REPO_DIRECTORY="+site, "MODE=fs", "LOG_LEVEL=warn")
	var serverLog bytes.Buffer
	server.Stdout, server.Stderr = &serverLog, &serverLog
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		server.Process.Kill()
		server.Wait()
		if t.Failed() {
			t.Logf("decap-server:\n%s", serverLog.String())
		}
	}()
	waitListening(t, port)

	file := filepath.Join(site, "data", "providers", "awo-muenchen.yaml")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Saved  bool
		Errors []string
		Steps  []string
	}
	runScript(t, node, chromium, dir, "cms.mjs", &res, srv.URL+"/admin/", "awo-muenchen", "awo-mbe-ludwigsvorstadt", "08:30")
	for _, e := range res.Errors {
		t.Errorf("in the browser: %s", e)
	}
	if !res.Saved {
		t.Fatalf("the editor did not save; steps: %v", res.Steps)
	}

	edited, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	a, c := strings.Split(string(orig), "\n"), strings.Split(string(edited), "\n")
	var changed []string
	for i := range max(len(a), len(c)) {
		if i >= len(a) || i >= len(c) || a[i] != c[i] {
			changed = append(changed, fmt.Sprintf("line %d", i+1))
		}
	}
	want := `      - {days: [mo, tu], from: "08:30", to: "12:00", kind: open}`
	if len(a) != len(c) || len(changed) != 1 || !strings.Contains(string(edited), "\n"+want+"\n") {
		t.Errorf("the editor changed %v (want one line, %q); the file now:\n%s", changed, want, edited)
	}
	_, problems := load.Load(os.DirFS(site), load.Options{Now: testToday})
	for _, p := range problems {
		if p.Severity == diag.Error {
			t.Errorf("after the edit: %v", p)
		}
	}
}

// freePort returns a loopback port nobody listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until something accepts connections on port.
func waitListening(t *testing.T, port int) {
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %d", port)
}
