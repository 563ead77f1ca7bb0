package pulses

import (
	"context"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
)

// FitView is a circle's fit check as one of its members sees it: whether
// it is open and whether they answered, never how anyone answered.
type FitView struct {
	Open, Answered bool
}

// Fit returns a circle's fit check for one of its members, opening or
// closing it first as the meetings the circle has held say.
func (s *Service) Fit(ctx context.Context, u *account.User, circleID string) (*FitView, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	held, err := s.heldBy(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	st, err := s.keepCircle(ctx, u.OrgID, circleID, u.ID, held)
	if err != nil {
		return nil, err
	}
	return &FitView{Open: st.Opened && !st.Closed, Answered: st.Answered}, nil
}

// Rematch is what a member who is not at home in their circle is offered,
// derived when they answer and never stored: leaving the circle gently,
// and the programs whose opt-in is open to them now, to be matched again.
type Rematch struct {
	CircleID string
	// Programs are open for opt-in and meant for the member's department.
	Programs []program.Program
}

// AnswerFit counts a member's answer to their circle's fit check, without
// their name. To a member who answered no it returns what re-matching
// they may choose; otherwise nil.
func (s *Service) AnswerFit(ctx context.Context, u *account.User, circleID string, f pulse.Fit) (*Rematch, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	if err := pulse.CheckFit(f); err != nil {
		return nil, err
	}
	held, err := s.heldBy(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	if _, err := s.keepCircle(ctx, u.OrgID, circleID, "", held); err != nil {
		return nil, err
	}
	if err := s.DB.AnswerFit(ctx, u.OrgID, circleID, u.ID, f); err != nil {
		return nil, err
	}
	if f != pulse.FitNo {
		return nil, nil
	}
	return s.rematch(ctx, u, circleID)
}

// RematchFor returns the re-matching a member of a circle may choose,
// for any member who asks: it does not depend on their answer.
func (s *Service) RematchFor(ctx context.Context, u *account.User, circleID string) (*Rematch, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	return s.rematch(ctx, u, circleID)
}

func (s *Service) rematch(ctx context.Context, u *account.User, circleID string) (*Rematch, error) {
	now := s.DB.Now()
	ps, err := s.DB.FindOpenPrograms(ctx, u.OrgID, now)
	if err != nil {
		return nil, err
	}
	r := &Rematch{CircleID: circleID}
	for _, p := range ps {
		if p.OptInOpen(now) && p.IsFor(u.Department) {
			r.Programs = append(r.Programs, p)
		}
	}
	return r, nil
}

// FitConcerns is what an admin is told of a program's fit checks: how
// many circles answered, how many have a fit concern (at least
// pulse.FitConcernMinimum members said no), and the answers pooled over
// the circles whose check has closed, once they reach pulse.PoolMinimum
// respondents across pulse.PoolMinCircles circles.
type FitConcerns struct {
	// Answered counts the circles where at least one member answered.
	Answered int
	// Concerns counts the circles with a fit concern.
	Concerns int
	// Pool is nil below the thresholds.
	Pool *pulse.FitSummary
}

// ProgramFit is one program's fit checks, for an admin's page.
func (s *Service) ProgramFit(ctx context.Context, admin *account.User, programID string) (FitConcerns, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return FitConcerns{}, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return FitConcerns{}, err
	}
	checks, err := s.DB.FindFitChecks(ctx, admin.OrgID, p.ID)
	if err != nil {
		return FitConcerns{}, err
	}
	return fitConcerns(checks)[p.ID], nil
}

// FitConcernsByProgram is every program's fit checks, keyed by program,
// and the organisation's as a whole, from one reading: for an admin's
// dashboard. A program none of whose circles has answered is left out.
func (s *Service) FitConcernsByProgram(ctx context.Context, admin *account.User) (FitConcerns, map[string]FitConcerns, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return FitConcerns{}, nil, err
	}
	checks, err := s.DB.FindFitChecks(ctx, admin.OrgID, "")
	if err != nil {
		return FitConcerns{}, nil, err
	}
	byProgram := fitConcerns(checks)
	var all pulse.FitPool
	var org FitConcerns
	for _, c := range checks {
		all.Add(c.Counts)
		org.add(c.Counts)
	}
	org.Pool = all.Summary()
	return org, byProgram, nil
}

func (f *FitConcerns) add(c pulse.FitCounts) {
	if c.Respondents() > 0 {
		f.Answered++
	}
	if c.Concern() {
		f.Concerns++
	}
}

func fitConcerns(checks []store.FitCheck) map[string]FitConcerns {
	pools := map[string]*pulse.FitPool{}
	out := map[string]FitConcerns{}
	for _, c := range checks {
		f := out[c.ProgramID]
		f.add(c.Counts)
		out[c.ProgramID] = f
		if pools[c.ProgramID] == nil {
			pools[c.ProgramID] = &pulse.FitPool{}
		}
		pools[c.ProgramID].Add(c.Counts)
	}
	for id, p := range pools {
		f := out[id]
		f.Pool = p.Summary()
		out[id] = f
	}
	return out
}

// FitConcernIn returns which of a program page's circles have a fit
// concern, for an admin: a circle is named only once at least
// pulse.FitConcernMinimum of its members said no.
func (s *Service) FitConcernIn(ctx context.Context, admin *account.User, circleIDs []string) (map[string]bool, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.FindFitConcerns(ctx, admin.OrgID, circleIDs)
}
