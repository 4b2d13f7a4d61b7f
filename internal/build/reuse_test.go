package build

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/publish"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// TestIncrementalRebuild is the proof of serve's incremental rebuilds. A
// preview renders no page before it is asked for. After one value in one
// provider file changes, the next preview loads that file alone, keeps
// every page already rendered that did not read it (site.Reads: at least
// every page of another provider, every course page, the Markdown pages
// and the course lists), renders only the others when asked, and
// every file it serves equals a full build of the changed site byte for
// byte. A change to a course file renders only that file's course pages
// among the course pages; a change to site-wide data keeps nothing.
func TestIncrementalRebuild(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	// What is reused does not depend on the number of languages: three of
	// the example's fourteen make each of the builds below a third as long.
	src, change := smallExample(t)
	langs := smallLanguages
	ctx := context.Background()
	spill := t.TempDir() // as serve does: the rest of the files on disk
	prepare := func(prev *Preview) *Preview {
		t.Helper()
		pv, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{Spill: spill}, prev)
		if err != nil {
			t.Fatalf("prepare: %v", err)
		}
		t.Cleanup(pv.Close)
		if r := pv.Rendered(); len(r) != 0 {
			t.Errorf("%d pages rendered before anyone asked", len(r))
		}
		return pv
	}
	sameAsFull := func(pv *Preview) { t.Helper(); previewIsBuild(t, pv, src) }

	first := prepare(nil)
	sameAsFull(first)
	total := len(first.Rendered())
	// A file of the German search index as the first preview made it.
	var searchFile string
	filepath.WalkDir(filepath.Join(first.spill, "search", "de"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && searchFile == "" {
			searchFile, _ = filepath.Rel(first.spill, p)
		}
		return nil
	})
	firstSearch, err := os.Stat(filepath.Join(first.spill, searchFile))
	if searchFile == "" || err != nil {
		t.Fatalf("no German search index in %s: %v", first.spill, err)
	}
	if total != first.Pages() || first.Patched() != nil {
		t.Fatalf("first preview: %d rendered of %d pages, patched %v", total, first.Pages(), first.Patched())
	}

	// The open data files as the first preview made them.
	firstOpen := map[string]os.FileInfo{}
	for _, name := range []string{"data/hsds/de/locations.json", "data/hsds/de/service_at_locations.json", "data/hsds/ar/organizations.json"} {
		if firstOpen[name], err = os.Stat(filepath.Join(first.spill, name)); err != nil {
			t.Fatal(err)
		}
	}

	// The course finder's data as the first preview made it.
	const finder = "de/courses/finder.json"
	firstFinder, err := os.Stat(filepath.Join(first.spill, finder))
	if err != nil {
		t.Fatal(err)
	}
	// Exports of the provider file changed below (AWO) and of another.
	exports := map[string]bool{ // name → of the file that does not change
		"exports/vcard/office-caritas-mbe-pasing.vcf":      true,
		"exports/ical/office-caritas-mbe-pasing.ics":       true,
		"exports/vcard/office-awo-mbe-ludwigsvorstadt.vcf": false,
		"exports/ical/office-awo-mbe-ludwigsvorstadt.ics":  false,
	}
	firstExports := map[string]os.FileInfo{}
	for name := range exports {
		if firstExports[name], err = os.Stat(filepath.Join(first.spill, name)); err != nil {
			t.Fatal(err)
		}
	}

	// One office's phone number in one provider file.
	change("data/providers/awo-muenchen.yaml", `phone: "089 1234510-10"`, `phone: "089 1234510-99"`)
	second := prepare(first)
	if !slices.Equal(second.Patched(), []string{"data/providers/awo-muenchen.yaml"}) {
		t.Errorf("loaded again: %v, want the changed file only", second.Patched())
	}
	sameAsFull(second)
	// No search document shows the phone number: the index is the first
	// preview's (linked), not made again.
	if st, err := os.Stat(filepath.Join(second.spill, searchFile)); err != nil || !os.SameFile(firstSearch, st) {
		t.Errorf("%s was made again after a change no search document shows (%v)", searchFile, err)
	}
	// The office's share of the open data is made again, the others kept
	// (openDataKeeper): an HSDS file the phone number is not in is the
	// first preview's (linked); locations.json, which has it, is not.
	for name, was := range firstOpen {
		st, err := os.Stat(filepath.Join(second.spill, name))
		if linked := err == nil && os.SameFile(was, st); linked != !strings.HasSuffix(name, "/locations.json") {
			t.Errorf("%s: the first preview's file (linked): %v, want %v (%v)", name, linked, !linked, err)
		}
	}
	// The exports of the files that did not change are the first
	// preview's (linked), AWO's made again (exportKeeper).
	for name, unchanged := range exports {
		st, err := os.Stat(filepath.Join(second.spill, name))
		if linked := err == nil && os.SameFile(firstExports[name], st); linked != unchanged {
			t.Errorf("%s: the first preview's file (linked): %v, want %v (%v)", name, linked, unchanged, err)
		}
	}
	// The course finder reads no provider file: its data is the first
	// preview's (linked), not made again (finderKeeper).
	if st, err := os.Stat(filepath.Join(second.spill, finder)); err != nil || !os.SameFile(firstFinder, st) {
		t.Errorf("%s was made again after a change it does not read (%v)", finder, err)
	}
	rendered := second.Rendered()
	// At least the pages of one provider, offer, office, course or
	// Markdown page are kept, except AWO's, and the course lists (pages
	// that read nothing of the data, such as the open data page, are kept
	// too; that they come out right, sameAsFull shows).
	want := 0
	for _, p := range second.st.graph.Pages() {
		name := p.Path()
		if kind, id, ok := ownPage(name); ok && !(kind != "courses" && kind != "content" && kind != "course-lists" && strings.HasPrefix(id, "awo-")) && kind != "advisor-lists" {
			want++
		}
	}
	if len(rendered)+second.Kept != total || second.Kept < want {
		t.Errorf("provider change: %d rendered, %d kept of %d pages; want at least %d kept", len(rendered), second.Kept, total, want)
	}
	for _, lang := range langs {
		if p := lang + "/offices/awo-mbe-ludwigsvorstadt/index.html"; !slices.Contains(rendered, p) {
			t.Errorf("the changed office's page %s was not rendered", p)
		}
		if b, _, _ := second.File(ctx, lang+"/offices/awo-mbe-ludwigsvorstadt/index.html"); !strings.Contains(string(b), "1234510-99") {
			t.Errorf("%s does not show the new number", lang)
		}
	}
	for _, p := range rendered {
		if kind, id, ok := ownPage(p); ok && kind != "advisor-lists" && (kind == "courses" || kind == "content" || kind == "course-lists" || !strings.HasPrefix(id, "awo-")) {
			t.Errorf("%s was rendered again, though nothing it shows changed", p)
		}
	}

	// The lists drawn from every provider — a district's offices, its
	// guide to print, its advisors — read the list (a value) and the
	// files of what they show: those that show an AWO office or advisor
	// are rendered again, the others kept.
	showsAWO := map[string]bool{} // page path (without language) → shows AWO's data
	g := second.st.graph
	for _, d := range g.Dir.Districts {
		awo := false
		for _, prog := range g.Programs() {
			for _, o := range g.DistrictOffices(d.ID, prog) {
				awo = awo || o.Provider == "awo-muenchen"
			}
		}
		showsAWO["districts/"+d.ID+"/index.html"] = awo
		showsAWO["pass/"+d.ID+"/index.html"] = awo
	}
	for _, set := range g.AdvisorSets() {
		awo := false
		for _, grp := range set.Groups {
			for _, a := range grp.Advisors {
				awo = awo || a.Provider == "awo-muenchen"
			}
		}
		showsAWO[set.Key()+"index.html"] = awo
	}
	count := map[bool]int{}
	for _, lang := range langs {
		for name, awo := range showsAWO {
			if g.Lookup(lang+"/"+name) == nil {
				continue
			}
			count[awo]++
			if got := slices.Contains(rendered, lang+"/"+name); got != awo {
				t.Errorf("%s/%s: rendered again %v, want %v (shows AWO's data: %v)", lang, name, got, awo, awo)
			}
		}
	}
	if count[true] == 0 || count[false] == 0 {
		t.Errorf("lists showing AWO: %d, not showing it: %d; the example no longer tells them apart", count[true], count[false])
	}

	// An office serves one more district: that district's list shows it
	// now, though the district's pages did not read AWO's file before
	// (the list's fingerprint changed).
	if showsAWO["districts/laim/index.html"] {
		t.Fatal("Laim's page shows AWO already; pick a district it does not")
	}
	change("data/providers/awo-muenchen.yaml", "untergiesing-harlaching]", "untergiesing-harlaching, laim]")
	wider := prepare(second)
	sameAsFull(wider)
	for _, lang := range langs {
		for _, p := range []string{"districts/laim/index.html", "pass/laim/index.html"} {
			if !slices.Contains(wider.Rendered(), lang+"/"+p) {
				t.Errorf("%s/%s was kept, though AWO serves Laim now", lang, p)
			}
		}
	}

	// One course's seats in one course file.
	change("data/courses/mvhs.yaml", "    seats_free: 5\n", "    seats_free: 4\n")
	third := prepare(wider)
	sameAsFull(third)
	if st, err := os.Stat(filepath.Join(third.spill, finder)); err != nil || os.SameFile(firstFinder, st) {
		t.Errorf("%s was kept after a course changed (%v)", finder, err)
	}
	courses := map[string]int{} // course pages rendered, by the course id's first word
	for _, p := range third.Rendered() {
		if parts := strings.Split(p, "/"); len(parts) == 4 && parts[1] == "courses" && parts[3] == "index.html" {
			courses[strings.SplitN(parts[2], "-", 2)[0]]++
		}
		if kind, _, _ := ownPage(p); strings.Contains(p, "/offices/") || strings.Contains(p, "/providers/awo-") || kind == "advisor-lists" {
			t.Errorf("%s was rendered again after a course change", p)
		}
	}
	if courses["mvhs"] == 0 || len(courses) != 1 {
		t.Errorf("course pages rendered again, by provider: %v (want mvhs only)", courses)
	}

	// Site-wide data: a district's name.
	change("data/districts.yaml", "name: Altstadt-Lehel", "name: Altstadt–Lehel")
	fourth := prepare(third)
	sameAsFull(fourth)
	if fourth.Kept != 0 || fourth.Patched() != nil {
		t.Errorf("a district renamed: %d pages kept, loaded again %v; want none kept and a full load", fourth.Kept, fourth.Patched())
	}
	// The files of the previews replaced are removed from the disk (in
	// the background: wait for it).
	var entries []os.DirEntry
	for range 200 {
		if entries, _ = os.ReadDir(spill); len(entries) == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(entries) != 1 || filepath.Join(spill, entries[0].Name()) != fourth.spill {
		t.Errorf("spill directory holds %v, want the last preview's only", entries)
	}
}

