package build

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Memo is what a build leaves for the next one in the same process
// (wegweiser serve): its rendered pages and fingerprints of what they were
// rendered from. Given the memo of the previous build, a build renders
// again only the pages whose inputs changed and takes the others as they
// were.
//
// The memo also keeps the analyses of the search texts: the next build
// analyses only the texts that are new.
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
// Every other page lists things from many files and is rendered on every
// build, as are exports, open data and search.
type Memo struct {
	global [32]byte            // fingerprint of the site-wide inputs
	owners map[string][32]byte // "provider:<id>", "courses:<id>", "providers", "courses" (all files of the kind) → fingerprint
	pages  map[string][]byte   // path → rendered page
	// terms are the analyses of the search texts, per index language.
	terms map[string]search.TermCache
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

// newMemo fingerprints the inputs of a build. globals are the site-wide
// inputs besides the directory's own.
func newMemo(d *model.Directory, globals ...any) (*Memo, error) {
	m := &Memo{owners: map[string][32]byte{}, pages: map[string][]byte{}, terms: map[string]search.TermCache{}}
	var err error
	if m.global, err = fingerprint(append([]any{d.Site, d.Languages, d.Districts, d.Topics, d.Pages}, globals...)...); err != nil {
		return nil, err
	}
	var providers, courses [][32]byte
	for i := range d.Providers {
		if m.owners["provider:"+d.Providers[i].ID], err = fingerprint(&d.Providers[i]); err != nil {
			return nil, err
		}
		providers = append(providers, m.owners["provider:"+d.Providers[i].ID])
	}
	for i := range d.CourseFiles {
		if m.owners["courses:"+d.CourseFiles[i].Provider.ID], err = fingerprint(&d.CourseFiles[i]); err != nil {
			return nil, err
		}
		courses = append(courses, m.owners["courses:"+d.CourseFiles[i].Provider.ID])
	}
	if m.owners["providers"], err = fingerprint(providers); err != nil {
		return nil, err
	}
	if m.owners["courses"], err = fingerprint(courses); err != nil {
		return nil, err
	}
	return m, nil
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
		return "provider:" + d.Provider, p.Kind == site.KindOffice
	case *model.Offer:
		return "provider:" + d.Provider, p.Kind == site.KindOffer
	case *model.Course:
		return "courses:" + d.Provider, p.Kind == site.KindCourse
	case *model.Page:
		return "", p.Kind == site.KindContent
	}
	return "", false
}

// reusable returns the previous rendering of p when none of its inputs
// changed since prev (nil: no previous build).
func (m *Memo) reusable(prev *Memo, p *site.Page) ([]byte, bool) {
	if prev == nil || prev.global != m.global {
		return nil, false
	}
	key, ok := owner(p)
	if !ok {
		return nil, false
	}
	if key != "" {
		now, ok := m.owners[key]
		if was, ok2 := prev.owners[key]; !ok || !ok2 || was != now {
			return nil, false
		}
	}
	b, ok := prev.pages[p.Path()]
	return b, ok
}
