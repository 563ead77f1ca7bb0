package api

import (
	"context"
	"slices"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

type roundList struct {
	Rounds []Round `json:"rounds" nullable:"false" doc:"Latest first."`
}

type proposeInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body *struct {
		Rematch bool `json:"rematch,omitempty" doc:"Re-match everyone not in an active circle or one waiting for answers into the latest round, keeping the circles that stand and not proposing a decliner the same people again. Otherwise a new round starts, or the latest round's draft is replaced while nothing of it is published."`
	}
}

type reviewOutput struct {
	Body RoundReview
}

type moveInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The round."`
	Body struct {
		UserID     string `json:"user_id" maxLength:"100" doc:"The person to move: in a draft circle of the round or unmatched."`
		ToCircleID string `json:"to_circle_id,omitempty" maxLength:"100" doc:"A draft circle of the round; empty or left out takes the person out of every circle."`
	}
}

type matchList struct {
	Circles []Match `json:"circles" nullable:"false" doc:"Oldest first."`
}

type circleResponseInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Accept bool                  `json:"accept"`
		Reason program.DeclineReason `json:"reason,omitempty" enum:",schedule,fit,time,other" doc:"Optional when declining: schedule (the meeting times don't work), fit (I'd prefer different people), time (I don't have time right now), other. Admins see only how often each reason was given, never by whom."`
	}
}

type pairInvitationList struct {
	Sent     []PairInvitation `json:"sent" nullable:"false" doc:"Newest first."`
	Received []PairInvitation `json:"received" nullable:"false" doc:"Newest first."`
}

type pairInviteInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The pair program."`
	Body struct {
		ToUser string `json:"to_user" maxLength:"100" doc:"The colleague's id. Both of you must have opted in, and the matching's rules must allow the pair."`
	}
}

type pairAnswerInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The invitation."`
	Body struct {
		Accept bool `json:"accept" doc:"Accepting forms the pair at once."`
	}
}

type pairInvitationOutput struct {
	Body PairInvitation
}

func (a *API) handleRoundList(ctx context.Context, in *idInput) (*struct{ Body roundList }, error) {
	u := auth.UserFromContext(ctx)
	// Finding the program first answers 404 for another organisation's.
	p, err := a.programs.Program(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	rounds, err := a.programs.Rounds(ctx, u, p.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body roundList }{Body: roundList{Rounds: newRounds(rounds)}}, nil
}

func (a *API) handlePropose(ctx context.Context, in *proposeInput) (*reviewOutput, error) {
	u := auth.UserFromContext(ctx)
	rematch := in.Body != nil && in.Body.Rematch
	round, err := a.programs.Propose(ctx, u, in.ID, rematch)
	if err != nil {
		return nil, err
	}
	return a.review(ctx, round.ID, 1)
}

// review answers with a page of a round as the calling admin sees it.
func (a *API) review(ctx context.Context, roundID string, page int) (*reviewOutput, error) {
	u := auth.UserFromContext(ctx)
	rv, err := a.programs.Review(ctx, u, roundID, page)
	if err != nil {
		return nil, err
	}
	return &reviewOutput{Body: newReview(rv, timesFor(u.Timezone, a.programs.Now()))}, nil
}

type roundInput struct {
	ID   string `path:"id" maxLength:"100"`
	Page int    `query:"page" minimum:"1" default:"1" doc:"Which page of 12 circles."`
}

func (a *API) handleRoundShow(ctx context.Context, in *roundInput) (*reviewOutput, error) {
	return a.review(ctx, in.ID, in.Page)
}

func (a *API) handleRoundMove(ctx context.Context, in *moveInput) (*reviewOutput, error) {
	if err := a.programs.Move(ctx, auth.UserFromContext(ctx), in.ID, in.Body.UserID, in.Body.ToCircleID); err != nil {
		return nil, err
	}
	return a.review(ctx, in.ID, 1)
}

func (a *API) handleRoundPublish(ctx context.Context, in *idInput) (*reviewOutput, error) {
	if _, err := a.programs.Publish(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return a.review(ctx, in.ID, 1)
}

func (a *API) handleMatchList(ctx context.Context, _ *struct{}) (*struct{ Body matchList }, error) {
	u := auth.UserFromContext(ctx)
	circles, err := a.programs.MyMatches(ctx, u)
	if err != nil {
		return nil, err
	}
	names, err := a.programs.Names(ctx, u, circles)
	if err != nil {
		return nil, err
	}
	t := timesFor(u.Timezone, a.programs.Now())
	out := matchList{Circles: make([]Match, len(circles))}
	for i := range circles {
		out.Circles[i] = newMatch(&circles[i], u.ID, names[circles[i].ProgramID], t)
	}
	return &struct{ Body matchList }{Body: out}, nil
}

func (a *API) handleCircleRespond(ctx context.Context, in *circleResponseInput) (*struct{ Body Match }, error) {
	u := auth.UserFromContext(ctx)
	c, err := a.programs.Respond(ctx, u, in.ID, in.Body.Accept, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	p, err := a.programs.Program(ctx, u, c.ProgramID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Match }{Body: newMatch(c, u.ID, p.Name, timesFor(u.Timezone, a.programs.Now()))}, nil
}

func (a *API) handlePairInvitationList(ctx context.Context, _ *struct{}) (*struct{ Body pairInvitationList }, error) {
	u := auth.UserFromContext(ctx)
	invs, err := a.programs.PairInvitations(ctx, u)
	if err != nil {
		return nil, err
	}
	out := pairInvitationList{Sent: []PairInvitation{}, Received: []PairInvitation{}}
	for i := range invs {
		if invs[i].FromUser == u.ID {
			out.Sent = append(out.Sent, newPairInvitation(&invs[i]))
		} else {
			out.Received = append(out.Received, newPairInvitation(&invs[i]))
		}
	}
	return &struct{ Body pairInvitationList }{Body: out}, nil
}

func (a *API) handlePairInvite(ctx context.Context, in *pairInviteInput) (*pairInvitationOutput, error) {
	inv, err := a.programs.InvitePair(ctx, auth.UserFromContext(ctx), in.ID, in.Body.ToUser)
	if err != nil {
		return nil, err
	}
	return &pairInvitationOutput{Body: newPairInvitation(inv)}, nil
}

func (a *API) handlePairAnswer(ctx context.Context, in *pairAnswerInput) (*pairInvitationOutput, error) {
	u := auth.UserFromContext(ctx)
	if err := a.programs.AnswerPair(ctx, u, in.ID, in.Body.Accept); err != nil {
		return nil, err
	}
	invs, err := a.programs.PairInvitations(ctx, u)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(invs, func(inv program.PairInvitation) bool { return inv.ID == in.ID })
	if i < 0 {
		return nil, fault.New(fault.NotFound, "")
	}
	return &pairInvitationOutput{Body: newPairInvitation(&invs[i])}, nil
}
