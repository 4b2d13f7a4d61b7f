package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// hsdsNamespace is the UUIDv5 namespace of all HSDS ids: an id is derived
// from the kind and slug of an entry, so it stays the same across builds
// and across the per-language datasets.
var hsdsNamespace = uuid.MustParse("9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4")

// HSDSID returns the stable UUID of an entry: HSDSID("office", "caritas-mitte").
func HSDSID(parts ...string) string {
	return uuid.NewSHA1(hsdsNamespace, []byte(strings.Join(parts, ":"))).String()
}

// HSDS is the Open Referral HSDS 3.0 export of the directory in one
// language: organizations (providers and course providers), services
// (offers and courses), locations (offices and course venues) and the
// links between services and locations.
type HSDS struct {
	Organizations      []HSDSOrganization      `json:"organizations"`
	Services           []HSDSService           `json:"services"`
	Locations          []HSDSLocation          `json:"locations"`
	ServiceAtLocations []HSDSServiceAtLocation `json:"service_at_locations"`
}

// HSDSOrganization is an HSDS organization.
type HSDSOrganization struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Email       string        `json:"email,omitempty"`
	Website     string        `json:"website,omitempty"`
	Phones      []HSDSPhone   `json:"phones"`
	Programs    []HSDSProgram `json:"programs"`
}

// HSDSProgram is an HSDS program: MBE or JMD of one provider.
type HSDSProgram struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
}

// HSDSService is an HSDS service.
type HSDSService struct {
	ID                 string                  `json:"id"`
	OrganizationID     string                  `json:"organization_id"`
	ProgramID          string                  `json:"program_id,omitempty"`
	Name               string                  `json:"name"`
	Description        string                  `json:"description,omitempty"`
	URL                string                  `json:"url,omitempty"`
	Email              string                  `json:"email,omitempty"`
	Status             string                  `json:"status"`
	FeesDescription    string                  `json:"fees_description,omitempty"`
	MinimumAge         *int                    `json:"minimum_age,omitempty"`
	MaximumAge         *int                    `json:"maximum_age,omitempty"`
	Languages          []HSDSLanguage          `json:"languages"`
	ServiceAreas       []HSDSServiceArea       `json:"service_areas"`
	Schedules          []HSDSSchedule          `json:"schedules"`
	ServiceAtLocations []HSDSServiceAtLocation `json:"service_at_locations"`
	Contacts           []HSDSContact           `json:"contacts"`
}

// HSDSLocation is an HSDS location.
type HSDSLocation struct {
	ID             string              `json:"id"`
	LocationType   string              `json:"location_type"`
	OrganizationID string              `json:"organization_id,omitempty"`
	Name           string              `json:"name,omitempty"`
	URL            string              `json:"url,omitempty"`
	Latitude       *float64            `json:"latitude,omitempty"`
	Longitude      *float64            `json:"longitude,omitempty"`
	Languages      []HSDSLanguage      `json:"languages"`
	Addresses      []HSDSAddress       `json:"addresses"`
	Phones         []HSDSPhone         `json:"phones"`
	Schedules      []HSDSSchedule      `json:"schedules"`
	Accessibility  []HSDSAccessibility `json:"accessibility"`
}

// HSDSServiceAtLocation links a service to a location.
type HSDSServiceAtLocation struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id"`
	LocationID string `json:"location_id"`
}

// HSDSAddress is an HSDS address.
type HSDSAddress struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// HSDSPhone is an HSDS phone.
type HSDSPhone struct {
	ID             string `json:"id"`
	LocationID     string `json:"location_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	ContactID      string `json:"contact_id,omitempty"`
	Number         string `json:"number"`
	Type           string `json:"type,omitempty"`
}

// HSDSContact is an HSDS contact: a public advisor.
type HSDSContact struct {
	ID        string      `json:"id"`
	ServiceID string      `json:"service_id"`
	Name      string      `json:"name"`
	Title     string      `json:"title,omitempty"`
	Email     string      `json:"email,omitempty"`
	Phones    []HSDSPhone `json:"phones"`
}

// HSDSLanguage is a language spoken at a service or location.
type HSDSLanguage struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id,omitempty"`
	LocationID string `json:"location_id,omitempty"`
	Name       string `json:"name"`
	Code       string `json:"code"`
	Note       string `json:"note,omitempty"`
}

