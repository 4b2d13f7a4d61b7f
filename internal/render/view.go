package render

import (
	"fmt"
	"html/template"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/internal/stats"
)

// View is what a template sees: the page, the site and the helpers. Its
// methods are the template API of a theme.
type View struct {
	Site *site.Site
	Page *site.Page
	Lang string // language of the page
	Dir  string // "ltr" or "rtl"
	r    *Renderer
	root string // link from the page to the site root: a base URL's path, or "../../"
	// alternates is the page in every language, once asked for.
	alternates []Alternate
}

func (r *Renderer) view(s *site.Site, p *site.Page) *View {
	lang := p.Lang
	if lang == "" {
		lang = s.Dir.Site.DefaultLanguage
	}
	v := &View{Site: s, Page: p, Lang: lang, Dir: dirOf(s, lang), r: r}
	if r.base != nil {
		v.root = r.base.Path
	} else {
		v.root = rootPrefix(p.Path())
	}
	return v
}

func dirOf(s *site.Site, lang string) string {
	if l := s.Dir.Language(lang); l != nil && l.RTL() {
		return "rtl"
	}
	return "ltr"
}

// Data returns what the page shows (a *model.District, *model.Office, …).
func (v *View) Data() any { return v.Page.Data }

// T returns an interface string in the page's language.
func (v *View) T(key string, pairs ...string) string { return v.r.cfg.Strings.T(v.Lang, key, pairs...) }

// Localized is a data text in the language it is shown in.
type Localized struct {
	S        string
	Lang     string // language of S
	Dir      string // direction of S
	Foreign  bool   // S is not in the page's language: mark it with lang and dir
	Fallback bool   // S is a fallback for a missing translation: show Note
	Note     string
}

// Text returns a translatable text in the page's language, or in the
// default language with a note that the translation is missing.
func (v *View) Text(t model.Text) Localized {
	def := v.Site.Dir.Site.DefaultLanguage
	s, in := t.Get(v.Lang, def)
	if s == "" {
		return Localized{}
	}
	l := Localized{S: s, Lang: in, Dir: dirOf(v.Site, in)}
	if in != v.Lang {
		l.Foreign, l.Fallback = true, true
		l.Note = v.T("fallback_note", "language", v.langName(in))
	}
	return l
}

// Name returns a proper name (of a district, provider, office, language) in
// the page's language where it has one, else in the default language,
// marked with its language but without a note: names are not translated.
func (v *View) Name(t model.Text) Localized {
	l := v.Text(t)
	l.Fallback, l.Note = false, ""
	return l
}

// Plain returns a text as a plain string in the page's language (or the
// default language), for attributes and titles.
func (v *View) Plain(t model.Text) string { return v.Text(t).S }

// langName returns the name of a language in the page's language.
func (v *View) langName(code string) string {
	if l := v.Site.Dir.Language(code); l != nil {
		if s, _ := l.Name.Get(v.Lang, v.Site.Dir.Site.DefaultLanguage); s != "" {
			return s
		}
		return l.Native
	}
	return code
}

// LangName returns the name of a language in the page's language.
func (v *View) LangName(code string) Localized {
	if l := v.Site.Dir.Language(code); l != nil {
		return v.Name(l.Name)
	}
	return Localized{S: code}
}

// Language returns the catalogue entry of a language.
func (v *View) Language(code string) *model.Language { return v.Site.Dir.Language(code) }

// Alternate is the current page in one interface language.
type Alternate struct {
	Lang, Native, Dir, URL string
	Current                bool
}

// Alternates returns the current page in every interface language, for the
// language switcher and hreflang links.
func (v *View) Alternates() []Alternate {
	if v.alternates != nil {
		return v.alternates
	}
	langs := v.Site.Dir.Site.Languages
	out := make([]Alternate, 0, len(langs))
	for _, lang := range langs {
		a := Alternate{Lang: lang, Dir: dirOf(v.Site, lang), Current: lang == v.Page.Lang}
		if l := v.Site.Dir.Language(lang); l != nil {
			a.Native = l.Native
		}
		a.URL = v.link(path.Join(lang, v.Page.Key) + "/")
		out = append(out, a)
	}
	v.alternates = out // every page asks twice: AlternateLinks, LanguageSwitcher
	return out
}

