package circle

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

// Schedule is a circle's recurring meeting time. Its wall-clock time is
// kept in Timezone, so a meeting at 16:00 in Berlin stays at 16:00 in
// Berlin across daylight-saving changes, wherever its members are.
type Schedule struct {
	CircleID   string        `json:"circle_id"`
	Rule       calendar.Rule `json:"-"`
	Timezone   string        `json:"timezone"`
	FirstStart time.Time     `json:"first_start"`
	Duration   time.Duration `json:"-"`
	VideoURL   string        `json:"video_url"`
	// Sequence counts changes to the schedule, for iCalendar's SEQUENCE.
	Sequence  int       `json:"sequence"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Zone is the schedule's time zone; a schedule is only stored with a zone
// that loads.
func (s *Schedule) Zone() *time.Location {
	loc, err := account.Location(s.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Series is the schedule as a calendar series, with the moved and
// cancelled meetings among meetings as its exceptions.
func (s *Schedule) Series(meetings []Meeting) calendar.Series {
	zone := s.Zone()
	series := calendar.Series{
		Sequence: s.Sequence,
		Location: s.VideoURL,
		Zone:     zone,
		Start:    s.FirstStart.In(zone),
		Duration: s.Duration,
		Rule:     s.Rule,
		Stamp:    s.UpdatedAt.UTC(),
	}
	for _, m := range meetings {
		if m.Status != Cancelled && !m.Moved() && m.End.Sub(m.Start) == s.Duration {
			continue
		}
		ex := calendar.Exception{Original: m.Original, Sequence: m.Sequence}
		if m.Status == Cancelled {
			ex.Cancelled = true
		} else {
			ex.Start, ex.Duration = m.Start, m.End.Sub(m.Start)
		}
		series.Exceptions = append(series.Exceptions, ex)
	}
	return series
}

// Starts returns the original starts of the next n occurrences at or after
// from, as the rule produces them.
func (s *Schedule) Starts(from time.Time, n int) []time.Time {
	series := s.Series(nil)
	var out []time.Time
	to := from
	for len(out) < n {
		// Widen the window until enough occurrences fall in it; the rule
		// always produces one within a month and a few days.
		next := to.Add(time.Duration(n) * 35 * 24 * time.Hour)
		for _, o := range series.Occurrences(to, next) {
			out = append(out, o.Original)
			if len(out) == n {
				break
			}
		}
		to = next
	}
	return out
}

// MeetingStatus is whether a meeting is still on.
type MeetingStatus string

const (
	Scheduled MeetingStatus = "scheduled"
	Cancelled MeetingStatus = "cancelled"
)

// Meeting is one occurrence of a circle's schedule.
type Meeting struct {
	ID       string `json:"id"`
	CircleID string `json:"circle_id"`
	// Original is when the schedule put the meeting; it identifies the
	// occurrence in calendars even after it moves.
	Original time.Time     `json:"original_start"`
	Start    time.Time     `json:"starts_at"`
	End      time.Time     `json:"ends_at"`
	Status   MeetingStatus `json:"status"`
	Sequence int           `json:"sequence"`
	// FacilitatorID and TimekeeperID hold the meeting's roles; RolesChosen
	// says the circle set them rather than the rotation.
	FacilitatorID string `json:"facilitator_id,omitempty"`
	TimekeeperID  string `json:"timekeeper_id,omitempty"`
	RolesChosen   bool   `json:"roles_chosen"`
}

// Moved reports whether the meeting was moved from its scheduled time.
func (m *Meeting) Moved() bool { return !m.Start.Equal(m.Original) }

// EarlyStart is how long before its time a meeting may begin and still
// be that meeting as scheduled. A circle that starts earlier holds it at
// another time, so the meeting moves to when it begins: its record, its
// emails and everyone's calendar then say when it was held.
const EarlyStart = time.Hour

// Early reports whether beginning m at now is more than EarlyStart before
// its time.
func (m *Meeting) Early(now time.Time) bool { return m.Start.Sub(now) > EarlyStart }

// Ahead reports whether the meeting is still to come or under way at now,
// and not cancelled: a meeting a guest can still be invited to.
func (m *Meeting) Ahead(now time.Time) bool { return m.Status != Cancelled && m.End.After(now) }

// NextOn returns the index of the first of meetings, in their order, that
// is on (not cancelled), or -1 when none is.
func NextOn(meetings []Meeting) int {
	for i := range meetings {
		if meetings[i].Status == Scheduled {
			return i
		}
	}
	return -1
}

// Upcoming is how many meetings ahead a circle keeps written down, so
// that each can be moved, cancelled, given roles and reminded of.
const Upcoming = 6

// ScheduleInput is a schedule as a form or the API sends it.
type ScheduleInput struct {
	Freq    string `json:"freq"`
	Weekday int    `json:"weekday"`
	// Nth is the week of the month for a monthly schedule: 1–4, or -1 for
	// the last.
	Nth int `json:"nth"`
	// Time is the wall-clock start in Timezone, "15:04".
	Time string `json:"time"`
	// StartsOn is the first day the schedule may use, "2006-01-02" in
	// Timezone; the first meeting is the first matching day on or after it.
	StartsOn        string `json:"starts_on"`
	Timezone        string `json:"timezone"`
	DurationMinutes int    `json:"duration_minutes"`
	VideoURL        string `json:"video_url"`
	// Replaces, when set, guards a change: the sequence of the schedule it
	// was decided on (0 while there was none). If the schedule has changed
	// since, the change is refused rather than silently undoing another.
	Replaces *int `json:"replaces_sequence,omitempty"`
}

// Limits of a schedule.
const (
	MinMeetingMinutes = 15
	MaxMeetingMinutes = 240
	MaxVideoURLLen    = 500
)

// Schedule validates in and returns the schedule it describes. now keeps
// the first meeting from lying in the past.
func (in ScheduleInput) Schedule(circleID string, now time.Time) (*Schedule, error) {
	var v account.Validator
	rule := calendar.Rule{Freq: calendar.Freq(in.Freq), Weekday: time.Weekday(in.Weekday), Nth: in.Nth}
	if rule.Freq != calendar.Monthly {
		rule.Nth = 0
	}
	if err := rule.Validate(); err != nil {
		field, msg := "freq", err.Error()
		if fe, ok := err.(*calendar.FieldError); ok {
			field, msg = fe.Field, fe.Message
		}
		v.Add(field, msg)
	}
	account.CheckTimezone(&v, "timezone", in.Timezone)
	zone := time.UTC
	if loc, err := account.Location(in.Timezone); err == nil && in.Timezone != "" {
		zone = loc
	}
	clock, err := time.Parse("15:04", strings.TrimSpace(in.Time))
	v.Check(err == nil, "time", "Give the time as hh:mm, for example 16:00.")
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.StartsOn), zone)
	if err != nil {
		v.Add("starts_on", "Give the first day as a date, for example 2026-12-01.")
	} else {
		today := now.In(zone)
		today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
		v.Check(!day.Before(today), "starts_on", "The first day can't be in the past.")
		v.Check(day.Before(today.AddDate(1, 0, 0)), "starts_on", "Start within a year.")
	}
	v.Check(in.DurationMinutes >= MinMeetingMinutes && in.DurationMinutes <= MaxMeetingMinutes,
		"duration_minutes", fmt.Sprintf("Meetings last between %d and %d minutes.", MinMeetingMinutes, MaxMeetingMinutes))
	video := strings.TrimSpace(in.VideoURL)
	if video != "" {
		u, err := url.Parse(video)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(video) <= MaxVideoURLLen,
			"video_url", "Give the call's full web address, starting with https://.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	minute := clock.Hour()*60 + clock.Minute()
	first := calendar.FirstOnOrAfter(rule, zone, day, minute)
	if !first.After(now) {
		// Today's slot has already begun: start from the next one.
		first = calendar.FirstOnOrAfter(rule, zone, day.AddDate(0, 0, 1), minute)
	}
	return &Schedule{
		CircleID:   circleID,
		Rule:       rule,
		Timezone:   zone.String(),
		FirstStart: first.UTC(),
		Duration:   time.Duration(in.DurationMinutes) * time.Minute,
		VideoURL:   video,
	}, nil
}

// Input is s as a form shows it again, starting from today (in the
// schedule's zone) once the first meeting has passed, so that saving it
// unchanged is valid.
func (s *Schedule) Input(now time.Time) ScheduleInput {
	zone := s.Zone()
	start := s.FirstStart.In(zone)
	from := start
	if now.After(start) {
		from = now.In(zone)
	}
	return ScheduleInput{
		Freq:            string(s.Rule.Freq),
		Weekday:         int(s.Rule.Weekday),
		Nth:             s.Rule.Nth,
		Time:            start.Format("15:04"),
		StartsOn:        from.Format("2006-01-02"),
		Timezone:        s.Timezone,
		DurationMinutes: int(s.Duration / time.Minute),
		VideoURL:        s.VideoURL,
		Replaces:        &s.Sequence,
	}
}

// FreqFor is the schedule frequency that keeps a program's cadence.
func FreqFor(c program.Cadence) calendar.Freq {
	switch c {
	case program.Weekly:
		return calendar.Weekly
	case program.Monthly:
		return calendar.Monthly
	default:
		return calendar.Fortnightly
	}
}

// PeriodFor is how long a program's cadence is, for circles that have no
// schedule yet.
func PeriodFor(c program.Cadence) time.Duration {
	return calendar.Rule{Freq: FreqFor(c)}.Period()
}

// Suggest proposes a first schedule from a circle's common availability
// (UTC minutes of the week): the earliest common slot long enough for a
// session, in zone, starting a week from now so that people can plan.
// Without a usable slot it suggests the same weekday and time next week.
func Suggest(slots []program.Interval, cadence program.Cadence, minutes int, zone *time.Location, now time.Time) ScheduleInput {
	local := now.In(zone)
	_, offset := local.Zone()
	start := -1
	sorted := slices.Clone(slots)
	slices.SortFunc(sorted, func(a, b program.Interval) int { return a[0] - b[0] })
	for _, iv := range sorted {
		if iv[1]-iv[0] >= minutes {
			start = iv[0]
			break
		}
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, zone).AddDate(0, 0, 7)
	weekday, minute := day.Weekday(), 16*60
	if start >= 0 {
		// Minutes of the week start on Monday 00:00 UTC.
		m := ((start+offset/60)%program.MinutesPerWeek + program.MinutesPerWeek) % program.MinutesPerWeek
		weekday, minute = time.Weekday((m/1440+1)%7), m%1440
	}
	in := ScheduleInput{
		Freq:            string(FreqFor(cadence)),
		Weekday:         int(weekday),
		Time:            fmt.Sprintf("%02d:%02d", minute/60, minute%60),
		StartsOn:        day.Format("2006-01-02"),
		Timezone:        zone.String(),
		DurationMinutes: minutes,
	}
	if in.Freq == string(calendar.Monthly) {
		first := calendar.FirstOnOrAfter(calendar.Rule{Freq: calendar.Weekly, Weekday: weekday}, zone, day, minute)
		in.Nth = min((first.Day()-1)/7+1, 4)
	}
	return in
}

// When says when m takes place in the zone tz (UTC if tz is unknown), as in
// "Tuesday 10 March, 17:00–18:30".
func (m Meeting) When(tz string) string {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	start, end := m.Start.In(loc), m.End.In(loc)
	return start.Format("Monday 2 January, 15:04") + "–" + end.Format("15:04")
}

// ScheduleChange is one member's change to a circle's schedule, which
// every member is told of and anyone may put back for UndoWindow.
type ScheduleChange struct {
	ID            string    `json:"id"`
	ChangedBy     string    `json:"changed_by"`
	ChangedByName string    `json:"changed_by_name"`
	At            time.Time `json:"changed_at"`
	// Sequence is the circle's calendar sequence the change left: the
	// change can be put back only while nothing has changed the schedule
	// since, so that a later change wins.
	Sequence int `json:"sequence"`
	// Before is the schedule the change replaced (nil when it put back a
	// cleared one); After is nil when the change cleared the schedule.
	Before *Schedule `json:"-"`
	After  *Schedule `json:"-"`
	// Undoes is the change this one put back, if it was a "put it back".
	Undoes   string     `json:"undoes,omitempty"`
	UndoneAt *time.Time `json:"undone_at,omitempty"`
}

// ScheduleRecord is a schedule as a change to it keeps it, in plain
// fields that encode as JSON.
type ScheduleRecord struct {
	Freq            string    `json:"freq"`
	Weekday         int       `json:"weekday"`
	Nth             int       `json:"nth"`
	Timezone        string    `json:"timezone"`
	FirstStart      time.Time `json:"first_start"`
	DurationMinutes int       `json:"duration_minutes"`
	VideoURL        string    `json:"video_url"`
	Sequence        int       `json:"sequence"`
}

// Record is s as a change keeps it.
func (s *Schedule) Record() ScheduleRecord {
	return ScheduleRecord{Freq: string(s.Rule.Freq), Weekday: int(s.Rule.Weekday), Nth: s.Rule.Nth, Timezone: s.Timezone,
		FirstStart: s.FirstStart.UTC(), DurationMinutes: int(s.Duration / time.Minute), VideoURL: s.VideoURL, Sequence: s.Sequence}
}

// Schedule is the circle's schedule that r keeps.
func (r ScheduleRecord) Schedule(circleID string) *Schedule {
	return &Schedule{CircleID: circleID, Rule: calendar.Rule{Freq: calendar.Freq(r.Freq), Weekday: time.Weekday(r.Weekday), Nth: r.Nth},
		Timezone: r.Timezone, FirstStart: r.FirstStart.UTC(), Duration: time.Duration(r.DurationMinutes) * time.Minute,
		VideoURL: r.VideoURL, Sequence: r.Sequence}
}

// UndoWindow is how long a change to a schedule can be put back.
const UndoWindow = 48 * time.Hour

// UndoUntil is when c can no longer be put back.
func (c *ScheduleChange) UndoUntil() time.Time { return c.At.Add(UndoWindow) }

// CheckUndo says whether c can be put back now, on a circle whose calendar
// sequence is sequence: not yet put back (ErrAlreadyUndone), within
// UndoWindow (ErrUndoExpired), and nothing changed the schedule since
// (ErrChangedSince).
func (c *ScheduleChange) CheckUndo(sequence int, now time.Time) error {
	switch {
	case c.UndoneAt != nil:
		return ErrAlreadyUndone
	case !now.Before(c.UndoUntil()):
		return ErrUndoExpired
	case sequence != c.Sequence:
		return ErrChangedSince
	}
	return nil
}

// Errors of putting a schedule change back.
var (
	ErrAlreadyUndone    = fault.New(fault.Conflict, "This change has already been put back.")
	ErrUndoExpired      = fault.New(fault.Conflict, "A change can only be put back within 48 hours, and this one is older.")
	ErrChangedSince     = fault.New(fault.Conflict, "The schedule has changed again since, so this change can no longer be put back. Change the schedule yourself if it should be different.")
	ErrNothingToRestore = fault.New(fault.Conflict, "There was no schedule before this change; clear the schedule instead.")
	ErrScheduleStale    = fault.New(fault.Conflict, "Someone changed the schedule while you were editing it. Look at the new schedule, then make your change again.")
)

// Describe says when s meets, in the zone of the person reading it, as in
// "Every other Tuesday at 16:00": weekday and time are where its next
// meeting after now falls in zone.
func (s *Schedule) Describe(zone *time.Location, now time.Time) string {
	next := s.Starts(maxTime(now, s.FirstStart), 1)[0]
	start := next.In(zone)
	rule := s.Rule
	if home := next.In(s.Zone()); start.Weekday() != home.Weekday() {
		if rule.Freq == calendar.Monthly {
			// The week of the month belongs to the schedule's zone: say
			// the rule there, and where it falls for the reader.
			return fmt.Sprintf("%s at %s in %s, which is %s at %s for you", rule.Describe(), home.Format("15:04"), s.Timezone,
				start.Format("Monday"), start.Format("15:04"))
		}
		rule.Weekday = start.Weekday()
	}
	return rule.Describe() + " at " + start.Format("15:04")
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Differences says what changed from before to after (nil: no schedule),
// one line each, as "When: Every Tuesday at 16:00 → Every Wednesday at
// 18:00", with times in zone.
func Differences(before, after *Schedule, zone *time.Location, now time.Time) []string {
	word := func(s *Schedule) string {
		if s == nil {
			return "no regular meetings"
		}
		return s.Describe(zone, now)
	}
	video := func(s *Schedule) string {
		if s == nil || s.VideoURL == "" {
			return "none"
		}
		return s.VideoURL
	}
	var out []string
	if w, v := word(before), word(after); w != v {
		out = append(out, "When: "+w+" → "+v)
	}
	if before != nil && after != nil {
		if before.Duration != after.Duration {
			out = append(out, fmt.Sprintf("Length: %d → %d minutes", int(before.Duration/time.Minute), int(after.Duration/time.Minute)))
		}
		if before.Timezone != after.Timezone {
			out = append(out, "Kept in the time zone: "+before.Timezone+" → "+after.Timezone)
		}
		// A series already under way starts "now" whatever its first
		// meeting was; only a start still ahead is news.
		if after.FirstStart.After(now) && !before.FirstStart.Equal(after.FirstStart) &&
			before.FirstStart.In(zone).Format(time.DateOnly) != after.FirstStart.In(zone).Format(time.DateOnly) {
			out = append(out, "First meeting: "+before.FirstStart.In(zone).Format("Monday 2 January")+" → "+after.FirstStart.In(zone).Format("Monday 2 January"))
		}
	}
	if v, w := video(before), video(after); v != w && after != nil {
		out = append(out, "Video call: "+v+" → "+w)
	}
	if len(out) == 0 {
		out = append(out, "The schedule was saved again unchanged.")
	}
	return out
}
