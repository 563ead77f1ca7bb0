package calendar

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func berlinAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, berlin)
}

func weekly(zone *time.Location, start time.Time) Series {
	return Series{
		UID:      "circle-test@holdspace",
		Zone:     zone,
		Start:    start,
		Duration: time.Hour,
		Rule:     Rule{Freq: Weekly, Weekday: start.Weekday()},
	}
}

func TestSeriesValidate(t *testing.T) {
	base := func() Series {
		s := weekly(berlin, berlinAt(2026, 3, 17, 18, 0))
		s.Until = berlinAt(2026, 12, 31, 0, 0)
		s.Exceptions = []Exception{
			{Original: berlinAt(2026, 4, 7, 18, 0), Start: berlinAt(2026, 4, 8, 19, 0)},
			{Original: berlinAt(2026, 4, 14, 18, 0).UTC(), Cancelled: true},
		}
		s.Organizer = Person{Name: "Ana", Email: "ana@example.com"}
		s.Attendees = []Person{{Email: "bo@example.com"}}
		return s
	}
	tests := []struct {
		name  string
		edit  func(*Series)
		field string
	}{
		{"valid", func(*Series) {}, ""},
		{"UTC zone", func(s *Series) {
			s.Zone, s.Start, s.Until, s.Exceptions = time.UTC, s.Start.UTC(), time.Time{}, nil
		}, ""},
		{"no uid", func(s *Series) { s.UID = " " }, "uid"},
		{"uid with newline", func(s *Series) { s.UID = "a\nb" }, "uid"},
		{"negative sequence", func(s *Series) { s.Sequence = -1 }, "sequence"},
		{"no zone", func(s *Series) { s.Zone = nil }, "zone"},
		{"local zone", func(s *Series) { s.Zone = time.Local }, "zone"},
		{"no start", func(s *Series) { s.Start = time.Time{} }, "start"},
		{"start off the minute", func(s *Series) { s.Start = s.Start.Add(time.Second) }, "start"},
		{"start on the wrong weekday", func(s *Series) { s.Start = berlinAt(2026, 3, 18, 18, 0) }, "start"},
		{"start not the second Tuesday", func(s *Series) {
			s.Rule = Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2}
			s.Exceptions = nil
		}, "start"},
		{"start the second Tuesday", func(s *Series) {
			s.Rule = Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2}
			s.Start = berlinAt(2026, 3, 10, 18, 0)
			s.Exceptions = nil
		}, ""},
		{"start not the last Friday", func(s *Series) {
			s.Rule = Rule{Freq: Monthly, Weekday: time.Friday, Nth: -1}
			s.Start = berlinAt(2026, 3, 20, 18, 0)
			s.Exceptions = nil
		}, "start"},
		{"start's weekday is taken in the zone", func(s *Series) {
			s.Zone = newYork
			s.Start = time.Date(2026, 3, 17, 21, 0, 0, 0, newYork) // Wednesday in Berlin
			s.Exceptions = nil
		}, ""},
		{"no duration", func(s *Series) { s.Duration = 0 }, "duration"},
		{"duration too long", func(s *Series) { s.Duration = 8*time.Hour + time.Minute }, "duration"},
		{"longest duration", func(s *Series) { s.Duration = 8 * time.Hour }, ""},
		{"bad freq", func(s *Series) { s.Rule.Freq = "" }, "freq"},
		{"bad weekday", func(s *Series) { s.Rule.Weekday = 8 }, "weekday"},
		{"bad nth", func(s *Series) { s.Rule.Nth = 1 }, "nth"},
		{"until before start", func(s *Series) { s.Until = s.Start.Add(-time.Minute) }, "until"},
		{"until at start", func(s *Series) { s.Until, s.Exceptions = s.Start, nil }, ""},
		{"exception not an occurrence", func(s *Series) { s.Exceptions[0].Original = berlinAt(2026, 4, 7, 17, 0) }, "exceptions[0].original"},
		{"exception after until", func(s *Series) { s.Until = berlinAt(2026, 4, 10, 0, 0) }, "exceptions[1].original"},
		{"exception without original", func(s *Series) { s.Exceptions[1].Original = time.Time{} }, "exceptions[1].original"},
		{"duplicate exception", func(s *Series) { s.Exceptions[1].Original = s.Exceptions[0].Original }, "exceptions[1].original"},
		{"moved without start", func(s *Series) { s.Exceptions[0].Start = time.Time{} }, "exceptions[0].start"},
		{"moved off the minute", func(s *Series) { s.Exceptions[0].Start = s.Exceptions[0].Start.Add(time.Millisecond) }, "exceptions[0].start"},
		{"exception duration", func(s *Series) { s.Exceptions[0].Duration = 9 * time.Hour }, "exceptions[0].duration"},
		{"exception sequence", func(s *Series) { s.Exceptions[1].Sequence = -2 }, "exceptions[1].sequence"},
		{"organizer without email", func(s *Series) { s.Organizer.Email = "" }, "organizer.email"},
		{"no organizer", func(s *Series) { s.Organizer = Person{} }, ""},
		{"attendee email", func(s *Series) { s.Attendees = append(s.Attendees, Person{Name: "Cy", Email: "cy at example.com"}) }, "attendees[1].email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.edit(&s)
			if got := fieldOf(t, s.Validate()); got != tt.field {
				t.Errorf("Validate names %q, want %q (%v)", got, tt.field, s.Validate())
			}
		})
	}
}

