package search

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Static answers queries from the files of one language's static index
// (Index.Files), with the ranking of the browser's search.js: the same
// words, forms, shards, matches, scores and order. TestSearchRelevanceStatic
// (internal/build) runs the relevance set through both and compares the
// results. The files' formats are defined once, in static.go.
type Static struct {
	read func(name string) ([]byte, error) // a file below search/{lang}/
	meta meta
}

// OpenStatic reads the index's meta.json through read, which returns a
// file of the index by its name ("meta.json", "t/6b-75.json", …).
func OpenStatic(read func(name string) ([]byte, error)) (*Static, error) {
	s := &Static{read: read}
	if err := s.load("meta.json", &s.meta); err != nil {
		return nil, err
	}
	if s.meta.Chunk <= 0 {
		return nil, fmt.Errorf("search index: meta.json has no chunk size")
	}
	return s, nil
}

func (s *Static) load(name string, v any) error {
	b, err := s.read(name)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("search index %s: %w", name, err)
	}
	return nil
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

// Response is the answer of a search: the number of results, the first
// ones, and the filters with their counts.
type Response struct {
	Total   int                     `json:"total"`
	Approx  bool                    `json:"approx,omitempty"` // Total is an estimate (First)
	Results []Result                `json:"results"`
	Facets  map[string][]FacetCount `json:"facets"`
}

// FirstResults is the number of results the search page shows at first,
// and adds with "more results" (PAGE in search.js).
const FirstResults = 10

// Facets are the filters a search accepts.
var Facets = []string{"kind", "district", "language", "program", "type"}

// form is a folded word or a compound's head, with its weight.
type form struct {
	s      []rune
	factor float64
}

// queryWords returns the words of a query as search.js takes them: two
// characters or more, or with a digit.
func queryWords(q string) []string {
	var out []string
	for _, w := range Tokens(q) {
		if utf16Len(w) >= 2 || strings.IndexFunc(w, unicode.IsNumber) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// utf16Len is the length of s as JavaScript counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xffff {
			n++
		}
	}
	return n
}

// withHeads adds the heads of compound words at a lower weight.
func (s *Static) withHeads(forms []string) []form {
	var out []form
	for _, f := range forms {
		out = append(out, form{[]rune(f), 1})
	}
	for _, f := range forms {
		for _, h := range s.meta.Heads {
			if utf16Len(f) >= utf16Len(h)+3 && strings.HasSuffix(f, h) {
				out = append(out, form{[]rune(h), 0.7})
			}
		}
	}
	return out
}

// shardsFor returns the shards a term's matches can be in.
func (s *Static) shardsFor(term []rune) []string {
	var q []string
	for _, r := range term[:min(len(term), 4)] {
		q = append(q, strconv.FormatInt(int64(r), 16))
	}
	var out []string
	for _, k := range s.meta.Shards {
		p := strings.Split(k, "-")
		ok := true
		for i := 0; i < min(len(p), len(q)); i++ {
			if p[i] != q[i] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, k)
		}
	}
	return out
}

// edit1 reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of neighbours.
func edit1(a, b []rune) bool {
	if len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := func(x []rune, n int) []rune { return x[min(n, len(x)):] }
	if len(a) == len(b) {
		return slices.Equal(from(a, i+1), from(b, i+1)) ||
			(i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(from(a, i+2), from(b, i+2)))
	}
	if len(a) > len(b) {
		return slices.Equal(from(a, i+1), from(b, i))
	}
	return slices.Equal(from(a, i), from(b, i+1))
}

// match scores how well an index term t matches a query form q.
func match(q, t []rune) float64 {
	switch {
	case slices.Equal(t, q):
		return 1
	case len(q) >= 2 && len(t) >= len(q) && slices.Equal(t[:len(q)], q):
		return 0.55 + 0.35*float64(len(q))/float64(len(t))
	case len(t) >= 4 && len(q) >= len(t) && slices.Equal(q[:len(t)], t) && len(q)-len(t) <= 4:
		return 0.8
	case len(q) >= 5 && len(t) >= 4 && edit1(q, t):
		return 0.6
	}
	return 0
}

// shard is a t/{key}.json file, and its r/{key}.json once read.
type shard struct {
	terms map[string]json.RawMessage
	rest  map[string][][]int // nil until read
}

