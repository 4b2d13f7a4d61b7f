package site

import (
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Reads records which data files a page was rendered from, besides the
// site-wide ones every page may read (site.yaml, languages, districts,
// topics, the Markdown pages, the theme, the interface strings): one
// provider's file, one course provider's file, all files of a kind, or
// more than files tell (Everything: the loader's warnings, the list of all
// pages). The renderer fills it as a page's templates call the site
// (render.SiteView); wegweiser serve, and build with the previous output,
// keep a page after a change when none of what it read changed.
//
// The loader guarantees that a provider's file holds everything of its
// offices, advisors and offers (they may only name offices of their own
// provider), and a course file everything of its courses; a page that read
// one office read that office's provider file.
//
// The zero value records nothing. A Reads is not safe for concurrent use:
// each page rendering has its own.
type Reads struct {
	Everything bool            `json:"everything,omitempty"` // read something no file fingerprint covers: never kept
	Providers  bool            `json:"providers,omitempty"`  // all provider files (data/providers/)
	Courses    bool            `json:"courses,omitempty"`    // all course files (data/courses/)
	Files      map[string]bool `json:"files,omitempty"`      // ProviderFile and CourseFile names
	// Values are values the site computes from all provider files (a
	// finder result's ranking), or from them and all course files (a
	// language's entries in a district), that the page read, by name
	// (Site.ValueSum), with a fingerprint of each: the page depends on the
	// value, not on every file it was computed from.
	Values map[string]string `json:"values,omitempty"`
}

// ProviderFile names the file of the provider id in Reads.Files.
func ProviderFile(id string) string { return providerPrefix + id }

// CourseFile names the course file of the course provider id in
// Reads.Files.
func CourseFile(provider string) string { return coursePrefix + provider }

const (
	providerPrefix = "provider:"
	coursePrefix   = "courses:"
)

// AllProviders records that the page read every provider file.
func (r *Reads) AllProviders() {
	if !r.Providers {
		r.Providers = true
		r.drop(providerPrefix)
		for name := range r.Values {
			if !withCourses(name) {
				delete(r.Values, name) // computed from provider files, which all were read
			}
		}
		if len(r.Values) == 0 {
			r.Values = nil
		}
	}
}

// AllCourses records that the page read every course file.
func (r *Reads) AllCourses() {
	if !r.Courses {
		r.Courses = true
		r.drop(coursePrefix)
	}
}

// drop forgets the files whose names start with prefix, which a read of
// all files of their kind covers (a record stays small).
func (r *Reads) drop(prefix string) {
	for f := range r.Files {
		if strings.HasPrefix(f, prefix) {
			delete(r.Files, f)
		}
	}
	if len(r.Files) == 0 {
		r.Files = nil
	}
}

// All records that the page read something no file fingerprint covers
// (which covers every file).
func (r *Reads) All() {
	r.Everything, r.Providers, r.Courses, r.Files, r.Values = true, false, false, nil, nil
}

// Provider records that the page read the file of provider id.
func (r *Reads) Provider(id string) {
	if !r.Providers {
		r.file(ProviderFile(id))
	}
}

// CourseProvider records that the page read the course file of course
// provider id.
func (r *Reads) CourseProvider(id string) {
	if !r.Courses {
		r.file(CourseFile(id))
	}
}

func (r *Reads) file(name string) {
	if r.Everything {
		return
	}
	if r.Files == nil {
		r.Files = map[string]bool{}
	}
	r.Files[name] = true
}

// withCourses reports whether the value named is computed from the course
// files too, not from provider files only (a language's entries in a
// district): reading every provider file does not cover it.
func withCourses(name string) bool {
	return strings.HasPrefix(name, languageDistrictValue) || strings.HasPrefix(name, languageDistrictsValue)
}

// value records that the page read the value of name, with fingerprint
// sum.
func (r *Reads) value(name, sum string) {
	if r.Everything || r.Providers && !withCourses(name) {
		return
	}
	if r.Values == nil {
		r.Values = map[string]string{}
	}
	r.Values[name] = sum
}

// Add records what o recorded.
func (r *Reads) Add(o *Reads) {
	if o.Everything || r.Everything {
		r.All()
		return
	}
	if o.Providers {
		r.AllProviders()
	}
	if o.Courses {
		r.AllCourses()
	}
	for f := range o.Files {
		if !(r.Providers && strings.HasPrefix(f, providerPrefix)) && !(r.Courses && strings.HasPrefix(f, coursePrefix)) {
			r.file(f)
		}
	}
	for name, sum := range o.Values {
		r.value(name, sum)
	}
}

// Data records the files the value x comes from: the data of a page
// (Page.Data) or a value a template was given. Values the site makes from
// one kind of file (course lists) read all files of that kind; an advisor
// set reads its members (a value: which advisors, in order) and their
// providers' files, and a language's entries in a district likewise (their
// provider and course files); site-wide values read nothing more; a value
// of a type this function does not know reads Everything.
func (r *Reads) Data(x any) {
	switch x := x.(type) {
	case nil, string, *model.District, *model.Language, *model.Topic, *model.Page, *SearchNamesPage:
	case *model.Provider:
		r.Provider(x.ID)
	case *model.Office:
		r.Provider(x.Provider)
	case *model.Offer:
		r.Provider(x.Provider)
	case *model.Advisor:
		r.Provider(x.Provider)
	case *model.Course:
		r.CourseProvider(x.Provider)
	case *CourseSet:
		r.AllCourses()
	case finderKey: // the finder result is read through FindingOfReads
	case *AdvisorSet:
		r.value(advisorSetValue+x.By+"/"+x.Value, x.sum())
		for _, g := range x.Groups {
			for _, a := range g.Advisors {
				r.Provider(a.Provider)
			}
		}
	case *LanguageDistrict:
		if x.sum == nil { // LanguageAll: drawn from every file
			r.AllProviders()
			r.AllCourses()
			return
		}
		r.value(languageDistrictValue+x.Language.Code+"/"+x.District.ID, x.sum())
		for _, o := range x.Offices {
			r.Provider(o.Provider)
		}
		for _, of := range x.Offers {
			r.Provider(of.Provider)
		}
		for _, a := range x.Advisors {
			r.Provider(a.Provider)
		}
		for _, c := range x.Courses {
			r.CourseProvider(c.Provider)
		}
	case *Finding:
		r.AllProviders()
	default:
		r.All()
	}
}

// LookupReads is Lookup, recording in r what decides its answer: the data
// of the page found, or, for a page not found, the files that could add
// it. The easy-to-read edition has the home page, the Markdown pages
// written in it and the finder's pages, so there only a finder page can
// come with a provider file; in another language any page not found may
// come with a provider or course file.
func (s *Site) LookupReads(name string, r *Reads) *Page {
	p := s.Lookup(name)
	switch {
	case p != nil:
		r.Data(p.Data)
	case s.easy(strings.SplitN(name, "/", 2)[0]):
		if strings.HasPrefix(name, s.Dir.Site.EasyLanguage+"/find/") {
			r.AllProviders()
		}
	default:
		r.AllProviders()
		r.AllCourses()
	}
	return p
}
