// Package render turns the pages of a site.Site into HTML with the
// html/template files of a theme.
//
// Templates are parsed once, from an fs.FS (the embedded default theme
// overlaid with the site's own theme files): templates/base.html and
// templates/partials.html define the layout and shared pieces; each page
// kind has templates/<kind>.html defining the blocks "title" and "main".
// A template sees a *View, whose methods are the template API: interface
// strings (T), data texts with language fallback (Text, Name), links (URL,
// Asset), dates and times formatted per language, and the site's relations.
//
// Texts are escaped by html/template; Markdown is rendered by goldmark with
// raw HTML left out, so no page can carry a script.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Config is what a Renderer needs.
type Config struct {
	Theme   fs.FS             // templates/*.html
	Strings *i18n.Bundle      // interface strings
	BaseURL string            // "" for relative links, else absolute, ending in "/"
	Assets  map[string]string // asset name → published path, e.g. "style.css" → "assets/style.1a2b3c4d.css"
	// Reload, when set, is the path of a script added to every page (the
	// live-reload script of `wegweiser serve`).
	Reload string
}

// Renderer renders pages. It is safe for concurrent use.
type Renderer struct {
	cfg       Config
	base      *url.URL
	templates map[string]*template.Template
	md        goldmark.Markdown
	// fragments holds the HTML of the partial templates rendered through
	// View.Fragment: language → *sync.Map of fragmentKey → template.HTML;
	// nil turns the cache off (tests).
	fragments *sync.Map
	// labels holds the *CourseLabels of each language (see View.Course).
	labels *sync.Map
}

// fragmentKey names one rendering of a partial template in a language:
// the same template, value and link prefix give the same HTML.
type fragmentKey struct {
	name, root string
	x          any
}

// Forget drops the cached fragments of a language (see View.Fragment),
// to be called when its pages are rendered: a build renders the pages one
// language after the other, and the fragments of all languages together
// would hold hundreds of megabytes at national scale. A later call of
// Fragment in that language renders it again.
func (r *Renderer) Forget(lang string) {
	if r.fragments != nil {
		r.fragments.Delete(lang)
	}
}

// New parses the theme's templates.
func New(cfg Config) (*Renderer, error) {
	r := &Renderer{cfg: cfg, templates: map[string]*template.Template{}, fragments: &sync.Map{}, labels: &sync.Map{}}
	var err error
	if r.base, err = parseBase(cfg.BaseURL); err != nil {
		return nil, err
	}
	root, err := template.New("base").ParseFS(cfg.Theme, "templates/base.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse theme: %w", err)
	}
	for _, kind := range site.Kinds() {
		t, err := root.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(cfg.Theme, "templates/"+kind+".html"); err != nil {
			return nil, fmt.Errorf("parse theme: %w", err)
		}
		r.templates[kind] = t
	}
	r.md = NewMarkdown()
	return r, nil
}

// With returns a renderer for cfg that has r's parsed templates: for a
// rebuild of `wegweiser serve` whose theme files are the ones r parsed
// (the caller compares them; With does not read cfg.Theme). Its caches of
// fragments and labels start empty. The templates are shared, not
// copied: html/template escapes a template when it is first executed, so
// the first page of a kind after a rebuild is not escaped again (and
// templates are safe for concurrent use: r may still be rendering).
func (r *Renderer) With(cfg Config) (*Renderer, error) {
	n := &Renderer{cfg: cfg, templates: r.templates, md: r.md, labels: &sync.Map{}}
	if r.fragments != nil {
		n.fragments = &sync.Map{}
	}
	var err error
	if n.base, err = parseBase(cfg.BaseURL); err != nil {
		return nil, err
	}
	return n, nil
}

// parseBase parses a base URL (nil for "": relative links).
func parseBase(base string) (*url.URL, error) {
	if base == "" {
		return nil, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// NewMarkdown returns the Markdown converter of every page: GitHub
// Flavored Markdown with heading ids. Raw HTML is dropped and javascript:
// links are emptied (there is no html.WithUnsafe()). The loader's limits on
// pages keep it fast on any input (load.BenchmarkWorstMarkdown).
func NewMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
}

// Render writes page p of s to w and returns which data files the page
// read (site.Reads, through the View's Site). On an error, w may hold the
// start of the page: callers render into a buffer and drop it (a build
// renders each page into one reused buffer, so a page costs no buffer of
// its own).
func (r *Renderer) Render(w io.Writer, s *site.Site, p *site.Page) (*site.Reads, error) {
	t := r.templates[p.Kind]
	if t == nil {
		return nil, fmt.Errorf("render %s: no template for kind %q", p.Path(), p.Kind)
	}
	v := r.view(s, p)
	if err := t.ExecuteTemplate(w, "base", v); err != nil {
		return nil, fmt.Errorf("render %s: %w", p.Path(), err)
	}
	return v.reads, nil
}

// Fragment renders the partial template name with the pair ($.With x), as
// {{template name ($.With x)}} does, but once per build for each x,
// language and link prefix (pages at the same depth share it): later calls
// return the HTML rendered first. A partial rendered this way must depend
// on nothing but x, the page's language and the site — not on the page
// (TestFragmentsArePure renders every page of the example with and without
// the cache and compares). Lists use it for their entries ({{$.Fragment
// "course-card" .}}), so a course shown on many lists is rendered once per
// language. A value that cannot be a map key (a slice) is rendered every
// time.
func (v *View) Fragment(name string, x any) (template.HTML, error) {
	var cache *sync.Map
	var key fragmentKey
	if v.r.fragments != nil && (x == nil || reflect.TypeOf(x).Comparable()) {
		m, ok := v.r.fragments.Load(v.Lang)
		if !ok {
			m, _ = v.r.fragments.LoadOrStore(v.Lang, &sync.Map{})
		}
		cache, key = m.(*sync.Map), fragmentKey{name, v.root, x}
		if f, ok := cache.Load(key); ok {
			f := f.(*fragment)
			v.reads.Add(&f.reads) // the page reads what the fragment read
			return f.html, nil
		}
	}
	t := v.r.templates[v.Page.Kind]
	if t == nil {
		return "", fmt.Errorf("fragment %q: no templates for kind %q", name, v.Page.Kind)
	}
	// The fragment records its reads apart from the page's, to hand them
	// to every page that takes it from the cache.
	fv := *v
	f := &fragment{}
	fv.reads = &f.reads
	fv.sv = newSiteView(v.sv.s, fv.reads)
	fv.Site = &fv.sv
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, fv.With(x)); err != nil {
		return "", err
	}
	f.html = template.HTML(b.String()) // escaped by html/template as it rendered
	v.reads.Add(&f.reads)
	if cache != nil {
		cache.Store(key, f)
	}
	return f.html, nil
}

// fragment is a rendered partial template and what it read.
type fragment struct {
	html  template.HTML
	reads site.Reads
}

// markdown renders a page body.
func (r *Renderer) markdown(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	b.Grow(len(src) + len(src)/2) // the HTML of a page is a little longer than its Markdown: one allocation, not a dozen
	if err := r.md.Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // goldmark escapes text and drops raw HTML
}
