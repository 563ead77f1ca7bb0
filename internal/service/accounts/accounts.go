// Package accounts is how a person comes into Holdspace and keeps their
// account: signing up an organisation, accepting an invitation, signing in
// and out, resetting and changing a password, the profile, sessions and
// personal access tokens, and identifying who sent a request. Both the web
// app and the JSON API call it, so the rules live in one place.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the account flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Limiter *Limiter
	Logger  *slog.Logger
}

// link returns an absolute URL on this instance.
func (s *Service) link(path string, q url.Values) string {
	u := *s.BaseURL
	u.Path = path
	u.RawQuery = q.Encode()
	return u.String()
}

// SignUpInput is what the sign-up form asks for.
type SignUpInput struct {
	OrgName  string `json:"org_name"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Timezone string `json:"timezone"`
}

// Validate normalises and checks the input.
func (in *SignUpInput) Validate() error {
	var v account.Validator
	in.OrgName, in.Name = strings.TrimSpace(in.OrgName), strings.TrimSpace(in.Name)
	in.Email = account.NormalizeEmail(in.Email)
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	account.CheckName(&v, "org_name", in.OrgName)
	account.CheckName(&v, "name", in.Name)
	account.CheckEmail(&v, "email", in.Email)
	account.CheckPassword(&v, "password", in.Password)
	account.CheckTimezone(&v, "timezone", in.Timezone)
	return v.Err()
}

// SignUp emails a confirmation link that creates the organisation. When the
// address already has an account, that account's owner is told instead;
// the caller sees the same answer either way.
func (s *Service) SignUp(ctx context.Context, in SignUpInput, ip string) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if !s.Limiter.Allow("signup-ip:" + ip) {
		return auth.ErrRateLimited
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return err
	}
	existing, err := s.DB.FindUserByEmail(ctx, in.Email)
	switch {
	case err == nil:
		return s.DB.Enqueue(ctx, queue.Mail(mail.AlreadyRegistered(existing.Email, existing.Name,
			s.link("/signin", nil), s.link("/password/forgot", nil))))
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	token := account.NewToken(account.LinkPrefix)
	msg := mail.SignupConfirm(in.Email, in.Name, in.OrgName, s.link("/signup/confirm", url.Values{"token": {token}}))
	return s.DB.CreateSignup(ctx, account.Signup{OrgName: in.OrgName, Name: in.Name, Email: in.Email,
		PasswordHash: hash, Timezone: in.Timezone}, account.HashToken(token), queue.Mail(msg))
}

// ConfirmSignUp creates the organisation behind a sign-up link.
func (s *Service) ConfirmSignUp(ctx context.Context, token string) (*account.User, error) {
	return s.DB.ConfirmSignup(ctx, account.HashToken(token))
}

// SignIn checks an email and password. Attempts are limited per address and
// per client IP.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*account.User, error) {
	email = account.NormalizeEmail(email)
	if !s.Limiter.Allow("signin-ip:"+ip) || !s.Limiter.Allow("signin-account:"+email) {
		return nil, auth.ErrRateLimited
	}
	u, err := s.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		account.WasteTime(password)
		return nil, auth.ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.Deactivated() {
		account.WasteTime(password)
		return nil, auth.ErrBadCredentials
	}
	// A person removed since they were found has no password either.
	hash, err := s.DB.FindPasswordHash(ctx, u.OrgID, u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if hash == "" {
		account.WasteTime(password)
		return nil, auth.ErrBadCredentials
	}
	ok, err := account.VerifyPassword(hash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if !ok {
		return nil, auth.ErrBadCredentials
	}
	return u, nil
}

// StartSession signs u in and returns the secret for the session cookie.
func (s *Service) StartSession(ctx context.Context, u *account.User, userAgent, ip string) (string, *account.Session, error) {
	token := account.NewToken(account.SessionPrefix)
	sess, err := s.DB.CreateSession(ctx, u, account.HashToken(token), userAgent, ip)
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// RequestReset emails a password-reset link when the address has an
// account. The caller answers the same either way.
func (s *Service) RequestReset(ctx context.Context, email, ip string) error {
	email = account.NormalizeEmail(email)
	var v account.Validator
	account.CheckEmail(&v, "email", email)
	if err := v.Err(); err != nil {
		return err
	}
	if !s.Limiter.Allow("reset-ip:"+ip) || !s.Limiter.Allow("reset-account:"+email) {
		return auth.ErrRateLimited
	}
	u, err := s.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token := account.NewToken(account.LinkPrefix)
	msg := mail.PasswordReset(u.Email, u.Name, s.link("/password/reset", url.Values{"token": {token}}))
	return s.DB.CreateLink(ctx, u.OrgID, u.ID, account.PurposeReset, account.HashToken(token), queue.Mail(msg))
}

// LinkUser returns the person behind a valid emailed link.
func (s *Service) LinkUser(ctx context.Context, token string, purpose account.Purpose) (*account.User, error) {
	return s.DB.FindLinkUser(ctx, account.HashToken(token), purpose)
}

// ResetPassword uses a reset link. Every session of the person ends and
// every personal access token is revoked, since whoever knew the old
// password may have made them; an email tells the person so.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*account.User, error) {
	var v account.Validator
	account.CheckPassword(&v, "password", password)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return nil, err
	}
	return s.DB.ResetPassword(ctx, account.HashToken(token), hash, func(u *account.User) store.Job {
		return queue.Mail(mail.PasswordChanged(u.Email, u.Name, s.link("/password/forgot", nil), false))
	})
}

// AcceptInput is what a person sets when they accept an invitation.
type AcceptInput struct {
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
	Password string `json:"password"`
}

// AcceptInvitation activates an invited person.
func (s *Service) AcceptInvitation(ctx context.Context, token string, in AcceptInput) (*account.User, error) {
	var v account.Validator
	in.Name = strings.TrimSpace(in.Name)
	account.CheckName(&v, "name", in.Name)
	account.CheckTimezone(&v, "timezone", in.Timezone)
	account.CheckPassword(&v, "password", in.Password)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	return s.DB.AcceptInvitation(ctx, account.HashToken(token), in.Name, in.Timezone, hash)
}

// ChangePassword sets a new password after checking the current one. The
// session it is made in (keepSessionID, empty for a request made with an
// access token) stays signed in: its owner just proved the current
// password there. Every other session ends and every personal access
// token is revoked, and an email tells the person so.
func (s *Service) ChangePassword(ctx context.Context, u *account.User, keepSessionID, current, next string) error {
	var v account.Validator
	// The hash is read here, not carried with the signed-in person, and the
	// change applies only while it is still the current one.
	was, err := s.DB.FindPasswordHash(ctx, u.OrgID, u.ID)
	if err != nil {
		return err
	}
	ok, err := account.VerifyPassword(was, current)
	if err != nil {
		return err
	}
	v.Check(ok, "current_password", "This is not your current password.")
	account.CheckPassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := account.HashPassword(next)
	if err != nil {
		return err
	}
	msg := mail.PasswordChanged(u.Email, u.Name, s.link("/password/forgot", nil), keepSessionID != "")
	return s.DB.ChangePassword(ctx, u.OrgID, u.ID, keepSessionID, was, hash, queue.Mail(msg))
}

// CreateToken makes a personal access token and returns its secret, which
// is shown once.
func (s *Service) CreateToken(ctx context.Context, u *account.User, name string) (string, *account.Token, error) {
	secret := account.NewToken(account.APIPrefix)
	t, err := s.DB.CreateToken(ctx, u, strings.TrimSpace(name), secret[:len(account.APIPrefix)+6], account.HashToken(secret))
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Identify finds who sent a request from its Authorization header and
// its session cookie's value: a bearer token wins over a session cookie. It
// returns nil without error when neither is present or valid.
func (s *Service) Identify(ctx context.Context, authorization, cookie string) (*auth.Identity, error) {
	if h := authorization; h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(tok, account.APIPrefix) {
			return nil, nil
		}
		u, err := s.DB.FindTokenUser(ctx, account.HashToken(strings.TrimSpace(tok)))
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &auth.Identity{User: u}, nil
	}
	if !strings.HasPrefix(cookie, account.SessionPrefix) {
		return nil, nil
	}
	sess, u, err := s.DB.FindSession(ctx, account.HashToken(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &auth.Identity{User: u, Session: sess}, nil
}