// previewIsBuild asks pv for every file of a full build of src and
// compares them byte for byte.
func previewIsBuild(t *testing.T, pv *Preview, src string) {
	t.Helper()
	ctx := context.Background()
	var w memWriter
	if _, err := Build(ctx, Config{Source: os.DirFS(src), Now: testToday}, &w); err != nil {
		t.Fatalf("build: %v", err)
	}
	pages := 0
	for name, want := range w.files {
		if name == ManifestName || name == StampName || name == FinderManifestName { // for the next build only: serve has none, or its own
			continue
		}
		got, ok, err := pv.File(ctx, name)
		if err != nil || !ok || !bytes.Equal(got, want) {
			t.Errorf("%s differs from a full build (found: %v, err: %v)", name, ok, err)
		}
		if pv.IsPage(name) {
			pages++
		}
	}
	if pages != pv.Pages() {
		t.Errorf("the preview has %d pages, a full build %d", pv.Pages(), pages)
	}
}

// allLanguages and smallLanguages are the example's interface languages as
// site.yaml lists them, and the three of them (German, English, the
// right-to-left Arabic) that tests of what a build does use.
const allLanguages = "languages: [de, en, ar, tr, ru, uk, fa, fr, prs, ps, kmr, ckb, ti, so]"

var smallLanguages = []string{"de", "en", "ar"}

