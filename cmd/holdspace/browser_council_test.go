package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/account"
)

// councilPage is one member's browser in the meeting room.
type councilPage struct {
	name string // the member's first name, for messages
	id   string // the member's user id
	ctx  context.Context
}

// waitPage polls a JavaScript condition in p's page until it holds, and
// on failure says what the room showed.
func waitPage(t *testing.T, p councilPage, what, cond string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	shown, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](
		`(document.querySelector("[data-timer-card]")?.innerText ?? document.body.innerText).slice(0, 600) + " | status: " + (document.querySelector("[data-live-status]")?.textContent ?? "none")`))
	t.Fatalf("%s's page: %s did not happen within %s; it shows:\n%s", p.name, what, within, shown)
}

// atStep is a condition on a room page: the timer card shows step n of
// total with title, running.
func atStep(n, total int, title string) string {
	return fmt.Sprintf(`(() => {
		const card = document.querySelector("[data-timer-card]");
		return !!card && card.classList.contains("phase-running") &&
			card.querySelector(".eyebrow").textContent.trim() === %q &&
			card.querySelector(".step-title").textContent.trim() === %q;
	})()`, fmt.Sprintf("Step %d of %d", n, total), title)
}

// postInPlace runs action, which posts a form, and waits until cond holds
// in the page, updated in place: the page is never loaded again.
func postInPlace(t *testing.T, p councilPage, what string, action chromedp.Action[chromedp.Void], cond string) {
	t.Helper()
	must(t, chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("window.__holdspaceSame = true")(ctx, tg)
		return err
	}), action))
	waitPage(t, p, what, `window.__holdspaceSame === true && (`+cond+`)`, 20*time.Second)
}

// postAndLoad runs action, which posts a plain form that loads a new
// page, and waits until cond holds in the page loaded after it.
func postAndLoad(t *testing.T, p councilPage, what string, action chromedp.Action[chromedp.Void], cond string) {
	t.Helper()
	must(t, chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("window.__holdspaceOld = true")(ctx, tg)
		return err
	}), action))
	waitPage(t, p, what, `!window.__holdspaceOld && document.readyState === "complete" && (`+cond+`)`, 20*time.Second)
}

// said is a condition on a room page: its bar says text.
func said(text string) string {
	return fmt.Sprintf(`(document.querySelector("[data-room-message]")?.textContent ?? "").includes(%q)`, text)
}

