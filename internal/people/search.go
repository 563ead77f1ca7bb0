package people

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxQueryWords bounds how many words of a search are used: each is one
// indexed lookup, and a person is found by far fewer.
const MaxQueryWords = 4

// SearchTerms are the words a person is found by: each word of their name,
// of their email address before the @ (and the whole address, so that a
// pasted address finds them; the domain alone would find everyone) and of
// their department, folded by Fold. A search word
// matches a person when it begins one of their terms, so that "ali" finds
// Alice Okafor and "ok" finds her too, and the directory answers from an
// index instead of reading every person. A word with an apostrophe is
// kept whole as well as in its parts: O'Connor is found by "oconnor",
// "o'connor" and "connor".
func SearchTerms(name, email, department string) []string {
	var terms []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	local, _, _ := strings.Cut(email, "@")
	for _, s := range []string{name, local, department} {
		for _, w := range words(s) {
			add(w)
		}
		for _, w := range words(unApostrophe(s)) {
			add(w)
		}
	}
	add(Fold(strings.TrimSpace(email)))
	return terms
}

// QueryWords are the words of what someone typed into a search, folded as
// SearchTerms are, at most MaxQueryWords of them. An address typed whole
// stays one word, matching the address term.
func QueryWords(q string) []string {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	if strings.Contains(q, "@") && !strings.ContainsAny(q, " \t") {
		return []string{Fold(q)}
	}
	// O'Connor typed whole is one word, matching the term kept whole: in
	// its parts, the "o" would begin a good part of the organisation's
	// terms.
	w := words(unApostrophe(q))
	if len(w) > MaxQueryWords {
		w = w[:MaxQueryWords]
	}
	return w
}

// words splits s at everything that is not a letter or a digit and folds
// each piece.
func words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// apostrophes join the parts of a name: O'Connor, D’Angelo.
var apostrophes = strings.NewReplacer("'", "", "\u2019", "", "\u02bc", "")

// unApostrophe joins what apostrophes separate in s.
func unApostrophe(s string) string { return apostrophes.Replace(s) }

// Fold lowercases s and strips its accents, so that "jose" finds José and
// "Muller" finds Müller.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}
