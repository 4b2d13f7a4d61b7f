package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// The finder: a newcomer says their language, where they live and their
// age, and gets the offices responsible for them, in the order the routing
// core ranks them (without load, as the referral endpoint would route
// them). It is made of pre-built pages, so it works on any static host and
// without JavaScript:
//
//	find/                       the languages that have a page
//	find/{language}/            where do you live? (districts, postal codes)
//	find/{language}/{district}/ the offices: adults (MBE), young people (JMD)
//
// A language × district page exists when an office where the language is
// spoken is in the district, next to it, or serves it; other districts
// point to the language's page, which lists every office speaking it.

// FinderShown is how many offices a finder page shows per program: the
// one the routing core proposes and the next ones.
const FinderShown = 3

// Finding is one finder result page: a language and a district.
type Finding struct {
	Language *model.Language
	District *model.District
	Programs []FinderProgram // MBE, then JMD; a program without an office is left out
}

// FinderProgram is the ranked offices of one program for a Finding.
type FinderProgram struct {
	Program string // mbe or jmd
	Offices []FinderOffice
}

// FinderOffice is an office as the finder shows it.
type FinderOffice struct {
	Office   *model.Office
	Program  string // mbe or jmd
	Language string // the person's language
	Speaks   bool   // someone there speaks it
	Serves   bool   // the district is in the office's catchment
}

// FinderFor is what a finder entry says of its office for the person
// looking: the program, their language and whether someone there speaks
// it. Comparable, and the same for many offices: the theme renders it
// once per language (View.Fragment) and each office's own part once per
// office, rather than every office once per language looked for.
type FinderFor struct {
	Program  string
	Language string
	Speaks   bool
}

// For returns what f says for the person looking.
func (f FinderOffice) For() FinderFor {
	return FinderFor{Program: f.Program, Language: f.Language, Speaks: f.Speaks}
}

// FinderLanguages returns the codes of the languages spoken at some office,
// in catalogue order: the languages the finder offers.
func (s *Site) FinderLanguages() []string {
	return once(s.memo, [3]string{"finder-languages"}, func() []string {
		has := map[string]bool{}
		for _, o := range s.offices {
			for _, l := range s.Languages(o) {
				has[l] = true
			}
		}
		return s.inCatalogueOrder(has)
	})
}

// FinderHas reports whether the finder has a page for a language and a
// district: an office speaking the language is in the district, next to
// it, or serves it.
func (s *Site) FinderHas(lang, district string) bool {
	return s.finderPairs()[[2]string{lang, district}]
}

// FinderHasReads is FinderHas, recording in r which districts the finder
// has a page for in lang (a value), not every provider file.
func (s *Site) FinderHasReads(lang, district string, r *Reads) bool {
	r.value(finderPairsValue+lang, s.finderPairsSum(lang))
	return s.FinderHas(lang, district)
}

