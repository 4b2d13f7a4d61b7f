package load

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/render"
)

// TestOpenDirStaysInside: the file system of a site cannot read through a
// link that leaves it, whatever the loader's checks do; a link inside it
// still works (the loader refuses it with a message of its own).
func TestOpenDirStaysInside(t *testing.T) {
	dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "secret")
	for name, data := range map[string]string{outside: "secret", filepath.Join(dir, "inside.txt"): "inside"} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	os.Symlink("inside.txt", filepath.Join(dir, "in"))
	os.Symlink("..", filepath.Join(dir, "up"))
	fsys, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out", "up/" + filepath.Base(filepath.Dir(outside)) + "/secret"} {
		if b, err := fs.ReadFile(fsys, name); err == nil {
			t.Errorf("read %s through a link leaving the root: %q", name, b)
		}
	}
	if b, err := fs.ReadFile(fsys, "in"); err != nil || string(b) != "inside" {
		t.Errorf("link inside the root: %q, %v", b, err)
	}
}

// TestTextProblemPositions: bad bytes are reported at their own line and
// column, counted in characters.
func TestTextProblemPositions(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		rule      string
	}{
		{"a: b\nc: ä\x00", 2, 5, "a NUL byte"},
		{"a: b\nname: Mü\xfcller\n", 2, 9, "byte 0xFC"},
		{"x: \u202eabc", 1, 4, "U+202E"},
		{"x: \u2067abc", 1, 4, "U+2067"},
		{"x: \x1b[31m", 1, 4, "U+001B"},
		{"x: \u200fabc\r\n\tok", 0, 0, ""}, // a bidi mark, CR LF and a tab are fine
	}
	for _, tt := range tests {
		ps := textProblems("f.yaml", []byte(tt.src), 0)
		if tt.rule == "" {
			if len(ps) > 0 {
				t.Errorf("%q: %v", tt.src, ps)
			}
			continue
		}
		if len(ps) != 1 || ps[0].Line != tt.line || ps[0].Col != tt.col || !strings.Contains(ps[0].Message, tt.rule) {
			t.Errorf("%q: %v, want %d:%d %s", tt.src, ps, tt.line, tt.col, tt.rule)
		}
	}
}

// TestPageWithByteOrderMark: a page saved with a UTF-8 byte order mark
// loads like one without, as YAML files do.
func TestPageWithByteOrderMark(t *testing.T) {
	site := baseSite(t)
	page := site["content/de/about.md"].Data
	site["content/de/about.md"] = &fstest.MapFile{Data: append([]byte("\uFEFF"), page...)}
	site["data/providers/caritas.yaml"] = &fstest.MapFile{Data: append([]byte("\uFEFF"), site["data/providers/caritas.yaml"].Data...)}
	dir, problems := Load(site, Options{Now: testToday})
	if dir == nil || len(problems) > 0 {
		t.Fatalf("%v", problems)
	}
	if dir.Pages[0].Meta.Title != "Über uns" || bytes.HasPrefix(dir.Pages[0].Body, []byte("\uFEFF")) {
		t.Errorf("page = %+v", dir.Pages[0])
	}
}

// worstMarkdown are pages built to be as slow for goldmark as the limits of
// markdownProblems allow, each about 1 MiB.
func worstMarkdown() map[string][]byte {
	fill := func(block string) []byte {
		var b bytes.Buffer
		for b.Len()+len(block) < maxMarkdown {
			b.WriteString(block)
		}
		return b.Bytes()
	}
	nested := func(marker string) string {
		var b strings.Builder
		for i := range maxNesting {
			b.WriteString(strings.Repeat(marker, i+1) + "x\n")
		}
		return b.String() + "\n"
	}
	return map[string][]byte{
		"unclosed links":     fill(strings.Repeat("[a](", maxBrackets) + "\n\n"),
		"unclosed images":    fill(strings.Repeat("![a](", maxBrackets) + "\n\n"),
		"link references":    fill(strings.Repeat("[a]: b\n", maxBrackets) + "\n"),
		"nested quotes":      fill(nested("> ")),
		"nested lists":       fill(strings.Repeat("- ", maxNesting) + "x\n\n"),
		"emphasis":           fill(strings.Repeat("*a _b ", maxBlockSize/7) + "\n\n"),
		"code spans":         fill(strings.Repeat("`a", maxBlockSize/2-1) + "\n\n"),
		"autolinks":          fill(strings.Repeat("www.a http://b ", maxBlockSize/16) + "\n\n"),
		"one long paragraph": fill(strings.Repeat("text ", maxBlockSize/5-1) + "\n\n"),
	}
}

// TestWorstMarkdownIsAccepted: the pages of BenchmarkWorstMarkdown pass the
// limits (or the benchmark would measure nothing a site can hold).
func TestWorstMarkdownIsAccepted(t *testing.T) {
	for name, page := range worstMarkdown() {
		if ps := markdownProblems("p.md", page, 0); len(ps) > 0 {
			t.Errorf("%s: %v", name, ps)
		}
	}
}

// BenchmarkWorstMarkdown renders the slowest pages the limits allow with
// the renderer's goldmark:
//
//	go test ./internal/load -run '^$' -bench WorstMarkdown
func BenchmarkWorstMarkdown(b *testing.B) {
	md := render.NewMarkdown()
	for name, page := range worstMarkdown() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				var out bytes.Buffer
				if err := md.Convert(page, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
