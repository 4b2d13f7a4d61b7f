package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// maxFileSize bounds the size of one data file or page; a larger file is
// refused before it is read into memory.
const maxFileSize = 32 << 20

// OpenDir returns the site in the directory dir as a file system that
// cannot reach outside dir: it is an os.Root, on which a symbolic link that
// leaves dir fails to open. The loader refuses every link anyway (with a
// positioned problem, see checkTree); the root makes sure that nothing
// outside the source is read by any stage, whatever changes between the
// check and the read. The root stays open for the life of the process.
func OpenDir(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return root.FS(), nil
}

// SourceTrees returns the folders of a site whose files can reach the
// output: the loader reads data/ and content/, the build reads i18n/ and
// themes/. Nothing else of the source is read.
func SourceTrees() []string { return []string{"data", "content", "i18n", "themes"} }

// A listing is the entries of the source trees as one walk found them, in
// fs.WalkDir's order (a folder whose entries could not be read comes twice,
// the second time with the error; a missing tree once, with
// fs.ErrNotExist). A load walks once: the check of the trees, the Markdown
// pages and the snapshot's stamps come from the same listing, because
// reading a folder of an os.Root stats each entry in it.
type listing []listed

// listed is one entry of a listing.
type listed struct {
	tree, path string
	entry      fs.DirEntry
	err        error
}

// list walks the source trees of fsys.
func list(fsys fs.FS) listing {
	var ls listing
	for _, tree := range SourceTrees() {
		fs.WalkDir(fsys, tree, func(p string, e fs.DirEntry, err error) error {
			ls = append(ls, listed{tree, p, e, err})
			return nil
		})
	}
	return ls
}

// tree returns the entries of one source tree.
func (ls listing) tree(name string) listing {
	i := slices.IndexFunc(ls, func(e listed) bool { return e.tree == name })
	if i < 0 {
		return nil
	}
	j := i
	for j < len(ls) && ls[j].tree == name {
		j++
	}
	return ls[i:j]
}

// checkTree reports every entry of the source trees that is not a plain
// file or folder: a symbolic link (it could point anywhere, e.g. at
// /proc/self/environ, and publish what it points at), a device, a pipe or
// a socket (reading them can block the build for ever). Nothing below a
// refused entry is read, by the loader or by the build, because a site with
// errors is not built.
func checkTree(ls listing) diag.List {
	var out diag.List
	for _, e := range ls {
		if e.err != nil {
			if e.path == e.tree && errors.Is(e.err, fs.ErrNotExist) {
				continue
			}
			out = append(out, diag.Problem{Pos: diag.Pos{File: e.path, Line: 1, Col: 1}, Severity: diag.Error, Rule: "missing-file",
				Message: fmt.Sprintf("cannot read: %v", unwrapPath(e.err)), Hint: "check the permissions"})
			continue
		}
		if problem, bad := irregular(e.path, e.entry.Type()); bad {
			out = append(out, problem) // (fs.WalkDir does not enter a link)
		}
	}
	return out
}

// irregular returns the problem of an entry of type t, if it is not a
// plain file or folder.
func irregular(file string, t fs.FileMode) (diag.Problem, bool) {
	what := ""
	switch {
	case t&fs.ModeSymlink != 0:
		what = "a symbolic link"
	case t&fs.ModeType&^fs.ModeDir != 0:
		what = "not a plain file (a device, pipe or socket)"
	default:
		return diag.Problem{}, false
	}
	return diag.Problem{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Severity: diag.Error, Rule: "link",
		Message: "this is " + what + "; the site is built only from the files in its own folders",
		Hint:    "replace it with a copy of the file (links could publish files from outside the repository)"}, true
}

