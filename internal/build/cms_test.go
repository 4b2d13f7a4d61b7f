package build

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
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
)

// TestEditorRoundTrip is the web editor's acceptance test: a copy of the
// example site is built with the admin pointing at local copies of Decap
// CMS and the yaml library and at decap-server (Decap's local backend, the
// real one from npm) running on the copy. Headless Chromium opens the
// admin, changes the opening hours of an office and publishes. Then the
// YAML file on disk differs from before in that one line only (comments
// and every other line kept), and the site still passes the check.
func TestEditorRoundTrip(t *testing.T) {
	chromium, node, dir := browserTools(t)
	for _, pkg := range []string{"decap-cms", "decap-server", "yaml"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("editor test needs tests/browser/node_modules/%s (npm ci --prefix tests/browser)", pkg)
			}
			t.Skipf("skipping editor test: tests/browser/node_modules/%s is missing (npm ci --prefix tests/browser)", pkg)
		}
	}
	site := t.TempDir()
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(site, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}

	// The site is served on a port known before the build, which writes
	// the address of the scripts into the admin page.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	siteURL := "http://" + l.Addr().String()
	port := freePort(t)
	backend := fmt.Sprintf("http://127.0.0.1:%d/api/v1", port)
	cmsBlock := fmt.Sprintf("cms:\n  enabled: true\n  backend:\n    name: github\n    repo: wegweiser-de/wegweiser\n  script: %q\n  yaml_module: %q\n  local_backend: %q\n",
		siteURL+"/vendor/decap-cms/decap-cms.js", siteURL+"/vendor/yaml/index.js", backend)
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
	// With the two scripts from node_modules.
	for prefix, d := range map[string]string{
		"vendor/decap-cms/": filepath.Join(dir, "node_modules", "decap-cms", "dist"),
		"vendor/yaml/":      filepath.Join(dir, "node_modules", "yaml", "browser"),
	} {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".js") {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(d, p)
			w.files[prefix+filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(filesHandler(w.files, nil))
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
