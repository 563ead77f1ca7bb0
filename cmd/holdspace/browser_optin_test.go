package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// cellsAt returns the middles of the grid's cells, each a day (0 =
// Monday) and an hour, in viewport pixels, once the first is scrolled into
// the middle of the view.
func cellsAt(t *testing.T, ctx context.Context, cells ...[2]int) [][2]float64 {
	t.Helper()
	var values []string
	for _, c := range cells {
		values = append(values, fmt.Sprintf("%d-%d", c[0], c[1]*60))
	}
	xy, err := chromedp.Run(ctx, chromedp.Evaluate[[][]float64](fmt.Sprintf(`(() => {
		const values = %q.split(",");
		const box = (v) => document.querySelector('input[name="slot"][value="' + v + '"]');
		box(values[0]).scrollIntoView({block: "center", inline: "center"});
		return values.map((v) => { const r = box(v).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; });
	})()`, strings.Join(values, ","))))
	must(t, err)
	out := make([][2]float64, len(xy))
	for i, p := range xy {
		out[i] = [2]float64{p[0], p[1]}
	}
	return out
}

// mouseDrag presses the mouse on the first cell, moves over the cells
// between, and lets go on the last.
func mouseDrag(t *testing.T, ctx context.Context, cells ...[2]int) {
	t.Helper()
	points := cellsAt(t, ctx, cells...)
	send := func(typ input.DispatchMouseEventType, p [2]float64, buttons int64) {
		_, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: typ, X: p[0], Y: p[1],
			Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1})
		must(t, err)
	}
	send(input.DispatchMouseEventTypeMouseMoved, points[0], 0)
	send(input.DispatchMouseEventTypeMousePressed, points[0], 1)
	for _, p := range points[1:] {
		send(input.DispatchMouseEventTypeMouseMoved, p, 1)
	}
	send(input.DispatchMouseEventTypeMouseReleased, points[len(points)-1], 0)
}

// touchDrag puts a finger on the first cell, slides it over the others
// and lifts it.
func touchDrag(t *testing.T, ctx context.Context, cells ...[2]int) {
	t.Helper()
	points := cellsAt(t, ctx, cells...)
	touch := func(typ input.DispatchTouchEventType, p *[2]float64) {
		params := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		if p != nil {
			params.TouchPoints = append(params.TouchPoints, &input.TouchPoint{X: p[0], Y: p[1]})
		}
		_, err := chromedp.Call(ctx, input.DispatchTouchEvent, params)
		must(t, err)
	}
	touch(input.DispatchTouchEventTypeTouchStart, &points[0])
	for i := range points[1:] {
		touch(input.DispatchTouchEventTypeTouchMove, &points[i+1])
	}
	touch(input.DispatchTouchEventTypeTouchEnd, nil)
}

func marked(t *testing.T, ctx context.Context) []string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input[name="slot"]:checked')].map((b) => b.value)`))
	must(t, err)
	return v
}

// TestBrowserAvailabilityGrid marks a week on the opt-in grid the ways a
// person would, on a phone: dragging a finger down a day, dragging the
// mouse across an hour, dragging from a marked hour to clear, a day's
// heading, and the keyboard; then checks what was saved.
func TestBrowserAvailabilityGrid(t *testing.T) {
	ctx := browser(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": dbURL}, "--demo")

	signIn(t, ctx, in.URL, "ruth@northwind.example")
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(in.URL+"/programs"),
		chromedp.Click(chromedp.Search(`//a[text()="Leadership circles, spring"]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
		chromedp.Click(chromedp.CSS(`a.button[href$="/opt-in"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.avail.paintable")),
		chromedp.Click(chromedp.CSS(`.chip input[value="Giving feedback"] + span`)),
	))
	_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1})
	must(t, err)
	if got := marked(t, ctx); len(got) != 0 {
		t.Fatalf("a new opt-in starts with %v marked", got)
	}

	// Tuesday 09:00 to 12:00 by finger, then Wednesday to Friday at 14:00
	// by mouse.
	touchDrag(t, ctx, [2]int{1, 9}, [2]int{1, 10}, [2]int{1, 11}, [2]int{1, 12})
	mouseDrag(t, ctx, [2]int{2, 14}, [2]int{3, 14}, [2]int{4, 14})
	// A drag that starts on a marked hour clears: Tuesday 11:00 and 12:00.
	touchDrag(t, ctx, [2]int{1, 11}, [2]int{1, 12})
	// A click on one cell marks just it: Monday 06:00, the grid's first hour.
	p := cellsAt(t, ctx, [2]int{0, 6})[0]
	must(t, chromedp.Do(ctx, chromedp.MouseClickXY(p[0], p[1])))
	// Saturday's heading marks the whole day.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`th[data-day="5"] button`))))
	// The keyboard: from Sunday 20:00, down one hour to 21:00, the grid's
	// last, and space. Each key waits for the last to have landed, as a
	// person's next key would: a busy machine may be slower to move the
	// focus than the test is to press.
	focused := func(value string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement?.value === "`+value+`"`, chromedp.WithPollingTimeout(5*time.Second)))
		must(t, err)
	}
	must(t, chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`input[name="slot"][value="6-1200"]`))))
	focused("6-1200")
	must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)))
	focused("6-1260")
	must(t, chromedp.Do(ctx, chromedp.KeyEvent(" ")))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('input[name="slot"][value="6-1260"]').checked`, chromedp.WithPollingTimeout(5*time.Second)))
	must(t, err)

	want := []program.Cell{{Day: 0, Minute: 360}, {Day: 1, Minute: 540}, {Day: 1, Minute: 600}, {Day: 2, Minute: 840}, {Day: 3, Minute: 840}, {Day: 4, Minute: 840}}
	for h := 6; h < 22; h++ {
		want = append(want, program.Cell{Day: 5, Minute: h * 60})
	}
	want = append(want, program.Cell{Day: 6, Minute: 1260})
	var wantValues []string
	for _, c := range want {
		wantValues = append(wantValues, fmt.Sprintf("%d-%d", c.Day, c.Minute))
	}
	got := marked(t, ctx)
	slices.Sort(got)
	slices.Sort(wantValues)
	if !slices.Equal(got, wantValues) {
		t.Fatalf("marked %v, want %v", got, wantValues)
	}
	must(t, chromedp.Do(ctx, submit(chromedp.Submit(chromedp.CSS("#goals")), "You're in")))

	db, err := store.Open(context.Background(), dbURL)
	must(t, err)
	defer db.Close()
	ruth, err := db.FindUserByEmail(context.Background(), "ruth@northwind.example")
	must(t, err)
	progs, err := db.FindPrograms(context.Background(), ruth.OrgID)
	must(t, err)
	i := slices.IndexFunc(progs, func(p program.Program) bool { return p.Name == "Leadership circles, spring" })
	if i < 0 {
		t.Fatal("no spring program")
	}
	o, err := db.FindOptIn(context.Background(), ruth.OrgID, progs[i].ID, ruth.ID)
	must(t, err)
	loc, err := account.Location(ruth.Timezone)
	must(t, err)
	saved, err := program.DefaultGrid.ToUTC(want, loc, time.Now())
	must(t, err)
	if !slices.Equal(o.Availability, saved) {
		t.Errorf("saved %v, want %v", o.Availability, saved)
	}
}
