package build

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"io/fs"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/search"
)

// SearchManifestName is the file in a build's output that lets the next
// build keep a language's search index as it is when what the index is
// made from did not change: per language, the fingerprint of the program,
// the documents and the facet labels, and the SHA-256 of each file of the
// index (JSON). A change that no search document shows (a phone number,
// opening hours) then costs no search index: 12 s of a national rebuild.
const SearchManifestName = ".wegweiser/search.json"

// searchManifest is the content of SearchManifestName: language → index.
type searchManifest map[string]*searchRecord

// searchRecord is one language's index as a build made it: its files
// are below search/{lang}/.
type searchRecord struct {
	Sum       sum `json:"sum"` // of what the index is made from
	fileGroup     // the files (sizes: none in manifests before 2026-12-04, not known)
}

// fileGroup is a group of files a build writes together and the next
// keeps together or not at all (a language's search index or course
// finder data): each one's SHA-256 and size by its name below the group's
// folder.
type fileGroup struct {
	Files map[string]sum   `json:"files"`
	Sizes map[string]int64 `json:"sizes"`
}

// groupOf returns the record of files written.
func groupOf(files map[string][]byte) fileGroup {
	g := fileGroup{Files: make(map[string]sum, len(files)), Sizes: make(map[string]int64, len(files))}
	for name, b := range files {
		g.Files[name], g.Sizes[name] = sha256.Sum256(b), int64(len(b))
	}
	return g
}

// keepGroup takes the files of g below dir from the previous output prev
// into k if every one is as the build that recorded g wrote it (told as a
// kept page's is, by its size and time, else by its SHA-256: see
// sameContent; since is when that build wrote its manifest). Each file is
// linked first and looked at once, after, under its new name, as a kept
// page is (publish.Dir.Keep): what is checked is what stays linked. It
// reports whether it kept them all; if not, the caller writes the files,
// and those already taken are replaced (a writer never writes into one).
func keepGroup(k keeper, dir string, g fileGroup, since time.Time) (bool, error) {
	buf := make([]byte, 32<<10)
	for name, want := range g.Files {
		// The names come from the previous output: only names below dir
		// are taken.
		if !fs.ValidPath(name) {
			return false, nil
		}
		size := g.Sizes[name]
		intact := func(fi fs.FileInfo, open func() (io.ReadCloser, error)) bool {
			return sameContent(fi, open, want, size, since, buf)
		}
		if kept, err := k.Keep(dir+name, intact); !kept || err != nil {
			return false, err
		}
	}
	return true, nil
}

// searchKeeper keeps the search indexes of the previous output whose
// inputs are the same (see SearchManifestName), and notes this build's.
type searchKeeper struct {
	k       keeper                    // nil: keep nothing
	was     searchManifest            // the previous build's
	now     byLanguage[*searchRecord] // this build's
	program sum
	ok      bool      // the program could be fingerprinted
	since   time.Time // when the previous build wrote its manifest (zero: not known)
}

// newSearchKeeper reads the previous build's search manifest from prev
// (nil, or none: nothing is kept; a damaged one is ignored). w keeps the
// files if it is a keeper.
func newSearchKeeper(prev fs.FS, w Writer) *searchKeeper {
	program, err := programSum()
	sk := &searchKeeper{now: byLanguage[*searchRecord]{m: searchManifest{}}, program: program, ok: err == nil}
	k := keeperOf(w)
	if prev == nil || k == nil || !sk.ok {
		return sk
	}
	b, err := fs.ReadFile(prev, SearchManifestName)
	if err != nil || json.Unmarshal(b, &sk.was) != nil {
		return sk
	}
	sk.k = k
	if fi, err := fs.Stat(prev, SearchManifestName); err == nil {
		sk.since = fi.ModTime()
	}
	return sk
}

