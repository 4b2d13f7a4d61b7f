package load

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// readPages reads content/<lang>/**.md: YAML front matter between two
// "---" lines, then Markdown. The folders are walked first; the pages are
// then read and decoded in parallel (a large site has tens of thousands)
// and added in the order of the walk.
func (l *loader) readPages() {
	if l.isRefused("content") {
		return
	}
	type pageFile struct {
		path, lang, rest string
	}
	var files []pageFile
	for _, it := range l.list.tree("content") {
		p, e, err := it.path, it.entry, it.err
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				break
			}
			l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "missing-file", "check the file's permissions", "cannot read: %v", unwrapPath(err))
			continue
		}
		if e.IsDir() || !strings.HasSuffix(p, ".md") || !e.Type().IsRegular() {
			continue // checkTree reports links and other irregular entries
		}
		rel := strings.TrimPrefix(p, "content/")
		lang, rest, ok := strings.Cut(rel, "/")
		if !ok {
			l.problem(diag.Warning, diag.Pos{File: p, Line: 1, Col: 1}, "unknown-file", "move it into content/<lang>/, e.g. content/de/", "this page is not in a language folder and is not read")
			continue
		}
		if len(l.dir.Site.Languages) > 0 && !slices.Contains(l.dir.Site.Languages, lang) && (lang != l.dir.Site.EasyLanguage || lang == "") {
			l.problem(diag.Warning, diag.Pos{File: p, Line: 1, Col: 1}, "unknown-file",
				"add the language to `languages` in data/site.yaml, or move the page", "content/%s/ is not an interface language in site.yaml; this page is not published", lang)
			continue
		}
		if why := pagePathProblem(rest); why != "" {
			l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "bad-file-name", "name pages and their folders like ids: lower-case a–z, digits and dashes, e.g. integrationskurs.md",
				"this page's name cannot be published: %s", why)
			continue
		}
		files = append(files, pageFile{p, lang, rest})
	}
	// Each page is read and decoded on its own (decodeSource touches no
	// loader state but the field cache); read tells whether it becomes a
	// page of the site.
	type result struct {
		page     model.Page
		read     bool
		problems diag.List
		decoded  fileResult
		sum      *[32]byte // of its source, when the loader collects sums
	}
	results := make([]result, len(files))
	folders := map[string]*folder{} // each folder opened once (see folder)
	for _, f := range files {
		if dir := path.Dir(f.path); folders[dir] == nil {
			folders[dir] = openFolder(l.fsys, dir)
		}
	}
	defer func() {
		for _, d := range folders {
			d.Close()
		}
	}()
	parallel.Each(len(files), func(i int) {
		f, r := files[i], &results[i]
		src, problems, _ := folders[path.Dir(f.path)].read(path.Base(f.path))
		r.problems = problems
		if src == nil || problems.Errors() > 0 {
			return
		}
		if l.sums != nil {
			sum := sha256.Sum256(src)
			r.sum = &sum
		}
		front, body, ok := splitFrontMatter(src)
		if !ok {
			if bytes.HasPrefix(src, []byte("---")) {
				r.problems = append(r.problems, diag.Problem{Pos: diag.Pos{File: f.path, Line: 1, Col: 1}, Severity: diag.Error, Rule: "front-matter",
					Hint: "end the front matter with a line --- before the text of the page", Message: "the front matter is not closed"})
			} else {
				r.problems = append(r.problems, diag.Problem{Pos: diag.Pos{File: f.path, Line: 1, Col: 1}, Severity: diag.Error, Rule: "front-matter",
					Hint: "start the page with a line ---, then `title: …`, then another line ---", Message: "the page has no front matter"})
			}
			return
		}
		r.read = true
		r.page = model.Page{Lang: f.lang, Path: strings.TrimSuffix(f.rest, ".md"), File: f.path, Body: body}
		r.problems = append(r.problems, markdownProblems(f.path, body, bytes.Count(src[:len(src)-len(body)], []byte("\n")))...)
		r.decoded = l.decodeSource(f.path, front, 1, &r.page.Meta)
		if r.decoded.ok {
			// The page value moves into Pages: keep only problems.
			r.decoded.pos = nil
		}
	})
	for i, r := range results {
		l.problems = append(l.problems, r.problems...)
		if r.sum != nil {
			l.sums[files[i].path] = *r.sum
		}
		if !r.read {
			continue
		}
		l.dir.Pages = append(l.dir.Pages, r.page)
		l.merge(r.decoded)
	}
}

