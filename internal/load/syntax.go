package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// maxFileSize bounds the size of one data file; a larger file is refused
// rather than read into memory.
const maxFileSize = 32 << 20

// parse reads the single YAML document of src. Syntax errors come back as
// problems with the line yaml.v3 names, a column found on that line and a
// hint in editors' words.
func parse(file string, src []byte, lineOff int) (*yaml.Node, diag.List) {
	if len(src) > maxFileSize {
		return nil, diag.List{{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Severity: diag.Error, Rule: "too-large",
			Message: fmt.Sprintf("file is %d MiB; the limit is %d MiB", len(src)>>20, maxFileSize>>20), Hint: "split it into several files"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, diag.List{{Pos: diag.Pos{File: file, Line: 1 + lineOff, Col: 1}, Severity: diag.Error, Rule: "empty-file",
				Message: "file is empty", Hint: "write the fields this file needs; see docs/data-format.md"}}
		}
		return nil, diag.List{syntaxProblem(file, src, lineOff, err)}
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, diag.List{{Pos: diag.Pos{File: file, Line: next.Line + lineOff, Col: 1}, Severity: diag.Error, Rule: "syntax",
			Message: "a second YAML document starts here", Hint: "a data file holds one document: remove the `---` line"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, diag.List{syntaxProblem(file, src, lineOff, err)}
	}
	return &root, nil
}

var lineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxProblem turns a yaml.v3 error into a problem. yaml.v3 gives only a
// line, so the column is that of the likely culprit on the line: a tab, a
// second ": ", or the first character.
func syntaxProblem(file string, src []byte, lineOff int, err error) diag.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	lines := strings.Split(string(src), "\n")
	text := ""
	if line >= 1 && line <= len(lines) {
		text = lines[line-1]
	}
	col := len(text) - len(strings.TrimLeft(text, " ")) + 1
	hint := "check the indentation and the quotes on this line and the one before"
	if q := unclosedQuote(lines, line); q.Line > 0 && !strings.Contains(text, "\t") {
		return diag.Problem{Pos: diag.Pos{File: file, Line: q.Line + lineOff, Col: q.Col}, Severity: diag.Error, Rule: "syntax",
			Message: "YAML syntax: a quote opened here is not closed", Hint: `end the value with the same quote mark, e.g. phone: "089 1234-567"`}
	}
	if strings.Contains(msg, "did not find expected key") {
		if i := overIndented(lines, line); i > 0 {
			ind := len(lines[i-1]) - len(strings.TrimLeft(lines[i-1], " "))
			return diag.Problem{Pos: diag.Pos{File: file, Line: i + lineOff, Col: ind + 1}, Severity: diag.Error, Rule: "syntax",
				Message: "YAML syntax: this line is indented more than the field before it",
				Hint:    "fields of one entry line up exactly; indent a line further only below a field that ends with a colon"}
		}
	}
	switch {
	case strings.Contains(text, "\t"):
		col = strings.IndexByte(text, '\t') + 1
		hint = "indent with spaces, not tabs"
	case strings.Contains(msg, "mapping values are not allowed"):
		if i := strings.Index(text, ": "); i >= 0 {
			if j := strings.Index(text[i+2:], ": "); j >= 0 {
				col = i + 2 + j + 1
			}
		}
		hint = `a value that contains ": " must be in quotes, e.g. note: "Termin: nach Vereinbarung"`
	case strings.Contains(msg, "found character that cannot start any token"):
		hint = "a value that starts with @, `, % or similar must be in quotes"
	case strings.Contains(msg, "did not find expected"):
		hint = "the fields of one entry must line up exactly; check the indentation of this entry"
	case strings.Contains(msg, "could not find expected ':'"):
		hint = "each field is written `name: value`"
	case strings.Contains(msg, "unclosed") || strings.Contains(msg, "end of stream") || strings.Contains(msg, "found unexpected end"):
		hint = "a quote or bracket opened here is not closed"
	}
	return diag.Problem{Pos: diag.Pos{File: file, Line: line + lineOff, Col: col}, Severity: diag.Error, Rule: "syntax",
		Message: "YAML syntax: " + msg, Hint: hint}
}

// unclosedQuote looks at the line yaml.v3 names and the few lines before it
// for a double or single quote that opens a value and is never closed: a
// frequent cause of errors that yaml.v3 reports further down.
func unclosedQuote(lines []string, line int) diag.Pos {
	for i := line; i >= 1 && i > line-5 && i <= len(lines); i-- {
		t := lines[i-1]
		_, v, ok := strings.Cut(t, ": ")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) < 1 || (v[0] != '"' && v[0] != '\'') {
			continue
		}
		q := v[0]
		closed := false
		for j := 1; j < len(v); j++ {
			if q == '"' && v[j] == '\\' {
				j++
				continue
			}
			if v[j] == q {
				closed = true
				break
			}
		}
		if !closed {
			k := strings.Index(t, ": ") + 2
			k += len(t[k:]) - len(strings.TrimLeft(t[k:], " "))
			return diag.Pos{Line: i, Col: k + 1}
		}

	}
	return diag.Pos{}
}

// overIndented returns the first line (1-based) from line on that is
// indented deeper than the field before it although that field does not
// open a block, or 0.
func overIndented(lines []string, line int) int {
	prev, opens := -1, false
	for i := line; i >= 1 && i <= len(lines) && i < line+500; i++ {
		t := strings.TrimRight(lines[i-1], " ")
		trim := strings.TrimLeft(t, " ")
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		ind := len(t) - len(trim)
		if prev >= 0 && ind > prev && !opens {
			return i
		}
		for strings.HasPrefix(trim, "- ") {
			ind += 2
			trim = trim[2:]
		}
		prev = ind
		opens = strings.HasSuffix(trim, ":") || strings.HasSuffix(trim, "|") || strings.HasSuffix(trim, ">") ||
			strings.HasSuffix(trim, "|-") || strings.HasSuffix(trim, ">-") || trim == "-"
	}
	return 0
}

// Syntax reports the syntax errors of one YAML data file, as `wegweiser
// check` words them, or nil when src is a single well-formed document.
// Tools that rewrite files (wegweiser fmt) use it to refuse a broken file
// with the same message.
func Syntax(file string, src []byte) diag.List {
	_, problems := parse(file, src, 0)
	return problems
}
