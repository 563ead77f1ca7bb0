package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/people"
)

// userColumns are a person's columns as read everywhere. The password's
// hash is not among them: a directory, a session or a circle has no use for
// it, and it stays out of memory except where a password is checked
// (FindPasswordHash).
const userColumns = `u.id, u.org_id, u.email, u.name, u.role, u.status, u.timezone, u.department,
	COALESCE(u.manager_id, ''), u.level, u.version, u.deactivated_at, u.invitation_held, u.created_at, u.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (*account.User, error) {
	var u account.User
	err := s.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Status, &u.Timezone, &u.Department,
		&u.ManagerID, &u.Level, &u.Version, &u.DeactivatedAt, &u.InvitationHeld, &u.CreatedAt, &u.UpdatedAt)
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

// FindPasswordHash returns the hash of the password of person id of orgID,
// empty while they have none: signing in and changing a password check
// against it, and nothing else reads it.
func (db *DB) FindPasswordHash(ctx context.Context, orgID, id string) (string, error) {
	var hash string
	if err := db.queryRow(ctx, `SELECT u.password_hash FROM users u WHERE u.org_id = $1 AND u.id = $2`, orgID, id).Scan(&hash); err != nil {
		return "", fmt.Errorf("find password: %w", err)
	}
	return hash, nil
}

// FindUserByID finds a person in orgID.
func (db *DB) FindUserByID(ctx context.Context, orgID, id string) (*account.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.id = $2`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// UserFilter narrows FindUsers and CountUsers.
type UserFilter struct {
	// Query is what someone typed into a search: every word of it must
	// begin one of a person's search terms (people.SearchTerms).
	Query string
	// Department matches exactly when set.
	Department string
	// ManagerID, when set, lists that person's direct reports.
	ManagerID string
	// After and Before are keyset cursors, a person's id: the page starts
	// after them, or ends before them, in name order. At most one is set.
	After, Before string
	// Limit is the page size, 1 to MaxPage (0 means MaxPage).
	Limit int
	// WithDeactivated includes deactivated people, whom a list leaves out
	// by default.
	WithDeactivated bool
}

// MaxPage is the most people one call of FindUsers returns.
const MaxPage = 500

// where is f's condition on users u, with args from $1 (the organisation)
// on, and the tables it reads (from). A search reads the people whose
// terms match every word first, and looks each of them up: walking the
// organisation in name order to find the few who match would read it all.
// SQLite keeps the order of a CROSS JOIN; PostgreSQL plans it as any join.
func (f UserFilter) where(orgID string) (from, cond string, args []any) {
	from = "users u"
	where := []string{"u.org_id = $1"}
	args = []any{orgID}
	var match []string
	for _, w := range people.QueryWords(f.Query) {
		args = append(args, w, w+"\U0010FFFF")
		match = append(match, fmt.Sprintf(
			"SELECT DISTINCT t.user_id FROM user_terms t WHERE t.org_id = $1 AND t.term >= $%d AND t.term < $%d", len(args)-1, len(args)))
	}
	if len(match) > 0 {
		from = "(" + strings.Join(match, " INTERSECT ") + ") q CROSS JOIN users u"
		where = append(where, "u.id = q.user_id")
	}
	if f.Department != "" {
		args = append(args, f.Department)
		where = append(where, fmt.Sprintf("u.department = $%d", len(args)))
	}
	if f.ManagerID != "" {
		args = append(args, f.ManagerID)
		where = append(where, fmt.Sprintf("u.manager_id = $%d", len(args)))
	}
	if !f.WithDeactivated {
		where = append(where, "u.deactivated_at IS NULL")
	}
	return from, strings.Join(where, " AND "), args
}

