package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitFor polls a JavaScript condition in a page until it holds, and
// returns how long that took.
func waitFor(t *testing.T, ctx context.Context, cond string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not hold within %s", cond, within)
	return 0
}

// TestBrowserRoomTwoMembers runs a meeting room in two real browsers:
// the timekeeper starts the meeting and moves to the next step, and the
// other member's page follows within a second, without reloading.
func TestBrowserRoomTwoMembers(t *testing.T) {
	runnerCtx, otherCtx := browser(t), browser(t)
	env := map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "r.db")}
	port := freePort(t)
	in := startServeOn(t, port, env, "--demo")

	// Maya finds her circle's next meeting room and who keeps its time.
	signIn(t, runnerCtx, in.URL, "maya@northwind.example")
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	must(t, chromedp.Do(runnerCtx, chromedp.Navigate(in.URL+"/circles"), chromedp.Click(chromedp.CSS(".circle-card h2 a")), chromedp.WaitVisible(ack),
		submit(chromedp.Click(ack), "Welcome to your circle"),
		chromedp.Click(chromedp.CSS(`a[href$="/room"].button`)), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(runnerCtx, chromedp.Location())
	must(t, err)
	timekeeper, err := chromedp.Run(runnerCtx, chromedp.Evaluate[string](`document.querySelectorAll(".page-head p.muted strong")[1].textContent`))
	must(t, err)
	runner := strings.ToLower(strings.Fields(timekeeper)[0])
	other := "noah"
	if runner == other {
		other = "tom"
	}
	if runner != "maya" {
		signOut(t, runnerCtx)
		signIn(t, runnerCtx, in.URL, runner+"@northwind.example")
		must(t, chromedp.Do(runnerCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	}
	signIn(t, otherCtx, in.URL, other+"@northwind.example")
	must(t, chromedp.Do(otherCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	expectText(t, otherCtx, ".step-title", "Opening")
	// Only the timekeeper and the facilitator see the controls.
	if n, err := chromedp.Run(otherCtx, chromedp.Evaluate[int](`document.querySelectorAll("form[data-command]").length`)); err != nil || n != 0 {
		t.Errorf("the other member sees %d timer controls (%v)", n, err)
	}
	waitFor(t, otherCtx, `document.querySelector("[data-live-status]").textContent === "Live"`, 5*time.Second)

	press := func(kind string) {
		t.Helper()
		must(t, chromedp.Do(runnerCtx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[data-command]:has(input[value=%q]) button`, kind)))))
	}
	// The demo's meeting is days away: the timekeeper confirms starting
	// it now.
	must(t, chromedp.Do(runnerCtx, chromedp.Click(chromedp.CSS(`a[href*="confirm=start"]`)), chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS(`#confirm button[type="submit"]`))))
	waitFor(t, runnerCtx, `document.querySelector("[data-timer-card]").classList.contains("phase-running")`, 5*time.Second)
	waitFor(t, otherCtx, `document.querySelector("[data-timer-card]").classList.contains("phase-running")`, 3*time.Second)
	// The countdown runs on the other page by itself.
	before, err := chromedp.Run(otherCtx, chromedp.Evaluate[string](`document.querySelector("[data-timer]").textContent`))
	must(t, err)
	time.Sleep(1500 * time.Millisecond)
	after, err := chromedp.Run(otherCtx, chromedp.Evaluate[string](`document.querySelector("[data-timer]").textContent`))
	must(t, err)
	if before == after {
		t.Errorf("the other page's timer went from %q to %q", before, after)
	}

	waitFor(t, runnerCtx, `!!document.querySelector('form[data-command]:has(input[value="next"]) button')`, 3*time.Second)
	press("next")
	took := waitFor(t, otherCtx, `document.querySelector(".step-title").textContent.startsWith("Check-in")`, 5*time.Second)
	if took > time.Second {
		t.Errorf("the other member's page showed the next step after %s, want within a second", took)
	}
	t.Logf("the next step reached the other page in %s", took)

	// The server restarts mid-step: both pages reconnect on their own and
	// carry on where the meeting is, the timer not reset.
	leftBefore, err := chromedp.Run(otherCtx, chromedp.Evaluate[string](`document.querySelector("[data-timer]").textContent`))
	must(t, err)
	must(t, in.stop())
	waitFor(t, otherCtx, `document.querySelector("[data-live-status]").textContent !== "Live"`, 10*time.Second)
	startServeOn(t, port, env)
	for _, ctx := range []context.Context{otherCtx, runnerCtx} {
		waitFor(t, ctx, `document.querySelector("[data-live-status]").textContent === "Live"`, 20*time.Second)
		expectText(t, ctx, ".step-title", "Check-in")
	}
	leftAfter, err := chromedp.Run(otherCtx, chromedp.Evaluate[string](`document.querySelector("[data-timer]").textContent`))
	must(t, err)
	if leftAfter >= leftBefore || strings.HasPrefix(leftAfter, "2:00") {
		t.Errorf("after the restart the timer shows %s (it showed %s before): it should have kept running", leftAfter, leftBefore)
	}
}
