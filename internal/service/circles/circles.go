// Package circles is a formed circle's (or pair's) life: the ground rules
// each member acknowledges before anything else, the working agreement they
// consent to, the schedule and its meetings with rotating roles, calendar
// feeds and reminders, the members-only space of posts and commitments,
// leaving, and the hourly upkeep that keeps meetings ahead. Only the
// circle's active members see inside it; to anyone else, admins included,
// it does not exist.
package circles

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the circle flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
}

func (s *Service) link(path string) string {
	u := *s.BaseURL
	u.Path = path
	return u.String()
}

func (s *Service) now() time.Time { return s.DB.Now() }

// changeAttempts bounds how often a change to a circle is planned again
// because another change to the circle came first.
const changeAttempts = 5

// changeCircle reads a circle's state, lets fn change it, asks the domain
// which reminders the new state calls for, and has the store save all of
// it with fn's emails. The store saves only if the circle is unchanged
// since it was read; otherwise the change is planned again on the new
// state, so that two changes to one circle both apply, one after the
// other, as they did when the store ran fn under the circle's lock.
func (s *Service) changeCircle(ctx context.Context, orgID, circleID string, fn func(*store.CircleState) error) (*store.CircleState, error) {
	for attempt := 1; ; attempt++ {
		st, err := s.DB.FindCircleState(ctx, orgID, circleID)
		if err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		if err := fn(st); err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		plan := circle.PlanReminders(st.Meetings, st.Circle.UserIDs(), st.Prefs, st.Reminders, st.Now)
		err = s.DB.UpdateCircle(ctx, st, plan)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		return st, nil
	}
}

func requireAdmin(u *account.User) error {
	if !u.IsAdmin() {
		return auth.ErrForbidden
	}
	return nil
}

