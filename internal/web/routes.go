package web

import (
	"net/http"
	"slices"
)

// routes lists every route of the application in one place.
func (s *Server) routes() http.Handler {
	mux := &patternMux{ServeMux: http.NewServeMux()}
	defer func() { s.patterns = mux.patterns }()

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
	// The weekly digest's unsubscribe link works without signing in: its
	// secret stands for the person. The page asks; only the POST stops it.
	mux.HandleFunc("GET /digest/stop", s.handleDigestStopForm)
	mux.HandleFunc("POST /digest/stop", s.handleDigestStop)

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

	// Programs, opt-in and consent.
	mux.Handle("GET /programs", s.signedIn(s.handleProgramsIndex))
	mux.Handle("GET /programs/{id}", s.signedIn(s.handleProgramShow))
	mux.Handle("GET /programs/{id}/opt-in", s.signedIn(s.handleOptInForm))
	mux.Handle("POST /programs/{id}/opt-in", s.signedIn(s.handleOptInSave))
	mux.Handle("POST /programs/{id}/opt-in/withdraw", s.signedIn(s.handleOptInWithdraw))
	mux.Handle("POST /programs/{id}/opt-in/snooze", s.signedIn(s.handleOptInSnooze))
	mux.Handle("POST /programs/{id}/pair-invitations", s.signedIn(s.handlePairInvite))
	mux.Handle("POST /pair-invitations/{id}/answer", s.signedIn(s.handlePairAnswer))
	mux.Handle("GET /matches", s.signedIn(s.handleMatches))
	mux.Handle("POST /circles/{id}/respond", s.signedIn(s.handleCircleRespond))

	// Circles: the members' own space. Calendar apps fetch the feed with
	// the secret in its address instead of a session.
	mux.HandleFunc("GET /calendar/{file}", s.handleFeed)
	mux.Handle("GET /circles", s.signedIn(s.handleCirclesIndex))
	mux.Handle("GET /circles/{id}", s.signedIn(s.handleCircleShow))
	mux.Handle("GET /circles/{id}/ground-rules", s.signedIn(s.handleCircleRules))
	mux.Handle("POST /circles/{id}/ground-rules", s.signedIn(s.handleCircleRulesAck))
	mux.Handle("GET /circles/{id}/agreement", s.signedIn(s.handleAgreement))
	mux.Handle("POST /circles/{id}/agreement", s.signedIn(s.handleAgreementPropose))
	mux.Handle("POST /circles/{id}/agreement/{version}/consent", s.signedIn(s.handleAgreementConsent))
	mux.Handle("POST /circles/{id}/agreement/{version}/withdraw", s.signedIn(s.handleAgreementWithdraw))
	mux.Handle("POST /circles/{id}/agreement/{version}/comments", s.signedIn(s.handleAgreementComment))
	mux.Handle("GET /circles/{id}/schedule", s.signedIn(s.handleScheduleForm))
	mux.Handle("POST /circles/{id}/schedule", s.signedIn(s.handleScheduleSave))
	mux.Handle("POST /circles/{id}/schedule/clear", s.signedIn(s.handleScheduleClear))
	mux.Handle("POST /circles/{id}/schedule/changes/{change}/undo", s.signedIn(s.handleScheduleUndo))
	mux.Handle("GET /circles/{id}/meetings/{meeting}", s.signedIn(s.handleMeetingICS))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/move", s.signedIn(s.handleMeetingMove))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/cancel", s.signedIn(s.handleMeetingCancel))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/roles", s.signedIn(s.handleMeetingRoles))
	mux.Handle("GET /circles/{id}/meetings/{meeting}/change", s.signedIn(s.handleMeetingChange))
	mux.Handle("GET /circles/{id}/meetings/{meeting}/room", s.signedIn(s.handleRoom))
	mux.Handle("GET /circles/{id}/meetings/{meeting}/room/events", s.signedIn(s.handleRoomEvents))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/command", s.signedIn(s.handleRoomCommand))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/checkin", s.signedIn(s.handleRoomCheckin))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/closing", s.signedIn(s.handleRoomClosing))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/ritual", s.signedIn(s.handleRoomRitual))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/offers", s.signedIn(s.handleRoomOffer))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/offers/{offer}/take", s.signedIn(s.handleRoomTake))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/note", s.signedIn(s.handleRoomNote))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/reflection", s.signedIn(s.handleRoomReflect))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/helping", s.signedIn(s.handleRoomHelp))
	mux.Handle("GET /circles/{id}/format", s.signedIn(s.handleFormat))
	mux.Handle("POST /circles/{id}/format", s.signedIn(s.handleFormatSave))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/room/guests", s.signedIn(s.handleGuestInvite))
	mux.Handle("GET /guest/{token}", s.signedIn(s.handleGuest))
	mux.Handle("POST /guest/{token}", s.signedIn(s.handleGuestAccept))
	mux.Handle("GET /guest/{token}/events", s.signedIn(s.handleGuestEvents))
	mux.Handle("POST /circles/{id}/posts", s.signedIn(s.handlePostCreate))
	mux.Handle("POST /circles/{id}/posts/{post}/delete", s.signedIn(s.handlePostDelete))
	mux.Handle("POST /circles/{id}/commitments", s.signedIn(s.handleCommitmentCreate))
	mux.Handle("POST /circles/{id}/commitments/{commitment}/done", s.signedIn(s.handleCommitmentDone))
	mux.Handle("GET /circles/{id}/commitments/{commitment}", s.signedIn(s.handleCommitmentShow))
	mux.Handle("POST /circles/{id}/commitments/{commitment}/move", s.signedIn(s.handleCommitmentMove))
	mux.Handle("POST /circles/{id}/commitments/{commitment}/let-go", s.signedIn(s.handleCommitmentLetGo))
	mux.Handle("GET /circles/{id}/meetings/{meeting}/rsvp", s.signedIn(s.handleRSVPForm))
	mux.Handle("POST /circles/{id}/meetings/{meeting}/rsvp", s.signedIn(s.handleRSVP))
	mux.Handle("GET /circles/{id}/pulse", s.signedIn(s.handlePulseShow))
	mux.Handle("POST /circles/{id}/pulse", s.signedIn(s.handlePulseAnswer))
	mux.Handle("POST /circles/{id}/pulse/cadence", s.signedIn(s.handlePulseCadence))
	mux.Handle("POST /circles/{id}/pulse/share", s.signedIn(s.handlePulseShare))
	mux.Handle("GET /spread", s.signedIn(s.handleSpreadShow))
	mux.Handle("POST /spread/invite", s.signedIn(s.handleSpreadInvite))
	mux.Handle("POST /spread/ask", s.signedIn(s.handleSpreadAsk))
	mux.Handle("POST /spread/profile", s.signedIn(s.handleSpreadProfile))
	mux.Handle("GET /circles/{id}/fit", s.signedIn(s.handleFitShow))
	mux.Handle("POST /circles/{id}/fit", s.signedIn(s.handleFitAnswer))
	mux.Handle("GET /circles/{id}/next", s.signedIn(s.handleCircleNext))
	mux.Handle("GET /circles/{id}/pause", s.signedIn(s.handlePauseShow))
	mux.Handle("POST /circles/{id}/pause", s.signedIn(s.handlePause))
	mux.Handle("POST /circles/{id}/resume", s.signedIn(s.handleResume))
	mux.Handle("GET /circles/{id}/leave", s.signedIn(s.handleLeaveForm))
	mux.Handle("POST /circles/{id}/leave", s.signedIn(s.handleLeave))
	mux.Handle("POST /profile/calendar", s.signedIn(s.handleFeedReset))
	mux.Handle("POST /profile/calendar/delete", s.signedIn(s.handleFeedDelete))
	mux.Handle("POST /profile/reminders", s.signedIn(s.handleRemindersSave))

	// Each person's private journal: only its owner reaches an entry.
	mux.Handle("GET /journal", s.signedIn(s.handleJournalIndex))
	mux.Handle("POST /journal", s.signedIn(s.handleJournalCreate))
	mux.Handle("GET /journal/{id}/edit", s.signedIn(s.handleJournalEdit))
	mux.Handle("POST /journal/{id}", s.signedIn(s.handleJournalUpdate))
	mux.Handle("POST /journal/{id}/delete", s.signedIn(s.handleJournalDelete))
	mux.Handle("GET /journal/assessments", s.signedIn(s.handleAssessments))
	mux.Handle("GET /journal/assessments/new", s.signedIn(s.handleAssessmentNew))
	mux.Handle("POST /journal/assessments", s.signedIn(s.handleAssessmentCreate))
	mux.Handle("GET /journal/assessments/{id}/edit", s.signedIn(s.handleAssessmentEdit))
	mux.Handle("POST /journal/assessments/{id}/edit", s.signedIn(s.handleAssessmentUpdate))
	mux.Handle("POST /journal/assessments/{id}/delete", s.signedIn(s.handleAssessmentDelete))
	mux.Handle("GET /journal/helping", s.signedIn(s.handleHelping))

	// Learning cards: the author's own at every step, and the lists of
	// each audience.
	mux.Handle("GET /learning", s.signedIn(s.handleLearning))
	mux.Handle("GET /cards", s.signedIn(s.handleCardsIndex))
	mux.Handle("POST /cards", s.signedIn(s.handleCardCreate))
	mux.Handle("GET /cards/{id}", s.signedIn(s.handleCardShow))
	mux.Handle("POST /cards/{id}", s.signedIn(s.handleCardUpdate))
	mux.Handle("POST /cards/{id}/widen", s.signedIn(s.handleCardWiden))
	mux.Handle("POST /cards/{id}/withdraw", s.signedIn(s.handleCardWithdraw))
	mux.Handle("GET /circles/{id}/cards", s.signedIn(s.handleCircleCards))
	mux.Handle("GET /programs/{id}/cards", s.signedIn(s.handleProgramCards))

	// Organisation admins.
	mux.Handle("GET /programs/new", s.admin(s.handleProgramNew))
	mux.Handle("POST /programs", s.admin(s.handleProgramCreate))
	mux.Handle("GET /programs/{id}/edit", s.admin(s.handleProgramEdit))
	mux.Handle("POST /programs/{id}", s.admin(s.handleProgramUpdate))
	mux.Handle("POST /programs/{id}/propose", s.admin(s.handlePropose))
	mux.Handle("POST /programs/{id}/open", s.admin(s.handleProgramOpen))
	mux.Handle("POST /programs/{id}/remind", s.admin(s.handleProgramRemind))
	mux.Handle("POST /programs/{id}/close", s.admin(s.handleProgramClose))
	mux.Handle("GET /rounds/{id}", s.admin(s.handleRoundShow))
	mux.Handle("POST /rounds/{id}/move", s.admin(s.handleRoundMove))
	mux.Handle("POST /rounds/{id}/publish", s.admin(s.handleRoundPublish))
	mux.Handle("POST /circles/{id}/return", s.admin(s.handleReturnToPool))
	mux.Handle("GET /ground-rules", s.admin(s.handleGroundRules))
	mux.Handle("POST /ground-rules", s.admin(s.handleGroundRulesSave))
	mux.Handle("GET /topics", s.admin(s.handleTopics))
	mux.Handle("GET /pulse", s.admin(s.handlePulseAdmin))
	mux.Handle("GET /dashboard", s.admin(s.handleDashboard))
	mux.Handle("GET /dashboard.csv", s.admin(s.handleDashboardCSV))
	mux.Handle("POST /topics", s.admin(s.handleTopicCreate))
	mux.Handle("POST /topics/delete", s.admin(s.handleTopicDelete))
	mux.Handle("GET /people/invite", s.admin(s.handleInviteForm))
	mux.Handle("POST /people/invite", s.admin(s.handleInvite))
	mux.Handle("GET /people/import", s.admin(s.handleImportForm))
	mux.Handle("POST /people/import", s.admin(s.handleImportPreview))
	mux.Handle("POST /people/import/confirm", s.admin(s.handleImport))
	mux.Handle("POST /people/{id}/resend", s.admin(s.handleInviteResend))
	mux.Handle("POST /people/{id}/role", s.admin(s.handleRoleChange))
	mux.Handle("GET /people/{id}/edit", s.admin(s.handlePersonEditForm))
	mux.Handle("POST /people/{id}/edit", s.admin(s.handlePersonEdit))
	mux.Handle("POST /people/{id}/deactivate", s.admin(s.handlePersonDeactivate))
	mux.Handle("POST /people/{id}/reactivate", s.admin(s.handlePersonReactivate))
	mux.Handle("POST /people/invitations/release", s.admin(s.handleHeldRelease))

	// The JSON API and its OpenAPI document.
	if s.API != nil {
		mux.Handle("/api/v1/", s.API)
	}

	mux.HandleFunc("/", s.notFound)

	csrf := http.NewCrossOriginProtection()
	routed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		if pattern != "" {
			requestInfo(r.Context()).route = pattern
		}
		if !s.acceptInput(w, r, pattern) {
			return
		}
		mux.ServeHTTP(w, r)
	})
	return s.observe(s.secure(csrf.Handler(s.identify(routed))))
}

// Routes returns the pattern of every route, in the order routes
// registers them, so that tests can check each one.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }

// patternMux is a ServeMux that remembers the patterns registered on it.
type patternMux struct {
	*http.ServeMux
	patterns []string
}

func (m *patternMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *patternMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}
