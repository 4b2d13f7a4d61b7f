// Package search makes the site searchable: a static index that the
// browser fetches in shards (search.js), and a bleve index that `wegweiser
// serve` and `wegweiser search` answer from.
//
// The static index is built here, once per language, with bleve's
// analysis: stop words, stemmers where bleve has them, German compound
// splitting; every word is stored folded (see Fold). The browser folds the
// query the same way and looks up only the shards its words start with.
// Files, below search/{lang}/ (format 3):
//
//	meta.json       format, number of documents, chunk size, shard keys
//	                (and those with a rest file), compound heads, names of
//	                the kinds, and the size of the other files together
//	                (the service worker keeps a small index whole for
//	                searching offline, not a large one)
//	t/{key}.json    terms starting with the two characters key names (or
//	                three or four, where the terms of two characters would
//	                make too large a file; see MaxShardBytes). A
//	                term's postings are grouped by weight, highest first,
//	                each group [weight, doc, gap, gap, …] with the documents
//	                as differences to the one before (small numbers, which
//	                gzip packs well): {"term": [[40, 3, 1, 7], [12, 0, 9]]}.
//	                A term with the same postings as another term of the
//	                shard (umlaut spellings, stems) names that term instead:
//	                {"behord": "behoerde"}. A term with more than
//	                HeadPostings postings holds only its head, the first
//	                HeadPostings in that order, with what a search needs to
//	                know about the rest: {"beratung": {"n": 21231, "w": 20,
//	                "c": 5120, "h": [[20, 3, 1, …]]}}: n postings in all, the
//	                rest's highest weight w, and c the last document of the
//	                head with weight w (-1 if the head has none: the rest
//	                starts a new weight), so a document up to c has a weight
//	                below w in the rest.
//	r/{key}.json    the rest of the postings of the shard's long terms,
//	                groups as in t/ (a group cut between head and rest
//	                goes on here, its first document counted from 0):
//	                {"beratung": [[20, 5135, 4, …], [12, …]]}. Read only
//	                when the head cannot decide a query's first results
//	                (see Static.First), or for all of them.
//	d/{n}.json      documents n·10 … n·10+9: [url, title, title language,
//	                snippet, kind]
//	f.json          facet values and their labels, and per document its
//	                facets as columns: kind and district as runs
//	                [[value, count], …] (documents are ordered by kind, then
//	                district, then program and course type, whose columns
//	                then repeat), program and course type as one value per
//	                document, languages as one list per document; -1 for none
package search

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// ChunkSize is the number of documents per d/{n}.json file: the first
// results of a search are spread over about as many files as results, so
// a file is small (files of 25 took the German median of a first search
// at national scale from 7.1 to 8.7 KB).
const ChunkSize = 10

// FormatVersion is the version of the static index format.
const FormatVersion = 3

// HeadPostings is the number of a term's postings its shard holds: the
// highest weights, the rest in r/{key}.json. A first search reads only
// heads when they decide its first results (at national scale a common
// word is in two thirds of the entries: its postings alone are 9 KB
// gzip).
const HeadPostings = 2048

// Index is the static index of one language.
type Index struct {
	Lang  string
	Docs  []Doc
	Terms map[string][]Posting
	// ShardBytes is the size above which Files splits a shard; 0 means
	// MaxShardBytes.
	ShardBytes int
	// HeadSize is the number of postings of a term its shard holds; 0
	// means HeadPostings.
	HeadSize int
}

// Posting is a document a term occurs in, with its weight (1…40).
type Posting struct {
	Doc    int
	Weight int
}

// Build indexes docs (all in one language) with a, analysing on all cores.
func Build(a *Analyzer, lang string, docs []Doc) *Index {
	return BuildCached(a, lang, docs, nil, nil, 0)
}

// TermCache holds the analyses of texts (their terms) of one index, so a
// later build of the same index analyses only texts it has not seen.
type TermCache map[[2]string]termList

