package account

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FirstName is what a greeting calls a person: the first word of their
// name as they typed it ("Priya" for "Priya Raman"), since Holdspace keeps
// one name per person and people are greeted as colleagues, not by their
// full name. A name of one word, or of none, is kept whole.
func FirstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Possessive writes name's possessive in English: an apostrophe alone after
// a final s ("Acme Robotics’"), else ’s ("Priya’s"). Every page and email
// that says whose something is goes through it, so the apostrophe is the
// same typographic one everywhere.
func Possessive(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	last, _ := utf8.DecodeLastRuneInString(name)
	if unicode.ToLower(last) == 's' {
		return name + "’"
	}
	return name + "’s"
}
