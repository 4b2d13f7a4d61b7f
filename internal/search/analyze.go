package search

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/compound"
	"github.com/blevesearch/bleve/v2/registry"

	// Analyzers and stop words of the languages with stemmers.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fa"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
)

//go:embed compound_de.txt
var compoundDE string

// Heads returns the words compounds are split into, folded: the browser
// looks up a query word's head ("sprachkurs" → "kurs") when the word
// itself is not indexed.
func Heads() []string {
	var out []string
	for _, line := range strings.Split(compoundDE, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && len([]rune(line)) >= 4 {
			out = append(out, Fold(line)[0])
		}
	}
	return out
}

// Analyzer turns texts into the folded terms the index holds, using
// bleve's analysis for each language: its stop words, its stemmer where it
// has one, and for German the splitting of compound words.
type Analyzer struct {
	analyzers map[string]analysis.Analyzer // by language code; missing: no stemmer
	stop      map[string]analysis.TokenMap
	compound  *compound.DictionaryCompoundFilter
	// Memos, shared by the goroutines that index the languages: a word's
	// analysis does not depend on the words around it, and words recur.
	folded sync.Map             // word → Fold(word), for words beyond ASCII
	stems  map[string]*sync.Map // language → token → the analyser's terms of it
	parts  sync.Map             // lower-case German word → its compound analysis
	// texts holds the analyses of whole texts for the indexes (Index,
	// Engine): a text left untranslated is indexed in every language.
	texts sync.Map // [2]string{text, lang} → map[string]int (shared: read only)
}

// indexTerms is Terms with the analysis of every text kept: the indexes
// of one build share it, so a text is analysed once for all of them. The
// result must not be changed.
func (a *Analyzer) indexTerms(text, lang string) map[string]int {
	k := [2]string{text, lang}
	if t, ok := a.texts.Load(k); ok {
		return t.(map[string]int)
	}
	t, _ := a.texts.LoadOrStore(k, a.Terms(text, lang))
	return t.(map[string]int)
}

// NewAnalyzer prepares the analysis of all languages bleve supports.
func NewAnalyzer() *Analyzer {
	cache := registry.NewCache()
	a := &Analyzer{analyzers: map[string]analysis.Analyzer{}, stop: map[string]analysis.TokenMap{}, stems: map[string]*sync.Map{}}
	for _, lang := range []string{"ar", "de", "en", "es", "fa", "fr", "it", "ro", "ru", "tr"} {
		if an, err := cache.AnalyzerNamed(lang); err == nil {
			a.analyzers[lang] = an
			a.stems[lang] = &sync.Map{}
		}
		if tm, err := cache.TokenMapNamed("stop_" + lang); err == nil {
			a.stop[lang] = tm
		}
	}
	dict := analysis.NewTokenMap()
	for _, line := range strings.Split(compoundDE, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			dict.AddToken(line)
		}
	}
	a.compound = compound.NewDictionaryCompoundFilter(dict, 8, 3, 15, false)
	return a
}

// Term kinds weigh a match: the word itself counts most, its stem a little
// less, a part of a compound least.
const (
	surface = 10
	stem    = 9
	part    = 6
)

// Terms returns the folded terms of text written in lang, each with the
// highest of its kinds (surface, stem, part).
func (a *Analyzer) Terms(text, lang string) map[string]int {
	out := map[string]int{}
	put := func(f string, kind int) { // a folded term
		if f != "" && kind > out[f] {
			out[f] = kind
		}
	}
	add := func(t string, kind int) {
		if ascii(t) { // Fold's own fast path, without the slice
			put(strings.ToLower(t), kind)
			return
		}
		forms, ok := a.folded.Load(t)
		if !ok {
			forms, _ = a.folded.LoadOrStore(t, Fold(t))
		}
		for _, f := range forms.([]string) {
			put(f, kind)
		}
	}
	base, _, _ := strings.Cut(lang, "-")
	text = CaseMap(text, base)
	stop := a.stop[base]
	var german analysis.TokenStream
	for _, tok := range Tokens(text) {
		low := strings.ToLower(tok)
		if stop != nil && stop[low] {
			continue
		}
		if ascii(tok) { // add's fast path, with the word lowered once
			put(low, surface)
		} else {
			add(tok, surface)
		}
		if base == "de" && len([]rune(low)) >= 8 {
			german = append(german, &analysis.Token{Term: []byte(low), Type: analysis.AlphaNumeric})
		}
	}
	if an := a.analyzers[base]; an != nil {
		for _, t := range a.stemsOf(an, base, text) {
			add(t, stem)
		}
	}
	for _, tok := range german {
		word := string(tok.Term)
		ps, ok := a.parts.Load(word)
		if !ok {
			var terms []string
			for _, t := range a.compound.Filter(analysis.TokenStream{tok}) {
				terms = append(terms, string(t.Term))
			}
			ps, _ = a.parts.LoadOrStore(word, terms)
		}
		for _, t := range ps.([]string) {
			add(t, part)
		}
	}
	return out
}

// stemsOf returns the terms the language's bleve analyser makes of text:
// its character filters and tokenizer run on the text, its token filters
// (lower case, stop words, normalisation, stemmer: each looks at one token
// only) on each token once per build, then from the memo.
func (a *Analyzer) stemsOf(an analysis.Analyzer, lang, text string) []string {
	da, ok := an.(*analysis.DefaultAnalyzer)
	if !ok {
		var out []string
		for _, t := range an.Analyze([]byte(text)) {
			out = append(out, string(t.Term))
		}
		return out
	}
	input := []byte(text)
	for _, cf := range da.CharFilters {
		input = cf.Filter(input)
	}
	var out []string
	memo := a.stems[lang] // one per language with an analyser (NewAnalyzer)
	for _, tok := range da.Tokenizer.Tokenize(input) {
		key := string(tok.Term)
		terms, ok := memo.Load(key)
		if !ok {
			stream := analysis.TokenStream{tok}
			for _, f := range da.TokenFilters {
				stream = f.Filter(stream)
			}
			list := make([]string, len(stream))
			for i, t := range stream {
				list[i] = string(t.Term)
			}
			terms, _ = memo.LoadOrStore(key, list)
		}
		out = append(out, terms.([]string)...)
	}
	return out
}

// IsStopWord reports whether a word is a stop word in lang.
func (a *Analyzer) IsStopWord(word, lang string) bool {
	base, _, _ := strings.Cut(lang, "-")
	return a.stop[base] != nil && a.stop[base][strings.ToLower(word)]
}

// turkishCase and dottedI map the capitals whose lower case depends on the
// language, before analysis: in Turkish and Azerbaijani İ is i and I is ı
// (which Fold then makes i, as the browser does); elsewhere İ is i.
// Unicode's default lower case of İ, i + U+0307, would reach the Turkish
// stemmer, which cuts the two-byte mark apart into invalid UTF-8.
var (
	turkishCase = strings.NewReplacer("İ", "i", "I", "ı")
	dottedI     = strings.NewReplacer("İ", "i")
)

// CaseMap applies the case rules of the language base (tr, de, …) to
// text before it is analysed.
func CaseMap(text, base string) string {
	if !strings.ContainsAny(text, "İI") {
		return text
	}
	if base == "tr" || base == "az" {
		return turkishCase.Replace(text)
	}
	return dottedI.Replace(text)
}
