package journal

import (
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
)

// Role is one of the helping roles of the book's helping principles,
// which a helper takes in a counsel step.
type Role string

const (
	// Expert offers ideas and knowledge.
	Expert Role = "expert"
	// Doctor helps diagnose what is really going on.
	Doctor Role = "doctor"
	// Process helps the presenter work out what help they need.
	Process Role = "process"
)

// Roles lists the helping roles in the order pages show them.
var Roles = []Role{Expert, Doctor, Process}

// Valid reports whether r is one of the helping roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is how a role reads in a sentence.
func (r Role) Label() string {
	switch r {
	case Expert:
		return "expertise"
	case Doctor:
		return "diagnosing"
	case Process:
		return "process help"
	}
	return string(r)
}

// HelpNote is one person's private note on one counsel step: as a helper,
// the role they took; as the presenter, which help actually helped. It is
// sealed under its author's data key; only the meeting and presenter it
// belongs to are in the clear.
type HelpNote struct {
	MeetingID   string `json:"-"`
	PresenterID string `json:"-"`
	// Took is the role the author took as a helper; "" on the
	// presenter's own note.
	Took Role `json:"took,omitempty"`
	// Helped lists the roles whose help helped, on the presenter's own
	// note; empty when nothing did.
	Helped []Role `json:"helped,omitempty"`
	// At is when the meeting was.
	At time.Time `json:"-"`
}

// Presenting reports whether the note is the presenter's own.
func (n *HelpNote) Presenting(authorID string) bool { return n.PresenterID == authorID }

// Validate checks a note written by authorID.
func (n *HelpNote) Validate(authorID string) error {
	var v account.Validator
	if n.Presenting(authorID) {
		v.Check(n.Took == "", "took", "As the presenter, say which help helped you.")
		for _, r := range n.Helped {
			v.Check(r.Valid(), "helped", "Choose among expertise, diagnosing and process help.")
		}
		slices.Sort(n.Helped)
		n.Helped = slices.Compact(n.Helped)
	} else {
		v.Check(n.Took.Valid(), "took", "Choose the role you took: expert, doctor or process consultant.")
		v.Check(len(n.Helped) == 0, "helped", "Only the presenter says which help helped.")
	}
	return v.Err()
}

// Counts holds how many times each role came up.
type Counts map[Role]int

// Most is the role that came up most often, or "" when none did or two
// came up equally often.
func (c Counts) Most() Role {
	var best Role
	n, tie := 0, false
	for _, r := range Roles {
		switch {
		case c[r] > n:
			best, n, tie = r, c[r], false
		case c[r] == n && n > 0:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// Total is the sum of the counts.
func (c Counts) Total() int {
	t := 0
	for _, n := range c {
		t += n
	}
	return t
}

// PatternPeriod is one month of a person's helping notes.
type PatternPeriod struct {
	Month time.Time
	// Took counts the roles they took as a helper; Helped, the roles
	// whose help helped them as a presenter.
	Took, Helped Counts
	// Presented counts their notes as a presenter, Nothing those on
	// which nothing helped.
	Presented, Nothing int
}

// Pattern is a person's own helping pattern: the roles they took as a
// helper and, as a presenter, which help they found useful. It is drawn
// from their own notes alone, never another person's: a presenter's word
// on what helped is theirs to see.
type Pattern struct {
	Took, Helped       Counts
	Presented, Nothing int
	// Periods are the months with notes, oldest first.
	Periods []PatternPeriod
}

// Summarise draws the pattern of notes, written by authorID, by month
// in loc.
func Summarise(authorID string, notes []HelpNote, loc *time.Location) Pattern {
	p := Pattern{Took: Counts{}, Helped: Counts{}}
	byMonth := map[time.Time]*PatternPeriod{}
	for _, n := range notes {
		t := n.At.In(loc)
		m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		pp := byMonth[m]
		if pp == nil {
			pp = &PatternPeriod{Month: m, Took: Counts{}, Helped: Counts{}}
			byMonth[m] = pp
		}
		if n.Presenting(authorID) {
			p.Presented++
			pp.Presented++
			if len(n.Helped) == 0 {
				p.Nothing++
				pp.Nothing++
			}
			for _, r := range n.Helped {
				p.Helped[r]++
				pp.Helped[r]++
			}
			continue
		}
		p.Took[n.Took]++
		pp.Took[n.Took]++
	}
	for _, pp := range byMonth {
		p.Periods = append(p.Periods, *pp)
	}
	slices.SortFunc(p.Periods, func(a, b PatternPeriod) int { return a.Month.Compare(b.Month) })
	return p
}

// Sentence says the pattern in a line, such as "You mostly offer
// expertise; as a presenter, you found process help most useful."
func (p Pattern) Sentence() string {
	var took, helped string
	switch most := p.Took.Most(); {
	case p.Took.Total() == 0:
	case most == "":
		took = "You offer a mix of roles"
	default:
		took = "You mostly offer " + most.Label()
	}
	switch most := p.Helped.Most(); {
	case p.Presented == 0:
	case p.Helped.Total() == 0:
		helped = "as a presenter, you have not yet noted help that helped"
	case most == "":
		helped = "as a presenter, more than one kind of help has been useful to you"
	default:
		helped = "as a presenter, you found " + most.Label() + " most useful"
	}
	switch {
	case took != "" && helped != "":
		return took + "; " + helped + "."
	case took != "":
		return took + "."
	case helped != "":
		return "A" + helped[1:] + "."
	}
	return ""
}
