package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TopicDistrict is what a topic has in one district: the offers on the
// topic held at an office in the district, in the order of TopicOffers.
// On a site whose lists go by district (ByDistrict) a topic's page lists
// the districts (TopicDistricts) and a district's page the topics
// (DistrictTopics): the offers on a topic in the whole country are
// hundreds, 110–170 KB of HTML a page in the national benchmark data.
type TopicDistrict struct {
	Topic    *model.Topic
	District *model.District
	Offers   []*model.Offer
}

// Anchor returns the id of the topic's section on the district's page.
func (td *TopicDistrict) Anchor() string { return "topic-" + td.Topic.ID }

// topicDistricts are the TopicDistricts of every topic, by topic and by
// district, made in one pass.
type topicDistricts struct {
	byTopic    map[string][]*TopicDistrict // in the order of districts.yaml
	byDistrict map[string][]*TopicDistrict // in the order of topics.yaml
}

// TopicDistricts returns the districts where a topic has offers, in the
// order of districts.yaml, each with its offers. An offer held at offices
// in several districts is in each of them.
func (s *Site) TopicDistricts(topic string) []*TopicDistrict {
	return s.topicDistricts().byTopic[topic]
}

// DistrictTopics returns the topics that have offers held in a district,
// in the order of topics.yaml, each with its offers.
func (s *Site) DistrictTopics(district string) []*TopicDistrict {
	return s.topicDistricts().byDistrict[district]
}

func (s *Site) topicDistricts() topicDistricts {
	return once(s.memo, [3]string{"topic-districts"}, func() topicDistricts {
		districtsOf := s.offerDistricts()
		byKey := map[[2]string]*TopicDistrict{} // topic, district
		for _, of := range s.offersWhere(func(*model.Offer) bool { return true }) {
			for i, topic := range of.Topics {
				if slices.Contains(of.Topics[:i], topic) {
					continue // named twice
				}
				for _, d := range districtsOf[of] {
					k := [2]string{topic, d}
					if byKey[k] == nil {
						byKey[k] = &TopicDistrict{}
					}
					byKey[k].Offers = append(byKey[k].Offers, of)
				}
			}
		}
		out := topicDistricts{byTopic: map[string][]*TopicDistrict{}, byDistrict: map[string][]*TopicDistrict{}}
		for i := range s.Dir.Topics {
			t := &s.Dir.Topics[i]
			for j := range s.Dir.Districts {
				d := &s.Dir.Districts[j]
				if td := byKey[[2]string{t.ID, d.ID}]; td != nil {
					td.Topic, td.District = t, d // a topic or district not of the site is left out (the loader warned)
					out.byTopic[t.ID] = append(out.byTopic[t.ID], td)
				}
			}
		}
		for j := range s.Dir.Districts {
			d := &s.Dir.Districts[j]
			for i := range s.Dir.Topics {
				if td := byKey[[2]string{s.Dir.Topics[i].ID, d.ID}]; td != nil {
					out.byDistrict[d.ID] = append(out.byDistrict[d.ID], td)
				}
			}
		}
		return out
	})
}

// TopicDistrictsReads is TopicDistricts for a page that shows the
// districts and how many offers each has: it records that list (a value)
// in r, not the files of the offers.
func (s *Site) TopicDistrictsReads(topic string, r *Reads) []*TopicDistrict {
	r.value(topicDistrictsValue+topic, s.topicDistrictsSum(topic))
	return s.TopicDistricts(topic)
}

// DistrictTopicsReads is DistrictTopics, recording in r which offers are
// held in the district on which topics (a value) and the offers' files.
func (s *Site) DistrictTopicsReads(district string, r *Reads) []*TopicDistrict {
	r.value(districtTopicsValue+district, s.districtTopicsSum(district))
	list := s.DistrictTopics(district)
	for _, td := range list {
		for _, of := range td.Offers {
			r.Provider(of.Provider)
		}
	}
	return list
}

// topicDistrictsSum is the fingerprint of a topic's districts and the
// number of offers in each; never "".
func (s *Site) topicDistrictsSum(topic string) string {
	return once(s.memo, [3]string{"topic-districts-sum", topic}, func() string {
		h := sha256.New()
		fmt.Fprintf(h, "%s\n", topic)
		for _, td := range s.TopicDistricts(topic) {
			fmt.Fprintf(h, "%s %d\n", td.District.ID, len(td.Offers))
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// districtTopicsSum is the fingerprint of a district's topics and their
// offers (provider and id), in order; never "".
func (s *Site) districtTopicsSum(district string) string {
	return once(s.memo, [3]string{"district-topics-sum", district}, func() string {
		h := sha256.New()
		fmt.Fprintf(h, "%s\n", district)
		for _, td := range s.DistrictTopics(district) {
			fmt.Fprintf(h, "%s\n", td.Topic.ID)
			for _, of := range td.Offers {
				fmt.Fprintf(h, " %s %s\n", of.Provider, of.ID)
			}
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}
