package service_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// fortnightly is the schedule most circles here keep: every other Tuesday
// at 17:00 in Berlin from 10 March 2026, before Europe's clocks change on
// 29 March (the world's clock starts on 2 March).
var fortnightly = circle.ScheduleInput{Freq: "fortnightly", Weekday: int(time.Tuesday), Time: "17:00", StartsOn: "2026-03-10",
	Timezone: "Europe/Berlin", DurationMinutes: 60, VideoURL: "https://meet.example/circle"}

// fortnightlyStarts are its first meetings: 17:00 in Berlin is 16:00 UTC
// in winter and 15:00 UTC in summer.
var fortnightlyStarts = []time.Time{
	time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 24, 16, 0, 0, 0, time.UTC),
	time.Date(2026, 4, 7, 15, 0, 0, 0, time.UTC),
	time.Date(2026, 4, 21, 15, 0, 0, 0, time.UTC),
	time.Date(2026, 5, 5, 15, 0, 0, 0, time.UTC),
	time.Date(2026, 5, 19, 15, 0, 0, 0, time.UTC),
}

// newCircleWorld is a world of eight people, those with odd numbers in
// Berlin and the others in New York, and a group program of three to four.
func newCircleWorld(t *testing.T, dbURL string) (*world, *program.Program) {
	t.Helper()
	w := newWorld(t, dbURL, 8)
	db := w.db
	for i, u := range w.members {
		tz := "America/New_York"
		if i%2 == 1 {
			tz = "Europe/Berlin"
		}
		if _, err := db.UpdateUser(ctx, w.org.ID, u.ID, store.UserUpdate{Timezone: &tz}); err != nil {
			t.Fatal(err)
		}
		u.Timezone = tz
	}
	return w, w.program(program.FormatGroup)
}

// formCircle makes an active circle of ids in p: a published proposal
// that every member accepted.
func (w *world) formCircle(p *program.Program, ids ...string) string {
	w.t.Helper()
	c := program.Circle{Slots: []program.Interval{{1440 + 9*60, 1440 + 17*60}}}
	for _, id := range ids {
		c.Members = append(c.Members, program.Member{UserID: id})
	}
	cs := []program.Circle{c}
	round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", cs, nil, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
		w.t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := w.programs.Respond(ctx, w.user(id), cs[0].ID, true, ""); err != nil {
			w.t.Fatal(err)
		}
	}
	return cs[0].ID
}

// ack has each of ids acknowledge the ground rules in force in circleID.
func (w *world) ack(circleID string, ids ...string) {
	w.t.Helper()
	rules, err := w.agreements.GroundRules(ctx, w.admin)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, id := range ids {
		if err := w.agreements.AcknowledgeGroundRules(ctx, w.user(id), circleID, rules.Version); err != nil {
			w.t.Fatalf("%s acknowledges: %v", id, err)
		}
	}
}

// scheduled forms a circle of ids whose members acknowledged the ground
// rules, and gives it the fortnightly schedule.
func (w *world) scheduled(p *program.Program, ids ...string) string {
	w.t.Helper()
	id := w.formCircle(p, ids...)
	w.ack(id, ids...)
	if _, err := w.circles.SetSchedule(ctx, w.user(ids[0]), id, fortnightly); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) meetings(circleID string) []circle.Meeting {
	w.t.Helper()
	ms, err := w.db.FindMeetings(ctx, w.org.ID, circleID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ms
}

// ahead lists the circle's meetings that have not started.
func (w *world) ahead(circleID string) []circle.Meeting {
	var out []circle.Meeting
	for _, m := range w.meetings(circleID) {
		if m.Start.After(w.now) {
			out = append(out, m)
		}
	}
	return out
}

// reminderJobs lists the send_reminder jobs not cancelled.
func (w *world) reminderJobs() []storetest.Job {
	var out []storetest.Job
	for _, j := range w.jobs.Pending() {
		if j.Args.Kind() == (store.ReminderJob{}).Kind() {
			out = append(out, j)
		}
	}
	return out
}

// reminders lists the reminder jobs still to run: those not cancelled and
// due after the clock (a queue has run the others).
func (w *world) reminders() []storetest.Job {
	var out []storetest.Job
	for _, j := range w.reminderJobs() {
		if j.At.After(w.now) {
			out = append(out, j)
		}
	}
	return out
}

// remindersAt lists the reminder jobs not cancelled that are due at at.
func (w *world) remindersAt(at time.Time) []storetest.Job {
	var out []storetest.Job
	for _, j := range w.reminderJobs() {
		if j.At.Equal(at) {
			out = append(out, j)
		}
	}
	return out
}

func reminderID(j storetest.Job) string { return j.Args.(store.ReminderJob).ReminderID }

// send runs the reminder jobs and returns the emails they sent.
func (w *world) send(jobs ...storetest.Job) []mail.Message {
	w.t.Helper()
	before := len(w.outbox.Messages())
	for _, j := range jobs {
		if _, err := w.circles.SendReminder(ctx, reminderID(j)); err != nil {
			w.t.Fatal(err)
		}
	}
	return w.outbox.Messages()[before:]
}

// since returns the emails sent after the first n.
func (w *world) since(n int) []mail.Message { return w.outbox.Messages()[n:] }

// to picks the emails to u whose subject contains subjectPart.
func to(msgs []mail.Message, u *account.User, subjectPart string) []mail.Message {
	var out []mail.Message
	for _, m := range msgs {
		if m.To == u.Email && strings.Contains(strings.ToLower(m.Subject), strings.ToLower(subjectPart)) {
			out = append(out, m)
		}
	}
	return out
}

// ics returns a calendar's text with folded lines joined again.
func ics(b []byte) string { return strings.ReplaceAll(string(b), "\r\n ", "") }

func jobIDs(jobs []storetest.Job) []int64 {
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}

func TestGroundRulesGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.formCircle(p, "u01", "u02", "u03")
		a := w.user("u01")

		gated := func(when string) {
			t.Helper()
			checks := map[string]error{}
			_, checks["Home"] = w.circles.Home(ctx, a, id)
			_, _, checks["Agreement"] = w.agreements.Agreement(ctx, a, id)
			_, checks["ProposeAgreement"] = w.agreements.ProposeAgreement(ctx, a, id, "Our agreement", "")
			_, _, checks["ScheduleForm"] = w.circles.ScheduleForm(ctx, a, id)
			_, checks["SetSchedule"] = w.circles.SetSchedule(ctx, a, id, fortnightly)
			_, checks["AddPost"] = w.circles.AddPost(ctx, a, id, "Hello")
			_, checks["AddCommitment"] = w.circles.AddCommitment(ctx, a, id, "Ask for feedback", nil)
			_, checks["MeetingICS"] = w.circles.MeetingICS(ctx, a, id, "any")
			for name, err := range checks {
				if !errors.Is(err, circle.ErrGroundRules) {
					t.Errorf("%s %s: %v, want the ground rules first", name, when, err)
				}
			}
		}
		gated("before acknowledging")
		mine, err := w.circles.MyCircles(ctx, a)
		if err != nil || len(mine) != 1 || !mine[0].NeedsAck {
			t.Fatalf("MyCircles: %+v, %v", mine, err)
		}
		_, rules, at, err := w.agreements.CircleRules(ctx, a, id)
		if err != nil || rules.Version != 1 || rules.Body != circle.DefaultGroundRules || at != nil {
			t.Fatalf("CircleRules: %+v, %v, %v", rules, at, err)
		}
		wantErr(t, "acknowledging a version not yet written", w.agreements.AcknowledgeGroundRules(ctx, a, id, 2), circle.ErrRulesChanged)
		if err := w.agreements.AcknowledgeGroundRules(ctx, a, id, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.Home(ctx, a, id); err != nil {
			t.Fatalf("Home after acknowledging: %v", err)
		}
		// Acknowledging belongs to the circle and the person: the others
		// are still asked.
		if _, err := w.circles.Home(ctx, w.user("u02"), id); !errors.Is(err, circle.ErrGroundRules) {
			t.Errorf("another member's Home: %v", err)
		}

		// Only admins change the rules; the same text makes no new version.
		_, err = w.agreements.UpdateGroundRules(ctx, a, "New rules")
		wantErr(t, "a member updating the ground rules", err, auth.ErrForbidden)
		if g, err := w.agreements.UpdateGroundRules(ctx, w.admin, "  "+circle.DefaultGroundRules+"\r\n"); err != nil || g.Version != 1 {
			t.Errorf("saving the same text: %+v, %v", g, err)
		}
		if _, err := w.agreements.UpdateGroundRules(ctx, w.admin, "   "); err == nil {
			t.Error("empty ground rules saved")
		} else if f, ok := fault.FieldsOf(err); !ok || f["body"] == "" {
			t.Errorf("empty ground rules: %v", err)
		}
		g, err := w.agreements.UpdateGroundRules(ctx, w.admin, "1. Confidentiality.\r\n2. Kindness.")
		if err != nil || g.Version != 2 || g.Body != "1. Confidentiality.\n2. Kindness." {
			t.Fatalf("new ground rules: %+v, %v", g, err)
		}
		gated("after the rules changed")
		if mine, _ := w.circles.MyCircles(ctx, a); len(mine) != 1 || !mine[0].NeedsAck {
			t.Errorf("MyCircles after the rules changed: %+v", mine)
		}
		wantErr(t, "acknowledging the old version", w.agreements.AcknowledgeGroundRules(ctx, a, id, 1), circle.ErrRulesChanged)
		if err := w.agreements.AcknowledgeGroundRules(ctx, a, id, 2); err != nil {
			t.Fatal(err)
		}
		h, err := w.circles.Home(ctx, a, id)
		if err != nil || h.GroundRules.Version != 2 {
			t.Fatalf("Home after acknowledging version 2: %+v, %v", h, err)
		}
		if err := w.agreements.AcknowledgeGroundRules(ctx, a, id, 2); err != nil {
			t.Errorf("acknowledging twice: %v", err)
		}
		if mine, _ := w.circles.MyCircles(ctx, a); len(mine) != 1 || mine[0].NeedsAck {
			t.Errorf("MyCircles after acknowledging: %+v", mine)
		}
	})
}

func TestCirclePrivacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		db := w.db
		one := w.scheduled(p, "u01", "u02", "u03")
		two := w.formCircle(p, "u04", "u05", "u06")
		w.ack(two, "u04", "u05", "u06")
		other := &account.User{Name: "Eve", Email: "eve@else.example", Timezone: "UTC"}
		if _, err := db.CreateOrg(ctx, "Else", other); err != nil {
			t.Fatal(err)
		}
		post, err := w.circles.AddPost(ctx, w.user("u01"), one, "What I learned about delegation")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.AddCommitment(ctx, w.user("u02"), one, "Ask my team for feedback", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.AddPost(ctx, w.user("u04"), two, "Circle two's note"); err != nil {
			t.Fatal(err)
		}
		meeting := w.ahead(one)[0]

		outsiders := map[string]*account.User{"the org admin": w.admin, "a member of another circle": w.user("u04"),
			"a colleague in no circle": w.user("u07"), "someone of another organisation": other}
		for who, u := range outsiders {
			checks := map[string]error{}
			_, checks["Home"] = w.circles.Home(ctx, u, one)
			_, _, checks["Agreement"] = w.agreements.Agreement(ctx, u, one)
			_, _, checks["ScheduleForm"] = w.circles.ScheduleForm(ctx, u, one)
			_, checks["MeetingICS"] = w.circles.MeetingICS(ctx, u, one, meeting.ID)
			_, checks["AddPost"] = w.circles.AddPost(ctx, u, one, "Hello")
			checks["Leave"] = w.circles.Leave(ctx, u, one, "")
			_, _, _, checks["CircleRules"] = w.agreements.CircleRules(ctx, u, one)
			checks["AcknowledgeGroundRules"] = w.agreements.AcknowledgeGroundRules(ctx, u, one, 1)
			_, checks["ProposeAgreement"] = w.agreements.ProposeAgreement(ctx, u, one, "Ours now", "")
			_, checks["SetSchedule"] = w.circles.SetSchedule(ctx, u, one, fortnightly)
			checks["MoveMeeting"] = w.circles.MoveMeeting(ctx, u, one, meeting.ID, meeting.Start.Add(time.Hour), 60)
			checks["CancelMeeting"] = w.circles.CancelMeeting(ctx, u, one, meeting.ID, false)
			checks["DeletePost"] = w.circles.DeletePost(ctx, u, one, post.ID)
			_, checks["Comments"] = w.agreements.Comments(ctx, u, one)
			_, checks["Comment"] = w.agreements.Comment(ctx, u, one, 1, "Hello")
			_, checks["ScheduleNotices"] = w.circles.ScheduleNotices(ctx, u, one)
			_, checks["UndoScheduleChange"] = w.circles.UndoScheduleChange(ctx, u, one, "any")
			for name, err := range checks {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s by %s: %v, want not found", name, who, err)
				}
			}
		}
		// A member cannot reach another circle's post through their own.
		wantErr(t, "deleting another circle's post", w.circles.DeletePost(ctx, w.user("u04"), two, post.ID), store.ErrNotFound)

		h1, err := w.circles.Home(ctx, w.user("u03"), one)
		if err != nil {
			t.Fatal(err)
		}
		h2, err := w.circles.Home(ctx, w.user("u05"), two)
		if err != nil {
			t.Fatal(err)
		}
		if len(h1.Posts) != 1 || h1.Posts[0].Body != "What I learned about delegation" || h1.Posts[0].AuthorName != "Person 01" {
			t.Errorf("circle one's posts: %+v", h1.Posts)
		}
		if len(h1.Commitments) != 1 || h1.Commitments[0].UserID != "u02" {
			t.Errorf("circle one's commitments: %+v", h1.Commitments)
		}
		if len(h2.Posts) != 1 || h2.Posts[0].Body != "Circle two's note" || len(h2.Commitments) != 0 {
			t.Errorf("circle two sees %+v and %+v", h2.Posts, h2.Commitments)
		}
		if h2.Schedule != nil || len(h2.Upcoming) != 0 {
			t.Errorf("circle two sees a schedule: %+v, %d meetings", h2.Schedule, len(h2.Upcoming))
		}
		if mine, _ := w.circles.MyCircles(ctx, w.admin); len(mine) != 0 {
			t.Errorf("the admin lists circles: %+v", mine)
		}
	})
}

func TestWorkingAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.formCircle(p, "u01", "u02", "u03")
		w.ack(id, "u01", "u02", "u03")
		a, b, c := w.user("u01"), w.user("u02"), w.user("u03")
		status := func(version int) circle.AgreementStatus {
			t.Helper()
			_, vs, err := w.agreements.Agreement(ctx, a, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if v.Version == version {
					return v.Status
				}
			}
			t.Fatalf("no version %d", version)
			return ""
		}

		sent := len(w.outbox.Messages())
		v1, err := w.agreements.ProposeAgreement(ctx, a, id, "## Purpose\nWe learn together.", "  A first   draft ")
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.Status != circle.AgreementProposed || v1.ProposedBy != "u01" || v1.Note != "A first draft" ||
			!v1.Consented("u01") || len(v1.Consents) != 1 {
			t.Errorf("proposal %+v", v1)
		}
		msgs := w.since(sent)
		if len(to(msgs, a, "proposed")) != 0 || len(to(msgs, b, "proposed")) != 1 || len(to(msgs, c, "proposed")) != 1 {
			t.Errorf("proposal emails: %+v", msgs)
		}
		if m := to(msgs, b, "proposed"); len(m) == 1 && !strings.Contains(m[0].Text, "A first draft") {
			t.Errorf("the proposal email leaves out the note: %s", m[0].Text)
		}
		_, err = w.agreements.ConsentToAgreement(ctx, a, id, 1)
		wantErr(t, "the proposer consenting again", err, circle.ErrAlreadyGiven)
		wantErr(t, "withdrawing someone else's proposal", w.agreements.WithdrawAgreement(ctx, b, id, 1), circle.ErrNotProposer)
		sent = len(w.outbox.Messages())
		v, err := w.agreements.ConsentToAgreement(ctx, b, id, 1)
		if err != nil || v.Status != circle.AgreementProposed || len(v.Consents) != 2 {
			t.Fatalf("after the second consent: %+v, %v", v, err)
		}
		_, err = w.agreements.ConsentToAgreement(ctx, b, id, 1)
		wantErr(t, "consenting twice", err, circle.ErrAlreadyGiven)
		if n := len(w.since(sent)); n != 0 {
			t.Errorf("%d emails before everyone consented", n)
		}
		v, err = w.agreements.ConsentToAgreement(ctx, c, id, 1)
		if err != nil || v.Status != circle.AgreementAdopted || v.AdoptedAt == nil {
			t.Fatalf("after the last consent: %+v, %v", v, err)
		}
		for _, u := range []*account.User{a, b, c} {
			if len(to(w.since(sent), u, "working agreement")) != 1 {
				t.Errorf("%s was not told the agreement was adopted", u.ID)
			}
		}

		// The same text again is no change, however it is typed.
		_, err = w.agreements.ProposeAgreement(ctx, b, id, "## Purpose\r\nWe learn together.\n\n", "")
		wantErr(t, "proposing the agreement in force", err, circle.ErrUnchanged)
		_, err = w.agreements.ConsentToAgreement(ctx, b, id, 1)
		wantErr(t, "consenting to the adopted version", err, circle.ErrNotProposed)
		_, err = w.agreements.ConsentToAgreement(ctx, b, id, 9)
		wantErr(t, "consenting to no version", err, store.ErrNotFound)

		// A newer proposal replaces an open one; a proposer withdraws their own.
		if _, err := w.agreements.ProposeAgreement(ctx, b, id, "Version two", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.agreements.ProposeAgreement(ctx, c, id, "Version three", ""); err != nil {
			t.Fatal(err)
		}
		if status(2) != circle.AgreementWithdrawn || status(3) != circle.AgreementProposed || status(1) != circle.AgreementAdopted {
			t.Errorf("statuses after a second proposal: %s %s %s", status(1), status(2), status(3))
		}
		_, err = w.agreements.ConsentToAgreement(ctx, a, id, 2)
		wantErr(t, "consenting to a withdrawn version", err, circle.ErrNotProposed)
		if err := w.agreements.WithdrawAgreement(ctx, c, id, 3); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "withdrawing twice", w.agreements.WithdrawAgreement(ctx, c, id, 3), circle.ErrNotProposed)

		// An amendment everyone consents to supersedes the version in force.
		if _, err := w.agreements.ProposeAgreement(ctx, a, id, "Version four", "Shorter"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{b, c} {
			if _, err := w.agreements.ConsentToAgreement(ctx, u, id, 4); err != nil {
				t.Fatal(err)
			}
		}
		if status(1) != circle.AgreementSuperseded || status(4) != circle.AgreementAdopted {
			t.Errorf("after amending: version 1 %s, version 4 %s", status(1), status(4))
		}

		// When the only member yet to consent leaves, the proposal is adopted.
		if _, err := w.agreements.ProposeAgreement(ctx, b, id, "Version five", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.agreements.ConsentToAgreement(ctx, a, id, 5); err != nil {
			t.Fatal(err)
		}
		sent = len(w.outbox.Messages())
		if err := w.circles.Leave(ctx, c, id, ""); err != nil {
			t.Fatal(err)
		}
		// The circle has no schedule: no calendar to cancel.
		if left := to(w.since(sent), c, "You've left"); len(left) != 1 || len(left[0].Calendar) != 0 {
			t.Errorf("leaving a circle without a schedule: %+v", left)
		}
		if adopted := to(w.since(sent), a, "agreement"); len(adopted) != 1 {
			t.Errorf("the members heard %d times that the agreement took effect, want once", len(adopted))
		}
		h, err := w.circles.Home(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		if h.Adopted == nil || h.Adopted.Version != 5 || h.Adopted.Body != "Version five" || h.Proposed != nil {
			t.Errorf("after the last holdout left: adopted %+v, proposed %+v", h.Adopted, h.Proposed)
		}
		if status(4) != circle.AgreementSuperseded {
			t.Errorf("version 4 is %s", status(4))
		}
		if len(h.Agreement) != 5 || h.Agreement[0].Version != 5 {
			t.Errorf("agreement history: %+v", h.Agreement)
		}
	})
}

