package export

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// DumpFormat and DumpVersion identify the JSON dump; the version changes
// only when a field changes meaning or is removed.
const (
	DumpFormat  = "wegweiser-directory"
	DumpVersion = 1
)

// Dump returns the whole directory d as one JSON document: the same fields
// as the YAML data files (docs/data-format.md), in an envelope naming the
// format, version, date and licence. d must be the public directory.
func Dump(d *model.Directory, generated time.Time, license map[string]string) []byte {
	var courseProviders []any
	for _, f := range d.CourseFiles {
		cp := value(reflect.ValueOf(f.Provider)).(map[string]any)
		cp["courses"] = value(reflect.ValueOf(f.Courses))
		courseProviders = append(courseProviders, cp)
	}
	doc := map[string]any{
		"format":           DumpFormat,
		"version":          DumpVersion,
		"generated":        generated.UTC().Format(time.RFC3339),
		"license":          license,
		"site":             value(reflect.ValueOf(d.Site)),
		"languages":        value(reflect.ValueOf(d.Languages)),
		"districts":        value(reflect.ValueOf(d.Districts)),
		"topics":           value(reflect.ValueOf(d.Topics)),
		"providers":        value(reflect.ValueOf(d.Providers)),
		"course_providers": courseProviders,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err) // maps, slices, strings, numbers
	}
	return append(b, '\n')
}

var (
	textT    = reflect.TypeFor[model.Text]()
	dateT    = reflect.TypeFor[model.Date]()
	clockT   = reflect.TypeFor[model.Clock]()
	weekdayT = reflect.TypeFor[model.Weekday]()
)

// value converts a model value to JSON values by its yaml tags, leaving
// out empty fields.
func value(v reflect.Value) any {
	switch v.Type() {
	case textT:
		if v.Len() == 0 {
			return nil
		}
		return v.Interface()
	case dateT:
		d := v.Interface().(model.Date)
		if d.IsZero() {
			return nil
		}
		return d.String()
	case clockT:
		return v.Interface().(model.Clock).String()
	case weekdayT:
		return model.WeekdayCode(v.Interface().(model.Weekday))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return value(v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			return nil
		}
		out := make([]any, v.Len())
		for i := range v.Len() {
			out[i] = value(v.Index(i))
		}
		return out
	case reflect.Struct:
		m := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			if x := value(v.Field(i)); x != nil {
				m[name] = x
			}
		}
		return m
	case reflect.String:
		if v.Len() == 0 {
			return nil
		}
		return v.String()
	case reflect.Bool:
		if !v.Bool() {
			return nil
		}
		return true
	case reflect.Int:
		if v.Int() == 0 {
			return nil
		}
		return v.Int()
	case reflect.Float64:
		return v.Float()
	}
	return nil
}
