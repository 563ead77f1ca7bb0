package api

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
)

// Pause is the caller's own pause in a circle: only they read it.
type Pause struct {
	Paused      bool       `json:"paused"`
	PausedUntil *time.Time `json:"paused_until,omitempty" doc:"When the pause ends by itself."`
	Weeks       []int      `json:"weeks" nullable:"false" doc:"The lengths of pause, in weeks, the caller may choose."`
}

type pauseInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Weeks int `json:"weeks" minimum:"1" maximum:"52" doc:"How long to pause, in weeks: from 2 to 12."`
	}
}

func (a *API) pause(ctx context.Context, circleID string) (*struct{ Body Pause }, error) {
	st, err := a.circles.Standing(ctx, auth.UserFromContext(ctx), circleID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Pause }{Body: Pause{Paused: st.PausedUntil != nil, PausedUntil: st.PausedUntil, Weeks: st.Weeks}}, nil
}

func (a *API) handlePauseShow(ctx context.Context, in *circleInput) (*struct{ Body Pause }, error) {
	return a.pause(ctx, in.ID)
}

func (a *API) handlePause(ctx context.Context, in *pauseInput) (*struct{ Body Pause }, error) {
	if _, err := a.circles.Pause(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Weeks); err != nil {
		return nil, err
	}
	return a.pause(ctx, in.ID)
}

func (a *API) handleResume(ctx context.Context, in *circleInput) (*struct{ Body Pause }, error) {
	if err := a.circles.Resume(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return a.pause(ctx, in.ID)
}
