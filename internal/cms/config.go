package cms

import (
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// field is one field of a Decap CMS collection. The order of the struct is
// the order in config.yml.
type field struct {
	Name      string    `yaml:"name"`
	Label     string    `yaml:"label"`
	Widget    string    `yaml:"widget"`
	Required  bool      `yaml:"required"`
	Hint      string    `yaml:"hint,omitempty"`
	Default   any       `yaml:"default,omitempty"`
	ValueType string    `yaml:"value_type,omitempty"`
	Pattern   []string  `yaml:"pattern,omitempty"`
	Multiple  bool      `yaml:"multiple,omitempty"`
	Options   *options  `yaml:"options,omitempty"`
	Collapsed bool      `yaml:"collapsed,omitempty"`
	Summary   string    `yaml:"summary,omitempty"`
	Fields    []field   `yaml:"fields,omitempty"`
	Field     *field    `yaml:"field,omitempty"`
	Buttons   *[]string `yaml:"buttons,omitempty"`
	// Components of the Markdown editor: none, so no images (the site
	// publishes none).
	EditorComponents *[]string `yaml:"editor_components,omitempty"`
	// Text marks a translated text (an object with one field per
	// language) for the editor's YAML format, which writes it back as a
	// plain string where the file had one.
	Text bool `yaml:"wegweiser_text,omitempty"`
}

// option is one choice of a select widget.
type option struct {
	Label string `yaml:"label"`
	Value string `yaml:"value"`
}

// options is a list of choices. A list of references is used by several
// fields: its first use in config.yml carries a YAML anchor, later uses an
// alias, so a national directory's office list is written once. A list
// without anchor is written in place.
type options struct {
	anchor string
	items  []option
	seen   map[string]bool // anchors already written, shared by one config
}

// MarshalYAML implements yaml.Marshaler.
func (o *options) MarshalYAML() (any, error) {
	if o.anchor == "" {
		return o.items, nil
	}
	if o.seen[o.anchor] {
		return &yaml.Node{Kind: yaml.AliasNode, Value: o.anchor, Alias: &yaml.Node{Anchor: o.anchor}}, nil
	}
	o.seen[o.anchor] = true
	var n yaml.Node
	if err := n.Encode(o.items); err != nil {
		return nil, err
	}
	n.Anchor = o.anchor
	return &n, nil
}

// labels are the German labels of the data files' fields; the YAML name
// follows in brackets, as check messages and docs/data-format.md use it.
var labels = map[string]string{
	"id": "Kennung", "name": "Name", "website": "Webseite", "email": "E-Mail", "phone": "Telefon",
	"description": "Beschreibung", "last_verified": "Zuletzt geprüft", "offices": "Beratungsstellen",
	"advisors": "Beratende", "offers": "Angebote", "address": "Anschrift", "street": "Straße und Hausnummer",
	"postal_code": "Postleitzahl", "city": "Ort", "district": "Stadtbezirk", "serves": "Zuständig für",
	"geo": "Koordinaten", "lat": "Breitengrad", "lon": "Längengrad", "accessibility": "Barrierefreiheit",
	"wheelchair": "Rollstuhlgerecht", "note": "Hinweis", "hours": "Sprechzeiten", "days": "Tage",
	"from": "Von", "to": "Bis", "kind": "Art", "booking_url": "Online-Terminbuchung", "closures": "Schließzeiten",
	"capacity": "Kapazität für Zuleitungen", "referrals_per_month": "Zuleitungen pro Monat", "internal": "Nur intern (Fachkräfte)",
	"office": "Beratungsstelle", "programs": "Programme", "languages": "Sprachen", "public": "Öffentlich sichtbar",
	"program": "Programm", "title": "Titel", "topics": "Themen", "target": "Zielgruppe", "min_age": "Mindestalter",
	"max_age": "Höchstalter", "channels": "Wege", "cost": "Kosten", "women_only": "Nur für Frauen",
	"provider": "Kursträger", "courses": "Kurse", "type": "Kursart", "level": "Niveau", "units": "Unterrichtseinheiten",
	"start": "Beginn", "end": "Ende", "schedule": "Kurszeiten", "location": "Kursort", "childcare": "Kinderbetreuung",
	"seats_free": "Freie Plätze", "support_languages": "Unterstützende Sprachen", "registration": "Anmeldung",
	"url": "Webadresse", "number": "Nummer", "postal_codes": "Postleitzahlen", "aliases": "Andere Namen",
	"neighbours": "Nachbarbezirke", "code": "Sprachcode", "native": "Eigenname", "script": "Schrift", "dir": "Schreibrichtung",
	"region": "Region", "default_language": "Standardsprache", "base_url": "Adresse der Website",
	"coordination": "Koordinierungsstelle", "referrals": "Zuleitungen", "endpoint": "Schnittstelle",
	"consent_form": "Einwilligungsformular", "state": "Bundesland", "country": "Staat", "license": "Lizenz der offenen Daten",
	"cms": "Web-Editor", "enabled": "Eingeschaltet", "backend": "Git-Anbieter", "repo": "Repository", "branch": "Zweig",
	"api_root": "API-Adresse", "app_id": "App-ID", "auth_type": "Anmeldeverfahren", "yaml_module": "YAML-Modul",
	"local_backend": "Lokaler Server", "weight": "Reihenfolge", "draft": "Entwurf", "menu": "Menü", "edition": "Ausgabe",
	"body": "Text",
}

func label(name string) string {
	if l, ok := labels[name]; ok {
		return l + " (" + name + ")"
	}
	return name
}

// weekdays are the choices of a days field.
var weekdays = []option{
	{"Montag (mo)", "mo"}, {"Dienstag (tu)", "tu"}, {"Mittwoch (we)", "we"}, {"Donnerstag (th)", "th"},
	{"Freitag (fr)", "fr"}, {"Samstag (sa)", "sa"}, {"Sonntag (su)", "su"},
}

// Types the generator writes with their own widgets.
var (
	textType    = reflect.TypeFor[model.Text]()
	dateType    = reflect.TypeFor[model.Date]()
	clockType   = reflect.TypeFor[model.Clock]()
	weekdayType = reflect.TypeFor[model.Weekday]()
	postalType  = reflect.TypeFor[model.PostalCode]()
)

// fieldGen turns model types into Decap fields, with the choices of
// references taken from the directory.
type fieldGen struct {
	langs   []string // interface languages, default first
	refs    map[string]*options
	longTxt map[string]bool // texts edited in a multi-line box
}

func newFieldGen(dir *model.Directory) *fieldGen {
	seen := map[string]bool{}
	g := &fieldGen{refs: map[string]*options{}, longTxt: map[string]bool{"description": true, "note": true}}
	def := dir.Site.DefaultLanguage
	g.langs = append(g.langs, def)
	for _, l := range dir.Site.Languages {
		if l != def {
			g.langs = append(g.langs, l)
		}
	}
	add := func(kind string, items []option) {
		g.refs[kind] = &options{anchor: kind, items: items, seen: seen}
	}
	// opt labels a choice with its name in the default language and its id.
	opt := func(name model.Text, id string) option {
		n, _ := name.Get(def, def)
		return option{n + " (" + id + ")", id}
	}
	var districts, languages, topics, offices []option
	for _, d := range dir.Districts {
		districts = append(districts, opt(d.Name, d.ID))
	}
	for _, l := range dir.Languages {
		n, _ := l.Name.Get(def, def)
		languages = append(languages, option{fmt.Sprintf("%s – %s (%s)", n, l.Native, l.Code), l.Code})
	}
	for _, t := range dir.Topics {
		topics = append(topics, opt(t.Name, t.ID))
	}
	for _, p := range dir.Providers {
		for _, o := range p.Offices {
			offices = append(offices, opt(o.Name, o.ID))
		}
	}
	add("district", districts)
	add("language", languages)
	add("topic", topics)
	add("office", offices)
	add("weekday", weekdays)
	return g
}

// fields returns the fields of struct type t.
func (g *fieldGen) fields(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if r := model.FieldRules(sf); r.Name != "" {
			fs = append(fs, g.field(sf.Type, r))
		}
	}
	return fs
}

