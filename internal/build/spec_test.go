package build

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/themes"
)

// withoutAdvisorPrograms returns the example site with every advisor's
// `programs:` line removed, as a directory written from the data model's
// spec (where the field is not required) may well leave them out.
func withoutAdvisorPrograms(t *testing.T) fs.FS {
	t.Helper()
	src := os.DirFS("../..")
	files, err := fs.Glob(src, "data/providers/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider files: %v", err)
	}
	programs := regexp.MustCompile(`(?m)^ +programs: .*\n`)
	over := fstest.MapFS{}
	removed := 0
	for _, f := range files {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			t.Fatal(err)
		}
		removed += len(programs.FindAll(b, -1))
		over[f] = &fstest.MapFile{Data: programs.ReplaceAll(b, nil)}
	}
	if removed < 20 {
		t.Fatalf("removed only %d programs lines", removed)
	}
	return themes.Overlay(over, src)
}

// TestAdvisorsWithoutPrograms: advisors without `programs` load; each gets
// the programs of the offers at its office, which in the example are the
// programs its editors wrote by hand, so the advisor directory (by program
// and in full) and every routing decision come out the same.
func TestAdvisorsWithoutPrograms(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	site := withoutAdvisorPrograms(t)
	// Built in German and Arabic only (one language of each direction),
	// compared with those languages of the full builds (the pages' main
	// part: the language switcher lists the site's languages): the other
	// twelve would add time, not cases.
	siteYAML, err := fs.ReadFile(site, "data/site.yaml")
	if err != nil || !bytes.Contains(siteYAML, []byte(allLanguages)) {
		t.Fatalf("data/site.yaml has no %q (%v)", allLanguages, err)
	}
	small := themes.Overlay(fstest.MapFS{"data/site.yaml": {Data: bytes.Replace(siteYAML, []byte(allLanguages), []byte("languages: [de, ar]"), 1)}}, site)
	for _, edition := range []string{"", "internal"} {
		// The example as it is: the builds other tests share (TestEditions,
		// TestPrintPages, TestBrowser's staff pages).
		const base = "https://example.org/"
		with := buildExampleWith(t, Config{BaseURL: base, Edition: edition})
		var without memWriter
		res, err := Build(context.Background(), Config{Source: small, Now: testToday, BaseURL: base, Edition: edition}, &without)
		if err != nil {
			t.Fatalf("%s edition: %v", edition, err)
		}
		if res.Problems.Errors() > 0 {
			t.Fatalf("%s edition: %v", edition, res.Problems)
		}
		pages := 0
		for name, b := range with {
			lang, _, _ := strings.Cut(name, "/")
			if !strings.Contains(name, "/programs/") && !strings.Contains(name, "/advisors/") && !strings.HasPrefix(name, "exports/") || lang != "de" && lang != "ar" && lang != "exports" {
				continue
			}
			pages++
			if !bytes.Equal(mainPart(b), mainPart(without.files[name])) {
				t.Errorf("%s edition: %s differs when advisors leave out programs", edition, name)
			}
		}
		if pages < 20 {
			t.Fatalf("compared only %d pages", pages)
		}
		for _, prog := range []string{"mbe", "jmd"} {
			if rows := strings.Count(string(without.files["de/advisors/programs/"+prog+"/index.html"]), "<tr"); rows < 10 {
				t.Errorf("%s edition: the %s advisor list has only %d rows", edition, prog, rows)
			}
		}
	}

	// Routing: the same ranking and reasons for every district, age group
	// and language of the example.
	d1, p1 := load.Load(os.DirFS("../.."), load.Options{Now: testToday})
	d2, p2 := load.Load(site, load.Options{Now: testToday})
	if d1 == nil || d2 == nil {
		t.Fatalf("load: %v %v", p1, p2)
	}
	derived := 0
	for i, p := range d2.Providers {
		for j, a := range p.Advisors {
			want := d1.Providers[i].Advisors[j].Programs
			if !slices.Equal(a.Programs, want) {
				t.Errorf("advisor %s: derived programs %v, written %v", a.ID, a.Programs, want)
			}
			derived++
		}
	}
	if derived < 40 {
		t.Fatalf("only %d advisors", derived)
	}
	opts := routing.Options{Today: model.DateOf(testToday)}
	for _, dist := range d1.Districts {
		for _, age := range []int{19, 40} {
			for _, lang := range d1.Languages {
				n := routing.Need{Age: age, District: dist.ID, Languages: []string{lang.Code}}
				r1, err1 := routing.Route(d1, n, nil, opts)
				r2, err2 := routing.Route(d2, n, nil, opts)
				if err1 != nil || err2 != nil {
					t.Fatalf("route %+v: %v %v", n, err1, err2)
				}
				a, _ := json.Marshal(r1.Offices)
				b, _ := json.Marshal(r2.Offices)
				if !bytes.Equal(a, b) {
					t.Fatalf("route %+v differs:\n%s\n%s", n, a, b)
				}
			}
		}
	}
}

// mainPart returns the <main> element of a page, or all of a file that
// has none (an export).
func mainPart(b []byte) []byte {
	start, end := bytes.Index(b, []byte("<main")), bytes.Index(b, []byte("</main>"))
	if start < 0 || end < start {
		return b
	}
	return b[start:end]
}
