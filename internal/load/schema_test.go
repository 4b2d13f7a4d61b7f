package load

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// TestSchemaFilesUpToDate compares docs/schema/*.json with the schemas
// derived from the model. Run with -update (or make schema) after changing
// the model.
func TestSchemaFilesUpToDate(t *testing.T) {
	for _, s := range SchemaFiles() {
		path := filepath.Join("..", "..", "docs", "schema", s.Name)
		if *update {
			if err := os.WriteFile(path, s.Schema(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, s.Schema()) {
			t.Errorf("%s is out of date: run make schema", path)
		}
	}
}

// compile compiles the schema of kind with a validator that is not ours.
func compile(t *testing.T, kind string) *jsonschema.Schema {
	t.Helper()
	for _, s := range SchemaFiles() {
		if s.Kind != kind {
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.Schema()))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(s.Name, doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(s.Name)
		if err != nil {
			t.Fatalf("schema %s does not compile: %v", s.Name, err)
		}
		return sch
	}
	t.Fatalf("no schema kind %q", kind)
	return nil
}

// jsonValue turns a YAML node into the value a JSON document would hold,
// resolving scalars as YAML 1.2's core schema does (what editors'
// yaml-language-server sees): dates stay strings.
func jsonValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return jsonValue(n.Content[0])
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = jsonValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, jsonValue(c))
		}
		return l
	}
	switch n.Tag {
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

func yamlDoc(t *testing.T, src []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	return jsonValue(&n)
}

// TestExampleMatchesSchema validates every example data file and page front
// matter against its JSON Schema.
func TestExampleMatchesSchema(t *testing.T) {
	root := filepath.Join("..", "..")
	globs := map[string]string{
		"site": "data/site.yaml", "languages": "data/languages.yaml", "districts": "data/districts.yaml",
		"topics": "data/topics.yaml", "provider": "data/providers/*.yaml", "courses": "data/courses/*.yaml",
		"page": "content/*/*.md",
	}
	n := 0
	for kind, glob := range globs {
		sch := compile(t, kind)
		files, _ := filepath.Glob(filepath.Join(root, glob))
		if len(files) == 0 {
			t.Errorf("no example files for %s", glob)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if kind == "page" {
				front, _, ok := splitFrontMatter(src)
				if !ok {
					t.Fatalf("%s: no front matter", f)
				}
				src = front
			}
			if err := sch.Validate(yamlDoc(t, src)); err != nil {
				t.Errorf("%s does not match %s schema: %v", f, kind, err)
			}
			n++
		}
	}
	t.Logf("%d files validated", n)
}

// TestSchemaRejects shows the schemas catch the mistakes an editor's tool
// should flag while typing.
func TestSchemaRejects(t *testing.T) {
	base := baseSite(t)
	provider := string(base["data/providers/caritas.yaml"].Data)
	cases := []struct{ name, old, new, want string }{
		{"unknown field", "    languages: [de, ar, en]", "    languges: [de, ar, en]", "languges"},
		{"missing required field", "    name: Anna Beispiel\n", "", "name"},
		{"bad enum", "kind: open}", "kind: opne}", "/kind"},
		{"bad day", "days: [mo, tu]", "days: [mo, di]", "/days/1"},
		{"bad time", `to: "12:00", kind: open`, `to: "12.00", kind: open`, "12.00"},
		{"bad id", "  - id: caritas-mitte\n", "  - id: Caritas_Mitte\n", "Caritas_Mitte"},
		{"bad url", "website: https://caritas.example.org", "website: javascript:alert(1)", "javascript"},
		{"wrong type", "    serves: [maxvorstadt, altstadt-lehel]", "    serves: maxvorstadt", "serves"},
	}
	sch := compile(t, "provider")
	if err := sch.Validate(yamlDoc(t, []byte(provider))); err != nil {
		t.Fatalf("base provider does not validate: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(provider, c.old) {
				t.Fatalf("base provider lacks %q", c.old)
			}
			err := sch.Validate(yamlDoc(t, []byte(strings.Replace(provider, c.old, c.new, 1))))
			if err == nil {
				t.Fatalf("schema accepted the broken file")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not name %q: %v", c.want, err)
			}
		})
	}
}
