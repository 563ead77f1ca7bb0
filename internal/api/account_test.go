package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
)

func TestSignUpConfirmSignOut(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		const email = "founder@example.org"
		var msg api.Message
		e.anon().do(t, "POST", "/api/v1/signup", map[string]string{"org_name": "Calm Co", "name": "Fran Founder",
			"email": "Founder@Example.org", "password": password, "timezone": "Europe/Lisbon"}).want(t, http.StatusAccepted, &msg)
		if msg.Message == "" {
			t.Error("want a message")
		}
		token := e.linkToken(t, email)

		res := e.anon().do(t, "POST", "/api/v1/signup/confirm", map[string]string{"token": token})
		var acct api.Account
		res.want(t, http.StatusCreated, &acct)
		if acct.User.Email != email || acct.User.Role != account.RoleAdmin || acct.Org.Name != "Calm Co" || acct.User.OrgID != acct.Org.ID {
			t.Errorf("confirmed account = %+v", acct)
		}
		c := res.sessionCookie(t)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure ||
			c.MaxAge != int(account.SessionLifetime/time.Second) {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, MaxAge of a session", c)
		}
		if string(res.body) == "" || containsKey(t, res.body, "password_hash") {
			t.Errorf("body exposes the password hash: %s", res.body)
		}
		// A link works once.
		e.anon().do(t, "POST", "/api/v1/signup/confirm", map[string]string{"token": token}).want(t, http.StatusGone, nil)

		web := client{e: e, session: c.Value}
		var me api.Person
		web.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, &me)
		// PostgreSQL keeps microseconds.
		if diff := cmp.Diff(acct.User, me, cmpopts.EquateApproxTime(time.Millisecond)); diff != "" {
			t.Errorf("/me (-confirmed +me):\n%s", diff)
		}

		// Signing up again with the address tells its owner by email and
		// the caller nothing.
		before := e.mailTo(email)
		e.anon().do(t, "POST", "/api/v1/signup", map[string]string{"org_name": "Other", "name": "Someone",
			"email": email, "password": "another password"}).want(t, http.StatusAccepted, nil)
		if e.mailTo(email) != before+1 {
			t.Error("the owner of the address got no email")
		}

		res = web.do(t, "DELETE", "/api/v1/session", nil)
		res.want(t, http.StatusNoContent, nil)
		if c := res.sessionCookie(t); c.MaxAge >= 0 {
			t.Errorf("sign-out cookie %+v: want it deleted", c)
		}
		web.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusUnauthorized, nil)
	})
}

func TestSignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		e.anon().do(t, "POST", "/api/v1/session", map[string]string{"email": "nobody@example.com", "password": password}).
			want(t, http.StatusUnauthorized, nil)
		res := e.anon().do(t, "POST", "/api/v1/session", map[string]string{"email": "MEMBER@acme.example.com", "password": password})
		var p api.Person
		res.want(t, http.StatusOK, &p)
		if p.ID != o.member.ID {
			t.Errorf("signed in as %s, want %s", p.ID, o.member.ID)
		}
		web := client{e: e, session: res.sessionCookie(t).Value}
		var list struct{ Sessions []api.Session }
		web.do(t, "GET", "/api/v1/me/sessions", nil).want(t, http.StatusOK, &list)
		if len(list.Sessions) != 1 || !list.Sessions[0].Current {
			t.Errorf("sessions = %+v, want the one current session", list.Sessions)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		// Unknown and known addresses get the same answer.
		e.anon().do(t, "POST", "/api/v1/password/forgot", map[string]string{"email": "nobody@example.com"}).
			want(t, http.StatusAccepted, nil)
		if n := len(e.mail.Messages()); n != 0 {
			t.Errorf("%d messages sent for an unknown address", n)
		}
		e.anon().do(t, "POST", "/api/v1/password/forgot", map[string]string{"email": o.member.Email}).
			want(t, http.StatusAccepted, nil)
		token := e.linkToken(t, o.member.Email)

		res := e.anon().do(t, "POST", "/api/v1/password/reset", map[string]string{"token": token, "password": "short"})
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["password"] == "" {
			t.Errorf("want a message for password: %s", res.body)
		}
		const next = "a brand new password"
		e.anon().do(t, "POST", "/api/v1/password/reset", map[string]string{"token": token, "password": next}).
			want(t, http.StatusNoContent, nil)
		e.anon().do(t, "POST", "/api/v1/password/reset", map[string]string{"token": token, "password": next}).
			want(t, http.StatusGone, nil)
		e.anon().do(t, "POST", "/api/v1/session", map[string]string{"email": o.member.Email, "password": next}).
			want(t, http.StatusOK, nil)
	})
}

