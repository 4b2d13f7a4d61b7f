package build

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// StampName is the file in a build's output that fingerprints everything
// the build read (see sourceSum). A next build whose inputs fingerprint
// the same would write the same output: Build then writes nothing and
// returns an *UpToDateError, and wegweiser build leaves the output as it
// is, as make does with a target newer than its prerequisites.
const StampName = ".wegweiser/inputs.json"

// Stamp is the content of StampName.
type Stamp struct {
	Inputs   sum            `json:"inputs"` // SHA-256 of the inputs (sourceSum)
	Built    time.Time      `json:"built"`  // the build's time (Config.Now)
	Pages    map[string]int `json:"pages"`  // pages per language, as Result.Pages
	Warnings int            `json:"warnings"`
}

// sourceSum fingerprints everything a build with cfg reads: the program
// itself, the base URL, the date, the edition and the statistics; every
// file below data/, content/, i18n/ and themes/ of the source
// (load.SourceTrees: nothing else is read), with the names of its folders
// and other entries; and, with a Git history, the commit
// checked out (the line times of the translations and the "what changed"
// feeds come from the history up to it). Without a history the feeds
// compare with the previous output, which is the one the stamp is in.
//
// Only the date of cfg.Now counts, as the date is all the data is
// checked and laid out against; so a build on the same day with the same
// inputs keeps the output (and its build time, in the exports and the
// service worker's cache name) of the first.
func sourceSum(ctx context.Context, cfg Config) (sum, error) {
	program, err := programSum()
	if err != nil {
		return sum{}, fmt.Errorf("fingerprint the program: %w", err)
	}
	stats, err := json.Marshal(cfg.Statistics)
	if err != nil {
		return sum{}, err
	}
	head := "no history"
	if cfg.History != nil {
		if head, err = cfg.History.Head(ctx); err != nil {
			return sum{}, err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "wegweiser build inputs 2\x00%x\x00%s\x00%s\x00%s\x00%s\x00%s\x00", program[:], cfg.BaseURL, model.DateOf(cfg.Now), cfg.Edition, stats, head)
	// The entries in the walk's order, each file by its SHA-256: the files
	// (20,000 pages on a large site) are hashed on all cores.
	type entry struct {
		line string   // "dir p", "file p", "none p", "other p type"
		file string   // p of a file, else ""
		sum  [32]byte // of the file
	}
	var entries []entry
	for _, dir := range load.SourceTrees() {
		err := fs.WalkDir(cfg.Source, dir, func(p string, e fs.DirEntry, err error) error {
			switch {
			case errors.Is(err, fs.ErrNotExist) && p == dir:
				entries = append(entries, entry{line: "none " + p})
			case err != nil:
				return err
			case e.IsDir():
				entries = append(entries, entry{line: "dir " + p})
			case e.Type().IsRegular():
				entries = append(entries, entry{line: "file " + p, file: p})
			default: // a link or device: the loader refuses it, the name counts
				entries = append(entries, entry{line: fmt.Sprintf("other %s %v", p, e.Type())})
			}
			return ctx.Err()
		})
		if err != nil {
			return sum{}, fmt.Errorf("fingerprint the source: %w", err)
		}
	}
	errs := make([]error, len(entries))
	parallel.Each(len(entries), func(i int) {
		name := entries[i].file
		if name == "" || ctx.Err() != nil {
			return
		}
		f, err := cfg.Source.Open(name)
		if err != nil {
			errs[i] = err
			return
		}
		defer f.Close()
		fh := sha256.New()
		if _, err := io.Copy(fh, f); err != nil {
			errs[i] = fmt.Errorf("%s: %w", name, err)
			return
		}
		fh.Sum(entries[i].sum[:0])
	})
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return sum{}, fmt.Errorf("fingerprint the source: %w", err)
	}
	for _, e := range entries {
		fmt.Fprintf(h, "%s\x00%x\x00", e.line, e.sum[:])
	}
	var s sum
	h.Sum(s[:0])
	return s, nil
}

// UpToDateError is Build's answer when cfg.Previous holds the output of a
// build of the same inputs, which the build would write again: it wrote
// nothing. Stamp is that build's.
type UpToDateError struct {
	Stamp *Stamp
}

func (e *UpToDateError) Error() string {
	return "the output is up to date: nothing it is made from changed since the build of " + e.Stamp.Built.Format(time.DateOnly)
}

// upToDate fingerprints cfg's inputs and returns the previous output's
// stamp when it has the same (else nil): not with RenderAll, without a
// previous output, or with a previous output without a stamp (or a
// damaged one). The previous output is taken to be as the build left it
// (a failed build never touches it; --render-all makes it anew).
func upToDate(ctx context.Context, cfg Config) (inputs sum, prev *Stamp, err error) {
	if inputs, err = sourceSum(ctx, cfg); err != nil || cfg.RenderAll || cfg.Previous == nil {
		return inputs, nil, err
	}
	b, err := fs.ReadFile(cfg.Previous, StampName)
	if err != nil {
		return inputs, nil, nil
	}
	var st Stamp
	if json.Unmarshal(b, &st) != nil || st.Inputs != inputs {
		return inputs, nil, nil
	}
	return inputs, &st, nil
}