// FindUsers lists one page of the people of orgID who match f, ordered by
// name (then id, so the order is total), and whether more follow in the
// direction of the page: after it, or before it when f.Before is set. It
// reads the page from an index and no more.
func (db *DB) FindUsers(ctx context.Context, orgID string, f UserFilter) (users []account.User, more bool, err error) {
	from, cond, args := f.where(orgID)
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	order := "ASC"
	if cursor, op := cmp.Or(f.After, f.Before), cmp.Or(ifSet(f.After, ">"), ifSet(f.Before, "<")); cursor != "" {
		var name string
		if err := db.queryRow(ctx, `SELECT LOWER(name) FROM users WHERE org_id = $1 AND id = $2`, orgID, cursor).Scan(&name); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("find users: %w", err)
		}
		args = append(args, name, cursor)
		cond += fmt.Sprintf(" AND (LOWER(u.name) %[3]s $%[1]d OR (LOWER(u.name) = $%[1]d AND u.id %[3]s $%[2]d))", len(args)-1, len(args), op)
		if f.Before != "" {
			order = "DESC"
		}
	}
	args = append(args, limit+1)
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM `+from+` WHERE `+cond+
		fmt.Sprintf(` ORDER BY LOWER(u.name) %[1]s, u.id %[1]s LIMIT $%[2]d`, order, len(args)), args...)
	if err != nil {
		return nil, false, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, false, fmt.Errorf("scan user: %w", err)
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("find users: %w", db.d.mapErr(err))
	}
	if more = len(users) > limit; more {
		users = users[:limit]
	}
	if f.Before != "" {
		slices.Reverse(users)
	}
	return users, more, nil
}

func ifSet(s, v string) string {
	if s == "" {
		return ""
	}
	return v
}

// CountUsers counts the people of orgID who match f (its cursors and
// limit aside): everyone, or a department, from the counts that triggers
// keep; a search or a manager's reports from indexes.
func (db *DB) CountUsers(ctx context.Context, orgID string, f UserFilter) (int, error) {
	if len(people.QueryWords(f.Query)) == 0 && f.ManagerID == "" {
		var n, gone int
		if f.Department == "" {
			c, err := db.CountPeople(ctx, orgID)
			if err != nil {
				return 0, err
			}
			n = c.People
			if !f.WithDeactivated {
				gone = c.Left
			}
			return n - gone, nil
		}
		err := db.queryRow(ctx, `SELECT people FROM org_departments WHERE org_id = $1 AND name = $2`, orgID, f.Department).Scan(&n)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return 0, fmt.Errorf("count users: %w", err)
		}
		if !f.WithDeactivated {
			// Leavers are few: the index of them is counted, not the department.
			err = db.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE u.org_id = $1 AND u.department = $2 AND u.deactivated_at IS NOT NULL`,
				orgID, f.Department).Scan(&gone)
		}
		return n - gone, err
	}
	from, cond, args := f.where(orgID)
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// CountReports counts the direct reports of each of ids in orgID who are
// still with it, as a list of them shows them; people without reports are
// left out.
func (db *DB) CountReports(ctx context.Context, orgID string, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID}, ids)
	rows, err := db.query(ctx, `SELECT manager_id, COUNT(*) FROM users WHERE org_id = $1 AND manager_id IN (`+
		in+`) AND deactivated_at IS NULL GROUP BY manager_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("count reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count reports: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// FindRoots lists up to limit people of orgID who have no manager and are
// still with it, by name, and how many there are.
func (db *DB) FindRoots(ctx context.Context, orgID string, limit int) ([]account.User, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = $1 AND manager_id IS NULL AND deactivated_at IS NULL`, orgID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find roots: %w", err)
	}
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.manager_id IS NULL AND u.deactivated_at IS NULL
		ORDER BY LOWER(u.name), u.id LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("find roots: %w", err)
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find roots: %w", err)
		}
		out = append(out, *u)
	}
	return out, total, db.d.mapErr(rows.Err())
}

