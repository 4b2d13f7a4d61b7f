package load

import "testing"

func TestSuggest(t *testing.T) {
	ids := []string{"maxvorstadt", "altstadt-lehel", "schwabing-west", "schwabing-freimann", "au-haidhausen", "laim", "berg-am-laim"}
	tests := []struct{ in, want string }{
		{"maxvorstad", "maxvorstadt"},
		{"maxvorsatdt", "maxvorstadt"}, // swapped letters
		{"Maxvorstadt", "maxvorstadt"},
		{"Altstadt Lehel", "altstadt-lehel"},
		{"altstadt_lehel", "altstadt-lehel"},
		{"schwabing-wset", "schwabing-west"},
		{"lam", "laim"},
		{"pasing", ""},
		{"x", ""},
		{"Au-Häidhausen", "au-haidhausen"},
	}
	for _, tt := range tests {
		if got := suggest(tt.in, ids); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"languges", "languages", 1}, {"straße", "strase", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Caritas Mitte": "caritas-mitte", "Caritas_Mitte": "caritas-mitte", "Schwanthalerhöhe": "schwanthalerhohe", "  --  ": ""} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
