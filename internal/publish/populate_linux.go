//go:build linux

package publish

import "syscall"

// mapPopulate maps a file's pages in at once.
const mapPopulate = syscall.MAP_POPULATE
