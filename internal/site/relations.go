package site

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/holidays"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// Offices returns all offices, sorted by name.
func (s *Site) Offices() []*model.Office { return s.offices }

// Courses returns the courses that have not ended, by start date.
func (s *Site) Courses() []*model.Course { return s.courses }

// Spoken returns the codes of the languages that some office, advisor,
// offer or course offers, in catalogue order: the languages with a page.
func (s *Site) Spoken() []string { return s.spoken }

// Advisors returns the public advisors of an office.
func (s *Site) Advisors(office string) []*model.Advisor { return s.advisors[office] }

// AllAdvisors returns every advisor of the edition, sorted by name.
func (s *Site) AllAdvisors() []*model.Advisor { return s.allAdvisors }

func (s *Site) sortAdvisors() []*model.Advisor {
	var out []*model.Advisor
	for _, o := range s.offices {
		out = append(out, s.advisors[o.ID]...)
	}
	slices.SortStableFunc(out, func(a, b *model.Advisor) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Offers returns the offers available at an office.
func (s *Site) Offers(office string) []*model.Offer { return s.offers[office] }

// Languages returns the codes of the languages spoken at an office (by its
// advisors or in its offers), in catalogue order. The slice is shared:
// callers must not change it.
func (s *Site) Languages(o *model.Office) []string {
	if l, ok := s.languagesOf[o.ID]; ok {
		return l
	}
	return s.officeLanguages(o)
}

// officeLanguages makes Languages. An office's languages are few: a slice
// holds them, where a map per office cost a tenth of site.New.
func (s *Site) officeLanguages(o *model.Office) []string {
	var has []string
	add := func(ls []string) {
		for _, l := range ls {
			if !slices.Contains(has, l) {
				has = append(has, l)
			}
		}
	}
	for _, a := range s.advisors[o.ID] {
		add(a.Languages)
	}
	for _, of := range s.offers[o.ID] {
		add(of.Languages)
	}
	var out []string
	for _, l := range s.Dir.Languages {
		if slices.Contains(has, l.Code) {
			out = append(out, l.Code)
		}
	}
	return out
}

// inCatalogueOrder returns the codes of a set of languages in the order of
// the language catalogue.
func (s *Site) inCatalogueOrder(has map[string]bool) []string {
	var out []string
	for _, l := range s.Dir.Languages {
		if has[l.Code] {
			out = append(out, l.Code)
		}
	}
	return out
}

// OfficePrograms returns the programs (mbe, jmd, other) offered at an office.
func (s *Site) OfficePrograms(o *model.Office) []string {
	var out []string
	for _, p := range []string{model.ProgramMBE, model.ProgramJMD, model.ProgramOther} {
		if slices.ContainsFunc(s.offers[o.ID], func(of *model.Offer) bool { return of.Program == p }) {
			out = append(out, p)
		}
	}
	return out
}

// DistrictOffice is an office listed on a district page.
type DistrictOffice struct {
	*model.Office
	Serves  bool // the district is in the office's catchment
	Located bool // the office is in the district
}

// DistrictOffices returns the offices responsible for a district in a
// program, in the order the routing core ranks them without load (the
// order the referral endpoint routes in): those whose catchment includes
// the district, then those located there.
func (s *Site) DistrictOffices(district, program string) []DistrictOffice {
	return once(s.memo, [3]string{"district-offices", district, program}, func() []DistrictOffice { return s.districtOffices(district, program) })
}

func (s *Site) districtOffices(district, program string) []DistrictOffice {
	group := map[string]string{model.ProgramMBE: "adult", model.ProgramJMD: "young"}[program]
	res, err := routing.Route(s.Dir, routing.Need{AgeGroup: group, District: district}, nil, routing.Options{Today: s.Today, Unexplained: true})
	if err != nil {
		return nil // no office offers the program
	}
	var out []DistrictOffice
	for _, r := range res.Offices {
		e := DistrictOffice{Office: r.Office, Serves: r.Catchment == routing.Serves, Located: r.Office.District == district}
		if e.Serves || e.Located {
			out = append(out, e)
		}
	}
	return out
}

// DistrictCourses returns the courses held in a district.
func (s *Site) DistrictCourses(district string) []*model.Course { return s.coursesIn[district] }

// DistrictGroup is a list of offices in one district.
type DistrictGroup struct {
	District *model.District
	Offices  []*model.Office
}

// LanguageOffices returns the offices where a language is spoken, grouped
// by district in the order of districts.yaml.
func (s *Site) LanguageOffices(code string) []DistrictGroup {
	return once(s.memo, [3]string{"language-offices", code}, func() []DistrictGroup {
		return s.byDistrict(func(o *model.Office) bool { return slices.Contains(s.Languages(o), code) })
	})
}

// once returns what f computes for key, computing it on the first call
// only: the relations a page of every language asks for again. The
// results are shared, so callers must not change them.
func once[T any](m *sync.Map, key any, f func() T) T {
	if v, ok := m.Load(key); ok {
		return v.(T)
	}
	v, _ := m.LoadOrStore(key, f())
	return v.(T)
}

// byDistrict groups the offices that keep selects by the district they are
// in, in the order of districts.yaml, leaving out empty districts.
func (s *Site) byDistrict(keep func(*model.Office) bool) []DistrictGroup {
	var out []DistrictGroup
	for i := range s.Dir.Districts {
		g := DistrictGroup{District: &s.Dir.Districts[i]}
		for _, o := range s.offices {
			if o.District == g.District.ID && keep(o) {
				g.Offices = append(g.Offices, o)
			}
		}
		if len(g.Offices) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// LanguageAdvisors returns the public advisors who speak a language.
func (s *Site) LanguageAdvisors(code string) []*model.Advisor {
	var out []*model.Advisor
	for _, a := range s.AllAdvisors() {
		if slices.Contains(a.Languages, code) {
			out = append(out, a)
		}
	}
	return out
}

// LanguageCourses returns the courses whose teachers also explain in a
// language.
func (s *Site) LanguageCourses(code string) []*model.Course {
	var out []*model.Course
	for _, c := range s.courses {
		if slices.Contains(c.SupportLanguages, code) {
			out = append(out, c)
		}
	}
	return out
}

// TopicOffers returns the offers on a topic.
func (s *Site) TopicOffers(topic string) []*model.Offer {
	return s.offersWhere(func(o *model.Offer) bool { return slices.Contains(o.Topics, topic) })
}

// offersWhere returns the offers of all providers that keep accepts.
func (s *Site) offersWhere(keep func(*model.Offer) bool) []*model.Offer {
	var out []*model.Offer
	for i := range s.Dir.Providers {
		p := &s.Dir.Providers[i]
		for j := range p.Offers {
			if keep(&p.Offers[j]) {
				out = append(out, &p.Offers[j])
			}
		}
	}
	return out
}

// Closures returns the closures of an office that have not ended.
func (s *Site) Closures(o *model.Office) []model.Closure {
	var out []model.Closure
	for _, c := range o.Closures {
		if !c.To.Before(s.Today) {
			out = append(out, c)
		}
	}
	return out
}

// TimeOfDay classifies a course by its start: morning (before 12:00),
// afternoon (before 17:00) or evening.
func TimeOfDay(c *model.Course) string {
	switch {
	case c.Schedule.From < 12*60:
		return "morning"
	case c.Schedule.From < 17*60:
		return "afternoon"
	}
	return "evening"
}

// CourseSets returns the non-empty course lists by type, district, start
// month and time of day.
func (s *Site) CourseSets() []*CourseSet {
	var out []*CourseSet
	for _, by := range []string{"type", "district", "month", "time"} {
		out = append(out, s.CourseSetsBy(by)...)
	}
	return out
}

// CourseSetsBy returns the non-empty course lists of one kind, in a
// natural order: types as in model.CourseTypes, districts as in
// districts.yaml, months in time order, morning before evening. A
// district's list holds the courses in it and in its neighbours: the
// finder's choice of a district with its neighbours, pre-built for
// readers without JavaScript.
func (s *Site) CourseSetsBy(by string) []*CourseSet {
	return once(s.memo, [2]string{"course-sets", by}, func() []*CourseSet { return s.courseSetsBy(by) })
}

func (s *Site) courseSetsBy(by string) []*CourseSet {
	var out []*CourseSet
	add := func(v string, f CourseFilter) {
		if cs := s.FindCourses(f); len(cs) > 0 {
			out = append(out, &CourseSet{By: by, Value: v, Courses: cs})
		}
	}
	switch by {
	case "type":
		for _, t := range model.CourseTypes() {
			add(t, CourseFilter{Type: t})
		}
	case "district":
		// What FindCourses(CourseFilter{District: d, Near: true}) returns
		// for each district d, in one pass over the courses rather than
		// one per district (400 × 20,000 at national scale): the courses
		// of d and its neighbours, in the order of s.courses.
		in := map[string][]int{} // district → indexes in s.courses
		for i, c := range s.courses {
			in[c.Location.District] = append(in[c.Location.District], i)
		}
		for _, d := range s.Dir.Districts {
			var idx []int
			for _, p := range s.near(d.ID) {
				idx = append(idx, in[p]...)
			}
			if len(idx) == 0 {
				continue
			}
			slices.Sort(idx)
			idx = slices.Compact(idx) // a neighbour named twice
			cs := make([]*model.Course, len(idx))
			for k, i := range idx {
				cs[k] = s.courses[i]
			}
			out = append(out, &CourseSet{By: by, Value: d.ID, Courses: cs})
		}
	case "month":
		// FindCourses(CourseFilter{Month: m}) for each month m, in one
		// pass: the courses of each month in the order of s.courses.
		in := map[string][]*model.Course{}
		for _, c := range s.courses {
			m := StartMonth(c)
			in[m] = append(in[m], c)
		}
		for _, m := range slices.Sorted(maps.Keys(in)) { // CourseMonths, without a second pass
			out = append(out, &CourseSet{By: by, Value: m, Courses: in[m]})
		}
	case "time":
		for _, t := range []string{"morning", "afternoon", "evening"} {
			add(t, CourseFilter{Time: t})
		}
	}
	return out
}

// Menu returns the Markdown pages of a menu ("main" or "footer") in a
// language, by weight: the pages as they are published in that language.
func (s *Site) Menu(lang, menu string) []*Page {
	b := s.blocks[lang]
	if b == nil {
		return nil
	}
	return b.get().menus[menu]
}

// menusOf returns the menus of a language's pages: menu name → its
// Markdown pages, by weight.
func menusOf(pages []Page) map[string][]*Page {
	menus := map[string][]*Page{}
	for i := range pages {
		p := &pages[i]
		if p.Kind == KindContent {
			if m := p.Data.(*model.Page).Meta.Menu; m != "" {
				menus[m] = append(menus[m], p)
			}
		}
	}
	for _, list := range menus {
		slices.SortStableFunc(list, func(a, b *Page) int {
			return cmp.Compare(a.Data.(*model.Page).Meta.Weight, b.Data.(*model.Page).Meta.Weight)
		})
	}
	return menus
}

// Programs returns the programs with a page of their own: MBE and JMD.
func (s *Site) Programs() []string { return []string{model.ProgramMBE, model.ProgramJMD} }

// ProgramOffices returns the offices offering a program, grouped by the
// district they are in.
func (s *Site) ProgramOffices(program string) []DistrictGroup {
	return s.byDistrict(func(o *model.Office) bool { return slices.Contains(s.OfficePrograms(o), program) })
}

// ProviderOffices returns the offices of a provider.
func (s *Site) ProviderOffices(p *model.Provider) []*model.Office {
	out := make([]*model.Office, len(p.Offices))
	for i := range p.Offices {
		out[i] = &p.Offices[i]
	}
	return out
}

// LanguageOffers returns the offers available in a language.
func (s *Site) LanguageOffers(code string) []*model.Offer {
	return s.offersWhere(func(o *model.Offer) bool { return slices.Contains(o.Languages, code) })
}

// holidayDays is how far ahead pages know the public holidays: a page
// stays on a host for months between builds.
const holidayDays = 400

// Holidays returns the public holidays of the site's Land (site.yaml
// state; national ones only if it names none) from the build date for
// the next 400 days. Offices are taken to be closed on them.
// Every page asks for them: they are computed once per build date.
func (s *Site) Holidays() []holidays.Holiday {
	return once(s.memo, [3]string{"holidays", s.Today.String()}, func() []holidays.Holiday {
		state, _ := holidays.State(s.Dir.Site.State)
		return holidays.Between(state, s.Today, model.DateOf(s.Today.Time().AddDate(0, 0, holidayDays)))
	})
}

// HolidayDates returns Holidays as "YYYY-MM-DD …", for the pages' script.
func (s *Site) HolidayDates() string {
	return once(s.memo, [3]string{"holiday-dates", s.Today.String()}, func() string {
		var b strings.Builder
		for i, h := range s.Holidays() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(h.Date.String())
		}
		return b.String()
	})
}
