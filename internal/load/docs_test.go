package load

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestDocsCoverFields checks that docs/data-format.md names every field of
// every data file kind.
func TestDocsCoverFields(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "data-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	var fc fieldCache
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(t0 reflect.Type) {
		for t0.Kind() == reflect.Pointer || t0.Kind() == reflect.Slice {
			t0 = t0.Elem()
		}
		if t0.Kind() != reflect.Struct || seen[t0] || t0 == dateType {
			return
		}
		seen[t0] = true
		for _, f := range fc.fields(t0) {
			if !strings.Contains(string(doc), "`"+f.name+"`") {
				t.Errorf("docs/data-format.md does not mention field `%s` of %s", f.name, t0.Name())
			}
			visit(t0.Field(f.index).Type)
		}
	}
	for _, s := range SchemaFiles() {
		visit(reflect.TypeOf(s.root))
	}
}

// TestDocsCoverRules checks that docs/checks.md explains every rule code
// that the loader reports anywhere in its source.
func TestDocsCoverRules(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "checks.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	rule := regexp.MustCompile(`(?:Rule: |errorf\(\w+, |(?:errorAt|warnAt)\([^,]+, |problem\(diag\.(?:Error|Warning), (?:diag\.Pos\{[^}]*\}|[^,]+), )"([a-z]+(?:-[a-z]+)*)"`)
	found := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range rule.FindAllStringSubmatch(string(src), -1) {
			found[m[1]] = true
		}
	}
	if len(found) < 30 {
		t.Fatalf("found only %d rule codes in the source: the pattern is out of date", len(found))
	}
	for r := range found {
		if !strings.Contains(string(doc), "`"+r+"`") {
			t.Errorf("docs/checks.md does not explain rule `%s`", r)
		}
	}
}
