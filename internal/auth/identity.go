// Package auth carries who made a request through its context, and the
// errors that say a request lacks the right to go on.
package auth

import (
	"context"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Errors that callers show to people.
var (
	// ErrBadCredentials is the one answer to every failed sign-in, so that
	// it does not tell whether an address has an account.
	ErrBadCredentials = fault.New(fault.BadCredentials, "That email and password do not match an account.")
	// ErrRateLimited means too many attempts in a short time. Each
	// transport words it.
	ErrRateLimited = &fault.Error{Kind: fault.RateLimited}
	// ErrUnauthenticated means no valid session or token came with a request.
	ErrUnauthenticated = &fault.Error{Kind: fault.Unauthenticated}
	// ErrForbidden means the person may not do this.
	ErrForbidden = &fault.Error{Kind: fault.Forbidden}
)

// Identity is who made a request.
type Identity struct {
	User *account.User
	// Session is the browser session, or nil when a token was used.
	Session *account.Session
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity of the request, or nil.
func FromContext(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}

// UserFromContext returns the signed-in person, or nil.
func UserFromContext(ctx context.Context) *account.User {
	if id := FromContext(ctx); id != nil {
		return id.User
	}
	return nil
}

// RequireAdmin refuses anyone but an admin of their organisation.
func RequireAdmin(u *account.User) error {
	if !u.IsAdmin() {
		return ErrForbidden
	}
	return nil
}

// CookieName is the session cookie. The __Host- prefix is used behind TLS.
func CookieName(secure bool) string {
	if secure {
		return "__Host-holdspace_session"
	}
	return "holdspace_session"
}
