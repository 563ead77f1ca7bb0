// Package room is the live meeting room: the agenda a circle or pair
// follows and the state machine of one meeting in progress — who speaks,
// which step runs and when it ends. The server holds the truth: Apply
// decides what a command does to the State, the caller stores the State
// (as JSON) under its version and broadcasts it, and browsers count down
// locally against EndsAt. The package performs no I/O and reads no clock;
// every time comes in as an argument.
//
// In JSON, durations are whole nanoseconds (Go's encoding of
// time.Duration) and instants are RFC 3339 in UTC.
package room

import (
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Protocol is the structure of the meeting's main part, after the check-in.
type Protocol string

const (
	// Council: each presenter in turn presents, answers questions and
	// receives counsel. The book's default.
	Council Protocol = "council"
	// Forum: one presenter, in depth, who closes with a reflection.
	Forum Protocol = "forum"
	// Pair: two turns, each partner once coachee and once coach.
	Pair Protocol = "pair"
)

// Help is the kind of help a presenter asks for before presenting. The
// book's helping principles: help works only when the person is ready for
// it, and when the helper takes the role that fits.
type Help string

const (
	// HelpExpert asks for ideas and knowledge.
	HelpExpert Help = "expert"
	// HelpDoctor asks for help diagnosing the problem.
	HelpDoctor Help = "doctor"
	// HelpProcess asks for help working out what help is needed.
	HelpProcess Help = "process"
	// HelpNone asks for no advice at all: counsel becomes shared
	// experience.
	HelpNone Help = "none"
)

// Valid reports whether h is one of the four kinds of help. The empty
// value, "not said yet", is not a choice a presenter can make.
func (h Help) Valid() bool {
	return h == HelpExpert || h == HelpDoctor || h == HelpProcess || h == HelpNone
}

// StepKind is what happens in a step of the agenda.
type StepKind string

const (
	// Opening puts the working agreement on screen: what we agreed, and
	// what each of us wants from today.
	Opening StepKind = "opening"
	// CheckIn is one member's turn in the check-in round.
	CheckIn StepKind = "checkin"
	// Choose is when the group picks today's presenters from the items
	// tabled at check-in.
	Choose StepKind = "choose"
	// Present is a presenter's turn to lay out their situation.
	Present StepKind = "present"
	// Questions come before counsel, always: first understand.
	Questions StepKind = "questions"
	// Counsel is advice of the kind the presenter asked for, or shared
	// experience when they asked for none.
	Counsel StepKind = "counsel"
	// Reflection is the forum presenter's word on what they take away.
	Reflection StepKind = "reflection"
	// Closing: commitments, the working agreement again ("did we get what
	// we wanted?") and appreciation.
	Closing StepKind = "closing"
	// Farewell is the closing ritual that ends a season's last meeting:
	// an appreciation of another member, and what each takes with them.
	Farewell StepKind = "ritual"
)

// FarewellTime is how long the closing ritual lasts: time for each
// member to say a few words.
const FarewellTime = 10 * time.Minute

// Settings are a meeting's protocol and how long each kind of step lasts.
// A protocol ignores the durations of steps it does not have: a council
// has no reflection, a pair neither chooses presenters nor reflects.
type Settings struct {
	Protocol   Protocol      `json:"protocol"`
	Opening    time.Duration `json:"opening"`
	CheckIn    time.Duration `json:"check_in"` // per member
	Choose     time.Duration `json:"choose"`
	Present    time.Duration `json:"present"`   // per presenter
	Questions  time.Duration `json:"questions"` // per presenter
	Counsel    time.Duration `json:"counsel"`   // per presenter
	Reflection time.Duration `json:"reflection"`
	Closing    time.Duration `json:"closing"`
}

// DefaultSettings are the book's timings for p. Any protocol other than
// forum and pair, including none, gets the council's: the council is the
// book's default.
func DefaultSettings(p Protocol) Settings {
	s := Settings{
		Protocol: Council,
		Opening:  3 * time.Minute,
		CheckIn:  2 * time.Minute,
		Closing:  5 * time.Minute,
	}
	switch p {
	case Forum:
		s.Protocol = Forum
		s.Choose = 3 * time.Minute
		s.Present, s.Questions, s.Counsel, s.Reflection = 10*time.Minute, 10*time.Minute, 25*time.Minute, 5*time.Minute
	case Pair:
		s.Protocol = Pair
		s.Present, s.Questions, s.Counsel = 5*time.Minute, 5*time.Minute, 15*time.Minute
	default:
		s.Choose = 3 * time.Minute
		s.Present, s.Questions, s.Counsel = 3*time.Minute, 3*time.Minute, 10*time.Minute
	}
	return s
}

// Bounds of a step's duration. Shorter than a minute leaves no time to say
// anything; longer than an hour is no longer a step but a meeting. A
// check-in is per member, so a quick round of 30 seconds each is fine,
// and ten minutes each would eat the meeting.
const (
	minStep    = time.Minute
	maxStep    = time.Hour
	minCheckIn = 30 * time.Second
	maxCheckIn = 10 * time.Minute
)

// Validate reports an unknown protocol and each duration out of bounds,
// by JSON field name, as a fault.Invalid error. Only the steps the
// protocol has are checked.
func (s Settings) Validate() error {
	var v account.Validator
	v.Check(s.Protocol == Council || s.Protocol == Forum || s.Protocol == Pair, "protocol", "Choose council, forum or pair.")
	step := func(field string, d time.Duration) {
		v.Check(d >= minStep && d <= maxStep, field, "Use 1 to 60 minutes.")
	}
	step("opening", s.Opening)
	v.Check(s.CheckIn >= minCheckIn && s.CheckIn <= maxCheckIn, "check_in", "Use 30 seconds to 10 minutes per person.")
	if s.Protocol != Pair {
		step("choose", s.Choose)
	}
	step("present", s.Present)
	step("questions", s.Questions)
	step("counsel", s.Counsel)
	if s.Protocol == Forum {
		step("reflection", s.Reflection)
	}
	step("closing", s.Closing)
	return v.Err()
}

// The closing ritual of a season's last meeting: each member may write
// one appreciation to another member, and what they take with them. The
// circle reads them together in the room; nobody else does.
const (
	Appreciation = "appreciation"
	Takeaway     = "takeaway"
	// MaxRitualLen bounds what each writes.
	MaxRitualLen = 600
)

// ErrNoRitual answers words for a closing ritual in a meeting that is
// not a season's last.
var ErrNoRitual = fault.New(fault.Conflict, "The closing ritual belongs to the last meeting of a season.")

// RitualWord is one member's appreciation or takeaway.
type RitualWord struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	// ToID and ToName name whom an appreciation is for; empty for a
	// takeaway.
	ToID      string    `json:"to_user_id,omitempty"`
	ToName    string    `json:"to_name,omitempty"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}
