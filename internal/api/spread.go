package api

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
)

// SpreadOutput is the caller's "invite another team": the programs open
// for opt-in, and what their invitations came to.
type SpreadOutput struct {
	Invited  int           `json:"invited" doc:"Colleagues the caller invited to a program's opt-in."`
	Observed int           `json:"observed" doc:"Colleagues the caller invited to observe a meeting who came."`
	Leader   bool          `json:"leader" doc:"The caller manages others, so may show that they take part in a circle."`
	Shown    bool          `json:"shows_taking_part" doc:"The caller's profile says they take part in a peer-coaching circle (never which)."`
	Programs []SpreadOptIn `json:"programs" nullable:"false" doc:"Programs open for opt-in now; empty when none is."`
}

// SpreadOptIn is a program open for opt-in.
type SpreadOptIn struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	OptInCloses time.Time `json:"opt_in_closes"`
}

type spreadOutput struct{ Body SpreadOutput }

type colleagueInviteInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The program, open for opt-in."`
	Body struct {
		ColleagueID string `json:"colleague_id" maxLength:"100" doc:"The colleague to invite, from GET /people."`
	}
}

type takingPartInput struct {
	Body struct {
		Show bool `json:"show"`
	}
}

func (a *API) handleSpreadShow(ctx context.Context, _ *struct{}) (*spreadOutput, error) {
	sp, err := a.programs.SpreadFor(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	out := &spreadOutput{Body: SpreadOutput{Invited: sp.Invited, Observed: sp.Observed, Leader: sp.Leader, Shown: sp.Shown, Programs: []SpreadOptIn{}}}
	for _, p := range sp.Programs {
		out.Body.Programs = append(out.Body.Programs, SpreadOptIn{ID: p.ID, Name: p.Name, OptInCloses: p.OptInCloses})
	}
	return out, nil
}

func (a *API) handleColleagueInvite(ctx context.Context, in *colleagueInviteInput) (*struct{}, error) {
	return nil, a.programs.InviteColleague(ctx, auth.UserFromContext(ctx), in.ID, in.Body.ColleagueID)
}

func (a *API) handleTakingPart(ctx context.Context, in *takingPartInput) (*spreadOutput, error) {
	if err := a.programs.ShowTakingPart(ctx, auth.UserFromContext(ctx), in.Body.Show); err != nil {
		return nil, err
	}
	return a.handleSpreadShow(ctx, nil)
}
