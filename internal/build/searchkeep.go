package build

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"hash"
	"io/fs"
	"maps"
	"slices"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/search"
)

// SearchManifestName is the file in a build's output that lets the next
// build keep a language's search index as it is when what the index is
// made from did not change: per language, the fingerprint of the program,
// the documents and the facet labels, the SHA-256 of each file of the
// index, and per data file the fingerprint of its source and of its
// documents (JSON). A change that no search document shows (a phone
// number, opening hours) then costs no search index: 12 s of a national
// rebuild; and the documents of the data files that did not change are
// not made again to find that out (searchKeeper.fingerprint).
const SearchManifestName = ".wegweiser/search.json"

// searchManifest is the content of SearchManifestName: language → index.
type searchManifest map[string]*searchRecord

// searchRecord is one language's index as a build made it: its files
// are below search/{lang}/.
type searchRecord struct {
	Sum sum `json:"sum"` // of what the index is made from
	// Base is the fingerprint of the program and the site-wide inputs
	// (inputs.Site) the documents were made with; Parts, per data file
	// (search.Source.File; "" for the site-wide data), the fingerprints
	// of its source and of its documents. None in manifests before
	// 2026-12-05.
	Base      sum                 `json:"base"`
	Parts     map[string]docsPart `json:"parts,omitempty"`
	fileGroup                     // the files (sizes: none in manifests before 2026-12-04, not known)
}

// docsPart is what a language's search documents made from one data file
// were made of and came to.
type docsPart struct {
	Source sum `json:"source"` // inputs.Files of the file (inputs.Site for "")
	Docs   sum `json:"docs"`   // the file's documents in their order (appendDoc)
}

// searchKeeper keeps the search indexes of the previous output whose
// inputs are the same (see SearchManifestName), and notes this build's.
type searchKeeper struct {
	k       keeper                    // nil: keep nothing
	was     searchManifest            // the previous build's
	now     byLanguage[*searchRecord] // this build's
	program sum
	in      *inputs   // this build's (nil: each document is made to be fingerprinted)
	base    sum       // searchRecord.Base of this build (with in)
	ok      bool      // the program could be fingerprinted
	since   time.Time // when the previous build wrote its manifest (zero: not known)
}

// newSearchKeeper reads the previous build's search manifest from prev
// (nil, or none: nothing is kept; a damaged one is ignored). w keeps the
// files if it is a keeper. in are this build's inputs (nil: none known);
// with them, the fingerprint of the documents of a data file whose
// source is as the previous build's is taken from its manifest.
func newSearchKeeper(prev fs.FS, w Writer, in *inputs) *searchKeeper {
	program, err := programSum()
	sk := &searchKeeper{now: byLanguage[*searchRecord]{m: searchManifest{}}, program: program, ok: err == nil}
	if sk.ok && in != nil {
		if sk.base, err = fingerprint(program, in.Site); err == nil {
			sk.in = in
		}
	}
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
// the documents of srcs (docs, or if nil made by m where needed) and
// labels, and each data file's part of it (false if it cannot be made:
// then nothing is kept). It is that of the program, the language, the
// labels, the site-wide inputs, every document's kind, id and data file
// in their order, and each data file's documents: a data file's
// documents are the same as long as its source and the site-wide inputs
// are (search.Source), so they are made only for the files whose source
// is not the one the previous build noted, and the others' fingerprints
// are taken from its manifest. At national scale, after a change to one
// provider file, that makes the documents of one file of 780, not 40,000
// per language.
//
// The documents are written into the hash a few at a time (appendDoc),
// not encoded at once (a national language's documents were a buffer of
// tens of MB) nor as JSON (reflection took 1.4 of a one-provider
// rebuild's CPU-seconds).
func (sk *searchKeeper) fingerprint(m *search.Maker, lang string, srcs []search.Source, docs []search.Doc, labels map[string]string) (sum, map[string]docsPart, bool) {
	if !sk.ok {
		return sum{}, nil, false
	}
	type part struct {
		docsPart
		h hash.Hash // nil: taken from the previous build's manifest
	}
	parts := map[string]*part{}
	var was map[string]docsPart
	if rec := sk.was[lang]; sk.in != nil && rec != nil && rec.Base == sk.base {
		was = rec.Parts
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	if enc.Encode(sk.program) != nil || enc.Encode(lang) != nil || enc.Encode(labels) != nil || enc.Encode(sk.base) != nil {
		return sum{}, nil, false
	}
	var buf, doc []byte
	for i := range srcs {
		src := &srcs[i]
		p := parts[src.File]
		if p == nil {
			p = &part{}
			known := false
			if sk.in != nil {
				p.Source, known = sk.in.Site, true
				if src.File != "" {
					p.Source, known = sk.in.Files[src.File]
				}
			}
			if w, ok := was[src.File]; ok && known && w.Source == p.Source {
				p.Docs = w.Docs
			} else {
				p.h = sha256.New()
			}
			parts[src.File] = p
		}
		for _, s := range [...]string{src.Kind, src.ID, src.File} {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
		if len(buf) > 32<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
		if p.h != nil {
			if docs != nil {
				doc = appendDoc(doc[:0], &docs[i])
			} else {
				d := m.Doc(src)
				doc = appendDoc(doc[:0], &d)
			}
			p.h.Write(doc)
		}
	}
	h.Write(buf)
	out := make(map[string]docsPart, len(parts))
	for _, file := range slices.Sorted(maps.Keys(parts)) {
		p := parts[file]
		if p.h != nil {
			p.h.Sum(p.Docs[:0])
		}
		out[file] = p.docsPart
		buf = binary.AppendUvarint(buf[:0], uint64(len(file)))
		buf = append(append(buf, file...), p.Docs[:]...)
		h.Write(buf)
	}
	var s sum
	h.Sum(s[:0])
	return s, out, true
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

// mayKeep tells whether the previous build's index of lang may be kept:
// if not, every document is needed anyway.
func (sk *searchKeeper) mayKeep(lang string) bool { return sk.k != nil && sk.was[lang] != nil }

// keep takes the previous build's index of lang into the output if it was
// made from the same (fp) and every file is as that build wrote it
// (keepGroup), and notes it with parts (fingerprint). It reports whether
// it did.
func (sk *searchKeeper) keep(lang string, fp sum, parts map[string]docsPart) (bool, error) {
	rec := sk.was[lang]
	if sk.k == nil || rec == nil || rec.Sum != fp {
		return false, nil
	}
	kept, err := keepGroup(sk.k, "search/"+lang+"/", rec.fileGroup, sk.since)
	if kept {
		sk.now.note(lang, &searchRecord{Sum: fp, Base: sk.base, Parts: parts, fileGroup: rec.fileGroup})
	}
	return kept, err
}

// made notes the index of lang this build wrote.
func (sk *searchKeeper) made(lang string, fp sum, parts map[string]docsPart, files map[string][]byte) {
	sk.now.note(lang, &searchRecord{Sum: fp, Base: sk.base, Parts: parts, fileGroup: groupOf(files)})
}

// write writes this build's search manifest to w.
func (sk *searchKeeper) write(w Writer) error {
	b, err := json.Marshal(sk.now.m)
	if err != nil {
		return err
	}
	return w.WriteFile(SearchManifestName, b)
}