// finderPairsSum is the fingerprint of the districts the finder has a
// page for in lang, never "".
func (s *Site) finderPairsSum(lang string) string {
	return once(s.memo, [3]string{"finder-pairs-sum", lang}, func() string {
		h := sha256.New()
		pairs := s.finderPairs()
		for i := range s.Dir.Districts {
			if pairs[[2]string{lang, s.Dir.Districts[i].ID}] {
				h.Write([]byte(s.Dir.Districts[i].ID + "\n"))
			}
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

func (s *Site) finderPairs() map[[2]string]bool {
	return once(s.memo, [3]string{"finder-pairs"}, func() map[[2]string]bool {
		pairs := map[[2]string]bool{}
		for _, o := range s.offices {
			near := []string{o.District}
			if d := s.Dir.District(o.District); d != nil {
				near = append(near, d.Neighbours...)
			}
			near = append(near, o.Serves...)
			for _, l := range s.Languages(o) {
				for _, d := range near {
					pairs[[2]string{l, d}] = true
				}
			}
		}
		return pairs
	})
}

// Find returns the finder page of a language and a district: for each
// program, the first FinderShown offices routing.Route ranks for a person
// of that age group who lives in the district and speaks the language.
func (s *Site) Find(lang, district string) *Finding {
	l, d := s.Dir.Language(lang), s.Dir.District(district)
	if l == nil || d == nil {
		return nil
	}
	f := &Finding{Language: l, District: d}
	for _, p := range s.Programs() {
		group := map[string]string{model.ProgramMBE: "adult", model.ProgramJMD: "young"}[p]
		res, err := routing.Route(s.Dir, routing.Need{AgeGroup: group, District: district, Languages: []string{lang}}, nil, routing.Options{Today: s.Today, Unexplained: true, Top: FinderShown})
		if err != nil {
			continue // no office offers the program
		}
		fp := FinderProgram{Program: p}
		for _, r := range res.Offices[:min(FinderShown, len(res.Offices))] {
			fp.Offices = append(fp.Offices, FinderOffice{Office: r.Office, Program: p, Language: lang, Speaks: r.Language != "", Serves: r.Catchment == routing.Serves})
		}
		f.Programs = append(f.Programs, fp)
	}
	return f
}

// finderPages adds the finder's pages of one language, in order. They are
// the same in every language: listed once (finderList), added for each.
func (s *Site) finderPages(add func(kind, key string, data any)) {
	for _, p := range s.finderList() {
		add(p.kind, p.key, p.data)
	}
}

// pageSpec is a page before it has a language.
type pageSpec struct {
	kind, key string
	data      any
}

// finderList lists the finder's pages: the start, one per language spoken
// and one per language and district the finder has.
func (s *Site) finderList() []pageSpec {
	return once(s.memo, [3]string{"finder-pages"}, func() []pageSpec {
		out := []pageSpec{{KindFind, "find/", nil}}
		for _, code := range s.FinderLanguages() {
			out = append(out, pageSpec{KindFindLanguage, "find/" + code + "/", s.Dir.Language(code)})
			for i := range s.Dir.Districts {
				d := &s.Dir.Districts[i]
				if s.FinderHas(code, d.ID) {
					out = append(out, pageSpec{KindFindResult, "find/" + code + "/" + d.ID + "/", finderKey{code, d.ID}})
				}
			}
		}
		return out
	})
}

// finderKey is the data of a finder result page until a renderer asks for
// it (FindingOfReads): the ranking is computed once per pair, not per language.
type finderKey struct{ Lang, District string }

// FindingOfReads returns the Finding a finder result page shows (nil for
// another page), recording what it read like FindReads.
func (s *Site) FindingOfReads(p *Page, r *Reads) *Finding {
	k, ok := p.Data.(finderKey)
	if !ok {
		return nil
	}
	return s.FindReads(k.Lang, k.District, r)
}

// FindReads is Find, recording in r that the page read the ranking (a
// value computed from all provider files: ValueSum) and the files of the
// offices it shows, whose data the page then shows.
func (s *Site) FindReads(lang, district string, r *Reads) *Finding {
	f := s.finding(lang, district)
	if f == nil {
		r.AllProviders()
		return nil
	}
	r.value(findingValue+lang+"/"+district, s.findingSum(lang, district))
	for _, p := range f.Programs {
		for _, o := range p.Offices {
			r.Provider(o.Office.Provider)
		}
	}
	return f
}

// finding returns Find(lang, district), computed once per site.
func (s *Site) finding(lang, district string) *Finding {
	return once(s.memo, [3]string{"finding", lang, district}, func() *Finding { return s.Find(lang, district) })
}

// findingSum returns the fingerprint of the finder's ranking for a
// language and district ("" for none): per program, the offices shown in
// order and whether each speaks the language and serves the district.
func (s *Site) findingSum(lang, district string) string {
	// Once per pair, like the ranking: every language's page of the pair
	// records it.
	return once(s.memo, [3]string{"finding-sum", lang, district}, func() string {
		f := s.finding(lang, district)
		if f == nil {
			return ""
		}
		h := sha256.New()
		for _, p := range f.Programs {
			fmt.Fprintf(h, "%s\n", p.Program)
			for _, o := range p.Offices {
				fmt.Fprintf(h, "%s %t %t\n", o.Office.ID, o.Speaks, o.Serves)
			}
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// FinderDistricts returns the districts sorted for choosing, with whether
// the finder has a page for them in a language.
func (s *Site) FinderDistricts(lang string) []FinderDistrict {
	out := make([]FinderDistrict, 0, len(s.Dir.Districts))
	for i := range s.Dir.Districts {
		d := &s.Dir.Districts[i]
		out = append(out, FinderDistrict{District: d, Has: s.FinderHas(lang, d.ID)})
	}
	return out
}

// FinderDistrict is a district on the finder's "where do you live" page.
type FinderDistrict struct {
	*model.District
	Has bool // the finder has a page for it in the language
}

// OfficeSpeaks reports whether a language is spoken at an office.
func (s *Site) OfficeSpeaks(o *model.Office, lang string) bool {
	return slices.Contains(s.Languages(o), lang)
}
