package web

import (
	"net/http"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/store"
)

type profilePage struct {
	Page
	Sessions  []account.Session
	CurrentID string
	Tokens    []account.Token
	// NewToken is a token's secret, shown once right after it is made.
	NewToken  string
	Timezones []string
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request) {
	s.renderProfile(w, r, http.StatusOK, s.page(r, "Your profile"), "")
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, p Page, newToken string) {
	id := auth.FromContext(r.Context())
	sessions, err := s.DB.FindSessions(r.Context(), id.User.OrgID, id.User.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	tokens, err := s.DB.FindTokens(r.Context(), id.User.OrgID, id.User.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := profilePage{Page: p, Sessions: sessions, Tokens: tokens, NewToken: newToken, Timezones: timezones}
	if id.Session != nil {
		data.CurrentID = id.Session.ID
	}
	data.Nav = "profile"
	s.render(w, r, status, "profile", data)
}

func (s *Server) handleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	name, tz := r.PostFormValue("name"), r.PostFormValue("timezone")
	_, err := s.DB.UpdateUser(r.Context(), u.OrgID, u.ID, store.UserUpdate{Name: &name, Timezone: &tz})
	if f, ok := account.AsValidation(err); ok {
		s.renderProfile(w, r, http.StatusUnprocessableEntity, s.page(r, "Your profile").withErrors(r, f, "name", "timezone"), "")
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "Profile saved.")
}

func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	id := auth.FromContext(r.Context())
	keep := ""
	if id.Session != nil {
		keep = id.Session.ID
	}
	err := s.Auth.ChangePassword(r.Context(), id.User, keep, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if f, ok := account.AsValidation(err); ok {
		s.renderProfile(w, r, http.StatusUnprocessableEntity, s.page(r, "Your profile").withErrors(r, f), "")
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "Password changed. Your other sessions are signed out.")
}

func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	secret, _, err := s.Auth.CreateToken(r.Context(), u, r.PostFormValue("token_name"))
	if f, ok := account.AsValidation(err); ok {
		s.renderProfile(w, r, http.StatusUnprocessableEntity, s.page(r, "Your profile").withErrors(r, map[string]string{"token_name": f["name"]}, "token_name"), "")
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The secret is shown on this response only; it is never stored.
	p := s.page(r, "Your profile")
	p.Flash = "Token created. Copy it now: it will not be shown again."
	s.renderProfile(w, r, http.StatusCreated, p, secret)
}

func (s *Server) handleTokenDelete(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.DB.DeleteToken(r.Context(), u.OrgID, u.ID, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "Token revoked.")
}

func (s *Server) handleSessionDelete(w http.ResponseWriter, r *http.Request) {
	id := auth.FromContext(r.Context())
	if err := s.DB.DeleteSession(r.Context(), id.User.OrgID, id.User.ID, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	if id.Session != nil && id.Session.ID == r.PathValue("id") {
		s.clearSession(w)
		s.redirect(w, r, "/signin", "You are signed out.")
		return
	}
	s.redirect(w, r, "/profile", "That session is signed out.")
}
