package circles

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

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
	for attempt := 1; ; attempt++ {
		// Each of the person's circles plans its reminders again with the
		// new settings, and all are saved with them at once.
		cs, err := s.DB.FindCircles(ctx, u.OrgID, store.CircleFilter{UserID: u.ID, Status: []program.CircleStatus{program.Active}})
		if err != nil {
			return err
		}
		states := make([]*store.CircleState, len(cs))
		plans := make([]circle.ReminderPlan, len(cs))
		for i := range cs {
			st, err := s.DB.FindCircleState(ctx, u.OrgID, cs[i].ID)
			if err != nil {
				return err
			}
			st.Prefs[u.ID] = p
			states[i] = st
			plans[i] = circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now)
		}
		err = s.DB.UpdateReminderPrefs(ctx, u.OrgID, u.ID, p, states, plans)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		return err
	}
}

// SendReminder sends the reminder of a send_reminder job, if it is still
// due: once, in the person's own time zone, saying which role they hold.
// It reports whether it sent.
func (s *Service) SendReminder(ctx context.Context, id string) (bool, error) {
	r, err := s.DB.FindReminder(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// Sent or cancelled already.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ended := false
	if r.Room != nil {
		if ended, err = roomEnded(r.Room); err != nil {
			return false, err
		}
	}
	send, role := circle.DueReminder(*r.Meeting, r.UserID, ended)
	if !send {
		return false, s.DB.SkipReminder(ctx, id)
	}
	video := ""
	if r.Schedule != nil {
		video = r.Schedule.VideoURL
	}
	rd, err := s.Readers(ctx, r.Circle.OrgID, r.Circle.ID, program.Label(r.Program))
	if err != nil {
		return false, err
	}
	msg := queue.Mail(rd.Mail(r.UserID, mail.MeetingReminder(r.Email, r.Name, program.Label(r.Program), r.Meeting.When(r.Timezone), r.Timezone,
		inWords(r.Meeting.Start.Sub(s.now())), string(role), video, s.link("/circles/"+r.Circle.ID),
		s.link("/circles/"+r.Circle.ID+"/meetings/"+r.Meeting.ID+"/rsvp"))))
	// The store sends only if the reminder is still waiting: a change to
	// its meeting or its person's settings since it was read cancelled it.
	return s.DB.SendReminder(ctx, id, msg)
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

// Work runs the upkeep of every active circle.
func (w *UpkeepWorker) Work(ctx context.Context, _ *river.Job[UpkeepJob]) error {
	return w.Service.UpkeepAll(ctx)
}

// Workers registers the circle jobs' workers in workers.
func (s *Service) Workers(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &ReminderWorker{Service: s}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(workers, &CommitmentWorker{Service: s}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(workers, &DigestWorker{Service: s}); err != nil {
		return err
	}
	return river.AddWorkerSafely(workers, &UpkeepWorker{Service: s})
}
