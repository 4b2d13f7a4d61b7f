package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// hugoConfig renders single pages only, as `wegweiser build --pages-only`
// does: no lists, taxonomies, feeds or sitemap.
const hugoConfig = `baseURL = "https://example.org/"
languageCode = "de"
title = "Markdown benchmark"
disableKinds = ["home", "section", "taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
[markup.goldmark.renderer]
  unsafe = false
`

// hugoSingle is the one simple template of the Hugo site.
const hugoSingle = `<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}">
</head>
<body>
<header><a href="/">{{ .Site.Title }}</a></header>
<main>
<h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
`

// markdown writes the same n Markdown pages twice: as a Wegweiser site
// with one language and a minimal directory (out/wegweiser) and as a Hugo
// site with one simple template (out/hugo), for the build benchmark's
// comparison.
func markdown(g *gen, out string, n int) {
	os.RemoveAll(out)
	ww, hugo := filepath.Join(out, "wegweiser"), filepath.Join(out, "hugo")
	write(filepath.Join(ww, "data/site.yaml"), map[string]any{
		"name": "Markdown benchmark", "region": "Deutschland", "default_language": "de", "languages": []string{"de"},
	})
	write(filepath.Join(ww, "data/languages.yaml"), []map[string]any{
		{"code": "de", "name": "Deutsch", "native": "Deutsch", "script": "Latn", "dir": "ltr"},
	})
	write(filepath.Join(ww, "data/districts.yaml"), []map[string]any{{"id": "mitte", "name": "Mitte"}})
	for path, body := range map[string]string{"hugo.toml": hugoConfig, "layouts/_default/single.html": hugoSingle} {
		writeFile(filepath.Join(hugo, path), body)
	}
	for i := range n {
		page := g.page(i)
		writeFile(filepath.Join(ww, "content/de", fmt.Sprintf("seite-%06d.md", i)), page)
		writeFile(filepath.Join(hugo, "content/seiten", fmt.Sprintf("seite-%06d.md", i)), page)
	}
	fmt.Printf("benchdata: %d Markdown pages into %s and %s\n", n, ww, hugo)
}

// page returns a Markdown page of about 500 words: front matter, headings,
// paragraphs, a list, emphasis and links.
func (g *gen) page(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndescription: %q\n---\n", g.sentence("de", 4), g.sentence("de", 14))
	for s := range 4 {
		fmt.Fprintf(&b, "\n## %s\n\n", strings.TrimSuffix(g.sentence("de", 3), "."))
		for range 2 {
			fmt.Fprintf(&b, "%s **%s** %s [%s](../seite-%06d/) %s\n\n", g.sentence("de", 20), g.sentence("de", 2),
				g.sentence("de", 15), strings.TrimSuffix(g.sentence("de", 2), "."), (i+s+1)%1000, g.sentence("de", 18))
		}
		for range 3 {
			fmt.Fprintf(&b, "- %s\n", g.sentence("de", 6))
		}
	}
	return b.String()
}

func writeFile(path, s string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		panic(err)
	}
}
