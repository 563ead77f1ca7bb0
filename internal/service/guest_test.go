package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// A guest observes one meeting while it runs, after accepting the ground
// rules, and sees nothing else of the circle.
func TestGuest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		member, guest := w.user("u01"), w.user("u06")
		_, err := w.room.InviteGuest(ctx, member, id, m.ID, "u02")
		if f, ok := fault.FieldsOf(err); !ok || f["user_id"] == "" {
			t.Errorf("inviting a member as a guest: %v", err)
		}
		sent := len(w.outbox.Messages())
		if _, err := w.room.InviteGuest(ctx, member, id, m.ID, guest.ID); err != nil {
			t.Fatal(err)
		}
		inv := to(w.since(sent), guest, "observe")
		if len(inv) != 1 {
			t.Fatalf("the guest's invitation: %+v", w.since(sent))
		}
		i := strings.Index(inv[0].Text, "/guest/")
		token := strings.Fields(inv[0].Text[i+len("/guest/"):])[0]

		// The link is the guest's alone.
		if _, err := w.room.Visit(ctx, w.user("u07"), token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("someone else with the link: %v", err)
		}
		v, err := w.room.Visit(ctx, guest, token)
		if err != nil || v.Guest.AcceptedAt != nil || v.State != nil || v.Rules.Body == "" {
			t.Fatalf("before accepting: %+v, %v", v, err)
		}
		if err := w.room.AcceptVisit(ctx, guest, token); err != nil {
			t.Fatal(err)
		}
		if v, err = w.room.Visit(ctx, guest, token); err != nil || v.State != nil {
			t.Fatalf("before the room opens: %+v, %v", v, err)
		}
		opened, err := w.room.Room(ctx, member, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.room.Checkin(ctx, member, id, m.ID, coachingCheckin("good")); err != nil {
			t.Fatal(err)
		}
		if v, err = w.room.Visit(ctx, guest, token); err != nil || v.State == nil || len(v.Present) != 1 {
			t.Fatalf("while it runs: %+v, %v", v, err)
		}
		// Nothing else of the circle: not its home, not the members' room.
		if _, err := w.circles.Home(ctx, guest, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the guest opens the circle's home: %v", err)
		}
		if _, err := w.room.Room(ctx, guest, id, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the guest opens the members' room: %v", err)
		}
		g := w.room
		snap := mustGuestSnapshot(t, g, m.ID)
		if snap.Phase != room.Ready {
			t.Errorf("guest snapshot: %+v", snap)
		}
		// When the meeting ends, so does the visit.
		tk := w.user(m.TimekeeperID)
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: opened.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		if v, err := w.room.Visit(ctx, guest, token); err != nil || !v.Over || v.State != nil {
			t.Errorf("after the meeting: %+v, %v", v, err)
		}
	})
}

func coachingCheckin(mood string) meetings.CheckinInput { return meetings.CheckinInput{Mood: mood} }

func mustGuestSnapshot(t *testing.T, s *meetings.Service, meetingID string) *meetings.GuestSnapshot {
	t.Helper()
	snap, err := s.LoadGuestRoom(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
