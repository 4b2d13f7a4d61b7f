// Package yamlfmt rewrites the data files of a site in their normal form,
// the form `wegweiser fmt` writes and `wegweiser fmt --check` expects.
//
// The normal form is what go.yaml.in/yaml/v3 writes for the file's node
// tree with two-space indentation, plus two rules of the data model:
// postal codes, phone numbers and clock times are double-quoted strings
// (so "01067" keeps its zero and "09:00" is not read as a number), and
// blank lines the editor left between entries stay (runs of them become
// one). Everything else an editor wrote is kept: comments, key order,
// flow or block style of each list and map, and the quoting of other
// strings. Because the node tree is rewritten, not the text, a program
// that changes one value of a normalised file (the web editor, a script)
// changes only the lines of that value.
package yamlfmt

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// quoted are the string types the normal form always double-quotes.
var quoted = []reflect.Type{
	reflect.TypeFor[model.PostalCode](),
	reflect.TypeFor[model.Phone](),
	reflect.TypeFor[model.Clock](),
}

// TypeOf returns the model type of the data file at rel (a slash-separated
// path relative to the site, e.g. data/providers/awo.yaml), or nil when rel
// is not a data file.
func TypeOf(rel string) reflect.Type {
	switch dir, file := path.Split(rel); {
	case path.Ext(file) != ".yaml":
		return nil
	case dir == "data/providers/":
		return reflect.TypeFor[model.Provider]()
	case dir == "data/courses/":
		return reflect.TypeFor[model.CourseFile]()
	case rel == "data/site.yaml":
		return reflect.TypeFor[model.Site]()
	case rel == "data/districts.yaml":
		return reflect.TypeFor[[]model.District]()
	case rel == "data/languages.yaml":
		return reflect.TypeFor[[]model.Language]()
	case rel == "data/topics.yaml":
		return reflect.TypeFor[[]model.Topic]()
	}
	return nil
}

// Format returns src in normal form. t is the model type the file holds
// (see TypeOf); it tells which values are postal codes, phone numbers and
// times. With a nil t only the layout is normalised.
func Format(src []byte, t reflect.Type) ([]byte, error) {
	// The encoder moves some comments (a comment at the very end, say) a
	// line on each pass before they settle, so the normal form is the
	// first output that formats to itself.
	cur := src
	for range 4 {
		next, err := pass(cur, t)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(next, cur) {
			return cur, nil
		}
		cur = next
	}
	return nil, errors.New("the layout of the comments does not settle; move the comments at the end of the file")
}

// pass formats src once.
func pass(src []byte, t reflect.Type) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 { // empty file, or comments only
		return src, nil
	}
	if t != nil {
		quote(doc.Content[0], t)
	}
	out, err := Encode(&doc)
	if err != nil {
		return nil, err
	}
	// The encoder writes a few odd trees (an empty value in a flow map)
	// differently from how they read; such a file is left alone.
	var want, got any
	if err := doc.Decode(&want); err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(out, &got); err != nil || !reflect.DeepEqual(got, want) {
		return nil, errors.New("the normal form would change the data (an empty value in a {…} map?); write the value out")
	}
	return keepBlankLines(src, &doc, out, nil)
}

// Edit reads src (a file in normal form), lets edit change the root node
// of its document, and writes it back in normal layout. Only the lines of
// what edit changed differ: comments, key order and blank lines of the
// rest stay. Nodes edit adds may carry their own comments.
func Edit(src []byte, edit func(root *yaml.Node) error) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("the file holds no YAML document")
	}
	known := map[*yaml.Node]bool{}
	var mark func(n *yaml.Node)
	mark = func(n *yaml.Node) {
		known[n] = true
		for _, c := range n.Content {
			mark(c)
		}
	}
	mark(&doc)
	if err := edit(doc.Content[0]); err != nil {
		return nil, err
	}
	out, err := Encode(&doc)
	if err != nil {
		return nil, err
	}
	return keepBlankLines(src, &doc, out, known)
}

// Encode writes a document node in normal layout (two-space indentation).
// It does not quote values or restore blank lines; use it to write a node
// tree that was read from a normalised file and changed in place.
func Encode(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// quote walks n as a value of type t and double-quotes the scalars of the
// quoted types.
func quote(n *yaml.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.ScalarNode && slices.Contains(quoted, t):
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			n.Style = yaml.DoubleQuotedStyle
			n.Tag = "!!str"
		}
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for _, c := range n.Content {
			quote(c, t.Elem())
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if f, ok := fieldByName(t, n.Content[i].Value); ok {
				quote(n.Content[i+1], f.Type)
			}
		}
	}
}

// fieldByName finds the field of struct type t whose yaml name is name.
func fieldByName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); model.FieldRules(f).Name == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keepBlankLines puts back into out (the encoding of doc) the blank lines
// src had before an entry, or before the comment lines above an entry. It
// pairs each entry of doc (a map key or a list item) with the same entry
// of out read back, so it knows where each entry's line went. When known
// is not nil, only its nodes are entries of src (the others were added).
func keepBlankLines(src []byte, doc *yaml.Node, out []byte, known map[*yaml.Node]bool) ([]byte, error) {
	srcLines := strings.Split(string(src), "\n")
	var back yaml.Node
	if err := yaml.Unmarshal(out, &back); err != nil {
		return nil, fmt.Errorf("reading back the formatted file: %w", err)
	}
	type entry struct{ src, out int } // 1-based lines
	var entries []entry
	var pair func(a, b *yaml.Node) error
	pair = func(a, b *yaml.Node) error {
		if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return errors.New("the formatted file does not read back as the same tree")
		}
		for i := range a.Content {
			if (a.Kind == yaml.SequenceNode || (a.Kind == yaml.MappingNode && i%2 == 0)) && (known == nil || known[a.Content[i]]) {
				entries = append(entries, entry{a.Content[i].Line, b.Content[i].Line})
			}
			if err := pair(a.Content[i], b.Content[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := pair(doc, &back); err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(x, y entry) int { return x.src - y.src })

	outLines := strings.Split(string(out), "\n")
	blankBefore := map[int]bool{} // 0-based lines of out
	for i, line := range srcLines {
		if strings.TrimSpace(line) != "" || i+1 >= len(srcLines) || strings.TrimSpace(srcLines[i+1]) == "" {
			continue // not the last line of a run of blank lines
		}
		// The first entry below the blank line, with only comments between.
		k, _ := slices.BinarySearchFunc(entries, i+2, func(e entry, line int) int { return e.src - line })
		if k == len(entries) || !comments(srcLines[i+1:entries[k].src-1]) {
			continue
		}
		above := entries[k].src - 1 - (i + 1) // comment lines between
		at := entries[k].out - 1 - above
		if at <= 0 || !comments(outLines[at:entries[k].out-1]) {
			continue
		}
		blankBefore[at] = true
	}
	var b strings.Builder
	for i, line := range outLines {
		if blankBefore[i] {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		if i < len(outLines)-1 {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()), nil
}

// comments reports whether every line is a comment.
func comments(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			return false
		}
	}
	return true
}
