package render

import (
	"strconv"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// CourseView is what the course page and the course card show of a
// course, computed in Go in the page's language: the templates only lay it
// out, and html/template escapes every value as it writes it. A national
// site has 160,000 course pages and as many cards in every language; a
// template that computed these values itself (a hundred actions, each a
// reflective call) took a third of a national build.
type CourseView struct {
	L           *CourseLabels // the page's interface strings
	Course      *model.Course
	CoursesURL  string    // the list of all courses
	URL         string    // the course page
	Title       Localized // the course's title
	Provider    Localized // the course provider's name; S "" when unknown
	Description Localized // S "" when the course has none
	TypeURL     string    // the list of courses of its type
	TypeName    string
	Units       string // "700 Unterrichtseinheiten"; "" when not given
	Dates       string // first and last day
	Days        string // the weekdays
	Time        string // the hours, e.g. "08:30–11:45"
	Address     string // street, postal code and city on one line
	DistrictURL string
	District    Localized // S "" when the place is in no district of the site
	MapURL      string
	ICalURL     string // the course's dates for a calendar
	Seats       Seats
	// The tags: their labels, "" where they do not apply.
	Childcare  string // "with childcare"
	WomenOnly  string // "women only"
	SeatsLabel string // "5 places free", "full"; "" when not known
}

// Tags reports whether the course has a tag to show.
func (c CourseView) Tags() bool { return c.Childcare != "" || c.WomenOnly != "" || c.SeatsLabel != "" }

// Course returns the view of a course in the page's language.
func (v *View) Course(c *model.Course) CourseView {
	cv := CourseView{
		L:          v.courseLabels(),
		Course:     c,
		CoursesURL: v.URL("courses/"),
		URL:        v.URL("courses/" + c.ID + "/"),
		Title:      v.Text(c.Title),
		TypeURL:    v.URL("courses/types/" + c.Type + "/"),
		TypeName:   v.T("course_type_" + c.Type),
		Dates:      v.T("course_dates", "start", v.Date(c.Start), "end", v.Date(c.End)),
		Days:       v.Days(c.Schedule.Days),
		Time:       v.TimeRange(c.Schedule.From, c.Schedule.To),
		Address:    addressLine(c.Location.Street, c.Location.PostalCode, c.Location.City),
		MapURL:     v.MapURL(c.Location.Geo, c.Location.Street, c.Location.PostalCode, c.Location.City),
		ICalURL:    v.ExportURL("ical/course-" + c.ID + ".ics"),
		Seats:      v.Seats(c),
	}
	if c.Childcare {
		cv.Childcare = v.T("childcare")
	}
	if c.WomenOnly {
		cv.WomenOnly = v.T("women_only")
	}
	switch {
	case cv.Seats.Full:
		cv.SeatsLabel = v.T("seats_full")
	case cv.Seats.Known:
		cv.SeatsLabel = v.T("seats_free", "n", cv.Seats.N)
	}
	if p := v.CourseProvider(c); p != nil {
		cv.Provider = v.Name(p.Name)
	}
	if len(c.Description) > 0 {
		cv.Description = v.Text(c.Description)
	}
	if c.Units != 0 {
		cv.Units = v.T("units_value", "n", strconv.Itoa(c.Units))
	}
	if d := v.District(c.Location.District); d != nil {
		cv.DistrictURL = v.URL("districts/" + d.ID + "/")
		cv.District = v.Name(d.Name)
	}
	return cv
}

// CourseLabels are the interface strings of a course page in one
// language, looked up once per language (a template's {{$.T "level"}}
// costs as much as writing the whole label).
type CourseLabels struct {
	Courses, Type, Level, Units, Schedule, Address, Map, SupportLanguages string
	Registration, Phone, Email, RegisterOnline, ICal                      string
}

// courseLabels returns the course labels of the page's language.
func (v *View) courseLabels() *CourseLabels {
	if l, ok := v.r.labels.Load(v.Lang); ok {
		return l.(*CourseLabels)
	}
	l := &CourseLabels{
		Courses: v.T("courses_title"), Type: v.T("course_type"), Level: v.T("level"), Units: v.T("units"),
		Schedule: v.T("schedule"), Address: v.T("address"), Map: v.T("map_link"), SupportLanguages: v.T("support_languages"),
		Registration: v.T("registration"), Phone: v.T("phone"), Email: v.T("email"), RegisterOnline: v.T("register_online"),
		ICal: v.T("export_ical_course"),
	}
	v.r.labels.Store(v.Lang, l)
	return l
}

// addressLine is an address on one line, as pages show it (the course
// finder's data has it as text).
func addressLine(street string, postal model.PostalCode, city string) string {
	return street + ", " + string(postal) + " " + city
}
