package publish

import (
	"path/filepath"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// list lists the folder root (see listing) with the system calls it needs
// and no more: each folder opened relative to the one above it (no path
// looked up again from the top), read with getdents64 into a buffer (one
// per folder in root; the entry's type comes with its name), closed.
// Through os.Open and ReadDir, listing a national site's 370,000 folders
// cost 7.9 CPU-seconds, most of it registering each folder with the
// network poller. The folders in root (a site's languages, search/, …)
// are listed side by side, one per core at a time.
//
// With the site's record (rec, nil if none), a folder the record has is
// looked at first, and if it has not changed since, its entries are the
// record's: one system call instead of three, and no name read. root is
// always read (the spare was renamed to it: it changed).
func list(root string, rec *record, stop *atomic.Bool) listing {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return listing{folders: map[string][]entry{}}
	}
	defer unix.Close(fd)
	entries, _ := readFD(fd, make([]byte, 32<<10))
	var subs []*entry
	for i := range entries {
		if entries[i].dir {
			subs = append(subs, &entries[i])
		}
	}
	walkers := make([]walker, len(subs))
	parallel.Each(len(subs), func(i int) {
		e := subs[i]
		if stop.Load() {
			return
		}
		w := &walkers[i]
		w.rec, w.stop, w.buf = rec, stop, make([]byte, 32<<10)
		e.unread = !w.folder(fd, e.name, root+string(filepath.Separator)+e.name)
	})
	// The folders go into one map, made at its size (grown folder by
	// folder, 370,000 of them cost a third of a second).
	n := 1
	for _, w := range walkers {
		n += len(w.out)
	}
	l := listing{folders: make(map[string][]entry, n)}
	l.folders[root] = entries
	for _, w := range walkers {
		for _, f := range w.out {
			l.folders[f.name] = f.entries
		}
		l.believed += w.believed
	}
	return l
}

// folder is a folder's name and entries, as listed.
type folder struct {
	name    string
	entries []entry
}

// walker lists folders below a folder of the root, into out.
type walker struct {
	rec      *record
	stop     *atomic.Bool
	buf      []byte
	out      []folder
	believed int // folders taken from the record
}

// folder lists the folder full, name in the open folder at (at < 0: none
// open, full looked up whole), and the folders in it, and reports
// whether it read them all: from the record if it has the folder and the
// folder has not changed since (record.believe), else read.
func (w *walker) folder(at int, name, full string) bool {
	if w.rec != nil {
		if entries, ok := w.rec.believe(at, name, full); ok {
			w.believed++
			w.out = append(w.out, folder{full, entries})
			for i := range entries {
				if e := &entries[i]; e.dir && !w.stop.Load() {
					e.unread = !w.folder(-1, e.name, full+string(filepath.Separator)+e.name)
				}
			}
			return true
		}
	}
	const flags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	var fd int
	var err error
	if at >= 0 {
		fd, err = unix.Openat(at, name, flags, 0)
	} else {
		fd, err = unix.Open(full, flags, 0)
	}
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	entries, read := readFD(fd, w.buf)
	w.out = append(w.out, folder{full, entries})
	for i := range entries {
		if e := &entries[i]; e.dir && !w.stop.Load() {
			e.unread = !w.folder(fd, e.name, full+string(filepath.Separator)+e.name)
		}
	}
	return read
}

// readFD reads the entries of the open folder fd with buf, and reports
// whether it read them to the end.
func readFD(fd int, buf []byte) (entries []entry, read bool) {
	read = true
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			read = false
		}
		if err != nil || n <= 0 {
			break
		}
		for b := buf[:n]; len(b) > 0; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 19 || reclen > len(b) {
				break
			}
			name := b[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			if s := string(name); s != "." && s != ".." {
				typ := b[18]
				if typ == unix.DT_UNKNOWN { // a file system that does not say: asked
					var st unix.Stat_t
					if unix.Fstatat(fd, s, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
						typ = unix.DT_DIR
					}
				}
				entries = append(entries, entry{name: s, ino: *(*uint64)(unsafe.Pointer(&b[0])), dir: typ == unix.DT_DIR})
			}
			b = b[reclen:]
		}
	}
	return entries, read
}
