package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// healthWorld has a fortnightly program with a circle that never set a
// schedule, one that has met three times since it formed on 2 March, and
// one published and waiting for two of its three members' answers; the
// clock stands on 8 April, after the third meeting.
func healthWorld(t *testing.T, dbURL string) (w *world, p *program.Program, quiet, busy, waiting string) {
	t.Helper()
	w, p = newCircleWorld(t, dbURL)
	quiet = w.formCircle(p, "u01", "u02", "u03")
	busy = w.scheduled(p, "u04", "u05", "u06")
	c := program.Circle{Members: []program.Member{{UserID: "u07"}, {UserID: "u00"}, {UserID: "u02"}}}
	cs := []program.Circle{c}
	round, err := w.db.SaveProposal(ctx, w.org.ID, p.ID, "", cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.PublishRound(ctx, w.org.ID, round.ID, round.Version, nil); err != nil {
		t.Fatal(err)
	}
	waiting = cs[0].ID
	if _, err := w.programs.Respond(ctx, w.user("u07"), waiting, true, ""); err != nil {
		t.Fatal(err)
	}
	// Three, two and one of the three members check in at the first
	// three meetings: 6 of 9.
	for i, m := range w.meetings(busy)[:3] {
		for _, u := range []string{"u04", "u05", "u06"}[:3-i] {
			if err := w.db.SaveCheckin(ctx, w.org.ID, busy, m.ID, &room.Checkin{UserID: u, Mood: "good", Wins: "a private win"}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.now = time.Date(2026, 4, 8, 9, 0, 0, 0, time.UTC)
	if err := w.circles.UpkeepAll(ctx); err != nil {
		t.Fatal(err)
	}
	return w, p, quiet, busy, waiting
}

func TestCircleHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p, quiet, busy, waiting := healthWorld(t, dbURL)
		ov, err := w.circles.Overview(ctx, w.admin, p.ID, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Total != 3 || len(ov.Circles) != 3 || ov.Stalled != 1 {
			t.Fatalf("overview: total %d, %d circles, %d stalled; want 3, 3, 1", ov.Total, len(ov.Circles), ov.Stalled)
		}
		health := map[string]circle.Health{}
		for _, c := range ov.Circles {
			health[c.ID] = c.Health
		}
		q := health[quiet]
		if q.State != circle.Unscheduled || !q.Stalled || q.Held != 0 || q.Expected != 2 || q.Attendance != -1 || !q.Last.IsZero() || !q.Next.IsZero() {
			t.Errorf("the quiet circle: %+v", q)
		}
		b := health[busy]
		want := circle.Health{State: circle.Regular, Held: 3, Expected: 3, Attendance: 66,
			Last: fortnightlyStarts[2], Next: fortnightlyStarts[3]}
		if b != want {
			t.Errorf("the busy circle:\n got %+v\nwant %+v", b, want)
		}
		if h := health[waiting]; h.State != circle.AwaitingConsent || h.Accepted != 1 {
			t.Errorf("the waiting circle: %+v", h)
		}

		only, err := w.circles.Overview(ctx, w.admin, p.ID, 1, true)
		if err != nil {
			t.Fatal(err)
		}
		if only.Total != 1 || len(only.Circles) != 1 || only.Circles[0].ID != quiet || !only.StalledOnly {
			t.Errorf("stalled only: %+v", only)
		}
		byProgram, err := w.circles.Stalled(ctx, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(byProgram) != 1 || byProgram[p.ID] != 1 {
			t.Errorf("stalled by program: %v", byProgram)
		}

		// A schedule puts the quiet circle back on its feet at once.
		w.ack(quiet, "u01")
		if _, err := w.circles.SetSchedule(ctx, w.user("u01"), quiet, circle.ScheduleInput{Freq: "weekly", Weekday: int(time.Thursday),
			Time: "12:00", StartsOn: "2026-04-09", Timezone: "Europe/London", DurationMinutes: 60}); err != nil {
			t.Fatal(err)
		}
		if ov, err = w.circles.Overview(ctx, w.admin, p.ID, 1, false); err != nil {
			t.Fatal(err)
		}
		if ov.Stalled != 0 {
			t.Errorf("%d stalled after a schedule was set, want 0", ov.Stalled)
		}
		// Four weeks after the last meeting written ahead (nobody ran the
		// upkeep to write more), both formed circles have stalled.
		w.now = w.meetings(busy)[len(w.meetings(busy))-1].Start.Add(4*7*24*time.Hour + time.Hour)
		if ov, err = w.circles.Overview(ctx, w.admin, p.ID, 1, true); err != nil {
			t.Fatal(err)
		}
		if ov.Stalled != 2 || len(ov.Circles) != 2 || !ov.Circles[0].Stalled || !ov.Circles[1].Stalled {
			t.Errorf("after the meetings ran out: %d stalled, %+v", ov.Stalled, ov.Circles)
		}

		// A circle that someone leaves falls below the program's minimum
		// and is listed as too small; the others are not.
		if len(ov.Small) != 0 {
			t.Errorf("too small before anyone left: %+v", ov.Small)
		}
		w.ack(quiet, "u03")
		if err := w.circles.Leave(ctx, w.user("u03"), quiet, ""); err != nil {
			t.Fatal(err)
		}
		if ov, err = w.circles.Overview(ctx, w.admin, p.ID, 1, false); err != nil {
			t.Fatal(err)
		}
		if len(ov.Small) != 1 || ov.Small[0].ID != quiet || len(ov.Small[0].Members) != 2 {
			t.Errorf("too small after u03 left the quiet circle of three (minimum %d): %+v", p.MinSize, ov.Small)
		}

		for _, u := range []string{"u04", "u01"} {
			if _, err := w.circles.Overview(ctx, w.user(u), p.ID, 1, false); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("%s's overview: %v, want forbidden", u, err)
			}
			if _, err := w.circles.Stalled(ctx, w.user(u)); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("%s's stalled counts: %v, want forbidden", u, err)
			}
		}
	})
}

func TestPractice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, _, quiet, busy, _ := healthWorld(t, dbURL)
		next := w.ahead(busy)[0]
		host := w.user(next.FacilitatorID)
		if _, err := w.agreements.ProposeAgreement(ctx, host, busy, "We start on time.", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.AddCommitment(ctx, host, busy, "Ask my team for feedback", nil); err != nil {
			t.Fatal(err)
		}

		got, err := w.circles.Practice(ctx, host)
		if err != nil {
			t.Fatal(err)
		}
		if got.Next == nil || got.Next.ID != next.ID || got.NextProgram != "Circles" || got.RoomOpen {
			t.Fatalf("next meeting: %+v", got)
		}
		if len(got.Roles) == 0 || got.Roles[0] != "facilitator" {
			t.Errorf("roles %v, want facilitator first", got.Roles)
		}
		if got.Agreements != 0 || got.GroundRules != 0 || len(got.Commitments) != 1 || got.Commitments[0].Body != "Ask my team for feedback" ||
			got.Commitments[0].CircleID != busy {
			t.Errorf("the proposer's practice: %+v", got)
		}
		var other string
		for _, id := range []string{"u04", "u05", "u06"} {
			if id != host.ID {
				other = id
			}
		}
		peer, err := w.circles.Practice(ctx, w.user(other))
		if err != nil {
			t.Fatal(err)
		}
		if peer.Agreements != 1 || peer.AgreementCircle != busy || len(peer.Commitments) != 0 {
			t.Errorf("a peer's practice: %+v", peer)
		}

		// u02 has not read the quiet circle's rules and is asked to join
		// another; u07 has answered.
		u02, err := w.circles.Practice(ctx, w.user("u02"))
		if err != nil {
			t.Fatal(err)
		}
		if u02.GroundRules != 1 || u02.RulesCircle != quiet || u02.Proposals != 1 || u02.Next != nil {
			t.Errorf("u02's practice: %+v", u02)
		}
		if u07, err := w.circles.Practice(ctx, w.user("u07")); err != nil || u07.Proposals != 0 {
			t.Errorf("u07's practice: %+v, %v", u07, err)
		}

		// New ground rules are asked for again.
		if _, err := w.agreements.UpdateGroundRules(ctx, w.admin, "Be kind. Keep confidences. Come prepared."); err != nil {
			t.Fatal(err)
		}
		if got, err := w.circles.Practice(ctx, host); err != nil || got.GroundRules != 1 || got.RulesCircle != busy {
			t.Errorf("after new ground rules: %+v, %v", got, err)
		}

		// The room is offered from half an hour before the meeting until
		// it ends.
		for _, c := range []struct {
			at   time.Time
			open bool
		}{
			{next.Start.Add(-31 * time.Minute), false},
			{next.Start.Add(-30 * time.Minute), true},
			{next.End.Add(-time.Minute), true},
		} {
			w.now = c.at
			got, err := w.circles.Practice(ctx, host)
			if err != nil {
				t.Fatal(err)
			}
			if got.Next == nil || got.Next.ID != next.ID || got.RoomOpen != c.open {
				t.Errorf("at %v: next %+v, room open %v, want %v", c.at, got.Next, got.RoomOpen, c.open)
			}
		}
	})
}
