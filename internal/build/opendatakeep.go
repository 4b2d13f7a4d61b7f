package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/export"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/publish"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// OpenDataManifestName is the file in a build's output that lets the next
// build keep each data file's share of the open data when the file (and
// the site-wide data the share reads) did not change: of each language's
// HSDS export (export.EncodeHSDS) and of the dump (export.EncodeDump).
// For each it holds the SHA-256 of the files, and for each data file the
// fingerprint of its source and where its share is; an HSDS export also
// the fingerprint of the site-wide data it reads (site.yaml, the
// languages, the districts, the base URL, the day). After a one-provider
// change only that provider's entries are made and encoded again; the
// others are copied from the previous files (see docs/open-data.md).
const OpenDataManifestName = ".wegweiser/opendata.json"

// openDataManifest is the content of OpenDataManifestName.
type openDataManifest struct {
	Program sum                    `json:"program"`           // the program that wrote the files
	HSDS    map[string]*hsdsRecord `json:"hsds"`              // language → its export
	Dump    *dumpRecord            `json:"dump"`              // data/directory.json
	Changes *changesRecord         `json:"changes,omitempty"` // data/changes.json (none before 2026-12-04)
}

// changesRecord is the change state (data/changes.json) as a build wrote
// it, whose entries' hashes the next build takes for the data files that
// did not change (openDataKeeper.hashes).
type changesRecord struct {
	File sum   `json:"file"` // SHA-256
	Size int64 `json:"size"`
}

// dumpRecord is the dump as a build wrote it.
type dumpRecord struct {
	// Global is as an HSDS export's: an entry does not read the
	// site-wide data, but a file is decoded with it (a text given as a
	// plain string is in the default language).
	Global sum                  `json:"global"`
	File   sum                  `json:"file"` // SHA-256
	Size   int64                `json:"size"`
	Shares map[string]dumpShare `json:"shares"` // data file → its entry
}

// dumpShare is a data file's entry in the dump: the fingerprint of the
// file's source and the entry's offset and length.
type dumpShare struct {
	Sum  sum    `json:"sum"`
	Span [2]int `json:"span"`
}

// hsdsRecord is one language's HSDS export as a build wrote it.
type hsdsRecord struct {
	Global sum                  `json:"global"` // the site-wide data the export reads (openDataKeeper.global)
	Files  map[string]sum       `json:"files"`  // name below data/hsds/{lang}/ → SHA-256
	Sizes  map[string]int64     `json:"sizes"`  // and → size
	Shares map[string]hsdsShare `json:"shares"` // data file (site.ProviderFile, site.CourseFile) → its share
}

// hsdsShare is a data file's share of an export: the fingerprint of the
// file's source (inputs.Files) and, per file of export.HSDSFileNames,
// the offset and length of its entries.
type hsdsShare struct {
	Sum   sum       `json:"sum"`
	Spans [4][2]int `json:"spans"`
}

// openDataKeeper keeps the shares of the previous output's HSDS exports
// and dump whose inputs are the same, and notes this build's.
type openDataKeeper struct {
	prev   fs.FS   // the previous output; nil: keep nothing
	in     *inputs // this build's; nil: keep nothing, note nothing
	global sum     // the site-wide data an export reads
	was    openDataManifest
	since  time.Time // when the previous build wrote its manifest (zero: not known)
	mu     sync.Mutex
	now    openDataManifest
}

// newOpenDataKeeper reads the previous build's open data manifest from
// prev (nil, or none: nothing is kept; a damaged one is ignored). in are
// the inputs of this build (nil: none known, nothing is kept or noted),
// whose open data is made from the public directory d with links to base
// on the day today.
func newOpenDataKeeper(prev fs.FS, in *inputs, d *model.Directory, base string, today model.Date) *openDataKeeper {
	k := &openDataKeeper{now: openDataManifest{HSDS: map[string]*hsdsRecord{}}}
	program, err := programSum()
	if err != nil || in == nil {
		return k
	}
	// What a share reads besides its own file (export.Source), and the
	// site-wide data a file is decoded with (the default language).
	global, err := fingerprint(d.Site, d.Languages, d.Districts, base, today)
	if err != nil {
		return k
	}
	k.in, k.global, k.now.Program = in, global, program
	if prev == nil {
		return k
	}
	if since, ok := readManifest(prev, OpenDataManifestName, &k.was); ok && k.was.Program == program {
		k.prev, k.since = prev, since
	}
	return k
}

