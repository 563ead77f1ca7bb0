package circles

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

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
	zone, err := account.Location(u.Timezone)
	if err != nil {
		zone = time.UTC
	}
	return circle.Suggest(c.Slots, p.Cadence, p.SessionMinutes, zone, s.now()), false, nil
}

// SetSchedule sets or changes a circle's recurring schedule. The meetings
// ahead are replaced by the new rule's, roles are given by the rotation,
// reminders follow, and every member gets a calendar invitation. A change
// to an existing schedule is recorded, and every other member is told who
// made it and what changed, so that anyone can put it back.
func (s *Service) SetSchedule(ctx context.Context, u *account.User, circleID string, in circle.ScheduleInput) (*circle.Schedule, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	asked, err := in.Schedule(circleID, s.now())
	if err != nil {
		return nil, err
	}
	st, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		if st.Program.Ended(st.Now) {
			return program.ErrClosed
		}
		if in.Replaces != nil {
			current := 0
			if st.Schedule != nil {
				current = st.Schedule.Sequence
			}
			if current != *in.Replaces {
				return circle.ErrScheduleStale
			}
		}
		// A fresh copy each attempt: a retry decides again from the
		// state it reads, not from the last attempt's numbers.
		sched := *asked
		prev := st.Schedule
		if prev != nil || st.CalendarSequence > 0 {
			// Calendars drop an update whose SEQUENCE is not above the
			// last they saw for the series, a cancellation included.
			last := st.CalendarSequence
			if prev != nil {
				last = max(last, prev.Sequence)
			}
			sched.Sequence = last + 1
		}
		return s.replaceSchedule(ctx, st, u, prev, &sched, "")
	})
	if err != nil {
		return nil, err
	}
	return st.Schedule, nil
}

// replaceSchedule puts sched in place of prev (nil: none) on st, as u's
// change (putting back the change undoes, if any): the meetings ahead
// follow, the change is recorded if there was a schedule before (or it
// puts one back), and every member is emailed.
func (s *Service) replaceSchedule(ctx context.Context, st *store.CircleState, u *account.User, prev, sched *circle.Schedule, undoes string) error {
	st.CalendarSequence = sched.Sequence
	// Stamped now, as the store saves it, so that the invitation's
	// DTSTAMP is the time of the change.
	sched.UpdatedAt = st.Now
	st.Schedule = sched
	st.Meetings = slices.DeleteFunc(st.Meetings, func(m circle.Meeting) bool { return m.Start.After(st.Now) })
	s.plan(st)
	if prev != nil || undoes != "" {
		st.ScheduleChange = &circle.ScheduleChange{ChangedBy: u.ID, ChangedByName: u.Name, At: st.Now,
			Sequence: sched.Sequence, Before: prev, After: sched, Undoes: undoes}
	}
	rd, err := s.readers(ctx, st)
	if err != nil {
		return err
	}
	s.scheduleMail(st, rd, u, st.ScheduleChange != nil)
	return nil
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
			// Nothing is scheduled from the program's end on.
			if st.Program.Ended(start) || st.Program.Ended(st.Now) {
				break
			}
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

// scheduleMail emails every member st's new schedule with its calendar
// invitation: u, who set it, and everyone while it is the first; the
// others are told of a change in words, by whom, and until when it can
// be put back.
func (s *Service) scheduleMail(st *store.CircleState, rd *Readers, u *account.User, changed bool) {
	se := s.series(st.Circle, st.Program, st.Schedule, st.Meetings)
	ics := calendar.Request(se)
	first := upcoming(st.Meetings, st.Now)
	for _, m := range st.Circle.Members {
		if st.ScheduleChange != nil && m.UserID != u.ID {
			st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, s.changeMail(st, m, ics, "REQUEST"))))
			continue
		}
		firstWhen := ""
		if len(first) > 0 {
			firstWhen = first[0].When(m.Timezone)
		}
		st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, mail.MeetingScheduled(m.Email, m.Name, program.Label(st.Program), ruleText(st.Schedule), firstWhen,
			m.Timezone, st.Schedule.VideoURL, s.link("/circles/"+st.Circle.ID), changed, ics))))
	}
}

