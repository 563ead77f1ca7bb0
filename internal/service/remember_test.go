package service_test

import (
	"testing"

	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestRememberInside checks the memo a page's services share: a reader
// let into a circle is let in again without a change to what they were
// given showing, and anyone else is still checked.
func TestRememberInside(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		rctx := circles.Remember(ctx)
		c, err := w.circles.Inside(rctx, w.user("u01"), id)
		if err != nil {
			t.Fatal(err)
		}
		c.Members[0].Name = "Changed"
		c.Members = c.Members[:1]
		again, err := w.circles.Inside(rctx, w.user("u01"), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Members) != 3 || again.Members[0].Name == "Changed" {
			t.Errorf("the remembered circle changed with the copy given: %+v", again.Members)
		}
		_, err = w.circles.Inside(rctx, w.user("u04"), id)
		wantErr(t, "someone outside the circle, after a member", err, store.ErrNotFound)
	})
}

// TestRememberMeeting checks that a page's memo reads a meeting once,
// gives each reader a copy of its own, and serves only the circle it was
// read for.
func TestRememberMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		other := w.scheduled(p, "u04", "u05", "u06")
		m := w.meetings(id)[0]
		rctx := store.Remember(ctx)
		before := w.db.Statements()
		first, err := w.db.FindMeetingByID(rctx, w.org.ID, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		first.FacilitatorID = "changed"
		again, err := w.db.FindMeetingByID(rctx, w.org.ID, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := w.db.Statements() - before; n != 1 {
			t.Errorf("the meeting was read %d times under one memo, want once", n)
		}
		if *again != m {
			t.Errorf("the remembered meeting is %+v, want it as read, %+v", *again, m)
		}
		_, err = w.db.FindMeetingByID(rctx, w.org.ID, other, m.ID)
		wantErr(t, "a meeting asked for as another circle's", err, store.ErrNotFound)
		if _, err := w.db.FindMeetingByID(ctx, w.org.ID, id, m.ID); err != nil {
			t.Fatal(err)
		}
		if n := w.db.Statements() - before; n != 3 {
			t.Errorf("%d statements, want a read for the other circle and one without the memo besides", n)
		}
	})
}
