package main

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// snapshot reads every file below dir with its mode.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if e.IsDir() {
			m[rel+"/"] = info.Mode().String()
			return nil
		}
		b, err := os.ReadFile(p)
		m[rel] = info.Mode().String() + " " + string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// kept are the hidden siblings of public/ a build leaves on purpose: the
// load kept (TestBuildKeepsLoad) and the record of what public/ holds
// (TestBuildSpare).
var kept = map[string]bool{".public.state": true, ".public.tree": true}

// TestFailedBuildKeepsPublic builds the example, breaks the data, builds
// again, and checks that public/ is byte for byte what the good build wrote.
func TestFailedBuildKeepsPublic(t *testing.T) {
	dir := copySmallSite(t)
	out := filepath.Join(dir, "public")
	code, stdout, stderr := runCLI("build", "--source", dir, "--today", "2026-11-21")
	if code != exitOK {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "pages (ar ") {
		t.Errorf("no summary: %q", stdout)
	}
	before := snapshot(t, out)
	if len(before) < 1000 {
		t.Fatalf("only %d files built", len(before))
	}
	edit(t, dir, "data/providers/awo-muenchen.yaml", "    district: moosach", "    district: mosach", 0)
	code, _, stderr = runCLI("build", "--source", dir, "--today", "2026-11-21")
	if code != exitProblems {
		t.Fatalf("build with a data error: exit %d, want %d", code, exitProblems)
	}
	if !strings.Contains(stderr, "district `mosach` is not in districts.yaml") || !strings.Contains(stderr, "unchanged") {
		t.Errorf("stderr does not explain: %s", stderr)
	}
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Errorf("public/ changed after a failed build (%d files before, %d after)", len(before), len(after))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") && !kept[e.Name()] {
			t.Errorf("staging directory left behind: %s", e.Name())
		}
	}
}

// TestFeedNamesChanges builds twice: the second build's feed lists the
// office changed in between, and only it.
func TestFeedNamesChanges(t *testing.T) {
	dir := copySmallSite(t)
	if code, _, stderr := runCLI("build", "--source", dir, "--today", "2026-11-21", "--base-url", "https://example.org/"); code != exitOK {
		t.Fatal(stderr)
	}
	first, _ := os.ReadFile(filepath.Join(dir, "public/de/feed.atom"))
	if strings.Contains(string(first), "<category term=\"changed\">") {
		t.Errorf("the first build reports changes")
	}
	edit(t, dir, "data/providers/awo-muenchen.yaml", "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord", 0)
	if code, _, stderr := runCLI("build", "--source", dir, "--today", "2026-11-22", "--base-url", "https://example.org/"); code != exitOK {
		t.Fatal(stderr)
	}
	second, _ := os.ReadFile(filepath.Join(dir, "public/de/feed.atom"))
	if n := strings.Count(string(second), `<category term="changed">`); n != 1 || !strings.Contains(string(second), "<title>AWO Migrationsberatung Moosach-Nord</title>") ||
		!strings.Contains(string(second), "https://example.org/de/offices/awo-mbe-moosach/") {
		t.Errorf("second feed lists %d changes:\n%s", n, second)
	}
}

