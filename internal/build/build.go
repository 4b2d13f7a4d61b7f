// Package build runs the stages of a site build: load and check the data,
// build the page graph, render every page in parallel and write the pages,
// the fingerprinted theme assets, sitemap.xml, robots.txt and the security
// headers through a Writer: a staging directory (wegweiser build) or memory
// (wegweiser serve).
package build

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/cms"
	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/export"
	"github.com/wegweiser-de/wegweiser/internal/history"
	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
	"github.com/wegweiser-de/wegweiser/internal/render"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// Writer receives the files of a build. WriteFile is called from several
// goroutines. It must not keep data after it returns (a writer that holds
// files copies them): the pages' buffers are used again for the next
// pages.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// A keeper is a Writer that can keep a file of the previous output as it
// is instead of having it written again (publish.Dir links it), if it is
// a regular file that intact (nil: any) accepts by its FileInfo and
// content (see publish.Dir.Keep). Keep reports false if it cannot; the
// file is then written. The previous output it keeps from must be
// Config.Previous (publish.Dir.Previous).
type keeper interface {
	Keep(name string, intact intactFunc) (bool, error)
}

// intactFunc tells whether a file taken from the previous output is the
// one expected, by its FileInfo (fi) and, if need be, its content (open).
type intactFunc = func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool

// topLevel passes files on to a Writer and notes the top-level names of
// the output (directories with a trailing slash), for the _headers file.
type topLevel struct {
	Writer
	mu   sync.Mutex
	seen map[string]bool
}

// WriteFile implements Writer.
func (t *topLevel) WriteFile(name string, data []byte) error {
	t.note(name)
	return t.Writer.WriteFile(name, data)
}

// Keep implements keeper if the Writer does; otherwise it reports false.
func (t *topLevel) Keep(name string, intact intactFunc) (bool, error) {
	k, ok := t.Writer.(keeper)
	if !ok {
		return false, nil
	}
	kept, err := k.Keep(name, intact)
	if kept {
		t.note(name)
	}
	return kept, err
}

// WriteParts implements partsWriter: it notes name and passes the parts
// on (put together if the Writer cannot write parts).
func (t *topLevel) WriteParts(name string, parts [][]byte) error {
	t.note(name)
	return writeParts(t.Writer, name, parts)
}

// A partsWriter is a Writer that can write a file made of parts, one
// after another, without putting them together in memory first
// (publish.Dir.WriteParts): a national HSDS export's 36 MB file after a
// one-provider change is 779 entries kept from the previous file and one
// made anew.
type partsWriter interface {
	WriteParts(name string, parts [][]byte) error
}

// writeParts writes the file made of parts to w, as parts if w can.
func writeParts(w Writer, name string, parts [][]byte) error {
	if pw, ok := w.(partsWriter); ok {
		return pw.WriteParts(name, parts)
	}
	return w.WriteFile(name, bytes.Join(parts, nil))
}

// keeperOf returns w as a keeper, or nil if it cannot keep files: a
// topLevel can if the Writer it passes files on to can.
func keeperOf(w Writer) keeper {
	if t, ok := w.(*topLevel); ok {
		if _, ok := t.Writer.(keeper); !ok {
			return nil
		}
	}
	k, _ := w.(keeper)
	return k
}

// note notes the top-level name of a file (its folder, with a slash).
func (t *topLevel) note(name string) {
	first := name // a page's is its folder's: "de/"
	if i := strings.IndexByte(name, '/'); i >= 0 {
		first = name[:i+1]
	}
	t.mu.Lock()
	if !t.seen[first] { // looked up without a new string: once per file
		t.seen[strings.Clone(first)] = true
	}
	t.mu.Unlock()
}

// names returns the top-level names written so far, sorted.
func (t *topLevel) names() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Sorted(maps.Keys(t.seen))
}

// Config says what to build.
type Config struct {
	Source  fs.FS     // the site: data/, content/, i18n/, themes/default/
	BaseURL string    // overrides base_url of site.yaml when set
	Now     time.Time // the build date; zero: now
	// Statistics, if set, are published as a statistics page.
	Statistics *site.Statistics
	// Edition is "internal" for the staff edition; anything else builds the
	// public edition, from a directory without anything for staff only.
	Edition string
	// History is the Git history of the source (internal/history), if it
	// is in a Git work tree: the loader compares each translation's lines
	// with its source text's, and the "what changed" feeds are computed
	// from the history of data/. Nil: neither; the feeds compare with
	// Previous.
	History *history.Repo
	// Previous is the previous build's output, if any: without History,
	// its data/changes.json tells which entries changed since (for the
	// feeds).
	//
	// A full build also keeps the pages of Previous that would come out
	// the same: those whose recorded reads did not change (see inputs and
	// ManifestName). A Writer that can keep a file as it is (publish.Dir,
	// whose Previous this must then be) gets the kept page's name only.
	Previous fs.FS
	// RenderAll renders every page, keeping none of Previous.
	RenderAll bool
	// State is a folder of the build's own, never published, in which it
	// keeps what it loaded (the values of every data file: personal data
	// and what only the staff edition shows included) for the next build
	// with the same State: that one decodes only the data files whose
	// content changed (load.Resume). "": none, every build loads in full.
	// RenderAll loads in full too, and keeps the new load.
	State string
}

