package calendar

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

const (
	prodID      = "-//Holdspace//Holdspace//EN"
	localFormat = "20060102T150405"
	utcFormat   = "20060102T150405Z"

	statusConfirmed = "CONFIRMED"
	statusCancelled = "CANCELLED"
)

// audience decides who an event names, as RFC 5546 has it: iTIP requests
// and cancellations list the attendees, while a PUBLISH must not, and a
// subscription feed has no business spreading colleagues' addresses.
type audience int

const (
	public audience = iota
	invited
)

// Feed returns a subscription calendar named name with every series in it.
// It has no METHOD, which is what Outlook expects of a subscription, and
// lists the organizer but no attendees. Series that fail Validate are left
// out, so that one bad record cannot break a whole feed.
func Feed(name string, series []Series) []byte {
	cal := newCalendar("")
	setText(cal.Component, "X-WR-CALNAME", name)
	setText(cal.Component, ical.PropName, name)
	refresh := ical.NewProp(ical.PropRefreshInterval)
	refresh.Params.Set(ical.ParamValue, string(ical.ValueDuration))
	refresh.Value = "PT1H"
	cal.Props.Set(refresh)
	setRaw(cal.Component, "X-PUBLISHED-TTL", "PT1H")

	windows := make(map[string]zoneWindow)
	var events []*ical.Component
	for _, s := range series {
		if s.Validate() != nil {
			continue
		}
		if s.Zone != time.UTC {
			w := s.window()
			if prev, ok := windows[tzid(s.Zone)]; ok {
				w = prev.union(w)
			}
			windows[tzid(s.Zone)] = w
		}
		events = append(events, s.series(public, true)...)
	}
	for _, name := range slices.Sorted(maps.Keys(windows)) {
		w := windows[name]
		cal.Children = append(cal.Children, vtimezone(w.zone, w.from, w.to))
	}
	cal.Children = append(cal.Children, events...)
	return encode(cal)
}

// Request returns an iTIP REQUEST that invites the attendees to the whole
// series, moved and cancelled occurrences included. It returns nil when s
// fails Validate.
func Request(s Series) []byte {
	if s.Validate() != nil {
		return nil
	}
	cal := s.newCalendar("REQUEST")
	cal.Children = append(cal.Children, s.series(invited, true)...)
	return encode(cal)
}

// RequestOccurrence returns an iTIP REQUEST for the single occurrence whose
// rule start is original, at its moved time if it was moved. It returns nil
// when s fails Validate, original is not an occurrence of s, or the
// occurrence is cancelled (send CancelOccurrence instead).
func RequestOccurrence(s Series, original time.Time) []byte {
	o, e, ok := s.lookup(original)
	if !ok || o.Cancelled {
		return nil
	}
	cal := s.newCalendar("REQUEST")
	ev := s.event(s.UID, s.sequence(e), statusConfirmed, invited)
	s.setTime(ev, ical.PropRecurrenceID, o.Original)
	s.setTimes(ev, o)
	cal.Children = append(cal.Children, ev)
	return encode(cal)
}

// Cancel returns an iTIP CANCEL for the whole series; the caller bumps
// s.Sequence first so that clients accept it as newer than what they hold.
// It returns nil when s fails Validate.
func Cancel(s Series) []byte {
	if s.Validate() != nil {
		return nil
	}
	cal := s.newCalendar("CANCEL")
	cal.Children = append(cal.Children, s.series(invited, false)...)
	return encode(cal)
}

// CancelOccurrence returns an iTIP CANCEL for the single occurrence whose
// rule start is original. It returns nil when s fails Validate or original
// is not an occurrence of s.
func CancelOccurrence(s Series, original time.Time) []byte {
	o, e, ok := s.lookup(original)
	if !ok {
		return nil
	}
	cal := s.newCalendar("CANCEL")
	ev := s.event(s.UID, s.sequence(e), statusCancelled, invited)
	s.setTime(ev, ical.PropRecurrenceID, o.Original)
	s.setTimes(ev, o)
	cal.Children = append(cal.Children, ev)
	return encode(cal)
}

