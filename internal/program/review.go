package program

import (
	"fmt"
	"strings"

	"github.com/holdspace/holdspace/internal/fault"
)

// ErrDraftChanged is returned for a change to a round's draft that was
// decided on a draft someone has changed since: two admins moving the same
// person at once, or a move racing the publishing.
var ErrDraftChanged = fault.New(fault.Conflict,
	"The proposal changed while you were deciding (someone else moved people or published it). Look at it again and retry.")

// Label is how a round's review names c: "Pair 3" in a pair program,
// "Circle 3" in a program of circles, whatever its size, so that a circle
// that shrank to two keeps its name and is flagged instead.
func (c *Circle) Label(p *Program) string {
	if p.Format == FormatPair {
		return fmt.Sprintf("Pair %d", c.Number)
	}
	return fmt.Sprintf("Circle %d", c.Number)
}

// Problems lists the program's rules that a draft circle breaks, in words
// an admin acts on; publishing refuses a round while any circle has one.
// The rules the matching never breaks and a move is refused for (a
// reporting line, an avoid, a repeat) cannot appear in a draft.
func (c *Circle) Problems(p *Program) []string {
	var out []string
	n := len(c.Members)
	switch {
	case p.Format == FormatGroup && n == 2:
		out = append(out, fmt.Sprintf("Only two people: this program runs circles of %d to %d, not pairs.", p.MinSize, p.MaxSize))
	case n < p.MinSize:
		out = append(out, fmt.Sprintf("Too few: %d %s, and this program needs at least %d.", n, people(n), p.MinSize))
	case n > p.MaxSize:
		out = append(out, fmt.Sprintf("Too many: %d people, and this program allows at most %d.", n, p.MaxSize))
	}
	if n > 1 && len(c.Slots) == 0 {
		out = append(out, fmt.Sprintf("No common time: they share no %d minutes in their weekly availability.", p.SessionMinutes))
	}
	return out
}

func people(n int) string {
	if n == 1 {
		return "person"
	}
	return "people"
}

// CheckPublishable refuses a draft whose circles break a rule, naming each
// such circle and what is wrong with it.
func CheckPublishable(p *Program, draft []Circle) error {
	var msgs []string
	for i := range draft {
		c := &draft[i]
		if c.Status != Proposed {
			continue
		}
		if probs := c.Problems(p); len(probs) > 0 {
			msgs = append(msgs, c.Label(p)+": "+strings.Join(probs, " "))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return &fault.Error{Kind: fault.Invalid, Message: "Not published. Fix these first, by moving people or taking them out: " +
		strings.Join(msgs, " "), Fields: map[string]string{"round": strings.Join(msgs, " ")}}
}