// shareFile names the data file of a share as inputs.Files does.
func shareFile(src export.Source) string {
	if src.Courses {
		return site.CourseFile(src.ID)
	}
	return site.ProviderFile(src.ID)
}

// previous is what a build read of one previous export (an HSDS export
// or the dump): its files, each as that build wrote it.
type previous struct {
	files  map[string][]byte // output name → its bytes
	sums   map[string]sum    // output name → SHA-256
	mapped []*publish.Mapped // the files mapped into memory (read), until close
}

// close unmaps the previous files p read (nil p: none). Nothing that
// refers to them may be used after: the export made with p is written.
// Each export's are unmapped once it is written, so that at most one
// language's (54 MB at national scale) and the dump's (77 MB) are
// mapped at a time, and counted in the process's resident memory.
func (p *previous) close() {
	if p == nil {
		return
	}
	for _, f := range p.mapped {
		f.Close()
	}
	p.mapped, p.files = nil, nil
}

// same reports whether the file made of parts is the previous file name
// byte for byte (nil p: none), and its SHA-256 if so: such a file is
// kept (linked), not written or hashed again. After a one-provider
// change, most of the HSDS files are: an office's phone number is in
// locations.json alone.
func (p *previous) same(name string, parts [][]byte) (sum, bool) {
	if p == nil {
		return sum{}, false
	}
	b, ok := p.files[name]
	if !ok || !sameParts(b, parts) {
		return sum{}, false
	}
	return p.sums[name], true
}

// sameParts reports whether b is the parts, one after another.
func sameParts(b []byte, parts [][]byte) bool {
	n := 0
	for _, part := range parts {
		n += len(part)
	}
	if n != len(b) {
		return false
	}
	for _, part := range parts {
		if !bytes.Equal(b[:len(part)], part) {
			return false
		}
		b = b[len(part):]
	}
	return true
}

// sum returns the SHA-256 of a file this build made of parts, and its
// size; the SHA-256 taken from p if the file is the same as before.
func (p *previous) sum(name string, parts [][]byte) (sum, int64) {
	var size int64
	for _, part := range parts {
		size += int64(len(part))
	}
	if s, ok := p.same(name, parts); ok {
		return s, size
	}
	h := sha256.New()
	for _, part := range parts {
		h.Write(part)
	}
	return sum(h.Sum(nil)), size
}

// hsds returns lang's previous export (nil if none can be kept: other
// site-wide inputs, a file missing or not as that build wrote it) and
// what export.EncodeHSDS may keep of it, for shares of sources (nil:
// nothing).
func (k *openDataKeeper) hsds(lang string, sources []export.Source) (*previous, func(i int) ([4][]byte, bool)) {
	rec := k.was.HSDS[lang]
	if k.prev == nil || rec == nil || rec.Global != k.global {
		return nil, nil
	}
	p := &previous{files: map[string][]byte{}, sums: map[string]sum{}}
	var files [4][]byte
	for j, name := range export.HSDSFileNames {
		full := hsdsDir(lang) + name
		if files[j] = k.read(p, full, rec.Files[name], rec.Sizes[name]); files[j] == nil {
			p.close()
			return nil, nil
		}
		p.files[full], p.sums[full] = files[j], rec.Files[name]
	}
	return p, func(i int) ([4][]byte, bool) {
		var out [4][]byte
		name := shareFile(sources[i])
		sh, ok := rec.Shares[name]
		if !ok || sh.Sum != k.in.Files[name] {
			return out, false
		}
		for j, s := range sh.Spans {
			if out[j], ok = cut(files[j], s); !ok {
				return out, false
			}
		}
		return out, true
	}
}

