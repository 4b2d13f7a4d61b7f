package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/themes"
)

// Fast paths.
//
// A national site has 160,000 course pages, and each course is a card on
// several course lists in every language; executing their templates
// (about a hundred actions each, every one a reflective call in
// text/template) was a third of a national build. So the default theme's
// course page body (the "main" block of templates/course.html) and course
// card ("course-card" of templates/partials.html) are also written out
// here in Go, and used instead of the templates while a site's theme
// leaves both files as the default theme has them, byte for byte. A theme
// that changes either gets its templates, as before.
//
// The templates stay the definition: the Go code writes what they write,
// escaped as html/template escapes it (the same tables and URL filter,
// copied below). TestFastPathsMatchTemplates renders every course page
// and card of the example, and a course with hostile texts, both ways and
// compares the bytes; a change to one of the two templates must come with
// the same change here, or that test fails.

// fastFiles are the theme files the fast paths follow.
var fastFiles = []string{"templates/course.html", "templates/partials.html"}

// fastPathsApply reports whether theme has the default theme's files the
// fast paths are written from.
func fastPathsApply(theme fs.FS) bool {
	for _, name := range fastFiles {
		mine, err := fs.ReadFile(theme, name)
		if err != nil {
			return false
		}
		def, err := fs.ReadFile(themes.Default(), name)
		if err != nil || !bytes.Equal(mine, def) {
			return false
		}
	}
	return true
}

// fastMainName is the function the course template's "main" calls on the
// fast path.
const fastMainName = "wegweiserCourseMain"

// courseMain writes the "main" block of templates/course.html.
func courseMain(v *View) (template.HTML, error) {
	c, ok := v.Page.Data.(*model.Course)
	if !ok || c == nil {
		return "", fmt.Errorf("course page %s without a course", v.Page.Path())
	}
	var b strings.Builder
	b.Grow(4096)
	b.WriteString("\n<p class=\"crumbs\"><a href=\"")
	writeURL(&b, v.URL("courses/"), false)
	b.WriteString("\">")
	writeHTML(&b, v.T("courses_title"))
	b.WriteString("</a></p>\n<h1>")
	writeText(&b, v.Text(c.Title))
	b.WriteString("</h1>\n")
	check := v.Check(c)
	if err := v.partial(&b, "entry-warning", check); err != nil {
		return "", err
	}
	b.WriteString("\n<p>")
	if p := v.CourseProvider(c); p != nil {
		writeText(&b, v.Name(p.Name))
	}
	b.WriteString("</p>\n")
	if len(c.Description) > 0 {
		b.WriteString("<p class=\"lead\">")
		writeText(&b, v.Text(c.Description))
		b.WriteString("</p>")
	}
	b.WriteString("\n<dl class=\"facts\">\n<dt>")
	writeHTML(&b, v.T("course_type"))
	b.WriteString("</dt><dd><a href=\"")
	writeURL(&b, v.URL("courses/types/"+c.Type+"/"), false)
	b.WriteString("\">")
	writeHTML(&b, v.T("course_type_"+c.Type))
	b.WriteString("</a></dd>")
	if c.Level != "" {
		b.WriteString("<dt>")
		writeHTML(&b, v.T("level"))
		b.WriteString("</dt><dd>")
		writeHTML(&b, c.Level)
		b.WriteString("</dd>")
	}
	if c.Units != 0 {
		b.WriteString("<dt>")
		writeHTML(&b, v.T("units"))
		b.WriteString("</dt><dd>")
		writeHTML(&b, v.T("units_value", "n", strconv.Itoa(c.Units)))
		b.WriteString("</dd>")
	}
	b.WriteString("\n<dt>")
	writeHTML(&b, v.T("schedule"))
	b.WriteString("</dt><dd>")
	writeSchedule(&b, v, c, "<br>")
	b.WriteString("</dd>\n<dt>")
	writeHTML(&b, v.T("address"))
	b.WriteString("</dt><dd><address>")
	writeAddress(&b, c.Location.Street, c.Location.PostalCode, c.Location.City)
	if d := v.District(c.Location.District); d != nil {
		b.WriteString(" · <a href=\"")
		writeURL(&b, v.URL("districts/"+d.ID+"/"), false)
		b.WriteString("\">")
		writeText(&b, v.Name(d.Name))
		b.WriteString("</a>")
	}
	b.WriteString("</address>\n<a href=\"")
	writeURL(&b, v.MapURL(c.Location.Geo, c.Location.Street, c.Location.PostalCode, c.Location.City), false)
	b.WriteString("\">")
	writeHTML(&b, v.T("map_link"))
	b.WriteString("</a></dd>")
	if len(c.SupportLanguages) > 0 {
		b.WriteString("<dt>")
		writeHTML(&b, v.T("support_languages"))
		b.WriteString("</dt><dd>")
		if err := writeLangs(&b, v, c.SupportLanguages); err != nil {
			return "", err
		}
		b.WriteString("</dd>")
	}
	b.WriteString("\n</dl>\n")
	writeCourseTags(&b, v, c)
	b.WriteString("\n")
	if err := v.partial(&b, "course-exports", c); err != nil {
		return "", err
	}
	b.WriteString("\n")
	if r := c.Registration; r != nil {
		b.WriteString("\n<h2>")
		writeHTML(&b, v.T("registration"))
		b.WriteString("</h2>\n<ul class=\"contact\">")
		if r.Phone != "" {
			writeContact(&b, v.T("phone"), "tel", v.Tel(r.Phone), string(r.Phone))
		}
		if r.Email != "" {
			writeContact(&b, v.T("email"), "mail", v.Mailto(r.Email), string(r.Email))
		}
		if r.URL != "" {
			b.WriteString("<li><a class=\"button\" href=\"")
			writeURL(&b, string(r.URL), false)
			b.WriteString("\">")
			writeHTML(&b, v.T("register_online"))
			b.WriteString("</a></li>")
		}
		b.WriteString("\n</ul>")
	}
	b.WriteString("\n")
	if err := v.partial(&b, "entry-foot", check); err != nil {
		return "", err
	}
	b.WriteString("\n")
	return template.HTML(b.String()), nil
}

