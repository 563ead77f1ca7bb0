package service_test

import (
	"testing"

	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestOptInCount follows a program's count of opt-ins, which the store
// keeps rather than counts, through everything that changes it: opting
// in, changing an opt-in, withdrawing, a person leaving with their
// opt-in kept and coming back, and opting in again.
func TestOptInCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 6)
		p := w.program(program.FormatGroup)
		other := w.program(program.FormatGroup)
		dir := w.directory()
		want := func(step string, n int) {
			t.Helper()
			page, err := w.programs.Participants(ctx, w.admin, p.ID, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != n || len(page.Participants) != n {
				t.Errorf("%s: a total of %d with %d listed, want %d", step, page.Total, len(page.Participants), n)
			}
		}
		want("none yet", 0)
		for _, id := range []string{"u01", "u02", "u03"} {
			w.optIn(w.user(id), p, "Feedback")
		}
		w.optIn(w.user("u02"), other, "Feedback")
		want("three opted in", 3)
		w.optIn(w.user("u01"), p, "Delegation")
		want("one changed their opt-in", 3)
		if err := w.programs.Withdraw(ctx, w.user("u03"), p.ID); err != nil {
			t.Fatal(err)
		}
		want("one withdrew", 2)
		if _, err := dir.Deactivate(ctx, w.admin, "u02", nil); err != nil {
			t.Fatal(err)
		}
		want("one left", 1)
		if page, err := w.programs.Participants(ctx, w.admin, other.ID, "", 100); err != nil || page.Total != 0 {
			t.Errorf("the other program after the leaver: %+v, %v", page, err)
		}
		if _, err := dir.Reactivate(ctx, w.admin, "u02", nil); err != nil {
			t.Fatal(err)
		}
		want("the leaver came back", 2)
		if page, err := w.programs.Participants(ctx, w.admin, other.ID, "", 100); err != nil || page.Total != 1 {
			t.Errorf("the other program after the leaver came back: %+v, %v", page, err)
		}
		w.optIn(w.user("u03"), p, "Feedback")
		want("one opted in again", 3)
	})
}
