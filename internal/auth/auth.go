// Package auth is how people come into Holdspace: signing up an
// organisation, signing in and out, resetting a password, inviting and
// importing people, sessions and personal access tokens. Both the web app
// and the JSON API call it, so the rules live in one place.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/store"
)

// Errors that callers show to people.
var (
	// ErrBadCredentials is the one answer to every failed sign-in, so that
	// it does not tell whether an address has an account.
	ErrBadCredentials = errors.New("that email and password do not match an account")
	// ErrRateLimited means too many attempts in a short time.
	ErrRateLimited = errors.New("too many attempts; wait a minute and try again")
	// ErrUnauthenticated means no valid session or token came with a request.
	ErrUnauthenticated = errors.New("sign in to continue")
	// ErrForbidden means the person may not do this.
	ErrForbidden = errors.New("you do not have access to this")
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
		return ErrRateLimited
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return err
	}
	existing, err := s.DB.FindUserByEmail(ctx, in.Email)
	switch {
	case err == nil:
		return s.DB.SendMail(ctx, mail.AlreadyRegistered(existing.Email, existing.Name,
			s.link("/signin", nil), s.link("/password/forgot", nil)))
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	token := account.NewToken(account.LinkPrefix)
	msg := mail.SignupConfirm(in.Email, in.Name, in.OrgName, s.link("/signup/confirm", url.Values{"token": {token}}))
	return s.DB.CreateSignup(ctx, account.Signup{OrgName: in.OrgName, Name: in.Name, Email: in.Email,
		PasswordHash: hash, Timezone: in.Timezone}, account.HashToken(token), msg)
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
		return nil, ErrRateLimited
	}
	u, err := s.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		account.WasteTime(password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" {
		account.WasteTime(password)
		return nil, ErrBadCredentials
	}
	ok, err := account.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if !ok {
		return nil, ErrBadCredentials
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
		return ErrRateLimited
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
	return s.DB.CreateLink(ctx, u.OrgID, u.ID, account.PurposeReset, account.HashToken(token), msg)
}

// LinkUser returns the person behind a valid emailed link.
func (s *Service) LinkUser(ctx context.Context, token string, purpose account.Purpose) (*account.User, error) {
	return s.DB.FindLinkUser(ctx, account.HashToken(token), purpose)
}

// ResetPassword uses a reset link. Every session of the person ends.
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
	return s.DB.ResetPassword(ctx, account.HashToken(token), hash)
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

// ChangePassword sets a new password after checking the current one, and
// signs out every other session.
func (s *Service) ChangePassword(ctx context.Context, u *account.User, keepSessionID, current, next string) error {
	var v account.Validator
	ok, err := account.VerifyPassword(u.PasswordHash, current)
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
	return s.DB.ChangePassword(ctx, u.OrgID, u.ID, keepSessionID, hash)
}

// invite builds a fresh invitation link and its email for u.
func (s *Service) invite(inviter *account.User, orgName, email, name string) store.Invite {
	token := account.NewToken(account.LinkPrefix)
	link := s.link("/invitation", url.Values{"token": {token}})
	return store.Invite{TokenHash: account.HashToken(token), Message: mail.Invitation(email, name, inviter.Name, orgName, link)}
}

// Invite adds one person to the admin's organisation and emails them.
func (s *Service) Invite(ctx context.Context, admin *account.User, p store.NewPerson) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, ErrForbidden
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	return s.DB.InvitePerson(ctx, admin.OrgID, p, s.invite(admin, org.Name, p.Email, p.Name))
}

// ResendInvitation emails an invited person a new link.
func (s *Service) ResendInvitation(ctx context.Context, admin *account.User, userID string) error {
	if !admin.IsAdmin() {
		return ErrForbidden
	}
	u, err := s.DB.FindUserByID(ctx, admin.OrgID, userID)
	if err != nil {
		return err
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return err
	}
	return s.DB.ResendInvitation(ctx, admin.OrgID, userID, s.invite(admin, org.Name, u.Email, u.Name))
}

// PreviewImport checks a CSV file against the admin's organisation without
// writing anything.
func (s *Service) PreviewImport(ctx context.Context, admin *account.User, csv []byte) (*people.Preview, error) {
	if !admin.IsAdmin() {
		return nil, ErrForbidden
	}
	existing, err := s.DB.FindExistingPeople(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	return people.Parse(strings.NewReader(string(csv)), existing), nil
}

// ErrImportProblems means the file still has problems; nothing was written.
var ErrImportProblems = errors.New("the file has problems; nothing was imported")

// Import checks a CSV file again and, when it has no problems, adds its
// people in one transaction and invites them. It returns the preview so a
// caller can show the problems when there are any.
func (s *Service) Import(ctx context.Context, admin *account.User, csv []byte) (*people.Preview, []account.User, error) {
	p, err := s.PreviewImport(ctx, admin, csv)
	if err != nil {
		return nil, nil, err
	}
	if !p.OK() {
		return p, nil, ErrImportProblems
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return p, nil, err
	}
	invites := make([]store.Invite, len(p.Rows))
	for i, r := range p.Rows {
		invites[i] = s.invite(admin, org.Name, r.Email, r.Name)
	}
	users, err := s.DB.ImportPeople(ctx, admin.OrgID, p.Rows, invites)
	return p, users, err
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
