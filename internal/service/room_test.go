package service_test

import (
	"bytes"
	"context"
	"errors"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// notes records what the service tells the live fan-out.
type notes struct {
	mu   sync.Mutex
	seqs map[string][]int64
}

func (n *notes) Notify(_ context.Context, room string, seq int64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seqs == nil {
		n.seqs = map[string][]int64{}
	}
	n.seqs[room] = append(n.seqs[room], seq)
	return nil
}

func (n *notes) of(room string) []int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.seqs[room])
}

// roomWorld is a scheduled circle of three whose first meeting is about
// to begin, with the live fan-out recorded and a key for reflections.
func roomWorld(t *testing.T, dbURL string) (*world, string, circle.Meeting, *notes) {
	t.Helper()
	w, p := newCircleWorld(t, dbURL)
	id := w.scheduled(p, "u01", "u02", "u03")
	m := w.ahead(id)[0]
	w.now = m.Start.Add(-5 * time.Minute)
	n := &notes{}
	w.room.Live = n
	box, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	w.room.Seal = box
	return w, id, m, n
}

func TestRoomCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, n := roomWorld(t, dbURL)
		db := w.db
		fac, tk := w.user(m.FacilitatorID), w.user(m.TimekeeperID)
		var other string
		for _, u := range []string{"u01", "u02", "u03"} {
			if u != m.FacilitatorID && u != m.TimekeeperID {
				other = u
			}
		}
		v, err := w.room.Room(ctx, w.user(other), id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.State.Phase != room.Ready || v.State.Facilitator != m.FacilitatorID || v.State.Timekeeper != m.TimekeeperID {
			t.Fatalf("a new room: %+v", v.State)
		}
		// Opening the room twice keeps one state.
		again, err := w.room.Room(ctx, fac, id, m.ID)
		if err != nil || again.State.Version != v.State.Version {
			t.Fatalf("reopening: %+v, %v", again, err)
		}

		_, err = w.room.RoomCommand(ctx, w.user(other), id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		wantErr(t, "a member who is not the timekeeper starts", err, room.ErrNotAllowed)
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		if st.Phase != room.Running || !st.EndsAt.Equal(w.now.Add(st.Current().Duration)) {
			t.Errorf("started: %+v", st)
		}
		// Two runners press at once: the second, based on the same
		// version, is refused and changes nothing.
		_, err = w.room.RoomCommand(ctx, fac, id, m.ID, room.Command{Kind: room.CmdNext, Version: v.State.Version})
		wantErr(t, "a command based on an old version", err, room.ErrStale)
		w.now = w.now.Add(90 * time.Second)
		st, err = w.room.RoomCommand(ctx, fac, id, m.ID, room.Command{Kind: room.CmdPause, Version: st.Version})
		if err != nil {
			t.Fatal(err)
		}
		left := st.Left(w.now)

		// A restart: a new service on the same database finds the timer
		// exactly where it was, however long the restart took.
		restarted := &meetings.Service{DB: db, BaseURL: w.room.BaseURL, Circles: w.circles, Seal: w.room.Seal}
		w.now = w.now.Add(time.Minute)
		v, err = restarted.Room(ctx, w.user(other), id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.State.Left(w.now); got != left || v.State.Phase != room.Paused {
			t.Errorf("after a restart: %s left (%s), want %s paused", got, v.State.Phase, left)
		}
		snap := v.Snapshot(w.now)
		if snap.RemainingMS != left.Milliseconds() || snap.EndsAt != nil || len(snap.Agenda) == 0 || snap.Names[other] == "" {
			t.Errorf("snapshot: %+v", snap)
		}

		// Three members arriving and two commands: five changes, each
		// told to the open pages in order.
		seqs := n.of(m.ID)
		if len(seqs) != 5 || !slices.IsSorted(seqs) || seqs[0] == seqs[4] {
			t.Errorf("notifications %v, want five rising", seqs)
		}
	})
}

func TestRoomContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, n := roomWorld(t, dbURL)
		a, b, c := w.user("u01"), w.user("u02"), w.user("u03")
		if _, err := w.circles.AddCommitment(ctx, b, id, "Ask my team for feedback", nil); err != nil {
			t.Fatal(err)
		}
		h, err := w.circles.Home(ctx, b, id)
		if err != nil {
			t.Fatal(err)
		}
		earlier := h.Commitments[0].ID
		if err := w.room.Checkin(ctx, b, id, m.ID, meetings.CheckinInput{Mood: "good", Tabled: "A hard conversation",
			Progress: map[string][2]string{earlier: {"partly", "Asking is easier than listening"}}}); err != nil {
			t.Fatal(err)
		}
		err = w.room.Checkin(ctx, a, id, m.ID, meetings.CheckinInput{Mood: "ecstatic"})
		if f, ok := fault.FieldsOf(err); !ok || f["mood"] == "" {
			t.Errorf("an unknown mood: %v", err)
		}
		v, err := w.room.Room(ctx, a, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Checkins) != 1 || v.Checkins[0].UserID != "u02" || v.Checkins[0].Tabled != "A hard conversation" {
			t.Errorf("check-ins: %+v", v.Checkins)
		}
		for _, com := range v.Commitments {
			if com.ID == earlier && (com.Progress != "partly" || com.Learned == "") {
				t.Errorf("progress on the earlier commitment: %+v", com)
			}
		}

		// Counsel is offered to today's presenters only, who alone make it
		// theirs.
		if f, ok := fault.FieldsOf(w.room.Offer(ctx, a, id, m.ID, "u02", "Too early")); !ok || f["presenter_id"] == "" {
			t.Error("an offer before anyone presents was accepted")
		}
		tk := w.user(v.State.Timekeeper)
		if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{"u02"}}); err != nil {
			t.Fatal(err)
		}
		if f, ok := fault.FieldsOf(w.room.Offer(ctx, b, id, m.ID, "u02", "To myself")); !ok || f["presenter_id"] == "" {
			t.Error("a presenter offered counsel to themselves")
		}
		if err := w.room.Offer(ctx, a, id, m.ID, "u02", "Start the conversation with a question"); err != nil {
			t.Fatal(err)
		}
		v, _ = w.room.Room(ctx, a, id, m.ID)
		offer := v.Offers[0]
		_, err = w.room.TakeOffer(ctx, c, id, m.ID, offer.ID, "Mine now")
		wantErr(t, "another member takes the presenter's offer", err, store.ErrNotFound)
		// The commitment is the presenter's next step in their own words,
		// never the helper's offer copied.
		_, err = w.room.TakeOffer(ctx, b, id, m.ID, offer.ID, "  start the conversation  with a question. ")
		if f, ok := fault.FieldsOf(err); !ok || !strings.Contains(f["body"], "your own words") {
			t.Errorf("the offer taken word for word: %v", err)
		}
		if _, err := w.room.TakeOffer(ctx, b, id, m.ID, offer.ID, "Open with a question on Monday"); err != nil {
			t.Fatal(err)
		}
		_, err = w.room.TakeOffer(ctx, b, id, m.ID, offer.ID, "Again")
		wantErr(t, "taking an offer twice", err, store.ErrConflict)
		h, err = w.circles.Home(ctx, b, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(h.Commitments, func(x circle.Commitment) bool {
			return x.Body == "Open with a question on Monday" && x.MeetingID == m.ID
		}) {
			t.Errorf("the taken offer is not among the commitments: %+v", h.Commitments)
		}

		// The room shows the circle's open commitments and those made in
		// this meeting, done or not; one made elsewhere and done is
		// history, and so, in the next meeting's room, is this one's.
		taken := h.Commitments[slices.IndexFunc(h.Commitments, func(x circle.Commitment) bool { return x.MeetingID == m.ID })]
		done := true
		if _, err := w.circles.ChangeCommitment(ctx, b, id, taken.ID, taken.Version, circle.CommitmentChange{Done: &done}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.ChangeCommitment(ctx, b, id, earlier, h.Commitments[slices.IndexFunc(h.Commitments, func(x circle.Commitment) bool { return x.ID == earlier })].Version,
			circle.CommitmentChange{Done: &done}); err != nil {
			t.Fatal(err)
		}
		open, err := w.circles.AddCommitment(ctx, c, id, "Write to my manager", nil)
		if err != nil {
			t.Fatal(err)
		}
		shown := func(meetingID string) []string {
			t.Helper()
			v, err := w.room.Room(ctx, a, id, meetingID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, com := range v.Commitments {
				ids = append(ids, com.ID)
			}
			slices.Sort(ids)
			return ids
		}
		want := []string{open.ID, taken.ID}
		slices.Sort(want)
		if got := shown(m.ID); !slices.Equal(got, want) {
			t.Errorf("this meeting's room shows commitments %v, want %v (open, and made here though done)", got, want)
		}
		if got := shown(w.ahead(id)[1].ID); !slices.Equal(got, []string{open.ID}) {
			t.Errorf("the next meeting's room shows commitments %v, want only the open one %v", got, open.ID)
		}

		// It shows the adopted agreement alone, not one still proposed.
		if v, err := w.room.Room(ctx, a, id, m.ID); err != nil || v.Agreement != "" {
			t.Errorf("the room before any agreement: %q, %v", v.Agreement, err)
		}
		adopted, err := w.agreements.ProposeAgreement(ctx, a, id, "We keep what is said here among us.", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{b, c} { // the proposer consents by proposing
			if _, err := w.agreements.ConsentToAgreement(ctx, u, id, adopted.Version); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.agreements.ProposeAgreement(ctx, b, id, "A proposal not yet agreed.", ""); err != nil {
			t.Fatal(err)
		}
		if v, err := w.room.Room(ctx, a, id, m.ID); err != nil || v.Agreement != adopted.Body {
			t.Errorf("the room's agreement: %q, %v; want the adopted %q", v.Agreement, err, adopted.Body)
		}

		// The shared note: a save based on an old version is refused.
		note, err := w.room.SaveNote(ctx, a, id, m.ID, "First thoughts", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.SaveNote(ctx, c, id, m.ID, "Overwrite", 0); !errors.Is(err, meetings.ErrNoteChanged) {
			t.Errorf("a stale note save: %v", err)
		}
		if _, err := w.room.SaveNote(ctx, c, id, m.ID, "First thoughts, and mine", note.Version); err != nil {
			t.Fatal(err)
		}

		// Every content change after the room opened reached the open
		// pages; the check-in before it had nobody to tell.
		if seqs := n.of(m.ID); len(seqs) != 7 || !slices.IsSorted(seqs) {
			t.Errorf("notifications %v, want 7 (presenters, offer, take, two notes, and the two members arriving who had not checked in)", seqs)
		}
	})
}

// TestLeastRecentPresenters checks the order a room offers members to
// present in: whoever never presented first, then whoever presented
// longest ago, reading only the earlier meetings' rooms.
func TestLeastRecentPresenters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, _, _ := roomWorld(t, dbURL)
		ms := w.ahead(id)
		if len(ms) < 3 {
			t.Fatalf("%d meetings ahead, want 3", len(ms))
		}
		present := func(m circle.Meeting, who ...string) {
			t.Helper()
			w.now = m.Start.Add(-5 * time.Minute)
			v, err := w.room.Room(ctx, w.user("u01"), id, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(who) == 0 {
				return
			}
			tk := w.user(v.State.Timekeeper)
			if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: who}); err != nil {
				t.Fatal(err)
			}
		}
		present(ms[0], "u03")
		present(ms[1], "u01")
		w.now = ms[2].Start.Add(-5 * time.Minute)
		v, err := w.room.Room(ctx, w.user("u02"), id, ms[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"u02", "u03", "u01"}; !slices.Equal(v.LeastRecent, want) {
			t.Errorf("least recent presenters %v, want %v", v.LeastRecent, want)
		}
		// A later meeting does not count for an earlier one.
		v, err = w.room.Room(ctx, w.user("u02"), id, ms[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"u01", "u02", "u03"}; !slices.Equal(v.LeastRecent, want) {
			t.Errorf("least recent presenters at the second meeting %v, want %v", v.LeastRecent, want)
		}
	})
}

// A member whose last turn is further back than one read of the history
// still ranks by it: the history is read back a page at a time until
// every member is found.
func TestLeastRecentPresentersLongHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, _, _ := roomWorld(t, dbURL)
		// u01 presents first; u03 at each of the next eight meetings, more
		// than one read of three members' history holds; u02 never.
		for k := range 9 {
			m := w.ahead(id)[0]
			w.now = m.Start.Add(-5 * time.Minute)
			v, err := w.room.Room(ctx, w.user("u01"), id, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			who := "u03"
			if k == 0 {
				who = "u01"
			}
			tk := w.user(v.State.Timekeeper)
			if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{who}}); err != nil {
				t.Fatal(err)
			}
			w.now = m.End.Add(time.Minute)
			if err := w.circles.Upkeep(ctx, store.CircleRef{OrgID: w.org.ID, ID: id}); err != nil {
				t.Fatal(err)
			}
		}
		next := w.ahead(id)[0]
		w.now = next.Start.Add(-5 * time.Minute)
		v, err := w.room.Room(ctx, w.user("u02"), id, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"u02", "u01", "u03"}; !slices.Equal(v.LeastRecent, want) {
			t.Errorf("least recent presenters after a long history %v, want %v", v.LeastRecent, want)
		}
	})
}

