package load

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

// fuzzFiles are the files the fuzzer replaces, chosen by the first
// argument modulo their number.
var fuzzFiles = []string{
	"data/providers/caritas.yaml",
	"data/courses/vhs.yaml",
	"data/site.yaml",
	"data/languages.yaml",
	"data/districts.yaml",
	"data/topics.yaml",
	"content/de/about.md",
}

// FuzzLoad replaces one file of the base site with arbitrary bytes. The
// loader must not panic, must finish promptly, and must describe every
// problem with a position, a rule and a message.
//
//	go test ./internal/load -run '^$' -fuzz FuzzLoad -fuzztime 5m
func FuzzLoad(f *testing.F) {
	base := baseSite(f)
	for i, name := range fuzzFiles {
		f.Add(uint8(i), base[name].Data)
	}
	// Seed with every golden case and every example data file.
	cases, _ := filepath.Glob(filepath.Join("testdata", "errors", "*.txtar"))
	for _, c := range cases {
		ar, err := txtar.ParseFile(c)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			for i, name := range fuzzFiles {
				if file.Name == name {
					f.Add(uint8(i), file.Data)
				}
			}
		}
	}
	examples, _ := filepath.Glob("../../data/providers/*.yaml")
	for _, e := range examples {
		if b, err := os.ReadFile(e); err == nil {
			f.Add(uint8(0), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		fsys := maps.Clone(base)
		name := fuzzFiles[int(which)%len(fuzzFiles)]
		fsys[name] = &fstest.MapFile{Data: src}
		done := make(chan struct{})
		timer := time.AfterFunc(10*time.Second, func() {
			select {
			case <-done:
			default:
				panic("Load did not finish within 10 s: a hang")
			}
		})
		dir, problems := Load(fsys, Options{Now: testToday})
		close(done)
		timer.Stop()
		if (dir == nil) != (problems.Errors() > 0) {
			t.Fatalf("directory returned = %v with %d errors", dir != nil, problems.Errors())
		}
		for _, p := range problems {
			if p.File == "" || p.Line < 1 || p.Col < 1 || p.Message == "" || p.Rule == "" {
				t.Fatalf("problem without position, rule or message: %#v", p)
			}
		}
	})
}
