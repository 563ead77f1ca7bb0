package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserHRLeadJourney walks an HR lead's first steps on a fresh
// server: sign up, confirm by the emailed link, import an export with a
// problem, fix it, import holding the invitations, then re-import an
// updated export and apply the changes.
func TestBrowserHRLeadJourney(t *testing.T) {
	ctx := browser(t)
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "j.db")})
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(in.URL+"/signup"),
		chromedp.SendKeys(chromedp.CSS("#org_name"), "Lumen Health"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Rosa Alvarez"),
		chromedp.SendKeys(chromedp.CSS("#email"), "rosa@lumen.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a calm long password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("section.center h1")),
	))
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

	dir := t.TempDir()
	header := "name,email,department,manager_email,level,timezone\n"
	rows := "Sam Lee,sam@lumen.example,Nursing,,4,Europe/Madrid\n" +
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
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(in.URL+"/people/import"),
			chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{filepath.Join(dir, name+".csv")}),
			chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("table.preview")),
		))
	}
	upload("bad")
	expectText(t, ctx, "main", "1 problem to fix", "Nothing has been imported", "Unknown manager")
	upload("good")
	expectText(t, ctx, "main", "3 new")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="invitations"][value="hold"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
	))
	expectText(t, ctx, "main", "Ida Cole", "Sam Lee", "Tom Berg")
	upload("updated")
	expectText(t, ctx, "main", "0 new, 1 changed")
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/people/import/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table.people")),
	))
	expectText(t, ctx, "main", "1 updated")
}
