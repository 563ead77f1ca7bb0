package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/teambition/rrule-go"
)

// Person is an organizer or attendee.
type Person struct{ Name, Email string }

// Exception changes one occurrence of a series, identified by its original start.
type Exception struct {
	Original  time.Time     // the occurrence's start as the rule produced it (its RECURRENCE-ID)
	Cancelled bool          // the occurrence does not take place; Start and Duration are ignored
	Start     time.Time     // new start when moved (zero when only cancelled)
	Duration  time.Duration // 0 means the series' Duration
	Sequence  int           // SEQUENCE of this override; written as at least Series.Sequence
}

// Series is a circle's recurring meeting.
type Series struct {
	UID         string // stable across edits, e.g. "circle-<id>@holdspace"
	Sequence    int    // bumped by the caller on every change of the series
	Summary     string
	Description string
	Location    string         // usually the video-call URL
	URL         string         // link to the circle's page
	Zone        *time.Location // the schedule's time zone (IANA); may be time.UTC
	Start       time.Time      // first occurrence; its wall clock in Zone is the meeting time
	Duration    time.Duration
	Rule        Rule
	Until       time.Time // zero = open-ended; else last possible start (inclusive)
	Exceptions  []Exception
	Organizer   Person // optional
	Attendees   []Person
	Stamp       time.Time // DTSTAMP and LAST-MODIFIED: "now" or the time of the last change
}

// Occurrence is one meeting of a series.
type Occurrence struct {
	Original  time.Time // RECURRENCE-ID (start per the rule)
	Start     time.Time // actual start (== Original unless moved)
	End       time.Time
	Moved     bool // an Exception changed its start or end
	Cancelled bool
}

const (
	minDuration = time.Minute
	maxDuration = 8 * time.Hour
)

// Validate reports the first invalid field of s as a *FieldError. Field
// names are those of the struct in lower case; the rule's fields are
// "freq", "weekday" and "nth", and those of exceptions and attendees carry
// their index, as in "exceptions[1].start" or "attendees[0].email".
func (s Series) Validate() error {
	switch {
	case strings.TrimSpace(s.UID) == "":
		return fieldError("uid", "is required")
	case strings.ContainsFunc(s.UID, unicode.IsControl):
		return fieldError("uid", "must not contain control characters")
	case s.Sequence < 0:
		return fieldError("sequence", "must not be negative")
	case s.Zone == nil:
		return fieldError("zone", "is required")
	case s.Zone.String() == "" || s.Zone.String() == "Local":
		// A TZID must name a zone the reader can look up; the server's
		// local zone means nothing to a calendar client.
		return fieldError("zone", "must be a named IANA time zone")
	case s.Start.IsZero():
		return fieldError("start", "is required")
	case !onMinute(s.Start):
		return fieldError("start", "must be on a whole minute")
	case s.Duration < minDuration || s.Duration > maxDuration:
		return fieldError("duration", "must be between 1 minute and 8 hours")
	}
	if err := s.Rule.Validate(); err != nil {
		return err
	}
	if !s.Until.IsZero() && s.Until.Before(s.Start) {
		return fieldError("until", "must not be before the start")
	}
	rr := s.recurrence()
	if rr == nil {
		return fieldError("freq", "cannot be expanded")
	}
	if first := rr.After(s.Start, true); !first.Equal(s.Start) {
		return fieldError("start", "%s does not fall on the schedule (%s)",
			s.Start.In(s.Zone).Format("Monday 2 January 2006"), strings.ToLower(s.Rule.Describe()))
	}
	valid := s.exceptions(rr)
	seen := make(map[time.Time]bool, len(s.Exceptions))
	for i, e := range s.Exceptions {
		field := func(name string) string { return fmt.Sprintf("exceptions[%d].%s", i, name) }
		k := key(e.Original)
		switch {
		case e.Original.IsZero():
			return fieldError(field("original"), "is required")
		case seen[k]:
			return fieldError(field("original"), "has more than one exception")
		case valid[k] == nil:
			return fieldError(field("original"), "is not an occurrence of the schedule")
		case !e.Cancelled && e.Start.IsZero():
			return fieldError(field("start"), "is required unless the occurrence is cancelled")
		case !e.Cancelled && !onMinute(e.Start):
			return fieldError(field("start"), "must be on a whole minute")
		case e.Duration != 0 && (e.Duration < minDuration || e.Duration > maxDuration):
			return fieldError(field("duration"), "must be between 1 minute and 8 hours")
		case e.Sequence < 0:
			return fieldError(field("sequence"), "must not be negative")
		}
		seen[k] = true
	}
	if (s.Organizer != Person{}) && !validEmail(s.Organizer.Email) {
		return fieldError("organizer.email", "must be an email address")
	}
	for i, p := range s.Attendees {
		if !validEmail(p.Email) {
			return fieldError(fmt.Sprintf("attendees[%d].email", i), "must be an email address")
		}
	}
	return nil
}

func onMinute(t time.Time) bool { return t.Truncate(time.Minute).Equal(t) }