// PreviewOptions are what a preview (Prepare, for wegweiser serve) needs
// beyond the site's inputs.
type PreviewOptions struct {
	// Reload is the path of a live-reload script to add to every page, or
	// "".
	Reload string
	// Workers is the number of goroutines of the open data and search
	// steps, which take one language each (0: one per core): serve, which
	// makes them in the background, leaves a core to the pages asked for
	// meanwhile.
	Workers int
	// Spill is a directory in which each preview writes the rest of the
	// files (exports, open data, search: 680 MB at national scale) into a
	// directory of its own, read when asked for, instead of keeping them in
	// memory ("": in memory). When a preview's rest is made, it removes
	// the other directories in Spill (of the previews it replaced); the
	// caller removes Spill at the end.
	Spill string
}

// loadOptions are the loader's options for cfg.
func (cfg Config) loadOptions(ctx context.Context) load.Options {
	opts := load.Options{Now: cfg.Now}
	if cfg.History != nil {
		opts.Lines = cfg.History.Lines(ctx, cfg.Now)
	}
	return opts
}

// Result describes a finished build.
type Result struct {
	// ChangesFrom says what the "what changed" feeds were computed from,
	// for the build summary.
	ChangesFrom string
	Problems    diag.List      // warnings (a build with errors returns an error)
	Pages       map[string]int // pages per language ("" for language-neutral pages)
	Files       int
	Bytes       int64
	// Kept counts the pages taken from the previous build's output.
	Kept int
	// Reread are the data files read again when the load kept in
	// Config.State was resumed ("content/" for the Markdown pages), the
	// rest of the data taken from it; nil when the site was loaded in
	// full.
	Reread   []string
	Duration time.Duration
	// Phases is the wall time of each step of the build, in order.
	Phases []Phase
}

// Phase is the wall time of one step of a build.
type Phase struct {
	Name     string
	Duration time.Duration
}

// timer records the phases of a build.
type timer struct {
	phases []Phase
	start  time.Time // of the build
	mark   time.Time // end of the last phase
}

// newTimer starts the clock of a build.
func newTimer() *timer {
	now := time.Now()
	return &timer{start: now, mark: now}
}

// phase records the time since the last phase ended as the phase name.
func (t *timer) phase(name string) {
	now := time.Now()
	t.phases = append(t.phases, Phase{name, now.Sub(t.mark)})
	t.mark = now
}

// Build builds the site into w. If the data has errors it returns them as a
// diag.List (errors.As) and writes nothing.
//
// It writes a stamp of its inputs (StampName) with the output: the next
// build of the same inputs into the same place (cfg.Previous) writes
// nothing and returns an *UpToDateError.
func Build(ctx context.Context, cfg Config, w Writer) (*Result, error) {
	clock := newTimer()
	if cfg.Now.IsZero() {
		cfg.Now = clock.start
	}
	// Before loading: a file changed meanwhile makes the next build run.
	inputs, prev, err := upToDate(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		return nil, &UpToDateError{Stamp: prev}
	}
	clock.phase("fingerprint")
	st, res, err := renderPages(ctx, cfg, w, nil, clock)
	if err != nil || st == nil {
		return res, err
	}
	prevOut := cfg.Previous
	if cfg.RenderAll {
		prevOut = nil
	}
	err = st.writeRest(ctx, st.top, nil, prevOut, st.clock)
	res.ChangesFrom = st.changesFrom
	if err := errors.Join(err, st.waitState()); err != nil {
		return nil, err
	}
	stamp, err := json.Marshal(Stamp{Inputs: inputs, Built: cfg.Now.UTC(), Pages: res.Pages, Warnings: res.Problems.Warnings()})
	if err != nil {
		return nil, err
	}
	if err := st.top.WriteFile(StampName, stamp); err != nil {
		return nil, err
	}
	res.Phases = st.clock.phases
	res.Duration = time.Since(st.clock.start)
	return res, nil
}

