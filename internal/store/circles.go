package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

// Scheduler puts jobs to run later in the queue inside store transactions,
// and cancels them, so that a reminder's job exists if and only if the
// change that planned it commits.
type Scheduler interface {
	ScheduleTx(ctx context.Context, tx *sql.Tx, job Job, at time.Time) (int64, error)
	CancelJobTx(ctx context.Context, tx *sql.Tx, id int64) error
}

// ReminderJob wakes up at a reminder's due time to send it.
type ReminderJob struct {
	ReminderID string `json:"reminder_id"`
}

// Kind names the job in the queue; changing it strands queued jobs.
func (ReminderJob) Kind() string { return "send_reminder" }

// --- ground rules ---

// FindGroundRules returns the ground rules in force in orgID: the newest
// version an admin saved, or the default text as version 1.
func (db *DB) FindGroundRules(ctx context.Context, orgID string) (*circle.GroundRules, error) {
	return findGroundRules(ctx, db, orgID)
}

type rowQuerier interface {
	queryRow(ctx context.Context, q string, args ...any) *row
}

func findGroundRules(ctx context.Context, q rowQuerier, orgID string) (*circle.GroundRules, error) {
	var g circle.GroundRules
	err := q.queryRow(ctx, `SELECT version, body, created_at FROM ground_rules WHERE org_id = $1 ORDER BY version DESC LIMIT 1`, orgID).
		Scan(&g.Version, &g.Body, &g.UpdatedAt)
	if errors.Is(err, ErrNotFound) {
		return &circle.GroundRules{Version: 1, Body: circle.DefaultGroundRules}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find ground rules: %w", err)
	}
	return &g, nil
}

