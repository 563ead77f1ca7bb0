package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/store"
)

// names returns the names of people, in order.
func names(ps []api.Person) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestPeople(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		other := mustCreateOrg(t, e, "Other") // must never show up
		var list struct {
			People []api.Person
			Total  int
		}
		o.memberAPI.do(t, "GET", "/api/v1/people", nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff([]string{"Acme Admin", "Acme Member"}, names(list.People)); diff != "" || list.Total != 2 {
			t.Errorf("people (-want +got):\n%s total %d", diff, list.Total)
		}
		o.memberAPI.do(t, "GET", "/api/v1/people?q=MEMBER", nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff([]string{"Acme Member"}, names(list.People)); diff != "" {
			t.Errorf("q=MEMBER (-want +got):\n%s", diff)
		}
		o.memberAPI.do(t, "GET", "/api/v1/people?department=People", nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff([]string{"Acme Admin"}, names(list.People)); diff != "" {
			t.Errorf("department=People (-want +got):\n%s", diff)
		}
		var page struct {
			People     []api.Person
			Total      int
			Next, Prev string
		}
		o.memberAPI.do(t, "GET", "/api/v1/people?limit=1", nil).want(t, http.StatusOK, &page)
		if diff := cmp.Diff([]string{"Acme Admin"}, names(page.People)); diff != "" || page.Total != 2 || page.Next == "" || page.Prev != "" {
			t.Fatalf("first page (-want +got):\n%s %+v", diff, page)
		}
		next := page.Next
		page = struct {
			People     []api.Person
			Total      int
			Next, Prev string
		}{}
		o.memberAPI.do(t, "GET", "/api/v1/people?limit=1&after="+next, nil).want(t, http.StatusOK, &page)
		if diff := cmp.Diff([]string{"Acme Member"}, names(page.People)); diff != "" || page.Total != 2 || page.Next != "" || page.Prev == "" {
			t.Errorf("second page (-want +got):\n%s %+v", diff, page)
		}
		prev := page.Prev
		page.Next, page.Prev = "", ""
		o.memberAPI.do(t, "GET", "/api/v1/people?limit=1&before="+prev, nil).want(t, http.StatusOK, &page)
		if diff := cmp.Diff([]string{"Acme Admin"}, names(page.People)); diff != "" || page.Prev != "" || page.Next == "" {
			t.Errorf("back to the first page (-want +got):\n%s %+v", diff, page)
		}

		var p api.Person
		res := o.memberAPI.do(t, "GET", "/api/v1/people/"+o.admin.ID, nil)
		res.want(t, http.StatusOK, &p)
		if p.Email != o.admin.Email || containsKey(t, res.body, "password_hash") {
			t.Errorf("person = %s", res.body)
		}

		var depts struct{ Departments []string }
		o.memberAPI.do(t, "GET", "/api/v1/departments", nil).want(t, http.StatusOK, &depts)
		if diff := cmp.Diff([]string{"Engineering", "People"}, depts.Departments); diff != "" {
			t.Errorf("departments (-want +got):\n%s", diff)
		}

		// The member reports to the admin once the admin says so.
		var invited api.Person
		o.adminAPI.do(t, "POST", "/api/v1/people", map[string]any{"name": "Rae Report", "email": "rae@acme.example.com",
			"manager_id": o.admin.ID}).want(t, http.StatusCreated, &invited)
		type node struct {
			Name    string
			Count   int
			Reports []node
		}
		var walk func([]api.PersonNode) []node
		walk = func(ns []api.PersonNode) []node {
			out := []node{}
			for _, n := range ns {
				out = append(out, node{n.Name, n.ReportCount, walk(n.Reports)})
			}
			return out
		}
		// The member's chart opens at the member: the admin's report is
		// counted, not listed.
		var chart struct {
			People    int
			RootCount int `json:"root_count"`
			Roots     []api.PersonNode
		}
		o.memberAPI.do(t, "GET", "/api/v1/people/tree", nil).want(t, http.StatusOK, &chart)
		want := []node{{"Acme Admin", 1, []node{}}, {"Acme Member", 0, []node{}}}
		if diff := cmp.Diff(want, walk(chart.Roots)); diff != "" || chart.People != 3 || chart.RootCount != 2 {
			t.Errorf("org chart (-want +got):\n%s %d people, %d roots", diff, chart.People, chart.RootCount)
		}
		// Opened at Rae, the line down to her is unfolded.
		o.memberAPI.do(t, "GET", "/api/v1/people/tree?at="+invited.ID, nil).want(t, http.StatusOK, &chart)
		want = []node{{"Acme Admin", 1, []node{{"Rae Report", 0, []node{}}}}, {"Acme Member", 0, []node{}}}
		if diff := cmp.Diff(want, walk(chart.Roots)); diff != "" {
			t.Errorf("org chart at Rae (-want +got):\n%s", diff)
		}
		// Nobody of another organisation can be the chart's anchor.
		o.memberAPI.do(t, "GET", "/api/v1/people/tree?at="+other.admin.ID, nil).want(t, http.StatusNotFound, nil)

		var updated api.Person
		o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID+"/role", map[string]string{"role": "admin"}).
			want(t, http.StatusOK, &updated)
		if updated.ID != o.member.ID || updated.Role != account.RoleAdmin {
			t.Errorf("after role change: %+v", updated)
		}
		// An organisation keeps at least one admin.
		o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID+"/role", map[string]string{"role": "member"}).want(t, http.StatusOK, nil)
		res = o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.admin.ID+"/role", map[string]string{"role": "member"})
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["role"] == "" {
			t.Errorf("want a message for role: %s", res.body)
		}
	})
}

