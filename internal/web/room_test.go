package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// demoSignIn signs a demo person in.
func (e *env) demoSignIn(key string) *client {
	e.t.Helper()
	c := e.client()
	c.post("/signin", url.Values{"email": {key + "@northwind.example"}, "password": {demo.Password}}).expect(e.t, http.StatusSeeOther)
	return c
}

func (c *client) postJSON(path string, form url.Values) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestRoomPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		db := e.db
		loaded, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var c *program.Circle
		all, err := db.FindCircles(ctx, loaded.Org.ID, store.CircleFilter{Status: []program.CircleStatus{program.Active}})
		if err != nil {
			t.Fatal(err)
		}
		maya := mustUser(t, db, demo.AdminEmail)
		for i := range all {
			if all[i].Member(maya.ID) != nil {
				c = &all[i]
			}
		}
		meetings, err := db.FindMeetings(ctx, loaded.Org.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var m circle.Meeting
		for _, x := range meetings {
			if x.Start.After(db.Now()) {
				m = x
				break
			}
		}
		base := "/circles/" + c.ID + "/meetings/" + m.ID + "/room"

		mc := e.demoSignIn("maya")
		if r := mc.get(base); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "/ground-rules") {
			t.Fatalf("the room before the ground rules: %d %s", r.status, r.location)
		}
		mc.post("/circles/"+c.ID+"/ground-rules", url.Values{"version": {"1"}}).expect(t, http.StatusSeeOther)
		page := mc.get(base)
		page.expect(t, http.StatusOK, "Meeting room", "Opening", "Your check-in", "Guests", "Invite to observe")
		version := versionRE.FindStringSubmatch(page.body)[1]

		// Someone outside the circle, the admin of another program
		// included, finds nothing.
		priya := e.demoSignIn("priya")
		priya.get(base).expect(t, http.StatusNotFound)
		priya.post(base+"/command", url.Values{"kind": {"start"}, "version": {version}}).expect(t, http.StatusNotFound)
		priya.post(base+"/offers", url.Values{"presenter_id": {maya.ID}, "body": {"x"}}).expect(t, http.StatusNotFound)

		// Only the timekeeper and the facilitator run the timer.
		runner, other := "", ""
		for _, mem := range c.Members {
			key := strings.Split(mem.Email, "@")[0]
			switch {
			case mem.UserID == m.TimekeeperID:
				runner = key
			case mem.UserID != m.FacilitatorID && other == "" && key != "maya":
				other = key
			}
		}
		oc := e.demoSignIn(other)
		if r := oc.postJSON(base+"/command", url.Values{"kind": {"start"}, "version": {version}}); r.status != http.StatusForbidden {
			t.Errorf("a member who is not running the meeting starts it: %d", r.status)
		}
		rc := e.demoSignIn(runner)
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"start"}, "version": {version}}); r.status != http.StatusNoContent {
			t.Fatalf("the timekeeper starts: %d %s", r.status, r.body)
		}
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"pause"}, "version": {version}}); r.status != http.StatusConflict {
			t.Errorf("a command on an old version: %d", r.status)
		}
		next, _ := strconv.Atoi(version)
		rc.post(base+"/command", url.Values{"kind": {"pause"}, "version": {strconv.Itoa(next + 1)}}).expect(t, http.StatusSeeOther)
		mc.get(base).expect(t, http.StatusOK, "paused")

		// A check-in marks who is there.
		oc.post(base+"/checkin", url.Values{"mood": {"good"}, "tabled": {"A tricky handover"}}).expect(t, http.StatusSeeOther)
		mc.get(base).expect(t, http.StatusOK, "Here today", "A tricky handover")

		// The shared note: a save based on an old version is refused, and
		// the room says so above the newer note.
		oc.post(base+"/note", url.Values{"body": {"Hiring"}, "version": {"0"}}).expect(t, http.StatusSeeOther)
		if r := mc.post(base+"/note", url.Values{"body": {"Mine instead"}, "version": {"0"}}); r.status != http.StatusSeeOther || r.location != base {
			t.Errorf("a stale note: %d %s", r.status, r.location)
		}
		mc.get(base).expect(t, http.StatusOK, "Someone else saved the note first; it is at version 1 now.", "Hiring")

		// A guest from another team: invited, accepts the rules, sees the
		// live meeting and nothing else of the circle.
		sent := len(e.outbox.Messages())
		priyaUser := mustUser(t, db, "priya@northwind.example")
		mc.post(base+"/guests", url.Values{"user_id": {priyaUser.ID}}).expect(t, http.StatusSeeOther)
		msgs := e.outbox.Messages()[sent:]
		if len(msgs) != 1 || msgs[0].To != "priya@northwind.example" {
			t.Fatalf("the guest's invitation: %+v", msgs)
		}
		link := regexp.MustCompile(`/guest/(hsg_[A-Za-z0-9_\-]+)`).FindStringSubmatch(msgs[0].Text)
		if link == nil {
			t.Fatalf("no guest link in:\n%s", msgs[0].Text)
		}
		guest := "/guest/" + link[1]
		oc.get(guest).expect(t, http.StatusNotFound)
		priya.get(guest).expect(t, http.StatusOK, "I accept the ground rules")
		priya.post(guest, nil).expect(t, http.StatusSeeOther)
		g := priya.get(guest)
		g.expect(t, http.StatusOK, "Observing", "Meeting room")
		if strings.Contains(g.body, "A tricky handover") || strings.Contains(g.body, "Shared note") {
			t.Error("the guest sees what the members wrote")
		}
		priya.get("/circles/"+c.ID).expect(t, http.StatusNotFound)
		priya.get(base).expect(t, http.StatusNotFound)

		// At the close each member answers "did we get what we wanted
		// today?", and the circle sees the answers together.
		if r := oc.postJSON(base+"/closing", url.Values{"answer": {"yes"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("answering before the closing: %d", r.status)
		}
		v := versionRE.FindStringSubmatch(rc.get(base).body)[1]
		rc.post(base+"/command", url.Values{"kind": {"end"}, "version": {v}}).expect(t, http.StatusSeeOther)
		if r := oc.postJSON(base+"/closing", url.Values{"answer": {"maybe"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown answer: %d", r.status)
		}
		oc.post(base+"/closing", url.Values{"answer": {"partly"}, "note": {"Counsel ran short"}}).expect(t, http.StatusSeeOther)
		mc.get(base).expect(t, http.StatusOK, "Did we get what we wanted today?", "Partly", "Counsel ran short")
		priya.post(base+"/closing", url.Values{"answer": {"yes"}}).expect(t, http.StatusNotFound)
		over := priya.get(guest)
		over.expect(t, http.StatusOK, "Thank you for observing", "what you heard stays with the circle")
		if strings.Contains(over.body, "Counsel ran short") {
			t.Error("the guest sees the closing answers")
		}
	})
}