// managerChainQuery lists the managers of $2 in $1, nearest first. Each
// step looks the next manager up in a subquery rather than joining users:
// for a join, SQLite builds a Bloom filter of every person of the
// organisation first, at each step. The step past the top yields a null
// id, which ends the walk and joins no one. The chain, a few rows, leads
// the join (CROSS JOIN keeps SQLite to that order): SQLite cannot tell
// how long it is, and may otherwise read everyone and look each up in it.
const managerChainQuery = `WITH RECURSIVE up (id, depth) AS (
		SELECT manager_id, 1 FROM users WHERE org_id = $1 AND id = $2 AND manager_id IS NOT NULL
		UNION ALL
		SELECT (SELECT m.manager_id FROM users m WHERE m.org_id = $1 AND m.id = up.id), up.depth + 1 FROM up
		WHERE up.id IS NOT NULL AND up.depth < 64)
	SELECT ` + userColumns + ` FROM up CROSS JOIN users u WHERE u.org_id = $1 AND u.id = up.id ORDER BY up.depth`

// FindManagerChain returns id's managers, nearest first, up to the top of
// the organisation, in one query that walks the manager index. The walk
// stops at a depth no real organisation reaches, so a loop in the data
// cannot spin.
func (db *DB) FindManagerChain(ctx context.Context, orgID, id string) ([]account.User, error) {
	return db.findUserList(ctx, "find manager chain", managerChainQuery, orgID, id)
}

// findUserList runs q, which selects userColumns, and returns the people
// it reads in its order; what names the read in an error.
func (db *DB) findUserList(ctx context.Context, what, q string, args ...any) ([]account.User, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *u)
	}
	return out, db.d.mapErr(rows.Err())
}

// FindReportingLines maps every person of orgID to their manager's id (""
// for none): the matching engine's hard rule keeps anyone out of a circle
// with someone above them, however far up, so it needs the whole tree, and
// this reads it from an index without the rest of each row.
func (db *DB) FindReportingLines(ctx context.Context, orgID string) (map[string]string, error) {
	rows, err := db.query(ctx, `SELECT id, COALESCE(manager_id, '') FROM users WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find reporting lines: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, manager string
		if err := rows.Scan(&id, &manager); err != nil {
			return nil, fmt.Errorf("find reporting lines: %w", err)
		}
		out[id] = manager
	}
	return out, db.d.mapErr(rows.Err())
}

// FindAdmins lists the active admins of orgID.
func (db *DB) FindAdmins(ctx context.Context, orgID string) ([]account.User, error) {
	m, err := db.findUserMap(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.role = 'admin' AND u.status = 'active'`, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]account.User, 0, len(m))
	for _, u := range m {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b account.User) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// PeopleCount is how many people an organisation has, as triggers keep
// it (org_people), read with its leavers and departments in one query.
type PeopleCount struct {
	// People counts everyone, leavers included; Left the leavers.
	People, Left int
	// Invited counts the invitations sent and not yet taken up by people
	// still with the organisation; Held those held until a program opens.
	Invited, Held int
	// Departments counts the departments people are in.
	Departments int
}

// CountPeople counts the people of orgID and their invitations, from the
// counts that triggers keep (org_people), its leavers from their own
// index and its departments from org_departments.
func (db *DB) CountPeople(ctx context.Context, orgID string) (PeopleCount, error) {
	var c PeopleCount
	err := db.queryRow(ctx, `SELECT p.people, p.invited, p.held,
			(SELECT COUNT(*) FROM users u WHERE u.org_id = p.org_id AND u.deactivated_at IS NOT NULL),
			(SELECT COUNT(*) FROM org_departments d WHERE d.org_id = p.org_id)
		FROM org_people p WHERE p.org_id = $1`, orgID).Scan(&c.People, &c.Invited, &c.Held, &c.Left, &c.Departments)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PeopleCount{}, fmt.Errorf("count people: %w", err)
	}
	return c, nil
}

// FindUsersByIDs returns those of ids who are people of orgID, by id. It
// is for the few people a page names (a page's managers): each id is a
// parameter of the query.
func (db *DB) FindUsersByIDs(ctx context.Context, orgID string, ids []string) (map[string]account.User, error) {
	if len(ids) == 0 {
		return map[string]account.User{}, nil
	}
	args, in := inList([]any{orgID}, ids)
	return db.findUserMap(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND u.id IN (`+in+`)`, args...)
}

// FindUserNames returns the names of the people of orgID with these ids,
// by id: lists that name someone beside each row (a manager) read two
// columns of each, not the whole account.
func (db *DB) FindUserNames(ctx context.Context, orgID string, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	args, in := inList([]any{orgID}, ids)
	out, err := db.queryNames(ctx, `SELECT u.id, u.name FROM users u WHERE u.org_id = $1 AND u.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find user names: %w", err)
	}
	return out, nil
}

