package build

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/publish"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Preview is the site as wegweiser serve shows it: loaded and laid out as
// by a build, but each page rendered when it is first asked for, and the
// other files (exports, open data, search) made in the background.
//
// Prepared again after a change, from the previous Preview, it loads again
// only the files that changed (load.Reload) and keeps the pages already
// rendered whose inputs did not change (what each page read as it was
// rendered, see inputs); the others are
// rendered again when asked for. Every file it serves is the file a full
// build of the same source would write.
type Preview struct {
	snap   *load.Snapshot
	st     *stage
	in     *inputs
	assets map[string][]byte
	early  HeaderRules // the headers of pages and assets, until the rest is made

	// Phases is the wall time of each step of the preparation.
	Phases []Phase
	// Kept counts the pages taken from the previous preview.
	Kept int

	mu       sync.Mutex
	pages    map[string][]byte      // rendered so far, or kept
	reads    map[string]*site.Reads // what each page in pages read
	rendered []string               // paths rendered by this preview

	cancel context.CancelFunc
	done   chan struct{} // closed when the rest below is made or given up
	// Set before done is closed:
	rest       map[string][]byte // the files, or with spill their names (nil values)
	spill      string            // the directory holding the rest's files ("": in memory)
	headers    HeaderRules
	restErr    error
	restPhases []Phase
	terms      map[string]search.TermCache // search analyses for the next preview
}

// removeOthers removes the directories in spill but mine: those of the
// previews this one replaced (a newer preview makes its directory only once
// this one is done). They are removed in the background: deleting tens of
// thousands of files takes seconds on a slow disk.
func removeOthers(spill, mine string) {
	entries, _ := os.ReadDir(spill)
	var old []string
	for _, e := range entries {
		if p := filepath.Join(spill, e.Name()); p != mine {
			old = append(old, p)
		}
	}
	if len(old) > 0 {
		go func() {
			for _, p := range old {
				os.RemoveAll(p)
			}
		}()
	}
}

// spilled writes files into a directory and notes their names.
type spilled struct {
	ctx   context.Context // no more writes once done: the directory may be removed
	dir   string
	prev  string   // the previous rest's directory, files are kept from ("": none)
	dirs  sync.Map // folders made so far
	mu    sync.Mutex
	names map[string][]byte // name → nil
}

// place makes the folder of the file full, once per folder: at national
// scale a rest keeps 40,000 files after a one-file change, each of which
// asked whether its folder exists.
func (d *spilled) place(full string) error {
	if err := d.ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(full)
	if _, ok := d.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		d.dirs.Store(dir, true)
	}
	return nil
}

// note notes name as written or kept.
func (d *spilled) note(name string) {
	d.mu.Lock()
	d.names[name] = nil
	d.mu.Unlock()
}

// Keep implements keeper: it links the previous rest's file name into
// the directory (a regular file that intact accepts, as publish.Dir.Keep
// does; false if there is none, or if name is taken already: the caller
// then writes it, which replaces it).
func (d *spilled) Keep(name string, intact intactFunc) (bool, error) {
	if d.prev == "" || !fs.ValidPath(name) {
		return false, nil
	}
	full := filepath.Join(d.dir, filepath.FromSlash(name))
	if err := d.place(full); err != nil {
		return false, err
	}
	if fi, err := publish.LinkIntact(filepath.Join(d.prev, filepath.FromSlash(name)), full, intact); fi == nil || err != nil {
		return false, err
	}
	d.note(name)
	return true, nil
}

// WriteFile implements Writer.
func (d *spilled) WriteFile(name string, data []byte) error {
	return d.WriteParts(name, [][]byte{data})
}

// WriteParts implements partsWriter.
func (d *spilled) WriteParts(name string, parts [][]byte) error {
	full := filepath.Join(d.dir, filepath.FromSlash(name))
	if err := d.place(full); err != nil {
		return err
	}
	// A new file: a name kept before is a link to the previous rest's
	// file, which is replaced, never written into.
	if err := publish.WriteNewParts(full, parts); err != nil {
		return err
	}
	d.note(name)
	return nil
}

