package circle_test

import (
	"testing"

	"github.com/holdspace/holdspace/internal/circle"
)

func TestNextOn(t *testing.T) {
	on, off := circle.Meeting{Status: circle.Scheduled}, circle.Meeting{Status: circle.Cancelled}
	tests := []struct {
		name     string
		meetings []circle.Meeting
		want     int
	}{
		{"none", nil, -1},
		{"all cancelled", []circle.Meeting{off, off}, -1},
		{"the first", []circle.Meeting{on, on}, 0},
		{"after a cancelled one", []circle.Meeting{off, on, off, on}, 1},
	}
	for _, tt := range tests {
		if got := circle.NextOn(tt.meetings); got != tt.want {
			t.Errorf("%s: NextOn = %d, want %d", tt.name, got, tt.want)
		}
	}
}
