// Package load reads a site's data/ and content/ into a validated
// model.Directory, or reports every problem it finds, in every file, in one
// run.
//
// Files are parsed with go.yaml.in/yaml/v3 into yaml.Node trees and decoded
// by reflection over the model's struct tags (see package model), so every
// value keeps its file, line and column. Problems are diag.Problems with a
// rule code and a hint for the editor. Checks come in two passes: while
// decoding (syntax, unknown and missing fields, types, formats of dates,
// times, e-mail addresses, URLs, phone numbers and postal codes) and after
// all files are read (unique ids, references between files, date and time
// order, postal codes against districts, and the warnings for stale,
// untranslated and ended entries).
//
// The layout read, relative to the source directory:
//
//	data/site.yaml          the site (required)
//	data/languages.yaml     language catalogue (required)
//	data/districts.yaml     districts (required)
//	data/topics.yaml        counselling topics
//	data/providers/*.yaml   one provider per file; the file is named after its id
//	data/courses/*.yaml     one course provider per file
//	content/<lang>/**.md    Markdown pages with YAML front matter
package load

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// Options control a load.
type Options struct {
	// Now is the day against which last_verified dates and course end
	// dates are judged. The zero value means the current day.
	Now time.Time
	// StaleDays is the age in days after which last_verified is reported
	// as stale. Zero means site.yaml's checks.stale_days (default 92).
	StaleDays int
	// Lines tells when each line of a file last changed (internal/history
	// reads it from Git). With it, a translation whose source text (in the
	// default language) changed after it is reported as possibly outdated
	// and recorded in Directory.Outdated. Nil: not checked.
	Lines LineTimes
}

// LineTimes tells when each line of a source file last changed: index 0
// is line 1.
type LineTimes interface {
	LineTimes(file string) ([]time.Time, error)
}

// Load reads the site in fsys. It returns the directory and any warnings,
// or, if any error was found, a nil directory and all problems (errors and
// warnings), sorted by position. File names in problems are relative to
// fsys.
func Load(fsys fs.FS, opts Options) (*model.Directory, diag.List) {
	l := loadAll(fsys, opts.normal(), false, list(fsys))
	if l.problems.Errors() > 0 {
		return nil, l.problems
	}
	return l.dir, l.problems
}

// loadAll reads and checks every file; opts are normal, ls is the listing
// of fsys. The directory is indexed if there is no error. With sums it
// notes each file's SHA-256.
func loadAll(fsys fs.FS, opts Options, sums bool, ls listing) *loader {
	l := newLoader(fsys, opts, ls)
	if sums {
		l.sums = map[string][32]byte{}
	}
	l.read()
	l.validate()
	l.problems.Sort()
	if l.problems.Errors() == 0 {
		l.dir.Index()
	}
	return l
}

// normal returns the options with their defaults filled in.
func (o Options) normal() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// newLoader returns a loader for a whole site; opts are normal, ls is the
// listing of fsys.
func newLoader(fsys fs.FS, opts Options, ls listing) *loader {
	return &loader{fsys: fsys, list: ls, opts: opts, today: model.DateOf(opts.Now), dir: &model.Directory{}, pos: map[any]diag.Pos{}, written: map[any]bool{},
		refused: map[string]bool{}, broken: map[string]bool{}}
}

// loader holds the state of one Load call.
type loader struct {
	fsys   fs.FS
	list   listing // of fsys, taken before any file is read
	opts   Options
	today  model.Date
	fields fieldCache

	dir      *model.Directory
	pos      map[any]diag.Pos // position of every decoded value, by address
	written  map[any]bool     // the fields the files write (see decoder.written)
	problems diag.List
	langs    map[string]bool // codes in languages.yaml
	defLang  string
	lines    map[string][]time.Time // Options.Lines by file, read once
	trSums   Sums                   // SumsFile, without Options.Lines
	compare  *bool                  // comparesTranslations, once
	// sums, if not nil, collects the SHA-256 of each provider and course
	// file's source (Reload).
	sums map[string][32]byte
	// refused are the entries checkTree refused: they are not read.
	refused map[string]bool
	// broken are the kinds of catalogue (district, language, topic) whose
	// file could not be read: references to them are not checked, as each
	// would only repeat that error.
	broken map[string]bool
	// fresh, when not nil, holds the provider and course files decoded
	// again by Snapshot.patch (*model.Provider, *model.CourseFile): only
	// their ids are checked for form (the others were, when loaded), all
	// for uniqueness.
	fresh map[any]bool
}

