package build

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// inputs fingerprints what the pages of a build are rendered from, so the
// next build can tell which pages would come out the same and keep them:
// wegweiser serve keeps them in memory (Preview), wegweiser build takes
// them from the previous output (reuser).
//
// Every page may read the site-wide inputs (site.yaml, languages,
// districts, topics, the Markdown pages and their menus, the theme, the
// interface strings, the date, the base URL, for build also the program
// itself): a change to them renders every page again. Beyond those, a
// page reads what its rendering recorded in a site.Reads (render.SiteView
// notes every read of the data as the templates make it, a site's own
// templates included): the files of some providers or course providers,
// all files of a kind, or more than files tell. A page is kept when every
// file it read fingerprints the same.
type inputs struct {
	Global sum `json:"global"` // the site-wide inputs
	// Site is the site-wide inputs a build and serve share: Global
	// without what only one of them adds (stage.inputs).
	Site  sum            `json:"site"`
	Files map[string]sum `json:"files"` // site.ProviderFile / site.CourseFile name → its source
	// Providers and Courses fingerprint all files of a kind together.
	Providers sum `json:"providers"`
	Courses   sum `json:"courses"`
	// Routing fingerprints what the routing core reads of the site's
	// directory (routing.Fingerprint): values it alone makes from the
	// data (site.Routed) are the same when it is.
	Routing sum `json:"routing"`
}

// sum is a SHA-256, written as hex in JSON.
type sum [32]byte

// MarshalText implements encoding.TextMarshaler.
func (s sum) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(s[:])), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *sum) UnmarshalText(b []byte) error {
	if n, err := hex.Decode(s[:], b); err != nil || n != len(s) {
		return fmt.Errorf("not a SHA-256: %.70q", b)
	}
	return nil
}

// fingerprint hashes the JSON encoding of vs.
func fingerprint(vs ...any) (sum, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return sum{}, err
		}
	}
	var s sum
	h.Sum(s[:0])
	return s, nil
}

// filesOf returns the contents of every file of fsys below dir (absent:
// none), for fingerprints.
func filesOf(fsys fs.FS, dir string) map[string][]byte {
	out := map[string][]byte{}
	fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if b, err := fs.ReadFile(fsys, p); err == nil {
				out[p] = b
			}
		}
		return nil
	})
	return out
}

// inputs fingerprints the inputs of the stage's build of snap; more are
// site-wide inputs besides the site's own (serve's live-reload script,
// build's program).
func (st *stage) inputs(snap *load.Snapshot, more ...any) (*inputs, error) {
	in, err := newInputs(snap, st.base, model.DateOf(st.cfg.Now), st.cfg.Edition, st.cfg.Statistics, st.themeSum)
	if err != nil {
		return nil, err
	}
	in.Site = in.Global
	if len(more) > 0 {
		if in.Global, err = fingerprint(append([]any{in.Site}, more...)...); err != nil {
			return nil, err
		}
	}
	in.Routing = routing.Fingerprint(st.graph.Dir) // the directory the site routes in (the public one, unless internal)
	return in, nil
}

// newInputs fingerprints the inputs of a build of snap. A provider or
// course file is fingerprinted by its source (a file that reads the same
// decodes the same, the site-wide data being equal). globals are the
// site-wide inputs besides the directory's own.
func newInputs(snap *load.Snapshot, globals ...any) (*inputs, error) {
	d := snap.Dir
	in := &inputs{Files: map[string]sum{}}
	var err error
	if in.Global, err = fingerprint(append([]any{d.Site, d.Languages, d.Districts, d.Topics, pageInputs(d.Pages), d.Outdated}, globals...)...); err != nil {
		return nil, err
	}
	var providers, courses []sum
	for i := range d.Providers {
		s := sum(snap.Sum(d.Providers[i].File))
		in.Files[site.ProviderFile(d.Providers[i].ID)] = s
		providers = append(providers, s)
	}
	for i := range d.CourseFiles {
		s := sum(snap.Sum(d.CourseFiles[i].File))
		in.Files[site.CourseFile(d.CourseFiles[i].Provider.ID)] = s
		courses = append(courses, s)
	}
	if in.Providers, err = fingerprint(providers); err != nil {
		return nil, err
	}
	if in.Courses, err = fingerprint(courses); err != nil {
		return nil, err
	}
	return in, nil
}

