package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestPauseAndResume: a member opens their private "pause for a while,
// or leave?" page, pauses, and the others see until when (never why);
// the admin cannot open the page; the member comes back early.
func TestPauseAndResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 3 {
			fmt.Fprintf(&csv, "Member %d,m%d@acme.example,%s\n", i, i, []string{"Sales", "Ops", "Tech"}[i])
		}
		admin.post("/people/import/confirm", url.Values{"csv": {csv.String()}}).expect(t, 303)
		admin.post("/topics", url.Values{"topic": {"Feedback"}}).expect(t, 303)
		r := admin.post("/programs", url.Values{"name": {"Spring circles"}, "format": {"group"}, "min_size": {"3"}, "max_size": {"3"},
			"cadence": {"fortnightly"}, "session_minutes": {"60"}, "protocol": {"council"},
			"opt_in_opens": {"2020-01-01"}, "opt_in_closes": {"2099-12-31"}})
		programID := idRE.FindStringSubmatch(r.location)[1]
		members := make([]*client, 3)
		for i := range members {
			members[i] = e.member(fmt.Sprintf("m%d@acme.example", i), fmt.Sprintf("Member %d", i))
			members[i].post("/programs/"+programID+"/opt-in", url.Values{"topics": {"Feedback"}, "format_preference": {"either"},
				"slot": {"0-540", "0-600", "1-540"}}).expect(t, 303)
		}
		roundPath := admin.post("/programs/"+programID+"/propose", nil).location
		admin.post(roundPath+"/publish", nil).expect(t, 303)
		circleID := regexp.MustCompile(`/circles/([0-9a-f-]{36})/respond`).FindStringSubmatch(members[0].get("/matches").body)[1]
		for _, m := range members {
			m.post("/circles/"+circleID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		}
		for _, m := range members {
			m.post("/circles/"+circleID+"/ground-rules", url.Values{"version": {"1"}}).expect(t, 303)
		}
		base := "/circles/" + circleID

		me, other := members[0], members[1]
		me.get(base+"/pause").expect(t, 200, "Pause for a while, or leave?", `action="`+base+`/pause"`, `href="`+base+`/leave"`)
		admin.get(base+"/pause").expect(t, 404)
		me.post(base+"/pause", url.Values{"weeks": {"1"}}).expect(t, 303)
		if strings.Contains(other.get(base).body, "paused until") {
			t.Fatal("a pause too short was kept")
		}
		me.post(base+"/pause", url.Values{"weeks": {"3"}}).expect(t, 303)
		page := other.get(base)
		page.expect(t, 200, "paused until")
		if strings.Contains(page.body, "Resume early") {
			t.Error("another member is offered to resume someone else's pause")
		}
		me.get(base).expect(t, 200, "paused until", "Resume early")
		me.get(base+"/pause").expect(t, 200, "You're pausing", `action="`+base+`/resume"`)
		me.post(base+"/resume", nil).expect(t, 303)
		me.get(base+"/next").expect(t, 200, "What next?", "Continue together", "Re-form", "another team")
		admin.get(base+"/next").expect(t, 404)
		if strings.Contains(other.get(base).body, "paused until") {
			t.Error("the circle still shows the pause after resuming")
		}
	})
}
