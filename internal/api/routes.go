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
}

// importBodyDoc describes the body of the import operations.
const importBodyDoc = "Send the file itself as the request body (Content-Type: text/csv), at most 2 MiB and 5000 people: " +
	"UTF-8 with or without a byte order mark, separated by commas or semicolons, with a header line naming the columns " +
	"name,email,department,manager_email,level,timezone (name and email are required)."
