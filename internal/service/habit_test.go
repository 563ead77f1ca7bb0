package service_test

import (
	"errors"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/service/cards"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestRSVP: members answer the meetings ahead; a new "can't make it"
// within a week of the meeting emails the others once per change; a
// stale answer is refused; a moved meeting keeps its answers; a departed
// member's answer no longer counts; a meeting begun takes none.
func TestRSVP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03", "u04"}
		id := w.scheduled(p, ids...)
		first := w.ahead(id)[0]
		a, b, c, d := w.user("u01"), w.user("u02"), w.user("u03"), w.user("u04")

		r, err := w.circles.SetRSVP(ctx, a, id, first.ID, circle.Coming, 0)
		if err != nil || r.Version != 1 {
			t.Fatalf("first answer: %+v, %v", r, err)
		}
		// Eight days ahead: the circle's page says it, nobody is emailed.
		sent := len(w.outbox.Messages())
		if _, err := w.circles.SetRSVP(ctx, b, id, first.ID, circle.NotComing, 0); err != nil {
			t.Fatal(err)
		}
		if n := len(w.since(sent)); n != 0 {
			t.Errorf("%d emails for a \"can't make it\" eight days ahead, want none", n)
		}
		// Within the week, the others hear of it once.
		w.now = first.Start.Add(-6 * 24 * time.Hour)
		sent = len(w.outbox.Messages())
		if _, err := w.circles.SetRSVP(ctx, c, id, first.ID, circle.NotComing, 0); err != nil {
			t.Fatal(err)
		}
		got := w.since(sent)
		if len(got) != 3 {
			t.Fatalf("%d emails, want one to each of the 3 others", len(got))
		}
		for _, m := range got {
			if m.To == c.Email || !strings.Contains(m.Subject, c.Name+" can't make it") {
				t.Errorf("email %q to %s", m.Subject, m.To)
			}
		}
		// Saying the same again is a change of nothing: no email.
		sent = len(w.outbox.Messages())
		if _, err := w.circles.SetRSVP(ctx, c, id, first.ID, circle.NotComing, 1); err != nil {
			t.Fatal(err)
		}
		if n := len(w.since(sent)); n != 0 {
			t.Errorf("%d emails for the same answer again", n)
		}
		// An answer based on one changed since is refused.
		if _, err := w.circles.SetRSVP(ctx, c, id, first.ID, circle.Coming, 1); fault.KindOf(err) != fault.Conflict {
			t.Errorf("stale answer: %v, want a conflict", err)
		}
		if _, err := w.circles.SetRSVP(ctx, d, id, first.ID, circle.Coming, 3); fault.KindOf(err) != fault.Conflict {
			t.Errorf("answer with a version never seen: %v, want a conflict", err)
		}

		v, err := w.circles.RSVP(ctx, d, id, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(v.Tally.Coming, ",") != a.Name || len(v.Tally.NotComing) != 2 || strings.Join(v.Tally.Unanswered, ",") != d.Name {
			t.Errorf("tally %+v", v.Tally)
		}

		// A moved meeting keeps its answers.
		if err := w.circles.MoveMeeting(ctx, a, id, first.ID, first.Start.Add(24*time.Hour), 60); err != nil {
			t.Fatal(err)
		}
		if r, err := w.db.FindRSVP(ctx, w.org.ID, first.ID, a.ID); err != nil || r.Answer != circle.Coming {
			t.Errorf("after the move: %+v, %v", r, err)
		}

		// A member who left is counted no more.
		if err := w.circles.Leave(ctx, c, id, ""); err != nil {
			t.Fatal(err)
		}
		v, err = w.circles.RSVP(ctx, d, id, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Tally.NotComing) != 1 || len(v.Tally.Coming)+len(v.Tally.NotComing)+len(v.Tally.Unanswered) != 3 {
			t.Errorf("tally after u03 left: %+v", v.Tally)
		}
		// And the circle's page shows the tally of its next meeting.
		h, err := w.circles.Home(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		if h.NextTally == nil || len(h.NextTally.Coming) != 1 || h.Mine[first.ID].Answer != circle.Coming {
			t.Errorf("home: tally %+v, mine %+v", h.NextTally, h.Mine[first.ID])
		}

		// Once it has begun, it takes no answer.
		w.now = first.Start.Add(24*time.Hour + time.Minute)
		if _, err := w.circles.SetRSVP(ctx, d, id, first.ID, circle.Coming, 0); !errors.Is(err, circle.ErrRSVPClosed) {
			t.Errorf("answer once begun: %v", err)
		}
		// Nobody outside the circle reads or answers it, admins included.
		if _, err := w.circles.RSVP(ctx, w.admin, id, first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("admin reads the answers: %v", err)
		}
		if _, err := w.circles.SetRSVP(ctx, w.user("u05"), id, w.ahead(id)[0].ID, circle.Coming, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("outsider answers: %v", err)
		}
	})
}

