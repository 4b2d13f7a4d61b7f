// Package seal encrypts personal data at rest with AES-256-GCM.
//
// A sealed value is nonce ‖ ciphertext ‖ tag. The associated data (the
// referral id) binds a sealed value to its row: a value copied to another
// row does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the length of a key in bytes.
const KeySize = 32

// Sealer seals and opens values with one key. It is safe for concurrent use.
type Sealer struct{ aead cipher.AEAD }

// New returns a Sealer for a 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("seal: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead}, nil
}

// Seal encrypts plaintext bound to ad.
func (s *Sealer) Seal(plaintext, ad []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return s.aead.Seal(nonce, nonce, plaintext, ad)
}

// ErrOpen means a sealed value was altered, belongs to another row, or was
// sealed with another key.
var ErrOpen = errors.New("seal: cannot open: wrong key, altered or misplaced value")

// Open decrypts a sealed value bound to ad.
func (s *Sealer) Open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// NewKey returns a new random key, base64-encoded, for a key file.
func NewKey() string {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(k)
}

// LoadKey reads a base64 key from the environment variable env if it is
// set, else from file.
func LoadKey(env, file string) ([]byte, error) {
	var text, from string
	if v := os.Getenv(env); v != "" {
		text, from = v, "$"+env
	} else if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		text, from = string(b), file
	} else {
		return nil, fmt.Errorf("key: set $%s or key_file", env)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("key in %s: want %d bytes, base64-encoded (make one with `wegweiser referrals keygen`)", from, KeySize)
	}
	return key, nil
}
