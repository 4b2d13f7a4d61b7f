package load

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the expected reports of the golden tests")

// testToday is the day all tests judge dates against.
var testToday = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// baseSite returns the valid site in testdata/base as a MapFS.
func baseSite(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := filepath.Join("testdata", "base")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// overlay applies the files of a case to the base site: a file replaces the
// base file of the same name; a file whose content is "<delete>" removes it,
// and one whose content is "<symlink TARGET>" makes it a symbolic link to
// TARGET. In a file's content `<repeat N "text">` stands for the Go string
// text repeated N times (for bytes a text file cannot hold, such as NUL, and
// for files too large to keep in testdata).
func overlay(base fstest.MapFS, files []txtar.File) fstest.MapFS {
	for _, f := range files {
		if f.Name == "want" {
			continue
		}
		content := strings.TrimSpace(string(f.Data))
		if content == "<delete>" {
			delete(base, f.Name)
			continue
		}
		if target, ok := strings.CutPrefix(content, "<symlink "); ok {
			base[f.Name] = &fstest.MapFile{Data: []byte(strings.TrimSuffix(target, ">")), Mode: fs.ModeSymlink}
			continue
		}
		base[f.Name] = &fstest.MapFile{Data: expand(f.Data)}
	}
	return base
}

var repeatRe = regexp.MustCompile(`<repeat (\d+) ("(?:[^"\\]|\\.)*")>`)

// expand replaces the <repeat N "text"> lines of data (see overlay).
func expand(data []byte) []byte {
	return repeatRe.ReplaceAllFunc(data, func(m []byte) []byte {
		sub := repeatRe.FindSubmatch(m)
		n, err := strconv.Atoi(string(sub[1]))
		text, err2 := strconv.Unquote(string(sub[2]))
		if err != nil || err2 != nil {
			panic(fmt.Sprintf("bad repeat line %q", m))
		}
		return bytes.Repeat([]byte(text), n)
	})
}

func report(l diag.List) []byte {
	var b bytes.Buffer
	if err := diag.Write(&b, diag.FormatText, l); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// eachGoldenCase runs f as a subtest for each testdata/errors/*.txtar,
// named after the file, with its path and archive.
func eachGoldenCase(t *testing.T, f func(t *testing.T, path string, ar *txtar.Archive)) {
	t.Helper()
	cases, err := filepath.Glob(filepath.Join("testdata", "errors", "*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, path := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f(t, path, ar)
		})
	}
}

// TestGolden loads the base site with the files of each
// testdata/errors/*.txtar laid over it and compares the report with the
// archive's "want" file. Run with -update to rewrite the expectations.
func TestGolden(t *testing.T) {
	eachGoldenCase(t, func(t *testing.T, path string, ar *txtar.Archive) {
		dir, problems := Load(overlay(baseSite(t), ar.Files), Options{Now: testToday})
		got := report(problems)
		if problems.Errors() > 0 && dir != nil {
			t.Errorf("Load returned a directory despite %d errors", problems.Errors())
		}
		var want []byte
		wantIdx := -1
		for i, f := range ar.Files {
			if f.Name == "want" {
				want, wantIdx = f.Data, i
			}
		}
		if *update {
			if wantIdx < 0 {
				ar.Files = append(ar.Files, txtar.File{Name: "want"})
				wantIdx = len(ar.Files) - 1
			}
			ar.Files[wantIdx].Data = got
			if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		if wantIdx < 0 {
			t.Fatalf("%s has no want file; run go test -update", path)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("report differs\n--- got\n%s--- want\n%s", got, want)
		}
		if len(problems) == 0 {
			t.Errorf("case reports no problem at all: a golden case must show one")
		}
	})
}

// TestBaseLoadsClean makes sure the golden cases start from a site without
// problems, so each report shows only what the case broke.
func TestBaseLoadsClean(t *testing.T) {
	dir, problems := Load(baseSite(t), Options{Now: testToday})
	if len(problems) > 0 || dir == nil {
		t.Fatalf("base site has problems:\n%s", report(problems))
	}
	if dir.Office("caritas-mitte") == nil || dir.Office("caritas-mitte").Provider != "caritas" {
		t.Errorf("office caritas-mitte not indexed with its provider")
	}
	if len(dir.Pages) != 2 || dir.Pages[0].Meta.Title != "Über uns" || string(dir.Pages[0].Body) != "Text.\n" {
		t.Errorf("pages = %+v", dir.Pages)
	}
}
