package circles

import (
	"context"

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
// meeting.
func (s *Service) AddCommitment(ctx context.Context, u *account.User, circleID, body string) (*circle.Commitment, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxCommitmentLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &circle.Commitment{UserID: u.ID, UserName: u.Name, Body: body}
	return c, s.DB.CreateCommitment(ctx, u.OrgID, circleID, c)
}

// CompleteCommitment marks the member's own commitment done, or open again.
func (s *Service) CompleteCommitment(ctx context.Context, u *account.User, circleID, id string, done bool) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.UpdateCommitment(ctx, u.OrgID, circleID, id, u.ID, done)
}
