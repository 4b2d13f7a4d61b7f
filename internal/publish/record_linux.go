package publish

import (
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// keepsRecords reports whether the folder dir is on a file system whose
// change times a record can be checked against (see record): one the
// kernel keeps them for as it changes a folder — tmpfs, ext2/3/4, XFS,
// Btrfs, F2FS. Not NFS (a client may see another's change late, through
// its cache of attributes), FUSE (what a file system in user space says
// is its own), overlay or anything else not known here: there the spare
// is listed whole, as without a record.
func keepsRecords(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && trustsChangeTimes(int64(st.Type))
}

// trustsChangeTimes reports whether the file system of the type (statfs's
// f_type) is one keepsRecords accepts.
func trustsChangeTimes(fsType int64) bool {
	switch fsType {
	case unix.TMPFS_MAGIC, unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.F2FS_SUPER_MAGIC:
		return true
	}
	return false
}

// changeTime returns the change time of the open file f.
func changeTime(f *os.File) (time.Time, bool) {
	fi, err := f.Stat()
	if err != nil {
		return time.Time{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Ctim.Sec, st.Ctim.Nsec), true
}

// believe returns the recorded entries of the folder full (name in the
// open folder at, or, at < 0, looked up by its full name) if the record
// has it and it is, looked at once, a folder on the record's device that
// has not changed since the record was made.
func (r *record) believe(at int, name, full string) ([]entry, bool) {
	if !strings.HasPrefix(full, r.root) {
		return nil, false
	}
	entries, ok := r.folders[full[len(r.root):]]
	if !ok {
		return nil, false
	}
	var st unix.Stat_t
	var err error
	if at >= 0 {
		err = unix.Fstatat(at, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	} else {
		err = unix.Lstat(full, &st)
	}
	if err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR || uint64(st.Dev) != r.dev ||
		!time.Unix(st.Ctim.Sec, st.Ctim.Nsec).Before(r.time) {
		return nil, false
	}
	return entries, true
}
