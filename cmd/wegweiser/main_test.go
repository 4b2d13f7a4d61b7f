package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repo is the repository root, holding the example site.
const repo = "../.."

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"help"}, exitOK},
		{[]string{"version"}, exitOK},
		{[]string{"check", "--source", repo, "--today", "2026-11-21"}, exitOK},
		{[]string{"check", "--source", repo, "--format", "xml"}, exitUsage},
		{[]string{"check", "--source", repo, "--today", "21.11.2026"}, exitUsage},
		{[]string{"check", "--source", filepath.Join(repo, "does-not-exist")}, exitUsage},
		{[]string{"check", "--source", repo, "extra"}, exitUsage},
		{[]string{"check", "--no-such-flag"}, exitUsage},
		{[]string{"check", "-h"}, exitOK},
		{[]string{"check", "--source", t.TempDir()}, exitProblems},
		{[]string{"build", "--source", filepath.Join(repo, "does-not-exist")}, exitUsage},
		{[]string{"build", "--today", "tomorrow"}, exitUsage},
		{[]string{"serve", "--today", "tomorrow"}, exitUsage},
		{[]string{"serve", "--source", filepath.Join(repo, "does-not-exist")}, exitUsage},
		{[]string{"schema", "provider"}, exitOK},
		{[]string{"schema", "nope"}, exitUsage},
		{[]string{"schema"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if code, _, stderr := runCLI(tt.args...); code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
		})
	}
}