// Event returns the single occurrence whose rule start is original as a
// stand-alone event to download, at its moved time if it was moved. Its UID
// is derived from the series UID and original, so importing it neither
// collides with a subscribed feed nor duplicates on a second import. It
// returns nil when s fails Validate or original is not an occurrence of s.
func Event(s Series, original time.Time) []byte {
	o, e, ok := s.lookup(original)
	if !ok {
		return nil
	}
	status := statusConfirmed
	if o.Cancelled {
		status = statusCancelled
	}
	cal := s.newCalendar("PUBLISH")
	uid := o.Original.UTC().Format(utcFormat) + "-" + s.UID
	ev := s.event(uid, s.sequence(e), status, public)
	s.setTimes(ev, o)
	cal.Children = append(cal.Children, ev)
	return encode(cal)
}

// lookup finds the occurrence whose rule start is original.
func (s Series) lookup(original time.Time) (Occurrence, *Exception, bool) {
	if s.Validate() != nil {
		return Occurrence{}, nil, false
	}
	rr := s.recurrence()
	if !rr.After(original, true).Equal(original) {
		return Occurrence{}, nil, false
	}
	e := s.exceptions(rr)[key(original)]
	return s.occurrence(original, e), e, true
}

func newCalendar(method string) *ical.Calendar {
	cal := ical.NewCalendar()
	setRaw(cal.Component, ical.PropProductID, prodID)
	setRaw(cal.Component, ical.PropVersion, "2.0")
	setRaw(cal.Component, ical.PropCalendarScale, "GREGORIAN")
	if method != "" {
		setRaw(cal.Component, ical.PropMethod, method)
	}
	return cal
}

// newCalendar starts a calendar holding s alone, with its time zone.
func (s Series) newCalendar(method string) *ical.Calendar {
	cal := newCalendar(method)
	if s.Zone != time.UTC {
		w := s.window()
		cal.Children = append(cal.Children, vtimezone(w.zone, w.from, w.to))
	}
	return cal
}

// series returns the master event of s followed by one override per moved
// occurrence. A live series carries its cancelled occurrences as EXDATEs; a
// cancelled one needs neither those nor the overrides, since cancelling
// the UID cancels every instance.
func (s Series) series(aud audience, live bool) []*ical.Component {
	status := statusConfirmed
	if !live {
		status = statusCancelled
	}
	master := s.event(s.UID, s.Sequence, status, aud)
	s.setTimes(master, Occurrence{Start: s.Start, End: s.Start.Add(s.Duration)})
	setRaw(master, ical.PropRecurrenceRule, s.rrule())
	events := []*ical.Component{master}
	if !live {
		return events
	}
	exc := s.exceptions(s.recurrence())
	for _, k := range slices.SortedFunc(maps.Keys(exc), time.Time.Compare) {
		e := exc[k]
		if e.Cancelled {
			master.Props.Add(s.timeProp(ical.PropExceptionDates, k))
			continue
		}
		o := s.occurrence(k, e)
		ev := s.event(s.UID, s.sequence(e), statusConfirmed, aud)
		s.setTime(ev, ical.PropRecurrenceID, o.Original)
		s.setTimes(ev, o)
		events = append(events, ev)
	}
	return events
}

// event returns a VEVENT with what every event of s carries, times aside.
func (s Series) event(uid string, seq int, status string, aud audience) *ical.Component {
	ev := ical.NewComponent(ical.CompEvent)
	setText(ev, ical.PropUID, uid)
	setRaw(ev, ical.PropDateTimeStamp, s.Stamp.UTC().Format(utcFormat))
	setRaw(ev, ical.PropLastModified, s.Stamp.UTC().Format(utcFormat))
	setRaw(ev, ical.PropSequence, strconv.Itoa(seq))
	setRaw(ev, ical.PropStatus, status)
	// RFC 5546 requires SUMMARY in every method we send, even if empty.
	setText(ev, ical.PropSummary, s.Summary)
	if s.Description != "" {
		setText(ev, ical.PropDescription, s.Description)
	}
	if s.Location != "" {
		setText(ev, ical.PropLocation, s.Location)
	}
	if s.URL != "" {
		setRaw(ev, ical.PropURL, cleanValue(s.URL))
	}
	if s.Organizer.Email != "" {
		ev.Props.Set(person(ical.PropOrganizer, s.Organizer))
	}
	if aud == invited {
		for _, p := range s.Attendees {
			a := person(ical.PropAttendee, p)
			a.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
			a.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
			// Replies are not processed, so clients should not offer to send one.
			a.Params.Set(ical.ParamRSVP, "FALSE")
			ev.Props.Add(a)
		}
	}
	return ev
}

