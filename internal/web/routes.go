package web

import "net/http"

// routes lists every route of the application in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Operations.
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /static/{hash}/{name}", s.handleStatic)

	// Public pages and account flows.
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /signup", s.handleSignupForm)
	mux.HandleFunc("POST /signup", s.handleSignup)
	mux.HandleFunc("GET /signup/confirm", s.handleSignupConfirmForm)
	mux.HandleFunc("POST /signup/confirm", s.handleSignupConfirm)
	mux.HandleFunc("GET /signin", s.handleSigninForm)
	mux.HandleFunc("POST /signin", s.handleSignin)
	mux.HandleFunc("POST /signout", s.handleSignout)
	mux.HandleFunc("GET /password/forgot", s.handleForgotForm)
	mux.HandleFunc("POST /password/forgot", s.handleForgot)
	mux.HandleFunc("GET /password/reset", s.handleResetForm)
	mux.HandleFunc("POST /password/reset", s.handleReset)
	mux.HandleFunc("GET /invitation", s.handleInvitationForm)
	mux.HandleFunc("POST /invitation", s.handleInvitation)

	// Signed in.
	mux.Handle("GET /home", s.signedIn(s.handleHome))
	mux.Handle("GET /people", s.signedIn(s.handlePeopleIndex))
	mux.Handle("GET /people/chart", s.signedIn(s.handlePeopleChart))
	mux.Handle("GET /people/{id}", s.signedIn(s.handlePersonShow))
	mux.Handle("GET /profile", s.signedIn(s.handleProfile))
	mux.Handle("POST /profile", s.signedIn(s.handleProfileUpdate))
	mux.Handle("POST /profile/password", s.signedIn(s.handlePasswordChange))
	mux.Handle("POST /profile/tokens", s.signedIn(s.handleTokenCreate))
	mux.Handle("POST /profile/tokens/{id}/delete", s.signedIn(s.handleTokenDelete))
	mux.Handle("POST /profile/sessions/{id}/delete", s.signedIn(s.handleSessionDelete))

	// Organisation admins.
	mux.Handle("GET /people/invite", s.admin(s.handleInviteForm))
	mux.Handle("POST /people/invite", s.admin(s.handleInvite))
	mux.Handle("GET /people/import", s.admin(s.handleImportForm))
	mux.Handle("POST /people/import", s.admin(s.handleImportPreview))
	mux.Handle("POST /people/import/confirm", s.admin(s.handleImport))
	mux.Handle("POST /people/{id}/resend", s.admin(s.handleInviteResend))
	mux.Handle("POST /people/{id}/role", s.admin(s.handleRoleChange))

	// The JSON API and its OpenAPI document.
	if s.API != nil {
		mux.Handle("/api/v1/", s.API)
	}

	mux.HandleFunc("/", s.notFound)

	csrf := http.NewCrossOriginProtection()
	return s.observe(s.secure(csrf.Handler(s.identify(mux))))
}
