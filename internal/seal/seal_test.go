package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, _ := base64.StdEncoding.DecodeString(NewKey())
	s, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"name":"Amira Haddad","phone":"0176 1234567"}`)
	a, b := s.Seal(msg, []byte("ref-1")), s.Seal(msg, []byte("ref-1"))
	if bytes.Equal(a, b) {
		t.Error("two seals of the same value are equal: nonce reused")
	}
	if bytes.Contains(a, []byte("Amira")) {
		t.Error("sealed value contains the plaintext")
	}
	got, err := s.Open(a, []byte("ref-1"))
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open(a, []byte("ref-2")); !errors.Is(err, ErrOpen) {
		t.Error("opened with another row's id")
	}
	a[len(a)-1] ^= 1
	if _, err := s.Open(a, []byte("ref-1")); !errors.Is(err, ErrOpen) {
		t.Error("opened an altered value")
	}
	other, _ := New(bytes.Repeat([]byte{1}, KeySize))
	if _, err := other.Open(b, []byte("ref-1")); !errors.Is(err, ErrOpen) {
		t.Error("opened with another key")
	}
	if _, err := s.Open([]byte("short"), nil); !errors.Is(err, ErrOpen) {
		t.Error("opened a short value")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	os.WriteFile(file, []byte(NewKey()+"\n"), 0o600)
	if k, err := LoadKey("WEGWEISER_TEST_KEY", file); err != nil || len(k) != KeySize {
		t.Errorf("from file: %v", err)
	}
	t.Setenv("WEGWEISER_TEST_KEY", "not base64!")
	if _, err := LoadKey("WEGWEISER_TEST_KEY", file); err == nil {
		t.Error("bad key from the environment accepted")
	}
	t.Setenv("WEGWEISER_TEST_KEY", "")
	if _, err := LoadKey("WEGWEISER_TEST_KEY", ""); err == nil {
		t.Error("no key accepted")
	}
}

// TestRotation: a value carries the id of the key that sealed it; after a
// rotation the new key seals, the old one still opens (and the value is
// stale until sealed again), and a Sealer without the old key cannot open
// it. Values sealed before key ids still open.
func TestRotation(t *testing.T) {
	oldKey, _ := base64.StdEncoding.DecodeString(NewKey())
	newKey, _ := base64.StdEncoding.DecodeString(NewKey())
	before, _ := New(oldKey)
	sealed := before.Seal([]byte("contact"), []byte("r1"))
	if id := before.Current(); !bytes.HasPrefix(sealed, []byte("W1")) || !bytes.Equal(sealed[2:6], id[:]) {
		t.Fatalf("no key id in %x", sealed[:8])
	}
	after, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := after.Open(sealed, []byte("r1")); err != nil || string(got) != "contact" {
		t.Errorf("old value after rotation: %q, %v", got, err)
	}
	if !after.Stale(sealed) || after.Stale(after.Seal([]byte("x"), nil)) {
		t.Errorf("Stale is wrong")
	}
	onlyNew, _ := New(newKey)
	if _, err := onlyNew.Open(sealed, []byte("r1")); !errors.Is(err, ErrOpen) {
		t.Errorf("opened without the old key")
	}
	// The format of the first release: nonce ‖ ciphertext ‖ tag.
	legacy := before.Seal([]byte("legacy"), []byte("r2"))[6:]
	if got, err := after.Open(legacy, []byte("r2")); err != nil || string(got) != "legacy" {
		t.Errorf("value without key id: %q, %v", got, err)
	}
	if _, err := New(oldKey, oldKey); err == nil {
		t.Errorf("the same key twice accepted")
	}
}

// TestMAC: the keyed hash depends on the key and the data, and is not the
// plain hash of the data.
func TestMAC(t *testing.T) {
	k1, _ := base64.StdEncoding.DecodeString(NewKey())
	k2, _ := base64.StdEncoding.DecodeString(NewKey())
	a, _ := New(k1)
	b, _ := New(k2)
	data := []byte(`{"contact":{"name":"Amira Haddad"}}`)
	if again := a.MAC(data); a.MAC(data) != again || a.MAC(data) == b.MAC(data) || a.MAC(data) == a.MAC([]byte("x")) {
		t.Errorf("MAC does not depend on key and data the right way")
	}
	sum := sha256.Sum256(data)
	if strings.Contains(a.MAC(data), hex.EncodeToString(sum[:])) {
		t.Errorf("MAC is the plain hash")
	}
}
