package circles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/store"
)

// HasFeed reports whether u has a calendar feed.
func (s *Service) HasFeed(ctx context.Context, u *account.User) (bool, error) {
	return s.DB.HasCalendarFeed(ctx, u.OrgID, u.ID)
}

// ResetFeed gives u a new secret calendar feed address and returns it;
// the previous address stops working. Only the token's hash is kept, so
// the address is shown this once.
func (s *Service) ResetFeed(ctx context.Context, u *account.User) (string, error) {
	tok := account.NewToken(account.FeedPrefix)
	if err := s.DB.CreateCalendarFeed(ctx, u.OrgID, u.ID, account.HashToken(tok)); err != nil {
		return "", err
	}
	return s.link("/calendar/" + tok + ".ics"), nil
}

// DeleteFeed turns u's calendar feed off.
func (s *Service) DeleteFeed(ctx context.Context, u *account.User) error {
	return s.DB.DeleteCalendarFeed(ctx, u.OrgID, u.ID)
}

// Feed returns the calendar of the person whose feed token this is: every
// scheduled circle they are an active member of. An unknown token is
// ErrNotFound.
func (s *Service) Feed(ctx context.Context, token string) ([]byte, error) {
	orgID, userID, err := s.DB.FindCalendarFeed(ctx, account.HashToken(token))
	if err != nil {
		return nil, err
	}
	cals, err := s.DB.FindCalendar(ctx, orgID, userID)
	if err != nil {
		return nil, err
	}
	series := make([]calendar.Series, 0, len(cals))
	for _, cc := range cals {
		series = append(series, s.series(&cc.Circle, &cc.Program, &cc.Schedule, cc.Meetings))
	}
	return calendar.Feed("Holdspace", series), nil
}

// ReminderPrefs returns u's reminder settings.
func (s *Service) ReminderPrefs(ctx context.Context, u *account.User) (circle.ReminderPrefs, error) {
	return s.DB.FindReminderPrefs(ctx, u.OrgID, u.ID)
}

// UpdateReminderPrefs saves u's reminder settings; the reminders of every
// meeting ahead follow at once.
func (s *Service) UpdateReminderPrefs(ctx context.Context, u *account.User, p circle.ReminderPrefs) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return fault.Fields(map[string]string{"offsets": "Choose reminders from the list."})
	}
	return s.DB.UpdateReminderPrefs(ctx, u.OrgID, u.ID, p)
}

// SendReminder sends the reminder of a send_reminder job, if it is still
// due: once, in the person's own time zone, saying which role they hold.
func (s *Service) SendReminder(ctx context.Context, id string) (bool, error) {
	return s.DB.SendReminder(ctx, id, func(r *store.Reminder) (store.Job, error) {
		// A circle that met early and ended the meeting in its room needs
		// no reminder of it.
		if r.Room != nil {
			if ended, err := roomEnded(r.Room); err != nil || ended {
				return nil, cmp.Or(err, store.ErrSkipReminder)
			}
		}
		role := ""
		switch r.UserID {
		case r.Meeting.FacilitatorID:
			role = string(circle.Facilitator)
		case r.Meeting.TimekeeperID:
			role = string(circle.Timekeeper)
		}
		video := ""
		if r.Schedule != nil {
			video = r.Schedule.VideoURL
		}
		return queue.Mail(mail.MeetingReminder(r.Email, r.Name, program.Label(r.Program), r.Meeting.When(r.Timezone), r.Timezone,
			inWords(r.Meeting.Start.Sub(s.now())), role, video, s.link("/circles/"+r.Circle.ID))), nil
	})
}

// inWords says how far ahead a meeting is: "in 1 hour", "tomorrow".
func inWords(d time.Duration) string {
	d = d.Round(15 * time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("in %d minutes", max(int(d/time.Minute), 1))
	case d < 2*time.Hour:
		return "in 1 hour"
	case d < 20*time.Hour:
		return fmt.Sprintf("in %d hours", int(d/time.Hour))
	case d < 36*time.Hour:
		return "tomorrow"
	case d < 6*24*time.Hour:
		return fmt.Sprintf("in %d days", int((d+12*time.Hour)/(24*time.Hour)))
	default:
		return "in a week"
	}
}

// ReminderWorker works send_reminder jobs.
type ReminderWorker struct {
	river.WorkerDefaults[store.ReminderJob]
	Service *Service
}

// Work sends the job's reminder unless it was cancelled or already sent.
func (w *ReminderWorker) Work(ctx context.Context, job *river.Job[store.ReminderJob]) error {
	_, err := w.Service.SendReminder(ctx, job.Args.ReminderID)
	return err
}

// UpkeepJob is the periodic job that keeps every circle's meetings
// written ahead and nudges circles that have not met.
type UpkeepJob struct{}

// Kind names the job in the queue.
func (UpkeepJob) Kind() string { return "circle_upkeep" }

// UpkeepWorker works circle_upkeep jobs.
type UpkeepWorker struct {
	river.WorkerDefaults[UpkeepJob]
	Service *Service
}

// Work runs the upkeep of every active circle.
func (w *UpkeepWorker) Work(ctx context.Context, _ *river.Job[UpkeepJob]) error {
	return w.Service.UpkeepAll(ctx)
}

// UpkeepEvery is how often the upkeep runs.
const UpkeepEvery = time.Hour

