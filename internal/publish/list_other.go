//go:build !linux

package publish

import (
	"os"
	"path/filepath"
	"sync/atomic"
)

// list lists the folder root (see listing) through os.Open and ReadDir;
// the inodes are not known (a spare's kept files are linked again), and
// no record is written or read (see record).
func list(root string, _ *record, stop *atomic.Bool) listing {
	l := listing{folders: map[string][]entry{}}
	var walk func(dir string) bool
	walk = func(dir string) bool {
		f, err := os.Open(dir)
		if err != nil {
			return false
		}
		list, err := f.ReadDir(-1) // unsorted: os.ReadDir would sort
		f.Close()
		entries := make([]entry, len(list))
		for i, e := range list {
			entries[i].name, entries[i].dir = e.Name(), e.IsDir()
		}
		l.folders[dir] = entries
		for i := range entries {
			if e := &entries[i]; e.dir && !stop.Load() {
				e.unread = !walk(filepath.Join(dir, e.name))
			}
		}
		return err == nil
	}
	walk(root)
	return l
}
