package build

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// ExportsManifestName is the file in a build's output that lets the next
// build keep the exports of a data file as they are when the file did
// not change: the advisor and office vCards and the office calendars of a
// provider file, the calendars of a course file's courses. Each reads
// nothing but its own file (an advisor's or offer's office is one of its
// provider's, the loader checks) and the site-wide data, the host and the
// day (a calendar is stamped with the day it was made, and an office's
// starts in the week of the build). For each data file it holds the
// fingerprint of its source and the SHA-256 and size of each of its
// exports (JSON). At national scale a provider file's change then makes
// its own few files and the three lists over all advisors, not 29,000.
const ExportsManifestName = ".wegweiser/exports.json"

// exportsManifest is the content of ExportsManifestName.
type exportsManifest struct {
	Program sum                      `json:"program"` // the program that wrote the files
	Global  sum                      `json:"global"`  // what every export reads besides its own file (exportKeeper.global)
	Files   map[string]*exportRecord `json:"files"`   // data file (site.ProviderFile, site.CourseFile) → its exports
}

// exportRecord is the exports of one data file as a build wrote them:
// the fingerprint of the file's source (inputs.Files), and the files
// below exports/.
type exportRecord struct {
	Sum       sum `json:"sum"`
	fileGroup     // names below exports/: vcard/… and ical/… only
}

// exportKeeper keeps the exports of the previous output's data files that
// did not change, and notes this build's.
type exportKeeper struct {
	k     keeper // nil: keep nothing
	in    *inputs
	was   exportsManifest
	since time.Time // when the previous build wrote its manifest (zero: not known)
	mu    sync.Mutex
	now   exportsManifest
}

// newExportKeeper reads the previous build's manifest from prev (nil, or
// none: nothing is kept; a damaged one, or another program's, is
// ignored). w keeps the files if it is a keeper; in are this build's
// inputs (nil: nothing is kept or noted), whose exports are made from d
// with links to host, for the internal edition or not, on the day today.
func newExportKeeper(prev fs.FS, w Writer, in *inputs, d *model.Directory, host string, internal bool, today model.Date) *exportKeeper {
	ek := &exportKeeper{now: exportsManifest{Files: map[string]*exportRecord{}}}
	if in == nil {
		return ek
	}
	program, err := programSum()
	if err != nil {
		return ek
	}
	global, err := fingerprint(d.Site, d.Languages, d.Districts, d.Topics, host, internal, today)
	if err != nil {
		return ek
	}
	ek.in, ek.now.Program, ek.now.Global = in, program, global
	k := keeperOf(w)
	if prev == nil || k == nil {
		return ek
	}
	if since, ok := readManifest(prev, ExportsManifestName, &ek.was); ok && ek.was.Program == program && ek.was.Global == global {
		ek.k, ek.since = k, since
	}
	return ek
}

// keep takes the previous build's exports of the data file file into the
// output if the file did not change and every export is as that build
// wrote it (keepGroup). It reports whether it did; if not, the caller
// makes them.
func (ek *exportKeeper) keep(file string) (bool, error) {
	rec := ek.was.Files[file]
	if ek.k == nil || rec == nil || rec.Sum != ek.in.Files[file] {
		return false, nil
	}
	for name := range rec.Files {
		// The names come from the previous output: only a data file's
		// own exports are taken, never a list over all of them.
		if !strings.HasPrefix(name, "vcard/") && !strings.HasPrefix(name, "ical/") {
			return false, nil
		}
	}
	kept, err := keepGroup(ek.k, "exports/", rec.fileGroup, ek.since)
	if kept {
		ek.mu.Lock()
		ek.now.Files[file] = rec
		ek.mu.Unlock()
	}
	return kept, err
}

// made notes an export of the data file file this build wrote (name
// below exports/; "" for a file without exports).
func (ek *exportKeeper) made(file, name string, b []byte) {
	if ek.in == nil {
		return
	}
	ek.mu.Lock()
	defer ek.mu.Unlock()
	rec := ek.now.Files[file]
	if rec == nil {
		rec = &exportRecord{Sum: ek.in.Files[file], fileGroup: fileGroup{Files: map[string]sum{}, Sizes: map[string]int64{}}}
		ek.now.Files[file] = rec
	}
	if name != "" {
		rec.Files[name], rec.Sizes[name] = sha256.Sum256(b), int64(len(b))
	}
}

// write writes this build's manifest to w (none without inputs).
func (ek *exportKeeper) write(w Writer) error {
	if ek.in == nil {
		return nil
	}
	b, err := json.Marshal(ek.now)
	if err != nil {
		return err
	}
	return w.WriteFile(ExportsManifestName, b)
}