// pageInput is a Markdown page as the fingerprint of the site-wide inputs
// reads it: its text as a SHA-256 (encoded as JSON, the texts of 20,000
// pages took 5 s to fingerprint; hashed, 0.2 s).
type pageInput struct {
	Lang, Path, File string
	Meta             model.PageMeta
	Body             sum
}

// pageInputs returns the pages as the fingerprint reads them.
func pageInputs(pages []model.Page) []pageInput {
	out := make([]pageInput, len(pages))
	for i, p := range pages {
		out[i] = pageInput{p.Lang, p.Path, p.File, p.Meta, sha256.Sum256(p.Body)}
	}
	return out
}

// same tells whether a page that read r when rendered from prev's inputs
// comes out the same from in's, whose site s computes the values r read
// (site.Reads.Values) anew.
func (in *inputs) same(prev *inputs, r *site.Reads, s *site.Site) bool {
	switch {
	case prev == nil || r == nil || r.Everything || prev.Global != in.Global:
		return false
	case r.Providers && prev.Providers != in.Providers:
		return false
	case r.Courses && prev.Courses != in.Courses:
		return false
	}
	for f := range r.Files {
		now, ok := in.Files[f]
		was, ok2 := prev.Files[f]
		if !ok || !ok2 || was != now {
			return false
		}
	}
	if len(r.Values) == 0 || prev.Providers == in.Providers && prev.Courses == in.Courses {
		return true // the values are made from the data files and site-wide data, all the same
	}
	routed := prev.Routing == in.Routing && in.Routing != sum{} // the routing core reads the same
	for name, was := range r.Values {
		if routed && site.Routed(name) {
			continue // made by the routing core from the same: the same value
		}
		if now, ok := s.ValueSum(name); !ok || now != was {
			return false
		}
	}
	return true
}

// ManifestName is the file in a build's output that tells the next build
// what each page was rendered from: the inputs' fingerprints, and for
// each page what it read and the SHA-256 and size of its HTML (see
// encodeManifest); the manifest's modification time tells which pages
// were changed since (see sameFile). It holds page paths and hashes of
// the data files, nothing the site does not publish anyway.
const ManifestName = ".wegweiser/pages.gz"

// manifest is the content of ManifestName.
type manifest struct {
	Inputs *inputs `json:"inputs"`
	// Reads are the records of what pages read, each once: most pages
	// read what others do (a course's page in every language, the
	// advisor lists of one provider), so a national build's 300,000
	// pages have about 10,000 different records, and a page refers to
	// its record by number (pageRecord.Read). Written once each, the
	// manifest is half as long and read and written in half the time.
	Reads []*site.Reads          `json:"reads"`
	Pages map[string]*pageRecord `json:"-"` // page path → what it was made from
	// Count is the number of pages' lines that follow the head, for the
	// reader to make Pages at its size (368,000 pages at national scale,
	// which a map grown entry by entry rehashes again and again:
	// BenchmarkManifest/read 9 % faster, 16 % less memory).
	Count int `json:"pages"`
}

// manifestMagic is the first line of a manifest; a manifest of another
// format (an older program's) is not read, and nothing is kept.
const manifestMagic = "wegweiser pages 3\n"

// manifestChunk is how many pages' lines one gzip member of a manifest
// holds: the members are compressed side by side, and a fixed number
// makes the file the same whatever the number of cores.
const manifestChunk = 8192

