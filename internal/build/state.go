package build

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

// stateLoad is the file in Config.State holding the loaded data
// (load.Snapshot.Save).
const stateLoad = "load"

// stateKey names what a kept load depends on beyond the source's files:
// the program and, with a history, the commit checked out (the loader
// reads the translations' line times from it).
func stateKey(ctx context.Context, cfg Config) (string, error) {
	program, err := programSum()
	if err != nil {
		return "", fmt.Errorf("fingerprint the program: %w", err)
	}
	head := "none"
	if cfg.History != nil {
		if head, err = cfg.History.Head(ctx); err != nil {
			return "", err
		}
	}
	return "program " + hex.EncodeToString(program[:]) + " history " + head, nil
}

// loadSite loads cfg.Source. With a State folder it resumes from the
// load kept there (unless RenderAll) and, after loading, starts keeping
// the new one there, unless it is the one kept: wait reports when that is
// done. Without one it loads in full. With data errors it returns no
// snapshot and the problems.
func loadSite(ctx context.Context, cfg Config) (snap *load.Snapshot, problems diag.List, wait func() error, err error) {
	wait = func() error { return nil }
	if cfg.State == "" {
		snap, problems = load.Reload(cfg.Source, cfg.loadOptions(ctx), nil)
		return snap, problems, wait, nil
	}
	key, err := stateKey(ctx, cfg)
	if err != nil {
		return nil, nil, wait, err
	}
	var saved *load.Snapshot
	if !cfg.RenderAll {
		saved = readState(cfg.State, key)
	}
	snap, problems = load.Resume(cfg.Source, cfg.loadOptions(ctx), saved)
	if snap == nil || saved != nil && snap.Patched != nil && len(snap.Patched) == 0 {
		return snap, problems, wait, nil // errors, or the state holds this load
	}
	done := make(chan error, 1)
	go func() { done <- writeState(cfg.State, snap, key) }()
	return snap, problems, sync.OnceValue(func() error { return <-done }), nil
}

// readState returns the load kept in dir under key, or nil if there is
// none that can be used (none yet, of another program, damaged): then
// the site is loaded in full.
func readState(dir, key string) *load.Snapshot {
	name := filepath.Join(dir, stateLoad)
	if fi, err := os.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		return nil // none, or not a file the build wrote
	}
	data, err := os.ReadFile(name) // read at its size: 80 MB at national scale
	if err != nil {
		return nil
	}
	s, err := load.ReadSnapshot(data, key)
	if err != nil {
		return nil
	}
	return s
}

// writeState keeps snap in dir under key, replacing what was there: the
// folder and file are the owner's alone (the data files' values, personal
// data included).
func writeState(dir string, snap *load.Snapshot, key string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keep the load: %w", err)
	}
	tmp := filepath.Join(dir, stateLoad+".new")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("keep the load: %w", err)
	}
	err = snap.Save(f, key)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, stateLoad))
	}
	if err != nil {
		return errors.Join(fmt.Errorf("keep the load: %w", err), os.Remove(tmp))
	}
	return nil
}