// queryNames reads the (id, name) pairs q selects into a map by id.
func (db *DB) queryNames(ctx context.Context, q string, args ...any) (map[string]string, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, db.d.mapErr(rows.Err())
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

// FindDepartments lists the departments in use in orgID.
func (db *DB) FindDepartments(ctx context.Context, orgID string) ([]string, error) {
	out, err := db.queryStrings(ctx, `SELECT name FROM org_departments WHERE org_id = $1 ORDER BY name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find departments: %w", err)
	}
	return out, nil
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
	if up.Name != nil {
		name := strings.TrimSpace(*up.Name)
		up.Name = &name
	}
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		// A field left nil keeps what is stored as this applies, not what
		// was read before: two edits at once of different fields both hold.
		// Raising the version refuses an admin's change decided on the
		// person as they were.
		res, err := tx.exec(ctx, `UPDATE users SET name = COALESCE($1, name), timezone = COALESCE($2, timezone), version = version + 1, updated_at = $3
			WHERE org_id = $4 AND id = $5`, up.Name, up.Timezone, tx.now, orgID, id)
		if err := guarded(res, err); err != nil {
			if errors.Is(err, ErrConflict) {
				return ErrNotFound
			}
			return err
		}
		if u, err = findUserTx(ctx, tx, orgID, id); err != nil {
			return err
		}
		return indexUser(ctx, tx, u)
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
			if err := keepAnAdmin(ctx, tx, orgID, "role"); err != nil {
				return err
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

// ChangePassword replaces id's password hash oldHash, the one the current
// password was checked against, with newHash, signs out every other
// session, revokes every personal access token, and enqueues msg, the
// email that says so. If the password changed since oldHash was read it
// changes nothing and returns ErrConflict: the current password given is
// no longer current.
func (db *DB) ChangePassword(ctx context.Context, orgID, id, keepSessionID, oldHash, newHash string, msg Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := guarded(tx.exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE org_id = $3 AND id = $4 AND password_hash = $5`,
			newHash, tx.now, orgID, id, oldHash)); err != nil {
			return err
		}
		if err := endCredentials(ctx, tx, orgID, id, keepSessionID); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, msg)
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
	_, err := tx.exec(ctx, `INSERT INTO users (id, org_id, email, name, role, status, timezone, department, manager_id, level, password_hash,
			invitation_held, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		u.ID, u.OrgID, u.Email, u.Name, u.Role, u.Status, u.Timezone, u.Department, manager, u.Level, u.PasswordHash,
		u.InvitationHeld, u.CreatedAt, u.UpdatedAt)
	if errors.Is(err, ErrConflict) {
		return fault.Fields(map[string]string{"email": fmt.Sprintf("%s already has a Holdspace account.", u.Email)})
	}
	if err != nil {
		return err
	}
	return indexUser(ctx, tx, u)
}

// indexUser writes u's search terms afresh; every change to a name, an
// address or a department calls it in the same transaction.
func indexUser(ctx context.Context, tx *Tx, u *account.User) error {
	if _, err := tx.exec(ctx, `DELETE FROM user_terms WHERE org_id = $1 AND user_id = $2`, u.OrgID, u.ID); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	terms := people.SearchTerms(u.Name, u.Email, u.Department)
	if len(terms) == 0 {
		return nil
	}
	args := []any{u.OrgID, u.ID}
	rows := make([]string, len(terms))
	for i, t := range terms {
		args = append(args, t)
		rows[i] = fmt.Sprintf("($1, $%d, $2)", i+3)
	}
	if _, err := tx.exec(ctx, `INSERT INTO user_terms (org_id, term, user_id) VALUES `+strings.Join(rows, ", "), args...); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	return nil
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

// indexEveryone writes the search terms of every person in every
// organisation.
func indexEveryone(ctx context.Context, tx *Tx) error {
	rows, err := tx.query(ctx, `SELECT id, org_id, name, email, department FROM users`)
	if err != nil {
		return err
	}
	var all []*account.User
	for rows.Next() {
		var u account.User
		if err := rows.Scan(&u.ID, &u.OrgID, &u.Name, &u.Email, &u.Department); err != nil {
			rows.Close()
			return err
		}
		all = append(all, &u)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, u := range all {
		if err := indexUser(ctx, tx, u); err != nil {
			return err
		}
	}
	return nil
}

// insertBatch is how many people one INSERT writes: a large import is a
// few dozen statements, each well under either engine's limit on
// parameters.
const insertBatch = 250

// insertUsers writes many new people, checked by the caller, with their
// search terms, a batch per statement. Managers are written before the
// people who report to them, as each batch's references must exist.
func insertUsers(ctx context.Context, tx *Tx, users []*account.User) error {
	depth := make(map[string]int, len(users))
	byID := make(map[string]*account.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	var depthOf func(u *account.User) int
	depthOf = func(u *account.User) int {
		if d, ok := depth[u.ID]; ok {
			return d
		}
		depth[u.ID] = 0 // reporting lines among new people do not loop: the preview refused that
		if m, ok := byID[u.ManagerID]; ok {
			depth[u.ID] = depthOf(m) + 1
		}
		return depth[u.ID]
	}
	ordered := slices.Clone(users)
	for _, u := range ordered {
		depthOf(u)
	}
	slices.SortStableFunc(ordered, func(a, b *account.User) int { return cmp.Compare(depth[a.ID], depth[b.ID]) })
	for batch := range slices.Chunk(ordered, insertBatch) {
		args := make([]any, 0, len(batch)*12)
		values := make([]string, len(batch))
		for i, u := range batch {
			u.CreatedAt, u.UpdatedAt = tx.now, tx.now
			n := len(args)
			args = append(args, u.ID, u.OrgID, u.Email, u.Name, u.Role, u.Status, u.Timezone, u.Department,
				nullable(u.ManagerID), u.Level, u.InvitationHeld, tx.now)
			values[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, '', $%d, $%d, $%[12]d)",
				n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12)
		}
		if _, err := tx.exec(ctx, `INSERT INTO users (id, org_id, email, name, role, status, timezone, department, manager_id, level,
			password_hash, invitation_held, created_at, updated_at) VALUES `+strings.Join(values, ", "), args...); err != nil {
			return err
		}
	}
	var terms []any
	flush := func() error {
		if len(terms) == 0 {
			return nil
		}
		values := make([]string, len(terms)/3)
		for i := range values {
			values[i] = fmt.Sprintf("($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
		}
		_, err := tx.exec(ctx, `INSERT INTO user_terms (org_id, term, user_id) VALUES `+strings.Join(values, ", "), terms...)
		terms = terms[:0]
		return err
	}
	for _, u := range ordered {
		for _, t := range people.SearchTerms(u.Name, u.Email, u.Department) {
			terms = append(terms, u.OrgID, t, u.ID)
		}
		if len(terms) >= 3*4*insertBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("index people: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("index people: %w", err)
	}
	return nil
}

// takenEmails returns those of users' addresses that already have an
// account, in any organisation, a batch of addresses per query.
func takenEmails(ctx context.Context, tx *Tx, users []*account.User) (map[string]bool, error) {
	taken := map[string]bool{}
	for batch := range slices.Chunk(users, insertBatch) {
		args := make([]any, len(batch))
		marks := make([]string, len(batch))
		for i, u := range batch {
			args[i], marks[i] = u.Email, fmt.Sprintf("$%d", i+1)
		}
		rows, err := tx.query(ctx, `SELECT email FROM users WHERE email IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return nil, err
			}
			taken[e] = true
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	return taken, nil
}