// BuildPages renders the Markdown pages of content/ and the theme's
// assets, and nothing else (no directory pages, exports, open data,
// search or editor): the build benchmark compares it with Hugo on the
// same pages (wegweiser build --pages-only).
func BuildPages(ctx context.Context, cfg Config, w Writer) (*Result, error) {
	st, res, err := renderPages(ctx, cfg, w, func(p *site.Page) bool { return p.Kind == site.KindContent }, newTimer())
	if err != nil || st == nil {
		return res, err
	}
	res.Phases = st.clock.phases
	res.Duration = time.Since(st.clock.start)
	return res, nil
}

// renderPages loads the site, lays out its page graph and writes the
// assets and the pages keep accepts (nil: all). With data errors it
// returns no stage and the problems as the error.
func renderPages(ctx context.Context, cfg Config, w Writer, keep func(*site.Page) bool, clock *timer) (st *stage, res *Result, err error) {
	top := &topLevel{Writer: w, seen: map[string]bool{}}
	if cfg.Now.IsZero() {
		cfg.Now = clock.start
	}
	// The previous output, whose pages a full build keeps where nothing
	// they read changed (none with RenderAll): its manifest is read
	// while the site loads.
	var prev fs.FS
	if keep == nil && !cfg.RenderAll {
		prev = cfg.Previous
	}
	previous := readPrevious(prev)
	if keep != nil {
		cfg.State = "" // a part of the site: the state is a whole site's
	}
	snap, problems, waitState, err := loadSite(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if snap == nil {
		return nil, &Result{Problems: problems}, problems
	}
	defer func() {
		if st == nil { // failed: the load is kept or not, it does not matter
			waitState()
		}
	}()
	clock.phase("load")
	st, err = newStage(cfg, PreviewOptions{}, snap.Dir, problems, top, nil)
	if err != nil {
		return nil, nil, err
	}
	st.top, st.clock, st.waitState = top, clock, waitState
	res = &Result{Problems: st.problems, Pages: map[string]int{}, Reread: snap.Patched}
	pages := st.graph.Pages()
	var reuse *reuser
	if keep != nil {
		pages = slices.DeleteFunc(slices.Clone(pages), func(p *site.Page) bool { return !keep(p) })
	} else {
		// A full build keeps the previous output's pages that would come
		// out the same, and notes what each page read for the next.
		program, err := programSum()
		if err != nil {
			return nil, nil, fmt.Errorf("fingerprint the program: %w", err)
		}
		in, err := st.inputs(snap, program)
		if err != nil {
			return nil, nil, err
		}
		st.in = in
		reuse = newReuser(in, st.graph, prev, previous())
	}
	clock.phase("model")
	if err := renderAll(ctx, st.r, st.graph, pages, top, reuse); err != nil {
		return nil, nil, err
	}
	if reuse != nil {
		if err := reuse.write(top); err != nil {
			return nil, nil, err
		}
		res.Kept = reuse.kept
	}
	clock.phase("pages")
	for _, p := range pages {
		res.Pages[p.Lang]++
	}
	return st, res, nil
}

// stage is a build after loading: the page graph, its renderer and what
// the other files are made from.
type stage struct {
	cfg      Config
	workers  int              // goroutines of open data and search (PreviewOptions.Workers)
	dir      *model.Directory // of the edition built
	public   *model.Directory // open data is always the public directory
	internal bool
	strs     *i18n.Bundle
	theme    fs.FS
	base     string
	graph    *site.Site
	r        *render.Renderer
	problems diag.List
	adminCSP string // the web editor's policy, "" without the editor
	// changesFrom says what the feeds' changes were computed from.
	changesFrom string
	top         *topLevel         // of a build: every name written, for _headers
	clock       *timer            // of a build: the phases' times
	assets      map[string]string // theme asset → its fingerprinted name
	// themeSum fingerprints the theme's files and the site's interface
	// strings (i18n/), which the strings and templates are made from.
	themeSum sum
	// themeKept says the strings and parsed templates are the previous
	// stage's (a serve rebuild whose theme and strings did not change).
	themeKept bool
	// in are the inputs of the build or preview (nil: not known), by
	// which the open data of the previous output is kept.
	in *inputs
	// waitState waits for the load to be kept in Config.State (see
	// loadSite) and reports how that went; nil for a preview.
	waitState func() error
}

// newStage makes the page graph and the renderer of a loaded directory
// and writes the theme's assets to w. prev is the stage of the preview
// before (nil: none): if the theme's files and the interface strings are
// the same, its strings and parsed templates are kept (a serve rebuild
// after a data change parses no template).
func newStage(cfg Config, opts PreviewOptions, dir *model.Directory, problems diag.List, w Writer, prev *stage) (*stage, error) {
	st := &stage{cfg: cfg, workers: opts.Workers, public: dir.Public(), internal: cfg.Edition == site.EditionInternal}
	if cfg.Now.IsZero() {
		st.cfg.Now = time.Now()
	}
	if !st.internal {
		dir = st.public // from here on nothing for staff only exists
	}
	st.dir = dir
	st.theme = themes.Overlay(subOrEmpty(cfg.Source, "themes/default"), themes.Default())
	s := dir.Site
	themeSum, err := fingerprint(filesOf(st.theme, "."), filesOf(cfg.Source, "i18n"), s.Editions(), s.DefaultLanguage)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	st.themeSum = themeSum
	st.themeKept = prev != nil && prev.themeSum == themeSum
	if st.themeKept {
		st.strs = prev.strs // read only
	} else if st.strs, err = i18n.Load(s.Editions(), s.DefaultLanguage, st.theme, cfg.Source); err != nil {
		return nil, fmt.Errorf("interface strings: %w", err)
	}
	problems = slices.Clip(problems) // appended to without changing the caller's
	for _, lang := range s.Languages {
		if !st.strs.Has(lang, "nav_home") {
			problems = append(problems, diag.Problem{Pos: diag.Pos{File: "i18n/" + lang + ".yaml", Line: 1, Col: 1}, Severity: diag.Warning,
				Rule: "missing-translation", Message: fmt.Sprintf("no interface strings for %s", lang),
				Hint: fmt.Sprintf("add i18n/%s.yaml (copy the theme's en.yaml and translate it); until then %s pages show %s labels", lang, lang, s.DefaultLanguage)})
		}
	}
	st.problems = problems
	st.base = cfg.BaseURL
	if st.base == "" {
		st.base = string(s.BaseURL)
	}
	if st.base != "" && !strings.HasSuffix(st.base, "/") {
		st.base += "/"
	}
	// The theme's assets and templates and the page graph do not depend
	// on each other: made side by side (the model phase of every serve
	// rebuild).
	var themeErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if st.assets, themeErr = writeAssets(st.theme, w); themeErr == nil {
			rc := render.Config{Theme: st.theme, Strings: st.strs, BaseURL: st.base, Assets: st.assets, Reload: opts.Reload}
			if st.themeKept {
				st.r, themeErr = prev.r.With(rc)
			} else {
				st.r, themeErr = render.New(rc)
			}
		}
	})
	edition := ""
	if st.internal {
		edition = site.EditionInternal
	}
	st.graph, err = site.New(dir, site.Options{Today: model.DateOf(st.cfg.Now), Statistics: cfg.Statistics, Edition: edition, Problems: problems})
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if themeErr != nil {
		return nil, themeErr
	}
	if cms.Enabled(&dir.Site) {
		st.adminCSP = cms.CSP(&dir.Site)
	}
	return st, nil
}

