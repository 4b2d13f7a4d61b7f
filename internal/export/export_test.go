package export

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-vcard"

	"github.com/wegweiser-de/wegweiser/internal/holidays"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/testtools"
)

var today = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func example(t *testing.T) *model.Directory {
	t.Helper()
	d, problems := load.Load(os.DirFS("../.."), load.Options{Now: today})
	if d == nil {
		t.Fatal(problems)
	}
	return d
}

func TestAdvisorsCSV(t *testing.T) {
	d := example(t)
	for _, tt := range []struct {
		excel, internal bool
		comma           rune
		cols            int
	}{{true, false, ';', 10}, {false, false, ',', 10}, {true, true, ';', 14}} {
		b := AdvisorsCSV(d, tt.excel, tt.internal)
		if tt.excel != bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Errorf("excel=%v: byte order mark %v", tt.excel, bytes.HasPrefix(b, []byte("\uFEFF")))
		}
		if !bytes.Contains(b, []byte("\r\n")) {
			t.Errorf("lines do not end in CRLF")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
		r.Comma = tt.comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("excel=%v: %v", tt.excel, err)
		}
		if len(rows) != len(Advisors(d))+1 || len(rows[0]) != tt.cols || rows[0][0] != "Name" || rows[0][9] != "Sprechzeiten" {
			t.Errorf("excel=%v internal=%v: %d rows, header %v", tt.excel, tt.internal, len(rows), rows[0])
		}
		// A row holds what the directory says, umlauts intact.
		a := Advisors(d)[0]
		if row := rows[1]; row[0] != a.Name || row[6] != string(a.Phone) || !strings.Contains(row[8], "München") {
			t.Errorf("first row %v for %s", row, a.Name)
		}
	}
}

func TestVCards(t *testing.T) {
	d := example(t)
	cards := 0
	dec := vcard.NewDecoder(bytes.NewReader(AllVCards(d)))
	var advisor vcard.Card
	for {
		c, err := dec.Decode()
		if err != nil {
			break
		}
		cards++
		if c.Value(vcard.FieldVersion) != "4.0" || c.Value(vcard.FieldFormattedName) == "" || c.Value(vcard.FieldUID) == "" {
			t.Errorf("card without version, name or UID: %v", c)
		}
		if strings.HasPrefix(c.Value(vcard.FieldUID), "urn:wegweiser:advisor:") && advisor == nil {
			advisor = c
		}
	}
	offices := 0
	for _, p := range d.Providers {
		offices += len(p.Offices)
	}
	if cards != offices+len(Advisors(d)) {
		t.Errorf("%d cards for %d offices and %d advisors", cards, offices, len(Advisors(d)))
	}
	a := Advisors(d)[0]
	if advisor.Value(vcard.FieldFormattedName) != a.Name || !strings.HasPrefix(advisor.Value(vcard.FieldTelephone), "tel:+49") ||
		advisor.Value(vcard.FieldEmail) != string(a.Email) || len(advisor[vcard.FieldLanguage]) != len(a.Languages) {
		t.Errorf("advisor card: %v", advisor)
	}
	o := &d.Providers[0].Offices[0]
	c, err := vcard.NewDecoder(bytes.NewReader(OfficeVCard(d, o))).Decode()
	if err != nil || c.Kind() != vcard.KindOrganization || c.Address().PostalCode != string(o.Address.PostalCode) || !strings.HasPrefix(c.Value(vcard.FieldGeolocation), "geo:48.") {
		t.Errorf("office card: %v %v", c, err)
	}
}

