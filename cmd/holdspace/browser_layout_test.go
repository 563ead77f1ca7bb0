package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/holdspace/holdspace/internal/demo"
)

// colourScheme makes the browser prefer a light or a dark colour scheme.
func colourScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	must(t, err)
}

// fitsWidth fails the test when the page is wider than the window, so
// that a phone would scroll it sideways, and names what sticks out.
func fitsWidth(t *testing.T, ctx context.Context) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const root = document.documentElement;
		if (root.scrollWidth <= root.clientWidth) return [];
		return [location.pathname + " is " + root.scrollWidth + " px wide in a " + root.clientWidth + " px window"].concat(
			[...document.body.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
				.slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : "")));
	})()`))
	must(t, err)
	if len(wide) > 0 {
		t.Errorf("%v", wide)
	}
}

// TestBrowserMenu: on a phone the site menu folds behind a button that
// says whether it is open, opens and closes with a tap or Escape, and
// without scripts is simply there; on a desk it is always there.
func TestBrowserMenu(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")}, "--demo")
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	signIn(t, ctx, in.URL, demo.AdminEmail)
	visible := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector(`+"`"+sel+"`"+`); return !!el && el.checkVisibility(); })()`))
		must(t, err)
		return v
	}
	expanded := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-menu-toggle]").getAttribute("aria-expanded")`))
		must(t, err)
		return v
	}
	people := `nav[aria-label="Main"] a[href="/people"]`
	must(t, chromedp.Do(ctx, chromedp.Navigate(in.URL+"/home"), chromedp.WaitVisible(chromedp.CSS("[data-menu-toggle]"))))
	fitsWidth(t, ctx)
	if visible(people) || expanded() != "false" {
		t.Errorf("the menu starts open on a phone (aria-expanded %s)", expanded())
	}
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-menu-toggle]")), chromedp.WaitVisible(chromedp.CSS(people))))
	if expanded() != "true" || !visible(`form[action="/signout"] button`) || !visible(`a[href="/people/chart"]`) {
		t.Errorf("the open menu: aria-expanded %s, or it lacks the org chart or signing out", expanded())
	}
	fitsWidth(t, ctx)
	checkPageNow(t, ctx)
	must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(people))))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector("[data-menu-toggle]")`)); err != nil || !focused {
		t.Errorf("Escape closes the menu but leaves the focus elsewhere (%v)", err)
	}
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-menu-toggle]")), chromedp.WaitVisible(chromedp.CSS(people)),
		chromedp.Click(chromedp.CSS(people)), chromedp.WaitVisible(chromedp.CSS("table.people"))))

	// On a desk the menu is always there, and the button is not.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(in.URL+"/home"), chromedp.WaitVisible(chromedp.CSS(people))))
	if visible("[data-menu-toggle]") {
		t.Error("the menu button shows on a wide screen")
	}

	// Without scripts, a phone shows the whole menu, wrapped.
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(in.URL+"/home"), chromedp.WaitVisible(chromedp.CSS(people))))
	if visible("[data-menu-toggle]") || !visible(`form[action="/signout"] button`) {
		t.Error("without scripts the menu hides behind a button that cannot open it")
	}
	fitsWidth(t, ctx)
}

// TestBrowserDeepChart: a reporting line ten levels deep, as large
// organisations have, fits a phone's org chart opened at its deepest
// person: every name shows whole, and the chart never scrolls sideways.
func TestBrowserDeepChart(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "d.db")}, "--demo")
	signIn(t, ctx, in.URL, demo.AdminEmail)
	csv := "name,email,department,manager_email,level,timezone\n"
	manager := demo.AdminEmail
	for i := 1; i <= 9; i++ {
		email := fmt.Sprintf("line%d@northwind.example", i)
		csv += fmt.Sprintf("Valentina Rasmussen-%d,%s,Customer Success,%s,%d,Europe/Oslo\n", i, email, manager, 10-i)
		manager = email
	}
	file := filepath.Join(t.TempDir(), "line.csv")
	must(t, os.WriteFile(file, []byte(csv), 0o600))
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/people/import"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
		chromedp.Navigate(in.URL+"/people?q=Rasmussen-9"),
		chromedp.WaitVisible(chromedp.CSS("table.people a.person")),
	))
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("table.people a.person"), "href"))
	must(t, err)
	for _, scheme := range []string{"light", "dark"} {
		colourScheme(t, ctx, scheme)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(in.URL+"/people/chart?at="+strings.TrimPrefix(href.Value, "/people/")),
			chromedp.WaitVisible(chromedp.CSS(".tree"))))
		expectText(t, ctx, ".tree", "Valentina Rasmussen-9")
		fitsWidth(t, ctx)
		cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const chart = document.querySelector(".chart");
			const edge = chart.getBoundingClientRect().right;
			const out = [...chart.querySelectorAll(".node")].filter((n) => n.getBoundingClientRect().right > edge)
				.map((n) => n.querySelector(".name").innerText);
			if (chart.scrollWidth > chart.clientWidth) out.unshift("the chart scrolls: " + chart.scrollWidth + " px in " + chart.clientWidth);
			return out;
		})()`))
		must(t, err)
		if len(cut) > 0 {
			t.Errorf("%s: cut off at 390 px: %v", scheme, cut)
		}
	}
}