// HSDSServiceArea is a district a service is for.
type HSDSServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// HSDSSchedule is a weekly recurring schedule (iCal semantics). Times are
// local time in Europe/Berlin.
type HSDSSchedule struct {
	ID            string `json:"id"`
	ServiceID     string `json:"service_id,omitempty"`
	LocationID    string `json:"location_id,omitempty"`
	ValidFrom     string `json:"valid_from,omitempty"`
	ValidTo       string `json:"valid_to,omitempty"`
	DTStart       string `json:"dtstart,omitempty"`
	Until         string `json:"until,omitempty"`
	Freq          string `json:"freq"`
	ByDay         string `json:"byday"`
	OpensAt       string `json:"opens_at"`
	ClosesAt      string `json:"closes_at"`
	AttendingType string `json:"attending_type,omitempty"`
	Description   string `json:"description,omitempty"`
	Notes         string `json:"notes,omitempty"`
}

// HSDSAccessibility describes a location's access.
type HSDSAccessibility struct {
	ID          string `json:"id"`
	LocationID  string `json:"location_id"`
	Description string `json:"description"`
	Details     string `json:"details,omitempty"`
}

// hsdsBuilder builds the export in one language.
type hsdsBuilder struct {
	d     *model.Directory
	lang  string
	base  string // base URL of the site, or ""
	today model.Date
}

func (b *hsdsBuilder) text(t model.Text) string {
	s, _ := t.Get(b.lang, b.d.Site.DefaultLanguage)
	return s
}

func (b *hsdsBuilder) langName(code string) string {
	if l := b.d.Language(code); l != nil {
		if s := b.text(l.Name); s != "" {
			return s
		}
		return l.Native
	}
	return code
}

// isoCode is the ISO 639 code HSDS asks for: the catalogue code without
// subtags (de-simple is German, in plain language).
func isoCode(code string) (string, string) {
	if base, variant, ok := strings.Cut(code, "-"); ok {
		return base, variant
	}
	return code, ""
}

func (b *hsdsBuilder) languages(owner, ownerKind string, codes []string) []HSDSLanguage {
	out := []HSDSLanguage{}
	for _, c := range codes {
		code, variant := isoCode(c)
		l := HSDSLanguage{ID: HSDSID("language", ownerKind, owner, c), Name: b.langName(c), Code: code}
		if variant == "simple" {
			l.Note = "Leichte Sprache (easy-to-read German)"
		}
		if ownerKind == "service" {
			l.ServiceID = owner
		} else {
			l.LocationID = owner
		}
		out = append(out, l)
	}
	return out
}

var attending = map[string]string{model.HoursOpen: "in person, without appointment", model.HoursAppointment: "by appointment only", model.HoursPhone: "by phone"}

func byDay(days []model.Weekday) string {
	var out []string
	for _, d := range days {
		out = append(out, strings.ToUpper(model.WeekdayCode(d)))
	}
	return strings.Join(out, ",")
}

func (b *hsdsBuilder) phone(p model.Phone, idParts ...string) HSDSPhone {
	return HSDSPhone{ID: HSDSID(append([]string{"phone"}, idParts...)...), Number: string(p), Type: "voice"}
}

func (b *hsdsBuilder) pageURL(kind, id string) string {
	if b.base == "" {
		return ""
	}
	return b.base + b.lang + "/" + kind + "/" + id + "/"
}

func (b *hsdsBuilder) address(locID string, street string, postal model.PostalCode, city string) HSDSAddress {
	country := b.d.Site.Country
	if country == "" {
		country = "DE"
	}
	return HSDSAddress{ID: HSDSID("address", locID), LocationID: locID, Address1: street, City: city,
		StateProvince: b.d.Site.State, PostalCode: string(postal), Country: country, AddressType: "physical"}
}

