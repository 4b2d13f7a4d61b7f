package publish

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// treeHash hashes every file name, mode and content below dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, _ := e.Info()
		if e.IsDir() {
			lines = append(lines, fmt.Sprintf("%s/ %v", rel, info.Mode()))
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%s %v %x", rel, info.Mode(), sha256.Sum256(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func siblings(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestPublish(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	write := func(files map[string]string) func(*Dir) error {
		return func(d *Dir) error {
			for name, s := range files {
				if err := d.WriteFile(name, []byte(s)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// First publish into a directory that does not exist.
	if err := Publish(context.Background(), out, write(map[string]string{"index.html": "one", "de/index.html": "eins"})); err != nil {
		t.Fatal(err)
	}
	first := treeHash(t, out)

	// A failing build leaves everything as it was, and no staging directory behind.
	boom := errors.New("boom")
	err := Publish(context.Background(), out, func(d *Dir) error {
		d.WriteFile("index.html", []byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got := treeHash(t, out); got != first {
		t.Errorf("failed build changed the output:\n%s\nwant\n%s", got, first)
	}
	if s := siblings(t, out); len(s) != 1 {
		t.Errorf("left behind: %v", s)
	}

	// An interrupted build likewise.
	ctx, cancel := context.WithCancel(context.Background())
	err = Publish(ctx, out, func(d *Dir) error {
		d.WriteFile("index.html", []byte("half"))
		cancel()
		return nil
	})
	if err == nil || treeHash(t, out) != first {
		t.Errorf("interrupted build: err=%v, output changed=%v", err, treeHash(t, out) != first)
	}

	// A good build replaces the old output completely.
	if err := Publish(context.Background(), out, write(map[string]string{"index.html": "two"})); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "two" {
		t.Errorf("index.html = %q", b)
	}
	if _, err := os.Stat(filepath.Join(out, "de")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file of the old build survived")
	}
	if s := siblings(t, out); len(s) != 1 {
		t.Errorf("left behind: %v", s)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o755 {
		t.Errorf("output mode %v", st.Mode().Perm())
	}
}

// TestWriteFileFolders: files written from many goroutines at once land in
// their folders, however deep, whichever writer needs a folder first; their
// bytes and modes are what os.WriteFile would leave; a file standing where
// a folder is needed is an error, not a silent loss.
func TestWriteFileFolders(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	want := map[string]string{"index.html": "root", "blocked": "a file"}
	for i := range 200 {
		want[fmt.Sprintf("de/%d/a/b/index.html", i%7)] = "deep"
		want[fmt.Sprintf("de/%d/index.html", i)] = strings.Repeat("x", i*97)
	}
	var blockedErr error
	err := Publish(context.Background(), out, func(d *Dir) error {
		if err := d.WriteFile("blocked", []byte(want["blocked"])); err != nil {
			return err
		}
		errs := make(chan error, len(want))
		for name, s := range want {
			go func() {
				if name == "blocked" {
					errs <- nil
					return
				}
				errs <- d.WriteFile(name, []byte(s))
			}()
		}
		for range want {
			if err := <-errs; err != nil {
				return err
			}
		}
		blockedErr = d.WriteFile("blocked/index.html", []byte("lost"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if blockedErr == nil {
		t.Error("a file written below a file: no error")
	}
	for name, s := range want {
		info, err := os.Stat(filepath.Join(out, filepath.FromSlash(name)))
		if b, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(name))); err != nil || string(b) != s || info.Mode().Perm() != 0o644&^umask() {
			t.Errorf("%s: %q, %v, %v", name, b, err, info)
		}
	}
}

// umask returns the process's file mode creation mask, as os.WriteFile's
// files see it.
func umask() fs.FileMode {
	f := filepath.Join(os.TempDir(), fmt.Sprintf("umask-%d", os.Getpid()))
	defer os.Remove(f)
	if err := os.WriteFile(f, nil, 0o777); err != nil {
		return 0
	}
	info, _ := os.Stat(f)
	return 0o777 &^ info.Mode().Perm()
}

// TestPublishRelative: an output folder named relative to the working
// directory, as `make build` names public/, gets its files, top-level ones
// too (os.MkdirTemp names the staging folder "./.public.new-…").
func TestPublishRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	files := map[string]string{"index.html": "root", "de/index.html": "de", "de/a/b/index.html": "deep"}
	err := Publish(context.Background(), "public", func(d *Dir) error {
		for name, s := range files {
			if err := d.WriteFile(name, []byte(s)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range files {
		if b, err := os.ReadFile(filepath.Join("public", filepath.FromSlash(name))); err != nil || string(b) != s {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
}