func TestScheduleAcrossTimeZones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03"} // Berlin, New York, Berlin
		id := w.formCircle(p, ids...)
		w.ack(id, ids...)
		ny := w.user("u02")

		in, saved, err := w.circles.ScheduleForm(ctx, ny, id)
		if err != nil || saved {
			t.Fatalf("ScheduleForm: %+v, %v, %v", in, saved, err)
		}
		// Tuesday 09:00–17:00 UTC is 04:00 in New York in early March.
		if in.Timezone != "America/New_York" || in.Weekday != int(time.Tuesday) || in.Time != "04:00" || in.Freq != "fortnightly" ||
			in.DurationMinutes != p.SessionMinutes {
			t.Errorf("suggestion %+v", in)
		}

		sent := len(w.outbox.Messages())
		sched, err := w.circles.SetSchedule(ctx, ny, id, fortnightly)
		if err != nil {
			t.Fatal(err)
		}
		if sched.Timezone != "Europe/Berlin" || !sched.FirstStart.Equal(fortnightlyStarts[0]) || sched.Sequence != 0 {
			t.Errorf("schedule %+v", sched)
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		ms := w.meetings(id)
		if len(ms) != circle.Upcoming {
			t.Fatalf("%d meetings written ahead, want %d", len(ms), circle.Upcoming)
		}
		for i, m := range ms {
			if !m.Start.Equal(fortnightlyStarts[i]) || !m.Original.Equal(m.Start) || m.End.Sub(m.Start) != time.Hour ||
				m.Status != circle.Scheduled {
				t.Errorf("meeting %d: %+v, want %v", i, m, fortnightlyStarts[i])
			}
			if local := m.Start.In(berlin); local.Hour() != 17 || local.Minute() != 0 || local.Weekday() != time.Tuesday {
				t.Errorf("meeting %d is at %v in Berlin", i, local)
			}
			if m.FacilitatorID == m.TimekeeperID || !slices.Contains(ids, m.FacilitatorID) || !slices.Contains(ids, m.TimekeeperID) {
				t.Errorf("meeting %d roles %s/%s", i, m.FacilitatorID, m.TimekeeperID)
			}
		}
		// Everyone holds each role before anyone holds it twice.
		for start := 0; start+len(ids) <= len(ms); start++ {
			fac, tk := map[string]bool{}, map[string]bool{}
			for _, m := range ms[start : start+len(ids)] {
				fac[m.FacilitatorID], tk[m.TimekeeperID] = true, true
			}
			if len(fac) != len(ids) || len(tk) != len(ids) {
				t.Errorf("meetings %d–%d: someone holds a role twice before everyone held it: %v", start+1, start+len(ids), ms)
			}
		}

		msgs := w.since(sent)
		for _, uid := range ids {
			u := w.user(uid)
			mine := to(msgs, u, "has a meeting time")
			if len(mine) != 1 {
				t.Errorf("%s got %d schedule emails", uid, len(mine))
				continue
			}
			m := mine[0]
			cal := ics(m.Calendar)
			if len(m.Calendar) == 0 || m.CalendarMethod != "REQUEST" || !strings.Contains(cal, "METHOD:REQUEST") {
				t.Errorf("%s's invitation: method %q, calendar %q", uid, m.CalendarMethod, cal)
			}
			for _, want := range []string{"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "TZID=Europe/Berlin", "BEGIN:VTIMEZONE",
				"DTSTART;TZID=Europe/Berlin:20260310T170000", "UID:circle-" + id + "@holdspace.test", "ATTENDEE", "p02@org.example"} {
				if !strings.Contains(cal, want) {
					t.Errorf("%s's invitation lacks %q:\n%s", uid, want, cal)
				}
			}
			if !strings.Contains(cal, "DTSTAMP:20260302T090000Z") {
				t.Errorf("%s's invitation is not stamped with the time of the change:\n%s", uid, cal)
			}
			// The first meeting in the recipient's own zone.
			want := "Tuesday 10 March, 17:00–18:00"
			if u.Timezone == "America/New_York" {
				want = "Tuesday 10 March, 12:00–13:00"
			}
			if !strings.Contains(m.Text, want) || !strings.Contains(m.Text, u.Timezone) {
				t.Errorf("%s's email does not say %q (%s):\n%s", uid, want, u.Timezone, m.Text)
			}
		}

		// The form now shows the schedule; the home shows the meetings.
		// It carries the sequence it shows, so that saving it is refused
		// if someone changes the schedule meanwhile.
		in, saved, err = w.circles.ScheduleForm(ctx, ny, id)
		if err != nil || !saved || in.Replaces == nil || *in.Replaces != 0 {
			t.Errorf("ScheduleForm with a schedule: %+v, %v, %v", in, saved, err)
		}
		if in.Replaces = nil; in != fortnightly {
			t.Errorf("ScheduleForm with a schedule: %+v", in)
		}
		h, err := w.circles.Home(ctx, ny, id)
		if err != nil || h.Schedule == nil || len(h.Upcoming) != circle.Upcoming || len(h.Past) != 0 {
			t.Fatalf("Home: %+v, %v", h, err)
		}
		if mine, _ := w.circles.MyCircles(ctx, ny); len(mine) != 1 || mine[0].Next == nil || !mine[0].Next.Start.Equal(fortnightlyStarts[0]) {
			t.Errorf("MyCircles: %+v", mine)
		}
		// A meeting under way is still the next one; once it has ended,
		// the list moves on to the one after.
		before := w.now
		for _, tt := range []struct {
			at   time.Time
			want time.Time
		}{
			{fortnightlyStarts[0].Add(10 * time.Minute), fortnightlyStarts[0]},
			{fortnightlyStarts[0].Add(2 * time.Hour), fortnightlyStarts[1]},
		} {
			w.now = tt.at
			if mine, err := w.circles.MyCircles(ctx, ny); err != nil || len(mine) != 1 || mine[0].Next == nil || !mine[0].Next.Start.Equal(tt.want) {
				t.Errorf("MyCircles at %s: %+v, %v; want the next at %s", tt.at, mine, err, tt.want)
			}
		}
		w.now = before
		event, err := w.circles.MeetingICS(ctx, ny, id, ms[2].ID)
		if err != nil || !strings.Contains(ics(event), "DTSTART;TZID=Europe/Berlin:20260407T170000") ||
			strings.Contains(ics(event), "RRULE") || strings.Contains(ics(event), "ATTENDEE") {
			t.Errorf("one meeting's .ics: %v\n%s", err, event)
		}
		_, err = w.circles.MeetingICS(ctx, ny, id, "no-such-meeting")
		wantErr(t, "an unknown meeting's .ics", err, store.ErrNotFound)

		// Changing only the call link keeps the meetings' times.
		w.now = w.now.Add(time.Hour)
		sent = len(w.outbox.Messages())
		changed := fortnightly
		changed.VideoURL = "https://meet.example/new-room"
		sched, err = w.circles.SetSchedule(ctx, w.user("u01"), id, changed)
		if err != nil {
			t.Fatalf("changing the call link: %v", err)
		}
		if sched.Sequence != 1 || sched.VideoURL != changed.VideoURL {
			t.Errorf("changed schedule %+v", sched)
		}
		ms = w.meetings(id)
		if len(ms) != circle.Upcoming || !ms[0].Start.Equal(fortnightlyStarts[0]) {
			t.Errorf("meetings after the change: %v", ms)
		}
		// The member who changed it gets the new time; the others are told
		// who changed what.
		for _, uid := range ids {
			mine := to(w.since(sent), w.user(uid), "changed")
			if len(mine) != 1 || !strings.Contains(ics(mine[0].Calendar), "SEQUENCE:1") {
				t.Errorf("%s was not sent the changed schedule: %+v", uid, mine)
				continue
			}
			if uid != "u01" && !strings.Contains(mine[0].Text, "Video call: https://meet.example/circle → https://meet.example/new-room") {
				t.Errorf("%s is not told what changed:\n%s", uid, mine[0].Text)
			}
		}
		if n := len(w.reminders()); n != len(ids)*2*circle.Upcoming {
			t.Errorf("%d reminders after the change, want %d", n, len(ids)*2*circle.Upcoming)
		}
	})
}

func TestReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03"}
		id := w.scheduled(p, ids...)
		ms := w.meetings(id)

		// One job per member, default offset and meeting ahead.
		want := map[time.Time]int{}
		for _, m := range ms {
			want[m.Start.Add(-24*time.Hour)] += len(ids)
			want[m.Start.Add(-time.Hour)] += len(ids)
		}
		got := map[time.Time]int{}
		for _, j := range w.reminders() {
			got[j.At.UTC()]++
		}
		if len(w.reminders()) != len(ids)*2*len(ms) || len(got) != len(want) {
			t.Fatalf("%d reminder jobs at %v, want %v", len(w.reminders()), got, want)
		}
		for at, n := range want {
			if got[at] != n {
				t.Errorf("%d reminders at %v, want %d", got[at], at, n)
			}
		}

		// A day before the first meeting, each member hears of it in their
		// own zone, and of their role; a second run sends nothing.
		first := ms[0]
		w.now = first.Start.Add(-24 * time.Hour)
		due := w.remindersAt(w.now)
		msgs := w.send(due...)
		if len(msgs) != len(ids) {
			t.Fatalf("%d reminders sent, want %d", len(msgs), len(ids))
		}
		for _, uid := range ids {
			u := w.user(uid)
			mine := to(msgs, u, "meets tomorrow")
			if len(mine) != 1 {
				t.Errorf("%s got %d reminders", uid, len(mine))
				continue
			}
			when := "Tuesday 10 March, 17:00–18:00 (Europe/Berlin)"
			if u.Timezone == "America/New_York" {
				when = "Tuesday 10 March, 12:00–13:00 (America/New_York)"
			}
			if !strings.Contains(mine[0].Text, when) || !strings.Contains(mine[0].Text, "https://meet.example/circle") {
				t.Errorf("%s's reminder does not say %q:\n%s", uid, when, mine[0].Text)
			}
			if holds := strings.Contains(mine[0].Text, "You're the facilitator"); holds != (uid == first.FacilitatorID) {
				t.Errorf("%s's reminder about facilitating (facilitator %s):\n%s", uid, first.FacilitatorID, mine[0].Text)
			}
		}
		for _, j := range due {
			if sent, err := w.circles.SendReminder(ctx, reminderID(j)); err != nil || sent {
				t.Errorf("a reminder ran twice: %v, %v", sent, err)
			}
		}
		if n := len(w.send(due...)); n != 0 {
			t.Errorf("%d reminders sent twice", n)
		}

		// An hour before, a change to the circle while the reminders are
		// due (here the upkeep) does not drop them.
		w.now = first.Start.Add(-time.Hour)
		due = w.remindersAt(w.now)
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if msgs := w.send(due...); len(msgs) != len(ids) || len(to(msgs, w.user("u02"), "in 1 hour")) != 1 {
			t.Errorf("the reminders an hour before: %+v", msgs)
		}

		// Moving a meeting moves its reminders; the old ones send nothing.
		second := ms[1]
		old := append(w.remindersAt(second.Start.Add(-24*time.Hour)), w.remindersAt(second.Start.Add(-time.Hour))...)
		if len(old) != 2*len(ids) {
			t.Fatalf("%d reminders for the second meeting", len(old))
		}
		moved := time.Date(2026, 3, 26, 16, 30, 0, 0, time.UTC) // Thursday 17:30 in Berlin
		sent := len(w.outbox.Messages())
		if err := w.circles.MoveMeeting(ctx, w.user("u03"), id, second.ID, moved, 90); err != nil {
			t.Fatal(err)
		}
		pending := jobIDs(w.reminders())
		for _, j := range old {
			if slices.Contains(pending, j.ID) {
				t.Errorf("the moved meeting's reminder job %d is still pending", j.ID)
			}
		}
		if n, m := len(w.remindersAt(moved.Add(-24*time.Hour))), len(w.remindersAt(moved.Add(-time.Hour))); n != len(ids) || m != len(ids) {
			t.Errorf("%d and %d reminders at the new time", n, m)
		}
		if n := len(w.send(old...)); n != 0 {
			t.Errorf("%d reminders of the old time sent", n)
		}
		for _, uid := range ids {
			mine := to(w.since(sent), w.user(uid), "has moved")
			if len(mine) != 1 || mine[0].CalendarMethod != "REQUEST" {
				t.Errorf("%s's moved email: %+v", uid, mine)
				continue
			}
			cal := ics(mine[0].Calendar)
			if !strings.Contains(cal, "RECURRENCE-ID;TZID=Europe/Berlin:20260324T170000") ||
				!strings.Contains(cal, "DTSTART;TZID=Europe/Berlin:20260326T173000") || !strings.Contains(cal, "DTEND;TZID=Europe/Berlin:20260326T190000") {
				t.Errorf("%s's moved invitation:\n%s", uid, cal)
			}
		}
		for _, m := range w.meetings(id) {
			if m.ID == second.ID && (!m.Start.Equal(moved) || !m.Original.Equal(second.Start) || !m.Moved() || m.Sequence != 1) {
				t.Errorf("moved meeting %+v", m)
			}
		}

		// Cancelling a meeting cancels its reminders and its calendar entry.
		third := ms[2]
		old = append(w.remindersAt(third.Start.Add(-24*time.Hour)), w.remindersAt(third.Start.Add(-time.Hour))...)
		sent = len(w.outbox.Messages())
		if err := w.circles.CancelMeeting(ctx, w.user("u01"), id, third.ID, false); err != nil {
			t.Fatal(err)
		}
		pending = jobIDs(w.reminders())
		for _, j := range old {
			if slices.Contains(pending, j.ID) {
				t.Errorf("the cancelled meeting's reminder job %d is still pending", j.ID)
			}
		}
		for _, uid := range ids {
			mine := to(w.since(sent), w.user(uid), "is cancelled")
			if len(mine) != 1 || mine[0].CalendarMethod != "CANCEL" {
				t.Errorf("%s's cancellation: %+v", uid, mine)
				continue
			}
			cal := ics(mine[0].Calendar)
			if !strings.Contains(cal, "METHOD:CANCEL") || !strings.Contains(cal, "STATUS:CANCELLED") ||
				!strings.Contains(cal, "RECURRENCE-ID;TZID=Europe/Berlin:20260407T170000") {
				t.Errorf("%s's cancellation:\n%s", uid, cal)
			}
		}
		for _, m := range w.meetings(id) {
			if m.ID == third.ID && (m.Status != circle.Cancelled || m.FacilitatorID != "" || m.TimekeeperID != "") {
				t.Errorf("cancelled meeting %+v", m)
			}
		}
		if n := len(w.send(old...)); n != 0 {
			t.Errorf("%d reminders of a cancelled meeting sent", n)
		}
		// Restoring it brings the reminders back.
		if err := w.circles.CancelMeeting(ctx, w.user("u01"), id, third.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := len(w.remindersAt(third.Start.Add(-time.Hour))); n != len(ids) {
			t.Errorf("%d reminders after restoring the meeting", n)
		}

		// Turning reminders off cancels the member's pending ones; choosing
		// 15 minutes schedules only those.
		a := w.user("u01")
		before := len(w.reminders())
		if err := w.circles.UpdateReminderPrefs(ctx, a, circle.ReminderPrefs{Nudges: true}); err != nil {
			t.Fatal(err)
		}
		if after := len(w.reminders()); after != before*2/3 {
			t.Errorf("%d reminders after one of three members turned them off, want %d", after, before*2/3)
		}
		err := w.circles.UpdateReminderPrefs(ctx, a, circle.ReminderPrefs{Offsets: []int{30}})
		if f, ok := fault.FieldsOf(err); !ok || f["offsets"] == "" {
			t.Errorf("an offset not offered: %v", err)
		}
		if err := w.circles.UpdateReminderPrefs(ctx, a, circle.ReminderPrefs{Offsets: []int{15, 15}, Nudges: true}); err != nil {
			t.Fatal(err)
		}
		if prefs, _ := w.circles.ReminderPrefs(ctx, a); !slices.Equal(prefs.Offsets, []int{15}) {
			t.Errorf("prefs %+v", prefs)
		}
		ahead := w.ahead(id)
		if n := len(w.reminders()); n != before*2/3+len(ahead) {
			t.Errorf("%d reminders, want %d", n, before*2/3+len(ahead))
		}
		for _, m := range ahead {
			if n := len(w.remindersAt(m.Start.Add(-15 * time.Minute))); n != 1 {
				t.Errorf("%d reminders 15 minutes before %v", n, m.Start)
			}
		}
		// The next day-ahead reminders go to the two others only.
		w.now = ahead[1].Start.Add(-24 * time.Hour)
		msgs = w.send(w.remindersAt(w.now)...)
		if len(msgs) != 2 || len(to(msgs, a, "")) != 0 {
			t.Errorf("day-ahead reminders after u01 turned them off: %+v", msgs)
		}
		w.now = ahead[1].Start.Add(-15 * time.Minute)
		msgs = w.send(w.remindersAt(w.now)...)
		if len(msgs) != 1 || len(to(msgs, a, "in 15 minutes")) != 1 {
			t.Errorf("15-minute reminders: %+v", msgs)
		}
	})
}

func TestUpkeepTopsUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03"}
		id := w.scheduled(p, ids...)

		// Three meetings pass.
		w.now = time.Date(2026, 4, 8, 9, 0, 0, 0, time.UTC)
		if n := len(w.ahead(id)); n != 3 {
			t.Fatalf("%d meetings ahead before the upkeep", n)
		}
		sent := len(w.outbox.Messages())
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		ahead := w.ahead(id)
		if len(ahead) != circle.Upcoming {
			t.Fatalf("%d meetings ahead after the upkeep, want %d", len(ahead), circle.Upcoming)
		}
		wantStarts := append(slices.Clone(fortnightlyStarts[3:]),
			time.Date(2026, 6, 2, 15, 0, 0, 0, time.UTC), time.Date(2026, 6, 16, 15, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC))
		for i, m := range ahead {
			if !m.Start.Equal(wantStarts[i]) {
				t.Errorf("meeting ahead %d at %v, want %v", i, m.Start, wantStarts[i])
			}
		}
		all := w.meetings(id)
		for i, m := range all {
			if m.FacilitatorID == m.TimekeeperID || !slices.Contains(ids, m.FacilitatorID) || !slices.Contains(ids, m.TimekeeperID) {
				t.Errorf("meeting %d roles %s/%s", i, m.FacilitatorID, m.TimekeeperID)
			}
			if i+len(ids) <= len(all) {
				fac, tk := map[string]bool{}, map[string]bool{}
				for _, m := range all[i : i+len(ids)] {
					fac[m.FacilitatorID], tk[m.TimekeeperID] = true, true
				}
				if len(fac) != len(ids) || len(tk) != len(ids) {
					t.Errorf("meetings %d–%d do not go round: %v", i+1, i+len(ids), all)
				}
			}
		}
		// The past meetings' unsent reminders are gone; every meeting
		// ahead has its own.
		rems := w.reminders()
		if len(rems) != len(ids)*2*circle.Upcoming {
			t.Errorf("%d reminders pending, want %d", len(rems), len(ids)*2*circle.Upcoming)
		}
		for _, m := range ahead {
			if n := len(w.remindersAt(m.Start.Add(-24 * time.Hour))); n != len(ids) {
				t.Errorf("%d day-ahead reminders for %v", n, m.Start)
			}
		}
		if n := len(w.since(sent)); n != 0 {
			t.Errorf("the upkeep of a circle that meets sent %d emails", n)
		}
		h, err := w.circles.Home(ctx, w.user("u02"), id)
		if err != nil || len(h.Past) != 3 || !h.Past[0].Start.Equal(fortnightlyStarts[2]) {
			t.Errorf("Home after three meetings: past %v, %v", h.Past, err)
		}

		// Running again right away changes nothing.
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(jobIDs(w.reminders()), jobIDs(rems)) {
			t.Error("a second upkeep rescheduled reminders")
		}
		if again := w.meetings(id); !slices.Equal(again, all) {
			t.Errorf("a second upkeep changed the meetings:\n%v\n%v", all, again)
		}
	})
}

// isNudge tells a nudge to a quiet circle (to meet again, or for the first
// time) from the other emails.
func isNudge(m mail.Message) bool {
	return strings.Contains(m.Subject, "Time to meet again") || strings.Contains(m.Subject, "first meeting in")
}

func TestUpkeepNudges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		formed := w.now
		quiet := w.formCircle(p, "u01", "u02", "u03")
		w.ack(quiet, "u01", "u02", "u03")
		w.scheduled(p, "u04", "u05", "u06")
		off := w.user("u03")
		if err := w.circles.UpdateReminderPrefs(ctx, off, circle.ReminderPrefs{Offsets: circle.DefaultReminders, Nudges: false}); err != nil {
			t.Fatal(err)
		}
		nudges := func() []mail.Message {
			var out []mail.Message
			for _, m := range w.outbox.Messages() {
				if isNudge(m) {
					out = append(out, m)
				}
			}
			return out
		}

		w.now = formed.Add(27 * 24 * time.Hour)
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(nudges()); n != 0 {
			t.Errorf("%d nudges before two periods", n)
		}
		w.now = formed.Add(28*24*time.Hour + time.Hour)
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		got := nudges()
		if len(got) != 2 || len(to(got, w.user("u01"), "")) != 1 || len(to(got, w.user("u02"), "")) != 1 {
			t.Fatalf("nudges %+v", got)
		}
		// The circle has never met: it is invited to its first meeting,
		// not asked to meet "again".
		if !strings.Contains(got[0].Text, "formed four weeks ago") || !strings.Contains(got[0].Text, "/circles/"+quiet) ||
			!strings.Contains(got[0].Subject, "first meeting") || strings.Contains(got[0].Subject+got[0].Text, "again") {
			t.Errorf("nudge to a circle that never met: %s\n%s", got[0].Subject, got[0].Text)
		}
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(24 * time.Hour)
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(nudges()); n != 2 {
			t.Errorf("%d nudges after running the upkeep again, want the first 2", n)
		}
	})
}

func TestLeave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		db := w.db
		ids := []string{"u01", "u02", "u03"}
		id := w.scheduled(p, ids...)
		leaver := w.user("u02")
		ms := w.meetings(id)
		// The circle chose u02 to facilitate the third meeting.
		if err := w.circles.SetRoles(ctx, w.user("u01"), id, ms[2].ID, "u02", "u01"); err != nil {
			t.Fatal(err)
		}
		err := w.circles.SetRoles(ctx, w.user("u01"), id, ms[2].ID, "u07", "u01")
		if f, ok := fault.FieldsOf(err); !ok || f["facilitator_id"] == "" {
			t.Errorf("choosing a non-member: %v", err)
		}
		if m := w.meetings(id)[2]; m.FacilitatorID != "u02" || !m.RolesChosen {
			t.Fatalf("chosen roles: %+v", m)
		}
		wantErr(t, "returning a full circle to the pool", w.circles.ReturnToPool(ctx, w.admin, id), circle.ErrNotBelowMinimum)
		wantErr(t, "a member returning the circle to the pool", w.circles.ReturnToPool(ctx, w.user("u01"), id), auth.ErrForbidden)

		err = w.circles.Leave(ctx, leaver, id, strings.Repeat("x", circle.MaxLeaveNoteLen+1))
		if f, ok := fault.FieldsOf(err); !ok || f["note"] == "" {
			t.Errorf("a long note: %v", err)
		}
		note := "Moving to another team; thank you all."
		sent := len(w.outbox.Messages())
		if err := w.circles.Leave(ctx, leaver, id, "  "+note+"  "); err != nil {
			t.Fatal(err)
		}
		msgs := w.since(sent)
		mine := to(msgs, leaver, "You've left")
		if len(mine) != 1 || mine[0].CalendarMethod != "CANCEL" || !strings.Contains(ics(mine[0].Calendar), "METHOD:CANCEL") ||
			!strings.Contains(ics(mine[0].Calendar), "UID:circle-"+id+"@holdspace.test") {
			t.Errorf("the leaver's email: %+v", mine)
		}
		for _, uid := range []string{"u01", "u03"} {
			theirs := to(msgs, w.user(uid), "has left your circle")
			if len(theirs) != 1 || !strings.Contains(theirs[0].Subject, leaver.Name) {
				t.Errorf("%s was not told: %+v", uid, theirs)
			}
		}
		for _, m := range msgs {
			if m.To != w.admin.Email && (strings.Contains(m.Text, note) || strings.Contains(m.HTML, "another team")) {
				t.Errorf("the note reached %s", m.To)
			}
		}
		admin := to(msgs, w.admin, "A member left")
		if len(admin) != 1 || !strings.Contains(admin[0].Text, note) || !strings.Contains(admin[0].Text, "fewer than the program's minimum") {
			t.Errorf("the admin's email: %+v", admin)
		}

		// The leaver sees nothing more and gets no reminders; their turns
		// go to the others.
		_, err = w.circles.Home(ctx, leaver, id)
		wantErr(t, "the leaver's Home", err, store.ErrNotFound)
		wantErr(t, "leaving twice", w.circles.Leave(ctx, leaver, id, ""), store.ErrNotFound)
		if mine, _ := w.circles.MyCircles(ctx, leaver); len(mine) != 0 {
			t.Errorf("the leaver still lists %+v", mine)
		}
		if n := len(w.reminders()); n != 2*2*circle.Upcoming {
			t.Errorf("%d reminders after leaving, want %d", n, 2*2*circle.Upcoming)
		}
		for i, m := range w.ahead(id) {
			if m.FacilitatorID == "u02" || m.TimekeeperID == "u02" || m.FacilitatorID == m.TimekeeperID || m.RolesChosen {
				t.Errorf("meeting %d after u02 left: %+v", i, m)
			}
		}
		w.now = ms[0].Start.Add(-24 * time.Hour)
		if msgs := w.send(w.remindersAt(w.now)...); len(msgs) != 2 || len(to(msgs, leaver, "")) != 0 {
			t.Errorf("reminders after leaving: %+v", msgs)
		}
		h, err := w.circles.Home(ctx, w.user("u01"), id)
		if err != nil || len(h.Circle.Members) != 2 || !h.BelowMinimum {
			t.Fatalf("Home after a member left: %+v, %v", h, err)
		}

		deps, err := w.circles.Departures(ctx, w.admin, p.ID)
		if err != nil || len(deps) != 1 || deps[0].UserID != "u02" || deps[0].Note != note || deps[0].CircleID != id || deps[0].Name != leaver.Name {
			t.Errorf("departures %+v, %v", deps, err)
		}
		_, err = w.circles.Departures(ctx, w.user("u01"), p.ID)
		wantErr(t, "a member listing departures", err, auth.ErrForbidden)

		// Below the minimum, the admin returns the circle to the pool.
		sent = len(w.outbox.Messages())
		if err := w.circles.ReturnToPool(ctx, w.admin, id); err != nil {
			t.Fatal(err)
		}
		closed := to(w.since(sent), w.user("u01"), "is closing")
		if len(closed) != 1 || closed[0].CalendarMethod != "CANCEL" || !strings.Contains(ics(closed[0].Calendar), "STATUS:CANCELLED") {
			t.Errorf("the remaining member's email: %+v", closed)
		}
		_, err = w.circles.Home(ctx, w.user("u01"), id)
		wantErr(t, "Home of a dissolved circle", err, store.ErrNotFound)
		if n := len(w.reminders()); n != 0 {
			t.Errorf("%d reminders of a dissolved circle", n)
		}
		for _, m := range w.ahead(id) {
			if m.Status != circle.Cancelled {
				t.Errorf("a dissolved circle's meeting %+v", m)
			}
		}
		if engaged, _ := db.FindEngaged(ctx, w.org.ID, p.ID); slices.Contains(engaged, "u01") {
			t.Error("u01 is not back in the pool")
		}
	})
}

func TestCalendarFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		a, b := w.user("u01"), w.user("u02")
		if has, _ := w.circles.HasFeed(ctx, a); has {
			t.Error("a feed before asking for one")
		}
		token := func(link string) string {
			t.Helper()
			if !strings.HasPrefix(link, "http://holdspace.test/calendar/") || !strings.HasSuffix(link, ".ics") {
				t.Fatalf("feed address %q", link)
			}
			return strings.TrimSuffix(strings.TrimPrefix(link, "http://holdspace.test/calendar/"), ".ics")
		}
		link, err := w.circles.ResetFeed(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		first := token(link)
		if has, _ := w.circles.HasFeed(ctx, a); !has {
			t.Error("HasFeed after ResetFeed")
		}

		ms := w.meetings(id)
		if err := w.circles.CancelMeeting(ctx, a, id, ms[1].ID, false); err != nil {
			t.Fatal(err)
		}
		if err := w.circles.MoveMeeting(ctx, a, id, ms[2].ID, ms[2].Start.Add(24*time.Hour), 60); err != nil {
			t.Fatal(err)
		}
		feed, err := w.circles.Feed(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		cal := ics(feed)
		for _, want := range []string{"BEGIN:VCALENDAR", "UID:circle-" + id + "@holdspace.test", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
			"DTSTART;TZID=Europe/Berlin:20260310T170000", "EXDATE;TZID=Europe/Berlin:20260324T170000",
			"RECURRENCE-ID;TZID=Europe/Berlin:20260407T170000", "DTSTART;TZID=Europe/Berlin:20260408T170000", "BEGIN:VTIMEZONE"} {
			if !strings.Contains(cal, want) {
				t.Errorf("the feed lacks %q:\n%s", want, cal)
			}
		}
		if strings.Contains(cal, "METHOD:") || strings.Contains(cal, "ATTENDEE") {
			t.Errorf("the feed has a method or attendees:\n%s", cal)
		}

		// A new address replaces the old one.
		link, err = w.circles.ResetFeed(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		second := token(link)
		_, err = w.circles.Feed(ctx, first)
		wantErr(t, "the old feed address", err, store.ErrNotFound)
		if feed, err := w.circles.Feed(ctx, second); err != nil || !strings.Contains(ics(feed), "UID:circle-"+id) {
			t.Errorf("the new feed address: %v", err)
		}
		_, err = w.circles.Feed(ctx, "hsc_unknown")
		wantErr(t, "an unknown feed address", err, store.ErrNotFound)

		// Someone who left sees no more of the circle.
		link, err = w.circles.ResetFeed(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.circles.Leave(ctx, b, id, ""); err != nil {
			t.Fatal(err)
		}
		feed, err = w.circles.Feed(ctx, token(link))
		if err != nil || !strings.Contains(string(feed), "BEGIN:VCALENDAR") || strings.Contains(string(feed), "BEGIN:VEVENT") {
			t.Errorf("the leaver's feed: %v\n%s", err, feed)
		}
		if err := w.circles.DeleteFeed(ctx, a); err != nil {
			t.Fatal(err)
		}
		_, err = w.circles.Feed(ctx, second)
		wantErr(t, "a deleted feed", err, store.ErrNotFound)
	})
}

func TestMeetingChangeRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		a := w.user("u01")
		ms := w.meetings(id)

		err := w.circles.MoveMeeting(ctx, a, id, ms[0].ID, w.now.Add(-time.Hour), 60)
		if f, ok := fault.FieldsOf(err); !ok || f["starts_at"] == "" {
			t.Errorf("moving to the past: %v", err)
		}
		err = w.circles.MoveMeeting(ctx, a, id, ms[0].ID, ms[0].Start.Add(time.Hour), 5)
		if f, ok := fault.FieldsOf(err); !ok || f["duration_minutes"] == "" {
			t.Errorf("a five-minute meeting: %v", err)
		}
		wantErr(t, "moving an unknown meeting", w.circles.MoveMeeting(ctx, a, id, "nope", ms[0].Start.Add(time.Hour), 60), store.ErrNotFound)
		if err := w.circles.CancelMeeting(ctx, a, id, ms[1].ID, false); err != nil {
			t.Fatal(err)
		}
		err = w.circles.MoveMeeting(ctx, a, id, ms[1].ID, ms[1].Start.Add(time.Hour), 60)
		if f, ok := fault.FieldsOf(err); !ok || f["meeting"] == "" {
			t.Errorf("moving a cancelled meeting: %v", err)
		}

		// Once a meeting has begun, it no longer changes.
		w.now = ms[0].Start.Add(10 * time.Minute)
		wantErr(t, "moving a meeting that has begun", w.circles.MoveMeeting(ctx, a, id, ms[0].ID, w.now.Add(24*time.Hour), 60), circle.ErrMeetingPast)
		wantErr(t, "cancelling a meeting that has begun", w.circles.CancelMeeting(ctx, a, id, ms[0].ID, false), circle.ErrMeetingPast)
		wantErr(t, "giving roles in a meeting that has begun", w.circles.SetRoles(ctx, a, id, ms[0].ID, "u02", "u03"), circle.ErrMeetingPast)
		if m := w.meetings(id)[0]; m != ms[0] {
			t.Errorf("the meeting under way changed: %+v", m)
		}
		h, err := w.circles.Home(ctx, a, id)
		if err != nil || len(h.Upcoming) == 0 || h.Upcoming[0].ID != ms[0].ID || len(h.Past) != 0 {
			t.Errorf("Home during a meeting: %+v, %v", h, err)
		}
	})
}

