package api_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

func TestPeopleOverTime(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		o := mustCreateOrg(t, e, "Acme")
		var member api.Person
		o.adminAPI.do(t, "GET", "/api/v1/people/"+o.member.ID, nil).want(t, http.StatusOK, &member)

		// An edit decided on the version read; the same reading again is
		// a conflict.
		v := member.Version
		body := api.PersonEdit{Name: "Mo Member", Department: "Legal", ManagerID: o.admin.ID, Level: 4,
			Timezone: "Asia/Tokyo", Role: "member", Version: &v}
		var edited api.Person
		o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID, body).want(t, http.StatusOK, &edited)
		if edited.Department != "Legal" || edited.ManagerID != o.admin.ID || edited.Version != v+1 {
			t.Errorf("edited: %+v", edited)
		}
		o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID, body).want(t, http.StatusConflict, nil)
		o.memberAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID, body).want(t, http.StatusForbidden, nil)
		// The admin reporting to their own report loops.
		loop := api.PersonEdit{Name: o.admin.Name, ManagerID: o.member.ID, Timezone: "UTC", Role: "admin"}
		res := o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.admin.ID, loop)
		res.want(t, http.StatusUnprocessableEntity, nil)
		if _, fields := errorShape(t, res.body); fields["manager_id"] == "" {
			t.Errorf("a loop: %s", res.body)
		}

		// Two edits from one reading at once: one applies, one is refused.
		v = edited.Version
		var wg sync.WaitGroup
		status := make([]int, 2)
		for i, dept := range []string{"Left", "Right"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := body
				b.Department, b.Version = dept, &v
				status[i] = o.adminAPI.do(t, "PUT", "/api/v1/people/"+o.member.ID, b).status
			}()
		}
		wg.Wait()
		if !(status[0] == http.StatusOK && status[1] == http.StatusConflict) && !(status[0] == http.StatusConflict && status[1] == http.StatusOK) {
			t.Errorf("two edits at once: %v, want one 200 and one 409", status)
		}

		// Deactivating ends the member's access at once.
		var gone api.Person
		o.adminAPI.do(t, "POST", "/api/v1/people/"+o.member.ID+"/deactivate", nil).want(t, http.StatusOK, &gone)
		if gone.DeactivatedAt == nil {
			t.Errorf("deactivated: %+v", gone)
		}
		o.memberAPI.do(t, "GET", "/api/v1/me", nil).want(t, http.StatusUnauthorized, nil)
		o.adminAPI.do(t, "POST", "/api/v1/people/"+o.member.ID+"/deactivate", nil).want(t, http.StatusConflict, nil)
		o.adminAPI.do(t, "POST", "/api/v1/people/"+o.admin.ID+"/deactivate", nil).want(t, http.StatusConflict, nil)
		var list struct{ Total int }
		o.adminAPI.do(t, "GET", "/api/v1/people", nil).want(t, http.StatusOK, &list)
		if list.Total != 1 {
			t.Errorf("the directory counts %d, want the admin alone", list.Total)
		}
		var back api.Person
		o.adminAPI.do(t, "POST", "/api/v1/people/"+o.member.ID+"/reactivate", map[string]int{"version": gone.Version}).want(t, http.StatusOK, &back)
		if back.DeactivatedAt != nil {
			t.Errorf("reactivated: %+v", back)
		}

		// A re-import previews per row; held invitations go out on release.
		file := csv("name,email,department,level\n" +
			o.admin.Name + "," + o.admin.Email + ",People,0\n" +
			"Mo Member," + o.member.Email + ",Sales,4\n" +
			"Nia New,nia@acme.example.com,Sales,L4\n")
		var preview api.ImportPreview
		o.adminAPI.do(t, "POST", "/api/v1/people/import/preview", file).want(t, http.StatusOK, &preview)
		var statuses []string
		for _, r := range preview.Rows {
			statuses = append(statuses, string(r.Status))
		}
		if len(statuses) != 3 || statuses[0] != "unchanged" || statuses[1] != "changed" || statuses[2] != "problem" ||
			preview.Rows[2].LevelText != "L4" || len(preview.Rows[1].Changes) == 0 {
			t.Errorf("preview: %+v", preview.Rows)
		}
		fixed := csv("name,email,department,level\nNia New,nia@acme.example.com,Sales,4\n")
		var result api.ImportResult
		o.adminAPI.do(t, "POST", "/api/v1/people/import?invitations=hold", fixed).want(t, http.StatusCreated, &result)
		if result.Imported != 1 || !result.Held || !result.People[0].InvitationHeld || e.mailTo("nia@acme.example.com") != 0 {
			t.Errorf("held import: %+v", result)
		}
		var sent api.ReleaseResult
		o.memberAPI.do(t, "POST", "/api/v1/people/invitations/release", nil).want(t, http.StatusUnauthorized, nil)
		o.adminAPI.do(t, "POST", "/api/v1/people/invitations/release", map[string][]string{"departments": {"Sales"}}).
			want(t, http.StatusOK, &sent)
		if sent.Sent != 1 || e.mailTo("nia@acme.example.com") != 1 {
			t.Errorf("released %d", sent.Sent)
		}
	})
}
