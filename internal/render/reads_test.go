package render

import (
	"bytes"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/themes"
)

// TestReadsAreComplete is the proof that a page's site.Reads names every
// data file its output depends on, which wegweiser serve and build rely
// on to keep pages after a change. For each provider and course file of
// the example it changes every text of that file (in memory) — and, for
// providers, the advisors' languages and the districts the offices serve,
// which the finder ranks by — lays the site out again
// and renders every German page: each page that
// came out different must have recorded the file (or all files of its
// kind, or a value computed from them whose fingerprint changed) when
// rendered before the change. (That the fragment cache hands a page the
// reads of the fragments it takes from it, TestFragmentReads shows.)
func TestReadsAreComplete(t *testing.T) {
	t.Parallel()
	langs := []string{"de"} // other languages read the same
	s, r := exampleSiteIn(t, "", langs...)
	type page struct {
		html  []byte
		reads *site.Reads
	}
	renderAll := func(s *site.Site, r *Renderer) map[string]page {
		t.Helper()
		out := map[string]page{}
		for _, p := range s.Pages() {
			if p.Lang != "de" { // not the easy-to-read edition's, whose kinds German has
				continue
			}
			var b bytes.Buffer
			reads, err := r.Render(&b, s, p)
			if err != nil {
				t.Fatal(err)
			}
			out[p.Path()] = page{b.Bytes(), reads}
		}
		return out
	}
	before := renderAll(s, r)
	kept := 0 // pages that would be kept after some change: the test is not empty
	// change changes the directory in place and returns a function that
	// undoes it.
	check := func(file string, all func(*site.Reads) bool, change func(d *model.Directory) (undo func())) {
		t.Helper()
		undo := change(s.Dir)
		defer undo()
		s3, err := site.New(s.Dir, site.Options{Today: s.Today})
		if err != nil {
			t.Fatal(err)
		}
		r2, err := New(r.cfg) // a fragment cache of its own
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for name, p := range renderAll(s3, r2) {
			was, ok := before[name]
			if !ok {
				continue // a new page: nothing to keep
			}
			read := was.reads.Everything || all(was.reads) || was.reads.Files[file]
			for v, sum := range was.reads.Values { // a value computed from all files, which changed
				if now, ok := s3.ValueSum(v); !ok || now != sum {
					read = true
				}
			}
			if !read {
				kept++
			}
			if !bytes.Equal(was.html, p.html) {
				changed++
				if !read {
					t.Errorf("%s changed with %s, but its reads %+v do not name it", name, file, *was.reads)
				}
			}
		}
		if changed == 0 {
			t.Errorf("changing %s changed no page", file)
		}
	}
	for i, p := range s.Dir.Providers {
		// Every text, and what the finder ranks by: who speaks which
		// language, which districts an office serves.
		check(site.ProviderFile(p.ID), func(r *site.Reads) bool { return r.Providers }, func(d *model.Directory) func() {
			unmark := markTexts(reflect.ValueOf(&d.Providers[i]).Elem())
			// Everyone there speaks every language, every office serves
			// every district: the provider's offices climb the rankings.
			var langs, districts []string
			for _, l := range d.Languages {
				langs = append(langs, l.Code)
			}
			for _, x := range d.Districts {
				districts = append(districts, x.ID)
			}
			p := &d.Providers[i]
			was := *p
			p.Advisors, p.Offices = slices.Clone(p.Advisors), slices.Clone(p.Offices)
			for j := range p.Advisors {
				p.Advisors[j].Languages = langs
			}
			for j := range p.Offices {
				p.Offices[j].Serves = districts
			}
			d.Index() // the index points into the slices
			return func() { *p = was; d.Index(); unmark() }
		})
	}
	for i, f := range s.Dir.CourseFiles {
		check(site.CourseFile(f.Provider.ID), func(r *site.Reads) bool { return r.Courses }, func(d *model.Directory) func() {
			return markTexts(reflect.ValueOf(&d.CourseFiles[i]).Elem())
		})
	}
	if kept == 0 {
		t.Error("every page read every file")
	}
}

// markTexts appends a mark to every translation of every model.Text in v
// and returns a function that takes the marks off again.
func markTexts(v reflect.Value) (undo func()) {
	var texts []reflect.Value
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			if v.Type() == reflect.TypeFor[model.Text]() {
				texts = append(texts, v)
			}
		}
	}
	walk(v)
	const mark = " ‽"
	for _, t := range texts {
		for _, k := range t.MapKeys() {
			t.SetMapIndex(k, reflect.ValueOf(t.MapIndex(k).String()+mark))
		}
	}
	return func() {
		for _, t := range texts {
			for _, k := range t.MapKeys() {
				t.SetMapIndex(k, reflect.ValueOf(strings.TrimSuffix(t.MapIndex(k).String(), mark)))
			}
		}
	}
}

// TestFragmentReads: a fragment taken from the cache hands the page what
// it read when it was rendered for another page. A theme whose page top
// (a fragment rendered once per language and link depth) lists the
// courses makes every page read all course files, not only the first
// page of each depth.
func TestFragmentReads(t *testing.T) {
	s, r := exampleSiteIn(t, "", "de")
	b, err := fs.ReadFile(themes.Default(), "templates/base.html")
	const top = `{{define "page-top"}}{{$v := .V}}`
	if err != nil || !bytes.Contains(b, []byte(top)) {
		t.Fatalf("base.html has no %q (%v)", top, err)
	}
	b = bytes.Replace(b, []byte(top), []byte(top+`<p hidden>{{len $v.Site.Courses}}</p>`), 1)
	own, err := New(Config{Theme: themes.Overlay(fstest.MapFS{"templates/base.html": {Data: b}}, themes.Default()), Strings: r.cfg.Strings})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range s.Pages() {
		if p.Lang != "de" {
			continue
		}
		reads, err := own.Render(io.Discard, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if n++; !reads.Courses && !reads.Everything {
			t.Errorf("%s: its page top lists the courses, but its reads %+v do not say so", p.Path(), *reads)
		}
	}
	if n < 100 {
		t.Fatalf("rendered %d pages", n)
	}
}
