package program_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/program"
)

func TestCircleAnswer(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	circle := func(status program.CircleStatus, responses ...program.Response) *program.Circle {
		c := &program.Circle{Status: status}
		for i, r := range responses {
			c.Members = append(c.Members, program.Member{UserID: string(rune('a' + i)), Response: r})
		}
		return c
	}
	u, a, d := program.Undecided, program.Accepted, program.Declined
	tests := []struct {
		name    string
		circle  *program.Circle
		user    string
		accept  bool
		min     int
		want    program.CircleStatus
		members int  // members after the answer
		out     bool // the decliner stepped out
		err     error
	}{{
		name:   "an acceptance with others undecided leaves it pending",
		circle: circle(program.Pending, u, u, u),
		user:   "a", accept: true, min: 3, want: program.Pending, members: 3,
	}, {
		name:   "the last acceptance forms the circle",
		circle: circle(program.Pending, a, u, a),
		user:   "b", accept: true, min: 3, want: program.Active, members: 3,
	}, {
		name:   "accepting again changes nothing",
		circle: circle(program.Pending, a, u),
		user:   "a", accept: true, min: 2, want: program.Pending, members: 2,
	}, {
		name:   "one no in a circle of five with a minimum of three: the four who accepted go ahead",
		circle: circle(program.Pending, a, a, a, a, u),
		user:   "e", min: 3, want: program.Active, members: 4, out: true,
	}, {
		name:   "an early no leaves the rest waiting for their answers",
		circle: circle(program.Pending, u, a, u, u),
		user:   "a", min: 3, want: program.Pending, members: 3, out: true,
	}, {
		name:   "a no that leaves exactly the minimum goes ahead",
		circle: circle(program.Pending, a, a, u),
		user:   "c", min: 2, want: program.Active, members: 2, out: true,
	}, {
		name:   "a no that would leave fewer than the minimum dissolves it",
		circle: circle(program.Pending, a, a, u),
		user:   "c", min: 3, want: program.Dissolved, members: 3,
	}, {
		name:   "a pair cannot survive a no",
		circle: circle(program.Pending, a, u),
		user:   "b", min: 2, want: program.Dissolved, members: 2,
	}, {
		name:   "a pair dissolves even with a minimum given as less than two",
		circle: circle(program.Pending, u, u),
		user:   "a", min: 0, want: program.Dissolved, members: 2,
	}, {
		name:   "a dissolved circle takes no answers",
		circle: circle(program.Dissolved, d, u),
		user:   "b", accept: true, min: 2, want: program.Dissolved, members: 2, err: program.ErrNotPending,
	}, {
		name:   "an active circle takes no answers",
		circle: circle(program.Active, a, a),
		user:   "b", min: 2, want: program.Active, members: 2, err: program.ErrNotPending,
	}, {
		name:   "someone outside the circle",
		circle: circle(program.Pending, u),
		user:   "z", accept: true, min: 2, want: program.Pending, members: 1, err: program.ErrNotMember,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ans program.Answer
			var err error
			if tt.accept {
				ans, err = tt.circle.Accept(tt.user, now)
			} else {
				ans, err = tt.circle.Decline(tt.user, tt.min, now)
			}
			if tt.circle.Status != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("answer: status %s, %v; want %s, %v", tt.circle.Status, err, tt.want, tt.err)
			}
			if len(tt.circle.Members) != tt.members || ans.SteppedOut != tt.out {
				t.Errorf("%d members, stepped out %v; want %d, %v", len(tt.circle.Members), ans.SteppedOut, tt.members, tt.out)
			}
			if tt.err != nil {
				return
			}
			wantResponse := program.Declined
			if tt.accept {
				wantResponse = program.Accepted
			}
			if ans.Member.UserID != tt.user || ans.Member.Response != wantResponse || ans.Member.RespondedAt == nil || !ans.Member.RespondedAt.Equal(now) {
				t.Errorf("answer %+v, want %s at %s", ans.Member, wantResponse, now)
			}
			if tt.out {
				if tt.circle.Member(tt.user) != nil || tt.circle.SteppedOut != 1 {
					t.Errorf("the decliner is still a member (stepped out %d)", tt.circle.SteppedOut)
				}
			} else if m := tt.circle.Member(tt.user); m == nil || m.Response != wantResponse {
				t.Errorf("member %+v, want %s", m, wantResponse)
			}
			if (tt.circle.ActivatedAt != nil) != (tt.want == program.Active) {
				t.Errorf("activated at %v with status %s", tt.circle.ActivatedAt, tt.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	group := &program.Program{Format: program.FormatGroup, MinSize: 4, MaxSize: 6, SessionMinutes: 60}
	pairs := &program.Program{Format: program.FormatPair, MinSize: 2, MaxSize: 2, SessionMinutes: 45}
	tests := []struct {
		name    string
		reason  string
		program *program.Program
		why     string   // a part of the reason in the person's words
		change  []string // parts of what they could change, in order
		first   bool
	}{
		{"no hours", "no available time was given", group, "didn't mark any time", []string{"Mark the hours"}, true},
		{"short blocks", "no available time block is at least 45 minutes long", pairs, "full 45 minutes", []string{"45 minutes or more"}, true},
		{"nobody shares the hours", "no availability overlaps anyone else's for 60 minutes", group, "Nobody else in this round was free", []string{"Widen the hours"}, true},
		{"reporting line or avoid", "everyone who shares a slot is in their reporting line or on an avoid list", group,
			"nobody is told whose", []string{"Widen the hours", "people to avoid"}, true},
		{"too few for a circle", "only 2 people who share a slot are outside their reporting line and avoid lists; a group needs 4", group,
			"a circle in this program needs 4", []string{"Widen the hours", "a pair needs only one other person"}, true},
		{"too few for a pair", "only 0 people who share a slot are outside their reporting line and avoid lists; a group needs 2", pairs,
			"Too few people", []string{"Widen the hours"}, true},
		{"odd one out", "everyone who shares a slot was already paired with someone else", pairs, "odd number of people", []string{"Widen the hours"}, true},
		{"size rules", "the remaining people could not form a group of 4–6", group, "another circle of 4 to 6", []string{"Widen the hours", "pairs"}, true},
		{"made room", program.ReasonMadeRoom, pairs, "waited since the round before were placed first", []string{"Widen the hours"}, true},
		{"held out", program.ReasonHeldOut, group, "admin kept you out", []string{"Nothing on your side"}, true},
		{"something new", "a reason nobody wrote yet", group, "could not place you in this round: a reason nobody wrote yet.", []string{"Widen the hours"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := program.Explain(program.Unplaced{Reason: tt.reason}, tt.program)
			if !strings.Contains(e.Why, tt.why) {
				t.Errorf("why = %q, want it to say %q", e.Why, tt.why)
			}
			if len(e.Change) != len(tt.change) {
				t.Fatalf("change = %q, want %d suggestions", e.Change, len(tt.change))
			}
			for i, c := range tt.change {
				if !strings.Contains(e.Change[i], c) {
					t.Errorf("change[%d] = %q, want it to say %q", i, e.Change[i], c)
				}
			}
			if e.First != tt.first {
				t.Errorf("first = %v", e.First)
			}
			if strings.Contains(strings.ToLower(e.Why), "level") {
				t.Errorf("why mentions levels: %q", e.Why)
			}
		})
	}
	declined := program.Explain(program.Unplaced{Declined: true}, group)
	if declined.First || !strings.Contains(declined.Why, "You declined") || strings.Contains(declined.Why, "come first") {
		t.Errorf("a decliner's standing: %+v", declined)
	}
}
