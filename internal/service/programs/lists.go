package programs

import (
	"context"
	"slices"
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

// Names returns the names of the programs of these circles of u's
// organisation, by program id.
func (s *Service) Names(ctx context.Context, u *account.User, circles []program.Circle) (map[string]string, error) {
	ids := make([]string, 0, len(circles))
	for _, c := range circles {
		if !slices.Contains(ids, c.ProgramID) {
			ids = append(ids, c.ProgramID)
		}
	}
	return s.DB.FindProgramNames(ctx, u.OrgID, ids)
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
// proposals, for its admins; never who gave them, and only in steps of
// at least program.MinDeclinesShown (see store.DB.DeclineCounts).
func (s *Service) DeclineCounts(ctx context.Context, admin *account.User, programID string) (map[program.DeclineReason]int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.DeclineCounts(ctx, admin.OrgID, programID)
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

// Draft is a round whose proposed circles an admin has not yet published.
type Draft = store.RoundToPublish

// Drafts lists up to limit rounds whose proposals wait to be published,
// newest first, for an admin.
func (s *Service) Drafts(ctx context.Context, admin *account.User, limit int) ([]Draft, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.FindRoundsToPublish(ctx, admin.OrgID, limit)
}
