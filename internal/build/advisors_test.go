package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/site"
)

// setLinks finds the links to advisor sets by district in a page.
var setLinks = regexp.MustCompile(`href="[./]*de/advisors/districts/([a-z0-9-]+)/index\.html"`)

// allDistricts finds the link to the page of all districts' sets.
var allDistricts = regexp.MustCompile(`href="[./]*de/advisors/districts/index\.html"`)

// linkedSets returns the districts whose advisor sets page links.
func linkedSets(page string) map[string]bool { return linksOf(setLinks, page) }

// TestAdvisorDistricts checks how the advisor pages lead to the districts:
// a city's (the example's 21) are listed in every advisor page's filter;
// with more than 30 (a state, the country: hundreds of districts on
// hundreds of pages) every page links to advisors/districts/ instead,
// which lists them all. A district's page has no district filter in the
// instant filter form either (it shows one district).
func TestAdvisorDistricts(t *testing.T) {
	t.Parallel()
	city := buildExample(t, "")
	page := string(city["de/advisors/districts/maxvorstadt/index.html"])
	if n := len(linkedSets(page)); n != 21 {
		t.Errorf("example, Maxvorstadt's advisors: %d links to district sets, want the 21 of the filter", n)
	}
	if n := len(linkedSets(string(city["de/advisors/districts/index.html"]))); n != 21 {
		t.Errorf("example, advisors/districts/: %d links to district sets, want 21", n)
	}
	for _, p := range []string{"de/advisors/index.html", "de/advisors/languages/ar/index.html"} {
		if !strings.Contains(string(city[p]), `<select name="district">`) {
			t.Errorf("example, %s: no district filter in the form", p)
		}
	}
	if strings.Contains(page, `<select name="district">`) {
		t.Error("example, Maxvorstadt's advisors: a district filter on a district's page")
	}

	// The example with ten more districts, an office with an advisor in
	// each: 31 district sets.
	src, _ := wideExample(t, "de")
	var w memWriter
	res, err := Build(context.Background(), Config{Source: os.DirFS(src), Now: testToday}, &w)
	if err != nil {
		t.Fatal(err)
	}
	if res.Problems.Errors() > 0 {
		t.Fatal(res.Problems)
	}
	// The lists of the whole directory, the districts' and the whole
	// country's (advisors/), link every district's table.
	for _, name := range []string{"de/advisors/districts/index.html", "de/advisors/index.html"} {
		if n := len(linkedSets(string(w.files[name]))); n != 31 {
			t.Errorf("31 districts, %s: %d links to district sets, want 31", name, n)
		}
	}
	// The lists by language and program link the districts' tables
	// with that filter set, each with its number of advisors; none lists
	// advisors itself, nor does the directory.
	filtered := regexp.MustCompile(`href="[./]*de/advisors/districts/([a-z0-9-]+)/index\.html\?(lang=ar|program=mbe)">.*?<small>\((\d+)\)</small>`)
	for _, name := range []string{"de/advisors/index.html", "de/advisors/languages/ar/index.html", "de/advisors/programs/mbe/index.html"} {
		if strings.Contains(string(w.files[name]), `class="directory"`) {
			t.Errorf("31 districts, %s lists advisors", name)
		}
	}
	for _, name := range []string{"de/advisors/languages/ar/index.html", "de/advisors/programs/mbe/index.html"} {
		weit := 0
		for _, m := range filtered.FindAllStringSubmatch(string(w.files[name]), -1) {
			if strings.HasPrefix(m[1], "weit-") {
				weit++
				if m[3] != "1" {
					t.Errorf("31 districts, %s: %s with %s advisors, want 1", name, m[1], m[3])
				}
			}
		}
		if weit != 10 {
			t.Errorf("31 districts, %s links %d of the ten weit-* districts' tables with its filter", name, weit)
		}
	}
	if page := string(w.files["de/programs/mbe/index.html"]); strings.Contains(page, `class="offices"`) || !strings.Contains(page, `/index.html#p-mbe"`) {
		t.Error("31 districts, programs/mbe/ lists offices, or links no district's MBE offices")
	}
	for name, b := range w.files {
		if !strings.HasPrefix(name, "de/advisors/") || !strings.HasSuffix(name, "index.html") || name == "de/advisors/districts/index.html" || name == "de/advisors/index.html" {
			continue
		}
		page := string(b)
		if !allDistricts.MatchString(page) {
			t.Errorf("31 districts, %s: no link to advisors/districts/", name)
		}
		// A page links its own district's set (the crumbs' page is
		// the list), no other.
		own := strings.TrimSuffix(strings.TrimPrefix(name, "de/advisors/districts/"), "/index.html")
		for id := range linkedSets(page) {
			if id != own {
				t.Errorf("31 districts, %s links the district set %s: the filter lists every district", name, id)
				break
			}
		}
	}
}

// wideExample is the example in the languages given with ten more
// districts, weit-0 … weit-9, and a provider (data/providers/weit-weg.yaml)
// with an office in each (weit-buero-i, phone "089 555-i") and an advisor
// there speaking German and Arabic (weit-berater-i): a site with more
// districts than one page lists (site.DistrictsOnOnePage).
func wideExample(t *testing.T, langs ...string) (dir string, edit func(file, old, new string)) {
	t.Helper()
	src, edit := smallExample(t)
	edit("data/site.yaml", "languages: ["+strings.Join(smallLanguages, ", ")+"]", "languages: ["+strings.Join(langs, ", ")+"]")
	var districts, provider strings.Builder
	provider.WriteString("id: weit-weg\nname: Weit weg e. V.\noffices:\n")
	var advisors strings.Builder
	for i := range 10 {
		fmt.Fprintf(&districts, "- id: weit-%d\n  number: %d\n  name: Weit %d\n  postal_codes: [\"8190%d\"]\n", i, 100+i, i, i)
		fmt.Fprintf(&provider, "  - id: weit-buero-%d\n    name: Büro Weit %d\n    address: {street: Weg %d, postal_code: \"8190%d\", city: München}\n    district: weit-%d\n    phone: \"089 555-%d\"\n", i, i, i+1, i, i, i)
		fmt.Fprintf(&advisors, "  - id: weit-berater-%d\n    name: Berater Weit %d\n    office: weit-buero-%d\n    programs: [mbe]\n    languages: [de, ar]\n", i, i, i)
	}
	appendTo(t, filepath.Join(src, "data/districts.yaml"), districts.String())
	if err := os.WriteFile(filepath.Join(src, "data/providers/weit-weg.yaml"), []byte(provider.String()+"advisors:\n"+advisors.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := 21 + 10; n <= site.DistrictsOnOnePage {
		t.Fatalf("the wide example has %d districts, not more than site.DistrictsOnOnePage", n)
	}
	return src, edit
}

// appendTo appends text to the file at path.
func appendTo(t *testing.T, path, text string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}
