package api_test

import (
	"net/http"
	"sync"
	"testing"
)

// The member's self-assessments through the API: taken, listed, edited on
// a version (of two edits at once, one gets 409), deleted; the
// organisation's admin reaches none of it. Their helping pattern is
// theirs alone.
func TestSelfAssessmentAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		m, admin := o.memberAPI, o.adminAPI

		var caps struct {
			Capabilities []struct{ Key, Name string }
			MaxPicks     int `json:"max_picks"`
		}
		m.do(t, "GET", "/api/v1/me/assessments/capabilities", nil).want(t, http.StatusOK, &caps)
		if len(caps.Capabilities) != 12 || caps.MaxPicks != 8 {
			t.Errorf("capabilities: %+v", caps)
		}
		var list struct {
			Assessments []struct{ ID, Note string }
			Due         bool
		}
		m.do(t, "GET", "/api/v1/me/assessments", nil).want(t, http.StatusOK, &list)
		if len(list.Assessments) != 0 || !list.Due {
			t.Errorf("before the first: %+v", list)
		}
		m.do(t, "POST", "/api/v1/me/assessments", map[string]any{"ratings": []any{}}).want(t, http.StatusUnprocessableEntity, nil)
		m.do(t, "POST", "/api/v1/me/assessments", map[string]any{"ratings": []map[string]any{{"capability": "listening", "pick": "strength", "score": 9}}}).
			want(t, http.StatusUnprocessableEntity, nil)
		rated := []map[string]any{{"capability": "feelings", "pick": "growth", "score": 2}, {"capability": "listening", "pick": "strength", "score": 4}}
		var a struct {
			ID, Note string
			Version  int
			Ratings  []struct {
				Capability, Pick string
				Score            int
			}
		}
		m.do(t, "POST", "/api/v1/me/assessments", map[string]any{"ratings": rated, "note": "Stay with it."}).want(t, http.StatusCreated, &a)
		if a.ID == "" || a.Version != 1 || len(a.Ratings) != 2 || a.Ratings[0].Capability != "listening" {
			t.Fatalf("created: %+v", a)
		}
		m.do(t, "GET", "/api/v1/me/assessments", nil).want(t, http.StatusOK, &list)
		if len(list.Assessments) != 1 || list.Due {
			t.Errorf("after the first: %+v", list)
		}

		path := "/api/v1/me/assessments/" + a.ID
		admin.do(t, "GET", path, nil).want(t, http.StatusNotFound, nil)
		admin.do(t, "PUT", path, map[string]any{"ratings": rated, "version": 1}).want(t, http.StatusNotFound, nil)
		admin.do(t, "DELETE", path, nil).want(t, http.StatusNotFound, nil)
		admin.do(t, "GET", "/api/v1/me/assessments", nil).want(t, http.StatusOK, &list)
		if len(list.Assessments) != 0 {
			t.Errorf("the admin lists %+v", list)
		}
		var pattern struct {
			Summary string
			Months  []any
		}
		admin.do(t, "GET", "/api/v1/me/helping", nil).want(t, http.StatusOK, &pattern)
		if pattern.Summary != "" || len(pattern.Months) != 0 {
			t.Errorf("the admin's pattern: %+v", pattern)
		}

		// Two edits on version 1 at once: one is kept, the other is 409.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Go(func() {
				codes[i] = m.do(t, "PUT", path, map[string]any{"ratings": rated[i : i+1], "version": 1}).status
			})
		}
		wg.Wait()
		if !(codes[0] == http.StatusOK && codes[1] == http.StatusConflict) && !(codes[0] == http.StatusConflict && codes[1] == http.StatusOK) {
			t.Errorf("two edits at once: %v, want one 200 and one 409", codes)
		}
		m.do(t, "GET", path, nil).want(t, http.StatusOK, &a)
		if a.Version != 2 || len(a.Ratings) != 1 {
			t.Errorf("after the edits: %+v", a)
		}
		m.do(t, "DELETE", path, nil).want(t, http.StatusNoContent, nil)
		m.do(t, "GET", path, nil).want(t, http.StatusNotFound, nil)
	})
}
