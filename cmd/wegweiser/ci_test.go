package main

import (
	"os"
	"os/exec"
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
	var gh, ghDue struct {
		Jobs map[string]struct{ Steps []struct{ Run string } }
	}
	for file, v := range map[string]any{"../../.gitlab-ci.yml": &gl, "../../.github/workflows/check.yml": &gh, "../../.github/workflows/due.yml": &ghDue} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	lines := gl.Check.Script
	for _, job := range ghDue.Jobs {
		for _, s := range job.Steps {
			lines = append(lines, s.Run)
		}
	}
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
	cmdRe := regexp.MustCompile(`(?:bin/wegweiser|go run \./cmd/wegweiser) ((?:check|fmt|due)\b[^>|&]*)`)
	ran := 0
	for _, line := range lines {
		m := cmdRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		args := append(strings.Fields(m[1]), "--today", "2026-11-21")
		if slices.Contains(args, "--issues") {
			continue // needs the host's API: TestDueIssues
		}
		if args[0] == "fmt" {
			args = args[:len(args)-2]
		}
		if code, _, stderr := runCLI(args...); code != exitOK {
			t.Errorf("%q on the example site: exit %d\n%s", line, code, stderr)
		}
		ran++
	}
	if ran < 7 {
		t.Errorf("ran %d wegweiser commands from the CI files, want at least 7", ran)
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

// TestScheduledChecks checks the weekly jobs that keep one issue per
// provider whose entries are due: GitHub's workflow by actionlint (from
// the Go module proxy, as a tool of go.mod), GitLab's by its structure:
// the pipeline runs on a schedule, and its due job only then, with the
// token it needs.
func TestScheduledChecks(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	workflows, _ := filepath.Glob("../../.github/workflows/*.yml")
	if len(workflows) < 3 {
		t.Fatalf("workflows: %v", workflows)
	}
	for i := range workflows {
		workflows[i] = strings.TrimPrefix(workflows[i], "../../")
	}
	cmd := exec.Command("go", append([]string{"tool", "actionlint", "-no-color"}, workflows...)...)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
	b, err := os.ReadFile("../../.github/workflows/due.yml")
	if err != nil {
		t.Fatal(err)
	}
	var gh struct {
		On struct {
			Schedule []struct{ Cron string }
		}
		Permissions map[string]string
		Jobs        map[string]struct {
			Steps []struct {
				Run string
				Env map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(b, &gh); err != nil {
		t.Fatal(err)
	}
	if len(gh.On.Schedule) != 1 || len(strings.Fields(gh.On.Schedule[0].Cron)) != 5 || gh.Permissions["issues"] != "write" {
		t.Errorf("due.yml: schedule %v, permissions %v", gh.On.Schedule, gh.Permissions)
	}
	sync := false
	for _, s := range gh.Jobs["due"].Steps {
		if strings.Contains(s.Run, "due --issues github") && s.Env["GITHUB_TOKEN"] != "" {
			sync = true
		}
	}
	if !sync {
		t.Errorf("due.yml has no step running due --issues github with GITHUB_TOKEN")
	}

	b, err = os.ReadFile("../../.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	type rule struct{ If string }
	var gl struct {
		Variables map[string]string
		Workflow  struct{ Rules []rule }
		Due       struct {
			Stage  string
			Rules  []rule
			Script []string
		}
		Stages []string
	}
	if err := yaml.Unmarshal(b, &gl); err != nil {
		t.Fatal(err)
	}
	schedule := func(rs []rule) bool {
		return slices.ContainsFunc(rs, func(r rule) bool { return strings.Contains(r.If, `$CI_PIPELINE_SOURCE == "schedule"`) })
	}
	if !schedule(gl.Workflow.Rules) || !schedule(gl.Due.Rules) || len(gl.Due.Rules) != 1 || !slices.Contains(gl.Stages, gl.Due.Stage) {
		t.Errorf(".gitlab-ci.yml: the pipeline or its due job does not run on a schedule (workflow %v, due %v, stage %q)", gl.Workflow.Rules, gl.Due.Rules, gl.Due.Stage)
	}
	if !slices.ContainsFunc(gl.Due.Script, func(s string) bool { return strings.Contains(s, "due --issues gitlab") }) {
		t.Errorf(".gitlab-ci.yml: the due job does not keep the issues: %q", gl.Due.Script)
	}
	if gl.Variables["GIT_DEPTH"] != "0" {
		t.Errorf(".gitlab-ci.yml clones shallow (GIT_DEPTH %q): no history for the feeds and translations", gl.Variables["GIT_DEPTH"])
	}
}
