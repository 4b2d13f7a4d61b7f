package cms

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

func example(t *testing.T) *model.Directory {
	t.Helper()
	d, problems := load.Load(os.DirFS("../.."), load.Options{Now: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)})
	if problems.Errors() > 0 {
		t.Fatal(problems)
	}
	return d
}

// decoded is config.yml as Decap reads it (anchors resolved).
type decoded struct {
	Backend     struct{ Name, Repo, Branch string }
	Collections []struct {
		Name, Folder, Format, Extension string
		Fields                          []map[string]any
		Files                           []struct {
			File   string
			Fields []map[string]any
		}
	}
}

func TestConfig(t *testing.T) {
	d := example(t)
	b, err := Config(d, "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	var cfg decoded
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("config.yml does not parse: %v", err)
	}
	if cfg.Backend.Name != "github" || cfg.Backend.Repo != "wegweiser-de/wegweiser" || cfg.Backend.Branch != "main" {
		t.Errorf("backend = %+v", cfg.Backend)
	}
	byName := map[string]int{}
	for i, c := range cfg.Collections {
		byName[c.Name] = i
	}
	for _, want := range []string{"providers", "courses", "districts", "languages", "topics", "site", "pages-de", "pages-ar"} {
		if _, ok := byName[want]; !ok {
			t.Errorf("no collection %q", want)
		}
	}
	providers := cfg.Collections[byName["providers"]]
	if providers.Folder != "data/providers" || providers.Format != "wegweiser-providers" || providers.Extension != "yaml" {
		t.Errorf("providers collection = %+v", providers)
	}
	// Every field of the model is in the form, under its YAML name.
	offices := fieldNamed(t, providers.Fields, "offices")
	checkCovers(t, offices["fields"], reflect.TypeFor[model.Office]())
	checkCovers(t, providers.Fields, reflect.TypeFor[model.Provider]())

	// A translated text: one input per interface language, the default
	// language required, marked for the editor's format.
	name := fieldNamed(t, providers.Fields, "name")
	langs := name["fields"].([]any)
	if name["widget"] != "object" || name["wegweiser_text"] != true || len(langs) != len(d.Site.Languages) ||
		langs[0].(map[string]any)["name"] != "de" || langs[0].(map[string]any)["required"] != true || langs[1].(map[string]any)["required"] != false {
		t.Errorf("name field = %v", name)
	}
	// References are selects fed from the data.
	district := fieldNamed(t, offices["fields"], "district")
	opts := district["options"].([]any)
	if district["widget"] != "select" || len(opts) != len(d.Districts) || opts[0].(map[string]any)["value"] != d.Districts[0].ID {
		t.Errorf("district field = %v", district)
	}
	serves := fieldNamed(t, offices["fields"], "serves")
	if serves["multiple"] != true || len(serves["options"].([]any)) != len(d.Districts) {
		t.Errorf("serves field = %v", serves)
	}
	advisors := fieldNamed(t, providers.Fields, "advisors")
	if o := fieldNamed(t, advisors["fields"], "office"); o["widget"] != "select" || len(o["options"].([]any)) < 20 {
		t.Errorf("advisor office field = %v", o)
	}
	if l := fieldNamed(t, advisors["fields"], "languages"); len(l["options"].([]any)) != len(d.Languages) {
		t.Errorf("advisor languages field = %v", l)
	}
	// The option lists are written once and referred to after.
	if n := strings.Count(string(b), "&district"); n != 1 {
		t.Errorf("%d anchors &district", n)
	}
	if n := strings.Count(string(b), "*district"); n < 2 {
		t.Errorf("%d aliases *district", n)
	}
	if !strings.Contains(string(b), "\npublish_mode: editorial_workflow\n") {
		t.Error("editorial_workflow: true (as in the example) does not set publish_mode")
	}
	d.Site.CMS.EditorialWorkflow = false
	if b, _ := Config(d, ""); strings.Contains(string(b), "publish_mode") {
		t.Error("publish_mode without editorial_workflow")
	}
	// Root lists are edited as the list "entries".
	districts := cfg.Collections[byName["districts"]]
	if len(districts.Files) != 1 || districts.Files[0].File != "data/districts.yaml" || districts.Files[0].Fields[0]["name"] != "entries" {
		t.Errorf("districts collection = %+v", districts)
	}
}