// smallExample copies the example's data/ and content/ to a temporary
// directory with the interface languages cut to smallLanguages, and
// returns it with a function that replaces the first occurrence of old
// in one of its files with new.
func smallExample(t *testing.T) (dir string, edit func(file, old, new string)) {
	t.Helper()
	dir = t.TempDir()
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}
	edit = func(file, old, new string) {
		t.Helper()
		path := filepath.Join(dir, file)
		b, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s has no %q (%v)", file, old, err)
		}
		if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("data/site.yaml", allLanguages, "languages: ["+strings.Join(smallLanguages, ", ")+"]")
	return dir, edit
}

// ownPage tells from its path whether a page of the example shows one
// thing: a provider, office, offer, course or Markdown page (kind), and
// which (id); or is a list of courses ("course-lists") or of advisors
// ("advisor-lists"), which depend on the files of their kind only.
func ownPage(path string) (kind, id string, ok bool) {
	parts := strings.Split(path, "/")
	switch {
	case len(parts) >= 3 && parts[1] == "courses" && (len(parts) == 3 || len(parts) == 5):
		return "course-lists", "", true
	case len(parts) >= 3 && parts[1] == "advisors":
		return "advisor-lists", "", true
	case len(parts) == 4 && parts[3] == "index.html" && slices.Contains([]string{"providers", "offices", "offers", "courses"}, parts[1]):
		return parts[1], parts[2], parts[2] != "types" && parts[2] != "districts" && parts[2] != "months" && parts[2] != "times"
	case len(parts) == 5 && parts[1] == "offices" && parts[3] == "flyer" && parts[4] == "index.html":
		return "offices", parts[2], true // an office's flyer shows only its provider's data
	case len(parts) == 3 && parts[2] == "index.html" && slices.Contains([]string{"ueber-uns", "mbe-jmd", "integrationskurs"}, parts[1]):
		return "content", parts[1], true
	}
	return "", "", false
}

