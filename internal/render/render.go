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
	"strings"

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
}

// New parses the theme's templates.
func New(cfg Config) (*Renderer, error) {
	r := &Renderer{cfg: cfg, templates: map[string]*template.Template{}}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL", cfg.BaseURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		r.base = u
	}
	root, err := template.New("base").ParseFS(cfg.Theme, "templates/base.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse theme: %w", err)
	}
	kinds := []string{site.KindChooser, site.KindHome, site.KindDistricts, site.KindDistrict, site.KindLanguages, site.KindLanguage,
		site.KindTopics, site.KindTopic, site.KindProviders, site.KindProvider, site.KindOffice, site.KindOffer,
		site.KindCourses, site.KindCourseSet, site.KindCourse, site.KindAdvisors, site.KindAdvisorSet, site.KindOpenData, site.KindSearch, site.KindRefer, site.KindQuality, site.KindProgram, site.KindStatistics, site.KindContent, site.KindNotFound}
	for _, kind := range kinds {
		t, err := root.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(cfg.Theme, "templates/"+kind+".html"); err != nil {
			return nil, fmt.Errorf("parse theme: %w", err)
		}
		r.templates[kind] = t
	}
	r.md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// No html.WithUnsafe(): raw HTML is dropped and javascript: links are emptied.
	)
	return r, nil
}

// Render writes page p of s to w.
func (r *Renderer) Render(w io.Writer, s *site.Site, p *site.Page) error {
	t := r.templates[p.Kind]
	if t == nil {
		return fmt.Errorf("render %s: no template for kind %q", p.Path(), p.Kind)
	}
	v := r.view(s, p)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return fmt.Errorf("render %s: %w", p.Path(), err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// markdown renders a page body.
func (r *Renderer) markdown(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := r.md.Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // goldmark escapes text and drops raw HTML
}
