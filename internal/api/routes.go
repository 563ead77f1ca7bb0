package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/holdspace/holdspace/internal/people"
)

// routes lists every operation of the API in one place. Paths are relative
// to Prefix.
func (a *API) routes() {
	// Coming in: no identity needed. None of these tells whether an email
	// address has an account.
	register(a, public, huma.Operation{OperationID: "sign-up", Method: http.MethodPost, Path: "/signup",
		Tags: []string{tagAccount}, Summary: "Sign up an organisation",
		Description:   "Emails a link that creates the organisation and its first admin. The answer is the same whether or not the address already has an account.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusTooManyRequests}}, a.handleSignUp)
	register(a, public, huma.Operation{OperationID: "confirm-sign-up", Method: http.MethodPost, Path: "/signup/confirm",
		Tags: []string{tagAccount}, Summary: "Confirm a sign-up",
		Description:   "Creates the organisation from the emailed link's token and signs its admin in (sets the session cookie).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusGone}}, a.handleSignUpConfirm)
	register(a, public, huma.Operation{OperationID: "sign-in", Method: http.MethodPost, Path: "/session",
		Tags: []string{tagAccount}, Summary: "Sign in",
		Description: "Checks the email and password and sets the session cookie. Attempts are limited per address and per client.",
		Errors:      []int{http.StatusTooManyRequests}}, a.handleSignIn)
	register(a, signedIn, huma.Operation{OperationID: "sign-out", Method: http.MethodDelete, Path: "/session",
		Tags: []string{tagAccount}, Summary: "Sign out",
		Description: "Ends the session of the cookie the request came with. Requests made with an access token get 403: revoke the token instead."},
		a.handleSignOut)
	register(a, public, huma.Operation{OperationID: "request-password-reset", Method: http.MethodPost, Path: "/password/forgot",
		Tags: []string{tagAccount}, Summary: "Ask for a password-reset link",
		Description:   "Emails a reset link when the address has an account; the answer is the same either way.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusTooManyRequests}}, a.handlePasswordForgot)
	register(a, public, huma.Operation{OperationID: "reset-password", Method: http.MethodPost, Path: "/password/reset",
		Tags: []string{tagAccount}, Summary: "Reset a password",
		Description: "Sets a new password with the emailed link's token, signs out every session of that person and revokes every personal access token they made.",
		Errors:      []int{http.StatusGone}}, a.handlePasswordReset)
	register(a, public, huma.Operation{OperationID: "get-invitation", Method: http.MethodGet, Path: "/invitations/{token}",
		Tags: []string{tagAccount}, Summary: "Show an invitation",
		Errors: []int{http.StatusGone}}, a.handleInvitationShow)
	register(a, public, huma.Operation{OperationID: "accept-invitation", Method: http.MethodPost, Path: "/invitations/{token}/accept",
		Tags: []string{tagAccount}, Summary: "Accept an invitation",
		Description: "The invited person chooses their name, time zone and password and is signed in (sets the session cookie).",
		Errors:      []int{http.StatusGone}}, a.handleInvitationAccept)

	// The signed-in person.
	register(a, signedIn, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/me",
		Tags: []string{tagProfile}, Summary: "Show my profile"}, a.handleMeShow)
	register(a, signedIn, huma.Operation{OperationID: "update-me", Method: http.MethodPatch, Path: "/me",
		Tags: []string{tagProfile}, Summary: "Change my name or time zone",
		Description: "Fields left out stay as they are."}, a.handleMeUpdate)
	register(a, signedIn, huma.Operation{OperationID: "change-password", Method: http.MethodPost, Path: "/me/password",
		Tags: []string{tagProfile}, Summary: "Change my password",
		Description: "Signs out every other session (with an access token, every session), revokes every personal access token, the one used included, and emails the person that it did. " +
			"409 if the password was changed meanwhile, so the current password given is no longer current.",
		Errors: []int{http.StatusConflict}}, a.handlePasswordChange)
	register(a, signedIn, huma.Operation{OperationID: "list-sessions", Method: http.MethodGet, Path: "/me/sessions",
		Tags: []string{tagProfile}, Summary: "List my signed-in sessions"}, a.handleSessionList)
	register(a, signedIn, huma.Operation{OperationID: "revoke-session", Method: http.MethodDelete, Path: "/me/sessions/{id}",
		Tags: []string{tagProfile}, Summary: "Sign out one of my sessions",
		Errors: []int{http.StatusNotFound}}, a.handleSessionRevoke)
	register(a, signedIn, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/me/tokens",
		Tags: []string{tagProfile}, Summary: "List my access tokens"}, a.handleTokenList)
	register(a, signedIn, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/me/tokens",
		Tags: []string{tagProfile}, Summary: "Create an access token",
		Description:   "The answer carries the token's secret, which is never shown again.",
		DefaultStatus: http.StatusCreated}, a.handleTokenCreate)
	register(a, signedIn, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/me/tokens/{id}",
		Tags: []string{tagProfile}, Summary: "Revoke an access token",
		Errors: []int{http.StatusNotFound}}, a.handleTokenRevoke)

	// The caller's own private journal. There is no route to anyone
	// else's: another person's entry is not found, for admins too.
	register(a, signedIn, huma.Operation{OperationID: "list-journal", Method: http.MethodGet, Path: "/me/journal",
		Tags: []string{tagJournal}, Summary: "List or search my journal",
		Description: "My entries and my reflections after meetings, newest first; with q, those holding every word of it."}, a.handleJournalList)
	register(a, signedIn, huma.Operation{OperationID: "list-journal-prompts", Method: http.MethodGet, Path: "/me/journal/prompts",
		Tags: []string{tagJournal}, Summary: "List the prompts an entry may be written on"}, a.handleJournalPrompts)
	register(a, signedIn, huma.Operation{OperationID: "create-journal-entry", Method: http.MethodPost, Path: "/me/journal",
		Tags: []string{tagJournal}, Summary: "Write an entry in my journal",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity}}, a.handleJournalCreate)
	register(a, signedIn, huma.Operation{OperationID: "get-journal-entry", Method: http.MethodGet, Path: "/me/journal/{id}",
		Tags: []string{tagJournal}, Summary: "Show an entry of my journal",
		Errors: []int{http.StatusNotFound}}, a.handleJournalShow)
	register(a, signedIn, huma.Operation{OperationID: "update-journal-entry", Method: http.MethodPut, Path: "/me/journal/{id}",
		Tags: []string{tagJournal}, Summary: "Rewrite an entry of my journal",
		Description: "Send the version the entry was read at; if it changed since, the answer is 409 and nothing is saved.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}}, a.handleJournalUpdate)
	register(a, signedIn, huma.Operation{OperationID: "delete-journal-entry", Method: http.MethodDelete, Path: "/me/journal/{id}",
		Tags: []string{tagJournal}, Summary: "Delete an entry of my journal",
		Errors: []int{http.StatusNotFound}}, a.handleJournalDelete)

	// The caller's own self-assessments and helping pattern, sealed like
	// the journal and read by the caller alone.
	register(a, signedIn, huma.Operation{OperationID: "list-self-assessments", Method: http.MethodGet, Path: "/me/assessments",
		Tags: []string{tagJournal}, Summary: "List my self-assessments",
		Description: "Oldest first, with whether a new one is suggested (three months after the last)."}, a.handleAssessmentList)
	register(a, signedIn, huma.Operation{OperationID: "list-capabilities", Method: http.MethodGet, Path: "/me/assessments/capabilities",
		Tags: []string{tagJournal}, Summary: "List the capabilities a self-assessment may pick"}, a.handleCapabilities)
	register(a, signedIn, huma.Operation{OperationID: "create-self-assessment", Method: http.MethodPost, Path: "/me/assessments",
		Tags: []string{tagJournal}, Summary: "Take a self-assessment",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity}}, a.handleAssessmentCreate)
	register(a, signedIn, huma.Operation{OperationID: "get-self-assessment", Method: http.MethodGet, Path: "/me/assessments/{id}",
		Tags: []string{tagJournal}, Summary: "Show one of my self-assessments",
		Errors: []int{http.StatusNotFound}}, a.handleAssessmentShow)
	register(a, signedIn, huma.Operation{OperationID: "update-self-assessment", Method: http.MethodPut, Path: "/me/assessments/{id}",
		Tags: []string{tagJournal}, Summary: "Change one of my self-assessments",
		Description: "Send the version it was read at; if it changed since, the answer is 409 and nothing is saved.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}}, a.handleAssessmentUpdate)
	register(a, signedIn, huma.Operation{OperationID: "delete-self-assessment", Method: http.MethodDelete, Path: "/me/assessments/{id}",
		Tags: []string{tagJournal}, Summary: "Delete one of my self-assessments",
		Errors: []int{http.StatusNotFound}}, a.handleAssessmentDelete)
	register(a, signedIn, huma.Operation{OperationID: "get-helping-pattern", Method: http.MethodGet, Path: "/me/helping",
		Tags: []string{tagJournal}, Summary: "Show my helping pattern",
		Description: "Drawn from the caller's own helping notes alone: the roles they took as a helper and, as a presenter, which help helped them, by month. " +
			"No one's note is ever shown to anyone else, so no presenter's word on help reaches a helper."}, a.handleHelpingPattern)

	// The organisation, for everyone in it.
	register(a, signedIn, huma.Operation{OperationID: "get-org", Method: http.MethodGet, Path: "/org",
		Tags: []string{tagOrg}, Summary: "Show my organisation"}, a.handleOrgShow)
	register(a, signedIn, huma.Operation{OperationID: "list-people", Method: http.MethodGet, Path: "/people",
		Tags: []string{tagOrg}, Summary: "List and search people",
		Description: "A page of people ordered by name (then id), with keyset cursors: pass next as after for the following page. q matches the beginnings of words of name, email or department."}, a.handlePeopleList)
	register(a, signedIn, huma.Operation{OperationID: "get-org-chart", Method: http.MethodGet, Path: "/people/tree",
		Tags: []string{tagOrg}, Summary: "Show the organisation chart",
		Description: "The top of the organisation (people without a manager) with each person's report count, and the line from the top down to one person (the caller, or at) unfolded with the reports at each level. Open another subtree by asking again with at set to someone in it."}, a.handlePeopleTree)
	register(a, signedIn, huma.Operation{OperationID: "get-person", Method: http.MethodGet, Path: "/people/{id}",
		Tags: []string{tagOrg}, Summary: "Show a person",
		Errors: []int{http.StatusNotFound}}, a.handlePersonShow)
	register(a, signedIn, huma.Operation{OperationID: "list-departments", Method: http.MethodGet, Path: "/departments",
		Tags: []string{tagOrg}, Summary: "List the departments in use"}, a.handleDepartmentList)

	// Organisation admins.
	register(a, admin, huma.Operation{OperationID: "invite-person", Method: http.MethodPost, Path: "/people",
		Tags: []string{tagAdmin}, Summary: "Invite a person",
		Description:   "Adds the person to the organisation and emails them an invitation link.",
		DefaultStatus: http.StatusCreated}, a.handlePersonInvite)
	register(a, admin, huma.Operation{OperationID: "resend-invitation", Method: http.MethodPost, Path: "/people/{id}/invitation",
		Tags: []string{tagAdmin}, Summary: "Send an invitation again",
		Description:   "Emails an invited person a new link; the old one stops working.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusNotFound}}, a.handleInvitationResend)
	register(a, admin, huma.Operation{OperationID: "update-role", Method: http.MethodPut, Path: "/people/{id}/role",
		Tags: []string{tagAdmin}, Summary: "Make a person an admin or a member",
		Description: "An organisation always keeps at least one admin.",
		Errors:      []int{http.StatusNotFound}}, a.handleRoleUpdate)
	register(a, admin, huma.Operation{OperationID: "preview-import", Method: http.MethodPost, Path: "/people/import/preview",
		Tags: []string{tagAdmin}, Summary: "Check a CSV file of people",
		Description:  importBodyDoc + " Writes nothing: the answer lists every row with its problems.",
		MaxBodyBytes: people.MaxBytes + 1, Errors: []int{http.StatusRequestEntityTooLarge}}, a.handleImportPreview)
	register(a, admin, huma.Operation{OperationID: "import-people", Method: http.MethodPost, Path: "/people/import",
		Tags: []string{tagAdmin}, Summary: "Import a CSV file of people",
		Description: importBodyDoc + " Applies the file in one transaction: adds the new rows' people and updates the changed ones " +
			"(each only if unchanged since the file was checked; 409 otherwise). New people are invited now, or with invitations=hold " +
			"when their invitations are released. When any row has a problem, " +
			"nothing is written and the answer is 422 with the problems in fields, keyed like \"line 3 email\".",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: people.MaxBytes + 1, Errors: []int{http.StatusConflict, http.StatusRequestEntityTooLarge}}, a.handleImport)
	register(a, admin, huma.Operation{OperationID: "update-person", Method: http.MethodPut, Path: "/people/{id}",
		Tags: []string{tagAdmin}, Summary: "Edit a person",
		Description: "Sets name, department, manager, level, time zone and role at once, checked as an import checks a row: " +
			"a manager who reports to the person is refused. With version, a change made since is refused with 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handlePersonEdit)
	register(a, admin, huma.Operation{OperationID: "deactivate-person", Method: http.MethodPost, Path: "/people/{id}/deactivate",
		Tags: []string{tagAdmin}, Summary: "Deactivate a leaver",
		Description: "They are signed out at once and their tokens stop working; they leave their circles (the others are told, " +
			"roles ahead pass to those who stay, their reminders are cancelled) and are no longer found or matched. Their history stays.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handlePersonDeactivate)
	register(a, admin, huma.Operation{OperationID: "reactivate-person", Method: http.MethodPost, Path: "/people/{id}/reactivate",
		Tags: []string{tagAdmin}, Summary: "Reactivate a person",
		Description: "They can sign in again (someone not yet joined gets a new invitation). Their circles are not given back.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}}, a.handlePersonReactivate)
	register(a, admin, huma.Operation{OperationID: "release-held-invitations", Method: http.MethodPost, Path: "/people/invitations/release",
		Tags: []string{tagAdmin}, Summary: "Send held invitations",
		Description: "Sends the invitations an import held, to the people of the departments given (all when none are). Each person is invited once."},
		a.handleHeldRelease)

	// Programs and opt-in.
	register(a, signedIn, huma.Operation{OperationID: "list-topics", Method: http.MethodGet, Path: "/topics",
		Tags: []string{tagPrograms}, Summary: "List the topic vocabulary",
		Description: "The topics people choose their learning goals from when they opt in."}, a.handleTopicList)
	register(a, admin, huma.Operation{OperationID: "create-topic", Method: http.MethodPost, Path: "/topics",
		Tags: []string{tagPrograms}, Summary: "Add a topic", DefaultStatus: http.StatusCreated}, a.handleTopicCreate)
	register(a, admin, huma.Operation{OperationID: "delete-topic", Method: http.MethodDelete, Path: "/topics/{name}",
		Tags: []string{tagPrograms}, Summary: "Remove a topic",
		Description: "People who chose it keep it until they next change their opt-in.",
		Errors:      []int{http.StatusNotFound}}, a.handleTopicDelete)
	register(a, signedIn, huma.Operation{OperationID: "list-programs", Method: http.MethodGet, Path: "/programs",
		Tags: []string{tagPrograms}, Summary: "List programs",
		Description: "Members see the programs open for opt-in to them and those they take part in, closed ones included; admins see every program. " +
			"Each says where the caller stands: opted in, snoozed, matched."}, a.handleProgramList)
	register(a, admin, huma.Operation{OperationID: "create-program", Method: http.MethodPost, Path: "/programs",
		Tags: []string{tagPrograms}, Summary: "Create a program",
		Description: "Nobody is enrolled: people opt in themselves while the window is open.", DefaultStatus: http.StatusCreated}, a.handleProgramCreate)
	register(a, signedIn, huma.Operation{OperationID: "get-program", Method: http.MethodGet, Path: "/programs/{id}",
		Tags: []string{tagPrograms}, Summary: "Show a program", Errors: []int{http.StatusNotFound}}, a.handleProgramShow)
	register(a, admin, huma.Operation{OperationID: "update-program", Method: http.MethodPut, Path: "/programs/{id}",
		Tags: []string{tagPrograms}, Summary: "Change a program",
		Description: "Replaces the program's settings; fields left out take their defaults, as when creating. " +
			"The format cannot change once anyone has opted in.",
		Errors: []int{http.StatusNotFound}}, a.handleProgramUpdate)
	register(a, admin, huma.Operation{OperationID: "open-program", Method: http.MethodPost, Path: "/programs/{id}/open",
		Tags: []string{tagPrograms}, Summary: "Open a draft program's opt-in now",
		Description: "Emails everyone the program is for (its departments, or everyone) what it is and how to join, once. " +
			"A program whose opt-in has opened already answers 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleProgramOpen)
	register(a, admin, huma.Operation{OperationID: "remind-program", Method: http.MethodPost, Path: "/programs/{id}/remind",
		Tags: []string{tagPrograms}, Summary: "Remind everyone not yet joined",
		Description: "Emails everyone the program is for who has not opted in, while opt-in is open; once a day at most, " +
			"so a second reminder within 24 hours (or two at once) answers 409. Says how many were emailed.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleProgramRemind)
	register(a, admin, huma.Operation{OperationID: "close-program", Method: http.MethodPost, Path: "/programs/{id}/close",
		Tags: []string{tagPrograms}, Summary: "Close a program before its end date",
		Description: "The program is never matched again and moves to the archive; proposals waiting for answers will not form; " +
			"its circles' meetings ahead are cancelled and every member is thanked by email. Circles keep what they wrote. " +
			"A program closed already answers 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleProgramClose)
	register(a, signedIn, huma.Operation{OperationID: "get-opt-in", Method: http.MethodGet, Path: "/programs/{id}/opt-in",
		Tags: []string{tagPrograms}, Summary: "Show my opt-in",
		Description: "The caller's own opt-in, with the private lists of people to prefer and avoid. 404 when the caller has not opted in.",
		Errors:      []int{http.StatusNotFound}}, a.handleOptInShow)
	register(a, signedIn, huma.Operation{OperationID: "save-opt-in", Method: http.MethodPut, Path: "/programs/{id}/opt-in",
		Tags: []string{tagPrograms}, Summary: "Opt in, or change my opt-in",
		Description: "Possible while the opt-in window is open and until the caller is matched in the program.",
		Errors:      []int{http.StatusNotFound}}, a.handleOptInSave)
	register(a, signedIn, huma.Operation{OperationID: "withdraw-opt-in", Method: http.MethodDelete, Path: "/programs/{id}/opt-in",
		Tags: []string{tagPrograms}, Summary: "Withdraw my opt-in",
		Description: "Possible until the caller is matched in the program.",
		Errors:      []int{http.StatusNotFound}}, a.handleOptInWithdraw)
	register(a, signedIn, huma.Operation{OperationID: "snooze-opt-in", Method: http.MethodPut, Path: "/programs/{id}/opt-in/snooze",
		Tags: []string{tagPrograms}, Summary: "Sit out the next round, or take part again",
		Description: "A snoozed person stays opted in and is left out of matching until they take part again.",
		Errors:      []int{http.StatusNotFound}}, a.handleOptInSnooze)
	register(a, admin, huma.Operation{OperationID: "list-participants", Method: http.MethodGet, Path: "/programs/{id}/participants",
		Tags: []string{tagPrograms}, Summary: "List who opted in",
		Description: "Never the private lists of people to prefer or avoid.",
		Errors:      []int{http.StatusNotFound}}, a.handleParticipantList)

	// Matching and consent.
	register(a, admin, huma.Operation{OperationID: "list-rounds", Method: http.MethodGet, Path: "/programs/{id}/rounds",
		Tags: []string{tagMatching}, Summary: "List a program's rounds", Errors: []int{http.StatusNotFound}}, a.handleRoundList)
	register(a, admin, huma.Operation{OperationID: "propose-round", Method: http.MethodPost, Path: "/programs/{id}/rounds",
		Tags: []string{tagMatching}, Summary: "Propose matches",
		Description: "Runs the matching on everyone opted in, not snoozed and not yet in a circle of the program, and saves the result " +
			"as a draft only admins see. The answer is the round's review.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound}}, a.handlePropose)
	register(a, admin, huma.Operation{OperationID: "get-round", Method: http.MethodGet, Path: "/rounds/{id}",
		Tags: []string{tagMatching}, Summary: "Review a round",
		Description: "Every circle with its score, reasons, common times and each member's answer; who could not be placed and why; " +
			"how often each reason for declining was given, never by whom.",
		Errors: []int{http.StatusNotFound}}, a.handleRoundShow)
	register(a, admin, huma.Operation{OperationID: "move-member", Method: http.MethodPost, Path: "/rounds/{id}/moves",
		Tags: []string{tagMatching}, Summary: "Move a person in a draft",
		Description: "Puts a person of the round into another draft circle, or out of every circle. The circles are checked against every " +
			"hard rule again and re-scored; a move that breaks one is refused with 422 and the rule in fields.circle. " +
			"Published circles cannot change (409), nor can a draft that changed since it was read, such as by another move of the same person at the same moment (409). The answer is the round's review.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleRoundMove)
	register(a, admin, huma.Operation{OperationID: "publish-round", Method: http.MethodPost, Path: "/rounds/{id}/publish",
		Tags: []string{tagMatching}, Summary: "Publish a round's draft",
		Description: "Sends each draft circle to its members, who accept or decline. A draft with a circle that breaks a rule (its size, " +
			"two people in a program of circles, no common time) is refused with 422, naming each such circle in fields.round; " +
			"a draft that changed while it was being published is refused with 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleRoundPublish)
	register(a, signedIn, huma.Operation{OperationID: "list-matches", Method: http.MethodGet, Path: "/matches",
		Tags: []string{tagMatching}, Summary: "List my circles",
		Description: "The caller's circles that wait for answers, are active, or were dissolved by a decline (without saying whose)."}, a.handleMatchList)
	register(a, signedIn, huma.Operation{OperationID: "respond-to-circle", Method: http.MethodPost, Path: "/circles/{id}/response",
		Tags: []string{tagMatching}, Summary: "Accept or decline a proposed circle",
		Description: "The circle becomes active when every member has accepted; a decline dissolves it, and the others wait for a re-match. " +
			"A circle that no longer waits for answers gets 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleCircleRespond)
	register(a, signedIn, huma.Operation{OperationID: "list-pair-invitations", Method: http.MethodGet, Path: "/pair-invitations",
		Tags: []string{tagMatching}, Summary: "List my pair invitations", Description: "Those the caller sent and those they received."},
		a.handlePairInvitationList)
	register(a, signedIn, huma.Operation{OperationID: "create-pair-invitation", Method: http.MethodPost, Path: "/programs/{id}/pair-invitations",
		Tags: []string{tagMatching}, Summary: "Invite a colleague to pair",
		Description: "In a pair program, asks a colleague to form a pair; both must have opted in, and the matching's hard rules apply. " +
			"A refusal does not say which rule stands in the way, since some are private.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound}}, a.handlePairInvite)
	register(a, signedIn, huma.Operation{OperationID: "respond-to-pair-invitation", Method: http.MethodPost, Path: "/pair-invitations/{id}/response",
		Tags: []string{tagMatching}, Summary: "Accept or decline a pair invitation",
		Description: "Only the invited colleague answers. Accepting checks the rules again and forms the pair at once. " +
			"409 if another answer to the same invitation came first.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handlePairAnswer)

	// Inside active circles, for their members only.
	register(a, signedIn, huma.Operation{OperationID: "list-circles", Method: http.MethodGet, Path: "/circles",
		Tags: []string{tagCircles}, Summary: "List my active circles",
		Description: "Each with its program, members, next meeting and whether the caller has yet to acknowledge the ground rules."},
		a.handleCircleList)
	register(a, signedIn, huma.Operation{OperationID: "get-circle", Method: http.MethodGet, Path: "/circles/{id}",
		Tags: []string{tagCircles}, Summary: "Show a circle's home",
		Description: "Members, program, schedule, meetings ahead and held, the agreement in force and the one proposed, commitments and posts.",
		Errors:      inCircle()}, a.handleCircleShow)
	register(a, signedIn, huma.Operation{OperationID: "get-circle-ground-rules", Method: http.MethodGet, Path: "/circles/{id}/ground-rules",
		Tags: []string{tagCircles}, Summary: "Read the ground rules to acknowledge",
		Description: "The ground rules in force and when the caller acknowledged them in this circle; null if they have not.",
		Errors:      []int{http.StatusNotFound}}, a.handleCircleRulesShow)
	register(a, signedIn, huma.Operation{OperationID: "acknowledge-ground-rules", Method: http.MethodPost, Path: "/circles/{id}/ground-rules/acknowledge",
		Tags: []string{tagCircles}, Summary: "Acknowledge the ground rules",
		Description: "Opens the circle to the caller. Acknowledging again keeps the first time; a version other than the one in force answers 409.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}}, a.handleCircleRulesAck)
	register(a, signedIn, huma.Operation{OperationID: "get-ground-rules", Method: http.MethodGet, Path: "/ground-rules",
		Tags: []string{tagCircles}, Summary: "Show the organisation's ground rules"}, a.handleGroundRulesShow)
	register(a, admin, huma.Operation{OperationID: "update-ground-rules", Method: http.MethodPut, Path: "/ground-rules",
		Tags: []string{tagCircles}, Summary: "Change the ground rules",
		Description: "A changed text becomes a new version; every member acknowledges it in each circle before they next see inside."},
		a.handleGroundRulesUpdate)
	register(a, signedIn, huma.Operation{OperationID: "list-my-cards", Method: http.MethodGet, Path: "/me/cards",
		Tags: []string{tagCards}, Summary: "List my learning cards",
		Description: "My cards at every audience, the most recently changed first, a page at a time.",
		Errors:      []int{http.StatusUnprocessableEntity}}, a.handleCardsMine)
	register(a, signedIn, huma.Operation{OperationID: "create-card", Method: http.MethodPost, Path: "/me/cards",
		Tags: []string{tagCards}, Summary: "Write a learning card",
		Description:   "A draft only I read, from a circle I am in: a title and what I learned (up to 600 characters), never the case.",
		DefaultStatus: http.StatusCreated, Errors: inCircle(http.StatusUnprocessableEntity)}, a.handleCardCreate)
	register(a, signedIn, huma.Operation{OperationID: "get-card", Method: http.MethodGet, Path: "/me/cards/{id}",
		Tags: []string{tagCards}, Summary: "Show my card and the preview of its next step",
		Description: "Another person's card is not found, whoever asks.",
		Errors:      []int{http.StatusNotFound}}, a.handleCardShow)
	register(a, signedIn, huma.Operation{OperationID: "update-card", Method: http.MethodPut, Path: "/me/cards/{id}",
		Tags: []string{tagCards}, Summary: "Edit my card",
		Description: "A released card goes back to a draft with a change, to be released again step by step. 409 if it changed since the version given.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}}, a.handleCardUpdate)
	register(a, signedIn, huma.Operation{OperationID: "widen-card", Method: http.MethodPost, Path: "/me/cards/{id}/widen",
		Tags: []string{tagCards}, Summary: "Release my card one step wider",
		Description: "to must be the card's next audience (see its preview). 409 if it changed since the version given, or to is not the next step.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}}, a.handleCardWiden)
	register(a, signedIn, huma.Operation{OperationID: "withdraw-card", Method: http.MethodPost, Path: "/me/cards/{id}/withdraw",
		Tags: []string{tagCards}, Summary: "Withdraw my card to a draft",
		Description: "409 if it changed since the version given, or is a draft already.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}}, a.handleCardWithdraw)
	register(a, signedIn, huma.Operation{OperationID: "list-circle-cards", Method: http.MethodGet, Path: "/circles/{id}/cards",
		Tags: []string{tagCards}, Summary: "List my circle's learning cards",
		Description: "Cards written in the circle and released to it or wider, the most recently released first.",
		Errors:      inCircle(http.StatusUnprocessableEntity)}, a.handleCircleCards)
	register(a, signedIn, huma.Operation{OperationID: "list-program-cards", Method: http.MethodGet, Path: "/programs/{id}/cards",
		Tags: []string{tagCards}, Summary: "List a program's learning cards",
		Description: "Cards released to the program or the organisation, for the members of its circles and admins; anyone else gets 404.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, a.handleProgramCards)
	register(a, signedIn, huma.Operation{OperationID: "list-learning", Method: http.MethodGet, Path: "/learning",
		Tags: []string{tagCards}, Summary: "List the cards released to the whole organisation",
		Description: "The most recently released first, a page at a time.",
		Errors:      []int{http.StatusUnprocessableEntity}}, a.handleLearning)
	register(a, signedIn, huma.Operation{OperationID: "get-circle-pulse", Method: http.MethodGet, Path: "/circles/{id}/pulse",
		Tags: []string{tagPulse}, Summary: "Show my circle's pulse",
		Description: "The open round (how many answered, never what) and the rounds at least 3 members answered, with their " +
			"means (1–7, reverse items turned round) and whether the latest dropped. Viewing, like the hourly upkeep, opens a round that is due.",
		Errors: inCircle()}, a.handlePulseShow)
	register(a, signedIn, huma.Operation{OperationID: "answer-pulse", Method: http.MethodPost, Path: "/circles/{id}/pulse/answers",
		Tags: []string{tagPulse}, Summary: "Answer the open pulse round",
		Description: "Seven answers from 1 (strongly disagree) to 7 (strongly agree), counted without the caller's name. " +
			"Answering twice, or a round no longer open, answers 409.",
		Errors: inCircle(http.StatusConflict)}, a.handlePulseAnswer)
	register(a, signedIn, huma.Operation{OperationID: "set-pulse-cadence", Method: http.MethodPut, Path: "/circles/{id}/pulse/cadence",
		Tags: []string{tagPulse}, Summary: "Choose how often the circle is asked",
		Errors: inCircle()}, a.handlePulseCadence)
	register(a, signedIn, huma.Operation{OperationID: "set-pulse-share", Method: http.MethodPut, Path: "/circles/{id}/pulse/share",
		Tags: []string{tagPulse}, Summary: "Agree, or stop agreeing, to share the circle's pulse with admins",
		Description: "The circle's finished rounds that at least 3 answered are shown to its program's admins only while every member agrees. " +
			"Agreeing twice, or withdrawing an agreement not given, answers 409.",
		Errors: inCircle(http.StatusConflict)}, a.handlePulseShare)
	register(a, admin, huma.Operation{OperationID: "get-program-pulse", Method: http.MethodGet, Path: "/programs/{id}/pulse",
		Tags: []string{tagPulse}, Summary: "Show a program's pooled pulse",
		Description: "Each circle's last closed round pooled; null until at least 5 answered across at least 2 circles. " +
			"One circle's score only for a circle whose every member chose to share it, and only its finished rounds that at least 3 answered.",
		Errors: []int{http.StatusNotFound}}, a.handleProgramPulse)
	register(a, admin, huma.Operation{OperationID: "get-organisation-pulse", Method: http.MethodGet, Path: "/pulse",
		Tags: []string{tagPulse}, Summary: "Show the organisation's pooled pulse",
		Description: "As for a program, across every circle of the organisation."}, a.handleOrgPulse)
	register(a, signedIn, huma.Operation{OperationID: "get-circle-fit", Method: http.MethodGet, Path: "/circles/{id}/fit",
		Tags: []string{tagPulse}, Summary: "Show my circle's fit check",
		Description: "Whether the first-meeting fit check is asked now, and whether the caller answered it; never how anyone answered.",
		Errors:      inCircle()}, a.handleFitShow)
	register(a, signedIn, huma.Operation{OperationID: "answer-fit", Method: http.MethodPost, Path: "/circles/{id}/fit/answers",
		Tags: []string{tagPulse}, Summary: "Answer the fit check",
		Description: "Counted without the caller's name. To a no, the answer offers re-matching (leaving gently, programs open for opt-in), " +
			"kept nowhere. Answering twice, or when the check is not open, answers 409.",
		Errors: inCircle(http.StatusConflict)}, a.handleFitAnswer)
	register(a, admin, huma.Operation{OperationID: "get-program-fit", Method: http.MethodGet, Path: "/programs/{id}/fit",
		Tags: []string{tagPulse}, Summary: "Show a program's fit checks",
		Description: "How many circles answered and how many have a fit concern (at least 2 members said no); the answers pooled " +
			"only over closed checks of at least 5 members across at least 2 circles. Never who answered, never one answer.",
		Errors: []int{http.StatusNotFound}}, a.handleProgramFit)
	register(a, admin, huma.Operation{OperationID: "get-dashboard", Method: http.MethodGet, Path: "/dashboard",
		Tags: []string{tagDashboard}, Summary: "Show the program dashboard",
		Description: "Counts by month over a period, for every program or one; an unknown program or period answers 422 naming it.",
		Errors:      []int{http.StatusUnprocessableEntity}}, a.handleDashboard)
	register(a, signedIn, huma.Operation{OperationID: "list-agreement-versions", Method: http.MethodGet, Path: "/circles/{id}/agreement",
		Tags: []string{tagCircles}, Summary: "List the working agreement's versions",
		Errors: inCircle()}, a.handleAgreementList)
	register(a, signedIn, huma.Operation{OperationID: "propose-agreement", Method: http.MethodPost, Path: "/circles/{id}/agreement",
		Tags: []string{tagCircles}, Summary: "Propose a working agreement",
		Description: "The proposer consents by proposing; the version takes effect when every member has consented, and the others are asked " +
			"by email. It replaces an earlier open proposal. The text already in force answers 409.",
		DefaultStatus: http.StatusCreated, Errors: inCircle(http.StatusConflict)}, a.handleAgreementPropose)
	register(a, signedIn, huma.Operation{OperationID: "consent-to-agreement", Method: http.MethodPost, Path: "/circles/{id}/agreement/{version}/consent",
		Tags: []string{tagCircles}, Summary: "Consent to a proposed agreement",
		Description: "The last member to consent puts the version in force. A version not waiting for consent, or consenting twice, answers 409.",
		Errors:      inCircle(http.StatusConflict)}, a.handleAgreementConsent)
	register(a, signedIn, huma.Operation{OperationID: "withdraw-agreement", Method: http.MethodPost, Path: "/circles/{id}/agreement/{version}/withdraw",
		Tags: []string{tagCircles}, Summary: "Withdraw my proposal",
		Description: "Only the proposer withdraws, and only while it waits for consent (409 otherwise).",
		Errors:      inCircle(http.StatusConflict)}, a.handleAgreementWithdraw)
	register(a, signedIn, huma.Operation{OperationID: "list-agreement-comments", Method: http.MethodGet, Path: "/circles/{id}/agreement/comments",
		Tags: []string{tagCircles}, Summary: "List comments on the agreement's proposals",
		Description: "Members' comments on every version, oldest first. Only the circle's members see them; the organisation's admins do not.",
		Errors:      inCircle()}, a.handleCommentList)
	register(a, signedIn, huma.Operation{OperationID: "comment-on-agreement", Method: http.MethodPost, Path: "/circles/{id}/agreement/{version}/comments",
		Tags: []string{tagCircles}, Summary: "Comment on a proposed agreement",
		Description:   "For the other members to read before they consent. A version no longer waiting for consent answers 409.",
		DefaultStatus: http.StatusCreated, Errors: inCircle(http.StatusConflict)}, a.handleCommentCreate)
	register(a, signedIn, huma.Operation{OperationID: "list-posts", Method: http.MethodGet, Path: "/circles/{id}/posts",
		Tags: []string{tagCircles}, Summary: "List the members-only space", Errors: inCircle()}, a.handlePostList)
	register(a, signedIn, huma.Operation{OperationID: "create-post", Method: http.MethodPost, Path: "/circles/{id}/posts",
		Tags: []string{tagCircles}, Summary: "Share a note with the circle",
		DefaultStatus: http.StatusCreated, Errors: inCircle()}, a.handlePostCreate)
	register(a, signedIn, huma.Operation{OperationID: "delete-post", Method: http.MethodDelete, Path: "/circles/{id}/posts/{post}",
		Tags: []string{tagCircles}, Summary: "Remove my post",
		Description: "Only the author removes a post; anyone else's answers 404.", Errors: inCircle()}, a.handlePostDelete)
	register(a, signedIn, huma.Operation{OperationID: "list-commitments", Method: http.MethodGet, Path: "/circles/{id}/commitments",
		Tags: []string{tagCircles}, Summary: "List the circle's commitments", Errors: inCircle()}, a.handleCommitmentList)
	register(a, signedIn, huma.Operation{OperationID: "create-commitment", Method: http.MethodPost, Path: "/circles/{id}/commitments",
		Tags: []string{tagCircles}, Summary: "Commit to something before the next meeting",
		DefaultStatus: http.StatusCreated, Errors: inCircle()}, a.handleCommitmentCreate)
	register(a, signedIn, huma.Operation{OperationID: "update-commitment", Method: http.MethodPut, Path: "/circles/{id}/commitments/{commitment}",
		Tags: []string{tagCircles}, Summary: "Mark my commitment done, or open again",
		Description: "Only its author changes a commitment; anyone else's answers 404.", Errors: inCircle()}, a.handleCommitmentUpdate)
	register(a, signedIn, huma.Operation{OperationID: "change-commitment", Method: http.MethodPatch, Path: "/circles/{id}/commitments/{commitment}",
		Tags: []string{tagCircles}, Summary: "Mark my commitment done, move it, or let it go",
		Description: "Exactly one of done, due_at and let_go, based on the version read: a change based on another answers 409, " +
			"so of two changes sent at once one is made. Moving it plans its reminder and follow-up again. " +
			"Only its author changes a commitment; anyone else's answers 404.",
		Errors: inCircle(http.StatusConflict, http.StatusUnprocessableEntity)}, a.handleCommitmentChange)
	register(a, signedIn, huma.Operation{OperationID: "get-pause", Method: http.MethodGet, Path: "/circles/{id}/pause",
		Tags: []string{tagCircles}, Summary: "Read my pause in a circle",
		Description: "The caller's own: nobody else, an admin included, reads it.",
		Errors:      []int{http.StatusNotFound}}, a.handlePauseShow)
	register(a, signedIn, huma.Operation{OperationID: "pause-circle", Method: http.MethodPost, Path: "/circles/{id}/pause",
		Tags: []string{tagCircles}, Summary: "Pause for a while",
		Description: "Until the pause ends (2 to 12 weeks from now, as chosen) the caller gets no meeting reminders and is not counted " +
			"as missing; the other members see that they are pausing and until when, never why. It ends by itself. " +
			"Pausing while already pausing, or beside another change to the pause, answers 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}}, a.handlePause)
	register(a, signedIn, huma.Operation{OperationID: "resume-circle", Method: http.MethodPost, Path: "/circles/{id}/resume",
		Tags: []string{tagCircles}, Summary: "End my pause now",
		Description: "Meetings remind the caller, and count, again from now. Without a pause, answers 409.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}}, a.handleResume)
	register(a, signedIn, huma.Operation{OperationID: "leave-circle", Method: http.MethodPost, Path: "/circles/{id}/leave",
		Tags: []string{tagCircles}, Summary: "Leave a circle",
		Description: "Needs no acknowledgement of the ground rules: anyone may leave without giving a reason. The others are told and " +
			"the circle goes on; the optional note goes to the organisation's admins only. The caller's meetings leave their calendar.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleLeave)
	register(a, admin, huma.Operation{OperationID: "return-circle-to-pool", Method: http.MethodPost, Path: "/circles/{id}/return-to-pool",
		Tags: []string{tagCircles}, Summary: "Return a circle's members to the pool",
		Description: "Dissolves an active circle that fell below its program's minimum, so its members are matched again at the next re-match. " +
			"A circle that still has enough members answers 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleReturnToPool)
	register(a, admin, huma.Operation{OperationID: "list-departures", Method: http.MethodGet, Path: "/programs/{id}/departures",
		Tags: []string{tagCircles}, Summary: "List who left a program's circles",
		Description: "With the notes they left for admins.", Errors: []int{http.StatusNotFound}}, a.handleDepartureList)
	register(a, admin, huma.Operation{OperationID: "get-program-health", Method: http.MethodGet, Path: "/programs/{id}/health",
		Tags: []string{tagCircles}, Summary: "Show how a program's circles are doing",
		Description: "A page of the program's circles waiting for consent or formed, each with who is in it and whether it meets " +
			"(meetings held and expected, last and next meeting, attendance), never what it says; how many have stalled; " +
			"and the running circles below the program's minimum. A circle whose program closed is finished: it is neither " +
			"late nor stalled, and keeps what it held.",
		Errors: []int{http.StatusNotFound}}, a.handleProgramHealth)
	register(a, signedIn, huma.Operation{OperationID: "get-practice", Method: http.MethodGet, Path: "/me/practice",
		Tags: []string{tagCircles}, Summary: "Show where I stand",
		Description: "What the caller's home shows of their circles: the next meeting (and whether its room is open), " +
			"what waits for their answer (ground rules, agreement changes, proposed circles, pair invitations) and their open commitments."},
		a.handlePractice)

	// Schedules, meetings, reminders and calendar feeds.
	register(a, signedIn, huma.Operation{OperationID: "get-schedule", Method: http.MethodGet, Path: "/circles/{id}/schedule",
		Tags: []string{tagCalendar}, Summary: "Show the schedule's settings",
		Description: "The circle's schedule as it is set; without one, a suggestion from the members' common availability (exists is false).",
		Errors:      inCircle()}, a.handleScheduleShow)
	register(a, signedIn, huma.Operation{OperationID: "set-schedule", Method: http.MethodPut, Path: "/circles/{id}/schedule",
		Tags: []string{tagCalendar}, Summary: "Set or change the schedule",
		Description: "Replaces the meetings ahead with the new rule's; roles are given by the rotation and every member gets a calendar invitation by email. " +
			"A change to an existing schedule is told to the other members, who can put it back for 48 hours; with replaces_sequence, a change decided on " +
			"a schedule that has changed since answers 409.",
		Errors: inCircle(http.StatusConflict)}, a.handleScheduleSet)
	register(a, signedIn, huma.Operation{OperationID: "clear-schedule", Method: http.MethodDelete, Path: "/circles/{id}/schedule",
		Tags: []string{tagCalendar}, Summary: "Clear the schedule",
		Description: "The meetings ahead are cancelled in everyone's calendar. The others are told who cleared it, and anyone can put it back for 48 hours.",
		Errors:      inCircle(http.StatusConflict)}, a.handleScheduleClear)
	register(a, signedIn, huma.Operation{OperationID: "list-schedule-changes", Method: http.MethodGet, Path: "/circles/{id}/schedule/changes",
		Tags: []string{tagCalendar}, Summary: "List recent changes to the schedule",
		Description: "Who changed the schedule in the last 48 hours, and what changed, with times in the caller's time zone.",
		Errors:      inCircle()}, a.handleScheduleChangeList)
	register(a, signedIn, huma.Operation{OperationID: "undo-schedule-change", Method: http.MethodPost, Path: "/circles/{id}/schedule/changes/{change}/undo",
		Tags: []string{tagCalendar}, Summary: "Put a schedule change back",
		Description: "Restores the schedule as it was before the change, for everyone, who are told. Allowed within 48 hours of the change, once, " +
			"and only while nothing has changed the schedule since; otherwise 409, and the later change stands.",
		Errors: inCircle(http.StatusConflict)}, a.handleScheduleUndo)
	register(a, signedIn, huma.Operation{OperationID: "list-meetings", Method: http.MethodGet, Path: "/circles/{id}/meetings",
		Tags: []string{tagCalendar}, Summary: "List the circle's meetings",
		Description: "Those ahead with the roles the rotation suggests or the circle chose, and those held.", Errors: inCircle()}, a.handleMeetingList)
	register(a, signedIn, huma.Operation{OperationID: "get-rsvp", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/rsvp",
		Tags: []string{tagMeetings}, Summary: "Show who is coming to a meeting",
		Description: "The caller's answer and the present members' names by answer. Someone who left the circle is not counted.",
		Errors:      inCircle()}, a.handleRSVPShow)
	register(a, signedIn, huma.Operation{OperationID: "set-rsvp", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/rsvp",
		Tags: []string{tagMeetings}, Summary: "Say whether I come to a meeting",
		Description: "Until the meeting begins, while it is on. Based on the version of the caller's answer read (0 for none): " +
			"an answer based on another answers 409, so of two sent at once one is saved. A new \"not_coming\" within a week " +
			"of the meeting emails the other members once. A moved meeting keeps its answers.",
		Errors: inCircle(http.StatusConflict)}, a.handleRSVPSet)
	register(a, signedIn, huma.Operation{OperationID: "move-meeting", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/move",
		Tags: []string{tagCalendar}, Summary: "Move one meeting",
		Description: "Moves this occurrence only; everyone's calendar and reminders follow. A meeting that has begun, or is cancelled, cannot move.",
		Errors:      inCircle(http.StatusConflict)}, a.handleMeetingMove)
	register(a, signedIn, huma.Operation{OperationID: "cancel-meeting", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/cancel",
		Tags: []string{tagCalendar}, Summary: "Cancel one meeting",
		Description: "In everyone's calendar; the rotation skips it. Cancelling a cancelled meeting changes nothing.",
		Errors:      inCircle(http.StatusConflict)}, a.handleMeetingCancel)
	register(a, signedIn, huma.Operation{OperationID: "restore-meeting", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/restore",
		Tags: []string{tagCalendar}, Summary: "Restore a cancelled meeting",
		Errors: inCircle(http.StatusConflict)}, a.handleMeetingRestore)
	register(a, signedIn, huma.Operation{OperationID: "set-meeting-roles", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/roles",
		Tags: []string{tagCalendar}, Summary: "Choose a meeting's facilitator and timekeeper",
		Description: "In place of the rotation's suggestion; later meetings are suggested again around the choice.",
		Errors:      inCircle(http.StatusConflict)}, a.handleMeetingRoles)
	register(a, signedIn, huma.Operation{OperationID: "download-meeting", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/ics",
		Tags: []string{tagCalendar}, Summary: "Download a meeting as an iCalendar file",
		Responses: map[string]*huma.Response{"200": {Description: "The meeting as an iCalendar (.ics) file.",
			Content: map[string]*huma.MediaType{"text/calendar": {Schema: &huma.Schema{Type: huma.TypeString}}}}},
		Errors: inCircle()}, a.handleMeetingICS)
	register(a, signedIn, huma.Operation{OperationID: "get-spread", Method: http.MethodGet, Path: "/me/spread",
		Tags: []string{tagPrograms}, Summary: "Show what I may invite colleagues to",
		Description: "The programs open for opt-in, how many colleagues the caller invited and how many they brought to observe a meeting."},
		a.handleSpreadShow)
	register(a, signedIn, huma.Operation{OperationID: "invite-colleague", Method: http.MethodPost, Path: "/programs/{id}/colleague-invitations",
		Tags: []string{tagPrograms}, Summary: "Invite a colleague to a program's opt-in",
		Description: "Emails them an invitation with the opt-in link. A colleague is invited to a program once, whoever invites them (409); " +
			"a person sends at most 20 a day (429). The program must be open for opt-in.",
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusConflict, http.StatusTooManyRequests}}, a.handleColleagueInvite)
	register(a, signedIn, huma.Operation{OperationID: "set-taking-part", Method: http.MethodPut, Path: "/me/taking-part",
		Tags: []string{tagPrograms}, Summary: "Show on my profile that I take part in a circle",
		Description: "For people who manage others (403 otherwise, when showing): colleagues see only that they take part, never which circle.",
		Errors:      []int{http.StatusForbidden}}, a.handleTakingPart)
	register(a, signedIn, huma.Operation{OperationID: "get-reminder-prefs", Method: http.MethodGet, Path: "/me/reminders",
		Tags: []string{tagCalendar}, Summary: "Show my reminder settings",
		Description: "For all the caller's circles; a day and an hour before each meeting, with nudges, until changed."}, a.handleRemindersShow)
	register(a, signedIn, huma.Operation{OperationID: "update-reminder-prefs", Method: http.MethodPut, Path: "/me/reminders",
		Tags: []string{tagCalendar}, Summary: "Change my reminder settings",
		Description: "The reminders of every meeting ahead follow at once."}, a.handleRemindersUpdate)
	register(a, signedIn, huma.Operation{OperationID: "get-calendar-feed", Method: http.MethodGet, Path: "/me/calendar-feed",
		Tags: []string{tagCalendar}, Summary: "Say whether I have a calendar feed"}, a.handleFeedShow)
	register(a, signedIn, huma.Operation{OperationID: "create-calendar-feed", Method: http.MethodPost, Path: "/me/calendar-feed",
		Tags: []string{tagCalendar}, Summary: "Create a calendar feed",
		Description: "A secret address with every meeting of the caller's circles, for calendar apps. It is shown only now; " +
			"creating a feed again replaces the address and the old one stops working.",
		DefaultStatus: http.StatusCreated}, a.handleFeedCreate)
	register(a, signedIn, huma.Operation{OperationID: "delete-calendar-feed", Method: http.MethodDelete, Path: "/me/calendar-feed",
		Tags: []string{tagCalendar}, Summary: "Turn my calendar feed off"}, a.handleFeedDelete)

	// The live meeting room.
	register(a, signedIn, huma.Operation{OperationID: "get-room", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room",
		Tags: []string{tagMeetings}, Summary: "Open a meeting's room",
		Description: "The room's snapshot (the timer, the agenda with names, who is present, the offers) with the shared note, the check-ins " +
			"and the members' commitments. The first time anyone opens it, the room is set up: the program's protocol with its usual " +
			"timings, the circle's members, and the meeting's facilitator and timekeeper. A cancelled meeting that was never opened answers 409.",
		Errors: inCircle(http.StatusConflict)}, a.handleRoomShow)
	register(a, signedIn, huma.Operation{OperationID: "send-room-command", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/room/commands",
		Tags: []string{tagMeetings}, Summary: "Run the meeting",
		Description: "Applies a command to the meeting's timer and agenda and answers with the room's new snapshot; every open stream " +
			"receives it too. Send the version of the snapshot you saw: if someone changed the meeting since, the answer is 409 with the " +
			"code stale_version and nothing changes. Only the timekeeper and the facilitator run the meeting, and only a presenter says " +
			"what help they want (403 otherwise). A command the meeting does not allow as it stands, such as starting twice, answers 409 " +
			"with the reason; so does a start more than an hour before the meeting's time without confirm. Who sends it is always the caller.",
		Errors: inCircle(http.StatusConflict)}, a.handleRoomCommand)
	register(a, signedIn, huma.Operation{OperationID: "check-in", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/room/checkin",
		Tags: []string{tagMeetings}, Summary: "Check in",
		Description: "Records how the caller is arriving, their wins, what they would like to bring and their progress on their open " +
			"commitments, and marks them present. Checking in again replaces the answers. Answers with the room.",
		Errors: inCircle()}, a.handleRoomCheckin)
	register(a, signedIn, huma.Operation{OperationID: "answer-closing", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/room/closing",
		Tags: []string{tagMeetings}, Summary: "Answer at the close: did we get what we wanted?",
		Description: "Records the caller's quick answer, held against the working agreement, with an optional word on it; answering again " +
			"replaces it. Only once the meeting has reached its closing step (or ended): before that the answer is 422. Answers with the room, " +
			"which lists every member's answer.",
		Errors: inCircle()}, a.handleClosingAnswer)
	register(a, signedIn, huma.Operation{OperationID: "get-ritual", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room/ritual",
		Tags: []string{tagMeetings}, Summary: "Read the closing ritual of a season's last meeting",
		Description: "Each member's appreciation and what they take with them. Members only. A meeting that is not its season's last answers 409.",
		Errors:      inCircle()}, a.handleRitualShow)
	register(a, signedIn, huma.Operation{OperationID: "save-ritual", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/room/ritual",
		Tags: []string{tagMeetings}, Summary: "Write my appreciation, or what I take with me",
		Description: "In the closing ritual of the circle's last meeting of the season, once it has begun: one appreciation to another member, " +
			"and one takeaway, each replaced by writing it again. The circle reads them; nobody else. Answers with the ritual.",
		Errors: inCircle()}, a.handleRitualSave)
	register(a, signedIn, huma.Operation{OperationID: "create-offer", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/room/offers",
		Tags: []string{tagMeetings}, Summary: "Offer counsel to a presenter",
		Description:   "A short note the presenter may take as their own commitment or leave. Answers with the room, whose snapshot lists the offer.",
		DefaultStatus: http.StatusCreated, Errors: inCircle()}, a.handleOfferCreate)
	register(a, signedIn, huma.Operation{OperationID: "take-offer", Method: http.MethodPost, Path: "/circles/{id}/meetings/{meeting}/room/offers/{offer}/take",
		Tags: []string{tagMeetings}, Summary: "Take an offer as my commitment",
		Description:   "Only the presenter the offer was made to takes it, in their own words; anyone else's answers 404, and taking it twice 409.",
		DefaultStatus: http.StatusCreated, Errors: inCircle(http.StatusConflict)}, a.handleOfferTake)
	register(a, signedIn, huma.Operation{OperationID: "get-meeting-note", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room/note",
		Tags: []string{tagMeetings}, Summary: "Read the meeting's shared note",
		Description: "Opens the room as get-room does.", Errors: inCircle(http.StatusConflict)}, a.handleNoteShow)
	register(a, signedIn, huma.Operation{OperationID: "save-meeting-note", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/room/note",
		Tags: []string{tagMeetings}, Summary: "Save the meeting's shared note",
		Description: "Replaces the note if nobody saved it since the version sent; otherwise 409 with the code stale_version and the current " +
			"version in the message, and nothing is saved.",
		Errors: inCircle(http.StatusConflict)}, a.handleNoteSave)
	register(a, signedIn, huma.Operation{OperationID: "list-help-notes", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room/helping",
		Tags: []string{tagMeetings}, Summary: "List my helping notes on a meeting",
		Description: "The caller's own notes on the meeting's counsel steps; nobody reads anyone else's.", Errors: inCircle()}, a.handleHelpNotes)
	register(a, signedIn, huma.Operation{OperationID: "save-help-note", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/room/helping/{presenter}",
		Tags: []string{tagMeetings}, Summary: "Note, for myself, the help in a counsel step",
		Description: "Once the counsel step about the presenter's situation has begun: as a helper, the role taken (expert, doctor or process); " +
			"as that presenter, which help helped. Stored encrypted under the caller's own key; it feeds only the caller's own helping pattern.",
		Errors: inCircle(http.StatusUnprocessableEntity)}, a.handleHelpNoteSave)
	register(a, signedIn, huma.Operation{OperationID: "get-reflection", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room/reflection",
		Tags: []string{tagMeetings}, Summary: "Read my private reflection",
		Description: "The caller's own reflection on the meeting; nobody reads anyone else's.", Errors: inCircle()}, a.handleReflectionShow)
	register(a, signedIn, huma.Operation{OperationID: "save-reflection", Method: http.MethodPut, Path: "/circles/{id}/meetings/{meeting}/room/reflection",
		Tags: []string{tagMeetings}, Summary: "Save my private reflection",
		Description: "Stored encrypted; only the caller ever reads it back.", Errors: inCircle()}, a.handleReflectionSave)
	register(a, signedIn, huma.Operation{OperationID: "room-events", Method: http.MethodGet, Path: "/circles/{id}/meetings/{meeting}/room/events",
		Tags: []string{tagMeetings}, Summary: "Follow the room live",
		Description: "A stream of Server-Sent Events (text/event-stream) for as long as the connection lasts. Every event is named state; " +
			"its data is the room's snapshot as get-room's snapshot has it, and its id is the snapshot's seq. The first event is the room as " +
			"it stands, unless Last-Event-ID already names that seq; then one event for every change, in order. When the server drops " +
			"the stream (it fell behind, or is shutting down), reconnect after the retry delay with Last-Event-ID: the current state comes " +
			"first. With live updates off the answer is 503.",
		Responses: map[string]*huma.Response{"200": a.roomEventsResponse()},
		Errors:    inCircle(http.StatusConflict, http.StatusServiceUnavailable)}, a.handleRoomEvents)
}

// inCircle lists the errors of an operation inside a circle: 403 until the
// caller acknowledges the ground rules, 404 for anyone not a member. It
// returns a new slice each time because register appends to it.
func inCircle(more ...int) []int {
	return append([]int{http.StatusForbidden, http.StatusNotFound}, more...)
}

// importBodyDoc describes the body of the import operations.
const importBodyDoc = "Send the file itself as the request body (Content-Type: text/csv), at most 2 MiB and 10000 people: " +
	"UTF-8 with or without a byte order mark, separated by commas or semicolons, with a header line naming the columns " +
	"name,email,department,manager_email,level,timezone (name and email are required)."
