// Package publish writes a site into a directory so that readers of that
// directory see either the complete old site or the complete new one.
//
// The new site is written into a fresh sibling directory; only when it is
// complete does it replace the old one: on Linux with one atomic
// renameat2(RENAME_EXCHANGE), elsewhere with two renames. A failed or
// interrupted build removes its staging directory and leaves the old site
// as it was. A file the new site takes over unchanged from the old one is
// linked into the staging directory (Dir.Keep), not written again.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
	d.mu.Lock()
	d.files++
	d.bytes += size
	d.mu.Unlock()
	if err := d.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	return WriteNewParts(full, parts)
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
	fi, err := LinkIntact(filepath.Join(d.prev, rel), full, intact)
	if fi == nil || err != nil {
		return false, err
	}
	d.mu.Lock()
	d.files++
	d.bytes += fi.Size()
	d.mu.Unlock()
	return true, nil
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

// Publish calls fill with a staging directory next to out and, if fill
// succeeds and ctx is not cancelled, makes it out. On any failure the
// staging directory is removed and out is untouched.
func Publish(ctx context.Context, out string, fill func(*Dir) error) (err error) {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	d := &Dir{path: filepath.Clean(stage), dirs: map[string]*mkdir{}} // clean, as the names it makes (mkdir compares them)
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		d.prev = out
	}
	if err := fill(d); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: interrupted: %w", err)
	}
	return swap(stage, out)
}

// swap makes stage the directory out and removes the old out.
func swap(stage, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, os.ErrNotExist) {
		return os.Rename(stage, out)
	}
	if err := exchange(stage, out); err == nil {
		return removeAll(stage) // stage now holds the old site
	}
	old := stage + ".old"
	if err := os.Rename(out, old); err != nil {
		return fmt.Errorf("publish: move old %s aside: %w", out, err)
	}
	if err := os.Rename(stage, out); err != nil {
		os.Rename(old, out) // put the old site back
		return fmt.Errorf("publish: %w", err)
	}
	return removeAll(old)
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
