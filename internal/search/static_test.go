package search

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// TestStaticFilesRoundTrip decodes the static index files the way
// search.js does and checks that they give back every posting and every
// document's facets.
func TestStaticFilesRoundTrip(t *testing.T) {
	var docs []Doc
	kinds := []string{"course", "office", "advisor", "course", "offer"}
	districts := []string{"laim", "pasing", "laim", "", "au"}
	for i := range 230 {
		docs = append(docs, Doc{
			Key: fmt.Sprintf("x:%d", i), Kind: kinds[i%len(kinds)], URL: fmt.Sprintf("de/x/%d/", i),
			Title: fmt.Sprintf("Eintrag %d", i), District: districts[i%len(districts)],
			Program: []string{"", "mbe", "jmd"}[i%3], Type: []string{"", "general"}[i%2],
			Languages: []string{"de", "ar", "uk"}[:i%4],
			Parts: []Part{
				{Text: "Beratung für Zugewanderte in München", Lang: "de", Weight: wBody},
				{Text: []string{"Integrationskurs", "Sprachkurs Deutsch", "Büro Grünwalder Straße"}[i%3], Lang: "de", Weight: wTitle},
			},
		})
	}
	ix := Build(NewAnalyzer(), "de", docs)
	files := ix.Files(map[string]string{"kind:office": "Beratungsstelle"})

	// Terms: every shard, aliases followed, gaps summed.
	got := map[string][]Posting{}
	aliases := 0
	for path, b := range files {
		if len(path) < 2 || path[:2] != "t/" {
			continue
		}
		var shard map[string]json.RawMessage
		if err := json.Unmarshal(b, &shard); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for term, raw := range shard {
			var name string
			if json.Unmarshal(raw, &name) == nil {
				aliases++
				if raw = shard[name]; raw == nil {
					t.Fatalf("%s: %q names %q, which is not in the shard", path, term, name)
				}
			}
			var groups [][]int
			if err := json.Unmarshal(raw, &groups); err != nil {
				t.Fatalf("%s: %q: %v", path, term, err)
			}
			last := 41
			for _, g := range groups {
				if g[0] >= last {
					t.Errorf("%q: weights not in descending order: %v", term, groups)
				}
				last = g[0]
				doc := 0
				for _, gap := range g[1:] {
					doc += gap
					got[term] = append(got[term], Posting{doc, g[0]})
				}
			}
		}
	}
	if aliases == 0 {
		t.Error("no term names another, though umlaut spellings share postings")
	}
	for term, want := range ix.Terms {
		have := got[term]
		slices.SortFunc(have, func(a, b Posting) int { return a.Doc - b.Doc })
		if !reflect.DeepEqual(have, want) {
			t.Errorf("term %q: decoded %v, want %v", term, have, want)
		}
	}
	if len(got) != len(ix.Terms) {
		t.Errorf("decoded %d terms, index has %d", len(got), len(ix.Terms))
	}

	// Facets: expand the runs and columns.
	var f facets
	if err := json.Unmarshal(files["f.json"], &f); err != nil {
		t.Fatal(err)
	}
	expand := func(rs [][2]int) []int {
		var out []int
		for _, r := range rs {
			for range r[1] {
				out = append(out, r[0])
			}
		}
		return out
	}
	name := func(list []string, i int) string {
		if i < 0 {
			return ""
		}
		return list[i]
	}
	kind, district := expand(f.Kind), expand(f.District)
	if len(kind) != len(ix.Docs) || len(district) != len(ix.Docs) || len(f.Program) != len(ix.Docs) || len(f.Language) != len(ix.Docs) {
		t.Fatalf("facet columns have %d, %d, %d, %d entries for %d documents", len(kind), len(district), len(f.Program), len(f.Language), len(ix.Docs))
	}
	for i, d := range ix.Docs {
		var langs []string
		for _, l := range f.Language[i] {
			langs = append(langs, f.Languages[l])
		}
		have := []any{name(f.Kinds, kind[i]), name(f.Districts, district[i]), name(f.Programs, f.Program[i]), name(f.Types, f.Type[i]), langs}
		want := []any{d.Kind, d.District, d.Program, d.Type, d.Languages}
		if len(d.Languages) == 0 {
			want[4] = []string(nil)
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("document %d: facets %v, want %v", i, have, want)
		}
	}
	// Runs: documents come by kind, then district, so there are few.
	if len(f.District) > 20 {
		t.Errorf("%d district runs for 230 documents in 4 districts and 5 kinds", len(f.District))
	}
	var meta struct {
		Docs  int               `json:"docs"`
		Kinds map[string]string `json:"kinds"`
	}
	if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Docs != 230 || meta.Kinds["office"] != "Beratungsstelle" {
		t.Errorf("meta.json: %s", files["meta.json"])
	}
}
