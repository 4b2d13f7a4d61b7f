package scaffold

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/yamlfmt"
)

var today = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// exampleSite copies the example data and pages into a temporary site.
func exampleSite(t *testing.T) (string, *model.Directory) {
	t.Helper()
	dir := t.TempDir()
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}
	d, problems := load.Load(os.DirFS(dir), load.Options{Now: today})
	if problems.Errors() > 0 {
		t.Fatalf("example site has errors: %v", problems)
	}
	return dir, d
}

func errorsOf(t *testing.T, dir string) diag.List {
	t.Helper()
	_, problems := load.Load(os.DirFS(dir), load.Options{Now: today})
	var errs diag.List
	for _, p := range problems {
		if p.Severity == diag.Error {
			errs = append(errs, p)
		}
	}
	return errs
}

var placeholderRe = regexp.MustCompile(`"` + load.Placeholder + ` `)

// fill does what an editor does: replace every placeholder with the
// example after it.
func fill(b []byte) []byte { return placeholderRe.ReplaceAll(b, []byte(`"`)) }

// TestTemplates writes each template into the example site: unfilled, the
// check reports exactly one placeholder error per TODO and nothing else;
// filled in, the site checks without errors.
func TestTemplates(t *testing.T) {
	tests := []struct {
		name string
		file string
		make func(src []byte, v Values) ([]byte, error)
	}{
		{"provider", "data/providers/neuer-traeger.yaml", func(_ []byte, v Values) ([]byte, error) { return Provider(v) }},
		{"course-file", "data/courses/neuer-traeger.yaml", func(_ []byte, v Values) ([]byte, error) { return CourseFile(v) }},
		{"office", "data/providers/awo-muenchen.yaml", AddOffice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, d := exampleSite(t)
			path := filepath.Join(dir, tt.file)
			src, _ := os.ReadFile(path) // absent for new files
			id := "neuer-traeger"
			if tt.name == "office" {
				id = "awo-muenchen"
			}
			out, err := tt.make(src, NewValues(d, id, today))
			if err != nil {
				t.Fatal(err)
			}
			if normal, err := yamlfmt.Format(out, yamlfmt.TypeOf(tt.file)); err != nil || !bytes.Equal(normal, out) {
				t.Errorf("the template is not in normal form (%v):\n%s", err, normal)
			}
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			todos := len(placeholderRe.FindAll(out, -1))
			if todos < 5 {
				t.Fatalf("only %d placeholders:\n%s", todos, out)
			}
			errs := errorsOf(t, dir)
			for _, p := range errs {
				if p.Rule != "placeholder" {
					t.Errorf("unfilled template: %v (want only placeholder errors)", p)
				}
			}
			if len(errs) != todos {
				t.Errorf("%d errors for %d placeholders:\n%v", len(errs), todos, errs)
			}
			if err := os.WriteFile(path, fill(out), 0o644); err != nil {
				t.Fatal(err)
			}
			if errs := errorsOf(t, dir); len(errs) > 0 {
				t.Errorf("filled-in template has errors:\n%v\n%s", errs, fill(out))
			}
		})
	}
}

// TestAddOfficeKeepsFile: adding an office inserts lines and changes none.
func TestAddOfficeKeepsFile(t *testing.T) {
	src, err := os.ReadFile("../../data/providers/awo-muenchen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := AddOffice(src, NewValues(nil, "awo-muenchen", today))
	if err != nil {
		t.Fatal(err)
	}
	before, after := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
	// The new lines form one block; without it the file is as it was.
	i := 0
	for i < len(before) && before[i] == after[i] {
		i++
	}
	added := len(after) - len(before)
	if added < 10 || strings.Join(append(after[:i:i], after[i+added:]...), "\n") != string(src) {
		t.Fatalf("AddOffice changed more than it added (first difference at line %d):\n%s", i+1, out)
	}
	if !strings.Contains(after[i], "# Beratungsstelle awo-muenchen-beratung") || !strings.HasPrefix(after[i+added], "advisors:") {
		t.Errorf("the office went elsewhere than the end of the offices: %q … %q", after[i], after[i+added])
	}
	if _, err := AddOffice(out, NewValues(nil, "awo-muenchen", today)); err == nil {
		t.Error("AddOffice added a second office with the same id")
	}
}

func TestCheckID(t *testing.T) {
	for id, ok := range map[string]bool{"awo-muenchen": true, "jmd2": true, "AWO": false, "awo muenchen": false, "awo--x": false, "": false, "../x": false} {
		if err := CheckID(id); (err == nil) != ok {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
}
