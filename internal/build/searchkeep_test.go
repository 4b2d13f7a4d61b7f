package build

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/search"
)

// TestAppendDocCoversDoc changes each field of a search document in turn
// (and each field of its parts), by reflection, so that a field added to
// search.Doc or search.Part later is changed too: each change must change
// what appendDoc writes, or a search index made from other documents
// would be kept. Moving text from one field to the next must change it
// too (each field is written with its length).
func TestAppendDocCoversDoc(t *testing.T) {
	base := search.Doc{Key: "office:a", Kind: "office", URL: "de/offices/a/", Title: "A", TitleLang: "de", Snippet: "s",
		District: "d", Program: "mbe", Type: "general", Languages: []string{"ar"}, Tags: []string{"childcare"},
		Parts: []search.Part{{Text: "t", Lang: "de", Weight: 4}}}
	want := appendDoc(nil, &base)
	changed := func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Int:
			v.SetInt(v.Int() + 1)
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.String {
				v.Set(reflect.Append(v, reflect.ValueOf("x")))
			}
		default:
			t.Fatalf("a field of kind %s: teach this test (and appendDoc) to change it", v.Kind())
		}
	}
	docType := reflect.TypeFor[search.Doc]()
	for i := range docType.NumField() {
		f := docType.Field(i)
		if f.Name == "Parts" {
			partType := reflect.TypeFor[search.Part]()
			for j := range partType.NumField() {
				d := base
				d.Parts = []search.Part{base.Parts[0]}
				changed(reflect.ValueOf(&d.Parts[0]).Elem().Field(j))
				if bytes.Equal(appendDoc(nil, &d), want) {
					t.Errorf("a part's %s changed, appendDoc wrote the same", partType.Field(j).Name)
				}
			}
			d := base
			d.Parts = append([]search.Part{}, base.Parts[0], base.Parts[0])
			if bytes.Equal(appendDoc(nil, &d), want) {
				t.Errorf("a part more, appendDoc wrote the same")
			}
			continue
		}
		d := base
		d.Languages, d.Tags = append([]string{}, base.Languages...), append([]string{}, base.Tags...)
		changed(reflect.ValueOf(&d).Elem().Field(i))
		if bytes.Equal(appendDoc(nil, &d), want) {
			t.Errorf("%s changed, appendDoc wrote the same", f.Name)
		}
	}
	// "ab" + "" and "a" + "b" must differ.
	a, b := base, base
	a.Title, a.TitleLang = "Ade", ""
	b.Title, b.TitleLang = "A", "de"
	if bytes.Equal(appendDoc(nil, &a), appendDoc(nil, &b)) {
		t.Errorf("text moved from the title to its language: appendDoc wrote the same")
	}
}
