package circles

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/richtext"
)

// AddPost adds a note to the circle's members-only space.
func (s *Service) AddPost(ctx context.Context, u *account.User, circleID, body string) (*circle.Post, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxPostLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p := &circle.Post{AuthorID: u.ID, AuthorName: u.Name, Body: body}
	return p, s.DB.CreatePost(ctx, u.OrgID, circleID, p)
}

// DeletePost removes the member's own post.
func (s *Service) DeletePost(ctx context.Context, u *account.User, circleID, postID string) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.DeletePost(ctx, u.OrgID, circleID, postID, u.ID)
}

// AddCommitment records what the member means to do before the next
// meeting. It is due at due, or when nil at the circle's next meeting; a
// day before, its owner is reminded, and a day after, if still open,
// asked how it went.
func (s *Service) AddCommitment(ctx context.Context, u *account.User, circleID, body string, due *time.Time) (*circle.Commitment, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxCommitmentLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if due == nil {
		now := s.now()
		ahead, err := s.DB.FindUpcomingMeetings(ctx, u.OrgID, []string{circleID}, now)
		if err != nil {
			return nil, err
		}
		d := circle.DefaultDue(ahead[circleID], now)
		due = &d
	} else if !due.After(s.now()) {
		return nil, circle.ErrDuePast
	}
	c := &circle.Commitment{UserID: u.ID, UserName: u.Name, Body: body, DueAt: due}
	return c, s.DB.CreateCommitment(ctx, u.OrgID, circleID, c)
}

// CompleteCommitment marks the member's own commitment done, or open again.
func (s *Service) CompleteCommitment(ctx context.Context, u *account.User, circleID, id string, done bool) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.UpdateCommitment(ctx, u.OrgID, circleID, id, u.ID, done)
}

// Posts lists the latest posts of a circle's members-only space
// (PostsShown of them, newest first) for one of its members.
func (s *Service) Posts(ctx context.Context, u *account.User, circleID string) ([]circle.Post, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	return s.DB.FindPosts(ctx, u.OrgID, circleID, PostsShown)
}

// Commitments lists a circle's commitments for one of its members.
func (s *Service) Commitments(ctx context.Context, u *account.User, circleID string) ([]circle.Commitment, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	return s.DB.FindCommitments(ctx, u.OrgID, circleID)
}
