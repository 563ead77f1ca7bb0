package service_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// aliveWorld is a circle of four (u01–u04) on the fortnightly schedule.
func aliveWorld(t *testing.T, dbURL string) (w *world, p *program.Program, c string) {
	t.Helper()
	w, p = newCircleWorld(t, dbURL)
	c = w.scheduled(p, "u01", "u02", "u03", "u04")
	return w, p, c
}

// hold runs meeting i of circle c with present there, and the hourly
// upkeep twice an hour after it ended: a second run must tell nobody
// anything new.
func (w *world) hold(c string, i int, present ...string) {
	w.t.Helper()
	m := w.meetings(c)[i]
	w.now = m.Start.Add(10 * time.Minute)
	for _, u := range present {
		if _, err := w.db.RecordPresence(ctx, w.org.ID, m.ID, u); err != nil {
			w.t.Fatal(err)
		}
	}
	w.now = m.End.Add(time.Hour)
	for range 2 {
		if err := w.circles.UpkeepAll(ctx); err != nil {
			w.t.Fatal(err)
		}
	}
}

// notComing answers for userID that they cannot come to meeting i.
func (w *world) notComing(dbURL, c string, i int, userID string) {
	w.t.Helper()
	m := w.meetings(c)[i]
	storetest.Exec(w.t, dbURL, `INSERT INTO meeting_rsvps (org_id, meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, 'not_coming', $4)`,
		w.org.ID, m.ID, userID, w.now.UTC())
}

func (w *world) told(userID string) (nudges, asks int) {
	e := w.user(userID).Email
	return w.mailTo(e, "We missed you"), w.mailTo(e, "Pause for a while, or leave")
}

func (w *world) struggling(p *program.Program, c string) (count int, flagged bool) {
	w.t.Helper()
	ov, err := w.circles.Overview(ctx, w.admin, p.ID, 1, false)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, h := range ov.Circles {
		if h.ID == c {
			flagged = h.Struggling
		}
	}
	byProgram, err := w.circles.Struggling(ctx, w.admin)
	if err != nil {
		w.t.Fatal(err)
	}
	if byProgram[p.ID] != ov.Struggling || len(byProgram) > 1 {
		w.t.Errorf("struggling by program %v, the program's page counts %d", byProgram, ov.Struggling)
	}
	return ov.Struggling, flagged
}