// splitFrontMatter splits "---\n<yaml>---\n<markdown>". It reports false if
// src does not start with a front matter block that is closed.
func splitFrontMatter(src []byte) (front, body []byte, ok bool) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF")) // a byte order mark, as some editors on Windows write it
	if bytes.Contains(src, []byte("\r\n")) {      // a copy only where needed
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	rest, found := bytes.CutPrefix(src, []byte("---\n"))
	if !found {
		return nil, nil, false
	}
	if bytes.HasPrefix(rest, []byte("---\n")) || bytes.Equal(rest, []byte("---")) {
		return nil, nil, false
	}
	i := bytes.Index(rest, []byte("\n---\n"))
	if i < 0 {
		if bytes.HasSuffix(rest, []byte("\n---")) {
			return rest[:len(rest)-3], nil, true
		}
		return nil, nil, false
	}
	return rest[:i+1], rest[i+5:], true
}

// pagePathProblem tells why the path of a page below content/<lang>/ (with
// its .md) cannot be published as it is, or "".
func pagePathProblem(rel string) string {
	for _, seg := range strings.Split(strings.TrimSuffix(rel, ".md"), "/") {
		if why := model.SafeSegment(seg); why != "" {
			return fmt.Sprintf("`%s`: %s", seg, why)
		}
	}
	return ""
}

// Limits that keep the Markdown renderer fast on any page: some inputs
// take goldmark time that grows with the square of their size (a block
// container nested thousands of levels deep, thousands of unclosed links in
// one paragraph). Within these limits the worst page renders in well under
// a second (BenchmarkWorstMarkdown).
const (
	maxMarkdown  = 1 << 20 // bytes of Markdown in one page
	maxNesting   = 16      // block quotes and list items inside each other
	maxBrackets  = 500     // "[" in one block of lines without a blank line
	maxBlockSize = 64 << 10
)

// markdownProblems checks a page's Markdown against the limits above. The
// line numbers count from the start of the file: lineOff lines come before
// body.
func markdownProblems(file string, body []byte, lineOff int) diag.List {
	at := func(line, col int, msg, hint string) diag.List {
		return diag.List{{Pos: diag.Pos{File: file, Line: line + lineOff, Col: col}, Severity: diag.Error, Rule: "too-complex", Message: msg, Hint: hint}}
	}
	if len(body) > maxMarkdown {
		return at(1, 1, fmt.Sprintf("the page has %d KiB of text; the limit is %d KiB", len(body)>>10, maxMarkdown>>10),
			"split it into several pages; readers on phones load every byte")
	}
	blockStart, blockBytes, brackets, n := 0, 0, 0, 0
	// The lines are slices of body: a page is checked without copying it.
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		n++
		if len(bytes.TrimSpace(line)) == 0 {
			blockBytes, brackets = 0, 0
			continue
		}
		if blockBytes == 0 {
			blockStart = n
		}
		blockBytes += len(line) + 1
		brackets += bytes.Count(line, []byte("["))
		if blockBytes > maxBlockSize {
			return at(blockStart, 1, fmt.Sprintf("this paragraph is over %d KiB long", maxBlockSize>>10), "put blank lines between paragraphs")
		}
		if brackets > maxBrackets {
			return at(blockStart, 1, fmt.Sprintf("this paragraph has more than %d links or brackets", maxBrackets), "split it with blank lines")
		}
		if depth, col := nesting(line); depth > maxNesting {
			return at(n, col, fmt.Sprintf("quotes and lists are nested more than %d levels deep here", maxNesting), "nest fewer levels")
		}
	}
	return nil
}

// nesting returns about how many block quotes and list items a line is
// inside: its ">", "-", "*", "+", "1." and "1)" markers (each followed by a
// space), plus, on a line with a marker, one level per two spaces of
// indentation before them (a list item nests in the one above it by being
// indented); and the column after the markers.
func nesting[T string | []byte](line T) (depth, col int) {
	i, indent := 0, 0
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		switch {
		case i < len(line) && line[i] == '>':
			i++
		case i+1 < len(line) && (line[i] == '-' || line[i] == '*' || line[i] == '+') && (line[i+1] == ' ' || line[i+1] == '\t'):
			i += 2
		default:
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j == i || j+1 >= len(line) || (line[j] != '.' && line[j] != ')') || (line[j+1] != ' ' && line[j+1] != '\t') {
				if depth > 0 {
					depth += indent / 2
				}
				return depth, i + 1
			}
			i = j + 2
		}
		depth++
	}
}