// A circle that took a while to find its first time is not nudged while
// that first meeting is coming up.
func TestUpkeepNoNudgeBeforeFirstMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		formed := w.now
		id := w.formCircle(p, "u01", "u02", "u03")
		w.ack(id, "u01", "u02", "u03")
		w.now = formed.Add(27 * 24 * time.Hour)
		in := fortnightly
		in.StartsOn = w.now.Add(3 * 24 * time.Hour).Format("2006-01-02")
		if _, err := w.circles.SetSchedule(ctx, w.user("u01"), id, in); err != nil {
			t.Fatal(err)
		}
		w.now = formed.Add(29 * 24 * time.Hour)
		n := len(w.outbox.Messages())
		if err := w.circles.UpkeepAll(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range w.since(n) {
			if isNudge(m) {
				t.Errorf("nudged with a meeting coming up: %s", m.Subject)
			}
		}
	})
}

// TestCircleConcurrentChanges: two members cancel two different meetings
// of one circle at the same moment. Each change is planned on the state it
// read and applied only from that state, so the later one is planned again
// rather than overwriting the first: both meetings end up cancelled (and,
// in the next round, both restored).
func TestCircleConcurrentChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03")
		ahead := w.ahead(id)
		if len(ahead) < 2 {
			t.Fatalf("meetings ahead = %d, want at least 2", len(ahead))
		}
		for round := range 5 {
			first, second := ahead[0], ahead[1]
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, m := range []circle.Meeting{first, second} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = w.circles.CancelMeeting(ctx, w.user([]string{"u01", "u02"}[i]), id, m.ID, round%2 == 1)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			want := circle.Cancelled
			if round%2 == 1 {
				want = circle.Scheduled
			}
			for _, m := range w.meetings(id) {
				if (m.ID == first.ID || m.ID == second.ID) && m.Status != want {
					t.Fatalf("round %d: meeting %s is %s, want %s: a change was lost", round, m.ID, m.Status, want)
				}
			}
		}
	})
}

// TestAgreementConcurrentConsents: the last two members to consent to a
// proposal do so at the same moment. Each consent is decided on the
// consents it read and applied only if the circle is still as read, so
// the later one is decided again: both consents are recorded, the version
// is adopted once, and everyone hears so once.
func TestAgreementConcurrentConsents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03", "u04"}
		id := w.formCircle(p, ids...)
		w.ack(id, ids...)
		for round := range 3 {
			v, err := w.agreements.ProposeAgreement(ctx, w.user("u01"), id, fmt.Sprintf("Version %d", round+1), "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.agreements.ConsentToAgreement(ctx, w.user("u02"), id, v.Version); err != nil {
				t.Fatal(err)
			}
			sent := len(w.outbox.Messages())
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, u := range []string{"u03", "u04"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = w.agreements.ConsentToAgreement(ctx, w.user(u), id, v.Version)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			_, versions, err := w.agreements.Agreement(ctx, w.user("u01"), id)
			if err != nil {
				t.Fatal(err)
			}
			got := versions[0]
			if got.Version != v.Version || got.Status != circle.AgreementAdopted || got.AdoptedAt == nil {
				t.Fatalf("round %d: version %d is %s, want %d adopted", round, got.Version, got.Status, v.Version)
			}
			for _, u := range ids {
				if !got.Consented(u) {
					t.Errorf("round %d: the consent of %s was lost", round, u)
				}
			}
			if len(got.Consents) != len(ids) {
				t.Errorf("round %d: %d consents, want %d", round, len(got.Consents), len(ids))
			}
			adopted := 0
			for _, s := range versions {
				if s.Status == circle.AgreementAdopted {
					adopted++
				}
			}
			if adopted != 1 {
				t.Errorf("round %d: %d versions in force, want 1", round, adopted)
			}
			msgs := w.since(sent)
			for _, u := range ids {
				if n := len(to(msgs, w.user(u), "has been updated")); n != 1 {
					t.Errorf("round %d: %s heard %d times that the agreement took effect, want once", round, u, n)
				}
			}
		}
	})
}

// TestCircleConcurrentResponses: the last two members of a proposed
// circle answer at the same moment. Both acceptances count, and the circle
// forms once; an acceptance and a decline together leave the circle
// dissolved, with the acceptance either applied first or refused as no
// longer pending.
func TestCircleConcurrentResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		publish := func(ids ...string) string {
			t.Helper()
			c := program.Circle{Slots: []program.Interval{{1440 + 9*60, 1440 + 17*60}}}
			for _, id := range ids {
				c.Members = append(c.Members, program.Member{UserID: id})
			}
			cs := []program.Circle{c}
			round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", cs, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.programs.Respond(ctx, w.user(ids[0]), cs[0].ID, true, ""); err != nil {
				t.Fatal(err)
			}
			return cs[0].ID
		}
		together := func(id string, answers map[string]bool) map[string]error {
			var wg sync.WaitGroup
			var mu sync.Mutex
			errs := map[string]error{}
			for u, accept := range answers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					reason := program.DeclineReason("")
					if !accept {
						reason = program.ReasonTime
					}
					_, err := w.programs.Respond(ctx, w.user(u), id, accept, reason)
					mu.Lock()
					errs[u] = err
					mu.Unlock()
				}()
			}
			wg.Wait()
			return errs
		}

		sent := len(w.outbox.Messages())
		id := publish("u01", "u02", "u03")
		for u, err := range together(id, map[string]bool{"u02": true, "u03": true}) {
			if err != nil {
				t.Fatalf("%s accepts: %v", u, err)
			}
		}
		c, err := w.db.FindCircleByID(ctx, w.org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != program.Active || c.ActivatedAt == nil {
			t.Fatalf("after every acceptance the circle is %s, want active", c.Status)
		}
		for _, m := range c.Members {
			if m.Response != program.Accepted {
				t.Errorf("the answer of %s was lost: %s", m.UserID, m.Response)
			}
			if n := len(to(w.since(sent), w.user(m.UserID), "is ready")); n != 1 {
				t.Errorf("%s heard %d times that the circle formed, want once", m.UserID, n)
			}
		}

		sent = len(w.outbox.Messages())
		id = publish("u04", "u05", "u06")
		errs := together(id, map[string]bool{"u05": true, "u06": false})
		if errs["u06"] != nil {
			t.Fatalf("u06 declines: %v", errs["u06"])
		}
		if err := errs["u05"]; err != nil && !errors.Is(err, program.ErrNotPending) {
			t.Fatalf("u05 accepts: %v, want success or %v", err, program.ErrNotPending)
		}
		if c, err = w.db.FindCircleByID(ctx, w.org.ID, id); err != nil {
			t.Fatal(err)
		}
		if c.Status != program.Dissolved {
			t.Fatalf("after a decline the circle is %s, want dissolved", c.Status)
		}
		msgs := w.since(sent)
		for _, u := range []string{"u04", "u05"} {
			if n := len(to(msgs, w.user(u), "won't go ahead")); n != 1 {
				t.Errorf("%s heard %d times that the circle won't go ahead, want once", u, n)
			}
		}
		if n := len(to(msgs, w.admin, "was declined")); n != 1 {
			t.Errorf("the admin heard %d times of the decline, want once", n)
		}
		// One reason is kept, and not shown: it would say whose it is.
		counts, err := w.db.DeclineCounts(ctx, w.org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 0 {
			t.Errorf("one decline's reason is shown to admins: %v", counts)
		}
	})
}
