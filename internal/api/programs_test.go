package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// team is an organisation with an admin and n active members, none of
// whom manages another. Members with an even index call the API with a
// bearer token, the others with a session cookie.
type team struct {
	org      *account.Org
	admin    *account.User
	adminAPI client
	people   []*account.User
	api      []client
}

func mustCreateTeam(tb testing.TB, e *env, name string, n int) *team {
	tb.Helper()
	ctx := context.Background()
	slug := account.Slugify(name)
	t := &team{admin: &account.User{Email: "admin@" + slug + ".example.com", Name: name + " Admin", Timezone: "Europe/Berlin",
		PasswordHash: passwordHash(), Department: "People"}}
	depts := []string{"Sales", "Engineering", "Product", "Finance"}
	for i := range n {
		t.people = append(t.people, &account.User{Email: fmt.Sprintf("p%d@%s.example.com", i, slug), Name: fmt.Sprintf("%s Person %d", name, i),
			Timezone: "UTC", Role: account.RoleMember, Status: account.StatusActive, PasswordHash: passwordHash(), Department: depts[i%len(depts)]})
	}
	var err error
	if t.org, err = e.db.CreateOrg(ctx, name, t.admin, t.people...); err != nil {
		tb.Fatal(err)
	}
	tok, _, err := e.accounts.CreateToken(ctx, t.admin, "admin script")
	if err != nil {
		tb.Fatal(err)
	}
	t.adminAPI = client{e: e, bearer: tok}
	for i, u := range t.people {
		if i%2 == 1 {
			t.api = append(t.api, client{e: e, session: mustSession(tb, e, u)})
			continue
		}
		tok, _, err := e.accounts.CreateToken(ctx, u, "script")
		if err != nil {
			tb.Fatal(err)
		}
		t.api = append(t.api, client{e: e, bearer: tok})
	}
	return t
}

// programBody is a program whose opt-in window is open now.
func programBody(name string, format program.Format, minSize, maxSize int) map[string]any {
	now := time.Now().UTC()
	b := map[string]any{"name": name, "purpose": "Learn from each other.", "format": format, "cadence": "weekly",
		"opt_in_opens": now.Add(-time.Hour), "opt_in_closes": now.Add(14 * 24 * time.Hour)}
	if minSize > 0 {
		b["min_size"], b["max_size"] = minSize, maxSize
	}
	return b
}

func mustCreateProgram(tb testing.TB, c client, body map[string]any) api.Program {
	tb.Helper()
	var p api.Program
	c.do(tb, "POST", "/api/v1/programs", body).want(tb, http.StatusCreated, &p)
	return p
}

// monday is Monday 09:00–12:00 UTC, when everyone in these tests is free.
var monday = [][2]int{{540, 720}}

func optInBody(topics ...string) map[string]any {
	return map[string]any{"topics": topics, "goals": "Give better feedback.", "availability": monday}
}

// mustOptIn opts each of cs in to the program.
func mustOptIn(tb testing.TB, programID string, cs ...client) {
	tb.Helper()
	for _, c := range cs {
		c.do(tb, "PUT", "/api/v1/programs/"+programID+"/opt-in", optInBody()).want(tb, http.StatusOK, nil)
	}
}

// errorFields returns the fields of an error answer with status 422.
func errorFields(tb testing.TB, res *response) map[string]string {
	tb.Helper()
	res.want(tb, http.StatusUnprocessableEntity, nil)
	code, fields := errorShape(tb, res.body)
	if code != "validation_failed" {
		tb.Errorf("code %q, want validation_failed: %s", code, res.body)
	}
	return fields
}

func programIDs(ps []api.Program) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func memberIDs(c api.Circle) []string {
	out := []string{}
	for _, m := range c.Members {
		out = append(out, m.UserID)
	}
	return out
}

