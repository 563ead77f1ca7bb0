package service_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

func (w *world) fit(circleID, userID string) *pulses.FitView {
	w.t.Helper()
	v, err := w.pulses.Fit(ctx, w.user(userID), circleID)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *world) answerFit(circleID, userID string, f pulse.Fit) *pulses.Rematch {
	w.t.Helper()
	r, err := w.pulses.AnswerFit(ctx, w.user(userID), circleID, f)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) programFit(programID string) pulses.FitConcerns {
	w.t.Helper()
	f, err := w.pulses.ProgramFit(ctx, w.admin, programID)
	if err != nil {
		w.t.Fatal(err)
	}
	org, byProgram, err := w.pulses.FitConcernsByProgram(ctx, w.admin)
	if err != nil {
		w.t.Fatal(err)
	}
	if byProgram[programID] != f && !(f.Pool != nil && byProgram[programID].Pool != nil && *f.Pool == *byProgram[programID].Pool) {
		w.t.Errorf("the program's fit %+v, by program %+v", f, byProgram[programID])
	}
	if org.Answered != f.Answered || org.Concerns != f.Concerns {
		w.t.Errorf("one program: the organisation's fit %+v, the program's %+v", org, f)
	}
	return f
}

// The fit check opens after a circle's first meeting and closes after
// its third; each member answers once, a no is offered re-matching, and
// the admin hears of a fit concern only from the second no, never who.
func TestFitCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		if v := w.fit(id, "u01"); v.Open || v.Answered {
			t.Fatalf("before the first meeting: %+v", v)
		}
		if _, err := w.pulses.AnswerFit(ctx, w.user("u01"), id, pulse.FitYes); !errors.Is(err, pulse.ErrFitClosed) {
			t.Errorf("answering before the first meeting: %v", err)
		}
		w.now = fortnightlyStarts[0].Add(time.Hour)
		if v := w.fit(id, "u01"); !v.Open || v.Answered {
			t.Fatalf("after the first meeting: %+v", v)
		}
		if _, err := w.pulses.AnswerFit(ctx, w.user("u01"), id, "maybe"); fieldMessage(err, "fit") == "" {
			t.Errorf("an answer that is none of the three: %v", err)
		}
		if r := w.answerFit(id, "u01", pulse.FitYes); r != nil {
			t.Errorf("a yes is offered re-matching: %+v", r)
		}
		if v := w.fit(id, "u01"); !v.Answered {
			t.Error("u01 is not told they answered")
		}
		if _, err := w.pulses.AnswerFit(ctx, w.user("u01"), id, pulse.FitNo); !errors.Is(err, pulse.ErrFitAnswered) || fault.KindOf(err) != fault.Conflict {
			t.Errorf("answering twice: %v", err)
		}
		errs := together(
			func() error { _, err := w.pulses.AnswerFit(ctx, w.user("u02"), id, pulse.FitUnsure); return err },
			func() error { _, err := w.pulses.AnswerFit(ctx, w.user("u02"), id, pulse.FitUnsure); return err })
		oneWins(t, "u02 answers twice at once", errs)

		// One no: offered re-matching, privately; the admin is told nothing.
		r := w.answerFit(id, "u03", pulse.FitNo)
		if r == nil || r.CircleID != id || len(r.Programs) != 1 || r.Programs[0].ID != p.ID {
			t.Errorf("a no is offered %+v, want leaving and the program open for opt-in", r)
		}
		if f := w.programFit(p.ID); f.Answered != 1 || f.Concerns != 0 || f.Pool != nil {
			t.Errorf("one no: the admin sees %+v, want one circle answered and no concern", f)
		}
		if c, err := w.pulses.FitConcernIn(ctx, w.admin, []string{id}); err != nil || c[id] {
			t.Errorf("one no: the circle is flagged (%v)", err)
		}
		// The second no makes a concern.
		w.answerFit(id, "u04", pulse.FitNo)
		if f := w.programFit(p.ID); f.Answered != 1 || f.Concerns != 1 || f.Pool != nil {
			t.Errorf("two noes: the admin sees %+v, want one concern and no pool", f)
		}
		if c, err := w.pulses.FitConcernIn(ctx, w.admin, []string{id}); err != nil || !c[id] {
			t.Errorf("two noes: the circle is not flagged (%v)", err)
		}

		for _, u := range []*account.User{w.user("u05"), w.admin} {
			if _, err := w.pulses.Fit(ctx, u, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads the fit check: %v", u.ID, err)
			}
			if _, err := w.pulses.AnswerFit(ctx, u, id, pulse.FitNo); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s answers the fit check: %v", u.ID, err)
			}
		}
		if _, err := w.pulses.ProgramFit(ctx, w.user("u01"), p.ID); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("a member reads the program's fit: %v", err)
		}
		if _, err := w.pulses.FitConcernIn(ctx, w.user("u01"), []string{id}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("a member reads the concerns: %v", err)
		}

		// After the third meeting the check has closed.
		w.now = fortnightlyStarts[2].Add(time.Hour)
		if v := w.fit(id, "u01"); v.Open {
			t.Errorf("after the third meeting: %+v", v)
		}
	})
}

