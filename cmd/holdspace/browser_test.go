package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/demo"
)

// browser starts a headless Chromium for one test, or skips when none is
// installed (HOLDSPACE_TEST_BROWSER=1 turns the skip into a failure).
// Every page it loads is checked with axe (auditEveryPage).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("HOLDSPACE_TEST_BROWSER") == "1" {
			t.Fatal("HOLDSPACE_TEST_BROWSER=1 but no Chromium is installed (apt-get install chromium)")
		}
		t.Skip("no Chromium installed; set HOLDSPACE_TEST_BROWSER=1 to require it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// Long enough for TestScreenshots, which walks every main page four
	// times (two widths, two colour schemes) and checks each with axe.
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	auditEveryPage(t, ctx)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	must(t, err)
	return s
}

func expectText(t *testing.T, ctx context.Context, sel string, wants ...string) {
	t.Helper()
	// Compared without case: innerText applies CSS text-transform.
	got := text(t, ctx, sel)
	for _, w := range wants {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			t.Errorf("%s lacks %q; it reads:\n%.2000s", sel, w, got)
		}
	}
}

func TestBrowserDemoAdmin(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "b.db")}, "--demo")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), demo.AdminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	))
	expectText(t, ctx, "main", "Welcome, Maya", "Northwind Trading", "42 people in 6 departments")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/people"]`)), chromedp.WaitVisible(chromedp.CSS("table.people"))))
	expectText(t, ctx, "main", "42 people, and 1 who has left", "Priya Raman", "Engineering", "deactivated")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/people/chart"]`)), chromedp.WaitVisible(chromedp.CSS(".tree"))))
	expectText(t, ctx, ".tree", "Maya Lindqvist", "Oliver Mensah", "6 reports")
	openSubtree(t, ctx)
	expectText(t, ctx, ".tree", "Oliver Mensah", "Priya Raman", "Daniel Okafor", "Sofia Marques")
}

var confirmLink = regexp.MustCompile(`http://[^\s]+/signup/confirm\?token=[A-Za-z0-9_\-]+`)

