package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

var editLinkRE = regexp.MustCompile(`href="/journal/([^/"]+)/edit"`)

// A person writes on a prompt, finds the entry by searching, edits it and
// deletes it, all without JavaScript; nobody else reaches any of it.
func TestJournalPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		ana := e.signUp("Acme", "Ana Admin", "ana@acme.test")

		ana.get("/journal").expect(t, 200, "Your journal", "Only you can read it", "Nothing yet")
		// Choosing a prompt starts the entry with its questions.
		ana.get("/journal?prompt=trigger").expect(t, 200, `name="prompt" value="trigger"`, "What set me off?")

		ana.post("/journal", url.Values{"prompt": {"trigger"}, "body": {"  "}}).expect(t, 422, "Write something first.")
		r := ana.post("/journal", url.Values{"prompt": {"trigger"}, "body": {"What set me off?\nThe launch slipped & I sulked."}})
		if r.status != 303 || r.location != "/journal" {
			t.Fatalf("create: %d %s", r.status, r.location)
		}
		page := ana.get("/journal")
		page.expect(t, 200, "Saved to your journal.", "A trigger", "The launch slipped &amp; I sulked.")
		m := editLinkRE.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no edit link")
		}
		id := m[1]

		ana.get("/journal?q=SULKED+launch").expect(t, 200, "I sulked")
		r = ana.get("/journal?q=nowhere")
		r.expect(t, 200, "Nothing in your journal holds")
		if strings.Contains(r.body, "I sulked") {
			t.Error("a search for another word shows the entry")
		}

		// Someone else finds nothing (the access matrix tries everyone,
		// the organisation's admins included).
		ben := e.signUp("Globex", "Ben Admin", "ben@globex.test")
		ben.get("/journal/"+id+"/edit").expect(t, 404)
		ben.post("/journal/"+id, url.Values{"version": {"1"}, "prompt": {"free"}, "body": {"mine"}}).expect(t, 404)
		ben.post("/journal/"+id+"/delete", nil).expect(t, 404)
		if r := ben.get("/journal?q=sulked"); strings.Contains(r.body, "I sulked") {
			t.Error("a colleague's search finds the entry")
		}

		ana.get("/journal/"+id+"/edit").expect(t, 200, "Edit an entry", `value="1"`, "I sulked")
		r = ana.post("/journal/"+id, url.Values{"version": {"1"}, "prompt": {"emotion"}, "body": {"I felt let down."}})
		if r.status != 303 {
			t.Fatalf("edit: %d %.500s", r.status, r.body)
		}
		ana.get("/journal").expect(t, 200, "An emotional response", "I felt let down.", "edited")
		// An edit made on the version before is not saved over this one.
		r = ana.post("/journal/"+id, url.Values{"version": {"1"}, "prompt": {"free"}, "body": {"stale"}})
		if r.status != 303 || r.location != "/journal/"+id+"/edit" {
			t.Errorf("a stale edit: %d %s", r.status, r.location)
		}
		ana.get("/journal/"+id+"/edit").expect(t, 200, "changed elsewhere", "I felt let down.")

		if r := ana.post("/journal/"+id+"/delete", nil); r.status != 303 {
			t.Fatalf("delete: %d", r.status)
		}
		ana.get("/journal").expect(t, 200, "Entry deleted.", "Nothing yet")
	})
}