// TestHomeMeetingsLongHistory: a circle that has met more often than its
// home shows lists the latest held meetings and every one ahead, the
// cancelled among them, as it would from its whole history.
func TestHomeMeetingsLongHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.formCircle(p, "u01", "u02", "u03")
		w.ack(id, "u01", "u02", "u03")
		weekly := fortnightly
		weekly.Freq = "weekly"
		u := w.user("u01")
		if _, err := w.circles.SetSchedule(ctx, u, id, weekly); err != nil {
			t.Fatal(err)
		}
		for k := range 16 {
			m := w.ahead(id)[0]
			if k == 4 {
				// One meeting is called off before its day.
				if err := w.circles.CancelMeeting(ctx, u, id, m.ID, false); err != nil {
					t.Fatal(err)
				}
			} else {
				w.now = m.Start.Add(10 * time.Minute)
				for _, who := range []string{"u01", "u02", "u03"} {
					if _, err := w.db.RecordPresence(ctx, w.org.ID, m.ID, who); err != nil {
						t.Fatal(err)
					}
				}
			}
			w.now = m.End.Add(time.Minute)
			if err := w.circles.Upkeep(ctx, store.CircleRef{OrgID: w.org.ID, ID: id}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.circles.CancelMeeting(ctx, u, id, w.ahead(id)[1].ID, false); err != nil {
			t.Fatal(err)
		}
		// Two days on, every meeting held began more than a day ago.
		w.now = w.now.Add(48 * time.Hour)
		// What the home should list, from the whole history.
		var wantUp, wantPast []string
		for _, m := range w.meetings(id) {
			switch {
			case m.End.After(w.now):
				wantUp = append(wantUp, m.ID)
			case m.Status == circle.Scheduled:
				wantPast = append([]string{m.ID}, wantPast...)
			}
		}
		wantPast = wantPast[:12]
		h, err := w.circles.Home(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(ms []circle.Meeting) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		if got := ids(h.Upcoming); !slices.Equal(got, wantUp) {
			t.Errorf("meetings ahead %v, want %v", got, wantUp)
		}
		if got := ids(h.Past); !slices.Equal(got, wantPast) {
			t.Errorf("meetings held %v, want the latest twelve %v", got, wantPast)
		}
	})
}

func TestReflectionIsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		db := w.db
		a, b := w.user("u01"), w.user("u02")
		const text = "I noticed I wanted to rescue Ben instead of asking."
		if err := w.room.Reflect(ctx, a, id, m.ID, text); err != nil {
			t.Fatal(err)
		}
		sealed, _, err := db.FindReflection(ctx, w.org.ID, m.ID, "u01")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("rescue")) {
			t.Error("the database holds the reflection in the clear")
		}
		got, _, err := w.room.Reflection(ctx, a, id, m.ID)
		if err != nil || got != text {
			t.Errorf("the author reads %q, %v", got, err)
		}
		if got, _, err := w.room.Reflection(ctx, b, id, m.ID); err != nil || got != "" {
			t.Errorf("another member reads %q, %v", got, err)
		}
	})
}

func TestRoomPrivacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		for who, user := range map[string]*account.User{"an admin": w.admin, "a member of another circle": w.user("u05")} {
			if _, err := w.room.Room(ctx, user, id, m.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s opens the room: %v", who, err)
			}
			if _, err := w.room.RoomCommand(ctx, user, id, m.ID, room.Command{Kind: room.CmdStart, Version: 1}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s runs the timer: %v", who, err)
			}
			if err := w.room.Offer(ctx, user, id, m.ID, "u01", "x"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s offers: %v", who, err)
			}
			if err := w.room.AnswerClosing(ctx, user, id, m.ID, "yes", ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s answers at the close: %v", who, err)
			}
		}
		// A member who has not acknowledged the ground rules in force is
		// sent to read them first.
		if _, err := w.agreements.UpdateGroundRules(ctx, w.admin, "New rules"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.Room(ctx, w.user("u01"), id, m.ID); !errors.Is(err, circle.ErrGroundRules) {
			t.Errorf("the room before the new ground rules: %v", err)
		}
	})
}

