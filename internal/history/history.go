// Package history reads the Git history of a site's source with the git
// binary: when each line of a data file last changed (for translations
// that may be outdated) and the data as it was at earlier commits (for
// the "what changed" feeds). It is the project's only adapter to Git.
//
// The git binary is used instead of a Go implementation because it is
// what every CI host and editor machine has, it blames large files fast,
// and it reads shallow clones and worktrees as the user's own git does.
package history

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"testing/fstest"
	"time"
)

// ErrNoHistory is returned by Open when the directory is not in a Git work
// tree or git is not installed.
var ErrNoHistory = errors.New("no Git history")

// Repo is a site's source directory inside a Git work tree.
type Repo struct {
	dir     string // the site's source directory
	prefix  string // dir relative to the work tree's top, "" or ending in "/"
	shallow bool
}

// Open returns the repository that holds dir, or ErrNoHistory.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("%w: git is not installed", ErrNoHistory)
	}
	r := &Repo{dir: dir}
	out, err := r.git(ctx, "rev-parse", "--is-inside-work-tree", "--show-prefix", "--is-shallow-repository")
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not in a Git work tree", ErrNoHistory, dir)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) < 3 || lines[0] != "true" {
		return nil, fmt.Errorf("%w: %s is not in a Git work tree", ErrNoHistory, dir)
	}
	r.prefix, r.shallow = lines[1], lines[2] == "true"
	if _, err := r.git(ctx, "rev-parse", "--verify", "--quiet", "HEAD"); err != nil {
		return nil, fmt.Errorf("%w: the repository has no commit yet", ErrNoHistory)
	}
	return r, nil
}

// Shallow reports whether the clone is shallow (CI's default): its oldest
// commit stands for all history before it.
func (r *Repo) Shallow() bool { return r.shallow }

// Head returns the commit checked out (its hash).
func (r *Repo) Head(ctx context.Context) (string, error) {
	out, err := r.git(ctx, "rev-parse", "--verify", "HEAD")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (r *Repo) git(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(cmd.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// LineTimes returns when each line of file (a slash path relative to the
// source directory) last changed: the author time of the commit that
// wrote it, or now for lines not committed yet. Index 0 is line 1.
func (r *Repo) LineTimes(ctx context.Context, file string, now time.Time) ([]time.Time, error) {
	out, err := r.git(ctx, "blame", "--porcelain", "--", file)
	if err != nil {
		return nil, err
	}
	return parseBlame(out, now)
}

// parseBlame reads `git blame --porcelain`: a header line "<hash> <orig>
// <final> [<count>]" per line, followed (the first time a commit appears)
// by its fields, then the line itself after a tab.
func parseBlame(out []byte, now time.Time) ([]time.Time, error) {
	times := map[string]time.Time{}
	var lines []time.Time
	var hash string
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, "\t"):
			t, ok := times[hash]
			if !ok || hash == strings.Repeat("0", len(hash)) {
				t = now // not committed yet
			}
			lines = append(lines, t)
		case strings.HasPrefix(l, "author-time "):
			sec, err := strconv.ParseInt(strings.TrimPrefix(l, "author-time "), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("git blame: %q", l)
			}
			times[hash] = time.Unix(sec, 0).UTC()
		default:
			if f := strings.Fields(l); len(f) >= 3 && len(f[0]) >= 40 && isHex(f[0]) {
				hash = f[0]
			}
		}
	}
	return lines, nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Commit is one commit that changed the data.
type Commit struct {
	Hash    string
	Time    time.Time // the commit time
	Subject string
}

// Commits returns the commits that changed dir (relative to the source
// directory, e.g. "data") from since on, oldest first, and the last commit
// before since that changed it ("" when there is none).
func (r *Repo) Commits(ctx context.Context, dir string, since time.Time) (commits []Commit, base string, err error) {
	out, err := r.git(ctx, "log", "--format=%H%x00%ct%x00%s", "--since="+strconv.FormatInt(since.Unix(), 10), "--reverse", "HEAD", "--", dir)
	if err != nil {
		return nil, "", err
	}
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.SplitN(l, "\x00", 3)
		if len(f) != 3 {
			continue
		}
		sec, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("git log: %q", l)
		}
		commits = append(commits, Commit{Hash: f[0], Time: time.Unix(sec, 0).UTC(), Subject: f[2]})
	}
	out, err = r.git(ctx, "log", "-1", "--format=%H", "--until="+strconv.FormatInt(since.Unix()-1, 10), "HEAD", "--", dir)
	if err != nil {
		return nil, "", err
	}
	return commits, strings.TrimSpace(string(out)), nil
}

// maxTree bounds the bytes read from one commit's tree: data directories
// are text and small; anything larger is refused rather than held.
const maxTree = 512 << 20

// Tree returns the files below dir (relative to the source directory) as
// they were at commit, as a file system rooted at the source directory.
// Symbolic links are left out, as the loader leaves them out of the work
// tree.
func (r *Repo) Tree(ctx context.Context, commit, dir string) (fs.FS, error) {
	out, err := r.git(ctx, "archive", "--format=tar", commit, "--", dir)
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{}
	tr := tar.NewReader(bytes.NewReader(out))
	total := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("git archive %s: %w", commit, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		total += int(h.Size)
		if total > maxTree {
			return nil, fmt.Errorf("git archive %s: %s is larger than %d bytes", commit, dir, maxTree)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("git archive %s: %w", commit, err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, r.prefix))
		files[name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: h.ModTime}
	}
	return files, nil
}

// Lines is the history of a repository's lines as the loader asks for it
// (load.LineTimes), for one load: files are read relative to the source
// directory, uncommitted lines count as changed now.
type Lines struct {
	ctx  context.Context
	repo *Repo
	now  time.Time
}

// Lines returns r's line history for a load at now.
func (r *Repo) Lines(ctx context.Context, now time.Time) *Lines {
	return &Lines{ctx: ctx, repo: r, now: now}
}

// LineTimes implements load.LineTimes. A file git cannot blame (not
// committed yet) has no line times: nil, and the loader checks nothing in
// it.
func (l *Lines) LineTimes(file string) ([]time.Time, error) {
	times, err := l.repo.LineTimes(l.ctx, file, l.now)
	if err != nil {
		return nil, nil
	}
	return times, nil
}