// validEmail only guards what the iCalendar output needs: a mailto: URI
// without spaces or control characters. Deliverability is checked where
// addresses are collected.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '"'
	})
}

// key makes instants usable as map keys: the same instant in two
// locations compares unequal with ==.
func key(t time.Time) time.Time { return t.UTC() }

func (s Series) rrule() string {
	v := s.Rule.RRULE()
	if v != "" && !s.Until.IsZero() {
		// RFC 5545 requires UNTIL in UTC when DTSTART carries a TZID.
		v += ";UNTIL=" + s.Until.UTC().Format(utcFormat)
	}
	return v
}

// recurrence expands the RRULE we write, so that our occurrences and a
// calendar client's cannot disagree. It returns nil when s lacks what
// expansion needs.
func (s Series) recurrence() *rrule.RRule {
	if s.Zone == nil || s.Start.IsZero() {
		return nil
	}
	opt, err := rrule.StrToROption(s.rrule())
	if err != nil {
		return nil
	}
	opt.Dtstart = s.Start.In(s.Zone)
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil
	}
	return rr
}

// exceptions returns the exceptions that name an occurrence of rr, by
// original start; of duplicates the first wins. The rest cannot be written
// as a RECURRENCE-ID any client would match, so they are ignored.
func (s Series) exceptions(rr *rrule.RRule) map[time.Time]*Exception {
	if rr == nil || len(s.Exceptions) == 0 {
		return nil
	}
	var lo, hi time.Time
	for i, e := range s.Exceptions {
		if i == 0 || e.Original.Before(lo) {
			lo = e.Original
		}
		if i == 0 || e.Original.After(hi) {
			hi = e.Original
		}
	}
	valid := make(map[time.Time]bool)
	for _, t := range rr.Between(lo, hi, true) {
		valid[key(t)] = true
	}
	m := make(map[time.Time]*Exception)
	for i := range s.Exceptions {
		k := key(s.Exceptions[i].Original)
		if valid[k] && m[k] == nil {
			m[k] = &s.Exceptions[i]
		}
	}
	return m
}

// occurrence applies e, which may be nil, to the rule's occurrence at original.
func (s Series) occurrence(original time.Time, e *Exception) Occurrence {
	original = original.In(s.Zone)
	o := Occurrence{Original: original, Start: original, End: original.Add(s.Duration)}
	switch {
	case e == nil:
	case e.Cancelled:
		o.Cancelled = true
	default:
		o.Start = e.Start.In(s.Zone)
		o.End = o.Start.Add(cmp.Or(e.Duration, s.Duration))
		o.Moved = !o.Start.Equal(original) || !o.End.Equal(original.Add(s.Duration))
	}
	return o
}

// sequence is the SEQUENCE of the occurrence at original. An override
// never goes below the series' own: a client holding the series at a
// higher SEQUENCE would discard the override as out of date.
func (s Series) sequence(e *Exception) int {
	if e == nil {
		return s.Sequence
	}
	return max(e.Sequence, s.Sequence)
}

// Occurrences returns every occurrence whose Start is in [from, to), sorted
// by Start: moved ones by their new start, cancelled ones by their original
// start with Cancelled set. Times are in s.Zone. It returns nil when s
// cannot be expanded (see Validate).
func (s Series) Occurrences(from, to time.Time) []Occurrence {
	rr := s.recurrence()
	if rr == nil || !from.Before(to) {
		return nil
	}
	exc := s.exceptions(rr)
	var out []Occurrence
	for _, t := range rr.Between(from, to, true) {
		e := exc[key(t)]
		if !t.Before(to) || (e != nil && !e.Cancelled) {
			// Moved occurrences are collected below by their new start,
			// which may lie outside the window even when this does not.
			continue
		}
		out = append(out, s.occurrence(t, e))
	}
	for k, e := range exc {
		if e.Cancelled {
			continue
		}
		if o := s.occurrence(k, e); !o.Start.Before(from) && o.Start.Before(to) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, compareOccurrences)
	return out
}

func compareOccurrences(a, b Occurrence) int {
	return cmp.Or(a.Start.Compare(b.Start), a.Original.Compare(b.Original))
}

// Next returns the first non-cancelled occurrence starting at or after t,
// or false when there is none: the series has ended or cannot be expanded.
func (s Series) Next(t time.Time) (Occurrence, bool) {
	rr := s.recurrence()
	if rr == nil {
		return Occurrence{}, false
	}
	exc := s.exceptions(rr)
	set := rrule.Set{}
	set.RRule(rr)
	for k := range exc {
		set.ExDate(k)
	}
	var next Occurrence
	found := false
	if u := set.After(t, true); !u.IsZero() {
		next, found = s.occurrence(u, nil), true
	}
	for k, e := range exc {
		if e.Cancelled {
			continue
		}
		if o := s.occurrence(k, e); !o.Start.Before(t) && (!found || compareOccurrences(o, next) < 0) {
			next, found = o, true
		}
	}
	return next, found
}
