package search

import (
	"fmt"
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

// docBuilder makes the documents of one language.
type docBuilder struct {
	s    *site.Site
	str  *i18n.Bundle
	lang string
	def  string
}

func (b *docBuilder) text(t model.Text) (string, string) {
	s, in := t.Get(b.lang, b.def)
	if in == b.lang {
		in = ""
	}
	return s, in
}

// all returns every translation of a text, each as a part: names and
// titles are found from every language.
func (b *docBuilder) all(t model.Text, w int) []Part {
	var out []Part
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
		out = append(out, Part{s, lang, weight})
	}
	return out
}

func (b *docBuilder) langParts(codes []string) []Part {
	var out []Part
	for _, c := range codes {
		l := b.s.Dir.Language(c)
		if l == nil {
			continue
		}
		name, _ := l.Name.Get(b.lang, b.def)
		de, _ := l.Name.Get(b.def, b.def)
		out = append(out, Part{name, b.lang, wBody}, Part{de, b.def, wBody}, Part{l.Native, c, wBody})
	}
	return out
}

// district returns a district's name and aliases as parts of weight w.
func (b *docBuilder) district(id string, w int) []Part {
	d := b.s.Dir.District(id)
	if d == nil {
		return nil
	}
	parts := b.all(d.Name, w)
	for _, a := range d.Aliases {
		parts = append(parts, Part{a, b.def, w})
	}
	return parts
}

func (b *docBuilder) label(key string) []Part {
	return []Part{{b.str.T(b.lang, key), b.lang, wBody}, {b.str.T(b.def, key), b.def, wBody}}
}

