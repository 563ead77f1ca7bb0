package circle

import (
	"time"

	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/program"
)

// StalledAfter is how many cadence periods a circle may go without a
// meeting before its program's admins see it flagged (and its members
// are nudged).
const StalledAfter = 2

// HealthState is where a circle stands, as its program's admins see it.
type HealthState string

// The states of a circle's health, from the least to the most settled.
const (
	// AwaitingConsent: published, and not every member has said yes.
	AwaitingConsent HealthState = "waiting for consent"
	// BelowMinimum: formed, but fewer members remain than the program's
	// minimum.
	BelowMinimum HealthState = "below minimum"
	// Unscheduled: formed, with no schedule and no meeting yet.
	Unscheduled HealthState = "no schedule yet"
	// Overdue: it has not met within its cadence (and a day's grace).
	Overdue HealthState = "overdue"
	// Regular: it has met within its cadence.
	Regular HealthState = "meeting regularly"
	// Finished: its program closed. It meets no more, so it is neither
	// late nor stalled; what it held stays counted.
	Finished HealthState = "finished"
)

// Record is what is counted of a circle's meetings, and nothing said at
// them: how many of its scheduled meetings have begun, how many check-ins
// they had (attendance is taken at check-in), and when.
type Record struct {
	// Freq is the schedule's frequency; empty while the circle has none.
	Freq calendar.Freq
	// Held counts the scheduled (not cancelled) meetings that have begun;
	// Attended the members present at them.
	Held, Attended int
	// Last is the start of the latest meeting that has begun, Next of the
	// first one ahead, Latest of the last one on the schedule (either);
	// each zero when there is none.
	Last, Next, Latest time.Time
}

// Period is how often a circle with r is meant to meet: its schedule's
// frequency, or its program's cadence while it has none.
func (r Record) Period(cadence program.Cadence) time.Duration {
	if r.Freq != "" {
		if p := (calendar.Rule{Freq: r.Freq}).Period(); p > 0 {
			return p
		}
	}
	return PeriodFor(cadence)
}

// StallsAt returns when a circle formed at formed, meeting every period,
// counts as stalled: StalledAfter periods after the latest meeting on its
// schedule, or after it formed when that is later or it has none. A
// meeting still ahead counts, because it will be held if nobody cancels
// it, and cancelling it is a change that asks again.
func StallsAt(meetings []Meeting, formed time.Time, period time.Duration) time.Time {
	ref := formed
	for _, m := range meetings {
		if m.Status == Scheduled && m.Start.After(ref) {
			ref = m.Start
		}
	}
	return ref.Add(StalledAfter * period)
}

// Health is a circle's health as its program's admins see it: counts and
// dates, never what was said.
type Health struct {
	State HealthState
	// Held meetings against the Expected ones, one a period since it formed.
	Held, Expected int
	Last, Next     time.Time
	// Attendance is the share of members checked in at the meetings held,
	// in percent; -1 when none was held.
	Attendance int
	// Stalled: it has not met for StalledAfter periods.
	Stalled bool
	// Struggling: fewer than half of its members came to each of its last
	// StrugglingAfter held meetings (as the upkeep last counted). Who was
	// missing is never said.
	Struggling bool
	// Accepted counts the members who said yes, while it awaits consent.
	Accepted int
}

// overdueGrace is how late a meeting may be before a circle counts as
// overdue: a meeting moved by a day is not a circle in trouble.
const overdueGrace = 24 * time.Hour

// Assess decides the health of c, a circle of p, from r at now.
func Assess(c *program.Circle, p *program.Program, r Record, now time.Time) Health {
	h := Health{Held: r.Held, Last: r.Last, Next: r.Next, Attendance: -1}
	if c.Status == program.Pending {
		h.State = AwaitingConsent
		for _, m := range c.Members {
			if m.Response == program.Accepted {
				h.Accepted++
			}
		}
		return h
	}
	if c.FinishedAt != nil {
		// A finished circle is measured up to its end, never past it.
		now = *c.FinishedAt
		h.Next = time.Time{}
	}
	period := r.Period(p.Cadence)
	formed := now
	if c.ActivatedAt != nil {
		formed = *c.ActivatedAt
	}
	if now.After(formed) {
		h.Expected = int(now.Sub(formed) / period)
	}
	// A circle that meets more often than its cadence has met as expected.
	h.Expected = max(h.Expected, h.Held)
	if r.Held > 0 && len(c.Members) > 0 {
		h.Attendance = min(100, r.Attended*100/(r.Held*len(c.Members)))
	}
	ref := formed
	if r.Latest.After(ref) {
		ref = r.Latest
	}
	h.Stalled = !now.Before(ref.Add(StalledAfter * period))
	met := formed
	if r.Last.After(met) {
		met = r.Last
	}
	h.Struggling = c.StrugglingSince != nil
	switch {
	case c.FinishedAt != nil:
		h.State, h.Stalled, h.Struggling = Finished, false, false
	case len(c.Members) < p.MinSize:
		h.State = BelowMinimum
	case r.Freq == "" && r.Held == 0:
		h.State = Unscheduled
	case now.Sub(met) > period+overdueGrace:
		h.State = Overdue
	default:
		h.State = Regular
	}
	return h
}