// unchanged returns lang's previous file export.HSDSFileNames[j] (prev:
// the previous export, nil: none) if this export's shares are in it
// where and as they were: the file would come out byte for byte the
// same, and is kept without being put together again (after an
// office's phone number changed, every file but locations.json). A share
// kept from that file is a part of it, so comparing it costs nothing.
func (k *openDataKeeper) unchanged(lang string, j int, sources []export.Source, shares [][4][]byte, spans [][4]export.Span, prev *previous) []byte {
	if prev == nil {
		return nil
	}
	rec := k.was.HSDS[lang]
	was := prev.files[hsdsDir(lang)+export.HSDSFileNames[j]]
	if rec == nil || was == nil || len(rec.Shares) != len(sources) {
		return nil
	}
	end := 1 // after "["
	for i, src := range sources {
		sh, ok := rec.Shares[shareFile(src)]
		s := [2]int{spans[i][j].Off, spans[i][j].Len}
		if !ok || sh.Spans[j] != s {
			return nil
		}
		if b, ok := cut(was, s); !ok || !bytes.Equal(b, shares[i][j]) {
			return nil
		}
		if s[1] > 0 {
			end = s[0] + s[1]
		}
	}
	if len(was) != end+2 { // "]\n"
		return nil
	}
	return was
}

// hsdsDir is the folder of lang's HSDS export in the output.
func hsdsDir(lang string) string { return "data/hsds/" + lang + "/" }

// read returns the file name of the previous output if it is as that
// build wrote it (SHA-256 want, size bytes), else nil: mapped into memory
// if the output can (a publish.Tree; p unmaps it on close), else read.
// Like a kept page (sameContent), a regular file of that size modified before the previous
// manifest was written is taken as it is without hashing it (at national
// scale 600 MB, a CPU-second); any other is hashed.
func (k *openDataKeeper) read(p *previous, name string, want sum, size int64) []byte {
	if m, ok := k.prev.(mapper); ok {
		f, err := m.Map(name)
		if err != nil {
			return nil
		}
		p.mapped = append(p.mapped, f)
		return k.intact(f.Data, f.Info, want, size)
	}
	fi, err := fs.Lstat(k.prev, name) // a symbolic link is not taken on its target's word
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	b, err := fs.ReadFile(k.prev, name)
	if err != nil {
		return nil
	}
	return k.intact(b, fi, want, size)
}

// mapper is a previous output whose files can be mapped into memory
// (publish.Tree): at national scale the open data a rebuild reads to keep
// what did not change is 500 MB, which read would be copied into new
// buffers, each cleared first and later collected.
type mapper interface {
	Map(name string) (*publish.Mapped, error)
}

// intact returns b, the content of a previous file (fi), if it is as the
// previous build wrote it (SHA-256 want, size bytes), else nil.
func (k *openDataKeeper) intact(b []byte, fi fs.FileInfo, want sum, size int64) []byte {
	stamped := size > 0 && fi.Size() == size && int64(len(b)) == size && !k.since.IsZero() && fi.ModTime().Before(k.since)
	if !stamped && sha256.Sum256(b) != want {
		return nil
	}
	return b
}

// cut returns the span s (offset, length) of b, if b has it.
func cut(b []byte, s [2]int) ([]byte, bool) {
	off, n := s[0], s[1]
	if off < 0 || n < 0 || off > len(b)-n {
		return nil, false // not what that build wrote
	}
	return b[off : off+n], true
}

// dump returns the previous dump (nil if none can be kept) and what
// export.EncodeDump may keep of it, for entries of sources (nil: nothing).
func (k *openDataKeeper) dump(sources []export.Source) (*previous, func(i int) ([]byte, bool)) {
	rec := k.was.Dump
	if k.prev == nil || rec == nil || rec.Global != k.global {
		return nil, nil
	}
	p := &previous{}
	b := k.read(p, dumpName, rec.File, rec.Size)
	if b == nil {
		p.close()
		return nil, nil
	}
	p.files, p.sums = map[string][]byte{dumpName: b}, map[string]sum{dumpName: rec.File}
	return p, func(i int) ([]byte, bool) {
		name := shareFile(sources[i])
		sh, ok := rec.Shares[name]
		if !ok || sh.Sum != k.in.Files[name] {
			return nil, false
		}
		return cut(b, sh.Span)
	}
}

