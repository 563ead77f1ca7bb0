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
