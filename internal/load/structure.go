package load

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// yaml.v3 names the line where it noticed a syntax error, which is often
// not the line to fix: an under-indented field is reported at the start of
// the enclosing block, an unclosed quote in a flow list at the line before.
// structure reads the lines of a file that did not parse the way a person
// would, keeping track of the block structure (which indentation opens a
// list or a group of fields, which lines continue a value), and returns the
// first line that breaks it, with the column and words for the mistake.
//
// It understands the YAML that data files are written in: block mappings
// and lists, flow lists and maps ([a, b], {a: b}), plain, quoted and block
// (| and >) values, comments, anchors and aliases. On anything else (complex
// keys, directives, several documents) it gives up and reports nothing, and
// the caller uses yaml.v3's own message. On a file that yaml.v3 parses it
// reports nothing (TestStructureSilentOnValidYAML, FuzzStructure).

// spot is a place in a file and what is wrong there.
type spot struct {
	line, col int // 1-based; col counts characters
	msg, hint string
}

// giveUp is returned as a finding by the steps of structure on YAML it
// does not judge: structure then reports nothing.
var giveUp = spot{}

// level is one open block: a list (its "- " at indent) or a group of
// fields (its keys at indent).
type level struct {
	indent int
	seq    bool
	// byKey is true for a group of fields opened by a key ending in a
	// colon on the line before (not by a "- "), and first is that line.
	byKey bool
	first int
}

// structureState is what structure knows after a line.
type structureState struct {
	stack []level
	// pending is the indentation of a key or "- " with nothing after it,
	// whose value is on the lines below; -1 if none. pendingKey tells a
	// key (its list may start at the same indentation) from a "- ".
	pending    int
	pendingKey bool
	// cont is the indentation above which lines continue a plain value
	// (a value may run over several lines); -1 if none.
	cont int
	// block is the indentation above which lines belong to a block
	// value (| or >); -1 if none.
	block int
	// flow counts the brackets of a flow list or map still open at the
	// end of the line; inQuote is the quote mark of a quoted value still
	// open there (0: none).
	flow    int
	inQuote byte
	quoteAt spot // where the open quote was opened
	prevKey int  // line of the last line that held a key, 0 if none
}

func structure(src string) (spot, bool) {
	lines := strings.Split(src, "\n")
	st := structureState{pending: -1, cont: -1, block: -1}
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSuffix(raw, "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		trim := strings.TrimLeft(line, " \t")
		ind := len(line) - len(trim)
		switch {
		case st.inQuote != 0 || st.flow > 0:
			// Inside a value that runs over lines: only its end matters.
			if bad := st.scan(line, 0, n); bad != nil {
				return *bad, true
			}
			continue
		case st.block >= 0:
			if trim == "" || ind > st.block {
				continue
			}
			st.block = -1
		}
		if trim == "" || trim[0] == '#' {
			continue
		}
		if t := strings.IndexByte(line[:ind], '\t'); t >= 0 {
			return spot{n, t + 1, "a tab is used to indent this line", "indent with spaces, not tabs"}, true
		}
		if ind == 0 && len(st.stack) == 0 && (trim == "---" || strings.HasPrefix(trim, "--- #")) {
			continue // the start of the (only) document
		}
		if ind == 0 && (strings.HasPrefix(trim, "---") || strings.HasPrefix(trim, "...") || trim[0] == '%') {
			return spot{}, false // documents and directives: left to yaml.v3
		}
		if trim[0] == '?' || (trim[0] == ':' && (len(trim) == 1 || trim[1] == ' ')) {
			return spot{}, false // complex keys
		}
		dash := trim == "-" || strings.HasPrefix(trim, "- ")
		key := !dash && keyColon(trim[skipProperties(trim, 0):]) >= 0
		if st.cont >= 0 && ind > st.cont && !dash && !key && st.pending < 0 {
			continue // the plain value of the line before goes on
		}
		st.cont = -1
		if st.pending >= 0 && ind > st.pending && !dash && !key {
			// The value of a key or "- " on the line below it.
			st.cont, st.pending = st.pending, -1
			if s, bad := st.value(n, line, ind, st.cont); bad {
				return s, s != giveUp
			}
			continue
		}
		if s, bad := st.place(n, ind, dash, key); bad {
			return s, s != giveUp
		}
		if s, bad := st.content(n, line, ind); bad {
			return s, s != giveUp
		}
	}
	if st.inQuote == 0 {
		return spot{}, false
	}
	return st.unclosed()
}

