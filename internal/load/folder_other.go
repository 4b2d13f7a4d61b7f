//go:build !unix

package load

import (
	"os"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// readsAt tells that this platform reads a folder's files by path.
const readsAt = false

// readAt is not used here (readsAt is false).
func readAt(dir *os.File, name, file string) ([]byte, diag.List, bool) {
	panic("load: readAt without readsAt")
}
