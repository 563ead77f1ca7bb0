package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/accounts"
)

type profileUpdate struct {
	Name     *string `json:"name,omitempty" maxLength:"120"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone." example:"Europe/Berlin"`
}

type passwordChange struct {
	CurrentPassword string `json:"current_password" maxLength:"256"`
	NewPassword     string `json:"new_password" maxLength:"256" doc:"At least 10 characters."`
}

type tokenCreate struct {
	Name string `json:"name" maxLength:"120" doc:"What the token is for, to recognise it later."`
}

type idInput struct {
	ID string `path:"id" maxLength:"100"`
}

type personOutput struct {
	Body Person
}

// The middleware of signed-in operations guarantees an identity.

func (a *API) handleMeShow(ctx context.Context, _ *struct{}) (*personOutput, error) {
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), auth.UserFromContext(ctx))}, nil
}

func (a *API) handleMeUpdate(ctx context.Context, in *struct{ Body profileUpdate }) (*personOutput, error) {
	u := auth.UserFromContext(ctx)
	updated, err := a.accounts.UpdateProfile(ctx, u, accounts.ProfileUpdate{Name: in.Body.Name, Timezone: in.Body.Timezone})
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(updated, updated)}, nil
}

func (a *API) handlePasswordChange(ctx context.Context, in *struct{ Body passwordChange }) (*struct{}, error) {
	id := auth.FromContext(ctx)
	keep := ""
	if id.Session != nil {
		keep = id.Session.ID
	}
	if err := a.accounts.ChangePassword(ctx, id.User, keep, in.Body.CurrentPassword, in.Body.NewPassword); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

type sessionList struct {
	Sessions []Session `json:"sessions" nullable:"false"`
}

func (a *API) handleSessionList(ctx context.Context, _ *struct{}) (*struct{ Body sessionList }, error) {
	id := auth.FromContext(ctx)
	ss, err := a.accounts.Sessions(ctx, id.User)
	if err != nil {
		return nil, err
	}
	current := ""
	if id.Session != nil {
		current = id.Session.ID
	}
	return &struct{ Body sessionList }{Body: sessionList{Sessions: newSessions(ss, current)}}, nil
}

func (a *API) handleSessionRevoke(ctx context.Context, in *idInput) (*struct{}, error) {
	u := auth.UserFromContext(ctx)
	if err := a.accounts.EndSession(ctx, u, in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

type tokenList struct {
	Tokens []Token `json:"tokens" nullable:"false"`
}

func (a *API) handleTokenList(ctx context.Context, _ *struct{}) (*struct{ Body tokenList }, error) {
	u := auth.UserFromContext(ctx)
	ts, err := a.accounts.Tokens(ctx, u)
	if err != nil {
		return nil, err
	}
	return &struct{ Body tokenList }{Body: tokenList{Tokens: newTokens(ts)}}, nil
}

func (a *API) handleTokenCreate(ctx context.Context, in *struct{ Body tokenCreate }) (*struct{ Body NewToken }, error) {
	secret, t, err := a.accounts.CreateToken(ctx, auth.UserFromContext(ctx), in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &struct{ Body NewToken }{Body: NewToken{Token: newToken(t), Secret: secret}}, nil
}

func (a *API) handleTokenRevoke(ctx context.Context, in *idInput) (*struct{}, error) {
	u := auth.UserFromContext(ctx)
	if err := a.accounts.RevokeToken(ctx, u, in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
