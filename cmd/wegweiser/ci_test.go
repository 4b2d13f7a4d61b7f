package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIFiles runs the wegweiser commands of the GitHub workflow and the
// GitLab pipeline (check and fmt; build has its own tests) on the example
// site as CI would, and checks that GitLab reads the code-quality report
// the check job writes.
func TestCIFiles(t *testing.T) {
	var gl struct {
		Check struct {
			Script    []string
			Artifacts struct {
				Reports struct{ Codequality string }
			}
		}
	}
	var gh struct {
		Jobs map[string]struct{ Steps []struct{ Run string } }
	}
	for file, v := range map[string]any{"../../.gitlab-ci.yml": &gl, "../../.github/workflows/check.yml": &gh} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	lines := gl.Check.Script
	for _, job := range gh.Jobs {
		for _, s := range job.Steps {
			lines = append(lines, s.Run)
		}
	}
	report := gl.Check.Artifacts.Reports.Codequality
	if report == "" || !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "--format gitlab > "+report) }) {
		t.Errorf("the GitLab check job does not write its code-quality report %q", report)
	}
	dir := copySite(t)
	t.Chdir(dir)
	cmdRe := regexp.MustCompile(`(?:bin/wegweiser|go run \./cmd/wegweiser) ((?:check|fmt)\b[^>|&]*)`)
	ran := 0
	for _, line := range lines {
		m := cmdRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		args := append(strings.Fields(m[1]), "--today", "2026-11-21")
		if args[0] == "fmt" {
			args = args[:len(args)-2]
		}
		if code, _, stderr := runCLI(args...); code != exitOK {
			t.Errorf("%q on the example site: exit %d\n%s", line, code, stderr)
		}
		ran++
	}
	if ran < 5 {
		t.Errorf("ran %d wegweiser commands from the CI files, want at least 5", ran)
	}
}

// TestCodeownersExample keeps docs/CODEOWNERS.example in step with the
// example data: every provider and course file has its owner line.
func TestCodeownersExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/CODEOWNERS.example")
	if err != nil {
		t.Fatal(err)
	}
	owned := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && !strings.HasPrefix(f[0], "#") {
			owned[f[0]] = true
		}
	}
	files, err := dataFiles("../..")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		rel := strings.TrimPrefix(filepath.ToSlash(f), "../../")
		if strings.HasPrefix(rel, "data/providers/") || strings.HasPrefix(rel, "data/courses/") {
			n++
			if !owned["/"+rel] {
				t.Errorf("docs/CODEOWNERS.example has no owner for /%s", rel)
			}
		}
	}
	if n < 10 || !owned["*"] {
		t.Errorf("%d provider and course files, catch-all owner %v", n, owned["*"])
	}
}
