package service_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// Markers planted in what happens inside a circle; none may reach a member
// who has not acknowledged the ground rules in force.
const (
	markCall   = "https://call.example/marker-call-7f3"
	markNote   = "Marker note 51c about our agreement"
	markBody   = "Marker agreement text 9d2"
	markCommit = "Marker commitment 4be"
	newsTitle  = "Your circle has news — open Holdspace"
)

// Every email about what happens inside a circle goes in full to the
// members who acknowledged the ground rules in force, and as a
// content-free note to everyone else: no member, note, agreement text,
// time or call link, and no calendar object.
func TestUnacknowledgedMembersGetNoContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		box, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		w.room.Seal = box
		members := []string{"u01", "u02", "u03", "u04"}
		id := w.formCircle(p, members...)
		w.ack(id, "u01", "u02", "u03")
		// acked is who acknowledged the rules in force, as the steps
		// change it.
		acked := map[string]bool{"u01": true, "u02": true, "u03": true}
		inCircle := slices.Clone(members)
		sched := fortnightly
		sched.VideoURL = markCall
		var meeting circle.Meeting

		quiet := w.formCircle(p, "u05", "u06")

		steps := []struct {
			name string
			// subject is part of the full email's subject.
			subject string
			do      func(t *testing.T)
			// circle and its members, when not the main circle.
			circle  string
			members []string
		}{
			{name: "scheduled", subject: "meeting time", do: func(t *testing.T) {
				if _, err := w.circles.SetSchedule(ctx, w.user("u01"), id, sched); err != nil {
					t.Fatal(err)
				}
				meeting = w.ahead(id)[0]
			}},
			{name: "moved", subject: "moved", do: func(t *testing.T) {
				m := w.ahead(id)[1]
				if err := w.circles.MoveMeeting(ctx, w.user("u01"), id, m.ID, m.Start.Add(time.Hour), 60); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "cancelled", subject: "cancelled", do: func(t *testing.T) {
				if err := w.circles.CancelMeeting(ctx, w.user("u01"), id, w.ahead(id)[2].ID, false); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "restored", subject: "on again", do: func(t *testing.T) {
				if err := w.circles.CancelMeeting(ctx, w.user("u01"), id, w.ahead(id)[2].ID, true); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "reminder", subject: "meets", do: func(t *testing.T) {
				jobs := w.reminderJobs()
				first := jobs[0].At
				for _, j := range jobs {
					if j.At.Before(first) {
						first = j.At
					}
				}
				w.now = first
				w.send(w.remindersAt(first)...)
			}},
			{name: "agreement proposed", subject: "proposed a change", do: func(t *testing.T) {
				if _, err := w.agreements.ProposeAgreement(ctx, w.user("u01"), id, markBody, markNote); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "meeting summary", subject: "", do: func(t *testing.T) {
				if err := w.circles.SetRoles(ctx, w.user("u01"), id, meeting.ID, "u01", "u02"); err != nil {
					t.Fatal(err)
				}
				w.now = meeting.Start.Add(-5 * time.Minute)
				tk := w.user("u02")
				v, err := w.room.Room(ctx, tk, id, meeting.ID)
				if err != nil {
					t.Fatal(err)
				}
				st, err := w.room.RoomCommand(ctx, tk, id, meeting.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{"u02"}})
				if err != nil {
					t.Fatal(err)
				}
				if err := w.room.Offer(ctx, w.user("u01"), id, meeting.ID, "u02", "Some counsel"); err != nil {
					t.Fatal(err)
				}
				v, _ = w.room.Room(ctx, tk, id, meeting.ID)
				if _, err := w.room.TakeOffer(ctx, w.user("u02"), id, meeting.ID, v.Offers[0].ID, markCommit); err != nil {
					t.Fatal(err)
				}
				if st, err = w.room.RoomCommand(ctx, tk, id, meeting.ID, room.Command{Kind: room.CmdStart, Version: st.Version}); err != nil {
					t.Fatal(err)
				}
				if _, err := w.room.RoomCommand(ctx, tk, id, meeting.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "agreement adopted", subject: "updated", do: func(t *testing.T) {
				// Everyone but u04 consents; then the rules change, and
				// only u04 acknowledges the new ones before consenting
				// last: the others are now the ones who have not.
				for _, u := range []string{"u02", "u03"} {
					if _, err := w.agreements.ConsentToAgreement(ctx, w.user(u), id, 1); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := w.agreements.UpdateGroundRules(ctx, w.admin, "Rules, second version"); err != nil {
					t.Fatal(err)
				}
				w.ack(id, "u04")
				acked = map[string]bool{"u04": true}
				if _, err := w.agreements.ConsentToAgreement(ctx, w.user("u04"), id, 1); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "member left", subject: "left", do: func(t *testing.T) {
				if err := w.circles.Leave(ctx, w.user("u03"), id, ""); err != nil {
					t.Fatal(err)
				}
				inCircle = []string{"u01", "u02", "u04"}
			}},
			{name: "schedule cleared", subject: "", do: func(t *testing.T) {
				if err := w.circles.ClearSchedule(ctx, w.user("u04"), id); err != nil {
					t.Fatal(err)
				}
			}},
			// The one who acts gets the new time, the others what changed
			// and by whom: subjects differ, content stays with readers.
			{name: "schedule put back", subject: "", do: func(t *testing.T) {
				w.ack(id, "u01")
				acked = map[string]bool{"u01": true, "u04": true}
				notices, err := w.circles.ScheduleNotices(ctx, w.user("u04"), id)
				if err != nil || len(notices) == 0 {
					t.Fatalf("no change to put back: %v", err)
				}
				if _, err := w.circles.UndoScheduleChange(ctx, w.user("u01"), id, notices[0].ID); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "schedule changed", subject: "", do: func(t *testing.T) {
				weekly := sched
				weekly.Freq = "weekly"
				if _, err := w.circles.SetSchedule(ctx, w.user("u04"), id, weekly); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "nudge", subject: "first meeting", circle: quiet, members: []string{"u05", "u06"}, do: func(t *testing.T) {
				w.ack(quiet, "u05")
				w.now = w.now.Add(60 * 24 * time.Hour)
				if err := w.circles.UpkeepAll(ctx); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				sent := len(w.outbox.Messages())
				step.do(t)
				circleID, who, readers := id, inCircle, acked
				if step.circle != "" {
					circleID, who, readers = step.circle, step.members, map[string]bool{"u05": true}
				}
				msgs := w.since(sent)
				var news, full int
				for _, u := range who {
					for _, m := range to(msgs, w.user(u), "") {
						if strings.Contains(m.Subject, "left a circle") && u != "u04" {
							continue // the admins' email, not the circle's
						}
						if readers[u] {
							if m.Subject == newsTitle || !strings.Contains(strings.ToLower(m.Subject), step.subject) {
								t.Errorf("%s, who acknowledged the rules, got %q", u, m.Subject)
							}
							full++
							continue
						}
						news++
						checkContentFree(t, w, u, circleID, m)
					}
				}
				if full == 0 {
					t.Errorf("nobody who acknowledged the rules was told: %d emails", len(msgs))
				}
				for _, u := range who {
					if !readers[u] && len(to(msgs, w.user(u), newsTitle)) == 0 {
						t.Errorf("%s, who has not acknowledged the rules, was not told there is news", u)
					}
				}
				if news == 0 {
					t.Error("no content-free email")
				}
			})
		}
	})
}

// checkContentFree fails unless m, to member u of circleID, is the
// content-free note, with none of the circle's content in it.
func checkContentFree(t *testing.T, w *world, u, circleID string, m mail.Message) {
	t.Helper()
	if m.Subject != newsTitle {
		t.Errorf("%s, who has not acknowledged the rules, got %q", u, m.Subject)
	}
	if len(m.Calendar) != 0 {
		t.Errorf("the note to %s carries a calendar object", u)
	}
	leaks := []string{markCall, markNote, markBody, markCommit, "17:00", "Tuesday"}
	for _, o := range w.members {
		if o.ID != u {
			leaks = append(leaks, o.Name)
		}
	}
	for _, leak := range leaks {
		if strings.Contains(m.Text, leak) || strings.Contains(m.HTML, leak) || strings.Contains(m.Subject, leak) {
			t.Errorf("the note to %s contains %q:\n%s", u, leak, m.Text)
		}
	}
	if !strings.Contains(m.Text, "/circles/"+circleID) {
		t.Errorf("the note to %s does not lead to the circle:\n%s", u, m.Text)
	}
}

// Decline reasons reach admins only as counts, and only in steps of at
// least program.MinDeclinesShown: before the first three, the round's list
// of who declined would tell whose reason was whose, and after them so
// would a count that moved with one more answer.
func TestDeclineReasonsShownFromThree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		first := map[program.DeclineReason]int{program.ReasonSchedule: 2, program.ReasonTime: 1}
		second := map[program.DeclineReason]int{program.ReasonSchedule: 2, program.ReasonTime: 1, program.ReasonFit: 2, program.ReasonOther: 1}
		steps := []struct {
			pair   [2]int // the members proposed together; the first declines
			reason program.DeclineReason
			want   map[program.DeclineReason]int
		}{
			{[2]int{0, 1}, program.ReasonSchedule, nil},
			{[2]int{2, 3}, program.ReasonTime, nil},
			{[2]int{4, 5}, program.ReasonSchedule, first},
			{[2]int{6, 7}, program.ReasonFit, first},
			{[2]int{1, 3}, program.ReasonOther, first},
			{[2]int{5, 7}, program.ReasonFit, second},
		}
		for i, step := range steps {
			c := program.Circle{Slots: []program.Interval{{1440 + 9*60, 1440 + 17*60}}}
			a, b := w.members[step.pair[0]].ID, w.members[step.pair[1]].ID
			c.Members = []program.Member{{UserID: a}, {UserID: b}}
			cs := []program.Circle{c}
			round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", cs, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.programs.Respond(ctx, w.user(a), cs[0].ID, false, step.reason); err != nil {
				t.Fatal(err)
			}
			got, err := w.programs.DeclineCounts(ctx, w.admin, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			rv, err := w.programs.Review(ctx, w.admin, round.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, step.want) && !(len(got) == 0 && step.want == nil) {
				t.Errorf("after %d declines the admin sees %v, want %v", i+1, got, step.want)
			}
			if !maps.Equal(rv.Declines, got) {
				t.Errorf("after %d declines the round's review shows %v, the program %v", i+1, rv.Declines, got)
			}
		}
		if _, err := w.programs.DeclineCounts(ctx, w.user("u01"), p.ID); err == nil {
			t.Error("a member read the decline counts")
		}
	})
}

// Match reasons as members read them never mention levels; the admin's
// review keeps them.
func TestMemberReasonsLeaveOutLevels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		c := program.Circle{Slots: []program.Interval{{1440 + 9*60, 1440 + 17*60}},
			Reasons: []string{"shared topics: feedback", "2 departments", "levels 4–6"}}
		c.Members = []program.Member{{UserID: "u01"}, {UserID: "u02"}}
		cs := []program.Circle{c}
		round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", cs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
			t.Fatal(err)
		}
		mine, err := w.programs.MyMatches(ctx, w.user("u01"))
		if err != nil || len(mine) != 1 {
			t.Fatalf("matches: %v, %v", mine, err)
		}
		if want := []string{"shared topics: feedback", "2 departments"}; !slices.Equal(mine[0].Reasons, want) {
			t.Errorf("a member reads %q", mine[0].Reasons)
		}
		answered, err := w.programs.Respond(ctx, w.user("u01"), cs[0].ID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(answered.Reasons, func(r string) bool { return strings.Contains(r, "level") }) {
			t.Errorf("the answer shows %q", answered.Reasons)
		}
		rv, err := w.programs.Review(ctx, w.admin, round.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(rv.Circles[0].Reasons, "levels 4–6") {
			t.Errorf("the admin's review reads %q", rv.Circles[0].Reasons)
		}
	})
}

// Texts planted in learning cards below the admins' reach, and one
// released to the whole organisation that everyone reads.
const (
	markCardDraft  = "PLANTED-CARD-DRAFT-31ad"
	markCardCircle = "PLANTED-CARD-CIRCLE-8e07"
	markCardOrg    = "Released-card-55b"
)

// An admin walking every page and every API operation that reads, with
// every id the organisation has, never meets a learning card below its
// audience: neither a draft nor a card released to its circle alone.
func TestAdminsNeverReadCardsBelowAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newCardWorld(t, dbURL)
		draft, err := w.cards.Write(ctx, w.user("u01"), w.circleA, markCardDraft, markCardDraft+" in the body")
		if err != nil {
			t.Fatal(err)
		}
		inCircle, err := w.cards.Write(ctx, w.user("u02"), w.circleA, markCardCircle, markCardCircle+" in the body")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.cards.Widen(ctx, w.user("u02"), inCircle.ID, inCircle.Version, card.Circle); err != nil {
			t.Fatal(err)
		}
		// A card that went to the program and was withdrawn is a draft.
		withdrawn, err := w.cards.Write(ctx, w.user("u04"), w.circleB, markCardDraft+"-withdrawn", "Taken back.")
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []card.Audience{card.Circle, card.Program} {
			if withdrawn, err = w.cards.Widen(ctx, w.user("u04"), withdrawn.ID, withdrawn.Version, to); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.cards.Withdraw(ctx, w.user("u04"), withdrawn.ID, withdrawn.Version); err != nil {
			t.Fatal(err)
		}
		open, err := w.cards.Write(ctx, w.user("u05"), w.circleB, markCardOrg, "Everyone reads this one.")
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []card.Audience{card.Circle, card.Program, card.Org} {
			if open, err = w.cards.Widen(ctx, w.user("u05"), open.ID, open.Version, to); err != nil {
				t.Fatal(err)
			}
		}

		h := newHTTPWalker(t, w.world)
		ids := []string{draft.ID, inCircle.ID, withdrawn.ID, open.ID, w.circleA, w.circleB, w.circleC, w.p.ID, w.p2.ID,
			"admin", "u01", "u02", "u04"}
		seen := h.walk(t, h.token(t, w.admin), ids, markCardDraft, markCardCircle)
		if !seen[markCardOrg] {
			t.Error("the admin never read the card released to everyone: the walk cannot see cards")
		}
		// The walk is not blind to the planted texts: their readers meet
		// them.
		if seen := h.walk(t, h.token(t, w.user("u01")), ids); !seen[markCardDraft] || !seen[markCardCircle] {
			t.Errorf("the author and the circle did not read the planted cards: %v", seen)
		}
	})
}

