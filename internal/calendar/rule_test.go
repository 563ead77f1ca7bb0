package calendar

import (
	"errors"
	"testing"
	"time"

	// The tests need real zones even where the system has no zoneinfo.
	_ "time/tzdata"
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	berlin  = mustLoad("Europe/Berlin")
	newYork = mustLoad("America/New_York")
	kolkata = mustLoad("Asia/Kolkata")
)

// fieldOf returns the field a *FieldError names, or "" for nil.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is a %T, want *FieldError", err, err)
	}
	if fe.Error() != fe.Field+": "+fe.Message {
		t.Errorf("Error() = %q", fe.Error())
	}
	return fe.Field
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		rule  Rule
		field string
	}{
		{Rule{Freq: Weekly, Weekday: time.Tuesday}, ""},
		{Rule{Freq: Fortnightly, Weekday: time.Sunday}, ""},
		{Rule{Freq: FourWeekly, Weekday: time.Saturday}, ""},
		{Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 1}, ""},
		{Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 4}, ""},
		{Rule{Freq: Monthly, Weekday: time.Friday, Nth: -1}, ""},
		{Rule{}, "freq"},
		{Rule{Freq: "daily", Weekday: time.Tuesday}, "freq"},
		{Rule{Freq: Weekly, Weekday: 7}, "weekday"},
		{Rule{Freq: Weekly, Weekday: -1}, "weekday"},
		{Rule{Freq: Weekly, Weekday: time.Tuesday, Nth: 2}, "nth"},
		{Rule{Freq: Monthly, Weekday: time.Tuesday}, "nth"},
		{Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 5}, "nth"},
		{Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: -2}, "nth"},
	}
	for _, tt := range tests {
		if got := fieldOf(t, tt.rule.Validate()); got != tt.field {
			t.Errorf("%+v: Validate names %q, want %q", tt.rule, got, tt.field)
		}
	}
}

func TestRuleText(t *testing.T) {
	tests := []struct {
		rule     Rule
		rrule    string
		describe string
		period   time.Duration
	}{
		{Rule{Freq: Weekly, Weekday: time.Tuesday}, "FREQ=WEEKLY;BYDAY=TU", "Every Tuesday", 7 * 24 * time.Hour},
		{Rule{Freq: Fortnightly, Weekday: time.Tuesday}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every other Tuesday", 14 * 24 * time.Hour},
		{Rule{Freq: FourWeekly, Weekday: time.Tuesday}, "FREQ=WEEKLY;INTERVAL=4;BYDAY=TU", "Every four weeks on Tuesday", 28 * 24 * time.Hour},
		{Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2}, "FREQ=MONTHLY;BYDAY=2TU", "The second Tuesday of each month", 30 * 24 * time.Hour},
		{Rule{Freq: Monthly, Weekday: time.Friday, Nth: -1}, "FREQ=MONTHLY;BYDAY=-1FR", "The last Friday of each month", 30 * 24 * time.Hour},
		{Rule{Freq: Monthly, Weekday: time.Sunday, Nth: 1}, "FREQ=MONTHLY;BYDAY=1SU", "The first Sunday of each month", 30 * 24 * time.Hour},
		{Rule{Freq: Weekly, Weekday: time.Monday, Nth: 1}, "", "", 7 * 24 * time.Hour},
		{Rule{Freq: "yearly"}, "", "", 0},
	}
	for _, tt := range tests {
		if got := tt.rule.RRULE(); got != tt.rrule {
			t.Errorf("%+v: RRULE() = %q, want %q", tt.rule, got, tt.rrule)
		}
		if got := tt.rule.Describe(); got != tt.describe {
			t.Errorf("%+v: Describe() = %q, want %q", tt.rule, got, tt.describe)
		}
		if got := tt.rule.Period(); got != tt.period {
			t.Errorf("%+v: Period() = %v, want %v", tt.rule, got, tt.period)
		}
	}
}

