package store

import (
	"context"
	"fmt"

	"github.com/holdspace/holdspace/internal/circle"
)

// --- calendar feeds ---

// FindCalendarFeed returns the org and person a feed token hash belongs to.
func (db *DB) FindCalendarFeed(ctx context.Context, tokenHash string) (orgID, userID string, err error) {
	err = db.queryRow(ctx, `SELECT org_id, user_id FROM calendar_feeds WHERE token_hash = $1`, tokenHash).Scan(&orgID, &userID)
	if err != nil {
		return "", "", fmt.Errorf("find calendar feed: %w", err)
	}
	return orgID, userID, nil
}

// HasCalendarFeed reports whether userID has a feed.
func (db *DB) HasCalendarFeed(ctx context.Context, orgID, userID string) (bool, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM calendar_feeds WHERE org_id = $1 AND user_id = $2`, orgID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("has calendar feed: %w", err)
	}
	return n > 0, nil
}

// CreateCalendarFeed gives userID a feed with tokenHash, replacing an
// earlier one: its address stops working.
func (db *DB) CreateCalendarFeed(ctx context.Context, orgID, userID, tokenHash string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO calendar_feeds (user_id, org_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			userID, orgID, tokenHash, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("create calendar feed: %w", err)
	}
	return nil
}

// DeleteCalendarFeed turns userID's feed off.
func (db *DB) DeleteCalendarFeed(ctx context.Context, orgID, userID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM calendar_feeds WHERE org_id = $1 AND user_id = $2`, orgID, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete calendar feed: %w", err)
	}
	return nil
}

// --- members-only space ---

// CreatePost adds a post to circleID's space.
func (db *DB) CreatePost(ctx context.Context, orgID, circleID string, p *circle.Post) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		p.ID, p.CreatedAt = newID(), tx.now
		_, err := tx.exec(ctx, `INSERT INTO circle_posts (id, org_id, circle_id, user_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, orgID, circleID, p.AuthorID, p.Body, p.CreatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("create post: %w", err)
	}
	return nil
}

// FindPosts lists circleID's latest posts, newest first.
func (db *DB) FindPosts(ctx context.Context, orgID, circleID string, limit int) ([]circle.Post, error) {
	rows, err := db.query(ctx, `SELECT p.id, COALESCE(p.user_id, ''), COALESCE(u.name, 'A former member'), p.body, p.created_at
		FROM circle_posts p LEFT JOIN users u ON u.id = p.user_id AND u.org_id = p.org_id
		WHERE p.org_id = $1 AND p.circle_id = $2 ORDER BY p.created_at DESC, p.id DESC LIMIT $3`, orgID, circleID, limit)
	if err != nil {
		return nil, fmt.Errorf("find posts: %w", err)
	}
	defer rows.Close()
	var out []circle.Post
	for rows.Next() {
		var p circle.Post
		if err := rows.Scan(&p.ID, &p.AuthorID, &p.AuthorName, &p.Body, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeletePost removes a post; only its author may.
func (db *DB) DeletePost(ctx context.Context, orgID, circleID, id, userID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM circle_posts WHERE org_id = $1 AND circle_id = $2 AND id = $3 AND user_id = $4`, orgID, circleID, id, userID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete post: %w", err)
	}
	return nil
}

