package render

import (
	"fmt"
	"html/template"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/internal/stats"
)

// View is what a template sees: the page, the site and the helpers. Its
// methods are the template API of a theme.
type View struct {
	// Site is the site, recording what the page reads in reads.
	Site *SiteView
	Page *site.Page
	Lang string // language of the page
	Dir  string // "ltr" or "rtl"
	r    *Renderer
	root string // link from the page to the site root: a base URL's path, or "../../"
	// alternates is the page in every language, once asked for.
	alternates []Alternate
	// districts are the districts by name, once asked for.
	districts []*model.District
	// reads records the data files the page read (through Site).
	reads *site.Reads
	sv    SiteView
}

func (r *Renderer) view(s *site.Site, p *site.Page) *View {
	lang := p.Lang
	if lang == "" {
		lang = s.Dir.Site.DefaultLanguage
	}
	v := &View{Page: p, Lang: lang, Dir: s.Dir.Direction(lang), r: r, reads: &site.Reads{}}
	v.sv = newSiteView(s, v.reads)
	v.Site = &v.sv
	v.reads.Data(p.Data) // every page reads what it shows
	switch {
	case r.base != nil:
		v.root = r.base.Path
	case p.Kind == site.KindNotFound || p.Key == site.KeySearchNames:
		// A 404 page, and the names page of a search without JavaScript,
		// are served at any depth: their links start at the domain's root
		// (a site in a folder sets base_url).
		v.root = "/"
	default:
		v.root = rootPrefix(p.Path())
	}
	return v
}

func dirOf(s *SiteView, lang string) string { return s.Dir().Direction(lang) }

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
	// Outdated: S is a translation older than its source text (by the
	// Git history): show Note.
	Outdated bool
	Note     string
}

// Text returns a translatable text in the page's language, or in its
// first fallback language that has it (site.Fallbacks: English for
// readers of other languages, then the default language) with a note that
// the translation is missing.
func (v *View) Text(t model.Text) Localized {
	var s, in string
	for _, l := range v.Site.Fallbacks(v.Lang) {
		if s = t[l]; s != "" {
			in = l
			break
		}
	}
	if s == "" {
		return Localized{}
	}
	l := Localized{S: s, Lang: in, Dir: dirOf(v.Site, in)}
	if in != v.Lang {
		l.Foreign, l.Fallback = true, true
		l.Note = v.T("fallback_note", "language", v.langName(in))
	} else if day, ok := v.Site.Dir().OutdatedSince(in, s); ok {
		l.Outdated = true
		if day.IsZero() { // from load.SumsFile: the day is not known
			l.Note = v.T("outdated_note_undated")
		} else {
			l.Note = v.T("outdated_note", "date", v.Date(day))
		}
	}
	return l
}

// Name returns a proper name (of a district, provider, office, language) in
// the page's language where it has one, else in the default language,
// marked with its language but without a note: names are not translated.
func (v *View) Name(t model.Text) Localized {
	l := v.Text(t)
	l.Fallback, l.Outdated, l.Note = false, false, ""
	return l
}

// Plain returns a text as a plain string in the page's language (or the
// default language), for attributes and titles.
func (v *View) Plain(t model.Text) string { return v.Text(t).S }

// langName returns the name of a language in the page's language.
func (v *View) langName(code string) string {
	if l := v.Site.Dir().Language(code); l != nil {
		for _, f := range v.Site.Fallbacks(v.Lang) { // as Text, without the note (which names a language)
			if s := l.Name[f]; s != "" {
				return s
			}
		}
		return l.Native
	}
	return code
}

// LangName returns the name of a language in the page's language.
func (v *View) LangName(code string) Localized {
	if l := v.Site.Dir().Language(code); l != nil {
		return v.Name(l.Name)
	}
	return Localized{S: code}
}