// writeRest writes every file but the pages and the assets: exports, open
// data, search, robots.txt, sitemap.xml, the web editor and last the
// _headers of all files written to top. terms are the search analyses to
// keep and reuse (nil: none); prev holds the previous build's files (the
// previous output, or the files serve made last; nil: none), from which a
// language's search index is kept when made from the same. It stops
// between steps when ctx is done.
func (st *stage) writeRest(ctx context.Context, top *topLevel, terms *searchTerms, prev fs.FS, clock *timer) error {
	cfg, w := st.cfg, Writer(top)
	if err := writeExports(st.dir, cfg.Now, st.base, st.internal, st.workers, w, prev, st.in); err != nil {
		return err
	}
	clock.phase("exports")
	if err := ctx.Err(); err != nil {
		return err
	}
	from, err := writeOpenData(ctx, st.public, st.strs, cfg, st.workers, st.base, w, newOpenDataKeeper(prev, st.in, st.public, st.base, model.DateOf(cfg.Now)))
	if err != nil {
		return err
	}
	st.changesFrom = from
	clock.phase("open data")
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeSearch(st.graph, st.strs, st.workers, w, terms, newSearchKeeper(prev, w, st.in)); err != nil {
		return err
	}
	clock.phase("search")
	robotsTxt := robots(st.base)
	if st.internal {
		robotsTxt = []byte("User-agent: *\nDisallow: /\n")
	}
	if err := w.WriteFile("robots.txt", robotsTxt); err != nil {
		return err
	}
	if err := w.WriteFile("_redirects", redirectsFile(st.graph, st.base)); err != nil {
		return err
	}
	if err := writeServiceWorker(st, w); err != nil {
		return err
	}
	if err := writeManifests(st, w); err != nil {
		return err
	}
	if err := writeCourseFinder(st, w, prev); err != nil {
		return err
	}
	if st.base != "" && !st.internal {
		files := sitemaps(st.graph, st.base, sitemapURLs, sitemapBytes)
		for _, name := range slices.Sorted(maps.Keys(files)) {
			if err := w.WriteFile(name, files[name]); err != nil {
				return err
			}
		}
	}
	if st.adminCSP != "" {
		files, err := cms.Files(st.dir, st.base)
		if err != nil {
			return fmt.Errorf("web editor: %w", err)
		}
		for name, b := range files {
			if err := w.WriteFile(name, b); err != nil {
				return err
			}
		}
	}
	if err := w.WriteFile("_headers", headersFile(headerRules(top.names(), st.adminCSP))); err != nil {
		return err
	}
	clock.phase("rest")
	return nil
}