// Workers registers the circle jobs' workers in workers.
func (s *Service) Workers(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &ReminderWorker{Service: s}); err != nil {
		return err
	}
	return river.AddWorkerSafely(workers, &UpkeepWorker{Service: s})
}

// --- leaving, the space, commitments ---

// Leave takes u out of a circle, with an optional private note to the
// organisation's admins. The others are told and the circle goes on; when
// it falls below its program's minimum, the admins are told so and can
// return its members to the pool. u's meetings leave their calendar.
func (s *Service) Leave(ctx context.Context, u *account.User, circleID, note string) error {
	c, err := s.Member(ctx, u, circleID)
	if err != nil {
		return err
	}
	note = richtext.Normalize(note)
	if len([]rune(note)) > circle.MaxLeaveNoteLen {
		return fault.Fields(map[string]string{"note": fmt.Sprintf("Keep the note under %d characters.", circle.MaxLeaveNoteLen)})
	}
	admins, err := s.admins(ctx, u.OrgID)
	if err != nil {
		return err
	}
	leaver := *c.Member(u.ID)
	_, err = s.DB.LeaveCircle(ctx, u.OrgID, circleID, u.ID, note, func(st *store.CircleState) error {
		s.plan(st)
		name := program.Label(st.Program)
		link := s.link("/circles/" + circleID)
		if st.Schedule != nil {
			gone := *st.Schedule
			gone.Sequence++
			se := s.series(c, st.Program, &gone, st.Meetings)
			st.Mail = append(st.Mail, queue.Mail(mail.LeftCircle(leaver.Email, leaver.Name, name, calendar.Cancel(se))))
		} else {
			st.Mail = append(st.Mail, queue.Mail(mail.LeftCircle(leaver.Email, leaver.Name, name, nil)))
		}
		for _, m := range st.Circle.Members {
			st.Mail = append(st.Mail, queue.Mail(mail.CircleMemberLeft(m.Email, m.Name, leaver.Name, name, link)))
			if st.Adopted != nil {
				st.Mail = append(st.Mail, queue.Mail(mail.AgreementAdopted(m.Email, m.Name, name, st.Adopted.Version, link+"/agreement")))
			}
		}
		for _, a := range admins {
			st.Mail = append(st.Mail, queue.Mail(mail.MemberLeft(a.Email, a.Name, leaver.Name, name, note, len(st.Circle.Members), st.Program.MinSize,
				s.link("/programs/"+st.Program.ID))))
		}
		return nil
	})
	return err
}

func (s *Service) admins(ctx context.Context, orgID string) ([]account.User, error) {
	all, _, err := s.DB.FindUsers(ctx, orgID, store.UserFilter{})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(u account.User) bool { return !u.IsAdmin() || u.Status != account.StatusActive }), nil
}

// ReturnToPool dissolves a circle that fell below its program's minimum,
// so that its members are matched again at the next re-match (with their
// consent, like everyone).
func (s *Service) ReturnToPool(ctx context.Context, admin *account.User, circleID string) error {
	if err := requireAdmin(admin); err != nil {
		return err
	}
	c, err := s.DB.FindCircleByID(ctx, admin.OrgID, circleID)
	if err != nil {
		return err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, c.ProgramID)
	if err != nil {
		return err
	}
	if len(c.Members) >= p.MinSize {
		return circle.ErrNotBelowMinimum
	}
	var ics []byte
	sched, err := s.DB.FindSchedule(ctx, admin.OrgID, circleID)
	switch {
	case err == nil:
		meetings, err := s.DB.FindMeetings(ctx, admin.OrgID, circleID)
		if err != nil {
			return err
		}
		sched.Sequence++
		ics = calendar.Cancel(s.series(c, p, sched, meetings))
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	msgs := make([]mail.Message, 0, len(c.Members))
	for _, m := range c.Members {
		msgs = append(msgs, mail.CircleClosed(m.Email, m.Name, p.Name, ics))
	}
	return s.DB.DissolveCircle(ctx, admin.OrgID, circleID, queue.Mails(msgs))
}

// Departures lists who left a program's circles, with their notes, for
// its admins.
func (s *Service) Departures(ctx context.Context, admin *account.User, programID string) ([]circle.Departure, error) {
	if err := requireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.FindDepartures(ctx, admin.OrgID, programID)
}

// AddPost adds a note to the circle's members-only space.
func (s *Service) AddPost(ctx context.Context, u *account.User, circleID, body string) (*circle.Post, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxPostLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p := &circle.Post{AuthorID: u.ID, AuthorName: u.Name, Body: body}
	return p, s.DB.CreatePost(ctx, u.OrgID, circleID, p)
}

// DeletePost removes the member's own post.
func (s *Service) DeletePost(ctx context.Context, u *account.User, circleID, postID string) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.DeletePost(ctx, u.OrgID, circleID, postID, u.ID)
}

// AddCommitment records what the member means to do before the next
// meeting.
func (s *Service) AddCommitment(ctx context.Context, u *account.User, circleID, body string) (*circle.Commitment, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxCommitmentLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &circle.Commitment{UserID: u.ID, UserName: u.Name, Body: body}
	return c, s.DB.CreateCommitment(ctx, u.OrgID, circleID, c)
}

// CompleteCommitment marks the member's own commitment done, or open again.
func (s *Service) CompleteCommitment(ctx context.Context, u *account.User, circleID, id string, done bool) error {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.UpdateCommitment(ctx, u.OrgID, circleID, id, u.ID, done)
}
