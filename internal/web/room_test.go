package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
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

// demoRoom is the room of the next meeting of Maya's circle in the demo,
// which is days away: its path, the circle, the meeting, and the keys of
// its timekeeper and of a member who does not run it.
type demoRoom struct {
	base          string
	c             *program.Circle
	m             circle.Meeting
	runner, other string
}

func newDemoRoom(t *testing.T, e *env) demoRoom {
	t.Helper()
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
	r := demoRoom{c: c}
	for _, x := range meetings {
		if x.Start.After(db.Now()) {
			r.m = x
			break
		}
	}
	r.base = "/circles/" + c.ID + "/meetings/" + r.m.ID + "/room"
	for _, mem := range c.Members {
		key := strings.Split(mem.Email, "@")[0]
		switch {
		case mem.UserID == r.m.TimekeeperID:
			r.runner = key
		case mem.UserID != r.m.FacilitatorID && r.other == "" && key != "maya":
			r.other = key
		}
	}
	return r
}

// signInto signs a demo member in and acknowledges the circle's ground
// rules.
func (e *env) signInto(key string, c *program.Circle) *client {
	e.t.Helper()
	cl := e.demoSignIn(key)
	cl.post("/circles/"+c.ID+"/ground-rules", url.Values{"version": {"1"}}).expect(e.t, http.StatusSeeOther)
	return cl
}

