package api_test

import (
	"net/http"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

// TestHealthAndPractice: a program's admins read how its circles are
// doing, and each member where they stand; once the program closes, its
// circle is finished and never counted as stalled.
func TestHealthAndPractice(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		ann := w.members[0]
		healthPath := "/api/v1/programs/" + w.program + "/health"
		var h api.ProgramHealth
		w.adminAPI.do(t, "GET", healthPath, nil).want(t, http.StatusOK, reset(&h))
		if h.Total != 1 || len(h.Circles) != 1 || h.Circles[0].State != "no schedule yet" || len(h.Circles[0].Members) != 3 || h.Circles[0].FinishedAt != nil {
			t.Errorf("health of a new circle: %+v", h)
		}
		wantCode(t, ann.do(t, "GET", healthPath, nil), http.StatusForbidden, "forbidden")

		var p api.Practice
		ann.do(t, "GET", "/api/v1/me/practice", nil).want(t, http.StatusOK, reset(&p))
		if p.GroundRules != 1 || p.RulesCircle != w.circle || p.Circles != 1 || p.Next != nil || p.Commitments == nil {
			t.Errorf("a new member's practice: %+v", p)
		}
		w.acknowledge(t, ann)
		w.mustSchedule(t, ann)
		ann.do(t, "GET", "/api/v1/me/practice", nil).want(t, http.StatusOK, reset(&p))
		if p.GroundRules != 0 || p.Next == nil || p.Next.CircleID != w.circle || p.Next.ProgramName != "Leadership circles" {
			t.Errorf("practice with a schedule: %+v", p)
		}

		w.adminAPI.do(t, "POST", "/api/v1/programs/"+w.program+"/close", nil).want(t, http.StatusOK, nil)
		w.adminAPI.do(t, "GET", healthPath, nil).want(t, http.StatusOK, reset(&h))
		if len(h.Circles) != 1 || h.Circles[0].State != "finished" || h.Circles[0].FinishedAt == nil || h.Circles[0].Next != nil || h.Stalled != 0 {
			t.Errorf("health of a finished circle: %+v", h)
		}
		ann.do(t, "GET", "/api/v1/me/practice", nil).want(t, http.StatusOK, reset(&p))
		if p.Next != nil {
			t.Errorf("a finished circle still has a meeting ahead: %+v", p.Next)
		}
	})
}
