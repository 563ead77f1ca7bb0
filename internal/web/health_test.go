package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestHealthAndHomes follows an admin from setup to a formed circle: the
// admin's home trades the setup card for what needs them, the program
// page shows each circle's health and never what was said in it, and a
// member's home shows what waits for them and their commitments.
func TestHealthAndHomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		admin.get("/home").expect(t, 200, "Bring your people in")

		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 6 {
			fmt.Fprintf(&csv, "Member %d,m%d@acme.example,%s\n", i, i, []string{"Sales", "Ops", "Tech"}[i%3])
		}
		admin.post("/people/import/confirm", url.Values{"csv": {csv.String()}}).expect(t, 303)
		admin.post("/topics", url.Values{"topic": {"Feedback"}}).expect(t, 303)
		// People imported but no program yet: still setting up.
		admin.get("/home").expect(t, 200, "Bring your people in")
		r := admin.post("/programs", url.Values{"name": {"Spring circles"}, "format": {"group"}, "min_size": {"3"}, "max_size": {"3"},
			"cadence": {"fortnightly"}, "session_minutes": {"60"}, "protocol": {"council"},
			"opt_in_opens": {"2020-01-01"}, "opt_in_closes": {"2099-12-31"}})
		if r.status != 303 {
			t.Fatalf("create program: %d %s", r.status, r.body)
		}
		programID := idRE.FindStringSubmatch(r.location)[1]
		home := admin.get("/home")
		home.expect(t, 200, "What needs you", "6</strong> people invited have not joined yet")
		if strings.Contains(home.body, "Bring your people in") {
			t.Error("the admin's home still shows the setup card past setup")
		}

		members := make([]*client, 6)
		for i := range members {
			members[i] = e.member(fmt.Sprintf("m%d@acme.example", i), fmt.Sprintf("Member %d", i))
			members[i].post("/programs/"+programID+"/opt-in", url.Values{"topics": {"Feedback"}, "format_preference": {"either"},
				"slot": {"0-540", "0-600", "1-540"}}).expect(t, 303)
		}
		r = admin.post("/programs/"+programID+"/propose", nil)
		roundPath := r.location
		admin.get("/home").expect(t, 200, "Round 1 of <strong>Spring circles</strong>: a proposal waits to be published", `href="`+roundPath+`"`)
		admin.post(roundPath+"/publish", nil).expect(t, 303)
		if strings.Contains(admin.get("/home").body, "waits to be published") {
			t.Error("a published proposal still waits on the admin's home")
		}

		// Everyone in the first member's circle accepts; the other circle
		// waits for consent.
		page := members[0].get("/matches")
		circleID := regexp.MustCompile(`/circles/([0-9a-f-]{36})/respond`).FindStringSubmatch(page.body)[1]
		circle, err := e.db.FindCircleByID(ctx, mustUser(t, e.db, "ann@acme.example").OrgID, circleID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*client{}
		for i := range members {
			byID[mustUser(t, e.db, fmt.Sprintf("m%d@acme.example", i)).ID] = members[i]
		}
		for _, m := range circle.Members {
			byID[m.UserID].post("/circles/"+circleID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		}
		inside := byID[circle.Members[0].UserID]
		inside.get("/home").expect(t, 200, "Waiting for you", "ground rules to read and acknowledge", "/circles/"+circleID+"/ground-rules")

		// What is said inside never reaches the admin.
		inside.post("/circles/"+circleID+"/ground-rules", url.Values{"version": {"1"}}).expect(t, 303)
		inside.post("/circles/"+circleID+"/posts", url.Values{"body": {"A secret about the reorg"}}).expect(t, 303)
		inside.post("/circles/"+circleID+"/commitments", url.Values{"body": {"Talk to my manager about the reorg"}}).expect(t, 303)
		home = inside.get("/home")
		home.expect(t, 200, "Your open commitments", "Talk to my manager about the reorg", "Your next meeting", "No meeting is planned yet")
		if strings.Contains(home.body, "ground rules to read") {
			t.Error("the rules are still asked for after they were acknowledged")
		}

		show := admin.get("/programs/" + programID)
		show.expect(t, 200, "Circles and how they are doing", "no schedule yet", "waiting for consent", "0 of 3 have said yes",
			"none expected yet", "Attendance")
		for _, secret := range []string{"A secret about the reorg", "Talk to my manager"} {
			if strings.Contains(show.body, secret) || strings.Contains(admin.get("/home").body, secret) {
				t.Errorf("the admin sees %q", secret)
			}
		}
		admin.get("/programs/"+programID+"?stalled=1").expect(t, 200, "No circle has gone two cadence periods without meeting", "Show every circle")
		// Members see neither the health nor the filter.
		if body := inside.get("/programs/" + programID + "?stalled=1").body; strings.Contains(body, "how they are doing") {
			t.Error("a member sees the circles' health")
		}
	})
}
