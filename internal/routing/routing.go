// Package routing is the routing core: given a person's need and the
// directory, it ranks the offices that can take the referral and says why,
// in words. It does no I/O; the site build uses it without load (to list
// the offices responsible for a district in routing order), the referral
// endpoint with the referrals already assigned this month.
//
// The rules, in order of precedence:
//
//  1. The age decides the program: younger than Options.YouthMaxAge (27) →
//     JMD (from 12), otherwise MBE. Only offices with an offer of that
//     program are eligible.
//  2. An office with room ranks above every office at or over its monthly
//     capacity; when no office has room, the least loaded is chosen and the
//     result says so. An office without a configured capacity takes no
//     routed referrals (it is always full).
//  3. Catchment: an office whose `serves` contains the person's district
//     ranks above an office located in that district or a neighbouring one,
//     which ranks above the rest.
//  4. Language: an office where someone speaks one of the person's
//     languages ranks above one that would need an interpreter.
//  5. Needs: more of the person's needs met ranks higher — an offer on the
//     counselling topic, a women-only offer, and integration courses
//     (literacy, childcare, women-only as asked) in or next to the office's
//     district.
//  6. Among equals the lowest load ratio (assigned ÷ capacity) wins, then
//     the lower absolute load, then the office id, so ties are broken the
//     same way every time.
package routing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Need is what is known about the person referred.
type Need struct {
	Age        int    // years; 0 if unknown (then AgeGroup)
	AgeGroup   string // "young" (12–26) or "adult" (27+); used when Age is 0
	District   string // district id, or
	PostalCode string // a postal code, resolved to its districts
	Languages  []string
	Topic      string // a topic id, or ""

	IntegrationCourse bool // looking for an integration course
	Literacy          bool // needs a literacy course
	Childcare         bool // needs childcare during a course
	WomenOnly         bool // wants a women-only offer or course
}

// Options tune the rules.
type Options struct {
	// YouthMaxAge is the first age counselled by MBE; younger people (from
	// 12) go to JMD. Zero means 27.
	YouthMaxAge int
	// Today is the day by which ended courses are left out.
	Today model.Date
	// Unexplained leaves the offices' Reasons out (the result's own
	// stay), for callers that use the order only or the reasons of the
	// office they pick (Result.Explain): wording the reasons of every
	// eligible office was a sixth of a referral's routing.
	Unexplained bool
	// Top, if above zero, keeps only the best Top offices in
	// Result.Offices, in the same order as without it: the finder shows
	// three of 2,000 at national scale, for every language and district.
	Top int
}

// Load is the number of referrals assigned to each office this month, by
// office id. A nil Load ranks without load (the site build).
type Load map[string]int

// Catchment tiers.
const (
	Serves    = 0 // the office's catchment contains the district
	Nearby    = 1 // the office is in the district or a neighbouring one
	Elsewhere = 2
)

// Reason explains one part of a rank.
type Reason struct {
	Code string `json:"code"` // stable: program, catchment-serves, language-match, capacity-full, …
	Text string `json:"text"` // in English, for people
	// Args are the values the text names (ids, numbers), so that an
	// interface can word the reason in its own language: office, district,
	// districts (separated by " / "), language, languages (", "), age,
	// limit, program, assigned, capacity, topic, course, start.
	Args map[string]string `json:"args,omitempty"`
}

// reason returns a reason with name/value pairs as its Args.
func reason(code, text string, pairs ...string) Reason {
	r := Reason{Code: code, Text: text}
	if len(pairs) > 0 {
		r.Args = map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			r.Args[pairs[i]] = pairs[i+1]
		}
	}
	return r
}

// Ranked is one eligible office with its place in the ranking.
type Ranked struct {
	Office    *model.Office `json:"-"`
	OfficeID  string        `json:"office"`
	Provider  string        `json:"provider"`
	Catchment int           `json:"catchment"`
	Language  string        `json:"language,omitempty"` // the shared language, if any
	NeedsMet  int           `json:"needs_met"`
	Assigned  int           `json:"assigned"`
	Capacity  int           `json:"capacity"`
	Full      bool          `json:"full"`
	Reasons   []Reason      `json:"reasons"` // nil with Options.Unexplained (see Result.Explain)

	// What the reasons are worded from (rank found them).
	topic, womenOnly bool          // needs met: an offer on the topic, a women-only offer
	course           *model.Course // need met: a matching course nearby
}

// Ratio is assigned ÷ capacity (1 for an office without capacity).
func (r *Ranked) Ratio() float64 {
	if r.Capacity <= 0 {
		return 1
	}
	return float64(r.Assigned) / float64(r.Capacity)
}

