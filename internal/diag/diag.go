// Package diag describes problems found in a site's source files and writes
// them for people (text), programs (JSON) and CI annotations (GitHub
// Actions workflow commands).
//
// A problem names a position (file, line, column, all 1-based), a severity,
// a rule code (a stable, documented name such as "unknown-field"), a
// sentence that says what is wrong and a hint that says how to fix it.
package diag

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a problem stops the build.
type Severity int

// Severities.
const (
	Error   Severity = iota // stops the build
	Warning                 // reported, does not stop the build
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Pos is a position in a source file. Line and Col are 1-based; 0 means
// unknown.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

// String formats p as file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Problem is one thing wrong with the input.
type Problem struct {
	Pos
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	// Langs are the languages a problem is about (missing translations).
	Langs []string `json:"langs,omitempty"`
	// Entry, Checked and Days describe an entry whose check is due
	// (rules stale and expired): "provider caritas-muenchen", its
	// last_verified (empty: never) and that date's age in days.
	Entry   string `json:"entry,omitempty"`
	Checked string `json:"last_verified,omitempty"`
	Days    int    `json:"days,omitempty"`
}

// String formats p as "file:line:col: severity: message — hint".
func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s: %s", p.Pos, p.Severity, p.Message)
	if p.Hint != "" {
		s += " — " + p.Hint
	}
	return s
}

// List is a list of problems. As an error it reports the count and the first
// problem.
type List []Problem

// Error implements error.
func (l List) Error() string {
	switch n := l.Errors(); n {
	case 0:
		return "no errors"
	case 1:
		return l.first().String()
	default:
		return fmt.Sprintf("%s (and %d more errors)", l.first(), n-1)
	}
}

func (l List) first() Problem {
	for _, p := range l {
		if p.Severity == Error {
			return p
		}
	}
	return Problem{}
}

// Errors returns the number of error-level problems.
func (l List) Errors() int {
	n := 0
	for _, p := range l {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// Warnings returns the number of warnings.
func (l List) Warnings() int { return len(l) - l.Errors() }

// Sort orders l by file, line, column, then message, so reports are
// stable whatever order the checks ran in.
func (l List) Sort() { slices.SortStableFunc(l, compare) }

// compare is the order of Sort.
func compare(a, b Problem) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Message, b.Message),
	)
}

// Merge returns sorted (a sorted List) with more added, in the order
// Sort gives sorted followed by more: more is sorted (in place), then
// merged in from the back, in sorted's array where it has room, without
// sorting all of sorted again (a serve rebuild adds a file's problems to
// tens of thousands).
func Merge(sorted, more List) List {
	more.Sort()
	i, j := len(sorted)-1, len(more)-1
	out := slices.Grow(sorted, len(more))[:len(sorted)+len(more)]
	for k := len(out) - 1; j >= 0; k-- {
		if i >= 0 && compare(more[j], out[i]) < 0 {
			out[k], i = out[i], i-1
		} else {
			out[k], j = more[j], j-1
		}
	}
	return out
}

// Formats accepted by Write.
const (
	FormatText   = "text"
	FormatJSON   = "json"
	FormatGitHub = "github"
	FormatGitLab = "gitlab"
)

// Formats lists the names Write accepts, for usage messages.
var Formats = []string{FormatText, FormatJSON, FormatGitHub, FormatGitLab}

// Write writes l to w in the named format: "text" (one line per problem),
// "json" (an array of objects), "github" (GitHub Actions workflow
// commands, which show as annotations on the changed lines) or "gitlab"
// (a GitLab code-quality report, shown inline in merge requests).
func Write(w io.Writer, format string, l List) error {
	switch format {
	case FormatText:
		for _, p := range l {
			if _, err := fmt.Fprintln(w, p); err != nil {
				return err
			}
		}
		return nil
	case FormatJSON:
		if l == nil {
			l = List{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(l)
	case FormatGitHub:
		for _, p := range l {
			msg := p.Message
			if p.Hint != "" {
				msg += " — " + p.Hint
			}
			_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n",
				p.Severity, ghProperty(p.File), p.Line, p.Col, ghProperty("wegweiser "+p.Rule), ghData(msg))
			if err != nil {
				return err
			}
		}
		return nil
	case FormatGitLab:
		return writeCodeQuality(w, l)
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(Formats, ", "))
}

// codeQuality is one issue of a GitLab code-quality report (a subset of
// the Code Climate format that GitLab reads).
type codeQuality struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// writeCodeQuality writes l as a GitLab code-quality report. Fingerprints
// identify a problem by file, rule and message (not line), so GitLab can
// tell new problems of a merge request from ones the target branch had.
func writeCodeQuality(w io.Writer, l List) error {
	out := make([]codeQuality, 0, len(l))
	seen := map[string]int{}
	for _, p := range l {
		var q codeQuality
		q.Description = p.Message
		if p.Hint != "" {
			q.Description += " — " + p.Hint
		}
		q.CheckName = "wegweiser " + p.Rule
		q.Severity = "major"
		if p.Severity == Warning {
			q.Severity = "minor"
		}
		q.Location.Path = p.File
		q.Location.Lines.Begin = max(p.Line, 1)
		key := p.File + "\x00" + p.Rule + "\x00" + p.Message
		seen[key]++
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, seen[key]))
		q.Fingerprint = hex.EncodeToString(sum[:16])
		out = append(out, q)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ghData escapes the message of a workflow command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value of a workflow command.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