// An admin never sees one member's fit answer: a single no changes
// nothing any admin operation answers, and neither does a yes; the
// circle's own check and the re-matching offered are not theirs to read.
func TestAdminsNeverSeeAFitAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		w.now = fortnightlyStarts[0].Add(time.Hour)
		w.answerFit(id, "u01", pulse.FitYes)
		seen := func() string {
			t.Helper()
			f, err := w.pulses.ProgramFit(ctx, w.admin, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			org, byProgram, err := w.pulses.FitConcernsByProgram(ctx, w.admin)
			if err != nil {
				t.Fatal(err)
			}
			concerns, err := w.pulses.FitConcernIn(ctx, w.admin, []string{id})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%+v %+v %+v %v %v %v", f, org, byProgram[p.ID], f.Pool, org.Pool, concerns)
		}
		before := seen()
		w.answerFit(id, "u02", pulse.FitNo)
		if after := seen(); after != before {
			t.Errorf("one no is seen by an admin:\nbefore %s\nafter  %s", before, after)
		}
		w.answerFit(id, "u03", pulse.FitYes)
		if after := seen(); after != before {
			t.Errorf("a yes is seen by an admin:\nbefore %s\nafter  %s", before, after)
		}
		if _, err := w.pulses.Fit(ctx, w.admin, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the admin reads the circle's fit check: %v", err)
		}
		if _, err := w.pulses.RematchFor(ctx, w.admin, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the admin reads the re-matching offered: %v", err)
		}
	})
}
