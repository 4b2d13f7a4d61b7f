//go:build !unix

package publish

import (
	"errors"
	"io/fs"
	"os"
)

// WriteNew writes a new file of the site, never truncating one: a name
// written twice may be a link to the previous site's file (Dir.Keep),
// which must not change while that site is served.
func WriteNew(name string, data []byte) error {
	return WriteNewParts(name, [][]byte{data})
}

// WriteNewParts is WriteNew of the file made of parts, written one after
// another.
func WriteNewParts(name string, parts [][]byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		if err := os.Remove(name); err != nil {
			return err
		}
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}
	if err != nil {
		return err
	}
	for _, data := range parts {
		if _, err = f.Write(data); err != nil {
			break
		}
	}
	return errors.Join(err, f.Close())
}

// writeNewParts is WriteNewParts; the inode is not known here (0).
func writeNewParts(name string, parts [][]byte) (uint64, error) {
	return 0, WriteNewParts(name, parts)
}