// TestPreviewEarlyHeaders: until the background files are made, a
// preview answers with headers from the pages and assets alone; for those
// they must equal the headers of the finished build (the example has the
// web editor, so every top-level name has its own rule).
func TestPreviewEarlyHeaders(t *testing.T) {
	ctx := context.Background()
	pv, err := Prepare(ctx, Config{Source: os.DirFS(filepath.Join("..", "..")), Now: testToday}, PreviewOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	early := pv.early
	if _, err := pv.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range pv.st.graph.Pages() {
		u := "/" + strings.TrimSuffix(p.Path(), "index.html")
		if got, want := early.For(u), pv.headers.For(u); !slices.Equal(got, want) {
			t.Fatalf("%s: early headers %v, finished %v", u, got, want)
		}
	}
	for name := range pv.assets {
		if got, want := early.For("/"+name), pv.headers.For("/"+name); !slices.Equal(got, want) {
			t.Fatalf("/%s: early headers %v, finished %v", name, got, want)
		}
	}
}

// TestCustomThemeReads: a site's own office template lists the courses,
// which the default theme's office page does not read. After a change to
// a course file, serve must show every office page with the new data —
// what a page read is recorded as its templates run, not looked up in a
// table of the default theme — and still keeps the pages that read no
// course (the providers' pages).
func TestCustomThemeReads(t *testing.T) {
	t.Parallel()
	src, edit := smallExample(t)
	tpl := filepath.Join(src, "themes", "default", "templates")
	if err := os.MkdirAll(tpl, 0o755); err != nil {
		t.Fatal(err)
	}
	office := `{{define "title"}}{{.Plain .Data.Name}}{{end}}
{{define "main"}}<h1>{{.Plain .Data.Name}}</h1>
<ul>{{range .Site.Courses}}<li>{{.ID}}: {{with .SeatsFree}}{{.}}{{end}}</li>{{end}}</ul>{{end}}
`
	if err := os.WriteFile(filepath.Join(tpl, "office.html"), []byte(office), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const page = "de/offices/caritas-mbe-maxvorstadt/index.html"
	prepare := func(prev *Preview) *Preview {
		t.Helper()
		pv, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{}, prev)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pv.Close)
		return pv
	}
	// The German office and provider pages, rendered by the first preview.
	var offices, providers []string
	first := prepare(nil)
	for _, p := range first.st.graph.Pages() {
		switch kind, _, _ := ownPage(p.Path()); {
		case p.Lang != "de":
		case p.Kind == "office":
			offices = append(offices, p.Path())
		case kind == "providers":
			providers = append(providers, p.Path())
		}
	}
	if len(offices) == 0 || len(providers) == 0 {
		t.Fatalf("%d office pages, %d provider pages", len(offices), len(providers))
	}
	for _, name := range append(slices.Clone(offices), providers...) {
		if _, ok, err := first.File(ctx, name); !ok || err != nil {
			t.Fatalf("%s: %v %v", name, ok, err)
		}
	}
	if b, _, _ := first.File(ctx, page); !strings.Contains(string(b), "mvhs-general-2026-001: 5<") {
		t.Fatalf("the custom office page does not list the course's 5 places:\n%s", b)
	}
	edit("data/courses/mvhs.yaml", "    seats_free: 5\n", "    seats_free: 4\n")
	second := prepare(first)
	for _, name := range append(slices.Clone(offices), providers...) {
		second.File(ctx, name)
	}
	if b, _, _ := second.File(ctx, page); !strings.Contains(string(b), "mvhs-general-2026-001: 4<") {
		t.Errorf("after the course change the office page still shows the old places (kept %d pages)", second.Kept)
	}
	rendered := map[string]bool{}
	for _, p := range second.Rendered() {
		rendered[p] = true
	}
	for _, name := range offices {
		if !rendered[name] {
			t.Errorf("%s lists the courses but was kept after a course change", name)
		}
	}
	for _, name := range providers {
		if rendered[name] {
			t.Errorf("%s reads no course but was rendered again", name)
		}
	}
}

