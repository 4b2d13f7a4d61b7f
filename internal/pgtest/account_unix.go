//go:build unix

package pgtest

import (
	"os/exec"
	"syscall"
)

// account is the user the server's programs run as: nil, the test's own.
type account struct{ cred *syscall.Credential }

// accountOf is the user uid, gid (postgres, when the tests run as root).
func accountOf(uid, gid int) account {
	return account{&syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
}

// apply makes cmd run as a.
func (a account) apply(cmd *exec.Cmd) {
	if a.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: a.cred}
	}
}
