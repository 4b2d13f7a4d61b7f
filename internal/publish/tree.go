package publish

import (
	"io/fs"
	"os"
)

// Tree is a folder of a previous site read as an fs.FS: os.DirFS's
// methods (Lstat and ReadLink too, so that a symbolic link is seen as
// one), and Map, which maps a large file into memory instead of reading
// it into a new buffer.
type Tree struct {
	dirFS
	root string
}

// dirFS is what os.DirFS provides.
type dirFS interface {
	fs.ReadFileFS
	fs.ReadDirFS
	fs.StatFS
	fs.ReadLinkFS
}

// NewTree returns the tree of the folder root.
func NewTree(root string) Tree {
	return Tree{dirFS: os.DirFS(root).(dirFS), root: root}
}

// Mapped is a file mapped into memory by Tree.Map.
type Mapped struct {
	// Data is the file's content; it may not be used after Close.
	Data []byte
	// Info is the file's FileInfo, taken as it was mapped.
	Info  fs.FileInfo
	unmap func() error
}

// Close unmaps the file.
func (m *Mapped) Close() error {
	var err error
	if m.unmap != nil {
		err = m.unmap()
	}
	m.unmap, m.Data = nil, nil
	return err
}
