package circle_test

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

func TestAssess(t *testing.T) {
	const day = 24 * time.Hour
	formed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := &program.Program{Cadence: program.Fortnightly, MinSize: 3}
	members := func(n int) []program.Member {
		out := make([]program.Member, n)
		for i := range out {
			out[i] = program.Member{UserID: string(rune('a' + i)), Response: program.Accepted}
		}
		return out
	}
	active := &program.Circle{Status: program.Active, ActivatedAt: &formed, Members: members(4)}
	for _, c := range []struct {
		name   string
		circle *program.Circle
		rec    circle.Record
		at     time.Duration // after forming
		state  circle.HealthState
		stall  bool
		exp    int
		attend int
	}{
		{"fresh, no schedule", active, circle.Record{}, 3 * day, circle.Unscheduled, false, 0, -1},
		{"no schedule for four weeks", active, circle.Record{}, 28 * day, circle.Unscheduled, true, 2, -1},
		{"meets on time", active, circle.Record{Freq: calendar.Fortnightly, Held: 2, Attended: 6, Last: formed.Add(20 * day),
			Next: formed.Add(34 * day), Latest: formed.Add(62 * day)}, 30 * day, circle.Regular, false, 2, 75},
		{"a meeting late by a few days", active, circle.Record{Freq: calendar.Fortnightly, Held: 1, Attended: 4, Last: formed.Add(6 * day),
			Latest: formed.Add(6 * day)}, 23 * day, circle.Overdue, false, 1, 100},
		{"weekly, not met for two weeks", active, circle.Record{Freq: calendar.Weekly, Held: 3, Attended: 9, Last: formed.Add(14 * day),
			Latest: formed.Add(14 * day)}, 28 * day, circle.Overdue, true, 4, 75},
		{"two left", &program.Circle{Status: program.Active, ActivatedAt: &formed, Members: members(2)}, circle.Record{}, day,
			circle.BelowMinimum, false, 0, -1},
	} {
		h := circle.Assess(c.circle, p, c.rec, formed.Add(c.at))
		if h.State != c.state || h.Stalled != c.stall || h.Expected != c.exp || h.Attendance != c.attend {
			t.Errorf("%s: %+v; want %s, stalled %v, %d expected, attendance %d", c.name, h, c.state, c.stall, c.exp, c.attend)
		}
	}
	pending := &program.Circle{Status: program.Pending, Members: members(3)}
	pending.Members[1].Response = program.Undecided
	if h := circle.Assess(pending, p, circle.Record{}, formed); h.State != circle.AwaitingConsent || h.Accepted != 2 {
		t.Errorf("a circle waiting for consent: %+v", h)
	}
}

func TestStallsAt(t *testing.T) {
	formed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	meetings := []circle.Meeting{
		{Start: formed.Add(week), Status: circle.Scheduled},
		{Start: formed.Add(3 * week), Status: circle.Scheduled},
		{Start: formed.Add(5 * week), Status: circle.Cancelled},
	}
	if got, want := circle.StallsAt(meetings, formed, 2*week), formed.Add(7*week); !got.Equal(want) {
		t.Errorf("stalls at %v, want %v (the last meeting not cancelled, and two periods)", got, want)
	}
	if got, want := circle.StallsAt(nil, formed, 2*week), formed.Add(4*week); !got.Equal(want) {
		t.Errorf("without meetings: stalls at %v, want %v", got, want)
	}
}
