package build

import (
	"os"
	"strings"
	"testing"
)

// TestNetlifyHeaders: netlify.toml leaves the headers to the _headers file
// (a policy in both would be combined), as it leaves the redirects to the
// _redirects file (TestRedirectsFile).
func TestNetlifyHeaders(t *testing.T) {
	b, err := os.ReadFile("../../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(b)
	if strings.Contains(toml, "[[headers]]") || strings.Contains(toml, "Content-Security-Policy =") {
		t.Error("netlify.toml sets headers; they belong in the _headers file the build writes")
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-inline") || strings.Contains(ContentSecurityPolicy, "unsafe-eval") {
		t.Errorf("CSP allows inline or eval: %s", ContentSecurityPolicy)
	}
}

// TestHeadersFile reads back the _headers file of the example build (which
// has the web editor): every published file gets exactly the site's strict
// policy and security headers, except admin/, which gets the editor's;
// fingerprinted assets are cached for good.
func TestHeadersFile(t *testing.T) {
	files := buildExample(t, "")
	rules := ParseHeaders(files["_headers"])
	if len(rules) < 5 {
		t.Fatalf("_headers has %d rules:\n%s", len(rules), files["_headers"])
	}
	paths := []string{"/"}
	for name := range files {
		if name != "_headers" && name != "_redirects" { // read by the host, never served
			paths = append(paths, "/"+name)
		}
	}
	admin := 0
	for _, p := range paths {
		got := map[string]string{}
		for _, h := range rules.For(p) {
			got[h.Name] = h.Value
		}
		if strings.HasPrefix(p, "/admin/") {
			admin++
			if csp := got["Content-Security-Policy"]; csp == ContentSecurityPolicy || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q, want the editor's", p, csp)
			}
			continue
		}
		for _, h := range Headers() {
			if got[h.Name] != h.Value {
				t.Errorf("%s: %s = %q, want %q", p, h.Name, got[h.Name], h.Value)
			}
		}
		if strings.HasPrefix(p, "/assets/") && got["Cache-Control"] != AssetCacheControl {
			t.Errorf("%s: Cache-Control %q", p, got["Cache-Control"])
		}
	}
	if admin < 4 {
		t.Errorf("%d files in admin/, want index.html, config.yml, cms.js, init.js", admin)
	}
}

// TestNoInlineScriptOrStyle checks that no page needs what the CSP forbids:
// inline scripts (JSON-LD data blocks excepted), style attributes or
// elements, event handler attributes, or javascript: links.
func TestNoInlineScriptOrStyle(t *testing.T) {
	files := buildExample(t, "")
	for name, b := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		s := string(b)
		for _, bad := range []string{"<style", " style=", " onclick=", " onload=", "javascript:"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		rest := s
		for {
			i := strings.Index(rest, "<script")
			if i < 0 {
				break
			}
			tag := rest[i : i+strings.Index(rest[i:], ">")+1]
			if !strings.Contains(tag, " src=") && !strings.Contains(tag, `type="application/ld+json"`) {
				t.Errorf("%s: inline script %s", name, tag)
			}
			rest = rest[i+1:]
		}
	}
}

// TestRedirectsFile: the rules of the search without JavaScript lead to
// pages that exist; every interface language has a forced Accept-Language
// redirect from the root (a rule without "!" never fires while index.html
// is at the root), under the path of the base URL.
func TestRedirectsFile(t *testing.T) {
	for _, base := range []string{"", "https://example.org/wegweiser/"} {
		files := buildExample(t, base)
		prefix := "/"
		if base != "" {
			prefix = "/wegweiser/"
		}
		rules := map[string]string{}
		notFound := map[string]bool{}
		search := 0
		for _, line := range strings.Split(string(files["_redirects"]), "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			if strings.HasPrefix(f[0], prefix+":lang/search/") {
				// Search without JavaScript: every name leads to a page that
				// exists in every language (TestSearchWithoutJavaScript
				// follows the rules in a browser).
				key, ok := strings.CutPrefix(f[len(f)-2], prefix+":lang/")
				for _, l := range langs {
					if ok && files[l+"/"+key+"index.html"] == nil && !strings.Contains(key, ":q") {
						t.Errorf("base %q: rule %q leads to a missing page in %s", base, line, l)
						break
					}
				}
				search++
				continue
			}
			if len(f) == 3 && f[2] == "404" {
				// A language's own "not found" page at any depth.
				l := strings.TrimSuffix(strings.TrimPrefix(f[0], prefix), "/*")
				if f[1] != prefix+l+"/404.html" {
					t.Errorf("base %q: rule %q", base, line)
				}
				notFound[l] = true
				continue
			}
			if len(f) != 4 || f[0] != prefix || f[2] != "302!" || !strings.HasPrefix(f[3], "Language=") {
				t.Errorf("base %q: rule %q", base, line)
				continue
			}
			rules[strings.TrimPrefix(f[3], "Language=")] = f[1]
		}
		if search < 100 {
			t.Errorf("base %q: %d rules for the search without JavaScript", base, search)
		}
		for _, l := range langs {
			if rules[l] != prefix+l+"/" {
				t.Errorf("base %q: language %s redirects to %q", base, l, rules[l])
			}
			if !notFound[l] {
				t.Errorf("base %q: language %s has no 404 rule", base, l)
			}
		}
	}
	toml, _ := os.ReadFile("../../netlify.toml")
	if strings.Contains(string(toml), "[[redirects]]") {
		t.Errorf("netlify.toml has redirects of its own: they belong in the generated _redirects")
	}
}
