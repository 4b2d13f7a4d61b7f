package search

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Kinds of search results, in the order results of equal score are shown.
var Kinds = []string{"office", "offer", "course", "advisor", "district", "provider", "page"}

// Doc is one search result in one language, with the texts it is found by.
type Doc struct {
	Key       string // kind:id, the same in every language
	Kind      string
	URL       string // path below the site root, e.g. "de/offices/caritas-mitte/"
	Title     string
	TitleLang string // the title's language when it is a fallback, else ""
	Snippet   string
	District  string
	Program   string
	Type      string // course type
	Languages []string
	Tags      []string // women-only, childcare, morning, afternoon, evening
	Parts     []Part
}

// Part is a text a document is found by, with its language and weight.
type Part struct {
	Text   string
	Lang   string
	Weight int // 4 title, 3 names, 2 the German title from another language, 1 body
}

// Field weights.
const (
	wTitle  = 4
	wNames  = 3
	wGerman = 2
	wBody   = 1
)

// docBuilder makes the documents of one language. The parts that many
// documents share (a language's names, a district's, an interface label)
// are made once each, and a document's parts are gathered in one buffer
// and copied out once: at national scale a language's 31,000 documents
// made them anew and grew their lists part by part: 1.3–1.5 CPU-seconds
// for the eight languages of the national benchmark data, in every build
// and every serve rebuild (BenchmarkDocuments in internal/build).
type docBuilder struct {
	s    *site.Site
	str  *i18n.Bundle
	lang string
	def  string

	langs     map[string][]Part         // langParts of one code
	districts map[districtWeight][]Part // district
	labels    map[string][]Part         // label
	parts     []Part                    // the parts of the document being made
}

type districtWeight struct {
	id string
	w  int
}

func newDocBuilder(s *site.Site, str *i18n.Bundle, lang string) *docBuilder {
	return &docBuilder{s: s, str: str, lang: lang, def: s.Dir.Site.DefaultLanguage,
		langs: map[string][]Part{}, districts: map[districtWeight][]Part{}, labels: map[string][]Part{}}
}

// start returns the empty buffer of a document's parts.
func (b *docBuilder) start() []Part { return b.parts[:0] }

// done returns a copy of a document's parts p (gathered from start) and
// keeps p's array for the next document.
func (b *docBuilder) done(p []Part) []Part {
	b.parts = p[:0]
	return slices.Clone(p)
}

func (b *docBuilder) text(t model.Text) (string, string) {
	s, in := t.Get(b.lang, b.def)
	if in == b.lang {
		in = ""
	}
	return s, in
}

// all appends every translation of a text to dst, each as a part: names
// and titles are found from every language.
func (b *docBuilder) all(dst []Part, t model.Text, w int) []Part {
	// The page's language, then the default language (other languages'
	// texts only add noise), in this order: a document is the same every
	// time, and so is the fingerprint of the documents a build compares
	// with the previous one's (see build.SearchManifestName).
	for i, lang := range [2]string{b.lang, b.def} {
		s, ok := t[lang]
		if !ok || i == 1 && lang == b.lang {
			continue
		}
		weight := w
		if lang != b.lang && w == wTitle {
			weight = wGerman
		}
		dst = append(dst, Part{s, lang, weight})
	}
	return dst
}

// langParts appends the names of the languages codes to dst.
func (b *docBuilder) langParts(dst []Part, codes []string) []Part {
	for _, c := range codes {
		parts, ok := b.langs[c]
		if !ok {
			if l := b.s.Dir.Language(c); l != nil {
				name, _ := l.Name.Get(b.lang, b.def)
				de, _ := l.Name.Get(b.def, b.def)
				parts = []Part{{name, b.lang, wBody}, {de, b.def, wBody}, {l.Native, c, wBody}}
			}
			b.langs[c] = parts
		}
		dst = append(dst, parts...)
	}
	return dst
}