func (b *hsdsBuilder) officeLocation(o *model.Office) HSDSLocation {
	id := HSDSID("office", o.ID)
	l := HSDSLocation{ID: id, LocationType: "physical", OrganizationID: HSDSID("provider", o.Provider), Name: b.text(o.Name),
		URL: b.pageURL("offices", o.ID), Addresses: []HSDSAddress{b.address(id, o.Address.Street, o.Address.PostalCode, o.Address.City)},
		Phones: []HSDSPhone{}, Schedules: []HSDSSchedule{}, Accessibility: []HSDSAccessibility{}}
	if o.Geo != nil {
		lat, lon := o.Geo.Lat, o.Geo.Lon
		l.Latitude, l.Longitude = &lat, &lon
	}
	var langs []string
	for _, p := range b.d.Providers {
		if p.ID != o.Provider {
			continue
		}
		for _, a := range p.Advisors {
			if a.Office == o.ID {
				for _, c := range a.Languages {
					if !slices.Contains(langs, c) {
						langs = append(langs, c)
					}
				}
			}
		}
	}
	l.Languages = b.languages(id, "location", langs)
	if o.Phone != "" {
		ph := b.phone(o.Phone, "office", o.ID)
		ph.LocationID = id
		l.Phones = append(l.Phones, ph)
	}
	for i, h := range o.Hours {
		l.Schedules = append(l.Schedules, HSDSSchedule{ID: HSDSID("schedule", "office", o.ID, fmt.Sprint(i)), LocationID: id,
			Freq: "WEEKLY", ByDay: byDay(h.Days), OpensAt: h.From.String(), ClosesAt: h.To.String(),
			AttendingType: attending[h.Kind], Description: "Local time, Europe/Berlin", Notes: b.text(h.Note)})
	}
	if a := o.Accessibility; a != nil {
		desc := "not wheelchair accessible"
		if a.Wheelchair {
			desc = "wheelchair accessible"
		}
		l.Accessibility = append(l.Accessibility, HSDSAccessibility{ID: HSDSID("accessibility", o.ID), LocationID: id, Description: desc, Details: b.text(a.Note)})
	}
	return l
}

// BuildHSDS returns the HSDS export of d with texts in lang (falling back
// to the default language). base is the site's base URL for links, or "".
// d must be the public directory.
func BuildHSDS(d *model.Directory, lang, base string, today model.Date) *HSDS {
	b := &hsdsBuilder{d: d, lang: lang, base: base, today: today}
	h := emptyHSDS()
	for i := range len(d.Providers) + len(d.CourseFiles) {
		part := b.share(i)
		h.Organizations = append(h.Organizations, part.Organizations...)
		h.Services = append(h.Services, part.Services...)
		h.Locations = append(h.Locations, part.Locations...)
		h.ServiceAtLocations = append(h.ServiceAtLocations, part.ServiceAtLocations...)
	}
	return h
}

func emptyHSDS() *HSDS {
	return &HSDS{Organizations: []HSDSOrganization{}, Services: []HSDSService{}, Locations: []HSDSLocation{}, ServiceAtLocations: []HSDSServiceAtLocation{}}
}

// Source is a data file whose entries are a share of the open data: a
// provider file or, with Courses, a course file, by the provider's id. In
// an HSDS export the share is the provider's organization, offices,
// offers and their links, or the course provider, its venues and running
// courses; in the dump, the file's entry (EncodeDump). A share reads
// nothing of the directory but its file and the site-wide data (site,
// languages, districts).
type Source struct {
	ID      string
	Courses bool
}

// Sources returns the data files of d in the order of their shares in
// the open data: the providers, then the course files.
func Sources(d *model.Directory) []Source {
	out := make([]Source, 0, len(d.Providers)+len(d.CourseFiles))
	for i := range d.Providers {
		out = append(out, Source{ID: d.Providers[i].ID})
	}
	for i := range d.CourseFiles {
		out = append(out, Source{ID: d.CourseFiles[i].Provider.ID, Courses: true})
	}
	return out
}

// share returns the entries of the i-th data file of Sources.
func (b *hsdsBuilder) share(i int) *HSDS {
	h := emptyHSDS()
	if n := len(b.d.Providers); i < n {
		b.provider(&b.d.Providers[i], h)
	} else {
		b.courseFile(&b.d.CourseFiles[i-n], h)
	}
	return h
}

var programName = map[string]string{model.ProgramMBE: "Migrationsberatung für erwachsene Zugewanderte (MBE)", model.ProgramJMD: "Jugendmigrationsdienst (JMD)", model.ProgramOther: "Weitere Beratung"}

