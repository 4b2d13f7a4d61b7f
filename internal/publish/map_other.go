//go:build !unix

package publish

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Map reads the regular file name (not a symbolic link): on this system
// it is not mapped into memory.
func (t Tree) Map(name string) (*Mapped, error) {
	fi, err := t.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "map", Path: name, Err: fs.ErrInvalid}
	}
	b, err := os.ReadFile(filepath.Join(t.root, filepath.FromSlash(name)))
	return &Mapped{Data: b, Info: fi}, err
}
