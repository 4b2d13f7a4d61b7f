package build

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// workDistrictLinks finds a topic page's links to the sections on work of
// district pages.
var workDistrictLinks = regexp.MustCompile(`href="[./]*de/districts/([a-z0-9-]+)/index\.html#topic-work"`)

// workSection cuts the section on work out of a German district page.
func workSection(page string) string {
	_, rest, ok := strings.Cut(page, `id="topic-work"`)
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, `<h3 id="topic-`)
	rest, _, _ = strings.Cut(rest, "</section>")
	return rest
}

// TestTopicPagesByDistrict: a city's topic page lists the offers on the
// topic; with more districts than one page lists, it lists the districts
// where the topic has offers, each linking to a section of the district's
// page — together the same offers —, and a change renders again only the
// pages whose offers or counts it changes.
func TestTopicPagesByDistrict(t *testing.T) {
	t.Parallel()
	const work = "de/topics/work/index.html"
	city := buildExample(t, "")
	want := linksOf(entryLinks, string(city[work]))
	if len(want) < 5 || len(linksOf(workDistrictLinks, string(city[work]))) != 0 {
		t.Fatalf("example: the topic page lists %d offers and links districts", len(want))
	}
	for name, b := range city {
		if strings.HasPrefix(name, "de/districts/") && strings.Contains(string(b), `id="topic-work"`) {
			t.Errorf("example: %s has a section on work, in a city", name)
		}
	}

	src, edit := wideExample(t, "de")
	ctx := context.Background()
	var w memWriter
	if _, err := Build(ctx, Config{Source: os.DirFS(src), Now: testToday}, &w); err != nil {
		t.Fatal(err)
	}
	page := string(w.files[work])
	if len(linksOf(entryLinks, page)) != 0 {
		t.Error("wide: the topic page lists offers")
	}
	districts := linksOf(workDistrictLinks, page)
	got := map[string]bool{}
	for d := range districts {
		section := workSection(string(w.files["de/districts/"+d+"/index.html"]))
		if section == "" {
			t.Errorf("wide: the topic page links %s, whose page has no section on work", d)
		}
		maps.Copy(got, linksOf(entryLinks, section))
	}
	for name, b := range w.files {
		d, ok := strings.CutPrefix(name, "de/districts/")
		if d = strings.TrimSuffix(d, "/index.html"); ok && workSection(string(b)) != "" && !districts[d] {
			t.Errorf("wide: %s has a section on work the topic page does not link", name)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("wide: the districts' sections list\n%v\nthe city's topic page\n%v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}

	// serve: a phone number of a provider without offers renders none of
	// these pages again (the topic's read every provider file before);
	// an offer's title the pages of the districts it is held in, not the
	// topic's; a topic more for an offer that topic's page and the
	// district's.
	const (
		school = "de/topics/school-training/index.html"
		ludwig = "de/districts/ludwigsvorstadt-isarvorstadt/index.html" // awo-mbe-ludwigsvorstadt-beratung
		weit3  = "de/districts/weit-3/index.html"                       // no offers, no office of a program
	)
	pages := []string{work, school, ludwig, weit3}
	step := previewSteps(t, src, pages)
	pv := step(nil, "first", nil, nil)
	edit("data/providers/weit-weg.yaml", `phone: "089 555-3"`, `phone: "089 555-33"`)
	pv = step(pv, "a phone number", nil, []string{work, school, ludwig, weit3})
	edit("data/providers/awo-muenchen.yaml", "de: Migrationsberatung für erwachsene Zugewanderte (MBE)", "de: Migrationsberatung für Erwachsene (MBE)")
	pv = step(pv, "an offer's title", []string{ludwig}, []string{work, school, weit3})
	if b, _, _ := pv.File(ctx, ludwig); !strings.Contains(workSection(string(b)), "Migrationsberatung für Erwachsene (MBE)") {
		t.Error("the district's section on work does not show the new title")
	}
	edit("data/providers/awo-muenchen.yaml", "topics: [residence, work, language-course, recognition, housing, family, money, health]",
		"topics: [residence, work, language-course, recognition, housing, family, money, health, school-training]")
	pv = step(pv, "a topic more", []string{school, ludwig}, []string{work, weit3})
	if b, _, _ := pv.File(ctx, ludwig); !strings.Contains(string(b), `id="topic-school-training"`) {
		t.Error("the district's page has no section on school and training")
	}
	// An offer of a provider that had none in weit-3: its page and the
	// topic's (a district more) are rendered again, though neither read
	// the provider's file before.
	appendTo(t, filepath.Join(src, "data/providers/weit-weg.yaml"),
		"offers:\n  - id: weit-angebot-3\n    program: mbe\n    title: {de: Arbeit in Weit 3}\n    topics: [work]\n    offices: [weit-buero-3]\n")
	pv = step(pv, "an offer in weit-3", []string{work, weit3}, []string{school, ludwig})
	if b, _, _ := pv.File(ctx, weit3); !strings.Contains(workSection(string(b)), "Arbeit in Weit 3") {
		t.Error("weit-3's page does not list its new offer on work")
	}
	previewIsBuild(t, pv, src)
}