// entry returns a term's postings as the shard holds them: all, or the
// head and what is known of the rest (l.Count: how many in all); whole
// reports that they are all.
func (sh *shard) entry(t string) (groups [][]int, l long, whole bool) {
	raw := sh.terms[t]
	var alias string
	if json.Unmarshal(raw, &alias) == nil {
		t, raw = alias, sh.terms[alias]
	}
	if len(raw) > 0 && raw[0] == '{' {
		if json.Unmarshal(raw, &l) != nil {
			return nil, l, false
		}
		if sh.rest == nil {
			return l.Head, l, false
		}
		return append(slices.Clone(l.Head), sh.rest[t]...), l, true
	}
	if json.Unmarshal(raw, &groups) != nil {
		return nil, l, false
	}
	for _, g := range groups {
		l.Count += len(g) - 1
	}
	return groups, l, true
}

// bound is what the unread rest of a term's postings can add to a
// document's score for a word: at most hi, and at most lo for a document
// up to cut (see long).
type bound struct {
	hi, lo float64
	cut    int
	key    string // the shard, whose r/{key}.json holds the rest
}

// wordScore is a query word's best score for each document it matched,
// with the bounds of the rests not read and the most postings of a term
// it matched.
type wordScore struct {
	best   map[int]float64
	bounds []bound
	n      int
}

// scoreWord returns the best score of each document for one query word.
func (s *Static) scoreWord(forms []form, shards map[string]*shard) wordScore {
	ws := wordScore{best: map[int]float64{}}
	for _, f := range forms {
		for _, k := range s.shardsFor(f.s) {
			sh := shards[k]
			for t := range sh.terms {
				m := match(f.s, []rune(t)) * f.factor
				if m == 0 {
					continue
				}
				groups, l, whole := sh.entry(t)
				if groups == nil || l.Count == 0 {
					continue
				}
				idf := math.Log(1 + float64(s.meta.Docs)/float64(l.Count))
				ws.n = max(ws.n, l.Count)
				for _, g := range groups {
					sc, doc := m*float64(g[0])*idf, 0
					for _, gap := range g[1:] {
						doc += gap
						if b, ok := ws.best[doc]; !ok || !(b >= sc) {
							ws.best[doc] = sc
						}
					}
				}
				if !whole {
					ws.bounds = append(ws.bounds, bound{m * float64(l.Weight) * idf, m * float64(l.Weight-1) * idf, l.Cut, k})
				}
			}
		}
	}
	return ws
}

// upTo returns the most a rest of w can score for document d.
func (w wordScore) upTo(d int) float64 {
	b := 0.0
	for _, r := range w.bounds {
		if d > r.cut {
			b = max(b, r.hi)
		} else {
			b = max(b, r.lo)
		}
	}
	return b
}

// decide returns the first k documents of a query's answer from the
// heads of its terms' postings, or false when the rests could change
// them. They are decided when k documents have every word in a head,
// each of the first k with a score no rest can raise, and no other
// document (one seen in a head, or one in none, which only the rests
// hold) can score more than the k-th, or as much with a smaller number.
// Scores are sums in the words' order, as rank adds them, and a bound is
// computed as a score is, so equal means equal.
func decide(per []wordScore, k int) ([]int, bool) {
	seen := map[int]bool{}
	for _, w := range per {
		for d := range w.best {
			seen[d] = true
		}
	}
	low := map[int]float64{}
	var all []int // the documents with every word in a head
	for d := range seen {
		sum, in := 0.0, true
		for _, w := range per {
			v := w.best[d]
			if v == 0 {
				in = false
				break
			}
			sum += v
		}
		if in {
			all = append(all, d)
			low[d] = sum
		}
	}
	if len(all) < k || k <= 0 {
		return nil, false
	}
	slices.SortFunc(all, func(a, b int) int { return cmp.Or(cmp.Compare(low[b], low[a]), cmp.Compare(a, b)) })
	top := all[:k]
	sk, dk := low[top[k-1]], top[k-1]
	upper := func(d int) (float64, bool) { // false: d lacks a word
		u := 0.0
		for _, w := range per {
			v := max(w.best[d], w.upTo(d))
			if v == 0 {
				return 0, false
			}
			u += v
		}
		return u, true
	}
	inTop := map[int]bool{}
	for _, d := range top {
		inTop[d] = true
		if u, _ := upper(d); u != low[d] {
			return nil, false
		}
	}
	for d := range seen {
		if u, ok := upper(d); !inTop[d] && ok && (u > sk || u == sk && d < dk) {
			return nil, false
		}
	}
	// A document in no head has every word only through the rests: not
	// at all if a word has none.
	hi, below := 0.0, 0.0 // the most it can score; the most one numbered below dk can
	for _, w := range per {
		if len(w.bounds) == 0 {
			return top, true
		}
		hi += w.upTo(math.MaxInt)
		below += w.upTo(dk - 1)
	}
	if hi > sk || below >= sk {
		return nil, false
	}
	return top, true
}

