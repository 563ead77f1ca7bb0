package circles

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// CloseProgram closes a program before its end date, at an admin's word:
// it is never matched again, the circles still waiting for answers will
// not form, and its active circles finish (FinishCircle). Of two closes
// at once, one gets program.ErrClosed.
func (s *Service) CloseProgram(ctx context.Context, admin *account.User, programID string) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return err
	}
	if p.ClosedAt != nil {
		return program.ErrClosed
	}
	return s.closeProgram(ctx, p)
}

// closeProgram closes p and finishes its circles.
func (s *Service) closeProgram(ctx context.Context, p *program.Program) error {
	tell := func(m program.Member) store.Job {
		return queue.Mail(mail.ProgramClosed(m.Email, m.Name, p.Name, false, s.link("/matches"), nil))
	}
	if err := s.DB.CloseProgram(ctx, p.OrgID, p.ID, tell); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return program.ErrClosed
		}
		return err
	}
	return s.finishCircles(ctx, p.OrgID, p.ID)
}

// finishCircles finishes every active circle of a closed program that has
// not finished yet; one failing circle does not stop the others.
func (s *Service) finishCircles(ctx context.Context, orgID, programID string) error {
	refs, err := s.DB.FindUnfinishedCircles(ctx, orgID, programID)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if _, err := s.changeCircle(ctx, ref.OrgID, ref.ID, s.finish); err != nil && !errors.Is(err, circle.ErrNotActive) {
			errs = append(errs, fmt.Errorf("circle %s: %w", ref.ID, err))
		}
	}
	return errors.Join(errs...)
}

// finish ends a circle whose program has ended, once: its schedule ends,
// the meetings ahead are cancelled in everyone's calendar (their
// reminders with them), and each member is thanked and told what comes
// next. The circle stays active so that its members keep what they wrote.
func (s *Service) finish(st *store.CircleState) error {
	if st.FinishedAt != nil {
		return nil
	}
	var ics []byte
	if st.Schedule != nil {
		old := *st.Schedule
		old.Sequence = max(old.Sequence, st.CalendarSequence) + 1
		st.CalendarSequence = old.Sequence
		ics = calendar.Cancel(s.series(st.Circle, st.Program, &old, st.Meetings))
		st.Schedule = nil
	}
	st.Meetings = slices.DeleteFunc(st.Meetings, func(m circle.Meeting) bool { return m.Start.After(st.Now) })
	for _, m := range st.Circle.Members {
		st.Mail = append(st.Mail, queue.Mail(mail.ProgramClosed(m.Email, m.Name, program.Label(st.Program), true,
			s.link("/circles/"+st.Circle.ID+"/next"), ics)))
	}
	st.Finished = true
	return nil
}

// closeEnded closes every program past its end date, and finishes the
// circles of closed programs that an interruption left unfinished.
func (s *Service) closeEnded(ctx context.Context) error {
	refs, err := s.DB.FindUnclosedPrograms(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		p, err := s.DB.FindProgramByID(ctx, ref.OrgID, ref.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !p.Ended(s.now()) {
			continue
		}
		if err := s.closeProgram(ctx, p); err != nil && !errors.Is(err, program.ErrClosed) {
			errs = append(errs, fmt.Errorf("program %s: %w", p.ID, err))
		}
	}
	return errors.Join(errs...)
}