// TestProgramFlow goes from topics and a program through opt-in, a
// proposal the admin adjusts and publishes, to every member's answer.
func TestProgramFlow(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		tm := mustCreateTeam(t, e, "Acme", 7)
		admin, people := tm.adminAPI, tm.api

		// The vocabulary.
		for _, name := range []string{"Feedback", " Strategy "} {
			var topic api.Topic
			admin.do(t, "POST", "/api/v1/topics", map[string]string{"name": name}).want(t, http.StatusCreated, &topic)
			if topic.Name != strings.TrimSpace(name) {
				t.Errorf("topic %q, want %q", topic.Name, strings.TrimSpace(name))
			}
		}
		if f := errorFields(t, admin.do(t, "POST", "/api/v1/topics", map[string]string{"name": "Feedback"})); f["name"] == "" {
			t.Errorf("a duplicate topic: want a message for name, got %v", f)
		}
		admin.do(t, "POST", "/api/v1/topics", map[string]string{"name": "Delegation"}).want(t, http.StatusCreated, nil)
		admin.do(t, "DELETE", "/api/v1/topics/Delegation", nil).want(t, http.StatusNoContent, nil)
		admin.do(t, "DELETE", "/api/v1/topics/Delegation", nil).want(t, http.StatusNotFound, nil)
		var topics struct{ Topics []string }
		people[0].do(t, "GET", "/api/v1/topics", nil).want(t, http.StatusOK, &topics)
		if diff := cmp.Diff([]string{"Feedback", "Strategy"}, topics.Topics); diff != "" {
			t.Errorf("topics (-want +got):\n%s", diff)
		}

		// Programs: a group program open now, another that opens later.
		prog := mustCreateProgram(t, admin, programBody("Leadership circles", program.FormatGroup, 3, 3))
		if prog.Format != program.FormatGroup || prog.MinSize != 3 || prog.MaxSize != 3 || prog.SessionMinutes != 60 ||
			prog.Protocol != program.Council || !prog.Open || prog.OptedIn {
			t.Errorf("created program = %+v", prog)
		}
		later := programBody("Later", program.FormatPair, 0, 0)
		later["opt_in_opens"] = time.Now().Add(24 * time.Hour)
		later["opt_in_closes"] = time.Now().Add(48 * time.Hour)
		upcoming := mustCreateProgram(t, admin, later)
		if upcoming.MinSize != 2 || upcoming.MaxSize != 2 || upcoming.Protocol != program.PairProtocol || upcoming.Open || !upcoming.Upcoming {
			t.Errorf("pair program = %+v", upcoming)
		}
		var list struct{ Programs []api.Program }
		people[0].do(t, "GET", "/api/v1/programs", nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff([]string{prog.ID}, programIDs(list.Programs)); diff != "" {
			t.Errorf("a member's programs (-want +got):\n%s", diff)
		}
		admin.do(t, "GET", "/api/v1/programs", nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff([]string{upcoming.ID, prog.ID}, programIDs(list.Programs), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("the admin's programs (-want +got):\n%s", diff)
		}
		// A member may still look up a program that is not open.
		people[0].do(t, "GET", "/api/v1/programs/"+upcoming.ID, nil).want(t, http.StatusOK, nil)

		renamed := programBody("Leadership circles 2026", program.FormatGroup, 3, 3)
		var updated api.Program
		admin.do(t, "PUT", "/api/v1/programs/"+prog.ID, renamed).want(t, http.StatusOK, &updated)
		if updated.ID != prog.ID || updated.Name != "Leadership circles 2026" || updated.Cadence != program.Weekly {
			t.Errorf("updated program = %+v", updated)
		}

		// Six people opt in; the first has private preferences.
		ids := make([]string, len(tm.people))
		for i, u := range tm.people {
			ids[i] = u.ID
		}
		withPrefs := optInBody("Feedback", "Strategy")
		withPrefs["prefer"], withPrefs["avoid"] = []string{ids[1]}, []string{ids[5]}
		var mine api.OptIn
		people[0].do(t, "PUT", "/api/v1/programs/"+prog.ID+"/opt-in", withPrefs).want(t, http.StatusOK, &mine)
		if !cmp.Equal(mine.Prefer, []string{ids[1]}) || !cmp.Equal(mine.Avoid, []string{ids[5]}) || len(mine.Topics) != 2 {
			t.Errorf("saved opt-in = %+v", mine)
		}
		mustOptIn(t, prog.ID, people[1:6]...)
		// Only its author sees an opt-in, private lists and all.
		res := people[0].do(t, "GET", "/api/v1/programs/"+prog.ID+"/opt-in", nil)
		res.want(t, http.StatusOK, &mine)
		if diff := cmp.Diff([]api.Slot{{540, 720}}, mine.Availability); diff != "" || !cmp.Equal(mine.Avoid, []string{ids[5]}) {
			t.Errorf("my opt-in = %s", res.body)
		}
		res = people[1].do(t, "GET", "/api/v1/programs/"+prog.ID+"/opt-in", nil)
		res.want(t, http.StatusOK, nil)
		if !strings.Contains(string(res.body), `"prefer":[]`) || !strings.Contains(string(res.body), `"avoid":[]`) {
			t.Errorf("empty lists are not []: %s", res.body)
		}
		admin.do(t, "GET", "/api/v1/programs/"+prog.ID+"/opt-in", nil).want(t, http.StatusNotFound, nil)

		// Snoozing and withdrawing.
		var snoozed api.OptIn
		people[0].do(t, "PUT", "/api/v1/programs/"+prog.ID+"/opt-in/snooze", map[string]bool{"snoozed": true}).want(t, http.StatusOK, &snoozed)
		if !snoozed.Snoozed || !cmp.Equal(snoozed.Avoid, []string{ids[5]}) {
			t.Errorf("snoozed opt-in = %+v", snoozed)
		}
		var shown api.Program
		people[0].do(t, "GET", "/api/v1/programs/"+prog.ID, nil).want(t, http.StatusOK, &shown)
		if !shown.OptedIn || !shown.Snoozed || shown.Matched {
			t.Errorf("program as person 0 sees it = %+v", shown)
		}
		people[0].do(t, "PUT", "/api/v1/programs/"+prog.ID+"/opt-in/snooze", map[string]bool{"snoozed": false}).want(t, http.StatusOK, &snoozed)
		if snoozed.Snoozed {
			t.Error("still snoozed")
		}
		mustOptIn(t, prog.ID, people[6])
		people[6].do(t, "DELETE", "/api/v1/programs/"+prog.ID+"/opt-in", nil).want(t, http.StatusNoContent, nil)
		people[6].do(t, "GET", "/api/v1/programs/"+prog.ID+"/opt-in", nil).want(t, http.StatusNotFound, nil)
		people[6].do(t, "PUT", "/api/v1/programs/"+prog.ID+"/opt-in/snooze", map[string]bool{"snoozed": true}).want(t, http.StatusNotFound, nil)

		// The format cannot change once people have opted in.
		if f := errorFields(t, admin.do(t, "PUT", "/api/v1/programs/"+prog.ID, programBody("Pairs now", program.FormatPair, 0, 0))); f["format"] == "" {
			t.Errorf("want a message for format, got %v", f)
		}

		// Admins see who opted in, never the private lists.
		res = admin.do(t, "GET", "/api/v1/programs/"+prog.ID+"/participants", nil)
		var parts struct{ Participants []api.Participant }
		res.want(t, http.StatusOK, &parts)
		if len(parts.Participants) != 6 {
			t.Errorf("%d participants, want 6: %s", len(parts.Participants), res.body)
		}
		for _, key := range []string{"prefer", "avoid"} {
			if containsKey(t, res.body, key) {
				t.Errorf("participants show %q: %s", key, res.body)
			}
		}
		for _, p := range parts.Participants {
			if p.Hours != 3 || p.UserID == ids[6] || p.Name == "" || p.Goals != "Give better feedback." || p.OptedInAt.IsZero() {
				t.Errorf("participant %+v", p)
			}
		}

		// The proposal: two circles of three.
		var rv api.RoundReview
		admin.do(t, "POST", "/api/v1/programs/"+prog.ID+"/rounds", map[string]any{}).want(t, http.StatusCreated, &rv)
		if len(rv.Circles) != 2 || len(rv.Unmatched) != 0 || !rv.Draft || rv.Round.Number != 1 || rv.ProgramName != "Leadership circles 2026" {
			t.Fatalf("review = %+v", rv)
		}
		for _, c := range rv.Circles {
			if len(c.Members) != 3 || c.Status != program.Proposed || len(c.Reasons) == 0 || len(c.CommonSlots) == 0 || len(c.CommonTimes) == 0 {
				t.Errorf("proposed circle = %+v", c)
			}
			if slices.Contains(memberIDs(c), ids[0]) && slices.Contains(memberIDs(c), ids[5]) {
				t.Errorf("person 0 avoids person 5 but they are together: %v", memberIDs(c))
			}
		}
		var rounds struct{ Rounds []api.Round }
		admin.do(t, "GET", "/api/v1/programs/"+prog.ID+"/rounds", nil).want(t, http.StatusOK, &rounds)
		if len(rounds.Rounds) != 1 || rounds.Rounds[0].ID != rv.Round.ID {
			t.Errorf("rounds = %+v", rounds.Rounds)
		}
		// Nobody but admins sees a draft.
		var matches struct{ Circles []api.Match }
		people[0].do(t, "GET", "/api/v1/matches", nil).want(t, http.StatusOK, &matches)
		if len(matches.Circles) != 0 {
			t.Errorf("a draft is shown to a member: %+v", matches.Circles)
		}

		// Adjusting the draft: a fourth person breaks the size rule; taking
		// someone out leaves a circle too small to publish.
		round := "/api/v1/rounds/" + rv.Round.ID
		first, second := rv.Circles[0], rv.Circles[1]
		moved := first.Members[0].UserID
		f := errorFields(t, admin.do(t, "POST", round+"/moves", map[string]string{"user_id": moved, "to_circle_id": second.ID}))
		if !strings.Contains(f["circle"], "breaks a rule") {
			t.Errorf("want the broken rule in fields.circle, got %v", f)
		}
		admin.do(t, "POST", round+"/moves", map[string]string{"user_id": moved}).want(t, http.StatusOK, &rv)
		if len(rv.Unmatched) != 1 || rv.Unmatched[0].UserID != moved || rv.Unmatched[0].Reason == "" {
			t.Errorf("unmatched after moving out = %+v", rv.Unmatched)
		}
		if f := errorFields(t, admin.do(t, "POST", round+"/publish", nil)); f["round"] == "" {
			t.Errorf("publishing a circle of two: want a message for round, got %v", f)
		}
		admin.do(t, "POST", round+"/moves", map[string]string{"user_id": moved, "to_circle_id": first.ID}).want(t, http.StatusOK, &rv)
		if len(rv.Unmatched) != 0 {
			t.Errorf("unmatched after moving back = %+v", rv.Unmatched)
		}
		admin.do(t, "POST", round+"/moves", map[string]string{"user_id": "nobody", "to_circle_id": first.ID}).want(t, http.StatusNotFound, nil)

		mailBefore := len(e.mail.Messages())
		admin.do(t, "POST", round+"/publish", nil).want(t, http.StatusOK, &rv)
		if rv.Draft || len(rv.Circles) != 2 {
			t.Fatalf("published review = %+v", rv)
		}
		for _, c := range rv.Circles {
			if c.Status != program.Pending || c.PublishedAt == nil {
				t.Errorf("published circle = %+v", c)
			}
		}
		if n := len(e.mail.Messages()) - mailBefore; n != 6 {
			t.Errorf("%d proposal emails, want 6", n)
		}
		res = admin.do(t, "POST", round+"/moves", map[string]string{"user_id": moved})
		res.want(t, http.StatusConflict, nil)
		if code, _ := errorShape(t, res.body); code != "conflict" {
			t.Errorf("moving in a published round: code %q", code)
		}

		// Answers. Everyone in the first circle accepts.
		clientOf := map[string]client{}
		for i, u := range tm.people {
			clientOf[u.ID] = people[i]
		}
		first, second = rv.Circles[0], rv.Circles[1]
		clientOf[second.Members[0].UserID].do(t, "POST", "/api/v1/circles/"+first.ID+"/response", map[string]bool{"accept": true}).
			want(t, http.StatusNotFound, nil)
		var m api.Match
		for i, member := range first.Members {
			clientOf[member.UserID].do(t, "POST", "/api/v1/circles/"+first.ID+"/response", map[string]bool{"accept": true}).want(t, http.StatusOK, &m)
			want := program.Pending
			if i == len(first.Members)-1 {
				want = program.Active
			}
			if m.Status != want || m.MyResponse != program.Accepted {
				t.Errorf("after answer %d: %+v", i, m)
			}
		}
		c := clientOf[first.Members[0].UserID]
		c.do(t, "GET", "/api/v1/matches", nil).want(t, http.StatusOK, &matches)
		if len(matches.Circles) != 1 || matches.Circles[0].ID != first.ID || matches.Circles[0].Status != program.Active ||
			matches.Circles[0].ProgramName != "Leadership circles 2026" || len(matches.Circles[0].Members) != 3 ||
			!slices.Equal(matches.Circles[0].CommonTimes, []string{"Monday 09:00–12:00"}) {
			t.Errorf("matches = %+v", matches.Circles)
		}
		res = c.do(t, "POST", "/api/v1/circles/"+first.ID+"/response", map[string]bool{"accept": false})
		res.want(t, http.StatusConflict, nil)
		if code, _ := errorShape(t, res.body); code != "conflict" {
			t.Errorf("answering an active circle: code %q", code)
		}
		var me api.Program
		c.do(t, "GET", "/api/v1/programs/"+prog.ID, nil).want(t, http.StatusOK, &me)
		if !me.Matched {
			t.Errorf("program after matching = %+v", me)
		}
		if f := errorFields(t, c.do(t, "PUT", "/api/v1/programs/"+prog.ID+"/opt-in", optInBody())); f["program"] == "" {
			t.Errorf("changing an opt-in once matched: want a message for program, got %v", f)
		}

		// Someone in the second circle declines with a reason.
		decliner := second.Members[0].UserID
		if f := errorFields(t, clientOf[decliner].do(t, "POST", "/api/v1/circles/"+second.ID+"/response",
			map[string]any{"accept": false, "reason": "bogus"})); f["reason"] == "" {
			t.Errorf("an unknown reason: want a message for reason, got %v", f)
		}
		clientOf[decliner].do(t, "POST", "/api/v1/circles/"+second.ID+"/response", map[string]any{"accept": false, "reason": "schedule"}).
			want(t, http.StatusOK, &m)
		if m.Status != program.Dissolved || m.MyResponse != program.Declined {
			t.Errorf("after declining: %+v", m)
		}
		// The others learn that it won't go ahead, not who declined.
		other := clientOf[second.Members[1].UserID]
		res = other.do(t, "GET", "/api/v1/matches", nil)
		res.want(t, http.StatusOK, &matches)
		if len(matches.Circles) != 1 || matches.Circles[0].Status != program.Dissolved || strings.Contains(string(res.body), "declined") {
			t.Errorf("a co-member's matches = %s", res.body)
		}

		res = admin.do(t, "GET", round, nil)
		res.want(t, http.StatusOK, &rv)
		// One reason is not shown: the round says who declined, so it
		// would be theirs.
		if diff := cmp.Diff([]api.DeclineCount{}, rv.Declines); diff != "" {
			t.Errorf("declines with one reason given (-want +got):\n%s", diff)
		}
		var raw struct{ Declines json.RawMessage }
		if err := json.Unmarshal(res.body, &raw); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if strings.Contains(string(raw.Declines), id) || containsKey(t, raw.Declines, "user_id") {
				t.Errorf("decline counts name someone: %s", raw.Declines)
			}
		}
		if rv.Circles[0].Status != program.Active || rv.Circles[1].Status != program.Dissolved || rv.Waiting != 3 {
			t.Errorf("review after answers: %+v", rv)
		}

		// Re-matching leaves the active circle alone; the decliner is not
		// proposed the same people again, so nobody can be placed.
		admin.do(t, "POST", "/api/v1/programs/"+prog.ID+"/rounds", map[string]bool{"rematch": true}).want(t, http.StatusCreated, &rv)
		if rv.Round.Number != 1 || len(rv.Unmatched) != 3 || rv.Circles[0].Status != program.Active {
			t.Errorf("re-match = %+v", rv)
		}
		for _, u := range rv.Unmatched {
			if u.Reason == "" || !slices.Contains(memberIDs(second), u.UserID) {
				t.Errorf("unmatched %+v", u)
			}
		}
	})
}