// encodeManifest returns the manifest of pages made from in as written
// to ManifestName: gzip, its text the line manifestMagic, a line of JSON
// with the inputs and the records of what pages read, then a line per
// page, sorted by path:
//
//	<SHA-256, hex> <size> <index of its record of reads> <path>
//
// (a path that holds a line break or starts with a double quote written
// as a Go string literal). Equal records of reads are written once each,
// numbered in the order of the pages' paths (the manifest of a build that
// keeps pages is the same as one that renders all): a record kept from
// the previous manifest is shared by the pages that shared it there (by
// pointer); a page rendered has a record of its own, found equal by its
// text. It sets each record's Read.
//
// A national build has 370,000 pages: their lines are made and
// compressed in chunks, side by side (gzip members, which a gzip reader
// reads as one stream), not through encoding/json, which took 1.6
// CPU-seconds on one core to write them and 1.4 to read them back.
func encodeManifest(in *inputs, pages map[string]*pageRecord) ([]byte, error) {
	type page struct {
		name string
		rec  *pageRecord
	}
	sorted := make([]page, 0, len(pages))
	for name, rec := range pages {
		sorted = append(sorted, page{name, rec})
	}
	slices.SortFunc(sorted, func(a, b page) int { return strings.Compare(a.name, b.name) })
	var reads []*site.Reads
	byPtr := map[*site.Reads]int{}
	byKey := map[string]int{}
	var key []byte
	for _, p := range sorted {
		i, ok := byPtr[p.rec.Reads]
		if !ok {
			key = readsKey(key[:0], p.rec.Reads)
			if i, ok = byKey[string(key)]; !ok {
				i = len(reads)
				reads = append(reads, p.rec.Reads)
				byKey[string(key)] = i
			}
			byPtr[p.rec.Reads] = i
		}
		p.rec.Read = i
	}
	head, err := json.Marshal(manifest{Inputs: in, Reads: reads, Count: len(sorted)})
	if err != nil {
		return nil, err
	}
	chunks := make([][]byte, 1+(len(sorted)+manifestChunk-1)/manifestChunk)
	chunks[0] = gzipped(append(append([]byte(manifestMagic), head...), '\n'))
	parallel.Each(len(chunks)-1, func(i int) {
		b := make([]byte, 0, 160*manifestChunk)
		for _, p := range sorted[i*manifestChunk : min(len(sorted), (i+1)*manifestChunk)] {
			b = hex.AppendEncode(b, p.rec.SHA256[:])
			b = append(b, ' ')
			b = strconv.AppendInt(b, p.rec.Size, 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(p.rec.Read), 10)
			b = append(b, ' ')
			if strings.ContainsAny(p.name, "\n\r") || strings.HasPrefix(p.name, `"`) {
				b = strconv.AppendQuote(b, p.name)
			} else {
				b = append(b, p.name...)
			}
			b = append(b, '\n')
		}
		chunks[i+1] = gzipped(b)
	})
	return bytes.Join(chunks, nil), nil
}

// gzipped returns b compressed as one gzip member (fast: the manifest is
// written by every build).
func gzipped(b []byte) []byte {
	var out bytes.Buffer
	z, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed) // a valid level: no error
	z.Write(b)                                        // to memory: no error
	z.Close()
	return out.Bytes()
}

// decodeManifest reads a manifest written by encodeManifest. A manifest
// that is damaged or of another format is an error, as is one whose page
// refers to a record of reads it does not have.
func decodeManifest(r io.Reader) (*manifest, error) {
	z, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(z, 64<<10)
	magic, err := br.ReadString('\n')
	if err != nil || magic != manifestMagic {
		return nil, errors.New("not a page manifest of this program")
	}
	head, err := br.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	m := &manifest{}
	if err := json.Unmarshal(head, m); err != nil {
		return nil, err
	}
	if m.Inputs == nil {
		return nil, errors.New("page manifest: no inputs")
	}
	m.Pages = make(map[string]*pageRecord, min(max(m.Count, 0), 1<<22)) // a damaged count costs no more than 4 M entries
	var recs []pageRecord                                               // allocated a chunk at a time
	for n := 3; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		if len(recs) == cap(recs) {
			recs = make([]pageRecord, 0, manifestChunk)
		}
		recs = recs[:len(recs)+1]
		rec := &recs[len(recs)-1]
		name, ok := parsePageLine(line[:len(line)-1], rec)
		if !ok || rec.Read < 0 || rec.Read >= len(m.Reads) {
			return nil, fmt.Errorf("page manifest: line %d: %.100q", n, line)
		}
		rec.Reads = m.Reads[rec.Read]
		m.Pages[name] = rec
	}
}

