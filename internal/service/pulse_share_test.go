package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// A circle's own pulse reaches its program's admins only while every
// member agrees, and then only its finished rounds that three answered;
// one member withdrawing stops it, and a member leaving takes their
// agreement with them.
func TestPulseSharedByTheWholeCircle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		if err := w.pulses.SetCadence(ctx, w.user("u01"), id, 2); err != nil {
			t.Fatal(err)
		}
		w.now = fortnightlyStarts[1].Add(time.Hour)
		w.pulse(id, "u01") // opens round 1
		for _, u := range []string{"u01", "u02", "u03"} {
			if err := w.pulses.Answer(ctx, w.user(u), id, 1, answer(6)); err != nil {
				t.Fatal(err)
			}
		}
		shared := func() []int {
			t.Helper()
			list, total, err := w.pulses.Shared(ctx, w.admin, "")
			if err != nil {
				t.Fatal(err)
			}
			if total != len(list) {
				t.Errorf("total %d, listed %d", total, len(list))
			}
			var means []int
			for _, c := range list {
				if c.CircleID != id {
					t.Errorf("circle %s is shared", c.CircleID)
				}
				for _, r := range c.Trend.Rounds {
					means = append(means, int(r.Mean))
				}
				if means == nil {
					means = []int{}
				}
			}
			return means
		}

		// Three of four agree: not shared.
		for _, u := range []string{"u01", "u02", "u03"} {
			if err := w.pulses.SetShare(ctx, w.user(u), id, true); err != nil {
				t.Fatal(err)
			}
		}
		if v := w.pulse(id, "u04"); v.Share.Members != 4 || v.Share.Agreed != 3 || v.Share.Mine || v.Share.Shared() {
			t.Errorf("three of four agreed: %+v", v.Share)
		}
		if got := shared(); got != nil {
			t.Errorf("three of four agreed, the admin sees %v", got)
		}
		// The fourth agrees twice at once: one agreement counts.
		errs := together(
			func() error { return w.pulses.SetShare(ctx, w.user("u04"), id, true) },
			func() error { return w.pulses.SetShare(ctx, w.user("u04"), id, true) })
		oneWins(t, "u04 agrees twice at once", errs)
		if err := w.pulses.SetShare(ctx, w.user("u04"), id, true); !errors.Is(err, pulse.ErrShareAgreed) {
			t.Errorf("agreeing again: %v", err)
		}
		if v := w.pulse(id, "u04"); !v.Share.Shared() || !v.Share.Mine {
			t.Errorf("all agreed: %+v", v.Share)
		}
		// Round 1 is still open: the admin sees the circle, but no round.
		if got := shared(); got == nil || len(got) != 0 {
			t.Errorf("round 1 open, the admin sees %v; want the circle with no round", got)
		}
		// Once round 2 opens, round 1 is finished and shown; round 2 is not,
		// even once answered.
		w.now = fortnightlyStarts[3].Add(time.Hour)
		w.pulse(id, "u01")
		for _, u := range []string{"u01", "u02", "u03"} {
			if err := w.pulses.Answer(ctx, w.user(u), id, 2, answer(4)); err != nil {
				t.Fatal(err)
			}
		}
		if got := shared(); len(got) != 1 || got[0] != 6 {
			t.Errorf("round 1 finished, round 2 open: the admin sees %v, want [6]", got)
		}
		// The program's list holds it; another program's does not.
		if list, _, err := w.pulses.Shared(ctx, w.admin, p.ID); err != nil || len(list) != 1 {
			t.Errorf("the program's shared circles: %v, %v", list, err)
		}
		// Only admins read it; a member, even of the circle, is refused.
		if _, _, err := w.pulses.Shared(ctx, w.user("u01"), ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a member reads the shared circles: %v", err)
		}
		// Outside the circle nobody agrees for it.
		for _, u := range []string{"u05"} {
			if err := w.pulses.SetShare(ctx, w.user(u), id, true); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s agrees for a circle not theirs: %v", u, err)
			}
		}
		if err := w.pulses.SetShare(ctx, w.admin, id, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the admin agrees for the circle: %v", err)
		}

		// One member withdraws: nothing is shown.
		if err := w.pulses.SetShare(ctx, w.user("u02"), id, false); err != nil {
			t.Fatal(err)
		}
		if err := w.pulses.SetShare(ctx, w.user("u02"), id, false); !errors.Is(err, pulse.ErrShareNotAgreed) {
			t.Errorf("withdrawing twice: %v", err)
		}
		if got := shared(); got != nil {
			t.Errorf("after a withdrawal the admin sees %v", got)
		}
		// The one who withdrew leaves: the three left all agree, so it is
		// shared again; their agreement went with them.
		if err := w.circles.Leave(ctx, w.user("u02"), id, ""); err != nil {
			t.Fatal(err)
		}
		if v := w.pulse(id, "u01"); v.Share.Members != 3 || v.Share.Agreed != 3 || !v.Share.Shared() {
			t.Errorf("after u02 left: %+v", v.Share)
		}
		if got := shared(); len(got) != 1 {
			t.Errorf("the three left all agree, the admin sees %v", got)
		}
		if err := w.circles.Leave(ctx, w.user("u03"), id, ""); err != nil {
			t.Fatal(err)
		}
		if v := w.pulse(id, "u01"); v.Share.Members != 2 || v.Share.Agreed != 2 {
			t.Errorf("an agreeing member left: %+v, want their agreement gone", v.Share)
		}
	})
}