// TestICalRecurrence expands the weekly hours of an office and checks the
// weekdays and times of each occurrence, and that closures are left out.
func TestICalRecurrence(t *testing.T) {
	d := example(t)
	o := d.Office("caritas-mbe-maxvorstadt") // Mo 13–17 open; Tu, We, Th 9–12 by appointment; closed 24 Dec – 6 Jan
	b, err := OfficeICal(d, o, today, "wegweiser.example.org")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("does not parse: %v\n%s", err, b)
	}
	loc, _ := time.LoadLocation(Zone)
	events := cal.Events()
	if len(events) != len(o.Hours) {
		t.Fatalf("%d events for %d slots", len(events), len(o.Hours))
	}
	for i, ev := range events {
		h := o.Hours[i]
		set, err := ev.RecurrenceSet(loc)
		if err != nil || set == nil {
			t.Fatalf("event %d: recurrence: %v", i, err)
		}
		occ := set.Between(time.Date(2026, 11, 16, 0, 0, 0, 0, loc), time.Date(2027, 1, 31, 0, 0, 0, 0, loc), true)
		if len(occ) == 0 {
			t.Fatalf("event %d has no occurrences", i)
		}
		for _, when := range occ {
			when = when.In(loc)
			if !h.OnDay(when.Weekday()) {
				t.Errorf("event %d occurs on %s, a %s", i, when.Format(time.DateOnly), when.Weekday())
			}
			if when.Hour()*60+when.Minute() != int(h.From) {
				t.Errorf("event %d starts at %s, want %s", i, when.Format("15:04"), h.From)
			}
			if d := model.DateOf(when); !d.Before(model.Date{Year: 2026, Month: 12, Day: 24}) && !(model.Date{Year: 2027, Month: 1, Day: 6}).Before(d) {
				t.Errorf("event %d occurs on %s, during the closure", i, d)
			}
			if when.Before(time.Date(2026, 11, 16, 0, 0, 0, 0, loc)) {
				t.Errorf("occurrence before the first week: %s", when)
			}
		}
		// Three slots a week for the Tu–Th slot, one for Monday: in ten weeks less the closure.
		wantPerWeek := len(h.Days)
		if len(occ) < 8*wantPerWeek || len(occ) > 11*wantPerWeek {
			t.Errorf("event %d: %d occurrences between mid-November and January", i, len(occ))
		}
		start, _ := ev.DateTimeStart(loc)
		end, _ := ev.DateTimeEnd(loc)
		if end.Sub(start) != time.Duration(h.To-h.From)*time.Minute {
			t.Errorf("event %d lasts %s", i, end.Sub(start))
		}
	}
	if !bytes.Contains(b, []byte("BEGIN:VTIMEZONE")) || !bytes.Contains(b, []byte("TZID=Europe/Berlin")) {
		t.Errorf("no time zone")
	}
	if !slices.ContainsFunc(events, func(e ical.Event) bool {
		s, _ := e.Props.Text(ical.PropSummary)
		return strings.HasPrefix(s, "Offene Sprechstunde")
	}) {
		t.Errorf("no walk-in event")
	}
}

// TestCSVInjection: cells a spreadsheet would take for formulas come out
// as text in every CSV the project writes (OWASP: a leading apostrophe).
func TestCSVInjection(t *testing.T) {
	d := example(t)
	a := Advisors(d)[0]
	hostile := map[string]string{
		`=HYPERLINK("http://evil.example","Klick")`: "name",
		"@SUM(1+1)*cmd|' /C calc'!A0":               "note",
		"+49 89 1234-567":                           "phone",
		"-2+3+cmd|' /C calc'!A0":                    "e-mail",
		"\t=1+1":                                    "provider",
		"\r=1+1":                                    "office",
	}
	// The directory is the test's own: make the first advisor hostile.
	for v, where := range hostile {
		switch where {
		case "name":
			a.Name = v
		case "note":
			a.Internal = &model.Internal{Note: model.Text{"de": v}}
		case "phone":
			a.Phone = model.Phone(v)
		case "e-mail":
			a.Email = model.Email(v)
		case "provider":
			d.Provider(a.Provider).Name = model.Text{"de": v}
		case "office":
			d.Office(a.Office).Name = model.Text{"de": v}
		}
	}
	for _, excel := range []bool{true, false} {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(AdvisorsCSV(d, excel, true), []byte("\uFEFF"))))
		if excel {
			r.Comma = ';'
		}
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{} // Go's CSV writer drops a lone CR (with CRLF line ends)
		for v := range hostile {
			want[strings.ReplaceAll(v, "\r", "")] = true
		}
		found := map[string]bool{}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("excel=%v: cell %q starts a formula", excel, cell)
				}
				if want[strings.TrimPrefix(cell, "'")] && strings.HasPrefix(cell, "'") {
					found[cell] = true
				}
			}
		}
		if len(found) != len(hostile) {
			t.Errorf("excel=%v: found %d of the %d hostile cells, neutralised: %v", excel, len(found), len(hostile), found)
		}
	}
}

