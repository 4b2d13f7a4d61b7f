package serve

import "golang.org/x/sys/unix"

// inMemory tells whether dir is on a file system held in memory (tmpfs
// or ramfs), and whether that could be found out.
func inMemory(dir string) (mem, known bool) {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return false, false
	}
	return st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC, true
}