// AlternateLinks returns the <link rel="alternate" hreflang> elements of
// the page in every interface language, and LanguageSwitcher the list
// items of the language switcher: the same as ranging over Alternates in
// the template, which base.html did, but written here because every page
// has them and a template loop over eight languages cost a quarter of a
// page's rendering. Both escape what they write.
func (v *View) AlternateLinks() template.HTML {
	var b strings.Builder
	for _, a := range v.Alternates() {
		b.WriteString("\n<link rel=\"alternate\" hreflang=\"")
		b.WriteString(esc(a.Lang))
		b.WriteString("\" href=\"")
		b.WriteString(esc(a.URL))
		b.WriteString("\">")
	}
	return template.HTML(b.String())
}

// LanguageSwitcher: see AlternateLinks.
func (v *View) LanguageSwitcher() template.HTML {
	var b strings.Builder
	for _, a := range v.Alternates() {
		b.WriteString("\n<li><a href=\"")
		b.WriteString(esc(a.URL))
		b.WriteString("\" hreflang=\"")
		b.WriteString(esc(a.Lang))
		b.WriteString("\" lang=\"")
		b.WriteString(esc(a.Lang))
		b.WriteString("\" dir=\"")
		b.WriteString(esc(a.Dir))
		b.WriteString("\"")
		if a.Current {
			b.WriteString(` aria-current="true"`)
		}
		b.WriteString(">")
		b.WriteString(esc(a.Native))
		b.WriteString("</a></li>")
	}
	return template.HTML(b.String())
}

// esc escapes text for HTML element content and quoted attributes, as
// html/template does.
func esc(s string) string { return template.HTMLEscapeString(s) }

// URL returns the link to the page with the key in the page's language.
func (v *View) URL(key string) string { return v.link(path.Join(v.Lang, key) + "/") }

// Home returns the link to the home page of the page's language.
func (v *View) Home() string { return v.URL("") }

// Root returns the link to the language chooser.
func (v *View) Root() string { return v.link("") }

// Asset returns the link to a theme asset, e.g. "style.css".
func (v *View) Asset(name string) string {
	p, ok := v.r.cfg.Assets[name]
	if !ok {
		p = "assets/" + name
	}
	return v.file(p)
}

// Reload returns the live-reload script's path, or "".
func (v *View) Reload() string {
	if v.r.cfg.Reload == "" {
		return ""
	}
	return v.file(v.r.cfg.Reload)
}

// link returns the link to a directory page at target (relative to the
// site root, "" or ending in "/"). With a base URL links are root-relative
// paths below it; without one they are relative to the current page and
// name index.html, so the site works when opened from disk.
func (v *View) link(target string) string {
	if v.r.base != nil {
		return v.r.base.Path + target
	}
	return v.file(target + "index.html")
}

// file returns the link to a file (relative to the site root).
//
// Relative links go up to the root and down again ("../../offices/x/"
// from de/districts/d/ is "../../../de/offices/x/index.html"): a little
// longer than the shortest path, but the same from every page at the same
// depth, so fragments of HTML can be shared between pages (see Fragment).
func (v *View) file(target string) string { return v.root + target }

// rootPrefix returns the relative link from the file at page (a path below
// the site root) to the root: "" or "../", repeated.
func rootPrefix(page string) string {
	return strings.Repeat("../", strings.Count(page, "/"))
}

// Canonical returns the absolute URL of the page, or "" without a base URL.
func (v *View) Canonical() string {
	if v.r.base == nil {
		return ""
	}
	u := *v.r.base
	u.Path = path.Join(u.Path, path.Dir(v.Page.Path())) + "/"
	if path.Dir(v.Page.Path()) == "." {
		u.Path = v.r.base.Path + path.Base(v.Page.Path())
	}
	return u.String()
}

// Date formats a date in the page's language.
func (v *View) Date(d model.Date) string { return v.r.cfg.Strings.Date(v.Lang, d) }

// Month formats "2026-12" as a month heading, e.g. "Dezember 2026".
func (v *View) Month(ym string) string {
	y, m, _ := strings.Cut(ym, "-")
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	return v.r.cfg.Strings.Month(v.Lang, yy, time.Month(mm))
}

// Days names days in the page's language, joined by commas.
func (v *View) Days(days []model.Weekday) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = v.r.cfg.Strings.Weekday(v.Lang, d)
	}
	return strings.Join(names, v.T("list_sep"))
}

