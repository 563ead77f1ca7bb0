package store

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/card"
)

// Learning cards are kept in the clear: the author writes them to be read,
// and the service decides who reads each. Every list is a page read by
// keyset from an index of its audience.

// CardCursor is where a page of cards starts: after the card at At (when
// released, or for an author's own list when changed) with id ID. The
// zero cursor starts at the newest.
type CardCursor struct {
	At time.Time
	ID string
}

// Zero reports whether c starts at the newest card.
func (c CardCursor) Zero() bool { return c.ID == "" }

// start is the position before every card: a time later than any card's.
func (c CardCursor) start() (time.Time, string) {
	if c.Zero() {
		return time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), ""
	}
	return c.At.UTC(), c.ID
}

// CardPage is one page of cards and, when more follow, the cursor of the
// next.
type CardPage struct {
	Cards []card.Card
	Next  *CardCursor
}

const cardColumns = `k.id, k.org_id, k.circle_id, k.program_id, k.author_id, u.name, k.title, k.body, k.audience, k.version,
	k.created_at, k.updated_at, k.released_at`

const cardFrom = ` FROM learning_cards k JOIN users u ON u.id = k.author_id AND u.org_id = k.org_id `

func scanCard(s scanner) (*card.Card, error) {
	var c card.Card
	var aud string
	if err := s.Scan(&c.ID, &c.OrgID, &c.CircleID, &c.ProgramID, &c.AuthorID, &c.AuthorName, &c.Title, &c.Body, &aud, &c.Version,
		&c.CreatedAt, &c.UpdatedAt, &c.ReleasedAt); err != nil {
		return nil, err
	}
	c.Audience = card.Audience(aud)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.ReleasedAt != nil {
		t := c.ReleasedAt.UTC()
		c.ReleasedAt = &t
	}
	return &c, nil
}

// CreateCard stores a new card and sets its id, version and times.
func (db *DB) CreateCard(ctx context.Context, c *card.Card) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		id := newID()
		if _, err := tx.exec(ctx, `INSERT INTO learning_cards (id, org_id, circle_id, program_id, author_id, title, body, audience, version,
			created_at, updated_at, released_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $10)`,
			id, c.OrgID, c.CircleID, c.ProgramID, c.AuthorID, c.Title, c.Body, string(c.Audience), tx.now, c.ReleasedAt); err != nil {
			return err
		}
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = id, 1, tx.now, tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("create card: %w", err)
	}
	return nil
}

// FindCardByID returns a card of orgID, with its author's name.
func (db *DB) FindCardByID(ctx context.Context, orgID, id string) (*card.Card, error) {
	c, err := scanCard(db.queryRow(ctx, `SELECT `+cardColumns+cardFrom+`WHERE k.org_id = $1 AND k.id = $2`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("find card: %w", err)
	}
	return c, nil
}

// UpdateCard saves c's title, body and audience as the author decided
// them on version from, with the release time the domain set. Another
// change since is ErrConflict. It sets c's new version and time.
func (db *DB) UpdateCard(ctx context.Context, c *card.Card, from int) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := guarded(tx.exec(ctx, `UPDATE learning_cards SET title = $1, body = $2, audience = $3, released_at = $4,
			version = version + 1, updated_at = $5 WHERE org_id = $6 AND id = $7 AND author_id = $8 AND version = $9`,
			c.Title, c.Body, string(c.Audience), c.ReleasedAt, tx.now, c.OrgID, c.ID, c.AuthorID, from)); err != nil {
			return err
		}
		c.Version, c.UpdatedAt = from+1, tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("update card: %w", err)
	}
	return nil
}

