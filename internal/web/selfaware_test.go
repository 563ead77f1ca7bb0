package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

var assessmentEditRE = regexp.MustCompile(`href="/journal/assessments/([^/"]+)/edit"`)

// A person takes a self-assessment without JavaScript, sees it charted
// with its table, edits it, and meets a stale edit; nobody else reaches
// it.
func TestAssessmentPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		ana := e.signUp("Acme", "Ana Admin", "ana@acme.test")

		ana.get("/journal").expect(t, 200, "Self-assessment", "Take your first", "Your helping pattern")
		ana.get("/journal/assessments").expect(t, 200, "Take your first self-assessment")
		ana.get("/journal/assessments/new").expect(t, 200, "A new self-assessment", "Asking open questions", `name="score-listening"`)

		ana.post("/journal/assessments", url.Values{}).expect(t, 422, "Pick at least one")
		ana.post("/journal/assessments", url.Values{"pick-listening": {"strength"}}).expect(t, 422, "Rate listening from 1 to 5.")
		// A rating left on a capability set back to "Not now" leaves it out.
		ana.post("/journal/assessments", url.Values{"pick-listening": {""}, "score-listening": {"3"}}).expect(t, 422, "Pick at least one")
		r := ana.post("/journal/assessments", url.Values{"pick-listening": {"strength"}, "score-listening": {"4"},
			"pick-self_regulation": {"growth"}, "score-self_regulation": {"2"}, "note": {"Breathing & counting helps."}})
		if r.status != 303 || r.location != "/journal/assessments" {
			t.Fatalf("create: %d %s %.300s", r.status, r.location, r.body)
		}
		page := ana.get("/journal/assessments")
		page.expect(t, 200, "Saved. Only you can see it.", "<svg", "Self-regulation under pressure", "Your ratings, from 1 to 5",
			"4 <span class=\"muted small\">strength", "Breathing &amp; counting helps.")
		m := assessmentEditRE.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no edit link")
		}
		id := m[1]
		// The next one starts from this one's picks.
		ana.get("/journal/assessments/new").expect(t, 200, `name="score-listening" value="4" checked`)
		ana.get("/journal").expect(t, 200, "The next is suggested three months after it.")

		ben := e.signUp("Globex", "Ben Admin", "ben@globex.test")
		ben.get("/journal/assessments/"+id+"/edit").expect(t, 404)
		ben.post("/journal/assessments/"+id+"/edit", url.Values{"version": {"1"}, "pick-listening": {"growth"}, "score-listening": {"1"}}).expect(t, 404)
		ben.post("/journal/assessments/"+id+"/delete", nil).expect(t, 404)
		if r := ben.get("/journal/assessments"); strings.Contains(r.body, "Breathing") {
			t.Error("someone else sees the assessment")
		}

		ana.get("/journal/assessments/"+id+"/edit").expect(t, 200, `name="version" value="1"`)
		r = ana.post("/journal/assessments/"+id+"/edit", url.Values{"version": {"1"}, "pick-listening": {"strength"}, "score-listening": {"5"}})
		if r.status != 303 {
			t.Fatalf("edit: %d %.500s", r.status, r.body)
		}
		r = ana.post("/journal/assessments/"+id+"/edit", url.Values{"version": {"1"}, "pick-listening": {"growth"}, "score-listening": {"1"}})
		if r.status != 303 || r.location != "/journal/assessments/"+id+"/edit" {
			t.Errorf("a stale edit: %d %s", r.status, r.location)
		}
		ana.get("/journal/assessments/"+id+"/edit").expect(t, 200, "changed elsewhere", `name="score-listening" value="5" checked`)

		ana.get("/journal/helping").expect(t, 200, "Your helping pattern", "No helping notes yet")

		if r := ana.post("/journal/assessments/"+id+"/delete", nil); r.status != 303 {
			t.Fatalf("delete: %d", r.status)
		}
		ana.get("/journal/assessments").expect(t, 200, "Self-assessment deleted.", "Take your first")
	})
}

// After a meeting, a member notes in the room, without JavaScript, the
// role they took as a helper and, on their own turn, which help helped;
// their journal then shows their pattern, and nobody else's page shows
// their notes.
func TestHelpingNotesInTheRoom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		r := newDemoRoom(t, e)
		meetings, err := e.db.FindMeetings(ctx, r.c.OrgID, r.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The last meeting held: Maya and Nina presented.
		var base string
		for _, m := range meetings {
			if m.End.Before(e.db.Now()) {
				base = "/circles/" + r.c.ID + "/meetings/" + m.ID + "/room"
			}
		}
		maya, nina := mustUser(t, e.db, demo.AdminEmail), mustUser(t, e.db, "nina@northwind.example")
		mc := e.signInto("maya", r.c)
		page := mc.get(base)
		page.expect(t, 200, "For yourself: which help helped?", "For yourself: which role did you take?",
			`action="`+base+`/helping?for=`+nina.ID+`"`, `name="took" value="process"`, `name="helped" value="doctor"`)

		mc.post(base+"/helping", url.Values{"presenter_id": {nina.ID}, "took": {"wizard"}}).expect(t, 303)
		mc.get(base).expect(t, 200, "Choose the role you took")
		if r := mc.post(base+"/helping", url.Values{"presenter_id": {nina.ID}, "took": {"process"}}); r.status != 303 || r.location != base {
			t.Fatalf("noting the role: %d %s", r.status, r.location)
		}
		if r := mc.postJSON(base+"/helping", url.Values{"presenter_id": {maya.ID}, "helped": {"process", "doctor"}}); r.status != 200 {
			t.Fatalf("noting what helped, in place: %d %s", r.status, r.body)
		}
		mc.get(base).expect(t, 200, "you noted Process consultant", `name="helped" value="doctor" checked`)
		mc.get("/journal").expect(t, 200, "You mostly offer process help; as a presenter, more than one kind of help has been useful to you.")
		mc.get("/journal/helping").expect(t, 200, "Process consultant 1×", "Doctor 1×")

		// Nina sees the same forms, unticked: Maya's notes are hers.
		nc := e.signInto("nina", r.c)
		if page := nc.get(base); strings.Contains(page.body, "you noted") || strings.Contains(page.body, "checked><span>Doctor") {
			t.Error("another member's room shows Maya's notes")
		}
		if page := nc.get("/journal/helping"); !strings.Contains(page.body, "No helping notes yet") {
			t.Error("another member's pattern shows Maya's notes")
		}
		e.demoSignIn("priya").post(base+"/helping", url.Values{"presenter_id": {nina.ID}, "took": {"expert"}}).expect(t, 404)
	})
}