// meetingEnded reports whether a meeting's room has been run to its end.
func (s *Service) meetingEnded(ctx context.Context, orgID, meetingID string) (bool, error) {
	r, err := s.DB.FindRoom(ctx, orgID, meetingID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return roomEnded(r)
}

// roomEnded reports whether r has been run to its end.
func roomEnded(r *store.Room) (bool, error) {
	st, err := room.Decode(r.State)
	return st.Phase == room.Ended, err
}

// Member loads an active circle that u belongs to. Anyone else — an admin
// included — gets ErrNotFound, so a circle's existence leaks no more than
// its content.
func (s *Service) Member(ctx context.Context, u *account.User, circleID string) (*program.Circle, error) {
	c, err := s.DB.FindCircleByID(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	if c.Member(u.ID) == nil || c.Status != program.Active {
		return nil, store.ErrNotFound
	}
	return c, nil
}

// Inside loads a circle for a member who has acknowledged the ground
// rules in force; otherwise it returns circle.ErrGroundRules.
func (s *Service) Inside(ctx context.Context, u *account.User, circleID string) (*program.Circle, error) {
	c, err := s.Member(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	at, err := s.DB.FindAcknowledgement(ctx, u.OrgID, circleID, u.ID, rules.Version)
	if err != nil {
		return nil, err
	}
	if at == nil {
		return nil, circle.ErrGroundRules
	}
	return c, nil
}

// CircleSummary is one of a person's circles in a list.
type CircleSummary struct {
	Circle  program.Circle
	Program program.Program
	// Next is the next meeting, if the circle has a schedule.
	Next *circle.Meeting
	// NeedsAck: the person has yet to acknowledge the ground rules in force.
	NeedsAck bool
}

// MyCircles lists the active circles and pairs u belongs to.
func (s *Service) MyCircles(ctx context.Context, u *account.User) ([]CircleSummary, error) {
	cs, err := s.DB.FindCircles(ctx, u.OrgID, store.CircleFilter{UserID: u.ID, Status: []program.CircleStatus{program.Active}})
	if err != nil {
		return nil, err
	}
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]CircleSummary, 0, len(cs))
	for _, c := range cs {
		p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
		if err != nil {
			return nil, err
		}
		at, err := s.DB.FindAcknowledgement(ctx, u.OrgID, c.ID, u.ID, rules.Version)
		if err != nil {
			return nil, err
		}
		sum := CircleSummary{Circle: c, Program: *p, NeedsAck: at == nil}
		meetings, err := s.DB.FindMeetings(ctx, u.OrgID, c.ID)
		if err != nil {
			return nil, err
		}
		if up := upcoming(meetings, s.now()); len(up) > 0 {
			sum.Next = &up[0]
		}
		out = append(out, sum)
	}
	return out, nil
}

// upcoming returns the meetings that have not ended and are still on.
func upcoming(ms []circle.Meeting, now time.Time) []circle.Meeting {
	var out []circle.Meeting
	for _, m := range ms {
		if m.Status == circle.Scheduled && m.End.After(now) {
			out = append(out, m)
		}
	}
	return out
}

// --- the circle's home ---

// Home is everything a member sees on their circle's page.
type Home struct {
	Circle      program.Circle
	Program     program.Program
	GroundRules circle.GroundRules
	// Agreement is every version, newest first; Adopted and Proposed pick
	// out the one in force and the one on the table.
	Agreement         []circle.AgreementVersion
	Adopted, Proposed *circle.AgreementVersion
	Schedule          *circle.Schedule
	Upcoming          []circle.Meeting
	// Past is the meetings held, newest first, with who held each role.
	Past        []circle.Meeting
	Commitments []circle.Commitment
	Posts       []circle.Post
	// BelowMinimum: members left and the circle has fewer than its
	// program's minimum.
	BelowMinimum bool
}

// Home returns a member's view of their circle.
func (s *Service) Home(ctx context.Context, u *account.User, circleID string) (*Home, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	h := &Home{Circle: *c}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	h.Program = *p
	h.BelowMinimum = len(c.Members) < p.MinSize
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	h.GroundRules = *rules
	if h.Agreement, err = s.DB.FindAgreement(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	for i := range h.Agreement {
		switch h.Agreement[i].Status {
		case circle.AgreementAdopted:
			h.Adopted = &h.Agreement[i]
		case circle.AgreementProposed:
			h.Proposed = &h.Agreement[i]
		}
	}
	h.Schedule, err = s.DB.FindSchedule(ctx, u.OrgID, circleID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	meetings, err := s.DB.FindMeetings(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, m := range meetings {
		held := !m.End.After(now)
		if !held && len(h.Upcoming) == 0 && m.Status == circle.Scheduled {
			// A meeting the circle ended before its time was up is held:
			// the room button then leads to the one after it.
			if held, err = s.meetingEnded(ctx, u.OrgID, m.ID); err != nil {
				return nil, err
			}
		}
		switch {
		case !held:
			h.Upcoming = append(h.Upcoming, m)
		case m.Status == circle.Scheduled:
			h.Past = append(h.Past, m)
		}
	}
	slices.Reverse(h.Past)
	if len(h.Past) > 12 {
		h.Past = h.Past[:12]
	}
	if h.Commitments, err = s.DB.FindCommitments(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	if h.Posts, err = s.DB.FindPosts(ctx, u.OrgID, circleID, 30); err != nil {
		return nil, err
	}
	return h, nil
}

// --- schedule and meetings ---

// ScheduleForm returns what the schedule form starts from: the circle's
// schedule, or a suggestion from the members' common availability in u's
// time zone.
func (s *Service) ScheduleForm(ctx context.Context, u *account.User, circleID string) (circle.ScheduleInput, bool, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return circle.ScheduleInput{}, false, err
	}
	sched, err := s.DB.FindSchedule(ctx, u.OrgID, circleID)
	if err == nil {
		return sched.Input(s.now()), true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return circle.ScheduleInput{}, false, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return circle.ScheduleInput{}, false, err
	}
	zone, err := time.LoadLocation(u.Timezone)
	if err != nil {
		zone = time.UTC
	}
	return circle.Suggest(c.Slots, p.Cadence, p.SessionMinutes, zone, s.now()), false, nil
}

// SetSchedule sets or changes a circle's recurring schedule. The meetings
// ahead are replaced by the new rule's, roles are given by the rotation,
// reminders follow, and every member gets a calendar invitation.
func (s *Service) SetSchedule(ctx context.Context, u *account.User, circleID string, in circle.ScheduleInput) (*circle.Schedule, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	sched, err := in.Schedule(circleID, s.now())
	if err != nil {
		return nil, err
	}
	st, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		changed := st.Schedule != nil
		if changed || st.CalendarSequence > 0 {
			// Calendars drop an update whose SEQUENCE is not above the
			// last they saw for the series, a cancellation included.
			last := st.CalendarSequence
			if changed {
				last = max(last, st.Schedule.Sequence)
			}
			sched.Sequence = last + 1
		}
		st.CalendarSequence = sched.Sequence
		// Stamped now, as the store saves it, so that the invitation's
		// DTSTAMP is the time of the change.
		sched.UpdatedAt = st.Now
		st.Schedule = sched
		st.Meetings = slices.DeleteFunc(st.Meetings, func(m circle.Meeting) bool { return m.Start.After(st.Now) })
		s.plan(st)
		s.scheduleMail(st, changed)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st.Schedule, nil
}

// plan writes the schedule's meetings ahead up to circle.Upcoming and
// gives every meeting ahead its roles from the rotation.
func (s *Service) plan(st *store.CircleState) {
	if st.Schedule != nil {
		// Keyed by Unix time: the same instant read from the database and
		// computed in the schedule's zone are different time.Time values.
		known := map[int64]bool{}
		for _, m := range st.Meetings {
			known[m.Original.Unix()] = true
		}
		for _, start := range st.Schedule.Starts(maxTime(st.Now, st.Schedule.FirstStart), circle.Upcoming) {
			start = start.UTC()
			if !known[start.Unix()] {
				st.Meetings = append(st.Meetings, circle.Meeting{Original: start, Start: start, End: start.Add(st.Schedule.Duration),
					Status: circle.Scheduled, Sequence: st.Schedule.Sequence})
			}
		}
		slices.SortFunc(st.Meetings, func(a, b circle.Meeting) int { return a.Start.Compare(b.Start) })
	}
	var past, ahead []circle.Meeting
	var aheadAt []int
	for i, m := range st.Meetings {
		if m.Start.After(st.Now) {
			ahead, aheadAt = append(ahead, m), append(aheadAt, i)
		} else {
			past = append(past, m)
		}
	}
	for i, m := range circle.Rotate(st.Circle.UserIDs(), past, ahead) {
		st.Meetings[aheadAt[i]] = m
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// series is a circle's schedule as a calendar series.
func (s *Service) series(c *program.Circle, p *program.Program, sched *circle.Schedule, meetings []circle.Meeting) calendar.Series {
	se := sched.Series(meetings)
	se.UID = "circle-" + c.ID + "@" + s.BaseURL.Hostname()
	se.Summary = "Peer coaching: " + program.Label(p)
	names := make([]string, len(c.Members))
	for i, m := range c.Members {
		names[i] = m.Name
		se.Attendees = append(se.Attendees, calendar.Person{Name: m.Name, Email: m.Email})
	}
	se.URL = s.link("/circles/" + c.ID)
	se.Description = "With " + strings.Join(names, ", ") + ".\n\nYour circle's page: " + se.URL +
		"\n\nWhat is said in the circle stays in the circle."
	se.Organizer = calendar.Person{Name: "Holdspace", Email: "noreply@" + s.BaseURL.Hostname()}
	return se
}

// ruleText describes a schedule: "Every other Tuesday at 16:00
// (Europe/Berlin)".
func ruleText(sched *circle.Schedule) string {
	return fmt.Sprintf("%s at %s (%s)", sched.Rule.Describe(), sched.FirstStart.In(sched.Zone()).Format("15:04"), sched.Timezone)
}

func (s *Service) scheduleMail(st *store.CircleState, changed bool) {
	se := s.series(st.Circle, st.Program, st.Schedule, st.Meetings)
	ics := calendar.Request(se)
	first := upcoming(st.Meetings, st.Now)
	for _, m := range st.Circle.Members {
		firstWhen := ""
		if len(first) > 0 {
			firstWhen = first[0].When(m.Timezone)
		}
		st.Mail = append(st.Mail, queue.Mail(mail.MeetingScheduled(m.Email, m.Name, program.Label(st.Program), ruleText(st.Schedule), firstWhen,
			m.Timezone, st.Schedule.VideoURL, s.link("/circles/"+st.Circle.ID), changed, ics)))
	}
}

// ClearSchedule ends a circle's recurring schedule: the meetings ahead are
// cancelled in everyone's calendar.
func (s *Service) ClearSchedule(ctx context.Context, u *account.User, circleID string) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	_, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		if st.Schedule == nil {
			return nil
		}
		old := *st.Schedule
		old.Sequence = max(old.Sequence, st.CalendarSequence) + 1
		st.CalendarSequence = old.Sequence
		se := s.series(st.Circle, st.Program, &old, st.Meetings)
		ics := calendar.Cancel(se)
		for _, m := range st.Circle.Members {
			st.Mail = append(st.Mail, queue.Mail(mail.ScheduleCleared(m.Email, m.Name, program.Label(st.Program), s.link("/circles/"+circleID), ics)))
		}
		st.Schedule = nil
		st.Meetings = slices.DeleteFunc(st.Meetings, func(m circle.Meeting) bool { return m.Start.After(st.Now) })
		return nil
	})
	return err
}

// findMeeting returns the index of a meeting ahead in st.
func findMeeting(st *store.CircleState, meetingID string) (int, error) {
	i := slices.IndexFunc(st.Meetings, func(m circle.Meeting) bool { return m.ID == meetingID })
	if i < 0 {
		return 0, store.ErrNotFound
	}
	if !st.Meetings[i].Start.After(st.Now) {
		return 0, circle.ErrMeetingPast
	}
	return i, nil
}

// MoveMeeting moves one meeting to start (and last minutes); everyone's
// calendar moves that occurrence only, and its reminders follow.
func (s *Service) MoveMeeting(ctx context.Context, u *account.User, circleID, meetingID string, start time.Time, minutes int) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	var v account.Validator
	v.Check(start.After(s.now()), "starts_at", "Pick a time in the future.")
	v.Check(minutes >= circle.MinMeetingMinutes && minutes <= circle.MaxMeetingMinutes, "duration_minutes",
		fmt.Sprintf("Meetings last between %d and %d minutes.", circle.MinMeetingMinutes, circle.MaxMeetingMinutes))
	if err := v.Err(); err != nil {
		return err
	}
	_, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		i, err := findMeeting(st, meetingID)
		if err != nil {
			return err
		}
		m := &st.Meetings[i]
		if m.Status == circle.Cancelled {
			return fault.Fields(map[string]string{"meeting": "This meeting is cancelled; restore it before moving it."})
		}
		from := *m
		m.Start, m.End = start.UTC().Truncate(time.Minute), start.UTC().Truncate(time.Minute).Add(time.Duration(minutes)*time.Minute)
		m.Sequence = max(m.Sequence, st.Schedule.Sequence) + 1
		se := s.series(st.Circle, st.Program, st.Schedule, st.Meetings)
		ics := calendar.RequestOccurrence(se, m.Original)
		for _, mem := range st.Circle.Members {
			st.Mail = append(st.Mail, queue.Mail(mail.MeetingMoved(mem.Email, mem.Name, program.Label(st.Program), from.When(mem.Timezone),
				m.When(mem.Timezone), mem.Timezone, s.link("/circles/"+circleID), ics)))
		}
		slices.SortFunc(st.Meetings, func(a, b circle.Meeting) int { return a.Start.Compare(b.Start) })
		s.plan(st)
		return nil
	})
	return err
}

