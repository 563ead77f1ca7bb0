package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

// ErrAlreadyInvited: a colleague is invited to a program's opt-in once,
// whoever invites them.
var ErrAlreadyInvited = fault.New(fault.Conflict, "That colleague has already been invited to this program.")

// ErrTooManyInvitations: an inviter has sent as many invitations as a day
// allows, or asked the admins already this week.
var ErrTooManyInvitations = fault.New(fault.RateLimited, "You have sent many invitations lately. Please try again tomorrow.")

// CreateTeamInvitation records that inviterID invited inviteeID to
// programID's opt-in and enqueues the email, in one transaction; a
// colleague is invited to a program once (ErrAlreadyInvited), and an
// inviter sends at most perDay in a day (ErrTooManyInvitations). With
// programID and inviteeID "", it records an ask to the admins, at most
// one in a week.
func (db *DB) CreateTeamInvitation(ctx context.Context, orgID, inviterID, programID, inviteeID string, perDay int, msgs ...Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		// The inviter's row orders their invitations, so two at once are
		// counted one after the other.
		if err := lockUser(ctx, tx, orgID, inviterID); err != nil {
			return err
		}
		var n int
		since, limit, asks := tx.now.Add(-24*time.Hour), perDay, "IS NOT NULL"
		if programID == "" {
			since, limit, asks = tx.now.Add(-7*24*time.Hour), 1, "IS NULL"
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_invitations WHERE org_id = $1 AND inviter_id = $2 AND created_at > $3
			AND program_id `+asks, orgID, inviterID, since).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return ErrTooManyInvitations
		}
		_, err := tx.exec(ctx, `INSERT INTO team_invitations (id, org_id, inviter_id, program_id, invitee_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, newID(), orgID, inviterID, nullable(programID), nullable(inviteeID), tx.now)
		if errors.Is(err, ErrConflict) {
			return ErrAlreadyInvited
		}
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := db.enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create team invitation: %w", err)
	}
	return nil
}

func lockUser(ctx context.Context, tx *Tx, orgID, userID string) error {
	return guarded(tx.exec(ctx, `UPDATE users SET version = version WHERE org_id = $1 AND id = $2`, orgID, userID))
}

// SpreadCounts is what a person's invitations came to: colleagues they
// invited to a program's opt-in, and colleagues they invited to observe a
// meeting who came.
type SpreadCounts struct {
	Invited, Observed int
}

// CountSpread counts userID's invitations.
func (db *DB) CountSpread(ctx context.Context, orgID, userID string) (SpreadCounts, error) {
	var c SpreadCounts
	err := db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM team_invitations WHERE org_id = $1 AND inviter_id = $2 AND invitee_id IS NOT NULL),
		(SELECT COUNT(DISTINCT user_id) FROM guests WHERE org_id = $1 AND invited_by = $2 AND accepted_at IS NOT NULL)`,
		orgID, userID).Scan(&c.Invited, &c.Observed)
	if err != nil {
		return c, fmt.Errorf("count spread: %w", err)
	}
	return c, nil
}

// CountTeamInvitations counts the colleagues invited to a program's
// opt-in, for its admins.
func (db *DB) CountTeamInvitations(ctx context.Context, orgID, programID string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM team_invitations WHERE org_id = $1 AND program_id = $2`, orgID, programID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count team invitations: %w", err)
	}
	return n, nil
}

// SetCircleShown saves whether userID shows colleagues that they take
// part in a circle.
func (db *DB) SetCircleShown(ctx context.Context, orgID, userID string, shown bool) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if shown {
			_, err := tx.exec(ctx, `INSERT INTO circle_shown (org_id, user_id) VALUES ($1, $2) ON CONFLICT (org_id, user_id) DO NOTHING`, orgID, userID)
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM circle_shown WHERE org_id = $1 AND user_id = $2`, orgID, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("set circle shown: %w", err)
	}
	return nil
}

// FindCircleShown returns whether userID chose to show that they take
// part in a circle, and whether they do: an active member of a circle
// that has not finished.
func (db *DB) FindCircleShown(ctx context.Context, orgID, userID string) (chosen, takesPart bool, err error) {
	var a, b int
	err = db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM circle_shown WHERE org_id = $1 AND user_id = $2),
		(SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
			WHERE m.org_id = $1 AND m.user_id = $2 AND c.status = 'active' AND c.finished_at IS NULL)`, orgID, userID).Scan(&a, &b)
	if err != nil {
		return false, false, fmt.Errorf("find circle shown: %w", err)
	}
	return a > 0, b > 0, nil
}

// FindOptInPrograms lists orgID's programs whose opt-in is open at now.
func (db *DB) FindOptInPrograms(ctx context.Context, orgID string, now time.Time) ([]program.Program, error) {
	ps, err := db.FindPrograms(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []program.Program
	for _, p := range ps {
		if p.OptInOpen(now) {
			out = append(out, p)
		}
	}
	return out, nil
}
