package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// thrownIn collects the errors that escape the scripts of ctx's pages.
func thrownIn(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var thrown []string
	must(t, chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			defer mu.Unlock()
			d := e.ExceptionDetails
			what := d.Text
			if d.Exception != nil {
				what += " " + d.Exception.Description
			}
			thrown = append(thrown, fmt.Sprintf("%s (%s:%d)", what, d.URL, d.LineNumber+1))
		}
	}))
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(thrown)
	}
}

// emailsTo lists the subjects of the emails to address in a server's log.
func emailsTo(log, address string) []string {
	var subjects []string
	for _, block := range strings.Split(log, "----- BEGIN EMAIL")[1:] {
		head, _, _ := strings.Cut(block, "\n\n")
		if !strings.Contains(head, address) {
			continue
		}
		for _, line := range strings.Split(head, "\n") {
			if s, ok := strings.CutPrefix(line, "Subject: "); ok {
				subjects = append(subjects, s)
			}
		}
	}
	return subjects
}

// TestBrowserMeetingHandover runs a whole meeting in two browsers with
// their own sessions: the timekeeper at a desk, another member on a
// phone. The timekeeper starts the meeting days early, after confirming;
// presses "Next step" while their browser is offline, which is applied
// when it is back, on both pages; and hands the timekeeping to the member
// on the phone, who runs the timer from the bar pinned at the top of the
// screen and ends the meeting, after confirming. Those who came get the
// summary; those away, alone, what they missed.
func TestBrowserMeetingHandover(t *testing.T) {
	began := time.Now()
	deskCtx, phoneCtx := browser(t), browser(t)
	deskThrown, phoneThrown := thrownIn(t, deskCtx), thrownIn(t, phoneCtx)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")}, "--demo")

	// Maya opens the room of her circle's next meeting, which names who
	// facilitates and keeps time, and who is in the circle.
	signIn(t, deskCtx, in.URL, "maya@northwind.example")
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	must(t, chromedp.Do(deskCtx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(in.URL+"/circles"), click(".circle-card h2 a"), chromedp.WaitVisible(ack),
		submit(chromedp.Click(ack), "Welcome to your circle"),
		click(`a[href$="/room"].button`), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(deskCtx, chromedp.Location())
	must(t, err)
	roles, err := chromedp.Run(deskCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".page-head p.muted strong")].map((s) => s.textContent)`))
	must(t, err)
	names, err := chromedp.Run(deskCtx, chromedp.Evaluate[map[string]string](`JSON.parse(document.getElementById("room-snapshot").textContent).names`))
	must(t, err)
	if len(roles) != 2 || len(names) < 3 {
		t.Fatalf("the room names roles %q and members %v", roles, names)
	}
	first := func(full string) string { return strings.ToLower(strings.Fields(full)[0]) }
	idOf := map[string]string{}
	for id, n := range names {
		idOf[first(n)] = id
	}
	facilitator, timekeeper := first(roles[0]), first(roles[1])
	member := ""
	for k := range idOf {
		if k != facilitator && k != timekeeper && (member == "" || k < member) {
			member = k
		}
	}
	t.Logf("facilitator %s, timekeeper %s at a desk, member %s on a phone", facilitator, timekeeper, member)
	desk := councilPage{name: timekeeper, id: idOf[timekeeper], ctx: deskCtx}
	phone := councilPage{name: member, id: idOf[member], ctx: phoneCtx}
	if timekeeper != "maya" {
		signOut(t, deskCtx)
		signIn(t, deskCtx, in.URL, timekeeper+"@northwind.example")
	}
	must(t, chromedp.Do(deskCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	must(t, chromedp.Do(phoneCtx, chromedp.EmulateViewport(390, 844)))
	signIn(t, phoneCtx, in.URL, member+"@northwind.example")
	must(t, chromedp.Do(phoneCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-room-bar]"))))
	pages := []councilPage{desk, phone}
	live := `document.querySelector("[data-live-status]").textContent === "Live"`
	for _, p := range pages {
		waitPage(t, p, "the room going live", live, 20*time.Second)
	}
	controls := `document.querySelectorAll("[data-room-bar] form[data-command], form.handover").length`
	if n, err := chromedp.Run(phoneCtx, chromedp.Evaluate[int](controls)); err != nil || n != 0 {
		t.Errorf("the member on the phone sees %d controls for running the meeting (%v)", n, err)
	}
	both := func(n, total int, title string) {
		t.Helper()
		for _, p := range pages {
			waitPage(t, p, fmt.Sprintf("step %d of %d, %s", n, total, title), atStep(n, total, title), 15*time.Second)
		}
	}
	total := 8 // the opening, five check-ins, choosing and the closing

	// The meeting is days away: starting it asks first, naming its date.
	must(t, chromedp.Do(deskCtx, click(`.controls a[href*="confirm=start"]`), chromedp.WaitVisible(chromedp.CSS("#confirm"))))
	expectText(t, deskCtx, "#confirm", "Start the meeting of", "now?", "more than an hour away")
	postAndLoad(t, desk, "the early start confirmed", click(`#confirm button[type="submit"]`),
		`document.querySelector("[data-timer-card]").classList.contains("phase-running")`)
	waitPage(t, desk, "the room live again", live, 20*time.Second)
	both(1, total, "Opening")

	// The desk's browser goes offline and the timekeeper presses "Next
	// step": it waits, visibly, and the phone stays at the opening; back
	// online, it is sent and both pages move on.
	offline := func(off bool) {
		t.Helper()
		var rules []*network.Conditions
		if off {
			rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		_, err := chromedp.Call(deskCtx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
		must(t, err)
	}
	_, err = chromedp.Call(deskCtx, network.Enable, network.EnableParams{})
	must(t, err)
	offline(true)
	must(t, chromedp.Do(deskCtx, click(`[data-room-bar] form[data-command]:has(input[value="next"]) button`)))
	waitPage(t, desk, "the step waiting to be sent", said("“Next step” will be sent when reconnected"), 10*time.Second)
	waitPage(t, phone, "the opening still on", atStep(1, total, "Opening"), time.Second)
	offline(false)
	waitPage(t, desk, "the waiting step sent", said("“Next step” was sent"), 20*time.Second)
	both(2, total, "Check-in")

	// The timekeeper hands the timekeeping over from the room: the bar's
	// controls leave the desk for the phone, and both pages name the new
	// timekeeper.
	postInPlace(t, desk, "the timekeeping handed over", chromedp.Steps(
		chromedp.SetValue(chromedp.CSS("#handover"), phone.id),
		click(`form.handover button[type="submit"]`),
	), `!document.querySelector("[data-room-bar] form[data-command]") && !document.querySelector("form.handover")`)
	waitPage(t, phone, "the controls on the phone", `!!document.querySelector('[data-room-bar] form[data-command]:has(input[value="next"])') && !!document.querySelector("form.handover")`, 10*time.Second)
	for _, p := range pages {
		waitPage(t, p, "the new timekeeper named", fmt.Sprintf(`document.querySelectorAll(".page-head p.muted strong")[1]?.textContent === %q`, names[phone.id]), 10*time.Second)
		expectText(t, p.ctx, "[data-timer-card]", "Step 2 of 8")
	}
	expectText(t, deskCtx, ".now-card", names[phone.id]+" keeps the time")

	// On the phone the member scrolls to the bottom of the room: the bar,
	// with its controls, stays at the top of the screen, and works there.
	onScreen := `(() => {
		const bar = document.querySelector("[data-room-bar]").getBoundingClientRect();
		const button = document.querySelector('[data-room-bar] form[data-command]:has(input[value="next"]) button').getBoundingClientRect();
		return scrollY > 300 && bar.top >= -1 && bar.bottom <= innerHeight && button.top >= 0 && button.bottom <= innerHeight;
	})()`
	for n := 3; n <= 4; n++ {
		_, err := chromedp.Run(phoneCtx, chromedp.Evaluate[bool](`window.scrollTo(0, document.body.scrollHeight); true`))
		must(t, err)
		waitPage(t, phone, "the bar in view, scrolled down", onScreen, 5*time.Second)
		must(t, chromedp.Do(phoneCtx, chromedp.Click(chromedp.CSS(`[data-room-bar] form[data-command]:has(input[value="next"]) button`))))
		both(n, total, "Check-in")
	}
	// Its bar fits the phone's width.
	fitsWidth(t, phoneCtx)

	// The member ends the meeting early, after confirming, from the phone.
	must(t, chromedp.Do(phoneCtx, click(`[data-room-bar] .controls a[href*="confirm=end"]`), chromedp.WaitVisible(chromedp.CSS("#confirm"))))
	expectText(t, phoneCtx, "#confirm", "End the meeting now?", "4 steps are still to come")
	postAndLoad(t, phone, "the end confirmed", click(`#confirm button[type="submit"]`),
		`document.querySelector("[data-timer-card]").classList.contains("phase-ended")`)
	for _, p := range pages {
		waitPage(t, p, "the end of the meeting", `document.querySelector("[data-timer-card]").classList.contains("phase-ended") &&
			document.querySelector(".step-title").textContent === "Thank you for meeting"`, 15*time.Second)
		if n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll("form[data-command], #checkin, #guests").length`)); err != nil || n != 0 {
			t.Errorf("%s's page still offers %d ways to change an ended meeting (%v)", p.name, n, err)
		}
	}

	// The two who came get the summary; each of the others, what they
	// missed; nobody gets both.
	came := map[string]bool{desk.name: true, phone.name: true}
	want := func(who string) string {
		if came[who] {
			return "Your circle met: "
		}
		return "Your circle met without you: "
	}
	var log string
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		log = in.stderr.String()
		all := true
		for who := range idOf {
			all = all && slices.ContainsFunc(emailsTo(log, who+"@northwind.example"), func(s string) bool { return strings.HasPrefix(s, want(who)) })
		}
		if all {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not every member got their email after the meeting; the log:\n%s", log)
		}
	}
	for who := range idOf {
		var after []string
		for _, s := range emailsTo(log, who+"@northwind.example") {
			if strings.HasPrefix(s, "Your circle met") {
				after = append(after, s)
			}
		}
		if len(after) != 1 {
			t.Errorf("%s (came: %v) got %q after the meeting, want one %q", who, came[who], after, want(who))
		}
	}

	for _, thrown := range [][]string{deskThrown(), phoneThrown()} {
		if len(thrown) > 0 {
			t.Errorf("a page threw:\n%s", strings.Join(thrown, "\n"))
		}
	}
	t.Logf("the meeting took %s in the browsers", time.Since(began).Round(time.Second))
}
