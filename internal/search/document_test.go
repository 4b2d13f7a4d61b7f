package search_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/search/searchtest"
)

var update = flag.Bool("update", false, "rewrite the golden files of the documents")

// TestDocumentsGolden pins the search documents of the example in German
// and Arabic (testdata/documents-{lang}.jsonl; go test -update writes
// them): what every document is found by, with which weight, so that a
// change to how they are made (the parts shared between documents are
// made once, see docBuilder) shows in the diff, not in rankings later.
func TestDocumentsGolden(t *testing.T) {
	docs, _ := searchtest.Example(t, "../..", today)
	for _, lang := range []string{"de", "ar"} {
		var got []byte // a document a line: a change shows as the lines of the documents it touches
		for _, d := range docs[lang] {
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			got = append(append(got, b...), '\n')
		}
		name := filepath.Join("testdata", "documents-"+lang+".jsonl")
		if *update {
			if err := os.WriteFile(name, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (go test -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the %s documents differ from %s (go test -update rewrites it; look at the diff)", lang, name)
		}
	}
}
