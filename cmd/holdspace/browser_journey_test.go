package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// TestBrowserHRLeadJourney walks an HR lead's first steps on a fresh
// server: sign up, confirm by the emailed link, import an export with a
// problem, fix it, import holding the invitations, then re-import an
// updated export and apply the changes; then run a program from opening
// to its close (hrLeadRunsAProgram). It runs twice: at a desk in the
// light colour scheme, and on a phone in the dark one, where the site
// menu folds behind its button and tables read as cards.
func TestBrowserHRLeadJourney(t *testing.T) {
	for _, v := range []journeyView{
		{name: "desktop light", width: 1280, height: 860, scheme: "light"},
		{name: "phone dark", width: 390, height: 844, scheme: "dark", phone: true},
	} {
		t.Run(v.name, func(t *testing.T) {
			began := time.Now()
			hrLeadJourney(t, v)
			t.Logf("the journey took %s in the browser", time.Since(began).Round(time.Second))
		})
	}
}

// journeyView is the screen a journey runs on.
type journeyView struct {
	name          string
	width, height int64
	scheme        string
	phone         bool
}

// menuClicks is how many clicks it takes to open the site menu: one on a
// phone, where it folds behind a button; none at a desk.
func (v journeyView) menuClicks() int {
	if v.phone {
		return 1
	}
	return 0
}

// goTo follows the site menu's link to href, opening the menu first on a
// phone.
func (v journeyView) goTo(href string) chromedp.Action[chromedp.Void] {
	link := `nav[aria-label="Main"] a[href="` + href + `"]`
	if !v.phone {
		return chromedp.Click(chromedp.CSS(link))
	}
	return chromedp.Steps(click("[data-menu-toggle]"), chromedp.WaitVisible(chromedp.CSS(link)), chromedp.Click(chromedp.CSS(link)))
}

// signOut signs out from the site menu, opening it first on a phone.
func (v journeyView) signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if v.phone {
		must(t, chromedp.Do(ctx, click("[data-menu-toggle]")))
	}
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS("#email"))))
}

// drag marks hours on the availability grid as a person would: with a
// finger on a phone, with the mouse at a desk.
func (v journeyView) drag(t *testing.T, ctx context.Context, cells ...[2]int) {
	t.Helper()
	if v.phone {
		touchDrag(t, ctx, cells...)
		return
	}
	mouseDrag(t, ctx, cells...)
}

// fits fails the test when, on a phone, the page is wider than the screen.
func (v journeyView) fits(t *testing.T, ctx context.Context) {
	t.Helper()
	if v.phone {
		fitsWidth(t, ctx)
	}
}

func hrLeadJourney(t *testing.T, v journeyView) {
	ctx := browser(t)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(v.width, v.height)))
	colourScheme(t, ctx, v.scheme)
	if v.phone {
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1})
		must(t, err)
	}
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "j.db")
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": dbURL})
	hr := &effort{}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/signup"),
		chromedp.SendKeys(chromedp.CSS("#org_name"), "Lumen Health"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Rosa Alvarez"),
		chromedp.SendKeys(chromedp.CSS("#email"), "rosa@lumen.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a calm long password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("section.center h1")),
	))
	hr.add(1, 2) // the sign-up page, Sign up
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
	hr.add(2, 2) // the emailed link, Confirm

	dir := t.TempDir()
	header := "name,email,department,manager_email,level,timezone\n"
	// The colleagues who will take part, none anyone's manager, from
	// four departments.
	var colleagues strings.Builder
	for i, name := range journeyPeople {
		fmt.Fprintf(&colleagues, "%s,%s,%s,,3,Europe/Madrid\n", name, journeyEmail(name), []string{"Nursing", "Pharmacy", "Lab", "Radiology"}[i%4])
	}
	rows := colleagues.String() + "Sam Lee,sam@lumen.example,Nursing,,4,Europe/Madrid\n" +
		"Ida Cole,ida@lumen.example,Nursing,sam@lumen.example,2,Europe/Madrid\n" +
		"Tom Berg,tom@lumen.example,Pharmacy,rosa@lumen.example,3,Europe/Madrid\n"
	files := map[string]string{
		"bad":     header + "Sam Lee,sam@lumen.example,Nursing,,4,Europe/Madrid\nIda Cole,ida@lumen.example,Nursing,nobody@lumen.example,2,Europe/Madrid\n",
		"good":    header + "Rosa Alvarez,rosa@lumen.example,People,,6,Europe/Madrid\n" + rows,
		"updated": header + "Rosa Alvarez,rosa@lumen.example,People,,6,Europe/Madrid\n" + rows[:len(rows)-len("Tom Berg,tom@lumen.example,Pharmacy,rosa@lumen.example,3,Europe/Madrid\n")] + "Tom Berg,tom@lumen.example,Nursing,rosa@lumen.example,3,Europe/Madrid\n",
	}
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(dir, name+".csv"), []byte(body), 0o600))
	}
	upload := func(name string) {
		// Every page the HR lead uploads from offers the import: home,
		// the preview of a file with a problem, and the people.
		must(t, chromedp.Do(ctx,
			click(`main a[href="/people/import"]`),
			chromedp.WaitVisible(chromedp.CSS("#file")),
			chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{filepath.Join(dir, name+".csv")}),
			chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("table.preview")),
		))
		hr.add(3, 2) // Import a CSV, the file, Preview
		v.fits(t, ctx)
	}
	upload("bad")
	expectText(t, ctx, "main", "1 problem to fix", "Nothing has been imported", "Unknown manager")
	upload("good")
	expectText(t, ctx, "main", fmt.Sprintf("%d new", len(journeyPeople)+3))
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="invitations"][value="hold"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
	))
	hr.add(2, 1) // Hold invitations, Import
	expectText(t, ctx, "main", "Ida Cole", "Sam Lee", "Tom Berg")
	v.fits(t, ctx)
	upload("updated")
	expectText(t, ctx, "main", "0 new, 1 changed")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
	))
	expectText(t, ctx, "main", "1 updated")
	hr.add(1, 1) // Apply the changes
	t.Logf("the HR lead signed up and brought their people in, one problem fixed, in %d clicks over %d screens (typing aside)", hr.clicks, hr.screens)

	setup := *hr
	hrLeadRunsAProgram(t, ctx, v, in, dbURL, hr)
	t.Logf("from sign-up to a closed program: %d clicks over %d screens", hr.clicks, hr.screens)
	t.Logf("running the program alone: %d clicks over %d screens", hr.clicks-setup.clicks, hr.screens-setup.screens)
}

