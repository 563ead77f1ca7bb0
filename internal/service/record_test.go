package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// A meeting started more than an hour before its time is asked about
// first; confirmed, it moves to now in the record, in everyone's calendar
// and in its summary, and its reminders go.
func TestEarlyStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, _, _ := roomWorld(t, dbURL)
		m := w.ahead(id)[1] // two weeks away
		tk := w.user(m.TimekeeperID)
		v, err := w.room.Room(ctx, tk, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Present != nil {
			t.Errorf("opening the room two weeks ahead counts as coming: %v", v.Present)
		}
		if len(w.remindersAt(m.Start.Add(-time.Hour))) == 0 {
			t.Fatal("no reminders planned for the meeting")
		}
		sent := len(w.outbox.Messages())

		_, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		wantErr(t, "an early start without confirming", err, meetings.ErrEarlyStart)
		if f, ok := fault.As(err); !ok || f.Kind != fault.Conflict || !strings.HasPrefix(f.Message, "Start the meeting of Tuesday 24 March, ") {
			t.Errorf("the question: %v", err)
		}
		if got := w.meetings(id); !got[1].Start.Equal(m.Start) || len(w.since(sent)) != 0 {
			t.Error("an unconfirmed early start changed the meeting or sent email")
		}
		// Someone who may not run the meeting hears that, not the question.
		var other string
		for _, u := range []string{"u01", "u02", "u03"} {
			if u != m.TimekeeperID && u != m.FacilitatorID {
				other = u
			}
		}
		_, err = w.room.RoomCommand(ctx, w.user(other), id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version, Confirm: true})
		wantErr(t, "a member who does not run the meeting starts it early", err, room.ErrNotAllowed)

		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version, Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		now := w.now.UTC().Truncate(time.Minute)
		var moved circle.Meeting
		for _, x := range w.meetings(id) {
			if x.ID == m.ID {
				moved = x
			}
		}
		if !moved.Start.Equal(now) || moved.End.Sub(moved.Start) != m.End.Sub(m.Start) || !moved.Original.Equal(m.Original) || moved.Sequence <= m.Sequence {
			t.Errorf("the meeting held early: %+v, want it at %s, as long as before, same occurrence, a higher sequence", moved, now)
		}
		msgs := w.since(sent)
		if len(msgs) != 3 {
			t.Fatalf("%d emails for the move, want one per member", len(msgs))
		}
		for _, msg := range msgs {
			cal := ics(msg.Calendar)
			if !strings.Contains(msg.Subject, "moved") || !strings.Contains(cal, "RECURRENCE-ID") || !strings.Contains(cal, "SEQUENCE:") {
				t.Errorf("the move's email to %s: %s\n%s", msg.To, msg.Subject, cal)
			}
		}
		if left := w.remindersAt(m.Start.Add(-time.Hour)); len(left) != 0 {
			t.Errorf("%d reminders of the meeting's old time remain", len(left))
		}
		if v, _ := w.room.Room(ctx, tk, id, m.ID); len(v.Present) != 1 || v.Present[0] != tk.ID {
			t.Errorf("present after the start: %v", v.Present)
		}

		// Its summary dates it when it was held, and the circle lists it
		// among the meetings held.
		w.now = w.now.Add(40 * time.Minute)
		sent = len(w.outbox.Messages())
		if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		held := circle.Meeting{Start: now, End: w.now}.When(tk.Timezone)
		summary := to(w.since(sent), tk, "Your circle met: ")
		if len(summary) != 1 || !strings.Contains(summary[0].Subject, held) || strings.Contains(summary[0].Text, "24 March") {
			t.Errorf("the summary, want it dated %q: %+v", held, summary)
		}
		h, err := w.circles.Home(ctx, tk, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Past) == 0 || h.Past[0].ID != m.ID || !h.Past[0].Start.Equal(now) {
			t.Errorf("the meetings held: %+v", h.Past)
		}
		for _, up := range h.Upcoming {
			if up.ID == m.ID {
				t.Error("the meeting held early is still ahead")
			}
		}
	})
}

