package room_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/room"
)

func TestUnanswered(t *testing.T) {
	present := func(ids ...string) []string { return ids }
	answers := func(ids ...string) []room.ClosingAnswer {
		var out []room.ClosingAnswer
		for _, id := range ids {
			out = append(out, room.ClosingAnswer{UserID: id})
		}
		return out
	}
	order := []string{"a", "b", "c"}
	tests := []struct {
		name    string
		present []string
		answers []room.ClosingAnswer
		want    []string
	}{
		{"nobody known present: everyone in order", nil, nil, []string{"a", "b", "c"}},
		{"nobody known present, one answered", nil, answers("b"), []string{"a", "c"}},
		{"those present, in check-in order", present("c", "a"), nil, []string{"a", "c"}},
		{"an answer from someone not present counts for nobody", present("c", "a"), answers("a", "b"), []string{"c"}},
		{"everyone answered", present("a"), answers("a"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, room.Unanswered(order, tt.present, tt.answers)); diff != "" {
				t.Errorf("Unanswered (-want +got):\n%s", diff)
			}
		})
	}
}
