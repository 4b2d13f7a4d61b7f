package export

import (
	"encoding/xml"
	"maps"
	"slices"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title    string       `xml:"title"`
	ID       string       `xml:"id"`
	Updated  string       `xml:"updated"`
	Link     atomLink     `xml:"link"`
	Category atomCategory `xml:"category"`
	Summary  string       `xml:"summary,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// FeedStrings are the texts of a feed in its language.
type FeedStrings struct {
	Title        string
	CourseStarts func(c *model.Course) string // the summary of a course entry
	Changed      func(c Change) string        // the summary of a change
}

// FeedDays is how far back a feed lists changes.
const FeedDays = 30

// FeedSource is what the feeds of a directory are made from, sorted by
// district once: the courses, the entities with a change and the removed
// entries of each district. Each feed then reads its district's share
// only (a national site has thousands of district feeds in each
// language, and every entity would otherwise be looked at for each).
type FeedSource struct {
	d       *model.Directory
	changes Changes
	// By district ("" for all), in the directory's order: courses held
	// there; entities with a change concerning it; keys of removed
	// entries with a name concerning it, sorted.
	courses  map[string][]*model.Course
	entities map[string][]entity
	removed  map[string][]string
}

// NewFeedSource sorts d's courses and changes by district.
func NewFeedSource(d *model.Directory, changes Changes) *FeedSource {
	fs := &FeedSource{d: d, changes: changes, courses: map[string][]*model.Course{},
		entities: map[string][]entity{}, removed: map[string][]string{}}
	for i := range d.CourseFiles {
		for j := range d.CourseFiles[i].Courses {
			c := &d.CourseFiles[i].Courses[j]
			fs.courses[""] = append(fs.courses[""], c)
			fs.courses[c.Location.District] = append(fs.courses[c.Location.District], c)
		}
	}
	for _, e := range entities(d) {
		// An entry whose change has no date (the first state known, or
		// no change since) is in no feed's window: left out here, not
		// looked up again by every feed of every language (in serve,
		// which compares with no earlier state, that is every entry).
		if c, ok := changes[e.key]; !ok || c.Changed == "" {
			continue
		}
		fs.entities[""] = append(fs.entities[""], e)
		for _, ds := range e.districts {
			fs.entities[ds] = append(fs.entities[ds], e)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(changes)) {
		c := changes[key]
		if c.What != "removed" || len(c.Name) == 0 {
			continue
		}
		fs.removed[""] = append(fs.removed[""], key)
		for _, ds := range unique(slices.Clone(c.Districts)) {
			fs.removed[ds] = append(fs.removed[ds], key)
		}
	}
	return fs
}

// Feed returns the Atom feed of one language: courses that start within
// the next eight weeks, and entries added, changed or removed in the last
// FeedDays days. With a district (else ""), only those in it (offices in
// or serving it, their advisors and offers, courses held there). pageURL
// returns the absolute (or root-relative) page of an entry; self is the
// feed's own address.
func (fs *FeedSource) Feed(lang, district string, now time.Time, s FeedStrings, pageURL func(kind, id string) string, self string) []byte {
	d, changes := fs.d, fs.changes
	text := func(t model.Text) string { v, _ := t.Get(lang, d.Site.DefaultLanguage); return v }
	home := pageURL("", "")
	if district != "" {
		home = pageURL("districts", district)
	}
	f := atomFeed{Lang: lang, Title: s.Title, ID: "urn:uuid:" + HSDSID("feed", lang, district), Updated: now.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: home}},
		Author: atomAuthor{Name: text(d.Site.Name)}}
	if district == "" {
		f.ID = "urn:uuid:" + HSDSID("feed", lang) // as before districts had feeds
	}
	today := model.DateOf(now)
	horizon := model.DateOf(now.AddDate(0, 0, 56))
	updated := func(key string, fallback time.Time) string {
		if c := changes[key]; c.Changed != "" {
			return c.Changed
		}
		return fallback.UTC().Format(time.RFC3339)
	}
	var entries []atomEntry
	for _, c := range fs.courses[district] {
		if c.Start.Compare(today) < 0 || horizon.Compare(c.Start) < 0 { // Compare, not Before: no time.Time made per course and feed
			continue
		}
		fallback := now
		if !c.LastVerified.IsZero() {
			fallback = c.LastVerified.Time()
		}
		entries = append(entries, atomEntry{Title: text(c.Title), ID: "urn:uuid:" + HSDSID("feed-course", c.ID),
			Updated: updated("course:"+c.ID, fallback), Link: atomLink{Href: pageURL("courses", c.ID)},
			Category: atomCategory{"course-start"}, Summary: s.CourseStarts(c)})
	}
	cutoff := now.AddDate(0, 0, -FeedDays)
	recent := func(c Change) bool {
		t, err := time.Parse(time.RFC3339, c.Changed)
		return err == nil && !t.Before(cutoff)
	}
	link := func(kind, id string) string {
		if kind == "advisors" {
			if a := d.Advisor(id); a != nil {
				return pageURL("offices", a.Office) + "#a-" + id
			}
		}
		return pageURL(kind, id)
	}
	for _, e := range fs.entities[district] {
		c := changes[e.key]
		if !recent(c) {
			continue
		}
		entries = append(entries, atomEntry{Title: text(e.name), ID: "urn:uuid:" + HSDSID("feed-change", e.key, c.Hash),
			Updated: c.Changed, Link: atomLink{Href: link(e.kind, e.id)}, Category: atomCategory{c.What}, Summary: s.Changed(c)})
	}
	for _, key := range fs.removed[district] {
		c := changes[key]
		if !recent(c) {
			continue
		}
		href := home
		if district == "" && len(c.Districts) > 0 {
			href = pageURL("districts", c.Districts[0])
		}
		entries = append(entries, atomEntry{Title: text(c.Name), ID: "urn:uuid:" + HSDSID("feed-change", key, "removed", c.Changed),
			Updated: c.Changed, Link: atomLink{Href: href}, Category: atomCategory{"removed"}, Summary: s.Changed(c)})
	}
	slices.SortStableFunc(entries, func(a, b atomEntry) int {
		if a.Updated != b.Updated {
			if a.Updated > b.Updated {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	f.Entries = entries
	b, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		panic(err)
	}
	return append([]byte(xml.Header), append(b, '\n')...)
}