// termList is the terms of one text with their kinds, as Analyzer.Terms
// returns them, packed in one string: each term as its length (a uvarint),
// its bytes and its kind (one byte). A cache of maps, one per text, was
// 235 MB of the 500 MB `serve` kept between rebuilds at national scale (11
// million terms); a slice of (term, kind) was larger still.
type termList string

// listTerms packs the terms of Analyzer.Terms, in any order (the index
// takes each term's highest weight, whatever the order).
func listTerms(m map[string]int) termList {
	n := 0
	for term := range m {
		n += uvarintLen(len(term)) + len(term) + 1
	}
	var b strings.Builder // one allocation of the exact size, not copied
	b.Grow(n)
	var num [binary.MaxVarintLen64]byte
	for term, kind := range m {
		b.Write(binary.AppendUvarint(num[:0], uint64(len(term))))
		b.WriteString(term)
		b.WriteByte(byte(kind))
	}
	return termList(b.String())
}

// uvarintLen is the length of n as a uvarint.
func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// len returns the number of terms in l.
func (l termList) len() int {
	n := 0
	for s := string(l); len(s) > 0; n++ {
		_, _, s = cutTerm(s)
	}
	return n
}

// each calls f with each term and its kind.
func (l termList) each(f func(term string, kind int)) {
	for s := string(l); len(s) > 0; {
		term, kind, rest := cutTerm(s)
		f(term, kind)
		s = rest
	}
}

// cutTerm splits s, a termList or what is left of one, into its first
// term, that term's kind and the rest: the one reading of the packed
// format (see termList), for each and len.
func cutTerm(s string) (term string, kind int, rest string) {
	n, shift, i := 0, 0, 0
	for ; s[i] >= 0x80; i++ {
		n |= int(s[i]&0x7f) << shift
		shift += 7
	}
	n |= int(s[i]) << shift
	i++
	return s[i : i+n], int(s[i+n]), s[i+n+1:]
}

