package load

import (
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// validYAML are the YAML files of the repository that yaml.v3 parses: the
// example site and the loader's test sites.
func validYAML(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, root := range []string{"../../data", "testdata/base", "../yamlfmt/testdata"} {
		filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil && yaml.Unmarshal(b, new(yaml.Node)) == nil {
				out[p] = string(b)
			}
			return nil
		})
	}
	if len(out) < 10 {
		t.Fatalf("found only %d YAML files", len(out))
	}
	return out
}

// TestStructureSilentOnValidYAML: on a file yaml.v3 parses, structure
// finds nothing to fix (it runs only on files that do not parse, but a
// finding on a good file would point at the wrong line on a bad one).
func TestStructureSilentOnValidYAML(t *testing.T) {
	for name, src := range validYAML(t) {
		if s, ok := structure(src); ok {
			t.Errorf("%s:%d:%d: %s", name, s.line, s.col, s.msg)
		}
	}
}

// TestStructureFindsTheLine breaks a valid file in the ways people do and
// checks that structure names the line and column a person has to fix
// (yaml.v3 names others: the enclosing block, the line before).
func TestStructureFindsTheLine(t *testing.T) {
	base := `id: caritas
name: Caritas Test
offices:
  - id: caritas-mitte
    name: Migrationsdienst Mitte
    address: {street: Beispielstraße 1, postal_code: "80335", city: München}
    district: maxvorstadt
    hours:
      - {days: [mo, tu], from: "09:00", to: "12:00", kind: open}
      - {days: [th], from: "13:00", to: "16:00", kind: appointment}
advisors:
  - id: a-beispiel
    name: Anna Beispiel
    office: caritas-mitte
    languages: [de, ar]
`
	if s, ok := structure(base); ok {
		t.Fatalf("base: %+v", s)
	}
	tests := []struct {
		name, from, to string
		line, col      int
	}{
		{"under-indented field", "    district: maxvorstadt", "  district: maxvorstadt", 7, 3},
		{"indentation between levels", "    office: caritas-mitte", "   office: caritas-mitte", 14, 4},
		{"over-indented field", "    district: maxvorstadt", "      district: maxvorstadt", 7, 7},
		{"tab", "    name: Anna Beispiel", "\tname: Anna Beispiel", 13, 1},
		{"tab after spaces", "    name: Anna Beispiel", "  \tname: Anna Beispiel", 13, 3},
		{"unclosed double quote", "    name: Anna Beispiel", `    name: "Anna Beispiel`, 13, 11},
		{"unclosed single quote", "    name: Anna Beispiel", `    name: 'Anna Beispiel`, 13, 11},
		{"unclosed quote in a flow map", `from: "09:00", to: "12:00", kind: open`, `from: "09:00, to: "12:00", kind: open`, 9, 32},
		{"missing dash, first entry", "  - id: a-beispiel", "  id: a-beispiel", 12, 3},
		{"missing dash, flow entry", `      - {days: [th]`, `        {days: [th]`, 10, 9},
		{"colon in a plain value", "    name: Anna Beispiel", "    name: Termin: nach Vereinbarung", 13, 17},
		{"no space after the colon", "    name: Anna Beispiel", "    name:Anna", 13, 5},
		{"list entry among fields", "    office: caritas-mitte", "    - caritas-mitte", 14, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.from, tt.to, 1)
			if src == base {
				t.Fatalf("%q not in the base", tt.from)
			}
			if yaml.Unmarshal([]byte(src), new(yaml.Node)) == nil {
				t.Fatalf("the broken file parses")
			}
			s, ok := structure(src)
			if !ok || s.line != tt.line || s.col != tt.col {
				t.Errorf("structure = %d:%d %q (found %v), want %d:%d", s.line, s.col, s.msg, ok, tt.line, tt.col)
			}
		})
	}
}

// FuzzStructure checks the property TestStructureSilentOnValidYAML checks on
// the example files, on any input: go test ./internal/load -run '^$' -fuzz FuzzStructure
func FuzzStructure(f *testing.F) {
	for _, src := range validYAML(f) {
		f.Add(src)
	}
	f.Add("a:\n  - b\n  - c: |\n      x\n    d: 'it''s'\n")
	f.Fuzz(func(t *testing.T, src string) {
		if yaml.Unmarshal([]byte(src), new(yaml.Node)) != nil {
			return
		}
		if s, ok := structure(src); ok {
			t.Errorf("%d:%d: %s — in a file yaml.v3 parses", s.line, s.col, s.msg)
		}
	})
}

// TestStructureSilentOnMutants checks the property of FuzzStructure on
// files made by small random edits of the repository's YAML (a character
// or an indentation changed, a line moved), with a fixed seed. The edits
// that still parse are the interesting ones.
func TestStructureSilentOnMutants(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	files := slices.Sorted(maps.Keys(validYAML(t)))
	srcs := validYAML(t)
	alphabet := []string{" ", "  ", "-", "- ", ":", ": ", "'", `"`, "#", "\n", "[", "]", "{", "}", ",", "|", ">", "&a ", "*a", "x", "é"}
	parsed := 0
	for i := range 3000 {
		src := srcs[files[i%len(files)]]
		for range 1 + r.IntN(3) {
			p := r.IntN(len(src) + 1)
			switch r.IntN(3) {
			case 0: // insert
				src = src[:p] + alphabet[r.IntN(len(alphabet))] + src[p:]
			case 1: // delete
				q := min(len(src), p+1+r.IntN(3))
				src = src[:p] + src[q:]
			case 2: // move a line
				lines := strings.Split(src, "\n")
				a, b := r.IntN(len(lines)), r.IntN(len(lines))
				lines[a], lines[b] = lines[b], lines[a]
				src = strings.Join(lines, "\n")
			}
		}
		if !utf8.ValidString(src) || yaml.Unmarshal([]byte(src), new(yaml.Node)) != nil {
			continue
		}
		parsed++
		if s, ok := structure(src); ok {
			lines := strings.Split(src, "\n")
			t.Errorf("%d:%d: %s — on %q", s.line, s.col, s.msg, lines[max(0, s.line-2):min(len(lines), s.line+1)])
		}
	}
	if parsed < 500 {
		t.Errorf("only %d mutants parse: the test checks too little", parsed)
	}
}
