package web

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/service/circles"
)

// TestCirclePageFoldsLaterMeetings: a circle's page shows its meetings up
// to the next one that is on, and folds the rest away.
func TestCirclePageFoldsLaterMeetings(t *testing.T) {
	s, c := circle.Scheduled, circle.Cancelled
	tests := []struct {
		name                string
		statuses            []circle.MeetingStatus
		wantSoon, wantLater []string
	}{
		{"none", nil, nil, nil},
		{"one", []circle.MeetingStatus{s}, []string{"m0"}, nil},
		{"the next on first", []circle.MeetingStatus{s, s, c, s}, []string{"m0"}, []string{"m1", "m2", "m3"}},
		{"a cancelled one before it", []circle.MeetingStatus{c, s, s}, []string{"m0", "m1"}, []string{"m2"}},
		{"all cancelled", []circle.MeetingStatus{c, c}, []string{"m0"}, []string{"m1"}},
	}
	start := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &circles.Home{}
			for i, st := range tt.statuses {
				at := start.AddDate(0, 0, 7*i)
				h.Upcoming = append(h.Upcoming, circle.Meeting{ID: "m" + string(rune('0'+i)), Start: at, Original: at, End: at.Add(time.Hour), Status: st})
			}
			p := newCirclePage(Page{}, h, "UTC")
			ids := func(l meetingList) []string {
				var out []string
				for _, r := range l.Rows {
					out = append(out, r.ID)
				}
				return out
			}
			if d := cmp.Diff(tt.wantSoon, ids(p.Soon)); d != "" {
				t.Errorf("shown (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantLater, ids(p.Later)); d != "" {
				t.Errorf("folded (-want +got):\n%s", d)
			}
		})
	}
}
