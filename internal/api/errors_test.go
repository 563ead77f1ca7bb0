package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/service/accounts"
)

// errorShape decodes an error body strictly: exactly one "error" object
// holding code, message and, when there are any, fields.
func errorShape(tb testing.TB, body []byte) (code string, fields map[string]string) {
	tb.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		tb.Fatalf("error body is not JSON: %s", body)
	}
	if len(top) != 1 || top["error"] == nil {
		tb.Fatalf("error body has keys other than \"error\": %s", body)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(top["error"], &inner); err != nil {
		tb.Fatalf("\"error\" is not an object: %s", body)
	}
	for k := range inner {
		if k != "code" && k != "message" && k != "fields" {
			tb.Errorf("unexpected key %q in %s", k, body)
		}
	}
	var e struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	}
	if err := json.Unmarshal(top["error"], &e); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
	if e.Code == "" || e.Message == "" {
		tb.Errorf("code and message must be set: %s", body)
	}
	if inner["fields"] != nil && len(e.Fields) == 0 {
		tb.Errorf("fields must be left out when empty: %s", body)
	}
	return e.Code, e.Fields
}

func TestErrorShape(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		big := csv("name,email\n" + strings.Repeat("A Person,someone@example.com\n", 80_000))
		tests := []struct {
			name       string
			c          client
			method     string
			path       string
			body       any
			status     int
			code       string
			fields     map[string]string
			wantHeader [2]string
		}{
			{name: "no identity", c: e.anon(), method: "GET", path: "/api/v1/me",
				status: 401, code: "unauthenticated", wantHeader: [2]string{"WWW-Authenticate", `Bearer realm="Holdspace"`}},
			{name: "unknown token", c: client{e: e, bearer: "hsp_nothing"}, method: "GET", path: "/api/v1/me",
				status: 401, code: "unauthenticated"},
			{name: "bad credentials", c: e.anon(), method: "POST", path: "/api/v1/session",
				body:   map[string]string{"email": o.admin.Email, "password": "not the password"},
				status: 401, code: "unauthenticated"},
			{name: "member on admin operation", c: o.memberAPI, method: "POST", path: "/api/v1/people",
				body:   map[string]string{"name": "New Person", "email": "new@acme.example.com"},
				status: 403, code: "forbidden"},
			{name: "member with an invalid body still gets 403", c: o.memberAPI, method: "POST", path: "/api/v1/people",
				body: map[string]any{"bogus": true}, status: 403, code: "forbidden"},
			{name: "sign out with a token", c: o.adminAPI, method: "DELETE", path: "/api/v1/session",
				status: 403, code: "forbidden"},
			{name: "unknown person", c: o.adminAPI, method: "GET", path: "/api/v1/people/00000000-0000-0000-0000-000000000000",
				status: 404, code: "not_found"},
			{name: "unknown route", c: o.adminAPI, method: "GET", path: "/api/v1/nothing/here",
				status: 404, code: "not_found"},
			{name: "unknown route without identity", c: e.anon(), method: "POST", path: "/api/v1/",
				status: 404, code: "not_found"},
			{name: "wrong method", c: o.adminAPI, method: "DELETE", path: "/api/v1/org",
				status: 405, code: "method_not_allowed", wantHeader: [2]string{"Allow", "GET"}},
			{name: "missing field", c: e.anon(), method: "POST", path: "/api/v1/session",
				body:   map[string]string{"email": "someone@example.com"},
				status: 422, code: "validation_failed", fields: map[string]string{"password": "This field is required."}},
			{name: "unknown field", c: e.anon(), method: "POST", path: "/api/v1/session",
				body:   map[string]string{"email": "someone@example.com", "password": "x", "remember": "yes"},
				status: 422, code: "validation_failed", fields: map[string]string{"remember": "This field is unknown; remove it."}},
			{name: "edge validation", c: e.anon(), method: "POST", path: "/api/v1/signup",
				body:   map[string]any{"org_name": "Org", "name": strings.Repeat("n", 121), "email": "not-an-email", "password": 12},
				status: 422, code: "validation_failed", fields: map[string]string{
					"name":     "Use at most 120 characters.",
					"email":    "Enter an email address like name@example.com.",
					"password": "Use a string.",
				}},
			{name: "domain validation", c: o.adminAPI, method: "PATCH", path: "/api/v1/me",
				body:   map[string]string{"timezone": "Mars/Olympus_Mons"},
				status: 422, code: "validation_failed",
				fields: map[string]string{"timezone": "Choose a time zone such as Europe/Berlin or America/New_York."}},
			{name: "query validation", c: o.memberAPI, method: "GET", path: "/api/v1/people?limit=0",
				status: 422, code: "validation_failed", fields: map[string]string{"limit": "Use a number of at least 1."}},
			{name: "bad JSON", c: e.anon(), method: "POST", path: "/api/v1/session", body: rawJSON(`{"email": `),
				status: 400, code: "bad_request"},
			{name: "no body", c: e.anon(), method: "POST", path: "/api/v1/session",
				status: 400, code: "bad_request"},
			{name: "not JSON", c: e.anon(), method: "POST", path: "/api/v1/session", body: csv("email,password"),
				status: 415, code: "unsupported_media_type"},
			{name: "used link", c: e.anon(), method: "POST", path: "/api/v1/signup/confirm",
				body: map[string]string{"token": "hsl_nothing"}, status: 410, code: "link_invalid"},
			{name: "too large", c: o.adminAPI, method: "POST", path: "/api/v1/people/import/preview", body: big,
				status: 413, code: "payload_too_large"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := tt.c.do(t, tt.method, tt.path, tt.body)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
				}
				if ct := res.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q, want application/json", ct)
				}
				code, fields := errorShape(t, res.body)
				if code != tt.code {
					t.Errorf("code %q, want %q", code, tt.code)
				}
				if diff := cmp.Diff(tt.fields, fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if h := tt.wantHeader; h[0] != "" && res.header.Get(h[0]) != h[1] {
					t.Errorf("%s: %q, want %q", h[0], res.header.Get(h[0]), h[1])
				}
			})
		}
	})
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	e.accounts.Limiter = accounts.NewLimiter(time.Hour, 1)
	body := map[string]string{"email": "someone@example.com"}
	e.anon().do(t, "POST", "/api/v1/password/forgot", body).want(t, http.StatusAccepted, nil)
	res := e.anon().do(t, "POST", "/api/v1/password/forgot", body)
	res.want(t, http.StatusTooManyRequests, nil)
	if code, _ := errorShape(t, res.body); code != "rate_limited" {
		t.Errorf("code %q, want rate_limited", code)
	}
	if got := res.header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q, want 60", got)
	}
}
