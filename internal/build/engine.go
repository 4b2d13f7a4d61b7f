package build

import (
	"context"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
	"github.com/wegweiser-de/wegweiser/internal/search"
)

// discard is a Writer that keeps nothing.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// SearchEngine returns the server-side search engine over the site's
// search documents, going load → site → documents: no page is rendered,
// nothing is written (wegweiser search). The documents, their analysis
// and ranking are the ones a build indexes. If the data has errors it
// returns them as a diag.List.
func SearchEngine(ctx context.Context, cfg Config) (*search.Engine, diag.List, error) {
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	dir, problems := load.Load(cfg.Source, cfg.loadOptions(ctx))
	if dir == nil {
		return nil, problems, problems
	}
	st, err := newStage(cfg, dir, problems, discard{})
	if err != nil {
		return nil, problems, err
	}
	langs := st.graph.Dir.Site.Languages
	docs, labels := make([][]search.Doc, len(langs)), make([]map[string]string, len(langs))
	parallel.EachOn(workers(cfg), len(langs), func(i int) {
		docs[i], labels[i] = search.Documents(st.graph, st.strs, langs[i]), search.Labels(st.graph, st.strs, langs[i])
	})
	byLang, labelsByLang := map[string][]search.Doc{}, map[string]map[string]string{}
	for i, lang := range langs {
		byLang[lang], labelsByLang[lang] = docs[i], labels[i]
	}
	e, err := search.NewEngine(search.NewAnalyzer(), byLang, labelsByLang)
	return e, st.problems, err
}