// TestCustomThemeListReads: a site's own templates that read more of an
// advisor list than the default theme — a set's page showing the phone
// numbers without looking up the office, a district page showing every
// program set's advisors (AdvisorSetsBy, then Groups) — show a changed
// advisor's number in serve: reading a set's members records them.
func TestCustomThemeListReads(t *testing.T) {
	t.Parallel()
	src, edit := smallExample(t)
	tpl := filepath.Join(src, "themes", "default", "templates")
	if err := os.MkdirAll(tpl, 0o755); err != nil {
		t.Fatal(err)
	}
	templates := map[string]string{
		"advisorset.html": `{{define "title"}}{{.AdvisorSetName .Data}}{{end}}
{{define "main"}}<ul>{{range .Data.Groups}}{{range .Advisors}}<li>{{.Phone}}</li>{{end}}{{end}}</ul>{{end}}
`,
		"district.html": `{{define "title"}}{{.Plain .Data.Name}}{{end}}
{{define "main"}}<ul>{{range .Site.AdvisorSetsBy "program"}}{{range .Groups}}{{range .Advisors}}<li>{{.Phone}}</li>{{end}}{{end}}{{end}}</ul>{{end}}
`,
	}
	for name, text := range templates {
		if err := os.WriteFile(filepath.Join(tpl, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	pages := []string{"de/advisors/districts/ludwigsvorstadt-isarvorstadt/index.html", "de/advisors/programs/mbe/index.html", "de/districts/laim/index.html"}
	prepare := func(prev *Preview, number string, pages ...string) *Preview {
		t.Helper()
		pv, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{}, prev)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pv.Close)
		for _, name := range pages {
			if b, ok, err := pv.File(ctx, name); !ok || err != nil || !strings.Contains(string(b), number) {
				t.Errorf("%s does not show %s (found %v, %v; kept %d pages)", name, number, ok, err, pv.Kept)
			}
		}
		return pv
	}
	first := prepare(nil, "089 1234510-101", pages...)
	edit("data/providers/awo-muenchen.yaml", `phone: "089 1234510-101"`, `phone: "089 1234510-199"`)
	second := prepare(first, "089 1234510-199", pages...)
	// She speaks Tigrinya now, which no one at AWO did: the Tigrinya set,
	// which read no file of AWO's, has one more member (a value).
	const ti = "de/advisors/languages/ti/index.html"
	if b, ok, _ := second.File(ctx, ti); !ok || strings.Contains(string(b), "1234510-199") {
		t.Fatalf("%s: found %v, or shows the AWO advisor already", ti, ok)
	}
	edit("data/providers/awo-muenchen.yaml", "languages: [de, ar, en]", "languages: [de, ar, en, ti]")
	prepare(second, "089 1234510-199", ti)
}

// TestBuildKeepsPages: a build keeps the pages of the previous build's
// output that read nothing that changed, and its output is byte for byte
// the output of a build that renders every page (RenderAll) — pages,
// feeds, search, the manifest for the next build, everything. A page of
// the previous output changed by hand is rendered again (its hash no
// longer matches the manifest); a damaged manifest keeps nothing.
func TestBuildKeepsPages(t *testing.T) {
	t.Parallel()
	src, edit := smallExample(t)
	// What is kept does not depend on the language: German alone (and
	// Leichte Sprache) makes the four builds below short.
	edit("data/site.yaml", "languages: ["+strings.Join(smallLanguages, ", ")+"]", "languages: [de]")
	ctx := context.Background()
	build := func(prev map[string][]byte, all bool) (*Result, map[string][]byte) {
		t.Helper()
		cfg := Config{Source: os.DirFS(src), Now: testToday, RenderAll: all}
		if prev != nil {
			m := fstest.MapFS{}
			for name, b := range prev {
				m[name] = &fstest.MapFile{Data: b}
			}
			cfg.Previous = m
		}
		var w memWriter
		res, err := Build(ctx, cfg, &w)
		if err != nil {
			t.Fatal(err)
		}
		return res, w.files
	}
	_, first := build(nil, false)
	if _, ok := first[ManifestName]; !ok {
		t.Fatalf("no %s in the output", ManifestName)
	}

	// One office's phone number in one provider file, and a kept page
	// changed by hand in the previous output.
	edit("data/providers/awo-muenchen.yaml", `phone: "089 1234510-10"`, `phone: "089 1234510-99"`)
	const touched = "de/offices/caritas-mbe-maxvorstadt/index.html"
	prev := maps.Clone(first)
	prev[touched] = append(slices.Clone(prev[touched]), "<!-- by hand -->"...)
	kept, got := build(prev, false)
	all, want := build(prev, true)
	if all.Kept != 0 {
		t.Errorf("RenderAll kept %d pages", all.Kept)
	}
	pages := 0
	for _, n := range kept.Pages {
		pages += n
	}
	if kept.Kept == 0 || kept.Kept >= pages-1 {
		t.Errorf("kept %d of %d pages; want most but not the changed provider's", kept.Kept, pages)
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs between a build keeping pages and one rendering all", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files kept, %d rendering all", len(got), len(want))
	}
	if !strings.Contains(string(got["de/offices/awo-mbe-ludwigsvorstadt/index.html"]), "1234510-99") {
		t.Error("the changed office's page does not show the new number")
	}

	// A damaged manifest: nothing kept, the same output.
	prev[ManifestName] = []byte("not gzip")
	damaged, again := build(prev, false)
	if damaged.Kept != 0 {
		t.Errorf("kept %d pages with a damaged manifest", damaged.Kept)
	}
	if !maps.EqualFunc(again, want, bytes.Equal) {
		t.Error("with a damaged manifest the output differs")
	}

	// The manifest holds each record of what pages read once: fewer
	// records than pages by far. Read and written again, it keeps pages.
	// (One that refers to a record it does not have, as one of an older
	// program would, is refused: TestManifestFormat.)
	m, err := decodeManifest(bytes.NewReader(got[ManifestName]))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Reads) == 0 || len(m.Reads)*2 > len(m.Pages) {
		t.Errorf("the manifest has %d records of reads for %d pages, want a few shared ones", len(m.Reads), len(m.Pages))
	}
	b, err := encodeManifest(m.Inputs, m.Pages)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, got[ManifestName]) {
		t.Error("the manifest read and written again differs")
	}
	// Taken as it is, with the first output (whose pages but the changed
	// provider's are the same), it keeps pages.
	prev = maps.Clone(first)
	prev[ManifestName] = b
	if same, _ := build(prev, false); same.Kept < pages/2 {
		t.Fatalf("kept %d of %d pages with the manifest decoded and encoded again", same.Kept, pages)
	}
}

