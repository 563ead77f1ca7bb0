package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
	"github.com/teambition/rrule-go"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var stamp = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func berlinCircle() Series {
	return Series{
		UID:      "circle-1@holdspace",
		Sequence: 3,
		Summary:  "Ana, Bo; and\nCy",
		Description: "Our peer-coaching circle. Bring one situation you are working on; " +
			"we take turns — größere Fragen und kleine Schritte, one person at a time.\r\nSee you there!",
		Location: "https://meet.example.com/holdspace-circle-1-with-a-rather-long-room-name?pwd=abc123",
		URL:      "https://holdspace.example.com/circles/1",
		Zone:     berlin,
		Start:    berlinAt(2026, 3, 17, 18, 0),
		Duration: 90 * time.Minute,
		Rule:     Rule{Freq: Weekly, Weekday: time.Tuesday},
		Exceptions: []Exception{
			{Original: berlinAt(2026, 4, 14, 18, 0), Cancelled: true, Sequence: 4},
			{Original: berlinAt(2026, 4, 7, 18, 0), Start: berlinAt(2026, 4, 8, 19, 0), Sequence: 5},
		},
		Organizer: Person{Name: "Ana Díaz", Email: "ana@example.com"},
		Attendees: []Person{
			{Name: "Ana Díaz", Email: "ana@example.com"},
			{Name: "Bo, Jr.", Email: "bo@example.com"},
			{Name: `Cy "the Coach" Smith`, Email: "cy@example.com"},
		},
		Stamp: stamp,
	}
}

func newYorkCircle() Series {
	return Series{
		UID:       "circle-2@holdspace",
		Sequence:  1,
		Summary:   "Second-Tuesday lunch circle",
		Zone:      newYork,
		Start:     time.Date(2026, 3, 10, 12, 0, 0, 0, newYork),
		Duration:  time.Hour,
		Rule:      Rule{Freq: Monthly, Weekday: time.Tuesday, Nth: 2},
		Until:     time.Date(2027, 6, 30, 23, 59, 0, 0, newYork),
		Organizer: Person{Name: "Dee", Email: "dee@example.com"},
		Attendees: []Person{{Name: "Dee", Email: "dee@example.com"}, {Email: "eli@example.com"}},
		Stamp:     stamp,
	}
}

func utcCircle() Series {
	return Series{
		UID:      "circle-3@holdspace",
		Summary:  "Fortnightly check-in",
		Zone:     time.UTC,
		Start:    time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC),
		Duration: 45 * time.Minute,
		Rule:     Rule{Freq: Fortnightly, Weekday: time.Friday},
		Exceptions: []Exception{
			{Original: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC), Start: time.Date(2026, 4, 16, 9, 0, 0, 0, time.UTC), Duration: time.Hour},
		},
		Stamp: stamp,
	}
}

// event is what the tests check of a parsed VEVENT.
type event struct {
	UID, Sequence, Status, Summary string
	DTStart, DTEnd, TZID           string
	RRULE, RecurrenceID            string
	EXDATE                         []string
	Organizer                      string
	Attendees                      []string
}

type golden struct {
	file   string
	output []byte
	method string
	tzids  []string
	events []event
	// series to re-expand from the parsed output, by UID
	series []Series
}

