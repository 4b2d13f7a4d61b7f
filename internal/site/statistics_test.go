package site

import (
	"strings"
	"testing"
)

func TestParseStatistics(t *testing.T) {
	good := `{"from":"2025-12","to":"2026-11","total":57,"suppressed_below":5,
		"by":{"month":{"2026-11":12,"2026-01":"<5","2025-12":40},"source":{"jobcenter":50,"other":"<5"},"outcome":{"closed":"<5"}}}`
	st, err := ParseStatistics(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != "57" || len(st.By["month"]) != 3 || st.By["month"][0].Value != "2025-12" || st.By["source"][0] != (StatCell{"jobcenter", "50"}) || st.By["source"][1].Count != "<5" {
		t.Errorf("parsed: %+v", st)
	}
	bad := []struct{ name, json, want string }{
		{"a small count", `{"total":57,"suppressed_below":5,"by":{"district":{"laim":3}}}`, "district laim shows 3"},
		{"no suppression", `{"total":57,"suppressed_below":0,"by":{}}`, "suppressed"},
		{"small total", `{"total":2,"suppressed_below":5,"by":{}}`, "total shows 2"},
		{"not a count", `{"total":"many","suppressed_below":5,"by":{}}`, "neither a count"},
		{"not JSON", `{`, "statistics"},
	}
	for _, tt := range bad {
		if _, err := ParseStatistics(strings.NewReader(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}