// stateVersion is the room's state version as the page shows it.
func stateVersion(t *testing.T, page resp) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no version on the page:\n%.2000s", page.body)
	}
	return m[1]
}

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
		// The circle's page shows the next meeting and folds the later ones.
		mc.get("/circles/"+c.ID).expect(t, http.StatusOK, "Meetings ahead", `<details class="fold later-meetings" data-open-wide>`, "more meetings")
		page := mc.get(base)
		page.expect(t, http.StatusOK, "Meeting room", "Opening", "Your check-in", "Guests", "Invite to observe")
		// The format page says what the book's timings are.
		mc.get("/circles/"+c.ID+"/format").expect(t, http.StatusOK, "Peer Coaching at Work",
			"Council: opening 3, check-in 2 each, choosing presenters 3, then for each presenter 3 presenting, 3 questions and 10 counsel; closing 5 (minutes).",
			"Forum: opening 3,")
		version := versionRE.FindStringSubmatch(page.body)[1]

		// Someone outside the circle, the admin of another program
		// included, finds nothing.
		priya := e.demoSignIn("priya")
		priya.get(base).expect(t, http.StatusNotFound)
		priya.post(base+"/command", url.Values{"kind": {"start"}, "version": {version}}).expect(t, http.StatusNotFound)
		priya.post(base+"/offers", url.Values{"presenter_id": {maya.ID}, "body": {"x"}}).expect(t, http.StatusNotFound)

		// The next meeting is changed in place; a later one on its own
		// page, which the circle's page links to instead of carrying its
		// forms.
		later, held := meetings[len(meetings)-1], circle.Meeting{}
		for _, x := range meetings {
			if x.End.Before(db.Now()) && x.Status == circle.Scheduled {
				held = x
			}
		}
		meetingPath := "/circles/" + c.ID + "/meetings/"
		home := mc.get("/circles/" + c.ID)
		home.expect(t, http.StatusOK, `action="`+meetingPath+m.ID+`/roles"`, `href="`+meetingPath+later.ID+`/change"`)
		if strings.Contains(home.body, meetingPath+later.ID+"/roles") {
			t.Error("the circle's page carries a later meeting's forms")
		}
		change := meetingPath + later.ID + "/change"
		mc.get(change).expect(t, http.StatusOK, "Change a meeting", `action="`+meetingPath+later.ID+`/roles"`,
			`name="facilitator_id"`, `name="starts_at"`, "Cancel this meeting", "Back to the circle")
		priya.get(change).expect(t, http.StatusNotFound)
		mc.post(meetingPath+later.ID+"/cancel", nil).expect(t, http.StatusSeeOther)
		if page := mc.get(change); !strings.Contains(page.body, "Put it back on") || strings.Contains(page.body, `name="facilitator_id"`) {
			t.Errorf("a cancelled meeting's page offers no way back, or still its roles: %s", page.body)
		}
		mc.post(meetingPath+later.ID+"/cancel", url.Values{"restore": {"1"}}).expect(t, http.StatusSeeOther)
		if held.ID == "" {
			t.Fatal("the demo circle has held no meeting")
		}
		if page := mc.get(meetingPath + held.ID + "/change"); !strings.Contains(page.body, "it can no longer be changed") || strings.Contains(page.body, "Save roles") {
			t.Errorf("a held meeting's page offers changes: %s", page.body)
		}

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
		// The meeting is days away: starting it now is asked about first,
		// on the page, and nothing changes until the timekeeper confirms.
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"start"}, "version": {version}}); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "Start the meeting of") {
			t.Fatalf("an early start without confirming: %d %s", r.status, r.body)
		}
		if r := rc.post(base+"/command", url.Values{"kind": {"start"}, "version": {version}}); r.status != http.StatusSeeOther || r.location != base+"?confirm=start" {
			t.Errorf("an early start from a page without JavaScript: %d %s", r.status, r.location)
		}
		zone, err := account.Location(mustUser(t, db, runner+"@northwind.example").Timezone)
		if err != nil {
			t.Fatal(err)
		}
		when := m.Start.In(zone).Format("Monday 2 January, 15:04")
		mc.get(base).expect(t, http.StatusOK, `href="`+base+`?confirm=start#confirm"`)
		rc.get(base+"?confirm=start").expect(t, http.StatusOK, "Start the meeting of "+when+" now?", `name="confirm" value="yes"`, "Not yet")
		if strings.Contains(oc.get(base+"?confirm=start").body, "now?") {
			t.Error("a member who does not run the meeting is asked to start it")
		}
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"start"}, "version": {version}, "confirm": {"yes"}}); r.status != http.StatusOK {
			t.Fatalf("the timekeeper starts: %d %s", r.status, r.body)
		}
		moved, err := db.FindMeetings(ctx, c.OrgID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range moved {
			if x.ID == m.ID && x.Start.After(db.Now()) {
				t.Errorf("the meeting started early is still at %s", x.Start)
			}
		}
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"pause"}, "version": {version}}); r.status != http.StatusConflict {
			t.Errorf("a command on an old version: %d", r.status)
		}
		next, _ := strconv.Atoi(version)
		rc.post(base+"/command", url.Values{"kind": {"pause"}, "version": {strconv.Itoa(next + 1)}}).expect(t, http.StatusSeeOther)
		mc.get(base).expect(t, http.StatusOK, "paused")

		// A check-in marks who is there. Without JavaScript the browser
		// goes back to the room, which says so; the room's script gets
		// the message to show in place.
		if r := oc.post(base+"/checkin", url.Values{"mood": {"good"}, "tabled": {"A tricky handover"}}); r.status != http.StatusSeeOther || r.location != base {
			t.Errorf("a check-in without JavaScript: %d %s", r.status, r.location)
		}
		oc.get(base).expect(t, http.StatusOK, "You&#39;re checked in.", "Update my check-in")
		mc.get(base).expect(t, http.StatusOK, "Here today", "A tricky handover")
		mayaCheckin := mc.postJSON(base+"/checkin", url.Values{"mood": {"stretched"}, "wins": {"Shipped the rota"}})
		mayaCheckin.expect(t, http.StatusOK, `{"message":"You're checked in."}`)
		if ct := mayaCheckin.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("the script's check-in answers %s", ct)
		}
		mc.get(base).expect(t, http.StatusOK, "Shipped the rota")

		// A refused post tells the script why, in a sentence it shows.
		if r := oc.postJSON(base+"/offers", url.Values{"presenter_id": {maya.ID}, "body": {""}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"message":"`) {
			t.Errorf("an empty offer from the script: %d %s", r.status, r.body)
		}
		// A timer command sent on a version the meeting has moved past
		// (pressed offline, sent on reconnecting) is refused, saying so.
		if r := rc.postJSON(base+"/command", url.Values{"kind": {"next"}, "version": {version}}); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "Someone changed the meeting at the same moment") {
			t.Errorf("a stale command from the script: %d %s", r.status, r.body)
		}

		// The room links to the circle's call.
		mc.get(base).expect(t, http.StatusOK, `href="https://meet.northwind.example/autumn-circle-1"`, "Join the video call")

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
		// Ending is a control of its own, asked about first.
		running := rc.get(base)
		running.expect(t, http.StatusOK, `href="`+base+`?confirm=end#confirm"`, "Hand timekeeping to")
		confirm := rc.get(base + "?confirm=end")
		confirm.expect(t, http.StatusOK, "End the meeting now?", "steps are still to come", "Keep going")
		rc.post(base+"/command", url.Values{"kind": {"end"}, "version": {stateVersion(t, confirm)}}).expect(t, http.StatusSeeOther)
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

