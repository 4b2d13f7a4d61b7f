// Package publish writes a site into a directory so that readers of that
// directory see either the complete old site or the complete new one.
//
// The new site is written into a fresh sibling directory; only when it is
// complete does it replace the old one: on Linux with one atomic
// renameat2(RENAME_EXCHANGE), elsewhere with two renames. A failed or
// interrupted build removes its staging directory and leaves the old site
// as it was. A file the new site takes over unchanged from the old one is
// linked into the staging directory (Dir.Keep), not written again.
//
// With KeepSpare, the old site is not removed once replaced but kept next
// to the output as its spare folder (SpareName), and the next build fills
// that folder instead of an empty one: a page kept unchanged over two
// builds is then already there, the same file as the site's (a kept page
// is linked), and costs one stat call instead of a folder made, a link
// and, after, the old name's removal. What the spare holds is never
// trusted: every name the new site keeps is compared with the site's own
// file, every name it writes is written anew, and whatever else the spare
// holds is removed before the new site replaces the old. To know what the
// spare holds, a folder is listed, or, if it has not changed since the
// build that made it finished, taken from that build's record of its site
// after one look at it (record.go).
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// Dir is a staging directory being filled. WriteFile may be called from
// several goroutines.
type Dir struct {
	path  string
	prev  string // the directory being replaced, if there is one
	mu    sync.Mutex
	dirs  map[string]*mkdir
	files int
	bytes int64
	made  []made // what was written and kept, for the record (writeRecord)

	// A staging directory that is a previous build's spare (KeepSpare):
	// what it held when it was claimed, listed while the build loads its
	// data (listed), each entry marked once this build writes, keeps or
	// needs it (the rest is removed before it is published); the first
	// write or keep waits for the listing (spareList), so that it is the
	// spare as claimed.
	spare    bool
	listed   chan listing
	list     listing
	listOnce sync.Once
	dev      uint64      // the device of the spare's files
	stop     atomic.Bool // stops the listing: the build failed
}

// mkdir creates one directory once, whichever writer needs it first.
type mkdir struct {
	once sync.Once
	err  error
}

// WriteFile writes data to name (slash-separated, relative to the site
// root), creating directories as needed.
func (d *Dir) WriteFile(name string, data []byte) error {
	return d.WriteParts(name, [][]byte{data})
}

// WriteParts writes the file made of parts, one after another (see
// WriteNewParts), to name as WriteFile does.
func (d *Dir) WriteParts(name string, parts [][]byte) error {
	full := filepath.Join(d.path, filepath.FromSlash(name))
	var size int64
	for _, p := range parts {
		size += int64(len(p))
	}
	var clear bool // a folder of the spare where this build has a file
	if d.spare {
		if e := d.spareEntry(full); e != nil {
			e.use()
			clear = e.dir && !d.needed(full)
		}
	}
	if err := d.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	if clear {
		if err := removeEntry(full, true); err != nil {
			return err
		}
	}
	ino, err := writeNewParts(full, parts)
	if err == nil {
		d.note(full, ino, size)
	}
	return err
}

// note counts the file full, written or kept, with its size (Stats), and
// notes it with its inode for the record of the site (writeRecord).
func (d *Dir) note(full string, ino uint64, size int64) {
	name := filepath.ToSlash(full[len(d.path)+1:])
	d.mu.Lock()
	d.files++
	d.bytes += size
	d.made = append(d.made, made{name, ino})
	d.mu.Unlock()
}

// needed reports whether full is a folder this build needs.
func (d *Dir) needed(full string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.dirs[full]
	return ok
}

// spareEntry returns the spare's entry for the full name, or nil if the
// spare had none (or its folder was not listed).
func (d *Dir) spareEntry(full string) *entry {
	i := strings.LastIndexByte(full, filepath.Separator)
	if i < 0 {
		return nil
	}
	entries := d.spareList().folders[full[:i]] // sorted by name
	name := full[i+1:]
	j := sort.Search(len(entries), func(j int) bool { return entries[j].name >= name })
	if j < len(entries) && entries[j].name == name {
		return &entries[j]
	}
	return nil
}

