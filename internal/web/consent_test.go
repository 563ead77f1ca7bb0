package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestCircleGoesAheadAndUnplacedAreTold: five people in a program of
// circles of three or four. The round places four and tells the fifth
// why; one of the four declines and the other three go ahead.
func TestCircleGoesAheadAndUnplacedAreTold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 5 {
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
		r = admin.post("/programs/"+programID+"/propose", nil)
		roundPath := r.location
		roundID := strings.TrimPrefix(roundPath, "/rounds/")
		admin.post(roundPath+"/publish", nil).expect(t, 303)

		orgID := mustUser(t, e.db, "ann@acme.example").OrgID
		unmatched, err := e.db.FindUnmatched(ctx, orgID, roundID)
		if err != nil || len(unmatched) != 1 {
			t.Fatalf("unmatched: %+v, %v", unmatched, err)
		}
		out := byID[unmatched[0].UserID]
		page := out.get("/matches")
		page.expect(t, 200, "No circle for you in round 1", "Why", "What you could change", "You come first in the next round", "Review your opt-in")
		if strings.Contains(page.body, "No matches yet") {
			t.Error("the person left out still reads “No matches yet”")
		}
		if n := e.mails(unmatched[0].Email, "No circle for you"); n != 1 {
			t.Errorf("the person left out got %d emails saying so", n)
		}

		// Three say yes, the fourth declines: the others go ahead.
		circles, err := e.db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: roundID})
		if err != nil || len(circles) != 1 || len(circles[0].Members) != 4 {
			t.Fatalf("circles: %+v, %v", circles, err)
		}
		c := circles[0]
		for _, m := range c.Members[:3] {
			byID[m.UserID].post("/circles/"+c.ID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 303)
		}
		decliner := byID[c.Members[3].UserID]
		r = decliner.post("/circles/"+c.ID+"/respond", url.Values{"answer": {"decline"}, "reason": {"time"}})
		r.expect(t, 303)
		decliner.get(r.location).expect(t, 200, "declined and are out of this circle")
		decliner.get("/matches").expect(t, 200, "You stepped out this round", "Back in the pool")
		decliner.post("/circles/"+c.ID+"/respond", url.Values{"answer": {"accept"}}).expect(t, 404)
		stayed := byID[c.Members[0].UserID]
		page = stayed.get("/matches")
		page.expect(t, 200, "Your circle", "Go to your circle")
		if strings.Contains(page.body, c.Members[3].Name) {
			t.Error("the page names the person who declined")
		}
		if got, _ := e.db.FindCircleByID(ctx, orgID, c.ID); got.Status != program.Active || len(got.Members) != 3 {
			t.Errorf("the circle is %s with %d members", got.Status, len(got.Members))
		}
		// An answer that comes too late is a conflict, said plainly.
		stayed.post("/circles/"+c.ID+"/respond", url.Values{"answer": {"decline"}}).expect(t, 303)
		if !regexp.MustCompile(`no longer waiting for answers`).MatchString(stayed.get("/matches").body) {
			t.Error("a late answer is not explained")
		}
	})
}

// mails counts the emails to whose subject contains subjectPart.
func (e *env) mails(to, subjectPart string) int {
	n := 0
	for _, m := range e.outbox.Messages() {
		if m.To == to && strings.Contains(m.Subject, subjectPart) {
			n++
		}
	}
	return n
}
