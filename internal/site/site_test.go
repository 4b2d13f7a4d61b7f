package site

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

var today = model.Date{Year: 2026, Month: time.November, Day: 21}

func example(t *testing.T) *Site {
	t.Helper()
	dir, problems := load.Load(os.DirFS("../.."), load.Options{Now: today.Time()})
	if dir == nil {
		t.Fatal(problems)
	}
	s, err := New(dir, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDistrictOffices checks that a district lists the offices whose
// catchment includes it before those merely located there, only offices of
// the program asked for, and in the routing core's order.
func TestDistrictOffices(t *testing.T) {
	s := example(t)
	for _, d := range s.Dir.Districts {
		res, err := routing.Route(s.Dir, routing.Need{AgeGroup: "adult", District: d.ID}, nil, routing.Options{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, r := range res.Offices {
			if r.Catchment == routing.Serves || r.Office.District == d.ID {
				want = append(want, r.OfficeID)
			}
		}
		var got []string
		for _, e := range s.DistrictOffices(d.ID, model.ProgramMBE) {
			got = append(got, e.ID)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: listed %v, the routing core ranks %v", d.ID, got, want)
		}
	}
	for _, d := range s.Dir.Districts {
		for _, p := range []string{model.ProgramMBE, model.ProgramJMD} {
			list := s.DistrictOffices(d.ID, p)
			if len(list) == 0 {
				t.Errorf("%s: no %s office", d.ID, p)
			}
			seenLocatedOnly := false
			for _, e := range list {
				if !strings.Contains(strings.Join(s.OfficePrograms(e.Office), " "), p) {
					t.Errorf("%s/%s: %s does not offer %s", d.ID, p, e.ID, p)
				}
				if !e.Serves && !e.Located {
					t.Errorf("%s/%s: %s neither serves nor is located here", d.ID, p, e.ID)
				}
				if e.Serves && seenLocatedOnly {
					t.Errorf("%s/%s: a serving office comes after a located-only one", d.ID, p)
				}
				if !e.Serves {
					seenLocatedOnly = true
				}
			}
		}
	}
}

func TestTimeOfDay(t *testing.T) {
	tests := []struct {
		from model.Clock
		want string
	}{{8*60 + 30, "morning"}, {11*60 + 59, "morning"}, {12 * 60, "afternoon"}, {16*60 + 59, "afternoon"}, {17 * 60, "evening"}, {18 * 60, "evening"}}
	for _, tt := range tests {
		c := &model.Course{Schedule: model.Schedule{From: tt.from}}
		if got := TimeOfDay(c); got != tt.want {
			t.Errorf("TimeOfDay(%s) = %s, want %s", tt.from, got, tt.want)
		}
	}
}

// TestCourseSets checks that every course that has not ended is in
// exactly one set of each kind (by district: its own district's and those
// of the districts next to it), and that sets come in their natural order.
func TestCourseSets(t *testing.T) {
	s := example(t)
	for _, by := range []string{"type", "district", "month", "time"} {
		seen := map[string]int{}
		prev := ""
		for _, set := range s.CourseSetsBy(by) {
			f := map[string]CourseFilter{"type": {Type: set.Value}, "district": {District: set.Value, Near: true}, "month": {Month: set.Value}, "time": {Time: set.Value}}[by]
			if want := s.FindCourses(f); !slices.Equal(set.Courses, want) {
				t.Errorf("by %s %s: %d courses, the filter finds %d (or another order)", by, set.Value, len(set.Courses), len(want))
			}
			if by == "month" && set.Value <= prev {
				t.Errorf("months out of order: %s after %s", set.Value, prev)
			}
			prev = set.Value
			for _, c := range set.Courses {
				seen[c.ID]++
			}
		}
		for _, c := range s.Courses() {
			want := 1
			if by == "district" { // its district's list and those of the districts next to it
				for _, d := range s.Dir.Districts {
					if slices.Contains(d.Neighbours, c.Location.District) {
						want++
					}
				}
			}
			if seen[c.ID] != want {
				t.Errorf("by %s: course %s in %d sets, want %d", by, c.ID, seen[c.ID], want)
			}
		}
	}
	// Ended courses are left out.
	late := model.Date{Year: 2027, Month: time.September, Day: 1}
	s2, _ := New(s.Dir, Options{Today: late})
	for _, c := range s2.Courses() {
		if c.End.Before(late) {
			t.Errorf("ended course %s listed", c.ID)
		}
	}
	if len(s2.Courses()) >= len(s.Courses()) {
		t.Errorf("no course ended between %s and %s", today, late)
	}
}

// TestContentFallback checks that a Markdown page missing in a language is
// published there from English for readers of other languages than
// German, else from German, marked with its language.
func TestContentFallback(t *testing.T) {
	s := example(t)
	found := map[string]string{}
	for _, p := range s.Pages() {
		if p.Kind == KindContent {
			found[p.Lang+"/"+p.Key] = p.From
		}
	}
	tests := []struct{ key, from string }{
		{"de/ueber-uns/", ""}, {"en/ueber-uns/", ""}, {"ar/ueber-uns/", "en"}, {"ar/mbe-jmd/", ""}, {"tr/mbe-jmd/", "en"},
	}
	for _, tt := range tests {
		from, ok := found[tt.key]
		if !ok || from != tt.from {
			t.Errorf("%s: published %v from %q, want from %q", tt.key, ok, from, tt.from)
		}
	}
}

func TestReservedPaths(t *testing.T) {
	s := example(t)
	dir := *s.Dir
	dir.Pages = append([]model.Page{{Lang: "de", Path: "districts", Meta: model.PageMeta{Title: "x"}}}, dir.Pages...)
	if _, err := New(&dir, Options{Today: today}); err == nil || !strings.Contains(err.Error(), "districts/") {
		t.Errorf("a page at districts/ was accepted: %v", err)
	}
}

// TestLookup finds every page of the example by the path it is written
// to, and nothing else.
func TestLookup(t *testing.T) {
	for _, langs := range [][]string{nil, {"de"}} { // the example's languages; German alone, then Leichte Sprache
		s := example(t)
		if langs != nil {
			s.Dir.Site.Languages = langs
			var err error
			if s, err = New(s.Dir, Options{Today: today}); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range s.Pages() {
			if got := s.Lookup(p.Path()); got != p {
				t.Errorf("languages %v: Lookup(%q) = %v, want the page of kind %s", langs, p.Path(), got, p.Kind)
			}
		}
		for _, name := range []string{"", "de/", "de/index.htm", "xx/index.html", "de/districts/nowhere/index.html", "de/districts/index.html/index.html", "favicon.ico", "de/../index.html"} {
			if got := s.Lookup(name); got != nil {
				t.Errorf("languages %v: Lookup(%q) = page %s %q, want none", langs, name, got.Lang, got.Key)
			}
		}
	}
}

// TestPagesByLanguage: a language's pages are made when one of them is
// looked up, not the other languages' (a serve rebuild renders a few
// pages of one language); made or not, the site has the same pages: the
// count, the order of Pages, each language's Markdown pages and its menus
// are those of the whole list.
func TestPagesByLanguage(t *testing.T) {
	s := example(t)
	if p := s.Lookup("ar/index.html"); p == nil || p.Lang != "ar" {
		t.Fatalf("Lookup(ar/index.html) = %v", p)
	}
	for lang, b := range s.blocks {
		if made := b.made.pages != nil; made != (lang == "ar") {
			t.Errorf("after a look-up of an Arabic page, %s pages made: %v", lang, made)
		}
	}
	menu := s.Menu("en", "footer") // makes the English pages
	if len(menu) == 0 {
		t.Fatal("no English footer menu")
	}
	all := s.Pages()
	if got := s.PageCount(); got != len(all) {
		t.Errorf("PageCount() = %d, Pages() has %d", got, len(all))
	}
	// The special pages, then the languages in order, each page once.
	var langs []string
	seen := map[string]bool{}
	for i, p := range all {
		if i < len(s.SpecialPages()) {
			if p != s.SpecialPages()[i] {
				t.Errorf("page %d is %s %q, want the special page %q", i, p.Lang, p.Key, s.SpecialPages()[i].Path())
			}
			continue
		}
		if len(langs) == 0 || langs[len(langs)-1] != p.Lang {
			langs = append(langs, p.Lang)
		}
		if seen[p.Path()] {
			t.Errorf("page %s twice", p.Path())
		}
		seen[p.Path()] = true
	}
	if !slices.Equal(langs, s.PageLanguages()) {
		t.Errorf("languages of Pages: %v, PageLanguages: %v", langs, s.PageLanguages())
	}
	for _, lang := range s.PageLanguages() {
		var content []*Page
		menus := map[string][]*Page{}
		for _, p := range all {
			if p.Lang == lang && p.Kind == KindContent {
				content = append(content, p)
				if m := p.Data.(*model.Page).Meta.Menu; m != "" {
					menus[m] = append(menus[m], p)
				}
			}
		}
		if got := s.ContentPages(lang); !slices.Equal(got, content) {
			t.Errorf("%s: ContentPages has %d pages, Pages %d Markdown pages", lang, len(got), len(content))
		}
		for _, m := range []string{"main", "footer"} {
			got := s.Menu(lang, m)
			if len(got) != len(menus[m]) {
				t.Errorf("%s %s menu: %d pages, want %d", lang, m, len(got), len(menus[m]))
			}
			for i, p := range got {
				if !slices.Contains(menus[m], p) {
					t.Errorf("%s %s menu: %q is not a page of Pages", lang, m, p.Key)
				}
				if i > 0 && got[i-1].Data.(*model.Page).Meta.Weight > p.Data.(*model.Page).Meta.Weight {
					t.Errorf("%s %s menu: %q before %q, which weighs less", lang, m, got[i-1].Key, p.Key)
				}
			}
		}
	}
	if len(s.Menu("en", "main")) == 0 || len(s.Menu("ar", "main")) == 0 {
		t.Error("the example's English and Arabic main menus are empty")
	}
}

// TestStartMonth: a course's month as fmt's "%04d-%02d" writes it, inside
// the years the fast path covers and outside them.
func TestStartMonth(t *testing.T) {
	for _, y := range []int{0, 7, 999, 2026, 9999, 10000, -1} {
		for _, m := range []time.Month{1, 9, 10, 12} {
			c := &model.Course{Start: model.Date{Year: y, Month: m, Day: 1}}
			if got, want := StartMonth(c), fmt.Sprintf("%04d-%02d", y, int(m)); got != want {
				t.Errorf("%d-%d: %q, want %q", y, m, got, want)
			}
		}
	}
}

// TestLanguageDistricts: what a language has in a district, made in one
// pass for all languages, is what filtering each of the language's lists
// by the district gives, in the same order.
func TestLanguageDistricts(t *testing.T) {
	s := example(t)
	// entries lists what ld lists, in order, by kind and id.
	entries := func(ld *LanguageDistrict) []string {
		var out []string
		for _, o := range ld.Offices {
			out = append(out, "office "+o.ID)
		}
		for _, a := range ld.Advisors {
			out = append(out, "advisor "+a.ID)
		}
		for _, of := range ld.Offers {
			out = append(out, "offer "+of.ID)
		}
		for _, c := range ld.Courses {
			out = append(out, "course "+c.ID)
		}
		return out
	}
	pairs := 0
	for _, code := range s.Spoken() {
		got := map[string]*LanguageDistrict{}
		for _, ld := range s.LanguageDistricts(code) {
			got[ld.District.ID] = ld
		}
		for _, d := range s.Dir.Districts {
			var want LanguageDistrict
			for _, g := range s.LanguageOffices(code) {
				if g.District.ID == d.ID {
					want.Offices = g.Offices
				}
			}
			for _, a := range s.LanguageAdvisors(code) {
				if s.Dir.Office(a.Office).District == d.ID {
					want.Advisors = append(want.Advisors, a)
				}
			}
			for _, of := range s.LanguageOffers(code) {
				if slices.ContainsFunc(s.offices, func(o *model.Office) bool {
					return o.District == d.ID && slices.Contains(s.Offers(o.ID), of)
				}) {
					want.Offers = append(want.Offers, of)
				}
			}
			for _, c := range s.LanguageCourses(code) {
				if c.Location.District == d.ID {
					want.Courses = append(want.Courses, c)
				}
			}
			ld := got[d.ID]
			if want.Count() == 0 {
				if ld != nil {
					t.Errorf("%s in %s: %d entries, want none", code, d.ID, ld.Count())
				}
				continue
			}
			pairs++
			if ld == nil {
				t.Errorf("%s in %s: nothing, want %d entries", code, d.ID, want.Count())
				continue
			}
			if g, w := entries(ld), entries(&want); !slices.Equal(g, w) {
				t.Errorf("%s in %s: %v, want %v", code, d.ID, g, w)
			}
		}
	}
	if pairs < 50 {
		t.Errorf("%d language × district pairs compared", pairs)
	}
}
