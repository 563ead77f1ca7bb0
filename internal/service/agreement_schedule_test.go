package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// A proposal written section by section is stored as Markdown that reads
// back as the same sections; members comment on it before consenting, and
// nobody outside the circle — its organisation's admin included — reads
// or writes a comment.
func TestAgreementSectionsAndComments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.formCircle(p, "u01", "u02", "u03")
		w.ack(id, "u01", "u02", "u03")
		other := w.formCircle(p, "u04", "u05")
		w.ack(other, "u04", "u05")
		a, b := w.user("u01"), w.user("u02")

		sections := []circle.Section{
			{Title: "Purpose and learning goals", Text: "We learn to lead.\r\n"},
			{Title: "Confidentiality", Text: ""}, // left empty: left out
			{Title: "  Breaks ", Text: " Phones away. "},
		}
		v, err := w.agreements.ProposeSections(ctx, a, id, sections, "")
		if err != nil {
			t.Fatal(err)
		}
		want := []circle.Section{{Title: "Purpose and learning goals", Text: "We learn to lead."}, {Title: "Breaks", Text: "Phones away."}}
		if got := circle.Sections(v.Body); !sectionsEqual(got, want) {
			t.Errorf("stored sections %+v, want %+v (body %q)", got, want, v.Body)
		}
		bad := []struct {
			name     string
			sections []circle.Section
			field    string
		}{
			{"text without a title", []circle.Section{{Text: "Something"}}, "title.0"},
			{"two sections of one title", []circle.Section{{Title: "A", Text: "x"}, {Title: "a", Text: "y"}}, "title.1"},
			{"a heading inside a section", []circle.Section{{Title: "A", Text: "x\n## B\ny"}}, "text.0"},
			{"nothing at all", []circle.Section{{Title: "A"}}, "sections"},
		}
		for _, tt := range bad {
			_, err := w.agreements.ProposeSections(ctx, b, id, tt.sections, "")
			if fieldMessage(err, tt.field) == "" {
				t.Errorf("%s: %v, want a message for %s", tt.name, err, tt.field)
			}
		}

		c1, err := w.agreements.Comment(ctx, b, id, v.Version, "  I'd rather keep phones in bags.\r\n")
		if err != nil {
			t.Fatal(err)
		}
		if c1.Body != "I'd rather keep phones in bags." || c1.AuthorName != b.Name || c1.Version != v.Version || c1.At.IsZero() {
			t.Errorf("comment %+v", c1)
		}
		if _, err := w.agreements.Comment(ctx, a, id, v.Version, "Fine by me."); err != nil {
			t.Fatal(err)
		}
		got, err := w.agreements.Comments(ctx, w.user("u03"), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Body != "I'd rather keep phones in bags." || got[1].AuthorID != "u01" {
			t.Errorf("the third member reads %+v", got)
		}
		_, err = w.agreements.Comment(ctx, b, id, v.Version, "   ")
		if fieldMessage(err, "body") == "" {
			t.Errorf("an empty comment: %v", err)
		}
		_, err = w.agreements.Comment(ctx, b, id, v.Version, strings.Repeat("x", circle.MaxCommentLen+1))
		if fieldMessage(err, "body") == "" {
			t.Errorf("a comment too long: %v", err)
		}
		_, err = w.agreements.Comment(ctx, b, id, 99, "On nothing")
		wantErr(t, "a comment on no version", err, store.ErrNotFound)

		outsiders := map[string]*account.User{"the org admin": w.admin, "a member of another circle": w.user("u04"),
			"a colleague in no circle": w.user("u07")}
		for who, u := range outsiders {
			_, err := w.agreements.Comments(ctx, u, id)
			wantErr(t, who+" reading comments", err, store.ErrNotFound)
			_, err = w.agreements.Comment(ctx, u, id, v.Version, "Let me in")
			wantErr(t, who+" commenting", err, store.ErrNotFound)
		}
		if got, err := w.agreements.Comments(ctx, w.user("u04"), other); err != nil || len(got) != 0 {
			t.Errorf("another circle reads %+v, %v", got, err)
		}

		// Once everyone has consented, the proposal takes no more comments,
		// and those made stay readable.
		for _, u := range []string{"u02", "u03"} {
			if _, err := w.agreements.ConsentToAgreement(ctx, w.user(u), id, v.Version); err != nil {
				t.Fatal(err)
			}
		}
		_, err = w.agreements.Comment(ctx, b, id, v.Version, "Too late")
		wantErr(t, "a comment on the adopted version", err, circle.ErrNotOpen)
		if got, _ := w.agreements.Comments(ctx, a, id); len(got) != 2 {
			t.Errorf("after adoption: %d comments", len(got))
		}
	})
}

