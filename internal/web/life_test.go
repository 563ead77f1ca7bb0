package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestProgramLifePages follows a program for one department through its
// pages: a draft nobody hears of, opened by its admin (who is told how
// many were emailed), a reminder once a day, an early close with its
// confirmation, and the archive.
func TestProgramLifePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ann Admin", "ann@acme.example")
		var csv strings.Builder
		csv.WriteString("name,email,department\n")
		for i := range 4 {
			fmt.Fprintf(&csv, "Member %d,m%d@acme.example,%s\n", i, i, []string{"Sales", "Ops"}[i%2])
		}
		admin.post("/people/import/confirm", url.Values{"csv": {csv.String()}}).expect(t, 303)
		members := make([]*client, 4)
		for i := range members {
			members[i] = e.member(fmt.Sprintf("m%d@acme.example", i), fmt.Sprintf("Member %d", i))
		}
		admin.get("/programs/new").expect(t, 200, "Who it is for", "Sales", "Ops", "Program ends (last day)")
		form := url.Values{"name": {"Sales circles"}, "purpose": {"Sell better together."}, "format": {"group"}, "min_size": {"3"}, "max_size": {"4"},
			"cadence": {"fortnightly"}, "session_minutes": {"60"}, "protocol": {"council"},
			"opt_in_opens": {"2099-01-01"}, "opt_in_closes": {"2099-01-31"}, "ends_at": {"2099-01-15"}, "audience": {"departments"}}
		admin.post("/programs", form).expect(t, 422, "The program must end after opt-in closes.", "Choose at least one department")
		form.Set("ends_at", "2099-06-30")
		form["departments"] = []string{"Sales"}
		r := admin.post("/programs", form)
		if r.status != 303 || !strings.Contains(r.flash(), "draft") {
			t.Fatalf("create: %d %q", r.status, r.flash())
		}
		id := idRE.FindStringSubmatch(r.location)[1]
		page := "/programs/" + id
		admin.get(page).expect(t, 200, ">draft<", "For: Sales.", "ends 30 Jun 2099", "Open opt-in now")
		members[0].get("/programs").expect(t, 200, "No programs are open right now")

		r = admin.post(page+"/open", nil)
		if r.status != 303 || !strings.Contains(r.flash(), "Emailed 2 people") {
			t.Fatalf("open: %d %q", r.status, r.flash())
		}
		if n := len(e.outbox.Messages()); n == 0 {
			t.Fatal("nothing was emailed")
		}
		admin.post(page+"/open", nil).expectFlash(t, "opened already")
		members[0].get("/programs").expect(t, 200, "Sales circles", ">open<")
		members[1].get("/programs").expect(t, 200, "No programs are open right now")
		members[1].get(page).expect(t, 200, "This program is for Sales.")
		admin.get(page).expect(t, 200, ">open<", "0 of the 2 people it is for have opted in", "Remind everyone not yet joined", "Close program")

		r = admin.post(page+"/remind", nil)
		if r.status != 303 || !strings.Contains(r.flash(), "Reminded 2 people") {
			t.Fatalf("remind: %d %q", r.status, r.flash())
		}
		admin.post(page+"/remind", nil).expectFlash(t, "reminded less than a day ago")
		admin.get(page).expect(t, 200, "reminded less than a day ago")
		members[0].post(page+"/close", nil).expect(t, 403)

		r = admin.post(page+"/close", nil)
		if r.status != 303 || !strings.Contains(r.flash(), "Program closed") {
			t.Fatalf("close: %d %q", r.status, r.flash())
		}
		admin.post(page+"/close", nil).expectFlash(t, "This program has ended.")
		closed := admin.get(page)
		closed.expect(t, 200, ">closed<", "closed on")
		body := closed.body
		for _, gone := range []string{"Propose matches", "Remind everyone", "Close program", "/edit"} {
			if strings.Contains(body, gone) {
				t.Errorf("a closed program's page offers %q", gone)
			}
		}
		admin.get("/programs").expect(t, 200, "Archived", "Sales circles")
		admin.post(page+"/propose", nil).expect(t, 409, "This program has ended.")
	})
}

// flash is the message a redirect carries to the next page.
func (r resp) flash() string {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "holdspace_flash" {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}

// expectFlash checks that a POST was answered with a redirect whose
// message contains text.
func (r resp) expectFlash(t *testing.T, text string) {
	t.Helper()
	if r.status != 303 || !strings.Contains(r.flash(), text) {
		t.Errorf("got %d with %q, want a redirect saying %q: %.500s", r.status, r.flash(), text, r.body)
	}
}
