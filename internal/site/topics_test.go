package site

import (
	"slices"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TestTopicDistricts: a topic's districts hold, together, every offer on
// the topic that is held at an office, each in the districts of its
// offices and nowhere else, in the order of TopicOffers; a district's
// topics are the same lists, seen from the district.
func TestTopicDistricts(t *testing.T) {
	s := example(t)
	seen := 0
	for _, tp := range s.Dir.Topics {
		var want []string // offer in district, in order
		for _, of := range s.TopicOffers(tp.ID) {
			var districts []string
			for _, o := range of.Offices {
				if office := s.Dir.Office(o); office != nil && !slices.Contains(districts, office.District) {
					districts = append(districts, office.District)
				}
			}
			for _, d := range districts {
				want = append(want, of.ID+" in "+d)
			}
		}
		var got []string
		last := -1
		for _, td := range s.TopicDistricts(tp.ID) {
			i := slices.IndexFunc(s.Dir.Districts, func(d model.District) bool { return d.ID == td.District.ID })
			if i <= last {
				t.Errorf("%s: district %s out of the order of districts.yaml", tp.ID, td.District.ID)
			}
			last = i
			if td.Topic.ID != tp.ID || len(td.Offers) == 0 {
				t.Errorf("%s: district %s is of topic %s with %d offers", tp.ID, td.District.ID, td.Topic.ID, len(td.Offers))
			}
			if !slices.ContainsFunc(s.DistrictTopics(td.District.ID), func(x *TopicDistrict) bool { return x == td }) {
				t.Errorf("%s: %s's topics do not hold it", tp.ID, td.District.ID)
			}
			for _, of := range td.Offers {
				got = append(got, of.ID+" in "+td.District.ID)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: by district\n%q\nwant\n%q", tp.ID, got, want)
		}
		seen += len(got)
	}
	if seen < 20 {
		t.Fatalf("the example's topics have %d offers in districts", seen)
	}
	for _, d := range s.Dir.Districts {
		last := -1
		for _, td := range s.DistrictTopics(d.ID) {
			i := slices.IndexFunc(s.Dir.Topics, func(x model.Topic) bool { return x.ID == td.Topic.ID })
			if i <= last || td.District.ID != d.ID {
				t.Errorf("%s: topic %s out of order or of district %s", d.ID, td.Topic.ID, td.District.ID)
			}
			last = i
		}
	}
}

// TestTopicReads: a topic's list of districts records the list as a value,
// no file; a district's topics record their value and the files of their
// offers.
func TestTopicReads(t *testing.T) {
	s := example(t)
	var r Reads
	s.TopicDistrictsReads("work", &r)
	if sum, _ := s.ValueSum(topicDistrictsValue + "work"); r.Values[topicDistrictsValue+"work"] != sum || len(r.Files) != 0 || r.Providers {
		t.Errorf("TopicDistrictsReads recorded %+v", r)
	}
	const d = "ludwigsvorstadt-isarvorstadt"
	r = Reads{}
	s.DistrictTopicsReads(d, &r)
	if sum, _ := s.ValueSum(districtTopicsValue + d); r.Values[districtTopicsValue+d] != sum || !r.Files[ProviderFile("awo-muenchen")] || r.Providers {
		t.Errorf("DistrictTopicsReads recorded %+v", r)
	}
}