// When the meeting ends, every member gets its summary — who came, who
// presented, the commitments — and never the note or the offers.
func TestMeetingSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		// Person 01 runs the meeting without checking in, Person 02
		// checks in, Person 03 stays away.
		if err := w.circles.SetRoles(ctx, w.user("u01"), id, m.ID, "u01", "u01"); err != nil {
			t.Fatal(err)
		}
		tk := w.user("u01")
		v, err := w.room.Room(ctx, tk, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"u02"} {
			if err := w.room.Checkin(ctx, w.user(u), id, m.ID, meetings.CheckinInput{Mood: "good"}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{"u02"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.room.Offer(ctx, w.user("u01"), id, m.ID, "u02", "A secret piece of counsel"); err != nil {
			t.Fatal(err)
		}
		v, _ = w.room.Room(ctx, tk, id, m.ID)
		if _, err := w.room.TakeOffer(ctx, w.user("u02"), id, m.ID, v.Offers[0].ID, "Try the counsel on Monday"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.SaveNote(ctx, w.user("u01"), id, m.ID, "Private note text", 0); err != nil {
			t.Fatal(err)
		}
		if st, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		// The circle's first meeting asks whether it is a good fit, from
		// its start: Person 02 answers in the room, the others are asked in
		// their email.
		w.now = m.Start.Add(time.Minute)
		if _, err := w.pulses.AnswerFit(ctx, w.user("u02"), id, pulse.FitYes); err != nil {
			t.Fatal(err)
		}
		sent := len(w.outbox.Messages())
		if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		msgs := w.since(sent)
		if len(msgs) != 3 {
			t.Fatalf("%d summary emails, want one per member", len(msgs))
		}
		for _, msg := range msgs {
			asked := strings.Contains(msg.Text, "/circles/"+id+"/fit") && strings.Contains(msg.HTML, "good fit")
			if want := msg.To != w.user("u02").Email; asked != want {
				t.Errorf("the email to %s asks about the fit: %v, want %v", msg.To, asked, want)
			}
		}
		for _, msg := range msgs {
			for _, secret := range []string{"secret piece", "Private note"} {
				if strings.Contains(msg.Text, secret) || strings.Contains(msg.HTML, secret) {
					t.Errorf("the summary to %s contains %q", msg.To, secret)
				}
			}
			if !strings.Contains(msg.Text, "Try the counsel on Monday") || !strings.Contains(msg.Text, "Presented: Person 02") {
				t.Errorf("the summary to %s:\n%s", msg.To, msg.Text)
			}
			// Nobody is named to the circle as having stayed away.
			if msg.To != w.user("u03").Email && (strings.Contains(msg.Text, "Missed") || strings.Contains(msg.Text, "Person 03")) {
				t.Errorf("the email to %s names the absent member:\n%s", msg.To, msg.Text)
			}
		}
		for _, u := range []string{"u01", "u02"} {
			got := to(msgs, w.user(u), "Your circle met: ")
			if len(got) != 1 || !strings.Contains(got[0].Text, "Who came: Person 01, Person 02") {
				t.Errorf("the summary to %s: %+v", u, got)
			}
		}
		missed := to(msgs, w.user("u03"), "met without you")
		if len(missed) != 1 || strings.Contains(missed[0].Text, "Who came") || !strings.Contains(missed[0].Text, "to you alone") {
			t.Errorf("the absent member's email: %+v", missed)
		}
	})
}

// A circle chooses its own meeting format; rooms opened afterwards follow
// it.
func TestRoomSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		a := w.user("u01")
		st, err := w.room.RoomSettings(ctx, a, id)
		if err != nil || st.Protocol != room.Council {
			t.Fatalf("the program's format: %+v, %v", st, err)
		}
		err = w.room.UpdateRoomSettings(ctx, a, id, room.Settings{Protocol: room.Pair})
		if f, ok := fault.FieldsOf(err); !ok || f["protocol"] == "" {
			t.Errorf("a circle choosing the pair protocol: %v", err)
		}
		bad := room.DefaultSettings(room.Forum)
		bad.Counsel = 3 * time.Hour
		if _, ok := fault.FieldsOf(w.room.UpdateRoomSettings(ctx, a, id, bad)); !ok {
			t.Error("a three-hour counsel was accepted")
		}
		forum := room.DefaultSettings(room.Forum)
		forum.Counsel = 30 * time.Minute
		if err := w.room.UpdateRoomSettings(ctx, a, id, forum); err != nil {
			t.Fatal(err)
		}
		v, err := w.room.Room(ctx, a, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.State.Settings != forum {
			t.Errorf("the room opened with %+v, want the circle's %+v", v.State.Settings, forum)
		}
	})
}