// starts returns the UTC starts of the occurrences, for comparing with
// hand-computed instants.
func starts(os []Occurrence) []time.Time {
	var ts []time.Time
	for _, o := range os {
		ts = append(ts, o.Start.UTC())
	}
	return ts
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func TestOccurrencesAcrossDST(t *testing.T) {
	tests := []struct {
		name     string
		s        Series
		from, to time.Time
		want     []time.Time
	}{
		{
			// Berlin springs forward on 29 March 2026.
			"Berlin spring", weekly(berlin, berlinAt(2026, 3, 17, 18, 0)),
			utc(2026, 3, 1, 0, 0), utc(2026, 4, 8, 0, 0),
			[]time.Time{utc(2026, 3, 17, 17, 0), utc(2026, 3, 24, 17, 0), utc(2026, 3, 31, 16, 0), utc(2026, 4, 7, 16, 0)},
		},
		{
			// And falls back on 25 October 2026.
			"Berlin autumn", weekly(berlin, berlinAt(2026, 3, 17, 18, 0)),
			utc(2026, 10, 19, 0, 0), utc(2026, 11, 1, 0, 0),
			[]time.Time{utc(2026, 10, 20, 16, 0), utc(2026, 10, 27, 17, 0)},
		},
		{
			// New York springs forward on 8 March 2026.
			"New York spring", weekly(newYork, time.Date(2026, 3, 3, 18, 0, 0, 0, newYork)),
			utc(2026, 3, 1, 0, 0), utc(2026, 3, 18, 0, 0),
			[]time.Time{utc(2026, 3, 3, 23, 0), utc(2026, 3, 10, 22, 0), utc(2026, 3, 17, 22, 0)},
		},
		{
			// And falls back on 1 November 2026.
			"New York autumn", weekly(newYork, time.Date(2026, 3, 3, 18, 0, 0, 0, newYork)),
			utc(2026, 10, 26, 0, 0), utc(2026, 11, 5, 0, 0),
			[]time.Time{utc(2026, 10, 27, 22, 0), utc(2026, 11, 3, 23, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.s.Validate(); err != nil {
				t.Fatal(err)
			}
			got := tt.s.Occurrences(tt.from, tt.to)
			if diff := cmp.Diff(tt.want, starts(got)); diff != "" {
				t.Errorf("starts (-want +got):\n%s", diff)
			}
			for _, o := range got {
				if h, m, _ := o.Start.Clock(); h != 18 || m != 0 || o.Start.Location() != tt.s.Zone {
					t.Errorf("%v is not 18:00 in %v", o.Start, tt.s.Zone)
				}
				if o.End.Sub(o.Start) != time.Hour || o.Moved || o.Cancelled || !o.Original.Equal(o.Start) {
					t.Errorf("unexpected %+v", o)
				}
			}
		})
	}
}

func TestOccurrencesOverYearEnd(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return berlinAt(y, m, d, 10, 0).UTC() }
	tests := []struct {
		name  string
		rule  Rule
		start time.Time
		want  []time.Time
	}{
		{"fortnightly", Rule{Freq: Fortnightly, Weekday: time.Thursday}, berlinAt(2026, 12, 3, 10, 0),
			[]time.Time{at(2026, 12, 3), at(2026, 12, 17), at(2026, 12, 31), at(2027, 1, 14), at(2027, 1, 28), at(2027, 2, 11), at(2027, 2, 25)}},
		{"four-weekly", Rule{Freq: FourWeekly, Weekday: time.Monday}, berlinAt(2026, 12, 7, 10, 0),
			[]time.Time{at(2026, 12, 7), at(2027, 1, 4), at(2027, 2, 1)}},
		{"second Tuesday", Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2}, berlinAt(2026, 11, 10, 10, 0),
			[]time.Time{at(2026, 11, 10), at(2026, 12, 8), at(2027, 1, 12), at(2027, 2, 9)}},
		{"last Friday", Rule{Freq: Monthly, Weekday: time.Friday, Nth: -1}, berlinAt(2026, 11, 27, 10, 0),
			[]time.Time{at(2026, 11, 27), at(2026, 12, 25), at(2027, 1, 29), at(2027, 2, 26)}},
		{"first Sunday", Rule{Freq: Monthly, Weekday: time.Sunday, Nth: 1}, berlinAt(2026, 11, 1, 10, 0),
			[]time.Time{at(2026, 11, 1), at(2026, 12, 6), at(2027, 1, 3), at(2027, 2, 7)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Series{UID: "u", Zone: berlin, Start: tt.start, Duration: time.Hour, Rule: tt.rule}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			got := s.Occurrences(berlinAt(2026, 10, 1, 0, 0), berlinAt(2027, 2, 28, 0, 0))
			if diff := cmp.Diff(tt.want, starts(got)); diff != "" {
				t.Errorf("starts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOccurrencesWindowAndUntil(t *testing.T) {
	s := weekly(berlin, berlinAt(2026, 3, 17, 18, 0))
	s.Until = berlinAt(2026, 3, 31, 18, 0) // inclusive
	want := []time.Time{utc(2026, 3, 17, 17, 0), utc(2026, 3, 24, 17, 0), utc(2026, 3, 31, 16, 0)}
	if diff := cmp.Diff(want, starts(s.Occurrences(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)))); diff != "" {
		t.Errorf("until (-want +got):\n%s", diff)
	}
	// [from, to): an occurrence at from is in, one at to is out.
	got := s.Occurrences(berlinAt(2026, 3, 24, 18, 0), berlinAt(2026, 3, 31, 18, 0))
	if diff := cmp.Diff(want[1:2], starts(got)); diff != "" {
		t.Errorf("half-open (-want +got):\n%s", diff)
	}
	if got := s.Occurrences(utc(2026, 4, 1, 0, 0), utc(2026, 3, 1, 0, 0)); got != nil {
		t.Errorf("to before from: %v", got)
	}
	if got := (Series{}).Occurrences(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)); got != nil {
		t.Errorf("zero series: %v", got)
	}
	if _, ok := s.Next(berlinAt(2026, 3, 31, 18, 1)); ok {
		t.Error("Next found an occurrence after Until")
	}
}

func TestExceptions(t *testing.T) {
	s := weekly(berlin, berlinAt(2026, 3, 17, 18, 0))
	s.Duration = 90 * time.Minute
	s.Exceptions = []Exception{
		// Moved to the next day, an hour later and shorter.
		{Original: berlinAt(2026, 4, 7, 18, 0), Start: berlinAt(2026, 4, 8, 19, 0), Duration: time.Hour, Sequence: 1},
		// Given in UTC: the instant is what counts.
		{Original: berlinAt(2026, 4, 14, 18, 0).UTC(), Cancelled: true},
		// Moved past the following occurrence.
		{Original: berlinAt(2026, 4, 28, 18, 0), Start: berlinAt(2026, 5, 6, 17, 0)},
		// Moved by nothing but its length.
		{Original: berlinAt(2026, 5, 12, 18, 0), Start: berlinAt(2026, 5, 12, 18, 0), Duration: 2 * time.Hour},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	plain := func(d int, m time.Month) Occurrence {
		t := berlinAt(2026, m, d, 18, 0)
		return Occurrence{Original: t, Start: t, End: t.Add(90 * time.Minute)}
	}
	moved := Occurrence{Original: berlinAt(2026, 4, 7, 18, 0), Start: berlinAt(2026, 4, 8, 19, 0), End: berlinAt(2026, 4, 8, 20, 0), Moved: true}
	cancelled := Occurrence{Original: berlinAt(2026, 4, 14, 18, 0), Start: berlinAt(2026, 4, 14, 18, 0), End: berlinAt(2026, 4, 14, 19, 30), Cancelled: true}
	late := Occurrence{Original: berlinAt(2026, 4, 28, 18, 0), Start: berlinAt(2026, 5, 6, 17, 0), End: berlinAt(2026, 5, 6, 18, 30), Moved: true}
	longer := Occurrence{Original: berlinAt(2026, 5, 12, 18, 0), Start: berlinAt(2026, 5, 12, 18, 0), End: berlinAt(2026, 5, 12, 20, 0), Moved: true}

	want := []Occurrence{plain(31, 3), moved, cancelled, plain(21, 4), plain(5, 5), late, longer, plain(19, 5)}
	got := s.Occurrences(berlinAt(2026, 3, 31, 0, 0), berlinAt(2026, 5, 20, 0, 0))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Occurrences (-want +got):\n%s", diff)
	}
	for _, o := range got {
		if o.Start.Location() != berlin || o.Original.Location() != berlin || o.End.Location() != berlin {
			t.Errorf("%+v is not in the series' zone", o)
		}
	}

	// A window holding only the original of a moved occurrence does not
	// list it; one holding only its new start does.
	if got := s.Occurrences(berlinAt(2026, 4, 7, 0, 0), berlinAt(2026, 4, 8, 0, 0)); len(got) != 0 {
		t.Errorf("original's day: %v", got)
	}
	if diff := cmp.Diff([]Occurrence{late}, s.Occurrences(berlinAt(2026, 5, 6, 0, 0), berlinAt(2026, 5, 7, 0, 0))); diff != "" {
		t.Errorf("new start's day (-want +got):\n%s", diff)
	}

	nexts := []struct {
		at   time.Time
		want Occurrence
	}{
		{berlinAt(2026, 1, 1, 0, 0), plain(17, 3)},
		{berlinAt(2026, 3, 17, 18, 0), plain(17, 3)},
		{berlinAt(2026, 4, 7, 0, 0), moved},
		{berlinAt(2026, 4, 8, 19, 0), moved},
		{berlinAt(2026, 4, 8, 19, 1), plain(21, 4)}, // 14 April is cancelled
		{berlinAt(2026, 4, 22, 0, 0), plain(5, 5)},  // 28 April moved away
		{berlinAt(2026, 5, 5, 18, 1), late},
		{berlinAt(2026, 5, 12, 0, 0), longer},
	}
	for _, tt := range nexts {
		got, ok := s.Next(tt.at)
		if !ok {
			t.Errorf("Next(%v): none", tt.at)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Next(%v) (-want +got):\n%s", tt.at, diff)
		}
	}

	// A move to before the next rule occurrence wins in Next.
	s.Exceptions = append(s.Exceptions, Exception{Original: berlinAt(2026, 5, 19, 18, 0), Start: berlinAt(2026, 5, 13, 8, 0)})
	if got, _ := s.Next(berlinAt(2026, 5, 12, 18, 1)); !got.Start.Equal(berlinAt(2026, 5, 13, 8, 0)) {
		t.Errorf("Next after 12 May = %+v, want the move to 13 May", got)
	}
}

func TestExceptionsNotOnTheRuleAreIgnored(t *testing.T) {
	s := weekly(berlin, berlinAt(2026, 3, 17, 18, 0))
	s.Exceptions = []Exception{
		{Original: berlinAt(2026, 3, 18, 18, 0), Cancelled: true},
		{Original: berlinAt(2026, 3, 19, 18, 0), Start: berlinAt(2026, 3, 20, 18, 0)},
	}
	if s.Validate() == nil {
		t.Fatal("Validate accepted exceptions off the schedule")
	}
	got := s.Occurrences(berlinAt(2026, 3, 17, 0, 0), berlinAt(2026, 3, 25, 0, 0))
	want := []time.Time{utc(2026, 3, 17, 17, 0), utc(2026, 3, 24, 17, 0)}
	if diff := cmp.Diff(want, starts(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
