package build

import (
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/site"
)

// keepLog is a Writer and keeper that notes what it is asked to keep.
type keepLog struct {
	memWriter
	kept []string
}

// Keep implements keeper.
func (k *keepLog) Keep(name string, _ intactFunc) (bool, error) {
	k.kept = append(k.kept, name)
	return true, nil
}

// TestFinderKeeperNames checks that the course finder's manifest, which
// comes from the previous output, can have only the finder's own files
// kept: a record naming a page of {lang}/courses/ keeps nothing (it would
// replace the page just rendered). That the data kept is right is
// TestIncrementalRebuild's and TestKeptPagesLinked's.
func TestFinderKeeperNames(t *testing.T) {
	in := &inputs{Files: map[string]sum{}}
	for _, tc := range []struct {
		name string
		keep bool
	}{
		{"finder.json", true},
		{"finder/bezirk-1.json", true},
		{"index.html", false},
		{"../index.html", false},
	} {
		data := []byte("{}")
		rec := &finderRecord{Reads: &site.Reads{}, fileGroup: groupOf(map[string][]byte{tc.name: data})}
		b, err := json.Marshal(finderManifest{Inputs: in, Langs: map[string]*finderRecord{"de": rec}})
		if err != nil {
			t.Fatal(err)
		}
		prev := fstest.MapFS{FinderManifestName: {Data: b}, "de/courses/" + tc.name: {Data: data}}
		w := &keepLog{}
		got, err := newFinderKeeper(prev, w, in, nil).keep("de")
		if err != nil || got != tc.keep || (len(w.kept) > 0) != tc.keep {
			t.Errorf("%s: kept %v (asked to keep %v), %v; want %v", tc.name, got, w.kept, err, tc.keep)
		}
	}
}