// CreateGroundRules saves a new version of orgID's ground rules; every
// member acknowledges it again before they next see inside their circle.
func (db *DB) CreateGroundRules(ctx context.Context, orgID, userID, body string) (*circle.GroundRules, error) {
	var g *circle.GroundRules
	err := db.inTx(ctx, func(tx *Tx) error {
		cur, err := findGroundRules(ctx, tx, orgID)
		if err != nil {
			return err
		}
		g = &circle.GroundRules{Version: cur.Version + 1, Body: body, UpdatedAt: tx.now}
		_, err = tx.exec(ctx, `INSERT INTO ground_rules (org_id, version, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			orgID, g.Version, g.Body, userID, tx.now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create ground rules: %w", err)
	}
	return g, nil
}

// FindAcknowledgement returns when userID acknowledged version of the
// ground rules in circleID, or nil if they have not.
func (db *DB) FindAcknowledgement(ctx context.Context, orgID, circleID, userID string, version int) (*time.Time, error) {
	var at time.Time
	err := db.queryRow(ctx, `SELECT acknowledged_at FROM ground_rule_acks WHERE org_id = $1 AND circle_id = $2 AND user_id = $3 AND version = $4`,
		orgID, circleID, userID, version).Scan(&at)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find acknowledgement: %w", err)
	}
	return &at, nil
}

// CreateAcknowledgement records that userID acknowledged version of the
// ground rules in circleID. Acknowledging twice keeps the first time.
func (db *DB) CreateAcknowledgement(ctx context.Context, orgID, circleID, userID string, version int) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO ground_rule_acks (org_id, circle_id, user_id, version, acknowledged_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (circle_id, user_id, version) DO NOTHING`, orgID, circleID, userID, version, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("create acknowledgement: %w", err)
	}
	return nil
}

// --- working agreement ---

// FindAgreement lists every version of circleID's working agreement with
// its consents, newest first.
func (db *DB) FindAgreement(ctx context.Context, orgID, circleID string) ([]circle.AgreementVersion, error) {
	out, err := findAgreement(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find agreement: %w", err)
	}
	return out, nil
}

func findAgreement(ctx context.Context, q querier, orgID, circleID string) ([]circle.AgreementVersion, error) {
	rows, err := q.query(ctx, `SELECT a.version, a.body, a.note, COALESCE(a.proposed_by, ''), COALESCE(u.name, ''), a.proposed_at, a.status, a.adopted_at
		FROM agreement_versions a LEFT JOIN users u ON u.id = a.proposed_by AND u.org_id = a.org_id
		WHERE a.org_id = $1 AND a.circle_id = $2 ORDER BY a.version DESC`, orgID, circleID)
	if err != nil {
		return nil, err
	}
	var out []circle.AgreementVersion
	index := map[int]int{}
	for rows.Next() {
		var v circle.AgreementVersion
		if err := rows.Scan(&v.Version, &v.Body, &v.Note, &v.ProposedBy, &v.ProposedByName, &v.ProposedAt, &v.Status, &v.AdoptedAt); err != nil {
			rows.Close()
			return nil, err
		}
		index[v.Version] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := q.query(ctx, `SELECT c.version, c.user_id, u.name, c.consented_at FROM agreement_consents c
		JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id
		WHERE c.org_id = $1 AND c.circle_id = $2 ORDER BY c.consented_at, u.name`, orgID, circleID)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var n int
		var c circle.Consent
		if err := crows.Scan(&n, &c.UserID, &c.Name, &c.At); err != nil {
			return nil, err
		}
		if i, ok := index[n]; ok {
			out[i].Consents = append(out[i].Consents, c)
		}
	}
	return out, crows.Err()
}

// lockCircle takes the circle's row lock on PostgreSQL (SQLite's single
// writer serialises anyway), so that concurrent consents, leaves and
// schedule changes of one circle apply one after the other and see each
// other.
func lockCircle(ctx context.Context, tx *Tx, orgID, circleID string) (*program.Circle, error) {
	// Raising the version takes the row's lock, and tells a change planned
	// on the state before this one (UpdateCircle) that it is stale.
	if _, err := tx.exec(ctx, `UPDATE circles SET version = version + 1 WHERE org_id = $1 AND id = $2`, orgID, circleID); err != nil {
		return nil, err
	}
	cs, err := findCircles(ctx, tx, "c.org_id = $1 AND c.id = $2", []any{orgID, circleID})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}

// adoptIfComplete adopts the open proposal of circleID when every current
// member has consented to it, superseding the version in force. It reports
// the adopted version, or nil.
func adoptIfComplete(ctx context.Context, tx *Tx, c *program.Circle) (*circle.AgreementVersion, error) {
	versions, err := findAgreement(ctx, tx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	for i := range versions {
		v := &versions[i]
		if v.Status != circle.AgreementProposed || !v.Complete(c.UserIDs()) {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE agreement_versions SET status = 'superseded' WHERE org_id = $1 AND circle_id = $2 AND status = 'adopted'`,
			c.OrgID, c.ID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `UPDATE agreement_versions SET status = 'adopted', adopted_at = $1 WHERE org_id = $2 AND circle_id = $3 AND version = $4`,
			tx.now, c.OrgID, c.ID, v.Version); err != nil {
			return nil, err
		}
		v.Status, v.AdoptedAt = circle.AgreementAdopted, &tx.now
		return v, nil
	}
	return nil, nil
}

// AgreementMail builds the emails for a change to a circle's agreement:
// the circle as it is now, the version proposed or adopted, and whether it
// took effect.
type AgreementMail func(c *program.Circle, v *circle.AgreementVersion, adopted bool) []Job

// ProposeAgreement adds a proposed version to circleID's agreement on
// behalf of a member, who consents to it by proposing. An earlier open
// proposal is withdrawn: the newest proposal is the one on the table.
func (db *DB) ProposeAgreement(ctx context.Context, orgID, circleID, userID, body, note string, msgs AgreementMail) (*circle.AgreementVersion, error) {
	var out *circle.AgreementVersion
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := lockCircle(ctx, tx, orgID, circleID)
		if err != nil {
			return err
		}
		if c.Member(userID) == nil {
			return ErrNotFound
		}
		var last int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM agreement_versions WHERE org_id = $1 AND circle_id = $2`,
			orgID, circleID).Scan(&last); err != nil {
			return err
		}
		var current string
		err = tx.queryRow(ctx, `SELECT body FROM agreement_versions WHERE org_id = $1 AND circle_id = $2 AND status = 'adopted'`,
			orgID, circleID).Scan(&current)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err == nil && current == body {
			return circle.ErrUnchanged
		}
		if _, err := tx.exec(ctx, `UPDATE agreement_versions SET status = 'withdrawn' WHERE org_id = $1 AND circle_id = $2 AND status = 'proposed'`,
			orgID, circleID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_versions (org_id, circle_id, version, body, note, proposed_by, proposed_at, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed')`, orgID, circleID, last+1, body, note, userID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_consents (org_id, circle_id, version, user_id, consented_at) VALUES ($1, $2, $3, $4, $5)`,
			orgID, circleID, last+1, userID, tx.now); err != nil {
			return err
		}
		adopted, err := adoptIfComplete(ctx, tx, c)
		if err != nil {
			return err
		}
		versions, err := findAgreement(ctx, tx, orgID, circleID)
		if err != nil {
			return err
		}
		out = &versions[0]
		return db.sendAll(ctx, tx, msgs(c, out, adopted != nil))
	})
	if err != nil {
		return nil, fmt.Errorf("propose agreement: %w", err)
	}
	return out, nil
}

// ConsentToAgreement records a member's consent to an open proposal and
// adopts it when they are the last to consent.
func (db *DB) ConsentToAgreement(ctx context.Context, orgID, circleID, userID string, version int, msgs AgreementMail) (*circle.AgreementVersion, error) {
	var out *circle.AgreementVersion
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := lockCircle(ctx, tx, orgID, circleID)
		if err != nil {
			return err
		}
		if c.Member(userID) == nil {
			return ErrNotFound
		}
		versions, err := findAgreement(ctx, tx, orgID, circleID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(versions, func(v circle.AgreementVersion) bool { return v.Version == version })
		if i < 0 {
			return ErrNotFound
		}
		if versions[i].Status != circle.AgreementProposed {
			return circle.ErrNotProposed
		}
		if versions[i].Consented(userID) {
			return circle.ErrAlreadyGiven
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_consents (org_id, circle_id, version, user_id, consented_at) VALUES ($1, $2, $3, $4, $5)`,
			orgID, circleID, version, userID, tx.now); err != nil {
			return err
		}
		adopted, err := adoptIfComplete(ctx, tx, c)
		if err != nil {
			return err
		}
		if versions, err = findAgreement(ctx, tx, orgID, circleID); err != nil {
			return err
		}
		out = &versions[slices.IndexFunc(versions, func(v circle.AgreementVersion) bool { return v.Version == version })]
		if adopted == nil {
			return nil
		}
		return db.sendAll(ctx, tx, msgs(c, out, true))
	})
	if err != nil {
		return nil, fmt.Errorf("consent to agreement: %w", err)
	}
	return out, nil
}

// WithdrawAgreement withdraws an open proposal; only its proposer may.
func (db *DB) WithdrawAgreement(ctx context.Context, orgID, circleID, userID string, version int) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var status circle.AgreementStatus
		var by string
		err := tx.queryRow(ctx, `SELECT status, COALESCE(proposed_by, '') FROM agreement_versions WHERE org_id = $1 AND circle_id = $2 AND version = $3`,
			orgID, circleID, version).Scan(&status, &by)
		if err != nil {
			return err
		}
		switch {
		case status != circle.AgreementProposed:
			return circle.ErrNotProposed
		case by != userID:
			return circle.ErrNotProposer
		}
		_, err = tx.exec(ctx, `UPDATE agreement_versions SET status = 'withdrawn' WHERE org_id = $1 AND circle_id = $2 AND version = $3`,
			orgID, circleID, version)
		return err
	})
	if err != nil {
		return fmt.Errorf("withdraw agreement: %w", err)
	}
	return nil
}

func (db *DB) sendAll(ctx context.Context, tx *Tx, msgs []Job) error {
	for _, m := range msgs {
		if err := db.enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}