// changeMail is the email that tells member m of st's schedule change.
func (s *Service) changeMail(st *store.CircleState, m program.Member, ics []byte, method string) mail.Message {
	ch := st.ScheduleChange
	zone := zoneOf(m.Timezone)
	return mail.ScheduleChanged(m.Email, m.Name, program.Label(st.Program), ch.ChangedByName, ch.Undoes != "", circle.Differences(ch.Before, ch.After, zone, st.Now),
		zone.String(), ch.UndoUntil().In(zone).Format("Monday 2 January, 15:04"), s.link("/circles/"+st.Circle.ID), ics, method)
}

// zoneOf is the time zone named tz, or UTC if it does not load.
func zoneOf(tz string) *time.Location {
	loc, err := account.Location(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ClearSchedule ends a circle's recurring schedule: the meetings ahead are
// cancelled in everyone's calendar. Like any change it is recorded, the
// others are told who cleared it, and anyone can put it back.
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
		st.ScheduleChange = &circle.ScheduleChange{ChangedBy: u.ID, ChangedByName: u.Name, At: st.Now,
			Sequence: old.Sequence, Before: st.Schedule}
		se := s.series(st.Circle, st.Program, &old, st.Meetings)
		ics := calendar.Cancel(se)
		rd, err := s.readers(ctx, st)
		if err != nil {
			return err
		}
		for _, m := range st.Circle.Members {
			msg := mail.ScheduleCleared(m.Email, m.Name, program.Label(st.Program), s.link("/circles/"+circleID), ics)
			if m.UserID != u.ID {
				msg = s.changeMail(st, m, ics, "CANCEL")
			}
			st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, msg)))
		}
		st.Schedule = nil
		st.Meetings = slices.DeleteFunc(st.Meetings, func(m circle.Meeting) bool { return m.Start.After(st.Now) })
		return nil
	})
	return err
}

// ScheduleNotice is a recent change to a circle's schedule as a member
// sees it on the circle's page.
type ScheduleNotice struct {
	circle.ScheduleChange
	// Changes says what changed, one line each, in the viewer's zone.
	Changes []string
	// Undoable: the change can still be put back (see
	// circle.ScheduleChange.CheckUndo).
	Undoable bool
}

// ScheduleNotices returns the changes to a circle's schedule of the last
// circle.UndoWindow, newest first, as u sees them.
func (s *Service) ScheduleNotices(ctx context.Context, u *account.User, circleID string) ([]ScheduleNotice, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	return s.scheduleNotices(ctx, u, circleID, func() (*circle.Schedule, error) { return s.DB.FindScheduleIfAny(ctx, u.OrgID, circleID) })
}

// scheduleNotices are the recent changes to a circle's schedule; schedule
// returns the schedule (nil for none), read only when there are changes,
// which are undoable only while it is as they left it.
func (s *Service) scheduleNotices(ctx context.Context, u *account.User, circleID string, schedule func() (*circle.Schedule, error)) ([]ScheduleNotice, error) {
	now := s.now()
	changes, err := s.DB.FindScheduleChanges(ctx, u.OrgID, circleID, now.Add(-circle.UndoWindow))
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	// Without a schedule, only a change that cleared it can be put back.
	sequence := -1
	if len(changes) > 0 && changes[0].After == nil {
		sequence = changes[0].Sequence
	}
	sched, err := schedule()
	if err != nil {
		return nil, err
	}
	if sched != nil {
		sequence = sched.Sequence
	}
	zone := zoneOf(u.Timezone)
	out := make([]ScheduleNotice, len(changes))
	for i, ch := range changes {
		out[i] = ScheduleNotice{ScheduleChange: ch, Changes: circle.Differences(ch.Before, ch.After, zone, now),
			Undoable: ch.Before != nil && ch.CheckUndo(sequence, now) == nil}
	}
	return out, nil
}