// DayCodes returns the data's codes of days ("mo we"), for scripts.
func (v *View) DayCodes(days []model.Weekday) string {
	codes := make([]string, len(days))
	for i, d := range days {
		codes[i] = model.WeekdayCode(d)
	}
	return strings.Join(codes, " ")
}

// TimeRange formats a span of the day.
func (v *View) TimeRange(from, to model.Clock) string {
	return v.r.cfg.Strings.TimeRange(v.Lang, from, to)
}

// Minutes returns a time of day in minutes after midnight, for scripts.
func (v *View) Minutes(c model.Clock) int { return int(c) }

// Tel returns a tel: link for a phone number.
func (v *View) Tel(p model.Phone) template.URL { return template.URL("tel:" + p.E164()) }

// Mailto returns a mailto: link.
func (v *View) Mailto(e model.Email) template.URL {
	return template.URL("mailto:" + (&url.URL{Opaque: string(e)}).String())
}

// MapURL returns an OpenStreetMap link for a place: its coordinates when
// known, else a search for its address.
func (v *View) MapURL(g *model.Geo, street string, postal model.PostalCode, city string) string {
	if g != nil {
		lat, lon := strconv.FormatFloat(g.Lat, 'f', 5, 64), strconv.FormatFloat(g.Lon, 'f', 5, 64)
		return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=18/%s/%s", lat, lon, lat, lon)
	}
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(street+", "+string(postal)+" "+city)
}

// Markdown returns the rendered body of a content page.
func (v *View) Markdown() (template.HTML, error) {
	p, ok := v.Page.Data.(*model.Page)
	if !ok || p == nil {
		return "", nil
	}
	return v.r.markdown(p.Body)
}

// Content returns the Markdown page a content page shows.
func (v *View) Content() *model.Page {
	p, _ := v.Page.Data.(*model.Page)
	return p
}

// ContentDir returns the direction of the language a content page is
// written in (it differs from the page's when the page is a fallback).
func (v *View) ContentDir() string { return dirOf(v.Site, v.Page.From) }

// FromName names the language a fallback page is shown in.
func (v *View) FromName() string { return v.langName(v.Page.From) }

// District returns a district by id.
func (v *View) District(id string) *model.District { return v.Site.Dir.District(id) }

// Provider returns a provider by id.
func (v *View) Provider(id string) *model.Provider { return v.Site.Dir.Provider(id) }

// Office returns an office by id.
func (v *View) Office(id string) *model.Office { return v.Site.Dir.Office(id) }

// Topic returns a topic by id.
func (v *View) Topic(id string) *model.Topic { return v.Site.Dir.Topic(id) }

// CourseFile returns the course provider of a course.
func (v *View) CourseProvider(c *model.Course) *model.CourseProvider {
	for i := range v.Site.Dir.CourseFiles {
		if v.Site.Dir.CourseFiles[i].Provider.ID == c.Provider {
			return &v.Site.Dir.CourseFiles[i].Provider
		}
	}
	return nil
}

// TimeOfDay classifies a course as morning, afternoon or evening.
func (v *View) TimeOfDay(c *model.Course) string { return site.TimeOfDay(c) }

// DataDate is the date the site was built, shown as the data's date.
func (v *View) DataDate() string { return v.Date(v.Site.Today) }

// Add returns a+b, for templates.
func (v *View) Add(a, b int) int { return a + b }

// Pair carries the view and one value into a partial template:
// {{template "hours" ($.With .Hours)}}; inside, .V is the view, .X the value.
type Pair struct {
	V *View
	X any
}

// With pairs the view with x for a partial template.
func (v *View) With(x any) Pair { return Pair{v, x} }

// Seats describes the free places of a course.
type Seats struct {
	Known bool
	Full  bool
	N     string
}

// Seats returns the free places of a course.
func (v *View) Seats(c *model.Course) Seats {
	if c.SeatsFree == nil {
		return Seats{}
	}
	return Seats{Known: true, Full: *c.SeatsFree == 0, N: strconv.Itoa(*c.SeatsFree)}
}

// TIn returns an interface string in another language (the language
// chooser speaks every language).
func (v *View) TIn(lang, key string) string { return v.r.cfg.Strings.T(lang, key) }

// Programs returns the programs with pages of their own (MBE, JMD).
func (v *View) Programs() []string { return v.Site.Programs() }

// CourseFacets are the ways course lists are split.
func (v *View) CourseFacets() []string { return []string{"type", "district", "month", "time"} }

