package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

var commitmentLinkRE = regexp.MustCompile(`href="(/circles/[^"/]+/commitments/[^"#]+)"`)

// TestHabitPages: in the demo, the reminder's RSVP link leads to a page
// that changes nothing until its form is sent; the circle's page shows who
// is coming; Maya's home shows her streak and her commitment past its
// day, whose page lets her move it, let it go or mark it done.
func TestHabitPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		r := newDemoRoom(t, e)
		maya := e.signInto("maya", r.c)
		circlePage := "/circles/" + r.c.ID
		maya.get(circlePage).expect(t, http.StatusOK, "Who's coming", "Coming</strong> (2)", "Can't make it</strong> (1)", "Will you be there?")

		rsvp := "/circles/" + r.c.ID + "/meetings/" + r.m.ID + "/rsvp"
		page := maya.get(rsvp + "?answer=not_coming")
		page.expect(t, http.StatusOK, "Confirm my answer", `value="not_coming" checked`)
		if got, err := e.db.FindRSVP(ctx, r.c.OrgID, r.m.ID, mustUser(t, e.db, "maya@northwind.example").ID); err != nil || got.Version != 0 {
			t.Fatalf("opening the link answered: %+v, %v", got, err)
		}
		sent := len(e.outbox.Messages())
		maya.post(rsvp, url.Values{"answer": {"not_coming"}, "version": {"0"}, "from": {"page"}}).expect(t, http.StatusSeeOther)
		if r.m.Start.Sub(e.db.Now()) <= circle.RSVPNoticeWindow {
			if n := len(e.outbox.Messages()) - sent; n != len(r.c.Members)-1 {
				t.Errorf("%d emails to the circle, want %d", n, len(r.c.Members)-1)
			}
		}
		maya.get(circlePage).expect(t, http.StatusOK, "Can't make it</strong> (2)", "You can't make it.")
		// The same form again is stale.
		res := maya.post(rsvp, url.Values{"answer": {"coming"}, "version": {"0"}, "from": {"page"}})
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location, "/rsvp") {
			t.Errorf("a stale answer: %d to %q", res.status, res.location)
		}

		home := maya.get("/home")
		home.expect(t, http.StatusOK, "Your streak", "Only you see this.", "was due", "How did it go?")
		m := commitmentLinkRE.FindStringSubmatch(home.body)
		if m == nil {
			t.Fatalf("no commitment link on the home page")
		}
		com := maya.get(m[1])
		com.expect(t, http.StatusOK, "How did it go?", "Mark it done", "Move it", "Let it go")
		v := versionRE.FindStringSubmatch(com.body)[1]
		day := e.db.Now().AddDate(0, 0, 5).Format(time.DateOnly)
		maya.post(m[1]+"/move", url.Values{"due": {day}, "version": {v}}).expect(t, http.StatusSeeOther)
		maya.post(m[1]+"/let-go", url.Values{"version": {v}}).expect(t, http.StatusSeeOther) // stale: flashes, changes nothing
		com = maya.get(m[1])
		com.expect(t, http.StatusOK, "Your commitment")
		v = versionRE.FindStringSubmatch(com.body)[1]
		maya.post(m[1]+"/done", url.Values{"version": {v}}).expect(t, http.StatusSeeOther)
		maya.get(m[1]).expect(t, http.StatusOK, "Open it again")

		// Someone else's commitment page is not found; the streak is on
		// nobody else's page.
		other := e.signInto(r.other, r.c)
		if res := other.get(m[1]); res.status != http.StatusNotFound {
			t.Errorf("another member opens Maya's commitment: %d", res.status)
		}
	})
}

// TestDigestStopPage: the link in the digest leads to a page that asks;
// only its form stops the digest; a made-up link leads nowhere.
func TestDigestStopPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		newDemoRoom(t, e)
		maya := mustUser(t, e.db, "maya@northwind.example")
		token := "hsd_test-token-for-the-page"
		if _, err := e.db.ClaimDigest(ctx, maya.OrgID, maya.ID, "2026-01-05", account.HashToken(token),
			queue.Mail(mail.WeeklyDigest(maya.Email, maya.Name, "", "", nil, nil, "http://x/home", "http://x/digest/stop?t="+token))); err != nil {
			t.Fatal(err)
		}
		anon := e.client()
		anon.get("/digest/stop?t="+url.QueryEscape(token)).expect(t, http.StatusOK, "Stop the weekly digest")
		if p, _ := e.db.FindReminderPrefs(ctx, maya.OrgID, maya.ID); !p.Digest {
			t.Fatal("opening the link stopped the digest")
		}
		anon.post("/digest/stop", url.Values{"t": {token}}).expect(t, http.StatusOK, "You won't get the weekly digest any more")
		if p, _ := e.db.FindReminderPrefs(ctx, maya.OrgID, maya.ID); p.Digest {
			t.Error("the digest is still on")
		}
		if res := anon.get("/digest/stop?t=hsd_made-up"); res.status != http.StatusGone {
			t.Errorf("a made-up link: %d", res.status)
		}
	})
}
