package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/people"
)

// FindOrgByID finds an organisation.
func (db *DB) FindOrgByID(ctx context.Context, id string) (*account.Org, error) {
	var o account.Org
	err := db.queryRow(ctx, `SELECT id, name, slug, created_at FROM orgs WHERE id = $1`, id).Scan(&o.ID, &o.Name, &o.Slug, &o.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("find org: %w", err)
	}
	return &o, nil
}

// FindOrgBySlug finds an organisation by its slug.
func (db *DB) FindOrgBySlug(ctx context.Context, slug string) (*account.Org, error) {
	var o account.Org
	err := db.queryRow(ctx, `SELECT id, name, slug, created_at FROM orgs WHERE slug = $1`, slug).Scan(&o.ID, &o.Name, &o.Slug, &o.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("find org: %w", err)
	}
	return &o, nil
}

// CreateSignup records a pending sign-up and emails its confirmation link.
func (db *DB) CreateSignup(ctx context.Context, s account.Signup, tokenHash string, msg Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO signups (token_hash, org_name, name, email, password_hash, timezone, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			tokenHash, s.OrgName, s.Name, s.Email, s.PasswordHash, s.Timezone, tx.now, tx.now.Add(account.SignupLifetime)); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return fmt.Errorf("create signup: %w", err)
	}
	return nil
}

// ErrLinkInvalid means an emailed link is unknown, used or expired. The
// three are not told apart, so a link reveals nothing.
var ErrLinkInvalid = &fault.Error{Kind: fault.LinkInvalid}

// ConfirmSignup creates the organisation and its first admin from a pending
// sign-up, once.
func (db *DB) ConfirmSignup(ctx context.Context, tokenHash string) (*account.User, error) {
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var s account.Signup
		var used *string
		err := tx.queryRow(ctx, `SELECT org_name, name, email, password_hash, timezone, expires_at, CAST(used_at AS TEXT)
			FROM signups WHERE token_hash = $1`, tokenHash).
			Scan(&s.OrgName, &s.Name, &s.Email, &s.PasswordHash, &s.Timezone, &s.ExpiresAt, &used)
		if errors.Is(err, ErrNotFound) || (err == nil && (used != nil || expired(s.ExpiresAt, tx.now))) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		// Two confirmations at once both read the link unused; only the
		// first to mark it used goes on.
		if err := guarded(tx.exec(ctx, `UPDATE signups SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`, tx.now, tokenHash)); err != nil {
			if errors.Is(err, ErrConflict) {
				return ErrLinkInvalid
			}
			return err
		}
		org, err := createOrg(ctx, tx, s.OrgName)
		if err != nil {
			return err
		}
		u = &account.User{OrgID: org.ID, Email: s.Email, Name: s.Name, Role: account.RoleAdmin,
			Status: account.StatusActive, Timezone: s.Timezone, PasswordHash: s.PasswordHash}
		if err := insertUser(ctx, tx, u); err != nil {
			// Someone took the address between sign-up and confirmation.
			return ErrLinkInvalid
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("confirm signup: %w", err)
	}
	return u, nil
}