// journeyPeople are the colleagues who opt in to the HR lead's program.
var journeyPeople = []string{"Ana Ruiz", "Ben Okafor", "Cai Wen", "Dee Moreau", "Eli Sato", "Fay Lund", "Gus Brandt", "Hal Novak"}

func journeyEmail(name string) string {
	first, _, _ := strings.Cut(name, " ")
	return strings.ToLower(first) + "@lumen.example"
}

const journeyPassword = "a calm long password"

// effort counts what a person does in the browser: the clicks (a link,
// a button, a choice, a confirmation; typing is not counted) and the
// screens (pages) they go through.
type effort struct{ clicks, screens int }

func (e *effort) add(clicks, screens int) { e.clicks += clicks; e.screens += screens }

// hrLeadRunsAProgram goes on from the import: the HR lead adds a topic
// and creates a program whose opt-in opens today, which emails everyone
// and sends the held invitations; the colleagues join and opt in by
// dragging across the availability grid; the HR lead proposes a round,
// moves a person between circles, takes one out and publishes; one
// member declines and the circle goes ahead with the others; the person
// taken out is told; the program's page shows its circles' health; and
// closing the program finishes its circles. It adds to hr the clicks and
// screens the HR lead needed.
func hrLeadRunsAProgram(t *testing.T, ctx context.Context, v journeyView, in *instance, dbURL string, hr *effort) {
	t.Helper()
	must(t, chromedp.Do(ctx,
		v.goTo("/programs"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/programs/new"]`)),
		click(`a.button[href="/topics"]`),
		chromedp.WaitVisible(chromedp.CSS("#topic")),
		chromedp.SendKeys(chromedp.CSS("#topic"), "Leading a team"),
		submit(chromedp.Submit(chromedp.CSS("#topic")), "Topic added"),
		v.goTo("/programs"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/programs/new"]`)),
		click(`a[href="/programs/new"]`),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Peer circles"),
		chromedp.SetValue(chromedp.CSS("#min_size"), "3"),
		chromedp.SetValue(chromedp.CSS("#max_size"), "5"),
		submit(chromedp.Submit(chromedp.CSS("#name")), "Program created and opened"),
	))
	// Programs, Topics, Add, Programs, New program, Create; and the menu
	// twice on a phone.
	hr.add(6+2*v.menuClicks(), 6)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	programID := strings.TrimPrefix(loc[strings.Index(loc, "/programs/"):], "/programs/")
	expectText(t, ctx, "main", "0 of the 12 people it is for have opted in")

	// The outbox: the opening email to everyone who has joined, and the
	// held invitations sent with it to everyone else; once they join,
	// their home offers the program.
	if email(in, "rosa@lumen.example", "A peer-coaching program is open: Peer circles") == "" {
		t.Fatal("no opening email")
	}
	for _, name := range journeyPeople {
		if email(in, journeyEmail(name), "You're invited to join Lumen Health") == "" {
			t.Fatalf("no invitation to %s", journeyEmail(name))
		}
	}
	v.signOut(t, ctx)

	// Each colleague joins from the invitation and opts in, marking their
	// hours by dragging across the grid: Monday and Tuesday mornings.
	for _, name := range journeyPeople {
		link := regexp.MustCompile(`http://\S+/invitation\?token=[A-Za-z0-9_\-]+`).FindString(email(in, journeyEmail(name), "You're invited"))
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(link),
			chromedp.WaitVisible(chromedp.CSS("#password")),
			chromedp.SendKeys(chromedp.CSS("#password"), journeyPassword),
			chromedp.Submit(chromedp.CSS("#password")),
			// Present, not visible: on a phone it is inside the folded menu.
			chromedp.WaitReady(chromedp.CSS(`form[action="/signout"]`)),
			click(`main a[href="/programs/`+programID+`/opt-in"]`),
			chromedp.WaitVisible(chromedp.CSS("table.avail[data-availability]")),
			chromedp.Click(chromedp.CSS(`.chip input[value="Leading a team"] + span`)),
		))
		v.drag(t, ctx, [2]int{0, 9}, [2]int{0, 10}, [2]int{0, 11})
		v.drag(t, ctx, [2]int{1, 9}, [2]int{1, 10}, [2]int{1, 11})
		if got := marked(t, ctx); len(got) != 6 {
			t.Fatalf("%s marked %v, want six hours", name, got)
		}
		v.fits(t, ctx)
		must(t, chromedp.Do(ctx, submit(chromedp.Submit(chromedp.CSS("#goals")), "You're in")))
		v.signOut(t, ctx)
	}

	// The HR lead proposes a round, moves a person from the larger circle
	// to the other, takes one out of the proposal and publishes.
	journeySignIn(t, ctx, in.URL, "rosa@lumen.example")
	hr.add(1, 1) // Sign in
	must(t, chromedp.Do(ctx,
		v.goTo("/programs"),
		chromedp.Click(chromedp.Search(`//main//a[text()="Peer circles"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/propose"]`)),
	))
	expectText(t, ctx, "main", "8 of the 12 people it is for have opted in")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/propose"]:not(:has(input[name="rematch"])) button`)),
		chromedp.WaitVisible(chromedp.CSS(".circle-card")),
	))
	hr.add(3+v.menuClicks(), 3) // (Menu,) Programs, the program, Propose matches
	v.fits(t, ctx)
	db, err := store.Open(context.Background(), dbURL)
	must(t, err)
	defer db.Close()
	rosa, err := db.FindUserByEmail(context.Background(), "rosa@lumen.example")
	must(t, err)
	draft := func() []program.Circle {
		cs, err := db.FindCircles(context.Background(), rosa.OrgID, store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Proposed}})
		must(t, err)
		if len(cs) != 2 {
			t.Fatalf("the proposal has %d circles, want 2", len(cs))
		}
		if len(cs[0].Members) < len(cs[1].Members) {
			cs[0], cs[1] = cs[1], cs[0]
		}
		return cs
	}
	cs := draft()
	moved := cs[0].Members[0]
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#move-`+moved.UserID), fmt.Sprint(cs[1].Number)),
		submit(chromedp.Click(chromedp.CSS(`#circle-`+cs[0].ID+` form.move:has(input[value="`+moved.UserID+`"]) button`)), "Moved"),
	))
	hr.add(2, 1) // the circle number's box, Move
	cs = draft()
	if cs[0].Member(moved.UserID) == nil && cs[1].Member(moved.UserID) == nil {
		t.Fatal("the person moved is in no circle")
	}
	out := cs[0].Members[len(cs[0].Members)-1]
	must(t, chromedp.Do(ctx,
		submit(chromedp.Click(chromedp.CSS(`#circle-`+cs[0].ID+` form.remove:has(input[value="`+out.UserID+`"]) button`)), "Moved"),
	))
	hr.add(1, 1) // Remove from proposal
	expectText(t, ctx, "main", "Not placed this time", out.Name)
	must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), "proposals sent")))
	hr.add(1, 1) // Publish
	v.signOut(t, ctx)

	// The person taken out is told why, and that they come first next time.
	if email(in, out.Email, "No circle for you in Peer circles") == "" {
		t.Errorf("%s was not told they have no circle", out.Name)
	}
	cs, err = db.FindCircles(context.Background(), rosa.OrgID, store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Pending}})
	must(t, err)
	if len(cs) != 2 {
		t.Fatalf("%d circles wait for answers, want 2", len(cs))
	}
	if len(cs[0].Members) < len(cs[1].Members) {
		cs[0], cs[1] = cs[1], cs[0]
	}
	if len(cs[0].Members) < 4 {
		t.Fatalf("the larger circle has %d members: none can step out with the circle going ahead", len(cs[0].Members))
	}
	journeySignIn(t, ctx, in.URL, out.Email)
	must(t, chromedp.Do(ctx, v.goTo("/matches"), chromedp.WaitVisible(chromedp.CSS(".circle-card"))))
	expectText(t, ctx, "main", "No circle for you in round 1", "First in the next round")
	v.signOut(t, ctx)

	// In the larger circle one member declines; everyone else says yes,
	// and both circles go ahead.
	decliner := cs[0].Members[0]
	journeySignIn(t, ctx, in.URL, decliner.Email)
	must(t, chromedp.Do(ctx,
		v.goTo("/matches"),
		click(`main details summary`),
		chromedp.Click(chromedp.CSS(`input[name="reason"][value="time"]`)),
		submit(chromedp.Click(chromedp.CSS(`form[action="/circles/`+cs[0].ID+`/respond"] button.danger`)), "declined and are out of this circle"),
	))
	v.signOut(t, ctx)
	for _, c := range cs {
		for _, m := range c.Members {
			if m.UserID == decliner.UserID {
				continue
			}
			journeySignIn(t, ctx, in.URL, m.Email)
			must(t, chromedp.Do(ctx, v.goTo("/matches"), chromedp.WaitVisible(chromedp.CSS(".circle-card"))))
			v.fits(t, ctx)
			if got := text(t, ctx, "main"); strings.Contains(got, decliner.Name) {
				t.Errorf("%s reads who declined:\n%s", m.Name, got)
			}
			must(t, chromedp.Do(ctx, submit(chromedp.Click(chromedp.CSS(`form[action="/circles/`+c.ID+`/respond"] button[type="submit"]`)), "circle")))
			v.signOut(t, ctx)
		}
	}
	for _, c := range cs {
		got, err := db.FindCircleByID(context.Background(), rosa.OrgID, c.ID)
		must(t, err)
		if got.Status != program.Active {
			t.Errorf("circle %d is %s, want active", c.Number, got.Status)
		}
	}

	// The program's page shows how its circles are doing; the HR lead
	// closes the program, and its circles are finished.
	journeySignIn(t, ctx, in.URL, "rosa@lumen.example")
	must(t, chromedp.Do(ctx,
		v.goTo("/programs"),
		chromedp.Click(chromedp.Search(`//main//a[text()="Peer circles"]`)),
		chromedp.WaitVisible(chromedp.CSS("#circles")),
	))
	hr.add(3+v.menuClicks(), 3) // Sign in, (Menu,) Programs, the program
	v.fits(t, ctx)
	expectText(t, ctx, "#circles", "Circles and how they are doing", "no schedule yet")
	// The browser's confirmation is answered yes, as the HR lead would.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("(window.confirm = () => true, true)"))
	must(t, err)
	must(t, chromedp.Do(ctx,
		click(`details.danger-zone summary`),
		submit(chromedp.Click(chromedp.CSS(`form[action$="/close"] button`)), "Program closed"),
	))
	hr.add(3, 1) // Close the program early, Close program, OK
	expectText(t, ctx, "#circles", "finished")
	if got := text(t, ctx, "#circles"); strings.Contains(got, "no schedule yet") || strings.Contains(got, "not met for two cadence periods") {
		t.Errorf("a closed program's circles still show their health:\n%s", got)
	}
	finished, err := db.FindCircles(context.Background(), rosa.OrgID, store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Active}})
	must(t, err)
	for _, c := range finished {
		if c.FinishedAt == nil {
			t.Errorf("circle %d is not finished", c.Number)
		}
	}
}

// email returns the text of the last email to whose subject holds
// subjectPart, as the server logged it; empty when there is none.
func email(in *instance, to, subjectPart string) string {
	found := ""
	for deadline := time.Now().Add(10 * time.Second); found == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, block := range strings.Split(in.stderr.String(), "----- BEGIN EMAIL") {
			head, _, _ := strings.Cut(block, "\n\n")
			if strings.Contains(head, to) && strings.Contains(head, "Subject: ") && strings.Contains(head, subjectPart) {
				found = block
			}
		}
	}
	return found
}

// journeySignIn signs in someone of the journey's organisation.
func journeySignIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), journeyPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		// Present, not visible: on a phone it is inside the folded menu.
		chromedp.WaitReady(chromedp.CSS(`form[action="/signout"]`)),
	))
}