// An admin sees the answers pooled only over closed fit checks of five
// respondents across two circles.
func TestFitPoolForAdmins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		a := w.scheduled(p, "u01", "u02", "u03", "u04")
		b := w.scheduled(p, "u05", "u06", "u07")
		w.now = fortnightlyStarts[0].Add(time.Hour)
		for u, f := range map[string]pulse.Fit{"u01": pulse.FitYes, "u02": pulse.FitYes, "u03": pulse.FitUnsure, "u04": pulse.FitNo} {
			w.answerFit(a, u, f)
		}
		w.fit(b, "u05")
		if err := w.db.CloseFit(ctx, w.org.ID, a); err != nil {
			t.Fatal(err)
		}
		if f := w.programFit(p.ID); f.Pool != nil || f.Answered != 1 {
			t.Errorf("four in one closed circle: %+v", f)
		}
		w.answerFit(b, "u05", pulse.FitYes)
		if f := w.programFit(p.ID); f.Pool != nil || f.Answered != 2 {
			t.Errorf("five across two circles, one still open: %+v", f)
		}
		// The hourly upkeep closes b after its third meeting, without a visit.
		w.now = fortnightlyStarts[2].Add(time.Hour)
		if err := w.pulses.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		f := w.programFit(p.ID)
		if f.Pool == nil || *f.Pool != (pulse.FitSummary{Respondents: 5, Yes: 3, Unsure: 1, No: 1}) || f.Concerns != 0 {
			t.Errorf("five across two closed circles: %+v (pool %+v)", f, f.Pool)
		}
	})
}

// The hourly upkeep opens a pulse round that has come due and a fit check
// after the first meeting, though nobody looked at the circle.
func TestPulseUpkeepOpensRounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		if err := w.pulses.SetCadence(ctx, w.user("u01"), id, 2); err != nil {
			t.Fatal(err)
		}
		w.now = fortnightlyStarts[0].Add(time.Hour)
		if err := w.pulses.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if st, err := w.db.FindFitState(ctx, w.org.ID, id, ""); err != nil || !st.Opened || st.Closed {
			t.Errorf("after the first meeting the fit check is %+v (%v)", st, err)
		}
		w.now = fortnightlyStarts[1].Add(time.Hour)
		errs := together(func() error { return w.pulses.UpkeepAll(ctx) }, func() error { return w.pulses.UpkeepAll(ctx) })
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rounds, err := w.db.FindPulseRounds(ctx, w.org.ID, id)
		if err != nil || len(rounds) != 1 || rounds[0].Number != 1 || rounds[0].Held != 2 {
			t.Errorf("after two meetings and two upkeeps at once: rounds %+v (%v)", rounds, err)
		}
	})
}

// A fit answer is kept as counts, apart from the mark that someone
// answered: no column ties the one to the other.
func TestFitAnswersCarryNoIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, _ := newCircleWorld(t, dbURL)
		for table, want := range map[string][]string{
			"fit_counts":   {"circle_id", "closed", "no_count", "org_id", "unsure_count", "yes_count"},
			"fit_answered": {"circle_id", "org_id", "user_id"},
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