func TestBrowserSignUpImport(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "b.db")})
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/signup"),
		chromedp.SendKeys(chromedp.CSS("#org_name"), "Lumen Health"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Rosa Alvarez"),
		chromedp.SendKeys(chromedp.CSS("#email"), "rosa@lumen.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a calm long password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("section.center h1")),
	))
	expectText(t, ctx, "main", "Check your email", "rosa@lumen.example")
	// Without SMTP the email is in the log; take the link from there, as a
	// newcomer would.
	var link string
	for deadline := time.Now().Add(20 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		link = confirmLink.FindString(in.stderr.String())
	}
	if link == "" {
		t.Fatalf("no confirmation link in the log:\n%s", in.stderr.String())
	}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS(`form[action="/signup/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	))
	expectText(t, ctx, "main", "Welcome, Rosa", "Lumen Health")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "good.csv")
	must(t, os.WriteFile(bad, []byte("name;email;department;manager_email;level;timezone\n"+
		"Sam Lee;sam@lumen.example;Nursing;;4;Europe/Madrid\n"+
		"Ida Cole;ida@lumen.example;Nursing;nobody@lumen.example;2;Europe/Madrid\n"), 0o600))
	must(t, os.WriteFile(good, []byte("\ufeffname,email,department,manager_email,level,timezone\n"+
		"Sam Lee,sam@lumen.example,Nursing,,4,Europe/Madrid\n"+
		"Ida Cole,ida@lumen.example,Nursing,sam@lumen.example,2,Europe/Madrid\n"+
		"Tom Berg,tom@lumen.example,Pharmacy,rosa@lumen.example,3,Europe/Oslo\n"), 0o600))

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/people/import"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}),
		chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.preview")),
	))
	expectText(t, ctx, "main", "1 problem to fix", "Nothing has been imported", "Unknown manager")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/people/import"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{good}),
		chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.preview")),
	))
	expectText(t, ctx, "main", "3 new, 0 changed, 0 unchanged")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
	))
	expectText(t, ctx, "main", "3 people added and invited, 0 updated.", "4 people", "Ida Cole", "Sam Lee", "Tom Berg")
	// The chart opens at the top with report counts; a subtree opens on
	// demand.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/people/chart"), chromedp.WaitVisible(chromedp.CSS(".tree"))))
	expectText(t, ctx, ".tree", "Rosa Alvarez", "Tom Berg", "Sam Lee", "1 report")
	openSubtree(t, ctx)
	expectText(t, ctx, ".tree", "Sam Lee", "Ida Cole")
}

// TestScreenshots walks the main pages at phone and desktop width, light
// and dark: axe checks each, and at phone width nothing may stick out
// sideways. With HOLDSPACE_SCREENSHOTS=DIR it saves them there, for
// people to look at: what fits on the first screen, as a person first
// sees it, and whole pages where they are long.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("HOLDSPACE_SCREENSHOTS")
	if dir != "" {
		must(t, os.MkdirAll(dir, 0o755))
	}
	save := func(name string, png []byte) {
		if dir != "" {
			must(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
		}
	}
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "s.db")}, "--demo")
	pages := map[string]string{"landing": "/", "signin": "/signin", "signup": "/signup", "forgot": "/forgot", "notfound": "/nope"}
	signedIn := map[string]string{"home": "/home", "people": "/people", "chart": "/people/chart", "profile": "/profile",
		"import": "/people/import", "invite": "/people/invite", "matches": "/matches", "topics": "/topics", "program-new": "/programs/new"}
	capture := func(name, path string, phoneHeight, desktopHeight int64) {
		t.Helper()
		for _, vp := range []struct {
			name string
			w, h int64
		}{{"phone", 390, phoneHeight}, {"desktop", 1280, desktopHeight}} {
			for _, scheme := range []string{"light", "dark"} {
				colourScheme(t, ctx, scheme)
				must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(in.URL+path)))
				checkPage(t, ctx)
				if vp.name == "phone" {
					fitsWidth(t, ctx)
				}
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				must(t, err)
				save(fmt.Sprintf("%s-%s-%s", name, vp.name, scheme), png)
			}
		}
	}
	shoot := func(name, path string) { t.Helper(); capture(name, path, 844, 860) }
	tall := func(name, path string) { t.Helper(); capture(name, path, 3200, 2200) }
	for n, p := range pages {
		shoot(n, p)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), demo.AdminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	))
	for n, p := range signedIn {
		shoot(n, p)
	}
	shoot("programs", "/programs")
	shoot("pulse-admin", "/pulse")
	tall("dashboard", "/dashboard")
	tall("journal", "/journal?prompt=trigger")
	// Maya's self-assessments, charted with their table, a new one's
	// form, and her helping pattern from her circle's meetings.
	tall("assessments", "/journal/assessments")
	tall("assessment-new", "/journal/assessments/new")
	shoot("helping", "/journal/helping")
	// The menu on a phone, open.
	for _, scheme := range []string{"light", "dark"} {
		colourScheme(t, ctx, scheme)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(in.URL+"/home"),
			chromedp.Click(chromedp.CSS("[data-menu-toggle]")), chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`))))
		checkPageNow(t, ctx)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, err)
		save("menu-phone-"+scheme, png)
	}
	// People over time: the leaver's page, an edit, and a re-import with
	// a change and problems, shown as typed, at every width.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/people?q=paulo"), chromedp.Click(chromedp.CSS("a.person")),
		chromedp.WaitVisible(chromedp.CSS(".person-head"))))
	leaverURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("person-deactivated", strings.TrimPrefix(leaverURL, in.URL))
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/people?q=kenji"), chromedp.Click(chromedp.CSS("a.person")),
		chromedp.WaitVisible(chromedp.CSS(".person-head"))))
	kenjiURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("person-admin", strings.TrimPrefix(kenjiURL, in.URL))
	shoot("person-edit", strings.TrimPrefix(kenjiURL, in.URL)+"/edit")
	reimport := "name,email,department,manager_email,level,timezone\n" +
		"Maya Lindqvist,maya@northwind.example,People & Operations,,8,Europe/Stockholm\n" +
		"Kenji Watanabe,kenji@northwind.example,Platform Engineering,priya@northwind.example,8,Asia/Tokyo\n" +
		"Ravi Shah,ravi@northwind.example,Engineering,kenji@northwind.example,5,Asia/Singapore\n" +
		"Wen Li,wen.li.with.a.rather.long.address@northwind.example,Engineering,kenji@northwind.example,L4,Asia/Shanghai\n" +
		"Noor Haddad,noor@northwind.example,Sales,nobody@northwind.example,3,Mars/Base\n" +
		"Pia Berg,pia@northwind.example,Customer Success,omar@northwind.example,3,Europe/Oslo\n"
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 2400}, {"desktop", 1280, 1300}} {
		for _, scheme := range []string{"light", "dark"} {
			colourScheme(t, ctx, scheme)
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(in.URL+"/people/import"),
				chromedp.SetValue(chromedp.CSS("#csv"), reimport), chromedp.Submit(chromedp.CSS("#csv")),
				chromedp.WaitVisible(chromedp.CSS("table.preview"))))
			checkPage(t, ctx)
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			must(t, err)
			save(fmt.Sprintf("import-preview-%s-%s", vp.name, scheme), png)
		}
	}
	// The circles program: its page, a proposal and its review.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/programs"), chromedp.Click(chromedp.CSS(".program-card h2 a")),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1"))))
	programURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	programPath := strings.TrimPrefix(programURL, in.URL)
	shoot("program-admin", programPath)
	shoot("optin", programPath+"/opt-in")
	shoot("optin-grid", programPath+"/opt-in#avail-help")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+programPath),
		chromedp.Click(chromedp.CSS(`form[action$="/propose"] button`)), chromedp.WaitVisible(chromedp.CSS(".circle-card"))))
	roundURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("round", strings.TrimPrefix(roundURL, in.URL))
	// Take someone out of circle 1: its card names the rule it breaks,
	// and publishing is refused, naming it, as an error.
	must(t, chromedp.Do(ctx, chromedp.Navigate(roundURL), submit(chromedp.Click(chromedp.CSS(`.circle-card form.remove button`)), "Moved")))
	shoot("round-rule", strings.TrimPrefix(roundURL, in.URL))
	must(t, chromedp.Do(ctx, chromedp.Navigate(roundURL), submit(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), "Not published")))
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 860}} {
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h)))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, err)
		save("round-refused-"+vp.name, png)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`section.card form.move input[name="to_number"]`), "1"),
		submit(chromedp.Click(chromedp.CSS(`section.card form.move button`)), "Moved")))
	// The page already shows "Moved": wait for the publishing's own
	// message, or the next navigation races the form's.
	must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), "proposals sent")))
	shoot("round-published", strings.TrimPrefix(roundURL, in.URL))

	// A program's life: the draft (to open), and the archive.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/programs"),
		chromedp.Click(chromedp.Search(`//a[contains(., "Listening skills lab")]`)), chromedp.WaitVisible(chromedp.CSS("#life"))))
	draftURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("program-draft", strings.TrimPrefix(draftURL, in.URL))
	shoot("programs-archived", "/programs?archived=1#archived")
	shoot("program-form", strings.TrimPrefix(draftURL, in.URL)+"/edit")

	// The autumn circle: the ground rules first, then its home, agreement
	// and schedule, in tall shots so the whole page is seen.
	shoot("circles", "/circles")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/circles"), chromedp.Click(chromedp.CSS(".circle-card h2 a")),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/ground-rules"] button`))))
	rulesURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	circlePath := strings.TrimSuffix(strings.TrimPrefix(rulesURL, in.URL), "/ground-rules")
	shoot("circle-rules", circlePath+"/ground-rules")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/ground-rules"] button`)), chromedp.WaitVisible(chromedp.CSS("#meetings"))))
	tall("circle", circlePath)
	// A later meeting is changed on its own page.
	changePath, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#meetings a[href$="/change"]').getAttribute("href")`))
	must(t, err)
	shoot("meeting-change", changePath)
	tall("circle-pulse", circlePath+"/pulse")
	// Maya, the last of the circle to agree, shares its pulse with the
	// program's admins, and as an admin finds it listed.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath+"/pulse"),
		submit(chromedp.Click(chromedp.CSS(`form[action$="/pulse/share"] button`)), "You agreed to share")))
	tall("pulse-admin-shared", "/pulse")
	// Learning cards: the organisation's, the circle's and the program's;
	// then Maya writes one and sees the preview of its first step.
	tall("learning", "/learning")
	tall("circle-cards", circlePath+"/cards")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath),
		chromedp.Click(chromedp.CSS(`#cards a[href^="/programs/"]`)), chromedp.WaitVisible(chromedp.CSS(".learning-card"))))
	programCardsURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("program-cards", strings.TrimPrefix(programCardsURL, in.URL))
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/cards"),
		chromedp.SetValue(chromedp.CSS("#title"), "Let the question land"),
		chromedp.SetValue(chromedp.CSS("#body"), "Waiting a breath after a question let the presenter answer for themselves."),
		chromedp.Submit(chromedp.CSS("#body")), chromedp.WaitVisible(chromedp.CSS("#preview"))))
	cardURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	tall("card", strings.TrimPrefix(cardURL, in.URL))
	tall("cards", "/cards")
	tall("circle-fit", circlePath+"/fit")
	tall("spread", "/spread")
	// A member's private question: pause for a while, or leave?
	shoot("circle-pause", circlePath+"/pause")
	// The invitation at a season's end: continue, re-form, or another team.
	shoot("circle-next", circlePath+"/next")
	// The meetings after the next are folded on a phone and open on a
	// wide screen.
	for _, vp := range []struct {
		w    int64
		open bool
	}{{390, false}, {1280, true}} {
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, 860), chromedp.Navigate(in.URL+circlePath), chromedp.WaitVisible(chromedp.CSS("#meetings"))))
		open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#meetings details.later-meetings").open`))
		must(t, err)
		if open != vp.open {
			t.Errorf("at %d px the later meetings are open: %v", vp.w, open)
		}
	}
	// A meeting held, as its record, with Maya's own helping notes under
	// the counsel for each presenter.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath), chromedp.Click(chromedp.CSS(`#roles a[href$="/room"]`)),
		chromedp.WaitVisible(chromedp.CSS("details.help-note"))))
	recordURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	tall("room-record", strings.TrimPrefix(recordURL, in.URL))
	tall("agreement", circlePath+"/agreement")
	shoot("schedule", circlePath+"/schedule")
	tall("profile-calendar", "/profile#calendar")
	shoot("format", circlePath+"/format")
	shoot("leave", circlePath+"/leave")
	// Answering a meeting from its reminder's link, and Maya's commitment
	// past its day, as its follow-up leads to it.
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+circlePath), chromedp.WaitVisible(chromedp.CSS("form.rsvp"))))
	rsvpAction, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("form.rsvp"), "action"))
	must(t, err)
	shoot("rsvp", rsvpAction.Value+"?answer=not_coming")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/home"), chromedp.WaitVisible(chromedp.CSS(".streak"))))
	commitmentHref, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a[href*="/commitments/"]`), "href"))
	must(t, err)
	shoot("commitment", commitmentHref.Value)
	// A new calendar feed, as shown once: each shot makes a new one.
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 1000}, {"desktop", 1280, 860}} {
		for _, scheme := range []string{"light", "dark"} {
			colourScheme(t, ctx, scheme)
			// After the first, the button makes a new address, and asks first.
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate(in.URL+"/profile"),
				chromedp.Evaluate[chromedp.Void]("window.confirm = () => true"),
				submit(chromedp.Click(chromedp.CSS(`form[action="/profile/calendar"] button`)), "calendar feed is ready")))
			checkPage(t, ctx)
			if vp.name == "phone" {
				fitsWidth(t, ctx)
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			must(t, err)
			save(fmt.Sprintf("feed-%s-%s", vp.name, scheme), png)
		}
	}
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(in.URL+circlePath),
		chromedp.Click(chromedp.CSS(`a[href$="/room"].button`)), chromedp.WaitVisible(chromedp.CSS("[data-timer-card]"))))
	roomURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	tall("room", strings.TrimPrefix(roomURL, in.URL))
	// Inviting a colleague to observe, on a phone: the suggestions stay
	// inside the card.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(roomURL),
		chromedp.SendKeys(chromedp.CSS("#guest"), "pri"), chromedp.WaitVisible(chromedp.CSS(`#guest-options [role="option"]`)),
		chromedp.ScrollIntoView(chromedp.CSS("#guest-options"))))
	inside, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const card = document.querySelector("#guests").getBoundingClientRect(), list = document.querySelector("#guest-options").getBoundingClientRect();
		return list.left >= card.left && list.right <= card.right && list.bottom <= card.bottom;
	})()`))
	must(t, err)
	if !inside {
		t.Error("the colleague suggestions run past the guests card")
	}
	checkPageNow(t, ctx)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(t, err)
	save("room-guest-phone", png)
	// A past meeting: its summary and the closing answers.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(in.URL+circlePath),
		chromedp.Click(chromedp.CSS(`#roles tbody tr:last-child a`)), chromedp.WaitVisible(chromedp.CSS("#closing"))))
	pastURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	tall("room-ended", strings.TrimPrefix(pastURL, in.URL))
	// The next meeting is days away: starting it is asked about first;
	// once it runs, ending it is asked about too.
	roomPath := strings.TrimPrefix(roomURL, in.URL)
	shoot("room-confirm-start", roomPath+"?confirm=start#confirm")
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(roomURL+"?confirm=start#confirm"),
		chromedp.Click(chromedp.CSS(`#confirm button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".phase-running"))))
	tall("room-running", roomPath)
	shoot("room-confirm-end", roomPath+"?confirm=end#confirm")

	// The autumn program's circles and their health, as the admin sees them.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(in.URL+"/programs")))
	autumn, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".program-card h2 a")].find(a => a.textContent.includes("autumn")).getAttribute("href")`))
	must(t, err)
	tall("program-health", autumn)
	shoot("program-stalled", autumn+"?stalled=1#circles")
	shoot("home-admin", "/home")
	// A member's home: Noah's circle meets, an agreement change waits for
	// him, and he has a commitment open.
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/signout"]`)),
		chromedp.Navigate(in.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "noah@northwind.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".practice")),
	))
	tall("home-member", "/home")
	// The autumn round left Ingrid out and went ahead without Ana, who
	// declined: each reads where they stand.
	for _, who := range []string{"ingrid", "ana"} {
		signOut(t, ctx)
		signIn(t, ctx, in.URL, who+"@northwind.example")
		tall("matches-"+who, "/matches")
	}
	// The directory as a member sees it: department and manager, no
	// levels.
	_, err = chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
	must(t, err)
	signIn(t, ctx, in.URL, "sam@northwind.example")
	shoot("people-member", "/people")
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/people"), chromedp.Click(chromedp.CSS("table.people a.person")),
		chromedp.WaitVisible(chromedp.CSS(".person-head"))))
	personURL, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	shoot("person-member", strings.TrimPrefix(personURL, in.URL))
}

