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

func TestDefaultGrid(t *testing.T) {
	tests := []struct {
		name string
		cell Cell
		want bool
	}{
		{"the first hour, 06:00 on Monday", Cell{0, 6 * 60}, true},
		{"the last hour, 21:00 on Sunday", Cell{6, 21 * 60}, true},
		{"05:00 is before the grid", Cell{0, 5 * 60}, false},
		{"22:00 would end after it", Cell{0, 22 * 60}, false},
		{"half past is not a slot", Cell{2, 9*60 + 30}, false},
		{"a day after Sunday", Cell{7, 9 * 60}, false},
		{"a day before Monday", Cell{-1, 9 * 60}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultGrid.Valid(tt.cell); got != tt.want {
				t.Errorf("Valid(%v) = %v, want %v", tt.cell, got, tt.want)
			}
		})
	}
	if n := len(DefaultGrid.Starts()); n != 16 {
		t.Errorf("%d hours a day, want 16 (06:00 to 22:00)", n)
	}
}

// TestWiderGridKeepsSavedTimes: availability saved on the old grid of
// 07:00 to 21:00 shows as the same cells on the grid of 06:00 to 22:00,
// and saving those cells again stores the same UTC minutes: widening the
// grid needs no change to what was stored.
func TestWiderGridKeepsSavedTimes(t *testing.T) {
	old := Grid{SlotMinutes: 60, FirstMinute: 7 * 60, LastMinute: 21 * 60}
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, zone := range []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoad(t, zone)
			cells := []Cell{{0, 7 * 60}, {0, 8 * 60}, {2, 12 * 60}, {4, 20 * 60}, {6, 7 * 60}}
			saved, err := old.ToUTC(cells, loc, winter)
			if err != nil {
				t.Fatal(err)
			}
			shown := DefaultGrid.FromUTC(saved, loc, winter)
			if diff := cmp.Diff(cells, shown); diff != "" {
				t.Errorf("cells on the wider grid (-saved +shown)\n%s", diff)
			}
			again, err := DefaultGrid.ToUTC(shown, loc, winter)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(saved, again); diff != "" {
				t.Errorf("saved again (-before +after)\n%s", diff)
			}
		})
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
