//go:build !linux

package serve

// inMemory tells whether dir is on a file system held in memory; here it
// is not known.
func inMemory(string) (mem, known bool) { return false, false }