// fingerprint returns the fingerprint of a language's index made from
// docs and labels (false if it cannot be made: then nothing is kept). The
// documents are written into the hash a few at a time (appendDoc), not
// encoded at once (a national language's documents were a buffer of
// tens of MB) nor as JSON (reflection took 1.4 of a one-provider
// rebuild's CPU-seconds).
func (sk *searchKeeper) fingerprint(lang string, docs []search.Doc, labels map[string]string) (sum, bool) {
	if !sk.ok {
		return sum{}, false
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	if enc.Encode(sk.program) != nil || enc.Encode(lang) != nil || enc.Encode(labels) != nil {
		return sum{}, false
	}
	var buf []byte
	for i := range docs {
		if buf = appendDoc(buf, &docs[i]); len(buf) > 32<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	var s sum
	h.Sum(s[:0])
	return s, true
}

// appendDoc appends every field of d to b, each string and list
// preceded by its length, so that different documents never append the
// same bytes. TestAppendDocCoversDoc fails for a field of search.Doc or
// search.Part left out.
func appendDoc(b []byte, d *search.Doc) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	strs := func(ss []string) {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	for _, s := range [...]string{d.Key, d.Kind, d.URL, d.Title, d.TitleLang, d.Snippet, d.District, d.Program, d.Type} {
		str(s)
	}
	strs(d.Languages)
	strs(d.Tags)
	b = binary.AppendUvarint(b, uint64(len(d.Parts)))
	for _, p := range d.Parts {
		str(p.Text)
		str(p.Lang)
		b = binary.AppendVarint(b, int64(p.Weight))
	}
	return b
}

// keep takes the previous build's index of lang into the output if it was
// made from the same (fp) and every file is as that build wrote it
// (keepGroup). It reports whether it did.
func (sk *searchKeeper) keep(lang string, fp sum) (bool, error) {
	rec := sk.was[lang]
	if sk.k == nil || rec == nil || rec.Sum != fp {
		return false, nil
	}
	kept, err := keepGroup(sk.k, "search/"+lang+"/", rec.fileGroup, sk.since)
	if kept {
		sk.now.note(lang, rec)
	}
	return kept, err
}

// made notes the index of lang this build wrote.
func (sk *searchKeeper) made(lang string, fp sum, files map[string][]byte) {
	sk.now.note(lang, &searchRecord{Sum: fp, fileGroup: groupOf(files)})
}

// byLanguage are the records of a keeper's files by language, noted by
// the languages' goroutines side by side.
type byLanguage[R any] struct {
	mu sync.Mutex
	m  map[string]R
}

func (b *byLanguage[R]) note(lang string, rec R) {
	b.mu.Lock()
	b.m[lang] = rec
	b.mu.Unlock()
}

// write writes this build's search manifest to w.
func (sk *searchKeeper) write(w Writer) error {
	b, err := json.Marshal(sk.now.m)
	if err != nil {
		return err
	}
	return w.WriteFile(SearchManifestName, b)
}

// sameContent tells whether a file is as a build wrote it: size bytes
// (0: not known) with the SHA-256 want. fi is the file's FileInfo, looked
// at once, after it is linked (publish.Dir.Keep; nil: not looked at),
// open opens it. A regular file of that size last modified before since
// (the time the build that wrote it, or kept it, wrote its manifest;
// zero: not known) is taken to be unchanged without being read, as git
// and make take a file with the same stat data: a file changed by hand
// since has a later time. A file of another size differs; any other file
// is read and hashed, through buf (one modified in the same tick of the
// file system's clock as the manifest was written is read, so a change
// made right after the build is seen). At national scale a rebuild reads
// 300,000 unchanged pages, 5 GB: 10 CPU-seconds of reading and hashing
// that one stat call each replaces.
func sameContent(fi fs.FileInfo, open func() (io.ReadCloser, error), want sum, size int64, since time.Time, buf []byte) bool {
	if fi != nil && size > 0 {
		switch {
		case !fi.Mode().IsRegular() || fi.Size() != size:
			return false
		case !since.IsZero() && fi.ModTime().Before(since):
			return true
		}
	}
	f, err := open()
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	// Wrapped, so that io.CopyBuffer uses buf (an *os.File would copy
	// through a buffer of its own, allocated per file).
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf); err != nil {
		return false
	}
	var got sum
	h.Sum(got[:0])
	return got == want
}
