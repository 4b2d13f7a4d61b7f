package build

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// inputs fingerprints what the pages of a build are rendered from, so the
// next build in the same process (wegweiser serve) can tell which pages
// would come out the same and keep them.
//
// Every page may read the site-wide inputs (site.yaml, languages,
// districts, topics, the Markdown pages and their menus, the theme, the
// interface strings, the date, the base URL): a change to them renders
// every page again. Beyond those, a page reads what its rendering recorded
// in a site.Reads (render.SiteView notes every read of the data as the
// templates make it, a site's own templates included): the files of some
// providers or course providers, all files of a kind, or more than files
// tell. A page is kept when every file it read fingerprints the same.
type inputs struct {
	global [32]byte            // fingerprint of the site-wide inputs
	files  map[string][32]byte // site.ProviderFile / site.CourseFile name → fingerprint of its source
	// providers and courses fingerprint all files of a kind together.
	providers, courses [32]byte
}

// fingerprint hashes the JSON encoding of vs.
func fingerprint(vs ...any) ([32]byte, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return [32]byte{}, err
		}
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}

// filesOf returns the contents of every file of fsys below dir (absent:
// none), for fingerprints.
func filesOf(fsys fs.FS, dir string) map[string][]byte {
	out := map[string][]byte{}
	fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if b, err := fs.ReadFile(fsys, p); err == nil {
				out[p] = b
			}
		}
		return nil
	})
	return out
}

// newInputs fingerprints the inputs of a build of snap. A provider or
// course file is fingerprinted by its source (a file that reads the same
// decodes the same, the site-wide data being equal). globals are the
// site-wide inputs besides the directory's own.
func newInputs(snap *load.Snapshot, globals ...any) (*inputs, error) {
	d := snap.Dir
	in := &inputs{files: map[string][32]byte{}}
	var err error
	if in.global, err = fingerprint(append([]any{d.Site, d.Languages, d.Districts, d.Topics, d.Pages, d.Outdated}, globals...)...); err != nil {
		return nil, err
	}
	var providers, courses [][32]byte
	for i := range d.Providers {
		sum := snap.Sum(d.Providers[i].File)
		in.files[site.ProviderFile(d.Providers[i].ID)] = sum
		providers = append(providers, sum)
	}
	for i := range d.CourseFiles {
		sum := snap.Sum(d.CourseFiles[i].File)
		in.files[site.CourseFile(d.CourseFiles[i].Provider.ID)] = sum
		courses = append(courses, sum)
	}
	if in.providers, err = fingerprint(providers); err != nil {
		return nil, err
	}
	if in.courses, err = fingerprint(courses); err != nil {
		return nil, err
	}
	return in, nil
}

// same tells whether a page that read r when rendered from prev's inputs
// comes out the same from in's.
func (in *inputs) same(prev *inputs, r *site.Reads) bool {
	switch {
	case prev == nil || r == nil || r.Everything || prev.global != in.global:
		return false
	case r.Providers && prev.providers != in.providers:
		return false
	case r.Courses && prev.courses != in.courses:
		return false
	}
	for f := range r.Files {
		now, ok := in.files[f]
		was, ok2 := prev.files[f]
		if !ok || !ok2 || was != now {
			return false
		}
	}
	return true
}
