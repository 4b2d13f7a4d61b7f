package build

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// staffOnly lists every value of the example that is for staff only: the
// advisors with public: false (all their details), every internal block,
// the referral endpoint.
func staffOnly(t *testing.T) []string {
	t.Helper()
	d, problems := load.Load(os.DirFS("../.."), load.Options{Now: testToday})
	if d == nil {
		t.Fatal(problems)
	}
	var secrets []string
	addPhone := func(p model.Phone) {
		if p != "" {
			secrets = append(secrets, string(p), p.E164())
		}
	}
	addInternal := func(in *model.Internal) {
		if in == nil {
			return
		}
		addPhone(in.Phone)
		if in.Email != "" {
			secrets = append(secrets, string(in.Email))
		}
		for _, s := range in.Note {
			secrets = append(secrets, s)
		}
	}
	hidden := 0
	for _, p := range d.Providers {
		for _, o := range p.Offices {
			addInternal(o.Internal)
		}
		for _, a := range p.Advisors {
			addInternal(a.Internal)
			if !a.IsPublic() {
				hidden++
				secrets = append(secrets, a.Name, a.ID, string(a.Email))
				addPhone(a.Phone)
			}
		}
	}
	if r := d.Site.Referrals; r != nil {
		secrets = append(secrets, string(r.Endpoint), string(r.ConsentForm))
	}
	if hidden == 0 || len(secrets) < 20 {
		t.Fatalf("the example has only %d hidden advisors and %d staff-only values: the test would test nothing", hidden, len(secrets))
	}
	return secrets
}

// TestEditions builds the public and the internal edition and searches
// every file of the public one for every staff-only value.
func TestEditions(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	secrets := staffOnly(t)
	public := buildExampleWith(t, Config{BaseURL: "https://example.org/"})
	internal := buildExampleWith(t, Config{BaseURL: "https://example.org/", Edition: "internal"})
	secretBytes := make([][]byte, len(secrets))
	for i, s := range secrets {
		secretBytes[i] = []byte(s)
	}
	scanned := 0
	for name, b := range public {
		scanned++
		for i, s := range secretBytes {
			if bytes.Contains(b, s) {
				t.Errorf("public %s contains staff-only %q", name, secrets[i])
			}
		}
	}
	if scanned < 1000 {
		t.Fatalf("only %d public files", scanned)
	}
	found := map[string]bool{}
	for name, b := range internal {
		for _, s := range secrets {
			if !found[s] && bytes.Contains(b, []byte(s)) {
				found[s] = true
			}
		}
		// Open data is public even in the staff edition.
		if strings.HasPrefix(name, "data/") || strings.HasSuffix(name, ".atom") {
			for i, s := range secretBytes {
				if bytes.Contains(b, s) {
					t.Errorf("internal edition's open data %s contains staff-only %q", name, secrets[i])
				}
			}
		}
	}
	for _, s := range secrets {
		if !found[s] {
			t.Errorf("the internal edition lacks %q", s)
		}
	}
	for _, f := range []string{"de/refer/index.html", "de/quality/index.html"} {
		if _, ok := public[f]; ok {
			t.Errorf("public edition has %s", f)
		}
		if _, ok := internal[f]; !ok {
			t.Errorf("internal edition lacks %s", f)
		}
	}
	if !strings.Contains(string(internal["de/index.html"]), `<meta name="robots" content="noindex, nofollow">`) || string(internal["robots.txt"]) != "User-agent: *\nDisallow: /\n" {
		t.Errorf("the internal edition invites search engines")
	}
	if _, ok := internal["sitemap.xml"]; ok {
		t.Errorf("the internal edition has a sitemap")
	}
	if q := string(internal["de/quality/index.html"]); !strings.Contains(q, "Teamfortbildung") && !strings.Contains(q, "diakonie-muenchen.yaml:57:50") {
		t.Errorf("the quality page does not list the missing translation")
	}
}
