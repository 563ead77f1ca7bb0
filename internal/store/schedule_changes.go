package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
)

func encodeSchedule(s *circle.Schedule) (string, error) {
	if s == nil {
		return "", nil
	}
	b, err := json.Marshal(s.Record())
	return string(b), err
}

// decodeSchedule reads a schedule encodeSchedule wrote; empty text stands for no
// schedule at all (before a cleared one was put back, or after clearing).
func decodeSchedule(circleID, text string) (*circle.Schedule, error) {
	if text == "" {
		return nil, nil
	}
	var r circle.ScheduleRecord
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return nil, err
	}
	return r.Schedule(circleID), nil
}

// recordScheduleChange saves ch with the change it describes; putting an
// earlier change back marks that one, guarded so that it is put back once.
func recordScheduleChange(ctx context.Context, tx *Tx, orgID, circleID string, ch *circle.ScheduleChange) error {
	before, err := encodeSchedule(ch.Before)
	if err != nil {
		return err
	}
	after, err := encodeSchedule(ch.After)
	if err != nil {
		return err
	}
	if ch.Undoes != "" {
		if err := guarded(tx.exec(ctx, `UPDATE schedule_changes SET undone_at = $1 WHERE org_id = $2 AND circle_id = $3 AND id = $4 AND undone_at IS NULL`,
			tx.now, orgID, circleID, ch.Undoes)); err != nil {
			return err
		}
	}
	ch.ID, ch.At = newID(), tx.now
	_, err = tx.exec(ctx, `INSERT INTO schedule_changes (id, org_id, circle_id, changed_by, changed_at, sequence, schedule_before, schedule_after, undoes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ch.ID, orgID, circleID, nullIf(ch.ChangedBy), tx.now, ch.Sequence, before, after, nullIf(ch.Undoes))
	return err
}

// FindScheduleChanges lists the changes to a circle's schedule made since
// since, newest first.
func (db *DB) FindScheduleChanges(ctx context.Context, orgID, circleID string, since time.Time) ([]circle.ScheduleChange, error) {
	out, err := findScheduleChanges(ctx, db, "s.org_id = $1 AND s.circle_id = $2 AND s.changed_at >= $3", orgID, circleID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("find schedule changes: %w", err)
	}
	return out, nil
}

// FindScheduleChange returns one change to a circle's schedule, or
// ErrNotFound.
func (db *DB) FindScheduleChange(ctx context.Context, orgID, circleID, id string) (*circle.ScheduleChange, error) {
	out, err := findScheduleChanges(ctx, db, "s.org_id = $1 AND s.circle_id = $2 AND s.id = $3", orgID, circleID, id)
	if err == nil && len(out) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find schedule change: %w", err)
	}
	return &out[0], nil
}

func findScheduleChanges(ctx context.Context, q querier, where string, args ...any) ([]circle.ScheduleChange, error) {
	rows, err := q.query(ctx, `SELECT s.id, s.circle_id, COALESCE(s.changed_by, ''), COALESCE(u.name, ''), s.changed_at, s.sequence, s.schedule_before, s.schedule_after,
		COALESCE(s.undoes, ''), s.undone_at
		FROM schedule_changes s LEFT JOIN users u ON u.id = s.changed_by AND u.org_id = s.org_id
		WHERE `+where+` ORDER BY s.changed_at DESC, s.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []circle.ScheduleChange
	for rows.Next() {
		var c circle.ScheduleChange
		var circleID, before, after string
		if err := rows.Scan(&c.ID, &circleID, &c.ChangedBy, &c.ChangedByName, &c.At, &c.Sequence, &before, &after, &c.Undoes, &c.UndoneAt); err != nil {
			return nil, err
		}
		if c.Before, err = decodeSchedule(circleID, before); err != nil {
			return nil, err
		}
		if c.After, err = decodeSchedule(circleID, after); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