func person(name string, p Person) *ical.Prop {
	prop := ical.NewProp(name)
	prop.Value = "mailto:" + cleanValue(p.Email)
	if p.Name != "" {
		prop.Params.Set(ical.ParamCommonName, cleanParam(p.Name))
	}
	return prop
}

func (s Series) setTimes(ev *ical.Component, o Occurrence) {
	s.setTime(ev, ical.PropDateTimeStart, o.Start)
	s.setTime(ev, ical.PropDateTimeEnd, o.End)
}

func (s Series) setTime(c *ical.Component, name string, t time.Time) {
	c.Props.Set(s.timeProp(name, t))
}

// timeProp writes t on the schedule's wall clock with its TZID, so that
// clients apply the zone's daylight-saving rules rather than a fixed offset.
func (s Series) timeProp(name string, t time.Time) *ical.Prop {
	p := ical.NewProp(name)
	if s.Zone == time.UTC {
		p.Value = t.UTC().Format(utcFormat)
		return p
	}
	p.Params.Set(ical.ParamTimezoneID, tzid(s.Zone))
	p.Value = t.In(s.Zone).Format(localFormat)
	return p
}

func tzid(zone *time.Location) string { return cleanParam(zone.String()) }

func setRaw(c *ical.Component, name, value string) {
	p := ical.NewProp(name)
	p.Value = value
	c.Props.Set(p)
}

func setText(c *ical.Component, name, value string) {
	p := ical.NewProp(name)
	p.SetText(cleanText(value))
	// go-ical adds VALUE=TEXT to properties it has no default type for,
	// such as X-WR-CALNAME; every property set here is TEXT by default.
	p.Params.Del(ical.ParamValue)
	c.Props.Set(p)
}

// cleanText keeps what a TEXT value may hold: RFC 5545 allows no control
// characters but tab and the escaped newline, and go-ical's Encoder fails
// on a CR, so every line break becomes a newline for it to escape.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// cleanParam makes s a valid parameter value: go-ical quotes values that
// need it but fails on a double quote, which RFC 5545 has no escape for.
// Backslashes go too: RFC 5545 gives them no meaning in parameters, but
// some parsers take one before the closing quote as escaping it.
func cleanParam(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\' || unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// cleanValue strips control characters from values that are written
// verbatim, such as URIs, which would otherwise break the content line.
func cleanValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// emptyMarker stands in for the components of an empty calendar: go-ical
// will not encode a VCALENDAR without any, as RFC 5545's grammar demands,
// yet the feed of someone who is in no circle is legitimately empty.
const emptyMarker = "X-HOLDSPACE-EMPTY"

func encode(cal *ical.Calendar) []byte {
	empty := len(cal.Children) == 0
	if empty {
		cal.Children = []*ical.Component{ical.NewComponent(emptyMarker)}
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		// Values are cleaned before they get here, so only a component
		// assembled wrongly in this package can fail to encode.
		panic("calendar: " + err.Error())
	}
	b := buf.Bytes()
	if empty {
		b = bytes.Replace(b, []byte("BEGIN:"+emptyMarker+"\r\nEND:"+emptyMarker+"\r\n"), nil, 1)
	}
	return fold(b)
}

// maxLine is RFC 5545's limit on a content line, in octets, without the CRLF.
const maxLine = 75

// fold breaks long content lines as RFC 5545 section 3.1 requires, which
// go-ical's Encoder does not do. It never splits a UTF-8 sequence, so
// every physical line stays valid UTF-8.
func fold(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/maxLine*3)
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\r\n"))
		b = rest
		limit := maxLine
		for len(line) > limit {
			cut := limit
			for !utf8.RuneStart(line[cut]) {
				cut--
			}
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			// The leading space of a continuation line counts too.
			limit = maxLine - 1
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}
