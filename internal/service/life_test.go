package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// subjects counts the emails among msgs whose subject contains part, by
// recipient.
func subjects(msgs []mail.Message, part string) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		if strings.Contains(m.Subject, part) {
			out[m.To]++
		}
	}
	return out
}

// TestProgramOpeningAndReminders follows a program for two departments
// from draft to the close of opt-in: nobody hears of a draft; opening it
// emails the people of those departments once; an admin's reminder goes
// to those not yet joined, at most once a day (of two at once, one is
// refused); the reminder before opt-in closes goes out once.
func TestProgramOpeningAndReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 12) // u00, u04, u08 in Sales; u01, u05, u09 in Engineering
		day := 24 * time.Hour
		p := &program.Program{Name: "Leads", Purpose: "Grow with peers.", Format: program.FormatGroup, MinSize: 3, MaxSize: 4,
			OptInOpens: w.now.Add(2 * day), OptInCloses: w.now.Add(16 * day), Departments: []string{"Sales", "Engineering"}}
		if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
			t.Fatal(err)
		}
		if n := len(w.outbox.Messages()); n != 0 {
			t.Fatalf("a draft sent %d emails", n)
		}
		if err := w.programs.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(w.outbox.Messages()); n != 0 {
			t.Fatalf("the upkeep announced a draft: %d emails", n)
		}
		got, err := w.programs.Program(ctx, w.admin, p.ID)
		if err != nil || got.Status(w.now) != program.Draft || len(got.Departments) != 2 {
			t.Fatalf("draft: %+v %v", got, err)
		}

		n, err := w.programs.Open(ctx, w.admin, p.ID)
		if err != nil || n != 6 {
			t.Fatalf("open: %d, %v; want 6 emailed", n, err)
		}
		opened := subjects(w.outbox.Messages(), "program is open: Leads")
		for _, id := range []string{"u00", "u04", "u08", "u01", "u05", "u09"} {
			if opened[w.user(id).Email] != 1 {
				t.Errorf("%s got %d opening emails, want 1", id, opened[w.user(id).Email])
			}
		}
		if len(opened) != 6 {
			t.Errorf("opening emails went to %v, want the six people of Sales and Engineering", opened)
		}
		if msg := w.outbox.Messages()[0]; !strings.Contains(msg.Text, "Grow with peers.") || !strings.Contains(msg.Text, "/programs/"+p.ID) {
			t.Errorf("the opening email says neither why nor where:\n%s", msg.Text)
		}
		if _, err := w.programs.Open(ctx, w.admin, p.ID); !errors.Is(err, program.ErrNotDraft) {
			t.Errorf("opening twice: %v, want ErrNotDraft", err)
		}
		if err := w.programs.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(w.outbox.Messages()); n != 6 {
			t.Errorf("%d emails after the upkeep, want the 6 of the opening only", n)
		}

		w.optIn(w.user("u00"), p, "Feedback")
		before := len(w.outbox.Messages())
		counts := make([]int, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { counts[i], errs[i] = w.programs.Remind(ctx, w.admin, p.ID) })
		}
		wg.Wait()
		ok, refused := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
				if counts[i] != 5 {
					t.Errorf("reminded %d, want the 5 not yet joined", counts[i])
				}
			case fault.KindOf(err) == fault.Conflict:
				refused++
			default:
				t.Errorf("remind: %v", err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("two reminders at once: %d sent, %d refused; want one each", ok, refused)
		}
		reminded := subjects(w.since(before), "Opt-in for Leads closes on")
		if len(reminded) != 5 || reminded[w.user("u00").Email] != 0 {
			t.Errorf("reminders went to %v, want the five not yet joined once each", reminded)
		}
		w.now = w.now.Add(23 * time.Hour)
		if _, err := w.programs.Remind(ctx, w.admin, p.ID); !errors.Is(err, program.ErrRemindedRecently) {
			t.Errorf("a second reminder within a day: %v", err)
		}
		w.now = w.now.Add(2 * time.Hour)
		if n, err := w.programs.Remind(ctx, w.admin, p.ID); err != nil || n != 5 {
			t.Errorf("a reminder the next day: %d, %v", n, err)
		}

		// The reminder before opt-in closes: two days before, once.
		w.now = p.OptInCloses.Add(-2*day - time.Hour)
		before = len(w.outbox.Messages())
		if err := w.programs.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(w.since(before)); n != 0 {
			t.Errorf("%d reminders before they were due", n)
		}
		w.now = p.OptInCloses.Add(-2 * day)
		for range 2 {
			if err := w.programs.UpkeepAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if reminded := subjects(w.since(before), "closes on"); len(reminded) != 5 {
			t.Errorf("the reminder before closing went to %v, want five people once", reminded)
		}
		for addr, n := range subjects(w.since(before), "closes on") {
			if n != 1 {
				t.Errorf("%s got the reminder %d times", addr, n)
			}
		}
	})
}

