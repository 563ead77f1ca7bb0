// Package pulses runs the psychological-safety pulse: it opens a circle's
// rounds as its meetings are held, takes a member's answers without their
// name, shows a circle its own rounds once enough answered, and shows an
// organisation's admins pools across circles, never one circle. It also
// asks each member, after their circle's first meeting, whether the circle
// is a good fit for them, offers re-matching to a member who says no, and
// tells admins of a fit concern only once at least two said no.
package pulses

import (
	"context"
	"log/slog"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the pulse flows.
type Service struct {
	DB     *store.DB
	Logger *slog.Logger
	// Circles answers who is inside a circle.
	Circles *circles.Service
}

// Open is the round a circle's members may answer now: its number and how
// many answered, never what they answered.
type Open struct {
	Number      int
	Respondents int
	// Waiting is how many more answers it needs before the circle sees it.
	Waiting int
	// Answered: the member reading has answered it.
	Answered bool
}

// View is a circle's pulse as one of its members sees it.
type View struct {
	Circle  *program.Circle
	Cadence int
	// Open is the newest round, or nil before the first opens.
	Open *Open
	// Trend holds only the rounds that reached pulse.CircleMinimum.
	Trend pulse.Trend
	// Held counts the meetings the circle has held; NextAt is the count at
	// which the next round opens.
	Held, NextAt int
	// Share is where the circle stands on showing its pulse to its
	// program's admins.
	Share pulse.Share
	// Fit is the circle's fit check as the member sees it, kept up to
	// date with the pulse: a page showing both reads the circle's
	// meetings once.
	Fit FitView
}

// Circle returns a circle's pulse for one of its members, opening a new
// round first if the circle has held enough meetings since the last.
func (s *Service) Circle(ctx context.Context, u *account.User, circleID string) (*View, error) {
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	cadence, err := s.DB.FindPulseCadence(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	held, err := s.heldBy(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	rounds, err := s.DB.FindPulseRounds(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	opened, fit, err := s.keep(ctx, u.OrgID, circleID, u.ID, newest(rounds), held, cadence)
	if err != nil {
		return nil, err
	}
	if opened {
		if rounds, err = s.DB.FindPulseRounds(ctx, u.OrgID, circleID); err != nil {
			return nil, err
		}
	}
	share, err := s.DB.FindPulseShare(ctx, u.OrgID, circleID, u.ID)
	if err != nil {
		return nil, err
	}
	last := newest(rounds)
	v := &View{Circle: c, Cadence: cadence, Trend: pulse.TrendOf(rounds), Held: held, NextAt: cadence, Share: share,
		Fit: FitView{Open: fit.Opened && !fit.Closed, Answered: fit.Answered}}
	if last != nil {
		v.NextAt = last.Held + cadence
		answered, err := s.DB.HasAnsweredPulse(ctx, u.OrgID, last.ID, u.ID)
		if err != nil {
			return nil, err
		}
		v.Open = &Open{Number: last.Number, Respondents: last.Respondents, Waiting: last.Waiting(), Answered: answered}
	}
	return v, nil
}

func newest(rounds []pulse.Round) *pulse.Round {
	if len(rounds) == 0 {
		return nil
	}
	return &rounds[len(rounds)-1]
}

// Answer counts a member's answers to round number of a circle. A round
// is answered once per member, and only while it is the circle's newest.
func (s *Service) Answer(ctx context.Context, u *account.User, circleID string, number int, a pulse.Answer) error {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return s.DB.AnswerPulse(ctx, u.OrgID, circleID, number, u.ID, a)
}

// SetCadence saves how many meetings a circle holds between rounds; any
// member may change it for the circle, as with its schedule.
func (s *Service) SetCadence(ctx context.Context, u *account.User, circleID string, meetings int) error {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return err
	}
	if err := pulse.CheckCadence(meetings); err != nil {
		return err
	}
	return s.DB.UpdatePulseCadence(ctx, u.OrgID, circleID, meetings)
}

// SetShare records whether a member agrees to show the circle's pulse to
// its program's admins. The circle shares only while every member agrees,
// so any one member can stop it by withdrawing.
func (s *Service) SetShare(ctx context.Context, u *account.User, circleID string, agree bool) error {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return err
	}
	if agree {
		return s.DB.AgreePulseShare(ctx, u.OrgID, circleID, u.ID)
	}
	return s.DB.WithdrawPulseShare(ctx, u.OrgID, circleID, u.ID)
}

// SharedLimit is how many sharing circles an admin's page lists.
const SharedLimit = 50

// SharedCircle is a circle that chose to share its pulse, as its
// program's admins see it: only its closed rounds that reached the
// circle's minimum.
type SharedCircle struct {
	CircleID  string
	ProgramID string
	Number    int
	Trend     pulse.Trend
}

// Shared lists up to SharedLimit circles that chose to share their pulse
// (of programID only, unless it is ""), and how many there are in all.
func (s *Service) Shared(ctx context.Context, admin *account.User, programID string) ([]SharedCircle, int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, 0, err
	}
	found, total, err := s.DB.FindSharedPulses(ctx, admin.OrgID, programID, SharedLimit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]SharedCircle, 0, len(found))
	for _, f := range found {
		out = append(out, SharedCircle{CircleID: f.CircleID, ProgramID: f.ProgramID, Number: f.Number, Trend: pulse.Closed(f.Rounds)})
	}
	return out, total, nil
}

// Pool is what an admin sees of a program's or the organisation's pulse.
type Pool struct {
	// Summary is nil until the pool reaches pulse.PoolMinimum respondents
	// across pulse.PoolMinCircles circles.
	Summary *pulse.Summary
}

// ProgramPool pools a program's circles' last closed rounds for an admin.
func (s *Service) ProgramPool(ctx context.Context, admin *account.User, programID string) (*program.Program, Pool, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, Pool{}, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return nil, Pool{}, err
	}
	pool, err := s.DB.FindPulsePool(ctx, admin.OrgID, p.ID)
	if err != nil {
		return nil, Pool{}, err
	}
	return p, Pool{Summary: pool.Summary()}, nil
}

// ProgramPool is one program's pool on the admin's overview.
type ProgramPool struct {
	Program program.Program
	Pool
}

// Pools returns the organisation's pool and each program's, for an admin's
// overview.
func (s *Service) Pools(ctx context.Context, admin *account.User) (Pool, []ProgramPool, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return Pool{}, nil, err
	}
	org, byProgram, err := s.DB.FindPulsePools(ctx, admin.OrgID)
	if err != nil {
		return Pool{}, nil, err
	}
	ps, err := s.DB.FindPrograms(ctx, admin.OrgID)
	if err != nil {
		return Pool{}, nil, err
	}
	out := make([]ProgramPool, 0, len(ps))
	for _, p := range ps {
		out = append(out, ProgramPool{Program: p, Pool: Pool{Summary: byProgram[p.ID].Summary()}})
	}
	return Pool{Summary: org.Summary()}, out, nil
}

// OrgPool pools every circle's last closed round in the admin's
// organisation.
func (s *Service) OrgPool(ctx context.Context, admin *account.User) (Pool, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return Pool{}, err
	}
	pool, err := s.DB.FindPulsePool(ctx, admin.OrgID, "")
	if err != nil {
		return Pool{}, err
	}
	return Pool{Summary: pool.Summary()}, nil
}
