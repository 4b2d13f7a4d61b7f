package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Values a page may read instead of every provider file (Reads.Values):
// lists the site draws from all providers. A page that shows such a list
// records the list as a value with a fingerprint of what decides it (which
// entries, in which order) and the files of the entries it shows, whose
// data it then shows; a change to another provider's file renders it
// again only if the list changes. Each name starts with one of these.
const (
	findingValue           = "finding:"            // a finder ranking: lang/district
	districtOfficesValue   = "district-offices:"   // DistrictOffices: district/program
	advisorSetValue        = "advisor-set:"        // one advisor set's members: by/value
	advisorSetsValue       = "advisor-sets:"       // the advisor sets of a kind and their sizes: by
	languageDistrictValue  = "language-district:"  // LanguageDistrictOf's entries: code/district
	languageDistrictsValue = "language-districts:" // LanguageDistricts and their sizes: code
	finderPairsValue       = "finder-pairs:"       // the districts the finder has a page for in a language: lang
	topicDistrictsValue    = "topic-districts:"    // TopicDistricts and their sizes: topic
	districtTopicsValue    = "district-topics:"    // DistrictTopics and their offers: district
)

// Routed reports whether the value named in Reads.Values is made by the
// routing core alone from the directory (a finder ranking, a district's
// offices): the same when what routing reads is the same
// (routing.Fingerprint) on the same day, with the same districts and
// languages.
func Routed(name string) bool {
	return strings.HasPrefix(name, findingValue) || strings.HasPrefix(name, districtOfficesValue)
}

// ValueSum returns the fingerprint of a value named in Reads.Values as
// the site computes it now; ok is false for a value it does not have
// (which a page that read it must not outlive).
func (s *Site) ValueSum(name string) (sum string, ok bool) {
	switch {
	case strings.HasPrefix(name, findingValue):
		lang, district, _ := strings.Cut(name[len(findingValue):], "/")
		sum = s.findingSum(lang, district)
	case strings.HasPrefix(name, districtOfficesValue):
		district, program, _ := strings.Cut(name[len(districtOfficesValue):], "/")
		sum = s.districtOfficesSum(district, program)
	case strings.HasPrefix(name, advisorSetValue):
		by, value, _ := strings.Cut(name[len(advisorSetValue):], "/")
		for _, a := range s.AdvisorSetsBy(by) {
			if a.Value == value {
				sum = a.sum()
			}
		}
	case strings.HasPrefix(name, advisorSetsValue):
		sum = s.advisorSetsSum(name[len(advisorSetsValue):])
	case strings.HasPrefix(name, languageDistrictValue):
		code, district, _ := strings.Cut(name[len(languageDistrictValue):], "/")
		if ld := s.LanguageDistrictOf(code, district); ld != nil {
			sum = ld.sum()
		}
	case strings.HasPrefix(name, languageDistrictsValue):
		sum = s.languageDistrictsSum(name[len(languageDistrictsValue):])
	case strings.HasPrefix(name, finderPairsValue):
		sum = s.finderPairsSum(name[len(finderPairsValue):])
	case strings.HasPrefix(name, topicDistrictsValue):
		sum = s.topicDistrictsSum(name[len(topicDistrictsValue):])
	case strings.HasPrefix(name, districtTopicsValue):
		sum = s.districtTopicsSum(name[len(districtTopicsValue):])
	}
	return sum, sum != ""
}

// DistrictOfficesReads is DistrictOffices, recording in r the list (its
// offices in order, and whether each serves or is in the district) and
// the files of its offices.
func (s *Site) DistrictOfficesReads(district, program string, r *Reads) []DistrictOffice {
	list := s.DistrictOffices(district, program)
	r.value(districtOfficesValue+district+"/"+program, s.districtOfficesSum(district, program))
	for _, o := range list {
		r.Provider(o.Provider)
	}
	return list
}

// districtOfficesSum is the fingerprint of DistrictOffices(district,
// program), never "" (an empty list is a value too).
func (s *Site) districtOfficesSum(district, program string) string {
	return once(s.memo, [3]string{"district-offices-sum", district, program}, func() string {
		h := sha256.New()
		for _, o := range s.DistrictOffices(district, program) {
			fmt.Fprintf(h, "%s %t %t\n", o.ID, o.Serves, o.Located)
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// AdvisorSetsByReads is AdvisorSetsBy, recording in r the sets of the
// kind with their sizes, not their members: a page listing the sets reads
// their members through Reads.Data (render.AdvisorSetView does).
func (s *Site) AdvisorSetsByReads(by string, r *Reads) []*AdvisorSet {
	r.value(advisorSetsValue+by, s.advisorSetsSum(by))
	return s.AdvisorSetsBy(by)
}

// advisorSetsSum is the fingerprint of the advisor sets of a kind: each
// one's value and size, in order; never "".
func (s *Site) advisorSetsSum(by string) string {
	return once(s.memo, [3]string{"advisor-sets-sum", by}, func() string {
		h := sha256.New()
		fmt.Fprintf(h, "%s\n", by)
		for _, a := range s.AdvisorSetsBy(by) {
			fmt.Fprintf(h, "%s %d\n", a.Value, a.Count())
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// advisorSetSum is the fingerprint of an advisor set's members: its
// groups' districts and each advisor (provider and id), in order.
func advisorSetSum(a *AdvisorSet) string {
	h := sha256.New()
	b := fmt.Appendf(nil, "%s %s\n", a.By, a.Value)
	for _, g := range a.Groups {
		b = append(append(b, g.District.ID...), '\n')
		for _, m := range g.Advisors {
			b = append(append(append(append(append(b, ' '), m.Provider...), ' '), m.ID...), '\n')
		}
		h.Write(b)
		b = b[:0]
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}