// parsePageLine reads a page's line of a manifest (without its line
// break) into rec and returns the page's path.
func parsePageLine(line []byte, rec *pageRecord) (string, bool) {
	field := func() []byte {
		i := bytes.IndexByte(line, ' ')
		if i < 0 {
			return nil
		}
		f := line[:i]
		line = line[i+1:]
		return f
	}
	h := field()
	if len(h) != 2*len(rec.SHA256) {
		return "", false
	}
	if _, err := hex.Decode(rec.SHA256[:], h); err != nil {
		return "", false
	}
	size, err := strconv.ParseInt(string(field()), 10, 64)
	if err != nil || size < 0 {
		return "", false
	}
	read, err := strconv.Atoi(string(field()))
	if err != nil {
		return "", false
	}
	rec.Size, rec.Read = size, read
	name := string(line)
	if strings.HasPrefix(name, `"`) {
		if name, err = strconv.Unquote(name); err != nil {
			return "", false
		}
	}
	return name, name != ""
}

// pageRecord is what one page of a build was made from.
type pageRecord struct {
	SHA256 sum         // of the page as written
	Size   int64       // its length in bytes
	Read   int         // what it read: an index of manifest.Reads
	Reads  *site.Reads // that record
}

// reuser keeps, in a build, the pages of the previous build's output
// that would come out the same (see inputs), checking each against the
// hash the previous build recorded (a page changed by hand since is
// rendered again), and notes what every page of this build read, for the
// next one (ManifestName).
type reuser struct {
	in   *inputs
	site *site.Site // of this build
	prev *manifest  // nil: nothing to keep
	out  fs.FS      // the previous output
	// since is when the previous build wrote its manifest (zero: not
	// known): a page file of that output modified before, of the size
	// recorded, is as that build wrote or kept it (see sameFile).
	since time.Time

	mu    sync.Mutex
	pages map[string]*pageRecord
	kept  int
	// reads holds one record of each kind of reads (by readsKey): the
	// pages rendered share them, and their own become garbage at once
	// (kept until the manifest is written, 368,000 records with their
	// maps were a sixth of a national build's live heap at its end).
	reads map[string]*site.Reads
	// unread tells, for each record of the previous manifest (by its
	// index, pageRecord.Read), that nothing its pages read changed: found
	// once per record (18,000 at national scale), not once per page
	// (368,000).
	unread []bool
}

// newReuser returns the reuser of a build from in, whose site is s, that
// keeps pages of the previous output prev as its manifest pp
// (readPrevious(prev)) records them.
func newReuser(in *inputs, s *site.Site, prev fs.FS, pp previousPages) *reuser {
	// pages is made at its size: grown page by page, it rehashed 370,000
	// entries again and again, under the lock the renderers share.
	r := &reuser{in: in, site: s, out: prev, prev: pp.m, since: pp.since, pages: make(map[string]*pageRecord, s.PageCount()), reads: map[string]*site.Reads{}}
	if r.prev != nil {
		r.unread = make([]bool, len(r.prev.Reads))
		parallel.Each(len(r.unread), func(i int) { r.unread[i] = in.same(r.prev.Inputs, r.prev.Reads[i], s) })
	}
	return r
}

// previousPages is the manifest of the previous output (nil: none, or
// damaged, or of another program: nothing is kept) and when it was
// written (see reuser.since).
type previousPages struct {
	m     *manifest
	since time.Time
}

// readPrevious reads the manifest of the previous output prev (nil:
// none) in the background, while the site loads (0.6 seconds at national
// scale, which does not depend on the site), and returns the function
// that waits for it.
func readPrevious(prev fs.FS) func() previousPages {
	if prev == nil {
		return func() previousPages { return previousPages{} }
	}
	done := make(chan previousPages, 1) // not waited for if the load fails
	go func() {
		var pp previousPages
		defer func() { done <- pp }()
		f, err := prev.Open(ManifestName)
		if err != nil {
			return
		}
		defer f.Close()
		if pp.m, err = decodeManifest(f); err != nil {
			pp.m = nil
			return
		}
		if fi, err := f.Stat(); err == nil {
			pp.since = fi.ModTime()
		}
	}()
	return sync.OnceValue(func() previousPages { return <-done })
}

