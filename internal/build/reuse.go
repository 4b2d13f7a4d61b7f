package build

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// inputs fingerprints what the pages of a build are rendered from, so the
// next build in the same process (wegweiser serve) can tell which pages
// would come out the same and keep them.
//
// The inputs of a page are the site-wide data every page shows (site.yaml,
// languages, districts, topics, the Markdown pages and their menus, the
// theme, the interface strings, the date, the base URL) and, for the pages
// of one provider (the provider, its offices and offers) or of one course
// provider (its courses), that provider's file. The loader guarantees
// these pages read nothing else: advisors and offers may only name offices
// of their own provider. The course lists (courses/ and its filtered
// lists) depend on all course files and nothing of the providers; the
// advisor directories on all provider files and nothing of the courses.
// Every other page lists things from many files and is rendered again
// after any change, as are exports, open data and search.
//
// What a page reads is known for the default theme's templates only: a
// site with templates of its own (themes/default/templates/ in its
// source) can show anything on any page (an office page listing courses),
// so nothing is kept for it and every page is rendered again after a
// change (TestCustomThemeRendersAgain).
type inputs struct {
	global [32]byte            // fingerprint of the site-wide inputs
	owners map[string][32]byte // "provider:<id>", "courses:<id>", "providers", "courses" (all files of the kind) → fingerprint
	// ownTemplates: the site has templates of its own; no page is kept.
	ownTemplates bool
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

// hasOwnTemplates reports whether a site's source has templates of its
// own, which override the default theme's.
func hasOwnTemplates(source fs.FS) bool {
	entries, err := fs.ReadDir(source, "themes/default/templates")
	return err == nil && len(entries) > 0
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
	in := &inputs{owners: map[string][32]byte{}}
	var err error
	if in.global, err = fingerprint(append([]any{d.Site, d.Languages, d.Districts, d.Topics, d.Pages}, globals...)...); err != nil {
		return nil, err
	}
	var providers, courses [][32]byte
	for i := range d.Providers {
		sum := snap.Sum(d.Providers[i].File)
		in.owners["provider:"+d.Providers[i].ID] = sum
		providers = append(providers, sum)
	}
	for i := range d.CourseFiles {
		sum := snap.Sum(d.CourseFiles[i].File)
		in.owners["courses:"+d.CourseFiles[i].Provider.ID] = sum
		courses = append(courses, sum)
	}
	if in.owners["providers"], err = fingerprint(providers); err != nil {
		return nil, err
	}
	if in.owners["courses"], err = fingerprint(courses); err != nil {
		return nil, err
	}
	return in, nil
}

// owner returns the file a page depends on besides the site-wide inputs
// ("" for a Markdown page, which depends on those only); ok is false for
// pages that depend on many files.
func owner(p *site.Page) (key string, ok bool) {
	switch p.Kind {
	case site.KindCourses, site.KindCourseSet:
		return "courses", true
	case site.KindAdvisors, site.KindAdvisorSet:
		return "providers", true
	}
	switch d := p.Data.(type) {
	case *model.Provider:
		return "provider:" + d.ID, p.Kind == site.KindProvider
	case *model.Office:
		return "provider:" + d.Provider, p.Kind == site.KindOffice || p.Kind == site.KindFlyer
	case *model.Offer:
		return "provider:" + d.Provider, p.Kind == site.KindOffer
	case *model.Course:
		return "courses:" + d.Provider, p.Kind == site.KindCourse
	case *model.Page:
		return "", p.Kind == site.KindContent
	}
	return "", false
}

// same tells whether page p, rendered from prev's inputs, comes out the
// same from in's.
func (in *inputs) same(prev *inputs, p *site.Page) bool {
	if prev == nil || prev.global != in.global || in.ownTemplates {
		return false
	}
	key, ok := owner(p)
	if !ok {
		return false
	}
	if key == "" {
		return true
	}
	now, ok := in.owners[key]
	was, ok2 := prev.owners[key]
	return ok && ok2 && was == now
}
