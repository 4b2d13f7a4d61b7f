package searchtest

import "testing"

func TestKeyOf(t *testing.T) {
	for href, want := range map[string]string{
		"../../de/offices/caritas-mbe-pasing/index.html":                         "office:caritas-mbe-pasing",
		"/wegweiser/ar/offers/caritas-anerkennung/":                              "offer:caritas-anerkennung",
		"../../de/offices/awo-mbe-ludwigsvorstadt/index.html#a-awo-yusuf-haddad": "advisor:awo-yusuf-haddad",
		"http://127.0.0.1:1/de/courses/mvhs-general-2026-001/":                   "course:mvhs-general-2026-001",
		"../../de/districts/maxvorstadt/index.html":                              "district:maxvorstadt",
		"../../de/mbe-jmd/index.html":                                            "page:mbe-jmd",
		"../../de/providers/awo-muenchen/index.html":                             "provider:awo-muenchen",
	} {
		if got := KeyOf(href); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", href, got, want)
		}
	}
	if r, rr := Judge([]string{"a", "b"}, true, []string{"b", "x", "c", "a"}); r != 0.5 || rr != 1 {
		t.Errorf("Judge = %v, %v", r, rr)
	}
	if r, rr := Judge([]string{"a", "b"}, false, []string{"x", "y", "z", "a"}); r != 0 || rr != 0.25 {
		t.Errorf("Judge any = %v, %v", r, rr)
	}
}
