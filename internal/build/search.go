package build

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/search"
)

// discard is a Writer that keeps nothing.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// Search returns the static search of one language, going load → site →
// documents → index: no page is rendered, nothing is written (wegweiser
// search). The documents, their analysis and the ranking are the ones the
// site's search page uses (search.Static follows search.js). If the data
// has errors it returns them as a diag.List.
func Search(ctx context.Context, cfg Config, lang string) (*search.Static, diag.List, error) {
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	dir, problems := load.Load(cfg.Source, cfg.loadOptions(ctx))
	if dir == nil {
		return nil, problems, problems
	}
	st, err := newStage(cfg, PreviewOptions{}, dir, problems, discard{}, nil)
	if err != nil {
		return nil, problems, err
	}
	if !slices.Contains(st.graph.Dir.Site.Languages, lang) {
		return nil, st.problems, fmt.Errorf("no search index for language %q (the site's languages: %s)", lang, strings.Join(st.graph.Dir.Site.Languages, ", "))
	}
	ix := search.Build(search.NewAnalyzer(), lang, search.Documents(st.graph, st.strs, lang))
	files := ix.Files(search.Labels(st.graph, st.strs, lang))
	s, err := search.OpenStatic(func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("no file %s", name)
	})
	return s, st.problems, err
}