func fieldMessage(err error, field string) string {
	fields, _ := fault.FieldsOf(err)
	return fields[field]
}

func sectionsEqual(a, b []circle.Section) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// weeklyThursday is another schedule for fortnightly's circle: every
// Thursday at 18:00 in Berlin, from 12 March.
var weeklyThursday = circle.ScheduleInput{Freq: "weekly", Weekday: int(time.Thursday), Time: "18:00", StartsOn: "2026-03-10",
	Timezone: "Europe/Berlin", DurationMinutes: 60, VideoURL: "https://meet.example/circle"}

// When a member changes the schedule, every other member is told who did
// and what changed, in their own time zone; anyone can put it back for 48
// hours, once, and only while nothing has changed it since.
func TestScheduleChangeToldAndPutBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03", "u04"} // Berlin, New York, Berlin, New York
		id := w.scheduled(p, ids...)
		if n, err := w.circles.ScheduleNotices(ctx, w.user("u01"), id); err != nil || len(n) != 0 {
			t.Fatalf("a first schedule is no change: %+v, %v", n, err)
		}
		sent := len(w.outbox.Messages())
		if _, err := w.circles.SetSchedule(ctx, w.user("u02"), id, weeklyThursday); err != nil {
			t.Fatal(err)
		}
		msgs := w.since(sent)
		if len(to(msgs, w.user("u02"), "changed your circle's schedule")) != 0 || len(to(msgs, w.user("u02"), "meeting time")) != 1 {
			t.Errorf("the member who changed it got %+v", msgs)
		}
		for u, line := range map[string]string{
			"u01": "When: Every other Tuesday at 17:00 → Every Thursday at 18:00",
			"u04": "When: Every other Tuesday at 12:00 → Every Thursday at 13:00",
		} {
			m := to(msgs, w.user(u), "Person 02 changed your circle's schedule")
			if len(m) != 1 {
				t.Errorf("%s got %d emails of the change", u, len(m))
				continue
			}
			if !strings.Contains(m[0].Text, line) || !strings.Contains(m[0].Text, "put the schedule back") || len(m[0].Calendar) == 0 {
				t.Errorf("%s's email:\n%s", u, m[0].Text)
			}
		}
		notices, err := w.circles.ScheduleNotices(ctx, w.user("u01"), id)
		if err != nil || len(notices) != 1 {
			t.Fatalf("notices %+v, %v", notices, err)
		}
		n := notices[0]
		if n.ChangedByName != "Person 02" || !n.Undoable || len(n.Changes) != 2 || n.Changes[0] != "When: Every other Tuesday at 17:00 → Every Thursday at 18:00" ||
			n.Changes[1] != "First meeting: Tuesday 10 March → Thursday 12 March" {
			t.Errorf("notice %+v", n)
		}

		// Put back: the old rule again, and everyone else told.
		sent = len(w.outbox.Messages())
		back, err := w.circles.UndoScheduleChange(ctx, w.user("u03"), id, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Rule.Freq != "fortnightly" || back.Rule.Weekday != time.Tuesday || back.Duration != time.Hour {
			t.Errorf("put back to %+v", back)
		}
		if m := to(w.since(sent), w.user("u02"), "Person 03 put your circle's schedule back"); len(m) != 1 || !strings.Contains(m[0].Text, "→ Every other Tuesday at 12:00") {
			t.Errorf("the member whose change was put back got %+v", m)
		}
		if ahead := w.ahead(id); len(ahead) == 0 || ahead[0].Start.Weekday() != time.Tuesday {
			t.Errorf("meetings after putting back: %+v", ahead)
		}
		_, err = w.circles.UndoScheduleChange(ctx, w.user("u04"), id, n.ID)
		wantErr(t, "putting back twice", err, circle.ErrAlreadyUndone)

		// A later change wins over putting back an earlier one.
		if _, err := w.circles.SetSchedule(ctx, w.user("u01"), id, weeklyThursday); err != nil {
			t.Fatal(err)
		}
		first, _ := w.circles.ScheduleNotices(ctx, w.user("u01"), id)
		later := fortnightly
		later.Time = "09:00"
		if _, err := w.circles.SetSchedule(ctx, w.user("u02"), id, later); err != nil {
			t.Fatal(err)
		}
		_, err = w.circles.UndoScheduleChange(ctx, w.user("u03"), id, first[0].ID)
		wantErr(t, "putting back a change made before another", err, circle.ErrChangedSince)

		// After 48 hours it is gone.
		latest, _ := w.circles.ScheduleNotices(ctx, w.user("u01"), id)
		w.now = w.now.Add(circle.UndoWindow + time.Minute)
		_, err = w.circles.UndoScheduleChange(ctx, w.user("u03"), id, latest[0].ID)
		wantErr(t, "putting back after 48 hours", err, circle.ErrUndoExpired)
		if gone, _ := w.circles.ScheduleNotices(ctx, w.user("u01"), id); len(gone) != 0 {
			t.Errorf("notices after 48 hours: %+v", gone)
		}

		// A change decided on a schedule that has changed since is refused.
		stale := later
		seq := 0
		stale.Replaces = &seq
		_, err = w.circles.SetSchedule(ctx, w.user("u04"), id, stale)
		wantErr(t, "a change from a stale form", err, circle.ErrScheduleStale)

		// Clearing is a change too, and can be put back.
		if err := w.circles.ClearSchedule(ctx, w.user("u04"), id); err != nil {
			t.Fatal(err)
		}
		cleared, _ := w.circles.ScheduleNotices(ctx, w.user("u02"), id)
		if len(cleared) != 1 || cleared[0].After != nil || !cleared[0].Undoable {
			t.Fatalf("after clearing: %+v", cleared)
		}
		if _, err := w.circles.UndoScheduleChange(ctx, w.user("u02"), id, cleared[0].ID); err != nil {
			t.Fatal(err)
		}
		if len(w.ahead(id)) == 0 {
			t.Error("no meetings after putting a cleared schedule back")
		}

		// Outsiders neither see nor put back a change.
		for who, u := range map[string]*account.User{"the org admin": w.admin, "a colleague in no circle": w.user("u07")} {
			_, err := w.circles.ScheduleNotices(ctx, u, id)
			wantErr(t, who+" reading changes", err, store.ErrNotFound)
			_, err = w.circles.UndoScheduleChange(ctx, u, id, cleared[0].ID)
			wantErr(t, who+" putting back", err, store.ErrNotFound)
		}
	})
}