func TestInvitation(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		const email = "ines@acme.example.com"
		var invited api.Person
		o.adminAPI.do(t, "POST", "/api/v1/people", map[string]any{"name": "Ines Invited", "email": email,
			"department": "Sales", "manager_id": o.member.ID, "level": 3}).want(t, http.StatusCreated, &invited)
		if invited.Status != account.StatusInvited || invited.ManagerID != o.member.ID || invited.Timezone != "UTC" {
			t.Errorf("invited = %+v", invited)
		}
		first := e.linkToken(t, email)
		// Resending replaces the link.
		o.adminAPI.do(t, "POST", "/api/v1/people/"+invited.ID+"/invitation", nil).want(t, http.StatusAccepted, nil)
		token := e.linkToken(t, email)
		e.anon().do(t, "GET", "/api/v1/invitations/"+first, nil).want(t, http.StatusGone, nil)

		var inv api.Invitation
		e.anon().do(t, "GET", "/api/v1/invitations/"+token, nil).want(t, http.StatusOK, &inv)
		if diff := cmp.Diff(api.Invitation{Name: "Ines Invited", Email: email, OrgName: "Acme"}, inv); diff != "" {
			t.Errorf("invitation (-want +got):\n%s", diff)
		}
		res := e.anon().do(t, "POST", "/api/v1/invitations/"+token+"/accept",
			map[string]string{"name": "Inès", "timezone": "Europe/Paris", "password": password})
		var p api.Person
		res.want(t, http.StatusOK, &p)
		if p.Status != account.StatusActive || p.Name != "Inès" || p.Timezone != "Europe/Paris" {
			t.Errorf("accepted = %+v", p)
		}
		client{e: e, session: res.sessionCookie(t).Value}.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, nil)
		e.anon().do(t, "GET", "/api/v1/invitations/"+token, nil).want(t, http.StatusGone, nil)
		// Joined people get no new invitation.
		o.adminAPI.do(t, "POST", "/api/v1/people/"+invited.ID+"/invitation", nil).want(t, http.StatusUnprocessableEntity, nil)
	})
}

func TestProfile(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		var p api.Person
		o.adminWeb.do(t, "PATCH", "/api/v1/me", map[string]string{"name": "  Ada Admin "}).want(t, http.StatusOK, &p)
		if p.Name != "Ada Admin" || p.Timezone != "Europe/Berlin" {
			t.Errorf("after PATCH name: %+v", p)
		}
		o.adminWeb.do(t, "PATCH", "/api/v1/me", map[string]string{"timezone": "Asia/Tokyo"}).want(t, http.StatusOK, &p)
		if p.Name != "Ada Admin" || p.Timezone != "Asia/Tokyo" {
			t.Errorf("after PATCH timezone: %+v", p)
		}

		// A second browser, to be signed out by the password change.
		other := e.anon().do(t, "POST", "/api/v1/session", map[string]string{"email": o.admin.Email, "password": password})
		other.want(t, http.StatusOK, nil)
		otherWeb := client{e: e, session: other.sessionCookie(t).Value}

		res := o.adminWeb.do(t, "POST", "/api/v1/me/password", map[string]string{"current_password": "wrong", "new_password": "x"})
		res.want(t, http.StatusUnprocessableEntity, nil)
		_, fields := errorShape(t, res.body)
		if fields["current_password"] == "" || fields["new_password"] == "" {
			t.Errorf("want messages for both fields: %s", res.body)
		}
		o.adminWeb.do(t, "POST", "/api/v1/me/password", map[string]string{"current_password": password, "new_password": "another good password"}).
			want(t, http.StatusNoContent, nil)
		o.adminWeb.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, nil)
		otherWeb.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusUnauthorized, nil)

		var org api.Org
		o.memberAPI.do(t, "GET", "/api/v1/org", nil).want(t, http.StatusOK, &org)
		if org.ID != o.org.ID || org.Name != "Acme" || org.Slug != "acme" {
			t.Errorf("org = %+v", org)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		var list struct{ Sessions []api.Session }
		o.adminAPI.do(t, "GET", "/api/v1/me/sessions", nil).want(t, http.StatusOK, &list)
		if len(list.Sessions) != 1 || list.Sessions[0].ID != o.adminSess.ID || list.Sessions[0].Current {
			t.Fatalf("sessions = %+v", list.Sessions)
		}
		if s := list.Sessions[0]; s.UserAgent != "test browser" || s.IP != "192.0.2.1" {
			t.Errorf("session = %+v", s)
		}
		o.adminAPI.do(t, "DELETE", "/api/v1/me/sessions/"+o.adminSess.ID, nil).want(t, http.StatusNoContent, nil)
		o.adminWeb.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusUnauthorized, nil)
		o.adminAPI.do(t, "DELETE", "/api/v1/me/sessions/"+o.adminSess.ID, nil).want(t, http.StatusNotFound, nil)
	})
}

func TestTokens(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		var tok api.NewToken
		o.adminWeb.do(t, "POST", "/api/v1/me/tokens", map[string]string{"name": "CI"}).want(t, http.StatusCreated, &tok)
		if tok.Name != "CI" || tok.Secret == "" || tok.Prefix == "" || tok.Secret[:len(tok.Prefix)] != tok.Prefix {
			t.Fatalf("created token = %+v", tok)
		}
		script := client{e: e, bearer: tok.Secret}
		var me api.Person
		script.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, &me)
		if me.ID != o.admin.ID {
			t.Errorf("token user %s, want %s", me.ID, o.admin.ID)
		}

		res := script.do(t, "GET", "/api/v1/me/tokens", nil)
		var list struct{ Tokens []api.Token }
		res.want(t, http.StatusOK, &list)
		if len(list.Tokens) != 2 || containsKey(t, res.body, "secret") {
			t.Errorf("token list = %s: want two tokens and no secret", res.body)
		}

		o.adminWeb.do(t, "DELETE", "/api/v1/me/tokens/"+tok.ID, nil).want(t, http.StatusNoContent, nil)
		script.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusUnauthorized, nil)
		o.adminWeb.do(t, "DELETE", "/api/v1/me/tokens/"+tok.ID, nil).want(t, http.StatusNotFound, nil)

		res = o.adminWeb.do(t, "POST", "/api/v1/me/tokens", map[string]string{"name": " "})
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["name"] == "" {
			t.Errorf("want a message for name: %s", res.body)
		}
	})
}