// district appends a district's name and aliases to dst as parts of
// weight w.
func (b *docBuilder) district(dst []Part, id string, w int) []Part {
	key := districtWeight{id, w}
	parts, ok := b.districts[key]
	if !ok {
		if d := b.s.Dir.District(id); d != nil {
			parts = b.all(nil, d.Name, w)
			for _, a := range d.Aliases {
				parts = append(parts, Part{a, b.def, w})
			}
		}
		b.districts[key] = parts
	}
	return append(dst, parts...)
}

// label appends an interface string in the page's and the default
// language to dst.
func (b *docBuilder) label(dst []Part, key string) []Part {
	parts, ok := b.labels[key]
	if !ok {
		parts = []Part{{b.str.T(b.lang, key), b.lang, wBody}, {b.str.T(b.def, key), b.def, wBody}}
		b.labels[key] = parts
	}
	return append(dst, parts...)
}

// A Source is what one search document is made from (Sources): the
// document's kind and id (its Key is Kind:ID), the data file it reads
// besides the site-wide data, and the entry itself.
type Source struct {
	Kind string // one of Kinds
	ID   string
	// File is the data file the document is made from: site.ProviderFile
	// for an office, offer, advisor or provider (an offer's and an
	// advisor's office is one of its provider's, the loader checks),
	// site.CourseFile for a course; "" for a district or a page, which
	// read nothing but the site-wide data (the districts, languages,
	// topics, pages and interface texts) as every document may. A data
	// file's documents are the same as long as it and the site-wide data
	// are: build keeps a search index by that (see
	// build.SearchManifestName).
	File string
	ref  any // *model.Office, *model.Offer, *model.Course, *model.Advisor, *model.District, *model.Provider or *site.Page
}

// Sources returns what each search document of a site in one language is
// made from, in the order Documents returns the documents.
func Sources(s *site.Site, lang string) []Source {
	d := s.Dir
	n, pages := d.Count(), s.ContentPages(lang)
	out := make([]Source, 0, n.Offices+n.Offers+n.Courses+n.Advisors+len(d.Districts)+len(d.Providers)+len(pages))
	for _, o := range s.Offices() {
		out = append(out, Source{Kind: "office", ID: o.ID, File: site.ProviderFile(o.Provider), ref: o})
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		file := site.ProviderFile(p.ID)
		for j := range p.Offers {
			out = append(out, Source{Kind: "offer", ID: p.Offers[j].ID, File: file, ref: &p.Offers[j]})
		}
	}
	for _, c := range s.Courses() {
		out = append(out, Source{Kind: "course", ID: c.ID, File: site.CourseFile(c.Provider), ref: c})
	}
	for _, a := range s.AllAdvisors() {
		out = append(out, Source{Kind: "advisor", ID: a.ID, File: site.ProviderFile(d.Office(a.Office).Provider), ref: a})
	}
	for i := range d.Districts {
		out = append(out, Source{Kind: "district", ID: d.Districts[i].ID, ref: &d.Districts[i]})
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		out = append(out, Source{Kind: "provider", ID: p.ID, File: site.ProviderFile(p.ID), ref: p})
	}
	for _, pg := range pages {
		out = append(out, Source{Kind: "page", ID: pg.Data.(*model.Page).Path, ref: pg})
	}
	return out
}

// Documents returns the search documents of a site in one language.
func Documents(s *site.Site, str *i18n.Bundle, lang string) []Doc {
	return NewMaker(s, str, lang).Docs(Sources(s, lang))
}

// A Maker makes the search documents of a site in one language from
// their Sources, one at a time (it is not safe for concurrent use).
type Maker struct{ b *docBuilder }

// NewMaker returns a Maker of the documents of s in lang.
func NewMaker(s *site.Site, str *i18n.Bundle, lang string) *Maker {
	return &Maker{newDocBuilder(s, str, lang)}
}

// Docs makes the documents of srcs, in their order.
func (m *Maker) Docs(srcs []Source) []Doc {
	docs := make([]Doc, len(srcs))
	for i := range srcs {
		docs[i] = m.Doc(&srcs[i])
	}
	return docs
}

