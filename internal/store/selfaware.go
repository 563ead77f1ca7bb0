package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A person's self-assessments and helping notes are sealed under their
// journal data key, as their journal is: the store keeps bytes, and every
// query names the owner beside the organisation.

// SelfAssessment is a self-assessment as stored: what was picked and
// rated, sealed.
type SelfAssessment struct {
	ID        string
	OrgID     string
	UserID    string
	Sealed    []byte
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

const selfAssessmentColumns = `id, org_id, user_id, sealed, version, created_at, updated_at`

func scanSelfAssessment(s scanner) (*SelfAssessment, error) {
	var a SelfAssessment
	if err := s.Scan(&a.ID, &a.OrgID, &a.UserID, &a.Sealed, &a.Version, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateSelfAssessment stores a new self-assessment; a.ID is chosen by
// the caller, since the sealed content is bound to it. It sets the
// version and times.
func (db *DB) CreateSelfAssessment(ctx context.Context, a *SelfAssessment) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO self_assessments (id, org_id, user_id, sealed, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5)`, a.ID, a.OrgID, a.UserID, a.Sealed, tx.now); err != nil {
			return err
		}
		a.Version, a.CreatedAt, a.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("create self-assessment: %w", err)
	}
	return nil
}

// FindSelfAssessments returns every self-assessment of userID, oldest
// first: a few a year, read whole for their history.
func (db *DB) FindSelfAssessments(ctx context.Context, orgID, userID string) ([]SelfAssessment, error) {
	rows, err := db.query(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments
		WHERE org_id = $1 AND user_id = $2 ORDER BY created_at, id`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find self-assessments: %w", err)
	}
	defer rows.Close()
	var out []SelfAssessment
	for rows.Next() {
		a, err := scanSelfAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("find self-assessments: %w", err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find self-assessments: %w", err)
	}
	return out, nil
}

// FindSelfAssessmentByID returns one self-assessment of userID; another
// person's is ErrNotFound.
func (db *DB) FindSelfAssessmentByID(ctx context.Context, orgID, userID, id string) (*SelfAssessment, error) {
	a, err := scanSelfAssessment(db.queryRow(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments
		WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id))
	if err != nil {
		return nil, fmt.Errorf("find self-assessment: %w", err)
	}
	return a, nil
}

// UpdateSelfAssessment replaces a self-assessment's sealed content, only
// if it is still at a.Version (ErrConflict otherwise, ErrNotFound when it
// is gone or not userID's), and raises its version.
func (db *DB) UpdateSelfAssessment(ctx context.Context, a *SelfAssessment) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		err := guarded(tx.exec(ctx, `UPDATE self_assessments SET sealed = $1, version = version + 1, updated_at = $2
			WHERE org_id = $3 AND user_id = $4 AND id = $5 AND version = $6`,
			a.Sealed, tx.now, a.OrgID, a.UserID, a.ID, a.Version))
		if errors.Is(err, ErrConflict) {
			// Gone, or moved on: say which.
			if _, ferr := scanSelfAssessment(tx.queryRow(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments
				WHERE org_id = $1 AND user_id = $2 AND id = $3`, a.OrgID, a.UserID, a.ID)); ferr != nil {
				return ferr
			}
		}
		if err != nil {
			return err
		}
		a.Version++
		a.UpdatedAt = tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("update self-assessment: %w", err)
	}
	return nil
}

// DeleteSelfAssessment removes one self-assessment of userID; ErrNotFound
// when there is none.
func (db *DB) DeleteSelfAssessment(ctx context.Context, orgID, userID, id string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		err := guarded(tx.exec(ctx, `DELETE FROM self_assessments WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id))
		if errors.Is(err, ErrConflict) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete self-assessment: %w", err)
	}
	return nil
}

// HelpingNote is a helping note as stored: the counsel step it is on (a
// meeting and its presenter), and its content sealed.
type HelpingNote struct {
	OrgID       string
	UserID      string
	MeetingID   string
	PresenterID string
	Sealed      []byte
	// StartsAt is when the meeting was; read, never written.
	StartsAt  time.Time
	UpdatedAt time.Time
}

// SaveHelpingNote writes userID's note on a counsel step, replacing the
// one they wrote on it before: a note is the author's alone, so their
// latest word stands.
func (db *DB) SaveHelpingNote(ctx context.Context, n *HelpingNote) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO helping_notes (org_id, user_id, meeting_id, presenter_id, sealed, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (org_id, user_id, meeting_id, presenter_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
			n.OrgID, n.UserID, n.MeetingID, n.PresenterID, n.Sealed, tx.now); err != nil {
			return err
		}
		n.UpdatedAt = tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("save helping note: %w", err)
	}
	return nil
}

// DeleteHelpingNote removes userID's note on a counsel step; ErrNotFound
// when there is none.
func (db *DB) DeleteHelpingNote(ctx context.Context, orgID, userID, meetingID, presenterID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		err := guarded(tx.exec(ctx, `DELETE FROM helping_notes WHERE org_id = $1 AND user_id = $2 AND meeting_id = $3 AND presenter_id = $4`,
			orgID, userID, meetingID, presenterID))
		if errors.Is(err, ErrConflict) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete helping note: %w", err)
	}
	return nil
}

// FindHelpingNotes returns userID's own helping notes, on one meeting
// when meetingID is not "", otherwise on every meeting, oldest meeting
// first.
func (db *DB) FindHelpingNotes(ctx context.Context, orgID, userID, meetingID string) ([]HelpingNote, error) {
	q := `SELECT h.meeting_id, h.presenter_id, h.sealed, m.starts_at, h.updated_at
		FROM helping_notes h JOIN meetings m ON m.id = h.meeting_id
		WHERE h.org_id = $1 AND h.user_id = $2 ORDER BY m.starts_at, h.meeting_id, h.presenter_id`
	args := []any{orgID, userID}
	if meetingID != "" {
		q = `SELECT h.meeting_id, h.presenter_id, h.sealed, m.starts_at, h.updated_at
		FROM helping_notes h JOIN meetings m ON m.id = h.meeting_id
		WHERE h.org_id = $1 AND h.user_id = $2 AND h.meeting_id = $3 ORDER BY h.presenter_id`
		args = append(args, meetingID)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find helping notes: %w", err)
	}
	defer rows.Close()
	var out []HelpingNote
	for rows.Next() {
		n := HelpingNote{OrgID: orgID, UserID: userID}
		if err := rows.Scan(&n.MeetingID, &n.PresenterID, &n.Sealed, &n.StartsAt, &n.UpdatedAt); err != nil {
			return nil, fmt.Errorf("find helping notes: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find helping notes: %w", err)
	}
	return out, nil
}