// partial executes the theme's template name for x into b: the parts of
// the course page that are not on every card (its currency, the report
// link) stay templates.
func (v *View) partial(b *strings.Builder, name string, x any) error {
	return v.r.templates[v.Page.Kind].ExecuteTemplate(b, name, v.With(x))
}

// fastPartial writes the partial name for x in Go where a fast path
// stands for it (the course card), and reports whether one does.
func fastPartial(v *View, name string, x any) (template.HTML, bool) {
	if c, ok := x.(*model.Course); ok && name == "course-card" {
		return courseCard(v, c), true
	}
	return "", false
}

// courseCard writes the partial "course-card" of templates/partials.html.
func courseCard(v *View, c *model.Course) template.HTML {
	var b strings.Builder
	b.Grow(1024)
	b.WriteString("<h3><a href=\"")
	writeURL(&b, v.URL("courses/"+c.ID+"/"), false)
	b.WriteString("\">")
	writeText(&b, v.Text(c.Title))
	b.WriteString("</a></h3>\n<p>")
	writeSchedule(&b, v, c, " · ")
	b.WriteString("</p>\n<p>")
	writeAddress(&b, c.Location.Street, c.Location.PostalCode, c.Location.City)
	if d := v.District(c.Location.District); d != nil {
		b.WriteString(" · ")
		writeText(&b, v.Name(d.Name))
	}
	b.WriteString("</p>\n")
	writeCourseTags(&b, v, c)
	return template.HTML(b.String())
}

// writeSchedule writes a course's dates, then sep, then its days and
// hours, as the course page and the course card show them.
func writeSchedule(b *strings.Builder, v *View, c *model.Course, sep string) {
	writeHTML(b, v.T("course_dates", "start", v.Date(c.Start), "end", v.Date(c.End)))
	b.WriteString(sep)
	writeHTML(b, v.Days(c.Schedule.Days))
	b.WriteString(" <span class=\"time\" dir=\"ltr\">")
	writeHTML(b, v.TimeRange(c.Schedule.From, c.Schedule.To))
	b.WriteString("</span>")
}

// writeContact writes a phone number or e-mail address of a course's
// registration: <li>label: <a class="class" href="link" dir="ltr">text</a></li>.
func writeContact(b *strings.Builder, label, class string, link template.URL, text string) {
	b.WriteString("<li>")
	writeHTML(b, label)
	b.WriteString(": <a class=\"")
	b.WriteString(class)
	b.WriteString("\" href=\"")
	writeURL(b, string(link), true)
	b.WriteString("\" dir=\"ltr\">")
	writeHTML(b, text)
	b.WriteString("</a></li>")
}

