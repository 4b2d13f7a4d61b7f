package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/history"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// TestUpToDate builds the example (German only) from a Git work tree and
// asks upToDate (what Build asks first) of its output after each change to what a build reads —
// a data file, a Markdown folder, interface strings, a theme file, the
// date, the base URL, the edition, the statistics, the commit — and after
// a change to a file it does not read. Each change undone, the output is
// up to date again. Output without a stamp, with a damaged one, or asked
// with RenderAll, is not.
func TestUpToDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := exampleRepo(t)
	r.Edit("data/site.yaml", allLanguages, "languages: [de]")
	r.Commit(testToday.AddDate(0, 0, -3), "Beispiel")
	hist, err := history.Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	base := Config{Source: os.DirFS(r.Dir), Now: testToday, History: hist}
	var w memWriter
	res, err := Build(ctx, base, &w)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.files[StampName]; !ok {
		t.Fatalf("no %s in the output", StampName)
	}
	prev := fstest.MapFS{}
	for name, b := range w.files {
		prev[name] = &fstest.MapFile{Data: b}
	}
	base.Previous = prev
	check := func(what string, cfg Config, want bool) {
		t.Helper()
		_, stamp, err := upToDate(ctx, cfg)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok := stamp != nil; ok != want {
			t.Errorf("%s: up to date %v, want %v", what, ok, want)
		}
		if stamp != nil && (stamp.Pages["de"] != res.Pages["de"] || stamp.Warnings != res.Problems.Warnings() || !stamp.Built.Equal(testToday)) {
			t.Errorf("%s: stamp %+v, build %v pages, %d warnings", what, stamp, res.Pages, res.Problems.Warnings())
		}
	}
	check("nothing changed", base, true)
	// Build itself: nothing written, the previous build's stamp in the error.
	var none memWriter
	var utd *UpToDateError
	if _, err := Build(ctx, base, &none); !errors.As(err, &utd) || len(none.files) != 0 || utd.Stamp.Pages["de"] != res.Pages["de"] {
		t.Errorf("a build with nothing to do: %v, %d files written", err, len(none.files))
	}
	later := base
	later.Now = testToday.Add(5 * time.Hour)
	check("later the same day", later, true)

	// Changes to what a build reads, each undone after its check.
	file := func(name, content string) func() {
		p := filepath.Join(r.Dir, filepath.FromSlash(name))
		old, err := os.ReadFile(p)
		existed := err == nil
		var made []string // folders made for the file, innermost first
		for d := filepath.Dir(p); ; d = filepath.Dir(d) {
			if _, err := os.Stat(d); err == nil {
				break
			}
			made = append(made, d)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return func() {
			if existed {
				os.WriteFile(p, old, 0o644)
				return
			}
			os.Remove(p)
			for _, d := range made {
				os.Remove(d)
			}
		}
	}
	awo, err := os.ReadFile(filepath.Join(r.Dir, "data/providers/awo-muenchen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what   string
		change func() (undo func())
		want   bool
	}{
		{"a phone number", func() func() {
			return file("data/providers/awo-muenchen.yaml", strings.Replace(string(awo), "1234510-10", "1234510-99", 1))
		}, false},
		{"a new folder in content/", func() func() {
			p := filepath.Join(r.Dir, "content", "de", "neu")
			os.Mkdir(p, 0o755)
			return func() { os.Remove(p) }
		}, false},
		{"the site's interface strings", func() func() { return file("i18n/de.yaml", "search: Suche\n") }, false},
		{"a theme file", func() func() { return file("themes/default/partials.html", `{{define "x"}}{{end}}`) }, false},
		{"a file no build reads", func() func() { return file("README.md", "Notizen\n") }, true},
		{"a file in the output folder", func() func() { return file("public/x.html", "x") }, true},
	} {
		undo := c.change()
		check(c.what, base, c.want)
		undo()
		check(c.what+", undone", base, true)
	}

	// Other inputs of the same files.
	cfg := base
	cfg.Now = testToday.AddDate(0, 0, 1)
	check("the next day", cfg, false)
	cfg = base
	cfg.BaseURL = "https://example.org/"
	check("another base URL", cfg, false)
	cfg = base
	cfg.Edition = site.EditionInternal
	check("the internal edition", cfg, false)
	cfg = base
	cfg.Statistics = &site.Statistics{}
	check("statistics", cfg, false)
	cfg = base
	cfg.RenderAll = true
	check("RenderAll", cfg, false)
	cfg = base
	cfg.Previous = fstest.MapFS{}
	check("no stamp", cfg, false)
	cfg.Previous = fstest.MapFS{StampName: &fstest.MapFile{Data: []byte("{")}}
	check("a damaged stamp", cfg, false)

	// A commit: the history the feeds and the translations' line times
	// come from changed, the files did not.
	r.Git(testToday.AddDate(0, 0, -1), "commit", "-q", "--allow-empty", "-m", "leer")
	check("a new commit", base, false)
}
