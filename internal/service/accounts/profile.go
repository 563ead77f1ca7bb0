package accounts

import (
	"context"
	"errors"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/store"
)

// Org returns the organisation u belongs to.
func (s *Service) Org(ctx context.Context, u *account.User) (*account.Org, error) {
	return s.DB.FindOrgByID(ctx, u.OrgID)
}

// ProfileUpdate is what a person may change of themselves; nil leaves a
// field as it is.
type ProfileUpdate struct {
	Name, Timezone *string
}

// UpdateProfile changes u's own name or time zone.
func (s *Service) UpdateProfile(ctx context.Context, u *account.User, up ProfileUpdate) (*account.User, error) {
	return s.DB.UpdateUser(ctx, u.OrgID, u.ID, store.UserUpdate{Name: up.Name, Timezone: up.Timezone})
}

// Sessions lists u's browser sessions.
func (s *Service) Sessions(ctx context.Context, u *account.User) ([]account.Session, error) {
	return s.DB.FindSessions(ctx, u.OrgID, u.ID)
}

// EndSession signs one of u's sessions out.
func (s *Service) EndSession(ctx context.Context, u *account.User, sessionID string) error {
	return s.DB.DeleteSession(ctx, u.OrgID, u.ID, sessionID)
}

// SignOut ends the session u signs out of. A session that has ended
// already, such as by signing out in another tab, is no error: either way
// it is over.
func (s *Service) SignOut(ctx context.Context, u *account.User, sessionID string) error {
	if err := s.DB.DeleteSession(ctx, u.OrgID, u.ID, sessionID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// Tokens lists u's personal access tokens.
func (s *Service) Tokens(ctx context.Context, u *account.User) ([]account.Token, error) {
	return s.DB.FindTokens(ctx, u.OrgID, u.ID)
}

// RevokeToken revokes one of u's personal access tokens.
func (s *Service) RevokeToken(ctx context.Context, u *account.User, tokenID string) error {
	return s.DB.DeleteToken(ctx, u.OrgID, u.ID, tokenID)
}
