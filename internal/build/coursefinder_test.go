package build

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/render"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// courseLink finds the course ids of links to course pages.
var courseLink = regexp.MustCompile(`href="[^"]*courses/([a-z0-9-]+)/(?:index\.html)?"`)

// TestCourseFinder runs the course finder's script in Chromium over every
// combination of its choices on the example (type × district × with or
// without neighbours × time × month × the four checkboxes) and compares
// each result with site.FindCourses, the rule the pre-built pages use;
// then checks that the pre-built lists (a district with its neighbours,
// by type) hold the same courses as the script for that choice, and that
// the form reads its choice from the address and writes it back. The
// pre-built lists' sub-lists (with childcare, in the evening) are checked
// against site.FindCourses.
func TestCourseFinder(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	files := buildExample(t, "")
	srv := serveFiles(t, files)
	st := siteOf(t, "../..")
	d := st.Dir
	type shown struct {
		Hrefs   []string
		Status  string
		Query   string
		Options map[string][][3]any
	}
	var got []struct {
		Opened, Checked shown
		All             struct {
			Values  map[string][]string
			IDs     []string
			Results []string
		}
		Errors []string
	}
	runBrowser(t, node, chromium, dir, &got, "courses", srv.URL, "/ar/courses/", "?type=general&district=maxvorstadt")
	if len(got) != 1 {
		t.Fatalf("results: %v", got)
	}
	r := got[0]
	if len(r.Errors) > 0 {
		t.Errorf("script errors: %v", r.Errors)
	}
	index := map[string]int{}
	for i, c := range st.Courses() {
		index[c.ID] = i
	}
	if !slices.Equal(r.All.IDs, ids(st.Courses())) {
		t.Fatalf("finder.json courses %v, want %v", r.All.IDs, ids(st.Courses()))
	}
	// The form offers every value there is.
	var types []string
	for _, s := range st.CourseSetsBy("type") {
		types = append(types, s.Value)
	}
	var districts []string
	for _, dd := range d.Districts {
		districts = append(districts, dd.ID)
	}
	want := map[string][]string{"type": types, "district": districts, "time": {"morning", "afternoon", "evening"}, "month": st.CourseMonths()}
	for n, vs := range want {
		got := slices.Clone(r.All.Values[n][1:])
		slices.Sort(got)
		vs = slices.Clone(vs)
		slices.Sort(vs)
		if r.All.Values[n][0] != "" || !slices.Equal(got, vs) {
			t.Errorf("%s choices %v, want \"\" and %v", n, r.All.Values[n], vs)
		}
	}
	// Every combination: the script keeps what site.FindCourses keeps.
	i, bad := 0, 0
	v := r.All.Values
	for _, typ := range v["type"] {
		for _, dist := range v["district"] {
			for _, near := range []bool{false, true} {
				for _, tm := range v["time"] {
					for _, month := range v["month"] {
						for m := range 16 {
							f := site.CourseFilter{Type: typ, District: dist, Near: near, Time: tm, Month: month,
								Childcare: m&1 != 0, WomenOnly: m&2 != 0, Literacy: m&4 != 0, FreeSeats: m&8 != 0}
							var w []string
							for _, c := range st.FindCourses(f) {
								w = append(w, fmt.Sprint(index[c.ID]))
							}
							if i >= len(r.All.Results) {
								t.Fatalf("%d results, want more", len(r.All.Results))
							}
							if g := r.All.Results[i]; g != strings.Join(w, ",") {
								if bad++; bad <= 10 {
									t.Errorf("%+v: script keeps [%s], want [%s]", f, g, strings.Join(w, ","))
								}
							}
							i++
						}
					}
				}
			}
		}
	}
	if i != len(r.All.Results) || i < 10000 {
		t.Errorf("%d combinations compared, the script gave %d", i, len(r.All.Results))
	}
	// The pre-built lists: a district with its neighbours, by type
	// (#type-general), and the sub-lists with childcare and in the evening.
	sections := 0
	for _, dist := range districts {
		page := string(files["ar/courses/districts/"+dist+"/index.html"])
		want := map[string]site.CourseFilter{
			"childcare": {District: dist, Near: true, Childcare: true},
			"evening":   {District: dist, Near: true, Time: "evening"},
		}
		for _, typ := range types {
			want["type-"+typ] = site.CourseFilter{Type: typ, District: dist, Near: true}
		}
		for id, f := range want {
			wantIDs := ids(st.FindCourses(f))
			gotIDs, ok := sectionCourses(page, id)
			if ok {
				sections++
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("courses/districts/%s/#%s lists %v, the finder %v", dist, id, gotIDs, wantIDs)
			}
		}
	}
	if sections < 30 {
		t.Errorf("only %d pre-built lists compared", sections)
	}
	// The choice in the address is the form's, and back.
	opened := ids(st.FindCourses(site.CourseFilter{Type: "general", District: "maxvorstadt", Near: true}))
	checked := ids(st.FindCourses(site.CourseFilter{Type: "general", District: "maxvorstadt", Near: true, Childcare: true}))
	if g := hrefIDs(r.Opened.Hrefs); !slices.Equal(g, opened) || len(opened) == 0 {
		t.Errorf("opened with a query: shows %v, want %v", g, opened)
	}
	if g := hrefIDs(r.Checked.Hrefs); !slices.Equal(g, checked) || len(checked) == len(opened) {
		t.Errorf("with childcare: shows %v, want %v (fewer than %v)", g, checked, opened)
	}
	if !strings.Contains(r.Checked.Query, "childcare=1") || !strings.Contains(r.Checked.Query, "district=maxvorstadt") {
		t.Errorf("address after choosing childcare: %q", r.Checked.Query)
	}
	// Each choice shows how many courses it would leave.
	for _, o := range r.Opened.Options["district"] {
		if o[0] == "maxvorstadt" {
			n := len(st.FindCourses(site.CourseFilter{Type: "general", District: "maxvorstadt", Near: true}))
			if o[2] != true || !strings.HasSuffix(o[1].(string), fmt.Sprintf("(%d)", n)) {
				t.Errorf("district choice %v, want selected and ending in (%d)", o, n)
			}
		}
	}
}