// UndoScheduleChange puts the schedule back as it was before changeID,
// within circle.UndoWindow and only while nothing has changed the schedule
// since: otherwise the later change wins and this is refused. Everyone is
// told, as of any change.
func (s *Service) UndoScheduleChange(ctx context.Context, u *account.User, circleID, changeID string) (*circle.Schedule, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	st, err := s.changeCircle(ctx, u.OrgID, circleID, func(st *store.CircleState) error {
		// Read each attempt: a retry must see whether it was put back.
		ch, err := s.DB.FindScheduleChange(ctx, u.OrgID, circleID, changeID)
		if err != nil {
			return err
		}
		if err := ch.CheckUndo(st.CalendarSequence, st.Now); err != nil {
			return err
		}
		if ch.Before == nil {
			return circle.ErrNothingToRestore
		}
		if st.Program.Ended(st.Now) {
			return program.ErrClosed
		}
		back := *ch.Before
		back.Sequence = st.CalendarSequence + 1
		return s.replaceSchedule(ctx, st, u, st.Schedule, &back, ch.ID)
	})
	if err != nil {
		return nil, err
	}
	return st.Schedule, nil
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
		at := start.UTC().Truncate(time.Minute)
		return s.move(ctx, st, i, at, at.Add(time.Duration(minutes)*time.Minute))
	})
	return err
}

// move moves st's meeting i to start and end: everyone's calendar moves
// that occurrence, with a SEQUENCE above any it saw, and the roles and
// reminders ahead follow.
func (s *Service) move(ctx context.Context, st *store.CircleState, i int, start, end time.Time) error {
	m := &st.Meetings[i]
	from := *m
	m.Start, m.End = start, end
	m.Sequence = max(m.Sequence, st.Schedule.Sequence) + 1
	se := s.series(st.Circle, st.Program, st.Schedule, st.Meetings)
	ics := calendar.RequestOccurrence(se, m.Original)
	rd, err := s.readers(ctx, st)
	if err != nil {
		return err
	}
	moved := *m
	for _, mem := range st.Circle.Members {
		st.Mail = append(st.Mail, queue.Mail(rd.Mail(mem.UserID, mail.MeetingMoved(mem.Email, mem.Name, program.Label(st.Program), from.When(mem.Timezone),
			moved.When(mem.Timezone), mem.Timezone, s.link("/circles/"+st.Circle.ID), ics))))
	}
	slices.SortFunc(st.Meetings, func(a, b circle.Meeting) int { return a.Start.Compare(b.Start) })
	s.plan(st)
	return nil
}

// HoldNow moves a meeting ahead to begin now, for a circle that starts it
// more than circle.EarlyStart before its time: it keeps its length,
// everyone's calendar moves that occurrence by the usual update, its
// reminders are cancelled, and the rotation plans the meetings ahead
// again. It changes st, read by FindCircleState, and returns the reminder
// plan; the caller saves both with the room's start
// (store.StartMeetingEarly), so that neither happens without the other.
func (s *Service) HoldNow(ctx context.Context, st *store.CircleState, meetingID string) (circle.ReminderPlan, error) {
	i, err := findMeeting(st, meetingID)
	if err != nil {
		return circle.ReminderPlan{}, err
	}
	m := st.Meetings[i]
	if m.Status == circle.Cancelled {
		return circle.ReminderPlan{}, circle.ErrMeetingCancelled
	}
	if st.Schedule == nil {
		return circle.ReminderPlan{}, store.ErrNotFound
	}
	start := st.Now.UTC().Truncate(time.Minute)
	if err := s.move(ctx, st, i, start, start.Add(m.End.Sub(m.Start))); err != nil {
		return circle.ReminderPlan{}, err
	}
	return circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now), nil
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
		rd, err := s.readers(ctx, st)
		if err != nil {
			return err
		}
		for _, mem := range st.Circle.Members {
			link := s.link("/circles/" + circleID)
			if restore {
				st.Mail = append(st.Mail, queue.Mail(rd.Mail(mem.UserID, mail.MeetingRestored(mem.Email, mem.Name, program.Label(st.Program),
					m.When(mem.Timezone), mem.Timezone, link, calendar.RequestOccurrence(se, m.Original)))))
				continue
			}
			st.Mail = append(st.Mail, queue.Mail(rd.Mail(mem.UserID, mail.MeetingCancelled(mem.Email, mem.Name, program.Label(st.Program), m.When(mem.Timezone),
				mem.Timezone, link, calendar.CancelOccurrence(se, m.Original)))))
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

// Meeting returns one meeting of a circle u is inside, with the circle:
// the page that changes the meeting offers its members for the roles.
func (s *Service) Meeting(ctx context.Context, u *account.User, circleID, meetingID string) (*program.Circle, circle.Meeting, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return nil, circle.Meeting{}, err
	}
	m, err := s.findMeeting(ctx, u.OrgID, circleID, meetingID)
	return c, m, err
}
