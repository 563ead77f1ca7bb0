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
		Description: "Sets a new password with the emailed link's token and signs out every session of that person.",
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
		Description: "Signs out every other session; with an access token, every session."}, a.handlePasswordChange)
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

	// The organisation, for everyone in it.
	register(a, signedIn, huma.Operation{OperationID: "get-org", Method: http.MethodGet, Path: "/org",
		Tags: []string{tagOrg}, Summary: "Show my organisation"}, a.handleOrgShow)
	register(a, signedIn, huma.Operation{OperationID: "list-people", Method: http.MethodGet, Path: "/people",
		Tags: []string{tagOrg}, Summary: "List and search people",
		Description: "Ordered by name; q matches name, email or department."}, a.handlePeopleList)
	register(a, signedIn, huma.Operation{OperationID: "get-org-chart", Method: http.MethodGet, Path: "/people/tree",
		Tags: []string{tagOrg}, Summary: "Show the organisation chart",
		Description: "Everyone once, nested under their manager; people without a manager are roots."}, a.handlePeopleTree)
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
		Description: importBodyDoc + " Adds everyone in one transaction and emails each an invitation; when any row has a problem, " +
			"nothing is written and the answer is 422 with the problems in fields, keyed like \"line 3 email\".",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: people.MaxBytes + 1, Errors: []int{http.StatusRequestEntityTooLarge}}, a.handleImport)

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
		Description: "Members see the programs open for opt-in and those they take part in; admins see every program. " +
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
			"Published circles cannot change (409). The answer is the round's review.",
		Errors: []int{http.StatusNotFound, http.StatusConflict}}, a.handleRoundMove)
	register(a, admin, huma.Operation{OperationID: "publish-round", Method: http.MethodPost, Path: "/rounds/{id}/publish",
		Tags: []string{tagMatching}, Summary: "Publish a round's draft",
		Description: "Sends each draft circle to its members, who accept or decline. Every circle must have a size the program allows.",
		Errors:      []int{http.StatusNotFound}}, a.handleRoundPublish)
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
		Description: "Only the invited colleague answers. Accepting checks the rules again and forms the pair at once.",
		Errors:      []int{http.StatusNotFound}}, a.handlePairAnswer)
}

// importBodyDoc describes the body of the import operations.
const importBodyDoc = "Send the file itself as the request body (Content-Type: text/csv), at most 2 MiB and 5000 people: " +
	"UTF-8 with or without a byte order mark, separated by commas or semicolons, with a header line naming the columns " +
	"name,email,department,manager_email,level,timezone (name and email are required)."
