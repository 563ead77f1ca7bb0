package calendar

import (
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// zoneWindow is the stretch of time a VTIMEZONE has to describe.
type zoneWindow struct {
	zone     *time.Location
	from, to time.Time
}

func (w zoneWindow) union(v zoneWindow) zoneWindow {
	if v.from.Before(w.from) {
		w.from = v.from
	}
	if v.to.After(w.to) {
		w.to = v.to
	}
	return w
}

// window covers a year before the first meeting, so that clients never
// meet a time before the first observance, and three years past the later
// of the first meeting and s.Stamp, extended to Until: an open-ended
// series is read long after it started, and feeds are regenerated with a
// fresh Stamp.
func (s Series) window() zoneWindow {
	first, last := s.Start, s.Start
	if s.Stamp.After(last) {
		last = s.Stamp
	}
	for _, e := range s.Exceptions {
		for _, t := range []time.Time{e.Original, e.Start} {
			if t.IsZero() {
				continue
			}
			if t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	to := last.AddDate(3, 0, 0)
	if s.Until.After(to) {
		to = s.Until
	}
	return zoneWindow{zone: s.Zone, from: first.AddDate(-1, 0, 0), to: to}
}

// vtimezone describes zone between from and to by listing its actual
// transitions, since Go exposes no rules to write as RRULEs. A zone without
// transitions in that time gets one STANDARD observance with its offset.
func vtimezone(zone *time.Location, from, to time.Time) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	setRaw(tz, ical.PropTimezoneID, tzid(zone))
	for t := from.In(zone); ; {
		_, next := t.ZoneBounds()
		if next.IsZero() || next.After(to) || !next.After(t) {
			break
		}
		_, before := t.Zone()
		name, after := next.Zone()
		kind := ical.CompTimezoneStandard
		if after > before {
			kind = ical.CompTimezoneDaylight
		}
		// DTSTART is the moment of change on the clock that was running
		// up to it, as RFC 5545 defines it for observances.
		onset := next.UTC().Add(time.Duration(before) * time.Second).Format(localFormat)
		tz.Children = append(tz.Children, observance(kind, onset, name, before, after))
		t = next
	}
	if len(tz.Children) == 0 {
		name, offset := from.In(zone).Zone()
		tz.Children = append(tz.Children, observance(ical.CompTimezoneStandard, "19700101T000000", name, offset, offset))
	}
	return tz
}

func observance(kind, onset, name string, from, to int) *ical.Component {
	c := ical.NewComponent(kind)
	setRaw(c, ical.PropDateTimeStart, onset)
	setText(c, ical.PropTimezoneName, name)
	setRaw(c, ical.PropTimezoneOffsetFrom, utcOffset(from))
	setRaw(c, ical.PropTimezoneOffsetTo, utcOffset(to))
	return c
}

// utcOffset formats seconds east of UTC as an RFC 5545 UTC-OFFSET, which
// has seconds only when they are not zero.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds/60%60)
	if seconds%60 != 0 {
		s += fmt.Sprintf("%02d", seconds%60)
	}
	return s
}
