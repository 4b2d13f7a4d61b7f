package build

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestNetlifyHeaders keeps netlify.toml and the _headers file equal.
func TestNetlifyHeaders(t *testing.T) {
	b, err := os.ReadFile("../../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(b)
	for _, h := range Headers() {
		if line := fmt.Sprintf("%s = %q", h.Name, h.Value); !strings.Contains(toml, line) {
			t.Errorf("netlify.toml lacks %s", line)
		}
	}
	if !strings.Contains(toml, fmt.Sprintf("Cache-Control = %q", AssetCacheControl)) {
		t.Errorf("netlify.toml lacks the asset cache header")
	}
	_, headerPart, _ := strings.Cut(toml, "[[headers]]")
	if n := strings.Count(headerPart, " = \"") - 2; n != len(Headers())+1 { // minus the two `for = "…"` lines
		t.Errorf("netlify.toml sets %d headers, Headers() has %d and a cache header", n, len(Headers()))
	}
	for _, lang := range langs {
		if !strings.Contains(toml, fmt.Sprintf("to = \"/%s/\"", lang)) {
			t.Errorf("no Accept-Language redirect to /%s/", lang)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-inline") || strings.Contains(ContentSecurityPolicy, "unsafe-eval") {
		t.Errorf("CSP allows inline or eval: %s", ContentSecurityPolicy)
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
