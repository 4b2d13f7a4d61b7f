package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestLinksOutsideTheSource: a hostile merge request makes a theme asset, a
// page, an interface-string file and a data file symbolic links to a file
// outside the source (standing in for /proc/self/environ, which a link
// would publish). check and build both exit 1, name each link, and nothing
// of the target appears in their output or in public/, which keeps the
// previous good build.
func TestLinksOutsideTheSource(t *testing.T) {
	secret := "SECRET-" + strings.Repeat("x", 8) + "-ENVIRONMENT"
	outside := filepath.Join(t.TempDir(), "environ")
	if err := os.WriteFile(outside, []byte("---\ntitle: "+secret+"\n---\n"+secret+"\nkey: "+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := copySmallSite(t)
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runCLI("build", "--source", dir, "--out", out, "--today", "2026-11-21"); code != exitOK {
		t.Fatalf("the copy of the example does not build: %s", stderr)
	}
	before := snapshot(t, out)

	links := []string{"themes/default/assets/style.css", "content/de/geheim.md", "i18n/de.yaml", "data/courses/extra.yaml", "content/fr"}
	for _, l := range links {
		p := filepath.Join(dir, l)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		target := outside
		if l == "content/fr" {
			target = filepath.Dir(outside) // a folder
		}
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	for _, args := range [][]string{
		{"check", "--source", dir, "--today", "2026-11-21"},
		{"build", "--source", dir, "--out", out, "--today", "2026-11-21"},
	} {
		code, stdout, stderr := runCLI(args...)
		if code != exitProblems {
			t.Errorf("%s: exit code %d, want %d", args[0], code, exitProblems)
		}
		for _, l := range links {
			if !strings.Contains(stdout+stderr, filepath.Join(dir, l)+":1:1: error: this is a symbolic link") {
				t.Errorf("%s does not report the link %s:\n%s%s", args[0], l, stdout, stderr)
			}
		}
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("%s prints the target's content", args[0])
		}
	}
	after := snapshot(t, out)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the failed build changed public/")
	}
	for name, b := range after {
		if strings.Contains(b, secret) {
			t.Errorf("%s holds the target's content", name)
		}
	}
}
