package load

import (
	"io/fs"
	"os"
	"path"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// A folder reads source files of one folder by name, for reading many:
// on a platform that opens files relative to an open folder (readAt), a
// file costs one open, one stat and its reads, where readSource resolves
// the path from the root twice (os.Root opens each folder on the way, for
// Lstat and again for Open) and os.File asks the poller about each file.
// Elsewhere, and for a file system that is not the operating system's
// (tests), it reads by path with readSource. Either way it checks what
// readSource checks and reports it in the same words.
type folder struct {
	fsys fs.FS
	dir  string
	open *os.File // the folder, opened through fsys (so inside its root); nil: read by path
}

// openFolder opens the folder dir of fsys for reading files in it. Close
// it when done.
func openFolder(fsys fs.FS, dir string) *folder {
	d := &folder{fsys: fsys, dir: dir}
	if !readsAt {
		return d
	}
	f, err := fsys.Open(dir)
	if err != nil {
		return d // read by path: readSource reports the error
	}
	if of, ok := f.(*os.File); ok {
		if info, err := of.Stat(); err == nil && info.IsDir() {
			d.open = of
			return d
		}
	}
	f.Close()
	return d
}

// read reads the file name (one path element) of the folder, as
// readSource reads dir/name.
func (d *folder) read(name string) (src []byte, problems diag.List, notExist bool) {
	file := path.Join(d.dir, name)
	if d.open == nil {
		return readSource(d.fsys, file)
	}
	return readAt(d.open, name, file)
}

// Close closes the folder.
func (d *folder) Close() {
	if d.open != nil {
		d.open.Close()
	}
}
