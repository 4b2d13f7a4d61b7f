//go:build unix

package publish

import (
	"io/fs"
	"syscall"
)

// WriteNew writes data to a new file name (an existing one is unlinked
// first, never truncated: it may be a link to a previous site's file,
// which must not change while that site is served). It is os.WriteFile
// with the system calls a build needs and no more: os.OpenFile tries to register each file with the network poller
// (four fcntl calls and an epoll_ctl that fails for a plain file), which
// for a site of many small pages is a third of the system calls of writing
// it.
func WriteNew(name string, data []byte) error {
	return WriteNewParts(name, [][]byte{data})
}

// WriteNewParts is WriteNew of the file made of parts, written one after
// another: a large file put together from pieces (a national HSDS
// export's 36 MB from 780 data files' entries) is not copied into one
// buffer first.
func WriteNewParts(name string, parts [][]byte) error {
	_, err := writeNewParts(name, parts)
	return err
}

// writeNewParts is WriteNewParts that also returns the new file's inode
// (0 if the system did not say), for the record of a site (see record).
func writeNewParts(name string, parts [][]byte) (ino uint64, err error) {
	// A new file, never one truncated: a name written twice may be a link
	// to the previous site's file (Dir.Keep), which must not change while
	// that site is served. Unlinked, it is written anew.
	fd := -1
	err = syscall.EINTR
	for err == syscall.EINTR || err == syscall.EEXIST {
		if err == syscall.EEXIST {
			if err := syscall.Unlink(name); err != nil && err != syscall.ENOENT {
				return 0, &fs.PathError{Op: "unlink", Path: name, Err: err}
			}
		}
		fd, err = syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
	}
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for _, data := range parts {
		for len(data) > 0 {
			n, err := syscall.Write(fd, data)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				syscall.Close(fd)
				return 0, &fs.PathError{Op: "write", Path: name, Err: err}
			}
			data = data[n:]
		}
	}
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil {
		ino = uint64(st.Ino)
	}
	if err := syscall.Close(fd); err != nil {
		return 0, &fs.PathError{Op: "close", Path: name, Err: err}
	}
	return ino, nil
}