func goldens() []golden {
	b, ny, u := berlinCircle(), newYorkCircle(), utcCircle()
	summary := "Ana, Bo; and\nCy"
	attendees := []string{"mailto:ana@example.com", "mailto:bo@example.com", "mailto:cy@example.com"}
	cancelledNY := ny
	cancelledNY.Sequence++
	return []golden{
		{
			file:   "feed.ics",
			output: Feed("Holdspace: Ana's circles", []Series{b, ny, u}),
			tzids:  []string{"America/New_York", "Europe/Berlin"},
			events: []event{
				{UID: b.UID, Sequence: "3", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260317T180000", DTEnd: "20260317T193000", TZID: "Europe/Berlin",
					RRULE: "FREQ=WEEKLY;BYDAY=TU", EXDATE: []string{"20260414T180000"}, Organizer: "mailto:ana@example.com"},
				{UID: b.UID, Sequence: "5", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260408T190000", DTEnd: "20260408T203000", TZID: "Europe/Berlin",
					RecurrenceID: "20260407T180000", Organizer: "mailto:ana@example.com"},
				{UID: ny.UID, Sequence: "1", Status: "CONFIRMED", Summary: ny.Summary,
					DTStart: "20260310T120000", DTEnd: "20260310T130000", TZID: "America/New_York",
					RRULE: "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270701T035900Z", Organizer: "mailto:dee@example.com"},
				{UID: u.UID, Sequence: "0", Status: "CONFIRMED", Summary: u.Summary,
					DTStart: "20260320T090000Z", DTEnd: "20260320T094500Z",
					RRULE: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"},
				{UID: u.UID, Sequence: "0", Status: "CONFIRMED", Summary: u.Summary,
					DTStart: "20260416T090000Z", DTEnd: "20260416T100000Z", RecurrenceID: "20260417T090000Z"},
			},
			series: []Series{b, ny, u},
		},
		{
			file:   "request.ics",
			output: Request(b),
			method: "REQUEST",
			tzids:  []string{"Europe/Berlin"},
			events: []event{
				{UID: b.UID, Sequence: "3", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260317T180000", DTEnd: "20260317T193000", TZID: "Europe/Berlin",
					RRULE: "FREQ=WEEKLY;BYDAY=TU", EXDATE: []string{"20260414T180000"},
					Organizer: "mailto:ana@example.com", Attendees: attendees},
				{UID: b.UID, Sequence: "5", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260408T190000", DTEnd: "20260408T203000", TZID: "Europe/Berlin",
					RecurrenceID: "20260407T180000", Organizer: "mailto:ana@example.com", Attendees: attendees},
			},
			series: []Series{b},
		},
		{
			file:   "request-occurrence.ics",
			output: RequestOccurrence(b, berlinAt(2026, 4, 7, 18, 0)),
			method: "REQUEST",
			tzids:  []string{"Europe/Berlin"},
			events: []event{
				{UID: b.UID, Sequence: "5", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260408T190000", DTEnd: "20260408T203000", TZID: "Europe/Berlin",
					RecurrenceID: "20260407T180000", Organizer: "mailto:ana@example.com", Attendees: attendees},
			},
		},
		{
			file:   "cancel.ics",
			output: Cancel(cancelledNY),
			method: "CANCEL",
			tzids:  []string{"America/New_York"},
			events: []event{
				{UID: ny.UID, Sequence: "2", Status: "CANCELLED", Summary: ny.Summary,
					DTStart: "20260310T120000", DTEnd: "20260310T130000", TZID: "America/New_York",
					RRULE: "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270701T035900Z", Organizer: "mailto:dee@example.com",
					Attendees: []string{"mailto:dee@example.com", "mailto:eli@example.com"}},
			},
		},
		{
			file:   "cancel-occurrence.ics",
			output: CancelOccurrence(b, berlinAt(2026, 4, 14, 18, 0)),
			method: "CANCEL",
			tzids:  []string{"Europe/Berlin"},
			events: []event{
				{UID: b.UID, Sequence: "4", Status: "CANCELLED", Summary: summary,
					DTStart: "20260414T180000", DTEnd: "20260414T193000", TZID: "Europe/Berlin",
					RecurrenceID: "20260414T180000", Organizer: "mailto:ana@example.com", Attendees: attendees},
			},
		},
		{
			file:   "event.ics",
			output: Event(b, berlinAt(2026, 4, 7, 18, 0)),
			method: "PUBLISH",
			tzids:  []string{"Europe/Berlin"},
			events: []event{
				{UID: "20260407T160000Z-circle-1@holdspace", Sequence: "5", Status: "CONFIRMED", Summary: summary,
					DTStart: "20260408T190000", DTEnd: "20260408T203000", TZID: "Europe/Berlin",
					Organizer: "mailto:ana@example.com"},
			},
		},
	}
}

func TestGolden(t *testing.T) {
	for _, g := range goldens() {
		t.Run(g.file, func(t *testing.T) {
			path := filepath.Join("testdata", g.file)
			if *update {
				if err := os.WriteFile(path, g.output, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(g.output)); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
			checkLines(t, g.output)
			cal, err := ics.ParseCalendar(bytes.NewReader(g.output))
			if err != nil {
				t.Fatalf("golang-ical cannot parse the output: %v", err)
			}
			checkCalendar(t, cal, g)
		})
	}
}

// checkLines holds the output to RFC 5545 section 3.1: CRLF line ends and
// at most 75 octets a line, folded without splitting UTF-8 sequences.
func checkLines(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Error("output does not end in CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\r\n")), []byte("\r\n"))
	for i, line := range lines {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if !utf8.Valid(line) {
			t.Errorf("line %d is split inside a UTF-8 sequence: %q", i+1, line)
		}
	}
}

