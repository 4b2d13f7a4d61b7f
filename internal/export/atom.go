package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"reflect"
	"slices"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Changes records a content hash per entry and when it last changed. Every
// build writes it into its output (data/changes.json); the next build
// reads it from the previous output and compares, so change detection
// needs no state outside the repository and its build output.
type Changes map[string]Change

// Change is the state of one entry.
type Change struct {
	Hash    string `json:"hash"`
	Changed string `json:"changed,omitempty"` // RFC 3339; "" if unknown (first seen in the first build)
}

// entity is an entry whose changes are followed.
type entity struct {
	key   string // "office:caritas-mitte"
	kind  string // page kind: offices, offers, courses, providers
	id    string
	name  model.Text
	value any
}

func entities(d *model.Directory) []entity {
	var out []entity
	for i := range d.Providers {
		p := &d.Providers[i]
		own := *p // offices, advisors and offers are followed on their own
		own.Offices, own.Advisors, own.Offers = nil, nil, nil
		out = append(out, entity{"provider:" + p.ID, "providers", p.ID, p.Name, &own})
		for j := range p.Offices {
			o := &p.Offices[j]
			out = append(out, entity{"office:" + o.ID, "offices", o.ID, o.Name, o})
		}
		for j := range p.Offers {
			o := &p.Offers[j]
			out = append(out, entity{"offer:" + o.ID, "offers", o.ID, o.Title, o})
		}
	}
	for i := range d.CourseFiles {
		for j := range d.CourseFiles[i].Courses {
			c := &d.CourseFiles[i].Courses[j]
			out = append(out, entity{"course:" + c.ID, "courses", c.ID, c.Title, c})
		}
	}
	return out
}

// hashOf hashes the JSON form of an entry, leaving out last_verified: a
// confirmation without change is not a change.
func hashOf(v any) string {
	m := value(reflect.ValueOf(v))
	if mm, ok := m.(map[string]any); ok {
		delete(mm, "last_verified")
	}
	b, _ := json.Marshal(m)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Track compares the entries of d with the previous build's changes and
// returns the new state: an entry whose hash differs, or that is new while
// a previous state exists, changed now; others keep their time.
func Track(d *model.Directory, prev Changes, now time.Time) Changes {
	next := Changes{}
	for _, e := range entities(d) {
		h := hashOf(e.value)
		old, known := prev[e.key]
		switch {
		case known && old.Hash == h:
			next[e.key] = old
		case prev == nil:
			next[e.key] = Change{Hash: h} // first build: nothing to compare with
		default:
			next[e.key] = Change{Hash: h, Changed: now.UTC().Format(time.RFC3339)}
		}
	}
	return next
}

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
	Changed      string                       // the summary of a changed entry
}

// Feed returns the Atom feed of one language: courses that start within
// the next eight weeks, and entries changed in the last 30 days. pageURL
// returns the absolute (or root-relative) page of an entry; self is the
// feed's own address.
func Feed(d *model.Directory, lang string, changes Changes, now time.Time, s FeedStrings, pageURL func(kind, id string) string, self string) []byte {
	text := func(t model.Text) string { v, _ := t.Get(lang, d.Site.DefaultLanguage); return v }
	f := atomFeed{Lang: lang, Title: s.Title, ID: "urn:uuid:" + HSDSID("feed", lang), Updated: now.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: pageURL("", "")}},
		Author: atomAuthor{Name: text(d.Site.Name)}}
	today := model.DateOf(now)
	horizon := model.DateOf(now.AddDate(0, 0, 56))
	updated := func(key string, fallback time.Time) string {
		if c := changes[key]; c.Changed != "" {
			return c.Changed
		}
		return fallback.UTC().Format(time.RFC3339)
	}
	var entries []atomEntry
	for i := range d.CourseFiles {
		for j := range d.CourseFiles[i].Courses {
			c := &d.CourseFiles[i].Courses[j]
			if c.Start.Before(today) || horizon.Before(c.Start) {
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
	}
	cutoff := now.AddDate(0, 0, -30)
	for _, e := range entities(d) {
		c := changes[e.key]
		t, err := time.Parse(time.RFC3339, c.Changed)
		if err != nil || t.Before(cutoff) {
			continue
		}
		entries = append(entries, atomEntry{Title: text(e.name), ID: "urn:uuid:" + HSDSID("feed-change", e.key, c.Hash),
			Updated: c.Changed, Link: atomLink{Href: pageURL(e.kind, e.id)}, Category: atomCategory{"changed"}, Summary: s.Changed})
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
