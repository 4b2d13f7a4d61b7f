package load

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// SchemaFile names one kind of data file and its JSON Schema file.
type SchemaFile struct {
	Kind  string // site, languages, districts, topics, provider, courses, page
	Name  string // file name of the schema, e.g. "provider.schema.json"
	Files string // which files the schema is for, e.g. "data/providers/*.yaml"
	root  any
}

// SchemaFiles lists the kinds of data file, in the order of the docs.
func SchemaFiles() []SchemaFile {
	return []SchemaFile{
		{"site", "site.schema.json", "data/site.yaml", model.Site{}},
		{"languages", "languages.schema.json", "data/languages.yaml", []model.Language{}},
		{"districts", "districts.schema.json", "data/districts.yaml", []model.District{}},
		{"topics", "topics.schema.json", "data/topics.yaml", []model.Topic{}},
		{"provider", "provider.schema.json", "data/providers/*.yaml", model.Provider{}},
		{"courses", "courses.schema.json", "data/courses/*.yaml", model.CourseFile{}},
		{"page", "page.schema.json", "front matter of content/<lang>/*.md", model.PageMeta{}},
	}
}

// Schema returns the JSON Schema (draft 2020-12) of the file kind, derived
// from the same struct tags the loader decodes with. The loader checks more
// than a schema can say (references between files, date order); the schema
// gives editors completion and early feedback.
func (s SchemaFile) Schema() []byte {
	g := &schemaGen{defs: map[string]any{}}
	root := g.of(reflect.TypeOf(s.root), field{})
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = s.Name
	root["title"] = fmt.Sprintf("Wegweiser %s (%s)", s.Kind, s.Files)
	root["$defs"] = g.defs
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // only maps, slices, strings and numbers: cannot fail
	}
	return append(b, '\n')
}

type schemaGen struct {
	fields fieldCache
	defs   map[string]any
}

var refFiles = map[string]string{
	"district": "an id from districts.yaml",
	"language": "a language code from languages.yaml",
	"topic":    "a topic id from topics.yaml",
	"office":   "the id of an office of this provider",
}

func (g *schemaGen) of(t reflect.Type, f field) map[string]any {
	switch t {
	case textType:
		name, limit, what := "text", model.MaxLine, "A text"
		if f.long {
			name, limit, what = "long-text", model.MaxLong, "A description"
		}
		g.defs[name] = map[string]any{
			"description": what + " in the site's default language, or one line per language code: {de: …, en: …, ar: …}",
			"oneOf": []any{
				map[string]any{"type": "string", "maxLength": limit},
				map[string]any{"type": "object", "propertyNames": map[string]any{"pattern": langCodeRe.String()},
					"additionalProperties": map[string]any{"type": "string", "maxLength": limit}},
			},
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	case dateType:
		return map[string]any{"type": "string", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, "description": "a date YYYY-MM-DD"}
	case clockType:
		return map[string]any{"type": "string", "pattern": `^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$`, "description": `a time "HH:MM", 24-hour clock`}
	case weekdayType:
		return map[string]any{"enum": model.WeekdayCodes()}
	case emailType:
		return map[string]any{"type": "string", "format": "email"}
	case urlType:
		return map[string]any{"type": "string", "pattern": "^(https?://.+)?$", "maxLength": 2000, "description": "a web address starting with https://"}
	case phoneType:
		return map[string]any{"type": []string{"string", "number"}, "description": `a phone number as people dial it, in quotes: "089 1234-567"`}
	case postalType:
		return map[string]any{"type": []string{"string", "integer"}, "pattern": `^[0-9]{5}$`, "description": `a five-digit postal code, in quotes: "80335"`}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem(), f)
	case reflect.Slice:
		s := map[string]any{"type": "array", "items": g.of(t.Elem(), f)}
		if isScalarType(t.Elem()) {
			s["uniqueItems"] = true
		}
		return s
	case reflect.String:
		s := map[string]any{"type": "string", "maxLength": model.MaxLine}
		if f.enum != nil {
			s["enum"] = f.enum
		}
		if f.ref != "" {
			s["description"] = refFiles[f.ref]
		}
		if f.name == "id" {
			s["pattern"] = idRe.String()
			s["maxLength"] = model.MaxID
		}
		return s
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Struct:
		name := t.Name()
		if _, done := g.defs[name]; !done {
			g.defs[name] = nil // mark before recursing
			props := map[string]any{}
			required := []string{}
			for _, f := range g.fields.fields(t) {
				props[f.name] = g.of(t.Field(f.index).Type, f)
				if f.required {
					required = append(required, f.name)
				}
			}
			g.defs[name] = map[string]any{"type": "object", "title": typeWords(t), "properties": props,
				"required": required, "additionalProperties": false}
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	panic(fmt.Sprintf("load: no schema for %s", t))
}
