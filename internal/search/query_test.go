package search_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/search/searchtest"
)

var today = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// exampleStatic returns the static search of each of the example's
// languages, over index files made in memory, and the documents.
func exampleStatic(t testing.TB) (map[string]*search.Static, map[string][]search.Doc) {
	t.Helper()
	docs, labels := searchtest.Example(t, "../..", today)
	a := search.NewAnalyzer()
	out := map[string]*search.Static{}
	for lang, ds := range docs {
		files := search.Build(a, lang, ds).Files(labels[lang])
		st, err := search.OpenStatic(func(name string) ([]byte, error) {
			if b, ok := files[name]; ok {
				return b, nil
			}
			return nil, fmt.Errorf("no file %s", name)
		})
		if err != nil {
			t.Fatal(err)
		}
		out[lang] = st
	}
	return out, docs
}

// TestSearchRelevance runs the relevance set through search.Static (the
// ranking of the search page, `wegweiser search` and serve's /api/search)
// and reports recall@3 and MRR; below 0.9 recall@3 it fails. The browser
// gives the same answers (TestSearchRelevanceStatic in internal/build).
func TestSearchRelevance(t *testing.T) {
	st, docs := exampleStatic(t)
	queries, err := searchtest.Load("testdata/relevance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var recall, mrr float64
	for _, q := range queries {
		res, err := st[q.Lang].Search(q.Q, q.Filters, 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range res.Results {
			keys = append(keys, r.Key)
		}
		expected, all := q.Expected(docs[q.Lang])
		r, rr := searchtest.Judge(expected, all, keys)
		recall += r
		mrr += rr
		if r < 1 {
			t.Logf("miss %s %q %v: top %v", q.Lang, q.Q, q.Filters, keys[:min(3, len(keys))])
		}
	}
	n := float64(len(queries))
	t.Logf("static search in Go: %d queries: recall@3 %.3f, MRR %.3f", len(queries), recall/n, mrr/n)
	if recall/n < 0.9 {
		t.Errorf("recall@3 %.3f is under 0.9", recall/n)
	}
}

// TestSearchFacets checks that filters narrow the results and that the
// facet counts agree with the filtered results.
func TestSearchFacets(t *testing.T) {
	st, _ := exampleStatic(t)
	de := st["de"]
	all, err := de.Search("beratung", nil, 1000)
	if err != nil || all.Total < 20 {
		t.Fatalf("beratung: %v, %d results", err, all.Total)
	}
	for _, f := range []string{"kind", "district", "language"} {
		if len(all.Facets[f]) < 2 {
			t.Fatalf("facet %s: %v", f, all.Facets[f])
		}
		for _, fc := range all.Facets[f][:2] {
			narrowed, err := de.Search("beratung", map[string]string{f: fc.Value}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if narrowed.Total != fc.Count || narrowed.Total >= all.Total || len(narrowed.Results) != narrowed.Total {
				t.Errorf("%s=%s: facet says %d, filtered search finds %d (of %d)", f, fc.Value, fc.Count, narrowed.Total, all.Total)
			}
			if fc.Label == "" {
				t.Errorf("%s=%s has no label", f, fc.Value)
			}
		}
	}
	if res, _ := de.Search("Jovanović", nil, 10); res.Total != 0 {
		t.Errorf("a hidden advisor is found: %+v", res.Results)
	}
	if res, _ := de.Search("x", nil, 10); res.Total != 0 || len(res.Results) != 0 {
		t.Errorf("a one-letter query: %+v", res)
	}
	if _, err := search.OpenStatic(func(name string) ([]byte, error) { return nil, fmt.Errorf("no file %s", name) }); err == nil || !strings.Contains(err.Error(), "meta.json") {
		t.Errorf("no index: %v", err)
	}
}

// TestDocumentsSameEveryTime: the example's documents come out the same
// in every run (a build keeps the previous search index when its
// documents fingerprint the same; texts taken from a map in its random
// order made them differ).
func TestDocumentsSameEveryTime(t *testing.T) {
	first, _ := searchtest.Example(t, "../..", today)
	for range 3 {
		again, _ := searchtest.Example(t, "../..", today)
		for lang, docs := range first {
			if !reflect.DeepEqual(docs, again[lang]) {
				t.Fatalf("%s: the documents differ between two runs", lang)
			}
		}
	}
}
