// Package stats is the format of the anonymous referral statistics: the
// tables the referral endpoint computes (GET /api/v1/stats, the
// coordination office's charts) and the site publishes (wegweiser build
// --stats). One definition, written by one and read by the other.
//
// Each table counts the referrals of a period by one dimension (month,
// district, program, language, referring agency, …) and has a total. Small
// counts would point to a person, so they are suppressed, and so are as
// many others as it takes for no suppressed count to be recovered by
// subtraction from the total and the counts shown:
//
//   - a count under MinCount is suppressed (primary suppression);
//   - if a table has suppressed counts, at least two are, and together they
//     hold at least MinCount referrals; otherwise the smallest counts shown
//     are suppressed too (complementary suppression);
//   - a total under MinCount suppresses the whole table.
//
// A suppressed count is written as "suppressed", never as "<5": a reader
// learns nothing of its size beyond the sum of the suppressed counts.
package stats

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// MinCount is the smallest count shown.
const MinCount = 5

// Suppressed is how a suppressed count is written.
const Suppressed = "suppressed"

// Count is a count that may be suppressed.
type Count struct {
	N          int  // the count; 0 when suppressed in a table that was read
	Suppressed bool //
}

// MarshalJSON writes a number, or "suppressed".
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return json.Marshal(Suppressed)
	}
	return []byte(strconv.Itoa(c.N)), nil
}

// UnmarshalJSON reads what MarshalJSON writes. A number under MinCount is
// an error: it cannot have come from a table that was suppressed.
func (c *Count) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != Suppressed {
			return fmt.Errorf("stats: count %q is neither a number nor %q", s, Suppressed)
		}
		*c = Count{Suppressed: true}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("stats: count %s: %w", b, err)
	}
	if n < MinCount {
		return fmt.Errorf("stats: a count of %d is shown; counts under %d must be suppressed", n, MinCount)
	}
	*c = Count{N: n}
	return nil
}

// Row is one value of a table and its count.
type Row struct {
	Value string `json:"value"`
	Count Count  `json:"count"`
}

// Table counts referrals by one dimension.
type Table struct {
	Dimension string `json:"dimension"`
	Rows      []Row  `json:"rows"` // months in order, else largest first
	Total     Count  `json:"total"`
}

// Report is the statistics of a period: one table per dimension.
type Report struct {
	From            string  `json:"from"` // YYYY-MM, first month
	To              string  `json:"to"`   // YYYY-MM, last month
	SuppressedBelow int     `json:"suppressed_below"`
	Tables          []Table `json:"tables"`
}

// Table returns the table of a dimension, or nil.
func (r *Report) Table(dim string) *Table {
	for i := range r.Tables {
		if r.Tables[i].Dimension == dim {
			return &r.Tables[i]
		}
	}
	return nil
}

// NewTable makes the suppressed table of counts by value. Months ("month")
// keep their order; other rows are sorted by count, largest first.
func NewTable(dim string, counts map[string]int) Table {
	t := Table{Dimension: dim}
	total := 0
	for v, n := range counts {
		if n > 0 {
			t.Rows = append(t.Rows, Row{Value: v, Count: Count{N: n}})
			total += n
		}
	}
	slices.SortFunc(t.Rows, func(a, b Row) int {
		if dim == "month" {
			return cmp.Compare(a.Value, b.Value)
		}
		return cmp.Or(-cmp.Compare(a.Count.N, b.Count.N), cmp.Compare(a.Value, b.Value))
	})
	t.Total = Count{N: total}
	suppress(&t)
	return t
}

// suppress applies the rules of the package comment to a table of raw
// counts.
func suppress(t *Table) {
	if t.Total.N < MinCount {
		for i := range t.Rows {
			t.Rows[i].Count = Count{Suppressed: true}
		}
		t.Total = Count{Suppressed: true}
		return
	}
	hidden, sum := 0, 0
	for i := range t.Rows {
		if t.Rows[i].Count.N < MinCount {
			t.Rows[i].Count.Suppressed = true
			hidden++
			sum += t.Rows[i].Count.N
		}
	}
	// Complementary: the smallest counts shown join the suppressed ones
	// until at least two are suppressed and they hold MinCount together.
	for hidden > 0 && (hidden < 2 || sum < MinCount) {
		k := -1
		for i, r := range t.Rows {
			if !r.Count.Suppressed && (k < 0 || r.Count.N < t.Rows[k].Count.N) {
				k = i
			}
		}
		if k < 0 {
			break // every count is suppressed
		}
		t.Rows[k].Count.Suppressed = true
		hidden++
		sum += t.Rows[k].Count.N
	}
	if hidden > 0 && (hidden < 2 || sum < MinCount) {
		t.Total = Count{Suppressed: true} // nothing left to hide among the rows
	}
	for i := range t.Rows {
		if t.Rows[i].Count.Suppressed {
			t.Rows[i].Count.N = 0 // the raw count goes nowhere
		}
	}
}

// Check reports an error if a report read from a file shows a count under
// MinCount, or a table whose suppressed counts could be recovered by
// subtraction: one suppressed count beside a total, or suppressed counts
// whose sum (the total minus the counts shown) is under MinCount.
func (r *Report) Check() error {
	if r.SuppressedBelow < MinCount {
		return fmt.Errorf("stats: suppressed_below is %d; counts under %d must be suppressed", r.SuppressedBelow, MinCount)
	}
	for _, t := range r.Tables {
		if t.Total.Suppressed {
			continue
		}
		hidden, shown := 0, 0
		for _, row := range t.Rows {
			if row.Count.Suppressed {
				hidden++
			} else {
				shown += row.Count.N
			}
		}
		if hidden > 0 && (hidden < 2 || t.Total.N-shown < MinCount) {
			return fmt.Errorf("stats: table %s: its suppressed counts can be recovered from its total", t.Dimension)
		}
	}
	return nil
}