// mkdir makes dir and the folders above it up to the staging directory,
// each once, whichever writer needs it first. It is made outside the lock:
// other writers go on with theirs (file system calls are slow next to
// rendering). The staging directory starts empty and each folder is made
// once, so a folder is made without first asking whether it exists (as
// os.MkdirAll would), and its parent only when the folder could not be
// made without it.
func (d *Dir) mkdir(dir string) error {
	if dir == d.path {
		return nil
	}
	d.mu.Lock()
	m := d.dirs[dir]
	if m == nil {
		m = &mkdir{}
		d.dirs[dir] = m
	}
	d.mu.Unlock()
	m.once.Do(func() {
		if d.spare {
			m.err = d.spareDir(dir)
			return
		}
		err := os.Mkdir(dir, 0o755)
		if errors.Is(err, fs.ErrNotExist) {
			if err = d.mkdir(filepath.Dir(dir)); err == nil {
				err = os.Mkdir(dir, 0o755)
			}
		}
		m.err = err
	})
	return m.err
}

// spareList returns what the spare held, once it is listed. The map of
// folders made is then made at the size of the spare's (a build mostly
// makes the folders its spare has: 370,000 at national scale, which a map
// grown folder by folder rehashed again and again under the lock).
func (d *Dir) spareList() *listing {
	d.listOnce.Do(func() {
		d.list = <-d.listed
		d.mu.Lock()
		if len(d.list.folders) > len(d.dirs) {
			dirs := make(map[string]*mkdir, len(d.list.folders))
			maps.Copy(dirs, d.dirs)
			d.dirs = dirs
		}
		d.mu.Unlock()
	})
	return &d.list
}

// spareDir makes sure dir is a folder of a staging directory that was a
// spare: the folders above it first (each once), so that no name is
// looked up through anything but a folder this build checked; a folder
// the spare has is used as it is (no system call: it was listed, and
// listing does not follow links); a file or a symbolic link of the spare
// where a folder is needed is removed; a file this build wrote there is
// an error, as it is in an empty staging directory. A folder the listing
// could not read is not trusted: it is removed with all it holds.
func (d *Dir) spareDir(dir string) error {
	if err := d.mkdir(filepath.Dir(dir)); err != nil {
		return err
	}
	if e := d.spareEntry(dir); e != nil && e.use() {
		if e.dir && !e.unread {
			return nil
		}
		if err := removeEntry(dir, e.dir); err != nil {
			return err
		}
	}
	return os.Mkdir(dir, 0o755)
}

// Previous returns the directory the staging directory will replace (the
// previous site), or nil if there is none. Keep takes files from it.
func (d *Dir) Previous() fs.FS {
	if d.prev == "" {
		return nil
	}
	return NewTree(d.prev)
}

// Keep takes the file name of the previous site (Previous) over into the
// new one as it is: it links it (the same file, not a copy: a page a
// build keeps is not written again, at national scale 5 GB), and reports
// true if what it linked is a regular file that intact accepts (nil:
// any). It reports false, and links nothing (the folder is made, for the
// file the caller then writes), if there is no previous site, if the
// previous name is not a regular file (a link is never followed, nor
// taken over), if intact refuses it, or if the file system cannot link
// it. intact gets the linked file's FileInfo and a way to open it, to
// compare its content (see LinkIntact). Once the new site replaces the
// old, the old names are removed; the kept files live on under the new
// ones.
//
// The file is linked first and looked at once, after: a kept page costs
// a folder, a link and one stat call. Looked at before as well (by the
// caller, and here to compare it with what was linked), it cost 30 % more.
func (d *Dir) Keep(name string, intact func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool) (bool, error) {
	if d.prev == "" {
		return false, nil
	}
	rel := filepath.FromSlash(name)
	full := filepath.Join(d.path, rel)
	if err := d.mkdir(filepath.Dir(full)); err != nil {
		return false, err
	}
	var fi fs.FileInfo
	if d.spare {
		var err error
		if fi, err = d.keepSpare(filepath.Join(d.prev, rel), full, intact); err != nil {
			return false, err
		}
	}
	if fi == nil {
		var err error
		if fi, err = LinkIntact(filepath.Join(d.prev, rel), full, intact); fi == nil || err != nil {
			return false, err
		}
	}
	_, ino, _ := inode(fi)
	d.note(full, ino, fi.Size())
	return true, nil
}