// Language returns the catalogue entry of a language.
func (v *View) Language(code string) *model.Language { return v.Site.Dir().Language(code) }

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
	langs := v.Site.Dir().Site().Languages
	out := make([]Alternate, 0, len(langs))
	for _, lang := range langs {
		a := Alternate{Lang: lang, Dir: dirOf(v.Site, lang), Current: lang == v.Page.Lang}
		if l := v.Site.Dir().Language(lang); l != nil {
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
//
// Search engines want the alternates' addresses absolute: with a base URL
// they are; without one (a site opened from files) they are relative, and
// there is no search engine to read them.
func (v *View) AlternateLinks() template.HTML {
	var b strings.Builder
	origin := ""
	if v.r.base != nil {
		origin = v.r.base.Scheme + "://" + v.r.base.Host
	}
	write := func(lang, url string) {
		b.WriteString("\n<link rel=\"alternate\" hreflang=\"")
		b.WriteString(esc(lang))
		b.WriteString("\" href=\"")
		b.WriteString(esc(origin + url))
		b.WriteString("\">")
	}
	for _, a := range v.Alternates() {
		write(a.Lang, a.URL)
	}
	if origin != "" && v.Page.Key == "" {
		write("x-default", v.Root()) // the language chooser
	}
	return template.HTML(b.String())
}

// LanguageSwitcher: see AlternateLinks. The page's own language comes
// first.
func (v *View) LanguageSwitcher() template.HTML {
	var b strings.Builder
	alts := v.Alternates()
	order := make([]Alternate, 0, len(alts))
	for _, a := range alts {
		if a.Current {
			order = append(order, a)
		}
	}
	for _, a := range alts {
		if !a.Current {
			order = append(order, a)
		}
	}
	for _, a := range order {
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
//
// A page of the easy-to-read edition links to a page that edition does not
// have in the default language.
func (v *View) URL(key string) string {
	lang := v.Lang
	if v.Easy() && key != "" && !v.Site.HasPage(lang, strings.TrimSuffix(key, "/")+"/") {
		lang = v.Site.Dir().Site().DefaultLanguage
	}
	return v.link(path.Join(lang, key) + "/")
}

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
func (v *View) Date(d model.Date) string {
	// No-break spaces: a date is never split over two lines.
	return strings.ReplaceAll(v.r.cfg.Strings.Date(v.Lang, d), " ", "\u00a0")
}

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
func (v *View) District(id string) *model.District { return v.Site.Dir().District(id) }

// Provider returns a provider by id.
func (v *View) Provider(id string) *model.Provider { return v.Site.Dir().Provider(id) }

// Office returns an office by id.
func (v *View) Office(id string) *model.Office { return v.Site.Dir().Office(id) }

// Topic returns a topic by id.
func (v *View) Topic(id string) *model.Topic { return v.Site.Dir().Topic(id) }

// CourseProvider returns the course provider of a course.
func (v *View) CourseProvider(c *model.Course) *model.CourseProvider {
	if f := v.Site.Dir().CourseFile(c.Provider); f != nil {
		return &f.Provider
	}
	return nil
}

// TimeOfDay classifies a course as morning, afternoon or evening.
func (v *View) TimeOfDay(c *model.Course) string { return site.TimeOfDay(c) }

// DataDate is the date the site was built, shown as the data's date.
func (v *View) DataDate() string { return v.Date(v.Site.Today()) }

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

// CourseFacets are the ways course lists are split: by type, district,
// start month and time of day; on a site whose lists go by district
// (site.ByDistrict) by type and district (a month's courses in the whole
// country are no list to read).
func (v *View) CourseFacets() []string {
	if v.Site.ByDistrict() {
		return []string{"type", "district"}
	}
	return []string{"type", "district", "month", "time"}
}

// CourseSetName names a course list by its value: the course type, the
// district, the month or the time of day.
func (v *View) CourseSetName(c *site.CourseSet) string {
	switch c.By {
	case "type":
		return v.T("course_type_" + c.Value)
	case "district":
		if d := v.Site.Dir().District(c.Value); d != nil {
			return v.Plain(d.Name)
		}
	case "month":
		return v.Month(c.Value)
	case "time":
		return v.T("time_" + c.Value)
	}
	return c.Value
}

// CourseGroups groups courses by type (site.ByType).
func (v *View) CourseGroups(cs []*model.Course) []site.CourseGroup { return site.ByType(cs) }

// CoursesWith returns the courses of cs with childcare ("childcare") or
// in the evening ("evening"), by the rules of the course finder.
func (v *View) CoursesWith(cs []*model.Course, what string) []*model.Course {
	f := site.CourseFilter{Childcare: what == "childcare"}
	if what == "evening" {
		f.Time = "evening"
	}
	return v.Site.FilterCourses(cs, f)
}

// CourseSetTitle is the heading of a course list page.
func (v *View) CourseSetTitle(c *site.CourseSet) string {
	switch c.By {
	case "district":
		return v.T("courses_in_near", "district", v.CourseSetName(c))
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
	return v.Num(c.N)
}

// Num writes a number as the page's language does: 21.000 in German,
// 21,000 in English (i18n.Bundle.Number).
func (v *View) Num(n int) string { return v.r.cfg.Strings.Number(v.Lang, n) }

// NumberGroup is what the page's language puts between groups of three
// digits, for the scripts (data-group on the body; site.js).
func (v *View) NumberGroup() string { return v.r.cfg.Strings.NumberGroup(v.Lang) }

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
		if p := v.Site.Dir().Provider(value); p != nil {
			return v.Name(p.Name)
		}
	case "district":
		if d := v.Site.Dir().District(value); d != nil {
			return v.Name(d.Name)
		}
	case "language":
		return v.LangName(value)
	}
	return Localized{S: value}
}

// Internal reports whether this is the staff edition.
func (v *View) Internal() bool { return v.Site.Edition() == site.EditionInternal }

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

// AdvisorSetName names a filtered advisor directory: a *site.AdvisorSet
// (a page's data) or an AdvisorSetView (SiteView.AdvisorSetsBy).
func (v *View) AdvisorSetName(a interface{ Filter() (by, value string) }) string {
	by, value := a.Filter()
	switch by {
	case "language":
		return v.langName(value)
	case "district":
		if d := v.Site.Dir().District(value); d != nil {
			return v.Plain(d.Name)
		}
	case "program":
		return v.T("program_" + value)
	}
	return value
}

// FeedURL links to the Atom feed of the page's language.
func (v *View) FeedURL() string {
	if v.Easy() {
		return v.file(v.Site.Dir().Site().DefaultLanguage + "/feed.atom")
	}
	return v.file(v.Lang + "/feed.atom")
}

// DataURL links to a file below data/.
func (v *View) DataURL(name string) string { return v.file("data/" + name) }

// License is the open data's licence: its name in the page's language and
// its address.
func (v *View) License() (l struct{ Name, URL string }) {
	lic := v.Site.Dir().Site().DataLicense()
	l.Name, l.URL = v.Plain(lic.Name), string(lic.URL)
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
	for _, l := range v.Site.Dir().Languages() {
		if l.RTL() {
			out = append(out, l.Code)
		}
	}
	return strings.Join(out, " ")
}

// DirOf returns the writing direction of a language: "ltr" or "rtl".
func (v *View) DirOf(lang string) string { return dirOf(v.Site, lang) }

// Easy reports whether the page is in the easy-to-read edition (Leichte
// Sprache).
func (v *View) Easy() bool { return v.Site.Easy(v.Lang) }

// EasyURL returns, on a page in the default language of a site with an
// easy-to-read edition, the link to the page in it, or to its home page
// where the page has no easy version; else "".
func (v *View) EasyURL() string {
	easy := v.Site.Dir().Site().EasyLanguage
	if easy == "" || v.Page.Lang != v.Site.Dir().Site().DefaultLanguage {
		return ""
	}
	if v.Site.HasPage(easy, v.Page.Key) {
		return v.link(path.Join(easy, v.Page.Key) + "/")
	}
	return v.link(easy + "/")
}

// StandardURL returns, on a page of the easy-to-read edition, the link to
// the same page in the default language; else "".
func (v *View) StandardURL() string {
	if !v.Easy() {
		return ""
	}
	return v.link(path.Join(v.Site.Dir().Site().DefaultLanguage, v.Page.Key) + "/")
}

// CurrentNative returns the page's language in its own name.
func (v *View) CurrentNative() string {
	if l := v.Site.Dir().Language(v.Lang); l != nil {
		return l.Native
	}
	return v.Lang
}

// NeedsReview reports whether the page's texts in its language have not
// been reviewed by a native speaker yet: its interface strings (the key
// translation_status of its i18n file is not "reviewed") or the data's
// translations (site.yaml lists the language in translations_need_review).
// The page then says so.
func (v *View) NeedsReview() bool {
	return v.T("translation_status") != "reviewed" || slices.Contains(v.Site.Dir().Site().TranslationsNeedReview, v.Lang)
}

// DistrictsByName returns the districts sorted by their names in the
// page's language, for choosing from a list.
func (v *View) DistrictsByName() []*model.District {
	if v.districts != nil {
		return v.districts
	}
	out := make([]*model.District, len(v.Site.Dir().Districts()))
	for i := range v.Site.Dir().Districts() {
		out[i] = &v.Site.Dir().Districts()[i]
	}
	tag, err := language.Parse(v.Lang)
	if err != nil {
		tag = language.Und
	}
	c := collate.New(tag, collate.IgnoreCase)
	slices.SortStableFunc(out, func(a, b *model.District) int { return c.CompareString(v.Plain(a.Name), v.Plain(b.Name)) })
	v.districts = out
	return out
}

// FinderLanguages returns the languages the finder offers, the page's
// language first.
func (v *View) FinderLanguages() []string { return v.ownFirst(v.Site.FinderLanguages()) }

// Spoken returns the languages with a page (site.Spoken), the page's
// language first.
func (v *View) Spoken() []string { return v.ownFirst(v.Site.Spoken()) }

// ownFirst returns the language codes all with the page's language moved
// to the front.
func (v *View) ownFirst(all []string) []string {
	if !slices.Contains(all, v.Lang) {
		return all
	}
	out := make([]string, 0, len(all))
	out = append(out, v.Lang)
	for _, l := range all {
		if l != v.Lang {
			out = append(out, l)
		}
	}
	return out
}

// Finding returns what a finder result page shows.
func (v *View) Finding() *site.Finding { return v.Site.FindingOf(v.Page) }

// PostalCodes returns a district's postal codes separated by spaces.
func (v *View) PostalCodes(d *model.District) string {
	var b strings.Builder
	for i, c := range d.PostalCodes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(c))
	}
	return b.String()
}

// FinderMask returns, for a language, a "1" or "0" for each district of
// DistrictsByName: whether the finder has a page for it (find.js reads it
// to go to the result page or, where there is none, the district's page).
func (v *View) FinderMask(lang string) string {
	ds := v.DistrictsByName()
	b := make([]byte, len(ds))
	for i, d := range ds {
		b[i] = '0'
		if v.Site.FinderHas(lang, d.ID) {
			b[i] = '1'
		}
	}
	return string(b)
}

// TH is T for strings whose placeholders take data texts: each value is a
// string or a Localized, and a Localized in another language than the
// page's is written inside <span lang dir>, so a German district name in
// an Arabic sentence is marked as German. Everything is escaped.
//
//	{{.TH "finder_result" "language" (.LangName $l.Code) "district" (.Name $d.Name)}}
func (v *View) TH(key string, pairs ...any) (template.HTML, error) {
	if len(pairs)%2 != 0 {
		return "", fmt.Errorf("TH %s: odd number of arguments", key)
	}
	// Fill in markers, escape the whole, then put the values in: the
	// string's own text is escaped once, the values each by their kind.
	marked := make([]string, 0, len(pairs))
	values := map[string]string{}
	for i := 0; i < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if !ok {
			return "", fmt.Errorf("TH %s: argument %d is not a name", key, i)
		}
		marker := "\x00" + strconv.Itoa(i) + "\x00"
		marked = append(marked, name, marker)
		switch x := pairs[i+1].(type) {
		case string:
			values[marker] = esc(x)
		case Localized:
			// Through the theme's "text" partial, as {{template "text"}}.
			var b strings.Builder
			if err := v.r.templates[v.Page.Kind].ExecuteTemplate(&b, "text", x); err != nil {
				return "", fmt.Errorf("TH %s: %w", key, err)
			}
			values[marker] = b.String()
		default:
			return "", fmt.Errorf("TH %s: value of %s is a %T", key, name, x)
		}
	}
	s := esc(v.T(key, marked...))
	for m, h := range values {
		s = strings.ReplaceAll(s, esc(m), h)
	}
	return template.HTML(s), nil
}

// EasyHome returns, on a page in the default language of a site with an
// easy-to-read edition, the link to that edition's home page; else "".
func (v *View) EasyHome() string {
	easy := v.Site.Dir().Site().EasyLanguage
	if easy == "" || v.Lang != v.Site.Dir().Site().DefaultLanguage {
		return ""
	}
	return v.link(easy + "/")
}

// NextHolidays returns the public holidays of the next four weeks from the
// build date, formatted and joined, for "closed on public holidays; the
// next: …" ("" when there is none).
func (v *View) NextHolidays() string {
	horizon := model.DateOf(v.Site.Today().Time().AddDate(0, 0, 28))
	var ds []string
	for _, h := range v.Site.Holidays() {
		if h.Date.Before(horizon) {
			ds = append(ds, v.Date(h.Date))
		}
	}
	return strings.Join(ds, v.T("list_sep"))
}

// Manifest links to the web app manifest of the page's language.
func (v *View) Manifest() string { return v.file(v.Lang + "/manifest.webmanifest") }
