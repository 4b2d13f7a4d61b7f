// Package site turns a loaded directory into the page graph of the
// website: which pages exist in which language, under which path, showing
// which data, and the relations between entries that pages list (the
// offices serving a district, the advisors speaking a language, the courses
// starting in a month). It writes no HTML.
//
// Every data page exists in every interface language under the same key,
// so the language switcher and hreflang alternates are the key in another
// language. Markdown pages missing in a language are published there from
// the default language, marked as a fallback.
package site

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Page kinds; each is a template of the theme.
const (
	KindChooser   = "chooser" // the root language chooser, language-neutral
	KindHome      = "home"
	KindDistricts = "districts"
	KindDistrict  = "district"
	KindLanguages = "languages"
	KindLanguage  = "language"
	// KindLanguageDistrict is what a language has in one district, on a
	// site whose language pages list districts (ByDistrict).
	KindLanguageDistrict = "languagedistrict"
	KindTopics           = "topics"
	KindTopic            = "topic"
	KindProviders        = "providers"
	KindProvider         = "provider"
	KindOffice           = "office"
	KindOffer            = "offer"
	KindCourses          = "courses"
	KindCourseSet        = "courseset" // a filtered list of courses
	KindCourse           = "course"
	KindPass             = "pass"  // the printable guide of a district ("Wegweiser-Pass")
	KindFlyer            = "flyer" // an office's one-page flyer to print, in the page's language, German and the office's languages
	KindAdvisors         = "advisors"
	KindProgram          = "program"    // the offices of one program (MBE or JMD)
	KindStatistics       = "statistics" // anonymous referral statistics, from an export file
	KindAdvisorSet       = "advisorset" // the advisors of one language, district or program
	// KindAdvisorDistricts lists the advisor sets by district, one link
	// each: where a site has too many districts for every advisor page's
	// filter to list them (see docs/site.md, "Advisor directory").
	KindAdvisorDistricts = "advisordistricts"
	KindRefer            = "refer"    // internal edition: how to refer
	KindOpenData         = "opendata" // the open data files and their licence
	KindSearch           = "search"   // the search page
	KindQuality          = "quality"  // internal edition: data quality
	KindContent          = "content"  // a Markdown page
	KindNotFound         = "404"
	// The finder (finder.go).
	KindFind         = "find"         // the languages the finder offers
	KindFindLanguage = "findlanguage" // one language: where do you live?
	KindFindResult   = "findresult"   // one language and district: the offices
)

// Kinds returns every page kind: the theme has a template for each.
func Kinds() []string {
	return []string{KindChooser, KindHome, KindDistricts, KindDistrict, KindLanguages, KindLanguage, KindLanguageDistrict,
		KindTopics, KindTopic, KindProviders, KindProvider, KindOffice, KindOffer,
		KindCourses, KindCourseSet, KindCourse, KindAdvisors, KindAdvisorSet, KindAdvisorDistricts, KindOpenData, KindSearch, KindRefer, KindQuality,
		KindProgram, KindStatistics, KindContent, KindNotFound, KindFind, KindFindLanguage, KindFindResult, KindPass, KindFlyer}
}

// Page is one page in one language.
type Page struct {
	Kind string
	Lang string // "" for language-neutral pages
	Key  string // language-independent path, "" for home, else ending in "/": "districts/maxvorstadt/"
	Data any    // what the page shows: *model.District, *CourseSet, *model.Page, …
	// From is the language a content page is taken from when it does not
	// exist in Lang (a fallback), else "".
	From string
}

// Path returns the file the page is written to, relative to the site root.
func (p *Page) Path() string {
	switch p.Kind {
	case KindChooser:
		return "index.html"
	case KindNotFound:
		if p.Lang != "" {
			return p.Lang + "/404.html"
		}
		return "404.html"
	}
	if p.Lang == "" { // not made by paginate
		return path.Join(p.Key, "index.html")
	}
	return p.Lang + "/" + p.Key + "index.html" // Key is "" or ends in "/"
}

// CourseSet is a filtered list of courses: by type, district, start month
// or time of day.
type CourseSet struct {
	By      string // "type", "district", "month", "time"
	Value   string // the type, district id, "2026-12" or "morning"
	Courses []*model.Course
}

