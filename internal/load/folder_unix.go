//go:build unix

package load

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// readsAt tells that this platform reads a folder's files relative to the
// open folder (readAt).
const readsAt = true

// readAt reads the file name of the open folder dir (file is its path in
// the site, for problems). It opens name itself with O_NOFOLLOW, so a
// symbolic link is refused, not followed, and with O_NONBLOCK, so a pipe
// put there does not block the build; then fstat tells a plain file from
// anything else, and its size, as readSource's Lstat does.
func readAt(dir *os.File, name, file string) (src []byte, problems diag.List, notExist bool) {
	fail := func(rule, hint, format string, args ...any) ([]byte, diag.List, bool) {
		return nil, diag.List{sourceProblem(file, rule, hint, format, args...)}, false
	}
	raw, err := dir.SyscallConn()
	if err != nil {
		return cannotRead(file, err)
	}
	fd := -1
	cerr := raw.Control(func(dfd uintptr) {
		for {
			fd, err = unix.Openat(int(dfd), name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
			if err != syscall.EINTR {
				return
			}
		}
	})
	switch {
	case cerr != nil:
		return cannotRead(file, cerr)
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, true
	case err == syscall.ELOOP || err == syscall.EMLINK: // a link (EMLINK on the BSDs)
		p, _ := irregular(file, fs.ModeSymlink)
		return nil, diag.List{p}, false
	case err != nil:
		return cannotRead(file, err)
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := fstat(fd, &st); err != nil {
		return cannotRead(file, err)
	}
	if p, bad := irregular(file, fileType(uint32(st.Mode))); bad {
		return nil, diag.List{p}, false
	}
	if st.Size > maxFileSize {
		return fail("too-large", "split it into several files", "the file has %d bytes, more than the limit of %d MiB", st.Size, maxFileSize>>20)
	}
	// Sized by fstat, plus room to tell that the file grew (as readSource).
	src = make([]byte, 0, int(st.Size)+512)
	for {
		if len(src) == cap(src) {
			src = append(src, 0)[:len(src)]
		}
		n, err := syscall.Read(fd, src[len(src):cap(src)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return cannotRead(file, err)
		}
		if n == 0 {
			break
		}
		src = src[:len(src)+n]
		if len(src) > maxFileSize {
			return fail("too-large", "split it into several files", "the file has more than the limit of %d MiB", maxFileSize>>20)
		}
	}
	return src, textProblems(file, src, 0), false
}

// fstat is syscall.Fstat, again on EINTR.
func fstat(fd int, st *syscall.Stat_t) error {
	for {
		if err := syscall.Fstat(fd, st); err != syscall.EINTR {
			return err
		}
	}
}

// fileType is the fs.FileMode type of a stat mode.
func fileType(mode uint32) fs.FileMode {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	default:
		return fs.ModeDevice
	}
}
