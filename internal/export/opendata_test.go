package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

func TestDump(t *testing.T) {
	d := example(t).Public()
	b := Dump(d, today, map[string]string{"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"})
	var doc struct {
		Format    string `json:"format"`
		Version   int    `json:"version"`
		Providers []struct {
			ID      string `json:"id"`
			Offices []struct {
				ID    string            `json:"id"`
				Name  map[string]string `json:"name"`
				Hours []struct {
					Days []string `json:"days"`
					From string   `json:"from"`
				} `json:"hours"`
			} `json:"offices"`
		} `json:"providers"`
		CourseProviders []struct {
			Courses []map[string]any `json:"courses"`
		} `json:"course_providers"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != DumpFormat || doc.Version != 1 || len(doc.Providers) != len(d.Providers) || len(doc.CourseProviders) != len(d.CourseFiles) {
		t.Fatalf("dump: %s %d, %d providers", doc.Format, doc.Version, len(doc.Providers))
	}
	o := d.Providers[0].Offices[0]
	got := doc.Providers[0].Offices[0]
	if got.ID != o.ID || got.Name["de"] != o.Name["de"] || got.Hours[0].From != o.Hours[0].From.String() || got.Hours[0].Days[0] != model.WeekdayCode(o.Hours[0].Days[0]) {
		t.Errorf("office %+v, want %s", got, o.ID)
	}
	if bytes.Contains(b, []byte(`"Provider"`)) || bytes.Contains(b, []byte(`"File"`)) {
		t.Errorf("internal fields in the dump")
	}
}

func TestGeoJSON(t *testing.T) {
	d := example(t).Public()
	b := GeoJSON(d, model.DateOf(today), func(kind, id string) string { return "https://example.org/de/" + kind + "/" + id + "/" })
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("not GeoJSON: %v", err)
	}
	offices, venues := 0, map[string]bool{}
	for _, p := range d.Providers {
		for _, o := range p.Offices {
			if o.Geo != nil {
				offices++
			}
		}
	}
	for _, f := range d.CourseFiles {
		for _, c := range f.Courses {
			if c.Location.Geo != nil && !c.End.Before(model.DateOf(today)) {
				venues[f.Provider.ID+c.Location.Street] = true
			}
		}
	}
	if len(fc.Features) != offices+len(venues) || len(venues) == 0 {
		t.Errorf("%d features for %d offices and %d venues", len(fc.Features), offices, len(venues))
	}
	for _, f := range fc.Features {
		p, ok := f.Geometry.(orb.Point)
		// München: longitude about 11.4–11.7, latitude about 48.0–48.3.
		if !ok || p.Lon() < 11 || p.Lon() > 12 || p.Lat() < 47.9 || p.Lat() > 48.4 {
			t.Errorf("feature %v at %v: not a point in München (longitude first)", f.ID, f.Geometry)
		}
		if f.Properties["kind"] != "office" && f.Properties["kind"] != "course_venue" {
			t.Errorf("feature kind %v", f.Properties["kind"])
		}
	}
	if bytes.Contains(b, []byte(`"crs"`)) {
		t.Errorf("RFC 7946 has no crs member")
	}
}

func TestFeedAndChanges(t *testing.T) {
	d := example(t).Public()
	url := func(kind, id string) string {
		if kind == "" {
			return "https://example.org/de/"
		}
		return "https://example.org/de/" + kind + "/" + id + "/"
	}
	strs := FeedStrings{Title: "Kurse und Änderungen", CourseStarts: func(c *model.Course) string { return "Beginn " + c.Start.String() },
		Changed: func(c Change) string { return c.What + " " + strings.Join(c.Which, ",") }}
	// First build: nothing to compare with, nothing changed.
	first := Track(StateOf(d), nil, nil, today)
	for k, c := range first {
		if c.Changed != "" {
			t.Fatalf("%s changed in the first build", k)
		}
	}
	// Second build, a day later, one office renamed.
	later := today.AddDate(0, 0, 1)
	d.Providers[0].Offices[0].Name = model.Text{"de": "Umbenannt"}
	d.Providers[0].LastVerified = model.Date{Year: 2026, Month: 11, Day: 22} // confirming alone is no change
	second := Track(StateOf(d), nil, first, later)
	var changed []string
	for k, c := range second {
		if c.Changed != "" {
			changed = append(changed, k)
		}
	}
	if len(changed) != 1 || changed[0] != "office:"+d.Providers[0].Offices[0].ID {
		t.Errorf("changed: %v", changed)
	}
	// A third build keeps the time of the change.
	third := Track(StateOf(d), nil, second, later.AddDate(0, 0, 1))
	if third[changed[0]].Changed != second[changed[0]].Changed {
		t.Errorf("the change time moved")
	}

	b := NewFeedSource(d, third).Feed("de", "", later, strs, url, "https://example.org/de/feed.atom")
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a feed: %v\n%s", err, b)
	}
	if feed.FeedType != "atom" || feed.Title != strs.Title || feed.Language != "de" {
		t.Errorf("feed %s %q %q", feed.FeedType, feed.Title, feed.Language)
	}
	starts := 0
	horizon := model.DateOf(later.AddDate(0, 0, 56))
	for _, f := range d.CourseFiles {
		for _, c := range f.Courses {
			if !c.Start.Before(model.DateOf(later)) && !horizon.Before(c.Start) {
				starts++
			}
		}
	}
	var gotStarts, gotChanged int
	for _, it := range feed.Items {
		if len(it.Categories) != 1 || !strings.HasPrefix(it.Link, "https://example.org/de/") || it.UpdatedParsed == nil || !strings.HasPrefix(it.GUID, "urn:uuid:") {
			t.Errorf("entry %+v", it)
		}
		switch it.Categories[0] {
		case "course-start":
			gotStarts++
		case "changed":
			gotChanged++
			if it.Title != "Umbenannt" {
				t.Errorf("changed entry %q", it.Title)
			}
		}
	}
	if starts == 0 || gotStarts != starts || gotChanged != 1 {
		t.Errorf("%d course starts (want %d), %d changes (want 1)", gotStarts, starts, gotChanged)
	}
	// Thirty-one days on, the change is no news.
	old := NewFeedSource(d, third).Feed("de", "", later.AddDate(0, 0, 31), strs, url, "x")
	if bytes.Contains(old, []byte("Umbenannt</title>")) {
		t.Errorf("a change from 31 days ago is still in the feed")
	}
}

// TestTrackWhat follows an office through states known field by field (as
// in the Git history): its hours change, an advisor is added, then the
// office closes; each change says what it was, and the district feed of
// the office's district lists them while another district's does not.
func TestTrackWhat(t *testing.T) {
	d := example(t).Public()
	p := &d.Providers[0]
	o := p.Offices[0]
	url := func(kind, id string) string { return "/de/" + kind + "/" + id + "/" }
	strs := FeedStrings{Title: "x", CourseStarts: func(*model.Course) string { return "" },
		Changed: func(c Change) string { return c.What + ":" + strings.Join(c.Which, ",") }}
	s0 := StateOf(d)
	ch := Track(s0, nil, nil, today)

	day1 := today.Add(24 * time.Hour)
	p.Offices[0].Hours = append([]model.Hours(nil), o.Hours[:1]...)
	p.Offices[0].Phone = "089 999999"
	p.Advisors = append(p.Advisors, model.Advisor{ID: "neu-beraterin", Name: "Neu Beraterin", Office: o.ID})
	d.Index()
	s1 := StateOf(d)
	ch = Track(s1, s0, ch, day1)
	if c := ch["office:"+o.ID]; c.What != "changed" || strings.Join(c.Which, ",") != "hours,contact" {
		t.Errorf("office change: %+v", c)
	}
	if c := ch["advisor:neu-beraterin"]; c.What != "added" {
		t.Errorf("advisor: %+v", c)
	}

	if feed := string(NewFeedSource(d, ch).Feed("de", o.District, day1, strs, url, "self")); !strings.Contains(feed, "added:") || !strings.Contains(feed, "changed:hours,contact") {
		t.Errorf("the district feed of %s lacks the new advisor or the office's change:\n%s", o.District, feed)
	}

	day2 := day1.Add(24 * time.Hour)
	p.Offices = p.Offices[1:]
	d.Index()
	ch = Track(StateOf(d), s1, ch, day2)
	gone := ch["office:"+o.ID]
	if gone.What != "removed" || len(gone.Name) == 0 || len(gone.Districts) == 0 {
		t.Fatalf("closed office: %+v", gone)
	}
	feed := string(NewFeedSource(d, ch).Feed("de", o.District, day2, strs, url, "self"))
	if !strings.Contains(feed, "removed:") {
		t.Errorf("the district feed of %s lacks the closing:\n%s", o.District, feed)
	}
	other := ""
	for _, ds := range d.Districts {
		if !slices.Contains(gone.Districts, ds.ID) {
			other = ds.ID
			break
		}
	}
	if f := string(NewFeedSource(d, ch).Feed("de", other, day2, strs, url, "self")); strings.Contains(f, "removed:") {
		t.Errorf("the feed of %s lists the closing in %v", other, gone.Districts)
	}
}

// TestEncodeDump checks the dump made entry by entry against the whole
// document encoded at once, for the example and for a directory without
// providers or course files (null, as before); that each data file's span
// holds its entry; and that with every entry but a changed one kept from
// the dump before the change it is the dump made anew.
func TestEncodeDump(t *testing.T) {
	license := map[string]string{"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
	whole := func(d *model.Directory) []byte {
		var cps []any
		for _, f := range d.CourseFiles {
			cp := value(reflect.ValueOf(f.Provider)).(map[string]any)
			cp["courses"] = value(reflect.ValueOf(f.Courses))
			cps = append(cps, cp)
		}
		b, err := json.MarshalIndent(map[string]any{"format": DumpFormat, "version": DumpVersion, "generated": today.UTC().Format(time.RFC3339),
			"license": license, "site": value(reflect.ValueOf(d.Site)), "languages": value(reflect.ValueOf(d.Languages)),
			"districts": value(reflect.ValueOf(d.Districts)), "topics": value(reflect.ValueOf(d.Topics)),
			"providers": value(reflect.ValueOf(d.Providers)), "course_providers": cps}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return append(b, '\n')
	}
	d := example(t).Public()
	empty, noCourses := *d, *d
	empty.Providers, empty.CourseFiles = nil, nil
	noCourses.CourseFiles = nil
	for name, dir := range map[string]*model.Directory{"example": d, "no providers": &empty, "no course files": &noCourses} {
		if got, want := Dump(dir, today, license), whole(dir); !bytes.Equal(got, want) {
			t.Errorf("%s: the dump made entry by entry differs from the document encoded whole", name)
		}
		// Allocated once, at its size: a dump grown as it is written is
		// copied whole (77 MB at national scale).
		if b, _ := EncodeDump(dir, today, license, nil); cap(b) != len(b) {
			t.Errorf("%s: %d bytes allocated for a dump of %d", name, cap(b), len(b))
		}
	}
	dump, spans := EncodeDump(d, today, license, nil)
	for i, src := range Sources(d) {
		var entry struct {
			ID string `json:"id"`
		}
		s := spans[i]
		if err := json.Unmarshal(dump[s.Off:s.Off+s.Len], &entry); err != nil || entry.ID != src.ID {
			t.Errorf("the span of %v holds %.60q (%v)", src, dump[s.Off:s.Off+s.Len], err)
		}
	}
	changed := *d
	changed.Providers = slices.Clone(d.Providers)
	changed.Providers[2].Website = "https://example.org/umbenannt"
	kept := func(i int) ([]byte, bool) {
		if i == 2 {
			return nil, false
		}
		return dump[spans[i].Off : spans[i].Off+spans[i].Len], true
	}
	got, _ := EncodeDump(&changed, today, license, kept)
	if want := whole(&changed); !bytes.Equal(got, want) || !bytes.Contains(got, []byte("umbenannt")) {
		t.Errorf("with the unchanged entries kept, the dump differs from the one made anew")
	}
}

// TestHashesOf checks that the state without the fields' hashes tracks
// changes as the full state does where no previous state is known.
func TestHashesOf(t *testing.T) {
	d := example(t).Public()
	full, hashes := StateOf(d), HashesOf(d, nil)
	if len(full) != len(hashes) {
		t.Fatalf("%d entries, StateOf has %d", len(hashes), len(full))
	}
	for key, s := range full {
		if hashes[key].hash != s.hash {
			t.Errorf("%s: hash %s, StateOf's %s", key, hashes[key].hash, s.hash)
		}
	}
	prev := Track(full, nil, nil, today)
	d.Providers[0].Offices[0].Phone = "089 999999"
	day := today.Add(24 * time.Hour)
	got, want := Track(HashesOf(d, nil), nil, prev, day), Track(StateOf(d), nil, prev, day)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tracked with HashesOf, the changes differ from StateOf's")
	}
	if c := got["office:"+d.Providers[0].Offices[0].ID]; c.What != "changed" {
		t.Errorf("the changed office: %+v", c)
	}

	// The hashes of the data files that did not change (all but the
	// first provider's) taken from the state before: the same changes;
	// each entry is asked for with the index of its own data file.
	asked := map[string]int{}
	kept := func(src int, key string) (string, bool) {
		asked[key] = src
		return prev[key].Hash, src != 0
	}
	if got := Track(HashesOf(d, kept), nil, prev, day); !reflect.DeepEqual(got, want) {
		t.Errorf("tracked with the unchanged files' hashes kept, the changes differ from StateOf's")
	}
	wantAsked := map[string]int{}
	for i, p := range d.Providers {
		wantAsked["provider:"+p.ID] = i
		for _, o := range p.Offices {
			wantAsked["office:"+o.ID] = i
		}
		for _, a := range p.Advisors {
			wantAsked["advisor:"+a.ID] = i
		}
		for _, o := range p.Offers {
			wantAsked["offer:"+o.ID] = i
		}
	}
	for j, f := range d.CourseFiles {
		for _, c := range f.Courses {
			wantAsked["course:"+c.ID] = len(d.Providers) + j
		}
	}
	if !reflect.DeepEqual(asked, wantAsked) {
		t.Errorf("asked for the entries of data files %v, want %v", asked, wantAsked)
	}
}
