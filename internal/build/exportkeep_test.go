package build

import (
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// TestExportKeeperNames checks that the exports manifest, which comes
// from the previous output, can have only a data file's own exports kept
// (vcard/…, ical/…): a record naming a list over all advisors keeps
// nothing. Which exports are kept after a change, and that they are
// right, is TestIncrementalRebuild's and TestKeptPagesLinked's.
func TestExportKeeperNames(t *testing.T) {
	file := site.ProviderFile("awo-muenchen")
	in := &inputs{Files: map[string]sum{file: {1}}}
	d := &model.Directory{}
	today := model.DateOf(testToday)
	first := newExportKeeper(nil, nil, in, d, "example.org", false, today)
	for _, tc := range []struct {
		name string
		keep bool
	}{
		{"vcard/office-awo-mbe-ludwigsvorstadt.vcf", true},
		{"ical/office-awo-mbe-ludwigsvorstadt.ics", true},
		{"advisors.csv", false},
		{"../de/index.html", false},
	} {
		data := []byte("BEGIN:VCARD")
		man := first.now // the program's and site-wide fingerprints, as a build of the same would write
		man.Files = map[string]*exportRecord{file: {Sum: in.Files[file], fileGroup: groupOf(map[string][]byte{tc.name: data})}}
		b, err := json.Marshal(man)
		if err != nil {
			t.Fatal(err)
		}
		prev := fstest.MapFS{ExportsManifestName: {Data: b}, "exports/" + tc.name: {Data: data}}
		w := &keepLog{}
		got, err := newExportKeeper(prev, w, in, d, "example.org", false, today).keep(file)
		if err != nil || got != tc.keep || (len(w.kept) > 0) != tc.keep {
			t.Errorf("%s: kept %v (asked to keep %v), %v; want %v", tc.name, got, w.kept, err, tc.keep)
		}
	}
}