// keep returns the previous build's page at name if nothing it read
// changed and the file is as that build wrote it.
func (r *reuser) keep(name string) ([]byte, bool) {
	rec := r.unchanged(name)
	if rec == nil {
		return nil, false
	}
	b, ok := r.read(name)
	if ok {
		r.note(name, rec)
	}
	return b, ok
}

// intact is the check of a page rec records, for a writer that takes the
// previous output's file as it is (a keeper): the file is checked by its
// size and time (sameContent), or else through a small buffer instead of
// being read into memory (5 GB of pages at national scale).
func (r *reuser) intact(rec *pageRecord, buf []byte) intactFunc {
	return func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool {
		return sameContent(fi, open, rec.SHA256, rec.Size, r.since, buf)
	}
}

// read returns the previous build's page at name if the file is as that
// build wrote it.
func (r *reuser) read(name string) ([]byte, bool) {
	rec := r.prev.Pages[name]
	b, err := fs.ReadFile(r.out, name)
	if err != nil || rec == nil || sha256.Sum256(b) != rec.SHA256 {
		return nil, false
	}
	return b, true
}

// unchanged returns the previous build's record of the page at name if
// nothing the page read changed since.
func (r *reuser) unchanged(name string) *pageRecord {
	if r.prev == nil {
		return nil
	}
	rec := r.prev.Pages[name]
	if rec == nil || !r.unread[rec.Read] {
		return nil
	}
	return rec
}

// note notes a page kept from the previous build.
func (r *reuser) note(name string, rec *pageRecord) {
	r.mu.Lock()
	r.pages[name] = rec
	r.kept++
	r.mu.Unlock()
}

// rendered notes a page rendered by this build and what it read (the
// record of the first page that read the same: see reuser.reads).
func (r *reuser) rendered(name string, b []byte, reads *site.Reads) {
	rec := &pageRecord{SHA256: sha256.Sum256(b), Size: int64(len(b)), Reads: reads}
	var buf [256]byte
	key := readsKey(buf[:0], reads)
	r.mu.Lock()
	if same, ok := r.reads[string(key)]; ok {
		rec.Reads = same
	} else {
		r.reads[string(key)] = reads
	}
	r.pages[name] = rec
	r.mu.Unlock()
}

// write writes the manifest of this build to w.
func (r *reuser) write(w Writer) error {
	b, err := encodeManifest(r.in, r.pages)
	if err != nil {
		return err
	}
	return w.WriteFile(ManifestName, b)
}

// readsKey appends to b a text that is the same for two records exactly
// when they record the same reads.
func readsKey(b []byte, r *site.Reads) []byte {
	if r == nil {
		return append(b, "nil"...)
	}
	for _, f := range []bool{r.Everything, r.Providers, r.Courses} {
		b = strconv.AppendBool(b, f)
		b = append(b, ' ')
	}
	for _, f := range slices.Sorted(maps.Keys(r.Files)) {
		if r.Files[f] {
			b = append(b, "\x00f"...)
			b = append(b, f...)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Values)) {
		b = append(b, "\x00v"...)
		b = append(b, name...)
		b = append(b, 0)
		b = append(b, r.Values[name]...)
	}
	return b
}

// programSum fingerprints the running program: a page of the previous
// build is kept only if the same program rendered it (its templates and
// the Go code behind them are part of what a page is made from). The
// program does not change while it runs, so it is hashed once per
// process, a constant computed on first use.
var programSum = sync.OnceValues(func() (sum, error) {
	exe, err := os.Executable()
	if err != nil {
		return sum{}, err
	}
	f, err := os.Open(exe)
	if err != nil {
		return sum{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum{}, err
	}
	var s sum
	h.Sum(s[:0])
	return s, nil
})
