package pulses

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/pulse"
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
				cadence, err := s.DB.FindPulseCadence(ctx, org, id)
				if err == nil {
					err = s.keep(ctx, org, id, records[id].Held, cadence)
				}
				if err != nil {
					errs = append(errs, fmt.Errorf("circle %s: %w", id, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// keepCircle opens or closes what a circle's held meetings call for,
// reading them first.
func (s *Service) keepCircle(ctx context.Context, orgID, circleID string) error {
	cadence, err := s.DB.FindPulseCadence(ctx, orgID, circleID)
	if err != nil {
		return err
	}
	records, err := s.DB.FindMeetingRecords(ctx, orgID, []string{circleID}, s.DB.Now())
	if err != nil {
		return err
	}
	return s.keep(ctx, orgID, circleID, records[circleID].Held, cadence)
}

// keep opens a circle's next pulse round when it is due, having held held
// meetings, and opens its fit check after its first meeting and closes it
// once the check no longer asks. Each step is safe to repeat and to run
// twice at once.
func (s *Service) keep(ctx context.Context, orgID, circleID string, held, cadence int) error {
	number, from, err := s.DB.FindLastPulseRound(ctx, orgID, circleID)
	if err != nil {
		return err
	}
	var last *pulse.Round
	if number > 0 {
		last = &pulse.Round{Number: number, Held: from}
	}
	if pulse.Due(last, held, cadence) {
		if err := s.DB.CreatePulseRound(ctx, orgID, circleID, number+1, held); err != nil {
			return err
		}
	}
	if held < pulse.FitOpensAt {
		return nil
	}
	// Read first, so that a look at the circle writes only when the check
	// changes.
	st, err := s.DB.FindFitState(ctx, orgID, circleID, "")
	if err != nil {
		return err
	}
	switch {
	case held >= pulse.FitClosesAt && st.Opened && !st.Closed:
		return s.DB.CloseFit(ctx, orgID, circleID)
	case pulse.FitOpen(held) && !st.Opened:
		return s.DB.OpenFit(ctx, orgID, circleID)
	}
	return nil
}