func TestOptInValidation(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		tm := mustCreateTeam(t, e, "Acme", 2)
		other := mustCreateTeam(t, e, "Other", 1)
		tm.adminAPI.do(t, "POST", "/api/v1/topics", map[string]string{"name": "Feedback"}).want(t, http.StatusCreated, nil)
		prog := mustCreateProgram(t, tm.adminAPI, programBody("Circles", program.FormatGroup, 3, 4))
		path := "/api/v1/programs/" + prog.ID + "/opt-in"
		c := tm.api[0]

		with := func(key string, v any) map[string]any {
			b := optInBody("Feedback")
			b[key] = v
			return b
		}
		for _, tt := range []struct {
			name  string
			body  any
			field string
		}{
			{"unknown topic", with("topics", []string{"Feedback", "Astrology"}), "topics"},
			{"end before start", with("availability", [][2]int{{600, 540}}), "availability"},
			{"beyond the week", with("availability", [][2]int{{0, 20000}}), "availability"},
			{"no availability", with("availability", [][2]int{}), "availability"},
			{"not a pair", with("availability", [][]int{{540, 600, 660}}), "availability[0]"},
			{"unknown format", with("format_preference", "trio"), "format_preference"},
			{"someone from another organisation", with("avoid", []string{other.people[0].ID}), "avoid"},
			{"no goals at all", map[string]any{"availability": monday}, "topics"},
			{"unknown field", with("manager", "x"), "manager"},
		} {
			f := errorFields(t, c.do(t, "PUT", path, tt.body))
			if f[tt.field] == "" {
				t.Errorf("%s: want a message for %s, got %v", tt.name, tt.field, f)
			}
		}
		c.do(t, "GET", path, nil).want(t, http.StatusNotFound, nil)

		// Opt-in is possible only while the window is open.
		closed := programBody("Closed", program.FormatGroup, 3, 4)
		closed["opt_in_opens"], closed["opt_in_closes"] = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
		p := mustCreateProgram(t, tm.adminAPI, closed)
		if f := errorFields(t, c.do(t, "PUT", "/api/v1/programs/"+p.ID+"/opt-in", optInBody())); f["program"] == "" {
			t.Errorf("a closed program: want a message for program, got %v", f)
		}

		// Programs are checked too.
		bad := programBody("Tiny", program.FormatGroup, 2, 2)
		bad["opt_in_closes"] = time.Now().Add(-72 * time.Hour)
		f := errorFields(t, tm.adminAPI.do(t, "POST", "/api/v1/programs", bad))
		if f["min_size"] == "" || f["opt_in_closes"] == "" {
			t.Errorf("a bad program: want messages for min_size and opt_in_closes, got %v", f)
		}
		bad = programBody("Odd", program.FormatGroup, 3, 4)
		bad["opt_in_opens"] = "tomorrow"
		if f := errorFields(t, tm.adminAPI.do(t, "POST", "/api/v1/programs", bad)); f["opt_in_opens"] == "" {
			t.Errorf("a bad date: want a message for opt_in_opens, got %v", f)
		}
	})
}

