package richtext

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says which side of a comparison a line belongs to.
type Op int

// The zero Op is Equal so that a Line built without an Op reads as context
// rather than as a change.
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

// Line is one line of a comparison.
type Line struct {
	Op   Op
	Text string // the line without its newline
	// OldNo and NewNo are 1-based line numbers in the old and new text; 0
	// when the line is not on that side.
	OldNo, NewNo int
}

// Diff compares two texts line by line. Line endings are normalised first,
// and a missing final newline does not count as a change, so an amendment
// saved from a different editor shows only what was actually reworded.
func Diff(old, new string) []Line {
	old, new = diffable(old), diffable(new)

	dmp := diffmatchpatch.New()
	// With a deadline, how far the diff gets refining depends on machine
	// speed; amendments must show the same diff to every member. Without
	// one, cost grows with length times edits, which the callers' length
	// limit keeps small (5,000 entirely different lines take about 0.25 s).
	dmp.DiffTimeout = 0
	a, b, lines := dmp.DiffLinesToChars(old, new)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)

	var out []Line
	oldNo, newNo := 0, 0
	for _, d := range diffs {
		if d.Text == "" {
			continue
		}
		// Every line, the last included, ends in a newline (see diffable),
		// so each chunk is whole lines with one newline to drop at the end.
		for _, text := range strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n") {
			l := Line{Text: text}
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				oldNo++
				newNo++
				l.Op, l.OldNo, l.NewNo = Equal, oldNo, newNo
			case diffmatchpatch.DiffInsert:
				newNo++
				l.Op, l.NewNo = Insert, newNo
			case diffmatchpatch.DiffDelete:
				oldNo++
				l.Op, l.OldNo = Delete, oldNo
			}
			out = append(out, l)
		}
	}
	return out
}

func diffable(s string) string {
	s = normalizeNewlines(s)
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// Stats counts inserted and deleted lines, for "3 lines added, 1 removed".
func Stats(lines []Line) (inserted, deleted int) {
	for _, l := range lines {
		switch l.Op {
		case Insert:
			inserted++
		case Delete:
			deleted++
		}
	}
	return inserted, deleted
}
