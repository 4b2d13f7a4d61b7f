package load

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/parallel"
)

// Resume loads the site in fsys like Reload, for a snapshot kept on disk
// between two processes (wegweiser build; see Save and ReadSnapshot):
// files are told apart by their size and SHA-256, not by their size and
// modification time, which a checkout or a copy can keep while the
// content changes. saved is the snapshot ReadSnapshot returned (nil:
// none); the snapshot returned is stamped the same way and can be kept
// for the next process.
//
// Options.Lines is not kept with a snapshot: a caller that sets it must
// tell its history apart in the key of Save and ReadSnapshot (the
// build names the commit checked out).
func Resume(fsys fs.FS, opts Options, saved *Snapshot) (*Snapshot, diag.List) {
	if saved != nil && !saved.bySum {
		saved = nil
	}
	return reload(fsys, opts, saved, true)
}

// snapshotFormat is the first line of a kept snapshot.
const snapshotFormat = "wegweiser load snapshot 2"

// keptHead is the line of a kept snapshot before its provider and course
// files: everything but those, which follow one per line (JSON each, so
// that they are decoded side by side), and but the warnings, which follow
// them keptProblems to a line (a national site has 41,000, 11 MB of JSON
// that took 0.1–0.2 s to decode on one core before anything else).
type keptHead struct {
	Today       model.Date
	StaleDays   int
	DefLang     string
	Stamps      map[string]keptStamp // see Snapshot.stamps
	Sums        map[string]string    // see Snapshot.sums, hex
	Site        model.Site
	Languages   []model.Language
	Districts   []model.District
	Topics      []model.Topic
	Pages       []model.Page
	Outdated    map[string]model.Date
	Providers   int // lines of provider files that follow
	CourseFiles int // lines of course files after them
	Problems    int // warnings in the lines after those (keptProblems a line)
}

// keptProblems is how many warnings one line of a kept snapshot holds.
const keptProblems = 4096

// keptStamp is a stamp by size and SHA-256 (hex; "" for a file counted
// by name only).
type keptStamp struct {
	Size int64  `json:"s"`
	Sum  string `json:"h,omitempty"`
}