// CreateOrg creates an organisation with its first admin and, optionally,
// active people (managers before their reports), in one transaction. The
// demo and tests use it.
func (db *DB) CreateOrg(ctx context.Context, name string, admin *account.User, others ...*account.User) (*account.Org, error) {
	var org *account.Org
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if org, err = createOrg(ctx, tx, name); err != nil {
			return err
		}
		admin.OrgID, admin.Role, admin.Status = org.ID, account.RoleAdmin, account.StatusActive
		if err := insertUser(ctx, tx, admin); err != nil {
			return err
		}
		for _, u := range others {
			u.OrgID = org.ID
			if err := checkManager(ctx, tx, org.ID, u.ManagerID); err != nil {
				return err
			}
			if err := insertUser(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create org: %w", err)
	}
	return org, nil
}

func createOrg(ctx context.Context, tx *Tx, name string) (*account.Org, error) {
	org := &account.Org{ID: newID(), Name: strings.TrimSpace(name), CreatedAt: tx.now}
	base := account.Slugify(name)
	org.Slug = base
	for i := 2; ; i++ {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE slug = $1`, org.Slug).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		org.Slug = fmt.Sprintf("%s-%d", base, i)
	}
	_, err := tx.exec(ctx, `INSERT INTO orgs (id, name, slug, created_at) VALUES ($1, $2, $3, $4)`, org.ID, org.Name, org.Slug, org.CreatedAt)
	return org, err
}

// CreateLink stores an emailed single-use link for a person and enqueues
// the email that carries it. Older unused links of the same purpose stop
// working.
func (db *DB) CreateLink(ctx context.Context, orgID, userID string, purpose account.Purpose, tokenHash string, msg Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := createLink(ctx, tx, orgID, userID, purpose, tokenHash); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return fmt.Errorf("create link: %w", err)
	}
	return nil
}

func createLink(ctx context.Context, tx *Tx, orgID, userID string, purpose account.Purpose, tokenHash string) error {
	lifetime := account.ResetLifetime
	if purpose == account.PurposeInvite {
		lifetime = account.InviteLifetime
	}
	if _, err := tx.exec(ctx, `UPDATE user_links SET used_at = $1 WHERE org_id = $2 AND user_id = $3 AND purpose = $4 AND used_at IS NULL`,
		tx.now, orgID, userID, purpose); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO user_links (token_hash, org_id, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		tokenHash, orgID, userID, purpose, tx.now, tx.now.Add(lifetime))
	return err
}

// FindLinkUser returns the person a valid, unused link belongs to, without
// using it up: the page that the link opens shows their name.
func (db *DB) FindLinkUser(ctx context.Context, tokenHash string, purpose account.Purpose) (*account.User, error) {
	var orgID, userID string
	var exp = db.Now()
	var used *string
	err := db.queryRow(ctx, `SELECT org_id, user_id, expires_at, CAST(used_at AS TEXT) FROM user_links WHERE token_hash = $1 AND purpose = $2`,
		tokenHash, purpose).Scan(&orgID, &userID, &exp, &used)
	if errors.Is(err, ErrNotFound) || (err == nil && (used != nil || expired(exp, db.Now()))) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("find link: %w", err)
	}
	return db.FindUserByID(ctx, orgID, userID)
}

// useLink marks a valid link used and returns its person.
func useLink(ctx context.Context, tx *Tx, tokenHash string, purpose account.Purpose) (*account.User, error) {
	var orgID, userID string
	var exp = tx.now
	var used *string
	err := tx.queryRow(ctx, `SELECT org_id, user_id, expires_at, CAST(used_at AS TEXT) FROM user_links WHERE token_hash = $1 AND purpose = $2`,
		tokenHash, purpose).Scan(&orgID, &userID, &exp, &used)
	if errors.Is(err, ErrNotFound) || (err == nil && (used != nil || expired(exp, tx.now))) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	// Two uses at once both read the link unused; only the first to mark it
	// used goes on, and the other finds it used, as it would a moment later.
	if err := guarded(tx.exec(ctx, `UPDATE user_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`, tx.now, tokenHash)); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, ErrLinkInvalid
		}
		return nil, err
	}
	return findUserTx(ctx, tx, orgID, userID)
}

// ResetPassword uses a reset link to set a new password, signs out every
// session of that person and revokes every personal access token: whoever
// knew the old password may have made either. notice builds the email
// that tells the person so, enqueued in the same transaction.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, newHash string, notice func(*account.User) Job) (*account.User, error) {
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = useLink(ctx, tx, tokenHash, account.PurposeReset); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, status = 'active', updated_at = $2 WHERE org_id = $3 AND id = $4`,
			newHash, tx.now, u.OrgID, u.ID); err != nil {
			return err
		}
		if err := endCredentials(ctx, tx, u.OrgID, u.ID, ""); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, notice(u))
	})
	if err != nil {
		return nil, fmt.Errorf("reset password: %w", err)
	}
	return u, nil
}

// endCredentials signs a person out of every session but keepSessionID
// (none when empty) and revokes every personal access token they made.
func endCredentials(ctx context.Context, tx *Tx, orgID, userID, keepSessionID string) error {
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id <> $3`, orgID, userID, keepSessionID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2`, orgID, userID)
	return err
}

