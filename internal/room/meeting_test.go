package room_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/room"
)

func TestUnanswered(t *testing.T) {
	checkins := func(ids ...string) []room.Checkin {
		var out []room.Checkin
		for _, id := range ids {
			out = append(out, room.Checkin{UserID: id})
		}
		return out
	}
	answers := func(ids ...string) []room.ClosingAnswer {
		var out []room.ClosingAnswer
		for _, id := range ids {
			out = append(out, room.ClosingAnswer{UserID: id})
		}
		return out
	}
	order := []string{"a", "b", "c"}
	tests := []struct {
		name     string
		checkins []room.Checkin
		answers  []room.ClosingAnswer
		want     []string
	}{
		{"nobody checked in: everyone in order", nil, nil, []string{"a", "b", "c"}},
		{"nobody checked in, one answered", nil, answers("b"), []string{"a", "c"}},
		{"those who checked in, in their order", checkins("c", "a"), nil, []string{"c", "a"}},
		{"an answer from someone not checked in counts for nobody", checkins("c", "a"), answers("a", "b"), []string{"c"}},
		{"everyone answered", checkins("a"), answers("a"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, room.Unanswered(order, tt.checkins, tt.answers)); diff != "" {
				t.Errorf("Unanswered (-want +got):\n%s", diff)
			}
		})
	}
}
