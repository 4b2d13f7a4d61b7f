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

// parse reads the single YAML document of src. Syntax errors come back as
// problems with the line yaml.v3 names, a column found on that line and a
// hint in editors' words.
func parse(file string, src []byte, lineOff int) (*yaml.Node, diag.List) {
	if len(src) > maxFileSize { // callers that did not read with readSource
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

// syntaxProblem turns a yaml.v3 error into a problem. yaml.v3 names the
// line where it noticed the error, which is often below or above the line
// to fix, and gives no column: structure finds the line to fix where it
// can; otherwise the line is yaml.v3's and the column that of the likely
// culprit on it.
func syntaxProblem(file string, src []byte, lineOff int, err error) diag.Problem {
	if s, ok := structure(string(src)); ok {
		return diag.Problem{Pos: diag.Pos{File: file, Line: s.line + lineOff, Col: s.col}, Severity: diag.Error, Rule: "syntax",
			Message: "YAML syntax: " + s.msg, Hint: s.hint}
	}
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
	switch {
	case strings.Contains(text, "\t"):
		col = strings.IndexByte(text, '\t') + 1
		hint = "indent with spaces, not tabs"
	case strings.Contains(msg, "mapping values are not allowed"):
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

// Syntax reports the syntax errors of one YAML data file, as `wegweiser
// check` words them, or nil when src is a single well-formed document.
// Tools that rewrite files (wegweiser fmt) use it to refuse a broken file
// with the same message.
func Syntax(file string, src []byte) diag.List {
	_, problems := parse(file, src, 0)
	return problems
}
