// Package api is Holdspace's JSON API under /api/v1: everything a person can
// do in the web app, for scripts and integrations. It is built with huma on
// the standard library's ServeMux, so the OpenAPI 3.1 document served at
// /api/v1/openapi.json is generated from the same Go types the handlers use
// and cannot drift from them.
//
// Callers authenticate with the session cookie or a personal access token
// (Authorization: Bearer hsp_…). Identifying the caller, CSRF protection,
// request ids, security headers and body limits are the job of the server
// that mounts this handler; this package authorises each operation and maps
// every failure to one error shape:
//
//	{"error": {"code": "validation_failed", "message": "…", "fields": {"email": "…"}}}
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/service/agreements"
	"github.com/holdspace/holdspace/internal/service/cards"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/dashboards"
	"github.com/holdspace/holdspace/internal/service/directory"
	journals "github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// Prefix is where the API lives; every operation's path starts with it.
const Prefix = "/api/v1"

// Deps is what the API needs.
type Deps struct {
	// Services carry out everything an operation does.
	*service.Services
	// Logger receives the causes of server errors; nil discards them.
	Logger *slog.Logger
	// Secure marks the session cookie Secure (the site is served over TLS).
	Secure bool
	// CookieName is the session cookie's name; empty means
	// auth.CookieName(Secure).
	CookieName string
	// ClientIP returns the caller's address for rate limits and the
	// session list; nil means the connection's remote address.
	ClientIP func(*http.Request) string
	// Hub is the process's fan-out of meeting rooms, which the room's
	// event stream subscribes to; nil turns the stream off (503).
	Hub *live.Hub
}

// API is the http.Handler for everything under /api/v1/.
type API struct {
	accounts   *accounts.Service
	directory  *directory.Service
	programs   *programs.Service
	circles    *circles.Service
	agreements *agreements.Service
	meetings   *meetings.Service
	journal    *journals.Service
	pulses     *pulses.Service
	cards      *cards.Service
	dashboards *dashboards.Service
	log        *slog.Logger
	secure     bool
	cookie     string
	clientIP   func(*http.Request) string
	hub        *live.Hub

	mux  *http.ServeMux
	huma huma.API
	ops  []Operation
	spec []byte // the OpenAPI document as served
}

// Operation is one registered API operation.
type Operation struct {
	Method string
	// Path is the full path pattern, as in /api/v1/people/{id}.
	Path string
	// ID is the OpenAPI operationId, in kebab-case.
	ID string
}

// New builds the API; without services it can still describe itself. The
// caller mounts it with mux.Handle("/api/v1/", a)
// after identifying the request (auth.WithIdentity). It panics if an
// operation is defined wrongly, which the tests catch.
func New(d Deps) *API {
	a := &API{log: d.Logger, secure: d.Secure, cookie: d.CookieName, clientIP: d.ClientIP, hub: d.Hub, mux: http.NewServeMux()}
	if svc := d.Services; svc != nil {
		a.accounts, a.directory, a.programs = svc.Accounts, svc.Directory, svc.Programs
		a.circles, a.agreements, a.meetings = svc.Circles, svc.Agreements, svc.Meetings
		a.journal = svc.Journal
		a.pulses = svc.Pulses
		a.cards = svc.Cards
		a.dashboards = svc.Dashboards
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.cookie == "" {
		a.cookie = auth.CookieName(d.Secure)
	}
	if a.clientIP == nil {
		a.clientIP = remoteIP
	}
	a.huma = humago.New(a.mux, a.config())
	a.routes()
	spec, err := json.Marshal(a.huma.OpenAPI())
	if err != nil {
		panic(fmt.Sprintf("api: marshal OpenAPI document: %v", err))
	}
	a.spec = spec
	a.mux.HandleFunc("GET "+Prefix+"/openapi.json", a.handleOpenAPI)
	return a
}

// config describes the API for its OpenAPI document. Huma's own docs page,
// schema routes and $schema links are left out: the docs page loads
// scripts from a CDN, which the site's CSP forbids.
func (a *API) config() huma.Config {
	c := huma.DefaultConfig("Holdspace API", "1")
	c.OpenAPIPath, c.DocsPath, c.SchemasPath = "", "", ""
	c.CreateHooks = nil
	c.Info.Description = "Everything a person can do in Holdspace's web app. Authenticate with the session cookie " +
		"(POST /api/v1/session) or a personal access token: `Authorization: Bearer hsp_…`. Every error has the shape " +
		"`{\"error\": {\"code\": \"…\", \"message\": \"…\", \"fields\": {\"email\": \"…\"}}}`; request bodies with unknown fields are refused."
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		schemeSession: {Type: "apiKey", In: "cookie", Name: a.cookie, Description: "The session cookie set by signing in."},
		schemeToken:   {Type: "http", Scheme: "bearer", Description: "A personal access token (hsp_…), created at POST /api/v1/me/tokens."},
	}
	c.Tags = []*huma.Tag{
		{Name: tagAccount, Description: "Signing up, in and out; password reset; invitations."},
		{Name: tagProfile, Description: "The signed-in person: profile, password, sessions and access tokens."},
		{Name: tagOrg, Description: "The organisation and its people."},
		{Name: tagAdmin, Description: "For organisation admins: inviting and importing people, roles."},
		{Name: tagPrograms, Description: "Peer-coaching programs, the topic vocabulary, and each person's voluntary opt-in. " +
			"What people would like and must not be matched with is private: only its author sees it."},
		{Name: tagMatching, Description: "Rounds of matching that admins propose, review, adjust and publish; every member's consent; " +
			"pairs formed by invitation. A circle becomes active only when every member has accepted."},
		{Name: tagCircles, Description: "An active circle's members-only home: the ground rules each member acknowledges before anything else " +
			"(until then the circle answers 403 with the code ground_rules_required), the working agreement every member consents to, " +
			"posts, commitments, leaving. A circle the caller is not an active member of answers 404, for admins too."},
		{Name: tagCalendar, Description: "A circle's recurring schedule and its meetings, with facilitator and timekeeper rotating; " +
			"each person's reminders and secret calendar feed."},
		{Name: tagMeetings, Description: "A meeting's live room, for the circle's members: the agenda and the shared timer, which the " +
			"timekeeper and the facilitator run; check-ins, which mark who came; offers of counsel, which the presenter may take as " +
			"their own commitments; the shared note; each member's private reflection; and a stream of the room's state as " +
			"Server-Sent Events. Like the circle, it answers 404 to anyone not a member and 403 ground_rules_required until the " +
			"caller has acknowledged the ground rules in force."},
		{Name: tagPulse, Description: "The psychological-safety pulse (Edmondson's seven items) a circle answers every few meetings. " +
			"Answers are kept as counts, apart from the mark that someone answered. A circle's members see a round once 3 answered; " +
			"admins see only pools of at least 5 answers across at least 2 circles, never one circle."},
		{Name: tagCards, Description: "A learning card is a short \"what I learned\" a circle's member writes, never the case itself. " +
			"It starts as a draft its author alone reads and is released, one step at a time and each with a preview of who will " +
			"read it, to the circle, the program (the members of its circles and the organisation's admins) and the whole " +
			"organisation; its author may withdraw it to a draft at any time, and an edit takes a released card back to a draft. " +
			"Nobody, admins included, reads a card below its audience: another person's draft is not found."},
		{Name: tagDashboard, Description: "The program dashboard, for admins: counts by month of opt-ins, matching, circles, meetings, " +
			"attendance, RSVPs, commitments, retention, learning cards and guests, for the organisation or one program, and the pulse " +
			"pooled as its thresholds allow. Never a word anyone wrote. The same figures as CSV are at /dashboard.csv."},
	}
	return c
}

