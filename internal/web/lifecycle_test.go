package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestProgramEndsAndWhatEachSees follows a program of circles of three or
// four to its close: while answers come in, nobody reads another's no;
// the admin's home counts only invitations that went out to people still
// here; once opt-in closes, the person left out can read but no longer
// change their opt-in; and once the program closes, its circle is marked
// finished, out of the health watch, and still readable.
func TestProgramEndsAndWhatEachSees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 8 {
			fmt.Fprintf(&csv, "Member %d,m%d@acme.example,%s\n", i, i, []string{"Sales", "Ops", "Tech"}[i%3])
		}
		admin.post("/people/import/confirm", url.Values{"csv": {csv.String()}}).expect(t, 303)
		admin.post("/topics", url.Values{"topic": {"Feedback"}}).expect(t, 303)
		r := admin.post("/programs", url.Values{"name": {"Spring circles"}, "format": {"group"}, "min_size": {"3"}, "max_size": {"4"},
			"cadence": {"fortnightly"}, "session_minutes": {"60"}, "protocol": {"council"},
			"opt_in_opens": {"2020-01-01"}, "opt_in_closes": {"2099-12-31"}})
		programID := idRE.FindStringSubmatch(r.location)[1]
		byID := map[string]*client{}
		for i := range 5 {
			email := fmt.Sprintf("m%d@acme.example", i)
			c := e.member(email, fmt.Sprintf("Member %d", i))
			c.post("/programs/"+programID+"/opt-in", url.Values{"topics": {"Feedback"}, "format_preference": {"either"},
				"slot": {"0-540", "0-600", "1-540"}}).expect(t, 303)
			byID[mustUser(t, e.db, email).ID] = c
		}
		// Of the three who have not joined, one's invitation is held and
		// one has left: only the third is invited and waiting.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.db.WriteDB().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE users SET invitation_held = TRUE WHERE email = $1`, "m6@acme.example")
		exec(`UPDATE users SET deactivated_at = CURRENT_TIMESTAMP WHERE email = $1`, "m7@acme.example")
		home := admin.get("/home")
		home.expect(t, 200, "<strong>1</strong> person invited has not joined yet", "Invitations held")
		home.expect(t, 200, "<div><dt>Invited, not yet joined</dt><dd>1</dd></div>", "<div><dt>Joined</dt><dd>6</dd></div>")

		r = admin.post("/programs/"+programID+"/propose", nil)
		roundID := strings.TrimPrefix(r.location, "/rounds/")
		admin.post(r.location+"/publish", nil).expect(t, 303)
		orgID := mustUser(t, e.db, "ann@acme.example").OrgID
		circles, err := e.db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: roundID})
		if err != nil || len(circles) != 1 || len(circles[0].Members) != 4 {
			t.Fatalf("circles: %+v, %v", circles, err)
		}
		c := circles[0]
		ms := c.Members

		// Answers: the others read a yes or a wait, never a no.
		byID[ms[0].UserID].post("/circles/"+c.ID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		byID[ms[1].UserID].get("/matches").expect(t, 200, "said yes", "not yet answered")
		byID[ms[1].UserID].post("/circles/"+c.ID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		byID[ms[3].UserID].post("/circles/"+c.ID+"/respond", url.Values{"answer": {"decline"}, "reason": {"time"}}).expect(t, 303)
		for _, m := range ms[:3] {
			page := byID[m.UserID].get("/matches")
			if strings.Contains(page.body, ">declined<") || strings.Contains(page.body, ms[3].Name) {
				t.Errorf("%s reads who declined", m.Name)
			}
		}
		byID[ms[2].UserID].post("/circles/"+c.ID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)

		// The one left out may review their opt-in while it is open, and
		// only read it once it has closed.
		unmatched, err := e.db.FindUnmatched(ctx, orgID, roundID)
		if err != nil || len(unmatched) != 1 {
			t.Fatalf("unmatched: %+v, %v", unmatched, err)
		}
		out := byID[unmatched[0].UserID]
		out.get("/matches").expect(t, 200, "Review your opt-in", "What you could change")
		exec(`UPDATE programs SET opt_in_closes = $1 WHERE id = $2`, e.db.Now().AddDate(0, 0, -1).UTC(), programID)
		page := out.get("/matches")
		page.expect(t, 200, "See what you told the matching")
		if strings.Contains(page.body, "Review your opt-in") {
			t.Error("the person left out is offered to change an opt-in that has closed")
		}
		page = out.get("/programs/" + programID + "/opt-in")
		page.expect(t, 200, "Opt-in closed on", "disabled")
		if strings.Contains(page.body, "Save changes") || strings.Contains(page.body, "data-availability") {
			t.Error("a closed opt-in still offers to save")
		}
		out.post("/programs/"+programID+"/opt-in", url.Values{"topics": {"Feedback"}, "format_preference": {"either"}, "slot": {"0-540"}}).expect(t, 422, "closed on")

		// Closing finishes the circle: marked so, out of the health watch,
		// still open to its members.
		admin.post("/programs/"+programID+"/close", nil).expect(t, 303)
		prog := admin.get("/programs/" + programID)
		prog.expect(t, 200, ">finished ")
		for _, state := range []string{"no schedule yet", "overdue", "meeting regularly", "not met for two cadence periods"} {
			if strings.Contains(prog.body, state) {
				t.Errorf("a finished circle reads %q on its program's page", state)
			}
		}
		member := byID[ms[0].UserID]
		member.post("/circles/"+c.ID+"/ground-rules", url.Values{"version": {"1"}}).expect(t, 303)
		member.get("/circles").expect(t, 200, "finished ", "meets no more")
		member.get("/circles/"+c.ID).expect(t, 200, "finished ", "no more meetings are planned")
	})
}