// Save writes s, a snapshot Resume returned, to w for ReadSnapshot in
// a later process. key names what else the snapshot depends on (the
// program, the history of the source): ReadSnapshot with another key
// refuses it. It holds every value of every data file, personal data
// and what only the staff edition shows included: keep it where the
// source is, never with what is published.
//
// The format: a line naming it, the key, a line of JSON with everything
// but the provider and course files and the warnings, then one line of
// JSON per provider file and per course file, in order, then the
// warnings, a JSON list of up to keptProblems a line. A file whose values
// s has as ReadSnapshot decoded them keeps the line they were decoded
// from.
func (s *Snapshot) Save(w io.Writer, key string) error {
	if !s.bySum {
		return errors.New("only a snapshot Resume returned can be kept")
	}
	if strings.ContainsAny(key, "\r\n") {
		return fmt.Errorf("a snapshot's key is one line: %q", key)
	}
	d := s.Dir
	head := keptHead{Today: model.DateOf(s.opts.Now), StaleDays: s.opts.StaleDays, DefLang: s.defLang,
		Stamps: make(map[string]keptStamp, len(s.stamps)), Sums: make(map[string]string, len(s.sums)), Problems: len(s.Problems),
		Site: d.Site, Languages: d.Languages, Districts: d.Districts, Topics: d.Topics, Pages: d.Pages, Outdated: d.Outdated,
		Providers: len(d.Providers), CourseFiles: len(d.CourseFiles)}
	for file, st := range s.stamps {
		k := keptStamp{Size: st.size}
		if st.sum != ([32]byte{}) {
			k.Sum = hex.EncodeToString(st.sum[:])
		}
		head.Stamps[file] = k
	}
	for file, sum := range s.sums {
		head.Sums[file] = hex.EncodeToString(sum[:])
	}
	files := len(d.Providers) + len(d.CourseFiles)
	lines := make([][]byte, 1+files+(len(s.Problems)+keptProblems-1)/keptProblems)
	errs := make([]error, len(lines))
	parallel.Each(len(lines), func(i int) {
		switch {
		case i > files:
			j := (i - files - 1) * keptProblems
			lines[i], errs[i] = json.Marshal(s.Problems[j:min(j+keptProblems, len(s.Problems))])
		case i > 0 && len(s.lines) == files && s.lines[i-1] != nil:
			lines[i] = s.lines[i-1] // a file not decoded again since it was read: 0.5 CPU-s less at national scale
		case i == 0:
			lines[i], errs[i] = json.Marshal(head)
		case i <= len(d.Providers):
			lines[i], errs[i] = json.Marshal(&d.Providers[i-1])
		default:
			lines[i], errs[i] = json.Marshal(&d.CourseFiles[i-1-len(d.Providers)])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s\n%s\n", snapshotFormat, key)
	for _, line := range lines {
		bw.Write(line)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadSnapshot reads data, a snapshot Save wrote with the same key, for
// Resume. A snapshot of another format or key, or damaged, is an error.
// The snapshot keeps the lines of data it decoded the provider and
// course files from, for Save: data must not change after.
func ReadSnapshot(data []byte, key string) (*Snapshot, error) {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) < 3 || string(lines[0]) != snapshotFormat {
		return nil, errors.New("not a snapshot of this format")
	}
	if string(lines[1]) != key {
		return nil, errors.New("a snapshot of another program or history")
	}
	var head keptHead
	if err := json.Unmarshal(lines[2], &head); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	files := lines[3:]
	if head.Providers < 0 || head.CourseFiles < 0 || head.Problems < 0 || len(files) != head.Providers+head.CourseFiles+(head.Problems+keptProblems-1)/keptProblems {
		return nil, fmt.Errorf("snapshot: %d lines, want %d files and %d warnings", len(files), head.Providers+head.CourseFiles, head.Problems)
	}
	var problems diag.List // decoded in place, a line's into its part
	if head.Problems > 0 {
		problems = make(diag.List, head.Problems)
	}
	files, chunks := files[:head.Providers+head.CourseFiles], files[head.Providers+head.CourseFiles:]
	d := &model.Directory{Site: head.Site, Languages: head.Languages, Districts: head.Districts, Topics: head.Topics, Pages: head.Pages, Outdated: head.Outdated,
		Providers: make([]model.Provider, head.Providers), CourseFiles: make([]model.CourseFile, head.CourseFiles)}
	errs := make([]error, len(files)+len(chunks))
	parallel.Each(len(errs), func(i int) {
		switch {
		case i < head.Providers:
			errs[i] = json.Unmarshal(files[i], &d.Providers[i])
		case i < len(files):
			errs[i] = json.Unmarshal(files[i], &d.CourseFiles[i-head.Providers])
		default:
			j := (i - len(files)) * keptProblems
			want := problems[j:min(j+keptProblems, len(problems))]
			got := want[:0:len(want)] // decoded in place; a longer list is one too many
			if errs[i] = json.Unmarshal(chunks[i-len(files)], &got); errs[i] == nil && len(got) != len(want) {
				errs[i] = fmt.Errorf("%d warnings in line %d, want %d", len(got), 4+i, len(want))
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	s := &Snapshot{Dir: d, Problems: problems, stamps: make(map[string]stamp, len(head.Stamps)), sums: make(map[string][32]byte, len(head.Sums)),
		opts:    Options{Now: time.Date(head.Today.Year, head.Today.Month, head.Today.Day, 12, 0, 0, 0, time.UTC), StaleDays: head.StaleDays},
		defLang: head.DefLang, bySum: true, lines: files}
	for file, k := range head.Stamps {
		st := stamp{size: k.Size}
		if k.Sum != "" {
			var ok bool
			if st.sum, ok = parseSum(k.Sum); !ok {
				return nil, fmt.Errorf("snapshot: the stamp of %s", file)
			}
		}
		s.stamps[file] = st
	}
	for file, h := range head.Sums {
		sum, ok := parseSum(h)
		if !ok {
			return nil, fmt.Errorf("snapshot: the sum of %s", file)
		}
		s.sums[file] = sum
	}
	d.Index()
	return s, nil
}

// parseSum reads a SHA-256 written in hex.
func parseSum(h string) (sum [32]byte, ok bool) {
	if hex.DecodedLen(len(h)) != len(sum) {
		return sum, false
	}
	_, err := hex.Decode(sum[:], []byte(h))
	return sum, err == nil
}
