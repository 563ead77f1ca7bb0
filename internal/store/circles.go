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

// HasAcknowledgedRules reports whether userID acknowledged, in circleID,
// the ground rules in force in orgID (version 1, the built-in text, while
// it has none of its own). It is the check before every page inside a
// circle, so it reads the version alone, not the rules' text.
func (db *DB) HasAcknowledgedRules(ctx context.Context, orgID, circleID, userID string) (bool, error) {
	var ok bool
	err := db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ground_rule_acks a
		WHERE a.circle_id = $2 AND a.user_id = $3 AND a.org_id = $1
			AND a.version = COALESCE((SELECT g.version FROM ground_rules g WHERE g.org_id = $1 ORDER BY g.version DESC LIMIT 1), 1))`,
		orgID, circleID, userID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("has acknowledged rules: %w", err)
	}
	return ok, nil
}

// FindAcknowledgedCircles returns which of circleIDs userID acknowledged
// the ground rules in force in, as HasAcknowledgedRules would one by one.
func (db *DB) FindAcknowledgedCircles(ctx context.Context, orgID, userID string, circleIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(circleIDs))
	if len(circleIDs) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID, userID}, circleIDs)
	rows, err := db.query(ctx, `SELECT a.circle_id FROM ground_rule_acks a
		WHERE a.circle_id IN (`+in+`) AND a.user_id = $2 AND a.org_id = $1
			AND a.version = COALESCE((SELECT g.version FROM ground_rules g WHERE g.org_id = $1 ORDER BY g.version DESC LIMIT 1), 1)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find acknowledged circles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find acknowledged circles: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find acknowledged circles: %w", db.d.mapErr(err))
	}
	return out, nil
}

