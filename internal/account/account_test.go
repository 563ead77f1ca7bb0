package account

import (
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=32768,t=3,p=2$") {
		t.Errorf("hash %q is not argon2id with our parameters", h)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$x$AA$AA"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(APIPrefix), NewToken(APIPrefix)
	if a == b || !strings.HasPrefix(a, APIPrefix) || len(a) < 40 {
		t.Errorf("tokens %q, %q", a, b)
	}
	ha := HashToken(a)
	if ha == HashToken(b) || ha != HashToken(strings.Clone(a)) || len(ha) != 64 {
		t.Error("HashToken is not a stable SHA-256 hex digest")
	}
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name  string
		check func(v *Validator)
		ok    bool
	}{
		{"email ok", func(v *Validator) { CheckEmail(v, "f", "ann@example.com") }, true},
		{"email no dot", func(v *Validator) { CheckEmail(v, "f", "ann@localhost") }, false},
		{"email display name", func(v *Validator) { CheckEmail(v, "f", "Ann <ann@example.com>") }, false},
		{"email empty", func(v *Validator) { CheckEmail(v, "f", "") }, false},
		{"name ok", func(v *Validator) { CheckName(v, "f", "Zoë O'Brien") }, true},
		{"name blank", func(v *Validator) { CheckName(v, "f", "  ") }, false},
		{"name newline", func(v *Validator) { CheckName(v, "f", "a\nb") }, false},
		{"name long", func(v *Validator) { CheckName(v, "f", strings.Repeat("x", MaxNameLen+1)) }, false},
		{"password short", func(v *Validator) { CheckPassword(v, "f", "123456789") }, false},
		{"password ok", func(v *Validator) { CheckPassword(v, "f", "1234567890") }, true},
		{"tz ok", func(v *Validator) { CheckTimezone(v, "f", "America/Argentina/Buenos_Aires") }, true},
		{"tz local", func(v *Validator) { CheckTimezone(v, "f", "Local") }, false},
		{"tz bogus", func(v *Validator) { CheckTimezone(v, "f", "Mars/Base") }, false},
		{"level", func(v *Validator) { CheckLevel(v, "f", MaxLevel+1) }, false},
	}
	for _, tt := range tests {
		var v Validator
		tt.check(&v)
		if got := v.Err() == nil; got != tt.ok {
			t.Errorf("%s: ok = %v, want %v (%v)", tt.name, got, tt.ok, v.Err())
		}
	}
	var v Validator
	v.Add("email", "first")
	v.Add("email", "second")
	v.Add("name", "bad")
	f, ok := fault.FieldsOf(v.Err())
	if !ok || f["email"] != "first" || v.Err().Error() != "invalid input: email: first; name: bad" {
		t.Errorf("validation error = %v", v.Err())
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{"Acme Ltd.": "acme-ltd", "  Zoë & Co  ": "zo-co", "!!!": "org", "Northwind Trading": "northwind-trading"} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocationIsLoadedOnce(t *testing.T) {
	a, err := Location("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Location("Europe/Berlin")
	if a != b || a.String() != "Europe/Berlin" {
		t.Errorf("two loads: %p %p %s", a, b, a)
	}
	if _, err := Location("Mars/Base"); err == nil {
		t.Error("an unknown zone loaded")
	}
	if utc, err := Location(""); err != nil || utc != time.UTC {
		t.Errorf(`Location("") = %v, %v`, utc, err)
	}
}
