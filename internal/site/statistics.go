package site

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Statistics are the anonymous referral counts of an export file (the
// answer of the referral endpoint's GET /api/v1/stats), ready to publish.
type Statistics struct {
	From, To string
	Total    string
	By       map[string][]StatCell // dimension → rows
}

// StatCell is one row of a statistics table: a value and its count, which
// is a number of at least the suppression limit or "<5".
type StatCell struct {
	Value, Count string
}

// StatDimensions are the tables of the statistics page, in order.
var StatDimensions = []string{"month", "source", "provider", "district", "language", "outcome"}

// ParseStatistics reads an export file. It refuses a file that shows any
// count under its suppression limit, so that no published number can
// point to a person.
func ParseStatistics(r io.Reader) (*Statistics, error) {
	var raw struct {
		From            string                                `json:"from"`
		To              string                                `json:"to"`
		Total           json.RawMessage                       `json:"total"`
		By              map[string]map[string]json.RawMessage `json:"by"`
		SuppressedBelow int                                   `json:"suppressed_below"`
	}
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	if raw.SuppressedBelow < 5 {
		return nil, fmt.Errorf("statistics: suppressed_below is %d; counts under 5 must be suppressed", raw.SuppressedBelow)
	}
	count := func(where string, m json.RawMessage) (string, int, error) {
		var n int
		if err := json.Unmarshal(m, &n); err == nil {
			if n < raw.SuppressedBelow {
				return "", 0, fmt.Errorf("statistics: %s shows %d, under %d: refusing to publish", where, n, raw.SuppressedBelow)
			}
			return strconv.Itoa(n), n, nil
		}
		var s string
		if err := json.Unmarshal(m, &s); err != nil || !strings.HasPrefix(s, "<") {
			return "", 0, fmt.Errorf("statistics: %s is neither a count nor \"<%d\"", where, raw.SuppressedBelow)
		}
		return s, 0, nil
	}
	st := &Statistics{From: raw.From, To: raw.To, By: map[string][]StatCell{}}
	var err error
	if st.Total, _, err = count("total", raw.Total); err != nil {
		return nil, err
	}
	for _, dim := range StatDimensions {
		type row struct {
			StatCell
			n int
		}
		var rows []row
		for v, m := range raw.By[dim] {
			c, n, err := count(dim+" "+v, m)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row{StatCell{v, c}, n})
		}
		slices.SortFunc(rows, func(a, b row) int {
			if dim == "month" {
				return cmp.Compare(a.Value, b.Value)
			}
			return cmp.Or(-cmp.Compare(a.n, b.n), cmp.Compare(a.Value, b.Value))
		})
		for _, r := range rows {
			st.By[dim] = append(st.By[dim], r.StatCell)
		}
	}
	return st, nil
}
