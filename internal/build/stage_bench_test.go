package build

import (
	"os"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

// BenchmarkStage measures the model phase of a build and of every serve
// rebuild (newStage: interface strings, assets, the page graph, the
// templates) on the directory in $WEGWEISER_BENCH_SOURCE, loaded once:
//
//	go run ./cmd/benchdata -scale national -out /dev/shm/wb/national/src
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench Stage -benchmem -count 5 ./internal/build
//
// Without the variable it uses the example in the repository.
func BenchmarkStage(b *testing.B) {
	cfg, snap, problems := benchSource(b)
	for b.Loop() {
		top := &topLevel{Writer: &memory{files: map[string][]byte{}}, seen: map[string]bool{}}
		if _, err := newStage(cfg, PreviewOptions{}, snap.Dir, problems, top); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenData measures the open data phase (HSDS per language, the
// dump, the GeoJSON, the changes and the feeds) on the directory in
// $WEGWEISER_BENCH_SOURCE (the example without it), written nowhere:
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench OpenData -benchmem -count 5 ./internal/build
func BenchmarkOpenData(b *testing.B) {
	cfg, snap, problems := benchSource(b)
	top := &topLevel{Writer: &memory{files: map[string][]byte{}}, seen: map[string]bool{}}
	st, err := newStage(cfg, PreviewOptions{}, snap.Dir, problems, top)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := writeOpenData(b.Context(), st.public, st.strs, cfg, 0, st.base, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSource loads the directory of $WEGWEISER_BENCH_SOURCE, or the
// example's, for a benchmark.
func benchSource(b *testing.B) (Config, *load.Snapshot, diag.List) {
	src := os.Getenv("WEGWEISER_BENCH_SOURCE")
	if src == "" {
		src = "../.."
	}
	cfg := Config{Source: os.DirFS(src), Now: testToday}
	snap, problems := load.Reload(cfg.Source, load.Options{Now: cfg.Now}, nil)
	if snap == nil {
		b.Fatal(problems)
	}
	return cfg, snap, problems
}
