package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// DistrictsOnOnePage is how many districts a site may have for its lists
// over all districts to be pages of their own. A city's language page
// lists a few dozen offices, offers and courses, its list of literacy
// courses a handful; a state's or the country's would list thousands (1.2
// MB of HTML for Arabic in the national benchmark data, more than a cheap
// phone should be asked to open). So with more districts such a list
// lists the districts, each linking to a page of its own (a
// LanguageDistrict, a district's course list), and the course finder's
// data comes per district.
const DistrictsOnOnePage = 30

// ByDistrict reports whether the site has more than DistrictsOnOnePage
// districts: whether its lists over all districts list districts instead.
func (s *Site) ByDistrict() bool { return len(s.Dir.Districts) > DistrictsOnOnePage }

// LanguageDistrict is what a language has in one district: the page
// languages/{code}/{district}/ of a site whose language pages list
// districts (ByDistrict).
type LanguageDistrict struct {
	Language *model.Language
	District *model.District
	Offices  []*model.Office  // in the district, where the language is spoken (by name)
	Offers   []*model.Offer   // held in the language at an office in the district
	Advisors []*model.Advisor // who speak the language, at an office in the district (by name)
	Courses  []*model.Course  // held in the district, explained in the language too (by start)
	sum      func() string    // of which entries, in order (languageDistrictSum), once: for Reads.Data and ValueSum
}

// Key returns the page key: languages/{code}/{district}/.
func (ld *LanguageDistrict) Key() string {
	return "languages/" + ld.Language.Code + "/" + ld.District.ID + "/"
}

// Count returns the number of entries the page lists.
func (ld *LanguageDistrict) Count() int {
	return len(ld.Offices) + len(ld.Offers) + len(ld.Advisors) + len(ld.Courses)
}

// LanguageDistricts returns, for a language, the districts where it has
// an office, an offer, an advisor or a course, in the order of
// districts.yaml, each with its entries. An offer held at offices in
// several districts is in each of them.
func (s *Site) LanguageDistricts(code string) []*LanguageDistrict {
	return s.languageDistricts()[code]
}

// languageDistricts makes LanguageDistricts for every language at once:
// one pass over the offices, advisors, offers and courses (a pass per
// language took 90 ms of every serve rebuild at national scale).
func (s *Site) languageDistricts() map[string][]*LanguageDistrict {
	return once(s.memo, [3]string{"language-districts"}, func() map[string][]*LanguageDistrict {
		byKey := map[[2]string]*LanguageDistrict{} // language, district
		at := func(code, district string) *LanguageDistrict {
			k := [2]string{code, district}
			ld := byKey[k]
			if ld == nil {
				lang, d := s.Dir.Language(code), s.Dir.District(district)
				if lang == nil || d == nil {
					return nil // not in the catalogue, not a district of the site (the loader warned)
				}
				ld = &LanguageDistrict{Language: lang, District: d}
				byKey[k] = ld
			}
			return ld
		}
		for _, o := range s.offices {
			for _, code := range s.Languages(o) {
				if ld := at(code, o.District); ld != nil {
					ld.Offices = append(ld.Offices, o)
				}
			}
		}
		for _, a := range s.allAdvisors {
			o := s.Dir.Office(a.Office)
			if o == nil {
				continue
			}
			for i, code := range a.Languages {
				if slices.Contains(a.Languages[:i], code) {
					continue // named twice
				}
				if ld := at(code, o.District); ld != nil {
					ld.Advisors = append(ld.Advisors, a)
				}
			}
		}
		// Offers in the order of LanguageOffers, once in each district
		// they are held in.
		districtsOf := s.offerDistricts()
		for _, of := range s.offersWhere(func(*model.Offer) bool { return true }) {
			for i, code := range of.Languages {
				if slices.Contains(of.Languages[:i], code) {
					continue
				}
				for _, d := range districtsOf[of] {
					if ld := at(code, d); ld != nil {
						ld.Offers = append(ld.Offers, of)
					}
				}
			}
		}
		for _, c := range s.courses {
			for i, code := range c.SupportLanguages {
				if slices.Contains(c.SupportLanguages[:i], code) {
					continue
				}
				if ld := at(code, c.Location.District); ld != nil {
					ld.Courses = append(ld.Courses, c)
				}
			}
		}
		out := map[string][]*LanguageDistrict{}
		for _, l := range s.Dir.Languages {
			for i := range s.Dir.Districts {
				if ld := byKey[[2]string{l.Code, s.Dir.Districts[i].ID}]; ld != nil {
					ld.sum = sync.OnceValue(func() string { return languageDistrictSum(ld) })
					out[l.Code] = append(out[l.Code], ld)
				}
			}
		}
		return out
	})
}