// TestAdminOnly: members get 403 on every admin operation, and nothing
// changes.
func TestAdminOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		invitee, err := e.directory.Invite(context.Background(), o.admin, account.NewPerson{Name: "Ivo Invited", Email: "ivo@acme.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		members := []client{o.memberAPI, {e: e, session: mustSession(t, e, o.member)}}
		before := snapshot(t, e, o)
		good := csv("name,email\nNew Person,new@acme.example.com\n")
		for _, c := range members {
			for _, r := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/api/v1/people", map[string]string{"name": "New Person", "email": "new@acme.example.com"}},
				{"POST", "/api/v1/people/" + invitee.ID + "/invitation", nil},
				{"PUT", "/api/v1/people/" + o.member.ID + "/role", map[string]string{"role": "admin"}},
				{"POST", "/api/v1/people/import/preview", good},
				{"POST", "/api/v1/people/import", good},
			} {
				res := c.do(t, r.method, r.path, r.body)
				res.want(t, http.StatusForbidden, nil)
				if code, _ := errorShape(t, res.body); code != "forbidden" {
					t.Errorf("%s %s: code %q", r.method, r.path, code)
				}
			}
		}
		if diff := cmp.Diff(before, snapshot(t, e, o)); diff != "" {
			t.Errorf("state changed (-before +after):\n%s", diff)
		}
	})
}

