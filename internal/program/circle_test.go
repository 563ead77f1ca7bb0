package program_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/program"
)

func TestCircleRespond(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	circle := func(status program.CircleStatus, responses ...program.Response) *program.Circle {
		c := &program.Circle{Status: status}
		for i, r := range responses {
			c.Members = append(c.Members, program.Member{UserID: string(rune('a' + i)), Response: r})
		}
		return c
	}
	tests := []struct {
		name   string
		circle *program.Circle
		user   string
		accept bool
		want   program.CircleStatus
		err    error
	}{{
		name:   "an acceptance with others undecided leaves it pending",
		circle: circle(program.Pending, program.Undecided, program.Undecided, program.Undecided),
		user:   "a", accept: true, want: program.Pending,
	}, {
		name:   "the last acceptance forms the circle",
		circle: circle(program.Pending, program.Accepted, program.Undecided, program.Accepted),
		user:   "b", accept: true, want: program.Active,
	}, {
		name:   "accepting again changes nothing",
		circle: circle(program.Pending, program.Accepted, program.Undecided),
		user:   "a", accept: true, want: program.Pending,
	}, {
		name:   "a decline dissolves it",
		circle: circle(program.Pending, program.Accepted, program.Undecided),
		user:   "b", want: program.Dissolved,
	}, {
		name:   "a dissolved circle takes no answers",
		circle: circle(program.Dissolved, program.Declined, program.Undecided),
		user:   "b", accept: true, want: program.Dissolved, err: program.ErrNotPending,
	}, {
		name:   "an active circle takes no answers",
		circle: circle(program.Active, program.Accepted, program.Accepted),
		user:   "b", want: program.Active, err: program.ErrNotPending,
	}, {
		name:   "someone outside the circle",
		circle: circle(program.Pending, program.Undecided),
		user:   "z", accept: true, want: program.Pending, err: program.ErrNotMember,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.circle.Respond(tt.user, tt.accept, now)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("Respond = %s, %v; want %s, %v", got, err, tt.want, tt.err)
			}
			if tt.err != nil {
				return
			}
			m := tt.circle.Member(tt.user)
			wantResponse := program.Declined
			if tt.accept {
				wantResponse = program.Accepted
			}
			if m.Response != wantResponse || m.RespondedAt == nil || !m.RespondedAt.Equal(now) {
				t.Errorf("member %+v, want %s at %s", m, wantResponse, now)
			}
			if (tt.circle.ActivatedAt != nil) != (tt.want == program.Active) {
				t.Errorf("activated at %v with status %s", tt.circle.ActivatedAt, tt.want)
			}
		})
	}
}
