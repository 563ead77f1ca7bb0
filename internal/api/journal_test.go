package api_test

import (
	"net/http"
	"testing"
)

// The member's journal through the API: written, searched, edited on a
// version, deleted; the organisation's admin reaches none of it.
func TestJournalAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		m, admin := o.memberAPI, o.adminAPI

		var prompts struct{ Prompts []struct{ Key, Title string } }
		m.do(t, "GET", "/api/v1/me/journal/prompts", nil).want(t, http.StatusOK, &prompts)
		if len(prompts.Prompts) < 5 || prompts.Prompts[0].Key != "free" {
			t.Errorf("prompts: %+v", prompts)
		}

		m.do(t, "POST", "/api/v1/me/journal", map[string]string{"prompt": "free", "body": ""}).want(t, http.StatusUnprocessableEntity, nil)
		m.do(t, "POST", "/api/v1/me/journal", map[string]string{"prompt": "dreams", "body": "x"}).want(t, http.StatusUnprocessableEntity, nil)
		var entry struct {
			ID, Prompt, Body string
			Version          int
		}
		m.do(t, "POST", "/api/v1/me/journal", map[string]string{"prompt": "growth", "body": "Let silence sit after a question."}).
			want(t, http.StatusCreated, &entry)
		if entry.ID == "" || entry.Version != 1 || entry.Prompt != "growth" {
			t.Fatalf("created: %+v", entry)
		}
		m.do(t, "POST", "/api/v1/me/journal", map[string]string{"prompt": "free", "body": "A calm week."}).want(t, http.StatusCreated, nil)

		var list struct {
			Items []struct {
				Kind  string
				Entry *struct{ ID, Body string }
			}
		}
		m.do(t, "GET", "/api/v1/me/journal?q=SILENCE", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Kind != "entry" || list.Items[0].Entry.ID != entry.ID {
			t.Errorf("search: %+v", list)
		}
		m.do(t, "GET", "/api/v1/me/journal", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 2 {
			t.Errorf("timeline: %+v", list)
		}

		path := "/api/v1/me/journal/" + entry.ID
		admin.do(t, "GET", path, nil).want(t, http.StatusNotFound, nil)
		admin.do(t, "PUT", path, map[string]any{"prompt": "free", "body": "admin", "version": 1}).want(t, http.StatusNotFound, nil)
		admin.do(t, "DELETE", path, nil).want(t, http.StatusNotFound, nil)
		admin.do(t, "GET", "/api/v1/me/journal?q=silence", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Errorf("the admin's search finds %+v", list)
		}

		m.do(t, "PUT", path, map[string]any{"prompt": "growth", "body": "Count to seven.", "version": 1}).want(t, http.StatusOK, &entry)
		if entry.Version != 2 || entry.Body != "Count to seven." {
			t.Errorf("edited: %+v", entry)
		}
		m.do(t, "PUT", path, map[string]any{"prompt": "growth", "body": "stale", "version": 1}).want(t, http.StatusConflict, nil)
		m.do(t, "GET", path, nil).want(t, http.StatusOK, &entry)
		if entry.Body != "Count to seven." {
			t.Errorf("after a stale edit: %+v", entry)
		}
		m.do(t, "DELETE", path, nil).want(t, http.StatusNoContent, nil)
		m.do(t, "GET", path, nil).want(t, http.StatusNotFound, nil)
	})
}
