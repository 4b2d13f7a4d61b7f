package render

import (
	"encoding/json"
	"fmt"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// CourseFinderData is what the course finder's script filters: every
// course of a language's course list, with the values it is filtered by
// (computed here, by the rules of site.FindCourses) and the texts of its
// card, formatted for the language. The build writes it as
// {lang}/courses/finder.json; courses.js reads it.
type CourseFinderData struct {
	// Near lists the neighbours of each district that has any.
	Near    map[string][]string `json:"near"`
	Courses []FinderCourse      `json:"courses"`
}

// FinderCourse is one course in CourseFinderData.
type FinderCourse struct {
	N         int    `json:"n"` // its place in the site's order of courses (by start): a district's files merged are put in it
	ID        string `json:"id"`
	URL       string `json:"url"` // relative to the courses page
	Title     Text   `json:"title"`
	When      string `json:"when"`  // dates and days
	Hours     string `json:"hours"` // the time of day, e.g. "08:30–11:45"
	Where     string `json:"where"` // the address
	Place     Text   `json:"place"` // the district's name
	Type      string `json:"type"`
	District  string `json:"district"`
	Month     string `json:"month"` // start month, "2026-12"
	Time      string `json:"time"`  // "morning", "afternoon", "evening"
	Childcare bool   `json:"childcare,omitempty"`
	WomenOnly bool   `json:"women,omitempty"`
	Literacy  bool   `json:"literacy,omitempty"`
	Free      bool   `json:"free,omitempty"`  // places known to be free
	Seats     *int   `json:"seats,omitempty"` // the number of free places, where known
}

// Text is a text of the data in the page's language, or (with Lang and
// Dir) in another one, with the note a fallback shows.
type Text struct {
	S    string `json:"s"`
	Lang string `json:"lang,omitempty"`
	Dir  string `json:"dir,omitempty"`
	Note string `json:"note,omitempty"`
}

func textOf(l Localized) Text {
	t := Text{S: l.S}
	if l.Foreign {
		t.Lang, t.Dir = l.Lang, l.Dir
	}
	if l.Fallback || l.Outdated {
		t.Note = l.Note
	}
	return t
}

// CourseFinder returns the course finder's data for the course list page
// p (site.KindCourses) of a language: every course, written as
// {lang}/courses/finder.json; and what it read of the data (through the
// page's View, as a page records it), by which a build tells whether the
// data would come out the same.
func (r *Renderer) CourseFinder(s *site.Site, p *site.Page) ([]byte, *site.Reads, error) {
	if p.Kind != site.KindCourses {
		return nil, nil, fmt.Errorf("course finder data: %s is not a course list", p.Path())
	}
	v := r.view(s, p)
	data := CourseFinderData{Near: map[string][]string{}, Courses: []FinderCourse{}}
	for _, d := range v.Site.Dir().Districts() {
		if len(d.Neighbours) > 0 {
			data.Near[d.ID] = d.Neighbours
		}
	}
	for i, c := range v.Site.Courses() {
		data.Courses = append(data.Courses, finderCourse(v, c, i))
	}
	b, err := json.Marshal(data)
	return b, v.reads, err
}

// CourseFinderDistricts returns the course finder's data of a site whose
// lists go by district (site.ByDistrict), where all courses would be
// megabytes: for each district (by id) the courses held there and the
// ids of its neighbours, written as {lang}/courses/finder/{district}.json.
// courses.js fetches the chosen district's file and its neighbours'. It
// returns what it read as CourseFinder does.
func (r *Renderer) CourseFinderDistricts(s *site.Site, p *site.Page) (map[string][]byte, *site.Reads, error) {
	if p.Kind != site.KindCourses {
		return nil, nil, fmt.Errorf("course finder data: %s is not a course list", p.Path())
	}
	v := r.view(s, p)
	districts := v.Site.Dir().Districts()
	parts := make(map[string]*CourseFinderData, len(districts))
	for _, d := range districts {
		part := &CourseFinderData{Near: map[string][]string{}, Courses: []FinderCourse{}}
		if len(d.Neighbours) > 0 {
			part.Near[d.ID] = d.Neighbours
		}
		parts[d.ID] = part
	}
	for i, c := range v.Site.Courses() {
		if part := parts[c.Location.District]; part != nil {
			part.Courses = append(part.Courses, finderCourse(v, c, i))
		}
	}
	out := make(map[string][]byte, len(parts))
	for id, part := range parts {
		b, err := json.Marshal(part)
		if err != nil {
			return nil, nil, err
		}
		out[id] = b
	}
	return out, v.reads, nil
}

// finderCourse is course c, the n-th of the site's, as the course finder
// shows it in v's language.
func finderCourse(v *View, c *model.Course, n int) FinderCourse {
	fc := FinderCourse{
		N: n, ID: c.ID, URL: v.URL("courses/" + c.ID + "/"), Title: textOf(v.Text(c.Title)),
		When:  v.T("course_dates", "start", v.Date(c.Start), "end", v.Date(c.End)) + " · " + v.Days(c.Schedule.Days),
		Hours: v.TimeRange(c.Schedule.From, c.Schedule.To),
		Where: addressLine(c.Location.Street, c.Location.PostalCode, c.Location.City),
		Type:  c.Type, District: c.Location.District, Month: site.StartMonth(c), Time: site.TimeOfDay(c),
		Childcare: c.Childcare, WomenOnly: c.WomenOnly, Literacy: site.Literacy(c), Free: site.FreeSeats(c), Seats: c.SeatsFree,
	}
	if d := v.Site.Dir().District(c.Location.District); d != nil {
		fc.Place = textOf(v.Name(d.Name))
	}
	return fc
}
