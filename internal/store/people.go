package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// ErrPersonChanged refuses a change to a person decided on a version that
// another change has replaced since.
var ErrPersonChanged = fault.Wrap(fault.Conflict, "Someone else changed this person meanwhile. Reload the page and try again.", ErrConflict)

// PersonChange is everything an admin sets on a person at once.
type PersonChange struct {
	Name, Department, ManagerID, Timezone string
	Level                                 int
	Role                                  account.Role
}

// Validate checks the change as an import checks a row.
func (c PersonChange) Validate() error {
	var v account.Validator
	account.CheckName(&v, "name", c.Name)
	account.CheckDepartment(&v, "department", c.Department)
	account.CheckLevel(&v, "level", c.Level)
	account.CheckTimezone(&v, "timezone", c.Timezone)
	if !c.Role.Valid() {
		v.Add("role", "Choose member or admin.")
	}
	return v.Err()
}

// UpdatePerson applies c to the person id of orgID if they are still at
// version, the version c was decided on. A manager must be a person of
// the organisation who does not, however far up, report to id; the last
// admin stays one.
func (db *DB) UpdatePerson(ctx context.Context, orgID, id string, version int, c PersonChange) (*account.User, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		if u.Version != version {
			return ErrPersonChanged
		}
		if c.ManagerID != "" && c.ManagerID != u.ManagerID {
			if err := checkReportingLine(ctx, tx, orgID, id, c.ManagerID); err != nil {
				return err
			}
		}
		if u.Role == account.RoleAdmin && c.Role != account.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, orgID, "role"); err != nil {
				return err
			}
		}
		u.Name, u.Department, u.ManagerID = strings.TrimSpace(c.Name), strings.TrimSpace(c.Department), c.ManagerID
		u.Timezone, u.Level, u.Role, u.UpdatedAt = c.Timezone, c.Level, c.Role, tx.now
		if err := updatePersonTx(ctx, tx, u, version); err != nil {
			return err
		}
		return indexUser(ctx, tx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("update person: %w", err)
	}
	return u, nil
}

// updatePersonTx writes u's editable fields if the row is still at
// version, and raises the version.
func updatePersonTx(ctx context.Context, tx *Tx, u *account.User, version int) error {
	res, err := tx.exec(ctx, `UPDATE users SET name = $1, department = $2, manager_id = $3, timezone = $4, level = $5, role = $6,
		version = version + 1, updated_at = $7 WHERE org_id = $8 AND id = $9 AND version = $10`,
		u.Name, u.Department, nullable(u.ManagerID), u.Timezone, u.Level, u.Role, tx.now, u.OrgID, u.ID, version)
	if err != nil {
		return err
	}
	if mustAffect(res) != nil {
		return ErrPersonChanged
	}
	u.Version = version + 1
	return nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// checkReportingLine refuses managerID as id's manager when they are not a
// person of orgID, or when they report to id, however far up: the line
// would loop.
func checkReportingLine(ctx context.Context, tx *Tx, orgID, id, managerID string) error {
	if managerID == id {
		return fault.Field("manager_id", "Nobody can be their own manager.")
	}
	if err := checkManager(ctx, tx, orgID, managerID); err != nil {
		return err
	}
	// Two edits that each close half a loop (a reports to b, b to a) would
	// each read a line without the other's change; changes of manager in an
	// organisation take its lock, so the second reads the first's.
	if err := lockOrg(ctx, tx, orgID); err != nil {
		return err
	}
	rows, err := tx.query(ctx, managerChainQuery, orgID, managerID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return err
		}
		if u.ID == id {
			return fault.Field("manager_id", "This manager reports to this person, directly or further down: the reporting line would loop.")
		}
	}
	return rows.Err()
}

// keepAnAdmin refuses a change that would leave orgID without an active
// admin, naming field.
func keepAnAdmin(ctx context.Context, tx *Tx, orgID, field string) error {
	if err := lockOrg(ctx, tx, orgID); err != nil {
		return err
	}
	var admins int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin' AND deactivated_at IS NULL`, orgID).Scan(&admins); err != nil {
		return err
	}
	if admins <= 1 {
		return fault.Field(field, "An organisation needs at least one admin.")
	}
	return nil
}

// lockOrg takes orgID's row lock on PostgreSQL (SQLite's single writer
// serialises anyway) for a rule about the organisation as a whole, such as
// keeping an admin: two admins stepping down at once each count the other
// as staying, unless the second counts only after the first committed.
func lockOrg(ctx context.Context, tx *Tx, orgID string) error {
	return guarded(tx.exec(ctx, `UPDATE orgs SET name = name WHERE id = $1`, orgID))
}