// AcceptInvitation uses an invitation link: the person sets their name,
// time zone and password and becomes active.
func (db *DB) AcceptInvitation(ctx context.Context, tokenHash, name, timezone, passwordHash string) (*account.User, error) {
	var u *account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = useLink(ctx, tx, tokenHash, account.PurposeInvite); err != nil {
			return err
		}
		u.Name, u.Timezone, u.Status = name, timezone, account.StatusActive
		if _, err = tx.exec(ctx, `UPDATE users SET name = $1, timezone = $2, password_hash = $3, status = 'active', updated_at = $4 WHERE org_id = $5 AND id = $6`,
			name, timezone, passwordHash, tx.now, u.OrgID, u.ID); err != nil {
			return err
		}
		return indexUser(ctx, tx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("accept invitation: %w", err)
	}
	return u, nil
}

// Invite pairs the hash of a fresh invitation link with the email that
// carries it.
type Invite struct {
	TokenHash string
	Mail      Job
}

// InvitePerson adds one person to orgID and emails their invitation.
func (db *DB) InvitePerson(ctx context.Context, orgID string, p account.NewPerson, inv Invite) (*account.User, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	u := &account.User{OrgID: orgID, Email: p.Email, Name: p.Name, Role: p.Role, Status: account.StatusInvited,
		Timezone: p.Timezone, Department: strings.TrimSpace(p.Department), ManagerID: p.ManagerID, Level: p.Level}
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := checkManager(ctx, tx, orgID, p.ManagerID); err != nil {
			return err
		}
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
		if err := createLink(ctx, tx, orgID, u.ID, account.PurposeInvite, inv.TokenHash); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, inv.Mail)
	})
	if err != nil {
		return nil, fmt.Errorf("invite person: %w", err)
	}
	return u, nil
}

// ResendInvitation replaces an invited person's link with a new one.
func (db *DB) ResendInvitation(ctx context.Context, orgID, userID string, inv Invite) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		u, err := findUserTx(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		joined := fault.Fields(map[string]string{"user": u.Name + " has already joined."})
		if u.Status != account.StatusInvited {
			return joined
		}
		// Links first, then the person, in the order accepting takes
		// them, so that the two wait for each other rather than deadlock.
		if err := createLink(ctx, tx, orgID, userID, account.PurposeInvite, inv.TokenHash); err != nil {
			return err
		}
		// The status read above takes no lock: if the person accepted
		// their invitation meanwhile, no new link goes to someone who has
		// joined (it would set their password again).
		if err := guarded(tx.exec(ctx, `UPDATE users SET updated_at = $1 WHERE org_id = $2 AND id = $3 AND status = 'invited'`,
			tx.now, orgID, userID)); err != nil {
			if errors.Is(err, ErrConflict) {
				return joined
			}
			return err
		}
		return db.enqueue(ctx, tx, inv.Mail)
	})
	if err != nil {
		return fmt.Errorf("resend invitation: %w", err)
	}
	return nil
}