// BuildCached is Build with the analyses of an earlier build (prev, may
// be nil) at hand; into next (if not nil) it puts the analyses of this
// build, so the cache holds only texts still in use. The texts not in
// prev are analysed on workers goroutines (0: one per core): a site of
// one language has only this index to make, a site of many makes the
// indexes of its languages side by side (one worker each).
func BuildCached(a *Analyzer, lang string, docs []Doc, prev, next TermCache, workers int) *Index {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Order: by kind, so equal scores show offices first, then by
	// district, so that both come in runs (see f.json). (The order of the
	// analyses below does not change them.)
	sortDocs(docs)
	// Texts recur (names, titles): each is analysed once per index; a text
	// in another language than the index's (a fallback for a missing
	// translation, recurring in several indexes) once per analyser (see
	// indexTerms). First each distinct text, in the documents' order, and
	// which text each part has; then the analyses of those not in prev, in
	// parallel.
	textID := map[[2]string]int32{}
	var texts [][2]string // the distinct texts, by id
	var lists []termList  // their analyses, by id
	var todo []int32      // the ids of those not in prev
	nparts := 0
	for _, d := range docs {
		nparts += len(d.Parts)
	}
	partText := make([]int32, 0, nparts) // every document's parts in order → text id
	for _, d := range docs {
		for _, p := range d.Parts {
			k := [2]string{p.Text, p.Lang}
			id, ok := textID[k]
			if !ok {
				id = int32(len(texts))
				textID[k] = id
				texts = append(texts, k)
				t, ok := prev[k]
				lists = append(lists, t)
				if !ok {
					todo = append(todo, id)
				}
			}
			partText = append(partText, id)
		}
	}
	parallel.EachOn(workers, len(todo), func(i int) {
		id := todo[i]
		if text, textLang := texts[id][0], texts[id][1]; textLang != lang {
			lists[id] = listTerms(a.indexTerms(text, textLang))
		} else {
			lists[id] = listTerms(a.Terms(text, textLang))
		}
	})
	if next != nil {
		for id, k := range texts {
			next[k] = lists[id]
		}
	}
	// Each text's terms as numbers (term ids), once: a document's parts
	// then take their terms without hashing a string.
	termID := map[string]int32{}
	var terms []string // by id
	nrefs := 0
	for _, l := range lists {
		nrefs += l.len()
	}
	refs := make([]termRef, 0, nrefs) // every text's terms, text after text
	textRefs := make([]int32, len(texts)+1)
	for id, l := range lists {
		l.each(func(term string, kind int) {
			t, ok := termID[term]
			if !ok {
				t = int32(len(terms))
				termID[term] = t
				terms = append(terms, term)
			}
			refs = append(refs, termRef{t, int32(kind)})
		})
		textRefs[id+1] = int32(len(refs))
	}
	// A document's postings: each term once, with the highest weight of
	// its parts'. Made twice: to count each term's postings, then to fill
	// its list, made at its size in one array for all (appending to lists
	// that grow was a third of the index's time at national scale).
	weight := make([]int, len(terms)) // of the document's terms, 0 for the others
	var touched []int32
	postingsOf := func(f func(doc int, term int32, v int)) {
		k := 0
		for i, d := range docs {
			for _, p := range d.Parts {
				text := partText[k]
				k++
				for _, r := range refs[textRefs[text]:textRefs[text+1]] {
					if v := p.Weight * int(r.kind); v > weight[r.term] {
						if weight[r.term] == 0 {
							touched = append(touched, r.term)
						}
						weight[r.term] = v
					}
				}
			}
			for _, t := range touched {
				f(i, t, weight[t])
				weight[t] = 0
			}
			touched = touched[:0]
		}
	}
	count := make([]int, len(terms))
	total := 0
	postingsOf(func(_ int, t int32, _ int) { count[t]++; total++ })
	byTerm := make([][]Posting, len(terms))
	backing := make([]Posting, total)
	for t, n := range count {
		byTerm[t], backing = backing[:0:n], backing[n:]
	}
	postingsOf(func(doc int, t int32, v int) {
		byTerm[t] = append(byTerm[t], Posting{doc, int(math.Max(1, math.Round(float64(v)/2)))})
	})
	ix := &Index{Lang: lang, Docs: docs, Terms: make(map[string][]Posting, len(terms))}
	for t, ps := range byTerm {
		if len(ps) > 0 {
			ix.Terms[terms[t]] = ps
		}
	}
	return ix
}

// termRef is a term of a text, by id, with its kind (see BuildCached).
type termRef struct{ term, kind int32 }

// sortDocs sorts docs stably by kind (in the order of Kinds), then by
// district, then by program and course type: the facet columns come in
// runs, and the postings of a course type's words in short gaps (at
// national scale a first search's files 7–10 KB smaller, f.json 62.5 →
// 55.3 KB gzip; BenchmarkFirstSearch). It sorts their positions and moves each document once:
// sorting the large Doc values themselves cost a tenth of the search.
func sortDocs(docs []Doc) {
	rank := make([]int, len(docs))
	order := make([]int, len(docs))
	for i := range docs {
		rank[i], order[i] = slices.Index(Kinds, docs[i].Kind), i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Or(cmp.Compare(rank[i], rank[j]), strings.Compare(docs[i].District, docs[j].District),
			strings.Compare(docs[i].Program, docs[j].Program), strings.Compare(docs[i].Type, docs[j].Type))
	})
	sorted := make([]Doc, len(docs))
	for k, i := range order {
		sorted[k] = docs[i]
	}
	copy(docs, sorted)
}