// TestRSVPRace: two answers sent at once from the same answer seen: one
// is saved, the other refused as a conflict, round after round.
func TestRSVPRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		m := w.ahead(id)[0]
		u := w.user("u01")
		version := 0
		for round := range 20 {
			errs := together(
				func() error { _, err := w.circles.SetRSVP(ctx, u, id, m.ID, circle.Coming, version); return err },
				func() error { _, err := w.circles.SetRSVP(ctx, u, id, m.ID, circle.NotComing, version); return err },
			)
			winner := oneWins(t, "two answers", errs)
			r, err := w.db.FindRSVP(ctx, w.org.ID, m.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []circle.Answer{circle.Coming, circle.NotComing}[winner]
			if r.Answer != want || r.Version != round+1 {
				t.Fatalf("round %d: saved %+v, want %s at version %d", round, r, want, round+1)
			}
			version = r.Version
		}
	})
}

// commitmentJobs returns the commitment jobs planned for id, not cancelled.
func (w *world) commitmentJobs(id string) []storetest.Job {
	var out []storetest.Job
	for _, j := range w.jobs.Pending() {
		if cj, ok := j.Args.(store.CommitmentJob); ok && cj.CommitmentID == id {
			out = append(out, j)
		}
	}
	return out
}

// TestCommitmentDue: a commitment is due at the next meeting unless its
// owner picks a day; a day before it its owner is reminded, a day after,
// if still open, asked how it went; each email goes once, and none once
// it is done, moved or let go.
func TestCommitmentDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		first := w.ahead(id)[0]
		u := w.user("u01")
		c, err := w.circles.AddCommitment(ctx, u, id, "Ask my team for feedback", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.DueAt == nil || !c.DueAt.Equal(first.Start) {
			t.Fatalf("due %v, want the next meeting %v", c.DueAt, first.Start)
		}
		jobs := w.commitmentJobs(c.ID)
		if len(jobs) != 2 || !jobs[0].At.Equal(first.Start.Add(-24*time.Hour)) || !jobs[1].At.Equal(first.Start.Add(24*time.Hour)) {
			t.Fatalf("jobs %+v", jobs)
		}
		run := func(j storetest.Job) bool {
			t.Helper()
			w.now = j.At
			sent, err := w.circles.SendCommitmentMail(ctx, j.Args.(store.CommitmentJob))
			if err != nil {
				t.Fatal(err)
			}
			return sent
		}
		if !run(jobs[0]) || run(jobs[0]) {
			t.Error("the reminder should go once")
		}
		if w.mailTo(u.Email, "friendly reminder") != 1 {
			t.Error("no reminder email")
		}
		if !run(jobs[1]) || run(jobs[1]) {
			t.Error("the follow-up should go once")
		}
		if w.mailTo(u.Email, "How did it go with Ask my team") != 1 {
			t.Error("no follow-up email")
		}

		// Moved: the old jobs send nothing, new ones are planned.
		c2, err := w.circles.AddCommitment(ctx, u, id, "Say no to one meeting", nil)
		if err != nil {
			t.Fatal(err)
		}
		old := w.commitmentJobs(c2.ID)
		day := circles.DueOn(first.Start.AddDate(0, 0, 10), u.Timezone)
		v, err := w.circles.ChangeCommitment(ctx, u, id, c2.ID, 1, circle.CommitmentChange{Due: &day})
		if err != nil || v != 2 {
			t.Fatalf("move: %d, %v", v, err)
		}
		if run(old[0]) || run(old[1]) {
			t.Error("the jobs of the old due date sent")
		}
		moved := w.commitmentJobs(c2.ID)[2:]
		if len(moved) != 2 || !moved[1].At.Equal(day.Add(24*time.Hour)) {
			t.Fatalf("jobs after the move: %+v", moved)
		}
		// Done: the follow-up sends nothing.
		done := true
		if _, err := w.circles.ChangeCommitment(ctx, u, id, c2.ID, 2, circle.CommitmentChange{Done: &done}); err != nil {
			t.Fatal(err)
		}
		if run(moved[1]) {
			t.Error("a follow-up for a commitment done")
		}
		// Stale, closed and someone else's are refused.
		if _, err := w.circles.ChangeCommitment(ctx, u, id, c2.ID, 2, circle.CommitmentChange{LetGo: true}); fault.KindOf(err) != fault.Conflict {
			t.Errorf("stale change: %v", err)
		}
		if _, err := w.circles.ChangeCommitment(ctx, u, id, c2.ID, 3, circle.CommitmentChange{LetGo: true}); !errors.Is(err, circle.ErrCommitmentClosed) {
			t.Errorf("let go once done: %v", err)
		}
		if _, err := w.circles.ChangeCommitment(ctx, w.user("u02"), id, c2.ID, 3, circle.CommitmentChange{Done: &done}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another member changes it: %v", err)
		}
		past := w.now.Add(-time.Hour)
		if _, err := w.circles.AddCommitment(ctx, u, id, "Yesterday", &past); fault.KindOf(err) != fault.Invalid {
			t.Errorf("a due date past: %v", err)
		}

		// Late: a reminder whose job runs only after the due time (the
		// server was down) says nothing; the follow-up still asks.
		c3, err := w.circles.AddCommitment(ctx, u, id, "Book the one-to-ones", nil)
		if err != nil {
			t.Fatal(err)
		}
		late := w.commitmentJobs(c3.ID)
		w.now = c3.DueAt.Add(time.Hour)
		if sent, err := w.circles.SendCommitmentMail(ctx, late[0].Args.(store.CommitmentJob)); err != nil || sent {
			t.Errorf("a reminder sent after the due time: %v, %v", sent, err)
		}
		if !run(late[1]) || w.mailTo(u.Email, "How did it go with Book the one-to-ones") != 1 {
			t.Error("the follow-up after a late reminder did not go")
		}
	})
}

