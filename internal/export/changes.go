package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Changes records, per entry, a content hash and its last change: when,
// and what (added, changed with the groups of fields that changed, or
// removed). Every build writes it into its output (data/changes.json).
// The next build compares with the Git history of data/ when the source
// has one (internal/history), else with the previous output's file.
type Changes map[string]Change

// Change is the state of one entry.
type Change struct {
	Hash    string `json:"hash"`
	Changed string `json:"changed,omitempty"` // RFC 3339; "" if unknown (in the first state compared)
	// What is how the entry last changed: "added", "changed" or
	// "removed"; Which are the groups of fields that changed (Groups),
	// when the fields of both states were known.
	What  string   `json:"what,omitempty"`
	Which []string `json:"which,omitempty"`
	// A removed entry keeps what the feeds list it with.
	Kind      string     `json:"kind,omitempty"`
	ID        string     `json:"id,omitempty"`
	Name      model.Text `json:"name,omitempty"`
	Districts []string   `json:"districts,omitempty"`
}

// Groups name the kinds of change a feed tells readers about, in the order
// they are listed; every other field counts as "other".
var Groups = []string{"hours", "closures", "contact", "address", "languages", "advisors", "dates", "seats", "other"}

var fieldGroup = map[string]string{
	"hours": "hours", "closures": "closures",
	"phone": "contact", "email": "contact", "website": "contact", "booking_url": "contact", "registration": "contact",
	"address": "address", "geo": "address", "district": "address", "serves": "address", "location": "address", "office": "address",
	"languages": "languages", "support_languages": "languages",
	"start": "dates", "end": "dates", "schedule": "dates",
	"seats_free": "seats",
}

// entity is an entry whose changes are followed.
type entity struct {
	key       string // "office:caritas-mitte"
	kind      string // page kind: offices, offers, courses, providers, advisors
	id        string
	name      model.Text
	value     any
	districts []string // where it is: the district feeds list it
	src       int      // the data file it is in: an index of Sources
}

func entities(d *model.Directory) []entity {
	var out []entity
	officeDistricts := func(o *model.Office) []string {
		return append([]string{o.District}, o.Serves...)
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		own := *p // offices, advisors and offers are followed on their own
		own.Offices, own.Advisors, own.Offers = nil, nil, nil
		var all []string
		for j := range p.Offices {
			all = append(all, officeDistricts(&p.Offices[j])...)
		}
		out = append(out, entity{"provider:" + p.ID, "providers", p.ID, p.Name, &own, unique(all), i})
		for j := range p.Offices {
			o := &p.Offices[j]
			out = append(out, entity{"office:" + o.ID, "offices", o.ID, o.Name, o, unique(officeDistricts(o)), i})
		}
		for j := range p.Advisors {
			a := &p.Advisors[j]
			var ds []string
			if o := d.Office(a.Office); o != nil {
				ds = officeDistricts(o)
			}
			out = append(out, entity{"advisor:" + a.ID, "advisors", a.ID, model.Text{d.Site.DefaultLanguage: a.Name}, a, unique(ds), i})
		}
		for j := range p.Offers {
			o := &p.Offers[j]
			var ds []string
			for _, id := range o.Offices {
				if of := d.Office(id); of != nil {
					ds = append(ds, officeDistricts(of)...)
				}
			}
			out = append(out, entity{"offer:" + o.ID, "offers", o.ID, o.Title, o, unique(ds), i})
		}
	}
	for i := range d.CourseFiles {
		for j := range d.CourseFiles[i].Courses {
			c := &d.CourseFiles[i].Courses[j]
			out = append(out, entity{"course:" + c.ID, "courses", c.ID, c.Title, c, unique([]string{c.Location.District}), len(d.Providers) + i})
		}
	}
	return out
}

func unique(s []string) []string {
	s = slices.DeleteFunc(s, func(x string) bool { return x == "" })
	slices.Sort(s)
	return slices.Compact(s)
}

