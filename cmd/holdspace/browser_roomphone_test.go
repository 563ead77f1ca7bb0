package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/demo"
)

// TestBrowserRoomPhone runs the meeting room on a phone, as its timekeeper:
// the bar with the timer and the controls stays on screen while she
// scrolls and types her check-in, which is sent without the page
// reloading; a command pressed while the server is down waits and is
// applied when it is back; one pressed offline on a meeting that moved on
// meanwhile is refused, visibly. No error escapes the page's script.
func TestBrowserRoomPhone(t *testing.T) {
	ctx := browser(t)
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
	env := map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "p.db")}
	port := freePort(t)
	in := startServeOn(t, port, env, "--demo")

	// Maya finds the room and who keeps its time; the timekeeper opens it
	// on her phone.
	signIn(t, ctx, in.URL, "maya@northwind.example")
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/circles"), chromedp.Click(chromedp.CSS(".circle-card h2 a")), chromedp.WaitVisible(ack),
		submit(chromedp.Click(ack), "Welcome to your circle"),
		chromedp.Click(chromedp.CSS(`a[href$="/room"].button`)), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	roles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".page-head p.muted strong")].map((s) => s.textContent.split(" ")[0].toLowerCase())`))
	must(t, err)
	facilitator, timekeeper := roles[0], roles[1]
	if timekeeper != "maya" {
		signOut(t, ctx)
		signIn(t, ctx, in.URL, timekeeper+"@northwind.example")
	}
	live := `document.querySelector("[data-live-status]").textContent === "Live"`
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-room-bar]"))))
	waitFor(t, ctx, live, 10*time.Second)
	eval := func(js string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		must(t, err)
	}
	eval(`window.__stillHere = true`)

	// The bar, with the start button, is on the first screen, and stays at
	// the top while she scrolls down to her check-in and types.
	onScreen := `(() => {
		const bar = document.querySelector("[data-room-bar]").getBoundingClientRect();
		const button = document.querySelector("[data-room-bar] .controls :is(button, a.button)").getBoundingClientRect();
		return bar.top >= -1 && bar.bottom <= innerHeight && button.top >= 0 && button.bottom <= innerHeight;
	})()`
	waitFor(t, ctx, onScreen, time.Second)
	win := "Hired our first designer"
	eval(`window.scrollTo(0, document.body.scrollHeight); true`)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#wins")), chromedp.SendKeys(chromedp.CSS("#wins"), win)))
	scrolled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`scrollY > 300 && document.activeElement.id === "wins"`))
	must(t, err)
	if !scrolled {
		t.Error("the page did not scroll to the check-in")
	}
	waitFor(t, ctx, onScreen, time.Second)

	// The check-in is sent in place: the page is the same page after.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/checkin"] button[type=submit]`))))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("#present").innerText.includes(%q)`, "Win: "+win), 5*time.Second)
	waitFor(t, ctx, `window.__stillHere === true && document.querySelector("[data-room-message]").textContent.includes("checked in")`, 2*time.Second)

	press := func(kind string) {
		t.Helper()
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[data-command]:has(input[value=%q]) button`, kind)))))
	}
	// The demo's meeting is days away: starting it is asked about first.
	startEarly(t, ctx)
	waitFor(t, ctx, live, 10*time.Second)

	// The server goes away. The clock stops and says so; "Next step" waits,
	// visibly, and is applied when the server is back.
	must(t, in.stop())
	waitFor(t, ctx, `document.querySelector("[data-timer-card]").classList.contains("stale") && document.querySelector("[data-timer-note]").textContent.includes("connection is back")`, 10*time.Second)
	press("next")
	waitFor(t, ctx, `document.querySelector("[data-room-message]").textContent.includes("“Next step” will be sent when reconnected")`, 5*time.Second)
	startServeOn(t, port, env)
	waitFor(t, ctx, live, 20*time.Second)
	waitFor(t, ctx, `document.querySelector(".step-title").textContent.startsWith("Check-in") && document.querySelector("[data-room-message]").textContent.includes("“Next step” was sent")`, 10*time.Second)

	// Offline again, she pauses; meanwhile the facilitator adds a minute.
	// Her pause was pressed on a meeting that has moved on: it is refused,
	// and she is told.
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('form[data-command] input[name="version"]').value`))
	must(t, err)
	offline := func(off bool) {
		t.Helper()
		var rules []*network.Conditions
		if off {
			rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
		must(t, err)
	}
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	must(t, err)
	offline(true)
	press("pause")
	waitFor(t, ctx, `document.querySelector("[data-room-message]").textContent.includes("“Pause” will be sent when reconnected")`, 5*time.Second)
	other := httpSignIn(t, in.URL, facilitator+"@northwind.example")
	res, err := other.PostForm(roomURL+"/command", url.Values{"kind": {"extend"}, "version": {version}})
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the facilitator's +1 min: %d", res.StatusCode)
	}
	offline(false)
	waitFor(t, ctx, `document.querySelector("[data-room-message]").textContent.includes("“Pause” was not sent")`, 15*time.Second)
	waitFor(t, ctx, `document.querySelector("[data-timer-card]").classList.contains("phase-running") && document.querySelector("[data-room-message]").classList.contains("problem")`, 5*time.Second)

	mu.Lock()
	defer mu.Unlock()
	if len(thrown) > 0 {
		t.Errorf("the page threw:\n%s", strings.Join(thrown, "\n"))
	}
}

// httpSignIn signs a demo person in with a plain HTTP client, which does
// not follow redirects.
func httpSignIn(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {demo.Password}})
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing %s in: %d", email, res.StatusCode)
	}
	return c
}

// TestScreenshotsRoom saves the running meeting room as its timekeeper sees
// it, at phone and desktop width, light and dark: the first screen, and
// (on the phone) scrolled down to the check-in with the bar pinned above.
func TestScreenshotsRoom(t *testing.T) {
	dir := os.Getenv("HOLDSPACE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set HOLDSPACE_SCREENSHOTS=DIR to save screenshots")
	}
	must(t, os.MkdirAll(dir, 0o755))
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "s.db")}, "--demo")
	signIn(t, ctx, in.URL, "maya@northwind.example")
	ack := chromedp.CSS(`form[action$="/ground-rules"] button`)
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/circles"), chromedp.Click(chromedp.CSS(".circle-card h2 a")), chromedp.WaitVisible(ack),
		submit(chromedp.Click(ack), "Welcome to your circle"),
		chromedp.Click(chromedp.CSS(`a[href$="/room"].button`)), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	roles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".page-head p.muted strong")].map((s) => s.textContent.split(" ")[0].toLowerCase())`))
	must(t, err)
	if roles[1] != "maya" {
		signOut(t, ctx)
		signIn(t, ctx, in.URL, roles[1]+"@northwind.example")
	}
	must(t, chromedp.Do(ctx, chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-room-bar]"))))
	startEarly(t, ctx)
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 860}} {
		for _, scheme := range []string{"light", "dark"} {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			must(t, err)
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-room-bar]"))))
			waitFor(t, ctx, `document.querySelector("[data-live-status]").textContent === "Live"`, 10*time.Second)
			shot := func(name string) {
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				must(t, err)
				must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", name, vp.name, scheme)), png, 0o644))
			}
			shot("room-live")
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#checkin").scrollIntoView(); document.querySelector("#wins").focus(); true`))
			must(t, err)
			shot("room-typing")
			if vp.name == "phone" {
				_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.blur(); window.scrollTo(0, document.body.scrollHeight); true`))
				must(t, err)
				shot("room-bottom")
			}
		}
	}
	// Cut off, with a command waiting: what the bar says.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(roomURL), chromedp.WaitVisible(chromedp.CSS("[data-room-bar]")),
		chromedp.Click(chromedp.CSS(`form[data-command]:has(input[value="next"]) button`))))
	waitFor(t, ctx, `document.querySelector(".step-title").textContent.startsWith("Check-in")`, 5*time.Second)
	must(t, in.stop())
	waitFor(t, ctx, `document.querySelector("[data-timer-card]").classList.contains("stale")`, 10*time.Second)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[data-command]:has(input[value="pause"]) button`))))
	waitFor(t, ctx, `document.querySelector("[data-room-message]").textContent.includes("when reconnected")`, 5*time.Second)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "room-offline-phone-dark.png"), png, 0o644))
}

// startEarly starts, from the room's page in ctx, a meeting more than an
// hour away: the start is asked about on a page of its own, confirmed, and
// the meeting runs.
func startEarly(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-room-bar] a[href*="confirm=start"]`)), chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS(`#confirm button[type="submit"]`))))
	waitFor(t, ctx, `document.querySelector("[data-timer-card]")?.classList.contains("phase-running")`, 10*time.Second)
}