// memory collects files.
type memory struct {
	mu    sync.Mutex
	files map[string][]byte
}

// WriteFile implements Writer.
func (m *memory) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	m.files[name] = bytes.Clone(data)
	m.mu.Unlock()
	return nil
}

// Prepare loads the site of cfg and lays it out for serving with opts, reusing prev,
// the preview of the same site before a change (nil: none). The rest of
// the files are made in the background until ctx is done or Close is
// called. If the data has errors it returns them as a diag.List.
func Prepare(ctx context.Context, cfg Config, opts PreviewOptions, prev *Preview) (*Preview, error) {
	start := time.Now()
	clock := &timer{mark: start}
	if cfg.Now.IsZero() {
		cfg.Now = start
	}
	var prevSnap *load.Snapshot
	if prev != nil {
		prevSnap = prev.snap
	}
	snap, problems := load.Reload(cfg.Source, load.Options{Now: cfg.Now}, prevSnap)
	if snap == nil {
		return nil, problems
	}
	clock.phase("load")
	assets := &memory{files: map[string][]byte{}}
	top := &topLevel{Writer: assets, seen: map[string]bool{}}
	var prevStage *stage
	if prev != nil {
		prevStage = prev.st
	}
	st, err := newStage(cfg, opts, snap.Dir, problems, top, prevStage)
	if err != nil {
		return nil, err
	}
	clock.phase("model")
	in, err := st.inputs(snap, opts.Reload)
	if err != nil {
		return nil, err
	}
	st.in = in
	clock.phase("fingerprints")
	pv := &Preview{snap: snap, st: st, in: in, assets: assets.files,
		pages: map[string][]byte{}, reads: map[string]*site.Reads{}, done: make(chan struct{})}
	// A build's output has the manifest for the next build, which serve
	// does not make: its _headers has the same rules all the same.
	top.note(ManifestName)
	// The pages' top-level names: a folder per language and a few files
	// (the pages themselves are made when asked for).
	for _, lang := range st.graph.PageLanguages() {
		top.note(lang + "/")
	}
	for _, p := range st.graph.SpecialPages() {
		top.note(p.Path())
	}
	pv.early = headerRules(top.names(), st.adminCSP)
	clock.phase("headers")
	var prevDone chan struct{}
	if prev != nil {
		prev.mu.Lock()
		for name, b := range prev.pages {
			if r := prev.reads[name]; st.graph.Lookup(name) != nil && in.same(prev.in, r, st.graph) {
				pv.pages[name], pv.reads[name] = b, r
			}
		}
		prev.mu.Unlock()
		pv.Kept = len(pv.pages)
		prevDone = prev.done
	}
	clock.phase("keep")
	pv.Phases = clock.phases

	ctx, pv.cancel = context.WithCancel(ctx)
	go func() {
		defer close(pv.done)
		var prevTerms map[string]search.TermCache
		prevSpill := "" // the previous rest's files, if complete and on disk
		if prevDone != nil {
			// One rest at a time: the previous one stops at its next step
			// once closed, and its search analyses are reused.
			select {
			case <-prevDone:
				prevTerms = prev.terms
				if prev.restErr == nil {
					prevSpill = prev.spill
				}
			case <-ctx.Done():
				pv.restErr = ctx.Err()
				return
			}
		}
		prev = nil // its rest need not stay in memory while this one's is made
		var w Writer
		var prevFiles fs.FS // what a language's search index may be kept from
		files := map[string][]byte{}
		if opts.Spill != "" {
			if pv.spill, pv.restErr = os.MkdirTemp(opts.Spill, "rest-"); pv.restErr != nil {
				return
			}
			w = &spilled{ctx: ctx, dir: pv.spill, names: files, prev: prevSpill}
			if prevSpill != "" {
				prevFiles = publish.NewTree(prevSpill) // removed only once this rest is made (removeOthers)
			}
		} else {
			w = &memory{files: files}
		}
		restTop := &topLevel{Writer: w, seen: maps.Clone(top.seen)}
		rc := &timer{mark: time.Now()}
		terms := &searchTerms{prev: prevTerms, next: map[string]search.TermCache{}}
		pv.restErr = st.writeRest(ctx, restTop, terms, prevFiles, rc)
		pv.rest, pv.restPhases, pv.terms = files, rc.phases, terms.next
		if pv.restErr != nil {
			pv.terms = prevTerms
			return
		}
		h, err := pv.restFile("_headers")
		pv.headers, pv.restErr = ParseHeaders(h), err
		if pv.spill != "" {
			removeOthers(opts.Spill, pv.spill)
		}
	}()
	return pv, nil
}

