// Package publish writes a site into a directory so that readers of that
// directory see either the complete old site or the complete new one.
//
// The new site is written into a fresh sibling directory; only when it is
// complete does it replace the old one: on Linux with one atomic
// renameat2(RENAME_EXCHANGE), elsewhere with two renames. A failed or
// interrupted build removes its staging directory and leaves the old site
// as it was.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Dir is a staging directory being filled. WriteFile may be called from
// several goroutines.
type Dir struct {
	path  string
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
	full := filepath.Join(d.path, filepath.FromSlash(name))
	d.mu.Lock()
	d.files++
	d.bytes += int64(len(data))
	d.mu.Unlock()
	if err := d.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	return writeFile(full, data)
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
		return os.RemoveAll(stage) // stage now holds the old site
	}
	old := stage + ".old"
	if err := os.Rename(out, old); err != nil {
		return fmt.Errorf("publish: move old %s aside: %w", out, err)
	}
	if err := os.Rename(stage, out); err != nil {
		os.Rename(old, out) // put the old site back
		return fmt.Errorf("publish: %w", err)
	}
	return os.RemoveAll(old)
}