// provider adds a provider's organization, offices and offers to h.
func (b *hsdsBuilder) provider(p *model.Provider, h *HSDS) {
	orgID := HSDSID("provider", p.ID)
	org := HSDSOrganization{ID: orgID, Name: b.text(p.Name), Description: b.text(p.Description), Email: string(p.Email), Website: string(p.Website),
		Phones: []HSDSPhone{}, Programs: []HSDSProgram{}}
	if org.Description == "" {
		org.Description = org.Name
	}
	if p.Phone != "" {
		ph := b.phone(p.Phone, "provider", p.ID)
		ph.OrganizationID = orgID
		org.Phones = append(org.Phones, ph)
	}
	for _, prog := range []string{model.ProgramMBE, model.ProgramJMD, model.ProgramOther} {
		if slices.ContainsFunc(p.Offers, func(o model.Offer) bool { return o.Program == prog }) {
			org.Programs = append(org.Programs, HSDSProgram{ID: HSDSID("program", p.ID, prog), OrganizationID: orgID, Name: programName[prog], Description: programName[prog]})
		}
	}
	h.Organizations = append(h.Organizations, org)
	for j := range p.Offices {
		h.Locations = append(h.Locations, b.officeLocation(&p.Offices[j]))
	}
	for j := range p.Offers {
		h.Services = append(h.Services, b.offerService(p, &p.Offers[j], h))
	}
}

// courseFile adds a course file's provider, venues and running courses to
// h. A venue's id holds the provider's, so venues are a file's own.
func (b *hsdsBuilder) courseFile(f *model.CourseFile, h *HSDS) {
	orgID := HSDSID("course-provider", f.Provider.ID)
	org := HSDSOrganization{ID: orgID, Name: b.text(f.Provider.Name), Description: b.text(f.Provider.Name), Email: string(f.Provider.Email),
		Website: string(f.Provider.Website), Phones: []HSDSPhone{}, Programs: []HSDSProgram{}}
	if f.Provider.Phone != "" {
		ph := b.phone(f.Provider.Phone, "course-provider", f.Provider.ID)
		ph.OrganizationID = orgID
		org.Phones = append(org.Phones, ph)
	}
	h.Organizations = append(h.Organizations, org)
	venues := map[string]bool{}
	for j := range f.Courses {
		c := &f.Courses[j]
		if c.End.Before(b.today) {
			continue
		}
		venue := HSDSID("venue", f.Provider.ID, c.Location.Street, string(c.Location.PostalCode))
		if !venues[venue] {
			venues[venue] = true
			l := HSDSLocation{ID: venue, LocationType: "physical", OrganizationID: orgID, Name: c.Location.Street,
				Addresses: []HSDSAddress{b.address(venue, c.Location.Street, c.Location.PostalCode, c.Location.City)},
				Languages: []HSDSLanguage{}, Phones: []HSDSPhone{}, Schedules: []HSDSSchedule{}, Accessibility: []HSDSAccessibility{}}
			if c.Location.Geo != nil {
				lat, lon := c.Location.Geo.Lat, c.Location.Geo.Lon
				l.Latitude, l.Longitude = &lat, &lon
			}
			h.Locations = append(h.Locations, l)
		}
		h.Services = append(h.Services, b.courseService(f, c, venue, h))
	}
}