// The presenter's words and the room's controls: help is asked for while
// it can be given, an offer is made one's own in one's own words, and of
// two runners handing over the timekeeping or ending the meeting from the
// same state, one succeeds and the other is told it changed.
func TestRoomRecordPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		r := newDemoRoom(t, e)
		base := r.base
		rc, oc, mc := e.signInto(r.runner, r.c), e.signInto(r.other, r.c), e.signInto("maya", r.c)
		other := mustUser(t, e.db, r.other+"@northwind.example")
		v := stateVersion(t, rc.get(base))
		rc.post(base+"/command", url.Values{"kind": {"start"}, "version": {v}, "confirm": {"yes"}}).expect(t, http.StatusSeeOther)
		v = stateVersion(t, rc.get(base))
		rc.post(base+"/command", url.Values{"kind": {"presenters"}, "version": {v}, "presenters": {other.ID}}).expect(t, http.StatusSeeOther)

		// Maya ran nothing and checked in to nothing, but is in the room:
		// she is here.
		mc.get(base).expect(t, http.StatusOK, "Maya", "here, not checked in")

		page := oc.get(base)
		page.expect(t, http.StatusOK, "What help would you like?")
		mc.post(base+"/offers", url.Values{"presenter_id": {other.ID}, "body": {"Have you thought about asking him?"}}).expect(t, http.StatusSeeOther)
		page = oc.get(base)
		page.expect(t, http.StatusOK, "Make it mine", "What will you do?", "(in your own words)")
		if regexp.MustCompile(`<textarea id="take-[^"]+" name="body"[^>]*>[^<]+</textarea>`).MatchString(page.body) {
			t.Error("the commitment's field is filled in with the offer")
		}
		offer := regexp.MustCompile(`/offers/([^/]+)/take`).FindStringSubmatch(page.body)[1]
		oc.post(base+"/offers/"+offer+"/take", url.Values{"body": {"Have you thought about asking him?"}}).expectFlash(t, "your own words")
		oc.post(base+"/offers/"+offer+"/take", url.Values{"body": {"Ask Tom over coffee on Thursday what he needs from me"}}).expect(t, http.StatusSeeOther)
		mc.get(base).expect(t, http.StatusOK, "Ask Tom over coffee on Thursday")

		// Once the presentation is over, the help form is gone.
		for !strings.Contains(rc.get(base).body, "Clarifying") && !strings.Contains(rc.get(base).body, "<h2 class=\"step-title\">Questions") {
			rc.post(base+"/command", url.Values{"kind": {"next"}, "version": {stateVersion(t, rc.get(base))}}).expect(t, http.StatusSeeOther)
		}
		if strings.Contains(oc.get(base).body, "What help would you like?") {
			t.Error("the presenter is offered the help form during questions")
		}

		race := func(what string, by *client, forms ...url.Values) {
			t.Helper()
			var wg sync.WaitGroup
			statuses := make([]int, len(forms))
			for i, f := range forms {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = by.postJSON(base+"/command", f).status
				}()
			}
			wg.Wait()
			slices.Sort(statuses)
			if !slices.Equal(statuses, []int{http.StatusOK, http.StatusConflict}) {
				t.Errorf("%s twice at once: %v, want one 200 and one 409", what, statuses)
			}
		}
		v = stateVersion(t, rc.get(base))
		maya := mustUser(t, e.db, demo.AdminEmail)
		race("handing over the timekeeping", rc,
			url.Values{"kind": {"timekeeper"}, "version": {v}, "timekeeper": {maya.ID}},
			url.Values{"kind": {"timekeeper"}, "version": {v}, "timekeeper": {other.ID}})
		page = mc.get(base)
		if !strings.Contains(page.body, "Timekeeper <strong>Maya") && !strings.Contains(page.body, "Timekeeper <strong>"+other.Name) {
			t.Errorf("the timekeeper after the handover:\n%.1500s", page.body)
		}
		// The facilitator ends; whoever keeps time now may too.
		fc := e.signInto(keyOf(r.c, r.m.FacilitatorID), r.c)
		v = stateVersion(t, fc.get(base))
		sent := len(e.outbox.Messages())
		race("ending the meeting", fc, url.Values{"kind": {"end"}, "version": {v}}, url.Values{"kind": {"end"}, "version": {v}})
		if n := len(e.outbox.Messages()) - sent; n != len(r.c.Members) {
			t.Errorf("%d emails after ending, want one per member", n)
		}
		mc.get(base).expect(t, http.StatusOK, "Thank you for meeting", "Who came")
	})
}

// keyOf is the demo sign-in key of a circle's member.
func keyOf(c *program.Circle, userID string) string {
	return strings.Split(c.Member(userID).Email, "@")[0]
}