// estimate returns about how many documents have every word, were they
// independent (each word in as many documents as its most frequent
// term), at least n: two significant digits.
func estimate(per []wordScore, docs, n int) int {
	est := float64(docs)
	for _, w := range per {
		est *= float64(w.n) / float64(docs)
	}
	e := int(math.Round(est))
	if e >= 100 {
		p := 1
		for e/p >= 100 {
			p *= 10
		}
		e = int(math.Round(float64(e)/float64(p))) * p
	}
	return max(e, n)
}

// ranked is the documents of a query, best first: all of them, or (if
// approx) only the first, decided from the heads, with an estimate of
// how many there are.
type ranked struct {
	docs   []int
	total  int
	approx bool
}

// rank returns the documents matching a query, best first: those with
// every word; if none has all, those with some, scaled by the share of
// words they have. With first > 0 it returns only the first documents
// when the heads of the postings decide them (see decide), reading the
// rests otherwise.
func (s *Static) rank(q string, first int) (ranked, error) {
	words := queryWords(q)
	if len(words) == 0 {
		return ranked{}, nil
	}
	var folded [][]form
	shards := map[string]*shard{}
	for _, w := range words {
		fs := s.withHeads(Fold(w))
		folded = append(folded, fs)
		for _, f := range fs {
			for _, k := range s.shardsFor(f.s) {
				if _, ok := shards[k]; ok {
					continue
				}
				sh := &shard{}
				if err := s.load("t/"+k+".json", &sh.terms); err != nil {
					return ranked{}, err
				}
				shards[k] = sh
			}
		}
	}
	scoreAll := func() (per []wordScore, rests []string) {
		for _, fs := range folded {
			if m := s.scoreWord(fs, shards); len(m.best) > 0 {
				per = append(per, m)
				for _, b := range m.bounds {
					if !slices.Contains(rests, b.key) {
						rests = append(rests, b.key)
					}
				}
			}
		}
		return per, rests
	}
	per, rests := scoreAll()
	if len(rests) > 0 {
		if docs, ok := decide(per, first); ok {
			return ranked{docs, estimate(per, s.meta.Docs, len(docs)), true}, nil
		}
		slices.Sort(rests)
		for _, k := range rests {
			if err := s.load("r/"+k+".json", &shards[k].rest); err != nil {
				return ranked{}, err
			}
		}
		per, _ = scoreAll()
	}
	score, count := map[int]float64{}, map[int]int{}
	for _, m := range per {
		for d, v := range m.best {
			score[d] += v
			count[d]++
		}
	}
	var docs []int
	for d := range score {
		if count[d] == len(per) {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		for d := range score {
			score[d] *= float64(count[d]) / float64(max(1, len(per)))
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(a, b int) int {
		return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a, b))
	})
	return ranked{docs: docs, total: len(docs)}, nil
}

// values returns each document's facet values: facet → values.
func (f *facets) values() []map[string][]string {
	var kind, district []int
	for _, col := range []struct {
		runs [][2]int
		out  *[]int
	}{{f.Kind, &kind}, {f.District, &district}} {
		for _, r := range col.runs {
			for range r[1] {
				*col.out = append(*col.out, r[0])
			}
		}
	}
	one := func(list []string, i int) []string {
		if i < 0 || i >= len(list) {
			return nil
		}
		return []string{list[i]}
	}
	out := make([]map[string][]string, len(kind))
	for d := range out {
		v := map[string][]string{"kind": one(f.Kinds, kind[d])}
		if d < len(district) {
			v["district"] = one(f.Districts, district[d])
		}
		if d < len(f.Program) {
			v["program"] = one(f.Programs, f.Program[d])
		}
		if d < len(f.Type) {
			v["type"] = one(f.Types, f.Type[d])
		}
		if d < len(f.Language) {
			for _, l := range f.Language[d] {
				v["language"] = append(v["language"], one(f.Languages, l)...)
			}
		}
		out[d] = v
	}
	return out
}

