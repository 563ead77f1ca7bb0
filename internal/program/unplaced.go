package program

import (
	"fmt"
	"strings"
	"time"
)

// Unplaced is a person's standing in a program when the round they were
// in went ahead without them: the matching could not place them in a
// published round, or they declined a circle that went on without them.
// Either way they wait for the next round.
type Unplaced struct {
	ProgramID   string `json:"program_id"`
	ProgramName string `json:"program_name"`
	Round       int    `json:"round"`
	// Reason is the matching's reason for leaving them out; empty when
	// they declined.
	Reason   string    `json:"reason,omitempty"`
	Declined bool      `json:"declined"`
	At       time.Time `json:"at"`
}

// Explanation is an unplaced person's standing in their own words: why
// the round left them out, what they could change, and what happens
// next.
type Explanation struct {
	Why    string
	Change []string
	// First: they come first in the next round (see Priority).
	First bool
}

// Reasons the service gives when it, not the engine, leaves someone out.
const (
	// ReasonHeldOut: an admin took the person out of the draft.
	ReasonHeldOut = "Taken out of the proposal by an admin."
	// ReasonMadeRoom: the person's place went to someone who had waited
	// since the round before.
	ReasonMadeRoom = "their place went to someone who waited in the round before"
)

// Explain words why a round left someone out and what they could change,
// from the matching's reason and the program's rules. It never says whose
// avoid list kept two people apart, nor who declined.
func Explain(u Unplaced, p *Program) Explanation {
	if u.Declined {
		return Explanation{
			Why:    "You declined the circle proposed to you, so you are not in it. Nobody there learns who stepped out or why.",
			Change: []string{"If your hours or what you'd like to work on have changed, update your opt-in before the next round."},
		}
	}
	e := Explanation{First: true}
	hours := "Widen the hours you marked as available: each extra hour gives the matching more people to place you with."
	minutes := 60
	if p != nil {
		minutes = p.SessionMinutes
	}
	pairs := ""
	if p != nil && p.Format == FormatGroup {
		pairs = "If coaching one-to-one suits you, a pair needs only one other person who shares your hours: look out for a pairs program on the Programs page."
	}
	r := strings.ToLower(u.Reason)
	switch {
	case r == strings.ToLower(ReasonHeldOut):
		e.Why = "The program's admin kept you out of this round's circles."
		e.Change = []string{"Nothing on your side. Ask the program's admin if you would like to know more."}
	case strings.HasPrefix(r, ReasonMadeRoom):
		e.Why = "This round had fewer places than people who could meet, and people who had waited since the round before were placed first."
		e.Change = []string{hours}
	case strings.HasPrefix(r, "no available time was given"):
		e.Why = "You didn't mark any time when you could meet."
		e.Change = []string{"Mark the hours you could meet in your opt-in."}
	case strings.HasPrefix(r, "no available time block"):
		e.Why = fmt.Sprintf("None of the times you marked is a full %d minutes long, the length of one meeting.", minutes)
		e.Change = []string{fmt.Sprintf("Mark at least one block of %d minutes or more in a row.", minutes)}
	case strings.HasPrefix(r, "no availability overlaps"):
		e.Why = fmt.Sprintf("Nobody else in this round was free at the same time as you for a %d-minute meeting.", minutes)
		e.Change = []string{hours}
	case strings.HasPrefix(r, "everyone who shares a slot is"):
		e.Why = "Everyone free at the same times as you is in your reporting line, or on an avoid list (yours or theirs; nobody is told whose)."
		e.Change = []string{hours, "If you named people to avoid, check the list is still what you want."}
	case strings.HasPrefix(r, "only "):
		e.Why = "Too few people free at the same times as you could be in a circle with you"
		if p != nil {
			e.Why += fmt.Sprintf(": a circle in this program needs %d", p.MinSize)
		}
		e.Why += "."
		e.Change = append([]string{hours}, nonEmpty(pairs)...)
	case strings.HasPrefix(r, "everyone who shares a slot was already paired"):
		e.Why = "This round had an odd number of people who could meet when you can, so one of them had to wait, and it was you."
		e.Change = []string{hours}
	case strings.HasPrefix(r, "the remaining people could not form a group"):
		e.Why = "After the circles were formed, too few people were left who could meet when you can to make another circle"
		if p != nil {
			e.Why += fmt.Sprintf(" of %d to %d", p.MinSize, p.MaxSize)
		}
		e.Why += "."
		e.Change = append([]string{hours}, nonEmpty(pairs)...)
	default:
		e.Why = "The matching could not place you in this round: " + u.Reason + "."
		e.Change = []string{hours}
	}
	return e
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
