package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/holdspace/holdspace/internal/pulse"
)

// FitState is a circle's fit check as one member sees it: whether it has
// opened or closed, and whether they answered; never how anyone answered.
type FitState struct {
	Opened, Closed, Answered bool
}

// FindFitState returns the fit check of a circle as userID sees it.
func (db *DB) FindFitState(ctx context.Context, orgID, circleID, userID string) (FitState, error) {
	var st FitState
	err := db.queryRow(ctx, `SELECT f.closed, (SELECT COUNT(*) FROM fit_answered a WHERE a.org_id = f.org_id AND a.circle_id = f.circle_id AND a.user_id = $3)
		FROM fit_counts f WHERE f.org_id = $1 AND f.circle_id = $2`, orgID, circleID, userID).Scan(&st.Closed, &st.Answered)
	switch {
	case errors.Is(err, ErrNotFound):
		return FitState{}, nil
	case err != nil:
		return FitState{}, fmt.Errorf("find fit state: %w", err)
	}
	st.Opened = true
	return st, nil
}

// OpenFit opens a circle's fit check. Opening it twice, or at once from
// two requests, opens it once.
func (db *DB) OpenFit(ctx context.Context, orgID, circleID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO fit_counts (circle_id, org_id) VALUES ($1, $2) ON CONFLICT (circle_id) DO NOTHING`, circleID, orgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("open fit check: %w", err)
	}
	return nil
}

// CloseFit closes a circle's fit check, if it opened and is open.
func (db *DB) CloseFit(ctx context.Context, orgID, circleID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE fit_counts SET closed = TRUE WHERE org_id = $1 AND circle_id = $2 AND closed = FALSE`, orgID, circleID)
		return err
	})
	if err != nil {
		return fmt.Errorf("close fit check: %w", err)
	}
	return nil
}

// fitColumns name the count each answer raises.
var fitColumns = map[pulse.Fit]string{pulse.FitYes: "yes_count", pulse.FitUnsure: "unsure_count", pulse.FitNo: "no_count"}

// AnswerFit counts userID's answer to a circle's fit check and marks that
// they answered, in one transaction: the mark and the count hold nothing
// that ties one to the other. The check must be open (pulse.ErrFitClosed
// otherwise), and a member answers it once (pulse.ErrFitAnswered).
func (db *DB) AnswerFit(ctx context.Context, orgID, circleID, userID string, f pulse.Fit) error {
	col, ok := fitColumns[f]
	if !ok {
		return fmt.Errorf("answer fit check: unknown answer %q", f)
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		// Raising the count first takes the check's row lock on
		// PostgreSQL, so answers are written one after another.
		err := guarded(tx.exec(ctx, `UPDATE fit_counts SET `+col+` = `+col+` + 1
			WHERE org_id = $1 AND circle_id = $2 AND closed = FALSE`, orgID, circleID))
		if errors.Is(err, ErrConflict) {
			return pulse.ErrFitClosed
		}
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO fit_answered (circle_id, org_id, user_id) VALUES ($1, $2, $3)`, circleID, orgID, userID)
		if errors.Is(err, ErrConflict) {
			return pulse.ErrFitAnswered
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("answer fit check: %w", err)
	}
	return nil
}

// FitCheck is one circle's fit check, for pooling and for the concern an
// admin is told of; it leaves the store only through the pulses service,
// which shows neither its counts nor a single no.
type FitCheck struct {
	CircleID, ProgramID string
	Counts              pulse.FitCounts
}

// FindFitChecks lists the fit checks of orgID's circles, of programID only
// unless it is "".
func (db *DB) FindFitChecks(ctx context.Context, orgID, programID string) ([]FitCheck, error) {
	q := `SELECT f.circle_id, c.program_id, f.yes_count, f.unsure_count, f.no_count, f.closed
		FROM fit_counts f JOIN circles c ON c.id = f.circle_id AND c.org_id = f.org_id
		WHERE f.org_id = $1`
	args := []any{orgID}
	if programID != "" {
		q = `SELECT f.circle_id, c.program_id, f.yes_count, f.unsure_count, f.no_count, f.closed
			FROM circles c JOIN fit_counts f ON f.circle_id = c.id AND f.org_id = c.org_id
			WHERE c.org_id = $1 AND c.program_id = $2`
		args = append(args, programID)
	}
	rows, err := db.query(ctx, q+` ORDER BY f.circle_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find fit checks: %w", err)
	}
	defer rows.Close()
	var out []FitCheck
	for rows.Next() {
		var f FitCheck
		if err := rows.Scan(&f.CircleID, &f.ProgramID, &f.Counts.Yes, &f.Counts.Unsure, &f.Counts.No, &f.Counts.Closed); err != nil {
			return nil, fmt.Errorf("find fit checks: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindFitConcerns returns which of circleIDs have a fit concern: at least
// pulse.FitConcernMinimum members answered no.
func (db *DB) FindFitConcerns(ctx context.Context, orgID string, circleIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(circleIDs) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID, pulse.FitConcernMinimum}, circleIDs)
	rows, err := db.query(ctx, `SELECT circle_id FROM fit_counts WHERE org_id = $1 AND no_count >= $2
		AND circle_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find fit concerns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find fit concerns: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// FindLastPulseRound returns the number of a circle's newest pulse round
// and how many meetings it had held when it opened; 0, 0 before any.
func (db *DB) FindLastPulseRound(ctx context.Context, orgID, circleID string) (number, held int, err error) {
	err = db.queryRow(ctx, `SELECT number, held FROM pulse_rounds WHERE org_id = $1 AND circle_id = $2
		ORDER BY number DESC LIMIT 1`, orgID, circleID).Scan(&number, &held)
	if errors.Is(err, ErrNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("find last pulse round: %w", err)
	}
	return number, held, nil
}
