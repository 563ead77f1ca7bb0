// Package seal encrypts what only its author may read — private
// reflections, journal entries — before it reaches the database, with
// AES-256-GCM. Reflections are sealed under the instance's key; a journal
// is sealed under its owner's data key, which a Ring of server keys wraps,
// so that the server key can change by wrapping the data keys again. A
// database dump without the key reveals nothing of them.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// version prefixes every sealed value, so that the format (or the key)
// can change later without guessing what old rows hold.
const version = 1

// Box seals values under one key and opens them under it or, during a
// rotation, under the previous key.
type Box struct {
	aead cipher.AEAD
	// previous opens what was sealed before a rotation; nil when none.
	previous cipher.AEAD
}

// New returns a Box for key, which must be KeySize bytes.
func New(key []byte) (*Box, error) {
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
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext. context binds the result to where it is stored
// (say, the meeting and the author): opening it with another context
// fails, so a sealed value copied to another row cannot be read there.
func (b *Box) Seal(plaintext []byte, context string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	// crypto/rand never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(nonce)
	out := append([]byte{version}, nonce...)
	return b.aead.Seal(out, nonce, plaintext, []byte(context))
}

// ErrOpen means a sealed value could not be opened: another key, another
// context, or damage.
var ErrOpen = errors.New("seal: cannot open this value")

// Open decrypts what Seal produced with the same context.
func (b *Box) Open(sealed []byte, context string) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n+b.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	out, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil && b.previous != nil {
		out, err = b.previous.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	}
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// ParseKey reads a key written as base64 (standard or URL alphabet).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == KeySize {
			return key, nil
		}
	}
	return nil, fmt.Errorf("seal: the key must be %d bytes in base64 (openssl rand -base64 32)", KeySize)
}

// LoadOrCreateKeyFile reads the key in path, or, when the file does not
// exist, creates it with a new random key readable by its owner only. It
// reports whether it created the file.
func LoadOrCreateKeyFile(path string) ([]byte, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		// Another instance created it at the same moment: use theirs.
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, false, err
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, false, err
	}
	return key, true, f.Close()
}

// KeyID names a key without revealing it: the first eight bytes of its
// SHA-256, in hex. It is stored beside what a key wrapped, so that a
// reader knows which key opens it while two are in use.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("holdspace key id\x00"), key...))
	return hex.EncodeToString(sum[:8])
}

// Ring holds the server key that seals and, during a rotation, a second
// one that only opens: the new key before every instance seals under it,
// then the previous key until `holdspace keys rotate` has sealed
// everything again under the current one.
type Ring struct {
	currentID string
	boxes     map[string]*Box
	// box seals under the current key and opens under either, for values
	// stored without a key id (reflections).
	box *Box
}

// NewRing returns a ring sealing under current and opening under current
// or previous (nil when no rotation is under way).
func NewRing(current, previous []byte) (*Ring, error) {
	cur, err := New(current)
	if err != nil {
		return nil, err
	}
	r := &Ring{currentID: KeyID(current), boxes: map[string]*Box{KeyID(current): cur}, box: cur}
	if previous != nil {
		prev, err := New(previous)
		if err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
		if _, same := r.boxes[KeyID(previous)]; same {
			return nil, errors.New("seal: the previous key is the current key")
		}
		r.boxes[KeyID(previous)] = prev
		r.box = &Box{aead: cur.aead, previous: prev.aead}
	}
	return r, nil
}

// Box returns a Box that seals under the current key and opens under the
// current or the previous one.
func (r *Ring) Box() *Box { return r.box }

// Previous returns the id and a Box of the previous key alone, or nil
// when there is none: a rotation opens with it what is still sealed under
// it.
func (r *Ring) Previous() (string, *Box) {
	for id, b := range r.boxes {
		if id != r.currentID {
			return id, b
		}
	}
	return "", nil
}

// CurrentID is the id of the key Seal uses.
func (r *Ring) CurrentID() string { return r.currentID }

// Seal encrypts plaintext under the current key and returns that key's
// id, to be stored with the result.
func (r *Ring) Seal(plaintext []byte, context string) (keyID string, sealed []byte) {
	return r.currentID, r.boxes[r.currentID].Seal(plaintext, context)
}

// ErrUnknownKey means a value was sealed under a key this ring does not
// hold: a rotation finished without this instance being given the new key,
// or the previous key was dropped before every value was rotated.
var ErrUnknownKey = errors.New("seal: the value was sealed under a key this instance does not have")

// Open decrypts what Seal produced under the key named keyID.
func (r *Ring) Open(keyID string, sealed []byte, context string) ([]byte, error) {
	b, ok := r.boxes[keyID]
	if !ok {
		return nil, ErrUnknownKey
	}
	return b.Open(sealed, context)
}
