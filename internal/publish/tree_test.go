package publish

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTreeMap maps a previous site's files: a regular file's content,
// an empty one, and not a symbolic link (its target may be outside the
// site), a folder or a name outside the tree.
func TestTreeMap(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.json")
	big := strings.Repeat("[1,2,3]\n", 10000)
	for name, data := range map[string]string{"data/a.json": big, "empty.json": "", filepath.Base(outside): "secret"} {
		dir := root
		if name == filepath.Base(outside) {
			dir = filepath.Dir(outside)
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "data", "link.json")); err != nil {
		t.Fatal(err)
	}
	tree := NewTree(root)
	for _, tc := range []struct {
		name string
		want string // "": an error
		ok   bool
	}{
		{"data/a.json", big, true},
		{"empty.json", "", true},
		{"data/link.json", "", false},
		{"data", "", false},
		{"../secret.json", "", false},
		{"missing.json", "", false},
	} {
		m, err := tree.Map(tc.name)
		if !tc.ok {
			if err == nil {
				t.Errorf("Map(%q) = %q, want an error", tc.name, m.Data)
				m.Close()
			}
			continue
		}
		if err != nil {
			t.Errorf("Map(%q): %v", tc.name, err)
			continue
		}
		if string(m.Data) != tc.want || m.Info.Size() != int64(len(tc.want)) {
			t.Errorf("Map(%q) = %d bytes (size %d), want %d", tc.name, len(m.Data), m.Info.Size(), len(tc.want))
		}
		if err := m.Close(); err != nil || m.Data != nil {
			t.Errorf("Close(%q): %v, data %d bytes", tc.name, err, len(m.Data))
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close(%q) again: %v", tc.name, err)
		}
	}
	// The tree is the previous site as an fs.FS, links seen as links.
	if fi, err := fs.Lstat(tree, "data/link.json"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(link) = %v, %v; want a symbolic link", fi, err)
	}
	if b, err := fs.ReadFile(tree, "data/a.json"); err != nil || string(b) != big {
		t.Errorf("ReadFile = %d bytes, %v", len(b), err)
	}
}

// TestWriteParts writes a file from its parts, one after another, and
// replaces a kept file's name without writing into the previous site's
// file it links to.
func TestWriteParts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	if err := Publish(ctx, out, RemoveOld, func(d *Dir) error { return d.WriteFile("data/x.json", []byte("old")) }); err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{[]byte("["), nil, []byte(strings.Repeat("a", 70000)), []byte(","), []byte("b"), []byte("]\n")}
	want := "[" + strings.Repeat("a", 70000) + ",b]\n"
	err := Publish(ctx, out, RemoveOld, func(d *Dir) error {
		if kept, err := d.Keep("data/x.json", nil); !kept || err != nil {
			t.Fatalf("Keep: %v, %v", kept, err)
		}
		if err := d.WriteParts("data/x.json", parts); err != nil {
			return err
		}
		if err := d.WriteParts("data/new/y.json", parts); err != nil {
			return err
		}
		if b, err := os.ReadFile(filepath.Join(out, "data", "x.json")); err != nil || string(b) != "old" {
			t.Errorf("the served site's file while the next is made: %q, %v; want old", b, err)
		}
		if files, size := d.Stats(); files != 3 || size != 3+2*int64(len(want)) {
			t.Errorf("Stats = %d files, %d bytes; want 3, %d", files, size, 3+2*len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x.json", "new/y.json"} {
		if b, err := os.ReadFile(filepath.Join(out, "data", filepath.FromSlash(name))); err != nil || string(b) != want {
			t.Errorf("%s: %d bytes, %v; want %d", name, len(b), err, len(want))
		}
	}
}