// writeCourseTags writes the partial "course-tags".
func writeCourseTags(b *strings.Builder, v *View, c *model.Course) {
	s := v.Seats(c)
	if !c.Childcare && !c.WomenOnly && !s.Known {
		return
	}
	b.WriteString("<p class=\"tags\">")
	if c.Childcare {
		b.WriteString("<span class=\"tag\">")
		writeHTML(b, v.T("childcare"))
		b.WriteString("</span> ")
	}
	if c.WomenOnly {
		b.WriteString("<span class=\"tag\">")
		writeHTML(b, v.T("women_only"))
		b.WriteString("</span> ")
	}
	if s.Full {
		b.WriteString("<span class=\"tag full\">")
		writeHTML(b, v.T("seats_full"))
		b.WriteString("</span>")
	} else if s.Known {
		b.WriteString("<span class=\"tag\">")
		writeHTML(b, v.T("seats_free", "n", s.N))
		b.WriteString("</span>")
	}
	b.WriteString("</p>")
}

// writeText writes the partial "text".
func writeText(b *strings.Builder, l Localized) {
	if !l.Foreign {
		writeHTML(b, l.S)
		if l.Outdated {
			b.WriteString(" <small class=\"fallback\">(")
			writeHTML(b, l.Note)
			b.WriteString(")</small>")
		}
		return
	}
	b.WriteString("<span lang=\"")
	writeHTML(b, l.Lang)
	b.WriteString("\" dir=\"")
	writeHTML(b, l.Dir)
	b.WriteString("\">")
	writeHTML(b, l.S)
	b.WriteString("</span>")
	if l.Fallback {
		b.WriteString(" <small class=\"fallback\">(")
		writeHTML(b, l.Note)
		b.WriteString(")</small>")
	}
}

// addressLine is an address on one line, as the "address" partial of the
// default theme writes it (the course finder's data has it as text).
func addressLine(street string, postal model.PostalCode, city string) string {
	return street + ", " + string(postal) + " " + city
}

// writeAddress writes the partial "address".
func writeAddress(b *strings.Builder, street string, postal model.PostalCode, city string) {
	b.WriteString("<span dir=\"ltr\">")
	writeHTML(b, addressLine(street, postal, city))
	b.WriteString("</span>")
}

// writeLangs writes the partial "langs".
func writeLangs(b *strings.Builder, v *View, codes []string) error {
	b.WriteString("<ul class=\"inline langlist\">")
	for _, code := range codes {
		h, err := v.Fragment("lang", code)
		if err != nil {
			return err
		}
		b.WriteString("<li>")
		b.WriteString(string(h))
		b.WriteString("</li>")
	}
	b.WriteString("</ul>")
	return nil
}

// htmlReplacements is html/template's table for text and quoted
// attribute values (htmlReplacementTable in html/template/html.go).
var htmlReplacements = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// writeHTML writes s escaped as html/template escapes a string in text
// or in a quoted attribute value.
func writeHTML(b *strings.Builder, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if int(c) >= len(htmlReplacements) || htmlReplacements[c] == "" {
			continue // bytes of multi-byte runes are all ≥ 0x80
		}
		b.WriteString(s[written:i])
		b.WriteString(htmlReplacements[c])
		written = i + 1
	}
	b.WriteString(s[written:])
}

// writeURL writes s as html/template writes it into a quoted URL
// attribute (href): unless trusted (a template.URL), a URL with a scheme
// other than http, https or mailto becomes "#ZgotmplZ"; then it is
// normalised (bytes outside URLs percent-encoded) and escaped for the
// attribute (urlFilter, urlNormalizer and attrEscaper in html/template).
func writeURL(b *strings.Builder, s string, trusted bool) {
	if !trusted && !safeURL(s) {
		s = "#ZgotmplZ"
	}
	var n strings.Builder
	if normalizeURL(s, &n) {
		s = n.String()
	}
	writeHTML(b, s)
}

// safeURL is html/template's isSafeURL.
func safeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// normalizeURL is html/template's processURLOnto with norm set: it writes
// s to b with the bytes that do not belong in a URL percent-encoded, and
// reports whether it changed anything (else b holds nothing useful).
func normalizeURL(s string, b *strings.Builder) bool {
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']', '-', '.', '_', '~':
			continue
		case '%':
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return false
	}
	b.WriteString(s[written:])
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
