package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Engine answers searches on the server (wegweiser serve, wegweiser
// search) from in-memory bleve indexes, one per language. Documents are
// analysed exactly like the static index (Analyzer.Terms); their terms go
// into bleve with the weight as term frequency, so bleve's scoring ranks.
type Engine struct {
	indexes map[string]*langIndex
	docs    map[string]map[string]Doc // lang → key → doc
	labels  map[string]map[string]string
	heads   []string
}

// langIndex is the bleve index of one language, built on its first
// search: a preview rebuilt on every edit should not wait for indexes
// nobody queries.
type langIndex struct {
	once sync.Once
	a    *Analyzer
	docs []Doc
	idx  bleve.Index
	err  error
}

func (li *langIndex) get() (bleve.Index, error) {
	li.once.Do(func() {
		li.idx, li.err = newIndex(li.a, li.docs)
		li.docs = nil
	})
	return li.idx, li.err
}

// Result is one search result.
type Result struct {
	Key     string `json:"key"`
	URL     string `json:"url"`
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	Snippet string `json:"snippet"`
}

// FacetCount is a facet value with its number of results.
type FacetCount struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Response is the answer of a search.
type Response struct {
	Total   int                     `json:"total"`
	Results []Result                `json:"results"`
	Facets  map[string][]FacetCount `json:"facets"`
}

// Facets are the filters a search accepts.
var Facets = []string{"kind", "district", "language", "program", "type"}

func indexMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer("terms", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		return nil, err
	}
	dm := bleve.NewDocumentMapping()
	terms := bleve.NewTextFieldMapping()
	terms.Analyzer = "terms"
	terms.Store = false
	dm.AddFieldMappingsAt("terms", terms)
	for _, f := range []string{"kind", "district", "program", "type", "language"} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		dm.AddFieldMappingsAt(f, fm)
	}
	rank := bleve.NewNumericFieldMapping()
	rank.Store = false
	dm.AddFieldMappingsAt("rank", rank)
	im.DefaultMapping = dm
	return im, nil
}

// NewEngine makes an engine over docs (by language). Each language's
// index is built in memory on the first search in that language.
func NewEngine(a *Analyzer, docs map[string][]Doc, labels map[string]map[string]string) (*Engine, error) {
	e := &Engine{indexes: map[string]*langIndex{}, docs: map[string]map[string]Doc{}, labels: labels, heads: Heads()}
	for lang, ds := range docs {
		e.indexes[lang] = &langIndex{a: a, docs: ds}
		e.docs[lang] = map[string]Doc{}
		for _, d := range ds {
			e.docs[lang][d.Key] = d
		}
	}
	return e, nil
}

