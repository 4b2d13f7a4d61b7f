// Package searchtest evaluates search results against the relevance set in
// internal/search/testdata/relevance.yaml.
package searchtest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// Query is one entry of the relevance set.
type Query struct {
	Lang    string            `yaml:"lang"`
	Q       string            `yaml:"q"`
	Filters map[string]string `yaml:"filters"`
	Want    []string          `yaml:"want"` // keys that must all be in the top 3
	Any     map[string]any    `yaml:"any"`  // criteria; one matching entry must be in the top 3
}

// Load reads a relevance set.
func Load(file string) ([]Query, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var qs []Query
	if err := yaml.Unmarshal(b, &qs); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return qs, nil
}

func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// matches reports whether doc meets every criterion.
func matches(d search.Doc, crit map[string]any) bool {
	for k, v := range crit {
		want := list(v)
		switch k {
		case "kind":
			if !slices.Contains(want, d.Kind) {
				return false
			}
		case "program":
			if !slices.Contains(want, d.Program) {
				return false
			}
		case "type":
			if !slices.Contains(want, d.Type) {
				return false
			}
		case "district":
			if !slices.Contains(want, d.District) {
				return false
			}
		case "language":
			if !slices.ContainsFunc(want, func(l string) bool { return slices.Contains(d.Languages, l) }) {
				return false
			}
		case "tag":
			for _, t := range want {
				if !slices.Contains(d.Tags, t) {
					return false
				}
			}
		default:
			panic("searchtest: unknown criterion " + k)
		}
	}
	return true
}

// Expected returns the keys a query is judged by: its want list, or every
// document meeting its criteria (any).
func (q Query) Expected(docs []search.Doc) (keys []string, all bool) {
	if len(q.Want) > 0 {
		return q.Want, true
	}
	for _, d := range docs {
		if matches(d, q.Any) {
			keys = append(keys, d.Key)
		}
	}
	return keys, false
}

// Judge scores one ranked result list: recall@3 (the share of wanted keys
// in the top 3; for criteria 1 if any matching entry is there) and the
// reciprocal rank of the first expected key in the top 10.
func Judge(expected []string, all bool, results []string) (recall, rr float64) {
	top := results[:min(3, len(results))]
	hit := 0
	for _, k := range expected {
		if slices.Contains(top, k) {
			hit++
		}
	}
	switch {
	case len(expected) == 0:
		recall = 0
	case all:
		recall = float64(hit) / float64(len(expected))
	case hit > 0:
		recall = 1
	}
	for i, k := range results[:min(10, len(results))] {
		if slices.Contains(expected, k) {
			return recall, 1 / float64(i+1)
		}
	}
	return recall, 0
}

var urlRe = regexp.MustCompile(`(?:^|/)([a-z]{2,3}(?:-[a-z]+)?)/(?:(offices|offers|courses|districts|providers)/([^/#?]+)/|([^#?]+?)/)(?:index\.html)?(?:#a-([^/?]+))?$`)

// KeyOf turns a result link into its key: office:x, advisor:y (an office
// page with #a-y), page:path, ….
func KeyOf(href string) string {
	href, _, _ = strings.Cut(href, "?")
	m := urlRe.FindStringSubmatch(href)
	switch {
	case m == nil:
		return href
	case m[5] != "":
		return "advisor:" + m[5]
	case m[2] != "":
		return strings.TrimSuffix(m[2], "s") + ":" + m[3]
	}
	return "page:" + m[4]
}

// Example loads the example site at root as of now and returns its public
// search documents and facet labels per interface language.
func Example(tb testing.TB, root string, now time.Time) (docs map[string][]search.Doc, labels map[string]map[string]string) {
	tb.Helper()
	d, problems := load.Load(os.DirFS(root), load.Options{Now: now})
	if d == nil {
		tb.Fatal(problems)
	}
	s, err := site.New(d.Public(), site.Options{Today: model.DateOf(now)})
	if err != nil {
		tb.Fatal(err)
	}
	strs, err := i18n.Load(d.Site.Languages, d.Site.DefaultLanguage, themes.Default())
	if err != nil {
		tb.Fatal(err)
	}
	docs, labels = map[string][]search.Doc{}, map[string]map[string]string{}
	for _, l := range d.Site.Languages {
		docs[l], labels[l] = search.Documents(s, strs, l), search.Labels(s, strs, l)
	}
	return docs, labels
}
