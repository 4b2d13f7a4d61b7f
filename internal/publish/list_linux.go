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
// per folder in root; the entry's type comes with its name), closed. Through os.Open and
// ReadDir, listing a national site's 370,000 folders cost 7.9 CPU-seconds,
// most of it registering each folder with the network poller. The
// folders in root (a site's languages, search/, …) are listed side by
// side, one per core at a time.
func list(root string, stop *atomic.Bool) listing {
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
	parts := make([][]folder, len(subs))
	parallel.Each(len(subs), func(i int) {
		e := subs[i]
		if stop.Load() {
			return
		}
		sub, err := unix.Openat(fd, e.name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		e.unread = err != nil || !walkFD(sub, root+string(filepath.Separator)+e.name, make([]byte, 32<<10), &parts[i], stop)
	})
	// The folders go into one map, made at its size (grown folder by
	// folder, 370,000 of them cost a third of a second).
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	l := listing{folders: make(map[string][]entry, n)}
	l.folders[root] = entries
	for _, p := range parts {
		for _, f := range p {
			l.folders[f.name] = f.entries
		}
	}
	return l
}

// folder is a folder's name and entries, as listed.
type folder struct {
	name    string
	entries []entry
}

// walkFD lists the open folder fd, named dir, and the folders in it into
// out, and closes it. It reports whether it read the folder to its end.
func walkFD(fd int, dir string, buf []byte, out *[]folder, stop *atomic.Bool) bool {
	defer unix.Close(fd)
	entries, read := readFD(fd, buf)
	*out = append(*out, folder{dir, entries})
	for i := range entries {
		e := &entries[i]
		if !e.dir || stop.Load() {
			continue
		}
		sub, err := unix.Openat(fd, e.name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		e.unread = err != nil || !walkFD(sub, dir+string(filepath.Separator)+e.name, buf, out, stop)
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
