package publish

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
	if err := Publish(context.Background(), out, RemoveOld, write(map[string]string{"index.html": "one", "de/index.html": "eins"})); err != nil {
		t.Fatal(err)
	}
	first := treeHash(t, out)

	// A failing build leaves everything as it was, and no staging directory behind.
	boom := errors.New("boom")
	err := Publish(context.Background(), out, RemoveOld, func(d *Dir) error {
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
	err = Publish(ctx, out, RemoveOld, func(d *Dir) error {
		d.WriteFile("index.html", []byte("half"))
		cancel()
		return nil
	})
	if err == nil || treeHash(t, out) != first {
		t.Errorf("interrupted build: err=%v, output changed=%v", err, treeHash(t, out) != first)
	}

	// A good build replaces the old output completely.
	if err := Publish(context.Background(), out, RemoveOld, write(map[string]string{"index.html": "two"})); err != nil {
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
	err := Publish(context.Background(), out, RemoveOld, func(d *Dir) error {
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
	err := Publish(context.Background(), "public", RemoveOld, func(d *Dir) error {
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

// TestKeep: a file kept from the previous site is that file (the same
// inode, not a copy), counted in Stats, and outlives the old site's
// removal; what is not a regular file of the previous site is not kept
// (a symbolic link is neither followed nor taken over), nor is anything
// without a previous site.
func TestKeep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	err := Publish(ctx, out, RemoveOld, func(d *Dir) error {
		if d.Previous() != nil {
			t.Error("Previous of a first build is not nil")
		}
		if kept, err := d.Keep("index.html", nil); kept || err != nil {
			t.Errorf("Keep without a previous site: %v, %v", kept, err)
		}
		for name, s := range map[string]string{"index.html": "root", "de/a/index.html": "deep", "dir/x": "x", "other.html": "other"} {
			if err := d.WriteFile(name, []byte(s)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(out, "link.html")); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(filepath.Join(out, "de", "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	err = Publish(ctx, out, RemoveOld, func(d *Dir) error {
		if b, err := fs.ReadFile(d.Previous(), "de/a/index.html"); err != nil || string(b) != "deep" {
			t.Errorf("Previous: %q, %v", b, err)
		}
		// intact is shown the linked file: its size, and its content.
		content := func(want string) func(fs.FileInfo, func() (io.ReadCloser, error)) bool {
			return func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool {
				f, err := open()
				if err != nil {
					t.Errorf("open a linked file: %v", err)
					return false
				}
				defer f.Close()
				b, err := io.ReadAll(f)
				return err == nil && fi.Size() == int64(len(b)) && string(b) == want
			}
		}
		for _, tc := range []struct {
			name   string
			intact func(fs.FileInfo, func() (io.ReadCloser, error)) bool
			want   bool
		}{
			{"de/a/index.html", nil, true},
			{"index.html", content("root"), true},
			{"other.html", content("changed"), false}, // refused: not linked
			{"link.html", nil, false},
			{"link.html", func(fs.FileInfo, func() (io.ReadCloser, error)) bool { return true }, false},
			{"dir", nil, false},
			{"missing.html", nil, false},
		} {
			if kept, err := d.Keep(tc.name, tc.intact); kept != tc.want || err != nil {
				t.Errorf("Keep(%s) = %v, %v; want %v", tc.name, kept, err, tc.want)
			}
		}
		if files, bytes := d.Stats(); files != 2 || bytes != int64(len("deep")+len("root")) {
			t.Errorf("Stats after keeping 2 files: %d files, %d bytes", files, bytes)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(filepath.Join(out, "de", "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the kept file was copied, not linked")
	}
	for name, want := range map[string]string{"index.html": "root", "de/a/index.html": "deep"} {
		if b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name))); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
	for _, name := range []string{"link.html", "dir", "missing.html", "other.html"} {
		if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(name))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is in the new site: %v", name, err)
		}
	}
}

// TestKeepThenWrite: a name kept and then written again gets the new
// content, and the previous site's file (the same file until then) does
// not change while that site is still served.
func TestKeepThenWrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	page := filepath.Join(out, "index.html")
	if err := Publish(ctx, out, RemoveOld, func(d *Dir) error { return d.WriteFile("index.html", []byte("old")) }); err != nil {
		t.Fatal(err)
	}
	err := Publish(ctx, out, RemoveOld, func(d *Dir) error {
		if kept, err := d.Keep("index.html", nil); !kept || err != nil {
			t.Fatalf("Keep: %v, %v", kept, err)
		}
		if err := d.WriteFile("index.html", []byte("new")); err != nil {
			return err
		}
		if b, err := os.ReadFile(page); err != nil || string(b) != "old" {
			t.Errorf("the served site's page while the next is made: %q, %v; want old", b, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(page); err != nil || string(b) != "new" {
		t.Errorf("published: %q, %v; want new", b, err)
	}
}

// TestSpare: with KeepSpare the replaced site stays as the output's spare
// and the next build fills it; what that build publishes is exactly what
// it wrote and kept (nothing of the spare survives: files, folders, a
// file where a folder is needed, links — never followed, the folder they
// point to untouched); a page kept over two builds is the same file
// throughout, not linked again; a failed build puts the spare back, and
// RemoveOld removes it.
func TestSpare(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	out := filepath.Join(root, "public")
	spare := SpareName(out)
	if want := filepath.Join(root, ".public.spare"); spare != want {
		t.Fatalf("SpareName = %s, want %s", spare, want)
	}
	// fill writes the files of write and keeps those of keep.
	fill := func(write map[string]string, keep ...string) func(*Dir) error {
		return func(d *Dir) error {
			for _, name := range keep {
				if kept, err := d.Keep(name, nil); !kept || err != nil {
					return fmt.Errorf("Keep(%s) = %v, %v", name, kept, err)
				}
			}
			for name, s := range write {
				if err := d.WriteFile(name, []byte(s)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// clean is the tree a build of the same files into an empty folder
	// gives.
	clean := func(files map[string]string) string {
		dir := filepath.Join(t.TempDir(), "public")
		if err := Publish(ctx, dir, RemoveOld, fill(files)); err != nil {
			t.Fatal(err)
		}
		return treeHash(t, dir)
	}
	one := map[string]string{"index.html": "one", "de/index.html": "eins", "old/a/x.html": "x", "keep.html": "k", "changed.html": "old", "f/a.html": "a"}
	if err := Publish(ctx, out, KeepSpare, fill(one)); err != nil {
		t.Fatal(err)
	}
	kept, err := os.Stat(filepath.Join(out, "keep.html"))
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(siblings(t, out), " "); s != ".public.tree public" {
		t.Errorf("after the first build: %v", s)
	}
	if err := Publish(ctx, out, KeepSpare, fill(map[string]string{"index.html": "two", "new/y.html": "y", "changed.html": "new", "f": "f"}, "keep.html", "de/index.html")); err != nil {
		t.Fatal(err)
	}
	two := map[string]string{"index.html": "two", "new/y.html": "y", "keep.html": "k", "de/index.html": "eins", "changed.html": "new", "f": "f"}
	if got, want := treeHash(t, out), clean(two); got != want {
		t.Errorf("second build:\n%s\nwant\n%s", got, want)
	}
	if got, want := treeHash(t, spare), clean(one); got != want {
		t.Errorf("the spare is not the first build's site:\n%s\nwant\n%s", got, want)
	}

	// The spare tampered with: a link to a file outside, its folder de
	// a link to a folder outside, a file where the next build needs the
	// folder new, a stray file.
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "index.html"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, outside)
	if err := os.RemoveAll(filepath.Join(spare, "de")); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		os.Symlink(filepath.Join(outside, "index.html"), filepath.Join(spare, "evil.html")),
		os.Symlink(outside, filepath.Join(spare, "de")),
		os.WriteFile(filepath.Join(spare, "new"), []byte("a file"), 0o644),
		os.WriteFile(filepath.Join(spare, "stray.txt"), []byte("stray"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A page kept over two builds is there already, the site's file: not
	// linked again (its inode's change time, which a link or an unlink
	// sets, stays; a tick of the clock later, so that one would show).
	keptBefore, err := os.Stat(filepath.Join(spare, "keep.html"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	// old, written, and f, kept, are folders in the spare.
	three := map[string]string{"index.html": "three", "new/z/y.html": "y", "evil.html": "good", "old": "a file"}
	// changed.html, kept, is the site's ("new"), not the spare's ("old").
	if err := Publish(ctx, out, KeepSpare, fill(three, "keep.html", "de/index.html", "changed.html", "f")); err != nil {
		t.Fatal(err)
	}
	three["keep.html"], three["de/index.html"], three["changed.html"], three["f"] = "k", "eins", "new", "f"
	if got, want := treeHash(t, out), clean(three); got != want {
		t.Errorf("third build, from the tampered spare:\n%s\nwant\n%s", got, want)
	}
	if got := treeHash(t, outside); got != before {
		t.Errorf("the folder a link of the spare points to changed:\n%s", got)
	}
	if now, err := os.Stat(filepath.Join(out, "keep.html")); err != nil || !os.SameFile(kept, now) {
		t.Errorf("a page kept over three builds is not the file the first wrote: %v", err)
	}
	if s := strings.Join(siblings(t, out), " "); s != ".public.spare .public.spare.tree .public.tree public" {
		t.Errorf("after the third build: %v", s)
	}
	if now, err := os.Stat(filepath.Join(out, "keep.html")); err == nil {
		was, ok1 := changed(keptBefore)
		is, ok2 := changed(now)
		if ok1 && ok2 && !was.Equal(is) {
			t.Errorf("a page kept over two builds was linked again (changed %v, before %v)", is, was)
		}
	}

	// A failed build leaves the site and puts the spare back.
	site, spared := treeHash(t, out), treeHash(t, spare)
	boom := errors.New("boom")
	err = Publish(ctx, out, KeepSpare, func(d *Dir) error {
		d.WriteFile("index.html", []byte("half"))
		d.WriteFile("stray.txt", []byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got := treeHash(t, out); got != site {
		t.Errorf("a failed build changed the site:\n%s", got)
	}
	if _, err := os.Stat(spare); err != nil {
		t.Errorf("a failed build lost the spare: %v (its site was %s)", err, spared)
	}
	if s := strings.Join(siblings(t, out), " "); s != ".public.spare .public.spare.tree .public.tree public" {
		t.Errorf("after a failed build: %v", s)
	}
	// And a build from it is right again.
	if err := Publish(ctx, out, KeepSpare, fill(map[string]string{"index.html": "four"}, "keep.html")); err != nil {
		t.Fatal(err)
	}
	if got, want := treeHash(t, out), clean(map[string]string{"index.html": "four", "keep.html": "k"}); got != want {
		t.Errorf("after a failed build:\n%s\nwant\n%s", got, want)
	}

	// RemoveOld: no spare left.
	if err := Publish(ctx, out, RemoveOld, fill(map[string]string{"index.html": "five"})); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(siblings(t, out), " "); s != "public" {
		t.Errorf("RemoveOld: %v", s)
	}
}

// TestList: listSorted (list, then sorted) finds every file, link and
// folder below its root, the same as filepath.WalkDir, with each file's
// inode where the system tells it, each folder's entries sorted by name,
// every folder listed in turn, a link to a folder not listed through, and
// a folder that cannot be read marked so.
func TestList(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	for _, name := range []string{"a/b/c/x.html", "a/y.html", "z.html", "d/e/f/g/h.html", outside + "/secret"} {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, filepath.FromSlash(name))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 600 { // names of 60 bytes: more than one read of entries
		if err := os.WriteFile(filepath.Join(root, "a", fmt.Sprintf("%057d.x", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "a", "link")); err != nil {
		t.Fatal(err)
	}
	var wantFiles, wantDirs []string
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			t.Fatal(err)
		case p == root:
		case e.IsDir():
			wantDirs = append(wantDirs, p)
		default:
			wantFiles = append(wantFiles, p)
		}
		return nil
	})
	l := listSorted(root, nil, new(atomic.Bool))
	var files, dirs []string
	for dir, entries := range l.folders {
		if !sort.SliceIsSorted(entries, func(i, j int) bool { return entries[i].name < entries[j].name }) {
			t.Errorf("%s: entries not sorted by name (spareEntry searches them)", dir)
		}
		for i := range entries {
			e := &entries[i]
			full := filepath.Join(dir, e.name)
			if e.dir {
				dirs = append(dirs, full)
				if _, ok := l.folders[full]; !ok || e.unread {
					t.Errorf("folder %s not listed (unread %v)", full, e.unread)
				}
				continue
			}
			files = append(files, full)
			if fi, err := os.Lstat(full); err == nil {
				if _, ino, ok := inode(fi); ok && ino != e.ino {
					t.Errorf("%s: inode %d listed, %d", full, e.ino, ino)
				}
			}
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	sort.Strings(wantFiles)
	sort.Strings(wantDirs)
	if got, want := strings.Join(files, "\n"), strings.Join(wantFiles, "\n"); got != want {
		t.Errorf("files:\n%s\nwant\n%s", got, want)
	}
	if got, want := strings.Join(dirs, "\n"), strings.Join(wantDirs, "\n"); got != want {
		t.Errorf("folders:\n%s\nwant\n%s", got, want)
	}
	// A folder that cannot be read (not as root, who reads any).
	if os.Geteuid() != 0 {
		locked := filepath.Join(root, "d", "e")
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(locked, 0o755)
		l := listSorted(root, nil, new(atomic.Bool))
		entries := l.folders[filepath.Join(root, "d")]
		for i := range entries {
			if e := &entries[i]; e.name == "e" && !e.unread {
				t.Error("a folder that cannot be read is not marked unread")
			}
		}
	}
}

// FuzzReadRecord: readRecord reads any bytes without failing, and a
// record it accepts names only folders below the root, each entry once,
// none of them "", "." or "..".
func FuzzReadRecord(f *testing.F) {
	root := filepath.Join(string(filepath.Separator)+"site", "public")
	f.Add([]byte(recordHead + "1 2 3 4\n" + "dde\x00dde/a\x00fde/a/index.html\x0042\x00fde/index.html\x007\x00"))
	f.Add([]byte(recordHead + "1 2 3 4\n" + "fde/x\x001\x00fde/x\x002\x00"))
	f.Add([]byte(recordHead + "1 2 3 4\n" + "dde/..\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := readRecord(writeTemp(t, b), root, 1, 2)
		if r == nil {
			return
		}
		for dir, entries := range r.folders {
			if !fs.ValidPath(dir) || dir == "." {
				t.Errorf("folder %q not below the root", dir)
			}
			seen := map[string]bool{}
			for i := range entries {
				name := entries[i].name
				if name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/') || seen[name] {
					t.Errorf("%s: entry %q", dir, name)
				}
				seen[name] = true
			}
		}
	})
}

// writeTemp writes b to a new file and returns its name.
func writeTemp(t *testing.T, b []byte) string {
	name := filepath.Join(t.TempDir(), "record")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}
