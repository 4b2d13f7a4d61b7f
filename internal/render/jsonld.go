package render

import (
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// JSONLD returns the schema.org description of an office, offer or course
// page, or nil. Templates put it into a <script type="application/ld+json">
// element, where html/template encodes it as JSON.
func (v *View) JSONLD() map[string]any {
	switch d := v.Page.Data.(type) {
	case *model.Office:
		return v.officeLD(d)
	case *model.Offer:
		return v.offerLD(d)
	case *model.Course:
		return v.courseLD(d)
	}
	return nil
}

func (v *View) address(street string, postal model.PostalCode, city string) map[string]any {
	return map[string]any{"@type": "PostalAddress", "streetAddress": street, "postalCode": string(postal),
		"addressLocality": city, "addressCountry": "DE"}
}

func (v *View) abs(key string) string {
	if v.r.base == nil {
		return ""
	}
	return v.r.base.String() + v.Lang + "/" + key
}

func put(m map[string]any, k string, val any) {
	switch x := val.(type) {
	case string:
		if x == "" {
			return
		}
	case []string:
		if len(x) == 0 {
			return
		}
	case nil:
		return
	}
	m[k] = val
}

func (v *View) officeLD(o *model.Office) map[string]any {
	m := map[string]any{
		"@context": "https://schema.org",
		"@type":    "ProfessionalService",
		"name":     v.Plain(o.Name),
		"address":  v.address(o.Address.Street, o.Address.PostalCode, o.Address.City),
	}
	put(m, "url", v.abs("offices/"+o.ID+"/"))
	put(m, "telephone", o.Phone.E164())
	put(m, "email", string(o.Email))
	if o.Geo != nil {
		m["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": o.Geo.Lat, "longitude": o.Geo.Lon}
	}
	if p := v.Site.Dir.Provider(o.Provider); p != nil {
		m["parentOrganization"] = map[string]any{"@type": "NGO", "name": v.Plain(p.Name)}
	}
	put(m, "availableLanguage", v.Site.Languages(o))
	var hours []any
	for _, h := range o.Hours {
		if h.Kind != model.HoursOpen {
			continue
		}
		var days []string
		for _, d := range h.Days {
			days = append(days, "https://schema.org/"+d.String())
		}
		hours = append(hours, map[string]any{"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": h.From.String(), "closes": h.To.String()})
	}
	if len(hours) > 0 {
		m["openingHoursSpecification"] = hours
	}
	m["isAccessibleForFree"] = true
	return m
}

func (v *View) offerLD(o *model.Offer) map[string]any {
	m := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Service",
		"name":        v.Plain(o.Title),
		"serviceType": v.T("program_" + o.Program),
	}
	put(m, "description", v.Plain(o.Description))
	put(m, "url", v.abs("offers/"+o.ID+"/"))
	put(m, "availableLanguage", o.Languages)
	if p := v.Site.Dir.Provider(o.Provider); p != nil {
		m["provider"] = map[string]any{"@type": "NGO", "name": v.Plain(p.Name)}
	}
	if o.Cost == "free" {
		m["offers"] = map[string]any{"@type": "Offer", "price": "0", "priceCurrency": "EUR"}
	}
	if t := o.Target; t != nil {
		a := map[string]any{"@type": "PeopleAudience"}
		if t.MinAge > 0 {
			a["suggestedMinAge"] = t.MinAge
		}
		if t.MaxAge > 0 {
			a["suggestedMaxAge"] = t.MaxAge
		}
		if o.WomenOnly {
			a["suggestedGender"] = "female"
		}
		m["audience"] = a
	}
	var places []any
	for _, id := range o.Offices {
		if of := v.Site.Dir.Office(id); of != nil {
			places = append(places, map[string]any{"@type": "Place", "name": v.Plain(of.Name),
				"address": v.address(of.Address.Street, of.Address.PostalCode, of.Address.City)})
		}
	}
	if len(places) > 0 {
		m["availableChannel"] = map[string]any{"@type": "ServiceChannel", "serviceLocation": places}
	}
	return m
}

func (v *View) courseLD(c *model.Course) map[string]any {
	var days []string
	for _, d := range c.Schedule.Days {
		days = append(days, "https://schema.org/"+d.String())
	}
	instance := map[string]any{
		"@type":      "CourseInstance",
		"courseMode": "onsite",
		"startDate":  c.Start.String(),
		"endDate":    c.End.String(),
		"location": map[string]any{"@type": "Place",
			"address": v.address(c.Location.Street, c.Location.PostalCode, c.Location.City)},
		"courseSchedule": map[string]any{"@type": "Schedule", "byDay": days,
			"startTime": c.Schedule.From.String(), "endTime": c.Schedule.To.String(),
			"startDate": c.Start.String(), "endDate": c.End.String(), "repeatFrequency": "P1W"},
	}
	m := map[string]any{
		"@context":          "https://schema.org",
		"@type":             "Course",
		"name":              v.Plain(c.Title),
		"inLanguage":        "de",
		"hasCourseInstance": instance,
	}
	put(m, "description", v.Plain(c.Description))
	put(m, "url", v.abs("courses/"+c.ID+"/"))
	put(m, "educationalLevel", c.Level)
	if cp := v.CourseProvider(c); cp != nil {
		m["provider"] = map[string]any{"@type": "Organization", "name": v.Plain(cp.Name)}
	}
	return m
}