// Documents returns the search documents of a site in one language.
func Documents(s *site.Site, str *i18n.Bundle, lang string) []Doc {
	b := &docBuilder{s: s, str: str, lang: lang, def: s.Dir.Site.DefaultLanguage}
	d := s.Dir
	var docs []Doc
	url := func(key string) string { return lang + "/" + key }
	for _, o := range s.Offices() {
		p := d.Provider(o.Provider)
		title, tl := b.text(o.Name)
		doc := Doc{Key: "office:" + o.ID, Kind: "office", URL: url("offices/" + o.ID + "/"), Title: title, TitleLang: tl,
			Snippet: fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City), District: o.District,
			Languages: s.Languages(o)}
		if progs := s.OfficePrograms(o); len(progs) > 0 {
			doc.Program = progs[0]
		}
		doc.Parts = append(doc.Parts, b.all(o.Name, wTitle)...)
		doc.Parts = append(doc.Parts, b.all(p.Name, wNames)...)
		doc.Parts = append(doc.Parts, b.district(o.District, wNames)...)
		doc.Parts = append(doc.Parts, Part{o.Address.Street + " " + string(o.Address.PostalCode) + " " + o.Address.City, b.def, wNames})
		doc.Parts = append(doc.Parts, b.langParts(doc.Languages)...)
		for _, prog := range s.OfficePrograms(o) {
			doc.Parts = append(doc.Parts, b.label("program_"+prog)...)
		}
		for _, of := range s.Offers(o.ID) {
			doc.Parts = append(doc.Parts, b.all(of.Title, wBody)...)
		}
		docs = append(docs, doc)
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		for j := range p.Offers {
			of := &p.Offers[j]
			title, tl := b.text(of.Title)
			doc := Doc{Key: "offer:" + of.ID, Kind: "offer", URL: url("offers/" + of.ID + "/"), Title: title, TitleLang: tl,
				Program: of.Program, Languages: of.Languages}
			name, _ := b.text(p.Name)
			doc.Snippet = name
			doc.Parts = append(doc.Parts, b.all(of.Title, wTitle)...)
			doc.Parts = append(doc.Parts, b.all(p.Name, wNames)...)
			doc.Parts = append(doc.Parts, b.all(of.Description, wBody)...)
			doc.Parts = append(doc.Parts, b.label("program_"+of.Program)...)
			doc.Parts = append(doc.Parts, b.langParts(of.Languages)...)
			for _, t := range of.Topics {
				if tp := d.Topic(t); tp != nil {
					doc.Parts = append(doc.Parts, b.all(tp.Name, wBody)...)
				}
			}
			for _, oid := range of.Offices {
				if o := d.Office(oid); o != nil {
					doc.Parts = append(doc.Parts, b.all(o.Name, wBody)...)
					doc.Parts = append(doc.Parts, b.district(o.District, wBody)...)
					if doc.District == "" {
						doc.District = o.District
					}
				}
			}
			if of.WomenOnly {
				doc.Parts = append(doc.Parts, b.label("women_only")...)
				doc.Tags = append(doc.Tags, "women-only")
			}
			docs = append(docs, doc)
		}
	}
	for _, c := range s.Courses() {
		title, tl := b.text(c.Title)
		doc := Doc{Key: "course:" + c.ID, Kind: "course", URL: url("courses/" + c.ID + "/"), Title: title, TitleLang: tl,
			District: c.Location.District, Type: c.Type, Languages: c.SupportLanguages,
			Snippet: str.T(lang, "course_dates", "start", str.Date(lang, c.Start), "end", str.Date(lang, c.End))}
		doc.Parts = append(doc.Parts, b.all(c.Title, wTitle)...)
		doc.Parts = append(doc.Parts, b.all(c.Description, wBody)...)
		if cp := courseProvider(d, c); cp != nil {
			doc.Parts = append(doc.Parts, b.all(cp.Name, wNames)...)
		}
		doc.Parts = append(doc.Parts, b.district(c.Location.District, wNames)...)
		doc.Parts = append(doc.Parts, Part{c.Location.Street + " " + string(c.Location.PostalCode), b.def, wBody})
		doc.Parts = append(doc.Parts, b.label("course_type_"+c.Type)...)
		doc.Parts = append(doc.Parts, b.label("time_"+site.TimeOfDay(c))...)
		doc.Parts = append(doc.Parts, Part{c.Level, b.def, wBody})
		doc.Tags = append(doc.Tags, site.TimeOfDay(c))
		if c.Childcare {
			doc.Parts = append(doc.Parts, b.label("childcare")...)
			doc.Tags = append(doc.Tags, "childcare")
		}
		if c.WomenOnly {
			doc.Parts = append(doc.Parts, b.label("women_only")...)
			doc.Tags = append(doc.Tags, "women-only")
		}
		doc.Parts = append(doc.Parts, b.langParts(c.SupportLanguages)...)
		doc.Parts = append(doc.Parts, Part{str.Month(lang, c.Start.Year, c.Start.Month), lang, wBody})
		docs = append(docs, doc)
	}
	for _, a := range s.AllAdvisors() {
		o := d.Office(a.Office)
		oname, _ := b.text(o.Name)
		doc := Doc{Key: "advisor:" + a.ID, Kind: "advisor", URL: url("offices/"+o.ID+"/") + "#a-" + a.ID, Title: a.Name, Snippet: oname,
			District: o.District, Languages: a.Languages}
		if len(a.Programs) > 0 {
			doc.Program = a.Programs[0]
		}
		doc.Parts = append(doc.Parts, Part{a.Name, b.def, wTitle})
		doc.Parts = append(doc.Parts, b.all(o.Name, wBody)...)
		doc.Parts = append(doc.Parts, b.district(o.District, wBody)...)
		doc.Parts = append(doc.Parts, b.langParts(a.Languages)...)
		for _, p := range a.Programs {
			doc.Parts = append(doc.Parts, b.label("program_"+p)...)
		}
		docs = append(docs, doc)
	}
	for i := range d.Districts {
		dd := &d.Districts[i]
		title, tl := b.text(dd.Name)
		doc := Doc{Key: "district:" + dd.ID, Kind: "district", URL: url("districts/" + dd.ID + "/"), Title: title, TitleLang: tl, District: dd.ID,
			Snippet: strings.Join(dd.Aliases, ", ")}
		doc.Parts = append(doc.Parts, b.all(dd.Name, wTitle)...)
		for _, a := range dd.Aliases {
			doc.Parts = append(doc.Parts, Part{a, b.def, wNames})
		}
		for _, pc := range dd.PostalCodes {
			doc.Parts = append(doc.Parts, Part{string(pc), b.def, wNames})
		}
		doc.Parts = append(doc.Parts, b.label("district")...)
		docs = append(docs, doc)
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		title, tl := b.text(p.Name)
		doc := Doc{Key: "provider:" + p.ID, Kind: "provider", URL: url("providers/" + p.ID + "/"), Title: title, TitleLang: tl}
		doc.Parts = append(doc.Parts, b.all(p.Name, wTitle)...)
		doc.Parts = append(doc.Parts, b.all(p.Description, wBody)...)
		docs = append(docs, doc)
	}
	for _, pg := range s.ContentPages(lang) {
		mp := pg.Data.(*model.Page)
		doc := Doc{Key: "page:" + mp.Path, Kind: "page", URL: url(pg.Key), Title: mp.Meta.Title, Snippet: mp.Meta.Description}
		if pg.From != "" {
			doc.TitleLang = pg.From
		}
		doc.Parts = []Part{{mp.Meta.Title, mp.Lang, wTitle}, {mp.Meta.Description, mp.Lang, wBody}, {string(mp.Body), mp.Lang, wBody}}
		docs = append(docs, doc)
	}
	return docs
}

func courseProvider(d *model.Directory, c *model.Course) *model.CourseProvider {
	for i := range d.CourseFiles {
		if d.CourseFiles[i].Provider.ID == c.Provider {
			return &d.CourseFiles[i].Provider
		}
	}
	return nil
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
