package build

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/themes"
)

// TestNoGermanInterface opens every page kind in every language but German
// and fails when German interface text shows outside an element marked
// lang="de": the German strings of the theme's i18n file and the German
// content pages' titles are the list looked for, in text and in the
// attributes people hear or see (alt, title, aria-label, placeholder, the
// meta description). A German text that a language's own string contains
// too (a name such as "Jobcenter") is not counted for that language.
func TestNoGermanInterface(t *testing.T) {
	files := buildExample(t, "")
	strs, err := i18n.Load(append([]string{"de"}, langs...), "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	type phrase struct{ key, text string }
	var german []phrase
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, key := range strs.Keys("de") {
		if key == "translation_status" || key == "translation_note" || strings.HasPrefix(key, "format_") || key == "easy_link" {
			continue // not shown, or shown in German on purpose (marked)
		}
		for _, seg := range placeholder.Split(strs.T("de", key), -1) {
			seg = strings.TrimFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) })
			if len([]rune(seg)) >= 6 {
				german = append(german, phrase{key, seg})
			}
		}
	}
	titles, _ := filepath.Glob("../../content/de/*.md")
	for _, f := range titles {
		b, _ := os.ReadFile(f)
		if m := regexp.MustCompile(`(?m)^title: *(.+)$`).FindSubmatch(b); m != nil {
			german = append(german, phrase{"", strings.Trim(string(m[1]), `"' `)})
		}
	}
	if len(german) < 200 {
		t.Fatalf("only %d German phrases to look for", len(german))
	}
	// Index the phrases by their first word: pages are matched word by word.
	first := map[string][]phrase{}
	for _, p := range german {
		w := words(p.text)
		first[w[0]] = append(first[w[0]], p)
	}
	checked := 0
	for _, lang := range langs[1:] {
		// A phrase that this language's own strings use too is not a leak.
		own := map[string]bool{}
		for _, p := range german {
			if p.key != "" && strs.Has(lang, p.key) && strings.Contains(strs.T(lang, p.key), p.text) {
				own[p.text] = true
			}
		}
		for _, k := range append(pageKinds, "find/uk/", "find/uk/laim/") {
			name := path.Join(lang, k, "index.html")
			if k == "no/such/page/" {
				name = lang + "/404.html"
			}
			b, ok := files[name]
			if !ok {
				continue
			}
			checked++
			var found []string
			look := func(s string) {
				w := words(s)
				for i := range w {
					for _, p := range first[w[i]] {
						pw := words(p.text)
						if !own[p.text] && i+len(pw) <= len(w) && equalWords(w[i:i+len(pw)], pw) {
							found = append(found, p.text)
						}
					}
				}
			}
			var visit func(n *html.Node, inGerman bool)
			visit = func(n *html.Node, inGerman bool) {
				if n.Type == html.ElementNode {
					if l, ok := attr(n, "lang"); ok {
						inGerman = l == "de" || strings.HasPrefix(l, "de-")
					}
					if n.Data == "script" || n.Data == "style" {
						return
					}
					if !inGerman {
						for _, a := range n.Attr {
							if a.Key == "alt" || a.Key == "title" || a.Key == "aria-label" || a.Key == "placeholder" || (n.Data == "meta" && a.Key == "content") {
								look(a.Val)
							}
						}
					}
				}
				if n.Type == html.TextNode && !inGerman {
					look(n.Data)
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					visit(c, inGerman)
				}
			}
			visit(parse(t, name, b), false)
			if len(found) > 0 {
				t.Errorf("%s: German outside lang=\"de\": %q", name, found)
			}
		}
	}
	if checked < 300 {
		t.Errorf("only %d pages checked", checked)
	}
	t.Logf("%d pages in %d languages checked for %d German phrases", checked, len(langs)-1, len(german))
}

// TestMenuFallbackMarked checks that a menu entry shown in another
// language than the page's (a Markdown page not yet translated) is marked
// visibly, not only for screen readers (lang): on every page of the
// example's languages that has such an entry, in the header, the footer
// and the home page's "good to know" links, the link is followed by the language's name in the page's
// language.
func TestMenuFallbackMarked(t *testing.T) {
	files := buildExample(t, "")
	marked := 0
	for _, lang := range append(slices.Clone(langs), easy) {
		for _, k := range []string{"", "districts/maxvorstadt/"} {
			name := path.Join(lang, k, "index.html")
			b, ok := files[name]
			if !ok {
				continue
			}
			var visit func(n *html.Node, inMenu bool)
			visit = func(n *html.Node, inMenu bool) {
				if n.Type == html.ElementNode {
					switch {
					case n.Data == "nav" && strings.Contains(attrOr(n, "class"), "menu"), n.Data == "footer",
						n.Data == "ul" && attrOr(n, "class") == "links": // the home page's "good to know"
						inMenu = true
					case n.Data == "a" && inMenu:
						// The link to the Leichte Sprache edition names it in
						// its own language, as the language switcher does.
						if l, ok := attr(n, "lang"); ok && l != lang && l != easy {
							next := n.NextSibling
							for next != nil && next.Type == html.TextNode && strings.TrimSpace(next.Data) == "" {
								next = next.NextSibling
							}
							if next == nil || next.Data != "small" || attrOr(next, "class") != "fallback-lang" || next.FirstChild == nil || strings.Trim(next.FirstChild.Data, "() ") == "" {
								t.Errorf("%s: menu entry %q in %s without a visible mark", name, text(n), l)
							} else {
								marked++
							}
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					visit(c, inMenu)
				}
			}
			visit(parse(t, name, b), false)
		}
	}
	// The example has two Markdown pages in English only, in both menus.
	if marked < 50 {
		t.Errorf("only %d menu entries in another language found: the example should have more", marked)
	}
}

// attrOr returns n's attribute key, or "".
func attrOr(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// text returns the text below n.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// words splits s into words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNoReplacementCharacter scans every file of the example build for
// U+FFFD, the mark of text cut inside a character (as the Turkish stemmer
// once did to İ): the data holds none, so no output may. The web editor's
// vendored scripts hold it on purpose and are left out; gzipped files are
// scanned unzipped.
func TestNoReplacementCharacter(t *testing.T) {
	files := buildExample(t, "")
	bad := []byte(string(utf8.RuneError))
	n := 0
	for name, b := range files {
		if strings.HasPrefix(name, "admin/vendor/") {
			continue
		}
		n++
		if strings.HasSuffix(name, ".gz") { // compressed: its bytes are no text, its content is
			z, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if b, err = io.ReadAll(z); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if bytes.Contains(b, bad) || strings.Contains(name, "fffd") {
			t.Errorf("%s holds U+FFFD", name)
		}
	}
	if n < 1000 {
		t.Fatalf("scanned only %d files", n)
	}
}