// Search finds up to size results for q narrowed by filters (facet →
// value), with the counts of each facet's values among the results that
// pass the other filters — what the search page shows with its filters
// opened. It reads every posting of the query's terms.
func (s *Static) Search(q string, filters map[string]string, size int) (*Response, error) {
	resp := &Response{Results: []Result{}, Facets: map[string][]FacetCount{}}
	r, err := s.rank(q, 0)
	docs := r.docs
	if err != nil || len(docs) == 0 {
		return resp, err
	}
	var f facets
	if err := s.load("f.json", &f); err != nil {
		return nil, err
	}
	values := f.values()
	passes := func(d int, except string) bool {
		for _, k := range Facets {
			if v := filters[k]; v != "" && k != except && (d >= len(values) || !slices.Contains(values[d][k], v)) {
				return false
			}
		}
		return true
	}
	var shown []int
	for _, d := range docs {
		if passes(d, "") {
			shown = append(shown, d)
		}
	}
	resp.Total = len(shown)
	if resp.Results, err = s.results(shown[:min(len(shown), size)]); err != nil {
		return nil, err
	}
	for _, k := range Facets {
		counts := map[string]int{}
		for _, d := range docs {
			if d < len(values) && passes(d, k) {
				for _, v := range values[d][k] {
					counts[v]++
				}
			}
		}
		if len(counts) < 2 && filters[k] == "" {
			continue // as the page: no choice to offer
		}
		for v, n := range counts {
			resp.Facets[k] = append(resp.Facets[k], FacetCount{Value: v, Label: f.Labels[k+":"+v], Count: n})
		}
		slices.SortFunc(resp.Facets[k], func(a, b FacetCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
	}
	return resp, nil
}

// First finds the first size results for q as the search page shows them
// before its filters are opened: from the heads of the postings when
// they decide them (Response.Approx, and Total an estimate), else from
// all postings. The results are Search's first size, in its order; no
// facets.
func (s *Static) First(q string, size int) (*Response, error) {
	resp := &Response{Results: []Result{}, Facets: map[string][]FacetCount{}}
	r, err := s.rank(q, size)
	if err != nil || len(r.docs) == 0 {
		return resp, err
	}
	resp.Total, resp.Approx = r.total, r.approx
	if resp.Results, err = s.results(r.docs[:min(len(r.docs), size)]); err != nil {
		return nil, err
	}
	return resp, nil
}

// results reads the documents' entries from their d/{n}.json files.
func (s *Static) results(docs []int) ([]Result, error) {
	out := []Result{}
	chunks := map[int][][]string{}
	for _, d := range docs {
		n := d / s.meta.Chunk
		if chunks[n] == nil {
			var c [][]string
			if err := s.load(fmt.Sprintf("d/%d.json", n), &c); err != nil {
				return nil, err
			}
			chunks[n] = c
		}
		if d%s.meta.Chunk >= len(chunks[n]) {
			return nil, fmt.Errorf("search index: no document %d", d)
		}
		doc := chunks[n][d%s.meta.Chunk] // [url, title, title language, snippet, kind]
		if len(doc) < 5 {
			return nil, fmt.Errorf("search index: document %d has %d fields", d, len(doc))
		}
		out = append(out, Result{Key: keyOf(doc[4], doc[0]), URL: doc[0], Title: doc[1], Kind: doc[4], Snippet: doc[3]})
	}
	return out, nil
}

// keyOf returns a document's key ("office:caritas-mbe-pasing") from its
// kind and address, as Documents makes it.
func keyOf(kind, url string) string {
	url, anchor, _ := strings.Cut(url, "#")
	if kind == "advisor" {
		return "advisor:" + strings.TrimPrefix(anchor, "a-")
	}
	parts := strings.Split(strings.Trim(url, "/"), "/")
	if kind == "page" {
		return "page:" + strings.Join(parts[1:], "/")
	}
	return kind + ":" + parts[len(parts)-1]
}