// fieldNamed finds the field called name in a list of fields.
func fieldNamed(t *testing.T, fields any, name string) map[string]any {
	t.Helper()
	var list []map[string]any
	switch f := fields.(type) {
	case []map[string]any:
		list = f
	case []any:
		for _, x := range f {
			list = append(list, x.(map[string]any))
		}
	}
	for _, f := range list {
		if f["name"] == name {
			return f
		}
	}
	t.Fatalf("no field %q", name)
	return nil
}

// checkCovers checks that fields has one field per YAML field of t.
func checkCovers(t *testing.T, fields any, typ reflect.Type) {
	t.Helper()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fieldNamed(t, fields, name)
		}
	}
}

func TestFilesOnlyWhenEnabled(t *testing.T) {
	d := example(t)
	files, err := Files(d, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin/index.html", "admin/config.yml", "admin/cms.js", "admin/init.js"} {
		if len(files[name]) == 0 {
			t.Errorf("no %s", name)
		}
	}
	page := string(files["admin/index.html"])
	for _, want := range []string{DefaultScript, DefaultYAMLModule, `content="de"`, `<script src="init.js"></script>`} {
		if !strings.Contains(page, want) {
			t.Errorf("admin/index.html lacks %q", want)
		}
	}
	d.Site.CMS.Enabled = false
	if files, err := Files(d, ""); err != nil || files != nil {
		t.Errorf("disabled editor: %d files, %v", len(files), err)
	}
	d.Site.CMS = nil
	if files, err := Files(d, ""); err != nil || files != nil {
		t.Errorf("no cms block: %d files, %v", len(files), err)
	}
}

func TestCSP(t *testing.T) {
	s := model.Site{CMS: &model.CMS{Enabled: true, Backend: model.CMSBackend{Name: "gitlab", APIRoot: "https://git.example.org/api/v4"},
		Script: "https://static.example.org/decap/decap-cms.js"}}
	csp := CSP(&s)
	for _, want := range []string{
		"script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' https://static.example.org;",
		"https://gitlab.com", "https://git.example.org", "frame-ancestors 'none'", "http://localhost:8081",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "*") || strings.Contains(csp, "api.github.com") || strings.Contains(csp, "jsdelivr") {
		t.Errorf("CSP too wide: %s", csp)
	}
	// With the defaults, every script comes from the site itself.
	s.CMS.Script = ""
	if csp := CSP(&s); !strings.Contains(csp, "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval';") {
		t.Errorf("default CSP loads scripts from elsewhere: %s", csp)
	}
}

// TestVendoredEditor: with the default scripts, the admin loads Decap CMS
// and the yaml library from admin/vendor/, which the build writes (with
// Decap's lazily loaded chunks and WebAssembly, and the licences); a site
// that names its own copy gets none.
func TestVendoredEditor(t *testing.T) {
	d := example(t)
	d.Site.CMS.Script, d.Site.CMS.YAMLModule = "", ""
	files, err := Files(d, "")
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["admin/index.html"])
	if !strings.Contains(page, `src="./vendor/decap-cms/decap-cms.js"`) || !strings.Contains(page, `content="./vendor/yaml/index.js"`) {
		t.Errorf("admin page does not load the vendored scripts:\n%s", page)
	}
	for _, name := range []string{"admin/vendor/decap-cms/decap-cms.js", "admin/vendor/decap-cms/decap-cms.js.LICENSE.txt", "admin/vendor/yaml/index.js", "admin/vendor/yaml/dist/index.js", "admin/vendor/yaml/LICENSE"} {
		if len(files[name]) == 0 {
			t.Errorf("%s is not written", name)
		}
	}
	chunks, wasm := 0, 0
	for name, b := range files {
		if strings.Contains(string(b), "https://unpkg.com") && strings.HasSuffix(name, ".html") {
			t.Errorf("%s loads from unpkg", name)
		}
		switch {
		case strings.HasSuffix(name, ".decap-cms.js"):
			chunks++
		case strings.HasSuffix(name, ".wasm"):
			wasm++
		}
	}
	if chunks < 50 || wasm == 0 {
		t.Errorf("%d chunks and %d WebAssembly files of Decap CMS", chunks, wasm)
	}
	d.Site.CMS.Script, d.Site.CMS.YAMLModule = "https://static.example.org/decap-cms.js", "https://static.example.org/yaml.js"
	files, _ = Files(d, "")
	for name := range files {
		if strings.HasPrefix(name, "admin/vendor/") {
			t.Errorf("%s written although the site loads its own copy", name)
		}
	}
}
