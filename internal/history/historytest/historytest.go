// Package historytest makes throw-away Git repositories for tests, with
// commits dated as the test says.
package historytest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Repo is a Git repository in a temporary directory.
type Repo struct {
	t   testing.TB
	Dir string
}

// New makes an empty repository (branch main) in a temporary directory.
// It fails the test when git is missing under CI=true and skips it
// otherwise.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	r := &Repo{t, t.TempDir()}
	r.Git(time.Time{}, "init", "-q", "-b", "main")
	return r
}

// At returns the repository (or work tree) in dir, e.g. a clone.
func At(t testing.TB, dir string) *Repo { return &Repo{t, dir} }

// Git runs git in the repository, with author and committer dated at
// (zero: now) and no user or system configuration.
func (r *Repo) Git(at time.Time, args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Redaktion", "GIT_AUTHOR_EMAIL=redaktion@example.org",
		"GIT_COMMITTER_NAME=Redaktion", "GIT_COMMITTER_EMAIL=redaktion@example.org", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if !at.IsZero() {
		d := at.Format(time.RFC3339)
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// Write writes a file of the work tree (a slash path), making its folders.
func (r *Repo) Write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Edit replaces the first old in a file of the work tree by new.
func (r *Repo) Edit(name, old, new string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	b, err := os.ReadFile(p)
	if err != nil {
		r.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		r.t.Fatalf("%s has no %q", name, old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit commits everything in the work tree, dated at.
func (r *Repo) Commit(at time.Time, msg string) {
	r.t.Helper()
	r.Git(at, "add", "-A")
	r.Git(at, "commit", "-q", "-m", msg)
}
