// Package seal encrypts personal data at rest with AES-256-GCM.
//
// A sealed value is "W1" ‖ key id ‖ nonce ‖ ciphertext ‖ tag. The key id
// (the first four bytes of the key's SHA-256) names the key that sealed it,
// so keys can be rotated: a Sealer seals with its current key and opens
// with any key it holds; `wegweiser referrals reseal` seals every value
// again with the current key, after which the old key can go. Values
// sealed before key ids existed (nonce ‖ ciphertext ‖ tag) still open with
// any key held.
//
// The associated data (the referral id) binds a sealed value to its row: a
// value copied to another row does not open.
package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the length of a key in bytes.
const KeySize = 32

// magic starts every value sealed with a key id.
var magic = []byte("W1")

// KeyID identifies a key: the first four bytes of its SHA-256.
type KeyID [4]byte

// String returns the id in hex, as logs and commands show it.
func (k KeyID) String() string { return hex.EncodeToString(k[:]) }

func idOf(key []byte) KeyID {
	sum := sha256.Sum256(key)
	return KeyID(sum[:4])
}

// Sealer seals with its current key and opens with any of its keys. It is
// safe for concurrent use.
type Sealer struct {
	current KeyID
	aeads   map[KeyID]cipher.AEAD
	order   []KeyID // current first
	mac     []byte  // key of MAC, derived from the current key
}

// New returns a Sealer whose current key is keys[0]; the others only open
// values sealed before a rotation. Each key is 32 bytes.
func New(keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	s := &Sealer{aeads: map[KeyID]cipher.AEAD{}}
	for i, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("seal: key %d is %d bytes, want %d", i+1, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := idOf(key)
		if _, dup := s.aeads[id]; dup {
			return nil, fmt.Errorf("seal: key %d is given twice", i+1)
		}
		s.aeads[id] = aead
		s.order = append(s.order, id)
	}
	s.current = s.order[0]
	mac, err := hkdf.Key(sha256.New, keys[0], nil, "wegweiser: keyed hash of request bodies", 32)
	if err != nil {
		return nil, err
	}
	s.mac = mac
	return s, nil
}

// Current returns the id of the key new values are sealed with.
func (s *Sealer) Current() KeyID { return s.current }

// Seal encrypts plaintext bound to ad with the current key.
func (s *Sealer) Seal(plaintext, ad []byte) []byte {
	aead := s.aeads[s.current]
	out := make([]byte, 0, len(magic)+len(s.current)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(append(out, magic...), s.current[:]...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, ad)
}

// ErrOpen means a sealed value was altered, belongs to another row, or was
// sealed with a key the Sealer does not hold.
var ErrOpen = errors.New("seal: cannot open: wrong key, altered or misplaced value")

// Open decrypts a sealed value bound to ad.
func (s *Sealer) Open(sealed, ad []byte) ([]byte, error) {
	if id, body, ok := split(sealed); ok {
		if aead := s.aeads[id]; aead != nil {
			if out, err := open(aead, body, ad); err == nil {
				return out, nil
			}
		}
	}
	for _, id := range s.order { // a value sealed before key ids
		if out, err := open(s.aeads[id], sealed, ad); err == nil {
			return out, nil
		}
	}
	return nil, ErrOpen
}

// Stale reports whether a sealed value was not sealed with the current key
// (and should be sealed again).
func (s *Sealer) Stale(sealed []byte) bool {
	id, _, ok := split(sealed)
	return !ok || id != s.current
}

// split returns the key id and the rest of a value sealed with a key id.
func split(sealed []byte) (KeyID, []byte, bool) {
	if len(sealed) < len(magic)+4 || !bytes.HasPrefix(sealed, magic) {
		return KeyID{}, nil, false
	}
	return KeyID(sealed[len(magic) : len(magic)+4]), sealed[len(magic)+4:], true
}

func open(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, ErrOpen
	}
	return aead.Open(nil, sealed[:n], sealed[n:], ad)
}

// MAC returns a keyed hash (HMAC-SHA-256) of data, with a key derived from
// the current key: a stored value that tells whether two requests were the
// same without revealing what they held to anyone without the key.
func (s *Sealer) MAC(data []byte) string {
	h := hmac.New(sha256.New, s.mac)
	h.Write(data)
	return "hmac-sha256:" + hex.EncodeToString(h.Sum(nil))
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
	if v := os.Getenv(env); v != "" {
		return ParseKey(v, "$"+env)
	}
	if file == "" {
		return nil, fmt.Errorf("key: set $%s or key_file", env)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	return ParseKey(string(b), file)
}

// ParseKey decodes a base64 key read from where (named in errors).
func ParseKey(text, where string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("key in %s: want %d bytes, base64-encoded (make one with `wegweiser referrals keygen`)", where, KeySize)
	}
	return key, nil
}