// CancelMeeting cancels one meeting (or restores a cancelled one) in
// everyone's calendar; the rotation skips it.
func (s *Service) CancelMeeting(ctx context.Context, u *account.User, circleID, meetingID string, restore bool) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	_, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		i, err := findMeeting(st, meetingID)
		if err != nil {
			return err
		}
		m := &st.Meetings[i]
		if (m.Status == circle.Cancelled) != restore {
			return nil
		}
		m.Sequence = max(m.Sequence, st.Schedule.Sequence) + 1
		m.Status = circle.Cancelled
		if restore {
			m.Status = circle.Scheduled
		}
		s.plan(st)
		se := s.series(st.Circle, st.Program, st.Schedule, st.Meetings)
		for _, mem := range st.Circle.Members {
			link := s.link("/circles/" + circleID)
			if restore {
				st.Mail = append(st.Mail, queue.Mail(mail.MeetingRestored(mem.Email, mem.Name, program.Label(st.Program),
					m.When(mem.Timezone), mem.Timezone, link, calendar.RequestOccurrence(se, m.Original))))
				continue
			}
			st.Mail = append(st.Mail, queue.Mail(mail.MeetingCancelled(mem.Email, mem.Name, program.Label(st.Program), m.When(mem.Timezone),
				mem.Timezone, link, calendar.CancelOccurrence(se, m.Original))))
		}
		return nil
	})
	return err
}