// ImportPeople applies a checked CSV import to orgID in one transaction:
// it adds the new rows' people, with their managers, and updates the
// changed rows' people, each only if still at the version the preview
// read (ErrPersonChanged otherwise). New people are emailed their
// invitation (invites, by address) unless hold is set, when their
// invitations wait for ReleaseHeld. If anything is wrong nothing is
// written.
func (db *DB) ImportPeople(ctx context.Context, orgID string, rows []people.Row, invites map[string]Invite, hold bool) ([]account.User, error) {
	var written []account.User
	err := db.inTx(ctx, func(tx *Tx) error {
		written = nil
		for _, r := range rows {
			if len(r.Problems) > 0 {
				return fault.Fields(map[string]string{
					fmt.Sprintf("line %d", r.Line): "This row has problems; fix them and import again."})
			}
		}
		existing, err := existingPeople(ctx, tx, orgID)
		if err != nil {
			return err
		}
		byEmail := make(map[string]string, len(existing)+len(rows))
		for _, e := range existing {
			byEmail[e.Email] = e.ID
		}
		// New people get their ids first, so that each is written once,
		// with their manager, in batches.
		users := make([]*account.User, len(rows))
		var added []*account.User
		for i, r := range rows {
			if r.Status != people.StatusNew {
				continue
			}
			if _, ok := invites[r.Email]; !hold && !ok {
				return fmt.Errorf("no invitation for line %d", r.Line)
			}
			users[i] = &account.User{ID: newID(), OrgID: orgID, Email: r.Email, Name: r.Name, Role: account.RoleMember,
				Status: account.StatusInvited, Timezone: r.Timezone, Department: r.Department, Level: r.Level, InvitationHeld: hold}
			byEmail[r.Email] = users[i].ID
			added = append(added, users[i])
		}
		managerOf := func(r people.Row) (string, error) {
			if r.ManagerEmail == "" {
				return "", nil
			}
			id, ok := byEmail[r.ManagerEmail]
			if !ok {
				return "", fault.Fields(map[string]string{
					fmt.Sprintf("line %d manager_email", r.Line): fmt.Sprintf("Unknown manager %q.", r.ManagerEmail)})
			}
			return id, nil
		}
		for i, r := range rows {
			if users[i] == nil {
				continue
			}
			if users[i].ManagerID, err = managerOf(r); err != nil {
				return err
			}
		}
		taken, err := takenEmails(ctx, tx, added)
		if err != nil {
			return err
		}
		if len(taken) > 0 {
			fields := map[string]string{}
			for _, r := range rows {
				if r.Status == people.StatusNew && taken[r.Email] {
					fields[fmt.Sprintf("line %d email", r.Line)] = fmt.Sprintf("%s already has a Holdspace account in another organisation.", r.Email)
				}
			}
			return fault.Fields(fields)
		}
		if err := insertUsers(ctx, tx, added); err != nil {
			return err
		}
		for i, r := range rows {
			switch r.Status {
			case people.StatusNew:
				if !hold {
					inv := invites[r.Email]
					if err := createLink(ctx, tx, orgID, users[i].ID, account.PurposeInvite, inv.TokenHash); err != nil {
						return err
					}
					if err := db.enqueue(ctx, tx, inv.Mail); err != nil {
						return err
					}
				}
				written = append(written, *users[i])
			case people.StatusChanged:
				u, err := findUserTx(ctx, tx, orgID, r.ID)
				if errors.Is(err, ErrNotFound) {
					return ErrPersonChanged
				}
				if err != nil {
					return err
				}
				managerID, err := managerOf(r)
				if err != nil {
					return err
				}
				u.Name, u.Department, u.ManagerID, u.Level, u.Timezone = r.Name, r.Department, managerID, r.Level, r.Timezone
				u.UpdatedAt = tx.now
				if err := updatePersonTx(ctx, tx, u, r.Version); err != nil {
					return fault.Wrap(fault.Conflict, fmt.Sprintf("%s was changed meanwhile (line %d). Upload the file again to see the changes as they are now.", r.Email, r.Line), err)
				}
				if err := indexUser(ctx, tx, u); err != nil {
					return err
				}
				written = append(written, *u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import people: %w", err)
	}
	return written, nil
}

// FindExistingPeople lists what a CSV import checks new rows against.
func (db *DB) FindExistingPeople(ctx context.Context, orgID string) ([]people.Existing, error) {
	rows, err := db.query(ctx, existingQuery, orgID)
	if err != nil {
		return nil, fmt.Errorf("find existing people: %w", err)
	}
	return scanExisting(rows)
}

const existingQuery = `SELECT id, email, COALESCE(manager_id, ''), name, department, timezone, level, version FROM users WHERE org_id = $1`

func existingPeople(ctx context.Context, tx *Tx, orgID string) ([]people.Existing, error) {
	rows, err := tx.query(ctx, existingQuery, orgID)
	if err != nil {
		return nil, err
	}
	return scanExisting(rows)
}

func scanExisting(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]people.Existing, error) {
	defer rows.Close()
	var out []people.Existing
	for rows.Next() {
		var e people.Existing
		if err := rows.Scan(&e.ID, &e.Email, &e.ManagerID, &e.Name, &e.Department, &e.Timezone, &e.Level, &e.Version); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
