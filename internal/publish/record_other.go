//go:build !linux

package publish

import (
	"os"
	"time"
)

// keepsRecords: a record is of use only to list's Linux version; none is
// written or read elsewhere.
func keepsRecords(string) bool { return false }

// changeTime is not asked for here: a record is of use only to list's
// Linux version, and is not written elsewhere.
func changeTime(*os.File) (time.Time, bool) { return time.Time{}, false }
