package history

import (
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/history/historytest"
)

func TestHistory(t *testing.T) {
	ctx := context.Background()
	r := historytest.New(t)
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day2 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	r.Write("site/data/a.yaml", "one: 1\ntwo: 2\n")
	r.Write("site/content/x.md", "x\n")
	r.Commit(day1, "first")
	r.Write("site/data/a.yaml", "one: 1\ntwo: 22\nthree: 3\n")
	r.Commit(day2, "second")
	r.Write("site/data/a.yaml", "one: 1\ntwo: 22\nthree: 33\n") // not committed

	repo, err := Open(ctx, filepath.Join(r.Dir, "site"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	times, err := repo.LineTimes(ctx, "data/a.yaml", now)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{day1, day2, now}
	if len(times) != len(want) {
		t.Fatalf("%d lines, want %d", len(times), len(want))
	}
	for i := range want {
		if !times[i].Equal(want[i]) {
			t.Errorf("line %d: %v, want %v", i+1, times[i], want[i])
		}
	}

	commits, base, err := repo.Commits(ctx, "data", day1.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(commits) != 1 || commits[0].Subject != "second" || !commits[0].Time.Equal(day2) || base == "" {
		t.Fatalf("commits since day 2: %+v, base %q", commits, base)
	}
	old, err := repo.Tree(ctx, base, "data")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(old, "data/a.yaml"); err != nil || string(b) != "one: 1\ntwo: 2\n" {
		t.Errorf("data/a.yaml at the first commit: %q, %v", b, err)
	}
	if _, err := fs.Stat(old, "content/x.md"); err == nil {
		t.Errorf("the tree of data/ holds content/")
	}
}

func TestNoHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	if _, err := Open(context.Background(), dir); !errors.Is(err, ErrNoHistory) {
		t.Errorf("Open outside a work tree: %v", err)
	}
}

func TestParseBlameUncommitted(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	out := "0000000000000000000000000000000000000000 1 1 1\nauthor Not Committed Yet\nauthor-time 1764547200\nfilename a\n\tx: 1\n"
	times, err := parseBlame([]byte(out), now)
	if err != nil || len(times) != 1 || !times[0].Equal(now) {
		t.Errorf("uncommitted line: %v, %v", times, err)
	}
}
