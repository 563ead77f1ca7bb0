package richtext

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says which side of a comparison a piece of text belongs to.
type Op int

// The zero Op is Equal so that a Span built without an Op reads as
// unchanged text rather than as a change.
const (
	Equal Op = iota
	Insert
	Delete
)

func (o Op) String() string {
	switch o {
	case Equal:
		return "equal"
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Span is a run of text that a comparison kept, added or took out.
type Span struct {
	Op   Op
	Text string
}

// Words compares two texts word by word, so that a reworded sentence shows
// the words that changed rather than two whole paragraphs. Line endings are
// normalised first. Neighbouring spans never share an Op.
func Words(old, new string) []Span {
	old, new = normalizeNewlines(old), normalizeNewlines(new)
	// Each distinct word (or run of spaces, or punctuation mark) becomes
	// one rune, so the character diff below compares whole words.
	index := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range splitWords(s) {
			r, ok := index[tok]
			if !ok {
				// Runes from the supplementary planes are never surrogates.
				r = rune(0x10000 + len(tokens))
				index[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(old), encode(new)
	dmp := diffmatchpatch.New()
	// With a deadline, how far the diff gets depends on machine speed;
	// every member must see the same comparison. Sections are short.
	dmp.DiffTimeout = 0
	var out []Span
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(tokens[r-0x10000])
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		if text.Len() == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += text.String()
			continue
		}
		out = append(out, Span{Op: op, Text: text.String()})
	}
	return out
}

// splitWords cuts s into words, runs of white space, and single other
// characters (punctuation), which together give s back.
func splitWords(s string) []string {
	var out []string
	start := 0
	class := func(r rune) int {
		switch {
		case unicode.IsSpace(r):
			return 1
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
			return 2
		}
		return 3
	}
	prev := 0
	for i, r := range s {
		c := class(r)
		if i > start && (c != prev || c == 3) {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
