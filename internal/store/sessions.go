package store

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
)

// sessionTouchEvery limits how often a session's last_seen is written, so
// that reading pages does not turn into a stream of writes.
const sessionTouchEvery = 5 * time.Minute

// CreateSession signs a person in; tokenHash is the hash of the cookie's
// secret.
func (db *DB) CreateSession(ctx context.Context, u *account.User, tokenHash, userAgent, ip string) (*account.Session, error) {
	s := &account.Session{ID: tokenHash, OrgID: u.OrgID, UserID: u.ID, UserAgent: truncate(userAgent, 300), IP: ip}
	err := db.inTx(ctx, func(tx *Tx) error {
		s.CreatedAt, s.LastSeen, s.ExpiresAt = tx.now, tx.now, tx.now.Add(account.SessionLifetime)
		_, err := tx.exec(ctx, `INSERT INTO sessions (id, org_id, user_id, created_at, expires_at, last_seen, user_agent, ip)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, s.OrgID, s.UserID, s.CreatedAt, s.ExpiresAt, s.LastSeen, s.UserAgent, s.IP)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return s, nil
}

// FindSession returns an unexpired session and its person. A session that
// is used is kept alive: its expiry slides forward.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*account.Session, *account.User, error) {
	// One read for the session, its person and their organisation: every
	// signed-in request starts here.
	var s account.Session
	var u account.User
	var o account.Org
	err := db.queryRow(ctx, `SELECT s.id, s.org_id, s.user_id, s.created_at, s.expires_at, s.last_seen, s.user_agent, s.ip, `+userColumns+`,
			o.id, o.name, o.slug, o.created_at
		FROM sessions s JOIN users u ON u.org_id = s.org_id AND u.id = s.user_id JOIN orgs o ON o.id = s.org_id WHERE s.id = $1`, tokenHash).
		Scan(&s.ID, &s.OrgID, &s.UserID, &s.CreatedAt, &s.ExpiresAt, &s.LastSeen, &s.UserAgent, &s.IP,
			&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Status, &u.Timezone, &u.Department,
			&u.ManagerID, &u.Level, &u.Version, &u.DeactivatedAt, &u.InvitationHeld, &u.CreatedAt, &u.UpdatedAt,
			&o.ID, &o.Name, &o.Slug, &o.CreatedAt)
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	now := db.Now()
	if expired(s.ExpiresAt, now) {
		return nil, nil, fmt.Errorf("find session: %w", ErrNotFound)
	}
	if u.Deactivated() {
		return nil, nil, fmt.Errorf("find session: %w", ErrNotFound)
	}
	if now.Sub(s.LastSeen) > sessionTouchEvery {
		s.LastSeen, s.ExpiresAt = now, now.Add(account.SessionLifetime)
		err := db.inTx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE id = $3`, s.LastSeen, s.ExpiresAt, s.ID)
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
	}
	s.Org = &o
	return &s, &u, nil
}

// FindSessions lists a person's signed-in sessions, newest first.
func (db *DB) FindSessions(ctx context.Context, orgID, userID string) ([]account.Session, error) {
	rows, err := db.query(ctx, `SELECT id, org_id, user_id, created_at, expires_at, last_seen, user_agent, ip FROM sessions
		WHERE org_id = $1 AND user_id = $2 AND expires_at > $3 ORDER BY last_seen DESC`, orgID, userID, db.Now())
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	defer rows.Close()
	var out []account.Session
	for rows.Next() {
		var s account.Session
		if err := rows.Scan(&s.ID, &s.OrgID, &s.UserID, &s.CreatedAt, &s.ExpiresAt, &s.LastSeen, &s.UserAgent, &s.IP); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteSession signs a session out. It is scoped to its person, so nobody
// can end another person's session by guessing.
func (db *DB) DeleteSession(ctx context.Context, orgID, userID, id string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id)
		if err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return mustAffect(res)
	})
}

// DeleteExpired removes sessions past their expiry, and sign-ups and
// links a week after theirs.
func (db *DB) DeleteExpired(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM signups WHERE expires_at <= $1`, tx.now.Add(-7*24*time.Hour)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM user_links WHERE expires_at <= $1`, tx.now.Add(-7*24*time.Hour))
		return err
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

type rowsAffected interface{ RowsAffected() (int64, error) }

func mustAffect(res rowsAffected) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateToken stores a personal access token's hash.
func (db *DB) CreateToken(ctx context.Context, u *account.User, name, prefix, tokenHash string) (*account.Token, error) {
	var v account.Validator
	account.CheckName(&v, "name", name)
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &account.Token{ID: newID(), OrgID: u.OrgID, UserID: u.ID, Name: name, Prefix: prefix}
	err := db.inTx(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		_, err := tx.exec(ctx, `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			t.ID, t.OrgID, t.UserID, t.Name, t.Prefix, tokenHash, t.CreatedAt)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// FindTokens lists a person's access tokens.
func (db *DB) FindTokens(ctx context.Context, orgID, userID string) ([]account.Token, error) {
	rows, err := db.query(ctx, `SELECT id, name, prefix, created_at, last_used_at FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	defer rows.Close()
	var out []account.Token
	for rows.Next() {
		t := account.Token{OrgID: orgID, UserID: userID}
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken revokes one of a person's tokens.
func (db *DB) DeleteToken(ctx context.Context, orgID, userID, id string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id)
		if err != nil {
			return fmt.Errorf("delete token: %w", err)
		}
		return mustAffect(res)
	})
}

// FindTokenUser returns the person a bearer token belongs to and notes its
// use (at most every few minutes).
func (db *DB) FindTokenUser(ctx context.Context, tokenHash string) (*account.User, error) {
	var id, orgID, userID string
	var last *time.Time
	err := db.queryRow(ctx, `SELECT id, org_id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1`, tokenHash).Scan(&id, &orgID, &userID, &last)
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	if now := db.Now(); last == nil || now.Sub(*last) > sessionTouchEvery {
		err := db.inTx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("touch token: %w", err)
		}
	}
	u, err := db.FindUserByID(ctx, orgID, userID)
	if err == nil && u.Deactivated() {
		return nil, fmt.Errorf("find token: %w", ErrNotFound)
	}
	return u, err
}
