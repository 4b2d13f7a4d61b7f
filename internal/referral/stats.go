package referral

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// MinCount is the smallest count statistics show; smaller counts are shown
// as "<5", so no cell points to a person.
const MinCount = 5

// Count is a number of referrals, shown as "<5" below MinCount.
type Count int

// MarshalJSON writes counts from MinCount on as numbers, smaller ones as
// "<5". A zero count is never written: absent rows mean none.
func (c Count) MarshalJSON() ([]byte, error) {
	if c < MinCount {
		return json.Marshal(fmt.Sprintf("<%d", MinCount))
	}
	return []byte(strconv.Itoa(int(c))), nil
}

// UnmarshalJSON reads a count written by MarshalJSON; "<5" becomes 0.
func (c *Count) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*c = Count(n)
		return nil
	}
	*c = 0
	return nil
}

// Stats are anonymous counts of referrals over a period.
type Stats struct {
	From            string                      `json:"from"` // YYYY-MM, first month
	To              string                      `json:"to"`   // YYYY-MM, last month
	Total           Count                       `json:"total"`
	By              map[string]map[string]Count `json:"by"` // dimension → value → count
	SuppressedBelow int                         `json:"suppressed_below"`
}

// Dimensions of the statistics.
var Dimensions = []string{"month", "source", "provider", "district", "language", "outcome"}

// Stats counts the referrals created in the months [from, to] by month,
// source, provider, district, first language and outcome. Only the
// coordination office may see them.
func (s *Service) Stats(ctx context.Context, a Actor, from, to time.Time) (*Stats, error) {
	if a.Role != RoleCoordination {
		return nil, ErrForbidden
	}
	from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year(), to.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := s.Store.Stats(ctx, from, end)
	if err != nil {
		return nil, err
	}
	st := &Stats{From: from.Format("2006-01"), To: to.Format("2006-01"), By: map[string]map[string]Count{}, SuppressedBelow: MinCount}
	for _, d := range Dimensions {
		st.By[d] = map[string]Count{}
	}
	for _, r := range rows {
		st.Total++
		for d, v := range map[string]string{"month": r.Month, "source": r.Source, "provider": r.Provider, "district": r.District, "language": r.Language, "outcome": r.Outcome} {
			if v == "" {
				v = "unknown"
			}
			st.By[d][v]++
		}
	}
	s.audit(ctx, a, "read-stats", "")
	return st, nil
}