// Site is the page graph and the relations between entries.
type Site struct {
	Dir        *model.Directory
	Today      model.Date  // the build date: ended courses and past closures are left out
	Statistics *Statistics // referral statistics to publish, or nil
	Edition    string      // "internal" or the public edition
	Problems   diag.List   // the loader's warnings, for the quality page

	offices      []*model.Office             // all offices, by name
	advisors     map[string][]*model.Advisor // office id → public advisors
	offers       map[string][]*model.Offer   // office id → offers
	languagesOf  map[string][]string         // office id → Languages, made once (relate)
	courses      []*model.Course             // courses not ended, by start date
	spoken       []string                    // codes of languages with something to show, catalogue order
	contentPaths []string                    // Markdown page paths over all languages
	contentIn    map[[2]string]*model.Page   // (path, language) → published Markdown page
	advisorSets  []*AdvisorSet               // filtered advisor directories
	allAdvisors  []*model.Advisor            // by name
	coursesIn    map[string][]*model.Course  // district → courses held there
	memo         *sync.Map                   // relations computed on first use (see once)
	fallbacks    map[string][]string         // language → Fallbacks, read-only after New
	// The pages: the chooser and the 404 pages (special), then a block
	// per language, made on first use (a serve rebuild renders a few
	// pages of one language, not the 370,000 of a national site). Every
	// language has the same pages in the same order (see paginate), so
	// keys holds the position of a page key in every block.
	special  []*Page
	blocks   map[string]*block // language → its pages
	order    []string          // the languages of blocks, in the order of Pages
	keys     map[string]int
	easyKeys map[string]int // the same for the easy-to-read edition's block
	all      func() []*Page // Pages, made on first use
}

// block is the pages of one language, made on first use.
type block struct {
	lang    string
	specs   []pageSpec // the pages; the languages share one list
	content bool       // and then every Markdown page, in lang or a fallback
	once    sync.Once
	made    blockPages // once made (get)
	site    *Site
}

// blockPages is a block as made: its pages and the menus of its Markdown
// pages.
type blockPages struct {
	pages []Page
	menus map[string][]*Page // menu name → pages, by weight
}

// Options control what a site contains.
type Options struct {
	// Today is the day ended courses and past closures are judged by.
	Today model.Date
	// Statistics, if set, are published as the page statistics/.
	Statistics *Statistics
	// Edition is "internal" for the staff edition (with the pages refer/
	// and quality/); anything else is the public edition.
	Edition string
	// Problems are the loader's warnings, listed on the quality page.
	Problems diag.List
}

// Internal edition.
const EditionInternal = "internal"

// reserved are the first path segments of data pages; Markdown pages may
// not use them.
var reserved = []string{"find", "open-data", "data", "exports", "refer", "quality", "statistics", "programs", "districts", "languages", "topics", "providers", "offices", "offers", "courses", "advisors", "assets", "search", "pass"}