// writeExports writes the advisor lists, vCards and calendars below
// exports/: one task per file, on workers goroutines (0: one per core),
// each file written once made. The vCards and calendars of a data file
// that did not change are kept from the previous output prev (nil: none)
// where it has them (exportKeeper); in are this build's inputs (nil: keep
// nothing).
func writeExports(dir *model.Directory, now time.Time, base string, internal bool, workers int, w Writer, prev fs.FS, in *inputs) error {
	host := "wegweiser.invalid"
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = u.Host
	}
	today := model.DateOf(now)
	ek := newExportKeeper(prev, w, in, dir, host, internal, today)
	type task struct {
		name string
		make func() ([]byte, error)
		file string // the data file it is made from ("": all of them)
	}
	tasks := []task{
		{"exports/advisors.csv", func() ([]byte, error) { return export.AdvisorsCSV(dir, true, internal), nil }, ""},
		{"exports/advisors-rfc4180.csv", func() ([]byte, error) { return export.AdvisorsCSV(dir, false, internal), nil }, ""},
		{"exports/contacts.vcf", func() ([]byte, error) { return export.AllVCards(dir), nil }, ""},
	}
	// The exports of each data file: a provider's vCards and office
	// calendars, a course file's course calendars.
	var files []string
	var own [][]task
	for i := range dir.Providers {
		p := &dir.Providers[i]
		var ts []task
		file := site.ProviderFile(p.ID)
		for j := range p.Advisors {
			a := &p.Advisors[j]
			ts = append(ts, task{"exports/vcard/advisor-" + a.ID + ".vcf", func() ([]byte, error) { return export.AdvisorVCard(dir, a), nil }, file})
		}
		for j := range p.Offices {
			o := &p.Offices[j]
			ts = append(ts,
				task{"exports/vcard/office-" + o.ID + ".vcf", func() ([]byte, error) { return export.OfficeVCard(dir, o), nil }, file},
				task{"exports/ical/office-" + o.ID + ".ics", func() ([]byte, error) { return export.OfficeICal(dir, o, now, host) }, file})
		}
		files, own = append(files, file), append(own, ts)
	}
	for i := range dir.CourseFiles {
		f := &dir.CourseFiles[i]
		var ts []task
		file := site.CourseFile(f.Provider.ID)
		for j := range f.Courses {
			c := &f.Courses[j]
			if c.End.Before(today) {
				continue // ended courses have no page
			}
			ts = append(ts, task{"exports/ical/course-" + c.ID + ".ics", func() ([]byte, error) { return export.CourseICal(dir, c, now, host) }, file})
		}
		files, own = append(files, file), append(own, ts)
	}
	kept := make([]bool, len(files))
	errs := make([]error, len(files))
	parallel.EachOn(cores(workers), len(files), func(i int) { kept[i], errs[i] = ek.keep(files[i]) })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, ts := range own {
		if !kept[i] {
			ek.made(files[i], "", nil) // noted even without exports
			tasks = append(tasks, ts...)
		}
	}
	errs = make([]error, len(tasks))
	parallel.EachOn(cores(workers), len(tasks), func(i int) {
		b, err := tasks[i].make()
		if err == nil {
			err = w.WriteFile(tasks[i].name, b)
		}
		if err == nil && tasks[i].file != "" {
			ek.made(tasks[i].file, strings.TrimPrefix(tasks[i].name, "exports/"), b)
		}
		errs[i] = err
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ek.write(w)
}

// writeOpenData writes the HSDS datasets (one per language), the JSON
// dump, the GeoJSON, the change state and the Atom feeds, and says what the
// feeds' changes were computed from.
func writeOpenData(ctx context.Context, d *model.Directory, strs *i18n.Bundle, cfg Config, workers int, base string, w Writer, keep *openDataKeeper) (changesFrom string, err error) {
	today := model.DateOf(cfg.Now)
	pageURL := func(lang string) func(kind, id string) string {
		return func(kind, id string) string {
			p := lang + "/"
			if kind != "" {
				p += kind + "/" + id + "/"
			}
			if base == "" {
				return "/" + p
			}
			return base + p
		}
	}
	// The dump, the GeoJSON, the changes and each language's HSDS export
	// are independent: one per core at a time, the longest first; then
	// the feeds, which need the changes. Each file is written once made,
	// so that only those being made are held in memory.
	var mu sync.Mutex // err
	var werr error
	k := keeperOf(w)
	// write writes a file made of parts, or with same (it is the
	// previous output's, byte for byte) links it from there.
	write := func(name string, parts [][]byte, same bool) {
		var err error
		kept := false
		if same && k != nil {
			kept, err = k.Keep(name, nil)
		}
		if !kept && err == nil {
			err = writeParts(w, name, parts)
		}
		if err != nil {
			mu.Lock()
			werr = cmp.Or(werr, err)
			mu.Unlock()
		}
	}
	// writeKept writes a file that may be the previous output's (prev).
	writeKept := func(name string, parts [][]byte, prev *previous) {
		_, same := prev.same(name, parts)
		write(name, parts, same)
	}
	var changes export.Changes
	var from string
	var changesErr error
	langs := d.Site.Languages
	sources := export.Sources(d) // the data files whose shares may be kept
	tasks := []func(){
		func() {
			prev, kept := keep.dump(sources)
			defer prev.close() // once written
			parts, spans := export.EncodeDumpParts(d, cfg.Now, License(d), kept)
			keep.madeDump(sources, parts, spans, prev)
			writeKept(dumpName, parts, prev)
		},
		func() {
			changes, from = trackChanges(ctx, d, cfg, keep.hashes(sources))
			var b []byte
			if b, changesErr = json.MarshalIndent(changes, "", " "); changesErr == nil {
				keep.madeChanges(b)
				write(changesName, [][]byte{b}, false)
			}
		},
		func() {
			write("data/offices.geojson", [][]byte{export.GeoJSON(d, today, pageURL(d.Site.DefaultLanguage))}, false)
		},
	}
	for _, lang := range langs {
		tasks = append(tasks, func() {
			prev, kept := keep.hsds(lang, sources)
			defer prev.close() // once written
			shares := export.HSDSShares(d, lang, base, today, kept)
			spans := export.HSDSSpans(shares)
			files := make(map[string][][]byte, len(export.HSDSFileNames))
			for j, name := range export.HSDSFileNames {
				if was := keep.unchanged(lang, j, sources, shares, spans, prev); was != nil {
					files[name] = [][]byte{was}
				} else {
					files[name] = export.HSDSParts(shares, j)
				}
			}
			keep.made(lang, sources, files, spans, prev)
			for name, data := range files {
				writeKept(hsdsDir(lang)+name, data, prev)
			}
		})
	}
	parallel.EachOn(cores(workers), len(tasks), func(i int) { tasks[i]() })
	if err := cmp.Or(changesErr, werr); err != nil {
		return from, err
	}
	feeds := export.NewFeedSource(d, changes)
	parallel.EachOn(cores(workers), len(langs), func(i int) {
		for name, data := range feedFiles(d, strs, langs[i], cfg.Now, feeds, pageURL(langs[i])) {
			write(name, [][]byte{data}, false)
		}
	})
	if werr != nil {
		return from, werr
	}
	return from, keep.write(w)
}

// feedFiles returns the feeds of one language: the site's and each
// district's.
func feedFiles(d *model.Directory, strs *i18n.Bundle, lang string, now time.Time, feeds *export.FeedSource, pageURL func(kind, id string) string) map[string][]byte {
	files := map[string][]byte{}
	name, _ := d.Site.Name.Get(lang, d.Site.DefaultLanguage)
	fs := export.FeedStrings{
		Title: strs.T(lang, "feed_title", "site", name),
		CourseStarts: func(c *model.Course) string {
			place := c.Location.Street
			if dd := d.District(c.Location.District); dd != nil {
				place, _ = dd.Name.Get(lang, d.Site.DefaultLanguage)
			}
			return strs.T(lang, "feed_course", "date", strs.Date(lang, c.Start), "place", place)
		},
		Changed: func(c export.Change) string {
			switch c.What {
			case "added":
				return strs.T(lang, "change_added")
			case "removed":
				return strs.T(lang, "change_removed")
			}
			if len(c.Which) == 0 {
				return strs.T(lang, "feed_changed")
			}
			names := make([]string, len(c.Which))
			for i, g := range c.Which {
				names[i] = strs.T(lang, "change_field_"+g)
			}
			return strs.T(lang, "change_fields", "fields", strings.Join(names, ", "))
		},
	}
	files[lang+"/feed.atom"] = feeds.Feed(lang, "", now, fs, pageURL, pageURL("", "")+"feed.atom")
	for i := range d.Districts {
		ds := &d.Districts[i]
		dname, _ := ds.Name.Get(lang, d.Site.DefaultLanguage)
		fs.Title = strs.T(lang, "feed_district_title", "district", dname)
		self := pageURL("districts", ds.ID) + "feed.atom"
		files[lang+"/districts/"+ds.ID+"/feed.atom"] = feeds.Feed(lang, ds.ID, now, fs, pageURL, self)
	}
	return files
}

// searchTerms are the analyses of the search texts of a build, per index
// language, kept for the next build in the same process (wegweiser serve),
// which analyses only the texts that are new.
type searchTerms struct {
	prev, next map[string]search.TermCache
}

// writeSearch writes the static search index of every language, or keeps
// the previous output's where sk finds it made from the same, and the
// search manifest for the next build.
func writeSearch(s *site.Site, strs *i18n.Bundle, workers int, w Writer, terms *searchTerms, sk *searchKeeper) error {
	a := search.NewAnalyzer() // read-only: shared by the languages' goroutines
	langs := s.Dir.Site.Languages
	// With terms, each language keeps the analyses of its texts for the
	// next build (one map per language: the goroutines share none).
	caches, prevCaches := make([]search.TermCache, len(langs)), make([]search.TermCache, len(langs))
	for i, lang := range langs {
		if terms != nil {
			caches[i] = search.TermCache{}
			prevCaches[i] = terms.prev[lang]
		}
	}
	if terms != nil {
		defer func() {
			for i, lang := range langs {
				terms.next[lang] = caches[i]
			}
		}()
	}
	errs := make([]error, len(langs))
	// One language per core at a time: the analysis is the costly part.
	// With fewer languages than cores, each language's texts are analysed
	// on the cores left (a site of one language on all of them).
	n := cores(workers)
	inner := max(1, n/max(1, len(langs)))
	parallel.EachOn(n, len(langs), func(i int) {
		lang := langs[i]
		m, srcs, labels := search.NewMaker(s, strs, lang), search.Sources(s, lang), search.Labels(s, strs, lang)
		// Every document is made if no index can be kept; else only
		// those the fingerprint needs, and all if it is not kept.
		var docs []search.Doc
		if !sk.mayKeep(lang) {
			docs = m.Docs(srcs)
		}
		fp, parts, ok := sk.fingerprint(m, lang, srcs, docs, labels)
		if ok {
			kept, err := sk.keep(lang, fp, parts)
			if kept || err != nil {
				caches[i] = prevCaches[i] // the texts are the same: their analyses stay for the next build
				errs[i] = err
				return
			}
		}
		if docs == nil {
			docs = m.Docs(srcs)
		}
		ix := search.BuildCached(a, lang, docs, prevCaches[i], caches[i], inner)
		files := ix.Files(labels)
		for name, b := range files {
			if err := w.WriteFile("search/"+lang+"/"+name, b); err != nil {
				errs[i] = err
				return
			}
		}
		if ok {
			sk.made(lang, fp, parts, files)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return sk.write(w)
}

// cores returns the goroutines of the open data and search: workers, or
// one per core when 0.
func cores(workers int) int {
	if workers > 0 {
		return workers
	}
	return runtime.GOMAXPROCS(0)
}

// License returns the licence of the open data (model.Site.DataLicense)
// as the JSON dump states it.
func License(d *model.Directory) map[string]string {
	l := d.Site.DataLicense()
	name, _ := l.Name.Get(d.Site.DefaultLanguage, d.Site.DefaultLanguage)
	return map[string]string{"name": name, "url": string(l.URL)}
}

// renderAll renders pages of s on all cores and writes them to w. With a
// reuser, a page of the previous build that would come out the same is
// taken from it instead, and every page is noted for the next build.
func renderAll(ctx context.Context, r *render.Renderer, s *site.Site, pages []*site.Page, w Writer, reuse *reuser) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type file struct {
		name string
		data []byte
		buf  *bytes.Buffer // back to the pool once written; nil for a kept page
	}
	// A page's buffer goes back to the pool once written: the output of
	// the build is not allocated anew page by page (fresh memory costs
	// the kernel a fault per 4 KiB).
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	queue := make(chan *site.Page)
	files := make(chan file, 64)
	// Rendering uses every core; writing waits on the file system, so
	// more writers than cores keep the cores busy. Renderers that keep
	// pages (a link and a stat call each) wait on it too: twice as many.
	var renderers, writers sync.WaitGroup
	k := keeperOf(w)
	n := runtime.GOMAXPROCS(0)
	if k != nil && reuse != nil && reuse.prev != nil {
		n *= 2
	}
	for range n {
		renderers.Go(func() {
			check := make([]byte, 32<<10) // to check kept pages through
			for p := range queue {
				name := p.Path()
				switch {
				case reuse == nil:
				case k != nil:
					// Linked from the previous output if it is as that
					// build wrote it; else, or if it cannot be linked,
					// rendered.
					if rec := reuse.unchanged(name); rec != nil {
						kept, err := k.Keep(name, reuse.intact(rec, check))
						if err != nil {
							cancel(err)
							continue
						}
						if kept {
							reuse.note(name, rec)
							continue
						}
					}
				default:
					if b, ok := reuse.keep(name); ok {
						files <- file{name: name, data: b}
						continue
					}
				}
				buf := pool.Get().(*bytes.Buffer)
				buf.Reset()
				var err error
				var reads *site.Reads
				// Labelled, so a CPU profile (build --cpuprofile) tells the
				// cost of each kind of page: go tool pprof -tags.
				pprof.Do(ctx, pprof.Labels("kind", p.Kind), func(context.Context) { reads, err = r.Render(buf, s, p) })
				if err != nil {
					cancel(err)
					continue
				}
				b := buf.Bytes()
				if reuse != nil {
					reuse.rendered(name, b, reads)
				}
				files <- file{name: name, data: b, buf: buf}
			}
		})
	}
	for range 4 * runtime.GOMAXPROCS(0) {
		writers.Go(func() {
			for f := range files {
				if err := w.WriteFile(f.name, f.data); err != nil {
					cancel(err)
				}
				if f.buf != nil {
					pool.Put(f.buf)
				}
			}
		})
	}
	// The pages come one language after the other: the fragments of a
	// language are dropped when the next one starts (a page of it still
	// rendering then renders its fragments again, no more).
	for i, p := range pages {
		if ctx.Err() != nil {
			break
		}
		if i > 0 && pages[i-1].Lang != p.Lang && pages[i-1].Lang != "" {
			r.Forget(pages[i-1].Lang)
		}
		queue <- p
	}
	close(queue)
	renderers.Wait()
	for _, lang := range s.Dir.Site.Languages {
		r.Forget(lang) // the last language's, and those of pages rendered out of order
	}
	close(files)
	writers.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// writeAssets publishes the theme's assets/ with a content hash in each
// name (style.css → assets/style.1a2b3c4d.css), so they can be cached for
// ever, and returns the map from name to published path.
func writeAssets(theme fs.FS, w Writer) (map[string]string, error) {
	entries, err := fs.ReadDir(theme, "assets")
	if err != nil {
		return nil, fmt.Errorf("theme assets: %w", err)
	}
	m := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(theme, "assets/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		name := "assets/" + strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		if err := w.WriteFile(name, b); err != nil {
			return nil, err
		}
		m[e.Name()] = name
	}
	return m, nil
}

// subOrEmpty returns the subtree dir of fsys, or an empty file system.
func subOrEmpty(fsys fs.FS, dir string) fs.FS {
	if st, err := fs.Stat(fsys, dir); err != nil || !st.IsDir() {
		return emptyFS{}
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return emptyFS{}
	}
	return sub
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Summary formats r for people: pages per language, files, bytes, time.
func (r *Result) Summary() string {
	var langs []string
	for l := range r.Pages {
		if l != "" {
			langs = append(langs, l)
		}
	}
	slices.Sort(langs)
	var per []string
	total := 0
	for _, l := range langs {
		per = append(per, fmt.Sprintf("%s %d", l, r.Pages[l]))
	}
	for _, n := range r.Pages {
		total += n
	}
	var notes []string
	if r.Kept > 0 {
		notes = append(notes, fmt.Sprintf("%d kept from the previous build", r.Kept))
	}
	switch n := len(r.Reread); {
	case r.Reread == nil:
	case n == 0:
		notes = append(notes, "the data of the last build kept")
	case n == 1:
		notes = append(notes, "1 changed data file read, the rest of the data kept")
	default:
		notes = append(notes, fmt.Sprintf("%d changed data files read, the rest of the data kept", n))
	}
	kept := ""
	if len(notes) > 0 {
		kept = " (" + strings.Join(notes, "; ") + ")"
	}
	return fmt.Sprintf("%d pages%s (%s), %d files, %.1f MB in %s",
		total, kept, strings.Join(per, ", "), r.Files, float64(r.Bytes)/1e6, r.Duration.Round(time.Millisecond))
}