// Result is the ranking for one need.
type Result struct {
	Program   string   `json:"program"`
	Districts []string `json:"districts"` // the person's district(s)
	Offices   []Ranked `json:"offices"`   // best first
	AllFull   bool     `json:"all_full"`  // no office has room: the first is the least loaded
	Reasons   []Reason `json:"reasons"`   // about the whole decision

	need   Need // what was ranked for, and with load or not: for Explain
	loaded bool
}

// FieldError is a need that cannot be routed, naming the field at fault.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ErrNoOffice means no office offers the program.
var ErrNoOffice = errors.New("no office offers this program")

// Program returns the program for a need.
func Program(n Need, opts Options) (string, error) {
	limit := opts.YouthMaxAge
	if limit == 0 {
		limit = 27
	}
	switch {
	case n.Age != 0 && n.Age < 12:
		return "", &FieldError{"age", "MBE and JMD counsel people from 12 years; for younger children contact the youth welfare office"}
	case n.Age != 0 && n.Age > 120:
		return "", &FieldError{"age", "not a plausible age"}
	case n.Age != 0 && n.Age < limit:
		return model.ProgramJMD, nil
	case n.Age != 0:
		return model.ProgramMBE, nil
	case n.AgeGroup == "young":
		return model.ProgramJMD, nil
	case n.AgeGroup == "adult":
		return model.ProgramMBE, nil
	}
	return "", &FieldError{"age", "give the age or the age group (young: 12–26, adult: 27 and over)"}
}

// Route ranks the offices for a need. load may be nil.
func Route(dir *model.Directory, n Need, load Load, opts Options) (*Result, error) {
	program, err := Program(n, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Program: program, need: n, loaded: load != nil}
	res.Reasons = append(res.Reasons, programReason(n, program, opts))
	districts, err := districtsOf(dir, n)
	if err != nil {
		return nil, err
	}
	res.Districts = districts
	for _, l := range n.Languages {
		if dir.Language(l) == nil {
			return nil, &FieldError{"languages", fmt.Sprintf("%q is not a language code of the directory", l)}
		}
	}
	if n.Topic != "" && dir.Topic(n.Topic) == nil {
		return nil, &FieldError{"topic", fmt.Sprintf("%q is not a topic of the directory", n.Topic)}
	}
	near := map[string]bool{}
	for _, d := range districts {
		near[d] = true
		for _, nb := range dir.District(d).Neighbours {
			near[nb] = true
		}
	}
	if opts.Top > 0 {
		res.Offices = make([]Ranked, 0, opts.Top)
	} else {
		res.Offices = make([]Ranked, 0, dir.Count().Offices)
	}
	var offers []*model.Offer // of one office at a time: one slice for all
	for i := range dir.Providers {
		p := &dir.Providers[i]
		for j := range p.Offices {
			o := &p.Offices[j]
			offers = offersAt(offers[:0], p, o.ID, program)
			if len(offers) == 0 {
				continue
			}
			r := rank(dir, p, o, offers, n, districts, near, load, opts)
			if opts.Top > 0 {
				res.Offices = keepBest(res.Offices, &r, opts.Top)
			} else {
				res.Offices = append(res.Offices, r)
			}
		}
	}
	if len(res.Offices) == 0 {
		return nil, ErrNoOffice
	}
	if opts.Top <= 0 {
		// Sorted by pointer, then laid out once: a Ranked is large, and a
		// sort moving them was most of Route's time.
		order := make([]*Ranked, len(res.Offices))
		for i := range res.Offices {
			order[i] = &res.Offices[i]
		}
		slices.SortStableFunc(order, compare)
		sorted := make([]Ranked, len(order))
		for i, r := range order {
			sorted[i] = *r
		}
		res.Offices = sorted
	}
	if !opts.Unexplained {
		for i := range res.Offices {
			res.Explain(i)
		}
	}
	if res.Offices[0].Full {
		res.AllFull = true
		if load != nil {
			res.Reasons = append(res.Reasons, reason("all-full", "every eligible office has reached its capacity this month: the least loaded office was chosen"))
		}
	}
	return res, nil
}

// keepBest inserts r into best (sorted, at most top long) if it is among
// the top best: after the offices that compare equal to it, as a stable
// sort of all offices would place it.
func keepBest(best []Ranked, r *Ranked, top int) []Ranked {
	i := len(best)
	for i > 0 && compare(r, &best[i-1]) < 0 {
		i--
	}
	switch {
	case i == top:
		return best
	case len(best) < top:
		best = append(best, Ranked{})
	}
	copy(best[i+1:], best[i:len(best)-1])
	best[i] = *r
	return best
}