// place finds the block a line indented by ind belongs to, opening or
// closing blocks, or reports why it belongs to none.
func (st *structureState) place(n, ind int, dash, key bool) (spot, bool) {
	if st.pending >= 0 {
		p, byKey := st.pending, st.pendingKey
		st.pending = -1
		if ind > p || (byKey && ind == p && dash) {
			st.stack = append(st.stack, level{indent: ind, seq: dash, byKey: byKey && !dash, first: n})
			return spot{}, false
		}
	}
	if len(st.stack) == 0 {
		if (!dash && !key) || ind > 0 {
			return giveUp, true // a document that is one value, or indented: not a data file
		}
		st.stack = append(st.stack, level{indent: ind, seq: dash, first: n})
		return spot{}, false
	}
	top := st.stack[len(st.stack)-1]
	if ind > top.indent {
		if key && !top.seq && top.byKey && top.first == st.prevKey && ind == top.indent+2 && len(st.stack) > 1 {
			return spot{st.prevKey, top.indent + 1, "this list entry has no `- ` at its start: the lines below are indented as if it had",
				"write `- ` before the first field of each entry, as in `- id: …`"}, true
		}
		if key {
			return spot{n, ind + 1, "this line is indented more than the field before it",
				"fields of one entry line up exactly; indent a line further only below a field that ends with a colon"}, true
		}
		if top.seq || st.lastWasDash() {
			return spot{n, ind + 1, "this line is indented more than the list entry before it",
				"begin each entry of a list with `- `, lined up with the others"}, true
		}
		return spot{n, ind + 1, "this line is indented more than the line before it",
			"indent a line further only below a field that ends with a colon"}, true
	}
	// Close the blocks indented deeper; the line must then line up with
	// an open block.
	closed := -1 // the indentation of the innermost block closed
	for len(st.stack) > 0 && st.stack[len(st.stack)-1].indent > ind {
		if closed < 0 {
			closed = st.stack[len(st.stack)-1].indent
		}
		st.stack = st.stack[:len(st.stack)-1]
	}
	if len(st.stack) > 0 && st.stack[len(st.stack)-1].seq && !dash {
		// A list written at the indentation of its key ("key:\n- a")
		// ends at the next key of that indentation.
		if k := len(st.stack) - 2; k >= 0 && !st.stack[k].seq && st.stack[k].indent == ind {
			st.stack = st.stack[:k+1]
		}
	}
	if len(st.stack) == 0 || st.stack[len(st.stack)-1].indent != ind {
		hint := "indent it exactly like the fields it belongs with"
		if closed >= 0 {
			hint = fmt.Sprintf("indent it by %d spaces, like the fields just above", closed)
		}
		return spot{n, ind + 1, "this line's indentation does not line up with the lines above it", hint}, true
	}
	top = st.stack[len(st.stack)-1]
	switch {
	case top.seq && !dash:
		return spot{n, ind + 1, "this line is indented less than the other fields of its entry",
			fmt.Sprintf("line it up with the first field after `- `: indent it by %d spaces", ind+2)}, true
	case !top.seq && dash:
		return spot{n, ind + 1, "a list entry stands where a field was expected",
			"a list belongs below a field that ends with a colon, e.g. `languages:`"}, true
	case !top.seq && !key:
		return spot{n, ind + 1, "this line is not a field `name: value`",
			"write a colon and a space after the field's name, or indent the line if it continues the value above"}, true
	}
	return spot{}, false
}

// lastWasDash reports whether the innermost open block is a group of
// fields that a "- " opened (so a deeper line after it is a missing "- ").
func (st *structureState) lastWasDash() bool {
	k := len(st.stack)
	return k >= 2 && st.stack[k-2].seq && !st.stack[k-1].seq
}

// content reads what a placed line holds after its indentation: "- "
// markers, a key, a value; it opens the blocks the line opens.
func (st *structureState) content(n int, line string, ind int) (spot, bool) {
	i := ind
	for i < len(line) && line[i] == '-' && (i+1 == len(line) || line[i+1] == ' ') {
		dashAt := i
		i++
		for i < len(line) && line[i] == ' ' {
			i++
		}
		at := i // an entry's fields line up with its anchor or tag, if any
		i = skipProperties(line, i)
		if i >= len(line) || line[i] == '#' {
			st.pending, st.pendingKey = dashAt, false
			return spot{}, false
		}
		if i+1 < len(line) && line[i] == '-' && line[i+1] == ' ' {
			st.stack = append(st.stack, level{indent: i, seq: true, first: n})
			continue
		}
		if keyColon(line[i:]) >= 0 {
			st.stack = append(st.stack, level{indent: at, first: n})
			i = at
			break
		}
		return st.value(n, line, i, dashAt)
	}
	keyAt := i // where the key and its anchor or tag start
	i = skipProperties(line, i)
	k := keyColon(line[i:])
	if k < 0 {
		return st.value(n, line, i, ind)
	}
	st.prevKey = n
	v := i + k + 1
	for v < len(line) && line[v] == ' ' {
		v++
	}
	v = skipProperties(line, v)
	if v >= len(line) || line[v] == '#' {
		st.pending, st.pendingKey = keyAt, true
		return spot{}, false
	}
	return st.value(n, line, v, keyAt)
}

