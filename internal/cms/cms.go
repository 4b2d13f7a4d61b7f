// Package cms writes the web editor of a site: Decap CMS at admin/, with a
// configuration generated from the data model, so editors change entries
// through forms and Decap commits the YAML files to Git.
//
// The configuration has a collection for providers (with their offices,
// advisors and offers), course files, each of site.yaml, districts.yaml,
// languages.yaml and topics.yaml, and the pages of each language.
// Translated texts are objects with one input per interface language;
// districts, languages, topics, offices and every enumerated value are
// select widgets fed from the data.
//
// Decap's own YAML format writes a file anew from the form, dropping
// comments. The admin's script (assets/cms.js) registers a format per
// collection that instead applies the form's values to the file as it was
// read, with the yaml library's document API: comments, key order, blank
// lines, quoting and flow style of untouched values stay, so a change to
// an office's hours changes that line only.
package cms

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Defaults of the scripts the admin loads: the copies of Decap CMS and of
// the yaml library vendored in thirdparty/ (scripts/vendor-editor; versions
// in thirdparty/VERSIONS), which the build writes to admin/vendor/, so the
// admin loads nothing from another host. The addresses are relative to
// admin/.
const (
	DefaultScript       = "./vendor/decap-cms/decap-cms.js"
	DefaultYAMLModule   = "./vendor/yaml/index.js"
	DefaultLocalBackend = "http://localhost:8081/api/v1"
)

//go:embed assets
var assets embed.FS

//go:embed thirdparty
var thirdparty embed.FS

// Enabled reports whether the site asks for the web editor.
func Enabled(s *model.Site) bool { return s.CMS != nil && s.CMS.Enabled }

// settings are the CMS block with defaults filled in.
func settings(s *model.Site) model.CMS {
	c := *s.CMS
	if c.Script == "" {
		c.Script = DefaultScript
	}
	if c.YAMLModule == "" {
		c.YAMLModule = DefaultYAMLModule
	}
	if c.LocalBackend == "" {
		c.LocalBackend = DefaultLocalBackend
	}
	if c.Backend.Branch == "" {
		c.Backend.Branch = "main"
	}
	return c
}

