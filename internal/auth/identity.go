package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/store"
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

// CookieName is the session cookie. The __Host- prefix is used behind TLS.
func CookieName(secure bool) string {
	if secure {
		return "__Host-holdspace_session"
	}
	return "holdspace_session"
}

// Identify finds who sent r: a bearer token wins over a session cookie. It
// returns nil without error when neither is present or valid.
func (s *Service) Identify(r *http.Request, cookieName string) (*Identity, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
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
		return &Identity{User: u}, nil
	}
	c, err := r.Cookie(cookieName)
	if err != nil || !strings.HasPrefix(c.Value, account.SessionPrefix) {
		return nil, nil
	}
	sess, u, err := s.DB.FindSession(ctx, account.HashToken(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Identity{User: u, Session: sess}, nil
}
