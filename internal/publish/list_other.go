//go:build !linux

package publish

import (
	"os"
	"path/filepath"
	"sync/atomic"
)

// list lists the folder root (see listing) through os.Open and ReadDir.
func list(root string, stop *atomic.Bool) listing {
	l := listing{entries: map[string]entry{}}
	var walk func(dir string)
	walk = func(dir string) {
		f, err := os.Open(dir)
		if err != nil {
			return
		}
		entries, _ := f.ReadDir(-1) // unsorted: os.ReadDir would sort
		f.Close()
		for _, e := range entries {
			full := filepath.Join(dir, e.Name())
			switch {
			case !e.IsDir():
				l.entries[full] = entry{} // the inode not known: kept files are linked again
			case !stop.Load():
				l.entries[full] = entry{dir: true}
				walk(full)
			}
		}
		if dir != root {
			l.dirs = append(l.dirs, dir)
		}
	}
	walk(root)
	return l
}
