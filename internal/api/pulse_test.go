package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

// Through the API: a member answers the open round once (a second answer
// is 409), the circle sees nothing until three answered, and nobody
// outside the circle reads or answers it (404).
func TestCirclePulse(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		// A round opens as meetings are held; open the first one directly.
		if err := e.db.CreatePulseRound(context.Background(), w.org.ID, w.circle, 1, 0); err != nil {
			t.Fatal(err)
		}
		answer := map[string]any{"round": 1, "answers": []int{2, 6, 2, 6, 2, 6, 6}}
		var p api.CirclePulse
		for i, c := range w.members[:2] {
			c.do(t, "POST", w.path("/pulse/answers"), answer).want(t, http.StatusOK, reset(&p))
			if p.Open == nil || !p.Open.Answered || p.Open.Respondents != i+1 || len(p.Rounds) != 0 {
				t.Errorf("after %d answers: open %+v, rounds %+v", i+1, p.Open, p.Rounds)
			}
		}
		if p.Open.Waiting != 1 {
			t.Errorf("two answered: waiting for %d, want one more", p.Open.Waiting)
		}
		wantCode(t, w.members[0].do(t, "POST", w.path("/pulse/answers"), answer), http.StatusConflict, "conflict")
		bad := map[string]any{"round": 1, "answers": []int{2, 6, 2, 6, 2, 6, 0}}
		if f := errorFields(t, w.members[2].do(t, "POST", w.path("/pulse/answers"), bad)); f["item7"] == "" {
			t.Errorf("an answer off the scale: fields %v", f)
		}
		w.members[2].do(t, "POST", w.path("/pulse/answers"), answer).want(t, http.StatusOK, reset(&p))
		if len(p.Rounds) != 1 || p.Rounds[0].Mean != 6 || p.Rounds[0].Respondents != 3 {
			t.Errorf("three answered: rounds %+v, want one at 6", p.Rounds)
		}

		w.outsider.do(t, "GET", w.path("/pulse"), nil).want(t, http.StatusNotFound, nil)
		w.outsider.do(t, "POST", w.path("/pulse/answers"), answer).want(t, http.StatusNotFound, nil)
		w.adminAPI.do(t, "GET", w.path("/pulse"), nil).want(t, http.StatusNotFound, nil)
		var pool api.PoolOutput
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/pulse", nil).want(t, http.StatusOK, reset(&pool))
		if pool.Summary != nil {
			t.Errorf("one circle's round reaches the admin: %+v", pool.Summary)
		}
		w.members[0].do(t, "GET", "/api/v1/pulse", nil).want(t, http.StatusForbidden, nil)
	})
}

// Through the API: the circle's pulse reaches the admin only once every
// member agreed, and then only its finished rounds; agreeing twice is 409,
// and one withdrawal hides it again.
func TestCirclePulseShared(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		for n := 1; n <= 2; n++ {
			if err := e.db.CreatePulseRound(context.Background(), w.org.ID, w.circle, n, n); err != nil {
				t.Fatal(err)
			}
		}
		// Round 1 closed before anyone answered; round 2 is answered by all.
		answer := map[string]any{"round": 2, "answers": []int{2, 6, 2, 6, 2, 6, 6}}
		for _, c := range w.members {
			c.do(t, "POST", w.path("/pulse/answers"), answer).want(t, http.StatusOK, nil)
		}
		var p api.CirclePulse
		for i, c := range w.members {
			c.do(t, "PUT", w.path("/pulse/share"), map[string]bool{"agree": true}).want(t, http.StatusOK, reset(&p))
			if p.Share.Agreed != i+1 || !p.Share.Mine || p.Share.Shared != (i+1 == len(w.members)) {
				t.Errorf("after %d agreed: %+v", i+1, p.Share)
			}
		}
		wantCode(t, w.members[0].do(t, "PUT", w.path("/pulse/share"), map[string]bool{"agree": true}), http.StatusConflict, "conflict")
		w.outsider.do(t, "PUT", w.path("/pulse/share"), map[string]bool{"agree": true}).want(t, http.StatusNotFound, nil)

		var pool api.PoolOutput
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/pulse", nil).want(t, http.StatusOK, reset(&pool))
		if pool.SharedTotal != 1 || len(pool.Shared) != 1 || pool.Shared[0].CircleID != w.circle || len(pool.Shared[0].Rounds) != 0 {
			t.Errorf("shared, round 2 still open: %+v, want the circle with no round", pool)
		}
		// Round 3 opens: round 2 is finished and reaches the admin.
		if err := e.db.CreatePulseRound(context.Background(), w.org.ID, w.circle, 3, 3); err != nil {
			t.Fatal(err)
		}
		w.adminAPI.do(t, "GET", "/api/v1/pulse", nil).want(t, http.StatusOK, reset(&pool))
		if len(pool.Shared) != 1 || len(pool.Shared[0].Rounds) != 1 || pool.Shared[0].Rounds[0].Number != 2 || pool.Shared[0].Rounds[0].Mean != 6 {
			t.Errorf("round 2 finished: %+v, want round 2 at 6", pool.Shared)
		}
		w.members[1].do(t, "PUT", w.path("/pulse/share"), map[string]bool{"agree": false}).want(t, http.StatusOK, reset(&p))
		wantCode(t, w.members[1].do(t, "PUT", w.path("/pulse/share"), map[string]bool{"agree": false}), http.StatusConflict, "conflict")
		w.adminAPI.do(t, "GET", "/api/v1/pulse", nil).want(t, http.StatusOK, reset(&pool))
		if len(pool.Shared) != 0 || pool.SharedTotal != 0 {
			t.Errorf("after a withdrawal the admin sees %+v", pool.Shared)
		}
	})
}