func (l *loader) problem(sev diag.Severity, p diag.Pos, rule, hint, format string, args ...any) {
	l.problems = append(l.problems, diag.Problem{Pos: p, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// fileResult is what decoding one file produced.
type fileResult struct {
	ok       bool
	pos      map[any]diag.Pos
	written  map[any]bool
	problems diag.List
	file     string   // the file decoded, when the loader collects sums
	sum      [32]byte // of its source
}

func (l *loader) merge(r fileResult) bool {
	if l.sums != nil && r.file != "" {
		l.sums[r.file] = r.sum
	}
	for k, v := range r.pos {
		l.pos[k] = v
	}
	for k := range r.written {
		l.written[k] = true
	}
	l.problems = append(l.problems, r.problems...)
	return r.ok
}

// decodeFile parses file and decodes it into target. It touches no loader
// state but the field cache, so files can be decoded in parallel.
func (l *loader) decodeFile(file string, target any, required bool) fileResult {
	if l.isRefused(file) {
		return fileResult{}
	}
	src, problems, notExist := readSource(l.fsys, file)
	if notExist {
		if !required {
			return fileResult{}
		}
		return fileResult{problems: diag.List{{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Severity: diag.Error, Rule: "missing-file",
			Message: fmt.Sprintf("cannot read %s: file does not exist", file), Hint: "every site needs this file; see docs/data-format.md"}}}
	}
	if src == nil {
		return fileResult{problems: problems}
	}
	r := l.decodeSource(file, src, 0, target)
	if len(problems) > 0 {
		// The characters refused are reported where they are; a syntax
		// error they cause would only repeat them, as would the decoder's
		// report of the values on their lines.
		lines := map[int]bool{}
		for _, p := range problems {
			lines[p.Line] = true
		}
		r.problems = append(problems, slices.DeleteFunc(r.problems, func(p diag.Problem) bool {
			return p.Rule == "syntax" || p.Rule == "bad-character" && lines[p.Line]
		})...)
	}
	if l.sums != nil {
		r.file, r.sum = file, sha256.Sum256(src)
	}
	return r
}

func (l *loader) decodeSource(file string, src []byte, lineOff int, target any) fileResult {
	root, problems := parse(file, src, lineOff)
	if root == nil {
		return fileResult{problems: problems}
	}
	d := newDecoder(file, &l.fields, l.langs, l.defLang)
	d.spans = l.comparesTranslations()
	d.lineOff = lineOff
	d.document(root, target)
	return fileResult{ok: d.budget >= 0, pos: d.pos, written: d.written, problems: d.problems}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// read decodes every file. The default language comes first (plain texts
// are in it), then the language catalogue, so texts in all other files can
// be checked against it.
func (l *loader) read() {
	d := l.dir
	l.comparesTranslations() // decided before the files are decoded in parallel
	l.checkTree()
	l.defLang = l.peekDefaultLanguage("data/site.yaml")
	if l.merge(l.decodeFile("data/languages.yaml", &d.Languages, true)) {
		l.langs = map[string]bool{}
		for _, lang := range d.Languages {
			l.langs[lang.Code] = true
		}
	} else {
		l.broken["language"] = true
	}
	if l.merge(l.decodeFile("data/site.yaml", &d.Site, true)) {
		l.deriveSite()
	}
	l.deriveLanguages()
	if !l.merge(l.decodeFile("data/districts.yaml", &d.Districts, true)) {
		l.broken["district"] = true
	}
	if r := l.decodeFile("data/topics.yaml", &d.Topics, false); !l.merge(r) && len(r.problems) > 0 {
		l.broken["topic"] = true
	}

	providers := l.yamlFiles("data/providers")
	d.Providers = make([]model.Provider, len(providers))
	courses := l.yamlFiles("data/courses")
	d.CourseFiles = make([]model.CourseFile, len(courses))
	results := make([]fileResult, len(providers)+len(courses))
	parallel.Each(len(results), func(i int) {
		if i < len(providers) {
			results[i] = l.decodeFile(providers[i], &d.Providers[i], true)
		} else {
			results[i] = l.decodeFile(courses[i-len(providers)], &d.CourseFiles[i-len(providers)], true)
		}
	})
	// The files' positions go into one map, at national scale millions:
	// made once at its size, not grown entry by entry (a second of the
	// load, on one core).
	npos, nwritten := 0, 0
	for _, r := range results {
		npos += len(r.pos)
		nwritten += len(r.written)
	}
	l.pos, l.written = grown(l.pos, npos), grown(l.written, nwritten)
	for i, r := range results {
		ok := l.merge(r)
		if i < len(providers) {
			l.own(&d.Providers[i], providers[i], ok)
		} else {
			l.ownCourses(&d.CourseFiles[i-len(providers)], courses[i-len(providers)], ok)
		}
	}
	l.readPages()
	l.checkUnknownFiles()
}

// grown returns a copy of m with room for more entries.
func grown[K comparable, V any](m map[K]V, more int) map[K]V {
	g := make(map[K]V, len(m)+more)
	maps.Copy(g, m)
	return g
}

// checkTree reports and notes the entries of the source trees that are not
// plain files or folders (see checkTree).
func (l *loader) checkTree() {
	for _, p := range checkTree(l.list) {
		l.refused[p.File] = true
		l.problems = append(l.problems, p)
	}
}

// isRefused reports whether file or a folder it is in was refused by
// checkTree.
func (l *loader) isRefused(file string) bool {
	for p := file; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if l.refused[p] {
			return true
		}
	}
	return false
}

// peekDefaultLanguage reads default_language from site.yaml before the
// file is decoded, because plain texts in site.yaml are in that language.
func (l *loader) peekDefaultLanguage(file string) string {
	if l.isRefused(file) {
		return "de"
	}
	src, _, _ := readSource(l.fsys, file)
	if src != nil {
		var root yaml.Node
		if yaml.Unmarshal(src, &root) == nil && len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
			m := root.Content[0].Content
			for i := 0; i+1 < len(m); i += 2 {
				if m[i].Value == "default_language" && m[i+1].Kind == yaml.ScalarNode && m[i+1].Value != "" {
					return m[i+1].Value
				}
			}
		}
	}
	return "de"
}

// yamlFiles lists the .yaml and .yml files in dir, sorted.
func (l *loader) yamlFiles(dir string) []string {
	if l.isRefused(dir) {
		return nil
	}
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.problem(diag.Error, diag.Pos{File: dir, Line: 1, Col: 1}, "missing-file", "check the folder's permissions", "cannot read %s: %v", dir, unwrapPath(err))
		}
		return nil
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() || strings.HasPrefix(name, "."):
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			files = append(files, path.Join(dir, name))
		case !strings.HasSuffix(name, ".md"):
			l.problem(diag.Warning, diag.Pos{File: path.Join(dir, name), Line: 1, Col: 1}, "unknown-file",
				"name data files <id>.yaml", "this file is not read: only .yaml files are")
		}
	}
	slices.Sort(files)
	return files
}

// checkUnknownFiles warns about files in data/ that nothing reads, such as
// a misspelt districts.yaml.
func (l *loader) checkUnknownFiles() {
	known := []string{"site.yaml", "languages.yaml", "districts.yaml", "topics.yaml", "providers", "courses", path.Base(SumsFile)}
	entries, _ := fs.ReadDir(l.fsys, "data")
	for _, e := range entries {
		name := e.Name()
		if slices.Contains(known, name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".md") {
			continue
		}
		hint := "wegweiser reads " + strings.Join(known, ", ")
		if s := suggest(strings.TrimSuffix(name, ".yml"), known); s != "" {
			hint = fmt.Sprintf("did you mean `%s`?", s)
		}
		l.problem(diag.Warning, diag.Pos{File: "data/" + name, Line: 1, Col: 1}, "unknown-file", hint, "this file is not read")
	}
}
