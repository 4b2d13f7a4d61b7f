package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A site's record is what a build published (each folder, each file with
// its inode) and when it had finished with it: the time of the record
// itself, taken once the last folder of the site was changed. Two builds
// later the site is the spare that build fills (KeepSpare), and listing
// it — a folder opened, read and closed for each of a national site's
// 366,000 page folders — cost a rebuild 4 CPU-seconds. With the record,
// a folder whose change time is still before the record's holds what the
// record says (adding, removing or renaming a name in a folder sets its
// change time, which no one can set back), and one look at it does
// instead of a listing; a folder changed since, and one the record does
// not have, is listed as before. The record is never the only word: a
// folder is looked at before its record is believed.
//
// The out's record is recordName(out); when the out becomes the spare,
// it becomes recordName(SpareName(out)). A record is for one folder, told
// by its device and inode (which renames keep); one for another folder,
// one that cannot be read, or none: the spare is listed whole. Records
// are written and read only on file systems known to keep change times
// as folders change (keepsRecords).

// recordHead is the first line of a record, naming its format.
const recordHead = "wegweiser publish record 1\n"

// recordName is where the record of the site folder dir is kept: its
// hidden sibling ".NAME.tree" (".public.tree", ".public.spare.tree").
func recordName(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+strings.TrimPrefix(filepath.Base(dir), ".")+".tree")
}

// made is a file a build put into its staging directory: its name
// (slash-separated, relative to the site root) and inode (0: not known).
type made struct {
	name string
	ino  uint64
}

// record is a site's record, read back (readRecord).
type record struct {
	root string // the site's folder, and a separator
	dev  uint64
	time time.Time // folders changed at this time or later are not believed
	// The folders recorded, by name relative to root (slash-separated):
	// their entries (a folder's entry says only that it is a folder: its
	// inode is not recorded).
	folders map[string][]entry
}

// writeRecord writes the record of the staging directory, as the build
// filled it and the sweep left it, to name (replacing one there), and
// reports whether it did. The record's time is the new file's change
// time: after every change the build made to a folder of the site (those
// made in the same tick of the clock have the same time and are not
// believed), before any change after it. A record that cannot be
// written is not an error: the next build but one lists its spare whole;
// on a file system whose change times are not known to be kept
// (keepsRecords) none is written.
func (d *Dir) writeRecord(name string) bool {
	if !keepsRecords(d.path) {
		return false
	}
	root, err := os.Lstat(d.path)
	if err != nil {
		return false
	}
	dev, ino, ok := inode(root)
	if !ok {
		return false
	}
	os.Remove(name)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false
	}
	t, ok := changeTime(f)
	if !ok {
		f.Close()
		os.Remove(name)
		return false
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "%s%d %d %d %d\n", recordHead, dev, ino, t.Unix(), t.Nanosecond())
	d.mu.Lock()
	prefix := d.path + string(filepath.Separator)
	for dir, m := range d.dirs {
		if m.err == nil && strings.HasPrefix(dir, prefix) {
			w.WriteByte('d')
			w.WriteString(filepath.ToSlash(dir[len(prefix):]))
			w.WriteByte(0)
		}
	}
	var num [20]byte
	for _, m := range d.made {
		w.WriteByte('f')
		w.WriteString(m.name)
		w.WriteByte(0)
		w.Write(strconv.AppendUint(num[:0], m.ino, 10))
		w.WriteByte(0)
	}
	d.mu.Unlock()
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		os.Remove(name)
		return false
	}
	return true
}

// readRecord reads the record name of the folder root, which is on the
// device dev with the inode ino; nil if there is none, if it is of
// another folder or cannot be read, or if it was made later than now
// (the clock set back). A name recorded twice in a folder
// (written twice by its build) leaves that folder out: it is listed.
func readRecord(name, root string, dev, ino uint64) *record {
	b, err := os.ReadFile(name)
	if err != nil || !bytes.HasPrefix(b, []byte(recordHead)) {
		return nil
	}
	b = b[len(recordHead):]
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil
	}
	var head [4]uint64
	fields := strings.Fields(string(b[:i]))
	if len(fields) != len(head) {
		return nil
	}
	for j, s := range fields {
		if head[j], err = strconv.ParseUint(s, 10, 64); err != nil {
			return nil
		}
	}
	if head[0] != dev || head[1] != ino || head[3] >= 1e9 {
		return nil
	}
	// A record made later than now: the clock was set back since, and a
	// folder changed after the record may have an earlier change time.
	if t := time.Unix(int64(head[2]), int64(head[3])); time.Now().Before(t) {
		return nil
	}
	// The names are parts of one string (one allocation, not one a name),
	// the folders' by their name relative to the root, slash-separated.
	body := string(b[i+1:])
	r := &record{
		root:    root + string(filepath.Separator),
		dev:     dev,
		time:    time.Unix(int64(head[2]), int64(head[3])),
		folders: make(map[string][]entry, strings.Count(body, "\x00d")+1),
	}
	add := func(rel string, isDir bool, ino uint64) {
		j := strings.LastIndexByte(rel, '/')
		if j < 0 {
			return // in the root, which is always listed: renamed, it has changed
		}
		r.folders[rel[:j]] = append(r.folders[rel[:j]], entry{name: rel[j+1:], ino: ino, dir: isDir})
	}
	for len(body) > 0 {
		kind := body[0]
		j := strings.IndexByte(body, 0)
		if j < 1 {
			return nil
		}
		rel := body[1:j]
		if !fs.ValidPath(rel) || rel == "." {
			return nil // a name no build writes ("..", "a//b"): not a record
		}
		body = body[j+1:]
		switch kind {
		case 'd':
			if _, ok := r.folders[rel]; !ok {
				r.folders[rel] = nil // recorded, empty until its entries come
			}
			add(rel, true, 0)
		case 'f':
			k := strings.IndexByte(body, 0)
			n, ok := parseIno(body[:max(k, 0)])
			if k < 0 || !ok {
				return nil
			}
			body = body[k+1:]
			add(rel, false, n)
		default:
			return nil
		}
	}
	for f, entries := range r.folders {
		if len(entries) < 2 {
			continue
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
		for i := 1; i < len(entries); i++ {
			if entries[i].name == entries[i-1].name {
				delete(r.folders, f)
				break
			}
		}
	}
	return r
}

// parseIno parses a record's inode number: decimal digits, no more than
// fit.
func parseIno(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}