// sectionCourses returns the ids of the courses a page's section (by the
// id of its heading) links to, and whether the page has the section.
func sectionCourses(page, id string) (out []string, ok bool) {
	_, sec, ok := strings.Cut(page, `<section aria-labelledby="`+id+`">`)
	if !ok {
		return nil, false
	}
	sec, _, _ = strings.Cut(sec, "</section>")
	for _, m := range courseLink.FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	return out, true
}

func ids(cs []*model.Course) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func hrefIDs(hrefs []string) []string {
	var out []string
	for _, h := range hrefs {
		if m := courseLink.FindStringSubmatch(`href="` + h + `"`); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// TestCourseFinderByDistrict: on a site with more districts than its lists
// take (the example with ten more), the course finder's data comes per
// district, and the finder in Chromium, opened with a district, shows
// what site.FindCourses keeps (with and without neighbours, with other
// choices); before a district is chosen it asks for one. A course type's
// page lists the districts, each with as many courses of the type as its
// list's section links; there are no lists of a month's or a time of
// day's courses in the whole country.
func TestCourseFinderByDistrict(t *testing.T) {
	t.Parallel()
	chromium, node, dir := browserTools(t)
	src, _ := wideExample(t, "de", "ar")
	var w memWriter
	if _, err := Build(context.Background(), Config{Source: os.DirFS(src), Now: testToday}, &w); err != nil {
		t.Fatal(err)
	}
	st := siteOf(t, src)
	d := st.Dir
	if !st.ByDistrict() {
		t.Fatal("the wide example does not go by district")
	}
	if _, ok := w.files["ar/courses/finder.json"]; ok {
		t.Error("ar/courses/finder.json written on a site that goes by district")
	}
	for _, dd := range d.Districts {
		var part render.CourseFinderData
		if err := json.Unmarshal(w.files["ar/courses/finder/"+dd.ID+".json"], &part); err != nil {
			t.Errorf("ar/courses/finder/%s.json: %v", dd.ID, err)
			continue
		}
		var got []string
		for _, c := range part.Courses {
			got = append(got, c.ID)
		}
		if want := ids(st.FindCourses(site.CourseFilter{District: dd.ID})); !slices.Equal(got, want) {
			t.Errorf("ar/courses/finder/%s.json holds %v, want %v", dd.ID, got, want)
		}
	}
	for name := range w.files {
		if strings.HasPrefix(name, "ar/courses/months/") || strings.HasPrefix(name, "ar/courses/times/") {
			t.Errorf("%s: a list over the whole country", name)
		}
	}
	typeLink := regexp.MustCompile(`href="[./]*ar/courses/districts/([a-z0-9-]+)/index\.html#type-literacy">.*?<small>\((\d+)\)</small>`)
	page := string(w.files["ar/courses/types/literacy/index.html"])
	links := typeLink.FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Error("ar/courses/types/literacy/ links no district")
	}
	for _, m := range links {
		if n := len(st.FindCourses(site.CourseFilter{Type: "literacy", District: m[1], Near: true})); fmt.Sprint(n) != m[2] || n == 0 {
			t.Errorf("ar/courses/types/literacy/: %s with %s courses, the finder %d", m[1], m[2], n)
		}
	}

	srv := serveFiles(t, w.files)
	queries := []struct {
		q string
		f *site.CourseFilter // nil: no district chosen
	}{
		{"", nil},
		{"?type=general", nil},
		{"?district=maxvorstadt", &site.CourseFilter{District: "maxvorstadt", Near: true}},
		{"?district=maxvorstadt&near=0", &site.CourseFilter{District: "maxvorstadt"}},
		{"?district=laim&type=general", &site.CourseFilter{District: "laim", Near: true, Type: "general"}},
		{"?district=sendling&childcare=1&free=1", &site.CourseFilter{District: "sendling", Near: true, Childcare: true, FreeSeats: true}},
		{"?district=weit-3", &site.CourseFilter{District: "weit-3", Near: true}},
	}
	args := []string{"coursequeries", srv.URL, "/ar/courses/"}
	for _, q := range queries {
		args = append(args, q.q)
	}
	var got []struct {
		Hrefs     []string
		Status    string
		FormShown bool
		Errors    []string
	}
	runBrowser(t, node, chromium, dir, &got, args...)
	if len(got) != len(queries) {
		t.Fatalf("%d results for %d queries", len(got), len(queries))
	}
	choose := regexp.MustCompile(`data-choose="([^"]+)"`).FindStringSubmatch(string(w.files["ar/courses/index.html"]))
	if choose == nil {
		t.Fatal("ar/courses/: the finder has no text asking for a district")
	}
	found := 0
	for i, q := range queries {
		r := got[i]
		if len(r.Errors) > 0 || !r.FormShown {
			t.Errorf("%q: form shown %v, script errors %v", q.q, r.FormShown, r.Errors)
		}
		if q.f == nil {
			if len(r.Hrefs) != 0 || r.Status != html.UnescapeString(choose[1]) {
				t.Errorf("%q: %d results, status %q; want none and %q", q.q, len(r.Hrefs), r.Status, choose[1])
			}
			continue
		}
		want := ids(st.FindCourses(*q.f))
		if g := hrefIDs(r.Hrefs); !slices.Equal(g, want) {
			t.Errorf("%q: shows %v, want %v", q.q, g, want)
		}
		found += len(want)
	}
	if found < 10 {
		t.Errorf("the choices found %d courses in all: too few to tell", found)
	}
}