// readSource reads one source file: it must be a plain file of at most
// maxFileSize bytes, which is checked before it is read, and its text must
// be valid UTF-8 without control characters or bidi overrides. The
// problems name the file; notExist tells that there is no such file (the
// caller decides whether that is a problem).
func readSource(fsys fs.FS, file string) (src []byte, problems diag.List, notExist bool) {
	fail := func(rule, hint, format string, args ...any) ([]byte, diag.List, bool) {
		return nil, diag.List{sourceProblem(file, rule, hint, format, args...)}, false
	}
	info, err := fs.Lstat(fsys, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, true
		}
		return cannotRead(file, err)
	}
	if p, bad := irregular(file, info.Mode().Type()); bad {
		return nil, diag.List{p}, false
	}
	if info.Size() > maxFileSize {
		return fail("too-large", "split it into several files", "the file has %d bytes, more than the limit of %d MiB", info.Size(), maxFileSize>>20)
	}
	f, err := fsys.Open(file)
	if err != nil {
		return cannotRead(file, err)
	}
	defer f.Close()
	// The file may grow between Lstat and reading: read one byte more
	// than allowed to tell. Sized by Lstat, the buffer is allocated once
	// (io.ReadAll's growing was a third of reading a large site's pages).
	buf := bytes.NewBuffer(make([]byte, 0, int(info.Size())+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, maxFileSize+1))
	src = buf.Bytes()
	if err != nil {
		return cannotRead(file, err)
	}
	if len(src) > maxFileSize {
		return fail("too-large", "split it into several files", "the file has more than the limit of %d MiB", maxFileSize>>20)
	}
	return src, textProblems(file, src, 0), false
}

// cannotRead is readSource's answer when reading file failed with err.
func cannotRead(file string, err error) ([]byte, diag.List, bool) {
	return nil, diag.List{sourceProblem(file, "missing-file", "check that the file can be read", "cannot read %s: %v", file, unwrapPath(err))}, false
}

// sourceProblem is an error reading file, at its start.
func sourceProblem(file, rule, hint, format string, args ...any) diag.Problem {
	return diag.Problem{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Severity: diag.Error, Rule: rule,
		Message: fmt.Sprintf(format, args...), Hint: hint}
}

// maxTextProblems is the number of bad characters reported per file.
const maxTextProblems = 10

// textProblems reports, at their line and column, the bytes of src that
// are not valid UTF-8 and the characters no data file or page should hold:
// control characters (but tab, line feed and carriage return) and the
// invisible bidi overrides and isolates, which can make a text read
// differently from what a reviewer sees ("Trojan Source"). lineOff is
// added to the line numbers.
func textProblems(file string, src []byte, lineOff int) diag.List {
	var out diag.List
	line, col := 1, 1
	for i := 0; i < len(src); {
		if c := src[i]; c >= 0x20 && c < 0x7f { // printable ASCII, most of any file: nothing to check
			i, col = i+1, col+1
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		msg, hint := "", ""
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("byte 0x%02X is not valid UTF-8 text", src[i])
			hint = "save the file as UTF-8 (most editors offer it under \"Save with encoding\")"
		case r == 0:
			msg, hint = "a NUL byte (U+0000) is in the text", "remove it; it usually comes from a file saved as UTF-16 or a binary paste"
		case isControl(r):
			msg = fmt.Sprintf("control character U+%04X is in the text", r)
			hint = "remove it; it is invisible and usually comes from a paste"
		case isBidiControl(r):
			msg = fmt.Sprintf("invisible direction character U+%04X is in the text", r)
			hint = "remove it: the site sets the writing direction itself, and such characters can make text read differently from what it is"
		}
		if msg != "" {
			if len(out) == maxTextProblems {
				out = append(out, diag.Problem{Pos: diag.Pos{File: file, Line: line + lineOff, Col: col}, Severity: diag.Error, Rule: "bad-character",
					Message: "more characters like these follow; they are not reported", Hint: "fix these first"})
				return out
			}
			out = append(out, diag.Problem{Pos: diag.Pos{File: file, Line: line + lineOff, Col: col}, Severity: diag.Error, Rule: "bad-character", Message: msg, Hint: hint})
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return out
}

// isControl reports the control characters a text may not hold: C0 but
// tab, line feed and carriage return; DEL; C1.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f)
}

// isBidiControl reports the bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069). The marks U+200E and U+200F, which
// only set the direction of neutral characters, are allowed.
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// badValueChar returns a description of the first character of a decoded
// value that textProblems would refuse in the file (an escape such as "\e"
// in a double-quoted string puts one there), or "".
func badValueChar(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r == 0 || isControl(r) || isBidiControl(r) })
	if i < 0 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if isBidiControl(r) {
		return fmt.Sprintf("an invisible direction character (U+%04X)", r)
	}
	return fmt.Sprintf("a control character (U+%04X)", r)
}
