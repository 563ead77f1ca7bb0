// Package calendar turns a circle's meeting schedule into concrete
// occurrences and into iCalendar (RFC 5545) data: a subscription feed,
// iTIP invitations and cancellations (RFC 5546) and single-meeting
// downloads.
//
// Schedules are kept in the circle's own time zone and expanded on its wall
// clock, so a Tuesday 18:00 Berlin meeting stays at 18:00 in Berlin when the
// clocks change; the iCalendar output says the same thing with TZID-qualified
// times, a VTIMEZONE and an RRULE, rather than with UTC instants that would
// drift by an hour twice a year.
//
// Times that a clock change makes ambiguous or impossible are resolved by
// Go's time.Date: a wall-clock time skipped by a spring-forward gap moves
// forward by the size of the gap (02:30 on the day Berlin springs forward is
// 03:30 CEST), which is also how RFC 5545 reads such a DTSTART. A time that
// occurs twice when the clocks go back is resolved by Go to its second
// instance, where RFC 5545 clients take the first; only meetings scheduled
// in that hour of the night would notice.
package calendar

import (
	"fmt"
	"strconv"
	"time"

	"github.com/teambition/rrule-go"
)

// Freq is how often a circle meets.
type Freq string

// The cadences a circle can choose from.
const (
	Weekly      Freq = "weekly"      // every week on Weekday
	Fortnightly Freq = "fortnightly" // every other week on Weekday
	FourWeekly  Freq = "four-weekly" // every four weeks on Weekday ("monthly on a weekday")
	Monthly     Freq = "monthly"     // on the Nth Weekday of each month (Nth 1..4, or -1 = last)
)

// Rule is a circle's meeting cadence, without a time of day or a zone.
type Rule struct {
	Freq    Freq
	Weekday time.Weekday
	Nth     int // Monthly only; 0 otherwise
}

// FieldError reports which field of a Rule or Series is invalid, so that
// forms can show the message next to the right input.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldError(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Validate reports the first invalid field of r as a *FieldError.
func (r Rule) Validate() error {
	switch r.Freq {
	case Weekly, Fortnightly, FourWeekly, Monthly:
	default:
		return fieldError("freq", "must be one of %s, %s, %s or %s", Weekly, Fortnightly, FourWeekly, Monthly)
	}
	if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
		return fieldError("weekday", "must be a day of the week")
	}
	if r.Freq == Monthly {
		if r.Nth != -1 && (r.Nth < 1 || r.Nth > 4) {
			return fieldError("nth", "must be 1 to 4, or -1 for the last %s of the month", r.Weekday)
		}
	} else if r.Nth != 0 {
		return fieldError("nth", "only applies to monthly schedules")
	}
	return nil
}

var icalDays = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// RRULE returns r as the value of an RFC 5545 RRULE property, or "" when r
// is invalid.
func (r Rule) RRULE() string {
	if r.Validate() != nil {
		return ""
	}
	day := icalDays[r.Weekday]
	switch r.Freq {
	case Weekly:
		return "FREQ=WEEKLY;BYDAY=" + day
	case Fortnightly:
		return "FREQ=WEEKLY;INTERVAL=2;BYDAY=" + day
	case FourWeekly:
		return "FREQ=WEEKLY;INTERVAL=4;BYDAY=" + day
	default:
		return "FREQ=MONTHLY;BYDAY=" + strconv.Itoa(r.Nth) + day
	}
}

var ordinals = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}

// Describe returns r in English, e.g. "Every other Tuesday", or "" when r
// is invalid.
func (r Rule) Describe() string {
	if r.Validate() != nil {
		return ""
	}
	switch r.Freq {
	case Weekly:
		return "Every " + r.Weekday.String()
	case Fortnightly:
		return "Every other " + r.Weekday.String()
	case FourWeekly:
		return "Every four weeks on " + r.Weekday.String()
	default:
		return "The " + ordinals[r.Nth] + " " + r.Weekday.String() + " of each month"
	}
}

// Period returns the nominal time between meetings, for judging whether a
// circle has gone quiet; it is 0 for an unknown Freq.
func (r Rule) Period() time.Duration {
	const day = 24 * time.Hour
	switch r.Freq {
	case Weekly:
		return 7 * day
	case Fortnightly:
		return 14 * day
	case FourWeekly:
		return 28 * day
	case Monthly:
		return 30 * day
	}
	return 0
}

// FirstOnOrAfter returns the first time on or after the calendar date of
// day that falls on rule r at minuteOfDay minutes past midnight on zone's
// wall clock. The date is read in day's own location, so both
// time.Date(y, m, d, 0, 0, 0, 0, zone) and a date parsed with
// time.Parse("2006-01-02", ...) mean that date. A wall-clock time that a
// daylight-saving gap skips is moved forward by the gap, as time.Date does.
// It returns the zero Time when r is invalid, zone is nil or minuteOfDay is
// outside [0, 1440).
func FirstOnOrAfter(r Rule, zone *time.Location, day time.Time, minuteOfDay int) time.Time {
	if r.Validate() != nil || zone == nil || minuteOfDay < 0 || minuteOfDay >= 24*60 {
		return time.Time{}
	}
	opt, err := rrule.StrToROption(r.RRULE())
	if err != nil {
		return time.Time{}
	}
	// Any week can be the first of a fortnightly or four-weekly rhythm,
	// and rrule-go would otherwise skip to the week after next when day
	// falls after the weekday.
	opt.Interval = 1
	opt.Byhour = []int{minuteOfDay / 60}
	opt.Byminute = []int{minuteOfDay % 60}
	opt.Bysecond = []int{0}
	opt.Count = 1
	y, m, d := day.Date()
	// The time of day comes from BYHOUR and BYMINUTE rather than from
	// DTSTART, so that a DTSTART normalised out of a DST gap cannot shift
	// it.
	opt.Dtstart = time.Date(y, m, d, 0, 0, 0, 0, zone)
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return time.Time{}
	}
	all := rr.All()
	if len(all) == 0 {
		return time.Time{}
	}
	return all[0]
}