func TestPairInvitations(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		tm := mustCreateTeam(t, e, "Acme", 3)
		pairs := mustCreateProgram(t, tm.adminAPI, programBody("Pairs", program.FormatPair, 0, 0))
		groups := mustCreateProgram(t, tm.adminAPI, programBody("Groups", program.FormatGroup, 3, 4))
		mustOptIn(t, pairs.ID, tm.api[0], tm.api[1])
		mustOptIn(t, groups.ID, tm.api[0], tm.api[1])
		ann, ben, cat := tm.api[0], tm.api[1], tm.api[2]
		invite := func(c client, programID, to string) *response {
			return c.do(t, "POST", "/api/v1/programs/"+programID+"/pair-invitations", map[string]string{"to_user": to})
		}

		// Cat has not opted in, Ann cannot pair with herself, and groups
		// are matched, not invited.
		for _, to := range []string{tm.people[2].ID, tm.people[0].ID, "nobody"} {
			if f := errorFields(t, invite(ann, pairs.ID, to)); f["to_user"] == "" {
				t.Errorf("inviting %s: want a message for to_user, got %v", to, f)
			}
		}
		if f := errorFields(t, invite(ann, groups.ID, tm.people[1].ID)); f["program"] == "" {
			t.Errorf("inviting in a group program: want a message for program, got %v", f)
		}

		var inv api.PairInvitation
		invite(ann, pairs.ID, tm.people[1].ID).want(t, http.StatusCreated, &inv)
		if inv.Status != "pending" || inv.FromUser != tm.people[0].ID || inv.ToUser != tm.people[1].ID || inv.ToName != tm.people[1].Name {
			t.Errorf("invitation = %+v", inv)
		}
		// Besides the two programs' opening emails.
		if n := e.mailTo(tm.people[1].Email) - 2; n != 1 {
			t.Errorf("%s got %d emails, want 1", tm.people[1].Email, n)
		}
		errorFields(t, invite(ben, pairs.ID, tm.people[0].ID))

		var list struct{ Sent, Received []api.PairInvitation }
		ann.do(t, "GET", "/api/v1/pair-invitations", nil).want(t, http.StatusOK, &list)
		if len(list.Sent) != 1 || len(list.Received) != 0 || list.Sent[0].ID != inv.ID {
			t.Errorf("Ann's invitations = %+v", list)
		}
		ben.do(t, "GET", "/api/v1/pair-invitations", nil).want(t, http.StatusOK, &list)
		if len(list.Sent) != 0 || len(list.Received) != 1 || list.Received[0].ID != inv.ID {
			t.Errorf("Ben's invitations = %+v", list)
		}
		res := cat.do(t, "GET", "/api/v1/pair-invitations", nil)
		res.want(t, http.StatusOK, nil)
		if string(res.body) != `{"sent":[],"received":[]}`+"\n" {
			t.Errorf("Cat's invitations = %s", res.body)
		}

		// Only the invited colleague answers.
		for _, c := range []client{ann, cat} {
			c.do(t, "POST", "/api/v1/pair-invitations/"+inv.ID+"/response", map[string]bool{"accept": true}).want(t, http.StatusNotFound, nil)
		}
		ben.do(t, "POST", "/api/v1/pair-invitations/"+inv.ID+"/response", map[string]bool{"accept": true}).want(t, http.StatusOK, &inv)
		if inv.Status != "accepted" || inv.AnsweredAt == nil {
			t.Errorf("answered invitation = %+v", inv)
		}
		var matches struct{ Circles []api.Match }
		ann.do(t, "GET", "/api/v1/matches", nil).want(t, http.StatusOK, &matches)
		if len(matches.Circles) != 1 || matches.Circles[0].Status != program.Active || matches.Circles[0].Origin != program.FromInvitation ||
			len(matches.Circles[0].Members) != 2 || matches.Circles[0].ProgramID != pairs.ID {
			t.Errorf("Ann's matches = %+v", matches.Circles)
		}
		ben.do(t, "POST", "/api/v1/pair-invitations/"+inv.ID+"/response", map[string]bool{"accept": true}).want(t, http.StatusUnprocessableEntity, nil)
	})
}

