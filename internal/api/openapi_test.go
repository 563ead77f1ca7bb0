package api_test

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/pb33f/libopenapi"
)

var kebab = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// TestOpenAPI checks that the served document is valid OpenAPI 3.1, that it
// describes exactly the registered operations, and that every one of them
// is routed.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	res := e.anon().do(t, http.MethodGet, "/api/v1/openapi.json", nil)
	res.want(t, http.StatusOK, nil)

	doc, err := libopenapi.NewDocument(res.body)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Errorf("OpenAPI version %q, want 3.1", v)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("build v3 model: %v", err)
	}

	var documented []api.Operation
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			documented = append(documented, api.Operation{Method: strings.ToUpper(method), Path: path, ID: op.OperationId})
			if op.Summary == "" || len(op.Tags) == 0 {
				t.Errorf("%s %s: want a summary and tags", method, path)
			}
			if !kebab.MatchString(op.OperationId) {
				t.Errorf("%s %s: operationId %q is not kebab-case", method, path, op.OperationId)
			}
		}
	}
	registered := e.api.Operations()
	byRoute := func(a, b api.Operation) int { return strings.Compare(a.Method+" "+a.Path, b.Method+" "+b.Path) }
	slices.SortFunc(documented, byRoute)
	slices.SortFunc(registered, byRoute)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Errorf("registered operations (-) differ from the document (+):\n%s", diff)
	}
	want := []api.Operation{
		{"DELETE", "/api/v1/circles/{id}/posts/{post}", "delete-post"},
		{"DELETE", "/api/v1/circles/{id}/schedule", "clear-schedule"},
		{"DELETE", "/api/v1/me/assessments/{id}", "delete-self-assessment"},
		{"DELETE", "/api/v1/me/calendar-feed", "delete-calendar-feed"},
		{"DELETE", "/api/v1/me/journal/{id}", "delete-journal-entry"},
		{"DELETE", "/api/v1/me/sessions/{id}", "revoke-session"},
		{"DELETE", "/api/v1/me/tokens/{id}", "revoke-token"},
		{"DELETE", "/api/v1/programs/{id}/opt-in", "withdraw-opt-in"},
		{"DELETE", "/api/v1/session", "sign-out"},
		{"DELETE", "/api/v1/topics/{name}", "delete-topic"},
		{"GET", "/api/v1/circles", "list-circles"},
		{"GET", "/api/v1/circles/{id}", "get-circle"},
		{"GET", "/api/v1/circles/{id}/agreement", "list-agreement-versions"},
		{"GET", "/api/v1/circles/{id}/agreement/comments", "list-agreement-comments"},
		{"GET", "/api/v1/circles/{id}/cards", "list-circle-cards"},
		{"GET", "/api/v1/circles/{id}/commitments", "list-commitments"},
		{"GET", "/api/v1/circles/{id}/fit", "get-circle-fit"},
		{"GET", "/api/v1/circles/{id}/ground-rules", "get-circle-ground-rules"},
		{"GET", "/api/v1/circles/{id}/meetings", "list-meetings"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/ics", "download-meeting"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room", "get-room"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room/events", "room-events"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room/helping", "list-help-notes"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room/note", "get-meeting-note"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room/reflection", "get-reflection"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/room/ritual", "get-ritual"},
		{"GET", "/api/v1/circles/{id}/meetings/{meeting}/rsvp", "get-rsvp"},
		{"GET", "/api/v1/circles/{id}/pause", "get-pause"},
		{"GET", "/api/v1/circles/{id}/posts", "list-posts"},
		{"GET", "/api/v1/circles/{id}/pulse", "get-circle-pulse"},
		{"GET", "/api/v1/circles/{id}/schedule", "get-schedule"},
		{"GET", "/api/v1/circles/{id}/schedule/changes", "list-schedule-changes"},
		{"GET", "/api/v1/dashboard", "get-dashboard"},
		{"GET", "/api/v1/departments", "list-departments"},
		{"GET", "/api/v1/ground-rules", "get-ground-rules"},
		{"GET", "/api/v1/invitations/{token}", "get-invitation"},
		{"GET", "/api/v1/learning", "list-learning"},
		{"GET", "/api/v1/matches", "list-matches"},
		{"GET", "/api/v1/me", "get-me"},
		{"GET", "/api/v1/me/assessments", "list-self-assessments"},
		{"GET", "/api/v1/me/assessments/capabilities", "list-capabilities"},
		{"GET", "/api/v1/me/assessments/{id}", "get-self-assessment"},
		{"GET", "/api/v1/me/calendar-feed", "get-calendar-feed"},
		{"GET", "/api/v1/me/cards", "list-my-cards"},
		{"GET", "/api/v1/me/cards/{id}", "get-card"},
		{"GET", "/api/v1/me/helping", "get-helping-pattern"},
		{"GET", "/api/v1/me/journal", "list-journal"},
		{"GET", "/api/v1/me/journal/prompts", "list-journal-prompts"},
		{"GET", "/api/v1/me/journal/{id}", "get-journal-entry"},
		{"GET", "/api/v1/me/practice", "get-practice"},
		{"GET", "/api/v1/me/reminders", "get-reminder-prefs"},
		{"GET", "/api/v1/me/sessions", "list-sessions"},
		{"GET", "/api/v1/me/spread", "get-spread"},
		{"GET", "/api/v1/me/tokens", "list-tokens"},
		{"GET", "/api/v1/org", "get-org"},
		{"GET", "/api/v1/pair-invitations", "list-pair-invitations"},
		{"GET", "/api/v1/people", "list-people"},
		{"GET", "/api/v1/people/tree", "get-org-chart"},
		{"GET", "/api/v1/people/{id}", "get-person"},
		{"GET", "/api/v1/programs", "list-programs"},
		{"GET", "/api/v1/programs/{id}", "get-program"},
		{"GET", "/api/v1/programs/{id}/cards", "list-program-cards"},
		{"GET", "/api/v1/programs/{id}/departures", "list-departures"},
		{"GET", "/api/v1/programs/{id}/fit", "get-program-fit"},
		{"GET", "/api/v1/programs/{id}/health", "get-program-health"},
		{"GET", "/api/v1/programs/{id}/opt-in", "get-opt-in"},
		{"GET", "/api/v1/programs/{id}/participants", "list-participants"},
		{"GET", "/api/v1/programs/{id}/pulse", "get-program-pulse"},
		{"GET", "/api/v1/programs/{id}/rounds", "list-rounds"},
		{"GET", "/api/v1/pulse", "get-organisation-pulse"},

		{"GET", "/api/v1/rounds/{id}", "get-round"},
		{"GET", "/api/v1/topics", "list-topics"},
		{"PATCH", "/api/v1/circles/{id}/commitments/{commitment}", "change-commitment"},
		{"PATCH", "/api/v1/me", "update-me"},
		{"POST", "/api/v1/circles/{id}/agreement", "propose-agreement"},
		{"POST", "/api/v1/circles/{id}/agreement/{version}/comments", "comment-on-agreement"},
		{"POST", "/api/v1/circles/{id}/agreement/{version}/consent", "consent-to-agreement"},
		{"POST", "/api/v1/circles/{id}/agreement/{version}/withdraw", "withdraw-agreement"},
		{"POST", "/api/v1/circles/{id}/commitments", "create-commitment"},
		{"POST", "/api/v1/circles/{id}/fit/answers", "answer-fit"},
		{"POST", "/api/v1/circles/{id}/ground-rules/acknowledge", "acknowledge-ground-rules"},
		{"POST", "/api/v1/circles/{id}/leave", "leave-circle"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/cancel", "cancel-meeting"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/move", "move-meeting"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/restore", "restore-meeting"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/room/checkin", "check-in"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/room/closing", "answer-closing"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/room/commands", "send-room-command"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/room/offers", "create-offer"},
		{"POST", "/api/v1/circles/{id}/meetings/{meeting}/room/offers/{offer}/take", "take-offer"},
		{"POST", "/api/v1/circles/{id}/pause", "pause-circle"},
		{"POST", "/api/v1/circles/{id}/posts", "create-post"},
		{"POST", "/api/v1/circles/{id}/pulse/answers", "answer-pulse"},
		{"POST", "/api/v1/circles/{id}/response", "respond-to-circle"},
		{"POST", "/api/v1/circles/{id}/resume", "resume-circle"},
		{"POST", "/api/v1/circles/{id}/return-to-pool", "return-circle-to-pool"},
		{"POST", "/api/v1/circles/{id}/schedule/changes/{change}/undo", "undo-schedule-change"},
		{"POST", "/api/v1/invitations/{token}/accept", "accept-invitation"},
		{"POST", "/api/v1/me/assessments", "create-self-assessment"},
		{"POST", "/api/v1/me/calendar-feed", "create-calendar-feed"},
		{"POST", "/api/v1/me/cards", "create-card"},
		{"POST", "/api/v1/me/cards/{id}/widen", "widen-card"},
		{"POST", "/api/v1/me/cards/{id}/withdraw", "withdraw-card"},
		{"POST", "/api/v1/me/journal", "create-journal-entry"},
		{"POST", "/api/v1/me/password", "change-password"},
		{"POST", "/api/v1/me/tokens", "create-token"},
		{"POST", "/api/v1/pair-invitations/{id}/response", "respond-to-pair-invitation"},
		{"POST", "/api/v1/password/forgot", "request-password-reset"},
		{"POST", "/api/v1/password/reset", "reset-password"},
		{"POST", "/api/v1/people", "invite-person"},
		{"POST", "/api/v1/people/import", "import-people"},
		{"POST", "/api/v1/people/import/preview", "preview-import"},
		{"POST", "/api/v1/people/invitations/release", "release-held-invitations"},
		{"POST", "/api/v1/people/{id}/deactivate", "deactivate-person"},
		{"POST", "/api/v1/people/{id}/invitation", "resend-invitation"},
		{"POST", "/api/v1/people/{id}/reactivate", "reactivate-person"},
		{"POST", "/api/v1/programs", "create-program"},
		{"POST", "/api/v1/programs/{id}/close", "close-program"},
		{"POST", "/api/v1/programs/{id}/colleague-invitations", "invite-colleague"},
		{"POST", "/api/v1/programs/{id}/open", "open-program"},
		{"POST", "/api/v1/programs/{id}/pair-invitations", "create-pair-invitation"},
		{"POST", "/api/v1/programs/{id}/remind", "remind-program"},
		{"POST", "/api/v1/programs/{id}/rounds", "propose-round"},
		{"POST", "/api/v1/rounds/{id}/moves", "move-member"},
		{"POST", "/api/v1/rounds/{id}/publish", "publish-round"},
		{"POST", "/api/v1/session", "sign-in"},
		{"POST", "/api/v1/signup", "sign-up"},
		{"POST", "/api/v1/signup/confirm", "confirm-sign-up"},
		{"POST", "/api/v1/topics", "create-topic"},
		{"PUT", "/api/v1/circles/{id}/commitments/{commitment}", "update-commitment"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/roles", "set-meeting-roles"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/room/helping/{presenter}", "save-help-note"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/room/note", "save-meeting-note"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/room/reflection", "save-reflection"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/room/ritual", "save-ritual"},
		{"PUT", "/api/v1/circles/{id}/meetings/{meeting}/rsvp", "set-rsvp"},
		{"PUT", "/api/v1/circles/{id}/pulse/cadence", "set-pulse-cadence"},
		{"PUT", "/api/v1/circles/{id}/pulse/share", "set-pulse-share"},
		{"PUT", "/api/v1/circles/{id}/schedule", "set-schedule"},
		{"PUT", "/api/v1/ground-rules", "update-ground-rules"},
		{"PUT", "/api/v1/me/assessments/{id}", "update-self-assessment"},
		{"PUT", "/api/v1/me/cards/{id}", "update-card"},
		{"PUT", "/api/v1/me/journal/{id}", "update-journal-entry"},
		{"PUT", "/api/v1/me/reminders", "update-reminder-prefs"},
		{"PUT", "/api/v1/me/taking-part", "set-taking-part"},
		{"PUT", "/api/v1/people/{id}", "update-person"},
		{"PUT", "/api/v1/people/{id}/role", "update-role"},
		{"PUT", "/api/v1/programs/{id}", "update-program"},
		{"PUT", "/api/v1/programs/{id}/opt-in", "save-opt-in"},
		{"PUT", "/api/v1/programs/{id}/opt-in/snooze", "snooze-opt-in"},
	}
	if diff := cmp.Diff(want, registered); diff != "" {
		t.Errorf("operations (-want +registered):\n%s", diff)
	}

	// Every operation is routed: none answers with the unknown-route error.
	none := "00000000-0000-0000-0000-000000000000"
	fill := strings.NewReplacer("{id}", none, "{token}", "hsl_nothing", "{name}", "Nothing", "{version}", "1",
		"{meeting}", none, "{post}", none, "{commitment}", none, "{offer}", none, "{presenter}", none)
	for _, op := range registered {
		res := e.anon().do(t, op.Method, fill.Replace(op.Path), nil)
		if res.status == http.StatusMethodNotAllowed || strings.Contains(string(res.body), "no such API route") {
			t.Errorf("%s %s is not routed: %d %s", op.Method, op.Path, res.status, res.body)
		}
	}
}

// TestOpenAPIGolden pins the OpenAPI document byte for byte, so that moving
// code behind the API cannot change what it promises by accident. After a
// deliberate change, rewrite the file with
// go test ./internal/api -run TestOpenAPIGolden -update-openapi.
func TestOpenAPIGolden(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	res := e.anon().do(t, http.MethodGet, "/api/v1/openapi.json", nil)
	res.want(t, http.StatusOK, nil)
	const golden = "testdata/openapi.golden.json"
	if *updateOpenAPI {
		if err := os.WriteFile(golden, res.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.body, want) {
		t.Errorf("the OpenAPI document differs from %s (sha256 %x, want %x); if the change is deliberate, run with -update-openapi",
			golden, sha256.Sum256(res.body), sha256.Sum256(want))
	}
}

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite testdata/openapi.golden.json")
