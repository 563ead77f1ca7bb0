package web

import (
	"testing"
	"time"
)

func TestTimesInTheViewersZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ny, _ := time.LoadLocation("America/New_York")
	at := time.Date(2026, 3, 1, 20, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"datetime in Tokyo", datetime(tokyo, at), "2 Mar 2026, 05:30 JST"},
		{"datetime in New York", datetime(ny, at), "1 Mar 2026, 15:30 EST"},
		{"datetime for nobody", datetime(nil, at), "1 Mar 2026, 20:30 UTC"},
		{"date crosses midnight", date(tokyo, at), "2 Mar 2026"},
		{"date input", dateInput(tokyo, at), "2026-03-02"},
		{"date input of nothing", dateInput(tokyo, time.Time{}), ""},
		// A window that ends at New York's midnight of 3 March has 2 March
		// as its last day there.
		{"last day", dateInput(ny, closingDate(time.Date(2026, 3, 3, 5, 0, 0, 0, time.UTC))), "2026-03-02"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if !closingDate(time.Time{}).IsZero() {
		t.Error("closingDate of no time is a time")
	}
}
