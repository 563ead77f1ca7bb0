package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"
)

// fetchText reads a same-origin URL from inside the page, with the
// page's session, as a calendar app or a download would.
func fetchText(url string) string {
	return `(() => { const x = new XMLHttpRequest(); x.open("GET", ` + "`" + url + "`" + `, false); x.send(); return x.status + "\n" + x.responseText; })()`
}

// TestBrowserCircleAgreementSchedule walks a fresh demo circle from its
// first visit to a schedule in everyone's calendar: each member
// acknowledges the ground rules, one proposes the agreement, every other
// member consents, the last one schedules fortnightly meetings in Berlin
// time and downloads a meeting, and subscribes to their calendar feed.
func TestBrowserCircleAgreementSchedule(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db")}, "--demo")
	members := []string{"grace", "amelia", "omar", "isabel"}
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	var circlePath string
	for i, key := range members {
		signIn(t, ctx, in.URL, key+"@northwind.example")
		if i == 0 {
			must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/circles"), chromedp.Click(chromedp.CSS(".circle-card h2 a")), chromedp.WaitVisible(ack)))
			loc, err := chromedp.Run(ctx, chromedp.Location())
			must(t, err)
			circlePath = strings.TrimSuffix(strings.TrimPrefix(loc, in.URL), "/ground-rules")
		} else {
			// Inside the circle, nothing shows before the ground rules.
			must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath+"/agreement"), chromedp.WaitVisible(ack)))
		}
		expectText(t, ctx, "main", "Confidentiality", "Voluntary participation")
		must(t, chromedp.Do(ctx, submit(chromedp.Click(ack), "Welcome to your circle")))
		must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath+"/agreement"), chromedp.WaitVisible(chromedp.CSS("#propose"))))
		switch i {
		case 0:
			// One box per section of the template, each with its prompt,
			// and one to add a section of their own.
			labels, err := chromedp.Run(ctx, chromedp.Evaluate[string](
				`[...document.querySelectorAll("#propose .section-label")].map(l => l.textContent).join("|")`))
			must(t, err)
			if !strings.HasPrefix(labels, "Purpose and learning goals|") || !strings.HasSuffix(labels, "|Attendance and lateness") {
				t.Errorf("the sections of the first draft: %s", labels)
			}
			must(t, chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#text-0"), "We learn to lead through change."),
				chromedp.SendKeys(chromedp.CSS("#text-4"), "What is said here stays here."),
				chromedp.SendKeys(chromedp.CSS("#title-6"), "Phones"),
				chromedp.SendKeys(chromedp.CSS("#text-6"), "Away during the meeting."),
				chromedp.SendKeys(chromedp.CSS("#note"), "A first version from the template"),
				submit(chromedp.Click(chromedp.CSS(`#propose button[type="submit"]`)), "Proposed")))
			expectText(t, ctx, ".proposal", "1 of 4 consented", "not yet", "Added section “Phones”", "Away during the meeting.")
		case 1:
			// A word on the proposal, which the others read before they
			// consent.
			must(t, chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#comment"), "I'd rather we keep phones in our bags."),
				submit(chromedp.Click(chromedp.CSS(`.comment-form button`)), "Your comment is added")))
			expectText(t, ctx, "#comments", "I'd rather we keep phones in our bags.")
			must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/consent"] button`)), "Thank you for your consent")))
		case len(members) - 1:
			expectText(t, ctx, "#comments", "I'd rather we keep phones in our bags.")
			must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/consent"] button`)), "Everyone has consented")))
			expectText(t, ctx, "#current", "In force: version 1", "agreed by everyone")
		default:
			must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/consent"] button`)), "Thank you for your consent")))
		}
		if i < len(members)-1 {
			signOut(t, ctx)
		}
	}

	// The last member schedules: fortnightly on Tuesdays at 16:00 Berlin
	// time, for a circle from Chicago to Berlin.
	// The week of the month shows for a monthly rhythm only.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath+"/schedule"), chromedp.WaitVisible(chromedp.CSS("#freq"))))
	rhythm := func(freq string) bool {
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector("#freq"); f.value = "`+freq+
			`"; f.dispatchEvent(new Event("change")); return !document.querySelector('[data-rhythm="monthly"]').hidden; })()`))
		must(t, err)
		return shown
	}
	if rhythm("weekly") || !rhythm("monthly") || rhythm("fortnightly") {
		t.Error("the week of the month does not follow the rhythm")
	}
	must(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#freq"), "fortnightly"),
		chromedp.SetValue(chromedp.CSS("#weekday"), "2"),
		chromedp.SetValue(chromedp.CSS("#time"), "16:00"),
		chromedp.SetValue(chromedp.CSS("#timezone"), "Europe/Berlin"),
		chromedp.SetValue(chromedp.CSS("#video_url"), "https://meet.northwind.example/autumn-2"),
		submit(chromedp.Click(chromedp.CSS(`form[action$="/schedule"] button[type="submit"]`)), "Scheduled"),
	))
	expectText(t, ctx, ".page-head", "Every other Tuesday, 16:00–17:00 Europe/Berlin", "Tuesday 15:00 your time")
	expectText(t, ctx, "#meetings", "Facilitator", "Timekeeper")

	// One meeting as an .ics download.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#meetings a[download]").href`))
	must(t, err)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fetchText(href)))
	must(t, err)
	status, body, _ := strings.Cut(got, "\n")
	if status != "200" {
		t.Fatalf("download %s: %s", href, status)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the downloaded meeting does not parse: %v\n%s", err, body)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events in the download", len(events))
	}
	start := events[0].GetProperty(ics.ComponentPropertyDtStart)
	if start == nil || !strings.HasSuffix(start.Value, "T160000") || start.ICalParameters["TZID"][0] != "Europe/Berlin" {
		t.Errorf("DTSTART %+v, want 16:00 Europe/Berlin", start)
	}

	// The calendar feed: made once on the profile, read without a session.
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/profile"),
		submit(chromedp.Click(chromedp.CSS(`form[action="/profile/calendar"] button`)), "calendar feed is ready"),
	))
	// The address is in a field to copy from, with a button that copies.
	feed, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#feed-url")))
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-copy="feed-url"]`))))
	copied, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector('button[data-copy="feed-url"]').textContent === "Copied" && document.querySelector("[data-copy-status]").textContent`,
		chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil || !strings.Contains(copied, "paste it") {
		t.Errorf("the copy button: %q, %v", copied, err)
	}
	signOut(t, ctx)
	got, err = chromedp.Run(ctx, chromedp.Evaluate[string](fetchText(strings.TrimSpace(feed))))
	must(t, err)
	status, body, _ = strings.Cut(got, "\n")
	if status != "200" || !strings.Contains(body, "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU") || !strings.Contains(body, "BEGIN:VTIMEZONE") {
		t.Fatalf("feed %s: %s\n%s", feed, status, body)
	}

	// Another member moves the meetings to Thursdays; the others see who
	// did and what changed, and one puts it back with one click.
	signIn(t, ctx, in.URL, "grace@northwind.example")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+circlePath+"/schedule"),
		chromedp.WaitVisible(chromedp.CSS("#freq")),
		chromedp.SetValue(chromedp.CSS("#weekday"), "4"),
		submit(chromedp.Click(chromedp.CSS(`form[action$="/schedule"] button[type="submit"]`)), "Scheduled"),
	))
	signOut(t, ctx)
	signIn(t, ctx, in.URL, "omar@northwind.example")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath), chromedp.WaitVisible(chromedp.CSS(".schedule-change"))))
	expectText(t, ctx, ".schedule-change", "Grace", "changed the schedule", "Every other Tuesday", "Every other Thursday", "Put it back")
	must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`.schedule-change button`)), "The schedule is back as it was")))
	expectText(t, ctx, ".page-head", "Every other Tuesday")
	expectText(t, ctx, ".schedule-change", "put the schedule back")
}
