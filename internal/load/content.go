package load

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// readPages reads content/<lang>/**.md: YAML front matter between two
// "---" lines, then Markdown.
func (l *loader) readPages() {
	err := fs.WalkDir(l.fsys, "content", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return fs.SkipAll
			}
			l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "missing-file", "check the file's permissions", "cannot read: %v", unwrapPath(err))
			return nil
		}
		if e.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		rel := strings.TrimPrefix(p, "content/")
		lang, rest, ok := strings.Cut(rel, "/")
		if !ok {
			l.problem(diag.Warning, diag.Pos{File: p, Line: 1, Col: 1}, "unknown-file", "move it into content/<lang>/, e.g. content/de/", "this page is not in a language folder and is not read")
			return nil
		}
		if len(l.dir.Site.Languages) > 0 && !slices.Contains(l.dir.Site.Languages, lang) {
			l.problem(diag.Warning, diag.Pos{File: p, Line: 1, Col: 1}, "unknown-file",
				"add the language to `languages` in data/site.yaml, or move the page", "content/%s/ is not an interface language in site.yaml; this page is not published", lang)
			return nil
		}
		src, err := fs.ReadFile(l.fsys, p)
		if err != nil {
			l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "missing-file", "check the file's permissions", "cannot read: %v", unwrapPath(err))
			return nil
		}
		if l.sums != nil {
			l.sums[p] = sha256.Sum256(src)
		}
		page := model.Page{Lang: lang, Path: strings.TrimSuffix(rest, ".md"), File: p}
		front, body, ok := splitFrontMatter(src)
		if !ok {
			if bytes.HasPrefix(src, []byte("---")) {
				l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "front-matter",
					"end the front matter with a line --- before the text of the page", "the front matter is not closed")
			} else {
				l.problem(diag.Error, diag.Pos{File: p, Line: 1, Col: 1}, "front-matter",
					"start the page with a line ---, then `title: …`, then another line ---", "the page has no front matter")
			}
			return nil
		}
		page.Body = body
		l.dir.Pages = append(l.dir.Pages, page)
		r := l.decodeSource(p, front, 1, &l.dir.Pages[len(l.dir.Pages)-1].Meta)
		if r.ok {
			// The page value moves when Pages grows: keep only problems.
			r.pos = nil
		}
		l.merge(r)
		return nil
	})
	if err != nil {
		l.problem(diag.Error, diag.Pos{File: "content", Line: 1, Col: 1}, "missing-file", "check the folder's permissions", "cannot read content/: %v", err)
	}
}

// splitFrontMatter splits "---\n<yaml>---\n<markdown>". It reports false if
// src does not start with a front matter block that is closed.
func splitFrontMatter(src []byte) (front, body []byte, ok bool) {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
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
