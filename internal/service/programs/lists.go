package programs

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// Now is the service's clock, by which pages tell what is open.
func (s *Service) Now() time.Time { return s.now() }

// Topics lists the organisation's topic vocabulary.
func (s *Service) Topics(ctx context.Context, u *account.User) ([]string, error) {
	return s.DB.FindTopics(ctx, u.OrgID)
}

// All lists every program of u's organisation, newest first, for naming
// them; Programs says which of them a person sees.
func (s *Service) All(ctx context.Context, u *account.User) ([]program.Program, error) {
	return s.DB.FindPrograms(ctx, u.OrgID)
}

// Matched reports whether u is in a circle of the program that is active
// or waiting for answers.
func (s *Service) Matched(ctx context.Context, u *account.User, programID string) (bool, error) {
	return s.DB.IsEngaged(ctx, u.OrgID, programID, u.ID)
}

// Rounds lists a program's rounds of matching, newest first.
func (s *Service) Rounds(ctx context.Context, u *account.User, programID string) ([]program.Round, error) {
	return s.DB.FindRounds(ctx, u.OrgID, programID)
}

// DeclineCounts counts the reasons given for declining a program's
// proposals, for its admins; never who gave them, and nothing until at
// least program.MinDeclinesShown people declined.
func (s *Service) DeclineCounts(ctx context.Context, admin *account.User, programID string) (map[program.DeclineReason]int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	counts, err := s.DB.DeclineCounts(ctx, admin.OrgID, programID)
	return program.ShownDeclines(counts), err
}

// FormedPage is a page of a program's active circles, for its admins.
type FormedPage struct {
	// Circles are one page, oldest first, numbered from First (from 1).
	Circles []program.Circle
	First   int
	// Total counts the program's active circles.
	Total int
	// Small are the active circles below the program's minimum size,
	// which an admin may return to the pool, whatever the page.
	Small []program.Circle
}

// FormedPageSize is how many formed circles a program's page shows.
const FormedPageSize = 24

// ActiveCircles returns page (from 1) of a program's active circles and
// those of them below its minimum size, for its admins.
func (s *Service) ActiveCircles(ctx context.Context, admin *account.User, programID string, page int) (*FormedPage, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return nil, err
	}
	f := store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Active}}
	out := &FormedPage{}
	if out.Total, err = s.DB.CountCircles(ctx, admin.OrgID, f); err != nil {
		return nil, err
	}
	pages := max(1, (out.Total+FormedPageSize-1)/FormedPageSize)
	page = min(max(page, 1), pages)
	out.First = (page-1)*FormedPageSize + 1
	f.Limit, f.Offset = FormedPageSize, out.First-1
	if out.Circles, err = s.DB.FindCircles(ctx, admin.OrgID, f); err != nil {
		return nil, err
	}
	small := store.CircleFilter{ProgramID: programID, Status: f.Status, FewerThan: p.MinSize, Limit: FormedPageSize}
	if out.Small, err = s.DB.FindCircles(ctx, admin.OrgID, small); err != nil {
		return nil, err
	}
	return out, nil
}

// Proposed lists the circles a round proposes, for its admins.
func (s *Service) Proposed(ctx context.Context, admin *account.User, roundID string) ([]program.Circle, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.FindCircles(ctx, admin.OrgID, store.CircleFilter{RoundID: roundID, Status: []program.CircleStatus{program.Proposed}})
}

// PairInvitations lists the pair invitations u sent or received.
func (s *Service) PairInvitations(ctx context.Context, u *account.User) ([]program.PairInvitation, error) {
	return s.DB.FindPairInvitations(ctx, u.OrgID, u.ID)
}
