package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFmt: a file an editor left with an unquoted postal code fails
// `fmt --check` at that line; `fmt` puts it back exactly as the example
// has it; a file with a syntax error is reported and left untouched.
func TestFmt(t *testing.T) {
	dir := copySite(t)
	file := filepath.Join(dir, "data/providers/awo-muenchen.yaml")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := edit(t, dir, "data/providers/awo-muenchen.yaml", `postal_code: "80336"`, `postal_code: 80336`, 0)

	code, stdout, stderr := runCLI("fmt", "--source", dir, "--check")
	if code != exitProblems {
		t.Fatalf("fmt --check on a changed file: exit %d, want %d; %s", code, exitProblems, stderr)
	}
	want := file + ":" + itoa(line) + ":1: error: the file is not in normal form"
	if !strings.HasPrefix(stdout, want) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("fmt --check reported\n%s\nwant one line starting with\n%s", stdout, want)
	}
	if b, _ := os.ReadFile(file); string(b) == string(orig) {
		t.Fatal("fmt --check changed the file")
	}

	code, stdout, stderr = runCLI("fmt", "--source", dir)
	if code != exitOK || strings.TrimSpace(stdout) != file {
		t.Fatalf("fmt: exit %d, listed %q; %s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(file); string(b) != string(orig) {
		t.Errorf("fmt did not restore the normal form:\n%s", b)
	}
	if code, _, stderr := runCLI("fmt", "--source", dir, "--check"); code != exitOK {
		t.Errorf("fmt --check after fmt: exit %d; %s", code, stderr)
	}

	broken := filepath.Join(dir, "data/topics.yaml")
	edit(t, dir, "data/topics.yaml", "- id: residence", "- id: [residence", 0)
	before, _ := os.ReadFile(broken)
	code, stdout, _ = runCLI("fmt", "--source", dir, broken)
	if code != exitProblems || !strings.Contains(stdout, broken+":") || !strings.Contains(stdout, "error:") {
		t.Errorf("fmt on a broken file: exit %d, report %q", code, stdout)
	}
	if after, _ := os.ReadFile(broken); string(after) != string(before) {
		t.Error("fmt changed a file it could not read")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestNew runs the three templates through the command: each lands where
// it belongs, the check then reports placeholders only, and an existing
// file is never overwritten.
func TestNew(t *testing.T) {
	dir := copySite(t)
	for _, args := range [][]string{
		{"provider", "neuer-traeger"},
		{"office", "neuer-traeger", "neuer-traeger-pasing"},
		{"course-file", "neue-schule"},
	} {
		code, stdout, stderr := runCLI(append([]string{"new", "--source", dir}, args...)...)
		if code != exitOK || !strings.Contains(stdout, "written") {
			t.Fatalf("new %v: exit %d, %s%s", args, code, stdout, stderr)
		}
	}
	_, stdout, _ := runCLI("check", "--source", dir, "--no-warnings", "--format", "json")
	var problems []struct{ File, Rule string }
	if err := json.Unmarshal([]byte(stdout), &problems); err != nil {
		t.Fatal(err)
	}
	files := map[string]int{}
	for _, p := range problems {
		if p.Rule != "placeholder" {
			t.Errorf("unexpected problem %+v", p)
		}
		files[filepath.Base(p.File)]++
	}
	if files["neuer-traeger.yaml"] < 20 || files["neue-schule.yaml"] < 10 {
		t.Errorf("placeholders per file: %v", files)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "data/providers/neuer-traeger.yaml")); !strings.Contains(string(b), "  - id: neuer-traeger-pasing\n") {
		t.Errorf("the provider file lacks the added office:\n%s", b)
	}
	for _, args := range [][]string{{"provider", "neuer-traeger"}, {"office", "neuer-traeger", "neuer-traeger-pasing"}} {
		if code, _, stderr := runCLI(append([]string{"new", "--source", dir}, args...)...); code != exitProblems {
			t.Errorf("new %v a second time: exit %d, %s", args, code, stderr)
		}
	}
	if code, _, _ := runCLI("new", "--source", dir, "provider", "Neuer Träger"); code != exitUsage {
		t.Errorf("a bad id: exit %d, want %d", code, exitUsage)
	}
}
