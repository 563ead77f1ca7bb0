package circles

import (
	"context"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// keepAlive counts the circle's last held meetings (over, not cancelled,
// and with at least one member recorded present), from the upkeep: it
// ends the pauses whose end has come, tells each member who has just
// missed circle.NudgeAfter or circle.AskAfter held meetings in a row
// without saying they could not come (once a run), and marks the circle
// struggling while fewer than half of its members came to each of its
// last circle.StrugglingAfter held meetings. It reads the presence of at
// most that many meetings.
func (s *Service) keepAlive(ctx context.Context, st *store.CircleState) error {
	if st.FinishedAt != nil {
		st.StrugglingSince = nil
		return nil
	}
	// A meeting nobody was recorded at may have been held elsewhere (a
	// call without the room): it is not counted either way. A few more
	// are read so that three recorded ones are found past such gaps.
	want := max(circle.AskAfter, circle.StrugglingAfter)
	held := circle.LastHeld(st.Meetings, 2*want, st.Now)
	if err := s.DB.FindAttendance(ctx, st.Circle.OrgID, held); err != nil {
		return err
	}
	held = slices.DeleteFunc(held, func(h circle.Held) bool { return len(h.Present) == 0 })
	held = held[:min(len(held), want)]
	switch struggling := circle.Struggling(held, len(st.Circle.Members)); {
	case struggling && st.StrugglingSince == nil:
		now := st.Now
		st.StrugglingSince = &now
	case !struggling:
		st.StrugglingSince = nil
	}
	name := program.Label(st.Program)
	for i := range st.Circle.Members {
		m := &st.Circle.Members[i]
		if m.PausedUntil != nil && !m.PausedUntil.After(st.Now) {
			// The pause resumes itself: meetings count from its end.
			end := *m.PausedUntil
			m.PausedUntil, m.CountedFrom = nil, &end
		}
		a := circle.NextAbsence(*m, held, st.Now)
		m.AbsenceTold, m.AbsenceAt = a.Told, a.At
		switch a.Tell {
		case circle.NudgeAfter:
			st.Mail = append(st.Mail, queue.Mail(mail.AbsenceNudge(m.Email, m.Name, name, s.link("/circles/"+st.Circle.ID))))
		case circle.AskAfter:
			st.Mail = append(st.Mail, queue.Mail(mail.AbsenceAsk(m.Email, m.Name, name, s.link("/circles/"+st.Circle.ID+"/pause"))))
		}
	}
	return nil
}

// Standing is what a member's private "pause for a while, or leave?"
// page shows them: their circle, and their pause if they are pausing.
type Standing struct {
	Circle  program.Circle
	Program program.Program
	// PausedUntil is the end of their pause; nil when they are not
	// pausing.
	PausedUntil *time.Time
	// Weeks are the lengths of pause they may choose.
	Weeks []int
}

// Standing returns u's standing in a circle they belong to. Nobody else,
// an admin included, can read it.
func (s *Service) Standing(ctx context.Context, u *account.User, circleID string) (*Standing, error) {
	c, err := s.Member(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	out := &Standing{Circle: *c, Program: *p}
	if m := c.Member(u.ID); m.Paused(s.now()) {
		out.PausedUntil = m.PausedUntil
	}
	for w := circle.PauseMinWeeks; w <= circle.PauseMaxWeeks; w++ {
		out.Weeks = append(out.Weeks, w)
	}
	return out, nil
}

// Pause pauses u in a circle for weeks (circle.PauseMinWeeks to
// circle.PauseMaxWeeks): until then they get no meeting reminders and
// are not counted as missing, and the other members see that they are
// pausing and until when, never why. The upkeep resumes them at its end.
// Of two pauses at once, or a pause and a leave, one wins and the other
// gets a conflict. It returns when the pause ends.
func (s *Service) Pause(ctx context.Context, u *account.User, circleID string, weeks int) (time.Time, error) {
	if _, err := s.Member(ctx, u, circleID); err != nil {
		return time.Time{}, err
	}
	if _, err := circle.PauseEnd(weeks, s.now()); err != nil {
		return time.Time{}, err
	}
	var end time.Time
	err := s.changeStanding(ctx, u, circleID, func(st *store.CircleState, m *program.Member) error {
		if st.FinishedAt != nil {
			return circle.ErrNotActive
		}
		if m.Paused(st.Now) {
			return circle.ErrPaused
		}
		end, _ = circle.PauseEnd(weeks, st.Now)
		m.PausedUntil, m.CountedFrom = &end, &end
		m.AbsenceTold, m.AbsenceAt = 0, nil
		return nil
	})
	return end, err
}

// Resume ends u's pause in a circle now: meetings remind them, and count,
// again from now. Of a resume and another change to the pause at once,
// one wins and the other gets a conflict.
func (s *Service) Resume(ctx context.Context, u *account.User, circleID string) error {
	if _, err := s.Member(ctx, u, circleID); err != nil {
		return err
	}
	return s.changeStanding(ctx, u, circleID, func(st *store.CircleState, m *program.Member) error {
		if !m.Paused(st.Now) {
			return circle.ErrNotPaused
		}
		now := st.Now
		m.PausedUntil, m.CountedFrom = nil, &now
		return nil
	})
}

// changeStanding changes u's own standing in a circle with fn, and the
// circle's reminders with it.
func (s *Service) changeStanding(ctx context.Context, u *account.User, circleID string, fn func(*store.CircleState, *program.Member) error) error {
	_, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		m := st.Circle.Member(u.ID)
		if m == nil {
			return circle.ErrLeft
		}
		return fn(st, m)
	})
	return err
}
