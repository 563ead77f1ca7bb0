package circle_test

import (
	"testing"
	"time"

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

func TestMeetingAhead(t *testing.T) {
	start := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	m := circle.Meeting{Status: circle.Scheduled, Start: start, End: start.Add(90 * time.Minute)}
	cancelled := m
	cancelled.Status = circle.Cancelled
	tests := []struct {
		name string
		m    circle.Meeting
		now  time.Time
		want bool
	}{
		{"to come", m, start.Add(-time.Hour), true},
		{"under way", m, start.Add(time.Hour), true},
		{"at its end", m, m.End, false},
		{"over", m, m.End.Add(time.Minute), false},
		{"cancelled", cancelled, start.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		if got := tt.m.Ahead(tt.now); got != tt.want {
			t.Errorf("%s: Ahead = %t, want %t", tt.name, got, tt.want)
		}
	}
}
