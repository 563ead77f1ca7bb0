package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

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
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	))
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
	must(t, chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("#goals")), chromedp.WaitVisible(chromedp.CSS(".flash"))))
	expectText(t, ctx, "main", "You're in", "opted in")
	signOut(t, ctx)

	// The admin proposes and publishes.
	signIn(t, ctx, in.URL, demo.AdminEmail)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/programs"),
		chromedp.Click(chromedp.Search(`//a[text()="Leadership circles, spring"]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
	))
	expectText(t, ctx, "main", "Who opted in", "Ruth Abebe")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/propose"]:not(:has(input[name="rematch"])) button`)),
		chromedp.WaitVisible(chromedp.CSS(".circle-card")),
	))
	expectText(t, ctx, "main", "Round 1", "Circle 1", "shared topics")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash"))))
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
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`form[action="/circles/`+circle.ID+`/respond"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		))
		if i < len(circle.Members)-1 {
			expectText(t, ctx, ".flash", "The circle forms when everyone has answered")
		} else {
			expectText(t, ctx, ".flash", "your circle is formed")
			expectText(t, ctx, "main", "Your circle", "formed")
		}
		signOut(t, ctx)
	}
	c, err := db.FindCircleByID(context.Background(), admin.OrgID, circle.ID)
	must(t, err)
	if c.Status != program.Active {
		t.Errorf("circle status %s, want active", c.Status)
	}
	if strings.Count(in.stderr.String(), "BEGIN EMAIL") < len(circle.Members)*2 {
		t.Error("fewer emails than proposals and confirmations")
	}
}