// newIndex indexes the documents of one language in memory, in batches.
func newIndex(a *Analyzer, ds []Doc) (bleve.Index, error) {
	im, err := indexMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewMemOnly(im)
	if err != nil {
		return nil, err
	}
	batch := idx.NewBatch()
	for _, d := range ds {
		w := map[string]int{}
		for _, p := range d.Parts {
			for term, kind := range a.indexTerms(p.Text, p.Lang) {
				if v := p.Weight * kind; v > w[term] {
					w[term] = v
				}
			}
		}
		var b strings.Builder
		for term, v := range w {
			for range max(1, v/8) {
				b.WriteString(term)
				b.WriteByte(' ')
			}
		}
		// A map, so that empty facet values are left out, not indexed as "".
		doc := map[string]any{"terms": b.String(), "rank": float64(slices.Index(Kinds, d.Kind))}
		for k, v := range map[string]string{"kind": d.Kind, "district": d.District, "program": d.Program, "type": d.Type} {
			if v != "" {
				doc[k] = v
			}
		}
		if len(d.Languages) > 0 {
			doc["language"] = d.Languages
		}
		if err := batch.Index(d.Key, doc); err != nil {
			return nil, err
		}
		if batch.Size() >= 1000 {
			if err := idx.Batch(batch); err != nil {
				return nil, err
			}
			batch = idx.NewBatch()
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, err
	}
	return idx, nil
}

// wordQuery finds one query word the ways the browser does: the word, a
// prefix of longer words, the word's stem (the word less an ending of up
// to four letters), one typo for words of 5+ letters, and the head of a
// compound.
func (e *Engine) wordQuery(word string) query.Query {
	var qs []query.Query
	add := func(q interface {
		query.Query
		SetBoost(float64)
		SetField(string)
	}, boost float64) {
		q.SetField("terms")
		q.SetBoost(boost)
		qs = append(qs, q)
	}
	for _, f := range Fold(word) {
		add(bleve.NewTermQuery(f), 1)
		if len([]rune(f)) >= 2 {
			add(bleve.NewPrefixQuery(f), 0.6)
		}
		r := []rune(f)
		for cut := 1; cut <= 4 && len(r)-cut >= 4; cut++ {
			add(bleve.NewTermQuery(string(r[:len(r)-cut])), 0.8)
		}
		if len(r) >= 5 {
			fq := bleve.NewFuzzyQuery(f)
			fq.Fuzziness = 1
			fq.Prefix = 2
			add(fq, 0.6)
		}
		for _, h := range e.heads {
			if len(f) >= len(h)+3 && strings.HasSuffix(f, h) {
				add(bleve.NewTermQuery(h), 0.7)
			}
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// Search finds up to size results for q in lang, narrowed by filters
// (facet → value).
func (e *Engine) Search(ctx context.Context, lang, q string, filters map[string]string, size int) (*Response, error) {
	li := e.indexes[lang]
	if li == nil {
		return nil, fmt.Errorf("no search index for language %q", lang)
	}
	idx, err := li.get()
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", lang, err)
	}
	var words []query.Query
	for _, w := range Tokens(q) {
		if len([]rune(w)) < 2 && !strings.ContainsAny(w, "0123456789") {
			continue
		}
		wq := e.wordQuery(w)
		// A word found nowhere (a stop word, a typo too far) is left out,
		// as in the browser.
		n, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(wq, 0, 0, false))
		if err != nil {
			return nil, err
		}
		if n.Total > 0 {
			words = append(words, wq)
		}
	}
	resp := &Response{Results: []Result{}, Facets: map[string][]FacetCount{}}
	if len(words) == 0 {
		return resp, nil
	}
	var filter []query.Query
	for _, f := range Facets {
		if v := filters[f]; v != "" {
			tq := bleve.NewTermQuery(v)
			tq.SetField(f)
			filter = append(filter, tq)
		}
	}
	run := func(text query.Query) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(append([]query.Query{text}, filter...)...), size, 0, false)
		for _, f := range Facets {
			req.AddFacet(f, bleve.NewFacetRequest(f, 100))
		}
		req.SortBy([]string{"-_score", "rank", "_id"})
		return idx.SearchInContext(ctx, req)
	}
	res, err := run(bleve.NewConjunctionQuery(words...))
	if err == nil && res.Total == 0 && len(words) > 1 {
		res, err = run(bleve.NewDisjunctionQuery(words...)) // no entry has every word: those with some
	}
	if err != nil {
		return nil, err
	}
	resp.Total = int(res.Total)
	for _, h := range res.Hits {
		d := e.docs[lang][h.ID]
		resp.Results = append(resp.Results, Result{Key: d.Key, URL: d.URL, Title: d.Title, Kind: d.Kind, Snippet: d.Snippet})
	}
	for _, f := range Facets {
		fr := res.Facets[f]
		if fr == nil || fr.Terms == nil {
			continue
		}
		for _, t := range fr.Terms.Terms() {
			resp.Facets[f] = append(resp.Facets[f], FacetCount{Value: t.Term, Label: e.labels[lang][f+":"+t.Term], Count: t.Count})
		}
		slices.SortStableFunc(resp.Facets[f], func(a, b FacetCount) int { return b.Count - a.Count })
	}
	return resp, nil
}