// CreateCommitment records what a member means to do before a meeting
// and, when it has a due date, plans its reminder and follow-up.
func (db *DB) CreateCommitment(ctx context.Context, orgID, circleID string, c *circle.Commitment) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		c.ID, c.CreatedAt, c.Version = newID(), tx.now, 1
		_, err := tx.exec(ctx, `INSERT INTO commitments (id, org_id, circle_id, user_id, meeting_id, body, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, orgID, circleID, c.UserID, nullIf(c.MeetingID), c.Body, c.CreatedAt, c.DueAt)
		if err != nil || c.DueAt == nil {
			return err
		}
		return db.scheduleDue(ctx, tx, c.ID, *c.DueAt)
	})
	if err != nil {
		return fmt.Errorf("create commitment: %w", err)
	}
	return nil
}

// FindCommitments lists circleID's commitments: open ones first, then the
// latest done.
func (db *DB) FindCommitments(ctx context.Context, orgID, circleID string) ([]circle.Commitment, error) {
	out, err := db.findCircleCommitments(ctx, ``, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find commitments: %w", err)
	}
	return out, nil
}

// FindRoomCommitments lists what a meeting's room shows of circleID's
// commitments: those not done (let go ones too) and those made in
// meetingID, done or not; open first, newest first, at most 100. Those
// done before stay unread, however long the circle has run.
func (db *DB) FindRoomCommitments(ctx context.Context, orgID, circleID, meetingID string) ([]circle.Commitment, error) {
	out, err := db.findCircleCommitments(ctx, ` AND (c.done_at IS NULL OR c.meeting_id = $3)`, orgID, circleID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find room commitments: %w", err)
	}
	return out, nil
}

// findCircleCommitments lists the commitments of circle $2 in
// organisation $1 that cond (added to the condition, with its arguments
// from $3) keeps: open first, newest first, at most 100.
func (db *DB) findCircleCommitments(ctx context.Context, cond string, args ...any) ([]circle.Commitment, error) {
	rows, err := db.query(ctx, `SELECT `+commitmentColumns+`
		FROM commitments c JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id
		WHERE c.org_id = $1 AND c.circle_id = $2`+cond+`
		ORDER BY CASE WHEN c.done_at IS NULL AND c.let_go_at IS NULL THEN 0 ELSE 1 END, c.created_at DESC, c.id LIMIT 100`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []circle.Commitment
	for rows.Next() {
		c, err := scanCommitment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCommitment marks a member's own commitment done or open again.
func (db *DB) UpdateCommitment(ctx context.Context, orgID, circleID, id, userID string, done bool) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var at any
		if done {
			at = tx.now
		}
		res, err := tx.exec(ctx, `UPDATE commitments SET done_at = $1, let_go_at = NULL, version = version + 1 WHERE org_id = $2 AND circle_id = $3 AND id = $4 AND user_id = $5`,
			at, orgID, circleID, id, userID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("update commitment: %w", err)
	}
	return nil
}

// MaxDepartures is how many of the latest departures a program's page
// lists.
const MaxDepartures = 50

// FindDepartures lists who left the circles of programID most recently,
// at most MaxDepartures, and their notes, for the program's admins,
// newest first. It walks the organisation's departures by date (few
// beside its circles) rather than every circle of a large program.
func (db *DB) FindDepartures(ctx context.Context, orgID, programID string) ([]circle.Departure, error) {
	rows, err := db.query(ctx, `SELECT d.circle_id, d.user_id, u.name, d.note, d.left_at FROM circle_departures d
		JOIN circles c ON c.id = d.circle_id
		JOIN users u ON u.id = d.user_id
		WHERE d.org_id = $1 AND c.program_id = $2 ORDER BY d.left_at DESC LIMIT $3`, orgID, programID, MaxDepartures)
	if err != nil {
		return nil, fmt.Errorf("find departures: %w", err)
	}
	defer rows.Close()
	var out []circle.Departure
	for rows.Next() {
		var d circle.Departure
		if err := rows.Scan(&d.CircleID, &d.UserID, &d.Name, &d.Note, &d.LeftAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DissolveCircle ends an active circle that fell below its program's
// minimum, so that its members return to the pool for the next re-match.
// Its meetings ahead and their reminders are cancelled, and msgs go to
// its members in the same transaction.
func (db *DB) DissolveCircle(ctx context.Context, orgID, circleID string, msgs []Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := lockCircle(ctx, tx, orgID, circleID)
		if err != nil {
			return err
		}
		if c.Status != "active" {
			return circle.ErrNotActive
		}
		if err := cancelReminders(ctx, db, tx, orgID, "meeting_id IN (SELECT id FROM meetings WHERE circle_id = $2)", circleID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE meetings SET status = 'cancelled' WHERE org_id = $1 AND circle_id = $2 AND starts_at > $3`,
			orgID, circleID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE circles SET status = 'dissolved' WHERE org_id = $1 AND id = $2`, orgID, circleID); err != nil {
			return err
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return fmt.Errorf("dissolve circle: %w", err)
	}
	return nil
}
