package yamlfmt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite out.yaml in testdata/*.txtar")

var types = map[string]string{
	"provider":  "data/providers/x.yaml",
	"courses":   "data/courses/x.yaml",
	"districts": "data/districts.yaml",
}

// TestGolden formats in.yaml of every testdata/*.txtar and compares with
// out.yaml; formatting out.yaml again must change nothing.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			parts := map[string][]byte{}
			for _, f := range ar.Files {
				parts[f.Name] = f.Data
			}
			typ := TypeOf(types[strings.TrimSpace(string(parts["type"]))])
			if typ == nil {
				t.Fatalf("unknown type %q", parts["type"])
			}
			got, err := Format(parts["in.yaml"], typ)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "out.yaml" {
						ar.Files[i].Data = got
					}
				}
				os.WriteFile(file, txtar.Format(ar), 0o644)
				return
			}
			if !bytes.Equal(got, parts["out.yaml"]) {
				t.Errorf("Format:\n%s\nwant:\n%s", got, parts["out.yaml"])
			}
			again, err := Format(got, typ)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("Format is not idempotent (%v):\n%s", err, again)
			}
		})
	}
}

// TestExampleIsNormal keeps the example data in normal form: what `wegweiser
// fmt --check` asks of every site.
func TestExampleIsNormal(t *testing.T) {
	files, _ := filepath.Glob("../../data/*.yaml")
	more, _ := filepath.Glob("../../data/*/*.yaml")
	files = append(files, more...)
	if len(files) < 10 {
		t.Fatalf("only %d example files", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(filepath.ToSlash(f), "../../")
		if TypeOf(rel) == nil {
			t.Errorf("%s: no model type", rel)
			continue
		}
		got, err := Format(src, TypeOf(rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if !bytes.Equal(got, src) {
			t.Errorf("%s is not in normal form; run `wegweiser fmt`", rel)
		}
	}
}

// TestEditRoundTrip changes one office's opening hours the way a program
// does (read the node tree, set a value, write it) and diffs the file: only
// that line changes, comments and every other line stay.
func TestEditRoundTrip(t *testing.T) {
	src, err := os.ReadFile("../../data/providers/awo-muenchen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	office := lookup(t, doc.Content[0], "offices").Content[0]
	from := lookup(t, lookup(t, office, "hours").Content[0], "from")
	if from.Value != "09:00" {
		t.Fatalf("first hours of the first office start at %q, the test expects 09:00", from.Value)
	}
	from.Value = "08:30"
	out, err := Encode(&doc)
	if err != nil {
		t.Fatal(err)
	}
	before, after := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
	if len(before) != len(after) {
		t.Fatalf("the edit changed the number of lines: %d → %d", len(before), len(after))
	}
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, before[i]+" → "+after[i])
		}
	}
	want := `      - {days: [mo, tu], from: "09:00", to: "12:00", kind: open} →       - {days: [mo, tu], from: "08:30", to: "12:00", kind: open}`
	if len(changed) != 1 || changed[0] != want {
		t.Errorf("changed lines:\n%s\nwant only:\n%s", strings.Join(changed, "\n"), want)
	}
	// Formatting the edited file changes nothing more.
	typ := TypeOf("data/providers/awo-muenchen.yaml")
	if again, err := Format(out, typ); err != nil || !bytes.Equal(again, out) {
		t.Errorf("the edited file is not in normal form (%v)", err)
	}
}

func lookup(t *testing.T, m *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	t.Fatalf("no key %q", key)
	return nil
}

func TestTypeOf(t *testing.T) {
	for rel, want := range map[string]string{
		"data/providers/awo.yaml": "model.Provider",
		"data/courses/vhs.yaml":   "model.CourseFile",
		"data/site.yaml":          "model.Site",
		"data/districts.yaml":     "[]model.District",
		"data/languages.yaml":     "[]model.Language",
		"data/topics.yaml":        "[]model.Topic",
		"data/providers/awo.yml":  "<nil>",
		"content/de/index.md":     "<nil>",
		"data/other.yaml":         "<nil>",
	} {
		got := "<nil>"
		if typ := TypeOf(rel); typ != nil {
			got = typ.String()
		}
		if got != want {
			t.Errorf("TypeOf(%q) = %s, want %s", rel, got, want)
		}
	}
}

// FuzzFormat: whatever parses, Format keeps the data (the same values
// when read back) and is idempotent.
func FuzzFormat(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, _ := txtar.ParseFile(file)
		for _, fl := range ar.Files {
			if strings.HasSuffix(fl.Name, ".yaml") {
				f.Add(fl.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var want any
		if yaml.Unmarshal(src, &want) != nil || bytes.Contains(src, []byte("\r")) {
			return
		}
		out, err := Format(src, nil)
		if err != nil {
			return // the encoder refuses some odd trees; the file is left as it was
		}
		var got any
		if err := yaml.Unmarshal(out, &got); err != nil {
			t.Fatalf("formatted file does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("data changed:\n%s\n→\n%s", src, out)
		}
		if again, err := Format(out, nil); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent (%v):\n%s\n→\n%s", err, out, again)
		}
	})
}
