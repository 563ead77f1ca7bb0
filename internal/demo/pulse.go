package demo

import (
	"context"
	"fmt"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
)

// pulseRounds are the answers of the lived-in circle's pulse rounds,
// oldest first, by who gave them: the circle chose to be asked after every
// meeting while it finds its feet, felt safe at first, a little less after a tense meeting (so
// its page suggests talking about it), and has a round open that is one
// answer short of being shown — Maya's, once she has read the ground
// rules.
var pulseRounds = []map[string]pulse.Answer{
	{"nina": {2, 6, 1, 6, 2, 7, 6}, "tom": {1, 6, 2, 5, 2, 6, 6}, "noah": {2, 7, 1, 6, 1, 6, 7}, "fatima": {3, 5, 2, 5, 3, 6, 5}},
	{"nina": {3, 5, 2, 5, 3, 6, 5}, "tom": {4, 4, 2, 4, 4, 5, 5}, "fatima": {3, 5, 3, 4, 4, 6, 5}},
	{"nina": {2, 6, 2, 5, 3, 6, 6}, "tom": {3, 5, 2, 5, 3, 6, 5}},
}

// pulseSharers are the lived-in circle's members who agreed to show its
// pulse to the program's admins: all but Maya, who has yet to read the
// ground rules, so that the circle shares once she agrees too.
var pulseSharers = []string{"nina", "tom", "noah", "fatima"}

// pulseCadence is the cadence the lived-in circle chose.
const pulseCadence = 1

// loadPulse gives the lived-in circle its pulse rounds, each opened
// pulseCadence meetings after the one before and ending with the meetings
// it has held, so that the next round opens on schedule.
func loadPulse(ctx context.Context, db *store.DB, c *program.Circle, byKey map[string]*account.User) error {
	records, err := db.FindMeetingRecords(ctx, c.OrgID, []string{c.ID}, db.Now())
	if err != nil {
		return err
	}
	held := records[c.ID].Held
	first := held - pulseCadence*(len(pulseRounds)-1)
	if first < 1 {
		return fmt.Errorf("demo pulse: the circle held %d meetings, too few for %d rounds", held, len(pulseRounds))
	}
	if err := db.UpdatePulseCadence(ctx, c.OrgID, c.ID, pulseCadence); err != nil {
		return err
	}
	for i, answers := range pulseRounds {
		number := i + 1
		if err := db.CreatePulseRound(ctx, c.OrgID, c.ID, number, first+pulseCadence*i); err != nil {
			return err
		}
		for _, k := range []string{"nina", "tom", "noah", "fatima"} {
			if a, ok := answers[k]; ok {
				if err := db.AnswerPulse(ctx, c.OrgID, c.ID, number, byKey[k].ID, a); err != nil {
					return fmt.Errorf("demo pulse: %w", err)
				}
			}
		}
	}
	for _, k := range pulseSharers {
		if err := db.AgreePulseShare(ctx, c.OrgID, c.ID, byKey[k].ID); err != nil {
			return fmt.Errorf("demo pulse: %w", err)
		}
	}
	return nil
}
