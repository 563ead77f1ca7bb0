package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/api"
)

// TestProgramLifeAPI: a program for one department, created as a draft,
// opened, reminded once a day, and closed; its status and dates answer
// each step, and every repeated step answers 409.
func TestProgramLifeAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		tm := mustCreateTeam(t, e, "Acme", 6) // Sales: people 0 and 4
		now := time.Now().UTC()
		body := map[string]any{"name": "Sales circles", "format": "group", "min_size": 3, "max_size": 4,
			"opt_in_opens": now.Add(48 * time.Hour), "opt_in_closes": now.Add(20 * 24 * time.Hour), "departments": []string{"Sales"}}
		var p api.Program
		tm.adminAPI.do(t, "POST", "/api/v1/programs", body).want(t, http.StatusCreated, &p)
		if p.Status != "draft" || !slices.Equal(p.Departments, []string{"Sales"}) || p.EndsAt == nil || p.AnnouncedAt != nil {
			t.Fatalf("created: %+v", p)
		}
		body["departments"] = []string{"Nowhere"}
		tm.adminAPI.do(t, "PUT", "/api/v1/programs/"+p.ID, body).want(t, http.StatusUnprocessableEntity, nil)
		tm.api[1].do(t, "POST", "/api/v1/programs/"+p.ID+"/open", nil).want(t, http.StatusForbidden, nil)

		var mailed struct{ Emailed int }
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/open", nil).want(t, http.StatusOK, &mailed)
		if mailed.Emailed != 2 {
			t.Errorf("opening emailed %d, want the 2 people of Sales", mailed.Emailed)
		}
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/open", nil).want(t, http.StatusConflict, nil)
		tm.adminAPI.do(t, "GET", "/api/v1/programs/"+p.ID, nil).want(t, http.StatusOK, &p)
		if p.Status != "open" || p.AnnouncedAt == nil {
			t.Errorf("opened: %+v", p)
		}
		// Not for Engineering: neither listed nor joinable.
		var list struct{ Programs []api.Program }
		tm.api[1].do(t, "GET", "/api/v1/programs", nil).want(t, http.StatusOK, &list)
		if len(list.Programs) != 0 {
			t.Errorf("someone outside the audience sees %d programs", len(list.Programs))
		}
		tm.api[1].do(t, "PUT", "/api/v1/programs/"+p.ID+"/opt-in", map[string]any{"goals": "Learn.", "availability": [][2]int{{540, 600}}}).
			want(t, http.StatusUnprocessableEntity, nil)
		tm.api[0].do(t, "PUT", "/api/v1/programs/"+p.ID+"/opt-in", map[string]any{"goals": "Learn.", "availability": [][2]int{{540, 600}}}).
			want(t, http.StatusOK, nil)

		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/remind", nil).want(t, http.StatusOK, &mailed)
		if mailed.Emailed != 1 {
			t.Errorf("reminded %d, want the 1 not yet joined", mailed.Emailed)
		}
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/remind", nil).want(t, http.StatusConflict, nil)

		tm.api[0].do(t, "POST", "/api/v1/programs/"+p.ID+"/close", nil).want(t, http.StatusForbidden, nil)
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/close", nil).want(t, http.StatusOK, &p)
		if p.Status != "closed" || p.ClosedAt == nil || p.Open {
			t.Errorf("closed: %+v", p)
		}
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/close", nil).want(t, http.StatusConflict, nil)
		tm.adminAPI.do(t, "POST", "/api/v1/programs/"+p.ID+"/rounds", nil).want(t, http.StatusConflict, nil)
		tm.adminAPI.do(t, "PUT", "/api/v1/programs/"+p.ID, body).want(t, http.StatusConflict, nil)
	})
}