// meta is meta.json: what a search needs before any other file (fields in
// the order of their names, as the file has always had them).
type meta struct {
	Bytes  int               `json:"bytes"` // the index's other files together
	Chunk  int               `json:"chunk"` // documents per d/{n}.json
	Docs   int               `json:"docs"`
	Format int               `json:"format"`
	Heads  []string          `json:"heads"` // compound heads (Heads)
	Kinds  map[string]string `json:"kinds"` // kind → its name in the index's language
	Lang   string            `json:"lang"`
	Rests  []string          `json:"rests"`  // keys of r/{key}.json, sorted
	Shards []string          `json:"shards"` // keys of t/{key}.json, sorted
}

// long is a term's entry in its shard when its postings are more than
// the head (see the format above).
type long struct {
	Count  int     `json:"n"`
	Weight int     `json:"w"`
	Cut    int     `json:"c"`
	Head   [][]int `json:"h"`
}

// facets is f.json.
type facets struct {
	Kinds     []string          `json:"kinds"`
	Districts []string          `json:"districts"`
	Languages []string          `json:"languages"`
	Programs  []string          `json:"programs"`
	Types     []string          `json:"types"`
	Labels    map[string]string `json:"labels"` // "district:maxvorstadt" → name in the index's language
	// Columns, as indexes into the lists above, -1 for none.
	Kind     [][2]int `json:"kind"`     // runs [value, count]
	District [][2]int `json:"district"` // runs [value, count]
	Program  []int    `json:"program"`
	Type     []int    `json:"type"`
	Language [][]int  `json:"language"`
}

// MaxShardBytes is the size above which a shard of terms that start with
// the same 2 characters is split by their first 3, then 4 characters.
const MaxShardBytes = 48 << 10

type shardGroup struct {
	key   string
	terms []string // sorted
}

// shardTerms groups the terms into shards: by their first 2 characters,
// and a group whose postings take more than limit bytes by 3, then 4
// characters. Terms shorter than a split stay in the shorter key's shard.
func shardTerms(terms map[string][]Posting, limit int) []shardGroup {
	all := make([]string, 0, len(terms))
	for t := range terms {
		all = append(all, t)
	}
	slices.Sort(all)
	var out []shardGroup
	var split func(list []string, n int)
	split = func(list []string, n int) {
		by := map[string][]string{}
		var keys []string
		for _, t := range list {
			k := shardKey(t, n)
			if by[k] == nil {
				keys = append(keys, k)
			}
			by[k] = append(by[k], t)
		}
		for _, k := range keys {
			group := by[k]
			size := 0
			for _, t := range group {
				size += len(t) + 6*len(terms[t])
			}
			var short, long []string
			for _, t := range group {
				if len([]rune(t)) > n {
					long = append(long, t)
				} else {
					short = append(short, t)
				}
			}
			if size <= limit || n >= 4 || len(long) == 0 {
				out = append(out, shardGroup{k, group})
				continue
			}
			if len(short) > 0 {
				out = append(out, shardGroup{k, short})
			}
			split(long, n+1)
		}
	}
	split(all, 2)
	return out
}

// runs appends v to a run-length list.
func runs(rs [][2]int, v int) [][2]int {
	if n := len(rs); n > 0 && rs[n-1][0] == v {
		rs[n-1][1]++
		return rs
	}
	return append(rs, [2]int{v, 1})
}

// postings encodes ps (in document order) as groups by weight, highest
// first, each [weight, doc, gap, gap, …].
func postings(ps []Posting) [][]int {
	count := map[int]int{} // postings by weight
	for _, p := range ps {
		count[p.Weight]++
	}
	weights := make([]int, 0, len(count))
	for w := range count {
		weights = append(weights, w)
	}
	slices.Sort(weights)
	slices.Reverse(weights)
	// The groups in one array, each made at its size.
	out := make([][]int, len(weights))
	group := make(map[int]int, len(weights)) // weight → its group in out
	backing := make([]int, len(ps)+len(weights))
	for i, w := range weights {
		n := 1 + count[w]
		out[i], backing = append(backing[:0:n], w), backing[n:]
		group[w] = i
	}
	last := make([]int, len(weights)) // each group's last document
	for _, p := range ps {
		g := group[p.Weight]
		out[g] = append(out[g], p.Doc-last[g])
		last[g] = p.Doc
	}
	return out
}