// Files returns the files of admin/ (names relative to the output), or nil
// when the editor is not enabled. baseURL is the site's address, if known.
func Files(dir *model.Directory, baseURL string) (map[string][]byte, error) {
	if !Enabled(&dir.Site) {
		return nil, nil
	}
	c := settings(&dir.Site)
	cfg, err := Config(dir, baseURL)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"admin/config.yml": cfg}
	for _, name := range []string{"cms.js", "init.js"} {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return nil, err
		}
		files["admin/"+name] = b
	}
	page, err := template.ParseFS(assets, "assets/index.html")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = page.Execute(&b, map[string]string{
		"Script": string(c.Script), "YAML": string(c.YAMLModule), "Lang": dir.Site.DefaultLanguage,
	})
	if err != nil {
		return nil, err
	}
	files["admin/index.html"] = b.Bytes()
	for script, dir := range map[model.URL]string{DefaultScript: "thirdparty/decap-cms", DefaultYAMLModule: "thirdparty/yaml"} {
		if script != c.Script && script != c.YAMLModule {
			continue // the site loads its own copy
		}
		err := fs.WalkDir(thirdparty, dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := thirdparty.ReadFile(p)
			files["admin/vendor/"+strings.TrimPrefix(p, "thirdparty/")] = b
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// CSP returns the Content-Security-Policy of admin/: Decap needs inline
// styles, eval (its configuration validator compiles schemas),
// WebAssembly and the API of the Git host, which the site's own policy
// rightly forbids.
func CSP(s *model.Site) string {
	c := settings(s)
	scripts := []string{"'self'", "'unsafe-eval'", "'wasm-unsafe-eval'", origin(string(c.Script)), origin(string(c.YAMLModule))}
	connect := []string{"'self'", origin(string(c.LocalBackend)), origin(string(c.YAMLModule))}
	switch c.Backend.Name {
	case "github":
		connect = append(connect, "https://api.github.com")
	case "gitlab":
		connect = append(connect, "https://gitlab.com")
	}
	for _, u := range []model.URL{c.Backend.APIRoot, c.Backend.BaseURL} {
		if u != "" {
			connect = append(connect, origin(string(u)))
		}
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + strings.Join(dedupe(scripts), " "),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob: https:",
		"font-src 'self' data:",
		"connect-src " + strings.Join(dedupe(connect), " "),
		"frame-src 'self'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// origin returns scheme://host of an absolute URL, or 'self' for a
// relative one.
func origin(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "'self'"
	}
	return u.Scheme + "://" + u.Host
}

func dedupe(l []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

var noPreview = &editor{Preview: false}

// config is Decap's config.yml.
type config struct {
	Backend      backend      `yaml:"backend"`
	LocalBackend localBackend `yaml:"local_backend"`
	PublishMode  string       `yaml:"publish_mode,omitempty"`
	Locale       string       `yaml:"locale"`
	SiteURL      string       `yaml:"site_url,omitempty"`
	MediaFolder  string       `yaml:"media_folder"`
	PublicFolder string       `yaml:"public_folder"`
	Collections  []collection `yaml:"collections"`
}

type backend struct {
	Name     string `yaml:"name"`
	Repo     string `yaml:"repo,omitempty"`
	Branch   string `yaml:"branch,omitempty"`
	BaseURL  string `yaml:"base_url,omitempty"`
	APIRoot  string `yaml:"api_root,omitempty"`
	AppID    string `yaml:"app_id,omitempty"`
	AuthType string `yaml:"auth_type,omitempty"`
}

type localBackend struct {
	URL          string   `yaml:"url"`
	AllowedHosts []string `yaml:"allowed_hosts"`
}

type collection struct {
	Name            string  `yaml:"name"`
	Label           string  `yaml:"label"`
	LabelSingular   string  `yaml:"label_singular,omitempty"`
	Description     string  `yaml:"description,omitempty"`
	Folder          string  `yaml:"folder,omitempty"`
	Extension       string  `yaml:"extension,omitempty"`
	Format          string  `yaml:"format,omitempty"`
	Create          bool    `yaml:"create"`
	Delete          bool    `yaml:"delete"`
	IdentifierField string  `yaml:"identifier_field,omitempty"`
	Slug            string  `yaml:"slug,omitempty"`
	Summary         string  `yaml:"summary,omitempty"`
	Editor          *editor `yaml:"editor,omitempty"`
	Files           []file  `yaml:"files,omitempty"`
	Fields          []field `yaml:"fields,omitempty"`
}

// editor turns Decap's preview pane off: the form is the whole entry, and
// the site's own pages are the preview (wegweiser serve, deploy previews).
type editor struct {
	Preview bool `yaml:"preview"`
}

type file struct {
	Name   string  `yaml:"name"`
	Label  string  `yaml:"label"`
	File   string  `yaml:"file"`
	Fields []field `yaml:"fields"`
}

// Config returns Decap's config.yml for dir.
func Config(dir *model.Directory, baseURL string) ([]byte, error) {
	c := settings(&dir.Site)
	g := newFieldGen(dir)
	u, _ := url.Parse(string(c.LocalBackend))
	hosts := []string{"localhost", "127.0.0.1"}
	if u != nil && u.Hostname() != "" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
		hosts = append(hosts, u.Hostname())
	}
	cfg := config{
		Backend: backend{Name: c.Backend.Name, Repo: c.Backend.Repo, Branch: c.Backend.Branch, BaseURL: string(c.Backend.BaseURL),
			APIRoot: string(c.Backend.APIRoot), AppID: c.Backend.AppID, AuthType: c.Backend.AuthType},
		LocalBackend: localBackend{URL: string(c.LocalBackend), AllowedHosts: hosts},
		Locale:       "de",
		PublishMode:  map[bool]string{true: "editorial_workflow"}[c.EditorialWorkflow],
		SiteURL:      baseURL,
		// Decap requires a media folder; the directory has no images,
		// and the Markdown editor offers none.
		MediaFolder:  "content/media",
		PublicFolder: "/media",
	}
	list := func(t reflect.Type, name string) []field {
		return []field{{Name: "entries", Label: label(name), Widget: "list", Required: true, Collapsed: true,
			Summary: "{{fields.id}}", Fields: g.fields(t)}}
	}
	cfg.Collections = append(cfg.Collections,
		collection{Editor: noPreview, Name: "providers", Label: "Träger", LabelSingular: "Träger",
			Description: "Ein Träger pro Datei in data/providers/: Beratungsstellen, Beratende, Angebote.",
			Folder:      "data/providers", Extension: "yaml", Format: "wegweiser-providers", Create: true,
			IdentifierField: "id", Slug: "{{slug}}", Summary: "{{id}}", Fields: g.fields(reflect.TypeFor[model.Provider]())},
		collection{Editor: noPreview, Name: "courses", Label: "Kurse", LabelSingular: "Kursträger",
			Description: "Ein Kursträger pro Datei in data/courses/ mit seinen Integrations- und Sprachkursen.",
			Folder:      "data/courses", Extension: "yaml", Format: "wegweiser-courses",
			IdentifierField: "provider", Summary: "{{provider.id}}", Fields: g.fields(reflect.TypeFor[model.CourseFile]())},
	)
	for _, f := range []struct{ name, label, file string }{
		{"districts", "Stadtbezirke", "data/districts.yaml"},
		{"languages", "Sprachen", "data/languages.yaml"},
		{"topics", "Themen", "data/topics.yaml"},
	} {
		var t reflect.Type
		switch f.name {
		case "districts":
			t = reflect.TypeFor[model.District]()
		case "languages":
			t = reflect.TypeFor[model.Language]()
		default:
			t = reflect.TypeFor[model.Topic]()
		}
		fields := list(t, f.name)
		if f.name == "languages" {
			fields[0].Summary = "{{fields.code}}"
		}
		cfg.Collections = append(cfg.Collections, collection{Editor: noPreview, Name: f.name, Label: f.label, Format: "wegweiser-" + f.name,
			Files: []file{{Name: f.name, Label: f.label, File: f.file, Fields: fields}}})
	}
	cfg.Collections = append(cfg.Collections, collection{Editor: noPreview, Name: "site", Label: "Website", Format: "wegweiser-site",
		Files: []file{{Name: "site", Label: "Website (site.yaml)", File: "data/site.yaml", Fields: g.fields(reflect.TypeFor[model.Site]())}}})

	page := g.fields(reflect.TypeFor[model.PageMeta]())
	none := []string{"bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list"}
	page = append(page, field{Name: "body", Label: label("body"), Widget: "markdown", Required: true, Buttons: &none, EditorComponents: &[]string{}})
	for _, l := range dir.Site.Languages {
		name := l
		for _, lang := range dir.Languages {
			if lang.Code == l {
				name, _ = lang.Name.Get(dir.Site.DefaultLanguage, dir.Site.DefaultLanguage)
			}
		}
		cfg.Collections = append(cfg.Collections, collection{Editor: noPreview, Name: "pages-" + l, Label: "Seiten: " + name, LabelSingular: "Seite",
			Folder: "content/" + l, Extension: "md", Format: "frontmatter", Create: true, Delete: true, Slug: "{{slug}}", Summary: "{{title}}", Fields: page})
	}

	var b bytes.Buffer
	b.WriteString("# Decap CMS configuration, generated by `wegweiser build` from the data model\n# and the site's data (site.yaml, cms). Do not edit: change site.yaml instead.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return nil, fmt.Errorf("admin/config.yml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