// keepSpare is Keep in a staging directory that was a spare: if the
// spare's name full is already the previous site's file old (the same
// file — the same inode on the same device —, linked by the build
// before, when it kept it; told by one stat call of old and the inode the
// spare's listing has for full) and intact accepts it, it returns its
// FileInfo, and nothing is linked; otherwise it removes whatever the
// spare has at full (a file or link is unlinked: a file shared with the
// site being served does not change) and returns nil, for Keep to link
// old as it does into an empty folder.
func (d *Dir) keepSpare(old, full string, intact func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool) (fs.FileInfo, error) {
	e := d.spareEntry(full)
	if e == nil || !e.use() {
		return nil, nil // not there, or written or kept by this build (the link fails, the caller writes it)
	}
	if !e.dir && e.ino != 0 {
		prev, err := os.Lstat(old)
		if err == nil && prev.Mode().IsRegular() {
			if dev, ino, ok := inode(prev); ok && dev == d.dev && ino == e.ino &&
				(intact == nil || intact(prev, func() (io.ReadCloser, error) { return os.Open(full) })) {
				return prev, nil
			}
		}
	}
	return nil, removeEntry(full, e.dir)
}

// LinkIntact links the file old to name (a new name) and returns the
// linked file's FileInfo if it is a regular file that intact (nil: any)
// accepts; else it removes name again and returns nil. A symbolic link
// is linked as itself (link(2) does not follow it), so it is seen under
// the new name and refused; intact looks at the file under the new name
// too, so what it accepts is what stays linked. old that does not exist,
// is a folder, or is on another file system gives nil and no error: the
// caller writes the file instead.
func LinkIntact(old, name string, intact func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool) (fs.FileInfo, error) {
	if err := os.Link(old, name); err != nil {
		return nil, nil
	}
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || (intact != nil && !intact(fi, func() (io.ReadCloser, error) { return os.Open(name) })) {
		return nil, os.Remove(name)
	}
	return fi, nil
}

// Stats returns the number of files and bytes written.
func (d *Dir) Stats() (files int, bytes int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.files, d.bytes
}

// Mode says what becomes of the previous site once the new one has
// replaced it.
type Mode int

const (
	// RemoveOld removes it (and a spare left by an earlier KeepSpare).
	RemoveOld Mode = iota
	// KeepSpare keeps it as the output's spare (SpareName), and fills a
	// spare found there instead of an empty staging directory.
	KeepSpare
)

// SpareName is where KeepSpare keeps the site out replaced: the hidden
// sibling ".NAME.spare" of out.
func SpareName(out string) string {
	out = filepath.Clean(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".spare")
}

// Publish calls fill with a staging directory next to out and, if fill
// succeeds and ctx is not cancelled, makes it out. On any failure the
// staging directory is removed (with KeepSpare, put back as the spare)
// and out is untouched.
func Publish(ctx context.Context, out string, mode Mode, fill func(*Dir) error) (err error) {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	stage = filepath.Clean(stage) // clean, as the names mkdir makes and compares
	d := &Dir{path: stage, dirs: map[string]*mkdir{}}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		d.prev = out
	}
	spare := SpareName(out)
	if mode == KeepSpare && d.prev != "" {
		d.claim(spare)
	}
	defer func() {
		if err == nil {
			return
		}
		if d.spare {
			// Not walked while it is renamed; a build with nothing to do
			// (build.UpToDateError) does not wait for a whole listing.
			d.stop.Store(true)
			d.spareList()
			if os.Rename(stage, spare) == nil {
				return
			}
		}
		os.RemoveAll(stage)
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	if err := fill(d); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: interrupted: %w", err)
	}
	if d.spare {
		if err := d.sweep(d.spareList()); err != nil {
			return fmt.Errorf("publish: clear the spare: %w", err)
		}
	}
	if mode != KeepSpare {
		spare = ""
		defer removeAll(SpareName(out)) // one left by an earlier build
		os.Remove(recordName(out))
		os.Remove(recordName(SpareName(out)))
		return swap(stage, out, spare)
	}
	rec := recordName(stage) // a name of this build's own
	if !d.writeRecord(rec) {
		rec = ""
	}
	if err := swap(stage, out, spare); err != nil {
		if rec != "" {
			os.Remove(rec)
		}
		return err
	}
	// The old site's record goes with it (if the old site could not be
	// kept as the spare, the record is of no folder: readRecord will not
	// find its inode).
	if os.Rename(recordName(out), recordName(spare)) != nil {
		os.Remove(recordName(spare))
	}
	if rec == "" || os.Rename(rec, recordName(out)) != nil {
		os.Remove(recordName(out))
	}
	return nil
}

