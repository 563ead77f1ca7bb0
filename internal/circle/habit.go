package circle

import (
	"time"

	"github.com/holdspace/holdspace/internal/fault"
)

// Answer is a member's RSVP to a meeting ahead.
type Answer string

// The answers. No answer at all is the empty Answer.
const (
	Coming    Answer = "coming"
	NotComing Answer = "not_coming"
)

// ParseAnswer reads an answer as forms and the API send it.
func ParseAnswer(s string) (Answer, error) {
	switch a := Answer(s); a {
	case Coming, NotComing:
		return a, nil
	}
	return "", fault.Fields(map[string]string{"answer": `Answer "coming" or "not_coming".`})
}

// RSVP is one member's answer to one meeting. Version is 0 while they
// have not answered.
type RSVP struct {
	MeetingID string    `json:"meeting_id"`
	UserID    string    `json:"user_id"`
	Answer    Answer    `json:"answer,omitempty"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// ErrRSVPClosed refuses an answer to a meeting that has begun or is off.
var ErrRSVPClosed = fault.New(fault.Conflict, "This meeting has begun or was cancelled; only meetings ahead take an answer.")

// CheckRSVP reports whether m still takes answers at now: until it starts,
// while it is on.
func CheckRSVP(m Meeting, now time.Time) error {
	if m.Status != Scheduled || !m.Start.After(now) {
		return ErrRSVPClosed
	}
	return nil
}

// RSVPNoticeWindow is how close to a meeting a member's "can't make it"
// is told to the others by email: further ahead, the circle's page says
// it, and plans may change again before anyone needs to know.
const RSVPNoticeWindow = 7 * 24 * time.Hour

// TellCircle reports whether changing an answer from was to now, for m at
// time t, is emailed to the other members: only a new "can't make it"
// within RSVPNoticeWindow of the meeting. Saying "coming" emails nobody;
// the circle's page shows it.
func TellCircle(m Meeting, was, now Answer, t time.Time) bool {
	return now == NotComing && was != NotComing && m.Start.Sub(t) <= RSVPNoticeWindow
}

// Tally is who of a circle's members answered a meeting how.
type Tally struct {
	Coming, NotComing, Unanswered []string // names
}

// TallyRSVPs sorts members (id to name, in the order of ids) by their
// answers: a departed member's answer is not among members and does not
// count.
func TallyRSVPs(ids []string, names map[string]string, answers map[string]Answer) Tally {
	var t Tally
	for _, id := range ids {
		switch answers[id] {
		case Coming:
			t.Coming = append(t.Coming, names[id])
		case NotComing:
			t.NotComing = append(t.NotComing, names[id])
		default:
			t.Unanswered = append(t.Unanswered, names[id])
		}
	}
	return t
}

// Commitment due dates.

// DueReminderBefore is how long before a commitment's due date its owner
// is reminded of it.
const DueReminderBefore = 24 * time.Hour

// FollowUpAfter is how long after a commitment's due date its owner is
// asked, kindly, how it went, if it is still open.
const FollowUpAfter = 24 * time.Hour

// DefaultDue is when a new commitment is due: the circle's next meeting
// on (not cancelled, not yet begun), or a week from now when none is
// planned.
func DefaultDue(upcoming []Meeting, now time.Time) time.Time {
	for _, m := range upcoming {
		if m.Status == Scheduled && m.Start.After(now) {
			return m.Start
		}
	}
	return now.Add(7 * 24 * time.Hour)
}

// Open reports whether a commitment still waits for its owner:
// neither done nor let go.
func (c *Commitment) Open() bool { return c.DoneAt == nil && c.LetGoAt == nil }

// Overdue reports whether c is open and past its due date at now.
func (c *Commitment) Overdue(now time.Time) bool {
	return c.Open() && c.DueAt != nil && c.DueAt.Before(now)
}

// CommitmentChange is what its owner does with a commitment: mark it done
// or open again, move its due date, or let it go.
type CommitmentChange struct {
	Done  *bool
	Due   *time.Time
	LetGo bool
}

// ErrCommitmentClosed refuses a change to a commitment done or let go.
var ErrCommitmentClosed = fault.New(fault.Conflict, "This commitment is already done or let go.")

// ErrDuePast refuses a due date that has passed.
var ErrDuePast = fault.Fields(map[string]string{"due": "Choose a day from today on."})

// The kinds of an email about a commitment's due date.
const (
	DueSoon     = "due"
	DueFollowUp = "follow_up"
)

// DueJobAt is when the email of kind (DueSoon or DueFollowUp) for a
// commitment due at due is sent.
func DueJobAt(kind string, due time.Time) time.Time {
	if kind == DueSoon {
		return due.Add(-DueReminderBefore)
	}
	return due.Add(FollowUpAfter)
}

// Streaks.

// Attended is one meeting a person's circle held, as their streak counts
// it: when it began and whether they were there.
type Attended struct {
	Start   time.Time
	Present bool
}

// Streak is a person's run of meetings attended and commitments kept,
// counted back from now, and the longest run of meetings in what was
// read.
type Streak struct {
	Meetings    int `json:"meetings"`
	LongestRun  int `json:"longest_meetings"`
	Commitments int `json:"commitments"`
}

// MeetingStreak counts the meetings attended in a row, newest first
// (held sorted newest first): the run ends at the first held meeting the
// person missed. A meeting nobody came to was not held and is not among
// held; a cancelled one neither, so neither breaks a run.
func MeetingStreak(held []Attended) (current, longest int) {
	run, broken := 0, false
	for _, h := range held {
		if h.Present {
			run++
			longest = max(longest, run)
			if !broken {
				current = run
			}
			continue
		}
		broken, run = true, 0
	}
	return current, longest
}

// CommitmentStreak counts the commitments kept in a row, newest due date
// first (cs sorted so): done ones count; one let go neither counts nor
// breaks the run (letting go is a choice, not a failure); one still open
// past its due date ends it; one open and not yet due is skipped.
func CommitmentStreak(cs []Commitment, now time.Time) int {
	n := 0
	for i := range cs {
		c := &cs[i]
		switch {
		case c.DoneAt != nil:
			n++
		case c.LetGoAt != nil, !c.Overdue(now):
		default:
			return n
		}
	}
	return n
}
