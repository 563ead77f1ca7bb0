package circles

import (
	"context"

	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// Readers are the members of one circle who have acknowledged the ground
// rules in force: only they are emailed what happens inside it. Everyone
// else gets mail.CircleNews, which says there is news and nothing more,
// since a member sees nothing inside their circle before they acknowledge
// the rules, and an email must not show more than the page would.
type Readers struct {
	acked       map[string]bool
	programName string
	link        string
}

// Readers reads, in one query for all its members, who in circleID may be
// emailed what happens inside it. programName and the link to the circle
// are all the content-free email says.
func (s *Service) Readers(ctx context.Context, orgID, circleID, programName string) (*Readers, error) {
	acked, err := s.DB.FindAcknowledged(ctx, orgID, circleID)
	if err != nil {
		return nil, err
	}
	return &Readers{acked: acked, programName: programName, link: s.link("/circles/" + circleID)}, nil
}

// readers is Readers for the circle of st.
func (s *Service) readers(ctx context.Context, st *store.CircleState) (*Readers, error) {
	return s.Readers(ctx, st.Circle.OrgID, st.Circle.ID, program.Label(st.Program))
}

// Mail is msg for the member userID when they have acknowledged the rules
// in force, and otherwise the content-free mail.CircleNews to the same
// address.
func (r *Readers) Mail(userID string, msg mail.Message) mail.Message {
	if r.acked[userID] {
		return msg
	}
	return mail.CircleNews(msg.To, msg.ToName, r.programName, r.link)
}
