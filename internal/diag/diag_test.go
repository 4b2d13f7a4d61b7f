package diag

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() List {
	return List{
		{Pos: Pos{File: "data/providers/b.yaml", Line: 12, Col: 5}, Severity: Warning, Rule: "stale", Message: "last verified 2025-01-01", Hint: "check the entry"},
		{Pos: Pos{File: "data/providers/a,b:c.yaml", Line: 3, Col: 9}, Severity: Error, Rule: "unknown-field", Message: "unknown field `languges`, 100% sure\nreally", Hint: "did you mean `languages`?"},
		{Pos: Pos{File: "data/providers/a,b:c.yaml", Line: 3, Col: 2}, Severity: Error, Rule: "syntax", Message: "YAML syntax"},
	}
}

func TestWriteGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			l := sample()
			l.Sort()
			var b bytes.Buffer
			if err := Write(&b, format, l); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+format)
			if *update {
				os.WriteFile(golden, b.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("got\n%s\nwant\n%s", b.Bytes(), want)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, FormatJSON, sample()); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0]["severity"] != "warning" || got[0]["line"] != 12.0 || got[0]["column"] != 5.0 || got[1]["rule"] != "unknown-field" {
		t.Errorf("unexpected JSON: %v", got)
	}
	b.Reset()
	if err := Write(&b, FormatJSON, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("empty list as JSON = %q, %v; want []", b.String(), err)
	}
}

func TestCounts(t *testing.T) {
	l := sample()
	if l.Errors() != 2 || l.Warnings() != 1 {
		t.Errorf("Errors, Warnings = %d, %d; want 2, 1", l.Errors(), l.Warnings())
	}
	if got := l.Error(); got != l[1].String()+" (and 1 more errors)" {
		t.Errorf("Error() = %q", got)
	}
	if err := Write(&bytes.Buffer{}, "xml", l); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestJSONDecode(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, FormatJSON, sample()); err != nil {
		t.Fatal(err)
	}
	var got List
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got.Errors() != 2 || got.Warnings() != 1 || !reflect.DeepEqual(got[1], sample()[1]) {
		t.Errorf("round trip: %+v", got)
	}
	if err := json.Unmarshal([]byte(`[{"severity":"fatal"}]`), &got); err == nil {
		t.Error("unknown severity accepted")
	}
}

// TestMerge: merging problems into a sorted list gives what sorting the
// two lists one after the other gives, ties (the same place and message)
// in the same order.
func TestMerge(t *testing.T) {
	p := func(file string, line int, msg, rule string) Problem {
		return Problem{Pos: Pos{File: file, Line: line, Col: 1}, Message: msg, Rule: rule}
	}
	sorted := List{p("a.yaml", 1, "x", "old1"), p("a.yaml", 3, "x", "old2"), p("b.yaml", 2, "y", "old3"), p("c.yaml", 9, "z", "old4")}
	for _, more := range []List{
		nil,
		{p("b.yaml", 1, "w", "new1")},
		{p("d.yaml", 1, "w", "new1"), p("0.yaml", 5, "w", "new2")},
		{p("a.yaml", 3, "x", "tie"), p("b.yaml", 2, "y", "tie2"), p("a.yaml", 2, "x", "new")},
	} {
		want := append(slices.Clone(sorted), more...)
		want.Sort()
		got := Merge(slices.Clone(sorted), slices.Clone(more))
		if !reflect.DeepEqual(got, want) {
			rules := func(l List) (out []string) {
				for _, p := range l {
					out = append(out, p.File+":"+p.Rule)
				}
				return out
			}
			t.Errorf("Merge of %v:\n got  %v\n want %v", rules(more), rules(got), rules(want))
		}
	}
}