// The lists' queries. Each reads one index's range in its order and one
// more row than the page holds, to tell whether another page follows.
const (
	authorCards = `SELECT ` + cardColumns + cardFrom + `WHERE k.org_id = $1 AND k.author_id = $2
		AND (k.updated_at < $3 OR (k.updated_at = $3 AND k.id < $4)) ORDER BY k.updated_at DESC, k.id DESC LIMIT $5`
	circleCards = `SELECT ` + cardColumns + cardFrom + `WHERE k.org_id = $1 AND k.circle_id = $2 AND k.audience IN ('circle', 'program', 'org')
		AND (k.released_at < $3 OR (k.released_at = $3 AND k.id < $4)) ORDER BY k.released_at DESC, k.id DESC LIMIT $5`
	programCards = `SELECT ` + cardColumns + cardFrom + `WHERE k.org_id = $1 AND k.program_id = $2 AND k.audience IN ('program', 'org')
		AND (k.released_at < $3 OR (k.released_at = $3 AND k.id < $4)) ORDER BY k.released_at DESC, k.id DESC LIMIT $5`
	orgCards = `SELECT ` + cardColumns + cardFrom + `WHERE k.org_id = $1 AND k.audience = 'org'
		AND (k.released_at < $2 OR (k.released_at = $2 AND k.id < $3)) ORDER BY k.released_at DESC, k.id DESC LIMIT $4`
)

// FindAuthorCards is a page of authorID's own cards, at every audience,
// the most recently changed first.
func (db *DB) FindAuthorCards(ctx context.Context, orgID, authorID string, after CardCursor, limit int) (*CardPage, error) {
	return db.findCards(ctx, "find author cards", authorCards, []any{orgID, authorID}, after, limit, false)
}

// FindCircleCards is a page of the cards of a circle released to the
// circle or wider, the most recently released first.
func (db *DB) FindCircleCards(ctx context.Context, orgID, circleID string, after CardCursor, limit int) (*CardPage, error) {
	return db.findCards(ctx, "find circle cards", circleCards, []any{orgID, circleID}, after, limit, true)
}

// FindProgramCards is a page of the cards of a program's circles released
// to the program or the organisation, the most recently released first.
func (db *DB) FindProgramCards(ctx context.Context, orgID, programID string, after CardCursor, limit int) (*CardPage, error) {
	return db.findCards(ctx, "find program cards", programCards, []any{orgID, programID}, after, limit, true)
}

// FindOrgCards is a page of the cards released to the whole organisation,
// the most recently released first.
func (db *DB) FindOrgCards(ctx context.Context, orgID string, after CardCursor, limit int) (*CardPage, error) {
	return db.findCards(ctx, "find org cards", orgCards, []any{orgID}, after, limit, true)
}

// findCards runs q with args, then the cursor's time and id and the
// limit.
func (db *DB) findCards(ctx context.Context, what, q string, args []any, after CardCursor, limit int, released bool) (*CardPage, error) {
	at, id := after.start()
	rows, err := db.query(ctx, q, append(args, at, id, limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	page := &CardPage{}
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		page.Cards = append(page.Cards, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, db.d.mapErr(err))
	}
	if len(page.Cards) > limit {
		page.Cards = page.Cards[:limit]
		last := page.Cards[limit-1]
		next := CardCursor{At: last.UpdatedAt, ID: last.ID}
		if released && last.ReleasedAt != nil {
			next.At = *last.ReleasedAt
		}
		page.Next = &next
	}
	return page, nil
}

// CountProgramMembers counts the people in the active circles of a
// program: who reads a card released to it, besides the admins.
func (db *DB) CountProgramMembers(ctx context.Context, orgID, programID string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(DISTINCT m.user_id) FROM circles c JOIN circle_members m ON m.circle_id = c.id AND m.org_id = c.org_id
		WHERE c.org_id = $1 AND c.program_id = $2 AND c.status = 'active'`, orgID, programID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count program members: %w", err)
	}
	return n, nil
}

// IsProgramMember reports whether userID is in an active circle of a
// program.
func (db *DB) IsProgramMember(ctx context.Context, orgID, programID, userID string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
		WHERE m.org_id = $1 AND m.user_id = $2 AND c.program_id = $3 AND c.status = 'active'`, orgID, userID, programID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is program member: %w", err)
	}
	return n > 0, nil
}
