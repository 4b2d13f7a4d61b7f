package export

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

func addAddress(c vcard.Card, a model.Address) {
	c.AddAddress(&vcard.Address{StreetAddress: a.Street, PostalCode: string(a.PostalCode), Locality: a.City, Country: "Deutschland",
		Field: &vcard.Field{Params: vcard.Params{vcard.ParamType: {vcard.TypeWork}}}})
}

func addPhone(c vcard.Card, p model.Phone, types ...string) {
	if p == "" {
		return
	}
	c.Add(vcard.FieldTelephone, &vcard.Field{Value: "tel:" + p.E164(), Params: vcard.Params{vcard.ParamType: types, vcard.ParamValue: {"uri"}}})
}

func addLanguages(c vcard.Card, langs []string) {
	for i, l := range langs {
		c.Add(vcard.FieldLanguage, &vcard.Field{Value: l, Params: vcard.Params{vcard.ParamPreferred: {strconv.Itoa(i + 1)}}})
	}
}

func encode(cards ...vcard.Card) []byte {
	var b bytes.Buffer
	enc := vcard.NewEncoder(&b)
	for _, c := range cards {
		vcard.ToV4(c)
		if err := enc.Encode(c); err != nil {
			panic(err) // cards are built above with the required fields
		}
	}
	return foldLines(b.Bytes())
}

// advisorCard is the vCard of an advisor: name, organisation, office
// address, phone, e-mail, languages and hours; with the internal block in
// the internal edition (d holds it only there).
func advisorCard(d *model.Directory, a *model.Advisor) vcard.Card {
	o := d.Office(a.Office)
	p := d.Provider(a.Provider)
	c := vcard.Card{}
	c.SetValue(vcard.FieldVersion, "4.0")
	c.SetValue(vcard.FieldUID, "urn:wegweiser:advisor:"+a.ID)
	c.SetValue(vcard.FieldFormattedName, a.Name)
	c.SetName(&vcard.Name{FamilyName: lastWord(a.Name), GivenName: firstWords(a.Name)})
	c.SetValue(vcard.FieldOrganization, text(d, p.Name)+";"+text(d, o.Name))
	c.SetValue(vcard.FieldTitle, programTitle(a.Programs))
	addAddress(c, o.Address)
	addPhone(c, a.Phone, vcard.TypeWork, vcard.TypeVoice)
	if a.Email != "" {
		c.Add(vcard.FieldEmail, &vcard.Field{Value: string(a.Email), Params: vcard.Params{vcard.ParamType: {vcard.TypeWork}}})
	}
	addLanguages(c, a.Languages)
	note := ""
	if h := Hours(a.Hours); h != "" {
		note = "Erreichbar: " + h
	}
	if in := a.Internal; in != nil {
		addPhone(c, in.Phone, vcard.TypeWork, "x-direct")
		if in.Email != "" {
			c.Add(vcard.FieldEmail, &vcard.Field{Value: string(in.Email), Params: vcard.Params{vcard.ParamType: {"x-internal"}}})
		}
		if n := text(d, in.Note); n != "" {
			note += " Intern: " + n
		}
	}
	if note != "" {
		c.SetValue(vcard.FieldNote, note)
	}
	return c
}

func officeCard(d *model.Directory, o *model.Office) vcard.Card {
	p := d.Provider(o.Provider)
	c := vcard.Card{}
	c.SetValue(vcard.FieldVersion, "4.0")
	c.SetValue(vcard.FieldUID, "urn:wegweiser:office:"+o.ID)
	c.SetKind(vcard.KindOrganization)
	c.SetValue(vcard.FieldFormattedName, text(d, o.Name))
	c.SetValue(vcard.FieldOrganization, text(d, p.Name)+";"+text(d, o.Name))
	addAddress(c, o.Address)
	addPhone(c, o.Phone, vcard.TypeWork, vcard.TypeVoice)
	if o.Email != "" {
		c.Add(vcard.FieldEmail, &vcard.Field{Value: string(o.Email), Params: vcard.Params{vcard.ParamType: {vcard.TypeWork}}})
	}
	if o.Website != "" {
		c.SetValue(vcard.FieldURL, string(o.Website))
	}
	if o.Geo != nil {
		c.SetValue(vcard.FieldGeolocation, fmt.Sprintf("geo:%.6f,%.6f", o.Geo.Lat, o.Geo.Lon))
	}
	if h := Hours(o.Hours); h != "" {
		c.SetValue(vcard.FieldNote, "Sprechzeiten: "+h)
	}
	if in := o.Internal; in != nil {
		addPhone(c, in.Phone, vcard.TypeWork, "x-direct")
	}
	return c
}

// AdvisorVCard returns the vCard of one advisor.
func AdvisorVCard(d *model.Directory, a *model.Advisor) []byte { return encode(advisorCard(d, a)) }

// OfficeVCard returns the vCard of one office.
func OfficeVCard(d *model.Directory, o *model.Office) []byte { return encode(officeCard(d, o)) }

// AllVCards returns one file with the vCards of every office and advisor.
func AllVCards(d *model.Directory) []byte {
	var cards []vcard.Card
	for i := range d.Providers {
		for j := range d.Providers[i].Offices {
			cards = append(cards, officeCard(d, &d.Providers[i].Offices[j]))
		}
	}
	for _, a := range Advisors(d) {
		cards = append(cards, advisorCard(d, a))
	}
	return encode(cards...)
}

func programTitle(programs []string) string {
	titles := map[string]string{model.ProgramMBE: "Migrationsberatung für Erwachsene (MBE)", model.ProgramJMD: "Jugendmigrationsdienst (JMD)", model.ProgramOther: "Beratung"}
	var out []string
	for _, p := range programs {
		out = append(out, titles[p])
	}
	return strings.Join(out, ", ")
}

// lastWord and firstWords split "Anna Maria Beispiel" into the family name
// and the given names, as well as a name without structure allows.
func lastWord(name string) string { return name[strings.LastIndexByte(name, ' ')+1:] }

func firstWords(name string) string {
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		return name[:i]
	}
	return ""
}
