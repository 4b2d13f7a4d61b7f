package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"golang.org/x/tools/txtar"
)

// kept returns s as a later process reads it back: saved with key and
// read with key.
func kept(t *testing.T, s *Snapshot, key string) *Snapshot {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Save(&buf, key); err != nil {
		t.Fatalf("save: %v", err)
	}
	r, err := ReadSnapshot(buf.Bytes(), key)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return r
}

// TestResumeEqualsLoad is TestReloadEqualsLoad for a snapshot kept on
// disk: for every golden case, the base site is loaded (Resume), its
// snapshot saved and read back, and the site with the case's files
// changed resumed from it; directory and report equal a full Load's.
// The changed files keep the base's modification time: only their
// content tells them apart, as after a checkout that keeps times.
func TestResumeEqualsLoad(t *testing.T) {
	t0 := testToday.Add(-time.Hour)
	patched := 0
	eachGoldenCase(t, func(t *testing.T, _ string, ar *txtar.Archive) {
		base := stamped(baseSite(t), t0)
		first, problems := Resume(base, Options{Now: testToday}, nil)
		if first == nil || len(problems) > 0 {
			t.Fatalf("base: %s", report(problems))
		}
		if first.Patched != nil {
			t.Fatalf("without a snapshot, patched %v", first.Patched)
		}
		// Read back, the snapshot is the one saved.
		prev := kept(t, first, "k")
		if !reflect.DeepEqual(prev.Dir, first.Dir) || !bytes.Equal(report(prev.Problems), report(first.Problems)) ||
			!reflect.DeepEqual(prev.stamps, first.stamps) || !reflect.DeepEqual(prev.sums, first.sums) || prev.defLang != first.defLang {
			t.Fatalf("the snapshot read back differs from the one saved")
		}
		changed, onlyOwn := caseChanges(ar, base)
		site := stamped(overlay(base, changed), t0)
		next, gotProblems := Resume(site, Options{Now: testToday}, prev)
		if !sameAsLoad(t, site, next, gotProblems, onlyOwn) {
			return
		}
		if next.Patched != nil {
			patched++
			sameLines(t, next)
		}
		// Kept again and resumed with nothing changed: the same.
		again, _ := Resume(site, Options{Now: testToday}, kept(t, next, "k"))
		if want, _ := Load(site, Options{Now: testToday}); again == nil || again.Patched == nil || len(again.Patched) != 0 || !reflect.DeepEqual(again.Dir, want) {
			t.Errorf("resumed again without a change: not the same directory, or patched %v", again.Patched)
		}
	})
	t.Logf("%d cases patched", patched)
	if patched < 5 {
		t.Errorf("only %d cases were patched; the resume is hardly tested", patched)
	}
}

// sameLines checks that s, resumed from a snapshot read back, saves the
// same bytes as when every file's values are encoded again: the lines it
// keeps from the snapshot read are those of its values.
func sameLines(t *testing.T, s *Snapshot) {
	t.Helper()
	kept := 0
	for _, l := range s.lines {
		if l != nil {
			kept++
		}
	}
	if kept == 0 && len(s.Dir.Providers)+len(s.Dir.CourseFiles) > len(s.Patched) {
		t.Errorf("resumed from a snapshot read back, no file's line kept")
	}
	fresh := *s
	fresh.lines = nil
	var a, b bytes.Buffer
	if err := errors.Join(s.Save(&a, "k"), fresh.Save(&b, "k")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("saved with the lines read (%d kept) ≠ saved encoding every file again", kept)
	}
}

