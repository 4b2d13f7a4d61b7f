package serve

import (
	"os"
	"testing"
)

// TestInMemory: /dev/shm, a tmpfs on Linux, is found held in memory; the
// file system under the repository can be asked (whatever it is); a
// folder that does not exist cannot.
func TestInMemory(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm on this machine")
	}
	if mem, known := inMemory("/dev/shm"); !mem || !known {
		t.Errorf("inMemory(/dev/shm) = %v, %v; want true, true", mem, known)
	}
	if mem, known := inMemory("."); !known {
		t.Errorf("inMemory(.) not known")
	} else if mem {
		t.Logf("the repository is on a memory file system")
	}
	if _, known := inMemory("/no/such/folder"); known {
		t.Errorf("inMemory of a folder that does not exist: known")
	}
}
