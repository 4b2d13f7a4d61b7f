package build

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io/fs"
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
	if since, ok := readManifest(prev, SearchManifestName, &sk.was); ok {
		sk.k, sk.since = k, since
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

// write writes this build's search manifest to w.
func (sk *searchKeeper) write(w Writer) error {
	b, err := json.Marshal(sk.now.m)
	if err != nil {
		return err
	}
	return w.WriteFile(SearchManifestName, b)
}