// coachingState is what the permission and cross-organisation tests check
// did not change.
type coachingState struct {
	Programs    []program.Program
	Topics      []string
	OptIns      map[string][]program.OptIn
	Rounds      map[string][]program.Round
	Declines    map[string]map[program.DeclineReason]int
	Circles     []program.Circle
	Invitations map[string][]program.PairInvitation
	Mail        int
}

func coachingSnapshot(tb testing.TB, e *env, t *team) coachingState {
	tb.Helper()
	ctx := context.Background()
	orgID := t.org.ID
	s := coachingState{OptIns: map[string][]program.OptIn{}, Rounds: map[string][]program.Round{},
		Declines: map[string]map[program.DeclineReason]int{}, Invitations: map[string][]program.PairInvitation{}, Mail: len(e.mail.Messages())}
	var err error
	if s.Programs, err = e.db.FindPrograms(ctx, orgID); err != nil {
		tb.Fatal(err)
	}
	if s.Topics, err = e.db.FindTopics(ctx, orgID); err != nil {
		tb.Fatal(err)
	}
	for _, p := range s.Programs {
		if s.OptIns[p.ID], err = e.db.FindOptIns(ctx, orgID, p.ID); err != nil {
			tb.Fatal(err)
		}
		if s.Rounds[p.ID], err = e.db.FindRounds(ctx, orgID, p.ID); err != nil {
			tb.Fatal(err)
		}
		if s.Declines[p.ID], err = e.db.DeclineCounts(ctx, orgID, p.ID); err != nil {
			tb.Fatal(err)
		}
	}
	if s.Circles, err = e.db.FindCircles(ctx, orgID, store.CircleFilter{}); err != nil {
		tb.Fatal(err)
	}
	for _, u := range append([]*account.User{t.admin}, t.people...) {
		if s.Invitations[u.ID], err = e.db.FindPairInvitations(ctx, orgID, u.ID); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// world is an organisation with something behind every id a route takes:
// a topic, a group program with a published round, and a pair program
// with an invitation waiting for an answer.
type world struct {
	*team
	topic, groups, pairs, round, circle, invitation string
}

func mustCreateWorld(tb testing.TB, e *env, name string) *world {
	tb.Helper()
	w := &world{team: mustCreateTeam(tb, e, name, 3), topic: "Feedback"}
	admin := w.adminAPI
	admin.do(tb, "POST", "/api/v1/topics", map[string]string{"name": w.topic}).want(tb, http.StatusCreated, nil)
	w.groups = mustCreateProgram(tb, admin, programBody("Groups", program.FormatGroup, 3, 3)).ID
	w.pairs = mustCreateProgram(tb, admin, programBody("Pairs", program.FormatPair, 0, 0)).ID
	mustOptIn(tb, w.groups, w.api...)
	mustOptIn(tb, w.pairs, w.api[0], w.api[1])
	var rv api.RoundReview
	admin.do(tb, "POST", "/api/v1/programs/"+w.groups+"/rounds", nil).want(tb, http.StatusCreated, &rv)
	if len(rv.Circles) != 1 {
		tb.Fatalf("review = %+v", rv)
	}
	w.round, w.circle = rv.Round.ID, rv.Circles[0].ID
	admin.do(tb, "POST", "/api/v1/rounds/"+w.round+"/publish", nil).want(tb, http.StatusOK, nil)
	var inv api.PairInvitation
	w.api[0].do(tb, "POST", "/api/v1/programs/"+w.pairs+"/pair-invitations", map[string]string{"to_user": w.people[1].ID}).
		want(tb, http.StatusCreated, &inv)
	w.invitation = inv.ID
	return w
}

type route struct {
	method, path string
	body         any
}

// TestProgramsAdminOnly: members get 403 on every admin operation of
// programs and matching, and nothing changes.
func TestProgramsAdminOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateWorld(t, e, "Acme")
		before := coachingSnapshot(t, e, w.team)
		routes := []route{
			{"POST", "/api/v1/topics", map[string]string{"name": "Strategy"}},
			{"DELETE", "/api/v1/topics/" + w.topic, nil},
			{"POST", "/api/v1/programs", programBody("Mine", program.FormatGroup, 3, 3)},
			{"PUT", "/api/v1/programs/" + w.groups, programBody("Renamed", program.FormatGroup, 3, 3)},
			{"GET", "/api/v1/programs/" + w.groups + "/participants", nil},
			{"GET", "/api/v1/programs/" + w.groups + "/rounds", nil},
			{"POST", "/api/v1/programs/" + w.groups + "/rounds", map[string]bool{"rematch": true}},
			{"GET", "/api/v1/rounds/" + w.round, nil},
			{"POST", "/api/v1/rounds/" + w.round + "/moves", map[string]string{"user_id": w.people[0].ID}},
			{"POST", "/api/v1/rounds/" + w.round + "/publish", nil},
		}
		for _, c := range w.api[:2] { // by token and by cookie
			for _, r := range routes {
				res := c.do(t, r.method, r.path, r.body)
				if res.status != http.StatusForbidden {
					t.Errorf("%s %s: status %d, want 403: %s", r.method, r.path, res.status, res.body)
					continue
				}
				if code, _ := errorShape(t, res.body); code != "forbidden" {
					t.Errorf("%s %s: code %q", r.method, r.path, code)
				}
			}
			// Before the body is read: an invalid body gets 403 too.
			c.do(t, "POST", "/api/v1/programs", rawJSON(`{"nonsense": true`)).want(t, http.StatusForbidden, nil)
		}
		if diff := cmp.Diff(before, coachingSnapshot(t, e, w.team)); diff != "" {
			t.Errorf("state changed (-before +after):\n%s", diff)
		}
	})
}