// field returns the field of type t with rules r.
func (g *fieldGen) field(t reflect.Type, r model.Rules) field {
	name := r.Name
	f := field{Name: name, Label: label(name), Required: r.Required}
	ptr := t.Kind() == reflect.Pointer
	if ptr {
		t = t.Elem()
		f.Required = false
	}
	switch {
	case t == textType:
		f.Widget, f.Text, f.Collapsed = "object", true, true
		sub := "string"
		if g.longTxt[name] {
			sub = "text"
		}
		for i, l := range g.langs {
			f.Fields = append(f.Fields, field{Name: l, Label: l, Widget: sub, Required: r.Required && i == 0})
		}
	case t == dateType:
		f.Widget, f.Pattern = "string", []string{`^\d{4}-\d{2}-\d{2}$`, "ein Datum JJJJ-MM-TT, z. B. 2026-10-01"}
	case t == clockType:
		f.Widget, f.Pattern = "string", []string{`^([01]\d|2[0-4]):[0-5]\d$`, "eine Uhrzeit SS:MM, z. B. 09:30"}
	case t == postalType:
		f.Widget, f.Pattern = "string", []string{`^\d{5}$`, "fünf Ziffern, z. B. 80335"}
	case t.Kind() == reflect.Slice && t.Elem() == weekdayType:
		f.Widget, f.Multiple, f.Options = "select", true, g.refs["weekday"]
	case r.Ref != "":
		f.Widget, f.Options, f.Multiple = "select", g.refs[r.Ref], t.Kind() == reflect.Slice
	case r.Enum != nil:
		f.Widget, f.Multiple = "select", t.Kind() == reflect.Slice
		var items []option
		for _, v := range r.Enum {
			items = append(items, option{v, v})
		}
		f.Options = &options{items: items}
	case t.Kind() == reflect.Struct:
		f.Widget, f.Fields, f.Collapsed = "object", g.fields(t), ptr
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		f.Widget, f.Fields, f.Collapsed = "list", g.fields(t.Elem()), true
		if _, ok := t.Elem().FieldByName("ID"); ok {
			f.Summary = "{{fields.id}}"
		} else if _, ok := t.Elem().FieldByName("Days"); ok {
			f.Summary = "{{fields.days}} {{fields.from}}–{{fields.to}}"
		}
	case t.Kind() == reflect.Slice:
		sub := g.field(t.Elem(), model.Rules{Name: name, Required: true})
		sub.Label = label(name)
		f.Widget, f.Field = "list", &sub
	case t.Kind() == reflect.Bool:
		f.Widget, f.Required, f.Default = "boolean", false, ptr // *bool (public) defaults to true
	case t.Kind() == reflect.Int:
		f.Widget, f.ValueType = "number", "int"
	case t.Kind() == reflect.Float64:
		f.Widget, f.ValueType = "number", "float"
	default:
		f.Widget = "string"
	}
	return f
}
