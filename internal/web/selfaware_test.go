package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

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
