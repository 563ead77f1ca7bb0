package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func newBox(t *testing.T, b byte) *Box {
	t.Helper()
	box, err := New(bytes.Repeat([]byte{b}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestSealOpen(t *testing.T) {
	box := newBox(t, 1)
	plain := []byte("I noticed I wanted to fix Ana's problem for her.")
	sealed := box.Seal(plain, "meeting-1/ana")
	if bytes.Contains(sealed, []byte("noticed")) {
		t.Fatal("the sealed value shows the text")
	}
	again := box.Seal(plain, "meeting-1/ana")
	if bytes.Equal(sealed, again) {
		t.Error("sealing twice gave the same bytes: the nonce is not random")
	}
	got, err := box.Open(sealed, "meeting-1/ana")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	for name, try := range map[string]func() ([]byte, error){
		"another context": func() ([]byte, error) { return box.Open(sealed, "meeting-1/ben") },
		"another key":     func() ([]byte, error) { return newBox(t, 2).Open(sealed, "meeting-1/ana") },
		"damaged": func() ([]byte, error) {
			d := bytes.Clone(sealed)
			d[len(d)-1] ^= 1
			return box.Open(d, "meeting-1/ana")
		},
		"too short":       func() ([]byte, error) { return box.Open(sealed[:5], "meeting-1/ana") },
		"unknown version": func() ([]byte, error) { d := bytes.Clone(sealed); d[0] = 9; return box.Open(d, "meeting-1/ana") },
	} {
		if _, err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
}

func TestKeys(t *testing.T) {
	if _, err := New([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
	if _, err := ParseKey("not base64!"); err == nil {
		t.Error("a bad key was parsed")
	}
	path := filepath.Join(t.TempDir(), "holdspace.key")
	key, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created || len(key) != KeySize {
		t.Fatalf("create: %d bytes, created %v, %v", len(key), created, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", fi.Mode(), err)
	}
	again, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Errorf("reload: created %v, same %v, %v", created, bytes.Equal(again, key), err)
	}
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKeyFile(path); err == nil {
		t.Error("a damaged key file was accepted")
	}
}

func TestRing(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	before, err := NewRing(oldKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed := before.Seal([]byte("data key"), "journal-key/ana")
	if id != KeyID(oldKey) || id == KeyID(newKey) {
		t.Fatalf("sealed under %q", id)
	}
	during, err := NewRing(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := during.Open(id, sealed, "journal-key/ana"); err != nil || string(got) != "data key" {
		t.Fatalf("the previous key does not open: %q, %v", got, err)
	}
	if during.CurrentID() != KeyID(newKey) {
		t.Error("the ring does not seal under the new key")
	}
	after, err := NewRing(newKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := after.Open(id, sealed, "journal-key/ana"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("a dropped key: err = %v, want ErrUnknownKey", err)
	}
	if _, err := NewRing(oldKey, oldKey); err == nil {
		t.Error("the same key twice was accepted")
	}
}

func TestRingBox(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	before, _ := New(oldKey)
	sealed := before.Seal([]byte("reflection"), "r/1")
	ring, err := NewRing(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ring.Box().Open(sealed, "r/1"); err != nil || string(got) != "reflection" {
		t.Fatalf("the ring's box does not open the previous key's value: %q, %v", got, err)
	}
	fresh := ring.Box().Seal([]byte("new"), "r/2")
	prevID, prev := ring.Previous()
	if prevID != KeyID(oldKey) {
		t.Errorf("previous id %q", prevID)
	}
	if _, err := prev.Open(fresh, "r/2"); !errors.Is(err, ErrOpen) {
		t.Error("the ring's box sealed under the previous key")
	}
	if got, err := ring.Box().Open(fresh, "r/2"); err != nil || string(got) != "new" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if single, _ := NewRing(newKey, nil); func() bool { _, b := single.Previous(); return b != nil }() {
		t.Error("a ring without a previous key has one")
	}
}
