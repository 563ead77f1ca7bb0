package circles

import (
	"context"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/store"
)

// Meeting returns one meeting of a circle u is inside.
func (s *Service) Meeting(ctx context.Context, u *account.User, circleID, meetingID string) (*circle.Meeting, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	ms, err := s.DB.FindMeetings(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ms, func(m circle.Meeting) bool { return m.ID == meetingID })
	if i < 0 {
		return nil, store.ErrNotFound
	}
	return &ms[i], nil
}

// ProgramOf returns the program a circle belongs to, for the admins who
// tend the program's circles without seeing inside them.
func (s *Service) ProgramOf(ctx context.Context, admin *account.User, circleID string) (string, error) {
	if err := requireAdmin(admin); err != nil {
		return "", err
	}
	c, err := s.DB.FindCircleByID(ctx, admin.OrgID, circleID)
	if err != nil {
		return "", err
	}
	return c.ProgramID, nil
}
