package search

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
	ix.HeadSize = 50 // "beratung" is in all 230 entries, "integrationskurs" in 77
	files := ix.Files(map[string]string{"kind:office": "Beratungsstelle"})

	// Terms: every shard, aliases followed, gaps summed; a long term's
	// head, then its rest.
	got := map[string][]Posting{}
	aliases, longs := 0, 0
	for path, b := range files {
		if len(path) < 2 || path[:2] != "t/" {
			continue
		}
		var shard map[string]json.RawMessage
		if err := json.Unmarshal(b, &shard); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var rest map[string][][]int
		if r, ok := files["r/"+path[2:]]; ok {
			if err := json.Unmarshal(r, &rest); err != nil {
				t.Fatalf("r/%s: %v", path[2:], err)
			}
		}
		for term, raw := range shard {
			name := term
			if json.Unmarshal(raw, &name) == nil {
				aliases++
				if raw = shard[name]; raw == nil {
					t.Fatalf("%s: %q names %q, which is not in the shard", path, term, name)
				}
			}
			var groups [][]int
			var l long
			if raw[0] == '{' {
				if err := json.Unmarshal(raw, &l); err != nil {
					t.Fatalf("%s: %q: %v", path, term, err)
				}
				longs++
				if n := len(ix.Terms[term]); l.Count != n || n <= ix.HeadSize {
					t.Errorf("%q: a head, %d postings said, %d in the index (head %d)", term, l.Count, n, ix.HeadSize)
				}
				groups = l.Head
			} else if err := json.Unmarshal(raw, &groups); err != nil {
				t.Fatalf("%s: %q: %v", path, term, err)
			}
			last, n := 41, 0
			for _, g := range groups {
				if g[0] >= last {
					t.Errorf("%q: weights not in descending order: %v", term, groups)
				}
				last = g[0]
				doc := 0
				for _, gap := range g[1:] {
					doc += gap
					got[term] = append(got[term], Posting{doc, g[0]})
					n++
				}
			}
			if raw[0] != '{' {
				continue
			}
			// The rest: what the head says of it, then its postings.
			if n != ix.HeadSize {
				t.Errorf("%q: a head of %d postings, want %d", term, n, ix.HeadSize)
			}
			if rest[name] == nil {
				t.Fatalf("%q: no rest in r/%s", term, path[2:])
			}
			for i, g := range rest[name] {
				doc := 0
				for j, gap := range g[1:] {
					doc += gap
					if i == 0 && j == 0 && (g[0] != l.Weight || g[0] == last && doc <= l.Cut || g[0] != last && l.Cut != -1) {
						t.Errorf("%q: the rest starts with %d at weight %d, the head says weight %d after %d", term, doc, g[0], l.Weight, l.Cut)
					}
					got[term] = append(got[term], Posting{doc, g[0]})
				}
			}
		}
	}
	if aliases == 0 {
		t.Error("no term names another, though umlaut spellings share postings")
	}
	if longs < 2 {
		t.Errorf("%d terms with a head and a rest", longs)
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

	// meta.json says how large the other files are together (the service
	// worker keeps a small index whole, not a large one).
	var m meta
	if err := json.Unmarshal(files["meta.json"], &m); err != nil {
		t.Fatal(err)
	}
	size := 0
	for name, b := range files {
		if name != "meta.json" {
			size += len(b)
		}
	}
	if m.Bytes != size || size == 0 {
		t.Errorf("meta.json says the index has %d bytes, its files have %d", m.Bytes, size)
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
	// Runs: documents come by kind, then district, so there are few; within
	// a district by program, then course type, whose columns then repeat
	// (gzip packs them: at national scale f.json 62.5 → 55.3 KB).
	if len(f.District) > 20 {
		t.Errorf("%d district runs for 230 documents in 4 districts and 5 kinds", len(f.District))
	}
	for i := 1; i < len(ix.Docs); i++ {
		a, b := ix.Docs[i-1], ix.Docs[i]
		if a.Kind == b.Kind && a.District == b.District && (a.Program > b.Program || a.Program == b.Program && a.Type > b.Type) {
			t.Errorf("documents %d and %d: program and type %q %q before %q %q", i-1, i, a.Program, a.Type, b.Program, b.Type)
			break
		}
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

// TestShardTermsSplit checks that a shard above the limit is split by more
// characters, that short terms stay in the shorter key's shard, and that
// every term lands in exactly one shard.
func TestShardTermsSplit(t *testing.T) {
	big := make([]Posting, 100)
	terms := map[string][]Posting{
		"be": big, "beratung": big, "beruf": big, "behoerde": big, "bei": {{1, 1}},
		"kurs": {{2, 3}}, "ku": {{2, 1}},
	}
	tests := []struct {
		limit int
		want  map[string][]string
	}{
		{1 << 20, map[string][]string{"62-65": {"be", "behoerde", "bei", "beratung", "beruf"}, "6b-75": {"ku", "kurs"}}},
		{1000, map[string][]string{
			"62-65": {"be"}, "62-65-68": {"behoerde"}, "62-65-69": {"bei"},
			"62-65-72-61": {"beratung"}, "62-65-72-75": {"beruf"}, "6b-75": {"ku", "kurs"},
		}},
	}
	for _, tt := range tests {
		got := map[string][]string{}
		for _, g := range shardTerms(terms, tt.limit) {
			if got[g.key] != nil {
				t.Errorf("limit %d: shard %s twice", tt.limit, g.key)
			}
			got[g.key] = g.terms
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("limit %d: shards %v, want %v", tt.limit, got, tt.want)
		}
	}
}

// TestTermList: the packed terms of a text give back each term and kind,
// also terms longer than one length byte holds and terms in other scripts.
func TestTermList(t *testing.T) {
	want := map[string]int{"a": surface, "beratung": stem, "ärztin": part, "مشاوره": surface,
		strings.Repeat("x", 127): stem, strings.Repeat("y", 128): part, strings.Repeat("ü", 300): surface}
	got := map[string]int{}
	listTerms(want).each(func(term string, kind int) {
		if _, dup := got[term]; dup {
			t.Errorf("%q twice", term)
		}
		got[term] = kind
	})
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := listTerms(want).len(); n != len(want) {
		t.Errorf("len() = %d, want %d", n, len(want))
	}
	listTerms(nil).each(func(term string, kind int) { t.Errorf("a term of nothing: %q", term) })
	if n := listTerms(nil).len(); n != 0 {
		t.Errorf("len() of nothing = %d", n)
	}
}

// TestFirstFromHeads checks that the first results found from the heads
// of the postings are those found from all of them, in the same order:
// documents of many words at several weights, heads of a few postings
// (cut within a weight and between weights), one to three words, prefixes
// and a typo. Where the heads decided, no rest was read and the estimate
// is at least the results shown; where they did not, the total is exact.
func TestFirstFromHeads(t *testing.T) {
	vocab := []string{"Beratung", "Sprachkurs", "Integrationskurs", "Wohnung", "Familie", "Arbeit",
		"Anerkennung", "Ausbildung", "Kinder", "Abendkurs", "Berufssprachkurs", "Beruf"}
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []Doc
	for i := range 400 {
		var parts []Part
		for range 1 + rng.IntN(4) {
			var words []string
			for range 1 + rng.IntN(3) {
				words = append(words, vocab[rng.IntN(len(vocab))])
			}
			parts = append(parts, Part{Text: strings.Join(words, " "), Lang: "de", Weight: []int{wBody, wGerman, wNames, wTitle}[rng.IntN(4)]})
		}
		docs = append(docs, Doc{Key: fmt.Sprintf("x:%d", i), Kind: "course", URL: fmt.Sprintf("de/x/%d/", i),
			Title: fmt.Sprintf("Eintrag %d", i), Parts: parts})
	}
	queries := []string{"beratung", "sprachkurs", "kurs", "beratung familie", "wohnung arbeit kinder",
		"beruf", "ber", "anerkenung", "integrationskurs kinder", "abend", "famil arbeit", "ausbildung beratung sprachkurs"}
	for i, w := range vocab { // prefixes, alone and with the next word's
		w = strings.ToLower(w)
		queries = append(queries, w[:3], w[:5], w[:4]+" "+strings.ToLower(vocab[(i+1)%len(vocab)])[:4])
	}
	ix := Build(NewAnalyzer(), "de", docs)
	for _, head := range []int{1, 3, 6, 10, 20, 40} {
		ix.HeadSize = head
		files := ix.Files(nil)
		decided := 0
		for _, q := range queries {
			for _, size := range []int{1, 2, 5, 10, 20} {
				read := map[string]bool{}
				open := func() *Static {
					s, err := OpenStatic(func(name string) ([]byte, error) {
						read[name] = true
						if b, ok := files[name]; ok {
							return b, nil
						}
						return nil, fmt.Errorf("no %s", name)
					})
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
				first, err := open().First(q, size)
				if err != nil {
					t.Fatal(err)
				}
				rests := 0
				for name := range read {
					if strings.HasPrefix(name, "r/") {
						rests++
					}
				}
				all, err := open().Search(q, nil, size)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(first.Results, all.Results) {
					t.Errorf("head %d, %q, %d results: from the heads %v, from all postings %v", head, q, size, keys(first.Results), keys(all.Results))
				}
				switch {
				case first.Approx:
					decided++
					if rests > 0 || first.Total < len(first.Results) {
						t.Errorf("head %d, %q: decided from the heads, %d rests read, about %d results for %d shown", head, q, rests, first.Total, len(first.Results))
					}
				case first.Total != all.Total:
					t.Errorf("head %d, %q: %d results, from all postings %d", head, q, first.Total, all.Total)
				}
			}
		}
		t.Logf("head %d: %d of %d first searches decided from the heads", head, decided, len(queries)*5)
		if decided == 0 || head >= 10 && decided < len(queries) {
			t.Errorf("head %d: only %d first searches decided from the heads", head, decided)
		}
	}
}

func keys(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key)
	}
	return out
}

// decideCase is a case of testdata/decide.json: the scores of words in
// heads and the bounds of their rests, each case needing one of decide's
// checks; want is nil when the rests could change the first k documents.
// TestDecideMatchesJavaScript (internal/build) gives the page's decide the
// same cases.
type decideCase struct {
	Name string `json:"name"`
	K    int    `json:"k"`
	Want []int  `json:"want"`
	Per  []struct {
		Best   map[int]float64 `json:"best"`
		Bounds []struct {
			Hi, Lo float64
			Cut    int
		} `json:"bounds"`
	} `json:"per"`
}

// decide runs decide on the case.
func (c decideCase) decide() []int {
	var per []wordScore
	for _, w := range c.Per {
		ws := wordScore{best: w.Best}
		for _, b := range w.Bounds {
			ws.bounds = append(ws.bounds, bound{hi: b.Hi, lo: b.Lo, cut: b.Cut})
		}
		per = append(per, ws)
	}
	got, _ := decide(per, c.K)
	return got
}

// TestDecide gives decide the cases of testdata/decide.json.
func TestDecide(t *testing.T) {
	b, err := os.ReadFile("testdata/decide.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []decideCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if got := c.decide(); !slices.Equal(got, c.Want) {
			t.Errorf("%s: decided %v, want %v", c.Name, got, c.Want)
		}
	}
}

// TestBuildMatchesDefinition builds the index of the example's documents
// in German and in Arabic (which holds German texts where a translation
// is missing) and compares its postings with the definition written
// plainly: the documents in sortDocs' order, each term of a document once,
// with the highest weight of its parts (part weight × term kind), halved
// and rounded, at least 1. BuildCached numbers texts and terms and fills
// its lists in one array; this keeps it equal to the definition — also
// when the analyses come from an earlier build's cache.
func TestBuildMatchesDefinition(t *testing.T) {
	for _, lang := range []string{"de", "ar"} {
		f, err := os.Open(filepath.Join("testdata", "documents-"+lang+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var docs []Doc
		dec := json.NewDecoder(f)
		for dec.More() {
			var d Doc
			if err := dec.Decode(&d); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, d)
		}
		f.Close()
		// Texts shared between documents, as names and titles are.
		docs = append(docs, docs[:20]...)

		a := NewAnalyzer()
		sorted := slices.Clone(docs)
		sortDocs(sorted)
		want := map[string][]Posting{}
		for i, d := range sorted {
			w := map[string]int{}
			for _, p := range d.Parts {
				var terms map[string]int
				if p.Lang != lang {
					terms = a.indexTerms(p.Text, p.Lang)
				} else {
					terms = a.Terms(p.Text, p.Lang)
				}
				for term, kind := range terms {
					w[term] = max(w[term], p.Weight*kind)
				}
			}
			for term, v := range w {
				if v > 0 {
					want[term] = append(want[term], Posting{i, int(math.Max(1, math.Round(float64(v)/2)))})
				}
			}
		}

		cache := TermCache{}
		first := BuildCached(a, lang, slices.Clone(docs), nil, cache, 2)
		again := BuildCached(a, lang, slices.Clone(docs), cache, nil, 1)
		for name, ix := range map[string]*Index{"analysed": first, "from the cache": again} {
			if len(ix.Terms) != len(want) {
				t.Errorf("%s, %s: %d terms, want %d", lang, name, len(ix.Terms), len(want))
			}
			for term, ps := range want {
				if !slices.Equal(ix.Terms[term], ps) {
					t.Errorf("%s, %s: postings of %q\n got %v\nwant %v", lang, name, term, ix.Terms[term], ps)
				}
			}
			if !slices.EqualFunc(ix.Docs, sorted, func(a, b Doc) bool { return a.Key == b.Key }) {
				t.Errorf("%s, %s: documents not in sortDocs' order", lang, name)
			}
		}
	}
}
