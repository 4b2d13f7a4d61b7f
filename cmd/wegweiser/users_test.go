package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/sqlite"
)

// TestUserAndBackupCommands: accounts are added, listed, disabled and
// given a new password from the command line; a provider account for a
// provider the directory lacks is refused; `backup` copies the database
// (accounts included, mode 0600) and never overwrites a file.
func TestUserAndBackupCommands(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := endpointConfig(t, dir)
	db := filepath.Join(dir, "referrals.db")
	common := []string{"--data", "../..", "--db", db, "--config", cfg}
	cli := func(args ...string) (int, string, string) {
		return runCLI(append(append([]string{"referrals"}, args...), common...)...)
	}
	code, pw, errOut := cli("user", "add", "--name", "anna", "--role", "agency", "--agency", "jobcenter-mitte", "--lang", "ar")
	if code != 0 || len(strings.TrimSpace(pw)) < 16 || !strings.Contains(errOut, "shown only now") {
		t.Fatalf("user add: %d %q %s", code, pw, errOut)
	}
	if code, _, errOut := cli("user", "add", "--name", "bert", "--role", "provider", "--provider", "nowhere-ev"); code != 2 || !strings.Contains(errOut, "nowhere-ev") {
		t.Errorf("a provider account for an unknown provider: %d %s", code, errOut)
	}
	if code, _, _ := cli("user", "disable", "anna"); code != 0 {
		t.Errorf("user disable: %d", code)
	}
	code, list, _ := cli("user", "list")
	if code != 0 || !strings.Contains(list, "anna") || !strings.Contains(list, "disabled") || strings.Contains(list, "bert") {
		t.Errorf("user list: %d\n%s", code, list)
	}
	code, pw2, _ := cli("user", "password", "anna")
	if code != 0 || pw2 == pw {
		t.Errorf("user password: %d", code)
	}
	out := filepath.Join(dir, "backup.db")
	if code, _, errOut := runCLI("referrals", "backup", "--db", db, "--out", out); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v %v", st, err)
	}
	s, err := sqlite.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if u, err := s.User(context.Background(), "anna"); err != nil || u.Role != referral.RoleAgency || !u.Disabled || u.Lang != "ar" {
		t.Errorf("the backup's account: %+v %v", u, err)
	}
	if code, _, _ := runCLI("referrals", "backup", "--db", db, "--out", out); code == 0 {
		t.Errorf("backup overwrote %s", out)
	}
}