// ThemeKept tells whether the interface strings and parsed templates are
// the previous preview's: the theme and i18n/ did not change.
func (pv *Preview) ThemeKept() bool { return pv.st.themeKept }

// Problems returns the build's warnings.
func (pv *Preview) Problems() diag.List { return pv.st.problems }

// Patched lists the files loaded again from the previous preview
// (load.Snapshot.Patched): nil after a full load.
func (pv *Preview) Patched() []string { return pv.snap.Patched }

// Close stops making the rest of the files.
func (pv *Preview) Close() { pv.cancel() }

// Wait waits until the rest of the files is made and returns the wall time
// of each step.
func (pv *Preview) Wait(ctx context.Context) ([]Phase, error) {
	select {
	case <-pv.done:
		return pv.restPhases, pv.restErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Pages returns the number of pages of the site.
func (pv *Preview) Pages() int { return pv.st.graph.PageCount() }

// IsPage tells whether name (a path relative to the site root) is a page.
func (pv *Preview) IsPage(name string) bool { return pv.st.graph.Lookup(name) != nil }

// Rendered returns the paths of the pages this preview rendered so far
// (not those kept from the previous one).
func (pv *Preview) Rendered() []string {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	return slices.Clone(pv.rendered)
}

// File returns the file name (a path relative to the site root): a page,
// rendered now unless it was already; an asset; or one of the other files,
// once they are made. ok is false if the site has no such file, and for
// the manifests that only tell the next build what this one was made from
// (ManifestName, which serve does not make; FinderManifestName, which
// names serve's inputs, not a build's).
func (pv *Preview) File(ctx context.Context, name string) (b []byte, ok bool, err error) {
	if name == FinderManifestName {
		return nil, false, nil
	}
	if p := pv.st.graph.Lookup(name); p != nil {
		b, err := pv.page(p, name)
		return b, err == nil, err
	}
	if b, ok := pv.assets[name]; ok {
		return b, true, nil
	}
	if _, err := pv.Wait(ctx); err != nil {
		return nil, false, err
	}
	if _, ok := pv.rest[name]; !ok {
		return nil, false, nil
	}
	b, err = pv.restFile(name)
	return b, err == nil, err
}

// restFile returns one of the rest's files, which exists.
func (pv *Preview) restFile(name string) ([]byte, error) {
	if pv.spill == "" {
		return pv.rest[name], nil
	}
	return os.ReadFile(filepath.Join(pv.spill, filepath.FromSlash(name)))
}

// page returns page p, at path name, rendering it if it was not yet.
func (pv *Preview) page(p *site.Page, name string) ([]byte, error) {
	pv.mu.Lock()
	b, ok := pv.pages[name]
	pv.mu.Unlock()
	if ok {
		return b, nil
	}
	var buf bytes.Buffer
	reads, err := pv.st.r.Render(&buf, pv.st.graph, p)
	if err != nil {
		return nil, err
	}
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if b, ok := pv.pages[name]; ok { // rendered meanwhile by another request
		return b, nil
	}
	pv.pages[name], pv.reads[name] = buf.Bytes(), reads
	pv.rendered = append(pv.rendered, name)
	return buf.Bytes(), nil
}

// Headers returns the headers of the file at urlPath.
func (pv *Preview) Headers(urlPath string) []Header {
	select {
	case <-pv.done:
		if pv.restErr == nil {
			return pv.headers.For(urlPath)
		}
	default:
	}
	return pv.early.For(urlPath)
}
