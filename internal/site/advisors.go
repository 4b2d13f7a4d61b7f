package site

import (
	"slices"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// AdvisorGroup is the advisors of the offices in one district.
type AdvisorGroup struct {
	District *model.District
	Advisors []*model.Advisor
}

// AdvisorSet is the advisors of one language, district or program: a
// filtered directory page, so filters work without JavaScript.
type AdvisorSet struct {
	By     string // "language", "district", "program"
	Value  string
	Groups []AdvisorGroup
	sum    func() string // advisorSetSum, once: for Reads.Data and ValueSum
}

// Filter returns what the set is filtered by and the value.
func (a *AdvisorSet) Filter() (by, value string) { return a.By, a.Value }

// Key returns the page key of the set.
func (a *AdvisorSet) Key() string {
	seg := map[string]string{"language": "languages", "district": "districts", "program": "programs"}[a.By]
	return "advisors/" + seg + "/" + a.Value + "/"
}

// Count returns the number of advisors in the set.
func (a *AdvisorSet) Count() int {
	n := 0
	for _, g := range a.Groups {
		n += len(g.Advisors)
	}
	return n
}

// AdvisorGroups returns the advisors keep selects, grouped by the district
// of their office in the order of districts.yaml, each group by name.
func (s *Site) AdvisorGroups(keep func(*model.Advisor) bool) []AdvisorGroup {
	var list []*model.Advisor
	for _, a := range s.AllAdvisors() {
		if s.Dir.Office(a.Office) != nil && (keep == nil || keep(a)) {
			list = append(list, a)
		}
	}
	return s.groupAdvisors(list)
}

// groupAdvisors groups advisors of known offices by the district of their
// office, in the order of districts.yaml, keeping their order within a
// district.
func (s *Site) groupAdvisors(list []*model.Advisor) []AdvisorGroup {
	byDistrict := map[string][]*model.Advisor{}
	for _, a := range list {
		o := s.Dir.Office(a.Office)
		byDistrict[o.District] = append(byDistrict[o.District], a)
	}
	var out []AdvisorGroup
	for i := range s.Dir.Districts {
		if list := byDistrict[s.Dir.Districts[i].ID]; len(list) > 0 {
			out = append(out, AdvisorGroup{District: &s.Dir.Districts[i], Advisors: list})
		}
	}
	return out
}

// AdvisorSets returns the filtered directory pages: one per language an
// advisor speaks, per district with advisors and per program.
func (s *Site) AdvisorSets() []*AdvisorSet { return s.advisorSets }

// makeAdvisorSets sorts the advisors into their sets in one pass.
func (s *Site) makeAdvisorSets() []*AdvisorSet {
	type key struct{ by, value string }
	members := map[key][]*model.Advisor{}
	add := func(k key, a *model.Advisor) {
		if m := members[k]; len(m) == 0 || m[len(m)-1] != a { // a value listed twice counts once
			members[k] = append(m, a)
		}
	}
	for _, a := range s.AllAdvisors() {
		o := s.Dir.Office(a.Office)
		if o == nil {
			continue
		}
		for _, l := range a.Languages {
			add(key{"language", l}, a)
		}
		add(key{"district", o.District}, a)
		for _, p := range a.Programs {
			add(key{"program", p}, a)
		}
	}
	var out []*AdvisorSet
	set := func(by, value string) {
		if g := s.groupAdvisors(members[key{by, value}]); len(g) > 0 {
			a := &AdvisorSet{By: by, Value: value, Groups: g}
			a.sum = sync.OnceValue(func() string { return advisorSetSum(a) })
			out = append(out, a)
		}
	}
	for _, l := range s.Dir.Languages {
		set("language", l.Code)
	}
	for _, d := range s.Dir.Districts {
		set("district", d.ID)
	}
	for _, p := range s.Programs() {
		set("program", p)
	}
	return out
}

// AdvisorSetsBy returns the advisor sets of one kind.
func (s *Site) AdvisorSetsBy(by string) []*AdvisorSet {
	var out []*AdvisorSet
	for _, set := range s.AdvisorSets() {
		if set.By == by {
			out = append(out, set)
		}
	}
	return out
}

// QualityProblems returns the loader's warnings of one rule (stale,
// missing-translation, course-ended).
func (s *Site) QualityProblems(rule string) diag.List {
	var out diag.List
	for _, p := range s.Problems {
		if p.Rule == rule {
			out = append(out, p)
		}
	}
	return out
}

// LangCount is a number of texts missing in a language.
type LangCount struct {
	Lang  string
	Count int
}

// MissingTranslations counts the texts without translation per interface
// language.
func (s *Site) MissingTranslations() []LangCount {
	var out []LangCount
	for _, lang := range s.Dir.Site.Languages {
		n := 0
		for _, p := range s.Problems {
			if p.Rule == "missing-translation" && slices.Contains(p.Langs, lang) {
				n++
			}
		}
		if n > 0 {
			out = append(out, LangCount{lang, n})
		}
	}
	return out
}
