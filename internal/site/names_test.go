package site

import "testing"

// TestSearchNames checks, on the example, where the names of a search
// without JavaScript lead: names as written and in lower case, in any
// language, aliases and ids; a postal code of one district to it, one of
// several districts nowhere (the names page lists them); a name that no
// page has nowhere.
func TestSearchNames(t *testing.T) {
	names := map[string]string{}
	for _, n := range example(t).SearchNames() {
		names[n.Name] = n.Key
	}
	tests := []struct{ name, want string }{
		{"Maxvorstadt", "districts/maxvorstadt/"},
		{"maxvorstadt", "districts/maxvorstadt/"},
		{"Glockenbachviertel", "districts/ludwigsvorstadt-isarvorstadt/"},
		{"glockenbachviertel", "districts/ludwigsvorstadt-isarvorstadt/"},
		{"80331", "districts/altstadt-lehel/"}, // in Altstadt-Lehel alone
		{"80335", ""},                          // in four districts
		{"العربية", "languages/ar/"},
		{"Arabisch", "languages/ar/"},
		{"arapça", "languages/ar/"},
		{"ti", "languages/ti/"},
		{"اقامت و مدارک", "topics/residence/"},
		{"residence", "topics/residence/"},
		{"Maxvorstad", ""},
	}
	for _, tt := range tests {
		if got := names[tt.name]; got != tt.want {
			t.Errorf("%q leads to %q, want %q", tt.name, got, tt.want)
		}
	}
}
