package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

func TestPeopleOverTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		db := e.db
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		admin.post("/people/import", url.Values{"csv": {goodCSV}}).expect(t, 200)
		if r := admin.post("/people/import/confirm", url.Values{"csv": {goodCSV}, "invitations": {"hold"}}); r.status != 303 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		admin.get("/people").expect(t, 200, "2 people added (invitations held until you send them)", "2 invitations are held",
			"Send held invitations", "invitation held")
		if n := len(e.outbox.Messages()); n != 1 {
			t.Errorf("%d emails with invitations held; want the sign-up's alone", n)
		}

		// An updated export: Carl moves; the admin's own row and Bea are
		// unchanged, not problems; a bad level shows as typed.
		update := "name,email,department,manager_email,level,timezone\n" +
			"Ann Admin,ann@acme.example,,,0,\n" +
			"Bea Boss,bea@acme.example,Sales,,6,Europe/London\n" +
			"Carl Clerk,carl@acme.example,Support,bea@acme.example,3,America/New_York\n" +
			"Dora,dora@acme.example,Sales,bea@acme.example,L4,\n"
		admin.post("/people/import", url.Values{"csv": {update}}).expect(t, 422, "1 problem to fix", "&#34;L4&#34; is not a whole number",
			"level L4", "changed", "Sales", "Support", "unchanged")
		fixed := update[:len(update)-len("Dora,dora@acme.example,Sales,bea@acme.example,L4,\n")] + "Dora,dora@acme.example,Sales,bea@acme.example,4,\n"
		admin.post("/people/import", url.Values{"csv": {fixed}}).expect(t, 200, "1 new, 1 changed, 2 unchanged", "Apply: add 1, update 1")
		if r := admin.post("/people/import/confirm", url.Values{"csv": {fixed}, "invitations": {"now"}}); r.status != 303 {
			t.Fatalf("re-import: %d %s", r.status, r.body)
		}
		admin.get("/people").expect(t, 200, "1 people added and invited, 1 updated.")
		if c := mustUser(t, db, "carl@acme.example"); c.Department != "Support" {
			t.Errorf("Carl not moved: %+v", c)
		}
		if r := admin.post("/people/invitations/release", nil); r.status != 303 {
			t.Fatalf("release: %d", r.status)
		}
		admin.get("/people").expect(t, 200, "2 held invitations sent.")

		// Edit Bea: the form shows her as she is; a loop is refused.
		bea, carl := mustUser(t, db, "bea@acme.example"), mustUser(t, db, "carl@acme.example")
		admin.get("/people/"+bea.ID).expect(t, 200, "Edit details and role", "Deactivate Bea Boss")
		admin.get("/people/"+bea.ID+"/edit").expect(t, 200, "Edit Bea Boss", `value="Sales"`)
		form := url.Values{"name": {"Bea Boss"}, "department": {"Sales"}, "manager_id": {carl.ID}, "level": {"6"},
			"timezone": {"Europe/London"}, "role": {"member"}, "version": {strconv.Itoa(bea.Version)}}
		admin.post("/people/"+bea.ID+"/edit", form).expect(t, 422, "reporting line would loop")
		form.Set("manager_id", "")
		form.Set("department", "Leadership")
		// Two saves of the same form at once: one applies, one conflicts.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = admin.post("/people/"+bea.ID+"/edit", form).status
			}()
		}
		wg.Wait()
		if !(codes[0] == 303 && codes[1] == 409) && !(codes[0] == 409 && codes[1] == 303) {
			t.Errorf("two saves at once: %v, want 303 and 409", codes)
		}
		if b := mustUser(t, db, "bea@acme.example"); b.Department != "Leadership" {
			t.Errorf("Bea not saved: %+v", b)
		}

		// Deactivate Carl: shown as such to the admin, gone for members.
		carl = mustUser(t, db, "carl@acme.example")
		if r := admin.post("/people/"+carl.ID+"/deactivate", url.Values{"version": {strconv.Itoa(carl.Version)}}); r.status != 303 {
			t.Fatalf("deactivate: %d %s", r.status, r.body)
		}
		admin.get("/people/"+carl.ID).expect(t, 200, "is deactivated", "deactivated", "Reactivate")
		admin.get("/people?q=carl").expect(t, 200, "Carl Clerk", "deactivated")
		if r := admin.post("/people/"+carl.ID+"/reactivate", url.Values{"version": {strconv.Itoa(carl.Version)}}); r.status != 409 {
			t.Errorf("reactivating from a stale page: %d", r.status)
		}
	})
}

// A held invitation is the admins' business: colleagues see someone who
// has not joined yet, not why.
func TestHeldInvitationsShownToAdminsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		if _, err := demo.Load(ctx, e.db); err != nil {
			t.Fatal(err)
		}
		held, err := e.db.FindHeld(ctx, mustUser(t, e.db, demo.AdminEmail).OrgID, nil, 1)
		if err != nil || len(held) == 0 {
			t.Fatalf("the demo's held invitations: %d, %v", len(held), err)
		}
		person := "/people/" + held[0].ID
		admin := e.demoSignIn("maya")
		admin.get("/people").expect(t, http.StatusOK, "invitation held")
		admin.get(person).expect(t, http.StatusOK, "invitation held")
		member := e.demoSignIn("noah")
		for _, page := range []string{"/people", person} {
			if r := member.get(page); r.status != http.StatusOK || strings.Contains(r.body, "held") {
				t.Errorf("a member's %s: %d, mentions a held invitation: %v", page, r.status, strings.Contains(r.body, "held"))
			}
		}
	})
}
