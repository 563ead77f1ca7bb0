package circles

import (
	"context"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
)

// HasFeed reports whether u has a calendar feed.
func (s *Service) HasFeed(ctx context.Context, u *account.User) (bool, error) {
	return s.DB.HasCalendarFeed(ctx, u.OrgID, u.ID)
}

// ResetFeed gives u a new secret calendar feed address and returns it;
// the previous address stops working. Only the token's hash is kept, so
// the address is shown this once.
func (s *Service) ResetFeed(ctx context.Context, u *account.User) (string, error) {
	tok := account.NewToken(account.FeedPrefix)
	if err := s.DB.CreateCalendarFeed(ctx, u.OrgID, u.ID, account.HashToken(tok)); err != nil {
		return "", err
	}
	return s.link("/calendar/" + tok + ".ics"), nil
}

// DeleteFeed turns u's calendar feed off.
func (s *Service) DeleteFeed(ctx context.Context, u *account.User) error {
	return s.DB.DeleteCalendarFeed(ctx, u.OrgID, u.ID)
}

// Feed returns the calendar of the person whose feed token this is: every
// scheduled circle they are an active member of. An unknown token is
// ErrNotFound.
func (s *Service) Feed(ctx context.Context, token string) ([]byte, error) {
	orgID, userID, err := s.DB.FindCalendarFeed(ctx, account.HashToken(token))
	if err != nil {
		return nil, err
	}
	cals, err := s.DB.FindCalendar(ctx, orgID, userID)
	if err != nil {
		return nil, err
	}
	series := make([]calendar.Series, 0, len(cals))
	for _, cc := range cals {
		series = append(series, s.series(&cc.Circle, &cc.Program, &cc.Schedule, cc.Meetings))
	}
	return calendar.Feed("Holdspace", series), nil
}
