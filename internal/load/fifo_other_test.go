//go:build !unix

package load

import "errors"

// mkfifo: no named pipes in a folder here.
func mkfifo(string) error { return errors.New("no named pipes") }
