package pulses

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

// UpkeepJob is the periodic job that opens the pulse rounds that have come
// due and opens and closes fit checks, in every active circle, so that a
// round does not wait for a member to look at the circle.
type UpkeepJob struct{}

// Kind names the job in the queue.
func (UpkeepJob) Kind() string { return "pulse_upkeep" }

// UpkeepEvery is how often the pulse upkeep runs.
const UpkeepEvery = time.Hour

// UpkeepWorker works pulse_upkeep jobs.
type UpkeepWorker struct {
	river.WorkerDefaults[UpkeepJob]
	Service *Service
}

// Work runs the pulse upkeep of every active circle.
func (w *UpkeepWorker) Work(ctx context.Context, _ *river.Job[UpkeepJob]) error {
	return w.Service.UpkeepAll(ctx)
}

// Workers registers the pulse jobs' workers in workers.
func (s *Service) Workers(workers *river.Workers) error {
	return river.AddWorkerSafely(workers, &UpkeepWorker{Service: s})
}

// upkeepBatch is how many circles one reading of meeting records covers.
const upkeepBatch = 200

// UpkeepAll opens the rounds and fit checks that are due in every active
// circle, reading the meetings they held a batch of circles at a time; one
// failing circle does not stop the others.
func (s *Service) UpkeepAll(ctx context.Context) error {
	refs, err := s.DB.FindActiveCircles(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for start := 0; start < len(refs); start += upkeepBatch {
		batch := refs[start:min(start+upkeepBatch, len(refs))]
		// A batch may span organisations; records are read per
		// organisation, as every query is scoped by one.
		byOrg := map[string][]string{}
		var orgs []string
		for _, r := range batch {
			if byOrg[r.OrgID] == nil {
				orgs = append(orgs, r.OrgID)
			}
			byOrg[r.OrgID] = append(byOrg[r.OrgID], r.ID)
		}
		for _, org := range orgs {
			records, err := s.DB.FindMeetingRecords(ctx, org, byOrg[org], s.DB.Now())
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, id := range byOrg[org] {
				if _, err := s.keepCircle(ctx, org, id, "", records[id].Held); err != nil {
					errs = append(errs, fmt.Errorf("circle %s: %w", id, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// keepCircle opens or closes what a circle's held meetings call for,
// held being how many it has held, and returns its fit check as userID
// sees it (see keep).
func (s *Service) keepCircle(ctx context.Context, orgID, circleID, userID string, held int) (store.FitState, error) {
	cadence, err := s.DB.FindPulseCadence(ctx, orgID, circleID)
	if err != nil {
		return store.FitState{}, err
	}
	number, from, err := s.DB.FindLastPulseRound(ctx, orgID, circleID)
	if err != nil {
		return store.FitState{}, err
	}
	var last *pulse.Round
	if number > 0 {
		last = &pulse.Round{Number: number, Held: from}
	}
	_, fit, err := s.keep(ctx, orgID, circleID, userID, last, held, cadence)
	return fit, err
}

// heldBy returns how many meetings a circle has held.
func (s *Service) heldBy(ctx context.Context, orgID, circleID string) (int, error) {
	records, err := s.DB.FindMeetingRecords(ctx, orgID, []string{circleID}, s.DB.Now())
	if err != nil {
		return 0, err
	}
	return records[circleID].Held, nil
}

// keep opens a circle's next pulse round when it is due, having held held
// meetings since its newest round last (nil before any), and opens its
// fit check after its first meeting and closes it once the check no
// longer asks. Each step is safe to repeat and to run twice at once.
//
// It says whether it opened a round, and returns the fit check as userID
// sees it, since it reads it anyway: a page that shows the circle to a
// member asks for theirs ("" for nobody, when the fit check is read only
// if the meetings held may change it).
func (s *Service) keep(ctx context.Context, orgID, circleID, userID string, last *pulse.Round, held, cadence int) (opened bool, fit store.FitState, err error) {
	if pulse.Due(last, held, cadence) {
		number := 1
		if last != nil {
			number = last.Number + 1
		}
		if err := s.DB.CreatePulseRound(ctx, orgID, circleID, number, held); err != nil {
			return false, fit, err
		}
		opened = true
	}
	if held < pulse.FitOpensAt && userID == "" {
		return opened, fit, nil
	}
	// Read first, so that a look at the circle writes only when the check
	// changes.
	if fit, err = s.DB.FindFitState(ctx, orgID, circleID, userID); err != nil || held < pulse.FitOpensAt {
		return opened, fit, err
	}
	switch {
	case held >= pulse.FitClosesAt && fit.Opened && !fit.Closed:
		fit.Closed = true
		return opened, fit, s.DB.CloseFit(ctx, orgID, circleID)
	case pulse.FitOpen(held) && !fit.Opened:
		fit.Opened = true
		return opened, fit, s.DB.OpenFit(ctx, orgID, circleID)
	}
	return opened, fit, nil
}