// TestMailingBatches: a mailing goes out a batch at a time, each batch
// applied only from where the mailing was when it was read, so a batch
// read twice (a retry, a second instance) is sent once.
func TestMailingBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 7)
		p := &program.Program{Name: "Later", OptInOpens: w.now.Add(time.Hour), OptInCloses: w.now.Add(240 * time.Hour)}
		if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
			t.Fatal(err)
		}
		if err := w.db.StartMailing(ctx, w.org.ID, p.ID, store.MailOpening, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := w.db.StartMailing(ctx, w.org.ID, p.ID, store.MailOpening, time.Time{}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second opening: %v, want ErrConflict", err)
		}
		seen := map[string]int{}
		for range 10 {
			b, err := w.db.FindMailingBatch(ctx, w.org.ID, p.ID, store.MailOpening, 3)
			if err != nil {
				t.Fatal(err)
			}
			if b.Done {
				break
			}
			if len(b.People) > 3 {
				t.Fatalf("a batch of %d, want at most 3", len(b.People))
			}
			for _, u := range b.People {
				seen[u.ID]++
			}
			if err := w.db.SendMailingBatch(ctx, w.org.ID, p.ID, store.MailOpening, b, nil); err != nil {
				t.Fatal(err)
			}
			if err := w.db.SendMailingBatch(ctx, w.org.ID, p.ID, store.MailOpening, b, nil); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("the same batch twice: %v, want ErrConflict", err)
			}
		}
		// Seven people and the admin, each once.
		if len(seen) != 8 {
			t.Errorf("the mailing reached %d people, want 8", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s was in %d batches", id, n)
			}
		}
	})
}

