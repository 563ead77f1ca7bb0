package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/directory"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

const (
	cookieName = "holdspace_session"
	password   = "correct horse battery"
)

// passwordHash is computed once: argon2id is slow on purpose.
var passwordHash = sync.OnceValue(func() string {
	h, err := account.HashPassword(password)
	if err != nil {
		panic(err)
	}
	return h
})

// env is one API on a fresh database, served over HTTP.
type env struct {
	db        *store.DB
	svc       *service.Services
	accounts  *accounts.Service
	directory *directory.Service
	programs  *programs.Service
	circles   *circles.Service
	meetings  *meetings.Service
	api       *api.API
	srv       *httptest.Server
	mail      *storetest.Outbox
	jobs      *storetest.Jobs
	// hub is the API's live fan-out. Nothing relays room changes to it
	// in tests: a test publishes what it wants a stream to receive.
	hub *live.Hub
}

// forEachDB runs fn on every engine storetest offers (SQLite, and
// PostgreSQL when HOLDSPACE_TEST_POSTGRES_URL is set), each time on a fresh
// database.
func forEachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, eng.URL(t)))
		})
	}
}

// newSQLiteEnv is an env on SQLite alone, for tests about the API itself
// rather than the data.
func newSQLiteEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnv(tb, storetest.SQLiteURL(tb))
}

// newEnv serves the API on db, which storetest opened and migrated.
func newEnv(tb testing.TB, dbURL string, opts ...store.Option) *env {
	tb.Helper()
	e := &env{mail: &storetest.Outbox{}, jobs: &storetest.Jobs{}}
	db := storetest.Open(tb, dbURL, append([]store.Option{store.WithOutbox(e.mail), store.WithScheduler(e.jobs)}, opts...)...)
	e.db = db
	base, _ := url.Parse("http://holdspace.test")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	keys, err := seal.NewRing(bytes.Repeat([]byte{7}, seal.KeySize), nil)
	if err != nil {
		tb.Fatal(err)
	}
	e.svc = service.New(service.Config{DB: db, BaseURL: base, Logger: logger, Limiter: accounts.NewLimiter(time.Second, 1000), Keys: keys})
	e.accounts, e.directory, e.programs, e.circles, e.meetings = e.svc.Accounts, e.svc.Directory, e.svc.Programs, e.svc.Circles, e.svc.Meetings
	e.hub = live.NewHub()
	e.api = api.New(api.Deps{Services: e.svc, Logger: logger, CookieName: cookieName, Hub: e.hub})
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", identify(e.accounts, e.api))
	e.srv = httptest.NewServer(mux)
	tb.Cleanup(e.srv.Close)
	// Cleanups run last first: closing the hub ends any room stream still
	// open, which the server would otherwise wait for as it closes.
	tb.Cleanup(e.hub.Close)
	return e
}

// identify does what the web server does before the API sees a request.
func identify(s *accounts.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cookie string
		if c, err := r.Cookie(cookieName); err == nil {
			cookie = c.Value
		}
		id, err := s.Identify(r.Context(), r.Header.Get("Authorization"), cookie)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if id != nil {
			r = r.WithContext(auth.WithIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// client calls the API as someone: with a session cookie, a bearer token or
// as nobody.
type client struct {
	e       *env
	session string
	bearer  string
}

func (e *env) anon() client { return client{e: e} }

type response struct {
	status int
	header http.Header
	body   []byte
}

// csv marks a request body sent as text/csv.
type csv string

// rawJSON is a request body sent as it is, with Content-Type
// application/json.
type rawJSON string

// do sends a request. body is marshalled to JSON unless it is csv or
// rawJSON.
func (c client) do(tb testing.TB, method, path string, body any) *response {
	tb.Helper()
	var r io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case csv:
		r, ctype = strings.NewReader(string(b)), "text/csv"
	case rawJSON:
		r = strings.NewReader(string(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: cookieName, Value: c.session})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.e.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: b}
}

// want fails the test unless the response has status, and decodes its
// body into v when v is not nil.
func (r *response) want(tb testing.TB, status int, v any) {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			tb.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// sessionCookie returns the session cookie the response sets.
func (r *response) sessionCookie(tb testing.TB) *http.Cookie {
	tb.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == cookieName {
			return c
		}
	}
	tb.Fatalf("no %s cookie in %v", cookieName, r.header)
	return nil
}

// org is an organisation made for a test, with an admin and a member who
// can each call the API by session or token.
type org struct {
	org                 *account.Org
	admin, member       *account.User
	adminAPI, memberAPI client // with bearer tokens
	adminWeb            client // with a session cookie
	adminSess           *account.Session
	adminTokID          string
}

func mustCreateOrg(tb testing.TB, e *env, name string) *org {
	tb.Helper()
	ctx := context.Background()
	slug := account.Slugify(name)
	o := &org{
		admin: &account.User{Email: "admin@" + slug + ".example.com", Name: name + " Admin", Timezone: "Europe/Berlin",
			PasswordHash: passwordHash(), Department: "People"},
		member: &account.User{Email: "member@" + slug + ".example.com", Name: name + " Member", Timezone: "UTC",
			Role: account.RoleMember, Status: account.StatusActive, PasswordHash: passwordHash(), Department: "Engineering"},
	}
	var err error
	if o.org, err = e.db.CreateOrg(ctx, name, o.admin, o.member); err != nil {
		tb.Fatal(err)
	}
	adminTok, tok, err := e.accounts.CreateToken(ctx, o.admin, "admin script")
	if err != nil {
		tb.Fatal(err)
	}
	o.adminTokID = tok.ID
	memberTok, _, err := e.accounts.CreateToken(ctx, o.member, "member script")
	if err != nil {
		tb.Fatal(err)
	}
	sessTok, sess, err := e.accounts.StartSession(ctx, o.admin, "test browser", "192.0.2.1")
	if err != nil {
		tb.Fatal(err)
	}
	o.adminSess = sess
	o.adminAPI = client{e: e, bearer: adminTok}
	o.memberAPI = client{e: e, bearer: memberTok}
	o.adminWeb = client{e: e, session: sessTok}
	return o
}

var tokenRE = regexp.MustCompile(`[?&]token=([A-Za-z0-9_\-]+)`)

// linkToken returns the token of the link in the last message sent to to.
func (e *env) linkToken(tb testing.TB, to string) string {
	tb.Helper()
	msgs := e.mail.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To != to {
			continue
		}
		m := tokenRE.FindStringSubmatch(msgs[i].Text)
		if m == nil {
			tb.Fatalf("no link in the message to %s: %s", to, msgs[i].Text)
		}
		return m[1]
	}
	tb.Fatalf("no message to %s", to)
	return ""
}

// mailTo counts the messages sent to an address.
func (e *env) mailTo(to string) int {
	n := 0
	for _, m := range e.mail.Messages() {
		if m.To == to {
			n++
		}
	}
	return n
}

// containsKey reports whether the JSON document body has key in any object.
func containsKey(tb testing.TB, body []byte, key string) bool {
	tb.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == key || walk(x) {
					return true
				}
			}
		case []any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
