package export

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zone database
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/wegweiser-de/wegweiser/internal/holidays"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Zone is the time zone of consultation hours.
const Zone = "Europe/Berlin"

// zone loads Zone once: time.LoadLocation reads and parses the zone data
// on every call, a quarter of a second for the 25,000 calendars of a
// national site.
var zone = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation(Zone) })

// vtimezone describes Europe/Berlin (CET/CEST, EU rules) for calendars that
// do not know the zone by name.
func vtimezone() *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, Zone)
	for _, r := range []struct{ name, from, to, tzname, start, rule string }{
		{ical.CompTimezoneDaylight, "+0100", "+0200", "CEST", "19700329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"},
		{ical.CompTimezoneStandard, "+0200", "+0100", "CET", "19701025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"},
	} {
		c := ical.NewComponent(r.name)
		// Set as they are: SetText would mark the UTC-OFFSET values as
		// TEXT (VALUE=TEXT), which RFC 5545 §3.3.14 does not allow.
		for _, p := range [][2]string{{ical.PropTimezoneOffsetFrom, r.from}, {ical.PropTimezoneOffsetTo, r.to},
			{ical.PropDateTimeStart, r.start}, {ical.PropRecurrenceRule, r.rule}} {
			prop := ical.NewProp(p[0])
			prop.Value = p[1]
			c.Props.Set(prop)
		}
		c.Props.SetText(ical.PropTimezoneName, r.tzname)
		tz.Children = append(tz.Children, c)
	}
	return tz
}

// stamp is an event's DTSTAMP for a calendar made at now: the day, not
// the instant (RFC 5545, 3.8.7.2: in a calendar without METHOD, when its
// information was last revised). A calendar made again the same day from
// the same data is then byte for byte the same, and a build keeps it
// instead of making it again (exportKeeper in internal/build).
func stamp(now time.Time) time.Time { return model.DateOf(now).Time() }

var kindSummary = map[string]string{
	model.HoursOpen:        "Offene Sprechstunde",
	model.HoursAppointment: "Beratung nach Terminvereinbarung",
	model.HoursPhone:       "Telefonsprechstunde",
}

// OfficeICal returns the consultation hours of an office as an iCalendar
// file: one weekly recurring event per slot, starting in the week of from,
// with the office's closures and the public holidays of the next year in
// the site's Land left out as exceptions.
func OfficeICal(d *model.Directory, o *model.Office, from time.Time, host string) ([]byte, error) {
	cal, loc, state, err := newCalendar(d, "Sprechzeiten", text(d, o.Name))
	if err != nil {
		return nil, err
	}
	y, m, dd := from.In(loc).Date()
	monday := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	address := fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City)
	for i, h := range o.Hours {
		if len(h.Days) == 0 {
			continue
		}
		// The first day of the week from monday on that the slot is held.
		first := monday
		for !h.OnDay(first.Weekday()) {
			first = first.AddDate(0, 0, 1)
		}
		at := func(day time.Time, c model.Clock) time.Time {
			return time.Date(day.Year(), day.Month(), day.Day(), int(c)/60, int(c)%60, 0, 0, loc)
		}
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("%s-%d@%s", o.ID, i+1, host))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp(from))
		ev.Props.SetDateTime(ical.PropDateTimeStart, at(first, h.From))
		ev.Props.SetDateTime(ical.PropDateTimeEnd, at(first, h.To))
		var days []string
		for _, wd := range h.Days {
			days = append(days, strings.ToUpper(model.WeekdayCode(wd)))
		}
		rule := ical.NewProp(ical.PropRecurrenceRule)
		rule.Value = "FREQ=WEEKLY;BYDAY=" + strings.Join(days, ",")
		ev.Props.Set(rule)
		ev.Props.SetText(ical.PropSummary, kindSummary[h.Kind]+": "+text(d, o.Name))
		ev.Props.SetText(ical.PropLocation, address)
		var desc []string
		if n := text(d, h.Note); n != "" {
			desc = append(desc, n)
		}
		if u := string(h.BookingURL); u != "" {
			desc = append(desc, "Termin buchen: "+u)
		} else if u := string(o.BookingURL); u != "" && h.Kind == model.HoursAppointment {
			desc = append(desc, "Termin buchen: "+u)
		}
		if o.Phone != "" {
			desc = append(desc, "Telefon: "+string(o.Phone))
		}
		ev.Props.SetText(ical.PropDescription, strings.Join(desc, "\n"))
		// Closures and public holidays: every slot day inside one is an
		// exception.
		closures := slices.Clone(o.Closures)
		for _, hd := range holidays.Between(state, model.DateOf(from), model.DateOf(from.AddDate(1, 0, 0))) {
			closures = append(closures, model.Closure{From: hd.Date, To: hd.Date})
		}
		for _, c := range closures {
			for day := c.From.Time(); !day.After(c.To.Time()); day = day.AddDate(0, 0, 1) {
				local := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
				if h.OnDay(local.Weekday()) && !local.Before(first) {
					ex := ical.NewProp(ical.PropExceptionDates)
					ex.SetDateTime(at(local, h.From))
					ev.Props.Add(ex)
				}
			}
		}
		cal.Children = append(cal.Children, ev.Component)
	}
	return encodeCalendar(cal)
}

