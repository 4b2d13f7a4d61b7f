package load

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// The data format asks only for what nothing else can stand in for (ids,
// names, the dates and place of a course; see docs/data-format.md,
// "Required fields and defaults"). The loader fills in every other field a
// file leaves out, before the checks run, so that later stages always see
// a complete directory: the functions below are the one place those
// defaults are written.

// deriveSite fills in the site's default language (de) and interface
// languages (the default language alone).
func (l *loader) deriveSite() {
	s := &l.dir.Site
	if s.DefaultLanguage == "" {
		s.DefaultLanguage = l.defLang
		l.derivedAt(&s.DefaultLanguage, "data/site.yaml")
	}
	if len(s.Languages) == 0 && s.DefaultLanguage != "" {
		s.Languages = []string{s.DefaultLanguage}
		l.derivedAt(&s.Languages[0], "data/site.yaml")
	}
}

// deriveLanguages fills in a language's German name from its own name or
// the other way round, and its direction from its script.
func (l *loader) deriveLanguages() {
	for i := range l.dir.Languages {
		lang := &l.dir.Languages[i]
		switch {
		case lang.Name[l.defLang] == "" && lang.Native != "":
			if lang.Name == nil {
				lang.Name = model.Text{}
			}
			lang.Name[l.defLang] = lang.Native
		case lang.Native == "" && len(lang.Name) > 0:
			lang.Native, _ = lang.Name.Get(lang.Code, l.defLang)
			if lang.Native == "" {
				for _, n := range lang.Name {
					lang.Native = n
					break
				}
			}
		case lang.Native == "" && lang.Code != "":
			l.errorAt(&lang.Code, "missing-field", "add `native: …` (the language's own name) or `name: …` (its name in German)",
				"language `%s` has no name", lang.Code)
		}
		if lang.Dir == "" {
			lang.Dir = "ltr"
			if slices.Contains(rtlScripts, lang.Script) {
				lang.Dir = "rtl"
			}
			if lang.Script == "" && lang.Code != "" {
				l.warnAt(&lang.Code, "direction", "add `dir: rtl` if the language is written right to left, or its `script`",
					"language `%s` has neither `dir` nor `script`: taken as written left to right", lang.Code)
			}
		}
	}
}

// own notes on a decoded provider its file, its id if the file leaves it
// out (the file's name), and on its offices, advisors and offers the
// provider; then it fills in their defaults. ok is false when the file
// could not be decoded at all.
func (l *loader) own(p *model.Provider, file string, ok bool) {
	p.File = file
	if !ok {
		return
	}
	if p.ID == "" {
		p.ID = strings.TrimSuffix(path.Base(file), path.Ext(file))
		l.derivedAt(&p.ID, file)
	}
	for j := range p.Offices {
		p.Offices[j].Provider = p.ID
	}
	for j := range p.Advisors {
		p.Advisors[j].Provider = p.ID
	}
	for j := range p.Offers {
		p.Offers[j].Provider = p.ID
	}
	l.deriveProvider(p)
}

// ownCourses notes on a decoded course file its file name, its provider id
// if the file leaves it out, and on its courses the course provider; then
// it fills in their defaults.
func (l *loader) ownCourses(f *model.CourseFile, file string, ok bool) {
	f.File = file
	if !ok {
		return
	}
	if f.Provider.ID == "" {
		f.Provider.ID = strings.TrimSuffix(path.Base(file), path.Ext(file))
		l.derivedAt(&f.Provider.ID, file)
	}
	for j := range f.Courses {
		c := &f.Courses[j]
		c.Provider = f.Provider.ID
		if c.Type == "" && c.ID != "" && !l.written[&c.Type] {
			c.Type = model.CourseOther
			l.warnAt(&c.ID, "missing-field", "add `type: general` (or literacy, second-script, intensive, support, job-language)",
				"course `%s` has no `type`: listed under other courses", c.ID)
		}
		l.deriveDistrict(&c.Location.District, c.Location.PostalCode, &c.ID, "course")
	}
}

