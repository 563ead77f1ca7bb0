package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// In the demo: Nina's colleagues read that she takes part in a circle,
// never which; her spread page counts her invitations; the admin reads
// that a winter pair had a fit concern, and no answer of anyone.
func TestSpreadAndFitInTheDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		if _, err := demo.Load(ctx, e.db); err != nil {
			t.Fatal(err)
		}
		nina := mustUser(t, e.db, "nina@northwind.example")
		noah := e.demoSignIn("noah")
		r := noah.get("/people/" + nina.ID)
		r.expect(t, http.StatusOK, "Takes part in a peer-coaching circle")
		if strings.Contains(r.body, "Leadership circles") {
			t.Error("Nina's page names her circle's program")
		}
		e.demoSignIn("nina").get("/spread").expect(t, http.StatusOK, "invited 3 colleagues to opt in", "Lead by example", "checked")
		noah.get("/spread").expect(t, http.StatusOK, "Invite colleagues to opt in")

		admin := e.demoSignIn("maya")
		progs, err := e.db.FindPrograms(ctx, nina.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range progs {
			if p.Name != "New managers' pairs, winter" {
				continue
			}
			page := admin.get("/programs/" + p.ID)
			page.expect(t, http.StatusOK, "has a fit concern", "1 has a fit concern")
			for _, answer := range []string{"Not sure yet", "said yes"} {
				if strings.Contains(page.body, answer) {
					t.Errorf("the admin's program page shows %q", answer)
				}
			}
		}
		checks, err := e.db.FindFitChecks(ctx, nina.OrgID, "")
		if err != nil || len(checks) == 0 {
			t.Fatalf("fit checks: %v", err)
		}
		// The fit check's page offers a member re-matching, whatever they
		// answered.
		var autumn string
		cs, err := e.db.FindCircles(ctx, nina.OrgID, store.CircleFilter{UserID: nina.ID})
		if err != nil || len(cs) == 0 {
			t.Fatalf("Nina's circles: %v", err)
		}
		autumn = cs[0].ID
		e.demoSignIn("nina").get("/circles/"+autumn+"/fit").expect(t, http.StatusOK, "If this circle isn’t right for you", "Leave the circle")
	})
}
