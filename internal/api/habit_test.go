package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/api"
)

// TestRSVPAPI: members answer a meeting ahead based on the version they
// read; an answer based on another is a 409; the tally names who answered
// how; outsiders get 404.
func TestRSVPAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann, ben := w.members[0], w.members[1]
		m := w.mustSchedule(t, ann)[0]
		path := w.path("/meetings/" + m.ID + "/rsvp")

		var r api.RSVP
		ann.do(t, "GET", path, nil).want(t, http.StatusOK, reset(&r))
		if r.Version != 0 || r.Answer != "" || len(r.Unanswered) != 3 {
			t.Errorf("before answering: %+v", r)
		}
		ann.do(t, "PUT", path, map[string]any{"answer": "coming", "version": 0}).want(t, http.StatusOK, reset(&r))
		if r.Version != 1 || r.Answer != "coming" || len(r.Coming) != 1 || r.Coming[0] != w.people[0].Name {
			t.Errorf("after answering: %+v", r)
		}
		wantCode(t, ann.do(t, "PUT", path, map[string]any{"answer": "not_coming", "version": 0}), http.StatusConflict, "conflict")
		ann.do(t, "PUT", path, map[string]any{"answer": "not_coming", "version": 1}).want(t, http.StatusOK, reset(&r))
		if r.Version != 2 || len(r.NotComing) != 1 {
			t.Errorf("after changing: %+v", r)
		}
		ben.do(t, "GET", path, nil).want(t, http.StatusOK, reset(&r))
		if r.Answer != "" || len(r.NotComing) != 1 || len(r.Unanswered) != 2 {
			t.Errorf("as another member: %+v", r)
		}
		wantCode(t, w.outsider.do(t, "GET", path, nil), http.StatusNotFound, "not_found")
		wantCode(t, w.adminAPI.do(t, "PUT", path, map[string]any{"answer": "coming", "version": 0}), http.StatusNotFound, "not_found")
	})
}

// TestCommitmentChangeAPI: a commitment is due at the next meeting unless
// given a day; its author moves it, lets it go or marks it done, each
// based on the version read.
func TestCommitmentChangeAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann, ben := w.members[0], w.members[1]
		ms := w.mustSchedule(t, ann)
		var c api.Commitment
		ann.do(t, "POST", w.path("/commitments"), map[string]string{"body": "Ask for feedback."}).want(t, http.StatusCreated, reset(&c))
		if c.DueAt == nil || !c.DueAt.Equal(ms[0].StartsAt) || c.Version != 1 {
			t.Errorf("new commitment: %+v, want due at %v", c, ms[0].StartsAt)
		}
		path := w.path("/commitments/" + c.ID)
		later := time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Second)
		ann.do(t, "PATCH", path, map[string]any{"version": 1, "due_at": later}).want(t, http.StatusOK, reset(&c))
		if c.DueAt == nil || !c.DueAt.Equal(later) || c.Version != 2 {
			t.Errorf("moved: %+v", c)
		}
		wantCode(t, ann.do(t, "PATCH", path, map[string]any{"version": 1, "let_go": true}), http.StatusConflict, "conflict")
		if res := ann.do(t, "PATCH", path, map[string]any{"version": 2, "let_go": true, "done": true}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("two changes at once: %d", res.status)
		}
		wantCode(t, ben.do(t, "PATCH", path, map[string]any{"version": 2, "let_go": true}), http.StatusNotFound, "not_found")
		ann.do(t, "PATCH", path, map[string]any{"version": 2, "let_go": true}).want(t, http.StatusOK, reset(&c))
		if c.LetGoAt == nil || c.Version != 3 {
			t.Errorf("let go: %+v", c)
		}
		var p api.Practice
		ann.do(t, "GET", "/api/v1/me/practice", nil).want(t, http.StatusOK, reset(&p))
		if len(p.Commitments) != 0 || p.Streak != (api.Streak{}) {
			t.Errorf("practice after letting go: %+v", p)
		}
	})
}
