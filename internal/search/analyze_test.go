package search_test

import (
	"maps"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/compound"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/search/searchtest"
)

// TestTermsMatchWholeTextAnalysis checks the analyser's memos (per word:
// folding, bleve's token filters, compound splitting) against bleve's
// analysis of each whole text, for every text of the example's search
// documents, twice (the second time from the memos).
func TestTermsMatchWholeTextAnalysis(t *testing.T) {
	docs, _ := searchtest.Example(t, "../..", today)
	cache := registry.NewCache()
	dict := analysis.NewTokenMap()
	b, err := os.ReadFile("compound_de.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			dict.AddToken(line)
		}
	}
	split := compound.NewDictionaryCompoundFilter(dict, 8, 3, 15, false)
	// want is the analysis without memos: bleve on the whole text.
	want := func(a *search.Analyzer, text, lang string) map[string]int {
		text = search.CaseMap(text, lang)
		out := map[string]int{}
		add := func(term string, kind int) {
			for _, f := range search.Fold(term) {
				if f != "" && kind > out[f] {
					out[f] = kind
				}
			}
		}
		var german analysis.TokenStream
		for _, tok := range search.Tokens(text) {
			if a.IsStopWord(tok, lang) {
				continue
			}
			add(tok, 10)
			if low := strings.ToLower(tok); lang == "de" && len([]rune(low)) >= 8 {
				german = append(german, &analysis.Token{Term: []byte(low)})
			}
		}
		if an, err := cache.AnalyzerNamed(lang); err == nil {
			for _, tok := range an.Analyze([]byte(text)) {
				add(string(tok.Term), 9)
			}
		}
		for _, tok := range split.Filter(german) {
			add(string(tok.Term), 6)
		}
		return out
	}
	a := search.NewAnalyzer()
	texts := 0
	for round := range 2 {
		for _, list := range docs {
			for _, d := range list {
				for _, p := range d.Parts {
					lang, _, _ := strings.Cut(p.Lang, "-")
					if got, w := a.Terms(p.Text, p.Lang), want(a, p.Text, lang); !maps.Equal(got, w) {
						t.Fatalf("round %d: Terms(%q, %s) = %v, whole-text analysis gives %v", round, p.Text, p.Lang, got, w)
					}
					texts++
				}
			}
		}
	}
	if texts == 0 {
		t.Fatal("no texts in the example's search documents")
	}
}

// TestTurkishCase indexes Turkish words with the dotted capital İ and the
// dotless I: every term is valid UTF-8, and a query folded as the browser
// and the CLI fold it finds them.
func TestTurkishCase(t *testing.T) {
	a := search.NewAnalyzer()
	terms := a.Terms("İngilizce ve İbranice kursları, IŞIK", "tr")
	for term := range terms {
		if !utf8.ValidString(term) || strings.ContainsRune(term, utf8.RuneError) {
			t.Errorf("term %q is not valid text", term)
		}
	}
	for _, q := range []string{"İbranice", "ibranice", "İngilizce", "IŞIK", "ışık"} {
		found := false
		for _, f := range search.Fold(q) {
			if terms[f] > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("%q (folded %v) is not among the terms %v", q, search.Fold(q), terms)
		}
	}
	if got := a.Terms("İstanbul", "de"); got["istanbul"] == 0 {
		t.Errorf("German text with İ: %v", got)
	}
}