// TestProgramsCrossOrganisation: org B's admin, by token and by session,
// reaches none of org A's programs, rounds, circles or invitations. The
// answer is the same 404 as for an id that does not exist, and nothing
// changes.
func TestProgramsCrossOrganisation(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		a := mustCreateWorld(t, e, "Alpha")
		b := mustCreateTeam(t, e, "Beta", 1)
		bWeb := client{e: e, session: mustSession(t, e, b.admin)}
		before := coachingSnapshot(t, e, a.team)
		routes := []route{
			{"DELETE", "/api/v1/topics/" + a.topic, nil},
			{"GET", "/api/v1/programs/" + a.groups, nil},
			{"PUT", "/api/v1/programs/" + a.groups, programBody("Taken", program.FormatGroup, 3, 3)},
			{"GET", "/api/v1/programs/" + a.groups + "/opt-in", nil},
			{"PUT", "/api/v1/programs/" + a.groups + "/opt-in", optInBody()},
			{"DELETE", "/api/v1/programs/" + a.groups + "/opt-in", nil},
			{"PUT", "/api/v1/programs/" + a.groups + "/opt-in/snooze", map[string]bool{"snoozed": true}},
			{"GET", "/api/v1/programs/" + a.groups + "/participants", nil},
			{"GET", "/api/v1/programs/" + a.groups + "/rounds", nil},
			{"POST", "/api/v1/programs/" + a.groups + "/rounds", map[string]bool{"rematch": false}},
			{"GET", "/api/v1/rounds/" + a.round, nil},
			{"POST", "/api/v1/rounds/" + a.round + "/moves", map[string]string{"user_id": a.people[0].ID}},
			{"POST", "/api/v1/rounds/" + a.round + "/publish", nil},
			{"POST", "/api/v1/circles/" + a.circle + "/response", map[string]any{"accept": false, "reason": "fit"}},
			{"POST", "/api/v1/programs/" + a.pairs + "/pair-invitations", map[string]string{"to_user": a.people[1].ID}},
			{"POST", "/api/v1/pair-invitations/" + a.invitation + "/response", map[string]bool{"accept": true}},
		}
		for _, c := range []client{b.adminAPI, bWeb} {
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
			// Lists show only the caller's organisation.
			for _, path := range []string{"/api/v1/programs", "/api/v1/topics", "/api/v1/matches", "/api/v1/pair-invitations"} {
				res := c.do(t, "GET", path, nil)
				res.want(t, http.StatusOK, nil)
				if strings.Contains(string(res.body), "Alpha") || strings.Contains(string(res.body), a.groups) ||
					strings.Contains(string(res.body), a.topic) || strings.Contains(string(res.body), a.circle) {
					t.Errorf("%s shows org A: %s", path, res.body)
				}
			}
		}
		if diff := cmp.Diff(before, coachingSnapshot(t, e, a.team)); diff != "" {
			t.Errorf("org A changed (-before +after):\n%s", diff)
		}
		// Org A still works.
		a.adminAPI.do(t, "GET", "/api/v1/rounds/"+a.round, nil).want(t, http.StatusOK, nil)
		a.api[0].do(t, "POST", "/api/v1/circles/"+a.circle+"/response", map[string]bool{"accept": true}).want(t, http.StatusOK, nil)
	})
}
