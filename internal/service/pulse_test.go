package service_test

import (
	"errors"

	"github.com/holdspace/holdspace/internal/account"
	"slices"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// answer is a member's answers that score s on every item, the reverse
// items answered the other way round.
func answer(s int) pulse.Answer { return pulse.Answer{8 - s, s, 8 - s, s, 8 - s, s, s} }

func (w *world) pulse(circleID, userID string) *pulses.View {
	w.t.Helper()
	v, err := w.pulses.Circle(ctx, w.user(userID), circleID)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

// A circle's pulse opens every few meetings, shows nothing until three
// members answered, refuses a second answer, is hidden from everyone
// outside, and suggests talking about it when it drops.
func TestPulseInACircle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		if err := w.pulses.SetCadence(ctx, w.user("u02"), id, 0); fieldMessage(err, "cadence") == "" {
			t.Errorf("a cadence of 0: %v", err)
		}
		if err := w.pulses.SetCadence(ctx, w.user("u02"), id, 2); err != nil {
			t.Fatal(err)
		}
		if v := w.pulse(id, "u01"); v.Open != nil || v.Cadence != 2 {
			t.Fatalf("before any meeting: %+v", v)
		}
		w.now = fortnightlyStarts[1].Add(time.Hour) // two meetings held
		v := w.pulse(id, "u01")
		if v.Open == nil || v.Open.Number != 1 || v.Open.Waiting != 3 {
			t.Fatalf("after two meetings: %+v", v.Open)
		}

		if err := w.pulses.Answer(ctx, w.user("u01"), id, 1, pulse.Answer{1, 2, 3, 4, 5, 6, 9}); fieldMessage(err, "item7") == "" {
			t.Errorf("an answer off the scale: %v", err)
		}
		for _, u := range []string{"u01", "u02"} {
			if err := w.pulses.Answer(ctx, w.user(u), id, 1, answer(6)); err != nil {
				t.Fatal(err)
			}
		}
		v = w.pulse(id, "u03")
		if v.Open.Respondents != 2 || v.Open.Waiting != 1 || len(v.Trend.Rounds) != 0 || v.Open.Answered {
			t.Errorf("two answered: %+v, trend %+v; want nothing shown, waiting for one more", v.Open, v.Trend)
		}
		if err := w.pulses.Answer(ctx, w.user("u01"), id, 1, answer(1)); !errors.Is(err, pulse.ErrAnswered) || fault.KindOf(err) != fault.Conflict {
			t.Errorf("answering twice: %v", err)
		}
		if !w.pulse(id, "u01").Open.Answered {
			t.Error("u01 is not told they answered")
		}
		// Two answers of one member at once: one is counted.
		errs := together(
			func() error { return w.pulses.Answer(ctx, w.user("u03"), id, 1, answer(3)) },
			func() error { return w.pulses.Answer(ctx, w.user("u03"), id, 1, answer(3)) })
		oneWins(t, "u03 answers twice at once", errs)
		v = w.pulse(id, "u04")
		if len(v.Trend.Rounds) != 1 || v.Trend.Rounds[0].Respondents != 3 || v.Trend.Rounds[0].Mean != 5 || v.Trend.Dropped {
			t.Errorf("three answered: trend %+v, want round 1 at a mean of 5", v.Trend)
		}

		// Outside the circle: not found, for a member and for the admin.
		for _, u := range []*account.User{w.user("u05"), w.admin} {
			if _, err := w.pulses.Circle(ctx, u, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads the pulse: %v", u.ID, err)
			}
			if err := w.pulses.Answer(ctx, u, id, 1, answer(4)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s answers: %v", u.ID, err)
			}
			if err := w.pulses.SetCadence(ctx, u, id, 3); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s sets the cadence: %v", u.ID, err)
			}
		}

		// Round 2 opens two meetings later; round 1 no longer takes answers.
		w.now = fortnightlyStarts[3].Add(time.Hour)
		if v := w.pulse(id, "u01"); v.Open.Number != 2 || v.Open.Answered {
			t.Fatalf("after four meetings: %+v", v.Open)
		}
		if err := w.pulses.Answer(ctx, w.user("u04"), id, 1, answer(4)); !errors.Is(err, pulse.ErrNoRound) {
			t.Errorf("answering a closed round: %v", err)
		}
		for _, u := range []string{"u01", "u02", "u03"} {
			if err := w.pulses.Answer(ctx, w.user(u), id, 2, answer(4)); err != nil {
				t.Fatal(err)
			}
		}
		v = w.pulse(id, "u04")
		if len(v.Trend.Rounds) != 2 || v.Trend.Rounds[1].Mean != 4 || !v.Trend.Dropped {
			t.Errorf("a lower second round: trend %+v, want a drop", v.Trend)
		}
		// The next meeting's room suggests talking about it.
		for _, m := range w.meetings(id) {
			if m.Start.After(w.now) {
				rv, err := w.room.Room(ctx, w.user("u02"), id, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if rv.Suggested != pulse.SuggestedItem {
					t.Errorf("the next meeting's room suggests %q, want %q", rv.Suggested, pulse.SuggestedItem)
				}
				break
			}
		}

		// Round 3 answered by two, higher: not shown, so the trend and the
		// room still read the drop from rounds 1 and 2, and the room reads
		// only those two.
		w.now = fortnightlyStarts[5].Add(time.Hour)
		if v := w.pulse(id, "u01"); v.Open.Number != 3 {
			t.Fatalf("after six meetings: %+v", v.Open)
		}
		for _, u := range []string{"u01", "u02"} {
			if err := w.pulses.Answer(ctx, w.user(u), id, 3, answer(5)); err != nil {
				t.Fatal(err)
			}
		}
		latest, err := w.db.FindLatestPulseRounds(ctx, w.admin.OrgID, id, 2)
		if err != nil {
			t.Fatal(err)
		}
		all, err := w.db.FindPulseRounds(ctx, w.admin.OrgID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || len(latest) != 2 || latest[0] != all[0] || latest[1] != all[1] {
			t.Errorf("the latest two shown rounds: %+v; want rounds 1 and 2 of %+v", latest, all)
		}
		if one, err := w.db.FindLatestPulseRounds(ctx, w.admin.OrgID, id, 1); err != nil || len(one) != 1 || one[0] != all[1] {
			t.Errorf("the latest shown round: %+v, %v; want round 2", one, err)
		}
		ms := w.meetings(id)
		last := ms[len(ms)-1]
		rv, err := w.room.Room(ctx, w.user("u02"), id, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rv.Suggested != pulse.SuggestedItem {
			t.Errorf("with round 3 not yet shown, the last meeting's room (%s) suggests %q, want %q", rv.State.Phase, rv.Suggested, pulse.SuggestedItem)
		}
	})
}

// An answer is kept as counts, apart from the mark that someone answered:
// no column ties the one to the other.
func TestPulseAnswersCarryNoIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, _ := newCircleWorld(t, dbURL)
		for table, want := range map[string][]string{
			"pulse_counts":   {"answers", "item", "org_id", "round_id", "score"},
			"pulse_answered": {"org_id", "round_id", "user_id"},
		} {
			rows, err := w.db.ReadDB().QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
			if err != nil {
				t.Fatal(err)
			}
			cols, err := rows.Columns()
			rows.Close()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(cols)
			if !slices.Equal(cols, want) {
				t.Errorf("%s has columns %v, want only %v", table, cols, want)
			}
		}
	})
}

