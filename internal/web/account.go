package web

import (
	"net/http"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/accounts"
)

// formPage is the data of the simple account forms.
type formPage struct {
	Page
	Token string
	Next  string
	// Invitee is the person an invitation or reset link belongs to.
	Invitee   *account.User
	Timezones []string
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	if auth.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "index", s.page(r, "Peer coaching that becomes a habit"))
}

func (s *Server) handleSignupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", formPage{Page: s.page(r, "Create your organisation"), Timezones: timezones})
}

func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	in := accounts.SignUpInput{OrgName: r.PostFormValue("org_name"), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"), Timezone: r.PostFormValue("timezone")}
	err := s.Accounts.SignUp(r.Context(), in, s.clientIP(r))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			p := s.page(r, "Create your organisation").withErrors(r, pr.Fields, "org_name", "name", "email", "timezone")
			s.render(w, r, pr.status, "signup", formPage{Page: p, Timezones: timezones})
		})
		return
	}
	p := s.page(r, "Check your email")
	p.Form = map[string]string{"email": account.NormalizeEmail(in.Email)}
	s.render(w, r, http.StatusOK, "signup_sent", p)
}

func (s *Server) handleSignupConfirmForm(w http.ResponseWriter, r *http.Request) {
	// Opening the link shows a button rather than acting at once: mail
	// scanners fetch links, and a GET must not create an organisation.
	s.render(w, r, http.StatusOK, "signup_confirm", formPage{Page: s.page(r, "Create your organisation"), Token: r.URL.Query().Get("token")})
}

func (s *Server) handleSignupConfirm(w http.ResponseWriter, r *http.Request) {
	u, err := s.Accounts.ConfirmSignUp(r.Context(), r.PostFormValue("token"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.startSession(w, r, u, "/home", "Welcome to Holdspace. Your organisation is ready: start by bringing your people in.")
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *account.User, next, flash string) {
	token, _, err := s.Accounts.StartSession(r.Context(), u, r.UserAgent(), s.clientIP(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setSession(w, token)
	s.redirect(w, r, next, flash)
}

func (s *Server) handleSigninForm(w http.ResponseWriter, r *http.Request) {
	if auth.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", formPage{Page: s.page(r, "Sign in"), Next: r.URL.Query().Get("next")})
}

func (s *Server) handleSignin(w http.ResponseWriter, r *http.Request) {
	next := r.PostFormValue("next")
	u, err := s.Accounts.SignIn(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), s.clientIP(r))
	if err != nil {
		s.signInForm(w, r, err, func(pr problem) {
			p := s.page(r, "Sign in").withErrors(r, map[string]string{"password": pr.Message}, "email")
			s.render(w, r, pr.status, "signin", formPage{Page: p, Next: next})
		})
		return
	}
	s.startSession(w, r, u, safeNext(next), "")
}

func (s *Server) handleSignout(w http.ResponseWriter, r *http.Request) {
	if id := auth.FromContext(r.Context()); id != nil && id.Session != nil {
		if err := s.Accounts.SignOut(r.Context(), id.User, id.Session.ID); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.clearSession(w)
	s.redirect(w, r, "/signin", "You are signed out.")
}

func (s *Server) handleForgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot", formPage{Page: s.page(r, "Reset your password")})
}

func (s *Server) handleForgot(w http.ResponseWriter, r *http.Request) {
	err := s.Accounts.RequestReset(r.Context(), r.PostFormValue("email"), s.clientIP(r))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			p := s.page(r, "Reset your password").withErrors(r, pr.Fields, "email")
			s.render(w, r, pr.status, "forgot", formPage{Page: p})
		})
		return
	}
	p := s.page(r, "Check your email")
	p.Form = map[string]string{"email": account.NormalizeEmail(r.PostFormValue("email"))}
	s.render(w, r, http.StatusOK, "forgot_sent", p)
}

func (s *Server) handleResetForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	u, err := s.Accounts.LinkUser(r.Context(), token, account.PurposeReset)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset", formPage{Page: s.page(r, "Choose a new password"), Token: token, Invitee: u})
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	u, err := s.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			invitee, lerr := s.Accounts.LinkUser(r.Context(), token, account.PurposeReset)
			if lerr != nil {
				s.Error(w, r, lerr)
				return
			}
			p := s.page(r, "Choose a new password").withErrors(r, pr.Fields)
			s.render(w, r, pr.status, "reset", formPage{Page: p, Token: token, Invitee: invitee})
		})
		return
	}
	s.startSession(w, r, u, "/home", "Your password is changed, and every other session is signed out.")
}

func (s *Server) handleInvitationForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	u, err := s.Accounts.LinkUser(r.Context(), token, account.PurposeInvite)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Join your colleagues")
	p.Form = map[string]string{"name": u.Name, "timezone": u.Timezone}
	org, err := s.Accounts.Org(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Org = org
	s.render(w, r, http.StatusOK, "invitation", formPage{Page: p, Token: token, Invitee: u, Timezones: timezones})
}

func (s *Server) handleInvitation(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	in := accounts.AcceptInput{Name: r.PostFormValue("name"), Timezone: r.PostFormValue("timezone"), Password: r.PostFormValue("password")}
	u, err := s.Accounts.AcceptInvitation(r.Context(), token, in)
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			invitee, lerr := s.Accounts.LinkUser(r.Context(), token, account.PurposeInvite)
			if lerr != nil {
				s.Error(w, r, lerr)
				return
			}
			p := s.page(r, "Join your colleagues").withErrors(r, pr.Fields, "name", "timezone")
			if org, err := s.Accounts.Org(r.Context(), invitee); err == nil {
				p.Org = org
			}
			s.render(w, r, pr.status, "invitation", formPage{Page: p, Token: token, Invitee: invitee, Timezones: timezones})
		})
		return
	}
	s.startSession(w, r, u, "/home", "Welcome, "+account.FirstName(u.Name)+". You're in.")
}