// SetRoles gives one meeting ahead its facilitator and timekeeper, in
// place of the rotation's suggestion; later meetings are suggested again
// around the choice.
func (s *Service) SetRoles(ctx context.Context, u *account.User, circleID, meetingID, facilitatorID, timekeeperID string) error {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return err
	}
	var v account.Validator
	v.Check(c.Member(facilitatorID) != nil, "facilitator_id", "Choose a member of the circle.")
	v.Check(c.Member(timekeeperID) != nil, "timekeeper_id", "Choose a member of the circle.")
	if err := v.Err(); err != nil {
		return err
	}
	_, err = s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		i, err := findMeeting(st, meetingID)
		if err != nil {
			return err
		}
		st.Meetings[i].FacilitatorID, st.Meetings[i].TimekeeperID, st.Meetings[i].RolesChosen = facilitatorID, timekeeperID, true
		s.plan(st)
		return nil
	})
	return err
}

// MeetingICS returns one meeting as an .ics file to download.
func (s *Service) MeetingICS(ctx context.Context, u *account.User, circleID, meetingID string) ([]byte, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	sched, err := s.DB.FindSchedule(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	meetings, err := s.DB.FindMeetings(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(meetings, func(m circle.Meeting) bool { return m.ID == meetingID })
	if i < 0 {
		return nil, store.ErrNotFound
	}
	return calendar.Event(s.series(c, p, sched, meetings), meetings[i].Original), nil
}

// Upkeep keeps a circle's meetings written ahead (with their roles and
// reminders) and nudges its members when it has not met for two cadence
// periods. It runs for every active circle from a periodic job.
func (s *Service) Upkeep(ctx context.Context, ref store.CircleRef) error {
	_, err := s.changeCircle(ctx, ref.OrgID, ref.ID, func(st *store.CircleState) error {
		s.plan(st)
		period := circle.PeriodFor(st.Program.Cadence)
		if st.Schedule != nil {
			period = st.Schedule.Rule.Period()
		}
		var lastMet time.Time
		for _, m := range st.Meetings {
			if m.Status != circle.Scheduled {
				continue
			}
			if !m.Start.After(st.Now) {
				lastMet = m.Start
			} else if m.Start.Sub(st.Now) <= period {
				// A meeting is coming up soon: the circle has a rhythm
				// again, even if the last one was long ago.
				return nil
			}
		}
		formed := st.Now
		if st.Circle.ActivatedAt != nil {
			formed = *st.Circle.ActivatedAt
		}
		if !circle.NeedsNudge(lastMet, formed, st.NudgedAt, period, st.Now) {
			return nil
		}
		st.Nudged = true
		since := st.Now.Sub(formed)
		if !lastMet.IsZero() {
			since = st.Now.Sub(lastMet)
		}
		for _, m := range st.Circle.Members {
			if st.Prefs[m.UserID].Nudges {
				st.Mail = append(st.Mail, queue.Mail(mail.CircleNudge(m.Email, m.Name, program.Label(st.Program), weeks(since), s.link("/circles/"+st.Circle.ID))))
			}
		}
		return nil
	})
	if errors.Is(err, circle.ErrNotActive) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// weeks says a duration in whole weeks: "three weeks".
func weeks(d time.Duration) string {
	n := int(d / (7 * 24 * time.Hour))
	words := []string{"a week", "two weeks", "three weeks", "four weeks", "five weeks", "six weeks", "seven weeks", "eight weeks"}
	switch {
	case n < 1:
		return "a few days"
	case n <= len(words):
		return words[n-1]
	default:
		return fmt.Sprintf("%d weeks", n)
	}
}

// UpkeepAll runs Upkeep on every active circle; one failing circle does
// not stop the others.
func (s *Service) UpkeepAll(ctx context.Context) error {
	refs, err := s.DB.FindActiveCircles(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if err := s.Upkeep(ctx, ref); err != nil {
			errs = append(errs, fmt.Errorf("circle %s: %w", ref.ID, err))
		}
	}
	return errors.Join(errs...)
}