// FindAcknowledged returns the members of circleID who acknowledged the
// ground rules in force in orgID, in one query for the whole circle: only
// they may be emailed what happens inside it.
func (db *DB) FindAcknowledged(ctx context.Context, orgID, circleID string) (map[string]bool, error) {
	// Without a saved version the default rules are version 1, as
	// findGroundRules reads them.
	rows, err := db.query(ctx, `SELECT user_id FROM ground_rule_acks WHERE org_id = $1 AND circle_id = $2
		AND version = COALESCE((SELECT version FROM ground_rules WHERE org_id = $1 ORDER BY version DESC LIMIT 1), 1)`, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find acknowledged: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find acknowledged: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find acknowledged: %w", err)
	}
	return out, nil
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

// FindAdoptedAgreement returns the body of circleID's adopted working
// agreement, or "" while it has none: the meeting room shows it and
// nothing else of the agreement's history.
func (db *DB) FindAdoptedAgreement(ctx context.Context, orgID, circleID string) (string, error) {
	var body string
	err := db.queryRow(ctx, `SELECT body FROM agreement_versions WHERE org_id = $1 AND circle_id = $2 AND status = 'adopted'
		ORDER BY version DESC LIMIT 1`, orgID, circleID).Scan(&body)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("find adopted agreement: %w", err)
	}
	return body, nil
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
// writer serialises anyway), so that concurrent changes of one circle
// apply one after the other and see each other.
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

// claimCircle takes the circle's next version if it is still at version,
// the one a change was decided on: that locks the circle's row, so changes
// to one circle apply one after the other, and each only from the state it
// was decided on. Otherwise it returns ErrConflict.
func claimCircle(ctx context.Context, tx *Tx, orgID, circleID string, version int) error {
	return guarded(tx.exec(ctx, `UPDATE circles SET version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3`, orgID, circleID, version))
}

// guarded returns ErrConflict when a statement guarded by the state a
// change was decided on changed no row: that state no longer holds.
func guarded(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// FindVersionedCircle returns a circle and the version it is at, for a
// change decided on it and applied only if the circle is still at that
// version.
func (db *DB) FindVersionedCircle(ctx context.Context, orgID, circleID string) (*program.Circle, int, error) {
	c, version, err := findVersionedCircle(ctx, db, orgID, circleID)
	if err != nil {
		return nil, 0, fmt.Errorf("find versioned circle: %w", err)
	}
	return c, version, nil
}

func findVersionedCircle(ctx context.Context, db *DB, orgID, circleID string) (*program.Circle, int, error) {
	// The version is read first: whatever changes after it was read raises
	// it, so a change decided on what is read next is refused.
	var version int
	if err := db.queryRow(ctx, `SELECT version FROM circles WHERE org_id = $1 AND id = $2`, orgID, circleID).Scan(&version); err != nil {
		return nil, 0, err
	}
	cs, err := findCircles(ctx, db, "c.org_id = $1 AND c.id = $2", []any{orgID, circleID})
	if err != nil {
		return nil, 0, err
	}
	if len(cs) == 0 {
		return nil, 0, ErrNotFound
	}
	return &cs[0], version, nil
}

// AgreementState is a circle's working agreement as a change to it is
// decided on.
type AgreementState struct {
	// Circle is the circle with its members.
	Circle *program.Circle
	// Versions is every version with its consents, newest first.
	Versions []circle.AgreementVersion
	// Version is the circle's version the state was read at; a change
	// applies only if the circle is still at it.
	Version int
}

// FindAgreementState reads a circle's agreement for a change: a service
// decides it with circle.Propose or circle.AfterConsent and applies it
// with ProposeAgreement or ConsentToAgreement.
func (db *DB) FindAgreementState(ctx context.Context, orgID, circleID string) (*AgreementState, error) {
	c, version, err := findVersionedCircle(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find agreement state: %w", err)
	}
	versions, err := findAgreement(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find agreement state: %w", err)
	}
	return &AgreementState{Circle: c, Versions: versions, Version: version}, nil
}

// adoptAgreement puts version of a circle's agreement in force, if it is
// still waiting for consent, superseding the version in force; otherwise
// it returns ErrConflict.
func adoptAgreement(ctx context.Context, tx *Tx, orgID, circleID string, version int) error {
	if _, err := tx.exec(ctx, `UPDATE agreement_versions SET status = 'superseded' WHERE org_id = $1 AND circle_id = $2 AND status = 'adopted'`,
		orgID, circleID); err != nil {
		return err
	}
	return guarded(tx.exec(ctx, `UPDATE agreement_versions SET status = 'adopted', adopted_at = $1
		WHERE org_id = $2 AND circle_id = $3 AND version = $4 AND status = 'proposed'`, tx.now, orgID, circleID, version))
}

// findVersion returns version of a circle's agreement, read in tx.
func findVersion(ctx context.Context, tx *Tx, orgID, circleID string, version int) (*circle.AgreementVersion, error) {
	versions, err := findAgreement(ctx, tx, orgID, circleID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(versions, func(v circle.AgreementVersion) bool { return v.Version == version })
	if i < 0 {
		return nil, ErrNotFound
	}
	return &versions[i], nil
}

// ProposeAgreement applies p, userID's proposal of body (with note)
// decided by circle.Propose on st, read by FindAgreementState: it
// withdraws the open proposals p replaces, adds the new version with the
// proposer's consent, puts it in force if p says so, and enqueues msgs, in
// one transaction. If the circle changed since st was read it changes
// nothing and returns ErrConflict: the caller reads it again and decides
// again. It returns the new version.
func (db *DB) ProposeAgreement(ctx context.Context, st *AgreementState, userID, body, note string, p circle.Proposal, msgs []Job) (*circle.AgreementVersion, error) {
	var out *circle.AgreementVersion
	orgID, circleID := st.Circle.OrgID, st.Circle.ID
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := claimCircle(ctx, tx, orgID, circleID, st.Version); err != nil {
			return err
		}
		for _, v := range p.Withdraw {
			if _, err := tx.exec(ctx, `UPDATE agreement_versions SET status = 'withdrawn' WHERE org_id = $1 AND circle_id = $2 AND version = $3 AND status = 'proposed'`,
				orgID, circleID, v); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_versions (org_id, circle_id, version, body, note, proposed_by, proposed_at, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed')`, orgID, circleID, p.Version, body, note, userID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_consents (org_id, circle_id, version, user_id, consented_at) VALUES ($1, $2, $3, $4, $5)`,
			orgID, circleID, p.Version, userID, tx.now); err != nil {
			return err
		}
		if p.Adopt {
			if err := adoptAgreement(ctx, tx, orgID, circleID, p.Version); err != nil {
				return err
			}
		}
		var err error
		if out, err = findVersion(ctx, tx, orgID, circleID, p.Version); err != nil {
			return err
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return nil, fmt.Errorf("propose agreement: %w", err)
	}
	return out, nil
}

// ConsentToAgreement applies userID's consent to version of st's circle's
// agreement, decided by circle.AfterConsent on st, read by
// FindAgreementState: it records the consent, puts the version in force
// if adopt, and enqueues msgs, in one transaction. If the circle changed
// since st was read, or the version no longer waits for consent, it
// changes nothing and returns ErrConflict: the caller reads it again and
// decides again. It returns the version consented to.
func (db *DB) ConsentToAgreement(ctx context.Context, st *AgreementState, userID string, version int, adopt bool, msgs []Job) (*circle.AgreementVersion, error) {
	var out *circle.AgreementVersion
	orgID, circleID := st.Circle.OrgID, st.Circle.ID
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := claimCircle(ctx, tx, orgID, circleID, st.Version); err != nil {
			return err
		}
		// Withdrawing a version does not raise the circle's version: this
		// takes the version's row lock and checks that it is still open.
		if err := guarded(tx.exec(ctx, `UPDATE agreement_versions SET status = status
			WHERE org_id = $1 AND circle_id = $2 AND version = $3 AND status = 'proposed'`, orgID, circleID, version)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_consents (org_id, circle_id, version, user_id, consented_at) VALUES ($1, $2, $3, $4, $5)`,
			orgID, circleID, version, userID, tx.now); err != nil {
			return err
		}
		if adopt {
			if err := adoptAgreement(ctx, tx, orgID, circleID, version); err != nil {
				return err
			}
		}
		var err error
		if out, err = findVersion(ctx, tx, orgID, circleID, version); err != nil {
			return err
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return nil, fmt.Errorf("consent to agreement: %w", err)
	}
	return out, nil
}

// WithdrawAgreement withdraws an open proposal; only its proposer may. If
// the proposal stops being open while this runs (its last consent adopts
// it) it changes nothing and returns ErrConflict.
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
		// The read above takes no lock: the last consent may adopt the
		// version before this applies, and then the withdrawal is refused
		// rather than overwriting the adoption.
		return guarded(tx.exec(ctx, `UPDATE agreement_versions SET status = 'withdrawn'
			WHERE org_id = $1 AND circle_id = $2 AND version = $3 AND status = 'proposed' AND proposed_by = $4`,
			orgID, circleID, version, userID))
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
