package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
	"github.com/holdspace/holdspace/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

var ctx = context.Background()

type env struct {
	t      *testing.T
	db     *store.DB
	srv    *httptest.Server
	outbox *storetest.Outbox
	jobs   *storetest.Jobs
}

func newEnv(t *testing.T, dbURL string) *env {
	t.Helper()
	e := &env{t: t, outbox: &storetest.Outbox{}, jobs: &storetest.Jobs{}}
	db := storetest.Open(t, dbURL, store.WithOutbox(e.outbox), store.WithScheduler(e.jobs))
	e.db = db
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.srv = httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + e.srv.Listener.Addr().String())
	keys, err := seal.NewRing(bytes.Repeat([]byte{9}, seal.KeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: logger, Limiter: accounts.NewLimiter(time.Minute, 5), Keys: keys})
	h, err := web.NewServer(web.Deps{DB: db, Services: svc, Logger: logger, Registry: prometheus.NewRegistry(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = h
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// client is one browser: a cookie jar, and redirects not followed so that
// tests can see them.
type client struct {
	e *env
	c *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (r resp) expect(t *testing.T, status int, texts ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", r.status, status, r.body)
	}
	for _, s := range texts {
		if !strings.Contains(r.body, s) {
			t.Errorf("page lacks %q; body:\n%.3000s", s, r.body)
		}
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+token=([A-Za-z0-9_\-]+)`)

// lastLink returns the path and token of the link in the newest email to.
func (e *env) lastLink(to string) (string, string) {
	e.t.Helper()
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			m := linkRE.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				e.t.Fatalf("no link in email to %s:\n%s", to, msgs[i].Text)
			}
			u, _ := url.Parse(m[0])
			return u.Path, m[1]
		}
	}
	e.t.Fatalf("no email to %s", to)
	return "", ""
}

// signUp creates an organisation through the pages and returns its signed-in admin.
func (e *env) signUp(org, name, email string) *client {
	e.t.Helper()
	c := e.client()
	c.get("/signup").expect(e.t, 200, "Create your organisation")
	c.post("/signup", url.Values{"org_name": {org}, "name": {name}, "email": {email}, "password": {"correct horse battery"}, "timezone": {"Europe/Berlin"}}).
		expect(e.t, 200, "Check your email")
	path, token := e.lastLink(email)
	c.get(path+"?token="+token).expect(e.t, 200, "Create my organisation")
	r := c.post(path, url.Values{"token": {token}})
	if r.status != 303 || r.location != "/home" {
		e.t.Fatalf("confirm: %d %s", r.status, r.location)
	}
	return c
}

func TestSignUpSignInOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		c := e.signUp("Acme Ltd", "Ann Admin", "ann@acme.example")
		c.get("/home").expect(t, 200, "<h1>Welcome, Ann</h1>", "Acme Ltd", "Bring your people in")

		// Signing up again with the same address looks the same but tells
		// the owner instead.
		before := len(e.outbox.Messages())
		e.client().post("/signup", url.Values{"org_name": {"Other"}, "name": {"X"}, "email": {"ANN@acme.example"}, "password": {"another long password"}}).
			expect(t, 200, "Check your email")
		msgs := e.outbox.Messages()
		if len(msgs) != before+1 || !strings.Contains(msgs[len(msgs)-1].Subject, "already") {
			t.Errorf("existing address: got %d new messages, last %q", len(msgs)-before, msgs[len(msgs)-1].Subject)
		}

		c.post("/signout", nil).expect(t, 303)
		if r := c.get("/home"); r.status != 303 || !strings.HasPrefix(r.location, "/signin") {
			t.Errorf("after sign-out /home: %d %s", r.status, r.location)
		}
		// Wrong password and unknown address get the same answer.
		a := c.post("/signin", url.Values{"email": {"ann@acme.example"}, "password": {"wrong password!"}})
		b := c.post("/signin", url.Values{"email": {"nobody@acme.example"}, "password": {"wrong password!"}})
		a.expect(t, 401, "That email and password do not match an account")
		b.expect(t, 401, "That email and password do not match an account")
		r := c.post("/signin", url.Values{"email": {"ann@acme.example"}, "password": {"correct horse battery"}, "next": {"/people"}})
		if r.status != 303 || r.location != "/people" {
			t.Fatalf("sign in: %d %s", r.status, r.location)
		}
		// An off-site next is ignored.
		c.post("/signout", nil)
		r = c.post("/signin", url.Values{"email": {"ann@acme.example"}, "password": {"correct horse battery"}, "next": {"//evil.example/"}})
		if r.location != "/home" {
			t.Errorf("next=//evil.example redirected to %s", r.location)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	c := e.client()
	var last resp
	for range 7 {
		last = c.post("/signin", url.Values{"email": {"x@acme.example"}, "password": {"wrong password"}})
	}
	last.expect(t, 429, "Too many attempts")
}

func TestSignUpValidation(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	r := e.client().post("/signup", url.Values{"org_name": {""}, "name": {"Ann"}, "email": {"not-an-email"}, "password": {"short"}, "timezone": {"Mars/Olympus"}})
	r.expect(t, 422, "Enter a name.", "Enter an email address like name@example.com.", "Use at least 10 characters.", "Choose a time zone", `value="not-an-email"`)
	if len(e.outbox.Messages()) != 0 {
		t.Error("an invalid sign-up sent mail")
	}
}

func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann", "ann@acme.example")
		anon := e.client()
		anon.post("/password/forgot", url.Values{"email": {"nobody@acme.example"}}).expect(t, 200, "If <strong>nobody@acme.example</strong> has a Holdspace account")
		anon.post("/password/forgot", url.Values{"email": {"ann@acme.example"}}).expect(t, 200, "If <strong>ann@acme.example</strong> has a Holdspace account")
		path, token := e.lastLink("ann@acme.example")
		anon.get(path+"?token="+token).expect(t, 200, "Choose a new password", "ann@acme.example")
		anon.post(path, url.Values{"token": {token}, "password": {"short"}}).expect(t, 422, "Use at least 10 characters.")
		if r := anon.post(path, url.Values{"token": {token}, "password": {"a brand new password"}}); r.status != 303 {
			t.Fatalf("reset: %d", r.status)
		}
		anon.post(path, url.Values{"token": {token}, "password": {"yet another password"}}).expect(t, 410, "This link no longer works")
		// The old session was signed out by the reset.
		if r := admin.get("/home"); r.status != 303 {
			t.Errorf("old session survived a reset: %d", r.status)
		}
	})
}

const goodCSV = "name,email,department,manager_email,level,timezone\n" +
	"Bea Boss,bea@acme.example,Sales,,6,Europe/London\n" +
	"Carl Clerk,carl@acme.example,Sales,bea@acme.example,3,America/New_York\n"

func TestImportInviteAndChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		db := e.db
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		admin.get("/people/import").expect(t, 200, "Import people")

		bad := goodCSV + "Dora,dora@acme.example,Sales,nobody@acme.example,2,Mars/Base\n"
		r := admin.post("/people/import", url.Values{"csv": {bad}})
		r.expect(t, 422, "problems to fix", "Unknown manager", "Nothing has been imported")
		// Even a forged confirmation of a bad file writes nothing.
		admin.post("/people/import/confirm", url.Values{"csv": {bad}}).expect(t, 422)
		if total, _ := db.CountUsers(ctx, mustUser(t, db, "ann@acme.example").OrgID, store.UserFilter{}); total != 1 {
			t.Fatalf("a bad import wrote %d people", total-1)
		}

		admin.post("/people/import", url.Values{"csv": {goodCSV}}).expect(t, 200, "2 new, 0 changed, 0 unchanged", "Carl Clerk", "Send invitations now")
		r = admin.post("/people/import/confirm", url.Values{"csv": {goodCSV}})
		if r.status != 303 || r.location != "/people" {
			t.Fatalf("import: %d %s %s", r.status, r.location, r.body)
		}
		admin.get("/people").expect(t, 200, "2 people added and invited, 0 updated.", "Bea Boss", "Carl Clerk", "invited")
		admin.get("/people?q=carl").expect(t, 200, "Carl Clerk", "1 person match")
		// The chart opens at the viewer with everyone's report counts, and
		// unfolds a subtree when asked.
		admin.get("/people/chart").expect(t, 200, "Ann Admin", "Bea Boss", "1 report", "Show reports")
		bea := mustUser(t, db, "bea@acme.example")
		admin.get("/people/chart?at="+bea.ID).expect(t, 200, "Bea Boss", "Carl Clerk")
		admin.get("/people?manager="+bea.ID).expect(t, 200, "Reports of", "Carl Clerk", "1 person")

		// Carl accepts his invitation and lands signed in.
		path, token := e.lastLink("carl@acme.example")
		carl := e.client()
		invitation := carl.get(path + "?token=" + token)
		invitation.expect(t, 200, "Join Acme on Holdspace", "carl@acme.example")
		// An invitee joins an organisation; creating one is not for them.
		if strings.Contains(invitation.body, "Create an organisation") {
			t.Error("the invitation page offers to create an organisation")
		}
		if r := carl.get("/signin"); !strings.Contains(r.body, "Create an organisation") {
			t.Error("the sign-in page no longer offers to create an organisation")
		}
		if r := carl.post(path, url.Values{"token": {token}, "name": {"Carl Clerk"}, "timezone": {"America/New_York"}, "password": {"carl's long password"}}); r.status != 303 {
			t.Fatalf("accept: %d %s", r.status, r.body)
		}
		carl.get("/home").expect(t, 200, "<h1>Welcome, Carl</h1>", "Welcome, Carl. You")
		// Members see people but cannot administer.
		carl.get("/people").expect(t, 200, "Bea Boss")
		carl.get("/people/import").expect(t, 403)
		carl.post("/people/import", url.Values{"csv": {goodCSV}}).expect(t, 403)
		carl.post("/people/invite", url.Values{"name": {"X"}, "email": {"x@acme.example"}}).expect(t, 403)

		// Invite one person by form; bad input names the field.
		admin.post("/people/invite", url.Values{"name": {""}, "email": {"bad"}, "level": {"99"}}).expect(t, 422, "Enter a name.", "Enter an email address", "Use a whole number from 0 to 20.")
		r = admin.post("/people/invite", url.Values{"name": {"Dan"}, "email": {"dan@acme.example"}, "timezone": {"UTC"}, "role": {"member"}})
		if r.status != 303 {
			t.Fatalf("invite: %d %s", r.status, r.body)
		}
		admin.get(r.location).expect(t, 200, "Invitation sent to dan@acme.example", "Send a new invitation")
	})
}

// TestCountsAtScale: counts that grow with the organisation are written
// with thousands separators: the people on home and on the org chart, and
// a manager's reports; and none of them counts someone who left.
func TestCountsAtScale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var b strings.Builder
		b.WriteString(goodCSV)
		for i := range 1000 {
			fmt.Fprintf(&b, "Report %d,report%d@acme.example,Sales,bea@acme.example,2,Europe/London\n", i, i)
		}
		if r := admin.post("/people/import/confirm", url.Values{"csv": {b.String()}}); r.status != 303 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		admin.get("/home").expect(t, 200, "Acme · 1,003 people")
		admin.get("/people/chart").expect(t, 200, "1,003 people.")
		bea := mustUser(t, e.db, "bea@acme.example")
		admin.get("/people/chart?at="+bea.ID).expect(t, 200, "Sales · 1,001 reports", "All 1,001 reports of Bea Boss")
		// Someone who leaves is counted nowhere the chart looks.
		gone := mustUser(t, e.db, "report7@acme.example")
		if r := admin.post("/people/"+gone.ID+"/deactivate", url.Values{"version": {strconv.Itoa(gone.Version)}}); r.status != 303 {
			t.Fatalf("deactivate: %d %s", r.status, r.body)
		}
		admin.get("/home").expect(t, 200, "Acme · 1,002 people")
		// The admin's directory lists them, counted apart.
		admin.get("/people").expect(t, 200, "1,002 people, and 1 who has left", "50 of 1,003")
		admin.get("/people?department=Sales").expect(t, 200, "1,001 people match, and 1 who has left")
		admin.get("/people/chart?at="+bea.ID).expect(t, 200, "1,002 people.", "Sales · 1,000 reports", "All 1,000 reports of Bea Boss")
	})
}

func mustUser(t *testing.T, db *store.DB, email string) *account.User {
	t.Helper()
	u, err := db.FindUserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestCrossOrganisation tries every route that takes an id with ids from
// another organisation.
func TestCrossOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		db := e.db
		a := e.signUp("Org A", "Ann", "ann@a.example")
		a.post("/people/import/confirm", url.Values{"csv": {"name,email\nAlex,alex@a.example\n"}})
		a.post("/profile/tokens", url.Values{"token_name": {"script"}}).expect(t, 201)
		b := e.signUp("Org B", "Bob", "bob@b.example")

		ann, alex := mustUser(t, db, "ann@a.example"), mustUser(t, db, "alex@a.example")
		toks, _ := db.FindTokens(ctx, ann.OrgID, ann.ID)
		sess, _ := db.FindSessions(ctx, ann.OrgID, ann.ID)
		if len(toks) != 1 || len(sess) == 0 {
			t.Fatal("setup: org A has no token or session")
		}
		for _, path := range []string{"/people/" + ann.ID, "/people/" + alex.ID} {
			b.get(path).expect(t, 404, "find that page")
		}
		for path, form := range map[string]url.Values{
			"/people/" + alex.ID + "/resend":              nil,
			"/people/" + ann.ID + "/role":                 {"role": {"member"}},
			"/profile/tokens/" + toks[0].ID + "/delete":   nil,
			"/profile/sessions/" + sess[0].ID + "/delete": nil,
		} {
			b.post(path, form).expect(t, 404)
		}
		// Nothing of A changed, and B's lists hold only B.
		if u := mustUser(t, db, "ann@a.example"); u.Role != account.RoleAdmin {
			t.Error("org B changed org A's admin")
		}
		if toks, _ := db.FindTokens(ctx, ann.OrgID, ann.ID); len(toks) != 1 {
			t.Error("org B revoked org A's token")
		}
		if ss, _ := db.FindSessions(ctx, ann.OrgID, ann.ID); len(ss) != len(sess) {
			t.Error("org B ended org A's session")
		}
		r := b.get("/people")
		if strings.Contains(r.body, "Alex") || strings.Contains(r.body, "ann@a.example") {
			t.Error("org B's people page shows org A")
		}
		if strings.Contains(b.get("/people/chart").body, "Alex") {
			t.Error("org B's chart shows org A")
		}
		if strings.Contains(b.get("/people/invite").body, alex.ID) {
			t.Error("org B's invite form offers org A's people as managers")
		}
	})
}

func TestProfile(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	c := e.signUp("Acme", "Ann", "ann@acme.example")
	c.post("/profile", url.Values{"name": {""}, "timezone": {"Nowhere/City"}}).expect(t, 422, "Enter a name.", "Choose a time zone")
	c.post("/profile", url.Values{"name": {"Ann Smith"}, "timezone": {"Asia/Tokyo"}}).expect(t, 303)
	c.get("/profile").expect(t, 200, "Profile saved.", `value="Ann Smith"`, `value="Asia/Tokyo" selected`)
	c.post("/profile/password", url.Values{"current_password": {"wrong"}, "new_password": {"a new long password"}}).expect(t, 422, "This is not your current password.")
	c.post("/profile/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a new long password"}}).expect(t, 303)
	r := c.post("/profile/tokens", url.Values{"token_name": {"reporting"}})
	r.expect(t, 201, "Copy it now", "hsp_")
	if !regexp.MustCompile(`hsp_[A-Za-z0-9_-]{40,}`).MatchString(r.body) {
		t.Error("the new token's secret is not shown")
	}
	if strings.Contains(c.get("/profile").body, regexp.MustCompile(`hsp_[A-Za-z0-9_-]{40,}`).FindString(r.body)) {
		t.Error("the token's secret is shown again")
	}
}

func TestBaseline(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	c := e.client()
	r := c.get("/")
	r.expect(t, 200, "Peer coaching that becomes a habit")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
	} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if strings.Contains(r.body, "<script>") {
		t.Error("inline script on the page")
	}
	for _, p := range []string{"/signin", "/signup", "/password/forgot"} {
		c.get(p).expect(t, 200)
	}
	c.get("/no/such/page").expect(t, 404, "find that page")
	c.get("/healthz").expect(t, 200, `"ok"`)
	c.get("/readyz").expect(t, 200, `"ready"`)
	c.get("/metrics").expect(t, 404)

	// A cross-site form post is refused before it reaches a handler.
	req, _ := http.NewRequest("POST", e.srv.URL+"/signup", strings.NewReader("org_name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.status != 403 {
		t.Errorf("cross-site POST: %d, want 403", r.status)
	}
	// Bodies over the limit get 413.
	big := url.Values{"org_name": {strings.Repeat("x", 2<<20)}}
	c.post("/signup", big).expect(t, 413)
	// Static files have content-hashed, long-lived URLs.
	m := regexp.MustCompile(`/static/[0-9a-f]{12}/app\.css`).FindString(r.body)
	if m == "" {
		t.Fatal("no hashed stylesheet link")
	}
	sr := c.get(m)
	if sr.status != 200 || !strings.Contains(sr.header.Get("Cache-Control"), "immutable") {
		t.Errorf("static: %d %q", sr.status, sr.header.Get("Cache-Control"))
	}
	c.get("/static/000000000000/app.css").expect(t, 404)
}

// TestResetAndSignUpRateLimit: forms other than sign-in answer too many
// attempts with the page that says so.
func TestResetAndSignUpRateLimit(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	c := e.client()
	var last resp
	for range 12 {
		last = c.post("/password/forgot", url.Values{"email": {"x@acme.example"}})
	}
	last.expect(t, 429, "Too many attempts")
	for range 12 {
		last = c.post("/signup", url.Values{"org_name": {"Acme"}, "name": {"Ann"}, "email": {"ann@acme.example"},
			"password": {"correct horse battery"}, "timezone": {"UTC"}})
	}
	last.expect(t, 429, "Too many attempts")
}
