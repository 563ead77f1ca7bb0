package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

var cardLinkRE = regexp.MustCompile(`/cards/([0-9a-f-]{36})`)

// In the demo, without JavaScript: the Learning page, a circle's and a
// program's cards each show what was released to them; a member writes a
// card, releases it step by step from its previews, edits and withdraws
// it; the admin reads nothing below its audience.
func TestLearningCardPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		loaded, err := demo.Load(ctx, e.db)
		if err != nil {
			t.Fatal(err)
		}
		nina := mustUser(t, e.db, "nina@northwind.example")
		cs, err := e.db.FindCircles(ctx, loaded.Org.ID, store.CircleFilter{UserID: nina.ID, Status: []program.CircleStatus{program.Active}})
		if err != nil || len(cs) != 1 {
			t.Fatalf("Nina's circles: %v, %v", cs, err)
		}
		c := cs[0]
		n := e.demoSignIn("nina")
		learning := n.get("/learning")
		learning.expect(t, 200, "Learning", "Ask before advising", "Nina Petrova", "A peer sees what a manager cannot")
		for _, below := range []string{"Silence is part of the question", "Name the help you want", "Feedback as an offer"} {
			if strings.Contains(learning.body, below) {
				t.Errorf("the Learning page shows %q", below)
			}
		}
		circlePage := n.get("/circles/" + c.ID + "/cards")
		circlePage.expect(t, 200, "Name the help you want", "Commitments small enough to keep", "Silence is part of the question")
		if strings.Contains(circlePage.body, "Feedback as an offer") {
			t.Error("the circle reads Tom's draft")
		}
		n.get("/circles/"+c.ID).expect(t, 200, "/circles/"+c.ID+"/cards")

		// Maya, an admin who has not read the circle's ground rules.
		maya := e.demoSignIn("maya")
		prog := maya.get("/programs/" + c.ProgramID + "/cards")
		prog.expect(t, 200, "Silence is part of the question", "Ask before advising")
		if strings.Contains(prog.body, "Name the help you want") {
			t.Error("the admin reads a card released to its circle alone")
		}
		maya.get("/circles/"+c.ID+"/cards").expect(t, http.StatusSeeOther)

		// Nina writes a card.
		n.get("/cards").expect(t, 200, "never the case itself", "Save as a draft")
		n.post("/cards", url.Values{"circle": {c.ID}, "title": {"Too long"}, "body": {strings.Repeat("word ", 130)}}).
			expect(t, 422, "Keep a card under 600 characters")
		r := n.post("/cards", url.Values{"circle": {c.ID}, "title": {"Curiosity over certainty"}, "body": {"Asking \"what else?\" twice found the real question."}})
		m := cardLinkRE.FindStringSubmatch(r.location)
		if r.status != 303 || m == nil {
			t.Fatalf("write: %d %s", r.status, r.location)
		}
		path := "/cards/" + m[1]
		n.get(path).expect(t, 200, "Only you can read this draft", "Preview: release it to your circle", "Tom", "Release it to my circle")
		widen := func(version, to string) resp {
			return n.post(path+"/widen", url.Values{"version": {version}, "to": {to}})
		}
		widen("1", "program").expect(t, 303)
		n.get(path).expect(t, 200, "one step at a time", "Preview: release it to your circle")
		widen("1", "circle").expect(t, 303)
		n.get(path).expect(t, 200, "Released. It now reaches: Your circle", "Preview: release it to the program", "Maya")
		// The same step again, decided on the old version.
		widen("1", "circle").expect(t, 303)
		n.get(path).expect(t, 200, "changed elsewhere")
		if strings.Contains(maya.get("/programs/"+c.ProgramID+"/cards").body, "Curiosity over certainty") {
			t.Error("the admin reads the card released to the circle")
		}
		widen("2", "program").expect(t, 303)
		maya.get("/programs/"+c.ProgramID+"/cards").expect(t, 200, "Curiosity over certainty")
		n.get(path).expect(t, 200, "Preview: release it to the whole organisation", "Northwind")

		// An edit takes it back to a draft.
		n.post(path, url.Values{"version": {"3"}, "title": {"Curiosity over certainty"}, "body": {"Asking \"what else?\" found the real question."}}).expect(t, 303)
		n.get(path).expect(t, 200, "back to a draft", "Only you can read this draft")
		if strings.Contains(maya.get("/programs/"+c.ProgramID+"/cards").body, "Curiosity over certainty") {
			t.Error("the admin reads the edited card")
		}
		widen("4", "circle").expect(t, 303)
		n.post(path+"/withdraw", url.Values{"version": {"5"}}).expect(t, 303)
		n.get(path).expect(t, 200, "Withdrawn", "Only you can read this draft")
		maya.get(path).expect(t, 404)
	})
}
