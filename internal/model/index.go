package model

// Directory is the whole validated directory: everything in data/ and
// content/. It is built by package load and must not be modified afterwards.
type Directory struct {
	Site        Site
	Languages   []Language
	Districts   []District
	Topics      []Topic
	Providers   []Provider
	CourseFiles []CourseFile
	Pages       []Page
	// Outdated holds the translations written before their source text
	// (the default language's) last changed, as the loader found them in
	// the Git history: by language and translated text, the day the
	// source changed. Nil without history.
	Outdated map[string]Date

	languages map[string]*Language
	districts map[string]*District
	topics    map[string]*Topic
	providers map[string]*Provider
	offices   map[string]*Office
	advisors  map[string]*Advisor
	offers    map[string]*Offer
	courses   map[string]*Course
	// courseFiles are the course files by their provider's id.
	courseFiles map[string]*CourseFile
}

// Direction returns the writing direction of the language code, "rtl" or
// "ltr" (also for a code not in languages.yaml).
func (d *Directory) Direction(code string) string {
	if l := d.Language(code); l != nil && l.RTL() {
		return "rtl"
	}
	return "ltr"
}

// OutdatedSince reports whether the translation s into lang is older than
// its source text, and the day the source changed.
func (d *Directory) OutdatedSince(lang, s string) (Date, bool) {
	day, ok := d.Outdated[lang+"\x00"+s]
	return day, ok
}

// Index builds the lookup tables of d. The loader calls it once after
// validation; ids are unique by then.
func (d *Directory) Index() {
	d.languages = make(map[string]*Language, len(d.Languages))
	for i := range d.Languages {
		d.languages[d.Languages[i].Code] = &d.Languages[i]
	}
	d.districts = make(map[string]*District, len(d.Districts))
	for i := range d.Districts {
		d.districts[d.Districts[i].ID] = &d.Districts[i]
	}
	d.topics = make(map[string]*Topic, len(d.Topics))
	for i := range d.Topics {
		d.topics[d.Topics[i].ID] = &d.Topics[i]
	}
	// Sized up front: grown entry by entry, the maps of a national
	// directory were a fifth of every serve rebuild's load.
	n := d.Count()
	d.providers = make(map[string]*Provider, len(d.Providers))
	d.offices = make(map[string]*Office, n.Offices)
	d.advisors = make(map[string]*Advisor, n.Advisors)
	d.offers = make(map[string]*Offer, n.Offers)
	for i := range d.Providers {
		p := &d.Providers[i]
		d.providers[p.ID] = p
		for j := range p.Offices {
			d.offices[p.Offices[j].ID] = &p.Offices[j]
		}
		for j := range p.Advisors {
			d.advisors[p.Advisors[j].ID] = &p.Advisors[j]
		}
		for j := range p.Offers {
			d.offers[p.Offers[j].ID] = &p.Offers[j]
		}
	}
	d.courses = make(map[string]*Course, n.Courses)
	d.courseFiles = make(map[string]*CourseFile, len(d.CourseFiles))
	for i := range d.CourseFiles {
		f := &d.CourseFiles[i]
		if d.courseFiles[f.Provider.ID] == nil { // the first, as a search through the list finds
			d.courseFiles[f.Provider.ID] = f
		}
		for j := range f.Courses {
			d.courses[f.Courses[j].ID] = &f.Courses[j]
		}
	}
}

// Counts is how many entries of each kind a directory has.
type Counts struct{ Offices, Advisors, Offers, Courses int }

// Count counts the entries of d, to size what is made of them.
func (d *Directory) Count() Counts {
	var n Counts
	for i := range d.Providers {
		n.Offices += len(d.Providers[i].Offices)
		n.Advisors += len(d.Providers[i].Advisors)
		n.Offers += len(d.Providers[i].Offers)
	}
	for i := range d.CourseFiles {
		n.Courses += len(d.CourseFiles[i].Courses)
	}
	return n
}

// Language returns the catalogue entry for code, or nil.
func (d *Directory) Language(code string) *Language { return d.languages[code] }

// District returns the district with the id, or nil.
func (d *Directory) District(id string) *District { return d.districts[id] }

// Topic returns the topic with the id, or nil.
func (d *Directory) Topic(id string) *Topic { return d.topics[id] }

// Provider returns the provider with the id, or nil.
func (d *Directory) Provider(id string) *Provider { return d.providers[id] }

// Office returns the office with the id, or nil.
func (d *Directory) Office(id string) *Office { return d.offices[id] }

// Advisor returns the advisor with the id, or nil.
func (d *Directory) Advisor(id string) *Advisor { return d.advisors[id] }

// Offer returns the offer with the id, or nil.
func (d *Directory) Offer(id string) *Offer { return d.offers[id] }

// Course returns the course with the id, or nil.
func (d *Directory) Course(id string) *Course { return d.courses[id] }

// CourseFile returns the course file of the course provider id, or nil.
func (d *Directory) CourseFile(provider string) *CourseFile { return d.courseFiles[provider] }

// Public returns a copy of d without anything for staff only: advisors with
// public: false, the internal blocks of offices and advisors, the referral
// endpoint, and pages of the internal edition. The public edition is built
// from it, so no later stage can publish what it does not hold.
func (d *Directory) Public() *Directory {
	p := *d
	p.Site.Referrals = nil
	p.Providers = make([]Provider, len(d.Providers))
	for i, pr := range d.Providers {
		pr.Offices = append([]Office(nil), pr.Offices...)
		for j := range pr.Offices {
			pr.Offices[j].Internal = nil
		}
		pr.Advisors = nil
		for _, a := range d.Providers[i].Advisors {
			if a.IsPublic() {
				a.Internal = nil
				pr.Advisors = append(pr.Advisors, a)
			}
		}
		p.Providers[i] = pr
	}
	p.Pages = nil
	for _, pg := range d.Pages {
		if pg.Meta.Edition != "internal" {
			p.Pages = append(p.Pages, pg)
		}
	}
	p.Index()
	return &p
}