// compare orders offices by the rules of the package doc. Among full
// offices the least loaded comes first: it is the one chosen when nobody
// has room.
func compare(a, b *Ranked) int {
	if a.Full && b.Full {
		return cmp.Or(
			cmp.Compare(a.Ratio(), b.Ratio()),
			cmp.Compare(a.Assigned, b.Assigned),
			cmp.Compare(a.Catchment, b.Catchment),
			cmp.Compare(a.OfficeID, b.OfficeID),
		)
	}
	return cmp.Or(
		cmpBool(a.Full, b.Full),
		cmp.Compare(a.Catchment, b.Catchment),
		cmpBool(a.Language == "", b.Language == ""),
		-cmp.Compare(a.NeedsMet, b.NeedsMet),
		cmp.Compare(a.Ratio(), b.Ratio()),
		cmp.Compare(a.Assigned, b.Assigned),
		cmp.Compare(a.OfficeID, b.OfficeID),
	)
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func programReason(n Need, program string, opts Options) Reason {
	limit := opts.YouthMaxAge
	if limit == 0 {
		limit = 27
	}
	name := map[string]string{model.ProgramMBE: "MBE (adults)", model.ProgramJMD: "JMD (young people)"}[program]
	if n.Age != 0 {
		if program == model.ProgramJMD {
			return reason("program", fmt.Sprintf("age %d is under %d: %s", n.Age, limit, name), "age", strconv.Itoa(n.Age), "limit", strconv.Itoa(limit), "program", program)
		}
		return reason("program", fmt.Sprintf("age %d is %d or over: %s", n.Age, limit, name), "age", strconv.Itoa(n.Age), "limit", strconv.Itoa(limit), "program", program)
	}
	return reason("program", fmt.Sprintf("age group %s: %s", n.AgeGroup, name), "program", program)
}

// districtsOf resolves the need's district or postal code.
func districtsOf(dir *model.Directory, n Need) ([]string, error) {
	if n.District != "" {
		if dir.District(n.District) == nil {
			return nil, &FieldError{"district", fmt.Sprintf("%q is not a district of the directory", n.District)}
		}
		return []string{n.District}, nil
	}
	if n.PostalCode == "" {
		return nil, nil
	}
	var out []string
	for _, d := range dir.Districts {
		if slices.Contains(d.PostalCodes, model.PostalCode(n.PostalCode)) {
			out = append(out, d.ID)
		}
	}
	if len(out) == 0 {
		return nil, &FieldError{"postal_code", fmt.Sprintf("%q is not a postal code of the region", n.PostalCode)}
	}
	return out, nil
}

// offersAt appends the provider's offers of a program at an office to out.
func offersAt(out []*model.Offer, p *model.Provider, office, program string) []*model.Offer {
	for i := range p.Offers {
		if p.Offers[i].Program == program && slices.Contains(p.Offers[i].Offices, office) {
			out = append(out, &p.Offers[i])
		}
	}
	return out
}

// rank finds where office o stands for the need: its catchment tier, the
// language spoken, the needs met and its load. Explain words it.
func rank(dir *model.Directory, p *model.Provider, o *model.Office, offers []*model.Offer, n Need, districts []string, near map[string]bool, load Load, opts Options) Ranked {
	r := Ranked{Office: o, OfficeID: o.ID, Provider: p.ID, Catchment: Elsewhere}
	switch {
	case len(districts) == 0:
	case intersects(o.Serves, districts):
		r.Catchment = Serves
	case near[o.District]:
		r.Catchment = Nearby
	}
	for _, l := range n.Languages {
		if speaks(p, o.ID, offers, l) {
			r.Language = l
			break
		}
	}
	needsMet(dir, o, offers, n, opts, &r)
	if o.Capacity != nil {
		r.Capacity = o.Capacity.ReferralsPerMonth
	}
	r.Assigned = load[o.ID]
	r.Full = r.Capacity == 0 || load != nil && r.Assigned >= r.Capacity
	return r
}

// Explain returns the reasons of res.Offices[i], worded now if Route left
// them out (Options.Unexplained): catchment, language, needs met,
// capacity.
func (res *Result) Explain(i int) []Reason {
	r := &res.Offices[i]
	if r.Reasons != nil {
		return r.Reasons
	}
	n, o := res.need, r.Office
	districts := strings.Join(res.Districts, " / ")
	var out []Reason
	switch {
	case len(res.Districts) == 0:
		out = append(out, reason("catchment-unknown", "no district given: catchment not considered"))
	case r.Catchment == Serves:
		out = append(out, reason("catchment-serves", fmt.Sprintf("%s is responsible for %s", o.ID, districts), "office", o.ID, "districts", districts))
	case r.Catchment == Nearby:
		out = append(out, reason("catchment-nearby", fmt.Sprintf("%s is in %s, in or next to %s", o.ID, o.District, districts), "office", o.ID, "district", o.District, "districts", districts))
	default:
		out = append(out, reason("catchment-other", fmt.Sprintf("%s is in %s, not near %s", o.ID, o.District, districts), "office", o.ID, "district", o.District, "districts", districts))
	}
	switch {
	case len(n.Languages) == 0:
	case r.Language != "":
		out = append(out, reason("language-match", fmt.Sprintf("counselling in %s is possible", r.Language), "language", r.Language))
	default:
		out = append(out, reason("language-mismatch", fmt.Sprintf("nobody speaks %s here: an interpreter is needed", strings.Join(n.Languages, ", ")), "languages", strings.Join(n.Languages, ", ")))
	}
	if r.topic {
		out = append(out, reason("need-topic", fmt.Sprintf("counsels on %s", n.Topic), "topic", n.Topic))
	}
	if r.womenOnly {
		out = append(out, reason("need-women-only", "has a women-only offer"))
	}
	if c := r.course; c != nil {
		out = append(out, reason("need-course", fmt.Sprintf("a matching course is nearby: %s in %s from %s", c.ID, c.Location.District, c.Start), "course", c.ID, "district", c.Location.District, "start", c.Start.String()))
	}
	switch {
	case r.Capacity == 0:
		out = append(out, reason("capacity-none", "takes no referrals through the coordination office (no capacity set)"))
	case !res.loaded:
	case r.Full:
		out = append(out, reason("capacity-full", fmt.Sprintf("full this month: %d of %d referrals assigned", r.Assigned, r.Capacity), "assigned", strconv.Itoa(r.Assigned), "capacity", strconv.Itoa(r.Capacity)))
	default:
		out = append(out, reason("capacity-room", fmt.Sprintf("room this month: %d of %d referrals assigned", r.Assigned, r.Capacity), "assigned", strconv.Itoa(r.Assigned), "capacity", strconv.Itoa(r.Capacity)))
	}
	r.Reasons = out
	return out
}

// speaks reports whether language l is spoken at an office in a program:
// by one of its advisors in the program or in one of the offers. (It asks
// about one language without building the set of all: the finder ranks
// every office for every language and district, 32 million times at
// national scale.)
func speaks(p *model.Provider, office string, offers []*model.Offer, l string) bool {
	program := offers[0].Program
	for i := range p.Advisors {
		a := &p.Advisors[i]
		if a.Office == office && slices.Contains(a.Languages, l) && slices.Contains(a.Programs, program) {
			return true
		}
	}
	for _, of := range offers {
		if slices.Contains(of.Languages, l) {
			return true
		}
	}
	return false
}

// integrationTypes are the course types of the integration course.
var integrationTypes = []string{model.CourseGeneral, model.CourseLiteracy, model.CourseSecondScript, model.CourseIntensive, model.CourseSupport}

// needsMet counts the needs the office meets into r: an offer on the
// topic, a women-only offer, a matching integration course in or next to
// its district.
func needsMet(dir *model.Directory, o *model.Office, offers []*model.Offer, n Need, opts Options, r *Ranked) {
	if n.Topic != "" && slices.ContainsFunc(offers, func(of *model.Offer) bool { return slices.Contains(of.Topics, n.Topic) }) {
		r.NeedsMet++
		r.topic = true
	}
	if n.WomenOnly && slices.ContainsFunc(offers, func(of *model.Offer) bool { return of.WomenOnly }) {
		r.NeedsMet++
		r.womenOnly = true
	}
	if !n.IntegrationCourse && !n.Literacy && !n.Childcare {
		return
	}
	area := map[string]bool{o.District: true}
	if d := dir.District(o.District); d != nil {
		for _, nb := range d.Neighbours {
			area[nb] = true
		}
	}
	for _, f := range dir.CourseFiles {
		for i := range f.Courses {
			c := &f.Courses[i]
			if !area[c.Location.District] || c.End.Before(opts.Today) || !slices.Contains(integrationTypes, c.Type) {
				continue
			}
			if n.Literacy && c.Type != model.CourseLiteracy && c.Type != model.CourseSecondScript {
				continue
			}
			if (n.Childcare && !c.Childcare) || (n.WomenOnly && !c.WomenOnly) {
				continue
			}
			if c.SeatsFree != nil && *c.SeatsFree == 0 {
				continue
			}
			r.NeedsMet++
			r.course = c
			return
		}
	}
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
