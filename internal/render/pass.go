package render

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// The printed guide (site.KindPass) and the office flyer (site.KindFlyer)
// fit a fixed number of A4 pages (TestPrintPages): they show at most
// these many offices per program and courses.
const (
	passOffices = 2
	passCourses = 5
	flyerLangs  = 4
)

// AbsURL returns the absolute address of the page with key in the page's
// language, or "" when the site has no base URL (a QR code needs one).
func (v *View) AbsURL(key string) string {
	if v.r.base == nil {
		return ""
	}
	return v.r.base.JoinPath(v.Lang, key).String() + "/"
}

// QR returns a QR code of text as inline SVG (dark modules on white, with
// the quiet zone the standard asks for), or "" for an empty text. It has
// no script and loads nothing, so it prints and works under the CSP.
func (v *View) QR(text, label string) (template.HTML, error) {
	if text == "" {
		return "", nil
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("QR code of %q: %w", text, err)
	}
	bits := q.Bitmap() // with a 4-module quiet zone
	var d strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&d, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	n := len(bits)
	return template.HTML(fmt.Sprintf(`<svg class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		n, n, template.HTMLEscapeString(label), n, n, d.String())), nil
}

// PassOffices returns the offices a guide lists for a district and
// program: the first the routing core ranks.
func (v *View) PassOffices(district, program string) []site.DistrictOffice {
	all := v.Site.DistrictOffices(district, program)
	return all[:min(len(all), passOffices)]
}

// PassCourses returns the courses a guide lists: in the district and its
// neighbours, the next to start first.
func (v *View) PassCourses(district string) []*model.Course {
	all := v.Site.FindCourses(site.CourseFilter{District: district, Near: true})
	return all[:min(len(all), passCourses)]
}

// FlyerLanguages returns the languages an office's flyer speaks in: the
// page's, the site's default (German) and those spoken at the office that
// have interface texts, at most four.
func (v *View) FlyerLanguages(o *model.Office) []string {
	out := []string{v.Lang}
	add := func(l string) {
		if len(out) < flyerLangs && !slices.Contains(out, l) && slices.Contains(v.Site.Dir().Site().Languages, l) {
			out = append(out, l)
		}
	}
	add(v.Site.Dir().Site().DefaultLanguage)
	for _, l := range v.Site.Languages(o) {
		add(l)
	}
	return out
}

// Range returns 0 … n-1, for the empty rows of a form to fill in by hand.
func (v *View) Range(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
