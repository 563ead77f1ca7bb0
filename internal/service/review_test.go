package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestReviewNamesAndRules: circles keep the numbers they were proposed
// under while people move, a circle that breaks a rule says so, and
// publishing refuses the draft naming that circle.
func TestReviewNamesAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 10)
		p := w.program(program.FormatGroup)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		round, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		rv, err := w.programs.Review(ctx, w.admin, round.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rv.Circles) < 3 {
			t.Fatalf("want three circles, got %d", len(rv.Circles))
		}
		for i, c := range rv.Circles {
			if c.Number != i+1 {
				t.Errorf("circle %d of the proposal has number %d", i+1, c.Number)
			}
			if c.MaxScore < c.Score || c.MaxScore == 0 {
				t.Errorf("circle %d scores %.1f of at most %.1f", c.Number, c.Score, c.MaxScore)
			}
			if probs := c.Problems(p); len(probs) > 0 {
				t.Errorf("the matching's circle %d breaks %v", c.Number, probs)
			}
		}
		// Empty circle 1 into the pool: circle 2 is still circle 2.
		first, second := rv.Circles[0], rv.Circles[1]
		for _, m := range first.Members {
			if err := w.programs.Move(ctx, w.admin, round.ID, m.UserID, ""); err != nil {
				t.Fatal(err)
			}
		}
		id, err := w.programs.CircleAt(ctx, w.admin, round.ID, 2)
		if err != nil || id != second.ID {
			t.Fatalf("circle 2 after emptying circle 1 is %q (%v), want %q", id, err, second.ID)
		}
		if _, err := w.programs.CircleAt(ctx, w.admin, round.ID, 1); fault.KindOf(err) != fault.Invalid {
			t.Errorf("moving to the emptied circle 1: %v, want a field error", err)
		}
		rv, _ = w.programs.Review(ctx, w.admin, round.ID, 1)
		if rv.Circles[0].ID != second.ID || rv.Circles[0].Number != 2 {
			t.Errorf("the review opens with circle %d, want circle 2", rv.Circles[0].Number)
		}
		// Taking one of three out leaves two: a pair in a program of
		// circles, which the card and the publishing name.
		if err := w.programs.Move(ctx, w.admin, round.ID, second.Members[0].UserID, ""); err != nil {
			t.Fatal(err)
		}
		rv, _ = w.programs.Review(ctx, w.admin, round.ID, 1)
		probs := rv.Circles[0].Problems(p)
		if len(probs) != 1 || !strings.Contains(probs[0], "Only two people") {
			t.Errorf("circle 2 with two people says %q", probs)
		}
		_, err = w.programs.Publish(ctx, w.admin, round.ID)
		if msg := fault.MessageOf(err); fault.KindOf(err) != fault.Invalid || !strings.Contains(msg, "Circle 2: Only two people") ||
			strings.Contains(msg, "Circle 3") {
			t.Fatalf("publishing with circle 2 too small: %v", err)
		}
		// Placing someone back in circle 2 mends it, and the draft publishes.
		if err := w.programs.Move(ctx, w.admin, round.ID, second.Members[0].UserID, second.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := w.programs.Publish(ctx, w.admin, round.ID); err != nil || n == 0 {
			t.Fatalf("publishing the mended draft: %d, %v", n, err)
		}
	})
}

// TestReviewConcurrentMoves: two admins move the same person at the same
// moment, to two different circles. One move applies, the other is
// refused as a conflict, and the person is in exactly one circle.
func TestReviewConcurrentMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 13)
		p := w.program(program.FormatGroup)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		round, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		rv, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		if len(rv.Circles) < 3 {
			t.Fatalf("want three circles, got %d", len(rv.Circles))
		}
		// Someone of the first circle moves to one of two circles with
		// room.
		from := rv.Circles[0]
		var targets []string
		for _, c := range rv.Circles[1:] {
			if len(c.Members) < p.MaxSize {
				targets = append(targets, c.ID)
			}
		}
		if len(targets) < 2 {
			t.Fatalf("no two circles with room in %d circles", len(rv.Circles))
		}
		who := from.Members[0].UserID

		// Both moves read the draft, then wait for each other before
		// writing (they ask the time only once they have decided).
		var arrived sync.WaitGroup
		arrived.Add(2)
		var once [2]sync.Once
		var mu sync.Mutex
		held := 0
		w.onClock = func() {
			mu.Lock()
			n := held
			if n < 2 {
				held++
			}
			mu.Unlock()
			if n < 2 {
				once[n].Do(arrived.Done)
				waitOrTimeout(&arrived, 5*time.Second)
			}
		}
		errs := make([]error, 2)
		var done sync.WaitGroup
		for i, to := range targets[:2] {
			done.Add(1)
			go func() {
				defer done.Done()
				errs[i] = w.programs.Move(ctx, w.admin, round.ID, who, to)
			}()
		}
		done.Wait()
		w.onClock = nil
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, program.ErrDraftChanged) && fault.KindOf(err) == fault.Conflict:
				refused++
			default:
				t.Fatalf("a concurrent move: %v", err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("%d moves applied and %d refused, want one of each", ok, refused)
		}
		all, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		in := 0
		for _, c := range all.Circles {
			if c.Member(who) != nil {
				in++
			}
		}
		if in != 1 {
			t.Errorf("the moved person is in %d circles", in)
		}
	})
}

// waitOrTimeout waits for wg, or gives up after d, so that a change that
// never reaches the clock cannot hang the test.
func waitOrTimeout(wg *sync.WaitGroup, d time.Duration) {
	c := make(chan struct{})
	go func() { wg.Wait(); close(c) }()
	select {
	case <-c:
	case <-time.After(d):
	}
}