// split cuts a term's groups (see postings) after n postings, fewer than
// it has: the head, with what it says of the rest, and the rest, whose
// first group starts counting its documents from 0.
func split(groups [][]int, n int) (l long, rest [][]int) {
	for i, g := range groups {
		if k := len(g) - 1; k <= n {
			l.Head = append(l.Head, g)
			n -= k
			continue
		}
		l.Weight, l.Cut = g[0], -1
		if n > 0 {
			l.Head = append(l.Head, g[:n+1])
			doc := 0
			for _, gap := range g[1 : n+1] {
				doc += gap
			}
			l.Cut = doc
			first := []int{g[0], doc + g[n+1]}
			rest = append(rest, append(first, g[n+2:]...))
		} else {
			rest = append(rest, g)
		}
		rest = append(rest, groups[i+1:]...)
		break
	}
	return l, rest
}

// Files returns the files of the index, keyed by path below search/{lang}/.
// labels names facet values ("district:maxvorstadt", "language:ar",
// "kind:office", "program:mbe", "type:general") in the index's language.
func (ix *Index) Files(labels map[string]string) map[string][]byte {
	out := map[string][]byte{}
	shards := map[string]map[string]any{}
	limit := ix.ShardBytes
	if limit <= 0 {
		limit = MaxShardBytes
	}
	head := ix.HeadSize
	if head <= 0 {
		head = HeadPostings
	}
	rests := []string{}
	for _, group := range shardTerms(ix.Terms, limit) {
		shard, rest := map[string]any{}, map[string]any{}
		seen := map[string]string{} // encoded postings → term
		for _, term := range group.terms {
			groups := postings(ix.Terms[term])
			enc := mustJSON(groups)
			if other, ok := seen[string(enc)]; ok {
				shard[term] = other
				continue
			}
			seen[string(enc)] = term
			if len(ix.Terms[term]) <= head {
				shard[term] = json.RawMessage(enc)
				continue
			}
			l, r := split(groups, head)
			l.Count = len(ix.Terms[term])
			shard[term], rest[term] = l, r
		}
		shards[group.key] = shard
		if len(rest) > 0 {
			out["r/"+group.key+".json"] = mustJSON(rest)
			rests = append(rests, group.key)
		}
	}
	var keys []string
	for key, terms := range shards {
		keys = append(keys, key)
		out["t/"+key+".json"] = mustJSON(terms)
	}
	slices.Sort(keys)
	slices.Sort(rests)
	for n := 0; n*ChunkSize < len(ix.Docs); n++ {
		var chunk [][]string
		for _, d := range ix.Docs[n*ChunkSize : min(len(ix.Docs), (n+1)*ChunkSize)] {
			chunk = append(chunk, []string{d.URL, d.Title, d.TitleLang, d.Snippet, d.Kind})
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
		f.Kind = runs(f.Kind, index(&f.Kinds, d.Kind, "kind"))
		f.District = runs(f.District, index(&f.Districts, d.District, "district"))
		f.Program = append(f.Program, index(&f.Programs, d.Program, "program"))
		f.Type = append(f.Type, index(&f.Types, d.Type, "type"))
		f.Language = append(f.Language, langs)
	}
	out["f.json"] = mustJSON(f)
	kinds := map[string]string{}
	for _, k := range f.Kinds {
		kinds[k] = labels["kind:"+k]
	}
	size := 0
	for _, b := range out {
		size += len(b)
	}
	out["meta.json"] = mustJSON(meta{Format: FormatVersion, Lang: ix.Lang, Docs: len(ix.Docs), Chunk: ChunkSize,
		Shards: keys, Rests: rests, Heads: Heads(), Kinds: kinds, Bytes: size})
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
