package search_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/search/searchtest"
)

var today = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func exampleEngine(t testing.TB) (*search.Engine, map[string][]search.Doc) {
	t.Helper()
	docs, labels := searchtest.Example(t, "../..", today)
	e, err := search.NewEngine(search.NewAnalyzer(), docs, labels)
	if err != nil {
		t.Fatal(err)
	}
	return e, docs
}

// TestSearchRelevanceServer runs the relevance set through the server
// search (bleve) and reports recall@3 and MRR; below 0.9 recall@3 it fails.
func TestSearchRelevanceServer(t *testing.T) {
	e, docs := exampleEngine(t)
	queries, err := searchtest.Load("testdata/relevance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var recall, mrr float64
	for _, q := range queries {
		res, err := e.Search(context.Background(), q.Lang, q.Q, q.Filters, 10)
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
	t.Logf("server search: %d queries: recall@3 %.3f, MRR %.3f", len(queries), recall/n, mrr/n)
	if recall/n < 0.9 {
		t.Errorf("recall@3 %.3f is under 0.9", recall/n)
	}
}

// TestSearchFacets checks that filters narrow the results and that the
// facet counts agree with the filtered results.
func TestSearchFacets(t *testing.T) {
	e, _ := exampleEngine(t)
	ctx := context.Background()
	all, err := e.Search(ctx, "de", "beratung", nil, 1000)
	if err != nil || all.Total < 20 {
		t.Fatalf("beratung: %v, %d results", err, all.Total)
	}
	for _, f := range []string{"kind", "district", "language"} {
		if len(all.Facets[f]) < 2 {
			t.Fatalf("facet %s: %v", f, all.Facets[f])
		}
		for _, fc := range all.Facets[f][:2] {
			narrowed, err := e.Search(ctx, "de", "beratung", map[string]string{f: fc.Value}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if narrowed.Total != fc.Count || narrowed.Total >= all.Total {
				t.Errorf("%s=%s: facet says %d, filtered search finds %d (of %d)", f, fc.Value, fc.Count, narrowed.Total, all.Total)
			}
			if fc.Label == "" {
				t.Errorf("%s=%s has no label", f, fc.Value)
			}
		}
	}
	if res, _ := e.Search(ctx, "de", "Jovanović", nil, 10); res.Total != 0 {
		t.Errorf("a hidden advisor is found: %+v", res.Results)
	}
	if _, err := e.Search(ctx, "xx", "kurs", nil, 10); err == nil || !strings.Contains(err.Error(), "xx") {
		t.Errorf("unknown language: %v", err)
	}
}
