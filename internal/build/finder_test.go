package build

import (
	"path"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// TestFinderOrder reads every finder result page of the example build and
// checks, for each language and district and both age groups, that the
// offices listed and their order are the first site.FinderShown offices
// routing.Route ranks for that person without load; and that a page
// exists exactly for the pairs where an office speaking the language is in
// the district, next to it or serves it, while the district chooser of
// every other pair links to the language's list of all its offices; and
// that each office listed says it speaks the language, or else that an
// interpreter can be arranged, as its advisors' languages have it.
func TestFinderOrder(t *testing.T) {
	files := buildExample(t, "")
	st := siteOf(t, "../..")
	dir := st.Dir
	spoken := map[string][]string{} // office → languages spoken there
	for i := range dir.Providers {
		for j := range dir.Providers[i].Offices {
			o := &dir.Providers[i].Offices[j]
			spoken[o.ID] = st.Languages(o)
		}
	}
	pages, compared := 0, 0
	for _, lang := range []string{"de", "ar", "ti"} {
		for _, l := range dir.Languages {
			for _, d := range dir.Districts {
				want := hasSpeaker(dir, spoken, l.Code, d)
				name := path.Join(lang, "find", l.Code, d.ID, "index.html")
				b, ok := files[name]
				if ok != want {
					t.Errorf("%s: exists %v, want %v", name, ok, want)
					continue
				}
				chooser := string(files[path.Join(lang, "find", l.Code, "index.html")])
				if !ok {
					if chooser != "" && strings.Contains(chooser, `href="`+d.ID+`/"`) {
						t.Errorf("find/%s/ links the missing page of %s", l.Code, d.ID)
					}
					continue
				}
				pages++
				got, interpreter := finderSections(t, name, b)
				// An office says it speaks the language, or else that an
				// interpreter can be arranged: never both, never neither.
				for office, note := range interpreter {
					if speaks := slices.Contains(spoken[office], l.Code); note == speaks {
						t.Errorf("%s: %s speaks %s: %v; the note that an interpreter can be arranged: %v (want one or the other)", name, office, l.Code, speaks, note)
					}
				}
				for _, group := range []string{"adult", "young"} {
					res, err := routing.Route(dir, routing.Need{AgeGroup: group, District: d.ID, Languages: []string{l.Code}}, nil, routing.Options{Today: model.DateOf(testToday)})
					var ids []string
					if err == nil {
						for _, r := range res.Offices[:min(site.FinderShown, len(res.Offices))] {
							ids = append(ids, r.Office.ID)
						}
					}
					program := map[string]string{"adult": model.ProgramMBE, "young": model.ProgramJMD}[group]
					if !slices.Equal(got[program], ids) {
						t.Errorf("%s, %s: offices %v, routing.Route ranks %v", name, group, got[program], ids)
					}
					compared++
				}
			}
		}
	}
	if pages < 100 {
		t.Errorf("only %d finder result pages", pages)
	}
	t.Logf("%d finder pages, %d rankings compared with routing.Route", pages, compared)
}

// hasSpeaker reports whether someone speaking lang works at an office in
// district d, next to it, or serving it.
func hasSpeaker(dir *model.Directory, spoken map[string][]string, lang string, d model.District) bool {
	for _, p := range dir.Providers {
		for _, o := range p.Offices {
			if !slices.Contains(spoken[o.ID], lang) {
				continue
			}
			if o.District == d.ID || slices.Contains(d.Neighbours, o.District) || slices.Contains(o.Serves, d.ID) {
				return true
			}
		}
	}
	return false
}

// finderSections returns the office ids a finder page lists, by program
// section (id mbe or jmd), in page order, and for each office whether its
// entry has the note that an interpreter can be arranged (p.meta).
func finderSections(t *testing.T, name string, b []byte) (map[string][]string, map[string]bool) {
	out, interpreter := map[string][]string{}, map[string]bool{}
	walk(parse(t, name, b), func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "h3" {
			return
		}
		var section string
		var entry *html.Node
		for p := n.Parent; p != nil; p = p.Parent {
			if p.Data == "li" && entry == nil {
				entry = p
			}
			if p.Data == "section" {
				section, _ = attr(p, "id")
				break
			}
		}
		for a := n.FirstChild; a != nil; a = a.NextSibling {
			if href, ok := attr(a, "href"); ok && a.Data == "a" {
				id := path.Base(path.Dir(href)) // …/offices/{id}/index.html
				out[section] = append(out[section], id)
				note := false
				walk(entry, func(m *html.Node) {
					if c, _ := attr(m, "class"); m.Type == html.ElementNode && m.Data == "p" && c == "meta" {
						note = true
					}
				})
				interpreter[id] = note
			}
		}
	})
	return out, interpreter
}
