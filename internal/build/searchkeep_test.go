package build

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/load"
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

// TestSearchKeptPerDataFile rebuilds the example (German only) as serve
// does, each time from the previous rebuild's files, after changes to
// what search documents of each kind are made from — a course file, an
// office's, an advisor's and an offer's provider file, the districts, a
// Markdown page — and after changes no document shows. The fingerprints
// of the documents of the data files that did not change are taken from
// the previous rebuild's manifest (searchKeeper.fingerprint): each time
// the manifest must say what fingerprinting every document anew says,
// and the index must be kept only after the changes no document shows.
// (A build keeps an index from its previous output the same way:
// TestKeptPagesLinked.)
func TestSearchKeptPerDataFile(t *testing.T) {
	t.Parallel()
	src, edit := smallExample(t)
	edit("data/site.yaml", "languages: [de, en, ar]", "languages: [de]")
	ctx := context.Background()
	spill := t.TempDir()
	var pv *Preview
	rebuild := func() {
		t.Helper()
		next, err := Prepare(ctx, Config{Source: os.DirFS(src), Now: testToday}, PreviewOptions{Spill: spill}, pv)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(next.Close)
		if _, err := next.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		pv = next
	}
	// fresh fingerprints the German documents of src anew, each made.
	fresh := func() *searchRecord {
		t.Helper()
		cfg := Config{Source: os.DirFS(src), Now: testToday}
		snap, problems := load.Reload(cfg.Source, cfg.loadOptions(ctx), nil)
		if snap == nil {
			t.Fatal(problems)
		}
		st, err := newStage(cfg, PreviewOptions{}, snap.Dir, problems, discard{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := st.inputs(snap)
		if err != nil {
			t.Fatal(err)
		}
		sk := newSearchKeeper(nil, nil, in)
		fp, parts, ok := sk.fingerprint(search.NewMaker(st.graph, st.strs, "de"), "de", search.Sources(st.graph, "de"), nil, search.Labels(st.graph, st.strs, "de"))
		if !ok {
			t.Fatal("no fingerprint")
		}
		return &searchRecord{Sum: fp, Base: sk.base, Parts: parts}
	}
	index := func() os.FileInfo {
		t.Helper()
		st, err := os.Stat(filepath.Join(pv.spill, "search", "de", "meta.json"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	rebuild()
	const awo = "data/providers/awo-muenchen.yaml"
	for _, c := range []struct {
		what, file, old, new string
		kept                 bool
	}{
		{"a phone number", awo, `phone: "089 1234510-10"`, `phone: "089 1234510-99"`, true},
		{"a course's title", "data/courses/mvhs.yaml", "de: Allgemeiner Integrationskurs A1–B1", "de: Allgemeiner Integrationskurs A1–B2", false},
		{"an office's name", awo, "name: AWO Migrationsberatung Moosach", "name: AWO Migrationsberatung Moosach-Nord", false},
		{"an advisor's name", awo, "name: Amira Beispiel", "name: Amira Beispiel-Sommer", false},
		{"an offer's title", awo, "de: Migrationsberatung für erwachsene Zugewanderte (MBE)", "de: Migrationsberatung für Erwachsene (MBE)", false},
		{"a district's name", "data/districts.yaml", "name: Altstadt-Lehel", "name: Altstadt–Lehel", false},
		{"a page's title", "content/de/ueber-uns.md", "title: Über diesen Wegweiser", "title: Über den Wegweiser", false},
		{"another phone number", awo, `phone: "089 1234510-99"`, `phone: "089 1234510-98"`, true},
	} {
		before := index()
		edit(c.file, c.old, c.new)
		rebuild()
		if kept := os.SameFile(before, index()); kept != c.kept {
			t.Errorf("after %s: index kept %v, want %v", c.what, kept, c.kept)
		}
		b, err := os.ReadFile(filepath.Join(pv.spill, filepath.FromSlash(SearchManifestName)))
		if err != nil {
			t.Fatal(err)
		}
		var m searchManifest
		if err := json.Unmarshal(b, &m); err != nil || m["de"] == nil {
			t.Fatalf("%s: %v", SearchManifestName, err)
		}
		got, want := m["de"], fresh()
		if got.Sum != want.Sum || got.Base != want.Base {
			t.Errorf("after %s: the index's fingerprint is not that of its documents made anew", c.what)
		}
		for file, p := range want.Parts {
			if got.Parts[file] != p {
				t.Errorf("after %s: the documents of %q noted as %x, made anew %x", c.what, file, got.Parts[file], p)
			}
		}
		if len(got.Parts) != len(want.Parts) {
			t.Errorf("after %s: %d data files noted, %d made anew", c.what, len(got.Parts), len(want.Parts))
		}
	}
}
