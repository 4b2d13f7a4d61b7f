package build

import (
	"encoding/json"
	"io/fs"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/site"
)

// FinderManifestName is the file in a build's output that lets the next
// build keep a language's course finder data ({lang}/courses/finder.json,
// or the files of {lang}/courses/finder/ of a site by district) as it is
// when nothing it read changed: the inputs' fingerprints and, per
// language, what the data read (a site.Reads, recorded through the
// page's View as a page's is) and the SHA-256 and size of each file
// (JSON). A change to a provider file, which the course finder does not
// read, then writes none of it: at national scale 6,000 files, about a
// second of serve's background work after every change.
const FinderManifestName = ".wegweiser/finder.json"

// finderManifest is the content of FinderManifestName.
type finderManifest struct {
	Inputs *inputs                  `json:"inputs"`
	Langs  map[string]*finderRecord `json:"langs"`
}

// finderRecord is one language's course finder data as a build made it:
// its files are below {lang}/courses/.
type finderRecord struct {
	Reads     *site.Reads `json:"reads"`
	fileGroup             // names below {lang}/courses/
}

// finderKeeper keeps the course finder data of the previous output that
// would come out the same (see FinderManifestName), and notes this
// build's.
type finderKeeper struct {
	in    *inputs    // this build's; nil: keep nothing, note nothing
	s     *site.Site // this build's site, which computes the values a record read
	k     keeper     // nil: keep nothing
	was   *finderManifest
	since time.Time                 // when the previous build wrote its manifest (zero: not known)
	now   byLanguage[*finderRecord] // this build's
}

// newFinderKeeper reads the previous build's manifest from prev (nil, or
// none: nothing is kept; a damaged one is ignored). w keeps the files if
// it is a keeper; in are this build's inputs and s its site.
func newFinderKeeper(prev fs.FS, w Writer, in *inputs, s *site.Site) *finderKeeper {
	fk := &finderKeeper{in: in, s: s, now: byLanguage[*finderRecord]{m: map[string]*finderRecord{}}}
	k := keeperOf(w)
	if prev == nil || k == nil || in == nil {
		return fk
	}
	var was finderManifest
	if since, ok := readManifest(prev, FinderManifestName, &was); ok && was.Inputs != nil {
		fk.k, fk.was, fk.since = k, &was, since
	}
	return fk
}

// keep takes the previous build's course finder data of lang into the
// output if what it read is the same now (inputs.same) and every file is
// as that build wrote it (keepGroup). It reports whether it did.
func (fk *finderKeeper) keep(lang string) (bool, error) {
	if fk.k == nil {
		return false, nil
	}
	rec := fk.was.Langs[lang]
	if rec == nil || !fk.in.same(fk.was.Inputs, rec.Reads, fk.s) {
		return false, nil
	}
	for name := range rec.Files {
		// The names come from the previous output: only the course
		// finder's are taken, never a page of {lang}/courses/.
		if name != "finder.json" && !strings.HasPrefix(name, "finder/") {
			return false, nil
		}
	}
	kept, err := keepGroup(fk.k, lang+"/courses/", rec.fileGroup, fk.since)
	if kept {
		fk.now.note(lang, rec)
	}
	return kept, err
}

// made notes the course finder data of lang this build wrote (names below
// {lang}/courses/), made from what r records.
func (fk *finderKeeper) made(lang string, r *site.Reads, files map[string][]byte) {
	fk.now.note(lang, &finderRecord{Reads: r, fileGroup: groupOf(files)})
}

// write writes this build's manifest to w (none without inputs).
func (fk *finderKeeper) write(w Writer) error {
	if fk.in == nil {
		return nil
	}
	b, err := json.Marshal(finderManifest{Inputs: fk.in, Langs: fk.now.m})
	if err != nil {
		return err
	}
	return w.WriteFile(FinderManifestName, b)
}