// fieldsOf returns the JSON form of an entry by top-level field, leaving
// out last_verified: a confirmation without change is not a change.
func fieldsOf(v any) map[string]any {
	m, _ := value(reflect.ValueOf(v)).(map[string]any)
	delete(m, "last_verified")
	return m
}

func hashJSON(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// State is the entries of one directory as Track compares them: a hash of
// each entry and of each of its fields.
type State map[string]entryState

type entryState struct {
	e      entity
	hash   string
	fields map[string]string
}

// StateOf returns the state of d's entries.
func StateOf(d *model.Directory) State { return stateOf(d, true, nil) }

// HashesOf returns the state of d's entries without the hashes of their
// fields, which Track reads from a previous state only: for a Track with
// none (prevState nil). At national scale it took 0.6 s where StateOf
// took 1.5 (profiles of BenchmarkOpenData).
//
// kept, if not nil, returns an entry's hash as an earlier state had it,
// given the entry's data file (an index of Sources) and key: when that
// file did not change since, the entry's hash is the same, and is taken
// instead of encoding and hashing the entry again (0.5 s of serve's
// background work after each change at national scale).
func HashesOf(d *model.Directory, kept func(src int, key string) (string, bool)) State {
	return stateOf(d, false, kept)
}

func stateOf(d *model.Directory, fields bool, kept func(src int, key string) (string, bool)) State {
	st := State{}
	for _, e := range entities(d) {
		if kept != nil {
			if h, ok := kept(e.src, e.key); ok {
				st[e.key] = entryState{e: e, hash: h}
				continue
			}
		}
		m := fieldsOf(e.value)
		var fs map[string]string
		if fields {
			fs = make(map[string]string, len(m))
			for k, v := range m {
				fs[k] = hashJSON(v)
			}
		}
		st[e.key] = entryState{e: e, hash: hashJSON(m), fields: fs}
	}
	return st
}

// removedKeep is how long a removed entry stays in the changes.
const removedKeep = 90 * 24 * time.Hour

// Track compares the state cur with the changes known so far (prev) and
// returns the new changes, dated at: an entry whose hash differs changed
// then, one that is new was added then, one that is gone was removed then;
// the others keep their last change. With the previous state (prevState,
// when both are known, as in the Git history) a change says which groups
// of fields changed. With neither prev nor prevState, cur is the first
// state: nothing changed.
func Track(cur State, prevState State, prev Changes, at time.Time) Changes {
	next := Changes{}
	when := at.UTC().Format(time.RFC3339)
	first := prev == nil && prevState == nil
	for key, s := range cur {
		old, known := prev[key]
		switch {
		case known && old.Hash == s.hash && old.What != "removed":
			next[key] = old
		case first:
			next[key] = Change{Hash: s.hash}
		case !known || old.What == "removed":
			next[key] = Change{Hash: s.hash, Changed: when, What: "added"}
		default:
			c := Change{Hash: s.hash, Changed: when, What: "changed"}
			if p, ok := prevState[key]; ok {
				c.Which = changedGroups(p.fields, s.fields)
			}
			next[key] = c
		}
	}
	for key, old := range prev {
		if _, still := cur[key]; still {
			continue
		}
		if old.What == "removed" {
			if t, err := time.Parse(time.RFC3339, old.Changed); err == nil && at.Sub(t) < removedKeep {
				next[key] = old
			}
			continue
		}
		c := Change{Hash: old.Hash, Changed: when, What: "removed"}
		if p, ok := prevState[key]; ok {
			c.Kind, c.ID, c.Name, c.Districts = p.e.kind, p.e.id, p.e.name, p.e.districts
		}
		next[key] = c
	}
	return next
}

// changedGroups returns the groups of the fields that differ, in the
// order of Groups.
func changedGroups(a, b map[string]string) []string {
	seen := map[string]bool{}
	note := func(field string) {
		g := fieldGroup[field]
		if g == "" {
			g = "other"
		}
		seen[g] = true
	}
	for k, h := range a {
		if b[k] != h {
			note(k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			note(k)
		}
	}
	var out []string
	for _, g := range Groups {
		if seen[g] {
			out = append(out, g)
		}
	}
	return out
}