func (b *hsdsBuilder) offerService(p *model.Provider, o *model.Offer, h *HSDS) HSDSService {
	id := HSDSID("offer", o.ID)
	s := HSDSService{ID: id, OrganizationID: HSDSID("provider", p.ID), ProgramID: HSDSID("program", p.ID, o.Program), Name: b.text(o.Title),
		Description: b.text(o.Description), URL: b.pageURL("offers", o.ID), Email: string(p.Email), Status: "active",
		Languages: b.languages(id, "service", o.Languages), ServiceAreas: []HSDSServiceArea{}, Schedules: []HSDSSchedule{},
		ServiceAtLocations: []HSDSServiceAtLocation{}, Contacts: []HSDSContact{}}
	if o.Cost == "free" {
		s.FeesDescription = "free of charge"
	}
	if t := o.Target; t != nil {
		if t.MinAge > 0 {
			min := t.MinAge
			s.MinimumAge = &min
		}
		if t.MaxAge > 0 {
			max := t.MaxAge
			s.MaximumAge = &max
		}
	}
	areas := []string{}
	for _, officeID := range o.Offices {
		off := b.d.Office(officeID)
		sal := HSDSServiceAtLocation{ID: HSDSID("service-at-location", o.ID, officeID), ServiceID: id, LocationID: HSDSID("office", officeID)}
		s.ServiceAtLocations = append(s.ServiceAtLocations, sal)
		h.ServiceAtLocations = append(h.ServiceAtLocations, sal)
		for _, d := range append([]string{off.District}, off.Serves...) {
			if !slices.Contains(areas, d) {
				areas = append(areas, d)
			}
		}
		for _, a := range p.Advisors {
			if a.Office == officeID && slices.Contains(a.Programs, o.Program) {
				cid := HSDSID("contact", o.ID, a.ID)
				c := HSDSContact{ID: cid, ServiceID: id, Name: a.Name, Title: strings.ToUpper(o.Program), Email: string(a.Email), Phones: []HSDSPhone{}}
				if a.Phone != "" {
					ph := b.phone(a.Phone, "contact", o.ID, a.ID)
					ph.ContactID = cid
					c.Phones = append(c.Phones, ph)
				}
				s.Contacts = append(s.Contacts, c)
			}
		}
	}
	for _, d := range areas {
		if dd := b.d.District(d); dd != nil {
			s.ServiceAreas = append(s.ServiceAreas, HSDSServiceArea{ID: HSDSID("service-area", o.ID, d), ServiceID: id, Name: b.text(dd.Name)})
		}
	}
	return s
}

func (b *hsdsBuilder) courseService(f *model.CourseFile, c *model.Course, venue string, h *HSDS) HSDSService {
	id := HSDSID("course", c.ID)
	s := HSDSService{ID: id, OrganizationID: HSDSID("course-provider", f.Provider.ID), Name: b.text(c.Title), Description: b.text(c.Description),
		URL: b.pageURL("courses", c.ID), Status: "active", Languages: b.languages(id, "service", append([]string{"de"}, c.SupportLanguages...)),
		ServiceAreas: []HSDSServiceArea{}, Schedules: []HSDSSchedule{{ID: HSDSID("schedule", "course", c.ID), ServiceID: id,
			ValidFrom: c.Start.String(), ValidTo: c.End.String(), DTStart: c.Start.String(), Until: c.End.String(), Freq: "WEEKLY",
			ByDay: byDay(c.Schedule.Days), OpensAt: c.Schedule.From.String(), ClosesAt: c.Schedule.To.String(), Description: "Local time, Europe/Berlin"}},
		ServiceAtLocations: []HSDSServiceAtLocation{}, Contacts: []HSDSContact{}}
	if r := c.Registration; r != nil {
		s.Email = string(r.Email)
	}
	if d := b.d.District(c.Location.District); d != nil {
		s.ServiceAreas = append(s.ServiceAreas, HSDSServiceArea{ID: HSDSID("service-area", c.ID, d.ID), ServiceID: id, Name: b.text(d.Name)})
	}
	sal := HSDSServiceAtLocation{ID: HSDSID("service-at-location", c.ID), ServiceID: id, LocationID: venue}
	s.ServiceAtLocations = append(s.ServiceAtLocations, sal)
	h.ServiceAtLocations = append(h.ServiceAtLocations, sal)
	return s
}

// HSDSFileNames are the files of an HSDS export (Files), in the order of
// the spans EncodeHSDS returns.
var HSDSFileNames = [4]string{"organizations.json", "services.json", "locations.json", "service_at_locations.json"}

// Span is where a share of the open data (a data file's entries, see
// Sources) is in one of its files: Len bytes from Off (in an HSDS file,
// the share's entries separated by commas; Len 0: none).
type Span struct{ Off, Len int }

// Files returns the export as files: organizations.json, services.json,
// locations.json and service_at_locations.json, each a JSON array,
// compact (at national scale, indenting made the files a sixth larger
// and took half the time of encoding them).
func (h *HSDS) Files() map[string][]byte {
	files, _ := assembleHSDS([][4][]byte{h.encodeEntries()})
	return files
}

