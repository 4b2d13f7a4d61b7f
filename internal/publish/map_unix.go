//go:build unix

package publish

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Map maps the regular file name (not a symbolic link) read-only into
// memory. At national scale a rebuild after a one-file change reads
// 500 MB of the previous open data to keep what did not change; read,
// each byte was copied into a new buffer the collector then had to
// clear and free. A mapped file is the page cache's memory, shared
// (MAP_SHARED) and mapped in at once (MAP_POPULATE).
//
// The file must not be truncated while it is mapped: reading past its
// new end would stop the program. Map is for a previous site's files,
// which nothing writes into (a build writes new files, never into old
// ones: see WriteNew).
func (t Tree) Map(name string) (*Mapped, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "map", Path: name, Err: fs.ErrInvalid}
	}
	f, err := os.OpenFile(filepath.Join(t.root, filepath.FromSlash(name)), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "map", Path: name, Err: fs.ErrInvalid}
	}
	size := fi.Size()
	if size == 0 || int64(int(size)) != size {
		b, err := os.ReadFile(f.Name())
		return &Mapped{Data: b, Info: fi}, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|mapPopulate)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: name, Err: err}
	}
	return &Mapped{Data: b, Info: fi, unmap: func() error { return syscall.Munmap(b) }}, nil
}
