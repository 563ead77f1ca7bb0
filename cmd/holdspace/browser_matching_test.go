package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		// Present, not visible: on a phone it is inside the folded menu.
		chromedp.WaitReady(chromedp.CSS(`form[action="/signout"]`)),
	))
}

// submit runs an action that posts a form and waits for the next page to
// show a message containing text. It marks the current page first, so that
// the old page's message never counts.
func submit(action chromedp.Action[chromedp.Void], text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool]("window.__holdspaceOld = true")(ctx, t); err != nil {
			return err
		}
		if _, err := action(ctx, t); err != nil {
			return err
		}
		// The new page must have finished loading too: a query while it
		// loads can be handed nodes that the browser then replaces.
		expr := fmt.Sprintf("!window.__holdspaceOld && document.readyState === 'complete' && (document.querySelector('.flash')?.textContent ?? '').includes(%q)", text)
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if ok, err := chromedp.Evaluate[bool](expr)(ctx, t); err == nil && ok {
				return nil
			}
		}
		flash, _ := chromedp.Evaluate[string]("(document.querySelector('.flash')?.textContent ?? '(no message)') + ' at ' + location.href")(ctx, t)
		return fmt.Errorf("no message %q within 15s; the page says %q", text, flash)
	})
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS("#email"))))
}

// TestBrowserOptInProposeAccept runs the consent path in the demo: a
// person opts in, the admin proposes and publishes, every member of a
// circle accepts, and the circle is formed.
func TestBrowserOptInProposeAccept(t *testing.T) {
	ctx := browser(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": dbURL}, "--demo")

	// Ruth has not opted in yet.
	signIn(t, ctx, in.URL, "ruth@northwind.example")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/programs"),
		chromedp.Click(chromedp.Search(`//a[text()="Leadership circles, spring"]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
		chromedp.Click(chromedp.CSS(`a.button[href$="/opt-in"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.avail")),
		chromedp.Click(chromedp.CSS(`.chip input[value="Giving feedback"] + span`)),
	))
	for _, slot := range []string{"0-540", "0-600", "0-660", "1-540", "1-600", "2-840", "2-900", "3-540", "3-600", "4-540"} {
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="slot"][value="`+slot+`"]`), chromedp.NodeReady)))
	}
	must(t, chromedp.Do(ctx, submit(chromedp.Submit(chromedp.CSS("#goals")), "You're in")))
	expectText(t, ctx, "main", "You're in", "opted in")
	signOut(t, ctx)

	// The admin proposes and publishes.
	signIn(t, ctx, in.URL, demo.AdminEmail)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/programs"),
		chromedp.Click(chromedp.Search(`//a[text()="Leadership circles, spring"]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
	))
	// The list of who opted in comes a page at a time, by name: Ruth is on
	// the second.
	expectText(t, ctx, "main", "Who opted in")
	programURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	must(t, chromedp.Do(ctx, click(`a[rel="next"][href*="after="]`), chromedp.WaitVisible(chromedp.CSS("#participants"))))
	expectText(t, ctx, "main", "Ruth Abebe")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(programURL),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
		chromedp.Click(chromedp.CSS(`form[action$="/propose"]:not(:has(input[name="rematch"])) button`)),
		chromedp.WaitVisible(chromedp.CSS(".circle-card")),
	))
	expectText(t, ctx, "main", "Round 1", "Circle 1", "shared topics")
	// Take the first person of circle 1 out of the proposal, then place
	// them back: both moves are checked against the rules and re-scored.
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(".circle-card"), "id"))
	must(t, err)
	circleOne := strings.TrimPrefix(attr.Value, "circle-")
	moved, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#circle-`+circleOne+` form.move input[name="user_id"]`), "value"))
	must(t, err)
	must(t, chromedp.Do(ctx,
		submit(chromedp.Click(chromedp.CSS(`#circle-`+circleOne+` form.remove button[name="out"]`)), "Moved"),
	))
	expectText(t, ctx, "main", "Moved", "Not placed this time", "Taken out of the proposal by an admin")
	must(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`section.card form.move:has(input[value="`+moved.Value+`"]) input[name="to_number"]`), "1"),
		submit(chromedp.Click(chromedp.CSS(`section.card form.move:has(input[value="`+moved.Value+`"]) button`)), "Moved"),
	))
	must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), "proposals sent")))
	expectText(t, ctx, "main", "proposals sent", "waiting for answers")
	signOut(t, ctx)

	// Every member of the first circle accepts, each in their own session.
	db, err := store.Open(context.Background(), dbURL)
	must(t, err)
	defer db.Close()
	admin, err := db.FindUserByEmail(context.Background(), demo.AdminEmail)
	must(t, err)
	circles, err := db.FindCircles(context.Background(), admin.OrgID, store.CircleFilter{Status: []program.CircleStatus{program.Pending}})
	must(t, err)
	if len(circles) == 0 {
		t.Fatal("no pending circles after publishing")
	}
	circle := circles[0]
	for i, m := range circle.Members {
		u, err := db.FindUserByID(context.Background(), admin.OrgID, m.UserID)
		must(t, err)
		signIn(t, ctx, in.URL, u.Email)
		must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/matches"), chromedp.WaitVisible(chromedp.CSS(".circle-card"))))
		expectText(t, ctx, "main", "A proposed circle", "When you could all meet")
		want := "The circle forms when everyone has answered"
		if i == len(circle.Members)-1 {
			want = "Everyone has said yes"
		}
		must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action="/circles/`+circle.ID+`/respond"] button[type="submit"]`)), want)))
		if i == len(circle.Members)-1 {
			expectText(t, ctx, "main", "Your circle", "formed")
		}
		signOut(t, ctx)
	}
	c, err := db.FindCircleByID(context.Background(), admin.OrgID, circle.ID)
	must(t, err)
	if c.Status != program.Active {
		t.Errorf("circle status %s, want active", c.Status)
	}

	// A member of another circle declines, with a reason.
	second := circles[1]
	decliner, err := db.FindUserByID(context.Background(), admin.OrgID, second.Members[0].UserID)
	must(t, err)
	signIn(t, ctx, in.URL, decliner.Email)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/matches"),
		chromedp.Click(chromedp.CSS(`details summary`)),
		chromedp.Click(chromedp.CSS(`input[name="reason"][value="schedule"]`)),
		submit(chromedp.Click(chromedp.CSS(`form[action="/circles/`+second.ID+`/respond"] button.danger`)), "declined"),
	))
	signOut(t, ctx)

	// The admin is not shown one reason, which would be the decliner's,
	// and re-matches the remaining.
	signIn(t, ctx, in.URL, demo.AdminEmail)
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/programs/"+second.ProgramID), chromedp.WaitVisible(chromedp.CSS(".page-head h1"))))
	if got := text(t, ctx, "main"); strings.Contains(got, "Why proposals were declined") || strings.Contains(got, "don't work for me") {
		t.Errorf("the program page shows a single decline's reason:\n%.2000s", got)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/propose"]:has(input[name="rematch"]) button`)),
		chromedp.WaitVisible(chromedp.CSS(".circle-card")),
	))
	// Everyone else still waits for answers, so the three left from the
	// declined circle cannot form a circle of four: they are listed with
	// the reason, and the formed circle stands.
	expectText(t, ctx, "main", "Round 1", "formed", "declined", "Not placed this time")
	if strings.Count(in.stderr.String(), "BEGIN EMAIL") < len(circle.Members)*2 {
		t.Error("fewer emails than proposals and confirmations")
	}
}