// TestCommitmentRace: done and let go sent at once from the same version:
// one is made, the other refused as a conflict.
func TestCommitmentRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		u := w.user("u01")
		done := true
		for range 15 {
			c, err := w.circles.AddCommitment(ctx, u, id, "Try something", nil)
			if err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error {
					_, err := w.circles.ChangeCommitment(ctx, u, id, c.ID, 1, circle.CommitmentChange{Done: &done})
					return err
				},
				func() error {
					_, err := w.circles.ChangeCommitment(ctx, u, id, c.ID, 1, circle.CommitmentChange{LetGo: true})
					return err
				},
			)
			winner := oneWins(t, "done and let go", errs)
			d, err := w.db.FindCommitment(ctx, w.org.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if (winner == 0) != (d.DoneAt != nil) || (winner == 1) != (d.LetGoAt != nil) || d.Version != 2 {
				t.Fatalf("winner %d, commitment %+v", winner, d.Commitment)
			}
		}
	})
}

// TestStreak: meetings attended in a row, counted back from now; a
// cancelled meeting or one nobody came to does not break it; commitments
// kept in a row, one let go skipped.
func TestStreak(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		u, other := w.user("u01"), w.user("u02")
		ms := w.ahead(id)
		// Meetings 0, 1: u01 there; 2 cancelled; 3: nobody; 4: u01 there;
		// 5: only u02.
		if err := w.circles.CancelMeeting(ctx, u, id, ms[2].ID, false); err != nil {
			t.Fatal(err)
		}
		for i, who := range map[int][]*account.User{0: {u, other}, 1: {u, other}, 4: {u, other}, 5: {other}} {
			for _, x := range who {
				if _, err := w.db.RecordPresence(ctx, w.org.ID, ms[i].ID, x.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.now = ms[4].End.Add(time.Hour)
		st, err := w.circles.Streak(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if st.Meetings != 3 || st.LongestRun != 3 {
			t.Errorf("streak %+v, want 3 meetings in a row", st)
		}
		// Missing the next held meeting ends the run.
		w.now = ms[5].End.Add(time.Hour)
		if st, err = w.circles.Streak(ctx, u); err != nil || st.Meetings != 0 || st.LongestRun != 3 {
			t.Errorf("after missing one: %+v, %v", st, err)
		}

		// Commitments: kept, let go, kept, then one open and not yet due.
		add := func(body string, ch *circle.CommitmentChange) {
			t.Helper()
			due := w.now.Add(time.Hour)
			c, err := w.circles.AddCommitment(ctx, u, id, body, &due)
			if err != nil {
				t.Fatal(err)
			}
			if ch != nil {
				if _, err := w.circles.ChangeCommitment(ctx, u, id, c.ID, 1, *ch); err != nil {
					t.Fatal(err)
				}
			}
			w.now = w.now.Add(2 * time.Hour)
		}
		done := true
		add("Overdue long ago", nil)
		add("One", &circle.CommitmentChange{Done: &done})
		add("Let go", &circle.CommitmentChange{LetGo: true})
		add("Two", &circle.CommitmentChange{Done: &done})
		if st, err = w.circles.Streak(ctx, u); err != nil || st.Commitments != 2 {
			t.Errorf("commitments kept in a row: %+v, %v, want 2", st, err)
		}
		// Nobody else's streak is theirs to read: the service reads only
		// the caller's own rows.
		if st, err = w.circles.Streak(ctx, w.admin); err != nil || st != (circle.Streak{}) {
			t.Errorf("the admin's own streak: %+v, %v", st, err)
		}
	})
}

// TestWeeklyDigest: on Monday morning in each person's zone, one digest
// per person and week however often the job runs; off for whoever turned
// it off, by the setting or the link in the email.
func TestWeeklyDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		b := w.user("u02") // New York
		if _, err := w.circles.AddCommitment(ctx, b, id, "Ask my team for feedback", nil); err != nil {
			t.Fatal(err)
		}
		digests := func() map[string]int {
			n := map[string]int{}
			for _, m := range w.outbox.Messages() {
				if m.Subject == "Your week in peer coaching" {
					n[m.To]++
				}
			}
			return n
		}
		// Monday 9 March, 06:00 UTC: 07:00 in Berlin, 02:00 in New York.
		w.now = time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC)
		if err := w.circles.DigestAll(ctx); err != nil {
			t.Fatal(err)
		}
		got := digests()
		if got["p01@org.example"] != 1 || got["p03@org.example"] != 1 || got[b.Email] != 0 {
			t.Fatalf("Berlin's morning: %v", got)
		}
		// Twice at once, as two instances would: nothing more.
		errs := together(func() error { return w.circles.DigestAll(ctx) }, func() error { return w.circles.DigestAll(ctx) })
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		// New York's morning.
		w.now = time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
		if err := w.circles.DigestAll(ctx); err != nil {
			t.Fatal(err)
		}
		got = digests()
		if got["p01@org.example"] != 1 || got["p03@org.example"] != 1 || got[b.Email] != 1 {
			t.Fatalf("after New York's morning: %v", got)
		}
		var mine string
		for _, m := range w.outbox.Messages() {
			if m.To == b.Email && m.Subject == "Your week in peer coaching" {
				mine = m.Text
			}
		}
		if !strings.Contains(mine, "Ask my team for feedback (due Tuesday 10 March)") || !strings.Contains(mine, "Tuesday 10 March") {
			t.Errorf("digest text:\n%s", mine)
		}
		i := strings.Index(mine, "/digest/stop?t=")
		if i < 0 {
			t.Fatalf("no unsubscribe link in:\n%s", mine)
		}
		token := strings.Fields(mine[i+len("/digest/stop?t="):])[0]

		// The link turns it off for the next week; a made-up one does not.
		if _, err := w.circles.DigestLink(ctx, "hsd_nothing"); fault.KindOf(err) != fault.LinkInvalid {
			t.Errorf("made-up link: %v", err)
		}
		if on, err := w.circles.DigestLink(ctx, token); err != nil || !on {
			t.Errorf("link: %v, %v", on, err)
		}
		if err := w.circles.StopDigest(ctx, token); err != nil {
			t.Fatal(err)
		}
		if prefs, err := w.circles.ReminderPrefs(ctx, b); err != nil || prefs.Digest || len(prefs.Offsets) == 0 {
			t.Errorf("prefs after stopping: %+v, %v", prefs, err)
		}
		// u01 turns it off in the settings.
		prefs, err := w.circles.ReminderPrefs(ctx, w.user("u01"))
		if err != nil {
			t.Fatal(err)
		}
		prefs.Digest = false
		if err := w.circles.UpdateReminderPrefs(ctx, w.user("u01"), prefs); err != nil {
			t.Fatal(err)
		}
		// u02 releases a learning card to the circle during the week: the
		// next digest names it, with a link to it on the circle's cards.
		w.now = time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)
		cs := &cards.Service{DB: w.db, Circles: w.circles}
		k, err := cs.Write(ctx, b, id, "Silence is an answer too", "Waiting a little longer opened the room.")
		if err != nil {
			t.Fatal(err)
		}
		if k, err = cs.Widen(ctx, b, k.ID, k.Version, card.Circle); err != nil {
			t.Fatal(err)
		}
		w.now = time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC)
		if err := w.circles.DigestAll(ctx); err != nil {
			t.Fatal(err)
		}
		got = digests()
		if got["p01@org.example"] != 1 || got[b.Email] != 1 || got["p03@org.example"] != 2 {
			t.Errorf("the next week: %v", got)
		}
		var last mail.Message
		for _, m := range w.outbox.Messages() {
			if m.To == "p03@org.example" && m.Subject == "Your week in peer coaching" {
				last = m
			}
		}
		link := "/circles/" + id + "/cards#card-" + k.ID
		if !strings.Contains(last.Text, "Silence is an answer too") || !strings.Contains(last.Text, link) || !strings.Contains(last.HTML, link) {
			t.Errorf("the digest does not link the new card to %s:\n%s", link, last.Text)
		}
		// Not on other days.
		w.now = time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)
		if err := w.circles.DigestAll(ctx); err != nil {
			t.Fatal(err)
		}
		if got := digests(); got["p03@org.example"] != 2 {
			t.Errorf("a digest on Tuesday: %v", got)
		}
	})
}