// TestBrowserPersonPicker: the invitation form's manager is found by
// typing, from the directory, and chosen with a tap; the person
// invited reports to them.
func TestBrowserPersonPicker(t *testing.T) {
	ctx := browser(t)
	dbPath := filepath.Join(t.TempDir(), "p.db")
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + dbPath}, "--demo")
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(in.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), demo.AdminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
		chromedp.Navigate(in.URL+"/people/invite"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Nia Novak"),
		chromedp.SendKeys(chromedp.CSS("#email"), "nia@northwind.example"),
		chromedp.SendKeys(chromedp.CSS("#manager_id"), "pri"),
		chromedp.WaitVisible(chromedp.CSS(`#manager_id-options [role="option"]`)),
	))
	expectText(t, ctx, "#manager_id-options", "Priya Raman")
	if dir := os.Getenv("HOLDSPACE_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, "picker-phone-light.png"), png, 0o644))
	}
	// A tap chooses, as on a phone.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#manager_id-options [role="option"]`))))
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#manager_id-options")?.hidden`, chromedp.WithPollingTimeout(5*time.Second)))
	must(t, err)
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#manager_id")))
	must(t, err)
	if got != "Priya Raman" {
		t.Errorf("the picker shows %q after choosing", got)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/people/invite"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".person-head")),
	))
	expectText(t, ctx, "main", "Nia Novak", "Priya Raman")
}

// openSubtree opens the first closed subtree of the org chart, and waits
// for the chart that opens at that person.
func openSubtree(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.node-open`))))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		// Evaluating while the next page loads fails; that is a retry.
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.search.includes("at=") && document.readyState === "complete"`)); err == nil && ok {
			return
		}
	}
	t.Fatal("the chart did not open at the chosen person")
}
