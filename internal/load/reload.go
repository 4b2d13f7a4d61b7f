package load

import (
	"crypto/sha256"
	"io"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// A Snapshot is a successful load kept for the next one in the same
// process (wegweiser serve). Reload, given the snapshot of the last load,
// decodes again only the provider and course files whose size or
// modification time changed, and checks only them: the checks of one file
// and those across files that concern it (unique ids, references). The
// warnings of the other files are carried over. Everything else (site.yaml,
// languages, districts, topics, a file added or removed) is read again in
// full, as is any change that brings an error, so errors are reported
// exactly as Load reports them.
//
// A snapshot is read-only: the next snapshot shares the values of the
// files that did not change.
type Snapshot struct {
	// Dir is the loaded directory.
	Dir *model.Directory
	// Problems are the load's warnings, sorted.
	Problems diag.List

	stamps  map[string]stamp    // the files read → size and modification time or SHA-256 (see stampsOf)
	taken   time.Time           // when the stamps were taken
	sums    map[string][32]byte // data file, Markdown page → SHA-256 of its source
	opts    Options
	defLang string
	// bySum says the stamps are the files' SHA-256, not their size and
	// time: a snapshot kept on disk between processes (Resume).
	bySum bool
	// Patched lists the files this snapshot decoded again from the
	// previous one; nil when it was loaded in full.
	Patched []string
	// lines are the JSON lines of the provider files, then of the course
	// files, that a snapshot read back from disk was decoded from
	// (ReadSnapshot), in the order of Dir.Providers and Dir.CourseFiles;
	// nil for a file decoded again since (patch), and nil in full after
	// a full load. Save writes a file's line as it was read instead of
	// encoding its values again: they are what the line decodes to.
	lines [][]byte
}

// stamp tells whether a file may have changed: by its size and
// modification time (Reload), or by its size and SHA-256 (Resume). A file
// counted by name only has the zero stamp; one that cannot be read size
// -1.
type stamp struct {
	size int64
	mod  time.Time
	sum  [32]byte
}

// Sum returns the SHA-256 of the source of a provider or course file (its
// path relative to the site), as loaded; a file whose sum did not change
// decoded to the same values.
func (s *Snapshot) Sum(file string) [32]byte { return s.sums[file] }

// Reload loads the site in fsys like Load, reusing prev, the snapshot of
// the last load of the same site, where its files did not change (nil:
// none). It returns the new snapshot, or nil and all problems if the site
// has errors.
func Reload(fsys fs.FS, opts Options, prev *Snapshot) (*Snapshot, diag.List) {
	return reload(fsys, opts, prev, false)
}

// reload is Reload, with the files stamped by their SHA-256 if bySum
// (Resume; prev, if not nil, was stamped so too).
func reload(fsys fs.FS, opts Options, prev *Snapshot, bySum bool) (*Snapshot, diag.List) {
	opts = opts.normal()
	taken := time.Now()
	ls := list(fsys)
	stamps := stampsOf(fsys, ls, bySum) // before reading: a file changed meanwhile is read again next time
	// A link or other irregular entry anywhere is reported by a full load.
	if prev != nil && model.DateOf(prev.opts.Now) == model.DateOf(opts.Now) && prev.opts.StaleDays == opts.StaleDays && len(checkTree(ls)) == 0 {
		if s, ok := prev.patch(fsys, opts, stamps, ls); ok {
			s.taken = taken
			return s, s.Problems
		}
	}
	l := loadAll(fsys, opts, true, ls)
	if l.problems.Errors() > 0 {
		return nil, l.problems
	}
	return &Snapshot{Dir: l.dir, Problems: l.problems, stamps: stamps, taken: taken, sums: l.sums, opts: opts, defLang: l.defLang, bySum: bySum}, l.problems
}

// stampsOf stamps the files a load reads: the data files and the Markdown
// pages, by size and time, or by size and SHA-256 if bySum. Other files
// count by name only (the loader warns about unknown files in data/);
// hidden files, which the loader skips, do not count.
func stampsOf(fsys fs.FS, ls listing, bySum bool) map[string]stamp {
	out := map[string]stamp{}
	var read []string // stamped by their content, after the listing
	add := func(p string, e fs.DirEntry, reads bool) {
		if !reads {
			out[p] = stamp{}
		} else if bySum {
			read = append(read, p)
		} else if info, err := e.Info(); err == nil {
			out[p] = stamp{size: info.Size(), mod: info.ModTime()}
		} else {
			out[p] = stamp{size: -1} // unreadable: never equal to a readable one
		}
	}
	entries, _ := fs.ReadDir(fsys, "data")
	for _, e := range entries {
		p := "data/" + e.Name()
		switch {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir() && (e.Name() == "providers" || e.Name() == "courses"):
			files, _ := fs.ReadDir(fsys, p)
			for _, f := range files {
				if !f.IsDir() && !strings.HasPrefix(f.Name(), ".") {
					add(p+"/"+f.Name(), f, isDataFile(p+"/"+f.Name(), p))
				}
			}
		default:
			add(p, e, !e.IsDir())
		}
	}
	for _, e := range ls.tree("content") {
		if e.err == nil && !e.entry.IsDir() && strings.HasSuffix(e.path, ".md") {
			add(e.path, e.entry, true)
		}
	}
	stamps := make([]stamp, len(read))
	parallel.Each(len(read), func(i int) { stamps[i] = sumStamp(fsys, read[i]) })
	for i, p := range read {
		out[p] = stamps[i]
	}
	return out
}

// sumStamp stamps file by its size and SHA-256.
func sumStamp(fsys fs.FS, file string) stamp {
	f, err := fsys.Open(file)
	if err != nil {
		return stamp{size: -1}
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return stamp{size: -1}
	}
	st := stamp{size: n}
	h.Sum(st.sum[:0])
	return st
}

// patch returns the snapshot for the files now stamped stamps, made from
// s by decoding again the provider and course files that changed and
// reading the Markdown pages again if any changed. ok is false when that
// is not enough (site-wide files changed, files came or went) or the
// change brings an error: then the site is loaded in full.
func (s *Snapshot) patch(fsys fs.FS, opts Options, stamps map[string]stamp, ls listing) (next *Snapshot, ok bool) {
	if len(stamps) != len(s.stamps) {
		return nil, false
	}
	var changed []string
	content := false
	for file, st := range stamps {
		was, ok := s.stamps[file]
		switch {
		case !ok:
			return nil, false // a file came (and another went)
		case was == st && !s.racy(fsys, file, st):
		case strings.HasPrefix(file, "content/"):
			content = true
		case isDataFile(file, "data/providers") || isDataFile(file, "data/courses"):
			changed = append(changed, file)
		default:
			return nil, false // site-wide data
		}
	}
	if len(changed) == 0 && !content {
		next := *s
		next.stamps, next.Patched = stamps, []string{}
		return &next, true
	}
	slices.Sort(changed)

	d := *s.Dir // the files that did not change keep their values
	d.Providers, d.CourseFiles = slices.Clone(d.Providers), slices.Clone(d.CourseFiles)
	l := newLoader(fsys, opts, ls)
	l.dir, l.defLang, l.sums = &d, s.defLang, maps.Clone(s.sums)
	l.fresh = map[any]bool{}
	d.Outdated = maps.Clone(d.Outdated) // the previous snapshot's pages may still read it
	l.readSums()
	l.comparesTranslations()
	l.langs = map[string]bool{}
	for _, lang := range d.Languages {
		l.langs[lang.Code] = true
	}
	var roots []reflect.Value // the values decoded again
	// redo decodes file again into ptr (a provider or course file of d),
	// marks what it owns and checks it on its own.
	redo := func(file string, ptr any, own func(ok bool), check func()) {
		l.fresh[ptr] = true
		root := reflect.ValueOf(ptr).Elem()
		root.SetZero()
		own(l.merge(l.decodeFile(file, ptr, true)))
		roots = append(roots, root)
		check()
	}
	lines := slices.Clone(s.lines) // those of the files decoded again are dropped
	drop := func(i int) {
		if i < len(lines) {
			lines[i] = nil
		}
	}
	for _, file := range changed {
		if i := slices.IndexFunc(d.Providers, func(p model.Provider) bool { return p.File == file }); i >= 0 {
			p := &d.Providers[i]
			redo(file, p, func(ok bool) { l.own(p, file, ok) }, func() { l.checkProvider(p) })
			drop(i)
		} else if i := slices.IndexFunc(d.CourseFiles, func(f model.CourseFile) bool { return f.File == file }); i >= 0 {
			f := &d.CourseFiles[i]
			redo(file, f, func(ok bool) { l.ownCourses(f, file, ok) }, func() { l.checkCourseFile(f) })
			drop(len(d.Providers) + i)
		} else {
			return nil, false // a file that failed to decode before
		}
	}
	if content {
		d.Pages = nil
		l.readPages()
	}
	// Across files: ids must stay unique (the unchanged files have no
	// positions here, so a clash is an error and the site is loaded in
	// full to report it); references of the changed values; their texts.
	l.checkIDs()
	for _, root := range roots {
		l.checkRefs(root)
		l.checkTexts(root)
	}
	if l.problems.Errors() > 0 {
		return nil, false
	}
	kept := make(diag.List, 0, len(s.Problems)+len(l.problems)) // room for the merge
	for _, p := range s.Problems {
		if !slices.Contains(changed, p.File) && !(content && strings.HasPrefix(p.File, "content/")) {
			kept = append(kept, p)
		}
	}
	problems := diag.Merge(kept, l.problems)
	d.Index()
	patched := changed
	if content {
		patched = append(patched, "content/")
	}
	return &Snapshot{Dir: &d, Problems: problems, stamps: stamps, sums: l.sums, opts: opts, defLang: s.defLang, bySum: s.bySum, Patched: patched, lines: lines}, true
}

// racyWindow is the coarsest modification time of the file systems
// served from (FAT: 2 s).
const racyWindow = 2 * time.Second

// racy tells whether file, stamped st like when s was taken, may still
// have changed: a file written in the same tick as s was stamped, once
// before and once after, keeps its size and time. Such a file counts as
// changed if its source differs from the one loaded (the remedy of Git's
// "racy clean" entries). A file stamped by its SHA-256 is never racy.
func (s *Snapshot) racy(fsys fs.FS, file string, st stamp) bool {
	if s.bySum || st.size <= 0 || st.mod.Before(s.taken.Add(-racyWindow)) {
		return false
	}
	sum, ok := s.sums[file]
	if !ok {
		return true
	}
	src, err := fs.ReadFile(fsys, file)
	return err != nil || sha256.Sum256(src) != sum
}

// isDataFile tells whether file is a .yaml or .yml file directly in dir.
func isDataFile(file, dir string) bool {
	ext := path.Ext(file)
	return path.Dir(file) == dir && (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(path.Base(file), ".")
}
