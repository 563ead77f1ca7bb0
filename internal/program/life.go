package program

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Status is where a program is in its life. It is never stored: Status
// derives it from the program's dates and rounds, so that every page,
// email and API answer says the same.
type Status string

const (
	// Draft: opt-in has not opened yet; nobody has been told.
	Draft Status = "draft"
	// Open: people may opt in, and nothing has been matched yet.
	Open Status = "open"
	// Matching: opt-in has closed, or a round has begun, and no circle
	// has formed yet.
	Matching Status = "matching"
	// Running: at least one circle has formed.
	Running Status = "running"
	// Closed: the program has ended, on its end date or closed early by
	// an admin. It is archived from the lists and never matched again.
	Closed Status = "closed"
)

// Statuses lists every status in the order a program passes through them.
var Statuses = []Status{Draft, Open, Matching, Running, Closed}

// Progress is what a program's rounds and circles say about its life,
// counted by the store with the program.
type Progress struct {
	// Rounds counts its rounds of matching.
	Rounds int
	// Running: at least one of its circles is active.
	Running bool
}

// Status derives the program's status at now from its dates and its
// progress. A program past its end date is closed even before the upkeep
// has finished its circles.
func (p *Program) Status(now time.Time) Status {
	switch {
	case p.Ended(now):
		return Closed
	case now.Before(p.OptInOpens):
		return Draft
	case p.Progress.Running:
		return Running
	case p.Progress.Rounds > 0 || !now.Before(p.OptInCloses):
		return Matching
	default:
		return Open
	}
}

// Ended reports whether the program is over at now: closed early, or past
// its end date.
func (p *Program) Ended(now time.Time) bool {
	return p.ClosedAt != nil || (!p.EndsAt.IsZero() && !now.Before(p.EndsAt))
}

// ForEveryone reports whether the program is for the whole organisation
// rather than chosen departments.
func (p *Program) ForEveryone() bool { return len(p.Departments) == 0 }

// Limits and defaults of a program's life.
const (
	// DefaultRun is how long a program runs after opt-in closes when the
	// admin does not say: about six months of meetings.
	DefaultRun = 26 * 7 * 24 * time.Hour
	// ReminderBefore is how long before opt-in closes the one reminder
	// goes out to those who have not joined. A window shorter than twice
	// this gets its reminder half-way instead, so that it never comes
	// before people have had time to read the first email.
	ReminderBefore = 48 * time.Hour
	// RemindEvery is how often an admin may remind everyone not yet
	// joined: once a day at most, so that a double click, or two admins
	// at once, send one email each, not two.
	RemindEvery = 24 * time.Hour
	// MaxDepartments is how many departments one program may be for.
	MaxDepartments = 50
)

// Errors of a program's life.
var (
	// ErrClosed: a change to a program that has ended.
	ErrClosed = fault.New(fault.Conflict, "This program has ended.")
	// ErrNotDraft: opening a program whose opt-in has opened already.
	ErrNotDraft = fault.New(fault.Conflict, "Opt-in for this program has opened already.")
	// ErrNotOpen: reminding people while opt-in is not open.
	ErrNotOpen = fault.New(fault.Conflict, "Opt-in for this program is not open.")
	// ErrRemindedRecently: a second bulk reminder within RemindEvery.
	ErrRemindedRecently = fault.New(fault.Conflict, "Everyone not yet joined was reminded less than a day ago.")
	// ErrProgramChanged: an opt-in saved just as the program closed, or
	// its opt-in dates or its format changed: it was decided on the
	// program as it stood before.
	ErrProgramChanged = fault.New(fault.Conflict,
		"The program changed as you saved (it closed, or its opt-in dates or format changed). Look at it again.")
	// ErrMatched: withdrawing at the moment a round placing the person
	// was published.
	ErrMatched = fault.New(fault.Conflict, "You have been matched in this program already; answer your proposal instead.")
	// ErrOptInsChanged: a proposal whose matching ran on an opt-in
	// withdrawn meanwhile.
	ErrOptInsChanged = fault.New(fault.Conflict, "Someone withdrew while the matching ran. Propose the round again.")
)

// ReminderAt is when the one automatic reminder before opt-in closes is
// due: ReminderBefore before the close, or half-way through a short
// window.
func (p *Program) ReminderAt() time.Time {
	window := p.OptInCloses.Sub(p.OptInOpens)
	if window >= 2*ReminderBefore {
		return p.OptInCloses.Add(-ReminderBefore)
	}
	return p.OptInOpens.Add(window / 2)
}

