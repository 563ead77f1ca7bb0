package api

import (
	"context"
	"net/http"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/accounts"
)

// Request bodies. Lengths are limited here too so that the document tells
// clients; the account package's checks still decide and word the
// messages.

type signUpRequest struct {
	OrgName  string `json:"org_name" maxLength:"120" doc:"The organisation's name."`
	Name     string `json:"name" maxLength:"120" doc:"Your name."`
	Email    string `json:"email" maxLength:"254" format:"email"`
	Password string `json:"password" maxLength:"256" doc:"At least 10 characters."`
	Timezone string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone; UTC when left out." example:"Europe/Berlin"`
}

type tokenRequest struct {
	Token string `json:"token" maxLength:"200" doc:"The token from the emailed link."`
}

type signInRequest struct {
	Email    string `json:"email" maxLength:"254"`
	Password string `json:"password" maxLength:"256"`
}

type forgotRequest struct {
	Email string `json:"email" maxLength:"254" format:"email"`
}

type resetRequest struct {
	Token    string `json:"token" maxLength:"200" doc:"The token from the emailed link."`
	Password string `json:"password" maxLength:"256" doc:"The new password, at least 10 characters."`
}

type acceptRequest struct {
	Name     string `json:"name" maxLength:"120"`
	Timezone string `json:"timezone" maxLength:"64" example:"Europe/Berlin"`
	Password string `json:"password" maxLength:"256" doc:"At least 10 characters."`
}

// Outputs that sign someone in carry the session cookie.

type signedInOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie" doc:"The session cookie."`
	Body      Person
}

type signedUpOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie" doc:"The session cookie."`
	Body      Account
}

type signedOutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie" doc:"Clears the session cookie."`
}

type messageOutput struct {
	Body Message
}

type linkInput struct {
	Token string `path:"token" maxLength:"200" doc:"The token from the emailed invitation link."`
}

func (a *API) handleSignUp(ctx context.Context, in *struct{ Body signUpRequest }) (*messageOutput, error) {
	b := in.Body
	err := a.accounts.SignUp(ctx, accounts.SignUpInput{OrgName: b.OrgName, Name: b.Name, Email: b.Email, Password: b.Password,
		Timezone: b.Timezone}, requestFrom(ctx).ip)
	if err != nil {
		return nil, err
	}
	return &messageOutput{Body: Message{Message: "Check your email: we have sent a link to continue."}}, nil
}

func (a *API) handleSignUpConfirm(ctx context.Context, in *struct{ Body tokenRequest }) (*signedUpOutput, error) {
	u, err := a.accounts.ConfirmSignUp(ctx, in.Body.Token)
	if err != nil {
		return nil, err
	}
	org, err := a.accounts.Org(ctx, u)
	if err != nil {
		return nil, err
	}
	cookie, err := a.startSession(ctx, u)
	if err != nil {
		return nil, err
	}
	return &signedUpOutput{SetCookie: cookie, Body: Account{User: newPerson(u, u), Org: newOrg(org)}}, nil
}

func (a *API) handleSignIn(ctx context.Context, in *struct{ Body signInRequest }) (*signedInOutput, error) {
	u, err := a.accounts.SignIn(ctx, in.Body.Email, in.Body.Password, requestFrom(ctx).ip)
	if err != nil {
		return nil, err
	}
	cookie, err := a.startSession(ctx, u)
	if err != nil {
		return nil, err
	}
	return &signedInOutput{SetCookie: cookie, Body: newPerson(u, u)}, nil
}

func (a *API) handleSignOut(ctx context.Context, _ *struct{}) (*signedOutOutput, error) {
	id := auth.FromContext(ctx)
	if id.Session == nil {
		return nil, newError(http.StatusForbidden, "Signing out ends a browser session. To stop using an access token, revoke it.", nil)
	}
	if err := a.accounts.EndSession(ctx, id.User, id.Session.ID); err != nil {
		return nil, err
	}
	return &signedOutOutput{SetCookie: a.sessionCookie("", -1)}, nil
}

func (a *API) handlePasswordForgot(ctx context.Context, in *struct{ Body forgotRequest }) (*messageOutput, error) {
	if err := a.accounts.RequestReset(ctx, in.Body.Email, requestFrom(ctx).ip); err != nil {
		return nil, err
	}
	return &messageOutput{Body: Message{Message: "If an account uses that address, we have emailed it a link to reset the password."}}, nil
}

func (a *API) handlePasswordReset(ctx context.Context, in *struct{ Body resetRequest }) (*struct{}, error) {
	if _, err := a.accounts.ResetPassword(ctx, in.Body.Token, in.Body.Password); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleInvitationShow(ctx context.Context, in *linkInput) (*struct{ Body Invitation }, error) {
	u, err := a.accounts.LinkUser(ctx, in.Token, account.PurposeInvite)
	if err != nil {
		return nil, err
	}
	org, err := a.accounts.Org(ctx, u)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Invitation }{Body: Invitation{Name: u.Name, Email: u.Email, OrgName: org.Name}}, nil
}

type acceptInput struct {
	Token string `path:"token" maxLength:"200" doc:"The token from the emailed invitation link."`
	Body  acceptRequest
}

func (a *API) handleInvitationAccept(ctx context.Context, in *acceptInput) (*signedInOutput, error) {
	b := in.Body
	u, err := a.accounts.AcceptInvitation(ctx, in.Token, accounts.AcceptInput{Name: b.Name, Timezone: b.Timezone, Password: b.Password})
	if err != nil {
		return nil, err
	}
	cookie, err := a.startSession(ctx, u)
	if err != nil {
		return nil, err
	}
	return &signedInOutput{SetCookie: cookie, Body: newPerson(u, u)}, nil
}

// startSession signs u in and returns the session cookie.
func (a *API) startSession(ctx context.Context, u *account.User) (http.Cookie, error) {
	r := requestFrom(ctx)
	token, _, err := a.accounts.StartSession(ctx, u, r.userAgent, r.ip)
	if err != nil {
		return http.Cookie{}, err
	}
	return a.sessionCookie(token, int(account.SessionLifetime/time.Second)), nil
}

// sessionCookie is the session cookie with value; maxAge -1 deletes it.
func (a *API) sessionCookie(value string, maxAge int) http.Cookie {
	return http.Cookie{Name: a.cookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode}
}
