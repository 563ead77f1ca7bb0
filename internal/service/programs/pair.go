package programs

import (
	"context"
	"errors"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// errCannotPair is the one answer when two people may not form a pair:
// it does not say which rule stands in the way, since some (an avoid
// list, the other's opt-in) are private.
var errCannotPair = fault.Fields(map[string]string{"to_user": "You can't form a pair with this colleague in this program right now."})

// pairCheck checks that from and to may form a pair in a pair program:
// both opted in, neither already matched, and every hard rule of the
// matching holds for the two of them.
func (s *Service) pairCheck(ctx context.Context, orgID string, p *program.Program, from, to string) (*problem, error) {
	if p.Format != program.FormatPair {
		return nil, fault.Fields(map[string]string{"program": "Invitations are for pair programs."})
	}
	if from == to {
		return nil, errCannotPair
	}
	pr, err := s.buildProblem(ctx, orgID, p, nil)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(pr.input.Participants))
	for _, part := range pr.input.Participants {
		ids = append(ids, part.ID)
	}
	if !slices.Contains(ids, from) || !slices.Contains(ids, to) {
		return nil, errCannotPair
	}
	if _, violations, err := matching.Evaluate(pr.input, []string{from, to}); err != nil || len(violations) > 0 {
		return nil, errCannotPair
	}
	return pr, nil
}

// InvitePair asks a colleague to form a pair in a pair program.
func (s *Service) InvitePair(ctx context.Context, u *account.User, programID, toUserID string) (*program.PairInvitation, error) {
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, programID)
	if err != nil {
		return nil, err
	}
	if err := p.CanMatch(s.now()); err != nil {
		return nil, err
	}
	to, err := s.DB.FindUserByID(ctx, u.OrgID, toUserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errCannotPair
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.pairCheck(ctx, u.OrgID, p, u.ID, to.ID); err != nil {
		return nil, err
	}
	inv := &program.PairInvitation{OrgID: u.OrgID, ProgramID: p.ID, FromUser: u.ID, ToUser: to.ID, FromName: u.Name, ToName: to.Name}
	msg := mail.PairInvitation(to.Email, to.Name, u.Name, p.Name, s.link("/matches"))
	if err := s.DB.CreatePairInvitation(ctx, inv, queue.Mail(msg)); err != nil {
		return nil, err
	}
	return inv, nil
}

// AnswerPair accepts or declines an invitation addressed to the person.
// Accepting checks the rules again, since either may have been matched
// meanwhile, and forms the pair at once.
func (s *Service) AnswerPair(ctx context.Context, u *account.User, invitationID string, accept bool) error {
	invs, err := s.DB.FindPairInvitations(ctx, u.OrgID, u.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(invs, func(inv program.PairInvitation) bool { return inv.ID == invitationID && inv.ToUser == u.ID })
	if i < 0 {
		return store.ErrNotFound
	}
	inv := invs[i]
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, inv.ProgramID)
	if err != nil {
		return err
	}
	if accept {
		// A program that has ended forms no new pairs; declining is
		// always possible.
		if err := p.CanMatch(s.now()); err != nil {
			return err
		}
	}
	from, err := s.DB.FindUserByID(ctx, u.OrgID, inv.FromUser)
	if err != nil {
		return err
	}
	if !accept {
		return s.DB.AnswerPairInvitation(ctx, u.OrgID, inv.ID, u.ID, false, nil,
			queue.Mails([]mail.Message{mail.PairDeclined(from.Email, from.Name, u.Name, p.Name)}))
	}
	pr, err := s.pairCheck(ctx, u.OrgID, p, from.ID, u.ID)
	if err != nil {
		return err
	}
	g, _, err := matching.Evaluate(pr.input, []string{from.ID, u.ID})
	if err != nil {
		return err
	}
	pair := pr.circle(g)
	pair.ProgramID = p.ID
	msgs := []mail.Message{
		mail.PairFormed(from.Email, from.Name, u.Name, p.Name, s.link("/circles")),
		mail.PairFormed(u.Email, u.Name, from.Name, p.Name, s.link("/circles")),
	}
	return s.DB.AnswerPairInvitation(ctx, u.OrgID, inv.ID, u.ID, true, &pair, queue.Mails(msgs))
}
