package build

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/site"
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
		if _, err := newStage(cfg, PreviewOptions{}, snap.Dir, problems, top, nil); err != nil {
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
	cfg, _, st := benchStage(b)
	for b.Loop() {
		if _, err := writeOpenData(b.Context(), st.public, st.strs, cfg, 0, st.base, discard{}, newOpenDataKeeper(nil, nil, nil, "", model.Date{})); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStage loads the directory of $WEGWEISER_BENCH_SOURCE (see
// benchSource) and makes its stage once, for benchmarks of what follows.
func benchStage(b *testing.B) (Config, *load.Snapshot, *stage) {
	cfg, snap, problems := benchSource(b)
	st, err := newStage(cfg, PreviewOptions{}, snap.Dir, problems, discard{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return cfg, snap, st
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

// BenchmarkFirstSearch measures what a first search transfers: for each
// query of a set (what people type first, and a refinement; those of
// tests/searchbench for German and Arabic), the index files the search
// page's query reads (search.Static.First, the same files as search.js:
// meta, the shards of its words, the rests of their postings if the heads
// do not decide the first results, and the documents of the first
// search.FirstResults),
// gzip-compressed as a host sends them. It reports the median and the
// largest, the facet file the filters count with, and the median of what
// a search with the filters opened reads (search.Static.Search: f.json and
// all postings of the query's terms, as search.js then fetches), in KB:
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench FirstSearch ./internal/build
func BenchmarkFirstSearch(b *testing.B) {
	_, _, st := benchStage(b)
	queries := map[string][]string{
		"de": {"integrationskurs", "integrationskurs kinder", "beratung arabisch", "beratung arabisch jmd", "sprachkurs",
			"sprachkurs abends", "anerkennung", "anerkennung ausbildung", "wohnung", "wohnung familie"},
		"ar": {"استشارة", "استشارة السكن", "دورة اللغة", "دورة اللغة الأطفال"},
	}
	zipped := func(p []byte) float64 {
		var buf bytes.Buffer
		z, _ := gzip.NewWriterLevel(&buf, 6) // a valid level: no error
		z.Write(p)
		z.Close()
		return float64(buf.Len()) / 1024
	}
	for _, lang := range []string{"de", "ar"} {
		b.Run(lang, func(b *testing.B) {
			ix := search.Build(search.NewAnalyzer(), lang, search.Documents(st.graph, st.strs, lang))
			files := ix.Files(search.Labels(st.graph, st.strs, lang))
			sizes := map[string]float64{}
			var kb, withFilters []float64
			// read answers q as the page does: first (its first results, the
			// filters folded), or with the filters opened (all postings and
			// f.json); it returns the KB of the files read.
			read := func(q string, first bool) float64 {
				read := map[string]bool{}
				s, err := search.OpenStatic(func(name string) ([]byte, error) {
					read[name] = true
					return files[name], nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if first {
					_, err = s.First(q, search.FirstResults)
				} else {
					_, err = s.Search(q, nil, search.FirstResults)
				}
				if err != nil {
					b.Fatal(err)
				}
				sum := 0.0
				for name := range read {
					if _, ok := sizes[name]; !ok {
						sizes[name] = zipped(files[name])
					}
					sum += sizes[name]
				}
				return sum
			}
			for b.Loop() {
				kb, withFilters = kb[:0], withFilters[:0]
				for _, q := range queries[lang] {
					kb = append(kb, read(q, true))
					withFilters = append(withFilters, read(q, false))
				}
			}
			slices.Sort(kb)
			slices.Sort(withFilters)
			b.ReportMetric(kb[len(kb)/2], "KB-median")
			b.ReportMetric(kb[len(kb)-1], "KB-max")
			b.ReportMetric(zipped(files["f.json"]), "KB-facets")
			b.ReportMetric(withFilters[len(withFilters)/2], "KB-median-filters")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkInputs measures the fingerprints phase of every serve rebuild
// and build (stage.inputs: the site-wide inputs, each data file's, and
// routing.Fingerprint) on the directory in $WEGWEISER_BENCH_SOURCE:
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench Inputs -benchmem ./internal/build
func BenchmarkInputs(b *testing.B) {
	_, snap, st := benchStage(b)
	for b.Loop() {
		if _, err := st.inputs(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenDataKept measures the open data phase after one provider
// file changed: the previous output's HSDS shares of every other file are
// kept (openDataKeeper), on the directory in $WEGWEISER_BENCH_SOURCE:
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench OpenDataKept -benchmem ./internal/build
func BenchmarkOpenDataKept(b *testing.B) {
	cfg, snap, st := benchStage(b)
	in, err := st.inputs(snap)
	if err != nil {
		b.Fatal(err)
	}
	prev := &memory{files: map[string][]byte{}}
	today := model.DateOf(cfg.Now)
	if _, err := writeOpenData(b.Context(), st.public, st.strs, cfg, 0, st.base, prev, newOpenDataKeeper(nil, in, st.public, st.base, today)); err != nil {
		b.Fatal(err)
	}
	prevFS := fstest.MapFS{}
	for name, data := range prev.files {
		prevFS[name] = &fstest.MapFile{Data: data}
	}
	changed := &inputs{Files: maps.Clone(in.Files)}
	changed.Files[site.ProviderFile(st.public.Providers[0].ID)] = sum{1}
	for b.Loop() {
		if _, err := writeOpenData(b.Context(), st.public, st.strs, cfg, 0, st.base, discard{}, newOpenDataKeeper(prevFS, changed, st.public, st.base, today)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchFingerprint measures what deciding whether a language's
// search index can be kept costs (searchKeeper.fingerprint of the German
// documents) on the directory in $WEGWEISER_BENCH_SOURCE: "all" makes
// every document (a first build), "one-file" after the first provider
// file changed, with the previous build's fingerprints of the others:
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench SearchFingerprint -benchmem ./internal/build
func BenchmarkSearchFingerprint(b *testing.B) {
	_, snap, st := benchStage(b)
	in, err := st.inputs(snap)
	if err != nil {
		b.Fatal(err)
	}
	labels := search.Labels(st.graph, st.strs, "de")
	first := newSearchKeeper(nil, discard{}, in)
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := first.fingerprint(search.NewMaker(st.graph, st.strs, "de"), "de", search.Sources(st.graph, "de"), nil, labels); !ok {
				b.Fatal("no fingerprint")
			}
		}
	})
	fp, parts, _ := first.fingerprint(search.NewMaker(st.graph, st.strs, "de"), "de", search.Sources(st.graph, "de"), nil, labels)
	changed := &inputs{Global: in.Global, Site: in.Site, Files: maps.Clone(in.Files)}
	changed.Files[site.ProviderFile(st.graph.Dir.Providers[0].ID)] = sum{1}
	next := newSearchKeeper(nil, discard{}, changed)
	next.was = searchManifest{"de": {Sum: fp, Base: first.base, Parts: parts}}
	b.Run("one-file", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := next.fingerprint(search.NewMaker(st.graph, st.strs, "de"), "de", search.Sources(st.graph, "de"), nil, labels); !ok {
				b.Fatal("no fingerprint")
			}
		}
	})
}

// BenchmarkPreviewRest measures what wegweiser serve makes in the
// background after one provider file changed (exports, open data, search,
// the rest; Prepare from the previous preview, on one worker and with the
// files spilled to disk as serve does), on a copy of the directory in
// $WEGWEISER_BENCH_SOURCE (the example without it). Each round changes an
// advisor's e-mail address in the next provider file, as
// scripts/bench-serve does; it reports each step's milliseconds:
//
//	TMPDIR=/dev/shm WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench PreviewRest -benchtime 8x ./internal/build
func BenchmarkPreviewRest(b *testing.B) {
	src := os.Getenv("WEGWEISER_BENCH_SOURCE")
	if src == "" {
		src = "../.."
	}
	dir := b.TempDir()
	for _, tree := range []string{"data", "content", "i18n", "themes"} {
		if _, err := os.Stat(filepath.Join(src, tree)); err == nil {
			if err := os.CopyFS(filepath.Join(dir, tree), os.DirFS(filepath.Join(src, tree))); err != nil {
				b.Fatal(err)
			}
		}
	}
	// As if checked out an hour ago: the loader reads again files written
	// in the two seconds before it looked (its racy check).
	hourAgo := time.Now().Add(-time.Hour)
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			err = os.Chtimes(p, hourAgo, hourAgo)
		}
		return err
	})
	providers, _ := filepath.Glob(filepath.Join(dir, "data", "providers", "*.yaml"))
	if len(providers) == 0 {
		b.Fatal("no provider files")
	}
	fsys, err := load.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	cfg := Config{Source: fsys, Now: testToday}
	opts := PreviewOptions{Workers: 1, Spill: b.TempDir()}
	pv, err := Prepare(ctx, cfg, opts, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pv.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	email := regexp.MustCompile(`email: [a-z0-9]+`)
	took := map[string]time.Duration{}
	n := 0
	for b.Loop() {
		b.StopTimer()
		file := providers[(n+1)%len(providers)]
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		loc := email.FindIndex(data)
		if loc == nil {
			b.Fatalf("%s: no e-mail address", file)
		}
		data = slices.Concat(data[:loc[0]], fmt.Appendf(nil, "email: bench%d", n), data[loc[1]:])
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
		next, err := Prepare(ctx, cfg, opts, pv)
		if err != nil {
			b.Fatal(err)
		}
		pv.Close()
		pv = next
		b.StartTimer()
		phases, err := pv.Wait(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, ph := range phases {
			took[ph.Name] += ph.Duration
		}
		n++
	}
	for name, d := range took {
		b.ReportMetric(float64(d.Milliseconds())/float64(n), strings.ReplaceAll(name, " ", "-")+"-ms")
	}
	pv.Close()
}

// BenchmarkDocuments measures making the search documents of every
// language (search.Documents), which each build and each serve rebuild
// does to tell whether a language's index can be kept, on the directory
// in $WEGWEISER_BENCH_SOURCE (the example without it):
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench Documents -benchmem -count 5 ./internal/build
func BenchmarkDocuments(b *testing.B) {
	_, _, st := benchStage(b)
	for b.Loop() {
		for _, lang := range st.dir.Site.Languages {
			search.Documents(st.graph, st.strs, lang)
		}
	}
}

// BenchmarkSearchIndex measures making the static search index of one
// language and its files (search.BuildCached, Index.Files) from its
// documents, as a first build does for each language, on the directory
// in $WEGWEISER_BENCH_SOURCE (the example without it):
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench SearchIndex -benchmem -count 5 ./internal/build
func BenchmarkSearchIndex(b *testing.B) {
	_, _, st := benchStage(b)
	lang := st.dir.Site.DefaultLanguage
	docs := search.Documents(st.graph, st.strs, lang)
	labels := search.Labels(st.graph, st.strs, lang)
	a := search.NewAnalyzer()
	cache := search.TermCache{} // the texts analysed once: the index itself is measured
	search.BuildCached(a, lang, slices.Clone(docs), nil, cache, 1)
	for b.Loop() {
		ix := search.BuildCached(a, lang, slices.Clone(docs), cache, nil, 1)
		ix.Files(labels)
	}
}