// copySite copies data/ and content/ of the example site into a temporary
// directory and returns it.
func copySite(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, top := range []string{"data", "content"} {
		err := filepath.WalkDir(filepath.Join(repo, top), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(repo, p)
			if e.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// copySmallSite is copySite with three of the example's interface
// languages (German, English and the right-to-left Arabic): a build of it
// takes a third of the CPU time, for tests of what a build does rather than
// of its languages.
func copySmallSite(t *testing.T) string {
	t.Helper()
	dir := copySite(t)
	edit(t, dir, "data/site.yaml", "languages: [de, en, ar, tr, ru, uk, fa, fr, prs, ps, kmr, ckb, ti, so]", "languages: [de, en, ar]", 0)
	return dir
}

// edit replaces the first occurrence of old in file with new and returns
// the line and column where new starts, plus offset bytes into new.
func edit(t *testing.T, dir, file, old, new string, offset int) (line, col int) {
	t.Helper()
	path := filepath.Join(dir, file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, old)
	if i < 0 {
		t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(path, []byte(s[:i]+new+s[i+len(old):]), 0o644); err != nil {
		t.Fatal(err)
	}
	before := s[:i+offset]
	line = strings.Count(before, "\n") + 1
	col = len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	return line, col
}

// TestThreeProblems is the acceptance scenario of the foundation: a copy of
// the example data with a typo in a field name, a dangling district
// reference and an impossible date reports exactly those three problems at
// the right places and exits 1.
func TestThreeProblems(t *testing.T) {
	dir := copySite(t)
	code, baseline, _ := runCLI("check", "--source", dir, "--today", "2026-11-21", "--format", "json")
	if code != exitOK {
		t.Fatalf("copy of the example site does not check clean: %s", baseline)
	}
	l1, c1 := edit(t, dir, "data/providers/caritas-muenchen.yaml", "    languages: [de, ar, fr]", "    languges: [de, ar, fr]", 4)
	l2, c2 := edit(t, dir, "data/providers/brk-muenchen.yaml", "    district: milbertshofen-am-hart", "    district: milbertshofen-am-hrat", 14)
	l3, c3 := edit(t, dir, "data/courses/mvhs.yaml", "    end: 2027-06-30", "    end: 2027-06-31", 9)
	want := []string{
		fmt.Sprintf("%s:%d:%d: error: unknown field `languges` in an advisor — did you mean `languages`?", filepath.Join(dir, "data/providers/caritas-muenchen.yaml"), l1, c1),
		fmt.Sprintf("%s:%d:%d: error: district `milbertshofen-am-hrat` is not in districts.yaml — did you mean `milbertshofen-am-hart`?", filepath.Join(dir, "data/providers/brk-muenchen.yaml"), l2, c2),
		fmt.Sprintf("%s:%d:%d: error: \"2027-06-31\" is not a real date — write dates as YYYY-MM-DD, e.g. 2026-10-01", filepath.Join(dir, "data/courses/mvhs.yaml"), l3, c3),
	}
	code, stdout, stderr := runCLI("check", "--source", dir, "--today", "2026-11-21", "--no-warnings")
	if code != exitProblems {
		t.Errorf("exit code %d, want %d", code, exitProblems)
	}
	got := strings.Split(strings.TrimSpace(stdout), "\n")
	// Problems are sorted by file name: courses before providers.
	wantSorted := []string{want[2], want[1], want[0]}
	if strings.Join(got, "\n") != strings.Join(wantSorted, "\n") {
		t.Errorf("report:\n%s\nwant:\n%s", stdout, strings.Join(wantSorted, "\n"))
	}
	if !strings.Contains(stderr, "3 errors") {
		t.Errorf("summary = %q, want 3 errors", stderr)
	}
}

func TestFormats(t *testing.T) {
	dir := copySite(t)
	line, col := edit(t, dir, "data/providers/awo-muenchen.yaml", "    district: moosach", "    district: mosach", 14)
	code, stdout, _ := runCLI("check", "--source", dir, "--today", "2026-11-21", "--format", "json")
	if code != exitProblems {
		t.Fatalf("exit code %d", code)
	}
	var problems []struct {
		File, Severity, Rule, Message, Hint string
		Line, Column                        int
	}
	if err := json.Unmarshal([]byte(stdout), &problems); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, stdout)
	}
	var found bool
	for _, p := range problems {
		if p.Severity == "error" {
			found = true
			if p.Rule != "unknown-reference" || p.Line != line || p.Column != col || p.Hint != "did you mean `moosach`?" {
				t.Errorf("JSON problem = %+v, want unknown-reference at %d:%d", p, line, col)
			}
		}
	}
	if !found {
		t.Errorf("no error in JSON output: %s", stdout)
	}
	_, stdout, _ = runCLI("check", "--source", dir, "--today", "2026-11-21", "--format", "github")
	wantLine := fmt.Sprintf("::error file=%s,line=%d,col=%d,title=wegweiser unknown-reference::district `mosach` is not in districts.yaml — did you mean `moosach`?",
		strings.ReplaceAll(filepath.Join(dir, "data/providers/awo-muenchen.yaml"), ":", "%3A"), line, col)
	if !strings.Contains(stdout, wantLine+"\n") {
		t.Errorf("github output lacks\n%s\ngot:\n%s", wantLine, stdout)
	}
}

func TestSchemaOut(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI("schema", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"site", "languages", "districts", "topics", "provider", "courses", "page"} {
		b, err := os.ReadFile(filepath.Join(out, name+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil || v["$schema"] == nil {
			t.Errorf("%s.schema.json is not a JSON Schema: %v", name, err)
		}
	}
}

func TestSearchCommand(t *testing.T) {
	code, stdout, stderr := runCLI("search", "--source", repo, "--today", "2026-11-21", "--lang", "en", "--filter", "kind=course", "-n", "3", "literacy course")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Total   int
		Results []struct{ URL, Kind string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res.Results) != 3 {
		t.Fatalf("output: %v\n%s", err, stdout)
	}
	for _, r := range res.Results {
		if r.Kind != "course" || !strings.HasPrefix(r.URL, "/en/courses/") {
			t.Errorf("result %+v", r)
		}
	}
	// Turkish, with the dotted capital İ: the offices that speak Hebrew.
	code, stdout, stderr = runCLI("search", "--source", repo, "--today", "2026-11-21", "--lang", "tr", "İbranice")
	if err := json.Unmarshal([]byte(stdout), &res); code != exitOK || err != nil || res.Total == 0 {
		t.Errorf("search --lang tr İbranice: exit %d, %d results (%v)\n%s", code, res.Total, err, stderr)
	}
	if code, _, _ := runCLI("search", "--source", repo, "--filter", "colour=red", "x"); code != exitUsage {
		t.Errorf("bad filter: exit %d", code)
	}
	if code, _, _ := runCLI("search", "--source", repo); code != exitUsage {
		t.Errorf("no query: exit %d", code)
	}
}

// TestCheckAnnotationsGolden fixes what editors see on a change request:
// the GitHub annotations and the GitLab code-quality report for the three
// problems of TestThreeProblems, with paths relative to the repository as
// CI runs it. Run with -update to rewrite testdata/check.*.
func TestCheckAnnotationsGolden(t *testing.T) {
	dir := copySite(t)
	edit(t, dir, "data/providers/caritas-muenchen.yaml", "    languages: [de, ar, fr]", "    languges: [de, ar, fr]", 4)
	edit(t, dir, "data/providers/brk-muenchen.yaml", "    district: milbertshofen-am-hart", "    district: milbertshofen-am-hrat", 14)
	edit(t, dir, "data/courses/mvhs.yaml", "    end: 2027-06-30", "    end: 2027-06-31", 9)
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, format := range []string{"github", "gitlab"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI("check", "--today", "2026-11-21", "--no-warnings", "--format", format)
			if code != exitProblems {
				t.Fatalf("exit code %d, want %d; %s", code, exitProblems, stderr)
			}
			golden := filepath.Join(goldenDir, "check."+format)
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(want) {
				t.Errorf("check --format %s:\n%s\nwant (%s):\n%s", format, stdout, golden, want)
			}
		})
	}
}
