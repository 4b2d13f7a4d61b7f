package site

import (
	"strings"
	"testing"
)

func TestParseStatistics(t *testing.T) {
	good := `{"from":"2025-12","to":"2026-11","suppressed_below":5,"tables":[
		{"dimension":"month","rows":[{"value":"2025-12","count":40},{"value":"2026-01","count":"suppressed"},{"value":"2026-11","count":"suppressed"}],"total":57},
		{"dimension":"source","rows":[{"value":"jobcenter","count":50},{"value":"other","count":"suppressed"},{"value":"clearing","count":"suppressed"}],"total":57}]}`
	st, err := ParseStatistics(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if st.Table("month").Total.N != 57 || len(st.Table("month").Rows) != 3 || !st.Table("source").Rows[1].Count.Suppressed {
		t.Errorf("parsed: %+v", st)
	}
	bad := []struct{ name, json, want string }{
		{"a small count", `{"suppressed_below":5,"tables":[{"dimension":"district","rows":[{"value":"laim","count":3}],"total":57}]}`, "count of 3"},
		{"recoverable", `{"suppressed_below":5,"tables":[{"dimension":"district","rows":[{"value":"laim","count":"suppressed"},{"value":"au","count":54}],"total":57}]}`, "recovered"},
		{"no suppression", `{"suppressed_below":0,"tables":[]}`, "suppressed"},
		{"the old format", `{"total":57,"suppressed_below":5,"by":{}}`, "unknown field"},
		{"not a count", `{"suppressed_below":5,"tables":[{"dimension":"d","rows":[],"total":"many"}]}`, "neither a number"},
		{"not JSON", `{`, "statistics"},
	}
	for _, tt := range bad {
		if _, err := ParseStatistics(strings.NewReader(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}