// New builds the page graph of dir.
func New(dir *model.Directory, opts Options) (*Site, error) {
	offices := dir.Count().Offices
	s := &Site{Dir: dir, Today: opts.Today, Statistics: opts.Statistics, Edition: opts.Edition, Problems: opts.Problems,
		advisors: make(map[string][]*model.Advisor, offices), offers: make(map[string][]*model.Offer, offices), memo: &sync.Map{}}
	s.fallbacks = map[string][]string{}
	for _, l := range append(slices.Clone(dir.Site.Languages), dir.Site.EasyLanguage) {
		s.fallbacks[l] = s.fallbacksOf(l)
	}
	s.relate()
	s.allAdvisors = s.sortAdvisors()
	// Lists the pages are made from, side by side; the finder's, the
	// course lists and the languages' districts are memoized (s.memo), so
	// paginate takes them as made.
	var wg sync.WaitGroup
	wg.Go(func() { s.finderList() })
	if s.ByDistrict() {
		wg.Go(func() { s.languageDistricts() })
	}
	s.advisorSets = s.makeAdvisorSets()
	s.CourseSets()
	wg.Wait()
	if err := s.paginate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Pages returns every page of the site: the chooser, the 404 pages, then
// each language's pages (the easy-to-read edition's last). The first call
// makes them all.
func (s *Site) Pages() []*Page { return s.all() }

// PageCount returns the number of pages, without making them.
func (s *Site) PageCount() int {
	n := len(s.special)
	for _, b := range s.blocks {
		n += b.len()
	}
	return n
}

// SpecialPages returns the pages outside the languages' blocks: the
// chooser and the 404 pages.
func (s *Site) SpecialPages() []*Page { return s.special }

// PageLanguages returns the languages that have pages, in the order of
// Pages.
func (s *Site) PageLanguages() []string { return s.order }

// ContentPages returns the Markdown pages published in lang (some of them
// fallbacks from another language).
func (s *Site) ContentPages(lang string) []*Page {
	b := s.blocks[lang]
	if b == nil {
		return nil
	}
	pages := b.get().pages
	out := make([]*Page, 0, len(s.contentPaths))
	for i := range pages {
		if pages[i].Kind == KindContent {
			out = append(out, &pages[i])
		}
	}
	return out
}

// len returns the number of pages of b.
func (b *block) len() int {
	if b.content {
		return len(b.specs) + len(b.site.contentPaths)
	}
	return len(b.specs)
}

// newBlock returns the block of lang with specs, made on first use.
func (s *Site) newBlock(lang string, specs []pageSpec, content bool) *block {
	return &block{lang: lang, specs: specs, content: content, site: s}
}

// get returns the pages of b, making them on the first call.
func (b *block) get() blockPages {
	b.once.Do(func() {
		s := b.site
		pages := make([]Page, 0, b.len())
		for _, p := range b.specs {
			pages = append(pages, Page{Kind: p.kind, Lang: b.lang, Key: p.key, Data: p.data})
		}
		if b.content {
			for _, p := range s.contentPaths {
				page, from := s.content(p, b.lang)
				pages = append(pages, Page{Kind: KindContent, Lang: b.lang, Key: p + "/", Data: page, From: from})
			}
		}
		b.made = blockPages{pages: pages, menus: menusOf(pages)}
	})
	return b.made
}

// allPages lists the pages of every block, making them.
func (s *Site) allPages() []*Page {
	n := s.PageCount()
	out := make([]*Page, 0, n)
	out = append(out, s.special...)
	for _, lang := range s.order {
		pages := s.blocks[lang].get().pages
		for i := range pages {
			out = append(out, &pages[i])
		}
	}
	return out
}

// keysOf returns the position of each page key in a block of specs (and,
// with content, the Markdown pages after them).
func (s *Site) keysOf(specs []pageSpec, content bool) map[string]int {
	n := len(specs)
	if content {
		n += len(s.contentPaths)
	}
	keys := make(map[string]int, n)
	for i, p := range specs {
		keys[p.key] = i
	}
	if content {
		for i, p := range s.contentPaths {
			keys[p+"/"] = len(specs) + i
		}
	}
	return keys
}

// Lookup returns the page written to name, a path relative to the site
// root (see Page.Path), or nil if there is none.
func (s *Site) Lookup(name string) *Page {
	lang, rest, ok := strings.Cut(name, "/")
	if !ok || !strings.HasSuffix(rest, "index.html") {
		for _, p := range s.special { // the chooser and the 404 pages
			if p.Path() == name {
				return p
			}
		}
		return nil
	}
	key := strings.TrimSuffix(rest, "index.html")
	keys := s.keys
	if s.easy(lang) {
		keys = s.easyKeys
	}
	b, ok1 := s.blocks[lang]
	i, ok2 := keys[key]
	if !ok1 || !ok2 {
		return nil
	}
	if pages := b.get().pages; i < len(pages) && pages[i].Key == key {
		return &pages[i]
	}
	return nil
}

func (s *Site) relate() {
	d := s.Dir
	spoken := map[string]bool{}
	for i := range d.Providers {
		p := &d.Providers[i]
		for j := range p.Offices {
			s.offices = append(s.offices, &p.Offices[j])
		}
		for j := range p.Advisors {
			a := &p.Advisors[j]
			if !a.IsPublic() && s.Edition != EditionInternal {
				continue
			}
			s.advisors[a.Office] = append(s.advisors[a.Office], a)
			for _, l := range a.Languages {
				if !spoken[l] { // most are there already: a look-up, not a store
					spoken[l] = true
				}
			}
		}
		for j := range p.Offers {
			o := &p.Offers[j]
			for _, id := range o.Offices {
				s.offers[id] = append(s.offers[id], o)
			}
			for _, l := range o.Languages {
				if !spoken[l] {
					spoken[l] = true
				}
			}
		}
	}
	names := make(map[*model.Office]string, len(s.offices))
	for _, o := range s.offices {
		names[o] = s.name(o.Name)
	}
	slices.SortStableFunc(s.offices, func(a, b *model.Office) int { return cmp.Compare(names[a], names[b]) })
	// An office's languages are asked for by the finder, the language
	// pages and the lists, many times each: made once.
	s.languagesOf = make(map[string][]string, len(s.offices))
	for _, o := range s.offices {
		s.languagesOf[o.ID] = s.officeLanguages(o)
	}
	for i := range d.CourseFiles {
		f := &d.CourseFiles[i]
		for j := range f.Courses {
			c := &f.Courses[j]
			if c.End.Before(s.Today) {
				continue
			}
			s.courses = append(s.courses, c)
			for _, l := range c.SupportLanguages {
				if !spoken[l] {
					spoken[l] = true
				}
			}
		}
	}
	slices.SortFunc(s.courses, func(a, b *model.Course) int { // ids are unique
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	s.coursesIn = make(map[string][]*model.Course, len(d.Districts))
	for _, c := range s.courses {
		s.coursesIn[c.Location.District] = append(s.coursesIn[c.Location.District], c)
	}
	for _, l := range d.Languages {
		if spoken[l.Code] {
			s.spoken = append(s.spoken, l.Code)
		}
	}
	seen := map[string]bool{}
	s.contentIn = map[[2]string]*model.Page{}
	for i := range d.Pages {
		p := &d.Pages[i]
		if p.Meta.Draft {
			continue
		}
		if !seen[p.Path] {
			seen[p.Path] = true
			s.contentPaths = append(s.contentPaths, p.Path)
		}
		if k := [2]string{p.Path, p.Lang}; s.contentIn[k] == nil {
			s.contentIn[k] = p
		}
	}
	slices.Sort(s.contentPaths)
}

// name returns a text in the default language, for sorting.
func (s *Site) name(t model.Text) string {
	v, _ := t.Get(s.Dir.Site.DefaultLanguage, s.Dir.Site.DefaultLanguage)
	return strings.ToLower(v)
}

func (s *Site) paginate() error {
	d := s.Dir
	// Pages outside the languages' blocks: the chooser, the 404 page of
	// the whole site (in every language) and one per language, which
	// hosts that can serve a 404 page per folder use (_redirects).
	s.special = []*Page{{Kind: KindChooser}, {Kind: KindNotFound}}
	for _, l := range d.Site.Editions() {
		s.special = append(s.special, &Page{Kind: KindNotFound, Lang: l})
	}
	for _, p := range s.contentPaths {
		first, _, _ := strings.Cut(p, "/")
		if slices.Contains(reserved, first) || p == "index" {
			return fmt.Errorf("content page %q: the path %s/ is used by the site itself; rename the file", p, first)
		}
	}
	// The pages of a language, the same in each (but the Markdown pages,
	// which may fall back to another language): listed once, so every
	// language's pages share the keys.
	list := make([]pageSpec, 0, 16+len(s.finderList())+2*len(d.Districts)+len(s.spoken)+len(d.Topics)+len(d.Providers)+2*len(s.offices)+len(s.courses)+len(s.advisorSets)+len(s.CourseSets())+64)
	add := func(kind, key string, data any) { list = append(list, pageSpec{kind, key, data}) }
	add(KindHome, "", nil)
	s.finderPages(add)
	for _, p := range s.Programs() {
		add(KindProgram, "programs/"+p+"/", p)
	}
	add(KindDistricts, "districts/", nil)
	for i := range d.Districts {
		add(KindDistrict, "districts/"+d.Districts[i].ID+"/", &d.Districts[i])
	}
	add(KindLanguages, "languages/", nil)
	for _, code := range s.spoken {
		add(KindLanguage, "languages/"+code+"/", d.Language(code))
		if s.ByDistrict() {
			for _, ld := range s.LanguageDistricts(code) {
				add(KindLanguageDistrict, ld.Key(), ld)
			}
		}
	}
	add(KindTopics, "topics/", nil)
	for i := range d.Topics {
		add(KindTopic, "topics/"+d.Topics[i].ID+"/", &d.Topics[i])
	}
	add(KindProviders, "providers/", nil)
	for i := range d.Providers {
		p := &d.Providers[i]
		add(KindProvider, "providers/"+p.ID+"/", p)
		for j := range p.Offers {
			add(KindOffer, "offers/"+p.Offers[j].ID+"/", &p.Offers[j])
		}
	}
	for _, o := range s.offices {
		key := "offices/" + o.ID + "/"
		add(KindOffice, key, o)
		add(KindFlyer, key+"flyer/", o)
	}
	for i := range d.Districts {
		add(KindPass, "pass/"+d.Districts[i].ID+"/", &d.Districts[i])
	}
	add(KindCourses, "courses/", nil)
	for _, c := range s.courses {
		add(KindCourse, "courses/"+c.ID+"/", c)
	}
	for _, set := range s.CourseSets() {
		if s.ByDistrict() && (set.By == "month" || set.By == "time") {
			continue // a month's courses in the whole country are no list to read (CourseFacets)
		}
		add(KindCourseSet, set.Key(), set)
	}
	add(KindAdvisors, "advisors/", nil)
	add(KindAdvisorDistricts, "advisors/districts/", nil)
	for _, set := range s.AdvisorSets() {
		add(KindAdvisorSet, set.Key(), set)
	}
	add(KindOpenData, "open-data/", nil)
	add(KindSearch, "search/", nil)
	add(KindSearch, KeySearchNames, &SearchNamesPage{})
	if s.Edition == EditionInternal {
		add(KindRefer, "refer/", nil)
		add(KindQuality, "quality/", nil)
	}
	if s.Statistics != nil {
		add(KindStatistics, "statistics/", s.Statistics)
	}
	s.blocks = map[string]*block{}
	for _, lang := range d.Site.Languages {
		s.blocks[lang] = s.newBlock(lang, list, true)
		s.order = append(s.order, lang)
	}
	s.keys = s.keysOf(list, true)
	// The easy-to-read edition: the pages newcomers start from, and the
	// Markdown pages written in it.
	s.easyKeys = map[string]int{}
	if easy := d.Site.EasyLanguage; easy != "" {
		easyList := []pageSpec{{KindHome, "", nil}}
		easyList = append(easyList, s.finderList()...)
		for _, p := range s.contentPaths {
			if page := s.contentIn[[2]string{p, easy}]; page != nil {
				easyList = append(easyList, pageSpec{KindContent, p + "/", page})
			}
		}
		s.blocks[easy] = s.newBlock(easy, easyList, false)
		s.order = append(s.order, easy)
		s.easyKeys = s.keysOf(easyList, false)
	}
	s.all = sync.OnceValue(s.allPages)
	return nil
}

// easy reports whether lang is the easy-to-read edition's language.
func (s *Site) easy(lang string) bool { return lang != "" && lang == s.Dir.Site.EasyLanguage }

// Easy reports whether lang is the easy-to-read edition's language.
func (s *Site) Easy(lang string) bool { return s.easy(lang) }

// HasPage reports whether the page with key exists in lang.
func (s *Site) HasPage(lang, key string) bool {
	return s.Lookup(lang+"/"+key+"index.html") != nil
}

// Fallbacks returns the languages to show a text or page in when it is
// missing in lang, best first: lang itself; then, for readers of another
// language than the default, English where the site has it (more
// newcomers read English than German); then the default language.
func (s *Site) Fallbacks(lang string) []string {
	if f, ok := s.fallbacks[lang]; ok {
		return f
	}
	return s.fallbacksOf(lang)
}

func (s *Site) fallbacksOf(lang string) []string {
	def := s.Dir.Site.DefaultLanguage
	out := []string{lang}
	if lang != def && lang != "en" && !s.easy(lang) && slices.Contains(s.Dir.Site.Languages, "en") {
		out = append(out, "en")
	}
	if lang != def {
		out = append(out, def)
	}
	return out
}

// content returns the Markdown page at path in lang, or in a fallback
// language (then any language) with that language as from.
func (s *Site) content(p, lang string) (*model.Page, string) {
	order := append(s.Fallbacks(lang), s.Dir.Site.Languages...)
	for _, l := range order {
		if pg := s.contentIn[[2]string{p, l}]; pg != nil {
			if l == lang {
				return pg, ""
			}
			return pg, l
		}
	}
	return nil, ""
}

// Key returns the page key of a course set.
func (c *CourseSet) Key() string {
	seg := map[string]string{"type": "types", "district": "districts", "month": "months", "time": "times"}[c.By]
	return "courses/" + seg + "/" + c.Value + "/"
}
