// Package scaffold writes the commented templates of `wegweiser new`: a
// provider file, an office inside a provider file, a course file.
//
// Every value an editor has to supply is a placeholder, "TODO" followed by
// an example of how the value is written, taken where possible from the
// site itself (a real district, postal code, topic). `wegweiser check`
// reports each placeholder left (rule placeholder), so a template passes
// the check exactly when it has been filled in.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/yamlfmt"
)

//go:embed templates/*.yaml
var files embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "templates/*.yaml"))

// Values fill in a template.
type Values struct {
	ID       string // the new provider or course provider
	OfficeID string // the new office
	Lang     string // the site's default language
	Today    string // YYYY-MM-DD
	// Start and End are example course dates: in a month, and eight
	// months later.
	Start, End string
	// Examples from the site's own data.
	District, DistrictName, PostalCode, City, Topic string
}

// NewValues derives the examples from the site (dir may be nil when the
// site does not load; the examples are then München's).
func NewValues(dir *model.Directory, id string, now time.Time) Values {
	v := Values{
		ID: id, OfficeID: id + "-beratung", Lang: "de",
		Today: now.Format(time.DateOnly),
		Start: now.AddDate(0, 1, 0).Format(time.DateOnly), End: now.AddDate(0, 9, 0).Format(time.DateOnly),
		District: "altstadt-lehel", DistrictName: "Altstadt-Lehel", PostalCode: "80331", City: "München", Topic: "residence",
	}
	if dir == nil {
		return v
	}
	if l := dir.Site.DefaultLanguage; l != "" {
		v.Lang = l
	}
	if c, _ := dir.Site.Region.Get(v.Lang, v.Lang); c != "" {
		v.City = c
	}
	if len(dir.Districts) > 0 {
		d := dir.Districts[0]
		v.District = d.ID
		v.DistrictName, _ = d.Name.Get(v.Lang, v.Lang)
		v.OfficeID = id + "-" + d.ID
		if len(d.PostalCodes) > 0 {
			v.PostalCode = string(d.PostalCodes[0])
		}
	}
	if len(dir.Topics) > 0 {
		v.Topic = dir.Topics[0].ID
	}
	return v
}

var idRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckID reports whether id is usable as an id (and so as a file name):
// lower-case letters, digits and single dashes.
func CheckID(id string) error {
	if !idRe.MatchString(id) {
		return fmt.Errorf("%q is not an id: use lower-case letters, digits and single dashes, e.g. awo-muenchen", id)
	}
	return nil
}

func execute(name string, v any) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Provider returns a new data/providers/<v.ID>.yaml with one office, one
// advisor and one offer.
func Provider(v Values) ([]byte, error) {
	office, err := execute("office.yaml", v)
	if err != nil {
		return nil, err
	}
	return execute("provider.yaml", struct {
		Values
		Office string
	}{v, string(office)})
}

// CourseFile returns a new data/courses/<v.ID>.yaml with one course.
func CourseFile(v Values) ([]byte, error) { return execute("course-file.yaml", v) }

// AddOffice appends a new office (v.OfficeID) to the offices of a
// provider file in normal form; every other line of the file stays.
func AddOffice(src []byte, v Values) ([]byte, error) {
	text, err := execute("office.yaml", v)
	if err != nil {
		return nil, err
	}
	var list yaml.Node
	if err := yaml.Unmarshal(text, &list); err != nil {
		return nil, fmt.Errorf("office template: %w", err)
	}
	office := list.Content[0].Content[0]
	return yamlfmt.Edit(src, func(root *yaml.Node) error {
		if root.Kind != yaml.MappingNode {
			return errors.New("the provider file is not a map of fields")
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value != "offices" {
				continue
			}
			offices := root.Content[i+1]
			if offices.Kind != yaml.SequenceNode {
				return errors.New("`offices` is not a list")
			}
			for _, o := range offices.Content {
				if hasID(o, v.OfficeID) {
					return fmt.Errorf("the provider already has an office %q", v.OfficeID)
				}
			}
			offices.Style &^= yaml.FlowStyle
			offices.Content = append(offices.Content, office)
			return nil
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "offices"}
		root.Content = append(root.Content, key, &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{office}})
		return nil
	})
}

// hasID reports whether the map n has the field id: want.
func hasID(n *yaml.Node, want string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" && strings.TrimSpace(n.Content[i+1].Value) == want {
			return true
		}
	}
	return false
}
