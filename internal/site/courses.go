package site

import (
	"fmt"
	"slices"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// CourseFilter is a choice in the course finder. Every field narrows the
// courses; the zero value is every course. The finder's script
// (themes/default/assets/courses.js) applies the same rules to the
// finder data (FinderData); TestCourseFinder holds the two equal.
type CourseFilter struct {
	Type      string // a course type (model.CourseTypes)
	District  string // a district id: courses held there
	Near      bool   // with District: also courses in its neighbours
	Time      string // "morning", "afternoon", "evening" (TimeOfDay)
	Month     string // start month, "2026-12"
	Childcare bool   // with childcare
	WomenOnly bool   // for women only
	Literacy  bool   // with literacy training (Literacy)
	FreeSeats bool   // with places known to be free
}

// Literacy reports whether a course teaches reading and writing: a
// literacy course, or one for learners of a second script.
func Literacy(c *model.Course) bool {
	return c.Type == "literacy" || c.Type == "second-script"
}

// StartMonth returns a course's start month as "2026-12".
func StartMonth(c *model.Course) string {
	y, m := c.Start.Year, int(c.Start.Month)
	if y < 0 || y > 9999 || m < 0 || m > 99 {
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	// Without fmt: the month of every course is asked for while the page
	// graph is laid out, 20,000 courses at national scale.
	b := [7]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + m/10), byte('0' + m%10)}
	return string(b[:])
}

// FreeSeats reports whether a course is known to have free places.
func FreeSeats(c *model.Course) bool { return c.SeatsFree != nil && *c.SeatsFree > 0 }

// near returns a district and its neighbours.
func (s *Site) near(district string) []string {
	out := []string{district}
	if d := s.Dir.District(district); d != nil {
		out = append(out, d.Neighbours...)
	}
	return out
}

// FindCourses returns the courses, not ended, that a filter keeps, by
// start date.
func (s *Site) FindCourses(f CourseFilter) []*model.Course { return s.FilterCourses(s.courses, f) }

// FilterCourses returns the courses of cs that a filter keeps, in order.
func (s *Site) FilterCourses(cs []*model.Course, f CourseFilter) []*model.Course {
	var places []string
	if f.District != "" {
		places = []string{f.District}
		if f.Near {
			places = s.near(f.District)
		}
	}
	var out []*model.Course
	for _, c := range cs {
		if (f.Type == "" || c.Type == f.Type) &&
			(places == nil || slices.Contains(places, c.Location.District)) &&
			(f.Time == "" || TimeOfDay(c) == f.Time) &&
			(f.Month == "" || StartMonth(c) == f.Month) &&
			(!f.Childcare || c.Childcare) && (!f.WomenOnly || c.WomenOnly) &&
			(!f.Literacy || Literacy(c)) && (!f.FreeSeats || FreeSeats(c)) {
			out = append(out, c)
		}
	}
	return out
}

// CourseGroup is the courses of one type in a list.
type CourseGroup struct {
	Type    string
	Courses []*model.Course
}

// ByType groups courses by type, in the order of model.CourseTypes,
// keeping their order within a type.
func ByType(courses []*model.Course) []CourseGroup {
	var out []CourseGroup
	for _, t := range model.CourseTypes() {
		g := CourseGroup{Type: t}
		for _, c := range courses {
			if c.Type == t {
				g.Courses = append(g.Courses, c)
			}
		}
		if len(g.Courses) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// CourseMonths returns the start months of the courses, in time order.
func (s *Site) CourseMonths() []string {
	var out []string
	for _, c := range s.courses {
		if m := StartMonth(c); !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}
