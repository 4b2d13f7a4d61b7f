package search

import (
	_ "embed"
	"strings"

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
}

// NewAnalyzer prepares the analysis of all languages bleve supports.
func NewAnalyzer() *Analyzer {
	cache := registry.NewCache()
	a := &Analyzer{analyzers: map[string]analysis.Analyzer{}, stop: map[string]analysis.TokenMap{}}
	for _, lang := range []string{"ar", "de", "en", "es", "fa", "fr", "it", "ro", "ru", "tr"} {
		if an, err := cache.AnalyzerNamed(lang); err == nil {
			a.analyzers[lang] = an
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
	add := func(t string, kind int) {
		for _, f := range Fold(t) {
			if f != "" && kind > out[f] {
				out[f] = kind
			}
		}
	}
	base, _, _ := strings.Cut(lang, "-")
	stop := a.stop[base]
	var german analysis.TokenStream
	for _, tok := range Tokens(text) {
		low := strings.ToLower(tok)
		if stop != nil && stop[low] {
			continue
		}
		add(tok, surface)
		if base == "de" && len([]rune(low)) >= 8 {
			german = append(german, &analysis.Token{Term: []byte(low), Type: analysis.AlphaNumeric})
		}
	}
	if an := a.analyzers[base]; an != nil {
		for _, t := range an.Analyze([]byte(text)) {
			add(string(t.Term), stem)
		}
	}
	for _, t := range a.compound.Filter(german) {
		add(string(t.Term), part)
	}
	return out
}

// IsStopWord reports whether a word is a stop word in lang.
func (a *Analyzer) IsStopWord(word, lang string) bool {
	base, _, _ := strings.Cut(lang, "-")
	return a.stop[base] != nil && a.stop[base][strings.ToLower(word)]
}