// An admin sees a pool of circles' last closed rounds from five
// respondents across two circles, never less and never one circle.
func TestPulsePoolForAdmins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		a := w.scheduled(p, "u01", "u02", "u03", "u04")
		b := w.scheduled(p, "u05", "u06", "u07")
		for id, u := range map[string]string{a: "u01", b: "u05"} {
			if err := w.pulses.SetCadence(ctx, w.user(u), id, 2); err != nil {
				t.Fatal(err)
			}
		}
		pool := func() *pulse.Summary {
			t.Helper()
			_, pp, err := w.pulses.ProgramPool(ctx, w.admin, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			op, err := w.pulses.OrgPool(ctx, w.admin)
			if err != nil {
				t.Fatal(err)
			}
			if (pp.Summary == nil) != (op.Summary == nil) {
				t.Errorf("program pool %+v, organisation pool %+v", pp.Summary, op.Summary)
			}
			return pp.Summary
		}
		answerAll := func(id string, number int, users ...string) {
			t.Helper()
			for _, u := range users {
				if err := w.pulses.Answer(ctx, w.user(u), id, number, answer(5)); err != nil {
					t.Fatal(err)
				}
			}
		}

		w.now = fortnightlyStarts[1].Add(time.Hour) // round 1 opens in both
		w.pulse(a, "u01")
		w.pulse(b, "u05")
		answerAll(a, 1, "u01", "u02", "u03")
		answerAll(b, 1, "u05")
		if s := pool(); s != nil {
			t.Errorf("open rounds are pooled: %+v", s)
		}
		w.now = fortnightlyStarts[3].Add(time.Hour) // round 2 opens, round 1 closes
		w.pulse(a, "u01")
		if s := pool(); s != nil {
			t.Errorf("one circle of three is shown: %+v", s)
		}
		w.pulse(b, "u05")
		if s := pool(); s != nil {
			t.Errorf("four across two circles are shown: %+v", s)
		}
		answerAll(a, 2, "u01", "u02", "u03")
		answerAll(b, 2, "u05", "u06")
		w.now = fortnightlyStarts[5].Add(time.Hour) // round 3 opens, round 2 closes
		w.pulse(a, "u01")
		w.pulse(b, "u05")
		s := pool()
		if s == nil || s.Respondents != 5 || s.Mean != 5 {
			t.Errorf("five across two circles: %+v", s)
		}

		if _, _, err := w.pulses.ProgramPool(ctx, w.user("u01"), p.ID); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("a member reads the program's pool: %v", err)
		}
	})
}
