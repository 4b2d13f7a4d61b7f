package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
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
