package export

import (
	"bytes"
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
	b, _ := EncodeDump(d, generated, license, nil)
	return b
}

// EncodeDump returns Dump(d, generated, license) and where each data
// file's share of it is: spans[i] is the entry of Sources(d)[i] in
// "providers" or "course_providers" (an entry reads nothing but its own
// file). kept, if not nil, returns the i-th entry as a previous dump
// encoded it, if its file is as it was then; only the others are encoded.
func EncodeDump(d *model.Directory, generated time.Time, license map[string]string, kept func(i int) ([]byte, bool)) (dump []byte, spans []Span) {
	parts, spans := EncodeDumpParts(d, generated, license, kept)
	return bytes.Join(parts, nil), spans // allocated once, at its size
}

// EncodeDumpParts is EncodeDump with the dump as the pieces it is made
// of, in order, not put together: the envelope's and each entry (a kept
// one is kept's bytes). Written one after another they are the dump; a
// rebuild after a one-file change writes the 77 MB of a national dump
// so, without copying the entries it kept into a new buffer first.
func EncodeDumpParts(d *model.Directory, generated time.Time, license map[string]string, kept func(i int) ([]byte, bool)) (parts [][]byte, spans []Span) {
	n := len(d.Providers)
	shares := make([][]byte, n+len(d.CourseFiles))
	for i := range shares {
		if kept != nil {
			if b, ok := kept(i); ok {
				shares[i] = b
				continue
			}
		}
		var v any
		if i < n {
			v = value(reflect.ValueOf(d.Providers[i]))
		} else {
			f := &d.CourseFiles[i-n]
			cp := value(reflect.ValueOf(f.Provider)).(map[string]any)
			cp["courses"] = value(reflect.ValueOf(f.Courses))
			v = cp
		}
		// An entry of a top-level array: its lines indented twice, as
		// the document's MarshalIndent would (json.Indent does not indent
		// the first line, so that it can be embedded).
		b, err := json.MarshalIndent(v, dumpIndent+dumpIndent, dumpIndent)
		if err != nil {
			panic(err) // maps, slices, strings, numbers
		}
		shares[i] = b
	}
	// The envelope, with empty arrays where the entries go: a top-level
	// key begins a line after one indent, where no key of an entry (more
	// deeply indented) nor a string (newlines escaped) can.
	doc := map[string]any{
		"format":           DumpFormat,
		"version":          DumpVersion,
		"generated":        generated.UTC().Format(time.RFC3339),
		"license":          license,
		"site":             value(reflect.ValueOf(d.Site)),
		"languages":        value(reflect.ValueOf(d.Languages)),
		"districts":        value(reflect.ValueOf(d.Districts)),
		"topics":           value(reflect.ValueOf(d.Topics)),
		"providers":        []any{},
		"course_providers": []any{},
	}
	env, err := json.MarshalIndent(doc, "", dumpIndent)
	if err != nil {
		panic(err)
	}
	// Each key's "[]" of the envelope becomes "null" or "[", the entries,
	// "\n", an indent and "]"; each entry is preceded by a comma (but the
	// first), a newline and two indents; a newline ends the dump.
	parts = make([][]byte, 0, 2*len(shares)+8)
	off := 0
	add := func(b []byte) {
		if len(b) > 0 {
			parts = append(parts, b)
			off += len(b)
		}
	}
	var (
		first = []byte("\n" + dumpIndent + dumpIndent)
		next  = []byte(",\n" + dumpIndent + dumpIndent)
		end   = []byte("\n" + dumpIndent + "]")
	)
	spans = make([]Span, len(shares))
	for _, key := range []string{"course_providers", "providers"} { // in the envelope's order: its keys are sorted
		at := "\n" + dumpIndent + `"` + key + `": []`
		i := strings.Index(string(env), at)
		add(env[:i+len(at)-2])
		env = env[i+len(at):]
		from, to := 0, n
		if key == "course_providers" {
			from, to = n, len(shares)
		}
		if from == to { // no entries: null, as an empty list of values is
			add([]byte("null"))
			continue
		}
		add([]byte("["))
		for j := from; j < to; j++ {
			if j > from {
				add(next)
			} else {
				add(first)
			}
			spans[j] = Span{Off: off, Len: len(shares[j])}
			add(shares[j])
		}
		add(end)
	}
	add(env)
	add([]byte("\n"))
	return parts, spans
}

// dumpIndent is the dump's indent.
const dumpIndent = " "

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
