package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

// A learning card through the API: written in the circle, previewed and
// widened step by step, two widenings sent at once (one 200, one 409),
// withdrawn; the admin reads it only from the program on.
func TestLearningCardAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		m := w.members[0]
		long := map[string]string{"circle_id": w.circle, "title": "Too long", "body": strings.Repeat("x", 601)}
		if f := errorFields(t, m.do(t, "POST", "/api/v1/me/cards", long)); f["body"] == "" {
			t.Errorf("an overlong card: fields %v", f)
		}
		w.outsider.do(t, "POST", "/api/v1/me/cards", map[string]string{"circle_id": w.circle, "title": "Not mine", "body": "x"}).
			want(t, http.StatusNotFound, nil)
		var k api.LearningCard
		m.do(t, "POST", "/api/v1/me/cards", map[string]string{"circle_id": w.circle, "title": "Ask first", "body": "Questions before advice."}).
			want(t, http.StatusCreated, reset(&k))
		if k.Audience != "draft" || k.Version != 1 {
			t.Fatalf("created: %+v", k)
		}
		var own api.OwnCard
		m.do(t, "GET", "/api/v1/me/cards/"+k.ID, nil).want(t, http.StatusOK, reset(&own))
		if own.Preview == nil || own.Preview.To != "circle" || len(own.Preview.CircleMembers) != 3 {
			t.Errorf("the first preview: %+v", own.Preview)
		}
		for _, c := range []client{w.members[1], w.outsider, w.adminAPI} {
			c.do(t, "GET", "/api/v1/me/cards/"+k.ID, nil).want(t, http.StatusNotFound, nil)
		}
		var page api.CardPage
		w.members[1].do(t, "GET", w.path("/cards"), nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 0 {
			t.Errorf("the circle reads a draft: %+v", page.Cards)
		}

		// Two widenings decided on version 1, sent at once.
		widen := map[string]any{"to": "circle", "version": 1}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = m.do(t, "POST", "/api/v1/me/cards/"+k.ID+"/widen", widen).status
			}()
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
			t.Errorf("two widenings at once: %v, want one 200 and one 409", statuses)
		}
		w.members[1].do(t, "GET", w.path("/cards"), nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 1 || page.Cards[0].AuthorName == "" || page.Cards[0].Version != 0 {
			t.Errorf("the circle reads %+v", page.Cards)
		}
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/cards", nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 0 {
			t.Errorf("the admin reads a card released to the circle: %+v", page.Cards)
		}
		m.do(t, "POST", "/api/v1/me/cards/"+k.ID+"/widen", map[string]any{"to": "org", "version": 2}).want(t, http.StatusConflict, nil)
		m.do(t, "POST", "/api/v1/me/cards/"+k.ID+"/widen", map[string]any{"to": "program", "version": 2}).want(t, http.StatusOK, reset(&k))
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/cards", nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 1 || page.Cards[0].Title != "Ask first" {
			t.Errorf("the admin reads the program's cards: %+v", page.Cards)
		}
		w.outsider.do(t, "GET", "/api/v1/programs/"+w.program+"/cards", nil).want(t, http.StatusNotFound, nil)

		var edited struct {
			Card       api.LearningCard
			PulledBack bool `json:"pulled_back"`
		}
		m.do(t, "PUT", "/api/v1/me/cards/"+k.ID, map[string]any{"title": "Ask first, always", "body": "Questions before advice.", "version": k.Version}).
			want(t, http.StatusOK, &edited)
		if !edited.PulledBack || edited.Card.Audience != "draft" {
			t.Errorf("editing a released card: %+v", edited)
		}
		m.do(t, "POST", "/api/v1/me/cards/"+k.ID+"/withdraw", map[string]any{"version": edited.Card.Version}).want(t, http.StatusConflict, nil)
		w.adminAPI.do(t, "GET", "/api/v1/learning", nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 0 {
			t.Errorf("the organisation reads %+v", page.Cards)
		}
		m.do(t, "GET", "/api/v1/me/cards", nil).want(t, http.StatusOK, reset(&page))
		if len(page.Cards) != 1 || page.Cards[0].Audience != "draft" {
			t.Errorf("my cards: %+v", page.Cards)
		}
	})
}
