package demo

import (
	"context"
	"fmt"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
)

// autumnFit is how the lived-in circle answered its fit check after its
// first meeting (Maya had not read the ground rules yet); the check has
// closed since.
var autumnFit = map[string]pulse.Fit{"nina": pulse.FitYes, "tom": pulse.FitYes, "noah": pulse.FitUnsure, "fatima": pulse.FitYes}

// winterFit is how last winter's pairs answered, by a member of each
// pair: the second pair was not a fit for either of them, so its program's
// page says it had a fit concern.
var winterFit = []map[string]pulse.Fit{
	{"first": pulse.FitYes, "second": pulse.FitYes},
	{"first": pulse.FitNo, "second": pulse.FitNo},
	{"first": pulse.FitYes, "second": pulse.FitUnsure},
}

// spreadInvitations are the colleagues Nina invited to the program open
// for opt-in; she leads a team and shows on her profile that she takes
// part in a circle.
var spreadInvitations = []string{"ahmed", "chloe", "diego"}

// loadSpread answers the fit checks, has Nina show she takes part and
// invite colleagues to the open program.
func loadSpread(ctx context.Context, db *store.DB, org *account.Org, autumn *program.Circle, byKey map[string]*account.User) error {
	answer := func(circleID string, answers map[string]pulse.Fit) error {
		if err := db.OpenFit(ctx, org.ID, circleID); err != nil {
			return err
		}
		for userID, f := range answers {
			if err := db.AnswerFit(ctx, org.ID, circleID, userID, f); err != nil {
				return fmt.Errorf("demo fit check: %w", err)
			}
		}
		return db.CloseFit(ctx, org.ID, circleID)
	}
	mine := map[string]pulse.Fit{}
	for k, f := range autumnFit {
		mine[byKey[k].ID] = f
	}
	if err := answer(autumn.ID, mine); err != nil {
		return err
	}
	progs, err := db.FindPrograms(ctx, org.ID)
	if err != nil {
		return err
	}
	var winter *program.Program
	for i := range progs {
		if progs[i].Name == winterName {
			winter = &progs[i]
		}
	}
	if winter != nil {
		pairs, err := db.FindCircles(ctx, org.ID, store.CircleFilter{ProgramID: winter.ID, Status: []program.CircleStatus{program.Active}})
		if err != nil {
			return err
		}
		for i, c := range pairs {
			if i >= len(winterFit) || len(c.Members) != 2 {
				break
			}
			if err := answer(c.ID, map[string]pulse.Fit{c.Members[0].UserID: winterFit[i]["first"], c.Members[1].UserID: winterFit[i]["second"]}); err != nil {
				return err
			}
		}
	}
	nina := byKey["nina"]
	if err := db.SetCircleShown(ctx, org.ID, nina.ID, true); err != nil {
		return err
	}
	open, err := db.FindOptInPrograms(ctx, org.ID, db.Now())
	if err != nil || len(open) == 0 {
		return err
	}
	for _, k := range spreadInvitations {
		if err := db.CreateTeamInvitation(ctx, org.ID, nina.ID, open[0].ID, byKey[k].ID, len(spreadInvitations)); err != nil {
			return fmt.Errorf("demo invitation: %w", err)
		}
	}
	return nil
}