// CourseSetName names a course list by its value: the course type, the
// district, the month or the time of day.
func (v *View) CourseSetName(c *site.CourseSet) string {
	switch c.By {
	case "type":
		return v.T("course_type_" + c.Value)
	case "district":
		if d := v.Site.Dir.District(c.Value); d != nil {
			return v.Plain(d.Name)
		}
	case "month":
		return v.Month(c.Value)
	case "time":
		return v.T("time_" + c.Value)
	}
	return c.Value
}

// CourseSetTitle is the heading of a course list page.
func (v *View) CourseSetTitle(c *site.CourseSet) string {
	switch c.By {
	case "district":
		return v.T("courses_in", "district", v.CourseSetName(c))
	case "month":
		return v.T("courses_starting", "month", v.CourseSetName(c))
	case "time":
		return v.T("courses_title") + ": " + v.CourseSetName(c)
	}
	return v.CourseSetName(c)
}

// StatCount writes a count of the statistics: the number, or the word
// for a suppressed one.
func (v *View) StatCount(c stats.Count) string {
	if c.Suppressed {
		return v.T("stats_suppressed")
	}
	return strconv.Itoa(c.N)
}

// StatLabel names a value of a statistics dimension in the page's language.
func (v *View) StatLabel(dim, value string) Localized {
	if value == "unknown" || value == "" {
		return Localized{S: v.T("stats_unknown")}
	}
	switch dim {
	case "month":
		return Localized{S: v.Month(value)}
	case "source", "outcome", "program":
		return Localized{S: v.T("stats_" + dim + "_" + value)}
	case "provider":
		if p := v.Site.Dir.Provider(value); p != nil {
			return v.Name(p.Name)
		}
	case "district":
		if d := v.Site.Dir.District(value); d != nil {
			return v.Name(d.Name)
		}
	case "language":
		return v.LangName(value)
	}
	return Localized{S: value}
}

// Internal reports whether this is the staff edition.
func (v *View) Internal() bool { return v.Site.Edition == site.EditionInternal }

// ExportURL links to a file below exports/.
func (v *View) ExportURL(name string) string { return v.file("exports/" + name) }

// Join joins codes with spaces, for data attributes.
func (v *View) Join(s []string) string { return strings.Join(s, " ") }

// ProgramShort is the short name of a program: MBE, JMD.
func (v *View) ProgramShort(p string) string {
	if p == model.ProgramOther {
		return v.T("program_other")
	}
	return strings.ToUpper(p)
}

// AdvisorSetName names a filtered advisor directory.
func (v *View) AdvisorSetName(a *site.AdvisorSet) string {
	switch a.By {
	case "language":
		return v.langName(a.Value)
	case "district":
		if d := v.Site.Dir.District(a.Value); d != nil {
			return v.Plain(d.Name)
		}
	case "program":
		return v.T("program_" + a.Value)
	}
	return a.Value
}

// FeedURL links to the Atom feed of the page's language.
func (v *View) FeedURL() string { return v.file(v.Lang + "/feed.atom") }

// DataURL links to a file below data/.
func (v *View) DataURL(name string) string { return v.file("data/" + name) }

// License is the open data's licence: its name in the page's language and
// its address.
func (v *View) License() (l struct{ Name, URL string }) {
	if lic := v.Site.Dir.Site.License; lic != nil {
		l.Name, l.URL = v.Plain(lic.Name), string(lic.URL)
		return l
	}
	l.Name, l.URL = "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"
	return l
}

// Feed links to the Atom feed of a language.
func (v *View) Feed(lang string) string { return v.file(lang + "/feed.atom") }

// LangNamePlain is the name of a language in the page's language.
func (v *View) LangNamePlain(code string) string { return v.langName(code) }

// SearchIndex links to the directory of the page language's search index.
func (v *View) SearchIndex() string { return v.file("search/" + v.Lang + "/") }

// RootPrefix is what turns a path below the site root into a link from this
// page: "../../" or, with a base URL, its path.
func (v *View) RootPrefix() string { return v.file("") }

// RelativeLinks reports whether links are relative (and so name
// index.html).
func (v *View) RelativeLinks() bool { return v.r.base == nil }

// RTLCodes lists the right-to-left language codes, for scripts.
func (v *View) RTLCodes() string {
	var out []string
	for _, l := range v.Site.Dir.Languages {
		if l.RTL() {
			out = append(out, l.Code)
		}
	}
	return strings.Join(out, " ")
}