// TestICalStrict checks every office calendar of the example with a strict
// iCalendar parser (tests/browser/ical.mjs, on Mozilla's ical.js): value
// types as RFC 5545 defines them (TZOFFSETFROM is a UTC-OFFSET, not TEXT),
// folded lines, required properties, working time zones.
func TestICalStrict(t *testing.T) {
	node, dir := testtools.Node(t, "ical.js")
	d := example(t)
	tmp := t.TempDir()
	args := []string{filepath.Join(dir, "ical.mjs")}
	for _, p := range d.Providers {
		for i := range p.Offices {
			b, err := OfficeICal(d, &p.Offices[i], today, "example.org")
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(tmp, p.Offices[i].ID+".ics")
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, name)
		}
	}
	courses := 0
	for _, f := range d.CourseFiles {
		for i := range f.Courses {
			b, err := CourseICal(d, &f.Courses[i], today, "example.org")
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(tmp, "course-"+f.Courses[i].ID+".ics")
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, name)
			courses++
		}
	}
	if len(args) < 20 || courses < 10 {
		t.Fatalf("only %d calendars, %d of courses", len(args)-1, courses)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("strict parser: %v\n%s", err, out)
	}
}

// TestICalHolidays: the office's hours are not held on the public holidays
// of its Land (Bayern in the example): Ascension Day 2027 is a Thursday of
// the Tu–Th slot, Easter Monday 2027 a Monday of the Monday slot.
func TestICalHolidays(t *testing.T) {
	d := example(t)
	o := d.Office("caritas-mbe-maxvorstadt")
	b, err := OfficeICal(d, o, today, "wegweiser.example.org")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(Zone)
	held := map[string]bool{}
	for _, ev := range cal.Events() {
		set, err := ev.RecurrenceSet(loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, when := range set.Between(time.Date(2027, 3, 1, 0, 0, 0, 0, loc), time.Date(2027, 6, 1, 0, 0, 0, 0, loc), true) {
			held[when.In(loc).Format(time.DateOnly)] = true
		}
	}
	for _, day := range []string{"2027-05-06", "2027-03-29"} {
		if held[day] {
			t.Errorf("the hours are held on the public holiday %s", day)
		}
	}
	for _, day := range []string{"2027-05-04", "2027-03-22"} {
		if !held[day] {
			t.Errorf("the hours are not held on the working day %s", day)
		}
	}
}

// TestCourseICal expands a course's calendar: it meets on its days from
// its first meeting to its end, at its time, and not on public holidays.
func TestCourseICal(t *testing.T) {
	d := example(t)
	loc, _ := time.LoadLocation(Zone)
	checked := 0
	for _, f := range d.CourseFiles {
		for i := range f.Courses {
			c := &f.Courses[i]
			b, err := CourseICal(d, c, today, "example.org")
			if err != nil {
				t.Fatal(err)
			}
			cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			ev := cal.Events()
			if len(ev) != 1 {
				t.Fatalf("%s: %d events", c.ID, len(ev))
			}
			// Stamped with the day it was made, not the instant: made
			// again the same day, the file is the same.
			if got, err := ev[0].Props.DateTime(ical.PropDateTimeStamp, time.UTC); err != nil || !got.Equal(model.DateOf(today).Time()) {
				t.Errorf("%s: DTSTAMP %v (%v), want the day %s", c.ID, got, err, model.DateOf(today))
			}
			if again, _ := CourseICal(d, c, today.Add(time.Hour), "example.org"); !bytes.Equal(again, b) {
				t.Errorf("%s: the calendar made an hour later differs", c.ID)
			}
			set, err := ev[0].RecurrenceSet(loc)
			if err != nil {
				t.Fatal(err)
			}
			occ := set.Between(c.Start.Time().AddDate(0, 0, -7), c.End.Time().AddDate(0, 0, 7), true)
			// The meetings a person counts: each course day between start
			// and end that is not a public holiday.
			want := 0
			for day := c.Start; !c.End.Before(day); day = model.DateOf(day.Time().AddDate(0, 0, 1)) {
				if slices.Contains(c.Schedule.Days, day.Time().Weekday()) && !isHoliday(day) {
					want++
				}
			}
			if len(occ) != want {
				t.Errorf("%s: %d meetings, want %d", c.ID, len(occ), want)
			}
			for _, when := range occ {
				when = when.In(loc)
				day := model.DateOf(when)
				if day.Before(c.Start) || c.End.Before(day) || isHoliday(day) || when.Hour()*60+when.Minute() != int(c.Schedule.From) {
					t.Errorf("%s meets on %s", c.ID, when)
				}
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d courses", checked)
	}
}

func isHoliday(d model.Date) bool {
	for _, h := range holidays.In("BY", d.Year) {
		if h.Date == d {
			return true
		}
	}
	return false
}
