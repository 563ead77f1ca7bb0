package web_test

import (
	"net/url"
	"testing"

	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestPersonPickers: without the script, a picker's typed words are
// resolved when the form is sent: an address or an unambiguous name picks
// the person, anything else is a message on the field that keeps what was
// typed, and nothing is written.
func TestPersonPickers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		csv := goodCSV + "Bea Baker,beab@acme.example,Finance,,4,Europe/London\n"
		if r := admin.post("/people/import/confirm", url.Values{"csv": {csv}}); r.status != 303 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		form := func(manager string) url.Values {
			return url.Values{"name": {"Dee Dev"}, "email": {"dee@acme.example"}, "timezone": {"UTC"}, "role": {"member"},
				"manager_id_q": {manager}}
		}
		admin.get("/people/invite").expect(t, 200, `name="manager_id_q"`, `role="combobox"`)
		admin.post("/people/invite", form("bea")).expect(t, 422, "Several people match “bea”", "Bea Baker (beab@acme.example)",
			"Bea Boss (bea@acme.example)", `value="bea"`)
		admin.post("/people/invite", form("zed")).expect(t, 422, "Nobody here matches “zed”")
		if n, _ := e.db.CountUsers(ctx, mustUser(t, e.db, "ann@acme.example").OrgID, store.UserFilter{}); n != 4 {
			t.Fatalf("an unclear manager wrote someone: %d people", n)
		}
		// Two words, or the address, pick one Bea.
		if r := admin.post("/people/invite", form("bea bo")); r.status != 303 {
			t.Fatalf("invite with a clear manager: %d %s", r.status, r.body)
		}
		if dee := mustUser(t, e.db, "dee@acme.example"); dee.ManagerID != mustUser(t, e.db, "bea@acme.example").ID {
			t.Errorf("Dee's manager is %q", dee.ManagerID)
		}
		f := form("BEAB@acme.example")
		f.Set("email", "eli@acme.example")
		if r := admin.post("/people/invite", f); r.status != 303 {
			t.Fatalf("invite with a manager's address: %d %s", r.status, r.body)
		}
		if eli := mustUser(t, e.db, "eli@acme.example"); eli.ManagerID != mustUser(t, e.db, "beab@acme.example").ID {
			t.Errorf("Eli's manager is %q", eli.ManagerID)
		}
		// Nothing typed is no manager.
		f = form("")
		f.Set("email", "flo@acme.example")
		if r := admin.post("/people/invite", f); r.status != 303 || mustUser(t, e.db, "flo@acme.example").ManagerID != "" {
			t.Fatalf("invite without a manager: %d %s", r.status, r.body)
		}
	})
}
