package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

var secretRE = regexp.MustCompile(`hsp_[A-Za-z0-9_-]{40,}`)

// newToken makes a personal access token through the profile page and
// returns its secret.
func (c *client) newToken(t *testing.T, name string) string {
	t.Helper()
	r := c.post("/profile/tokens", url.Values{"token_name": {name}})
	r.expect(t, 201)
	secret := secretRE.FindString(r.body)
	if secret == "" {
		t.Fatal("no token secret shown")
	}
	return secret
}

// bearer asks for path with an access token instead of a session.
func (e *env) bearer(secret, path string) int {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	return e.client().do(req).status
}

// lastTo returns the text of the newest email to to.
func (e *env) lastTo(to string) (subject, text string) {
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			return msgs[i].Subject, msgs[i].Text
		}
	}
	return "", ""
}

func TestPasswordResetEndsEveryCredential(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		secret := admin.newToken(t, "reporting")
		if got := e.bearer(secret, "/home"); got != 200 {
			t.Fatalf("a fresh token: %d", got)
		}
		anon := e.client()
		anon.post("/password/forgot", url.Values{"email": {"ann@acme.example"}}).expect(t, 200)
		if _, text := e.lastTo("ann@acme.example"); !strings.Contains(text, "revokes every personal access token") {
			t.Errorf("the reset email does not say tokens are revoked:\n%s", text)
		}
		path, token := e.lastLink("ann@acme.example")
		anon.get(path+"?token="+token).expect(t, 200, "revokes every personal access token")
		if r := anon.post(path, url.Values{"token": {token}, "password": {"a brand new password"}}); r.status != 303 {
			t.Fatalf("reset: %d", r.status)
		}
		if got := e.bearer(secret, "/home"); got != 303 {
			t.Errorf("a token made before the reset still works: %d", got)
		}
		if r := admin.get("/home"); r.status != 303 {
			t.Errorf("a session from before the reset still works: %d", r.status)
		}
		subject, text := e.lastTo("ann@acme.example")
		if subject != "Your Holdspace password was changed" || !strings.Contains(text, "Hi Ann,") ||
			!strings.Contains(text, "every browser and device") || !strings.Contains(text, "revoked every\npersonal access token") {
			t.Errorf("after a reset: %q\n%s", subject, text)
		}
	})
}

func TestPasswordChangeEndsOtherCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		here := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		elsewhere := e.client()
		elsewhere.post("/signin", url.Values{"email": {"ann@acme.example"}, "password": {"correct horse battery"}}).expect(t, 303)
		secret := here.newToken(t, "reporting")

		here.post("/profile/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a new long password"}}).
			expect(t, 303)
		here.get("/profile").expect(t, 200, "Your other sessions are signed out and your access tokens revoked.")
		if r := elsewhere.get("/home"); r.status != 303 {
			t.Errorf("another session survived a password change: %d", r.status)
		}
		if got := e.bearer(secret, "/home"); got != 303 {
			t.Errorf("a token survived a password change: %d", got)
		}
		subject, text := e.lastTo("ann@acme.example")
		if subject != "Your Holdspace password was changed" || !strings.Contains(text, "in the browser where you changed it") ||
			!strings.Contains(text, "every\nother browser and device") {
			t.Errorf("after a change: %q\n%s", subject, text)
		}
	})
}

func TestProfileTimesInTheViewersZone(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t))
	c := e.signUp("Acme", "Ann", "ann@acme.example")
	c.post("/profile", url.Values{"name": {"Ann"}, "timezone": {"Asia/Tokyo"}}).expect(t, 303)
	c.newToken(t, "reporting")
	r := c.get("/profile")
	r.expect(t, 200, "JST")
	if strings.Contains(r.body, " UTC") {
		t.Errorf("the profile shows a time in UTC to someone in Tokyo:\n%.3000s", r.body)
	}
}
