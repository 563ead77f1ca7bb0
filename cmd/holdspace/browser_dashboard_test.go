package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
)

// TestBrowserPulseToDashboard runs the pulse's privacy from a member's
// journal to the admin's dashboard, in the demo: Maya writes in her
// journal; three members of the autumn circle answer a new pulse round,
// and the circle sees it only at the third answer; once the round has
// closed the admin's dashboard pools it only when five people across two
// circles answered, and neither the dashboard nor its CSV carries any of
// the private text planted or written in the demo.
func TestBrowserPulseToDashboard(t *testing.T) {
	ctx := browser(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": dbURL}, "--demo")
	bg := context.Background()
	db, err := store.Open(bg, dbURL)
	must(t, err)
	defer db.Close()
	maya, err := db.FindUserByEmail(bg, demo.AdminEmail)
	must(t, err)
	org := maya.OrgID
	progs, err := db.FindPrograms(bg, org)
	must(t, err)
	var autumn string
	for _, p := range progs {
		if strings.Contains(p.Name, "autumn") {
			autumn = p.ID
		}
	}
	circles, err := db.FindCircles(bg, org, store.CircleFilter{ProgramID: autumn, Status: []program.CircleStatus{program.Active}})
	must(t, err)
	// The lived-in circle is Nina's; the quiet one, Grace's (the third
	// autumn circle, which few still come to, has no pulse yet).
	nina, err := db.FindUserByEmail(bg, "nina@northwind.example")
	must(t, err)
	grace, err := db.FindUserByEmail(bg, "grace@northwind.example")
	must(t, err)
	var lived, quiet *program.Circle
	for i := range circles {
		switch {
		case circles[i].Member(nina.ID) != nil:
			lived = &circles[i]
		case circles[i].Member(grace.ID) != nil:
			quiet = &circles[i]
		}
	}
	if lived == nil || quiet == nil {
		t.Fatalf("autumn circles: %d, none with Nina or Grace", len(circles))
	}
	records, err := db.FindMeetingRecords(bg, org, []string{lived.ID}, db.Now())
	must(t, err)
	held := records[lived.ID].Held
	// A new round opens in the lived-in circle; its earlier rounds close.
	rounds, err := db.FindPulseRounds(bg, org, lived.ID)
	must(t, err)
	next := len(rounds) + 1
	must(t, db.CreatePulseRound(bg, org, lived.ID, next, held))

	// Maya writes in her journal.
	const journalText = "PLANTED-BROWSER-JOURNAL-3d7e: I felt my chest tighten when the budget came up."
	signIn(t, ctx, in.URL, demo.AdminEmail)
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/journal"),
		chromedp.SendKeys(chromedp.CSS("#body"), journalText),
		submit(chromedp.Click(chromedp.CSS(`form[action="/journal"] button[type="submit"]`)), "Saved to your journal")))
	expectText(t, ctx, "main", "PLANTED-BROWSER-JOURNAL-3d7e")

	// Three members answer; the circle sees the round at the third.
	pulsePath := "/circles/" + lived.ID + "/pulse"
	for i, who := range []string{"nina", "tom", "noah"} {
		signOut(t, ctx)
		signIn(t, ctx, in.URL, who+"@northwind.example")
		must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+pulsePath), chromedp.WaitVisible(chromedp.CSS(`form[action$="/pulse"] button[type="submit"]`))))
		expectText(t, ctx, "main", fmt.Sprintf("Round %d", next))
		if i > 0 {
			expectText(t, ctx, "main", fmt.Sprintf("%d answered round %d so far", i, next))
		}
		var clicks []chromedp.Action[chromedp.Void]
		for item := range pulse.Items {
			score := 6
			if pulse.Items[item].Reverse {
				score = 2
			}
			clicks = append(clicks, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="item%d"][value="%d"]`, item+1, score))))
		}
		must(t, chromedp.Do(ctx, clicks...))
		must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/pulse"] button[type="submit"]`)), "counted without your name")))
		page := text(t, ctx, "main")
		shown := strings.Contains(page, fmt.Sprintf("Round %d: 6.0 of 7", next))
		if shown != (i == 2) {
			t.Errorf("after %d answers the circle sees the round: %v; the page reads:\n%.1500s", i+1, shown, page)
		}
	}

	// The round closes when the next opens. Alone, one circle is never
	// shown; four across two circles are not either; five are.
	must(t, db.CreatePulseRound(bg, org, lived.ID, next+1, held))
	signOut(t, ctx)
	signIn(t, ctx, in.URL, demo.AdminEmail)
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/programs/"+autumn),
		chromedp.Click(chromedp.CSS(`a[href="/dashboard?program=`+autumn+`"]`)), chromedp.WaitVisible(chromedp.CSS("#pulse"))))
	expectText(t, ctx, "#pulse", "Not shown")
	byKey := map[string]string{}
	for _, k := range []string{"grace", "amelia", "omar"} {
		u, err := db.FindUserByEmail(bg, k+"@northwind.example")
		must(t, err)
		byKey[k] = u.ID
	}
	answer := pulse.Answer{2, 6, 2, 6, 2, 6, 6}
	must(t, db.CreatePulseRound(bg, org, quiet.ID, 1, 0))
	must(t, db.AnswerPulse(bg, org, quiet.ID, 1, byKey["grace"], answer))
	must(t, db.CreatePulseRound(bg, org, quiet.ID, 2, 0))
	must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#pulse"))))
	expectText(t, ctx, "#pulse", "Not shown")
	must(t, db.AnswerPulse(bg, org, quiet.ID, 2, byKey["amelia"], answer))
	must(t, db.AnswerPulse(bg, org, quiet.ID, 2, byKey["omar"], answer))
	must(t, db.CreatePulseRound(bg, org, quiet.ID, 3, 0))
	must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#pulse"))))
	expectText(t, ctx, "#pulse", "6.0 of 7", "from 5 people")
	expectText(t, ctx, "main", "Opt-in rate", "Attendance", "Table of Retention", "Fit check", "have a fit concern")

	// Nothing private, on the dashboard's pages or in its file.
	pages := []string{}
	for _, path := range []string{"/dashboard", "/dashboard?program=" + autumn, "/dashboard?period=12m", "/dashboard?program=" + autumn + "&period=3m"} {
		must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+path), chromedp.WaitVisible(chromedp.CSS("#pulse"))))
		html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		must(t, err)
		pages = append(pages, html)
	}
	client := signedInClient(t, in.URL, demo.AdminEmail)
	// The whole organisation pools the summer program's circles too; the
	// autumn program, the five answers above.
	for path, pulseRow := range map[string]string{
		"/dashboard.csv": "pulse_mean,latest closed rounds,",
		"/dashboard.csv?program=" + autumn + "&period=12m": "pulse_mean,latest closed rounds,6.0,score,5 respondents",
	} {
		res, err := client.Get(in.URL + path)
		must(t, err)
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		must(t, err)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), pulseRow) {
			t.Errorf("%s: %d %s\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		pages = append(pages, string(b))
	}
	private := []string{"PLANTED-BROWSER-JOURNAL-3d7e", "chest tighten", lived.ID, quiet.ID,
		// The demo's circle: its agreement, offers, notes, commitments,
		// posts, closing answers and agreement comments.
		"We start on time", "What would it look like if you asked them", "Hand the weekly planning meeting",
		"situational leadership", "Good energy today", "Tuesday all-hands", fmt.Sprintf("Round %d", next)}
	for i, page := range pages {
		for _, p := range private {
			if strings.Contains(page, p) {
				t.Errorf("dashboard page %d carries %q", i, p)
			}
		}
	}
}

// signedInClient is an HTTP client signed in as email with the demo's
// password, for what a browser would download rather than show.
func signedInClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	must(t, err)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {demo.Password}})
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 200 || res.Request.URL.Path != "/home" {
		t.Fatalf("sign in as %s: %d at %s", email, res.StatusCode, res.Request.URL)
	}
	return c
}