// At the close each member answers "did we get what we wanted today?";
// the circle sees the answers together, and they can be changed.
func TestClosingAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, n := roomWorld(t, dbURL)
		tk := w.user(m.TimekeeperID)
		answerField := func(err error) string {
			t.Helper()
			fields, ok := fault.FieldsOf(err)
			if !ok {
				t.Fatalf("got %v, want a validation error", err)
			}
			return fields["answer"]
		}
		// Before the room is open, and before the closing, there is
		// nothing to answer yet.
		if msg := answerField(w.room.AnswerClosing(ctx, tk, id, m.ID, "yes", "")); !strings.Contains(msg, "not reached its closing") {
			t.Errorf("answering before the room opened: %q", msg)
		}
		v, err := w.room.Room(ctx, tk, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version})
		if err != nil {
			t.Fatal(err)
		}
		if msg := answerField(w.room.AnswerClosing(ctx, tk, id, m.ID, "yes", "")); !strings.Contains(msg, "not reached its closing") {
			t.Errorf("answering at the opening: %q", msg)
		}
		for st.Current().Kind != room.Closing {
			if st, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdNext, Version: st.Version}); err != nil {
				t.Fatal(err)
			}
		}
		if v, err = w.room.Room(ctx, tk, id, m.ID); err != nil || !v.Closing() || len(v.Answers) != 0 {
			t.Fatalf("at the closing: closing %v, answers %v, %v", v.Closing(), v.Answers, err)
		}

		// Bad input names its field and saves nothing.
		if msg := answerField(w.room.AnswerClosing(ctx, tk, id, m.ID, "maybe", "")); msg == "" {
			t.Error("an unknown answer was not refused")
		}
		err = w.room.AnswerClosing(ctx, tk, id, m.ID, "yes", strings.Repeat("x", 281))
		if fields, ok := fault.FieldsOf(err); !ok || fields["note"] == "" {
			t.Errorf("a long note: %v", err)
		}

		// Both are in the room already, so their answers are all the
		// open pages hear of.
		for _, u := range []string{"u01", "u02"} {
			if _, err := w.room.Room(ctx, w.user(u), id, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		before := len(n.of(m.ID))
		if err := w.room.AnswerClosing(ctx, w.user("u01"), id, m.ID, "partly", "  We ran out of time for counsel.  "); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(time.Second)
		if err := w.room.AnswerClosing(ctx, w.user("u02"), id, m.ID, "no", ""); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(time.Second)
		// Answering again replaces the answer, and keeps its place.
		if err := w.room.AnswerClosing(ctx, w.user("u02"), id, m.ID, "yes", "On reflection, yes."); err != nil {
			t.Fatal(err)
		}
		if got := len(n.of(m.ID)) - before; got != 3 {
			t.Errorf("%d notifications for three answers, want 3: open pages refresh", got)
		}
		// Every member sees every answer, also after the meeting ended.
		if _, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		v, err = w.room.Room(ctx, w.user("u03"), id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range v.Answers {
			got = append(got, a.UserID+" "+a.Answer+" "+a.Note)
		}
		want := []string{"u01 partly We ran out of time for counsel.", "u02 yes On reflection, yes."}
		if !slices.Equal(got, want) {
			t.Errorf("answers = %q, want %q", got, want)
		}
		// A late answer, after the meeting ended, is still welcome.
		if err := w.room.AnswerClosing(ctx, w.user("u03"), id, m.ID, "yes", ""); err != nil {
			t.Errorf("answering after the end: %v", err)
		}
		// Ended before its time was up, the meeting counts as held: the
		// circle's home leads to the next one.
		h, err := w.circles.Home(ctx, w.user("u03"), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Upcoming) == 0 || h.Upcoming[0].ID == m.ID || len(h.Past) == 0 || h.Past[0].ID != m.ID {
			t.Errorf("after ending early: upcoming %v, past %v", h.Upcoming, h.Past)
		}
	})
}

