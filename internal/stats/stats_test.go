package stats

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// recover tries what a reader of a table can do: subtract the counts
// shown from the total. It returns the suppressed counts it can tell
// exactly: one suppressed count is the difference; several whose sum is
// under MinCount each lie under it, which points to few people.
func recover(t Table) (exact map[string]int, small bool) {
	exact = map[string]int{}
	if t.Total.Suppressed {
		return exact, false
	}
	var hidden []string
	rest := t.Total.N
	for _, r := range t.Rows {
		if r.Count.Suppressed {
			hidden = append(hidden, r.Value)
		} else {
			rest -= r.Count.N
		}
	}
	if len(hidden) == 1 {
		exact[hidden[0]] = rest
	}
	return exact, len(hidden) > 0 && rest < MinCount
}

// TestComplementarySuppression: over many random tables, no count under
// MinCount is shown, and subtraction recovers no suppressed count, nor a
// group of them under MinCount. The raw counts go nowhere.
func TestComplementarySuppression(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	suppressedTables := 0
	for i := range 20000 {
		counts := map[string]int{}
		for v := range 1 + r.IntN(8) {
			n := r.IntN(12)
			if r.IntN(3) == 0 {
				n = 1 + r.IntN(4) // many small counts
			}
			counts[fmt.Sprintf("v%d", v)] = n
		}
		tab := NewTable("district", counts)
		for _, row := range tab.Rows {
			if !row.Count.Suppressed && row.Count.N < MinCount {
				t.Fatalf("table %d shows %d for %s", i, row.Count.N, row.Value)
			}
			if row.Count.Suppressed {
				suppressedTables++
				if row.Count.N != 0 {
					t.Fatalf("table %d keeps the raw count of a suppressed cell", i)
				}
			}
		}
		if exact, small := recover(tab); len(exact) > 0 || small {
			t.Fatalf("table %d of %v: recovered %v (small group %v) from %+v", i, counts, exact, small, tab)
		}
		b, _ := json.Marshal(Report{SuppressedBelow: MinCount, Tables: []Table{tab}})
		var back Report
		if err := json.Unmarshal(b, &back); err != nil || back.Check() != nil {
			t.Fatalf("table %d does not read back: %v %v\n%s", i, err, back.Check(), b)
		}
	}
	if suppressedTables < 1000 {
		t.Fatalf("only %d suppressed cells: the test tests little", suppressedTables)
	}
}

// TestSuppressionCases shows the rules on small tables.
func TestSuppressionCases(t *testing.T) {
	show := func(tab Table) string {
		var parts []string
		for _, r := range tab.Rows {
			v := fmt.Sprint(r.Count.N)
			if r.Count.Suppressed {
				v = "x"
			}
			parts = append(parts, r.Value+"="+v)
		}
		tot := fmt.Sprint(tab.Total.N)
		if tab.Total.Suppressed {
			tot = "x"
		}
		return strings.Join(parts, " ") + " total=" + tot
	}
	for _, tt := range []struct {
		counts map[string]int
		want   string
	}{
		{map[string]int{"a": 20, "b": 10, "c": 7}, "a=20 b=10 c=7 total=37"},
		{map[string]int{"a": 20, "b": 10, "c": 3}, "a=20 b=x c=x total=33"},            // c alone would be 33-30
		{map[string]int{"a": 20, "b": 2, "c": 1}, "a=x b=x c=x total=23"},              // b+c = 3 would be a small group
		{map[string]int{"a": 20, "b": 2, "c": 1, "d": 9}, "a=20 d=x b=x c=x total=32"}, // d joins
		{map[string]int{"a": 3}, "a=x total=x"},                                        // total under 5
		{map[string]int{"a": 8, "b": 1}, "a=x b=x total=9"},                            // two rows: both go
	} {
		if got := show(NewTable("district", tt.counts)); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.counts, got, tt.want)
		}
	}
}

// TestReadRefusesLeaks: a file that shows a small count, or suppresses one
// count beside its total, is refused.
func TestReadRefusesLeaks(t *testing.T) {
	for _, doc := range []string{
		`{"suppressed_below":5,"tables":[{"dimension":"d","rows":[{"value":"a","count":3}],"total":8}]}`,
		`{"suppressed_below":5,"tables":[{"dimension":"d","rows":[{"value":"a","count":"suppressed"},{"value":"b","count":9}],"total":12}]}`,
		`{"suppressed_below":5,"tables":[{"dimension":"d","rows":[{"value":"a","count":"<5"}],"total":12}]}`,
		`{"suppressed_below":2,"tables":[]}`,
	} {
		var r Report
		err := json.Unmarshal([]byte(doc), &r)
		if err == nil {
			err = r.Check()
		}
		if err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}