// Putting a change back and changing the schedule again at the same time,
// both decided on the same schedule: one wins, the other is refused as a
// conflict, never both applied.
func TestScheduleUndoRacesChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03"}
		id := w.scheduled(p, ids...)
		if _, err := w.circles.SetSchedule(ctx, w.user("u02"), id, weeklyThursday); err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 4; round++ {
			notices, err := w.circles.ScheduleNotices(ctx, w.user("u01"), id)
			if err != nil || len(notices) == 0 || !notices[0].Undoable {
				t.Fatalf("round %d: notices %+v, %v", round, notices, err)
			}
			change := notices[0]
			seq := change.After.Sequence
			other := fortnightly
			other.Time = []string{"08:00", "09:00", "10:00", "11:00"}[round]
			other.Replaces = &seq
			var wg sync.WaitGroup
			start := make(chan struct{})
			var undoErr, setErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, undoErr = w.circles.UndoScheduleChange(ctx, w.user("u01"), id, change.ID)
			}()
			go func() {
				defer wg.Done()
				<-start
				_, setErr = w.circles.SetSchedule(ctx, w.user("u03"), id, other)
			}()
			close(start)
			wg.Wait()
			conflict := func(err error) bool {
				return errors.Is(err, circle.ErrChangedSince) || errors.Is(err, circle.ErrScheduleStale)
			}
			if (undoErr == nil) == (setErr == nil) || !(conflict(undoErr) || conflict(setErr)) {
				t.Fatalf("round %d: put back: %v; change: %v — want exactly one to win and the other refused", round, undoErr, setErr)
			}
			if fault.KindOf(undoErr) != fault.Conflict && fault.KindOf(setErr) != fault.Conflict {
				t.Errorf("round %d: the loser is not a conflict", round)
			}
			// Set up the next round from a changed schedule.
			if _, err := w.circles.SetSchedule(ctx, w.user("u02"), id, weeklyThursday); err != nil {
				t.Fatal(err)
			}
		}
	})
}
