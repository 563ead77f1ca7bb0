package store

import (
	"context"
	"fmt"

	"github.com/holdspace/holdspace/internal/circle"
)

// CreateAgreementComment adds userID's comment on version of a circle's
// agreement, guarded in one statement by what allows it: the version still
// waits for consent and userID is still a member. Otherwise it changes
// nothing and returns ErrConflict.
func (db *DB) CreateAgreementComment(ctx context.Context, orgID, circleID string, version int, userID, body string) (*circle.AgreementComment, error) {
	var out *circle.AgreementComment
	err := db.inTx(ctx, func(tx *Tx) error {
		id := newID()
		if err := guarded(tx.exec(ctx, `INSERT INTO agreement_comments (id, org_id, circle_id, version, user_id, body, created_at)
			SELECT $1, $2, $3, $4, $5, $6, $7
			WHERE EXISTS (SELECT 1 FROM agreement_versions WHERE org_id = $2 AND circle_id = $3 AND version = $4 AND status = 'proposed')
			AND EXISTS (SELECT 1 FROM circle_members WHERE org_id = $2 AND circle_id = $3 AND user_id = $5)`,
			id, orgID, circleID, version, userID, body, tx.now)); err != nil {
			return err
		}
		cs, err := findAgreementComments(ctx, tx, "c.org_id = $1 AND c.id = $2", orgID, id)
		if err != nil {
			return err
		}
		out = &cs[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create agreement comment: %w", err)
	}
	return out, nil
}

// FindAgreementComments lists the comments on every version of a circle's
// agreement, oldest first.
func (db *DB) FindAgreementComments(ctx context.Context, orgID, circleID string) ([]circle.AgreementComment, error) {
	cs, err := findAgreementComments(ctx, db, "c.org_id = $1 AND c.circle_id = $2", orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find agreement comments: %w", err)
	}
	return cs, nil
}

func findAgreementComments(ctx context.Context, q querier, where string, args ...any) ([]circle.AgreementComment, error) {
	rows, err := q.query(ctx, `SELECT c.id, c.version, COALESCE(c.user_id, ''), COALESCE(u.name, ''), c.body, c.created_at
		FROM agreement_comments c LEFT JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id
		WHERE `+where+` ORDER BY c.created_at, c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []circle.AgreementComment
	for rows.Next() {
		var c circle.AgreementComment
		if err := rows.Scan(&c.ID, &c.Version, &c.AuthorID, &c.AuthorName, &c.Body, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