// timerSeconds reads a page's countdown in seconds; overtime is negative.
func timerSeconds(t *testing.T, p councilPage) float64 {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("[data-timer]").textContent`))
	must(t, err)
	sign := 1.0
	if rest, ok := strings.CutPrefix(s, "−"); ok {
		sign, s = -1, rest
	}
	m, sec, ok := strings.Cut(s, ":")
	mi, err1 := strconv.Atoi(m)
	si, err2 := strconv.Atoi(sec)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("%s's timer reads %q", p.name, s)
	}
	return sign * float64(mi*60+si)
}

// TestBrowserRoomCouncil runs a whole council meeting in two real
// browsers, as two members of the demo's autumn circle would: the
// timekeeper runs the steps and the other is an ordinary member. Both
// check in and table an item, both present, each gives the other counsel
// that the presenter makes their own commitment, and the server restarts
// in the middle of the first counsel without either page losing the
// meeting or its timer. The commitments then wait in the check-in of the
// circle's next meeting.
func TestBrowserRoomCouncil(t *testing.T) {
	began := time.Now()
	driverCtx, memberCtx := browser(t), browser(t)
	env := map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "council.db")}
	port := freePort(t)
	in := startServeOn(t, port, env, "--demo")

	// Maya, new to the circle, reads the ground rules and opens the room
	// of its next meeting, which names who facilitates and keeps time.
	signIn(t, driverCtx, in.URL, "maya@northwind.example")
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	must(t, chromedp.Do(driverCtx, chromedp.Navigate(in.URL+"/circles"), click(".circle-card h2 a"), chromedp.WaitVisible(ack),
		submit(chromedp.Click(ack), "Welcome to your circle"),
		click(`a[href$="/room"].button`), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(driverCtx, chromedp.Location())
	must(t, err)
	roles, err := chromedp.Run(driverCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".page-head p.muted strong")].map((s) => s.textContent)`))
	must(t, err)
	names, err := chromedp.Run(driverCtx, chromedp.Evaluate[map[string]string](`JSON.parse(document.getElementById("room-snapshot").textContent).names`))
	must(t, err)
	if len(roles) != 2 || len(names) != 5 {
		t.Fatalf("the room names roles %q and members %v", roles, names)
	}
	first := func(full string) string { return strings.ToLower(strings.Fields(full)[0]) }
	idOf := func(key string) string {
		for id, n := range names {
			if first(n) == key {
				return id
			}
		}
		t.Fatalf("%s is not in the circle: %v", key, names)
		return ""
	}
	facilitator, timekeeper := first(roles[0]), first(roles[1])
	member := ""
	for _, k := range []string{"noah", "tom", "nina", "fatima", "maya"} {
		if k != facilitator && k != timekeeper {
			member = k
			break
		}
	}
	driver := councilPage{name: timekeeper, id: idOf(timekeeper), ctx: driverCtx}
	other := councilPage{name: member, id: idOf(member), ctx: memberCtx}
	t.Logf("facilitator %s, timekeeper %s (runs the meeting), member %s", facilitator, timekeeper, member)
	if driver.name != "maya" {
		signOut(t, driverCtx)
		signIn(t, driverCtx, in.URL, driver.name+"@northwind.example")
		must(t, chromedp.Do(driverCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	}
	signIn(t, memberCtx, in.URL, other.name+"@northwind.example")
	must(t, chromedp.Do(memberCtx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	pages := []councilPage{driver, other}
	live := `document.querySelector("[data-live-status]").textContent === "Live"`
	for _, p := range pages {
		waitPage(t, p, "the room going live", live, 20*time.Second)
		waitPage(t, p, "the room before the start", `document.querySelector("[data-timer-card] .eyebrow").textContent.includes("not started")`, 5*time.Second)
	}
	if n, err := chromedp.Run(memberCtx, chromedp.Evaluate[int](`document.querySelectorAll("form[data-command], .presenters-form").length`)); err != nil || n != 0 {
		t.Errorf("the ordinary member sees %d controls for running the meeting (%v)", n, err)
	}

	// Each command the timekeeper presses must show on both pages before
	// the next, as it would for someone watching the room.
	press := func(kind string) {
		t.Helper()
		must(t, chromedp.Do(driverCtx, click(fmt.Sprintf(`form[data-command]:has(input[value=%q]) button`, kind))))
	}
	both := func(n, total int, title string) {
		t.Helper()
		for _, p := range pages {
			waitPage(t, p, fmt.Sprintf("step %d of %d, %s", n, total, title), atStep(n, total, title), 15*time.Second)
		}
	}
	// The member wants a soft sound when a step's time is up; the choice
	// is theirs, kept in their browser, and holds while the room changes.
	sound := `document.querySelector("[data-sound]").checked + " " + localStorage.getItem("holdspace-sound")`
	must(t, chromedp.Do(memberCtx, click("[data-sound]")))
	total := 8 // the opening, five check-ins, choosing and the closing
	// The demo's meeting is days away: the timekeeper is asked before
	// starting it now, which moves it to now.
	postAndLoad(t, driver, "the early start confirmed", chromedp.Steps(
		click(`a[href*="confirm=start"]`),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
		click(`#confirm button[type="submit"]`),
	), `document.querySelector("[data-timer-card]").classList.contains("phase-running")`)
	waitPage(t, driver, "the room live again", live, 20*time.Second)
	both(1, total, "Opening")
	if got, err := chromedp.Run(memberCtx, chromedp.Evaluate[string](sound)); err != nil || got != "true on" {
		t.Errorf("after the start the sound box and preference are %q, want them on (%v)", got, err)
	}
	must(t, chromedp.Do(memberCtx, click("[data-sound]")))
	if got, err := chromedp.Run(memberCtx, chromedp.Evaluate[string](sound)); err != nil || got != "false off" {
		t.Errorf("turning the sound off after the start left the box and preference %q (%v)", got, err)
	}
	for _, p := range pages {
		expectText(t, p.ctx, ".agreement-panel summary", "what we want from today")
	}

	// The check-in round: the two with a browser check in on their turn,
	// the timekeeper moves on past the three who are not here. The member
	// chooses how they arrive while the opening still runs, and the
	// choice stays while the meeting moves on around it.
	mood := map[string]string{driver.id: "energised", other.id: "good"}
	chooseMood := func(p councilPage) chromedp.Action[chromedp.Void] {
		return click(fmt.Sprintf(`#checkin label.chip:has(input[value=%q]) span`, mood[p.id]))
	}
	must(t, chromedp.Do(memberCtx, chooseMood(other)))
	// What each brings, the counsel the other offers on it, and the
	// commitment the presenter makes of it in their own words.
	tabled := map[string]string{
		driver.id: "How to give a new lead room without leaving them alone",
		other.id:  "A reorganisation my team has not heard about yet",
	}
	offers := map[string]string{
		driver.id: "Have you thought about asking your new lead what support they want, before offering any?",
		other.id:  "Try saying the hard news first and the plan second, then ask what they heard.",
	}
	commitments := map[string]string{
		driver.id: "Ask my new lead on Monday what support they want from me, and then just listen.",
		other.id:  "Tell my team about the reorganisation myself this week: the hard news first, then the plan, then ask what they heard.",
	}
	for n := 2; n <= 6; n++ {
		press("next")
		both(n, total, "Check-in")
		for _, p := range pages {
			speaker, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("[data-timer-card] .speaker")?.textContent ?? ""`))
			must(t, err)
			if speaker != "Your turn" {
				continue
			}
			steps := chromedp.Steps(
				chromedp.SendKeys(chromedp.CSS("#wins"), "Shipped the plan on time"),
				chromedp.SendKeys(chromedp.CSS("#tabled"), tabled[p.id]),
				click(`#checkin button[type="submit"]`))
			if p.id == driver.id {
				steps = chromedp.Steps(chooseMood(p), steps)
			}
			postInPlace(t, p, "the check-in saved", steps, said("checked in")+` && document.querySelector("#checkin .note")?.textContent.includes("checked in")`)
			expectText(t, p.ctx, "#checkin", "You’re checked in ("+mood[p.id]+")")
		}
	}
	// Both check-ins reach both pages, with what each brings.
	for _, p := range pages {
		waitPage(t, p, "both check-ins", `document.querySelector("#present h2").textContent.includes("(2 of 5)")`, 10*time.Second)
		expectText(t, p.ctx, "#present", names[driver.id]+" · "+mood[driver.id], "Brings: "+tabled[driver.id],
			names[other.id]+" · "+mood[other.id], "Brings: "+tabled[other.id])
	}

	// Choosing: the timekeeper ticks both of them during the last
	// check-in, in the order the form suggests (who presented least
	// recently first), moves on, and sets them.
	order, err := chromedp.Run(driverCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.presenters-form input[name="presenters"]')].map((i) => i.value)`))
	must(t, err)
	order = slices.DeleteFunc(order, func(id string) bool { return id != driver.id && id != other.id })
	if len(order) != 2 {
		t.Fatalf("the presenters form offers %v", order)
	}
	ticked := fmt.Sprintf(`document.querySelector('.presenters-form input[value=%q]').checked && document.querySelector('.presenters-form input[value=%q]').checked`, driver.id, other.id)
	must(t, chromedp.Do(driverCtx, click(fmt.Sprintf(`.presenters-form input[value=%q]`, order[0])), click(fmt.Sprintf(`.presenters-form input[value=%q]`, order[1]))))
	press("next")
	both(7, total, "Choosing presenters")
	if ok, err := chromedp.Run(driverCtx, chromedp.Evaluate[bool](ticked)); err != nil || !ok {
		t.Fatalf("moving on to choosing undid the presenters the timekeeper ticked (%v)", err)
	}
	total = 14
	postInPlace(t, driver, "the presenters set", click(`.presenters-form button[type="submit"]`), atStep(7, total, "Choosing presenters")+" && "+ticked)
	both(7, total, "Choosing presenters")
	byID := map[string]councilPage{driver.id: driver, other.id: other}
	// The help each asks for, and how the counsel step then prompts.
	helps := []string{"expert", "doctor"}
	prompts := map[string]string{"expert": "Ideas and knowledge were asked for", "doctor": "Help diagnosing was asked for"}

	step := 7
	for i, pid := range order {
		presenter := byID[pid]
		helper := byID[order[1-i]]
		offersCard := "#offers-" + pid

		// Presenting: the presenter first says which help they want.
		step++
		press("next")
		both(step, total, "Presenting")
		expectText(t, presenter.ctx, "[data-timer-card] .speaker", "Your turn")
		expectText(t, helper.ctx, "[data-timer-card] .speaker", account.Possessive(names[pid])+" turn")
		postInPlace(t, presenter, "the help asked for", chromedp.Steps(
			chromedp.SetValue(chromedp.CSS("#help-"+pid), helps[i]),
			click(offersCard+` form button[type="submit"]`),
		), fmt.Sprintf(`document.querySelector("#help-%s").value === %q`, pid, helps[i]))
		waitPage(t, helper, "the help asked for", fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").includes(%q)`,
			offersCard, "asked for "+helps[i]+" help"), 10*time.Second)

		step++
		press("next")
		both(step, total, "Questions")
		expectText(t, presenter.ctx, "[data-timer-card] .speaker", "About your situation")
		expectText(t, helper.ctx, "[data-timer-card] .speaker", "With "+names[pid])

		// Counsel: the helper offers; only the presenter can take it.
		step++
		press("next")
		both(step, total, "Counsel")
		for _, p := range pages {
			expectText(t, p.ctx, ".step-prompt", prompts[helps[i]])
		}
		offer, mine := offers[pid], commitments[pid]
		if n, err := chromedp.Run(presenter.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#offer-`+pid+`").length`)); err != nil || n != 0 {
			t.Errorf("%s can offer counsel to themselves (%d inputs, %v)", presenter.name, n, err)
		}
		postInPlace(t, helper, "the offer made", chromedp.Steps(
			chromedp.SendKeys(chromedp.CSS("#offer-"+pid), offer),
			click(offersCard+` form.inline-form button[type="submit"]`),
		), said("Offered")+fmt.Sprintf(` && document.querySelector(%q).textContent.includes(%q) && document.querySelector("#offer-%s").value === ""`, offersCard, offer, pid))
		waitPage(t, presenter, "the offer arriving", fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").includes(%q)`, offersCard, offer), 10*time.Second)
		waitPage(t, presenter, "the offer to take", fmt.Sprintf(`!!document.querySelector(%q)`, offersCard+" details.take"), 5*time.Second)
		if n, err := chromedp.Run(helper.ctx, chromedp.Evaluate[int](`document.querySelectorAll('details.take, form[action$="/take"]').length`)); err != nil || n != 0 {
			t.Errorf("%s sees %d controls to take %s's offers (%v)", helper.name, n, presenter.name, err)
		}

		// The server restarts in the middle of the first counsel. Both
		// pages say they are reconnecting, then carry on by themselves
		// at the same step.
		var before float64
		var stopped time.Time
		if i == 0 {
			before, stopped = timerSeconds(t, helper), time.Now()
			must(t, in.stop())
			for _, p := range pages {
				waitPage(t, p, "the page noticing the server gone", `document.querySelector("[data-live-status]").textContent !== "Live"`, 15*time.Second)
			}
			in = startServeOn(t, port, env)
			for _, p := range pages {
				waitPage(t, p, "the page reconnecting by itself", live, 30*time.Second)
			}
			t.Logf("the server was away for %s", time.Since(stopped).Round(time.Millisecond))
			for _, p := range pages {
				waitPage(t, p, "the same step after the restart", atStep(step, total, "Counsel"), 5*time.Second)
				expectText(t, p.ctx, offersCard, offer)
			}
		}
		// The presenter makes the offer theirs, in their own words; the
		// other page follows live.
		takeOffer(t, presenter, offersCard, mine)
		waitPage(t, helper, "the offer taken", fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").includes("taken as a commitment") &&
			document.querySelector("#commitments").textContent.includes(%q)`, offersCard, mine), 10*time.Second)
		if i == 0 {
			// Both timers now show the server's, which ran on through
			// the restart: neither reset nor stopped.
			for _, p := range pages {
				want := before - time.Since(stopped).Seconds()
				if got := timerSeconds(t, p); math.Abs(got-want) > 3 {
					t.Errorf("%s's timer shows %.0fs after the restart; running on from %.0fs it should show about %.0fs", p.name, got, before, want)
				}
			}
		}
	}

	// The closing, with the working agreement again, and the end.
	step++
	press("next")
	both(step, total, "Closing")
	for _, p := range pages {
		waitPage(t, p, "the working agreement open again", `!!document.querySelector("details.agreement-panel[open]")`, 5*time.Second)
		expectText(t, p.ctx, "#commitments", commitments[driver.id], commitments[other.id])
	}
	// Each answers the agreement's question — did we get what we wanted
	// today? — and sees the other's answer come in.
	answers := map[string]string{driver.id: "yes", other.id: "partly"}
	for _, p := range pages {
		postInPlace(t, p, "the closing answer", chromedp.Steps(
			click(fmt.Sprintf(`#closing label.chip:has(input[value=%q]) span`, answers[p.id])),
			click(`#closing button[type="submit"]`),
		), said("Thank you for answering")+` && document.querySelector("#closing button[type=submit]").textContent.includes("Update my answer")`)
	}
	for _, p := range pages {
		waitPage(t, p, "both closing answers", `[...document.querySelectorAll("#closing .answers li")].map((li) => li.textContent).join("|").includes("Yes") &&
			document.querySelector("#closing .answers").textContent.includes("Partly")`, 10*time.Second)
	}
	// The last step's control ends the meeting, after asking.
	if n, err := chromedp.Run(driverCtx, chromedp.Evaluate[int](`document.querySelectorAll('form[data-command]:has(input[value="next"])').length`)); err != nil || n != 0 {
		t.Errorf("the closing offers %d silent next steps (%v)", n, err)
	}
	postAndLoad(t, driver, "the end confirmed", chromedp.Steps(
		click(`.controls a[href*="confirm=end"]`),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
		click(`#confirm button[type="submit"]`),
	), `document.querySelector("[data-timer-card]").classList.contains("phase-ended")`)
	for _, p := range pages {
		waitPage(t, p, "the end of the meeting", `document.querySelector("[data-timer-card]").classList.contains("phase-ended") &&
			document.querySelector(".step-title").textContent === "Thank you for meeting" && !!document.querySelector("#reflection")`, 15*time.Second)
		if n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll("form[data-command], #checkin, #guests").length`)); err != nil || n != 0 {
			t.Errorf("%s's page still offers %d ways to change an ended meeting (%v)", p.name, n, err)
		}
	}
	postInPlace(t, other, "the reflection saved", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#reflection-body"), "I rushed to advise before I understood. Ask one more question next time."),
		click(`#reflection button[type="submit"]`),
	), said("Only you can read it"))

	// The circle's next meeting: each presenter's commitment waits in
	// their check-in, to say how it went.
	for _, p := range pages {
		must(t, chromedp.Do(p.ctx, click(".page-head .eyebrow a"), chromedp.WaitVisible(chromedp.CSS("#meetings"))))
		expectText(t, p.ctx, "#commitments", commitments[driver.id], commitments[other.id])
		// Ended before its time was up, the meeting is among the past
		// ones, and the room button leads to the next.
		past, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#roles a[href$="/room"]')].map((a) => a.href)`))
		must(t, err)
		if !slices.Contains(past, roomURL) {
			t.Errorf("%s's circle lists the past meetings %v, without the one just held", p.name, past)
		}
		must(t, chromedp.Do(p.ctx, click(`a[href$="/room"].button`), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
		next, err := chromedp.Run(p.ctx, chromedp.Location())
		must(t, err)
		if next == roomURL {
			t.Fatalf("%s's room button still leads to the meeting just held", p.name)
		}
		expectText(t, p.ctx, "[data-timer-card] .eyebrow", "not started")
		legends, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#checkin .commitment-progress legend")].map((l) => l.textContent)`))
		must(t, err)
		if !slices.Contains(legends, commitments[p.id]) {
			t.Errorf("%s's check-in at the next meeting asks about %q, not the commitment %q", p.name, legends, commitments[p.id])
		}
	}
	// Saying how it went: partly, and what was learned.
	c := commitments[other.id]
	cid, err := chromedp.Run(memberCtx, chromedp.Evaluate[string](fmt.Sprintf(
		`[...document.querySelectorAll("#checkin .commitment-progress")].find((f) => f.querySelector("legend").textContent === %q).querySelector('input[name="commitment"]').value`, c)))
	must(t, err)
	postInPlace(t, other, "the check-in with progress saved", chromedp.Steps(
		click(fmt.Sprintf(`#checkin label.chip:has(input[name="progress-%s"][value="partly"]) span`, cid)),
		chromedp.SendKeys(chromedp.CSS("#learned-"+cid), "Asking first made the conversation shorter, not longer."),
		click(`#checkin button[type="submit"]`),
	), said("checked in"))
	if ok, err := chromedp.Run(memberCtx, chromedp.Evaluate[bool](fmt.Sprintf(
		`document.querySelector('input[name="progress-%s"][value="partly"]').checked && document.querySelector("#learned-%s").value.startsWith("Asking first")`, cid, cid))); err != nil || !ok {
		t.Errorf("the progress on %q was not kept (%v)", c, err)
	}
	t.Logf("the meeting took %s in the browsers", time.Since(began).Round(time.Second))
}

// click scrolls the element sel selects to the middle of the window,
// where the sticky top bar does not cover it, and clicks it.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "center"}), true)`, sel))(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)))
}

// takeOffer makes the presenter's offer in card their commitment, in
// their own words.
func takeOffer(t *testing.T, presenter councilPage, card, words string) {
	t.Helper()
	take := card + " details.take"
	postInPlace(t, presenter, "the offer taken", chromedp.Steps(
		click(take+" summary"),
		chromedp.WaitVisible(chromedp.CSS(take+" textarea")),
		// The field starts empty: the commitment is the presenter's own
		// words, never the offer copied.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, take+" textarea"))(ctx, tg)
			if err == nil && v != "" {
				t.Errorf("the commitment's field starts with %q", v)
			}
			return err
		}),
		chromedp.SendKeys(chromedp.CSS(take+" textarea"), words),
		click(take+` button[type="submit"]`),
	), said("one of your commitments")+fmt.Sprintf(` &&
		document.querySelector("#commitments").textContent.includes(%q) && !document.querySelector(%q)`, words, take))
}
