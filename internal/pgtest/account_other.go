//go:build !unix

package pgtest

import "os/exec"

// account is the user the server's programs run as: on this system
// always the test's own (there is no root to step down from).
type account struct{}

func accountOf(uid, gid int) account { return account{} }

func (account) apply(*exec.Cmd) {}
