package circle

import (
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

// Keeping a circle alive: a member who misses meetings in a row without
// saying so is nudged, then asked privately whether to pause or leave; a
// circle that most of its members stop coming to is flagged to its
// program's admins as struggling, without a name.
const (
	// NudgeAfter is how many held meetings in a row a member may miss,
	// without an answer that they cannot come, before a gentle nudge.
	NudgeAfter = 2
	// AskAfter is how many before the private "pause for a while, or
	// leave?" question.
	AskAfter = 3
	// StrugglingAfter is how many held meetings in a row with fewer than
	// half of the members present flag a circle as struggling.
	StrugglingAfter = 3
	// PauseMinWeeks and PauseMaxWeeks bound the pause a member chooses.
	PauseMinWeeks = 2
	PauseMaxWeeks = 12
)

// The conflicts of pausing and resuming.
var (
	ErrPaused    = fault.New(fault.Conflict, "You are already pausing this circle.")
	ErrNotPaused = fault.New(fault.Conflict, "You are not pausing this circle.")
	// ErrLeft answers a pause or a resume by a member who left the
	// circle while it was on its way.
	ErrLeft = fault.New(fault.Conflict, "You have left this circle.")
)

// Held is what is counted of one held meeting for keeping a circle
// alive: when it began, who was there (present) and who said beforehand
// that they could not come (excused). Nothing said at it.
type Held struct {
	MeetingID string
	Start     time.Time
	Present   map[string]bool
	Excused   map[string]bool
}

// LastHeld returns the IDs and starts of the last n meetings of ms held
// by now (scheduled, not cancelled, and over), newest first.
func LastHeld(ms []Meeting, n int, now time.Time) []Held {
	var out []Held
	for i := len(ms) - 1; i >= 0 && len(out) < n; i-- {
		m := ms[i]
		if m.Status == Scheduled && !m.End.After(now) && m.ID != "" {
			out = append(out, Held{MeetingID: m.ID, Start: m.Start})
		}
	}
	return out
}

// Missed counts the held meetings in a row, newest first, that m missed
// without saying they could not come, among held (newest first). A
// meeting before m's CountedFrom ends the run: a pause starts the count
// anew.
func Missed(m program.Member, held []Held) int {
	n := 0
	for _, h := range held {
		if m.CountedFrom != nil && h.Start.Before(*m.CountedFrom) {
			break
		}
		if h.Present[m.UserID] || h.Excused[m.UserID] {
			break
		}
		n++
	}
	return n
}

// Absence is what a member is told of their run of missed meetings.
type Absence struct {
	// Told is the threshold told of, now including Tell; At the start of
	// the newest meeting of the run (nil when there is no run).
	Told int
	At   *time.Time
	// Tell is the threshold to tell the member of now: 0, NudgeAfter or
	// AskAfter. Each run tells each threshold at most once.
	Tell int
}

// NextAbsence decides, from the last held meetings (newest first, at
// least AskAfter of them when the circle held that many), what m is told
// now. A run continues the one told of when it includes the meeting that
// run last counted; otherwise it starts from nothing told. A member
// paused at now is neither counted nor told.
func NextAbsence(m program.Member, held []Held, now time.Time) Absence {
	if m.Paused(now) {
		return Absence{Told: m.AbsenceTold, At: m.AbsenceAt}
	}
	missed := Missed(m, held)
	if missed == 0 {
		return Absence{}
	}
	told := 0
	if m.AbsenceTold > 0 && m.AbsenceAt != nil && !m.AbsenceAt.Before(held[missed-1].Start) {
		told = m.AbsenceTold
	}
	a := Absence{Told: told}
	switch {
	case missed >= AskAfter && told < AskAfter:
		a.Tell = AskAfter
	case missed >= NudgeAfter && told < NudgeAfter:
		a.Tell = NudgeAfter
	}
	a.Told = max(told, a.Tell)
	if a.Told > 0 {
		at := held[0].Start
		a.At = &at
	}
	return a
}

// Struggling reports whether fewer than half of members came to each of
// the last StrugglingAfter held meetings (newest first). Exactly half is
// not below half.
func Struggling(held []Held, members int) bool {
	if len(held) < StrugglingAfter || members == 0 {
		return false
	}
	for _, h := range held[:StrugglingAfter] {
		if 2*len(h.Present) >= members {
			return false
		}
	}
	return true
}

// PauseEnd returns when a pause of weeks chosen at now ends, or a field
// error when weeks is out of bounds.
func PauseEnd(weeks int, now time.Time) (time.Time, error) {
	if weeks < PauseMinWeeks || weeks > PauseMaxWeeks {
		return time.Time{}, fault.Field("weeks", fmt.Sprintf("Choose between %d and %d weeks.", PauseMinWeeks, PauseMaxWeeks))
	}
	return now.Add(time.Duration(weeks) * 7 * 24 * time.Hour), nil
}

// SeasonLast returns the index in ms (oldest first) of a circle's last
// meeting of its season, whose room holds the closing ritual, or -1: the
// last meeting held before the circle finished, or, while it runs in a
// program with an end, the last meeting on the schedule before that end
// with no room for another one (period apart) after it.
func SeasonLast(ms []Meeting, p *program.Program, finishedAt *time.Time, period time.Duration) int {
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if m.Status != Scheduled {
			continue
		}
		switch {
		case finishedAt != nil:
			if !m.Start.After(*finishedAt) {
				return i
			}
		case !p.EndsAt.IsZero():
			if m.Start.Before(p.EndsAt) {
				if !m.Start.Add(period).Before(p.EndsAt) {
					return i
				}
				return -1
			}
		default:
			return -1
		}
	}
	return -1
}
