package site

import (
	"maps"
	"slices"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TestValueSums: the fingerprint of a list a page reads instead of every
// provider file (Reads.Values) changes when what the list shows changes —
// who is in it, in which order — and not when only an entry's own data
// does (which the entry's file covers).
func TestValueSums(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(d *model.Directory)
		changed []string // values whose fingerprint must change; every other must not
	}{
		{"an advisor's phone", func(d *model.Directory) {
			d.Advisor("caritas-ahmad-kraus").Phone = "089 000"
		}, nil},
		{"an office's phone", func(d *model.Directory) {
			d.Office("awo-mbe-ludwigsvorstadt").Phone = "089 000"
		}, nil},
		{"an advisor speaks one more language, in a district the set has", func(d *model.Directory) {
			a := d.Advisor("caritas-ahmad-kraus")
			a.Languages = append(slices.Clone(a.Languages), "ti")
		}, []string{"advisor-set:language/ti", "advisor-sets:language", "language-districts:ti", "language-district:ti/obergiesing-fasangarten"}},
		{"a course explained in one more language", func(d *model.Directory) {
			c := d.Course("daa-general-2027-002") // in Neuhausen-Nymphenburg, which has offices where Arabic is spoken
			c.SupportLanguages = append(slices.Clone(c.SupportLanguages), "ar")
		}, []string{"language-districts:ar", "language-district:ar/neuhausen-nymphenburg"}},
		{"an office serves one more district", func(d *model.Directory) {
			o := d.Office("awo-mbe-ludwigsvorstadt")
			o.Serves = append(slices.Clone(o.Serves), "laim")
		}, []string{"district-offices:laim/mbe"}},
		{"an offer on one more topic", func(d *model.Directory) {
			of := d.Offer("awo-mbe-ludwigsvorstadt-beratung") // at awo-mbe-ludwigsvorstadt
			of.Topics = append(slices.Clone(of.Topics), "school-training")
		}, []string{"topic-districts:school-training", "district-topics:ludwigsvorstadt-isarvorstadt"}},
		{"an offer on a topic its district has already", func(d *model.Directory) {
			of := d.Offer("awo-frauenberatung") // at awo-mbe-ludwigsvorstadt, as awo-mbe-ludwigsvorstadt-beratung, which is on money
			of.Topics = append(slices.Clone(of.Topics), "money")
		}, []string{"topic-districts:money", "district-topics:ludwigsvorstadt-isarvorstadt"}},
		{"an offer's title", func(d *model.Directory) {
			d.Offer("awo-mbe-ludwigsvorstadt-beratung").Title = model.Text{"de": "Beratung"}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := example(t)
			after := example(t)
			tc.change(after.Dir)
			after.Dir.Index()
			after, err := New(after.Dir, Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range before.Dir.Districts {
				for _, p := range before.Programs() {
					names = append(names, districtOfficesValue+d.ID+"/"+p)
				}
			}
			for _, by := range []string{"language", "district", "program"} {
				names = append(names, advisorSetsValue+by)
				for _, a := range before.AdvisorSetsBy(by) {
					names = append(names, advisorSetValue+by+"/"+a.Value)
				}
			}
			for _, code := range before.FinderLanguages() {
				names = append(names, finderPairsValue+code)
			}
			for _, tp := range before.Dir.Topics {
				names = append(names, topicDistrictsValue+tp.ID)
			}
			for _, d := range before.Dir.Districts {
				names = append(names, districtTopicsValue+d.ID)
			}
			for _, code := range before.Spoken() {
				names = append(names, languageDistrictsValue+code)
				for _, ld := range before.LanguageDistricts(code) {
					names = append(names, languageDistrictValue+code+"/"+ld.District.ID)
				}
			}
			for _, name := range names {
				was, ok := before.ValueSum(name)
				now, ok2 := after.ValueSum(name)
				if !ok || !ok2 {
					t.Fatalf("%s: no value (%v %v)", name, ok, ok2)
				}
				if want := slices.Contains(tc.changed, name); (was != now) != want {
					t.Errorf("%s: fingerprint changed %v, want %v", name, was != now, want)
				}
			}
		})
	}
}

// TestReadsValuesWithCourses: reading every provider file covers the
// values computed from provider files alone, not those computed from the
// course files too (a language's entries in a district): they stay, and
// are recorded after it.
func TestReadsValuesWithCourses(t *testing.T) {
	var r Reads
	r.value(languageDistrictValue+"ar/laim", "1")
	r.value(advisorSetValue+"language/ar", "2")
	r.AllProviders()
	r.value(languageDistrictsValue+"ar", "3")
	r.value(findingValue+"ar/laim", "4")
	want := map[string]string{languageDistrictValue + "ar/laim": "1", languageDistrictsValue + "ar": "3"}
	if !maps.Equal(r.Values, want) {
		t.Errorf("values %v, want %v", r.Values, want)
	}
}
