package program

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestGridToUTC(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		zone  string
		ref   time.Time
		cells []Cell
		want  []Interval
	}{
		{"utc monday 9", "UTC", winter, []Cell{{0, 540}}, []Interval{{540, 600}}},
		{"berlin winter", "Europe/Berlin", winter, []Cell{{0, 540}, {0, 600}}, []Interval{{480, 600}}},
		{"berlin summer", "Europe/Berlin", summer, []Cell{{0, 540}}, []Interval{{420, 480}}},
		{"new york wraps into monday", "America/New_York", winter, []Cell{{6, 20 * 60}}, []Interval{{60, 120}}},
		{"tokyo wraps into sunday", "Asia/Tokyo", winter, []Cell{{0, 7 * 60}}, []Interval{{10080 - 120, 10080 - 60}}},
		{"kolkata half hour", "Asia/Kolkata", winter, []Cell{{2, 600}}, []Interval{{2*1440 + 270, 2*1440 + 330}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoad(t, tt.zone)
			got, err := DefaultGrid.ToUTC(tt.cells, loc, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if back := DefaultGrid.FromUTC(got, loc, tt.ref); !cmp.Equal(back, tt.cells) {
				t.Errorf("round trip = %v, want %v", back, tt.cells)
			}
		})
	}
	if _, err := DefaultGrid.ToUTC([]Cell{{7, 540}}, time.UTC, winter); err == nil {
		t.Error("day 7 accepted")
	}
	if _, err := DefaultGrid.ToUTC([]Cell{{0, 545}}, time.UTC, winter); err == nil {
		t.Error("off-grid minute accepted")
	}
}

func TestMergeOverlap(t *testing.T) {
	got := Merge([]Interval{{600, 700}, {100, 200}, {200, 300}, {650, 800}})
	if diff := cmp.Diff([]Interval{{100, 300}, {600, 800}}, got); diff != "" {
		t.Error(diff)
	}
	ov := Overlap([]Interval{{0, 100}, {200, 400}}, []Interval{{50, 250}, {300, 350}})
	if diff := cmp.Diff([]Interval{{50, 100}, {200, 250}, {300, 350}}, ov); diff != "" {
		t.Error(diff)
	}
}

func TestDescribe(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	if got := Describe(Interval{480, 570}, mustLoad(t, "Europe/Berlin"), winter); got != "Monday 09:00–10:30" {
		t.Errorf("got %q", got)
	}
	if got := Describe(Interval{10080 - 60, 10080}, mustLoad(t, "Asia/Tokyo"), winter); got != "Monday 08:00–09:00" {
		t.Errorf("got %q", got)
	}
}
