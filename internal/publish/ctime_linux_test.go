package publish

import (
	"io/fs"
	"syscall"
	"time"
)

// changed returns when the inode of fi last changed (its link count
// too: a file linked or unlinked again), if the system says.
func changed(fi fs.FileInfo) (time.Time, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Ctim.Sec, st.Ctim.Nsec), true
}