// value reads a value that starts at byte i of line; owner is the
// indentation of its key or "- ".
func (st *structureState) value(n int, line string, i, owner int) (spot, bool) {
	switch c := line[i]; c {
	case '|', '>':
		st.block = owner
	case '[', '{', '"', '\'':
		if bad := st.scan(line, i, n); bad != nil {
			return *bad, true
		}
	case '*':
		// an alias: nothing more on the line
	default:
		if j := strings.Index(line[i:], ": "); j >= 0 && !strings.Contains(line[i:i+j], " #") {
			return spot{n, col(line, i+j) + 1, "a value holds \": \", which YAML reads as the start of another field",
				`put the value in quotes, e.g. note: "Termin: nach Vereinbarung"`}, true
		}
		st.cont = owner
	}
	return spot{}, false
}

// scan reads line from byte i on, inside st.flow open brackets and the
// quote st.inQuote (0: none), and leaves in them what is still open at its
// end. A quoted value must end where a value ends: after its closing quote
// only spaces and then a comment, or, inside brackets, , ] } or :, may
// follow. When something else follows, the quote that seemed to close the
// value in fact opens the next one, and the quote before is the one left
// open: that is reported, where it was opened.
func (st *structureState) scan(line string, i, n int) *spot {
	start := i // a value starts there
	for ; i < len(line); i++ {
		c := line[i]
		if q := st.inQuote; q != 0 {
			switch {
			case q == '"' && c == '\\':
				i++
			case q == '\'' && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
				i++ // '' is a quote inside single quotes
			case c == q:
				st.inQuote = 0
				j := i + 1
				for j < len(line) && line[j] == ' ' {
					j++
				}
				follow := "#"
				if st.flow > 0 {
					follow = ",]}:#"
				}
				if j < len(line) && !strings.ContainsRune(follow, rune(line[j])) {
					if st.quoteAt.line != n {
						s, _ := st.unclosed()
						return &s
					}
					s := st.quoteAt
					s.msg = "a quote opened here is closed too early, or not at all"
					s.hint = "end each quoted value with the same quote mark, e.g. from: \"09:00\", to: \"12:00\""
					return &s
				}
			}
			continue
		}
		switch c {
		case '"', '\'':
			// A quote starts a quoted value only where a value starts;
			// elsewhere it is part of a plain value (Int'l, 5").
			if prev := strings.TrimRight(line[:i], " "); i != start && prev != "" {
				p := prev[len(prev)-1]
				if !strings.ContainsRune("[{,", rune(p)) && (p != ':' || len(prev) == i) {
					continue // ':' counts only with a space before the quote
				}
			}
			st.inQuote, st.quoteAt = c, spot{line: n, col: col(line, i) + 1}
		case '[', '{':
			st.flow++
		case ']', '}':
			st.flow--
		case '#':
			if i == 0 || line[i-1] == ' ' {
				i = len(line)
			}
		}
	}
	return nil
}

// unclosed is the finding at the end of a file that leaves a quote open.
func (st *structureState) unclosed() (spot, bool) {
	if st.inQuote == 0 && st.quoteAt.line == 0 {
		return spot{}, false
	}
	s := st.quoteAt
	s.msg = "a quote opened here is not closed"
	s.hint = "end the value with the same quote mark, e.g. phone: \"089 1234-567\""
	return s, true
}

// keyColon returns the index of the colon that ends a key at the start of
// s ("name: value", "name:", `"name": value`), or -1 if s does not start
// with a key.
func keyColon(s string) int {
	if s == "" {
		return -1
	}
	switch s[0] {
	case '"', '\'':
		j := strings.IndexByte(s[1:], s[0])
		if j < 0 {
			return -1
		}
		k := j + 2
		if k < len(s) && s[k] == ':' && (k+1 == len(s) || s[k+1] == ' ') {
			return k
		}
		return -1
	case '[', '{', '|', '>', '&', '*', '!', '#', '@', '`':
		return -1
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i+1 < len(s) && s[i+1] == '#' {
			return -1
		}
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return i
		}
	}
	return -1
}

// skipProperties skips an anchor (&name) and a tag (!tag) at byte i of
// line, with the spaces after them.
func skipProperties(line string, i int) int {
	for i < len(line) && (line[i] == '&' || line[i] == '!') {
		for i < len(line) && line[i] != ' ' {
			i++
		}
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	return i
}

// col returns the column (0-based, in characters) of byte i of line.
func col(line string, i int) int { return utf8.RuneCountInString(line[:i]) }