// Attendance is whoever was in the room while the meeting was on or did
// anything in it, or checked in, recorded once.
func TestAttendance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		if err := w.circles.SetRoles(ctx, w.user("u01"), id, m.ID, "u01", "u02"); err != nil {
			t.Fatal(err)
		}
		fac, tk, away := w.user("u01"), w.user("u02"), w.user("u03")
		// Looking at the room two days ahead is not coming.
		w.now = m.Start.Add(-48 * time.Hour)
		if _, err := w.room.Room(ctx, away, id, m.ID); err != nil {
			t.Fatal(err)
		}
		w.now = m.Start.Add(-5 * time.Minute)
		v, err := w.room.Room(ctx, fac, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Present) != 1 || v.Present[0] != fac.ID {
			t.Errorf("present once the facilitator opened the room: %v", v.Present)
		}
		// Opening it again records nothing new.
		if added, err := w.db.RecordPresence(ctx, w.org.ID, m.ID, fac.ID); err != nil || added {
			t.Errorf("recording presence again: %v, %v", added, err)
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.RoomCommand(ctx, fac, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		// A note written after the end is not attendance.
		if _, err := w.room.SaveNote(ctx, away, id, m.ID, "Sorry I missed it", 0); err != nil {
			t.Fatal(err)
		}
		v, err = w.room.Room(ctx, fac, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Present) != 2 || v.Present[0] != fac.ID || v.Present[1] != tk.ID {
			t.Errorf("attendance %v, want the facilitator and the timekeeper, in the order they came", v.Present)
		}
		if snap := v.Snapshot(w.now); len(snap.Present) != 2 {
			t.Errorf("the snapshot's present: %v", snap.Present)
		}
		if got := room.Unanswered(v.State.Order, v.Present, nil); len(got) != 2 {
			t.Errorf("expected to answer at the close: %v", got)
		}
	})
}

// Of two runners ending the meeting, or handing over the timekeeping, from
// the same state at once, one succeeds and the other is told it changed.
func TestRoomRaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		if err := w.circles.SetRoles(ctx, w.user("u01"), id, m.ID, "u01", "u02"); err != nil {
			t.Fatal(err)
		}
		fac, tk := w.user("u01"), w.user("u02")
		v, err := w.room.Room(ctx, fac, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		// race sends cmds[i] by runners[i], all at once.
		race := func(what string, runners []string, cmds ...room.Command) *room.State {
			t.Helper()
			var wg sync.WaitGroup
			states := make([]*room.State, len(cmds))
			errs := make([]error, len(cmds))
			for i, c := range cmds {
				wg.Add(1)
				go func() {
					defer wg.Done()
					states[i], errs[i] = w.room.RoomCommand(ctx, w.user(runners[i]), id, m.ID, c)
				}()
			}
			wg.Wait()
			var won *room.State
			lost := 0
			for i, err := range errs {
				switch f, _ := fault.As(err); {
				case err == nil:
					won = states[i]
				case errors.Is(err, room.ErrStale) && (f.Kind == fault.Stale || f.Kind == fault.Conflict):
					lost++
				default:
					t.Errorf("%s: %v", what, err)
				}
			}
			if won == nil || lost != len(cmds)-1 {
				t.Fatalf("%s: %d lost, want one success and the rest refused", what, lost)
			}
			return won
		}
		st = race("handing over the timekeeping", []string{fac.ID, tk.ID},
			room.Command{Kind: room.CmdTimekeeper, Version: st.Version, Timekeeper: "u03"},
			room.Command{Kind: room.CmdTimekeeper, Version: st.Version, Timekeeper: "u01"})
		if st.Timekeeper != "u03" && st.Timekeeper != "u01" {
			t.Errorf("the timekeeper after the race: %s", st.Timekeeper)
		}
		// The facilitator still runs the meeting, whoever keeps time now.
		sent := len(w.outbox.Messages())
		end := room.Command{Kind: room.CmdEnd, Version: st.Version}
		st = race("ending the meeting", []string{fac.ID, st.Timekeeper}, end, end)
		if st.Phase != room.Ended {
			t.Errorf("after ending: %s", st.Phase)
		}
		if msgs := w.since(sent); len(msgs) != 3 {
			t.Errorf("%d emails after two ends at once, want one summary per member", len(msgs))
		}
	})
}