func mustSession(tb testing.TB, e *env, u *account.User) string {
	tb.Helper()
	tok, _, err := e.accounts.StartSession(context.Background(), u, "test", "192.0.2.9")
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// state is what the cross-organisation and permission tests check did not
// change.
type state struct {
	People   []account.User
	Sessions map[string][]string // user id → session ids
	Tokens   map[string][]string // user id → token ids
	Mail     int
}

func snapshot(tb testing.TB, e *env, o *org) state {
	tb.Helper()
	ctx := context.Background()
	users, _, err := e.db.FindUsers(ctx, o.org.ID, store.UserFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	s := state{People: users, Sessions: map[string][]string{}, Tokens: map[string][]string{}, Mail: len(e.mail.Messages())}
	for _, u := range users {
		ss, err := e.db.FindSessions(ctx, o.org.ID, u.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, x := range ss {
			s.Sessions[u.ID] = append(s.Sessions[u.ID], x.ID)
		}
		ts, err := e.db.FindTokens(ctx, o.org.ID, u.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, x := range ts {
			s.Tokens[u.ID] = append(s.Tokens[u.ID], x.ID)
		}
	}
	return s
}

// TestCrossOrganisation: org B's admin, by token and by session, reaches
// none of org A's ids through any route that takes one. The answer is the
// same 404 as for an id that does not exist, and nothing changes.
func TestCrossOrganisation(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		a := mustCreateOrg(t, e, "Alpha")
		b := mustCreateOrg(t, e, "Beta")
		invitee, err := e.directory.Invite(context.Background(), a.admin, account.NewPerson{Name: "Ivo Invited", Email: "ivo@alpha.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, e, a)
		routes := []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/people/" + a.member.ID, nil},
			{"GET", "/api/v1/people/" + invitee.ID, nil},
			{"POST", "/api/v1/people/" + invitee.ID + "/invitation", nil},
			{"PUT", "/api/v1/people/" + a.member.ID + "/role", map[string]string{"role": "admin"}},
			{"PUT", "/api/v1/people/" + a.admin.ID + "/role", map[string]string{"role": "member"}},
			{"DELETE", "/api/v1/me/sessions/" + a.adminSess.ID, nil},
			{"DELETE", "/api/v1/me/tokens/" + a.adminTokID, nil},
		}
		for _, c := range []client{b.adminAPI, b.adminWeb} {
			for _, r := range routes {
				res := c.do(t, r.method, r.path, r.body)
				if res.status != http.StatusNotFound {
					t.Errorf("%s %s: status %d, want 404: %s", r.method, r.path, res.status, res.body)
					continue
				}
				if code, _ := errorShape(t, res.body); code != "not_found" {
					t.Errorf("%s %s: code %q", r.method, r.path, code)
				}
			}
		}
		// Naming another organisation's person as manager is refused like
		// naming nobody.
		res := b.adminAPI.do(t, "POST", "/api/v1/people", map[string]string{"name": "New Person", "email": "new@beta.example.com",
			"manager_id": a.admin.ID})
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["manager_id"] == "" {
			t.Errorf("want a message for manager_id: %s", res.body)
		}
		// Lists show only the caller's organisation.
		var list struct{ People []api.Person }
		b.adminAPI.do(t, "GET", "/api/v1/people?q=alpha", nil).want(t, http.StatusOK, &list)
		if len(list.People) != 0 {
			t.Errorf("org B sees %v", names(list.People))
		}

		if diff := cmp.Diff(before, snapshot(t, e, a)); diff != "" {
			t.Errorf("org A changed (-before +after):\n%s", diff)
		}
		a.adminWeb.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, nil)
		a.adminAPI.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, nil)
	})
}

func TestImport(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		bad := csv("name;email;department;manager_email;level;timezone\n" +
			"Bea Boss;bea@acme.example.com;Sales;;5;Europe/Berlin\n" +
			"Dup Licate;BEA@acme.example.com;Sales;;2;Mars/Base\n")

		var preview api.ImportPreview
		o.adminAPI.do(t, "POST", "/api/v1/people/import/preview", bad).want(t, http.StatusOK, &preview)
		if preview.OK || preview.Count != 2 || preview.ProblemCount != 2 || len(preview.Rows[1].Problems) != 2 || len(preview.Rows[0].Problems) != 0 {
			t.Errorf("preview = %+v", preview)
		}

		before := snapshot(t, e, o)
		res := o.adminAPI.do(t, "POST", "/api/v1/people/import", bad)
		res.want(t, http.StatusUnprocessableEntity, nil)
		code, fields := errorShape(t, res.body)
		if code != "validation_failed" {
			t.Errorf("code %q", code)
		}
		if keys := sortedKeys(fields); !cmp.Equal(keys, []string{"line 3 email", "line 3 timezone"}) {
			t.Errorf("fields %v, want line 3 email and line 3 timezone", fields)
		}
		res = o.adminAPI.do(t, "POST", "/api/v1/people/import", csv("nothing useful\n"))
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["file"] == "" {
			t.Errorf("want a file error: %s", res.body)
		}
		if diff := cmp.Diff(before, snapshot(t, e, o)); diff != "" {
			t.Errorf("a failed import changed something (-before +after):\n%s", diff)
		}

		good := csv("\uFEFFname,email,department,manager_email,level,timezone\n" +
			"Bea Boss,bea@acme.example.com,Sales,,5,Europe/Berlin\n" +
			"Carl Clerk,carl@acme.example.com,Sales,bea@acme.example.com,2,\n" +
			"Dana Dev,dana@acme.example.com,Engineering," + o.admin.Email + ",3,America/New_York\n")
		o.adminAPI.do(t, "POST", "/api/v1/people/import/preview", good).want(t, http.StatusOK, &preview)
		if !preview.OK || preview.Count != 3 {
			t.Errorf("preview of a good file = %+v", preview)
		}
		var result api.ImportResult
		o.adminAPI.do(t, "POST", "/api/v1/people/import", good).want(t, http.StatusCreated, &result)
		if diff := cmp.Diff([]string{"Bea Boss", "Carl Clerk", "Dana Dev"}, names(result.People)); diff != "" || result.Imported != 3 {
			t.Errorf("imported (-want +got):\n%s", diff)
		}
		if result.People[1].ManagerID != result.People[0].ID || result.People[2].ManagerID != o.admin.ID {
			t.Errorf("managers not linked: %+v", result.People)
		}
		for _, p := range result.People {
			if p.Status != account.StatusInvited {
				t.Errorf("%s is %s, want invited", p.Name, p.Status)
			}
			if e.mailTo(p.Email) != 1 || !strings.Contains(e.linkToken(t, p.Email), "hsl_") {
				t.Errorf("%s got %d invitations", p.Email, e.mailTo(p.Email))
			}
		}
		// The same file again: everyone is already there, unchanged.
		var again api.ImportResult
		o.adminAPI.do(t, "POST", "/api/v1/people/import", good).want(t, http.StatusCreated, &again)
		if again.Imported != 0 || again.Updated != 0 || len(again.People) != 0 {
			t.Errorf("the same file again: %+v", again)
		}
	})
}

