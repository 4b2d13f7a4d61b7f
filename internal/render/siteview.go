package render

import (
	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/holidays"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// SiteView is the site as a template sees it ({{.Site}}): the methods of
// site.Site and model.Directory a theme may call, each recording in the
// page's site.Reads which data files it read. wegweiser serve keeps a page
// after a change when nothing it read changed, so every way from a
// template to the data goes through here; the renderer's own helpers
// (View's methods) use it too.
//
// The methods return what the site's do. What a method returns that
// belongs to one provider (an office, its advisors) records that
// provider's file; a list drawn from all providers (a district's offices)
// records all provider files; the course methods likewise for course
// files. Site-wide data (the site's settings, districts, languages,
// topics, menus) records nothing: a change to it renders every page again.
type SiteView struct {
	s     *site.Site
	reads *site.Reads
	dir   DirView
}

func newSiteView(s *site.Site, reads *site.Reads) SiteView {
	return SiteView{s: s, reads: reads, dir: DirView{d: s.Dir, reads: reads}}
}

// office records the file of the provider of office id.
func (sv *SiteView) office(id string) { sv.dir.Office(id) }

// Dir is the directory's data (model.Directory).
func (sv *SiteView) Dir() *DirView { return &sv.dir }

// Today is the build date.
func (sv *SiteView) Today() model.Date { return sv.s.Today }

// Edition is "internal" or the public edition.
func (sv *SiteView) Edition() string { return sv.s.Edition }

// Statistics are the referral statistics to publish, or nil.
func (sv *SiteView) Statistics() *site.Statistics { return sv.s.Statistics }

// Problems are the loader's warnings.
func (sv *SiteView) Problems() diag.List { sv.reads.All(); return sv.s.Problems }

// Pages are all pages of the site.
func (sv *SiteView) Pages() []*site.Page { sv.reads.All(); return sv.s.Pages() }

// Lookup returns the page at path name, or nil (site.Site.Lookup).
func (sv *SiteView) Lookup(name string) *site.Page {
	return sv.s.LookupReads(name, sv.reads)
}

// HasPage reports whether the site has the page of key in lang.
func (sv *SiteView) HasPage(lang, key string) bool {
	return sv.Lookup(lang+"/"+key+"index.html") != nil
}

// Easy reports whether lang is the easy-to-read edition.
func (sv *SiteView) Easy(lang string) bool { return sv.s.Easy(lang) }

// Fallbacks returns the languages to show a text in when it is missing
// in lang, best first.
func (sv *SiteView) Fallbacks(lang string) []string { return sv.s.Fallbacks(lang) }

// Menu returns the Markdown pages of a menu in lang.
func (sv *SiteView) Menu(lang, menu string) []*site.Page { return sv.s.Menu(lang, menu) }

// Programs returns the programs, MBE and JMD.
func (sv *SiteView) Programs() []string { return sv.s.Programs() }

// Holidays returns the public holidays of the site's region ahead.
func (sv *SiteView) Holidays() []holidays.Holiday { return sv.s.Holidays() }

// HolidayDates returns the holidays ahead as data for the opening hours.
func (sv *SiteView) HolidayDates() string { return sv.s.HolidayDates() }

// Offices returns all offices, by name.
func (sv *SiteView) Offices() []*model.Office { sv.reads.AllProviders(); return sv.s.Offices() }

// AllAdvisors returns every advisor of the edition, by name.
func (sv *SiteView) AllAdvisors() []*model.Advisor {
	sv.reads.AllProviders()
	return sv.s.AllAdvisors()
}

// Advisors returns the public advisors of an office.
func (sv *SiteView) Advisors(office string) []*model.Advisor {
	sv.office(office)
	return sv.s.Advisors(office)
}

// Offers returns the offers of an office.
func (sv *SiteView) Offers(office string) []*model.Offer {
	sv.office(office)
	return sv.s.Offers(office)
}

// Languages returns the codes of the languages spoken at an office.
func (sv *SiteView) Languages(o *model.Office) []string {
	sv.reads.Provider(o.Provider)
	return sv.s.Languages(o)
}

// OfficePrograms returns the programs an office offers.
func (sv *SiteView) OfficePrograms(o *model.Office) []string {
	sv.reads.Provider(o.Provider)
	return sv.s.OfficePrograms(o)
}

// OfficeSpeaks reports whether someone at office o speaks lang.
func (sv *SiteView) OfficeSpeaks(o *model.Office, lang string) bool {
	sv.reads.Provider(o.Provider)
	return sv.s.OfficeSpeaks(o, lang)
}

// Closures returns the closures of an office that have not ended.
func (sv *SiteView) Closures(o *model.Office) []model.Closure {
	sv.reads.Provider(o.Provider)
	return sv.s.Closures(o)
}

// ProviderOffices returns the offices of a provider.
func (sv *SiteView) ProviderOffices(p *model.Provider) []*model.Office {
	sv.reads.Provider(p.ID)
	return sv.s.ProviderOffices(p)
}

// DistrictOffices returns the offices of a program serving a district.
// It records the list (a value) and its offices' files, not every
// provider file.
func (sv *SiteView) DistrictOffices(district, program string) []site.DistrictOffice {
	return sv.s.DistrictOfficesReads(district, program, sv.reads)
}

// ProgramOffices returns the offices of a program, by district.
func (sv *SiteView) ProgramOffices(program string) []site.DistrictGroup {
	sv.reads.AllProviders()
	return sv.s.ProgramOffices(program)
}

// LanguageOffices returns the offices where a language is spoken, by
// district.
func (sv *SiteView) LanguageOffices(code string) []site.DistrictGroup {
	sv.reads.AllProviders()
	return sv.s.LanguageOffices(code)
}

// ByDistrict reports whether the site's lists over all districts (a
// language's entries, a course type's courses) list districts instead,
// each with a page of its own.
func (sv *SiteView) ByDistrict() bool { return sv.s.ByDistrict() }

// LanguageDistricts returns the districts where a language has entries,
// each with its entries. It records the districts and how many entries
// each has (a value); a district's entries record more when a template
// reads them (LanguageDistrictView.Entries).
func (sv *SiteView) LanguageDistricts(code string) []LanguageDistrictView {
	list := sv.s.LanguageDistrictsReads(code, sv.reads)
	out := make([]LanguageDistrictView, len(list))
	for i, ld := range list {
		out[i] = LanguageDistrictView{ld: ld, reads: sv.reads}
	}
	return out
}

// LanguageDistrictView is a district in a language's list of districts
// (SiteView.LanguageDistricts): its district, page and size come with the
// list; its entries record their files.
type LanguageDistrictView struct {
	ld    *site.LanguageDistrict
	reads *site.Reads
}

// District is the district.
func (v LanguageDistrictView) District() *model.District { return v.ld.District }

// Key returns the page key of the language in the district.
func (v LanguageDistrictView) Key() string { return v.ld.Key() }

// Count returns the number of entries.
func (v LanguageDistrictView) Count() int { return v.ld.Count() }

// Entries returns the language's entries in the district.
func (v LanguageDistrictView) Entries() *site.LanguageDistrict {
	v.reads.Data(v.ld)
	return v.ld
}

// LanguageAll returns a language's offers, advisors and courses.
func (sv *SiteView) LanguageAll(code string) *site.LanguageDistrict {
	sv.reads.AllProviders()
	sv.reads.AllCourses()
	return sv.s.LanguageAll(code)
}

// LanguageAdvisors returns the advisors who speak a language.
func (sv *SiteView) LanguageAdvisors(code string) []*model.Advisor {
	sv.reads.AllProviders()
	return sv.s.LanguageAdvisors(code)
}

// LanguageOffers returns the offers held in a language.
func (sv *SiteView) LanguageOffers(code string) []*model.Offer {
	sv.reads.AllProviders()
	return sv.s.LanguageOffers(code)
}

// TopicOffers returns the offers on a topic.
func (sv *SiteView) TopicOffers(topic string) []*model.Offer {
	sv.reads.AllProviders()
	return sv.s.TopicOffers(topic)
}

// TopicDistricts returns the districts where a topic has offers. It
// records the districts and how many offers each has (a value); a
// district's offers record more when a template reads them
// (TopicDistrictView.Offers).
func (sv *SiteView) TopicDistricts(topic string) []TopicDistrictView {
	list := sv.s.TopicDistrictsReads(topic, sv.reads)
	out := make([]TopicDistrictView, len(list))
	for i, td := range list {
		out[i] = TopicDistrictView{td: td, s: sv.s, reads: sv.reads}
	}
	return out
}

// TopicDistrictView is a district in a topic's list of districts
// (SiteView.TopicDistricts): its district, anchor and size come with the
// list; its offers record what the district's page records.
type TopicDistrictView struct {
	td    *site.TopicDistrict
	s     *site.Site
	reads *site.Reads
}

// District is the district.
func (v TopicDistrictView) District() *model.District { return v.td.District }

// Anchor returns the id of the topic's section on the district's page.
func (v TopicDistrictView) Anchor() string { return v.td.Anchor() }

// Count returns the number of offers.
func (v TopicDistrictView) Count() int { return len(v.td.Offers) }

// Offers returns the topic's offers in the district.
func (v TopicDistrictView) Offers() []*model.Offer {
	v.s.DistrictTopicsReads(v.td.District.ID, v.reads)
	return v.td.Offers
}

// DistrictTopics returns the topics that have offers held in a district,
// each with its offers. It records which offers on which topics (a value)
// and the offers' files, not every provider file.
func (sv *SiteView) DistrictTopics(district string) []*site.TopicDistrict {
	return sv.s.DistrictTopicsReads(district, sv.reads)
}

// AdvisorGroups returns the advisors keep accepts, grouped.
func (sv *SiteView) AdvisorGroups(keep func(*model.Advisor) bool) []site.AdvisorGroup {
	sv.reads.AllProviders()
	return sv.s.AdvisorGroups(keep)
}

// AdvisorSets returns the filtered advisor directories.
func (sv *SiteView) AdvisorSets() []*site.AdvisorSet {
	sv.reads.AllProviders()
	return sv.s.AdvisorSets()
}

// AdvisorSetsBy returns the advisor directories filtered by one
// dimension. It records the sets and their sizes (a value); a set's
// advisors record more when a template reads them (AdvisorSetView.Groups).
func (sv *SiteView) AdvisorSetsBy(by string) []AdvisorSetView {
	sets := sv.s.AdvisorSetsByReads(by, sv.reads)
	out := make([]AdvisorSetView, len(sets))
	for i, a := range sets {
		out[i] = AdvisorSetView{set: a, reads: sv.reads}
	}
	return out
}

// AdvisorSetView is an advisor set in a list of sets
// (SiteView.AdvisorSetsBy): its filter, page and size come with the list;
// its advisors (Groups) record the set's members and their files.
type AdvisorSetView struct {
	set   *site.AdvisorSet
	reads *site.Reads
}

// By is what the set is filtered by: "language", "district", "program".
func (a AdvisorSetView) By() string { return a.set.By }

// Value is the language, district or program of the set.
func (a AdvisorSetView) Value() string { return a.set.Value }

// Filter returns By and Value.
func (a AdvisorSetView) Filter() (by, value string) { return a.set.Filter() }

// Key returns the page key of the set.
func (a AdvisorSetView) Key() string { return a.set.Key() }

// Count returns the number of advisors in the set.
func (a AdvisorSetView) Count() int { return a.set.Count() }

// Groups returns the set's advisors by district.
func (a AdvisorSetView) Groups() []site.AdvisorGroup {
	a.reads.Data(a.set)
	return a.set.Groups
}

// FinderLanguages returns the languages the finder offers.
func (sv *SiteView) FinderLanguages() []string {
	sv.reads.AllProviders()
	return sv.s.FinderLanguages()
}

// FinderHas reports whether the finder has a result page for a language
// and district. It records which districts have one (a value), not every
// provider file.
func (sv *SiteView) FinderHas(lang, district string) bool {
	return sv.s.FinderHasReads(lang, district, sv.reads)
}

// Find returns the finder's result for a language and district. It
// records the ranking (site.Reads.Values) and the files of the offices
// shown, not every provider file.
func (sv *SiteView) Find(lang, district string) *site.Finding {
	return sv.s.FindReads(lang, district, sv.reads)
}

// FindingOf returns the finder result a page shows.
func (sv *SiteView) FindingOf(p *site.Page) *site.Finding {
	return sv.s.FindingOfReads(p, sv.reads)
}

// FinderDistricts returns the districts of the finder for a language.
func (sv *SiteView) FinderDistricts(lang string) []site.FinderDistrict {
	sv.reads.AllProviders()
	return sv.s.FinderDistricts(lang)
}

// Courses returns the courses not ended, by start date.
func (sv *SiteView) Courses() []*model.Course { sv.reads.AllCourses(); return sv.s.Courses() }

// FindCourses returns the courses f accepts.
func (sv *SiteView) FindCourses(f site.CourseFilter) []*model.Course {
	sv.reads.AllCourses()
	return sv.s.FindCourses(f)
}

// FilterCourses returns the courses of cs that f accepts.
func (sv *SiteView) FilterCourses(cs []*model.Course, f site.CourseFilter) []*model.Course {
	return sv.s.FilterCourses(cs, f) // reads cs only, which the caller read
}

// CourseMonths returns the months courses start in.
func (sv *SiteView) CourseMonths() []string { sv.reads.AllCourses(); return sv.s.CourseMonths() }

// DistrictCourses returns the courses held in a district.
func (sv *SiteView) DistrictCourses(district string) []*model.Course {
	sv.reads.AllCourses()
	return sv.s.DistrictCourses(district)
}

// LanguageCourses returns the courses for speakers of a language.
func (sv *SiteView) LanguageCourses(code string) []*model.Course {
	sv.reads.AllCourses()
	return sv.s.LanguageCourses(code)
}

// CourseSets returns the course lists.
func (sv *SiteView) CourseSets() []*site.CourseSet { sv.reads.AllCourses(); return sv.s.CourseSets() }

// CourseTypeDistricts returns the districts whose course list has
// courses of a type, with how many.
func (sv *SiteView) CourseTypeDistricts(t string) []site.CourseDistrictCount {
	sv.reads.AllCourses()
	return sv.s.CourseTypeDistricts(t)
}

// CourseSetsBy returns the course lists of one dimension.
func (sv *SiteView) CourseSetsBy(by string) []*site.CourseSet {
	sv.reads.AllCourses()
	return sv.s.CourseSetsBy(by)
}

// Spoken returns the languages with something to show.
func (sv *SiteView) Spoken() []string {
	sv.reads.AllProviders()
	sv.reads.AllCourses()
	return sv.s.Spoken()
}

// MissingTranslations counts the texts without a translation, by
// language.
func (sv *SiteView) MissingTranslations() []site.LangCount {
	sv.reads.AllProviders()
	sv.reads.AllCourses()
	return sv.s.MissingTranslations()
}

// QualityProblems returns the loader's warnings of a rule.
func (sv *SiteView) QualityProblems(rule string) diag.List {
	sv.reads.All()
	return sv.s.QualityProblems(rule)
}

// SearchNames returns the names a search without JavaScript leads to a
// page by.
func (sv *SiteView) SearchNames() []site.SearchName {
	sv.reads.AllProviders()
	sv.reads.AllCourses()
	return sv.s.SearchNames()
}

// DirView is the directory's data as a template sees it
// ({{.Site.Dir}}), recording reads like SiteView.
type DirView struct {
	d     *model.Directory
	reads *site.Reads
}

// Site is the site's settings (site.yaml).
func (dv *DirView) Site() *model.Site { return &dv.d.Site }

// Languages are the languages of languages.yaml.
func (dv *DirView) Languages() []model.Language { return dv.d.Languages }

// Districts are the districts.
func (dv *DirView) Districts() []model.District { return dv.d.Districts }

// Topics are the topics.
func (dv *DirView) Topics() []model.Topic { return dv.d.Topics }

// Pages are the Markdown pages of content/.
func (dv *DirView) Pages() []model.Page { return dv.d.Pages }

// OutdatedSince reports whether the translation s into lang is older than
// its source text, and the day the source changed.
func (dv *DirView) OutdatedSince(lang, s string) (model.Date, bool) {
	return dv.d.OutdatedSince(lang, s)
}

// Language returns the language of a code, or nil.
func (dv *DirView) Language(code string) *model.Language { return dv.d.Language(code) }

// District returns the district id, or nil.
func (dv *DirView) District(id string) *model.District { return dv.d.District(id) }

// Topic returns the topic id, or nil.
func (dv *DirView) Topic(id string) *model.Topic { return dv.d.Topic(id) }

// Direction returns "rtl" or "ltr" for a language code.
func (dv *DirView) Direction(code string) string { return dv.d.Direction(code) }

// Providers are all providers.
func (dv *DirView) Providers() []model.Provider { dv.reads.AllProviders(); return dv.d.Providers }

// CourseFiles are all course files.
func (dv *DirView) CourseFiles() []model.CourseFile { dv.reads.AllCourses(); return dv.d.CourseFiles }

// found returns x, the answer of a lookup by id, recording the file it
// comes from (site.Reads.Data); for no answer, none records the files
// that could add it.
func found[T any](reads *site.Reads, x *T, none func()) *T {
	if x == nil {
		none()
		return nil
	}
	reads.Data(x)
	return x
}

// Provider returns the provider id, or nil.
func (dv *DirView) Provider(id string) *model.Provider {
	return found(dv.reads, dv.d.Provider(id), dv.reads.AllProviders)
}

// Office returns the office id, or nil.
func (dv *DirView) Office(id string) *model.Office {
	return found(dv.reads, dv.d.Office(id), dv.reads.AllProviders)
}

// Advisor returns the advisor id, or nil.
func (dv *DirView) Advisor(id string) *model.Advisor {
	return found(dv.reads, dv.d.Advisor(id), dv.reads.AllProviders)
}

// Offer returns the offer id, or nil.
func (dv *DirView) Offer(id string) *model.Offer {
	return found(dv.reads, dv.d.Offer(id), dv.reads.AllProviders)
}

// Course returns the course id, or nil.
func (dv *DirView) Course(id string) *model.Course {
	return found(dv.reads, dv.d.Course(id), dv.reads.AllCourses)
}

// CourseFile returns the course file of the course provider id, or nil.
func (dv *DirView) CourseFile(provider string) *model.CourseFile {
	if f := dv.d.CourseFile(provider); f != nil {
		dv.reads.CourseProvider(provider)
		return f
	}
	dv.reads.AllCourses()
	return nil
}