// foldLines folds the CRLF-separated content lines of an iCalendar or
// vCard file that are longer than 75 octets, as RFC 5545 §3.1 and RFC 6350
// §3.2 ask: a line is broken before the 76th octet (never inside a UTF-8
// character) and continues on the next line after one space.
func foldLines(b []byte) []byte {
	const max = 75
	var out bytes.Buffer
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\r\n"))
		b = rest
		width := max
		for len(line) > width {
			i := width
			for i > 0 && !utf8.RuneStart(line[i]) {
				i--
			}
			out.Write(line[:i])
			out.WriteString("\r\n ")
			line = line[i:]
			width = max - 1 // the space counts
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// CourseICal returns a course's meetings as an iCalendar file: one weekly
// event from its first meeting day to its end, at its place, with the
// public holidays of the site's Land left out as exceptions (courses do
// not meet on them).
func CourseICal(d *model.Directory, c *model.Course, now time.Time, host string) ([]byte, error) {
	cal, loc, state, err := newCalendar(d, "Kurse", text(d, c.Title))
	if err != nil {
		return nil, err
	}
	at := func(day model.Date, clock model.Clock) time.Time {
		return time.Date(day.Year, day.Month, day.Day, int(clock)/60, int(clock)%60, 0, 0, loc)
	}
	onDay := func(day model.Date) bool {
		return slices.Contains(c.Schedule.Days, model.Weekday(day.Time().Weekday()))
	}
	first := c.Start
	for !onDay(first) && !c.End.Before(first) {
		first = model.DateOf(first.Time().AddDate(0, 0, 1))
	}
	if c.End.Before(first) || len(c.Schedule.Days) == 0 {
		return nil, fmt.Errorf("course %s meets on none of its days between %s and %s", c.ID, c.Start, c.End)
	}
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, "course-"+c.ID+"@"+host)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp(now))
	ev.Props.SetDateTime(ical.PropDateTimeStart, at(first, c.Schedule.From))
	ev.Props.SetDateTime(ical.PropDateTimeEnd, at(first, c.Schedule.To))
	var days []string
	for _, wd := range c.Schedule.Days {
		days = append(days, strings.ToUpper(model.WeekdayCode(wd)))
	}
	rule := ical.NewProp(ical.PropRecurrenceRule)
	// UNTIL in UTC, as RFC 5545 asks when the start has a time zone: the
	// end of the last day.
	rule.Value = "FREQ=WEEKLY;BYDAY=" + strings.Join(days, ",") + ";UNTIL=" + at(c.End, 24*60-1).UTC().Format("20060102T150405Z")
	ev.Props.Set(rule)
	ev.Props.SetText(ical.PropSummary, text(d, c.Title))
	ev.Props.SetText(ical.PropLocation, fmt.Sprintf("%s, %s %s", c.Location.Street, c.Location.PostalCode, c.Location.City))
	var desc []string
	if r := c.Registration; r != nil {
		if r.Phone != "" {
			desc = append(desc, "Anmeldung: "+string(r.Phone))
		}
		if r.URL != "" {
			desc = append(desc, "Anmeldung: "+string(r.URL))
		}
	}
	ev.Props.SetText(ical.PropDescription, strings.Join(desc, "\n"))
	for _, h := range holidays.Between(state, first, c.End) {
		if onDay(h.Date) {
			ex := ical.NewProp(ical.PropExceptionDates)
			ex.SetDateTime(at(h.Date, c.Schedule.From))
			ev.Props.Add(ex)
		}
	}
	cal.Children = append(cal.Children, ev.Component)
	return encodeCalendar(cal)
}

// newCalendar starts a calendar of the site: its product id names what it
// holds (Sprechzeiten, Kurse), name is its title; it returns the time zone
// of its events and the site's Land, for the public holidays.
func newCalendar(d *model.Directory, what, name string) (*ical.Calendar, *time.Location, string, error) {
	loc, err := zone()
	if err != nil {
		return nil, nil, "", err
	}
	state, _ := holidays.State(d.Site.State)
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//Wegweiser//"+what+"//DE")
	cal.Props.SetText("X-WR-CALNAME", name)
	cal.Props.SetText("X-WR-TIMEZONE", Zone)
	cal.Children = append(cal.Children, vtimezone())
	return cal, loc, state, nil
}

// encodeCalendar writes a calendar with its long lines folded.
func encodeCalendar(cal *ical.Calendar) ([]byte, error) {
	var b bytes.Buffer
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		return nil, err
	}
	return foldLines(b.Bytes()), nil
}
