// Package testtools finds the programs that tests run beside Go: Debian's
// Chromium (its headless shell where installed) and Node.js with the npm
// packages of tests/browser. A test that needs one that is missing is
// skipped with a message saying how to install it, and fails under
// CI=true (.ci/run installs everything), so that CI never passes by
// skipping.
package testtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Missing skips t, or fails it under CI, because what is missing.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("this test needs %s (under CI a missing tool is a failure; .ci/run installs it)", what)
	}
	t.Skipf("skipping: %s is missing (apt-get install chromium-headless-shell; npm ci --prefix tests/browser)", what)
}

// BrowserDir returns the absolute path of tests/browser.
func BrowserDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "tests", "browser")
}

// Node returns the node binary and tests/browser, whose node_modules must
// hold pkg (an npm package the test uses).
func Node(t testing.TB, pkg string) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "node")
	}
	dir = BrowserDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
		Missing(t, "tests/browser/node_modules/"+pkg)
	}
	return node, dir
}

// Chromium returns the Chromium binary the browser tests run: $CHROMIUM,
// else Debian's chromium-headless-shell, else Debian's chromium.
//
// The headless shell is Chromium's "old" headless mode, packaged on its
// own since Chromium 132: the same release's Blink, V8 and network stack
// without the browser around them (//chrome), so it does not behave like
// the full browser in everything (Chrome's and Puppeteer's documentation
// say so). The tests lay out, print, check with axe and go offline in it
// as in chromium, and it takes about a quarter less CPU per page load
// (0.11–0.12 against 0.16 CPU-seconds on the development machine), which
// keeps make test within its time on two cores; .ci/run installs it, and
// make a11y runs the same checks on every page in the full browser.
func Chromium(t testing.TB) string {
	t.Helper()
	c := os.Getenv("CHROMIUM")
	if c == "" {
		c = "/usr/bin/chromium-headless-shell"
		if _, err := os.Stat(c); err != nil {
			c = "/usr/bin/chromium"
		}
	}
	if _, err := os.Stat(c); err != nil {
		Missing(t, "Chromium ("+c+")")
	}
	return c
}

// Program returns the path of a command the test runs, found on $PATH;
// pkg is the Debian package that has it.
func Program(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" (apt-get install "+pkg+")")
	}
	return p
}