// deriveProvider fills in the defaults of a provider's offices, offers and
// advisors, in that order: an advisor's programs come from the offers at
// its office.
func (l *loader) deriveProvider(p *model.Provider) {
	var officeIDs []string
	for j := range p.Offices {
		o := &p.Offices[j]
		officeIDs = append(officeIDs, o.ID)
		if len(o.Name) == 0 && len(p.Name) > 0 {
			o.Name = p.Name
		}
		l.deriveDistrict(&o.District, o.Address.PostalCode, &o.ID, "office")
		deriveHours(o.Hours)
		for k := range o.Closures {
			if c := &o.Closures[k]; c.To.IsZero() {
				c.To = c.From
			}
		}
	}
	for j := range p.Offers {
		o := &p.Offers[j]
		if len(o.Offices) == 0 && len(officeIDs) > 0 {
			o.Offices = slices.Clone(officeIDs)
		}
		if o.Program == "" {
			o.Program = programOf(o.Target)
			if o.Program == model.ProgramOther && o.ID != "" && !l.written[&o.Program] {
				l.warnAt(&o.ID, "missing-field", "add `program: mbe` (adults 27+) or `program: jmd` (12–27), or a `target` age group",
					"offer `%s` has no `program`: taken as `other`, which referrals are not routed to", o.ID)
			}
		}
	}
	for j := range p.Advisors {
		a := &p.Advisors[j]
		if a.Office == "" && !l.written[&a.Office] {
			if len(officeIDs) == 1 {
				a.Office = officeIDs[0]
			} else if a.ID != "" {
				hint := "add `office: …` with the id of one of this provider's offices"
				if len(officeIDs) > 0 {
					hint = "add `office: …`, one of " + strings.Join(officeIDs, ", ")
				}
				l.errorAt(&a.ID, "missing-field", hint, "advisor `%s` has no `office`", a.ID)
			}
		}
		if len(a.Programs) == 0 {
			a.Programs = advisorPrograms(p, a.Office)
		}
		if len(a.Languages) == 0 && l.dir.Site.DefaultLanguage != "" && a.ID != "" && !l.written[&a.Languages] {
			a.Languages = []string{l.dir.Site.DefaultLanguage}
			l.warnAt(&a.ID, "missing-field", fmt.Sprintf("add `languages: [%s, …]` with every language the advisor counsels in", l.dir.Site.DefaultLanguage),
				"advisor `%s` has no `languages`: listed as speaking %s only", a.ID, l.dir.Site.DefaultLanguage)
		}
		deriveHours(a.Hours)
	}
}

// programOf is the program of an offer for the target age group: MBE from
// 27, JMD up to 27, else other.
func programOf(t *model.Target) string {
	switch {
	case t == nil:
		return model.ProgramOther
	case t.MinAge >= 27:
		return model.ProgramMBE
	case t.MaxAge > 0 && t.MaxAge <= 27 && t.MinAge >= 12:
		return model.ProgramJMD
	}
	return model.ProgramOther
}

// advisorPrograms are the programs of the offers at office, in the order
// mbe, jmd, other; [other] if there are none.
func advisorPrograms(p *model.Provider, office string) []string {
	var out []string
	for _, prog := range []string{model.ProgramMBE, model.ProgramJMD, model.ProgramOther} {
		for _, o := range p.Offers {
			if o.Program == prog && slices.Contains(o.Offices, office) {
				out = append(out, prog)
				break
			}
		}
	}
	if len(out) == 0 {
		out = []string{model.ProgramOther}
	}
	return out
}

// deriveHours makes walk-in (open) the kind of hours that do not say.
func deriveHours(hs []model.Hours) {
	for i := range hs {
		if hs[i].Kind == "" {
			hs[i].Kind = model.HoursOpen
		}
	}
}

// deriveDistrict fills in *district, when it is empty, with the one
// district whose postal codes include pc, or reports at entry (the id of
// the office or course) that it is missing.
func (l *loader) deriveDistrict(district *string, pc model.PostalCode, entry *string, what string) {
	if *district != "" || *entry == "" || l.broken["district"] || l.written[district] {
		return
	}
	var in []string
	for _, d := range l.dir.Districts {
		if pc != "" && slices.Contains(d.PostalCodes, pc) {
			in = append(in, d.ID)
		}
	}
	if len(in) == 1 {
		*district = in[0]
		return
	}
	msg := fmt.Sprintf("%s `%s` has no `district`", what, *entry)
	switch {
	case pc == "":
		msg += " and no postal code to find it by"
	case len(in) == 0:
		msg += fmt.Sprintf(", and no district in districts.yaml lists its postal code %s", pc)
	default:
		msg += fmt.Sprintf(", and its postal code %s is in several districts (%s)", pc, strings.Join(in, ", "))
	}
	l.problem(diag.Error, l.at(entry), "missing-field", "add `district: …` with the id from districts.yaml", "%s", msg)
}

// derivedAt gives a value filled in by the loader the position of the start
// of file, so that problems about it point somewhere.
func (l *loader) derivedAt(ptr any, file string) {
	if _, ok := l.pos[ptr]; !ok {
		l.pos[ptr] = diag.Pos{File: file, Line: 1, Col: 1}
	}
}