// Doc makes the document of src, one of Sources(s, lang) of the Maker's
// site and language.
func (m *Maker) Doc(src *Source) Doc {
	b := m.b
	s, str, lang, d := b.s, b.str, b.lang, b.s.Dir
	url := func(key string) string { return lang + "/" + key }
	switch src.Kind {
	case "office":
		o := src.ref.(*model.Office)
		p := d.Provider(o.Provider)
		title, tl := b.text(o.Name)
		ps := b.start()
		doc := Doc{Key: "office:" + o.ID, Kind: "office", URL: url("offices/" + o.ID + "/"), Title: title, TitleLang: tl,
			Snippet: fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City), District: o.District,
			Languages: s.Languages(o)}
		if progs := s.OfficePrograms(o); len(progs) > 0 {
			doc.Program = progs[0]
		}
		ps = b.all(ps, o.Name, wTitle)
		ps = b.all(ps, p.Name, wNames)
		ps = b.district(ps, o.District, wNames)
		ps = append(ps, Part{o.Address.Street + " " + string(o.Address.PostalCode) + " " + o.Address.City, b.def, wNames})
		ps = b.langParts(ps, doc.Languages)
		for _, prog := range s.OfficePrograms(o) {
			ps = b.label(ps, "program_"+prog)
		}
		for _, of := range s.Offers(o.ID) {
			ps = b.all(ps, of.Title, wBody)
		}
		doc.Parts = b.done(ps)
		return doc
	case "offer":
		of := src.ref.(*model.Offer)
		p := d.Provider(of.Provider)
		title, tl := b.text(of.Title)
		ps := b.start()
		doc := Doc{Key: "offer:" + of.ID, Kind: "offer", URL: url("offers/" + of.ID + "/"), Title: title, TitleLang: tl,
			Program: of.Program, Languages: of.Languages}
		name, _ := b.text(p.Name)
		doc.Snippet = name
		ps = b.all(ps, of.Title, wTitle)
		ps = b.all(ps, p.Name, wNames)
		ps = b.all(ps, of.Description, wBody)
		ps = b.label(ps, "program_"+of.Program)
		ps = b.langParts(ps, of.Languages)
		for _, t := range of.Topics {
			if tp := d.Topic(t); tp != nil {
				ps = b.all(ps, tp.Name, wBody)
			}
		}
		for _, oid := range of.Offices {
			if o := d.Office(oid); o != nil {
				ps = b.all(ps, o.Name, wBody)
				ps = b.district(ps, o.District, wBody)
				if doc.District == "" {
					doc.District = o.District
				}
			}
		}
		if of.WomenOnly {
			ps = b.label(ps, "women_only")
			doc.Tags = append(doc.Tags, "women-only")
		}
		doc.Parts = b.done(ps)
		return doc
	case "course":
		c := src.ref.(*model.Course)
		title, tl := b.text(c.Title)
		ps := b.start()
		doc := Doc{Key: "course:" + c.ID, Kind: "course", URL: url("courses/" + c.ID + "/"), Title: title, TitleLang: tl,
			District: c.Location.District, Type: c.Type, Languages: c.SupportLanguages,
			Snippet: str.T(lang, "course_dates", "start", str.Date(lang, c.Start), "end", str.Date(lang, c.End))}
		ps = b.all(ps, c.Title, wTitle)
		ps = b.all(ps, c.Description, wBody)
		if cf := d.CourseFile(c.Provider); cf != nil {
			ps = b.all(ps, cf.Provider.Name, wNames)
		}
		ps = b.district(ps, c.Location.District, wNames)
		ps = append(ps, Part{c.Location.Street + " " + string(c.Location.PostalCode), b.def, wBody})
		ps = b.label(ps, "course_type_"+c.Type)
		ps = b.label(ps, "time_"+site.TimeOfDay(c))
		ps = append(ps, Part{c.Level, b.def, wBody})
		doc.Tags = append(doc.Tags, site.TimeOfDay(c))
		if c.Childcare {
			ps = b.label(ps, "childcare")
			doc.Tags = append(doc.Tags, "childcare")
		}
		if c.WomenOnly {
			ps = b.label(ps, "women_only")
			doc.Tags = append(doc.Tags, "women-only")
		}
		ps = b.langParts(ps, c.SupportLanguages)
		ps = append(ps, Part{str.Month(lang, c.Start.Year, c.Start.Month), lang, wBody})
		doc.Parts = b.done(ps)
		return doc
	case "advisor":
		a := src.ref.(*model.Advisor)
		o := d.Office(a.Office)
		oname, _ := b.text(o.Name)
		ps := b.start()
		doc := Doc{Key: "advisor:" + a.ID, Kind: "advisor", URL: url("offices/"+o.ID+"/") + "#a-" + a.ID, Title: a.Name, Snippet: oname,
			District: o.District, Languages: a.Languages}
		if len(a.Programs) > 0 {
			doc.Program = a.Programs[0]
		}
		ps = append(ps, Part{a.Name, b.def, wTitle})
		ps = b.all(ps, o.Name, wBody)
		ps = b.district(ps, o.District, wBody)
		ps = b.langParts(ps, a.Languages)
		for _, p := range a.Programs {
			ps = b.label(ps, "program_"+p)
		}
		doc.Parts = b.done(ps)
		return doc
	case "district":
		dd := src.ref.(*model.District)
		title, tl := b.text(dd.Name)
		ps := b.start()
		doc := Doc{Key: "district:" + dd.ID, Kind: "district", URL: url("districts/" + dd.ID + "/"), Title: title, TitleLang: tl, District: dd.ID,
			Snippet: strings.Join(dd.Aliases, ", ")}
		ps = b.all(ps, dd.Name, wTitle)
		for _, a := range dd.Aliases {
			ps = append(ps, Part{a, b.def, wNames})
		}
		for _, pc := range dd.PostalCodes {
			ps = append(ps, Part{string(pc), b.def, wNames})
		}
		ps = b.label(ps, "district")
		doc.Parts = b.done(ps)
		return doc
	case "provider":
		p := src.ref.(*model.Provider)
		title, tl := b.text(p.Name)
		ps := b.start()
		doc := Doc{Key: "provider:" + p.ID, Kind: "provider", URL: url("providers/" + p.ID + "/"), Title: title, TitleLang: tl}
		ps = b.all(ps, p.Name, wTitle)
		ps = b.all(ps, p.Description, wBody)
		doc.Parts = b.done(ps)
		return doc
	case "page":
		pg := src.ref.(*site.Page)
		mp := pg.Data.(*model.Page)
		doc := Doc{Key: "page:" + mp.Path, Kind: "page", URL: url(pg.Key), Title: mp.Meta.Title, Snippet: mp.Meta.Description}
		if pg.From != "" {
			doc.TitleLang = pg.From
		}
		doc.Parts = []Part{{mp.Meta.Title, mp.Lang, wTitle}, {mp.Meta.Description, mp.Lang, wBody}, {string(mp.Body), mp.Lang, wBody}}
		return doc
	}
	panic("search: a source of kind " + src.Kind)
}

// Labels names the facet values of a site in one language, for the
// filters of the search page.
func Labels(s *site.Site, str *i18n.Bundle, lang string) map[string]string {
	def := s.Dir.Site.DefaultLanguage
	out := map[string]string{}
	for _, k := range Kinds {
		out["kind:"+k] = str.T(lang, "kind_"+k)
	}
	for _, d := range s.Dir.Districts {
		out["district:"+d.ID], _ = d.Name.Get(lang, def)
	}
	for _, l := range s.Dir.Languages {
		out["language:"+l.Code], _ = l.Name.Get(lang, def)
	}
	for _, p := range []string{model.ProgramMBE, model.ProgramJMD, model.ProgramOther} {
		out["program:"+p] = str.T(lang, "program_"+p)
	}
	for _, t := range model.CourseTypes() {
		out["type:"+t] = str.T(lang, "course_type_"+t)
	}
	return out
}
