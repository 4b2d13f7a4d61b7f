package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestListRecord: a spare listed with its site's record (record.go) —
// the folders that have not changed since taken from the record — is the
// spare as listed from the disk, also after a hand changed it: a file
// added to a folder, one removed, one replaced by another, a folder
// renamed. The folders changed are read; the others are taken from the
// record, a file changed in place too (its folder did not change; a kept
// page's file is keepSpare's to look at). A folder changed in the tick
// the record was made is not believed; a record of another folder, or
// one made later than now, is not read.
func TestListRecord(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(recordsDir(t), "public")
	files := map[string]string{"index.html": "i", "de/index.html": "d", "de/a/index.html": "a", "de/b/index.html": "b", "de/b/c/index.html": "c", "de/e/index.html": "e", "de/f/index.html": "f", "ar/g/h/index.html": "h", "ar/x/index.html": "x"}
	fill := func(d *Dir) error {
		for name, s := range files {
			if err := d.WriteFile(name, []byte(s)); err != nil {
				return err
			}
		}
		return nil
	}
	// Two builds: the first one's site is now the spare, its record the
	// spare's.
	for range 2 {
		if err := Publish(ctx, out, KeepSpare, fill); err != nil {
			t.Fatal(err)
		}
	}
	spare := SpareName(out)
	fi, err := os.Lstat(spare)
	if err != nil {
		t.Fatal(err)
	}
	dev, ino, _ := inode(fi)
	// These builds took less than a tick of the clock: each folder changed
	// in the tick the record was made, and none is believed. The record as
	// a longer build makes it: made a tick after the last change.
	time.Sleep(20 * time.Millisecond)
	if r := readRecord(recordName(spare), spare, dev, ino); r == nil || len(r.folders) != 10 {
		t.Fatalf("the spare's record: %v", r)
	}
	b, err := os.ReadFile(recordName(spare))
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(strings.TrimPrefix(string(b), recordHead), "\n")
	f := strings.Fields(head)
	retime := func(at time.Time) {
		t.Helper()
		head := fmt.Sprintf("%s %s %d %d", f[0], f[1], at.Unix(), at.Nanosecond())
		if err := os.WriteFile(recordName(spare), []byte(recordHead+head+"\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Made later than now (the clock set back since): not read.
	retime(time.Now().Add(time.Minute))
	if r := readRecord(recordName(spare), spare, dev, ino); r != nil {
		t.Error("a record made later than now was read")
	}
	retime(time.Now())
	if r := readRecord(recordName(spare), spare, dev, ino+1); r != nil {
		t.Error("the record of another folder was read")
	}
	rec := func() *record {
		t.Helper()
		r := readRecord(recordName(spare), spare, dev, ino)
		if r == nil {
			t.Fatal("no record of the spare")
		}
		return r
	}
	// folders gives each folder of a listing by its name relative to the
	// spare: its entries, a folder's ending in "/", a file's with its
	// inode.
	folders := func(l listing) map[string]string {
		m := map[string]string{}
		for dir, entries := range l.folders {
			var s []string
			for i := range entries {
				e := &entries[i]
				switch {
				case e.unread:
					s = append(s, e.name+" unread")
				case e.dir:
					s = append(s, e.name+"/")
				default:
					s = append(s, fmt.Sprintf("%s %d", e.name, e.ino))
				}
			}
			rel, _ := filepath.Rel(spare, dir)
			m[rel] = strings.Join(s, ", ")
		}
		return m
	}
	compare := func(step string, believed int) {
		t.Helper()
		got := listSorted(spare, rec(), new(atomic.Bool))
		if want := folders(listSorted(spare, nil, new(atomic.Bool))); fmt.Sprint(folders(got)) != fmt.Sprint(want) {
			t.Errorf("%s: with the record\n%v\nwant (from the disk)\n%v", step, folders(got), want)
		}
		if got.believed != believed {
			t.Errorf("%s: %d folders taken from the record, want %d", step, got.believed, believed)
		}
	}
	compare("unchanged", 10)          // all but the root
	time.Sleep(20 * time.Millisecond) // a tick of the clock later
	p := func(name string) string { return filepath.Join(spare, filepath.FromSlash(name)) }
	for _, err := range []error{
		os.WriteFile(p("de/a/stray.html"), []byte("stray"), 0o644),
		os.Remove(p("de/e/index.html")),
		os.WriteFile(p("de/f/new.html"), []byte("other"), 0o644),
		os.Rename(p("de/f/new.html"), p("de/f/index.html")),
		os.Rename(p("ar/x"), p("ar/y")),
		os.WriteFile(p("de/b/c/index.html"), []byte("changed in place"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	compare("changed", 5) // de, de/b, de/b/c, ar/g, ar/g/h

	// A folder changed in the tick the record was made.
	st, err := os.Lstat(p("de"))
	if err != nil {
		t.Fatal(err)
	}
	at, _ := changed(st)
	r := rec()
	for _, c := range []struct {
		time time.Time
		want bool
	}{{at, false}, {at.Add(time.Nanosecond), true}} {
		r.time = c.time
		if _, ok := r.believe(-1, "", p("de")); ok != c.want {
			t.Errorf("a folder changed at %v, the record's time %v: believed %v, want %v", at, c.time, ok, c.want)
		}
	}
}

// recordsDir returns a new folder on a file system that keeps records
// (keepsRecords): the test's temporary folder, or else one in /dev/shm
// (tmpfs, on Linux also in containers, whose own root is often overlay).
func recordsDir(t *testing.T) string {
	t.Helper()
	if dir := t.TempDir(); keepsRecords(dir) {
		return dir
	}
	dir, err := os.MkdirTemp("/dev/shm", "publish-test-")
	if err != nil || !keepsRecords(dir) {
		t.Skipf("no file system here keeps records (the temporary folder's nor /dev/shm: %v)", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestTrustsChangeTimes: records are kept on the local file systems
// whose change times the kernel keeps, not on NFS, FUSE or overlay.
func TestTrustsChangeTimes(t *testing.T) {
	for _, c := range []struct {
		name string
		typ  int64
		want bool
	}{
		{"tmpfs", 0x01021994, true},
		{"ext2/3/4", 0xef53, true},
		{"xfs", 0x58465342, true},
		{"btrfs", 0x9123683e, true},
		{"f2fs", 0xf2f52010, true},
		{"nfs", 0x6969, false},
		{"fuse", 0x65735546, false},
		{"overlay", 0x794c7630, false},
		{"9p", 0x01021997, false},
	} {
		if got := trustsChangeTimes(c.typ); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
