package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestIncrementalRebuild is the proof of serve's incremental rebuilds: after
// one value in one provider file changes, a build given the previous
// build's memo renders that provider's pages and the pages that list
// things from many files, takes every other page from the memo, and its
// output equals a full build of the changed site byte for byte. A change
// to a course file renders only that file's course pages among the
// course pages; a change to site-wide data renders everything.
func TestIncrementalRebuild(t *testing.T) {
	src := t.TempDir()
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(src, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}
	build := func(prev *Memo) (*Result, map[string][]byte) {
		t.Helper()
		var w memWriter
		res, err := Build(context.Background(), Config{Source: os.DirFS(src), Now: testToday, Remember: true, Memo: prev}, &w)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		return res, w.files
	}
	change := func(file, old, new string) {
		t.Helper()
		path := filepath.Join(src, file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s has no %q", file, old)
		}
		if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sameAsFull := func(got map[string][]byte) {
		t.Helper()
		_, full := build(nil)
		for name, b := range full {
			if !bytes.Equal(got[name], b) {
				t.Errorf("%s differs from a full build", name)
			}
		}
		for name := range got {
			if _, ok := full[name]; !ok {
				t.Errorf("%s is not in a full build", name)
			}
		}
	}

	first, _ := build(nil)
	if first.Reused != 0 || len(first.Rendered) == 0 {
		t.Fatalf("first build: %d rendered, %d reused", len(first.Rendered), first.Reused)
	}
	total := len(first.Rendered)

	// One office's phone number in one provider file.
	change("data/providers/awo-muenchen.yaml", `phone: "089 1234510-10"`, `phone: "089 1234510-99"`)
	res, files := build(first.Memo)
	sameAsFull(files)
	// Exactly the pages of one provider, offer, office, course or Markdown
	// page are reused, except AWO's, and the course lists.
	want := 0
	for name := range files {
		if kind, id, ok := ownPage(name); ok && !(kind != "courses" && kind != "content" && kind != "course-lists" && strings.HasPrefix(id, "awo-")) && kind != "advisor-lists" {
			want++
		}
	}
	if len(res.Rendered)+res.Reused != total || res.Reused != want {
		t.Errorf("provider change: %d rendered, %d reused of %d pages; want %d reused", len(res.Rendered), res.Reused, total, want)
	}
	for _, lang := range langs {
		if p := lang + "/offices/awo-mbe-ludwigsvorstadt/index.html"; !slices.Contains(res.Rendered, p) {
			t.Errorf("the changed office's page %s was not rendered", p)
		}
		if !strings.Contains(string(files[lang+"/offices/awo-mbe-ludwigsvorstadt/index.html"]), "1234510-99") {
			t.Errorf("%s does not show the new number", lang)
		}
	}
	for _, p := range res.Rendered {
		if kind, id, ok := ownPage(p); ok && kind != "advisor-lists" && (kind == "courses" || kind == "content" || kind == "course-lists" || !strings.HasPrefix(id, "awo-")) {
			t.Errorf("%s was rendered again, though nothing it shows changed", p)
		}
	}

	// One course's seats in one course file.
	change("data/courses/mvhs.yaml", "    seats_free: 5\n", "    seats_free: 4\n")
	res2, files := build(res.Memo)
	sameAsFull(files)
	courses := map[string]int{} // course pages rendered, by the course id's first word
	for _, p := range res2.Rendered {
		if parts := strings.Split(p, "/"); len(parts) == 4 && parts[1] == "courses" && parts[3] == "index.html" {
			courses[strings.SplitN(parts[2], "-", 2)[0]]++
		}
		if kind, _, _ := ownPage(p); strings.Contains(p, "/offices/") || strings.Contains(p, "/providers/awo-") || kind == "advisor-lists" {
			t.Errorf("%s was rendered again after a course change", p)
		}
	}
	if courses["mvhs"] == 0 || len(courses) != 1 {
		t.Errorf("course pages rendered again, by provider: %v (want mvhs only)", courses)
	}

	// Site-wide data: a district's name.
	change("data/districts.yaml", "name: Altstadt-Lehel", "name: Altstadt–Lehel")
	res3, files := build(res2.Memo)
	sameAsFull(files)
	if res3.Reused != 0 {
		t.Errorf("a district renamed: %d pages reused, want none", res3.Reused)
	}
}

// ownPage tells from its path whether a page of the example shows one
// thing: a provider, office, offer, course or Markdown page (kind), and
// which (id); or is a list of courses ("course-lists") or of advisors
// ("advisor-lists"), which depend on the files of their kind only.
func ownPage(path string) (kind, id string, ok bool) {
	parts := strings.Split(path, "/")
	switch {
	case len(parts) >= 3 && parts[1] == "courses" && (len(parts) == 3 || len(parts) == 5):
		return "course-lists", "", true
	case len(parts) >= 3 && parts[1] == "advisors":
		return "advisor-lists", "", true
	case len(parts) == 4 && parts[3] == "index.html" && slices.Contains([]string{"providers", "offices", "offers", "courses"}, parts[1]):
		return parts[1], parts[2], parts[2] != "types" && parts[2] != "districts" && parts[2] != "months" && parts[2] != "times"
	case len(parts) == 3 && parts[2] == "index.html" && slices.Contains([]string{"ueber-uns", "mbe-jmd", "integrationskurs"}, parts[1]):
		return "content", parts[1], true
	}
	return "", "", false
}