// A circle that met early and ended the meeting in its room is not
// reminded of it afterwards; its other meetings are.
func TestNoReminderOfAnEndedMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, _, _ := roomWorld(t, dbURL)
		ahead := w.ahead(id)
		early, later := ahead[1], ahead[2]
		tk := w.user(early.TimekeeperID)
		v, err := w.room.Room(ctx, tk, id, early.ID)
		if err != nil {
			t.Fatal(err)
		}
		due, dueLater := w.remindersAt(early.Start.Add(-time.Hour)), w.remindersAt(later.Start.Add(-time.Hour))
		if len(due) == 0 || len(dueLater) == 0 {
			t.Fatalf("reminders planned: %d and %d", len(due), len(dueLater))
		}
		st, err := w.room.RoomCommand(ctx, tk, id, early.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version, Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.room.RoomCommand(ctx, tk, id, early.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		if left := w.remindersAt(early.Start.Add(-time.Hour)); len(left) != 0 {
			t.Errorf("%d reminders of the meeting held early are still planned", len(left))
		}
		w.now = early.Start.Add(-time.Hour)
		if msgs := w.send(due...); len(msgs) != 0 {
			t.Errorf("%d reminders of a meeting already held", len(msgs))
		}
		w.now = later.Start.Add(-time.Hour)
		if msgs := w.send(dueLater...); len(msgs) != len(dueLater) {
			t.Errorf("%d reminders of the next meeting, want %d", len(msgs), len(dueLater))
		}
	})
}

// A meeting started early while the circle's upkeep runs starts: the
// upkeep moves the circle's version, not the room the member decided on,
// so the member is not told that someone changed the meeting.
func TestEarlyStartBesideUpkeep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, _, _ := roomWorld(t, dbURL)
		early := w.ahead(id)[1]
		tk := w.user(early.TimekeeperID)
		v, err := w.room.Room(ctx, tk, id, early.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The upkeep runs once, just after the start has read the
		// circle's state to move the meeting: the store asks the time
		// there, with the version read and no transaction open.
		ran := false
		w.onClock = func() {
			if !strings.Contains(string(debug.Stack()), "store.(*DB).FindCircleState") {
				return
			}
			w.onClock, ran = nil, true
			if err := w.circles.Upkeep(ctx, store.CircleRef{OrgID: w.org.ID, ID: id}); err != nil {
				t.Errorf("upkeep: %v", err)
			}
		}
		st, err := w.room.RoomCommand(ctx, tk, id, early.ID, room.Command{Kind: room.CmdStart, Version: v.State.Version, Confirm: true})
		w.onClock = nil
		if !ran {
			t.Fatal("the upkeep did not run between the start's read and its save")
		}
		if err != nil {
			t.Fatalf("starting early beside the upkeep: %v", err)
		}
		if st.Phase != room.Running {
			t.Errorf("phase %s after the start", st.Phase)
		}
		m, err := w.db.FindMeetingByID(ctx, w.org.ID, id, early.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := w.now.UTC().Truncate(time.Minute); !m.Start.Equal(want) {
			t.Errorf("the meeting started early is at %s, want %s", m.Start, want)
		}
	})
}
