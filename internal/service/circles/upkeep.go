package circles

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

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

// UpkeepEvery is how often the upkeep runs.
const UpkeepEvery = time.Hour

// Upkeep keeps a circle's meetings written ahead (with their roles and
// reminders), nudges its members when it has not met for two cadence
// periods, and keeps it alive (keepAlive: pauses that end, members who
// missed meetings, whether it is struggling); a circle whose program has closed it finishes instead. It runs
// for every active circle from a periodic job.
func (s *Service) Upkeep(ctx context.Context, ref store.CircleRef) error {
	_, err := s.changeCircle(ctx, ref.OrgID, ref.ID, func(st *store.CircleState) error {
		if st.Program.Ended(st.Now) {
			if st.Program.ClosedAt == nil {
				// Its program is closed first (closeEnded), which
				// finishes it.
				return nil
			}
			return s.finish(st)
		}
		s.plan(st)
		if err := s.keepAlive(ctx, st); err != nil {
			return err
		}
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
		rd, err := s.readers(ctx, st)
		if err != nil {
			return err
		}
		for _, m := range st.Circle.Members {
			if st.Prefs[m.UserID].Nudges {
				st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, mail.CircleNudge(m.Email, m.Name, program.Label(st.Program), weeks(since), s.link("/circles/"+st.Circle.ID), lastMet.IsZero()))))
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

// UpkeepAll closes the programs past their end date, then runs Upkeep on
// every active circle; one failing program or circle does not stop the
// others.
func (s *Service) UpkeepAll(ctx context.Context) error {
	// The hour's changes may have moved the planner's statistics: an
	// import, a round published.
	if err := s.DB.Optimize(ctx); err != nil {
		return err
	}
	var errs []error
	if err := s.closeEnded(ctx); err != nil {
		errs = append(errs, err)
	}
	refs, err := s.DB.FindActiveCircles(ctx)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if err := s.Upkeep(ctx, ref); err != nil {
			errs = append(errs, fmt.Errorf("circle %s: %w", ref.ID, err))
		}
	}
	return errors.Join(errs...)
}
