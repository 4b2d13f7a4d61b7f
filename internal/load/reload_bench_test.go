package load

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkReload measures the load of every serve rebuild: one provider
// file changed (a phone number, back and forth), the rest reused from the
// previous snapshot. The site is a copy of $WEGWEISER_BENCH_SOURCE (the
// example without it):
//
//	go run ./cmd/benchdata -scale national -out /dev/shm/wb/national/src
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench Reload -benchmem ./internal/load
func BenchmarkReload(b *testing.B) {
	src := os.Getenv("WEGWEISER_BENCH_SOURCE")
	if src == "" {
		src = "../.."
	}
	dir := b.TempDir()
	for _, sub := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(filepath.Join(src, sub))); err != nil {
			b.Fatal(err)
		}
	}
	fsys, err := OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	entries, err := os.ReadDir(filepath.Join(dir, "data", "providers"))
	if err != nil || len(entries) == 0 {
		b.Fatalf("no provider files: %v", err)
	}
	file := filepath.Join(dir, "data", "providers", entries[len(entries)/2].Name())
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	i := bytes.Index(orig, []byte("phone: "))
	if i < 0 {
		b.Fatalf("%s has no phone number", file)
	}
	changed := bytes.Clone(orig)
	changed[i+len("phone: ")+1] ^= 1 // a digit changed
	// The copies are dated a minute back, as a checkout made earlier: a
	// file modified just before a load is read again at the next (the
	// loader's racy check).
	old := time.Now().Add(-time.Minute)
	err = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		b.Fatal(err)
	}
	snap, problems := Reload(fsys, opts, nil)
	if snap == nil {
		b.Fatal(problems)
	}
	n := 0
	for b.Loop() {
		n++
		b.StopTimer()
		content := orig
		if n%2 == 1 {
			content = changed
		}
		if err := os.WriteFile(file, content, 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		next, problems := Reload(fsys, opts, snap)
		if next == nil {
			b.Fatal(problems)
		}
		if next.Patched == nil {
			b.Fatal("the whole site was loaded again, not patched")
		}
		snap = next
	}
}

// BenchmarkLoad measures a whole load, as wegweiser build makes it, of
// $WEGWEISER_BENCH_SOURCE (the example without it):
//
//	WEGWEISER_BENCH_SOURCE=/dev/shm/wb/national/src go test -run '^$' -bench '^BenchmarkLoad$' -benchtime 5x -count 3 ./internal/load
func BenchmarkLoad(b *testing.B) {
	src := os.Getenv("WEGWEISER_BENCH_SOURCE")
	if src == "" {
		src = "../.."
	}
	fsys, err := OpenDir(src)
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	for b.Loop() {
		if snap, problems := Reload(fsys, opts, nil); snap == nil {
			b.Fatal(problems)
		}
	}
}
