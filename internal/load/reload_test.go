package load

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// stamped returns fsys with every file's modification time set to t.
func stamped(fsys fstest.MapFS, t time.Time) fstest.MapFS {
	for _, f := range fsys {
		f.ModTime = t
	}
	return fsys
}

// TestReloadEqualsLoad is the proof of Reload: for every golden case, a
// reload of the base site after the case's files changed gives the same
// directory and the same report as a full Load of the changed site. The
// cases that change only provider or course files, or Markdown pages, and
// bring no error must be patched rather than loaded in full, so the test
// covers the patch.
func TestReloadEqualsLoad(t *testing.T) {
	t0, t1 := testToday.Add(-time.Hour), testToday
	patched := 0
	eachGoldenCase(t, func(t *testing.T, _ string, ar *txtar.Archive) {
		base := stamped(baseSite(t), t0)
		prev, problems := Reload(base, Options{Now: testToday}, nil)
		if prev == nil || len(problems) > 0 {
			t.Fatalf("base: %s", report(problems))
		}
		changed, onlyOwn := caseChanges(ar, base)
		site := overlay(base, changed)
		for _, f := range changed {
			if mf := site[f.Name]; mf != nil {
				mf.ModTime = t1
			}
		}
		next, gotProblems := Reload(site, Options{Now: testToday}, prev)
		if !sameAsLoad(t, site, next, gotProblems, onlyOwn) || next.Patched == nil {
			return
		}
		patched++
		// Then another file changes: the warnings of the case's files
		// are carried over. Then the case's files go back to the
		// base: their warnings go.
		steps := []func(){
			func() {
				other := site["data/courses/vhs.yaml"]
				other.Data, other.ModTime = append(bytes.Clone(other.Data), "# a comment\n"...), t1.Add(time.Minute)
			},
			func() {
				orig := baseSite(t)
				for _, f := range changed {
					site[f.Name] = &fstest.MapFile{Data: orig[f.Name].Data, ModTime: t1.Add(2 * time.Minute)}
				}
			},
		}
		for i, step := range steps {
			step()
			want, wantProblems := Load(site, Options{Now: testToday})
			next, gotProblems = Reload(site, Options{Now: testToday}, next)
			if got, w := report(gotProblems), report(wantProblems); !bytes.Equal(got, w) {
				t.Errorf("step %d: report differs from Load's\n--- reload\n%s--- load\n%s", i+1, got, w)
			}
			if next == nil || next.Patched == nil || !reflect.DeepEqual(next.Dir, want) {
				t.Fatalf("step %d: not patched, or the directory differs from Load's", i+1)
			}
		}
	})
	t.Logf("%d cases patched", patched)
	if patched < 5 {
		t.Errorf("only %d cases were patched; the patch is hardly tested", patched)
	}
}

// caseChanges returns the files a golden case lays over base, and whether
// they are only provider, course or page files that base has (no file
// comes or goes): a reload or resume then patches unless they bring an
// error.
func caseChanges(ar *txtar.Archive, base fstest.MapFS) (changed []txtar.File, onlyOwn bool) {
	for _, f := range ar.Files {
		if f.Name != "want" {
			changed = append(changed, f)
		}
	}
	onlyOwn = true
	for _, f := range changed {
		onlyOwn = onlyOwn && (isDataFile(f.Name, "data/providers") || isDataFile(f.Name, "data/courses") || strings.HasSuffix(f.Name, ".md")) &&
			base[f.Name] != nil && strings.TrimSpace(string(f.Data)) != "<delete>"
	}
	return changed, onlyOwn
}

// sameAsLoad checks a reload's or resume's snapshot next and problems of
// site against a full Load of it: the same report, the same directory,
// and patched if onlyOwn without error. It reports whether there is a
// snapshot to look at further.
func sameAsLoad(t *testing.T, site fstest.MapFS, next *Snapshot, problems diag.List, onlyOwn bool) bool {
	t.Helper()
	want, wantProblems := Load(site, Options{Now: testToday})
	if got, w := report(problems), report(wantProblems); !bytes.Equal(got, w) {
		t.Errorf("report differs from Load's\n--- reload\n%s--- load\n%s", got, w)
	}
	if (next == nil) != (want == nil) {
		t.Fatalf("reload gave a directory: %v, load: %v", next != nil, want != nil)
	}
	if next == nil {
		return false
	}
	if !reflect.DeepEqual(next.Dir, want) {
		t.Errorf("the reloaded directory differs from Load's")
	}
	if onlyOwn && next.Patched == nil {
		t.Errorf("changed only provider, course or page files without error, but was loaded in full")
	}
	return true
}

// TestReloadKeepsUnchangedFiles checks that a reload decodes only the
// changed file: the other files' values are the previous snapshot's, and
// the changed file's sum alone changes.
func TestReloadKeepsUnchangedFiles(t *testing.T) {
	t0 := testToday.Add(-time.Hour)
	site := stamped(baseSite(t), t0)
	prev, problems := Reload(site, Options{Now: testToday}, nil)
	if prev == nil {
		t.Fatalf("base: %s", report(problems))
	}
	same, _ := Reload(site, Options{Now: testToday}, prev)
	if same == nil || same.Patched == nil || len(same.Patched) != 0 || same.Dir.Providers[0].Offices[0].ID != prev.Dir.Providers[0].Offices[0].ID {
		t.Fatalf("nothing changed: reload patched %v", same.Patched)
	}
	var file string
	for name := range site {
		if strings.HasPrefix(name, "data/providers/") {
			file = name
			break
		}
	}
	f := site[file]
	f.Data = bytes.Replace(f.Data, []byte("\n"), []byte("\n# a comment\n"), 1)
	f.ModTime = testToday
	next, problems := Reload(site, Options{Now: testToday}, prev)
	if next == nil {
		t.Fatalf("reload: %s", report(problems))
	}
	if !slices.Equal(next.Patched, []string{file}) {
		t.Fatalf("patched %v, want [%s]", next.Patched, file)
	}
	for i, p := range next.Dir.Providers {
		shared := len(p.Offices) > 0 && &p.Offices[0] == &prev.Dir.Providers[i].Offices[0]
		if shared == (p.File == file) {
			t.Errorf("%s: offices shared with the previous load: %v", p.File, shared)
		}
		if (next.Sum(p.File) == prev.Sum(p.File)) == (p.File == file) {
			t.Errorf("%s: sum changed: %v", p.File, next.Sum(p.File) != prev.Sum(p.File))
		}
	}
}

// TestReloadRacy: a file rewritten within the same tick as the last load,
// with the same size, is still seen to change (its source is compared),
// and files of that tick that did not change are not decoded again.
func TestReloadRacy(t *testing.T) {
	now := time.Now()
	site := stamped(baseSite(t), now)
	prev, problems := Reload(site, Options{Now: testToday}, nil)
	if prev == nil {
		t.Fatalf("base: %s", report(problems))
	}
	f := site["data/courses/vhs.yaml"]
	f.Data = bytes.Replace(f.Data, []byte("Volkshochschule Test"), []byte("Volkshochschule Tesx"), 1) // same size, same time
	next, problems := Reload(site, Options{Now: testToday}, prev)
	if next == nil {
		t.Fatalf("reload: %s", report(problems))
	}
	if !slices.Equal(next.Patched, []string{"data/courses/vhs.yaml"}) {
		t.Errorf("patched %v, want the rewritten file only", next.Patched)
	}
}