// TestProgramClose: an admin closes a program early. Of two closes at
// once one is refused; the circle that had formed finishes (its meetings
// ahead and their reminders are cancelled, its members are thanked once,
// and it keeps its history); the proposal still waiting for answers does
// not form and its members are told; the program is never matched or
// joined again.
func TestProgramClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		if len(w.ahead(id)) == 0 || len(w.reminders()) == 0 {
			t.Fatal("the circle has no meetings or reminders ahead")
		}
		pending := program.Circle{Members: []program.Member{{UserID: "u04"}, {UserID: "u05"}, {UserID: "u06"}}}
		round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", []program.Circle{pending}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.programs.Program(ctx, w.admin, p.ID); got.Status(w.now) != program.Running {
			t.Fatalf("status %s, want running", got.Status(w.now))
		}
		before := len(w.outbox.Messages())
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { errs[i] = w.circles.CloseProgram(ctx, w.admin, p.ID) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("two closes at once: %v, %v; want one to succeed", errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && (!errors.Is(err, program.ErrClosed) || fault.KindOf(err) != fault.Conflict) {
				t.Errorf("the second close: %v, want ErrClosed (conflict)", err)
			}
		}
		got, err := w.programs.Program(ctx, w.admin, p.ID)
		if err != nil || got.Status(w.now) != program.Closed || got.ClosedAt == nil {
			t.Fatalf("after closing: %+v, %v", got, err)
		}
		if n := len(w.ahead(id)); n != 0 {
			t.Errorf("%d meetings still ahead", n)
		}
		if n := len(w.reminders()); n != 0 {
			t.Errorf("%d reminders still to send", n)
		}
		sent := w.since(before)
		thanked := subjects(sent, "has come to a close")
		for _, uid := range []string{"u01", "u02", "u03", "u04", "u05", "u06"} {
			if thanked[w.user(uid).Email] != 1 {
				t.Errorf("%s got %d closing emails, want 1", uid, thanked[w.user(uid).Email])
			}
		}
		for _, m := range sent {
			if m.To == w.user("u01").Email && m.CalendarMethod != "CANCEL" {
				t.Error("the closing email does not cancel the meetings ahead")
			}
			if m.To == w.user("u04").Email && !strings.Contains(m.Text, "will not form") {
				t.Errorf("the unformed circle's email: %s", m.Text)
			}
		}
		if _, err := w.circles.Inside(ctx, w.user("u01"), id); err != nil {
			t.Errorf("a member can no longer open their finished circle: %v", err)
		}
		if _, err := w.programs.Propose(ctx, w.admin, p.ID, false); !errors.Is(err, program.ErrClosed) {
			t.Errorf("propose after closing: %v", err)
		}
		if err := w.programs.SaveOptIn(ctx, w.user("u07"), &program.OptIn{ProgramID: p.ID, Topics: []string{"Feedback"},
			Availability: []program.Interval{{600, 700}}}); err == nil {
			t.Error("someone opted in to a closed program")
		}
		if _, err := w.circles.SetSchedule(ctx, w.user("u01"), id, fortnightly); !errors.Is(err, program.ErrClosed) {
			t.Errorf("a finished circle scheduled again: %v", err)
		}
		// The upkeep neither writes meetings ahead nor thanks anyone again.
		before = len(w.outbox.Messages())
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(w.ahead(id)); n != 0 {
			t.Errorf("the upkeep wrote %d meetings after the close", n)
		}
		if n := len(w.since(before)); n != 0 {
			t.Errorf("the upkeep sent %d emails after the close", n)
		}
		if err := w.circles.CloseProgram(ctx, w.admin, p.ID); !errors.Is(err, program.ErrClosed) {
			t.Errorf("closing again: %v", err)
		}
	})
}

// TestProgramEndsOnItsDate: a program past its end date is closed by the
// hourly upkeep; its circle schedules nothing after the end and finishes
// once.
func TestProgramEndsOnItsDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 8)
		p := &program.Program{Name: "Short", Format: program.FormatGroup, MinSize: 3, MaxSize: 4,
			OptInOpens: w.now.Add(-time.Hour), OptInCloses: w.now.Add(3 * 24 * time.Hour), EndsAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
		if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
			t.Fatal(err)
		}
		id := w.scheduled(p, "u01", "u02", "u03")
		for _, m := range w.meetings(id) {
			if !m.Start.Before(p.EndsAt) {
				t.Errorf("a meeting on %s, after the program ends", m.Start)
			}
		}
		if len(w.meetings(id)) != 2 {
			t.Errorf("%d meetings, want the 2 before the end", len(w.meetings(id)))
		}
		w.now = p.EndsAt.Add(time.Hour)
		before := len(w.outbox.Messages())
		for range 2 {
			if err := w.circles.UpkeepAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, err := w.programs.Program(ctx, w.admin, p.ID)
		if err != nil || got.ClosedAt == nil {
			t.Fatalf("not closed after its end: %+v %v", got, err)
		}
		thanked := subjects(w.since(before), "has come to a close")
		if len(thanked) != 3 {
			t.Errorf("closing emails went to %v, want the circle's three", thanked)
		}
		for addr, n := range thanked {
			if n != 1 {
				t.Errorf("%s thanked %d times", addr, n)
			}
		}
	})
}
