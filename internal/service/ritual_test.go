package service_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// Planted in the closing ritual: only the circle's members read them.
const (
	markAppreciation = "PLANTED-RITUAL-APPRECIATION-5e1"
	markTakeaway     = "PLANTED-RITUAL-TAKEAWAY-a07"
)

// TestClosingRitual: the last meeting of a season, and only it, holds the
// closing ritual; each member writes one appreciation to another member
// and what they take with them; the circle reads them, and nobody else,
// the program's admins included.
func TestClosingRitual(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p, c := aliveWorld(t, dbURL)
		w.hold(c, 0, "u01", "u02", "u03", "u04")
		w.hold(c, 1, "u01", "u02", "u03")
		ms := w.meetings(c)
		last, earlier := ms[1].ID, ms[0].ID
		// While the program runs with no end, no meeting is the last.
		if err := w.room.SaveRitual(ctx, w.user("u01"), c, last, room.Takeaway, "", "Too early"); !errors.Is(err, room.ErrNoRitual) {
			t.Errorf("a ritual before the season ends: %v, want ErrNoRitual", err)
		}
		if err := w.circles.CloseProgram(ctx, w.admin, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.room.SaveRitual(ctx, w.user("u01"), c, earlier, room.Takeaway, "", "Not this one"); !errors.Is(err, room.ErrNoRitual) {
			t.Errorf("a ritual in an earlier meeting: %v, want ErrNoRitual", err)
		}
		for _, bad := range []struct{ kind, to, body string }{
			{room.Appreciation, "u01", "To myself"},
			{room.Appreciation, "u05", "To someone outside"},
			{room.Takeaway, "", ""},
			{"gossip", "", "Something else"},
		} {
			if err := w.room.SaveRitual(ctx, w.user("u01"), c, last, bad.kind, bad.to, bad.body); fault.KindOf(err) != fault.Invalid {
				t.Errorf("%+v: %v, want invalid", bad, err)
			}
		}
		if err := w.room.SaveRitual(ctx, w.user("u01"), c, last, room.Appreciation, "u02", "A first draft"); err != nil {
			t.Fatal(err)
		}
		if err := w.room.SaveRitual(ctx, w.user("u01"), c, last, room.Appreciation, "u02", markAppreciation); err != nil {
			t.Fatal(err)
		}
		if err := w.room.SaveRitual(ctx, w.user("u03"), c, last, room.Takeaway, "", markTakeaway); err != nil {
			t.Fatal(err)
		}
		v, err := w.room.Room(ctx, w.user("u02"), c, last)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Ritual || len(v.RitualWords) != 2 {
			t.Fatalf("the room of the last meeting: ritual %v, %+v", v.Ritual, v.RitualWords)
		}
		got := map[string]room.RitualWord{}
		for _, rw := range v.RitualWords {
			got[rw.Kind] = rw
		}
		if a := got[room.Appreciation]; a.Body != markAppreciation || a.UserID != "u01" || a.ToID != "u02" || a.ToName == "" {
			t.Errorf("the appreciation: %+v", a)
		}
		if k := got[room.Takeaway]; k.Body != markTakeaway || k.UserID != "u03" || k.ToID != "" {
			t.Errorf("the takeaway: %+v", k)
		}
		if v, err := w.room.Room(ctx, w.user("u02"), c, earlier); err != nil || v.Ritual {
			t.Errorf("an earlier meeting's room: ritual %v, %v", v != nil && v.Ritual, err)
		}

		// Nobody outside reads it: not the admin, not another member of
		// the organisation; and the admin's view of the circle carries
		// none of it.
		for _, u := range []string{"admin", "u05"} {
			who := w.admin
			if u != "admin" {
				who = w.user(u)
			}
			if _, err := w.room.Ritual(ctx, who, c, last); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads the ritual: %v, want not found", u, err)
			}
		}
		ov, err := w.circles.Overview(ctx, w.admin, p.ID, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ov)
		for _, mark := range []string{markAppreciation, markTakeaway} {
			if strings.Contains(string(b), mark) {
				t.Errorf("the admin's overview carries %q", mark)
			}
		}
		for _, m := range w.outbox.Messages() {
			for _, mark := range []string{markAppreciation, markTakeaway} {
				if strings.Contains(m.Text+m.HTML+m.Subject, mark) {
					t.Errorf("an email to %s carries %q", m.To, mark)
				}
			}
		}
	})
}

// TestClosingRitualStep: the room of a season's last meeting ends its
// agenda with the closing ritual, a timed step after the closing, during
// which the closing's questions stay on screen; an earlier meeting's room
// does not.
func TestClosingRitualStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		ahead := w.ahead(id)
		earlier, last := ahead[0], ahead[1]
		p.EndsAt = last.Start.Add(24 * time.Hour)
		if err := w.db.UpdateProgram(ctx, p); err != nil {
			t.Fatal(err)
		}
		w.now = earlier.Start.Add(-5 * time.Minute)
		v, err := w.room.Room(ctx, w.user("u01"), id, earlier.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a := v.State.Agenda(); a[len(a)-1].Kind != room.Closing {
			t.Errorf("an earlier meeting ends with %q, want the closing", a[len(a)-1].Kind)
		}

		w.now = last.Start.Add(-5 * time.Minute)
		v, err = w.room.Room(ctx, w.user("u01"), id, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := v.State.Agenda()
		end := a[len(a)-1]
		if end.Kind != room.Farewell || end.Title != "Closing ritual" || end.Duration != room.FarewellTime || a[len(a)-2].Kind != room.Closing {
			t.Fatalf("the season's last meeting ends with %+v after %q, want the closing ritual after the closing", end, a[len(a)-2].Kind)
		}
		tk := w.user(last.TimekeeperID)
		st, err := w.room.RoomCommand(ctx, tk, id, last.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		for st.Current().Kind != room.Farewell {
			if st, err = w.room.RoomCommand(ctx, tk, id, last.ID, room.Command{Kind: room.CmdNext, Version: st.Version}); err != nil {
				t.Fatal(err)
			}
		}
		if v, err = w.room.Room(ctx, w.user("u02"), id, last.ID); err != nil || !v.Closing() || !v.Ritual {
			t.Errorf("at the closing ritual: closing %v, ritual %v, %v", v != nil && v.Closing(), v != nil && v.Ritual, err)
		}
		if st, err = w.room.RoomCommand(ctx, tk, id, last.ID, room.Command{Kind: room.CmdNext, Version: st.Version}); err != nil || st.Phase != room.Ended {
			t.Errorf("next after the closing ritual: %v, %v; want the meeting ended", st, err)
		}
	})
}