// claim takes the spare folder as the staging directory d (renamed over
// the empty one Publish made: of two builds at once, one gets it, the
// other fills its empty folder) and starts listing what it holds. A spare
// that is not a folder is left alone.
func (d *Dir) claim(spare string) {
	rec := recordName(spare)
	if fi, err := os.Lstat(spare); err != nil || !fi.IsDir() {
		return
	}
	// os.Rename does not rename over a folder, even an empty one: the
	// empty staging folder is removed first (its name is Publish's).
	if err := os.Remove(d.path); err != nil {
		return
	}
	if err := os.Rename(spare, d.path); err != nil {
		os.Mkdir(d.path, 0o700)
		return
	}
	fi, err := os.Lstat(d.path)
	if err != nil || !fi.IsDir() {
		// Not the folder looked at (changed in between): put aside.
		os.Remove(d.path)
		os.Mkdir(d.path, 0o700)
		return
	}
	dev, ino, _ := inode(fi)
	d.dev = dev
	d.spare = true
	d.listed = make(chan listing, 1)
	go func() {
		var r *record
		if keepsRecords(d.path) {
			r = readRecord(rec, d.path, dev, ino)
		}
		d.listed <- listSorted(d.path, r, &d.stop)
	}()
}

// listing is what a spare held when it was claimed: each folder's
// entries, sorted by name once listed (a folder may hold thousands), by
// the folder's full name. list (one per system) makes it; a folder it
// cannot read is marked unread (spareDir does not trust it), and once
// stop is set, every folder not yet read (the listing is then of no
// use).
type listing struct {
	folders  map[string][]entry
	believed int // folders taken from the site's record (list)
}

// listSorted lists root (list, one per system) and sorts each folder's
// entries by name, for spareEntry.
func listSorted(root string, rec *record, stop *atomic.Bool) listing {
	l := list(root, rec, stop)
	for _, entries := range l.folders {
		sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	}
	return l
}

// entry is a name a spare's folder held: a folder or not (a symbolic
// link is not), whether it could be read, its inode (0: not known), and
// whether this build has used it (use).
type entry struct {
	name   string
	ino    uint64
	dir    bool
	unread bool
	used   atomic.Bool
}

// use marks e as written, kept or needed as a folder by this build, and
// reports whether it was not before: the first writer to use a name
// decides what becomes of the spare's entry.
func (e *entry) use() bool { return e.used.CompareAndSwap(false, true) }

// sweep removes what the spare held that this build did not write, keep
// or need as a folder (a folder, whole).
func (d *Dir) sweep(l *listing) error {
	var errs []error
	for dir, entries := range l.folders {
		for i := range entries {
			e := &entries[i]
			if e.used.Load() {
				continue
			}
			if err := removeEntry(dir+string(filepath.Separator)+e.name, e.dir); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeEntry removes a spare's entry full: a folder with all it holds,
// anything else (a link too, never followed) by itself. Gone already, or
// a folder above it gone (removed whole before): nothing to remove.
func removeEntry(full string, dir bool) error {
	var err error
	if dir {
		err = os.RemoveAll(full)
	} else {
		err = os.Remove(full)
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	return err
}

// swap makes stage the directory out and removes the old out, or, if
// spare is not "", keeps it there (a spare there already, or one that
// cannot be made, and it is removed).
func swap(stage, out, spare string) error {
	if _, err := os.Lstat(out); errors.Is(err, os.ErrNotExist) {
		return os.Rename(stage, out)
	}
	if err := exchange(stage, out); err == nil {
		return keepOrRemove(stage, spare) // stage now holds the old site
	}
	old := stage + ".old"
	if err := os.Rename(out, old); err != nil {
		return fmt.Errorf("publish: move old %s aside: %w", out, err)
	}
	if err := os.Rename(stage, out); err != nil {
		os.Rename(old, out) // put the old site back
		return fmt.Errorf("publish: %w", err)
	}
	return keepOrRemove(old, spare)
}

// keepOrRemove makes the old site dir the spare, or removes it.
func keepOrRemove(dir, spare string) error {
	if spare != "" && os.Rename(dir, spare) == nil {
		return nil
	}
	return removeAll(dir)
}

// removeAll is os.RemoveAll with the folders at the top of dir removed
// side by side: removing the 347,000 files of a national site took 5.5 s
// one after the other, 3.4 s four at a time (on 2 cores, tmpfs).
func removeAll(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return os.RemoveAll(dir)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(entries))
	next := make(chan int)
	for range min(len(entries), 2*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = os.RemoveAll(filepath.Join(dir, entries[i].Name()))
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(append(errs, os.RemoveAll(dir))...)
}