// offerDistricts returns the districts each offer is held in: those of its
// offices, each once, in the order of the offices.
func (s *Site) offerDistricts() map[*model.Offer][]string {
	return once(s.memo, [3]string{"offer-districts"}, func() map[*model.Offer][]string {
		districtsOf := map[*model.Offer][]string{}
		for _, o := range s.offices {
			for _, of := range s.offers[o.ID] {
				if !slices.Contains(districtsOf[of], o.District) {
					districtsOf[of] = append(districtsOf[of], o.District)
				}
			}
		}
		return districtsOf
	})
}

// LanguageAll returns everything a language has, in one
// LanguageDistrict without a district (and without offices: a language
// page lists them by district, LanguageOffices).
func (s *Site) LanguageAll(code string) *LanguageDistrict {
	return once(s.memo, [3]string{"language-all", code}, func() *LanguageDistrict {
		return &LanguageDistrict{Language: s.Dir.Language(code), Offers: s.LanguageOffers(code),
			Advisors: s.LanguageAdvisors(code), Courses: s.LanguageCourses(code)}
	})
}

// LanguageDistrictOf returns what a language has in a district, or nil.
func (s *Site) LanguageDistrictOf(code, district string) *LanguageDistrict {
	for _, ld := range s.LanguageDistricts(code) {
		if ld.District.ID == district {
			return ld
		}
	}
	return nil
}

// languageDistrictSum is the fingerprint of which entries a
// LanguageDistrict lists, in order (their data is in their files).
func languageDistrictSum(ld *LanguageDistrict) string {
	h := sha256.New()
	for _, o := range ld.Offices {
		h.Write([]byte("o " + o.ID + "\n"))
	}
	for _, of := range ld.Offers {
		h.Write([]byte("f " + of.ID + "\n"))
	}
	for _, a := range ld.Advisors {
		h.Write([]byte("a " + a.ID + "\n"))
	}
	for _, c := range ld.Courses {
		h.Write([]byte("c " + c.ID + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// languageDistrictsSum is the fingerprint of a language's districts and
// the number of entries in each: what its language page shows when it
// lists districts. Never "".
func (s *Site) languageDistrictsSum(code string) string {
	return once(s.memo, [3]string{"language-districts-sum", code}, func() string {
		h := sha256.New()
		for _, ld := range s.LanguageDistricts(code) {
			fmt.Fprintf(h, "%s %d\n", ld.District.ID, ld.Count())
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// LanguageDistrictsReads is LanguageDistricts for a page that shows the
// districts and their sizes only: it records that list (a value) in r,
// not the files of the entries.
func (s *Site) LanguageDistrictsReads(code string, r *Reads) []*LanguageDistrict {
	r.value(languageDistrictsValue+code, s.languageDistrictsSum(code))
	return s.LanguageDistricts(code)
}

// CourseDistrictCount is a district and how many courses of a type its
// course list (courses/districts/{id}/: in the district and next to it)
// holds.
type CourseDistrictCount struct {
	District *model.District
	Count    int
}

// CourseTypeDistricts returns the districts whose course list holds
// courses of type t, in the order of districts.yaml, with how many: what
// a course type's page lists on a site whose lists go by district
// (ByDistrict).
func (s *Site) CourseTypeDistricts(t string) []CourseDistrictCount {
	return once(s.memo, [3]string{"course-type-districts", t}, func() []CourseDistrictCount {
		var out []CourseDistrictCount
		for _, set := range s.CourseSetsBy("district") {
			n := 0
			for _, c := range set.Courses {
				if c.Type == t {
					n++
				}
			}
			if d := s.Dir.District(set.Value); n > 0 && d != nil {
				out = append(out, CourseDistrictCount{d, n})
			}
		}
		return out
	})
}
