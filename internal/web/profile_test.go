package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestCalendarFeedLinks: a new feed is shown once, with the ways to add
// it from a phone: its address to copy, a webcal: link, and Google
// Calendar's and Outlook's pages that subscribe to it.
func TestCalendarFeedLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		c := e.signUp("Lumen Health", "Rosa Alvarez", "rosa@lumen.example")
		r := c.post("/profile/calendar", nil)
		r.expect(t, http.StatusCreated, "Your calendar feed", "Add to my calendar app", "Add to Google Calendar", "Add to Outlook", "Copy")
		m := regexp.MustCompile(`id="feed-url"[^>]* value="([^"]+)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no feed address to copy:\n%s", r.body)
		}
		feed := html.UnescapeString(m[1])
		if !strings.HasPrefix(feed, "http://") || !strings.Contains(feed, "/calendar/") {
			t.Fatalf("the feed's address: %q", feed)
		}
		webcal := "webcal://" + strings.TrimPrefix(feed, "http://")
		hrefs := map[string]bool{}
		for _, h := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(r.body, -1) {
			hrefs[html.UnescapeString(h[1])] = true
		}
		for _, want := range []string{
			webcal,
			"https://calendar.google.com/calendar/r?cid=" + url.QueryEscape(webcal),
			"https://outlook.live.com/calendar/0/addfromweb?url=" + url.QueryEscape(feed) + "&name=Holdspace",
		} {
			if !hrefs[want] {
				t.Errorf("no link to %s", want)
			}
		}
		if got := e.client().get(strings.TrimPrefix(feed, e.srv.URL)); got.status != http.StatusOK || !strings.Contains(got.body, "BEGIN:VCALENDAR") {
			t.Errorf("the feed: %d %.200s", got.status, got.body)
		}

		// Shown once: the profile afterwards says the feed is on, and
		// offers no address.
		again := c.get("/profile")
		again.expect(t, http.StatusOK, "Your feed is on.")
		if strings.Contains(again.body, "webcal://") || strings.Contains(again.body, `id="feed-url"`) {
			t.Error("the profile shows the feed's address again")
		}
	})
}

// TestPageJumpLinks: the profile's in-page section nav leads to
// sections that are there.
func TestPageJumpLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		c := e.signUp("Lumen Health", "Rosa Alvarez", "rosa@lumen.example")
		r := c.get("/profile")
		r.expect(t, http.StatusOK, `<nav class="jump" aria-label="On this page">`)
		nav := regexp.MustCompile(`(?s)<nav class="jump".*?</nav>`).FindString(r.body)
		links := regexp.MustCompile(`href="#([a-z-]+)"`).FindAllStringSubmatch(nav, -1)
		if len(links) < 5 {
			t.Fatalf("%d jump links on the profile:\n%s", len(links), nav)
		}
		for _, l := range links {
			if !strings.Contains(r.body, `id="`+l[1]+`"`) {
				t.Errorf("the profile's jump link #%s leads nowhere", l[1])
			}
		}
	})
}