func TestKeepingAlive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p, c := aliveWorld(t, dbURL)
		type want struct{ nudges, asks int }
		check := func(step string, wants map[string]want, struggling bool) {
			t.Helper()
			for u, wt := range wants {
				if n, a := w.told(u); n != wt.nudges || a != wt.asks {
					t.Errorf("%s: %s was nudged %d and asked %d times, want %d and %d", step, u, n, a, wt.nudges, wt.asks)
				}
			}
			n, flagged := w.struggling(p, c)
			if flagged != struggling || (n == 1) != struggling {
				t.Errorf("%s: struggling %v (%d in the program), want %v", step, flagged, n, struggling)
			}
		}

		// Of four members, three, then exactly two (half is not below
		// half), then one come. u03 said beforehand they could not come
		// to the second.
		w.hold(c, 0, "u01", "u02", "u03")
		check("one missed", map[string]want{"u04": {0, 0}}, false)
		w.now = w.meetings(c)[1].Start.Add(-time.Hour)
		w.notComing(dbURL, c, 1, "u03")
		w.hold(c, 1, "u01", "u02")
		check("two missed", map[string]want{"u04": {1, 0}, "u03": {0, 0}}, false)
		w.hold(c, 2, "u01")
		check("three missed", map[string]want{"u04": {1, 1}, "u02": {0, 0}, "u03": {0, 0}}, false)
		w.hold(c, 3, "u01")
		// Two of the last three meetings had one member of four, the
		// third exactly two: not struggling yet.
		check("four missed", map[string]want{"u04": {1, 1}, "u02": {1, 0}, "u03": {1, 0}}, false)
		w.hold(c, 4, "u01")
		check("five missed", map[string]want{"u04": {1, 1}, "u02": {1, 1}, "u03": {1, 1}, "u01": {0, 0}}, true)

		// The admin is told that it struggles, never who was missing: the
		// circle's members are listed as ever, and nothing else.
		if _, err := w.circles.Standing(ctx, w.admin, c); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an admin reads a member's standing: %v, want not found", err)
		}

		// u04 pauses: no reminders, and not counted as missing while
		// paused; the circle sees until when.
		has := func(u string) bool {
			st, err := w.db.FindCircleState(ctx, w.org.ID, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range st.Reminders {
				if r.UserID == u {
					return true
				}
			}
			return false
		}
		if !has("u04") {
			t.Fatal("u04 has no reminders before pausing")
		}
		for _, weeks := range []int{circle.PauseMinWeeks - 1, circle.PauseMaxWeeks + 1} {
			if _, err := w.circles.Pause(ctx, w.user("u04"), c, weeks); fault.KindOf(err) != fault.Invalid {
				t.Errorf("a pause of %d weeks: %v, want invalid", weeks, err)
			}
		}
		end, err := w.circles.Pause(ctx, w.user("u04"), c, circle.PauseMinWeeks)
		if err != nil {
			t.Fatal(err)
		}
		if want := w.now.Add(14 * 24 * time.Hour); !end.Equal(want) {
			t.Errorf("the pause ends %v, want %v", end, want)
		}
		if _, err := w.circles.Pause(ctx, w.user("u04"), c, 4); !errors.Is(err, circle.ErrPaused) {
			t.Errorf("a second pause: %v, want ErrPaused", err)
		}
		if has("u04") {
			t.Error("u04 still has reminders while pausing")
		}
		home, err := w.circles.Home(ctx, w.user("u01"), c)
		if err != nil {
			t.Fatal(err)
		}
		if got := home.Paused["u04"]; !got.Equal(end) || len(home.Paused) != 1 {
			t.Errorf("the circle sees pauses %v, want u04 until %v", home.Paused, end)
		}
		st, err := w.circles.Standing(ctx, w.user("u04"), c)
		if err != nil || st.PausedUntil == nil || !st.PausedUntil.Equal(end) {
			t.Errorf("u04's standing: %+v, %v", st, err)
		}

		// u02 comes back; u04 misses the next two meetings while
		// pausing, and is told nothing.
		w.hold(c, 5, "u01", "u02")
		w.hold(c, 6, "u01", "u02", "u03")
		check("while pausing", map[string]want{"u04": {1, 1}, "u02": {1, 1}}, false)

		// The pause ends by itself at its end, and meetings count again
		// from then: one missed is not two.
		w.now = end.Add(time.Minute)
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if st, err := w.circles.Standing(ctx, w.user("u04"), c); err != nil || st.PausedUntil != nil {
			t.Errorf("after the pause's end: %+v, %v", st, err)
		}
		if !has("u04") {
			t.Error("u04 has no reminders after the pause")
		}
		next := 0
		for i, m := range w.meetings(c) {
			if m.Start.After(end) {
				next = i
				break
			}
		}
		w.hold(c, next, "u01", "u02", "u03")
		check("one missed after the pause", map[string]want{"u04": {1, 1}}, false)
		w.hold(c, next+1, "u01", "u02", "u03")
		check("two missed after the pause", map[string]want{"u04": {2, 1}}, false)

		// Resuming early: only while pausing.
		if err := w.circles.Resume(ctx, w.user("u04"), c); !errors.Is(err, circle.ErrNotPaused) {
			t.Errorf("resuming without a pause: %v, want ErrNotPaused", err)
		}
		if _, err := w.circles.Pause(ctx, w.user("u04"), c, circle.PauseMaxWeeks); err != nil {
			t.Fatal(err)
		}
		if err := w.circles.Resume(ctx, w.user("u04"), c); err != nil {
			t.Fatal(err)
		}
		if !has("u04") {
			t.Error("u04 has no reminders after resuming")
		}
		if _, err := w.circles.Pause(ctx, w.user("u05"), c, 4); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a non-member pauses: %v, want not found", err)
		}
	})
}

// TestPauseConcurrently has two pauses, two resumes, and a pause and a
// leave, arrive at once: one of each pair wins, the other gets a
// conflict.
func TestPauseConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, _, c := aliveWorld(t, dbURL)
		u := w.user("u02")
		both := func(a, b func() error) (errs [2]error) {
			var wg sync.WaitGroup
			for i, f := range []func() error{a, b} {
				wg.Go(func() { errs[i] = f() })
			}
			wg.Wait()
			return errs
		}
		pause := func() error { _, err := w.circles.Pause(ctx, u, c, 4); return err }
		resume := func() error { return w.circles.Resume(ctx, u, c) }
		oneWins := func(what string, errs [2]error) {
			t.Helper()
			ok, conflict := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case fault.KindOf(err) == fault.Conflict:
					conflict++
				}
			}
			if ok != 1 || conflict != 1 {
				t.Errorf("%s: %v, want one to succeed and one conflict", what, errs)
			}
		}
		oneWins("two pauses", both(pause, pause))
		oneWins("two resumes", both(resume, resume))

		// A leave and a pause: the leave always goes through (a pausing
		// member may leave); a pause that comes after it is refused.
		errs := both(pause, func() error { return w.circles.Leave(ctx, u, c, "") })
		if errs[1] != nil {
			t.Errorf("the leave: %v", errs[1])
		}
		if errs[0] != nil && fault.KindOf(errs[0]) != fault.Conflict && !errors.Is(errs[0], store.ErrNotFound) {
			t.Errorf("the pause beside a leave: %v, want success, a conflict or not found", errs[0])
		}
		if err := pause(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a pause after leaving: %v, want not found", err)
		}
	})
}
