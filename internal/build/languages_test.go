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

// entryLinks finds the links to offices, offers and courses in a German
// page: the entries a language page lists.
var entryLinks = regexp.MustCompile(`href="[./]*de/((?:offices|offers|courses)/[a-z0-9-]+/)index\.html"`)

// arDistrictLinks finds the links to the Arabic language's district pages.
var arDistrictLinks = regexp.MustCompile(`href="[./]*de/languages/ar/([a-z0-9-]+)/index\.html"`)

// linksOf returns the first submatches of re in page.
func linksOf(re *regexp.Regexp, page string) map[string]bool {
	out := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out[m[1]] = true
	}
	return out
}

// TestLanguagePagesByDistrict: a city's language page lists everything in
// the language; with more districts than one page lists, the language
// page lists the districts and each district's page what the language has
// there — together the same entries — and a change renders again only the
// pages whose entries or counts it changes.
func TestLanguagePagesByDistrict(t *testing.T) {
	t.Parallel()
	city := buildExample(t, "")
	inline := string(city["de/languages/ar/index.html"])
	if !strings.Contains(inline, `aria-labelledby="offices"`) || len(linksOf(arDistrictLinks, inline)) != 0 {
		t.Error("example: the Arabic page does not list its offices itself")
	}
	for name := range city {
		if strings.HasPrefix(name, "de/languages/ar/") && name != "de/languages/ar/index.html" {
			t.Errorf("example: %s, a page of a language in a district, in a city", name)
		}
	}
	want := linksOf(entryLinks, inline)
	if len(want) < 3 {
		t.Fatalf("the example's Arabic page lists %d entries", len(want))
	}

	src, edit := wideExample(t, "de")
	ctx := context.Background()
	var w memWriter
	if _, err := Build(ctx, Config{Source: os.DirFS(src), Now: testToday}, &w); err != nil {
		t.Fatal(err)
	}
	page := string(w.files["de/languages/ar/index.html"])
	if strings.Contains(page, `class="offices"`) {
		t.Error("wide: the Arabic page lists offices")
	}
	districts := linksOf(arDistrictLinks, page)
	for i := range 10 {
		d := "weit-" + string(rune('0'+i))
		if !districts[d] {
			t.Errorf("wide: the Arabic page does not link %s", d)
		}
	}
	got := map[string]bool{}
	for name, b := range w.files {
		d, ok := strings.CutPrefix(name, "de/languages/ar/")
		if !ok || name == "de/languages/ar/index.html" {
			continue
		}
		d = strings.TrimSuffix(d, "/index.html")
		if !districts[d] {
			t.Errorf("wide: %s is not linked from the Arabic page", name)
		}
		maps.Copy(got, linksOf(entryLinks, string(b)))
	}
	for d := range districts {
		if _, ok := w.files["de/languages/ar/"+d+"/index.html"]; !ok {
			t.Errorf("wide: the Arabic page links %s, which has no page", d)
		}
	}
	for i := range 10 {
		e := "offices/weit-buero-" + string(rune('0'+i)) + "/"
		if !got[e] {
			t.Errorf("wide: no district page lists %s", e)
		}
		delete(got, e)
	}
	if !maps.Equal(got, want) {
		t.Errorf("wide: the district pages list\n%v\nthe city's page\n%v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	weit3 := string(w.files["de/languages/ar/weit-3/index.html"])
	if !strings.Contains(weit3, "Berater Weit 3") || strings.Contains(weit3, "weit-buero-4") {
		t.Error("wide: weit-3's Arabic page does not list its advisor alone")
	}

	// serve: a phone number renders again the pages of the districts
	// with entries from its file (weit-weg.yaml: all weit-* districts),
	// not the language's nor another district's; an advisor more changes
	// a count; a course taught with Arabic explanations too changes a
	// district's list from a course file.
	other := ""
	for _, d := range slices.Sorted(maps.Keys(districts)) {
		if !strings.HasPrefix(d, "weit-") && d != "neuhausen-nymphenburg" {
			other = "de/languages/ar/" + d + "/index.html"
			break
		}
	}
	if other == "" {
		t.Fatal("wide: no Arabic district page but the weit-* ones")
	}
	const (
		lang      = "de/languages/ar/index.html"
		three     = "de/languages/ar/weit-3/index.html"
		four      = "de/languages/ar/weit-4/index.html"
		neuhausen = "de/languages/ar/neuhausen-nymphenburg/index.html" // has an Arabic page for its offices
	)
	const findAr, findTi = "de/find/ar/index.html", "de/find/ti/index.html" // the finder's "where do you live?" in Arabic, Tigrinya
	pages := []string{lang, three, four, neuhausen, other, findAr, findTi}
	step := previewSteps(t, src, pages)
	pv := step(nil, "first", nil, nil)
	edit("data/providers/weit-weg.yaml", `phone: "089 555-3"`, `phone: "089 555-33"`)
	pv = step(pv, "a phone number", []string{three, four}, []string{lang, other, findAr, findTi})
	if b, _, _ := pv.File(ctx, three); !strings.Contains(string(b), "555-33") {
		t.Error("weit-3's Arabic page does not show the new number")
	}
	appendTo(t, filepath.Join(src, "data/providers/weit-weg.yaml"),
		"  - id: weit-beraterin-4\n    name: Beraterin Weit 4\n    office: weit-buero-4\n    programs: [mbe]\n    languages: [ar, ti]\n")
	// Tigrinya is spoken in weit-4 now: the finder has a page for it
	// there (Arabic had one).
	pv = step(pv, "an advisor more", []string{lang, four, findTi}, []string{other, findAr})
	edit("data/courses/daa-muenchen.yaml", "support_languages: [en, es]", "support_languages: [en, es, ar]") // in Neuhausen-Nymphenburg
	pv = step(pv, "a course in Arabic", []string{lang, neuhausen}, []string{three, four})
	previewIsBuild(t, pv, src)
}

// previewSteps returns step, which prepares serve's preview of src after
// prev (its files spilled to a temporary folder, as serve does), asks it
// for pages, and checks that it rendered each of renders and none of
// keeps; the first step's prev is nil.
func previewSteps(t *testing.T, src string, pages []string) func(prev *Preview, what string, renders, keeps []string) *Preview {
	ctx := context.Background()
	spill := t.TempDir()
	return func(prev *Preview, what string, renders, keeps []string) *Preview {
		t.Helper()
		pv, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{Spill: spill}, prev)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pv.Close)
		for _, p := range pages {
			pv.File(ctx, p)
		}
		rendered := map[string]bool{}
		for _, p := range pv.Rendered() {
			rendered[p] = true
		}
		for _, p := range renders {
			if !rendered[p] {
				t.Errorf("%s: %s kept", what, p)
			}
		}
		for _, p := range keeps {
			if rendered[p] {
				t.Errorf("%s: %s rendered again", what, p)
			}
		}
		return pv
	}
}
