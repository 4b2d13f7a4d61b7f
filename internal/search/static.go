// Package search makes the site searchable: a static index that the
// browser fetches in shards (search.js), and a bleve index that `wegweiser
// serve` and `wegweiser search` answer from.
//
// The static index is built here, once per language, with bleve's
// analysis: stop words, stemmers where bleve has them, German compound
// splitting; every word is stored folded (see Fold). The browser folds the
// query the same way and looks up only the shards its words start with.
// Files, below search/{lang}/:
//
//	meta.json       format, number of documents, chunk size, shard keys
//	t/{key}.json    terms starting with the two characters key names:
//	                {"term": [doc, weight, doc, weight, …], …}
//	d/{n}.json      documents n·100 … n·100+99: [url, title, title language, snippet]
//	f.json          facet values and, per document, its kind, district,
//	                program, course type and languages
package search

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
)

// ChunkSize is the number of documents per d/{n}.json file.
const ChunkSize = 100

// FormatVersion is the version of the static index format.
const FormatVersion = 1

// Index is the static index of one language.
type Index struct {
	Lang  string
	Docs  []Doc
	Terms map[string][]Posting
}

// Posting is a document a term occurs in, with its weight (1…40).
type Posting struct {
	Doc    int
	Weight int
}

// Build indexes docs (all in one language) with a.
func Build(a *Analyzer, lang string, docs []Doc) *Index {
	// Order: by kind, so equal scores show offices first and kinds come in
	// ranges.
	sort.SliceStable(docs, func(i, j int) bool {
		return slices.Index(Kinds, docs[i].Kind) < slices.Index(Kinds, docs[j].Kind)
	})
	ix := &Index{Lang: lang, Docs: docs, Terms: map[string][]Posting{}}
	for i, d := range docs {
		w := map[string]int{}
		for _, p := range d.Parts {
			for term, kind := range a.Terms(p.Text, p.Lang) {
				if v := p.Weight * kind; v > w[term] {
					w[term] = v
				}
			}
		}
		for term, v := range w {
			ix.Terms[term] = append(ix.Terms[term], Posting{i, int(math.Max(1, math.Round(float64(v)/2)))})
		}
	}
	return ix
}

// facets is f.json.
type facets struct {
	Kinds     []string          `json:"kinds"`
	Districts []string          `json:"districts"`
	Languages []string          `json:"languages"`
	Programs  []string          `json:"programs"`
	Types     []string          `json:"types"`
	Labels    map[string]string `json:"labels"` // "district:maxvorstadt" → name in the index's language
	Docs      [][]any           `json:"docs"`   // [kind, district, program, type, [languages]] as indexes, -1 for none
}

// Files returns the files of the index, keyed by path below search/{lang}/.
// labels names facet values ("district:maxvorstadt", "language:ar",
// "kind:office", "program:mbe", "type:general") in the index's language.
func (ix *Index) Files(labels map[string]string) map[string][]byte {
	out := map[string][]byte{}
	shards := map[string]map[string][]int{}
	for term, ps := range ix.Terms {
		key := ShardKey(term)
		if shards[key] == nil {
			shards[key] = map[string][]int{}
		}
		flat := make([]int, 0, 2*len(ps))
		for _, p := range ps {
			flat = append(flat, p.Doc, p.Weight)
		}
		shards[key][term] = flat
	}
	var keys []string
	for key, terms := range shards {
		keys = append(keys, key)
		out["t/"+key+".json"] = mustJSON(terms)
	}
	slices.Sort(keys)
	for n := 0; n*ChunkSize < len(ix.Docs); n++ {
		var chunk [][]string
		for _, d := range ix.Docs[n*ChunkSize : min(len(ix.Docs), (n+1)*ChunkSize)] {
			chunk = append(chunk, []string{d.URL, d.Title, d.TitleLang, d.Snippet})
		}
		out[fmt.Sprintf("d/%d.json", n)] = mustJSON(chunk)
	}
	f := facets{Labels: map[string]string{}}
	index := func(list *[]string, v, kind string) int {
		if v == "" {
			return -1
		}
		i := slices.Index(*list, v)
		if i < 0 {
			*list = append(*list, v)
			i = len(*list) - 1
			if l := labels[kind+":"+v]; l != "" {
				f.Labels[kind+":"+v] = l
			}
		}
		return i
	}
	for _, d := range ix.Docs {
		var langs []int
		for _, l := range d.Languages {
			langs = append(langs, index(&f.Languages, l, "language"))
		}
		if langs == nil {
			langs = []int{}
		}
		f.Docs = append(f.Docs, []any{index(&f.Kinds, d.Kind, "kind"), index(&f.Districts, d.District, "district"),
			index(&f.Programs, d.Program, "program"), index(&f.Types, d.Type, "type"), langs})
	}
	out["f.json"] = mustJSON(f)
	out["meta.json"] = mustJSON(map[string]any{"format": FormatVersion, "lang": ix.Lang, "docs": len(ix.Docs), "chunk": ChunkSize, "shards": keys, "heads": Heads()})
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
