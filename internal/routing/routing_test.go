package routing

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

var today = model.Date{Year: 2026, Month: time.November, Day: 21}

// office describes an office of the fixture in one line.
type office struct {
	id, program, district string
	serves                []string
	langs                 []string
	capacity              int // -1: none set
	topics                []string
	womenOnly             bool
}

// fixture builds a directory of districts a–b–c (a line of neighbours) and
// d (alone), with the offices given, each with one advisor and one offer.
func fixture(offices ...office) *model.Directory {
	dir := &model.Directory{
		Site:      model.Site{DefaultLanguage: "de", Languages: []string{"de"}},
		Languages: []model.Language{{Code: "de"}, {Code: "ar"}, {Code: "uk"}, {Code: "fa"}},
		Districts: []model.District{
			{ID: "a", PostalCodes: []model.PostalCode{"80001", "80002"}, Neighbours: []string{"b"}},
			{ID: "b", PostalCodes: []model.PostalCode{"80002", "80003"}, Neighbours: []string{"a", "c"}},
			{ID: "c", PostalCodes: []model.PostalCode{"80004"}, Neighbours: []string{"b"}},
			{ID: "d", PostalCodes: []model.PostalCode{"80009"}},
		},
		Topics: []model.Topic{{ID: "work"}, {ID: "housing"}},
	}
	p := model.Provider{ID: "p"}
	for _, o := range offices {
		of := model.Office{ID: o.id, District: o.district, Serves: o.serves, Provider: "p"}
		if o.capacity >= 0 {
			of.Capacity = &model.Capacity{ReferralsPerMonth: o.capacity}
		}
		p.Offices = append(p.Offices, of)
		p.Advisors = append(p.Advisors, model.Advisor{ID: "adv-" + o.id, Office: o.id, Programs: []string{o.program}, Languages: append([]string{"de"}, o.langs...)})
		p.Offers = append(p.Offers, model.Offer{ID: "offer-" + o.id, Program: o.program, Offices: []string{o.id}, Topics: o.topics, WomenOnly: o.womenOnly})
	}
	dir.Providers = []model.Provider{p}
	dir.Index()
	return dir
}

func order(r *Result) []string {
	var ids []string
	for _, o := range r.Offices {
		ids = append(ids, o.OfficeID)
	}
	return ids
}

func hasReason(rs []Reason, code string) bool {
	return slices.ContainsFunc(rs, func(r Reason) bool { return r.Code == code })
}

func TestProgram(t *testing.T) {
	tests := []struct {
		need  Need
		opts  Options
		want  string
		field string // error expected on this field
	}{
		{Need{Age: 30}, Options{}, model.ProgramMBE, ""},
		{Need{Age: 27}, Options{}, model.ProgramMBE, ""},
		{Need{Age: 26}, Options{}, model.ProgramJMD, ""},
		{Need{Age: 12}, Options{}, model.ProgramJMD, ""},
		{Need{Age: 11}, Options{}, "", "age"},
		{Need{Age: 130}, Options{}, "", "age"},
		{Need{Age: 26}, Options{YouthMaxAge: 25}, model.ProgramMBE, ""}, // configurable boundary
		{Need{Age: 24}, Options{YouthMaxAge: 25}, model.ProgramJMD, ""},
		{Need{AgeGroup: "young"}, Options{}, model.ProgramJMD, ""},
		{Need{AgeGroup: "adult"}, Options{}, model.ProgramMBE, ""},
		{Need{Age: 40, AgeGroup: "young"}, Options{}, model.ProgramMBE, ""}, // the age wins
		{Need{}, Options{}, "", "age"},
	}
	for _, tt := range tests {
		got, err := Program(tt.need, tt.opts)
		var fe *FieldError
		if tt.field != "" {
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Program(%+v) error = %v, want one on %s", tt.need, err, tt.field)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Program(%+v, %+v) = %q, %v; want %q", tt.need, tt.opts, got, err, tt.want)
		}
	}
}

