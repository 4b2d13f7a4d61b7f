package export

import (
	"encoding/json"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// feature is an RFC 7946 Feature with a Point geometry.
type feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   point          `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude
}

// GeoJSON returns the offices and course venues that have coordinates as
// an RFC 7946 FeatureCollection (WGS 84, longitude before latitude, no
// crs member). pageURL returns the page of an entry ("offices", id) or "".
func GeoJSON(d *model.Directory, today model.Date, pageURL func(kind, id string) string) []byte {
	features := []feature{}
	add := func(id string, g *model.Geo, props map[string]any) {
		features = append(features, feature{Type: "Feature", ID: id, Geometry: point{"Point", [2]float64{g.Lon, g.Lat}}, Properties: props})
	}
	for _, p := range d.Providers {
		for _, o := range p.Offices {
			if o.Geo == nil {
				continue
			}
			props := map[string]any{"kind": "office", "id": o.ID, "name": text(d, o.Name), "provider": p.ID,
				"district": o.District, "address": o.Address.Street + ", " + string(o.Address.PostalCode) + " " + o.Address.City}
			if u := pageURL("offices", o.ID); u != "" {
				props["url"] = u
			}
			add("office:"+o.ID, o.Geo, props)
		}
	}
	seen := map[string]bool{}
	for _, cf := range d.CourseFiles {
		for _, c := range cf.Courses {
			if c.Location.Geo == nil || c.End.Before(today) {
				continue
			}
			id := HSDSID("venue", cf.Provider.ID, c.Location.Street, string(c.Location.PostalCode))
			if seen[id] {
				continue
			}
			seen[id] = true
			add("venue:"+id, c.Location.Geo, map[string]any{"kind": "course_venue", "name": text(d, cf.Provider.Name), "provider": cf.Provider.ID,
				"district": c.Location.District, "address": c.Location.Street + ", " + string(c.Location.PostalCode) + " " + c.Location.City})
		}
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