// TestBuildUpToDate builds twice with nothing changed in between: the
// second build says public/ is up to date and leaves it alone (the same
// folder, not one put in its place). After a change it builds again.
func TestBuildUpToDate(t *testing.T) {
	dir := copySmallSite(t)
	out := filepath.Join(dir, "public")
	build := func() string {
		t.Helper()
		code, stdout, stderr := runCLI("build", "--source", dir, "--today", "2026-11-21")
		if code != exitOK {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
		return stdout
	}
	build()
	before, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if stdout := build(); !strings.Contains(stdout, "is up to date") || strings.Contains(stdout, "pages (") {
		t.Errorf("second build with nothing changed: %q", stdout)
	}
	if after, err := os.Stat(out); err != nil || !os.SameFile(before, after) {
		t.Errorf("public/ was replaced by a build with nothing to do (%v)", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") && !kept[e.Name()] {
			t.Errorf("staging directory left behind: %s", e.Name())
		}
	}
	edit(t, dir, "data/providers/awo-muenchen.yaml", "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord", 0)
	if stdout := build(); !strings.Contains(stdout, "pages (") {
		t.Errorf("build after a change: %q", stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "de/offices/awo-mbe-moosach/index.html")); !strings.Contains(string(b), "Moosach-Nord") {
		t.Error("the changed office's page was not built again")
	}
}

// TestBuildTimeIsWhole builds, changes a provider and builds again with
// --timings: the time the summary gives is the whole build's, the sum of
// the phases it prints, publishing the new output (and removing the old
// one) included.
func TestBuildTimeIsWhole(t *testing.T) {
	dir := copySmallSite(t)
	build := func() (summary float64, phases map[string]float64) {
		t.Helper()
		code, stdout, stderr := runCLI("build", "--source", dir, "--today", "2026-11-21", "--timings")
		if code != exitOK {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
		m := regexp.MustCompile(`MB in ([0-9.]+)(m?s) → `).FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("no time in the summary: %q", stdout)
		}
		summary, _ = strconv.ParseFloat(m[1], 64)
		if m[2] == "ms" {
			summary /= 1000
		}
		phases = map[string]float64{}
		for _, p := range regexp.MustCompile(`([a-z ]+) ([0-9.]+)s`).FindAllStringSubmatch(stdout[strings.Index(stdout, "phases:")+len("phases:"):], -1) {
			phases[strings.TrimSpace(p[1])], _ = strconv.ParseFloat(p[2], 64)
		}
		return summary, phases
	}
	build()
	edit(t, dir, "data/providers/awo-muenchen.yaml", "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord", 0)
	summary, phases := build()
	if _, ok := phases["publish"]; !ok || len(phases) < 5 {
		t.Fatalf("phases: %v", phases)
	}
	sum := 0.0
	for _, d := range phases {
		sum += d
	}
	// Each phase is printed to 10 ms: the sum is within 5 ms a phase.
	if diff := math.Abs(summary - sum); diff > 0.005*float64(len(phases))+0.001 {
		t.Errorf("the summary says %.3f s, the phases (publish %.2f s) add up to %.2f s", summary, phases["publish"], sum)
	}
}

// TestBuildTrace: --trace writes an execution trace of the build and
// --cpuprofile a CPU profile, side by side; a trace file that cannot be
// made is a usage error, before anything is built.
func TestBuildTrace(t *testing.T) {
	dir := copySmallSite(t)
	tr, prof := filepath.Join(t.TempDir(), "build.trace"), filepath.Join(t.TempDir(), "cpu.prof")
	if code, _, stderr := runCLI("build", "--source", dir, "--today", "2026-11-21", "--trace", tr, "--cpuprofile", prof); code != exitOK {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(tr)
	if err != nil {
		t.Fatal(err)
	}
	// A trace starts "go 1.NN trace" (runtime/trace's format header).
	if !regexp.MustCompile(`^go 1\.[0-9]+ trace\x00`).Match(b) || len(b) < 1000 {
		t.Errorf("not an execution trace: %d bytes starting %.20q", len(b), b)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("no CPU profile beside the trace: %v", err)
	}
	out := filepath.Join(t.TempDir(), "public")
	code, _, stderr := runCLI("build", "--source", dir, "--out", out, "--today", "2026-11-21", "--trace", filepath.Join(dir, "no", "such", "folder", "x.trace"))
	if code != exitUsage || !strings.Contains(stderr, "x.trace") {
		t.Errorf("a trace that cannot be made: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("built with a trace that cannot be made: %v", err)
	}
}

// TestBuildSpare: a build keeps the output it replaced as .public.spare
// and the next fills it (changed pages, one page fewer); that build's
// output is byte for byte a
// --render-all build's from the same previous output into an empty
// folder (--spare=false), and --spare=false removes the spare.
// fileTree returns the files below root by their path relative to it,
// each with its content.
func fileTree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree reports the files of got that differ from want's, or are not
// in want, or are only in want.
func sameTree(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: missing", name)
		} else if g != want[name] {
			t.Errorf("%s differs from a build into an empty folder", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: not in a build into an empty folder", name)
		}
	}
}

// TestBuildKeepsLoad: a build keeps what it loaded in the hidden sibling
// .public.state (the owner's alone, outside the output), and the next
// build reads again only the data file whose content changed — also to
// the same size with its old modification time — with an output equal
// to a build that loads and renders everything; the build after it
// resumes from the state that one kept; a damaged state is loaded in
// full.
func TestBuildKeepsLoad(t *testing.T) {
	dir := copySmallSite(t)
	out, state := filepath.Join(dir, "public"), filepath.Join(dir, ".public.state")
	build := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(append([]string{"build", "--source", dir, "--today", "2026-11-21"}, args...)...)
		if code != exitOK {
			t.Fatalf("build %v: exit %d\n%s", args, code, stderr)
		}
		return stdout
	}
	if got := build(); strings.Contains(got, "data file") {
		t.Errorf("the first build resumed a load: %s", got)
	}
	for name, perm := range map[string]os.FileMode{state: 0o700 | fs.ModeDir, filepath.Join(state, "load"): 0o600} {
		if fi, err := os.Stat(name); err != nil || fi.Mode() != perm {
			t.Fatalf("%s: %v, want mode %v", name, err, perm)
		}
	}
	file := "data/providers/awo-muenchen.yaml"
	page := filepath.Join(out, "de", "offices", "awo-mbe-ludwigsvorstadt", "index.html")
	for i, step := range []struct {
		old, new string
		damage   bool   // the state cut in half first
		want     string // in the summary ("": loaded in full)
		compare  bool   // with a build that loads and renders everything
	}{
		{"089 1234510-10", "089 1234510-99", false, "1 changed data file read, the rest of the data kept", true},
		{"089 1234510-99", "089 1234510-98", false, "1 changed data file read, the rest of the data kept", false},
		{"089 1234510-98", "089 1234510-97", true, "", false},
	} {
		// The same size, the old time.
		fi, err := os.Stat(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		edit(t, dir, file, step.old, step.new, 0)
		if err := os.Chtimes(filepath.Join(dir, file), fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if step.damage {
			b, err := os.ReadFile(filepath.Join(state, "load"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(state, "load"), b[:len(b)/2], 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// The reference starts from the same previous output (the feeds
		// compare with it).
		ref := filepath.Join(t.TempDir(), "ref")
		if step.compare {
			if err := os.CopyFS(ref, os.DirFS(out)); err != nil {
				t.Fatal(err)
			}
		}
		got := build()
		if step.want != "" && !strings.Contains(got, step.want) || step.want == "" && strings.Contains(got, "data file") {
			t.Errorf("step %d: %s, want %q", i+1, got, step.want)
		}
		if b, err := os.ReadFile(page); err != nil || !strings.Contains(string(b), strings.TrimPrefix(step.new, "089 ")) {
			t.Errorf("step %d: the office's page does not show the new number %s (%v)", i+1, step.new, err)
		}
		if step.compare {
			build("--out", ref, "--render-all", "--spare=false")
			sameTree(t, fileTree(t, out), fileTree(t, ref))
		}
	}
}

func TestBuildSpare(t *testing.T) {
	dir := copySmallSite(t)
	out, spare := filepath.Join(dir, "public"), filepath.Join(dir, ".public.spare")
	build := func(args ...string) {
		t.Helper()
		if code, _, stderr := runCLI(append([]string{"build", "--source", dir, "--today", "2026-11-21"}, args...)...); code != exitOK {
			t.Fatalf("build %v: exit %d\n%s", args, code, stderr)
		}
	}
	tree := func(root string) map[string]string { return fileTree(t, root) }
	build()
	if _, err := os.Lstat(spare); err == nil {
		t.Fatal("a spare after the first build")
	}
	edit(t, dir, "data/providers/awo-muenchen.yaml", "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord", 0)
	build()
	if fi, err := os.Lstat(spare); err != nil || !fi.IsDir() {
		t.Fatalf("no spare after the second build: %v", err)
	}
	// The third fills the spare (the first build's output, with the old
	// name on its pages), without a page the first had.
	edit(t, dir, "data/providers/awo-muenchen.yaml", `phone: "089 1234510-10"`, `phone: "089 1234510-99"`, 0)
	if err := os.Remove(filepath.Join(dir, "content", "de", "ueber-uns.md")); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.CopyFS(ref, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	// A file put by hand into a page's folder of the spare, which the
	// spare's record (.public.spare.tree, on a file system that keeps
	// one) does not have: swept, not published.
	time.Sleep(20 * time.Millisecond) // a tick of the clock after the record
	if err := os.WriteFile(filepath.Join(spare, "de", "offices", "awo-mbe-ludwigsvorstadt", "stray.html"), []byte("stray"), 0o644); err != nil {
		t.Fatal(err)
	}
	build()
	build("--out", ref, "--render-all", "--spare=false")
	if got, want := tree(out), tree(ref); !reflect.DeepEqual(got, want) {
		for name := range want {
			if got[name] != want[name] {
				t.Errorf("%s differs from a build into an empty folder", name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: not in a build into an empty folder", name)
			}
		}
	}
	edit(t, dir, "data/providers/awo-muenchen.yaml", `phone: "089 1234510-99"`, `phone: "089 1234510-98"`, 0)
	build("--spare=false")
	for _, name := range []string{spare, filepath.Join(dir, ".public.tree"), filepath.Join(dir, ".public.spare.tree")} {
		if _, err := os.Lstat(name); err == nil {
			t.Errorf("--spare=false left %s", filepath.Base(name))
		}
	}
}
