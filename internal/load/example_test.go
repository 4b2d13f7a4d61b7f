package load

import (
	"os"
	"slices"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TestExampleDirectory loads the example directory in data/ and content/
// at the repository root and checks that it is clean and as rich as a new
// user should see it.
func TestExampleDirectory(t *testing.T) {
	dir, problems := Load(os.DirFS("../.."), Options{Now: testToday})
	if dir == nil {
		t.Fatalf("example data has errors:\n%s", report(problems))
	}
	// Warnings: one deliberate German-only closure note, so the site shows
	// a translation fallback. Every other text is translated into all
	// fourteen interface languages.
	germanOnly := 0
	for _, p := range problems {
		switch {
		case p.Rule != "missing-translation":
			t.Errorf("unexpected warning: %s", p)
		case len(p.Langs) == len(dir.Site.Languages)-1:
			germanOnly++
		default:
			t.Errorf("a text lacks %v, which the example translates everything into: %s", p.Langs, p)
		}
	}
	if germanOnly != 1 {
		t.Errorf("%d texts in German only, want the one deliberate closure note", germanOnly)
	}

	spoken := map[string]bool{}
	var offices, advisors, offers, courses int
	programs := map[string]int{}
	for _, p := range dir.Providers {
		offices += len(p.Offices)
		advisors += len(p.Advisors)
		offers += len(p.Offers)
		for _, a := range p.Advisors {
			for _, l := range a.Languages {
				spoken[l] = true
			}
		}
		for _, o := range p.Offers {
			programs[o.Program]++
		}
	}
	types := map[string]bool{}
	for _, f := range dir.CourseFiles {
		courses += len(f.Courses)
		for _, c := range f.Courses {
			types[c.Type] = true
		}
	}
	withCodes := 0
	for _, d := range dir.Districts {
		if len(d.PostalCodes) > 0 && len(d.Neighbours) > 0 {
			withCodes++
		}
	}
	min := []struct {
		what      string
		got, want int
	}{
		{"districts with postal codes and neighbours", withCodes, 25},
		{"providers", len(dir.Providers), 8},
		{"offices", offices, 20},
		{"advisors", advisors, 40},
		{"languages spoken by advisors", len(spoken), 15},
		{"offers", offers, 25},
		{"MBE offers", programs[model.ProgramMBE], 5},
		{"JMD offers", programs[model.ProgramJMD], 5},
		{"course providers", len(dir.CourseFiles), 3},
		{"courses", courses, 30},
		{"languages in the catalogue", len(dir.Languages), 25},
		{"interface languages", len(dir.Site.Languages), 8},
	}
	for _, m := range min {
		if m.got < m.want {
			t.Errorf("%s: %d, want at least %d", m.what, m.got, m.want)
		}
	}
	for _, typ := range model.CourseTypes() {
		if !types[typ] {
			t.Errorf("no example course of type %s", typ)
		}
	}
	for _, code := range []string{"ar", "fa", "prs", "ps", "ckb", "ur", "he"} {
		if l := dir.Language(code); l == nil || !l.RTL() {
			t.Errorf("language %s missing or not right-to-left", code)
		}
	}
	if l := dir.Language("kmr"); l == nil || l.RTL() {
		t.Errorf("Kurmanji (kmr) missing or marked right-to-left")
	}
	// Translations into English and Arabic for most entries.
	var texts, translated int
	for _, p := range dir.Providers {
		for _, o := range p.Offers {
			for _, tx := range []model.Text{o.Title, o.Description} {
				texts++
				if tx["en"] != "" && tx["ar"] != "" {
					translated++
				}
			}
		}
	}
	if translated*10 < texts*9 {
		t.Errorf("only %d of %d offer texts have English and Arabic", translated, texts)
	}
	for _, lang := range []string{"de", "en"} {
		if !slices.ContainsFunc(dir.Pages, func(p model.Page) bool { return p.Lang == lang }) {
			t.Errorf("no content pages in %s", lang)
		}
	}
}

// TestExampleDirectoryToday loads the example data against the real date:
// as the data ages it collects warnings (stale entries, ended courses), but
// never errors.
func TestExampleDirectoryToday(t *testing.T) {
	if _, problems := Load(os.DirFS("../.."), Options{}); problems.Errors() > 0 {
		t.Fatalf("example data has errors today:\n%s", report(problems))
	}
}