// CanRemind checks that an admin may remind everyone not yet joined at
// now: opt-in is open and nobody was reminded so within RemindEvery.
func (p *Program) CanRemind(now time.Time) error {
	if p.Ended(now) {
		return ErrClosed
	}
	if !p.OptInOpen(now) {
		return ErrNotOpen
	}
	if p.BulkRemindedAt != nil && now.Sub(*p.BulkRemindedAt) < RemindEvery {
		return ErrRemindedRecently
	}
	return nil
}

// CanOpen checks that an admin may open the program's opt-in at now: it is
// still a draft.
func (p *Program) CanOpen(now time.Time) error {
	if p.Ended(now) {
		return ErrClosed
	}
	if !now.Before(p.OptInOpens) {
		return ErrNotDraft
	}
	return nil
}

// CanMatch checks that a round may be proposed or published at now.
func (p *Program) CanMatch(now time.Time) error {
	if p.Ended(now) {
		return ErrClosed
	}
	return nil
}

// Duty is work the hourly upkeep owes a program.
type Duty string

const (
	// Announce: opt-in has opened and nobody has been told yet.
	Announce Duty = "announce"
	// Remind: the reminder before opt-in closes is due.
	Remind Duty = "remind"
	// Close: the end date has passed and the program is not closed yet.
	Close Duty = "close"
)

// Duties lists what the upkeep owes the program at now, in order.
func (p *Program) Duties(now time.Time) []Duty {
	if p.ClosedAt != nil {
		return nil
	}
	if p.Ended(now) {
		return []Duty{Close}
	}
	var out []Duty
	if p.OptInOpen(now) && p.AnnouncedAt == nil {
		out = append(out, Announce)
	}
	if p.OptInOpen(now) && p.RemindedAt == nil && !now.Before(p.ReminderAt()) {
		out = append(out, Remind)
	}
	return out
}

// checkLife validates the end date and the audience.
func (p *Program) checkLife(v *account.Validator) {
	if !p.EndsAt.IsZero() && !p.OptInCloses.IsZero() {
		v.Check(p.EndsAt.After(p.OptInCloses), "ends_at", "The program must end after opt-in closes.")
	}
	deps := make([]string, 0, len(p.Departments))
	for _, d := range p.Departments {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(deps, d) {
			deps = append(deps, d)
		}
	}
	slices.Sort(deps)
	p.Departments = deps
	v.Check(len(deps) <= MaxDepartments, "departments", fmt.Sprintf("Choose at most %d departments, or everyone.", MaxDepartments))
}

// Audience says in words who a program is for.
func (p *Program) Audience() string {
	if p.ForEveryone() {
		return "Everyone in the organisation"
	}
	return strings.Join(p.Departments, ", ")
}

// Duration says how long a program runs after opt-in closes, roughly, in
// words: "about 6 months".
func (p *Program) Duration() string {
	if p.EndsAt.IsZero() || p.OptInCloses.IsZero() {
		return "until it is closed"
	}
	weeks := int(p.EndsAt.Sub(p.OptInCloses).Hours()/24/7 + 0.5)
	switch {
	case weeks <= 1:
		return "about a week"
	case weeks < 9:
		return fmt.Sprintf("about %d weeks", weeks)
	default:
		return fmt.Sprintf("about %d months", int(float64(weeks)*7/30.44+0.5))
	}
}

// FormatWords says in words how people coach in the program.
func (p *Program) FormatWords() string {
	if p.Format == FormatPair {
		return "pairs: two colleagues taking turns to coach each other"
	}
	return fmt.Sprintf("circles of %d to %d colleagues", p.MinSize, p.MaxSize)
}

// RhythmWords says in words how often and how long circles meet.
func (p *Program) RhythmWords() string {
	often := map[Cadence]string{Weekly: "every week", Fortnightly: "every two weeks", Monthly: "once a month"}[p.Cadence]
	return fmt.Sprintf("%s, %d minutes each time", often, p.SessionMinutes)
}

// IsFor reports whether the program is for people of department.
func (p *Program) IsFor(department string) bool {
	return p.ForEveryone() || slices.Contains(p.Departments, department)
}
