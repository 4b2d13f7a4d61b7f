package render

import (
	"encoding/json"
	"html/template"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// JSONLD returns the schema.org description of an office, offer or course
// page as JSON, or "". Templates put it into a <script
// type="application/ld+json"> element. It is encoded here from structs
// (their fields in the order of their names, as the maps it was once
// made of were) rather than by html/template from maps, which cost a
// tenth of a course page; encoding/json escapes <, >, & and the line
// separators, so the JSON cannot end the script element.
func (v *View) JSONLD() (template.JS, error) {
	var x any
	switch d := v.Page.Data.(type) {
	case *model.Office:
		x = v.officeLD(d)
	case *model.Offer:
		x = v.offerLD(d)
	case *model.Course:
		x = v.courseLD(d)
	default:
		return "", nil
	}
	b, err := json.Marshal(x)
	return template.JS(b), err
}

// The schema.org types below list their fields sorted by JSON name.

type ldAddress struct {
	Type     string `json:"@type"`
	Country  string `json:"addressCountry"`
	Locality string `json:"addressLocality"`
	Postal   string `json:"postalCode"`
	Street   string `json:"streetAddress"`
}

type ldNamed struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldGeo struct {
	Type string  `json:"@type"`
	Lat  float64 `json:"latitude"`
	Lon  float64 `json:"longitude"`
}

type ldHours struct {
	Type   string   `json:"@type"`
	Closes string   `json:"closes"`
	Days   []string `json:"dayOfWeek"`
	Opens  string   `json:"opens"`
}

type ldOffice struct {
	Context   string    `json:"@context"`
	Type      string    `json:"@type"`
	Address   ldAddress `json:"address"`
	Languages []string  `json:"availableLanguage,omitempty"`
	Email     string    `json:"email,omitempty"`
	Geo       *ldGeo    `json:"geo,omitempty"`
	Free      bool      `json:"isAccessibleForFree"`
	Name      string    `json:"name"`
	Hours     []ldHours `json:"openingHoursSpecification,omitempty"`
	Parent    *ldNamed  `json:"parentOrganization,omitempty"`
	Phone     string    `json:"telephone,omitempty"`
	URL       string    `json:"url,omitempty"`
}

type ldAudience struct {
	Type   string `json:"@type"`
	Gender string `json:"suggestedGender,omitempty"`
	MaxAge int    `json:"suggestedMaxAge,omitempty"`
	MinAge int    `json:"suggestedMinAge,omitempty"`
}

type ldPlace struct {
	Type    string    `json:"@type"`
	Address ldAddress `json:"address"`
	Name    string    `json:"name"`
}

type ldChannel struct {
	Type     string    `json:"@type"`
	Location []ldPlace `json:"serviceLocation"`
}

type ldPrice struct {
	Type     string `json:"@type"`
	Price    string `json:"price"`
	Currency string `json:"priceCurrency"`
}

type ldOffer struct {
	Context     string      `json:"@context"`
	Type        string      `json:"@type"`
	Audience    *ldAudience `json:"audience,omitempty"`
	Channel     *ldChannel  `json:"availableChannel,omitempty"`
	Languages   []string    `json:"availableLanguage,omitempty"`
	Description string      `json:"description,omitempty"`
	Name        string      `json:"name"`
	Offers      *ldPrice    `json:"offers,omitempty"`
	Provider    *ldNamed    `json:"provider,omitempty"`
	ServiceType string      `json:"serviceType"`
	URL         string      `json:"url,omitempty"`
}

type ldCoursePlace struct {
	Type    string    `json:"@type"`
	Address ldAddress `json:"address"`
}

type ldSchedule struct {
	Type      string   `json:"@type"`
	Days      []string `json:"byDay"`
	EndDate   string   `json:"endDate"`
	EndTime   string   `json:"endTime"`
	Repeat    string   `json:"repeatFrequency"`
	StartDate string   `json:"startDate"`
	StartTime string   `json:"startTime"`
}

type ldInstance struct {
	Type      string        `json:"@type"`
	Mode      string        `json:"courseMode"`
	Schedule  ldSchedule    `json:"courseSchedule"`
	EndDate   string        `json:"endDate"`
	Location  ldCoursePlace `json:"location"`
	StartDate string        `json:"startDate"`
}

type ldCourse struct {
	Context     string     `json:"@context"`
	Type        string     `json:"@type"`
	Description string     `json:"description,omitempty"`
	Level       string     `json:"educationalLevel,omitempty"`
	Instance    ldInstance `json:"hasCourseInstance"`
	InLanguage  string     `json:"inLanguage"`
	Name        string     `json:"name"`
	Provider    *ldNamed   `json:"provider,omitempty"`
	URL         string     `json:"url,omitempty"`
}

func address(street string, postal model.PostalCode, city string) ldAddress {
	return ldAddress{Type: "PostalAddress", Street: street, Postal: string(postal), Locality: city, Country: "DE"}
}

func (v *View) abs(key string) string {
	if v.r.base == nil {
		return ""
	}
	return v.r.base.String() + v.Lang + "/" + key
}

// schemaDays names days as schema.org does.
func schemaDays(days []model.Weekday) []string {
	var out []string
	for _, d := range days {
		out = append(out, "https://schema.org/"+d.String())
	}
	return out
}

func (v *View) officeLD(o *model.Office) ldOffice {
	m := ldOffice{Context: "https://schema.org", Type: "ProfessionalService", Name: v.Plain(o.Name),
		Address: address(o.Address.Street, o.Address.PostalCode, o.Address.City),
		URL:     v.abs("offices/" + o.ID + "/"), Phone: o.Phone.E164(), Email: string(o.Email),
		Languages: v.Site.Languages(o), Free: true}
	if o.Geo != nil {
		m.Geo = &ldGeo{Type: "GeoCoordinates", Lat: o.Geo.Lat, Lon: o.Geo.Lon}
	}
	if p := v.Site.Dir().Provider(o.Provider); p != nil {
		m.Parent = &ldNamed{Type: "NGO", Name: v.Plain(p.Name)}
	}
	for _, h := range o.Hours {
		if h.Kind == model.HoursOpen {
			m.Hours = append(m.Hours, ldHours{Type: "OpeningHoursSpecification", Days: schemaDays(h.Days), Opens: h.From.String(), Closes: h.To.String()})
		}
	}
	return m
}

func (v *View) offerLD(o *model.Offer) ldOffer {
	m := ldOffer{Context: "https://schema.org", Type: "Service", Name: v.Plain(o.Title), ServiceType: v.T("program_" + o.Program),
		Description: v.Plain(o.Description), URL: v.abs("offers/" + o.ID + "/"), Languages: o.Languages}
	if p := v.Site.Dir().Provider(o.Provider); p != nil {
		m.Provider = &ldNamed{Type: "NGO", Name: v.Plain(p.Name)}
	}
	if o.Cost == "free" {
		m.Offers = &ldPrice{Type: "Offer", Price: "0", Currency: "EUR"}
	}
	if t := o.Target; t != nil {
		m.Audience = &ldAudience{Type: "PeopleAudience", MinAge: max(t.MinAge, 0), MaxAge: max(t.MaxAge, 0)}
		if o.WomenOnly {
			m.Audience.Gender = "female"
		}
	}
	var places []ldPlace
	for _, id := range o.Offices {
		if of := v.Site.Dir().Office(id); of != nil {
			places = append(places, ldPlace{Type: "Place", Name: v.Plain(of.Name),
				Address: address(of.Address.Street, of.Address.PostalCode, of.Address.City)})
		}
	}
	if len(places) > 0 {
		m.Channel = &ldChannel{Type: "ServiceChannel", Location: places}
	}
	return m
}

func (v *View) courseLD(c *model.Course) ldCourse {
	m := ldCourse{Context: "https://schema.org", Type: "Course", Name: v.Plain(c.Title), InLanguage: "de",
		Instance: ldInstance{Type: "CourseInstance", Mode: "onsite", StartDate: c.Start.String(), EndDate: c.End.String(),
			Location: ldCoursePlace{Type: "Place", Address: address(c.Location.Street, c.Location.PostalCode, c.Location.City)},
			Schedule: ldSchedule{Type: "Schedule", Days: schemaDays(c.Schedule.Days), StartTime: c.Schedule.From.String(),
				EndTime: c.Schedule.To.String(), StartDate: c.Start.String(), EndDate: c.End.String(), Repeat: "P1W"}},
		Description: v.Plain(c.Description), URL: v.abs("courses/" + c.ID + "/"), Level: c.Level}
	if cp := v.CourseProvider(c); cp != nil {
		m.Provider = &ldNamed{Type: "Organization", Name: v.Plain(cp.Name)}
	}
	return m
}