// TestManifestFormat: a manifest reads back as written, more pages than
// one gzip member holds and paths with spaces, line breaks, quotes and
// bytes not UTF-8 among them, and the same pages give the same bytes; a
// damaged one, or one of another format, is refused (the build then
// keeps nothing, see TestBuildKeepsPages).
func TestManifestFormat(t *testing.T) {
	t.Parallel()
	reads := []*site.Reads{{Everything: true}, {Files: map[string]bool{site.ProviderFile("awo"): true}, Values: map[string]string{"v": "1"}}}
	in := &inputs{Global: sum{1}, Files: map[string]sum{"provider:awo": {2}}}
	pages := map[string]*pageRecord{}
	odd := []string{"de/a b/index.html", "de/zeile\numbruch.html", `"quoted".html`, "de/\xff\xfe.html", "de/\r.html", "ar/دليل/index.html"}
	for i := range 2*manifestChunk + 5 {
		// Equal records, some shared and some not, are written once.
		r := reads[i%2]
		if i%3 == 0 {
			r = &site.Reads{Everything: true}
		}
		pages[fmt.Sprintf("de/offers/o-%05d/index.html", i)] = &pageRecord{SHA256: sha256.Sum256([]byte{byte(i), byte(i >> 8)}), Size: int64(i), Reads: r}
	}
	for i, name := range odd {
		pages[name] = &pageRecord{SHA256: sum{byte(i)}, Size: 1 << 40, Reads: reads[0]}
	}
	b, err := encodeManifest(in, pages)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := encodeManifest(in, pages)
	if !bytes.Equal(b, again) {
		t.Error("the same manifest encoded twice differs")
	}
	got, err := decodeManifest(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Inputs, in) {
		t.Errorf("inputs read back differ:\n%+v\nwant %+v", got.Inputs, in)
	}
	if len(got.Reads) != 2 {
		t.Errorf("%d records of reads written, want the 2 different ones", len(got.Reads))
	}
	if len(got.Pages) != len(pages) || got.Count != len(pages) {
		t.Errorf("%d pages read back, %d counted, %d written", len(got.Pages), got.Count, len(pages))
	}
	for name, want := range pages {
		rec := got.Pages[name]
		if rec == nil || rec.SHA256 != want.SHA256 || rec.Size != want.Size || rec.Read != want.Read || !reflect.DeepEqual(rec.Reads, want.Reads) {
			t.Errorf("page %q read back as %+v, written %+v", name, rec, want)
		}
	}

	text := func(b []byte) string {
		z, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		all, err := io.ReadAll(z)
		if err != nil {
			t.Fatal(err)
		}
		return string(all)
	}
	plain := text(b)
	if got.Pages["de/offers/o-00002/index.html"].Read != 0 {
		t.Fatal("the record of reads of the first page, shared, is not the first")
	}
	line := fmt.Sprintf("%x 2 0 de/offers/o-00002/index.html\n", sha256.Sum256([]byte{2, 0}))
	if !strings.Contains(plain, "\n"+line) {
		t.Fatalf("no line %q in the manifest", line)
	}
	for _, tc := range []struct{ name, text string }{
		{"another format", strings.Replace(plain, manifestMagic, "wegweiser pages 2\n", 1)},
		{"no inputs", strings.Replace(plain, `"inputs":{`, `"x":{`, 1)},
		{"a record of reads it does not have", strings.Replace(plain, line, strings.Replace(line, " 2 0 ", " 2 2 ", 1), 1)},
		{"a negative record", strings.Replace(plain, line, strings.Replace(line, " 2 0 ", " 2 -1 ", 1), 1)},
		{"a negative size", strings.Replace(plain, line, strings.Replace(line, " 2 0 ", " -2 0 ", 1), 1)},
		{"a short hash", strings.Replace(plain, line, line[2:], 1)},
		{"no path", strings.Replace(plain, line, strings.TrimSuffix(line, "de/offers/o-00002/index.html\n")+"\n", 1)},
		{"a bad quoted path", strings.Replace(plain, line, strings.Replace(line, "de/offers", `"de/offers`, 1), 1)},
		{"the last line cut", plain[:len(plain)-1]},
	} {
		var buf bytes.Buffer
		z := gzip.NewWriter(&buf)
		z.Write([]byte(tc.text))
		z.Close()
		if _, err := decodeManifest(&buf); err == nil {
			t.Errorf("%s: read without error", tc.name)
		}
	}
	if _, err := decodeManifest(bytes.NewReader(b[:len(b)/2])); err == nil {
		t.Error("half a manifest read without error")
	}
}

