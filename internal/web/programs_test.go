package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// member signs in a person imported by the admin, through their invitation.
func (e *env) member(email, name string) *client {
	e.t.Helper()
	path, token := e.lastLink(email)
	c := e.client()
	if r := c.post(path, url.Values{"token": {token}, "name": {name}, "timezone": {"Europe/London"}, "password": {"a long member password"}}); r.status != 303 {
		e.t.Fatalf("accept invitation for %s: %d %s", email, r.status, r.body)
	}
	return c
}

var idRE = regexp.MustCompile(`/(?:programs|rounds|circles)/([0-9a-f-]{36})`)

func TestProgramOptInProposeConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		db := e.db
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 6 {
			fmt.Fprintf(&csv, "Member %d,m%d@acme.example,%s\n", i, i, []string{"Sales", "Ops", "Tech"}[i%3])
		}
		admin.post("/people/import/confirm", url.Values{"csv": {csv.String()}}).expect(t, 303)
		admin.post("/topics", url.Values{"topic": {"Feedback"}}).expect(t, 303)
		admin.post("/topics", url.Values{"topic": {"Feedback"}}).expect(t, 422, "already a topic")

		// Bad input names the field; nothing is created.
		admin.post("/programs", url.Values{"name": {""}, "format": {"group"}, "min_size": {"9"}, "max_size": {"4"}, "opt_in_opens": {"2026-01-01"}, "opt_in_closes": {"nope"}}).
			expect(t, 422, "Enter a name.", "Use a date such as 2026-03-01.")
		r := admin.post("/programs", url.Values{"name": {"Spring circles"}, "format": {"group"}, "min_size": {"3"}, "max_size": {"3"},
			"cadence": {"fortnightly"}, "session_minutes": {"60"}, "protocol": {"council"},
			"opt_in_opens": {"2020-01-01"}, "opt_in_closes": {"2099-12-31"}})
		if r.status != 303 {
			t.Fatalf("create program: %d %s", r.status, r.body)
		}
		programID := idRE.FindStringSubmatch(r.location)[1]

		members := make([]*client, 6)
		for i := range members {
			members[i] = e.member(fmt.Sprintf("m%d@acme.example", i), fmt.Sprintf("Member %d", i))
			members[i].get("/programs").expect(t, 200, "Spring circles", "opt in until")
			members[i].get("/home").expect(t, 200, "Open to join", "Spring circles")
			optInPage := members[i].get("/programs/" + programID + "/opt-in")
			optInPage.expect(t, 200, "What do you want to learn?", "Private: only you and the matching see this",
				`aria-label="Mon 06:00"`, `aria-label="Sun 21:00"`, "availability.js", `data-picker="prefer"`, `data-picker="avoid"`)
			// A program of circles offers no format to choose, and nothing
			// asks anyone to hold a key.
			for _, absent := range []string{"22:00", "05:00", "Format you", "Ctrl"} {
				if strings.Contains(optInPage.body, absent) {
					t.Errorf("the opt-in form shows %q", absent)
				}
			}
			form := url.Values{"topics": {"Feedback"}, "format_preference": {"either"}, "slot": {"0-540", "0-600", "1-540"}}
			if i == 0 {
				form.Set("slot", "9-540") // off the grid
				members[i].post("/programs/"+programID+"/opt-in", form).expect(t, 422, "not on the weekly grid")
				form["slot"] = []string{"0-540", "0-600", "1-540"}
			}
			members[i].post("/programs/"+programID+"/opt-in", form).expect(t, 303)
		}
		// The grid's first and last hours are kept (London is UTC in
		// winter), and show again as marked.
		members[1].post("/programs/"+programID+"/opt-in", url.Values{"topics": {"Feedback"}, "format_preference": {"either"},
			"slot": {"0-360", "0-540", "0-600", "1-540", "6-1260"}}).expect(t, 303)
		o, err := db.FindOptIn(ctx, mustUser(t, db, "m1@acme.example").OrgID, programID, mustUser(t, db, "m1@acme.example").ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []program.Interval{{360, 420}, {540, 660}, {1440 + 540, 1440 + 600}, {6*1440 + 1260, 6*1440 + 1320}}; !slices.Equal(o.Availability, want) {
			t.Errorf("saved availability %v, want %v", o.Availability, want)
		}
		members[1].get("/programs/"+programID+"/opt-in").expect(t, 200, `value="0-360" aria-label="Mon 06:00" checked`, `value="6-1260" aria-label="Sun 21:00" checked`)
		members[0].get("/programs/"+programID).expect(t, 200, "opted in", "Pause for a round")
		// Members cannot see who opted in or propose.
		members[0].post("/programs/"+programID+"/propose", nil).expect(t, 403)
		admin.get("/programs/"+programID).expect(t, 200, "Who opted in", "Member 5", "(6)")

		r = admin.post("/programs/"+programID+"/propose", nil)
		if r.status != 303 || !strings.HasPrefix(r.location, "/rounds/") {
			t.Fatalf("propose: %d %s", r.status, r.location)
		}
		roundPath := r.location
		admin.get(roundPath).expect(t, 200, "Round 1", "draft", "Circle 1", "Circle 2", "Publish the proposal", "shared topics: Feedback")
		members[0].get(roundPath).expect(t, 403)
		members[0].get("/matches").expect(t, 200, "No matches yet")

		// The review: a move names its circle by number, taking someone out
		// is its own button, and a circle that breaks a rule says so.
		admin.get(roundPath).expect(t, 200, "Fit ", "goals and backgrounds fit", "Remove", "from proposal")
		orgID := mustUser(t, db, "ann@acme.example").OrgID
		draft, err := db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: strings.TrimPrefix(roundPath, "/rounds/")})
		if err != nil || len(draft) != 2 {
			t.Fatalf("draft circles: %d, %v", len(draft), err)
		}
		out := draft[0].Members[0].UserID
		admin.post(roundPath+"/move", url.Values{"user_id": {out}}).expect(t, 303)
		admin.get(roundPath).expect(t, 200, `class="flash failed"`, "Give the number of the circle")
		admin.post(roundPath+"/move", url.Values{"user_id": {out}, "to_number": {"2"}}).expect(t, 303)
		admin.get(roundPath).expect(t, 200, `class="flash failed"`, "That move breaks a rule")
		admin.post(roundPath+"/move", url.Values{"user_id": {out}, "out": {"1"}}).expect(t, 303)
		admin.get(roundPath).expect(t, 200, "Moved.", "Circle 1", "Circle 2", "breaks-rule", "Only two people: this program runs circles of 3 to 3, not pairs.")
		admin.post(roundPath+"/publish", nil).expect(t, 303)
		admin.get(roundPath).expect(t, 200, `class="flash failed"`, "Not published", "Circle 1: Only two people")
		admin.post(roundPath+"/move", url.Values{"user_id": {out}, "to_number": {"1"}}).expect(t, 303)
		if page := admin.get(roundPath); strings.Contains(page.body, "breaks-rule") || strings.Contains(page.body, "flash failed") {
			t.Errorf("circle 1 still breaks a rule after placing its member back: %s", page.body)
		}

		admin.post(roundPath+"/publish", nil).expect(t, 303)
		admin.get(roundPath).expect(t, 200, "2 proposals sent", "waiting for answers")

		members[0].get("/home").expect(t, 200, "A proposal waits for your answer")
		page := members[0].get("/matches")
		page.expect(t, 200, "A proposed circle", "Yes, I’m in", "Monday")
		circleID := regexp.MustCompile(`/circles/([0-9a-f-]{36})/respond`).FindStringSubmatch(page.body)[1]
		circle, err := db.FindCircleByID(ctx, mustUser(t, db, "ann@acme.example").OrgID, circleID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*client{}
		for i := range members {
			byID[mustUser(t, db, fmt.Sprintf("m%d@acme.example", i)).ID] = members[i]
		}
		for _, m := range circle.Members {
			byID[m.UserID].post("/circles/"+circleID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		}
		members[0].get("/matches").expect(t, 200, "Your circle", "formed")
		if c, _ := db.FindCircleByID(ctx, circle.OrgID, circleID); c.Status != program.Active {
			t.Errorf("circle status %s after everyone accepted", c.Status)
		}
		// Someone outside the circle cannot answer for it.
		var outsider *client
		for id, c := range byID {
			if circle.Member(id) == nil {
				outsider = c
				break
			}
		}
		outsider.post("/circles/"+circleID+"/respond", url.Values{"answer": {"decline"}}).expect(t, 404)

		// Another organisation sees none of it.
		other := e.signUp("Other", "Olga", "olga@other.example")
		for _, p := range []string{"/programs/" + programID, "/programs/" + programID + "/opt-in", roundPath} {
			other.get(p).expect(t, 404)
		}
		other.post("/programs/"+programID+"/propose", nil).expect(t, 404)
		other.post(roundPath+"/publish", nil).expect(t, 404)
		other.post("/circles/"+circleID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 404)
		if strings.Contains(other.get("/programs").body, "Spring circles") {
			t.Error("another organisation lists the program")
		}
	})
}
