package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

const userColumns = `u.id, u.org_id, u.email, u.name, u.role, u.status, u.timezone, u.department,
	COALESCE(u.manager_id, ''), u.level, u.password_hash, u.created_at, u.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (*account.User, error) {
	var u account.User
	err := s.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Status, &u.Timezone, &u.Department,
		&u.ManagerID, &u.Level, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// FindUserByEmail finds the account with this address in any organisation.
// It serves sign-in and password reset, which come before any organisation
// is known.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*account.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`,
		account.NormalizeEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("find user by email: %w", err)
	}
	return u, nil
}

// FindUserByID finds a person in orgID.
func (db *DB) FindUserByID(ctx context.Context, orgID, id string) (*account.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.id = $2`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// UserFilter narrows FindUsers.
type UserFilter struct {
	// Query matches name, email or department, case-insensitively.
	Query string
	// Department matches exactly when set.
	Department string
	// ManagerID, when set, lists that person's direct reports.
	ManagerID string
	Limit     int
	Offset    int
}

// FindUsers lists the people of orgID ordered by name, with the total
// number that match the filter.
func (db *DB) FindUsers(ctx context.Context, orgID string, f UserFilter) ([]account.User, int, error) {
	where := []string{"u.org_id = $1"}
	args := []any{orgID}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(q))+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(LOWER(u.name) LIKE $%d ESCAPE '\' OR u.email LIKE $%d ESCAPE '\' OR LOWER(u.department) LIKE $%d ESCAPE '\')`, n, n, n))
	}
	if f.Department != "" {
		args = append(args, f.Department)
		where = append(where, fmt.Sprintf("u.department = $%d", len(args)))
	}
	if f.ManagerID != "" {
		args = append(args, f.ManagerID)
		where = append(where, fmt.Sprintf("u.manager_id = $%d", len(args)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	args = append(args, limit, max(f.Offset, 0))
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users u WHERE `+cond+
		fmt.Sprintf(` ORDER BY LOWER(u.name), u.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var users []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan user: %w", err)
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find users: %w", db.d.mapErr(err))
	}
	return users, total, nil
}

// CountPeople counts the people of orgID, and those of them invited who
// have not yet joined, without reading them.
func (db *DB) CountPeople(ctx context.Context, orgID string) (total, invited int, err error) {
	err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'invited' THEN 1 ELSE 0 END), 0) FROM users WHERE org_id = $1`,
		orgID).Scan(&total, &invited)
	if err != nil {
		return 0, 0, fmt.Errorf("count people: %w", err)
	}
	return total, invited, nil
}

// FindUsersByIDs returns those of ids who are people of orgID, by id. It
// is for the few people a page names (a page's managers): each id is a
// parameter of the query.
func (db *DB) FindUsersByIDs(ctx context.Context, orgID string, ids []string) (map[string]account.User, error) {
	if len(ids) == 0 {
		return map[string]account.User{}, nil
	}
	args := []any{orgID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	return db.findUserMap(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.id IN (`+strings.Join(marks, ", ")+`)`, args...)
}

// FindOptedInUsers returns the people who opted in to programID, by id.
func (db *DB) FindOptedInUsers(ctx context.Context, orgID, programID string) (map[string]account.User, error) {
	return db.findUserMap(ctx, `SELECT `+userColumns+` FROM users u
		WHERE u.org_id = $1 AND u.id IN (SELECT o.user_id FROM opt_ins o WHERE o.org_id = $1 AND o.program_id = $2)`, orgID, programID)
}

func (db *DB) findUserMap(ctx context.Context, q string, args ...any) (map[string]account.User, error) {
	out := map[string]account.User{}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("find users: %w", err)
		}
		out[u.ID] = *u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find users: %w", db.d.mapErr(err))
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindDepartments lists the departments in use in orgID.
func (db *DB) FindDepartments(ctx context.Context, orgID string) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT department FROM users WHERE org_id = $1 AND department <> '' ORDER BY department`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find departments: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// UserUpdate changes a person's own profile; nil fields stay as they are.
type UserUpdate struct {
	Name     *string
	Timezone *string
}

// Validate checks the fields that are set.
func (up UserUpdate) Validate() error {
	var v account.Validator
	if up.Name != nil {
		account.CheckName(&v, "name", *up.Name)
	}
	if up.Timezone != nil {
		account.CheckTimezone(&v, "timezone", *up.Timezone)
	}
	return v.Err()
}

// UpdateUser applies up to the person id in orgID.
func (db *DB) UpdateUser(ctx context.Context, orgID, id string, up UserUpdate) (*account.User, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		if up.Name != nil {
			u.Name = strings.TrimSpace(*up.Name)
		}
		if up.Timezone != nil {
			u.Timezone = *up.Timezone
		}
		u.UpdatedAt = tx.now
		_, err = tx.exec(ctx, `UPDATE users SET name = $1, timezone = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
			u.Name, u.Timezone, u.UpdatedAt, orgID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// UpdateUserRole makes id an admin or a member. An organisation always
// keeps at least one admin.
func (db *DB) UpdateUserRole(ctx context.Context, orgID, id string, role account.Role) (*account.User, error) {
	if !role.Valid() {
		return nil, fault.Fields(map[string]string{"role": "Choose member or admin."})
	}
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		if u.Role == account.RoleAdmin && role != account.RoleAdmin {
			var admins int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin'`, orgID).Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return fault.Fields(map[string]string{"role": "An organisation needs at least one admin."})
			}
		}
		u.Role, u.UpdatedAt = role, tx.now
		_, err = tx.exec(ctx, `UPDATE users SET role = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`, role, tx.now, orgID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update role: %w", err)
	}
	return u, nil
}

// ChangePassword sets a new password hash for id after checking the
// current password, and signs out every other session.
func (db *DB) ChangePassword(ctx context.Context, orgID, id, keepSessionID, newHash string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
			newHash, tx.now, orgID, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id <> $3`, orgID, id, keepSessionID)
		return err
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return nil
}

func findUserTx(ctx context.Context, tx *Tx, orgID, id string) (*account.User, error) {
	return scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.id = $2`, orgID, id))
}

// insertUser writes a new person; the caller has validated it.
func insertUser(ctx context.Context, tx *Tx, u *account.User) error {
	if u.ID == "" {
		u.ID = newID()
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	var manager sql.NullString
	if u.ManagerID != "" {
		manager = sql.NullString{String: u.ManagerID, Valid: true}
	}
	_, err := tx.exec(ctx, `INSERT INTO users (id, org_id, email, name, role, status, timezone, department, manager_id, level, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		u.ID, u.OrgID, u.Email, u.Name, u.Role, u.Status, u.Timezone, u.Department, manager, u.Level, u.PasswordHash, u.CreatedAt, u.UpdatedAt)
	if errors.Is(err, ErrConflict) {
		return fault.Fields(map[string]string{"email": fmt.Sprintf("%s already has a Holdspace account.", u.Email)})
	}
	return err
}

// checkManager verifies that managerID is a person in orgID.
func checkManager(ctx context.Context, tx *Tx, orgID, managerID string) error {
	if managerID == "" {
		return nil
	}
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM users WHERE org_id = $1 AND id = $2`, orgID, managerID).Scan(&one)
	if errors.Is(err, ErrNotFound) {
		return fault.Fields(map[string]string{"manager_id": "Choose a manager from this organisation."})
	}
	return err
}

func expired(t, now time.Time) bool { return !now.Before(t) }