// dumpName is the dump's file in the output.
const dumpName = "data/directory.json"

// changesName is the change state's file in the output.
const changesName = "data/changes.json"

// hashes returns what export.HashesOf may take from the previous
// output's change state: the hash of an entry of a data file of sources
// that did not change since (as the dump's shares tell: the same source,
// decoded with the same site-wide data by the same program), as that
// build recorded it; nil if there is no such state, or it is not as that
// build wrote it.
func (k *openDataKeeper) hashes(sources []export.Source) func(src int, key string) (string, bool) {
	rec, dump := k.was.Changes, k.was.Dump
	if k.prev == nil || rec == nil || dump == nil || dump.Global != k.global {
		return nil
	}
	p := &previous{}
	b := k.read(p, changesName, rec.File, rec.Size)
	var prev export.Changes
	err := json.Unmarshal(b, &prev) // copies what it keeps
	p.close()
	if b == nil || err != nil {
		return nil
	}
	return func(src int, key string) (string, bool) {
		name := shareFile(sources[src])
		if sh, ok := dump.Shares[name]; !ok || sh.Sum != k.in.Files[name] {
			return "", false
		}
		c, ok := prev[key]
		if !ok || c.What == "removed" || c.Hash == "" {
			return "", false
		}
		return c.Hash, true
	}
}

// madeChanges notes this build's change state b.
func (k *openDataKeeper) madeChanges(b []byte) {
	if k.in == nil {
		return
	}
	k.mu.Lock()
	k.now.Changes = &changesRecord{File: sha256.Sum256(b), Size: int64(len(b))}
	k.mu.Unlock()
}

// madeDump notes this build's dump: its bytes and the spans of the
// entries of sources.
func (k *openDataKeeper) madeDump(sources []export.Source, parts [][]byte, spans []export.Span, prev *previous) {
	if k.in == nil {
		return
	}
	rec := &dumpRecord{Global: k.global, Shares: make(map[string]dumpShare, len(sources))}
	rec.File, rec.Size = prev.sum(dumpName, parts)
	for i, src := range sources {
		name := shareFile(src)
		rec.Shares[name] = dumpShare{Sum: k.in.Files[name], Span: [2]int{spans[i].Off, spans[i].Len}}
	}
	k.mu.Lock()
	k.now.Dump = rec
	k.mu.Unlock()
}

// made notes lang's export of this build: its files (the same as prev's
// or not) and the spans of the shares of sources.
func (k *openDataKeeper) made(lang string, sources []export.Source, files map[string][][]byte, spans [][4]export.Span, prev *previous) {
	if k.in == nil {
		return
	}
	rec := &hsdsRecord{Global: k.global, Files: map[string]sum{}, Sizes: map[string]int64{}, Shares: make(map[string]hsdsShare, len(sources))}
	for _, name := range export.HSDSFileNames {
		rec.Files[name], rec.Sizes[name] = prev.sum(hsdsDir(lang)+name, files[name])
	}
	for i, src := range sources {
		name := shareFile(src)
		sh := hsdsShare{Sum: k.in.Files[name]}
		for j, s := range spans[i] {
			sh.Spans[j] = [2]int{s.Off, s.Len}
		}
		rec.Shares[name] = sh
	}
	k.mu.Lock()
	k.now.HSDS[lang] = rec
	k.mu.Unlock()
}

// write writes this build's open data manifest to w (none without
// inputs).
func (k *openDataKeeper) write(w Writer) error {
	if k.in == nil {
		return nil
	}
	b, err := json.Marshal(k.now)
	if err != nil {
		return err
	}
	return w.WriteFile(OpenDataManifestName, b)
}
