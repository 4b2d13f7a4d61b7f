package build

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/export"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// maxHistoryCommits bounds the commits of data/ read for the feeds: the
// feeds list FeedDays days, and a directory edited more often than this
// in that time gets the changes of its latest commits.
const maxHistoryCommits = 200

// trackChanges returns the changes of d's entries for the feeds and says
// what they were computed from. With the source's Git history, they are
// the changes between the commits of data/ in the feeds' window (each
// commit's data loaded and compared with the one before; the oldest state
// in reach is the baseline), then the work tree's changes not committed
// yet; so they are complete on a fresh clone in CI. Without Git, the
// previous output's data/changes.json is compared with d; without that,
// nothing has changed.
func trackChanges(ctx context.Context, d *model.Directory, cfg Config, kept func(src int, key string) (string, bool)) (export.Changes, string) {
	if cfg.History != nil {
		changes, from, err := historyChanges(ctx, d, cfg)
		if err == nil {
			return changes, from
		}
		from = fmt.Sprintf("the previous output (the Git history could not be read: %v)", err)
		return previousChanges(d, cfg, kept), from
	}
	if cfg.Previous == nil {
		return export.Track(export.HashesOf(d, kept), nil, nil, cfg.Now), "nothing (no Git history, no previous output): the feeds list no changes"
	}
	return previousChanges(d, cfg, kept), "the previous output's data/changes.json (no Git history)"
}

func previousChanges(d *model.Directory, cfg Config, kept func(src int, key string) (string, bool)) export.Changes {
	var prev export.Changes
	if cfg.Previous != nil {
		if b, err := fs.ReadFile(cfg.Previous, changesName); err == nil {
			json.Unmarshal(b, &prev) // a broken file counts as none
		}
	}
	return export.Track(export.HashesOf(d, kept), nil, prev, cfg.Now)
}

func historyChanges(ctx context.Context, d *model.Directory, cfg Config) (export.Changes, string, error) {
	since := cfg.Now.AddDate(0, 0, -export.FeedDays)
	commits, base, err := cfg.History.Commits(ctx, "data", since)
	if err != nil {
		return nil, "", err
	}
	if len(commits) > maxHistoryCommits {
		base, commits = commits[len(commits)-maxHistoryCommits-1].Hash, commits[len(commits)-maxHistoryCommits:]
	}
	// The baseline: the last commit before the window, else the oldest
	// in it (a young repository, or a shallow clone).
	if base == "" && len(commits) > 0 {
		base, commits = commits[0].Hash, commits[1:]
	}
	var state export.State
	var changes export.Changes
	if base != "" {
		bd, err := loadCommit(ctx, cfg, base)
		if err != nil {
			return nil, "", err
		}
		state = export.StateOf(bd)
		changes = export.Track(state, nil, nil, cfg.Now)
	}
	read := 0
	for _, c := range commits {
		cd, err := loadCommit(ctx, cfg, c.Hash)
		if err != nil {
			if ctx.Err() != nil {
				return nil, "", err
			}
			continue // data with errors never reached a site: skip the commit
		}
		next := export.StateOf(cd)
		changes = export.Track(next, state, changes, c.Time)
		state = next
		read++
	}
	// The work tree, as loaded for this build: changes not committed yet.
	cur := export.StateOf(d)
	if changes == nil {
		changes = export.Track(cur, nil, nil, cfg.Now)
	} else {
		changes = export.Track(cur, state, changes, cfg.Now)
	}
	unit := "commits"
	if read == 1 {
		unit = "commit"
	}
	from := fmt.Sprintf("the Git history of data/ (%d %s since %s)", read, unit, since.Format(time.DateOnly))
	if cfg.History.Shallow() {
		from += "; the clone is shallow, so older changes are missing (fetch-depth: 0)"
	}
	return changes, from, nil
}

// loadCommit loads data/ as it was at commit, without its own history
// checks, and returns its public directory (the feeds are public).
func loadCommit(ctx context.Context, cfg Config, commit string) (*model.Directory, error) {
	tree, err := cfg.History.Tree(ctx, commit, "data")
	if err != nil {
		return nil, err
	}
	d, problems := load.Load(tree, load.Options{Now: cfg.Now})
	if d == nil {
		return nil, fmt.Errorf("data/ at %s: %w", commit[:min(len(commit), 12)], problems)
	}
	return d.Public(), nil
}