// Tags group operations in the document; security schemes name the two
// ways to authenticate.
const (
	tagAccount   = "Account"
	tagProfile   = "Profile"
	tagOrg       = "Organisation"
	tagAdmin     = "Admin"
	tagPrograms  = "Programs"
	tagMatching  = "Matching"
	tagCircles   = "Circles"
	tagCalendar  = "Calendar"
	tagMeetings  = "Meetings"
	tagJournal   = "Journal"
	tagPulse     = "Pulse"
	tagDashboard = "Dashboard"
	tagCards     = "Learning cards"

	schemeSession = "session"
	schemeToken   = "token"
)

// ServeHTTP serves the API. Unknown routes and wrong methods get the JSON
// error too, never the mux's plain-text answers.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r = r.WithContext(context.WithValue(r.Context(), requestKey{}, &request{
		ip: a.clientIP(r), userAgent: r.UserAgent(), log: a.log}))
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.noRoute(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// noRoute answers 405 when the path exists with other methods, else 404.
func (a *API) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		writeError(w, newError(http.StatusNotFound, "There is no such API route. The routes are listed at "+Prefix+"/openapi.json.", nil))
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, newError(http.StatusMethodNotAllowed, fmt.Sprintf("This route does not take %s; it takes %s.", r.Method, strings.Join(allowed, ", ")), nil))
}

// handleOpenAPI serves the OpenAPI document, rendered once at start-up.
func (a *API) handleOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/openapi+json")
	_, _ = w.Write(a.spec)
}

// OpenAPI returns the OpenAPI document that describes the API.
func (a *API) OpenAPI() *huma.OpenAPI { return a.huma.OpenAPI() }

// Operations lists every registered operation in registration order.
func (a *API) Operations() []Operation { return slices.Clone(a.ops) }

// access is who may call an operation.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // any person of the organisation
	admin                  // organisation admins only
)

// register adds an operation. Who may call it is checked before the body is
// read, so a member learns nothing from a validation error on an admin
// operation; every error a handler returns goes through fail.
func register[I, O any](a *API, who access, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	op.Path = Prefix + op.Path
	if who != public {
		op.Security = []map[string][]string{{schemeSession: {}}, {schemeToken: {}}}
		op.Middlewares = huma.Middlewares{a.require(who)}
		op.Errors = append(op.Errors, http.StatusUnauthorized)
	}
	if who == admin {
		op.Errors = append(op.Errors, http.StatusForbidden)
	}
	// Huma adds 422 (for operations with input) and 500 to a non-empty list.
	op.Errors = append(op.Errors, http.StatusInternalServerError)
	a.ops = append(a.ops, Operation{Method: op.Method, Path: op.Path, ID: op.OperationID})
	huma.Register(a.huma, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, a.fail(ctx, op.OperationID, err)
		}
		return out, nil
	})
}

// require refuses callers below who with 401 or 403.
func (a *API) require(who access) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		u := auth.UserFromContext(ctx.Context())
		switch {
		case u == nil:
			_, w := humago.Unwrap(ctx)
			writeError(w, a.fail(ctx.Context(), "", auth.ErrUnauthenticated))
		case who == admin && !u.IsAdmin():
			_, w := humago.Unwrap(ctx)
			writeError(w, a.fail(ctx.Context(), "", auth.ErrForbidden))
		default:
			next(ctx)
		}
	}
}

// request is what handlers need to know about the HTTP request beyond their
// input: huma hands them only a context.
type request struct {
	ip, userAgent string
	log           *slog.Logger
}

type requestKey struct{}

// requestFrom returns the request details that ServeHTTP recorded.
func requestFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r
	}
	return &request{log: slog.New(slog.DiscardHandler)}
}

// remoteIP is the connection's address without its port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
