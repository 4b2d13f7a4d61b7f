package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// hsdsSchemas compiles the official HSDS 3.0 schemas in testdata.
func hsdsSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("testdata", "hsds-3.0", "schema"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) < 15 {
		t.Fatalf("HSDS schemas missing in %s", dir)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range files {
		b, _ := os.ReadFile(f)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("file://"+f, doc); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"organization", "service", "location", "service_at_location"} {
		s, err := c.Compile("file://" + filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// TestHSDS validates every object of the export in every language against
// the official schemas and checks that every public office, offer and
// running course appears exactly once, under the same id in every
// language.
func TestHSDS(t *testing.T) {
	d := example(t).Public()
	schemas := hsdsSchemas(t)
	ids := map[string]map[string]bool{} // file → ids of the first language
	for _, lang := range d.Site.Languages {
		h := BuildHSDS(d, lang, "https://example.org/", model.DateOf(today))
		for name, b := range h.Files() {
			var objects []any
			if err := json.Unmarshal(b, &objects); err != nil {
				t.Fatal(err)
			}
			schema := schemas[map[string]string{"organizations.json": "organization", "services.json": "service", "locations.json": "location", "service_at_locations.json": "service_at_location"}[name]]
			seen := map[string]bool{}
			for _, o := range objects {
				if err := schema.Validate(o); err != nil {
					t.Errorf("%s %s: %v", lang, name, err)
					break
				}
				id := o.(map[string]any)["id"].(string)
				if seen[id] {
					t.Errorf("%s %s: id %s twice", lang, name, id)
				}
				seen[id] = true
			}
			if ids[name] == nil {
				ids[name] = seen
			} else if len(seen) != len(ids[name]) {
				t.Errorf("%s %s: %d ids, the first language has %d", lang, name, len(seen), len(ids[name]))
			} else {
				for id := range seen {
					if !ids[name][id] {
						t.Errorf("%s %s: id %s not in the first language", lang, name, id)
					}
				}
			}
		}
	}
	// Every public office, offer and running course exactly once.
	h := BuildHSDS(d, "de", "", model.DateOf(today))
	count := func(list []string, id string) int {
		n := 0
		for _, x := range list {
			if x == id {
				n++
			}
		}
		return n
	}
	var locs, svcs []string
	for _, l := range h.Locations {
		locs = append(locs, l.ID)
	}
	for _, s := range h.Services {
		svcs = append(svcs, s.ID)
	}
	for _, p := range d.Providers {
		for _, o := range p.Offices {
			if count(locs, HSDSID("office", o.ID)) != 1 {
				t.Errorf("office %s not once among the locations", o.ID)
			}
		}
		for _, o := range p.Offers {
			if count(svcs, HSDSID("offer", o.ID)) != 1 {
				t.Errorf("offer %s not once among the services", o.ID)
			}
		}
	}
	courses := 0
	for _, f := range d.CourseFiles {
		for _, c := range f.Courses {
			want := 1
			if c.End.Before(model.DateOf(today)) {
				want = 0
			}
			courses += want
			if count(svcs, HSDSID("course", c.ID)) != want {
				t.Errorf("course %s not %d times among the services", c.ID, want)
			}
		}
	}
	if courses < 30 {
		t.Errorf("only %d running courses", courses)
	}
	if a, b := HSDSID("office", "x"), HSDSID("office", "x"); a != b || a == HSDSID("office", "y") {
		t.Errorf("HSDS ids are not stable")
	}
}

// TestHSDSSchemasReject shows the schemas catch broken objects.
func TestHSDSSchemasReject(t *testing.T) {
	schemas := hsdsSchemas(t)
	bad := []struct{ schema, json string }{
		{"service", `{"id": "not-a-uuid", "name": "x", "status": "active"}`},
		{"service", `{"id": "9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4", "name": "x"}`},
		{"service", `{"id": "9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4", "name": "x", "status": "open"}`},
		{"location", `{"id": "9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4", "location_type": "physical", "addresses": [{"id": "9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4"}]}`},
		{"organization", `{"id": "9d3b2f5e-6c1a-4b8e-9f00-77e9d1a3c5b4", "name": "x"}`},
	}
	for _, b := range bad {
		var v any
		json.Unmarshal([]byte(b.json), &v)
		if err := schemas[b.schema].Validate(v); err == nil {
			t.Errorf("%s accepted %s", b.schema, b.json)
		}
	}
}

// TestEncodeHSDS checks the export made share by share: with nothing
// kept it is what encoding each array whole gives; each share's span
// holds that share's entries; and with every share but a changed one
// kept from the export before the change, it is the export made anew.
func TestEncodeHSDS(t *testing.T) {
	d := example(t).Public()
	day := model.DateOf(today)
	for _, lang := range []string{"de", "ar"} {
		h := BuildHSDS(d, lang, "https://example.org/", day)
		files, spans := EncodeHSDS(d, lang, "https://example.org/", day, nil)
		for j, v := range []any{h.Organizations, h.Services, h.Locations, h.ServiceAtLocations} {
			want, _ := json.Marshal(v)
			if got := files[HSDSFileNames[j]]; string(got) != string(want)+"\n" {
				t.Errorf("%s %s: made share by share, it differs from the array encoded whole", lang, HSDSFileNames[j])
			}
		}
		b := &hsdsBuilder{d: d, lang: lang, base: "https://example.org/", today: day}
		sources := Sources(d)
		if len(spans) != len(sources) {
			t.Fatalf("%s: %d spans for %d data files", lang, len(spans), len(sources))
		}
		for i, src := range sources {
			want := b.share(i).encodeEntries()
			for j, name := range HSDSFileNames {
				s := spans[i][j]
				if got := files[name][s.Off : s.Off+s.Len]; string(got) != string(want[j]) {
					t.Errorf("%s %s: the span of %v holds %.60q, want %.60q", lang, name, src, got, want[j])
				}
			}
		}

		// One provider renamed: its share made anew, the others kept.
		changed := *d
		changed.Providers = slices.Clone(d.Providers)
		changed.Providers[1].Name = model.Text{"de": "Umbenannt", "ar": "Umbenannt"}
		kept := func(i int) ([4][]byte, bool) {
			if i == 1 {
				return [4][]byte{}, false
			}
			var out [4][]byte
			for j, name := range HSDSFileNames {
				s := spans[i][j]
				out[j] = files[name][s.Off : s.Off+s.Len]
			}
			return out, true
		}
		got, _ := EncodeHSDS(&changed, lang, "https://example.org/", day, kept)
		want, _ := EncodeHSDS(&changed, lang, "https://example.org/", day, nil)
		for _, name := range HSDSFileNames {
			if string(got[name]) != string(want[name]) {
				t.Errorf("%s %s: with the unchanged shares kept, it differs from the export made anew", lang, name)
			}
		}
		if string(got["organizations.json"]) == string(files["organizations.json"]) || !strings.Contains(string(got["organizations.json"]), "Umbenannt") {
			t.Errorf("%s: the renamed provider's share was not made anew", lang)
		}
	}
}