func sortedKeys(m map[string]string) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A job level is for admins, and for the person themself: a member reads
// no colleague's level by any of the operations that answer with people.
func TestLevelsAdminsOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		paths := []string{"/api/v1/people", "/api/v1/people?q=acme", "/api/v1/people/" + o.admin.ID,
			"/api/v1/people/" + o.member.ID, "/api/v1/people/tree", "/api/v1/people/tree?at=" + o.admin.ID}
		for _, path := range paths {
			res := o.memberAPI.do(t, "GET", path, nil)
			res.want(t, http.StatusOK, nil)
			// The member's own level may be there; nobody else's.
			if strings.Contains(string(res.body), `"level"`) && (strings.Count(string(res.body), `"level"`) > 1 ||
				!strings.Contains(string(res.body), o.member.ID)) {
				t.Errorf("a member reads a level at %s: %s", path, res.body)
			}
			var p api.Person
			if path == "/api/v1/people/"+o.admin.ID {
				if err := json.Unmarshal(res.body, &p); err != nil || p.Level != nil {
					t.Errorf("the admin's level as a member reads it: %s", res.body)
				}
			}
			if res := o.adminAPI.do(t, "GET", path, nil); !strings.Contains(string(res.body), `"level"`) {
				t.Errorf("an admin reads no level at %s: %s", path, res.body)
			}
		}
		var me api.Person
		o.memberAPI.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusOK, &me)
		if me.Level == nil {
			t.Error("a member does not see their own level")
		}
	})
}