// TestKeptPagesLinked: built into a folder as wegweiser build does
// (publish.Dir), a page kept from the previous output is that output's file
// linked into the new one, not written again; one that is a symbolic link
// there is written, not linked; a page of the previous output changed by
// hand is rendered again. A search index whose documents did not change
// (a phone number changed) is kept the same way; after a change it shows
// (an office's name), it is made again. Each time the output is byte for
// byte that of a build rendering every page from the same previous output.
// Built as wegweiser build does (publish.KeepSpare), from the second
// rebuild on each fills the output replaced before it (the spare), whose
// pages, changed and hand-edited ones among them, must not leak into it.
func TestKeptPagesLinked(t *testing.T) {
	t.Parallel()
	src, edit := smallExample(t)
	edit("data/site.yaml", "languages: ["+strings.Join(smallLanguages, ", ")+"]", "languages: [de]")
	ctx := context.Background()
	build := func(out string, all bool) *Result {
		t.Helper()
		var res *Result
		err := publish.Publish(ctx, out, publish.KeepSpare, func(d *publish.Dir) error {
			var err error
			res, err = Build(ctx, Config{Source: os.DirFS(src), Now: testToday, RenderAll: all, Previous: d.Previous()}, d)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stat := func(name string) os.FileInfo {
		t.Helper()
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// rebuild builds out again, keeping what it can, and a copy of out
	// rendering all, and compares them.
	rebuild := func(out string) {
		t.Helper()
		all := filepath.Join(t.TempDir(), "all")
		if err := os.CopyFS(all, os.DirFS(out)); err != nil { // the same previous output (the feeds compare with it)
			t.Fatal(err)
		}
		if res := build(out, false); res.Kept == 0 {
			t.Fatal("no page kept")
		}
		build(all, true)
		got, want := readTree(t, out), readTree(t, all)
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("%s differs between a build keeping pages and one rendering all", name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d files kept, %d rendering all", len(got), len(want))
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	build(out, false)
	const kept, byHand, viaLink = "de/offices/caritas-mbe-pasing/index.html", "de/index.html", "de/offices/caritas-mbe-maxvorstadt/index.html"
	const index, finder = "search/de/meta.json", "de/courses/finder.json"
	const vcard, awoVCard = "exports/vcard/office-caritas-mbe-pasing.vcf", "exports/vcard/office-awo-mbe-ludwigsvorstadt.vcf"
	keptBefore, indexBefore, finderBefore := stat(filepath.Join(out, kept)), stat(filepath.Join(out, index)), stat(filepath.Join(out, finder))
	vcardBefore, awoBefore := stat(filepath.Join(out, vcard)), stat(filepath.Join(out, awoVCard))
	// A kept page that is a symbolic link in the previous output (to a
	// file of the same content) is not linked: it is written.
	elsewhere := filepath.Join(t.TempDir(), "page.html")
	if b, err := os.ReadFile(filepath.Join(out, viaLink)); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(elsewhere, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, viaLink)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(out, viaLink)); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(out, byHand), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("<!-- by hand -->")
	f.Close()
	// Kept pages are checked by size and time (sameFile): a page changed
	// by hand to the same size is read (its time is after the manifest's);
	// one changed in size is rendered again even with its old time.
	sameSize, oldTime := "de/districts/index.html", "de/topics/index.html"
	handEdit(t, filepath.Join(out, sameSize), "<!doctype html>", "<!DOCTYPE html>", false)
	handEdit(t, filepath.Join(out, oldTime), "<!doctype html>", "<!doctype html><!-- by hand -->", true)

	edit("data/providers/awo-muenchen.yaml", `phone: "089 1234510-10"`, `phone: "089 1234510-99"`)
	rebuild(out)
	if !os.SameFile(keptBefore, stat(filepath.Join(out, kept))) {
		t.Errorf("%s was written again, not kept", kept)
	}
	if st, err := os.Lstat(filepath.Join(out, viaLink)); err != nil || !st.Mode().IsRegular() {
		t.Errorf("%s: %v, %v; want a regular file", viaLink, st, err)
	}
	if !os.SameFile(indexBefore, stat(filepath.Join(out, index))) {
		t.Errorf("%s was made again after a change no search document shows", index)
	}
	if !os.SameFile(finderBefore, stat(filepath.Join(out, finder))) {
		t.Errorf("%s was made again after a change the course finder does not read", finder)
	}
	if !os.SameFile(vcardBefore, stat(filepath.Join(out, vcard))) {
		t.Errorf("%s was made again after another provider's file changed", vcard)
	}
	if os.SameFile(awoBefore, stat(filepath.Join(out, awoVCard))) {
		t.Errorf("%s was kept after its provider's file changed", awoVCard)
	}

	// The kept index's files are checked as pages are: one changed by
	// hand to the same size (its time after the manifest's), or to another
	// size with its old time, and the index is made again.
	phone := []string{`phone: "089 1234510-99"`, `phone: "089 1234510-10"`, `phone: "089 1234510-99"`}
	for i, keepTime := range []bool{false, true} {
		new := `"Format":`
		if keepTime {
			new = `"format": `
		}
		handEdit(t, filepath.Join(out, index), `"format":`, new, keepTime)
		edit("data/providers/awo-muenchen.yaml", phone[i], phone[i+1]) // a change no search document shows
		rebuild(out)                                                   // fails if the edited file was kept
	}

	indexBefore = stat(filepath.Join(out, index))
	edit("data/providers/awo-muenchen.yaml", "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord")
	rebuild(out)
	if os.SameFile(indexBefore, stat(filepath.Join(out, index))) {
		t.Errorf("%s was kept after an office's name changed", index)
	}

	// A course's free seats: the course finder's data is made again.
	finderBefore = stat(filepath.Join(out, finder))
	edit("data/courses/mvhs.yaml", "    seats_free: 5\n", "    seats_free: 4\n")
	rebuild(out)
	if os.SameFile(finderBefore, stat(filepath.Join(out, finder))) {
		t.Errorf("%s was kept after a course changed", finder)
	}
}

// handEdit replaces old by new in the file name, as a person would; with
// keepTime the file keeps its modification time.
func handEdit(t *testing.T, name, old, new string, keepTime bool) {
	t.Helper()
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil || !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s: %v, or no %q in it", name, err, old)
	}
	if err := os.WriteFile(name, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if keepTime {
		if err := os.Chtimes(name, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSameFile: a kept page is checked by its size and modification time
// against the manifest's (the previous build's) time, without reading it;
// a page of another size differs; one modified at or after that time, or
// of a size not recorded, is read and compared by its SHA-256.
func TestSameFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := []byte("<!doctype html><title>Seite</title>")
	write := func(name string, b []byte, mod time.Time) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(filepath.Join(dir, name), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	before, after := since.Add(-time.Hour), since.Add(time.Minute)
	changed := bytes.Replace(page, []byte("Seite"), []byte("SEITE"), 1) // the same size
	write("old.html", page, before)
	write("old-changed.html", changed, before) // changed by hand, time set back: taken as it is
	write("new.html", page, after)
	write("new-changed.html", changed, after)
	write("same-tick.html", changed, since)
	write("longer.html", append(slices.Clone(page), '\n'), before)
	if err := os.Symlink("old.html", filepath.Join(dir, "link.html")); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(page)
	for _, tc := range []struct {
		name  string
		size  int64
		since time.Time
		same  bool
		read  bool // the file is read
	}{
		{"old.html", int64(len(page)), since, true, false},
		{"old-changed.html", int64(len(page)), since, true, false},
		{"old-changed.html", 0, since, false, true},                      // size not recorded
		{"old-changed.html", int64(len(page)), time.Time{}, false, true}, // time not known
		{"new.html", int64(len(page)), since, true, true},
		{"new-changed.html", int64(len(page)), since, false, true},
		{"same-tick.html", int64(len(page)), since, false, true},
		{"longer.html", int64(len(page)), since, false, false},
		{"link.html", int64(len(page)), since, false, false},
		{"missing.html", int64(len(page)), since, false, false},
	} {
		fsys := &openCounter{FS: os.DirFS(dir)}
		// Looked at as a kept file is, once linked (publish.LinkIntact:
		// not followed if a symbolic link; a missing file is not linked).
		fi, err := fs.Lstat(fsys, tc.name)
		got := err == nil && sameContent(fi, func() (io.ReadCloser, error) { return fsys.Open(tc.name) }, want, tc.size, tc.since, make([]byte, 16))
		if got != tc.same {
			t.Errorf("sameContent(%s, size %d, since %v) = %v, want %v", tc.name, tc.size, tc.since, got, tc.same)
		}
		if read := fsys.opened > 0; read != tc.read {
			t.Errorf("sameContent(%s, size %d, since %v): read %v, want %v", tc.name, tc.size, tc.since, read, tc.read)
		}
	}
}

// openCounter counts the files opened through it (Lstat opens none).
type openCounter struct {
	fs.FS
	opened int
}

func (c *openCounter) Open(name string) (fs.File, error) {
	c.opened++
	return c.FS.Open(name)
}

func (c *openCounter) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(c.FS, name) }

func (c *openCounter) ReadLink(name string) (string, error) { return fs.ReadLink(c.FS, name) }

// readTree reads every file below dir, by slash-separated name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		files[name], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRebuildKeepsTheme checks that a serve rebuild keeps the interface
// strings and parsed templates of the preview before only while the
// theme and i18n/ are the same: after a data change it keeps them, after
// a change to a template of the site's own theme or to its interface
// strings it makes them again; and every file served equals a full build
// each time.
func TestRebuildKeepsTheme(t *testing.T) {
	t.Parallel()
	src, change := smallExample(t)
	ctx := context.Background()
	prepare := func(prev *Preview) *Preview {
		t.Helper()
		pv, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{}, prev)
		if err != nil {
			t.Fatalf("prepare: %v", err)
		}
		t.Cleanup(pv.Close)
		// The office page rendered first, as a person looking at it would:
		// its templates are then escaped.
		if _, ok, err := pv.File(ctx, "de/offices/caritas-mbe-maxvorstadt/index.html"); !ok || err != nil {
			t.Fatalf("office page: %v, %v", ok, err)
		}
		return pv
	}
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	office, err := fs.ReadFile(themes.Default(), "templates/office.html")
	if err != nil {
		t.Fatal(err)
	}
	pv := prepare(nil)
	steps := []struct {
		what string
		edit func()
		kept bool
	}{
		{"a phone number changed", func() { change("data/providers/caritas-muenchen.yaml", `"089 1234520-0"`, `"089 1234520-9"`) }, true},
		{"the site's own office template", func() {
			write("themes/default/templates/office.html", strings.Replace(string(office), "{{define \"main\"}}", "{{define \"main\"}}<p>own template</p>", 1))
		}, false},
		{"nothing", func() {}, true},
		{"the site's own German strings", func() { write("i18n/de.yaml", "phone: Rufnummer\n") }, false},
		{"another phone number", func() { change("data/providers/caritas-muenchen.yaml", `"089 1234520-9"`, `"089 1234520-8"`) }, true},
	}
	for _, step := range steps {
		step.edit()
		pv = prepare(pv)
		if pv.ThemeKept() != step.kept {
			t.Errorf("after %s: theme kept %v, want %v", step.what, pv.ThemeKept(), step.kept)
		}
		previewIsBuild(t, pv, src)
	}
	b, _, _ := pv.File(ctx, "de/offices/caritas-mbe-maxvorstadt/index.html")
	if !strings.Contains(string(b), "<p>own template</p>") || !strings.Contains(string(b), "Rufnummer") {
		t.Errorf("the office page does not show the site's own template and strings")
	}
}

// BenchmarkManifest measures writing and reading the page manifest of a
// national build: 368,000 pages, 18,000 records of what they read:
//
//	go test -run '^$' -bench Manifest -benchmem ./internal/build
func BenchmarkManifest(b *testing.B) {
	in := &inputs{Files: map[string]sum{}}
	reads := make([]*site.Reads, 18000)
	for i := range reads {
		in.Files[site.ProviderFile(fmt.Sprintf("traeger-%04d", i%700))] = sha256.Sum256([]byte{byte(i)})
		reads[i] = &site.Reads{
			Files:  map[string]bool{site.ProviderFile(fmt.Sprintf("traeger-%04d", i%700)): true},
			Values: map[string]string{fmt.Sprintf("advisor-set:district/bezirk-%05d", i): fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i), 1}))},
		}
	}
	langs := []string{"ar", "de", "en", "fa", "fr", "ru", "tr", "uk"}
	pages := map[string]*pageRecord{}
	for i := range 368000 {
		name := fmt.Sprintf("%s/offers/angebot-%06d/index.html", langs[i%len(langs)], i/len(langs))
		pages[name] = &pageRecord{SHA256: sha256.Sum256([]byte(name)), Size: int64(5000 + i%3000), Reads: reads[i%len(reads)]}
	}
	enc, err := encodeManifest(in, pages)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeManifest(in, pages); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(enc))/1e6, "MB")
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeManifest(bytes.NewReader(enc)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