// TestRules checks each rule and each tie-break in isolation.
func TestRules(t *testing.T) {
	tests := []struct {
		name    string
		offices []office
		need    Need
		load    Load
		want    []string // office ids, best first
		allFull bool
		reason  string // a reason code the winner must carry
	}{
		{
			name: "program decides eligibility",
			offices: []office{
				{id: "mbe-a", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "jmd-a", program: "jmd", district: "a", serves: []string{"a"}, capacity: 10},
			},
			need: Need{Age: 20, District: "a"}, want: []string{"jmd-a"}, reason: "catchment-serves",
		},
		{
			name: "catchment: serves, then nearby, then elsewhere",
			offices: []office{
				{id: "far", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
				{id: "near", program: "mbe", district: "b", serves: []string{"b"}, capacity: 10},
				{id: "serves", program: "mbe", district: "c", serves: []string{"a", "c"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, want: []string{"serves", "near", "far"}, reason: "catchment-serves",
		},
		{
			name: "located in the district counts as nearby",
			offices: []office{
				{id: "far", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
				{id: "in-a", program: "mbe", district: "a", serves: []string{"b"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, want: []string{"in-a", "far"}, reason: "catchment-nearby",
		},
		{
			name: "a shared language ranks above a mismatch",
			offices: []office{
				{id: "ar", program: "mbe", district: "a", serves: []string{"a"}, langs: []string{"ar"}, capacity: 10},
				{id: "uk", program: "mbe", district: "a", serves: []string{"a"}, langs: []string{"uk"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a", Languages: []string{"uk"}}, want: []string{"uk", "ar"}, reason: "language-match",
		},
		{
			name: "any of the person's languages counts",
			offices: []office{
				{id: "ar", program: "mbe", district: "a", serves: []string{"a"}, langs: []string{"ar"}, capacity: 10},
				{id: "none", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a", Languages: []string{"fa", "ar"}}, want: []string{"ar", "none"}, reason: "language-match",
		},
		{
			name: "catchment ranks above language",
			offices: []office{
				{id: "near-uk", program: "mbe", district: "b", serves: []string{"b"}, langs: []string{"uk"}, capacity: 10},
				{id: "serves-ar", program: "mbe", district: "a", serves: []string{"a"}, langs: []string{"ar"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a", Languages: []string{"uk"}}, want: []string{"serves-ar", "near-uk"}, reason: "language-mismatch",
		},
		{
			name: "a needed topic ranks higher among equals",
			offices: []office{
				{id: "housing", program: "mbe", district: "a", serves: []string{"a"}, topics: []string{"housing"}, capacity: 10},
				{id: "work", program: "mbe", district: "a", serves: []string{"a"}, topics: []string{"work"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a", Topic: "work"}, want: []string{"work", "housing"}, reason: "need-topic",
		},
		{
			name: "a women-only offer ranks higher when wanted",
			offices: []office{
				{id: "mixed", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "women", program: "mbe", district: "a", serves: []string{"a"}, womenOnly: true, capacity: 10},
			},
			need: Need{Age: 30, District: "a", WomenOnly: true}, want: []string{"women", "mixed"}, reason: "need-women-only",
		},
		{
			name: "lowest load ratio wins among equals",
			offices: []office{
				{id: "busy", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "quiet", program: "mbe", district: "a", serves: []string{"a"}, capacity: 20},
			},
			need: Need{Age: 30, District: "a"}, load: Load{"busy": 5, "quiet": 6}, want: []string{"quiet", "busy"}, reason: "capacity-room",
		},
		{
			name: "equal ratio: lower absolute load wins",
			offices: []office{
				{id: "big", program: "mbe", district: "a", serves: []string{"a"}, capacity: 20},
				{id: "small", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, load: Load{"big": 10, "small": 5}, want: []string{"small", "big"},
		},
		{
			name: "full tie: the office id decides",
			offices: []office{
				{id: "o-2", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "o-1", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, load: Load{"o-1": 3, "o-2": 3}, want: []string{"o-1", "o-2"},
		},
		{
			name: "a full office is skipped while another has room",
			offices: []office{
				{id: "serves-full", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "far-room", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, load: Load{"serves-full": 10, "far-room": 9}, want: []string{"far-room", "serves-full"}, reason: "capacity-room",
		},
		{
			name: "nobody has room: the least loaded is chosen",
			offices: []office{
				{id: "over", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
				{id: "at", program: "mbe", district: "d", serves: []string{"d"}, capacity: 20},
			},
			need: Need{Age: 30, District: "a"}, load: Load{"over": 12, "at": 20}, want: []string{"at", "over"}, allFull: true, reason: "capacity-full",
		},
		{
			name: "no capacity set: never chosen while another has room",
			offices: []office{
				{id: "none", program: "mbe", district: "a", serves: []string{"a"}, capacity: -1},
				{id: "room", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
			},
			need: Need{Age: 30, District: "a"}, load: Load{}, want: []string{"room", "none"},
		},
		{
			name: "a postal code in two districts counts for both",
			offices: []office{
				{id: "far", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
				{id: "serves-b", program: "mbe", district: "b", serves: []string{"b"}, capacity: 10},
			},
			need: Need{Age: 30, PostalCode: "80002"}, want: []string{"serves-b", "far"}, reason: "catchment-serves",
		},
		{
			name: "no district: only language, needs and load decide",
			offices: []office{
				{id: "b", program: "mbe", district: "d", serves: []string{"d"}, capacity: 10},
				{id: "a", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
			},
			need: Need{Age: 30}, load: Load{"a": 5, "b": 1}, want: []string{"b", "a"}, reason: "catchment-unknown",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixture(tt.offices...)
			res, err := Route(dir, tt.need, tt.load, Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			if got := order(res); !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v", got, tt.want)
			}
			if res.AllFull != tt.allFull {
				t.Errorf("AllFull = %v", res.AllFull)
			}
			if tt.allFull && !hasReason(res.Reasons, "all-full") {
				t.Errorf("the result does not say that every office is full: %v", res.Reasons)
			}
			if tt.reason != "" && !hasReason(res.Offices[0].Reasons, tt.reason) {
				t.Errorf("winner's reasons %v lack %s", res.Offices[0].Reasons, tt.reason)
			}
			if !hasReason(res.Reasons, "program") {
				t.Errorf("no program reason")
			}
			for _, o := range res.Offices {
				for _, r := range o.Reasons {
					if r.Text == "" || r.Code == "" {
						t.Errorf("empty reason on %s", o.OfficeID)
					}
				}
			}
			// Deterministic: the same input in another order gives the same result.
			rev := slices.Clone(tt.offices)
			slices.Reverse(rev)
			res2, _ := Route(fixture(rev...), tt.need, tt.load, Options{Today: today})
			if !slices.Equal(order(res2), order(res)) {
				t.Errorf("order depends on the input order: %v vs %v", order(res2), order(res))
			}
		})
	}
}

func TestCourseNeeds(t *testing.T) {
	dir := fixture(
		office{id: "a", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10},
		office{id: "c", program: "mbe", district: "c", serves: []string{"a"}, capacity: 10},
	)
	seats, none := 3, 0
	dir.CourseFiles = []model.CourseFile{{Provider: model.CourseProvider{ID: "vhs"}, Courses: []model.Course{
		{ID: "alpha-c", Type: model.CourseLiteracy, Childcare: true, End: model.Date{Year: 2027, Month: 6, Day: 1}, Location: model.CourseLocation{District: "c"}, SeatsFree: &seats},
		{ID: "alpha-a-full", Type: model.CourseLiteracy, Childcare: true, End: model.Date{Year: 2027, Month: 6, Day: 1}, Location: model.CourseLocation{District: "a"}, SeatsFree: &none},
		{ID: "alpha-a-ended", Type: model.CourseLiteracy, Childcare: true, End: model.Date{Year: 2026, Month: 6, Day: 1}, Location: model.CourseLocation{District: "a"}},
		{ID: "general-a", Type: model.CourseGeneral, Location: model.CourseLocation{District: "a"}, End: model.Date{Year: 2027, Month: 6, Day: 1}},
	}}}
	dir.Index()
	tests := []struct {
		need Need
		want []string
	}{
		{Need{Age: 30, District: "a", Literacy: true, Childcare: true}, []string{"c", "a"}}, // only c has an open, running literacy course with childcare nearby
		{Need{Age: 30, District: "a", IntegrationCourse: true}, []string{"a", "c"}},         // both have one: the id decides
	}
	for _, tt := range tests {
		res, err := Route(dir, tt.need, nil, Options{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if got := order(res); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: order %v, want %v", tt.need, got, tt.want)
		}
	}
}

// TestUnexplained routes needs of every kind with and without the
// offices' reasons: the order is the same, an unexplained office has none
// until asked, and Explain words exactly what Route would have.
func TestUnexplained(t *testing.T) {
	dir := fixture(
		office{id: "a", program: "mbe", district: "a", serves: []string{"a"}, capacity: 2, topics: []string{"work"}},
		office{id: "b", program: "mbe", district: "b", langs: []string{"ar"}, capacity: 10, womenOnly: true},
		office{id: "c", program: "mbe", district: "c", serves: []string{"a", "c"}, capacity: -1},
		office{id: "d", program: "mbe", district: "d", langs: []string{"uk"}, capacity: 0},
		office{id: "y", program: "jmd", district: "a", serves: []string{"b"}, capacity: 5},
	)
	dir.CourseFiles = []model.CourseFile{{Provider: model.CourseProvider{ID: "vhs"}, Courses: []model.Course{
		{ID: "alpha-b", Type: model.CourseLiteracy, Childcare: true, WomenOnly: true, End: model.Date{Year: 2027, Month: 6, Day: 1}, Location: model.CourseLocation{District: "b"}},
	}}}
	dir.Index()
	needs := []Need{
		{Age: 30},
		{Age: 30, District: "a", Languages: []string{"ar", "uk"}, Topic: "work"},
		{Age: 40, PostalCode: "80002", WomenOnly: true, Literacy: true, Childcare: true},
		{AgeGroup: "adult", District: "d", Languages: []string{"fa"}, IntegrationCourse: true},
		{Age: 20, District: "b"},
	}
	for _, n := range needs {
		for _, load := range []Load{nil, {}, {"a": 2, "b": 3, "y": 9}} {
			want, err := Route(dir, n, load, Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Route(dir, n, load, Options{Today: today, Unexplained: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(order(got), order(want)) {
				t.Errorf("%+v, load %v: order %v unexplained, %v explained", n, load, order(got), order(want))
				continue
			}
			for i := range got.Offices {
				if got.Offices[i].Reasons != nil {
					t.Errorf("%+v: %s has reasons unexplained", n, got.Offices[i].OfficeID)
				}
				if r := got.Explain(i); !reflect.DeepEqual(r, want.Offices[i].Reasons) || len(r) == 0 {
					t.Errorf("%+v, load %v, %s: explained later %v, by Route %v", n, load, got.Offices[i].OfficeID, r, want.Offices[i].Reasons)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v, load %v: results differ once explained", n, load)
			}
		}
	}
}

func TestInvalidNeeds(t *testing.T) {
	dir := fixture(office{id: "a", program: "mbe", district: "a", serves: []string{"a"}, capacity: 10})
	tests := []struct {
		need  Need
		field string
	}{
		{Need{Age: 30, District: "x"}, "district"},
		{Need{Age: 30, PostalCode: "12345"}, "postal_code"},
		{Need{Age: 30, Languages: []string{"xx"}}, "languages"},
		{Need{Age: 30, Topic: "nope"}, "topic"},
		{Need{District: "a"}, "age"},
	}
	for _, tt := range tests {
		_, err := Route(dir, tt.need, nil, Options{})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Error(), tt.field) {
			t.Errorf("Route(%+v) = %v, want an error on %s", tt.need, err, tt.field)
		}
	}
	if _, err := Route(dir, Need{Age: 20, District: "a"}, nil, Options{}); !errors.Is(err, ErrNoOffice) {
		t.Errorf("no JMD office: err = %v", err)
	}
}

// BenchmarkRoute routes one need over the example-sized fixture.
func BenchmarkRoute(b *testing.B) {
	var offices []office
	for i := range 40 {
		offices = append(offices, office{id: "o" + string(rune('a'+i%26)) + string(rune('a'+i/26)), program: "mbe", district: "a", serves: []string{"a", "b"}, langs: []string{"ar"}, capacity: 20})
	}
	dir := fixture(offices...)
	load := Load{}
	for _, opts := range []Options{{}, {Unexplained: true}} {
		b.Run(fmt.Sprintf("unexplained=%v", opts.Unexplained), func(b *testing.B) {
			for b.Loop() {
				Route(dir, Need{Age: 30, District: "b", Languages: []string{"uk", "ar"}}, load, opts)
			}
		})
	}
}

// BenchmarkRouteNational routes one finder need (age group, district,
// language; unexplained) over a directory shaped like the national
// benchmark data: 2,000 offices of 700 providers in 400 districts, five
// advisors per office. The finder ranks every office like this for every
// language and district, keeping the best three (top=3; go test -bench
// RouteNational ./internal/routing).
func BenchmarkRouteNational(b *testing.B) {
	dir := &model.Directory{Site: model.Site{DefaultLanguage: "de", Languages: []string{"de"}}}
	langs := []string{"de", "ar", "uk", "fa", "tr", "ru", "en", "ti", "so", "prs"}
	for _, l := range langs {
		dir.Languages = append(dir.Languages, model.Language{Code: l})
	}
	for d := range 400 {
		dir.Districts = append(dir.Districts, model.District{ID: fmt.Sprintf("d%03d", d), Neighbours: []string{fmt.Sprintf("d%03d", (d+1)%400)}})
	}
	n := 0
	for i := range 700 {
		p := model.Provider{ID: fmt.Sprintf("p%03d", i)}
		for range 3 {
			if n == 2000 {
				break
			}
			id := fmt.Sprintf("o%04d", n)
			program := []string{model.ProgramMBE, model.ProgramJMD}[n%2]
			p.Offices = append(p.Offices, model.Office{ID: id, Provider: p.ID, District: fmt.Sprintf("d%03d", n%400), Serves: []string{fmt.Sprintf("d%03d", n%400), fmt.Sprintf("d%03d", (n+7)%400)}, Capacity: &model.Capacity{ReferralsPerMonth: 10 + n%20}})
			for a := range 5 {
				p.Advisors = append(p.Advisors, model.Advisor{ID: fmt.Sprintf("a%d-%d", n, a), Office: id, Programs: []string{program}, Languages: []string{"de", langs[(n+a)%len(langs)]}})
			}
			p.Offers = append(p.Offers, model.Offer{ID: "offer-" + id, Program: program, Offices: []string{id}})
			n++
		}
		dir.Providers = append(dir.Providers, p)
	}
	dir.Index()
	need := Need{AgeGroup: "adult", District: "d123", Languages: []string{"ti"}}
	if _, err := Route(dir, need, nil, Options{Unexplained: true}); err != nil {
		b.Fatal(err)
	}
	for _, top := range []int{0, 3} {
		b.Run(fmt.Sprintf("top=%d", top), func(b *testing.B) {
			for b.Loop() {
				Route(dir, need, nil, Options{Unexplained: true, Top: top})
			}
		})
	}
}

// TestTop: with Options.Top, Route gives the first Top offices of the
// full ranking, in its order, for needs with and without load, language,
// topic and district, over offices that tie in every rule but their id
// (and, twice, in their id too: the stable order of the directory decides).
func TestTop(t *testing.T) {
	var offices []office
	districts := []string{"a", "b", "c", "d"}
	langs := []string{"ar", "uk", "fa"}
	for i := range 30 {
		offices = append(offices, office{
			id: fmt.Sprintf("o%02d", (i*7)%30), program: "mbe", district: districts[i%4],
			serves: []string{districts[(i/4)%4]}, langs: langs[:i%4], capacity: []int{-1, 0, 5, 10}[i%4],
			topics: [][]string{nil, {"work"}}[i%2], womenOnly: i%5 == 0,
		})
	}
	offices = append(offices, offices[3], offices[11]) // the same id twice
	offices[len(offices)-1].langs = nil
	dir := fixture(offices...)
	loads := []Load{nil, {"o01": 5, "o02": 10, "o07": 3, "o14": 1}}
	needs := []Need{
		{Age: 30},
		{Age: 30, District: "b"},
		{Age: 30, District: "c", Languages: []string{"fa", "ar"}},
		{Age: 40, District: "d", Languages: []string{"uk"}, Topic: "work"},
		{Age: 40, Languages: []string{"ar"}, WomenOnly: true},
	}
	for _, load := range loads {
		for _, n := range needs {
			all, err := Route(dir, n, load, Options{Unexplained: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, top := range []int{1, 2, 3, 7, 40} {
				got, err := Route(dir, n, load, Options{Unexplained: true, Top: top})
				if err != nil {
					t.Fatal(err)
				}
				want := all.Offices[:min(top, len(all.Offices))]
				if !slices.EqualFunc(got.Offices, want, func(a, b Ranked) bool { return a.Office == b.Office && a.OfficeID == b.OfficeID }) {
					t.Errorf("%+v, load %v, top %d: %v, want %v", n, load, top, order(got), order(&Result{Offices: want}))
				}
				if got.AllFull != all.AllFull {
					t.Errorf("%+v, load %v, top %d: AllFull %v, want %v", n, load, top, got.AllFull, all.AllFull)
				}
			}
		}
	}
}