// EncodeHSDS returns the files of the HSDS export of d in lang, the same
// as BuildHSDS(d, lang, base, today).Files(), and where each data file's
// share is in each file: spans[i][j] is the share of Sources(d)[i] in
// HSDSFileNames[j]. kept, if not nil, returns the i-th share's bytes in
// the four files as a previous export encoded them, if its data file and
// the site-wide data are as they were then (the spans of that export
// locate them); only the other shares are built and encoded. serve and
// build make the open data of a one-file change so (see docs/open-data.md).
func EncodeHSDS(d *model.Directory, lang, base string, today model.Date, kept func(i int) ([4][]byte, bool)) (files map[string][]byte, spans [][4]Span) {
	return assembleHSDS(HSDSShares(d, lang, base, today, kept))
}

// HSDSShares is EncodeHSDS without putting the files together: each data
// file's share, its entries in each of the four files (in the order of
// HSDSFileNames). HSDSSpans says where they go, HSDSFile puts a file
// together: a caller that finds every share where and as it was in a
// file of a previous export keeps that file instead (at national scale
// the four files of a language are 54 MB).
func HSDSShares(d *model.Directory, lang, base string, today model.Date, kept func(i int) ([4][]byte, bool)) [][4][]byte {
	b := &hsdsBuilder{d: d, lang: lang, base: base, today: today}
	shares := make([][4][]byte, len(d.Providers)+len(d.CourseFiles))
	for i := range shares {
		if kept != nil {
			if k, ok := kept(i); ok {
				shares[i] = k
				continue
			}
		}
		shares[i] = b.share(i).encodeEntries()
	}
	return shares
}

// encodeEntries returns the entries of each of h's four arrays (in the
// order of HSDSFileNames), JSON-encoded as the array would have them,
// without its brackets.
func (h *HSDS) encodeEntries() [4][]byte {
	var out [4][]byte
	for j, v := range [4]any{h.Organizations, h.Services, h.Locations, h.ServiceAtLocations} {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err) // plain structs
		}
		if b[0] == '[' { // "[…]": an array's entries are encoded one after another, comma-separated; nil ("null"): none
			out[j] = b[1 : len(b)-1]
		}
	}
	return out
}

// assembleHSDS writes the files of an export whose shares encoded their
// entries so (encodeEntries), in order, and returns where each share is.
func assembleHSDS(shares [][4][]byte) (map[string][]byte, [][4]Span) {
	files := make(map[string][]byte, len(HSDSFileNames))
	for j, name := range HSDSFileNames {
		files[name] = HSDSFile(shares, j)
	}
	return files, HSDSSpans(shares)
}

// HSDSSpans returns where each share (HSDSShares) is in each file:
// spans[i][j] is the i-th share's in HSDSFileNames[j], as HSDSFile puts
// them. The files are JSON arrays, the shares' entries comma-separated.
func HSDSSpans(shares [][4][]byte) [][4]Span {
	spans := make([][4]Span, len(shares))
	for j := range HSDSFileNames {
		off := 1 // after "["
		for i, sh := range shares {
			if len(sh[j]) == 0 {
				spans[i][j] = Span{Off: off}
				continue
			}
			if off > 1 {
				off++ // ","
			}
			spans[i][j] = Span{Off: off, Len: len(sh[j])}
			off += len(sh[j])
		}
	}
	return spans
}

// HSDSFile puts the file HSDSFileNames[j] of an export together from its
// shares (HSDSShares).
func HSDSFile(shares [][4][]byte, j int) []byte {
	return bytes.Join(HSDSParts(shares, j), nil) // allocated once, at its size
}

// HSDSParts returns the file HSDSFileNames[j] of an export as the pieces
// it is made of, in order, not put together: "[", the shares' entries
// comma-separated, "]\n". A rebuild after a one-file change writes the
// files so, without copying the shares it kept into a new buffer first.
func HSDSParts(shares [][4][]byte, j int) [][]byte {
	comma := []byte(",")
	parts := make([][]byte, 0, 2*len(shares)+2)
	parts = append(parts, []byte("["))
	for _, sh := range shares {
		if len(sh[j]) == 0 {
			continue
		}
		if len(parts) > 1 {
			parts = append(parts, comma)
		}
		parts = append(parts, sh[j])
	}
	return append(parts, []byte("]\n"))
}