func TestFirstOnOrAfter(t *testing.T) {
	tuesday := Rule{Freq: Weekly, Weekday: time.Tuesday}
	tests := []struct {
		name   string
		rule   Rule
		zone   *time.Location
		day    time.Time
		minute int
		want   time.Time
	}{
		{"later in the week", tuesday, berlin, time.Date(2026, 3, 11, 0, 0, 0, 0, berlin), 16 * 60,
			time.Date(2026, 3, 17, 16, 0, 0, 0, berlin)},
		{"day is the weekday", tuesday, berlin, time.Date(2026, 3, 17, 0, 0, 0, 0, berlin), 16 * 60,
			time.Date(2026, 3, 17, 16, 0, 0, 0, berlin)},
		{"time of day of the argument is ignored", tuesday, berlin, time.Date(2026, 3, 17, 23, 0, 0, 0, berlin), 16 * 60,
			time.Date(2026, 3, 17, 16, 0, 0, 0, berlin)},
		{"date read in its own location", tuesday, newYork, time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC), 9*60 + 30,
			time.Date(2026, 3, 17, 9, 30, 0, 0, newYork)},
		{"fortnightly starts in the first week", Rule{Freq: Fortnightly, Weekday: time.Tuesday}, berlin,
			time.Date(2026, 3, 11, 0, 0, 0, 0, berlin), 18 * 60, time.Date(2026, 3, 17, 18, 0, 0, 0, berlin)},
		{"four-weekly starts in the first week", Rule{Freq: FourWeekly, Weekday: time.Monday}, berlin,
			time.Date(2026, 3, 11, 0, 0, 0, 0, berlin), 8 * 60, time.Date(2026, 3, 16, 8, 0, 0, 0, berlin)},
		{"second Tuesday, already past this month", Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2}, berlin,
			time.Date(2026, 3, 11, 0, 0, 0, 0, berlin), 18 * 60, time.Date(2026, 4, 14, 18, 0, 0, 0, berlin)},
		{"last Friday over the year end", Rule{Freq: Monthly, Weekday: time.Friday, Nth: -1}, berlin,
			time.Date(2026, 12, 26, 0, 0, 0, 0, berlin), 12 * 60, time.Date(2027, 1, 29, 12, 0, 0, 0, berlin)},
		{"midnight", tuesday, kolkata, time.Date(2026, 3, 17, 0, 0, 0, 0, kolkata), 0,
			time.Date(2026, 3, 17, 0, 0, 0, 0, kolkata)},
		{"UTC", Rule{Freq: Weekly, Weekday: time.Friday}, time.UTC, time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC), 9 * 60,
			time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)},
		// 02:30 does not exist on 29 March 2026 in Berlin; like time.Date
		// the gap moves it forward to 03:30 CEST, 01:30 UTC.
		{"DST gap", Rule{Freq: Weekly, Weekday: time.Sunday}, berlin, time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), 2*60 + 30,
			time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{"invalid rule", Rule{Freq: Weekly, Weekday: 9}, berlin, time.Date(2026, 3, 17, 0, 0, 0, 0, berlin), 60, time.Time{}},
		{"nil zone", tuesday, nil, time.Date(2026, 3, 17, 0, 0, 0, 0, berlin), 60, time.Time{}},
		{"minute too large", tuesday, berlin, time.Date(2026, 3, 17, 0, 0, 0, 0, berlin), 24 * 60, time.Time{}},
		{"negative minute", tuesday, berlin, time.Date(2026, 3, 17, 0, 0, 0, 0, berlin), -1, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FirstOnOrAfter(tt.rule, tt.zone, tt.day, tt.minute)
			if !got.Equal(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if !got.IsZero() && got.Location() != tt.zone {
				t.Errorf("location %v, want %v", got.Location(), tt.zone)
			}
		})
	}
}

func TestFirstOnOrAfterDSTGapWallClock(t *testing.T) {
	got := FirstOnOrAfter(Rule{Freq: Weekly, Weekday: time.Sunday}, berlin, time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), 2*60+30)
	if h, m, _ := got.Clock(); h != 3 || m != 30 {
		t.Fatalf("got %v, want 03:30 CEST", got)
	}
	// The series built from it keeps that wall clock.
	s := Series{UID: "u", Zone: berlin, Start: got, Duration: time.Hour, Rule: Rule{Freq: Weekly, Weekday: time.Sunday}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, o := range s.Occurrences(got, got.AddDate(0, 0, 15)) {
		if h, m, _ := o.Start.Clock(); h != 3 || m != 30 {
			t.Errorf("occurrence %v, want 03:30", o.Start)
		}
	}
}
