package site

import (
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Search without JavaScript. The search page's script reads the query;
// without it, a static host can only answer the form with the same page.
// A host that redirects by query string (Netlify's _redirects, written by
// the build) can do better for the queries newcomers type most: the name of
// their district, their postal code, their language or a topic. Each such
// name leads straight to its page; any other query leads to the names page
// (KeySearchNames), which lists those pages to choose from.

// KeySearchNames is the key of the page a search without JavaScript shows
// when the query is no name of a district, postal code, language or topic.
// It is served at any depth (under search/q/…), like a 404 page.
const KeySearchNames = "search/names/"

// SearchNamesPage is the Data of the names page (a KindSearch page).
type SearchNamesPage struct{}

// SearchName is a query that leads to a page without JavaScript.
type SearchName struct {
	Name string // as a reader may type it: "Maxvorstadt", "maxvorstadt", "80333", "العربية"
	Key  string // the page's key: "districts/maxvorstadt/"
}

// SearchNames returns, sorted by Name, every name that leads to a page: a
// district's id, names (in every language, also in lower case) and
// aliases, and each postal code that lies in that district alone (a code
// in several districts leads to the names page, which lists the districts
// with their codes); every language with a page by its code, its own name
// and its name in every interface language; every topic by its id and
// names. A name that two pages share leads to neither.
func (s *Site) SearchNames() []SearchName {
	keys := map[string]string{} // name → key, "" when ambiguous
	add := func(name, key string) {
		for _, n := range []string{strings.TrimSpace(name), strings.ToLower(strings.TrimSpace(name))} {
			if n == "" {
				continue
			}
			if k, ok := keys[n]; ok && k != key {
				keys[n] = ""
				continue
			}
			keys[n] = key
		}
	}
	text := func(t model.Text, key string) {
		for _, v := range t {
			add(v, key)
		}
	}
	inDistricts := map[model.PostalCode]int{}
	for _, d := range s.Dir.Districts {
		for _, c := range d.PostalCodes {
			inDistricts[c]++
		}
	}
	for _, d := range s.Dir.Districts {
		key := "districts/" + d.ID + "/"
		add(d.ID, key)
		text(d.Name, key)
		for _, a := range d.Aliases {
			add(a, key)
		}
		for _, c := range d.PostalCodes {
			if inDistricts[c] == 1 {
				add(string(c), key)
			}
		}
	}
	for _, code := range s.spoken {
		key := "languages/" + code + "/"
		l := s.Dir.Language(code)
		add(code, key)
		add(l.Native, key)
		text(l.Name, key)
	}
	for _, t := range s.Dir.Topics {
		key := "topics/" + t.ID + "/"
		add(t.ID, key)
		text(t.Name, key)
	}
	names := make([]SearchName, 0, len(keys))
	for n, k := range keys {
		if k != "" {
			names = append(names, SearchName{Name: n, Key: k})
		}
	}
	slices.SortFunc(names, func(a, b SearchName) int { return strings.Compare(a.Name, b.Name) })
	return names
}
