package build

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"io/fs"
	"sync"
	"time"
)

// What the keepers of files other than pages share (the search index,
// the course finder's data, the exports, the open data): their manifest
// in the previous output, groups of files kept together, and the check
// of a kept file.

// readManifest reads the manifest name of the previous output prev into
// v, and reports when it was written (zero: not known; a file of that
// output modified before is as that build wrote or kept it, see
// sameContent) and whether it could be read.
func readManifest(prev fs.FS, name string, v any) (since time.Time, ok bool) {
	b, err := fs.ReadFile(prev, name)
	if err != nil || json.Unmarshal(b, v) != nil {
		return time.Time{}, false
	}
	if fi, err := fs.Stat(prev, name); err == nil {
		since = fi.ModTime()
	}
	return since, true
}

// fileGroup is a group of files a build writes together and the next
// keeps together or not at all (a language's search index or course
// finder data, a data file's exports): each one's SHA-256 and size by its name below the group's
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

// keepGroup takes the files of g below dir from the previous output into
// k if every one is as the build that recorded g wrote it (told as a
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