func calendarProp(cal *ics.Calendar, name string) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value
		}
	}
	return ""
}

func prop(ev *ics.VEvent, name ics.ComponentProperty) string {
	if p := ev.GetProperty(name); p != nil {
		return p.Value
	}
	return ""
}

func param(p *ics.IANAProperty, name string) string {
	if p == nil || len(p.ICalParameters[name]) == 0 {
		return ""
	}
	return p.ICalParameters[name][0]
}

func checkCalendar(t *testing.T, cal *ics.Calendar, g golden) {
	t.Helper()
	for name, want := range map[string]string{
		"PRODID": "-//Holdspace//Holdspace//EN", "VERSION": "2.0", "CALSCALE": "GREGORIAN", "METHOD": g.method,
	} {
		if got := calendarProp(cal, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	var got []event
	used := map[string]bool{}
	for _, ev := range cal.Events() {
		start := ev.GetProperty(ics.ComponentPropertyDtStart)
		e := event{
			UID:          prop(ev, ics.ComponentPropertyUniqueId),
			Sequence:     prop(ev, ics.ComponentPropertySequence),
			Status:       prop(ev, ics.ComponentPropertyStatus),
			Summary:      prop(ev, ics.ComponentPropertySummary),
			DTStart:      prop(ev, ics.ComponentPropertyDtStart),
			DTEnd:        prop(ev, ics.ComponentPropertyDtEnd),
			TZID:         param(start, "TZID"),
			RRULE:        prop(ev, ics.ComponentPropertyRrule),
			RecurrenceID: prop(ev, ics.ComponentPropertyRecurrenceId),
			Organizer:    prop(ev, ics.ComponentPropertyOrganizer),
		}
		for _, p := range ev.GetProperties(ics.ComponentPropertyExdate) {
			e.EXDATE = append(e.EXDATE, p.Value)
		}
		for _, p := range ev.GetProperties(ics.ComponentPropertyAttendee) {
			e.Attendees = append(e.Attendees, p.Value)
			if param(p, "ROLE") != "REQ-PARTICIPANT" || param(p, "PARTSTAT") != "NEEDS-ACTION" || param(p, "RSVP") != "FALSE" {
				t.Errorf("attendee %s has parameters %v", p.Value, p.ICalParameters)
			}
		}
		got = append(got, e)
		for _, p := range ev.Properties {
			if tzid := param(&p, "TZID"); tzid != "" {
				used[tzid] = true
			}
		}
	}
	if diff := cmp.Diff(g.events, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	var defined []string
	for _, tz := range cal.Timezones() {
		id := tz.GetProperty(ics.ComponentPropertyTzid).Value
		defined = append(defined, id)
		if len(tz.Components) == 0 {
			t.Errorf("VTIMEZONE %s has no observances", id)
		}
	}
	if diff := cmp.Diff(g.tzids, defined); diff != "" {
		t.Errorf("VTIMEZONE TZIDs (-want +got):\n%s", diff)
	}
	for tzid := range used {
		if !slices.Contains(defined, tzid) {
			t.Errorf("TZID %s is used but has no VTIMEZONE", tzid)
		}
	}

	for _, s := range g.series {
		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
		want := s.Occurrences(from, to)
		if len(want) < 12 {
			t.Fatalf("%s: only %d occurrences to compare", s.UID, len(want))
		}
		if diff := cmp.Diff(want, reexpand(t, cal, s.UID, from, to)); diff != "" {
			t.Errorf("%s: Occurrences (-want) against the parsed output re-expanded (+got):\n%s", s.UID, diff)
		}
	}
}

// parseTime reads a DATE-TIME property independently of this package:
// with its TZID looked up in the system's zone database.
func parseTime(t *testing.T, p *ics.IANAProperty) time.Time {
	t.Helper()
	if strings.HasSuffix(p.Value, "Z") {
		v, err := time.Parse("20060102T150405Z", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	loc, err := time.LoadLocation(param(p, "TZID"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("20060102T150405", p.Value, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// reexpand computes the occurrences of the series uid from the parsed
// calendar alone, with rrule-go: DTSTART in its TZID, the RRULE, minus
// EXDATEs, with overrides applied.
func reexpand(t *testing.T, cal *ics.Calendar, uid string, from, to time.Time) []Occurrence {
	t.Helper()
	var master *ics.VEvent
	overrides := map[time.Time]*ics.VEvent{}
	for _, ev := range cal.Events() {
		if ev.Id() != uid {
			continue
		}
		if rid := ev.GetProperty(ics.ComponentPropertyRecurrenceId); rid != nil {
			overrides[parseTime(t, rid).UTC()] = ev
		} else {
			master = ev
		}
	}
	if master == nil {
		t.Fatalf("no master VEVENT for %s", uid)
	}
	start := parseTime(t, master.GetProperty(ics.ComponentPropertyDtStart))
	duration := parseTime(t, master.GetProperty(ics.ComponentPropertyDtEnd)).Sub(start)
	rr, err := rrule.StrToRRule(prop(master, ics.ComponentPropertyRrule))
	if err != nil {
		t.Fatal(err)
	}
	rr.DTStart(start)
	exdates := map[time.Time]bool{}
	for _, p := range master.GetProperties(ics.ComponentPropertyExdate) {
		exdates[parseTime(t, p).UTC()] = true
	}
	var out []Occurrence
	// Widened so that occurrences moved into the window are seen.
	for _, r := range rr.Between(from.AddDate(0, -2, 0), to.AddDate(0, 2, 0), true) {
		o := Occurrence{Original: r, Start: r, End: r.Add(duration)}
		if exdates[r.UTC()] {
			o.Cancelled = true
		} else if ov := overrides[r.UTC()]; ov != nil {
			o.Start = parseTime(t, ov.GetProperty(ics.ComponentPropertyDtStart))
			o.End = parseTime(t, ov.GetProperty(ics.ComponentPropertyDtEnd))
			o.Moved = !o.Start.Equal(o.Original) || !o.End.Equal(o.Original.Add(duration))
		}
		if !o.Start.Before(from) && o.Start.Before(to) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Occurrence) int { return a.Start.Compare(b.Start) })
	return out
}

func TestEscaping(t *testing.T) {
	s := utcCircle()
	s.Summary = "Ana, Bo; and\nCy"
	s.Description = "back\\slash\r\nCRLF\rCR\x00NUL\ttab"
	s.Location = "Room 1; floor 2, \"east\""
	out := Request(s)
	if !bytes.Contains(out, []byte(`SUMMARY:Ana\, Bo\; and\nCy`+"\r\n")) {
		t.Errorf("SUMMARY not escaped as RFC 5545 requires:\n%s", out)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	ev := cal.Events()[0]
	for name, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     "Ana, Bo; and\nCy",
		ics.ComponentPropertyDescription: "back\\slash\nCRLF\nCRNUL\ttab",
		ics.ComponentPropertyLocation:    `Room 1; floor 2, "east"`,
	} {
		if got := prop(ev, name); got != want {
			t.Errorf("%s read back as %q, want %q", name, got, want)
		}
	}
}

func TestParameterQuoting(t *testing.T) {
	s := berlinCircle()
	out := string(Request(s))
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{
		`ATTENDEE;CN="Bo, Jr.";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:bo@example.com`,
		// RFC 5545 has no escape for a double quote in a parameter.
		`ATTENDEE;CN=Cy 'the Coach' Smith;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:cy@example.com`,
		`ORGANIZER;CN=Ana Díaz:mailto:ana@example.com`,
	} {
		if !strings.Contains(unfolded, want+"\r\n") {
			t.Errorf("missing %s", want)
		}
	}
}

func TestFeedEdgeCases(t *testing.T) {
	empty := Feed("Nothing yet", nil)
	checkLines(t, empty)
	cal, err := ics.ParseCalendar(bytes.NewReader(empty))
	if err != nil {
		t.Fatalf("empty feed: %v\n%s", err, empty)
	}
	if len(cal.Components) != 0 || calendarProp(cal, "X-WR-CALNAME") != "Nothing yet" ||
		calendarProp(cal, "REFRESH-INTERVAL") != "PT1H" || calendarProp(cal, "X-PUBLISHED-TTL") != "PT1H" {
		t.Errorf("empty feed:\n%s", empty)
	}
	if bytes.Contains(empty, []byte(emptyMarker)) {
		t.Errorf("placeholder left in the empty feed:\n%s", empty)
	}

	// Invalid series are left out; two series in one zone share a VTIMEZONE.
	b := berlinCircle()
	later := weekly(berlin, berlinAt(2030, 1, 7, 9, 0))
	later.UID, later.Stamp = "circle-4@holdspace", stamp
	broken := berlinCircle()
	broken.UID = "broken@holdspace"
	broken.Zone = nil
	cal, err = ics.ParseCalendar(bytes.NewReader(Feed("x", []Series{b, broken, later})))
	if err != nil {
		t.Fatal(err)
	}
	var uids []string
	for _, ev := range cal.Events() {
		uids = append(uids, ev.Id())
	}
	if diff := cmp.Diff([]string{b.UID, b.UID, later.UID}, uids); diff != "" {
		t.Errorf("UIDs (-want +got):\n%s", diff)
	}
	tzs := cal.Timezones()
	if len(tzs) != 1 {
		t.Fatalf("%d VTIMEZONEs, want 1", len(tzs))
	}
	// The shared VTIMEZONE covers both series: from a year before 2026
	// to three years after 2030.
	obs := tzs[0].Components
	first := obs[0].(*ics.Daylight).GetProperty(ics.ComponentPropertyDtStart).Value
	last := obs[len(obs)-1].(*ics.Standard).GetProperty(ics.ComponentPropertyDtStart).Value
	if first != "20250330T020000" || last != "20321031T030000" {
		t.Errorf("VTIMEZONE runs from %s to %s", first, last)
	}
}

func TestInvalidInputsGiveNil(t *testing.T) {
	b := berlinCircle()
	bad := b
	bad.Duration = 0
	notAnOccurrence := berlinAt(2026, 4, 8, 18, 0)
	for name, out := range map[string][]byte{
		"Request invalid":                     Request(bad),
		"Cancel invalid":                      Cancel(bad),
		"RequestOccurrence invalid":           RequestOccurrence(bad, b.Start),
		"CancelOccurrence invalid":            CancelOccurrence(bad, b.Start),
		"Event invalid":                       Event(bad, b.Start),
		"RequestOccurrence not an occurrence": RequestOccurrence(b, notAnOccurrence),
		"CancelOccurrence not an occurrence":  CancelOccurrence(b, notAnOccurrence),
		"Event not an occurrence":             Event(b, notAnOccurrence),
		"RequestOccurrence cancelled":         RequestOccurrence(b, berlinAt(2026, 4, 14, 18, 0)),
	} {
		if out != nil {
			t.Errorf("%s: got output\n%s", name, out)
		}
	}
}

func TestOccurrenceOutputsForPlainOccurrences(t *testing.T) {
	// An occurrence without an exception takes the series' sequence, and
	// an override never falls below it.
	b := berlinCircle()
	b.Sequence = 7
	for name, out := range map[string][]byte{
		"request": RequestOccurrence(b, berlinAt(2026, 3, 24, 18, 0)),
		"cancel":  CancelOccurrence(b, berlinAt(2026, 3, 24, 18, 0)),
		"event":   Event(b, berlinAt(2026, 3, 24, 18, 0)),
		"moved":   RequestOccurrence(b, berlinAt(2026, 4, 7, 18, 0)),
	} {
		cal, err := ics.ParseCalendar(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := prop(cal.Events()[0], ics.ComponentPropertySequence); got != "7" {
			t.Errorf("%s: SEQUENCE %s, want 7", name, got)
		}
	}
	// A cancelled occurrence downloaded is marked as such.
	cal, err := ics.ParseCalendar(bytes.NewReader(Event(b, berlinAt(2026, 4, 14, 18, 0))))
	if err != nil {
		t.Fatal(err)
	}
	if got := prop(cal.Events()[0], ics.ComponentPropertyStatus); got != "CANCELLED" {
		t.Errorf("STATUS %s, want CANCELLED", got)
	}
}

func TestVTimezone(t *testing.T) {
	tests := []struct {
		zone *time.Location
		want string
	}{
		{kolkata, "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZNAME:IST\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\n" +
			"END:VTIMEZONE\r\n"},
		{newYork, "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\nTZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n" +
			"BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n" +
			"END:VTIMEZONE\r\n"},
		// Dublin's tz data marks winter as the daylight-saving time;
		// calendar clients expect the higher offset to be DAYLIGHT.
		{mustLoad("Europe/Dublin"), "BEGIN:VTIMEZONE\r\nTZID:Europe/Dublin\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:20251026T020000\r\nTZNAME:GMT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n" +
			"BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZNAME:IST\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\n" +
			"END:VTIMEZONE\r\n"},
	}
	from, to := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		cal := newCalendar("")
		cal.Children = append(cal.Children, vtimezone(tt.zone, from, to))
		out := string(encode(cal))
		_, got, _ := strings.Cut(out, "VERSION:2.0\r\n")
		got = strings.TrimSuffix(got, "END:VCALENDAR\r\n")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.zone, diff)
		}
	}
	for _, tt := range []struct {
		seconds int
		want    string
	}{{0, "+0000"}, {3600, "+0100"}, {-18000, "-0500"}, {19800, "+0530"}, {-(3*3600 + 30*60), "-0330"}, {3208, "+005328"}} {
		if got := utcOffset(tt.seconds); got != tt.want {
			t.Errorf("utcOffset(%d) = %q, want %q", tt.seconds, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	long := "DESCRIPTION:" + strings.Repeat("é", 100)
	out := fold([]byte("BEGIN:X\r\n" + long + "\r\n"))
	checkLines(t, out)
	if got := strings.ReplaceAll(string(out), "\r\n ", ""); got != "BEGIN:X\r\n"+long+"\r\n" {
		t.Errorf("unfolding does not restore the line: %q", got)
	}
	exact := strings.Repeat("a", 75)
	if got := string(fold([]byte(exact + "\r\n"))); got != exact+"\r\n" {
		t.Errorf("a 75-octet line was folded: %q", got)
	}
	if got := string(fold([]byte(exact + "b\r\n"))); got != exact+"\r\n b\r\n" {
		t.Errorf("a 76-octet line folded as %q", got)
	}
}

// FuzzText checks that any summary, description and name survive the
// trip through the encoder and an independent parser, within the limits
// of RFC 5545: control characters other than tab are dropped and every
// line break becomes a newline.
func FuzzText(f *testing.F) {
	f.Add("Ana, Bo; and\nCy", "x", "Bo, Jr.")
	f.Add(strings.Repeat("日本語", 40), "\\n is not a newline", `"quoted"`)
	f.Add("a\r\nb\rc", "tab\tend;", "")
	f.Fuzz(func(t *testing.T, summary, description, name string) {
		if !utf8.ValidString(summary) || !utf8.ValidString(description) || !utf8.ValidString(name) {
			t.Skip()
		}
		s := utcCircle()
		s.Summary, s.Description = summary, description
		s.Attendees = []Person{{Name: name, Email: "x@example.com"}}
		out := Request(s)
		checkLines(t, out)
		cal, err := ics.ParseCalendar(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		ev := cal.Events()[0]
		if got, want := prop(ev, ics.ComponentPropertySummary), cleanText(summary); got != want {
			t.Errorf("SUMMARY %q, want %q", got, want)
		}
		if description != "" {
			if got, want := prop(ev, ics.ComponentPropertyDescription), cleanText(description); got != want {
				t.Errorf("DESCRIPTION %q, want %q", got, want)
			}
		}
	})
}
