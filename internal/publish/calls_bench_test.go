//go:build linux

package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkSpareCalls measures, per page of a site laid out as a build
// lays it out (a folder per page holding its index.html, thousands of
// them in one folder), the system calls a rebuild into the spare makes
// or could make for a page it keeps: listing the spare (list: a folder
// opened, read, closed), looking at the site's file by its full name
// (lstat, what keepSpare does), looking at a file relative to an open
// folder (fstatat, relative to the folder of the
// page folders, opened once), making a folder that is
// there already (mkdir-exists, what a build that trusted the spare
// without looking would still do), and a system call that does nothing
// (getppid, this machine's floor). docs/scale.md ("What looking at the
// spare costs") gives the figures; on tmpfs:
//
//	TMPDIR=/dev/shm go test ./internal/publish -run '^$' -bench SpareCalls -benchtime 3x
func BenchmarkSpareCalls(b *testing.B) {
	const parents, per = 40, 500 // 20,000 pages
	root := b.TempDir()
	var pages []string
	for i := range parents {
		for j := range per {
			dir := filepath.Join(root, "de", fmt.Sprintf("kind%02d", i), fmt.Sprintf("page-%04d-%s", j, "name-of-a-page"))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			page := filepath.Join(dir, "index.html")
			if err := os.WriteFile(page, []byte("<!doctype html>"), 0o644); err != nil {
				b.Fatal(err)
			}
			pages = append(pages, page)
		}
	}
	perPage := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages)), "ns/page")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if l := list(root, nil, new(atomic.Bool)); len(l.folders) < len(pages) {
				b.Fatalf("listed %d folders, want at least %d", len(l.folders), len(pages))
			}
		}
		perPage(b)
	})
	b.Run("lstat", func(b *testing.B) {
		for b.Loop() {
			for _, p := range pages {
				if _, err := os.Lstat(p); err != nil {
					b.Fatal(err)
				}
			}
		}
		perPage(b)
	})
	b.Run("fstatat", func(b *testing.B) {
		for b.Loop() {
			fd, dir := -1, ""
			for _, p := range pages {
				page := filepath.Dir(p)
				if d := filepath.Dir(page); d != dir { // one open per 500 pages
					if fd >= 0 {
						unix.Close(fd)
					}
					var err error
					if fd, err = unix.Open(d, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
						b.Fatal(err)
					}
					dir = d
				}
				var st unix.Stat_t
				if err := unix.Fstatat(fd, filepath.Base(page)+"/index.html", &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					b.Fatal(err)
				}
			}
			unix.Close(fd)
		}
		perPage(b)
	})
	b.Run("mkdir-exists", func(b *testing.B) {
		for b.Loop() {
			for _, p := range pages {
				if err := unix.Mkdir(filepath.Dir(p), 0o755); err != unix.EEXIST {
					b.Fatalf("mkdir %s: %v, want EEXIST", filepath.Dir(p), err)
				}
			}
		}
		perPage(b)
	})
	b.Run("getppid", func(b *testing.B) {
		for b.Loop() {
			for range pages {
				unix.Getppid()
			}
		}
		perPage(b)
	})
}