// TestKeptWarnings: the warnings of a snapshot, kept keptProblems to a
// line, are read back as saved, whatever their number; a warning more or
// less in a line is a damaged snapshot.
func TestKeptWarnings(t *testing.T) {
	first, problems := Resume(stamped(baseSite(t), testToday.Add(-time.Hour)), Options{Now: testToday}, nil)
	if first == nil {
		t.Fatalf("base: %s", report(problems))
	}
	for _, n := range []int{0, 1, keptProblems, keptProblems + 1, 2*keptProblems + 7} {
		s := *first
		s.Problems = nil
		for i := range n {
			s.Problems = append(s.Problems, diag.Problem{Pos: diag.Pos{File: fmt.Sprintf("data/providers/p%d.yaml", i), Line: i + 1, Col: 3},
				Severity: diag.Warning, Rule: "missing-translation", Message: fmt.Sprint("warning ", i), Langs: []string{"ar"}})
		}
		if got := kept(t, &s, "k").Problems; !reflect.DeepEqual(got, s.Problems) {
			t.Errorf("%d warnings: read back %d, not as saved", n, len(got))
		}
		if n == 0 {
			continue
		}
		var buf bytes.Buffer
		if err := s.Save(&buf, "k"); err != nil {
			t.Fatal(err)
		}
		last := bytes.LastIndex(buf.Bytes(), []byte(`{"file"`))
		for name, data := range map[string][]byte{
			"a warning less": slices.Concat(buf.Bytes()[:last-1], []byte("]\n")),
			"a warning more": slices.Concat(buf.Bytes()[:len(buf.Bytes())-2], []byte(",{}]\n")),
		} {
			if _, err := ReadSnapshot(data, "k"); err == nil {
				t.Errorf("%d warnings, %s in the last line: read", n, name)
			}
		}
	}
}

// TestResumeSameSizeSameTime: a file rewritten to the same size with its
// old time is decoded again (Reload would not see it; Resume compares
// the content), and only that file.
func TestResumeSameSizeSameTime(t *testing.T) {
	t0 := testToday.Add(-time.Hour)
	site := stamped(baseSite(t), t0)
	first, problems := Resume(site, Options{Now: testToday}, nil)
	if first == nil {
		t.Fatalf("base: %s", report(problems))
	}
	f := site["data/courses/vhs.yaml"]
	f.Data = bytes.Replace(f.Data, []byte("Volkshochschule Test"), []byte("Volkshochschule Tesx"), 1)
	next, problems := Resume(site, Options{Now: testToday}, kept(t, first, "k"))
	if next == nil {
		t.Fatalf("resume: %s", report(problems))
	}
	if !slices.Equal(next.Patched, []string{"data/courses/vhs.yaml"}) {
		t.Errorf("patched %v, want the rewritten file only", next.Patched)
	}
	if want, _ := Load(site, Options{Now: testToday}); !reflect.DeepEqual(next.Dir, want) {
		t.Errorf("the resumed directory differs from Load's")
	}
}

// TestResumeLoadsInFull: a snapshot of another day, another stale_days
// or one of Reload is not patched but loaded in full; a snapshot of
// another key, format or damaged is not read at all.
func TestResumeLoadsInFull(t *testing.T) {
	site := stamped(baseSite(t), testToday.Add(-time.Hour))
	first, problems := Resume(site, Options{Now: testToday}, nil)
	if first == nil {
		t.Fatalf("base: %s", report(problems))
	}
	reloaded, _ := Reload(site, Options{Now: testToday}, nil)
	for name, c := range map[string]struct {
		opts Options
		prev *Snapshot
	}{
		"another day":        {Options{Now: testToday.AddDate(0, 0, 1)}, kept(t, first, "k")},
		"another stale_days": {Options{Now: testToday, StaleDays: 10}, kept(t, first, "k")},
		"stamped by time":    {Options{Now: testToday}, reloaded},
	} {
		next, _ := Resume(site, c.opts, c.prev)
		if next == nil || next.Patched != nil {
			t.Errorf("%s: not loaded in full", name)
		}
	}
	if err := reloaded.Save(&bytes.Buffer{}, "k"); err == nil {
		t.Errorf("a snapshot stamped by time was saved")
	}
	var buf bytes.Buffer
	if err := first.Save(&buf, "program 1"); err != nil {
		t.Fatal(err)
	}
	saved := buf.Bytes()
	for name, data := range map[string][]byte{
		"another key":    saved,
		"another format": bytes.Replace(saved, []byte(snapshotFormat), []byte("wegweiser load snapshot 0"), 1),
		"cut short":      saved[:len(saved)*2/3],
		"a line more":    append(slices.Clone(saved), "{}\n"...),
		"a bad sum":      bytes.Replace(saved, []byte(`"h":"`), []byte(`"h":"zz`), 1),
		"empty":          nil,
	} {
		key := "program 1"
		if name == "another key" {
			key = "program 2"
		}
		if s, err := ReadSnapshot(data, key); err == nil {
			t.Errorf("%s: read: %v", name, s != nil)
		}
	}
	if err := first.Save(&bytes.Buffer{}, "two\nlines"); err == nil {
		t.Errorf("a key of two lines was taken")
	}
}

