package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/room"
)

// Ritual is the closing ritual of a season's last meeting, as its
// members read it.
type Ritual struct {
	Words []room.RitualWord `json:"words" nullable:"false" doc:"Each member's appreciation (to another member) and what they take with them, in the order written."`
}

type ritualInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100"`
	Body    struct {
		Kind string `json:"kind" enum:"appreciation,takeaway"`
		To   string `json:"to_user_id,omitempty" maxLength:"100" doc:"For an appreciation: the member it is for."`
		Body string `json:"body" maxLength:"600"`
	}
}

func (a *API) handleRitualShow(ctx context.Context, in *meetingInput) (*struct{ Body Ritual }, error) {
	words, err := a.meetings.Ritual(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	if words == nil {
		words = []room.RitualWord{}
	}
	return &struct{ Body Ritual }{Body: Ritual{Words: words}}, nil
}

func (a *API) handleRitualSave(ctx context.Context, in *ritualInput) (*struct{ Body Ritual }, error) {
	if err := a.meetings.SaveRitual(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.Kind, in.Body.To, in.Body.Body); err != nil {
		return nil, err
	}
	return a.handleRitualShow(ctx, &meetingInput{ID: in.ID, Meeting: in.Meeting})
}