// DeactivatePerson deactivates the person id of orgID if they are still at
// version: they are signed out everywhere, their access tokens and links
// stop working, and a held invitation is dropped. Everything they did
// stays.
func (db *DB) DeactivatePerson(ctx context.Context, orgID, id string, version int) (*account.User, error) {
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		if u.Version != version || u.Deactivated() {
			return ErrPersonChanged
		}
		if u.Role == account.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, orgID, "user"); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE users SET deactivated_at = $1, invitation_held = FALSE, version = version + 1, updated_at = $1
			WHERE org_id = $2 AND id = $3 AND version = $4 AND deactivated_at IS NULL`, tx.now, orgID, id, version)
		if err != nil {
			return err
		}
		if mustAffect(res) != nil {
			return ErrPersonChanged
		}
		if err := countLeaver(ctx, tx, orgID, id, -1); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM sessions WHERE org_id = $1 AND user_id = $2`,
			`DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2`,
			`DELETE FROM user_links WHERE org_id = $1 AND user_id = $2`,
		} {
			if _, err := tx.exec(ctx, q, orgID, id); err != nil {
				return err
			}
		}
		now := tx.now
		u.DeactivatedAt, u.InvitationHeld, u.Version, u.UpdatedAt = &now, false, version+1, now
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deactivate person: %w", err)
	}
	return u, nil
}

// ReactivatePerson lets a deactivated person of orgID back in, if they are
// still at version: someone who had joined signs in again with their
// password; someone invited needs a new invitation, which inv carries.
func (db *DB) ReactivatePerson(ctx context.Context, orgID, id string, version int, inv *Invite) (*account.User, error) {
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		if u.Version != version || !u.Deactivated() {
			return ErrPersonChanged
		}
		res, err := tx.exec(ctx, `UPDATE users SET deactivated_at = NULL, version = version + 1, updated_at = $1
			WHERE org_id = $2 AND id = $3 AND version = $4 AND deactivated_at IS NOT NULL`, tx.now, orgID, id, version)
		if err != nil {
			return err
		}
		if mustAffect(res) != nil {
			return ErrPersonChanged
		}
		if err := countLeaver(ctx, tx, orgID, id, 1); err != nil {
			return err
		}
		u.DeactivatedAt, u.Version, u.UpdatedAt = nil, version+1, tx.now
		if u.Status != account.StatusInvited || inv == nil {
			return nil
		}
		if err := createLink(ctx, tx, orgID, id, account.PurposeInvite, inv.TokenHash); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, inv.Mail)
	})
	if err != nil {
		return nil, fmt.Errorf("reactivate person: %w", err)
	}
	return u, nil
}

// FindCircleIDsOf lists the circles the person userID is an active member
// of, in formed (active) circles.
func (db *DB) FindCircleIDsOf(ctx context.Context, orgID, userID string) ([]string, error) {
	out, err := db.queryStrings(ctx, `SELECT m.circle_id FROM circle_members m JOIN circles c ON c.org_id = m.org_id AND c.id = m.circle_id
		WHERE m.org_id = $1 AND m.user_id = $2 AND c.status = 'active' ORDER BY m.circle_id`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find circles of: %w", err)
	}
	return out, nil
}

// CountHeld counts the people of orgID whose invitations are held.
func (db *DB) CountHeld(ctx context.Context, orgID string) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE u.org_id = $1 AND u.invitation_held`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count held: %w", err)
	}
	return n, nil
}

// FindHeld lists up to limit people of orgID whose invitations are held,
// in departments (any department when empty).
func (db *DB) FindHeld(ctx context.Context, orgID string, departments []string, limit int) ([]account.User, error) {
	args := []any{orgID, limit}
	cond := ""
	if len(departments) > 0 {
		var in string
		args, in = inList(args, departments)
		cond = ` AND u.department IN (` + in + `)`
	}
	return db.findUserList(ctx, "find held", `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.invitation_held AND u.deactivated_at IS NULL`+cond+
		` ORDER BY u.department, u.id LIMIT $2`, args...)
}

// ReleaseHeld sends the held invitations of the people invites names (by
// id), each only if it is still held, in one transaction: of two releases
// at once, each person is invited by one. It returns how many were sent.
func (db *DB) ReleaseHeld(ctx context.Context, orgID string, invites map[string]Invite) (int, error) {
	sent := 0
	err := db.inTx(ctx, func(tx *Tx) error {
		sent = 0
		for id, inv := range invites {
			res, err := tx.exec(ctx, `UPDATE users SET invitation_held = FALSE, updated_at = $1
				WHERE org_id = $2 AND id = $3 AND invitation_held AND deactivated_at IS NULL`, tx.now, orgID, id)
			if err != nil {
				return err
			}
			if err := mustAffect(res); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if err := createLink(ctx, tx, orgID, id, account.PurposeInvite, inv.TokenHash); err != nil {
				return err
			}
			if err := db.enqueue(ctx, tx, inv.Mail); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("release held: %w", err)
	}
	return sent, nil
}
