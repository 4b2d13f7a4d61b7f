package load

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestFolderReadsAsReadSource: a folder of a site opened with OpenDir reads
// each kind of entry as readSource does, to the word of the problem: a
// page, a page with a bad byte, links inside and leaving the site, a
// folder, a pipe (without blocking), a file over the size limit and a
// missing one.
func TestFolderReadsAsReadSource(t *testing.T) {
	dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "secret.md")
	sub := filepath.Join(dir, "content", "de")
	if err := os.MkdirAll(filepath.Join(sub, "folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(outside, "---\ntitle: secret\n---\n")
	write(filepath.Join(sub, "page.md"), "---\ntitle: Seite\n---\nText.\n")
	write(filepath.Join(sub, "bad.md"), "---\ntitle: M\xfcller\x00\n---\n")
	large := filepath.Join(sub, "large.md")
	write(large, "")
	if err := os.Truncate(large, maxFileSize+1); err != nil {
		t.Fatal(err)
	}
	names := []string{"page.md", "bad.md", "folder.md", "large.md", "missing.md"}
	if err := os.Symlink("page.md", filepath.Join(sub, "inside.md")); err == nil {
		os.Symlink(outside, filepath.Join(sub, "outside.md"))
		names = append(names, "inside.md", "outside.md")
	}
	if err := mkfifo(filepath.Join(sub, "pipe.md")); err == nil {
		names = append(names, "pipe.md")
	}
	fsys, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := openFolder(fsys, "content/de")
	defer d.Close()
	if readsAt && d.open == nil {
		t.Fatal("the folder was not opened for reading relative to it")
	}
	for _, name := range names {
		src, problems, notExist := d.read(name)
		wantSrc, wantProblems, wantNotExist := readSource(fsys, "content/de/"+name)
		if !reflect.DeepEqual(src, wantSrc) || !reflect.DeepEqual(problems, wantProblems) || notExist != wantNotExist {
			t.Errorf("%s: folder read %q, %v, not there %v; readSource %q, %v, %v", name, src, problems, notExist, wantSrc, wantProblems, wantNotExist)
		}
	}
	if src, _, _ := d.read("page.md"); string(src) != "---\ntitle: Seite\n---\nText.\n" {
		t.Errorf("page.md read as %q", src)
	}
}
