// Package card is the learning card: a short "what I learned" that a
// member of a circle writes, never the case itself, and releases with
// their consent one step at a time, from a draft only they read to their
// circle, then their circle's program, then the whole organisation. It
// decides what a card may hold, which step comes next, and what an edit
// or a withdrawal does to a card's audience; it does no I/O.
package card

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Audience is who may read a card. The values are the learning_cards
// table's: others count the cards released to a program or the
// organisation from that column directly.
type Audience string

// The audiences, narrowest first.
const (
	// Draft: the author alone.
	Draft Audience = "draft"
	// Circle: the active members of the author's circle who have
	// acknowledged its ground rules, as everything inside a circle.
	Circle Audience = "circle"
	// Program: the active members of every circle of the circle's
	// program, and the organisation's admins, who run programs.
	Program Audience = "program"
	// Org: everyone in the organisation.
	Org Audience = "org"
)

// Audiences lists every audience, narrowest first.
var Audiences = []Audience{Draft, Circle, Program, Org}

// Valid reports whether a is one of Audiences.
func (a Audience) Valid() bool { return a.rank() >= 0 }

func (a Audience) rank() int {
	for i, x := range Audiences {
		if x == a {
			return i
		}
	}
	return -1
}

// Next is the audience one step wider than a; ok is false for Org, the
// widest, and for an unknown audience.
func (a Audience) Next() (next Audience, ok bool) {
	i := a.rank()
	if i < 0 || i == len(Audiences)-1 {
		return "", false
	}
	return Audiences[i+1], true
}

// Reaches reports whether a card released to a is read by everyone who
// reads cards released to b: a is b or wider.
func (a Audience) Reaches(b Audience) bool { return a.rank() >= b.rank() && b.Valid() }

// Label names the audience as a person reads it.
func (a Audience) Label() string {
	switch a {
	case Draft:
		return "Only you"
	case Circle:
		return "Your circle"
	case Program:
		return "The program"
	case Org:
		return "The whole organisation"
	}
	return string(a)
}

// Short names the audience beside a released card in a list, as any of
// its readers reads it.
func (a Audience) Short() string {
	switch a {
	case Draft:
		return "Draft"
	case Circle:
		return "The circle"
	case Program:
		return "The program"
	case Org:
		return "Everyone"
	}
	return string(a)
}

// The longest title and body, in characters: a card is a few sentences
// someone reads in passing, not an account of what happened.
const (
	MaxTitleLen = 80
	MaxBodyLen  = 600
)

// Card is a learning card.
type Card struct {
	ID        string
	OrgID     string
	CircleID  string
	ProgramID string
	AuthorID  string
	// AuthorName is read with the card: a released card names its author,
	// who consented to each widening with the name shown in the preview.
	AuthorName string
	Title      string
	Body       string
	Audience   Audience
	// Version rises with every change; a change names the version it was
	// decided on, so that of two changes at once the second is refused.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// ReleasedAt is when the card reached its present audience; nil for a
	// draft.
	ReleasedAt *time.Time
}

// Released reports whether anyone but the author may read the card.
func (c *Card) Released() bool { return c.Audience != Draft }

// Check validates a card's title and body.
func Check(title, body string) error {
	var v account.Validator
	switch n := utf8.RuneCountInString(title); {
	case strings.TrimSpace(title) == "":
		v.Add("title", "Give the card a title.")
	case n > MaxTitleLen:
		v.Add("title", fmt.Sprintf("Keep the title under %d characters.", MaxTitleLen))
	case strings.ContainsAny(title, "\r\n"):
		v.Add("title", "Keep the title on one line.")
	}
	switch n := utf8.RuneCountInString(body); {
	case strings.TrimSpace(body) == "":
		v.Add("body", "Write what you learned.")
	case n > MaxBodyLen:
		v.Add("body", fmt.Sprintf("Keep a card under %d characters: what you learned, not the story of the case.", MaxBodyLen))
	}
	return v.Err()
}

// New is a draft card by authorID in a circle of a program.
func New(orgID, circleID, programID, authorID, title, body string) (*Card, error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if err := Check(title, body); err != nil {
		return nil, err
	}
	return &Card{OrgID: orgID, CircleID: circleID, ProgramID: programID, AuthorID: authorID,
		Title: title, Body: body, Audience: Draft}, nil
}

// Edit rewrites the card. A released card goes back to a draft: nobody
// reads words the author did not see in the preview of the audience they
// chose, so a changed card is released again, step by step. It reports
// whether the card was pulled back. An edit that changes nothing changes
// nothing.
func (c *Card) Edit(title, body string) (pulledBack bool, err error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if err := Check(title, body); err != nil {
		return false, err
	}
	if title == c.Title && body == c.Body {
		// Saving the form unchanged never takes a released card back.
		return false, nil
	}
	c.Title, c.Body = title, body
	pulledBack = c.Released()
	c.Audience, c.ReleasedAt = Draft, nil
	return pulledBack, nil
}

// Widen releases the card to to, which must be the next step from where
// it stands: the audience the author saw in the preview. now is when.
func (c *Card) Widen(to Audience, now time.Time) error {
	next, ok := c.Audience.Next()
	if !ok {
		return ErrWidest
	}
	if to != next {
		return ErrStep
	}
	c.Audience, c.ReleasedAt = next, &now
	return nil
}

// Withdraw takes the card back to a draft that only the author reads.
func (c *Card) Withdraw() error {
	if !c.Released() {
		return ErrNotReleased
	}
	c.Audience, c.ReleasedAt = Draft, nil
	return nil
}

// ErrWidest refuses to widen a card the whole organisation reads already.
var ErrWidest = fault.New(fault.Conflict, "This card is already released to the whole organisation.")

// ErrStep refuses a widening that is not the card's next step: a card is
// released one step at a time, each with its own preview.
var ErrStep = fault.New(fault.Conflict, "A card is released one step at a time. Look at the preview of its next step and release it from there.")

// ErrNotReleased refuses to withdraw a draft.
var ErrNotReleased = fault.New(fault.Conflict, "This card is a draft already: only you can read it.")

// ErrChanged refuses a change decided on a version of the card that is no
// longer the latest.
var ErrChanged = fault.New(fault.Stale, "This card changed elsewhere since you opened it. Open it again and decide on what it says now.")