// newerFirst is a history in which each line of a file changed an hour
// before the line above it: a translation below its source text is
// older than it.
type newerFirst struct{}

func (newerFirst) LineTimes(file string) ([]time.Time, error) {
	times := make([]time.Time, 2000)
	for i := range times {
		times[i] = testToday.Add(-time.Duration(i) * time.Hour)
	}
	return times, nil
}

// TestResumeKeepsOutdated: the translations a history finds outdated
// (Directory.Outdated, the warnings) are kept with the snapshot for the
// files that did not change.
func TestResumeKeepsOutdated(t *testing.T) {
	opts := Options{Now: testToday, Lines: newerFirst{}}
	site := stamped(baseSite(t), testToday.Add(-time.Hour))
	p := site["data/providers/caritas.yaml"] // a text's translations on lines of their own, below it
	p.Data = bytes.Replace(p.Data, []byte("description: {de: Beratung, en: Counselling, ar: استشارة}"), []byte("description:\n  de: Beratung\n  en: Counselling\n  ar: استشارة"), 1)
	first, problems := Resume(site, opts, nil)
	if first == nil {
		t.Fatalf("base: %s", report(problems))
	}
	if len(first.Dir.Outdated) == 0 {
		t.Fatal("no outdated translation: the test shows nothing")
	}
	f := site["data/courses/vhs.yaml"]
	f.Data = append(bytes.Clone(f.Data), "# a comment\n"...)
	want, wantProblems := Load(site, opts)
	next, gotProblems := Resume(site, opts, kept(t, first, "k"))
	if next == nil || !slices.Equal(next.Patched, []string{"data/courses/vhs.yaml"}) {
		t.Fatalf("not patched: %s", report(gotProblems))
	}
	if got, w := report(gotProblems), report(wantProblems); !bytes.Equal(got, w) {
		t.Errorf("report differs from Load's\n--- resume\n%s--- load\n%s", got, w)
	}
	if !reflect.DeepEqual(next.Dir, want) {
		t.Errorf("the resumed directory differs from Load's: %d outdated, want %d", len(next.Dir.Outdated), len(want.Outdated))
	}
}

// FuzzReadSnapshot: whatever the state file holds (damaged, cut, edited
// by hand), reading it returns a snapshot or an error, never a panic, and
// a snapshot it returns can be saved again (go test ./internal/load -run
// '^$' -fuzz FuzzReadSnapshot).
func FuzzReadSnapshot(f *testing.F) {
	first, problems := Resume(stamped(baseSite(f), testToday.Add(-time.Hour)), Options{Now: testToday}, nil)
	if first == nil {
		f.Fatalf("base: %s", report(problems))
	}
	var buf bytes.Buffer
	if err := first.Save(&buf, "k"); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(snapshotFormat + "\nk\n{\"Providers\":1}\n"))
	f.Add([]byte(snapshotFormat + "\nk\n{\"Providers\":-1,\"CourseFiles\":1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadSnapshot(data, "k")
		if err != nil {
			return
		}
		if err := s.Save(io.Discard, "k"); err != nil {
			t.Errorf("read, but not saved again: %v", err)
		}
	})
}
