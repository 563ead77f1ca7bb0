package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

// Through the API: a member answers the fit check once, a no is offered
// re-matching, the admin hears of a concern from the second no only, and
// nobody outside the circle reads or answers it.
func TestCircleFit(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		var f api.CircleFit
		w.members[0].do(t, "GET", w.path("/fit"), nil).want(t, http.StatusOK, reset(&f))
		if f.Open || f.Question == "" {
			t.Errorf("before the first meeting: %+v", f)
		}
		wantCode(t, w.members[0].do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "yes"}), http.StatusConflict, "conflict")
		// The check opens after the first meeting; open it directly.
		if err := e.db.OpenFit(context.Background(), w.org.ID, w.circle); err != nil {
			t.Fatal(err)
		}
		var out api.FitAnswered
		w.members[0].do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "yes"}).want(t, http.StatusOK, reset(&out))
		if out.Rematch != nil {
			t.Errorf("a yes is offered re-matching: %+v", out.Rematch)
		}
		wantCode(t, w.members[0].do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "no"}), http.StatusConflict, "conflict")
		w.members[1].do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "no"}).want(t, http.StatusOK, reset(&out))
		if out.Rematch == nil || out.Rematch.LeavePath != w.path("/leave")[len("/api/v1"):] {
			t.Errorf("a no is offered %+v", out.Rematch)
		}
		var admin api.ProgramFitOutput
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/fit", nil).want(t, http.StatusOK, reset(&admin))
		if admin.Answered != 1 || admin.Concerns != 0 || admin.Pool != nil {
			t.Errorf("one no: the admin sees %+v", admin)
		}
		w.members[2].do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "no"}).want(t, http.StatusOK, nil)
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/fit", nil).want(t, http.StatusOK, reset(&admin))
		if admin.Concerns != 1 || admin.Pool != nil {
			t.Errorf("two noes: the admin sees %+v", admin)
		}
		w.members[0].do(t, "GET", w.path("/fit"), nil).want(t, http.StatusOK, reset(&f))
		if !f.Open || !f.Answered {
			t.Errorf("after answering: %+v", f)
		}
		w.outsider.do(t, "GET", w.path("/fit"), nil).want(t, http.StatusNotFound, nil)
		w.outsider.do(t, "POST", w.path("/fit/answers"), map[string]string{"answer": "no"}).want(t, http.StatusNotFound, nil)
		w.adminAPI.do(t, "GET", w.path("/fit"), nil).want(t, http.StatusNotFound, nil)
		w.members[0].do(t, "GET", "/api/v1/programs/"+w.program+"/fit", nil).want(t, http.StatusForbidden, nil)
	})
}

// Through the API: a member sees what they may invite colleagues to,
// and someone who manages nobody may not show that they take part.
func TestSpread(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		var sp api.SpreadOutput
		w.outsider.do(t, "GET", "/api/v1/me/spread", nil).want(t, http.StatusOK, reset(&sp))
		if sp.Invited != 0 || sp.Leader || sp.Shown {
			t.Errorf("a newcomer's spread: %+v", sp)
		}
		w.outsider.do(t, "PUT", "/api/v1/me/taking-part", map[string]bool{"show": true}).want(t, http.StatusForbidden, nil)
		w.outsider.do(t, "PUT", "/api/v1/me/taking-part", map[string]bool{"show": false}).want(t, http.StatusOK, reset(&sp))
		w.outsider.do(t, "POST", "/api/v1/programs/"+w.program+"/colleague-invitations", map[string]string{"colleague_id": "nobody"}).
			want(t, http.StatusUnprocessableEntity, nil)
	})
}
