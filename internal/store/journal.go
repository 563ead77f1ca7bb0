package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The journal's rows hold sealed bytes only: the store never sees a
// journal in the clear, nor decides who may read one. Every query names
// the owner beside the organisation.

// JournalKey is a person's journal data key, wrapped by the server key
// named KeyID.
type JournalKey struct {
	OrgID   string
	UserID  string
	KeyID   string
	Wrapped []byte
}

// JournalEntry is a journal entry as stored: its text sealed under its
// owner's data key.
type JournalEntry struct {
	ID        string
	OrgID     string
	UserID    string
	Prompt    string
	Sealed    []byte
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OwnReflection is a person's sealed reflection on a meeting, with when
// the meeting was and whose circle it was.
type OwnReflection struct {
	MeetingID string
	CircleID  string
	StartsAt  time.Time
	Sealed    []byte
	UpdatedAt time.Time
}

// FindJournalKey returns userID's wrapped data key, or ErrNotFound before
// their first entry.
func (db *DB) FindJournalKey(ctx context.Context, orgID, userID string) (*JournalKey, error) {
	k := JournalKey{OrgID: orgID, UserID: userID}
	err := db.queryRow(ctx, `SELECT key_id, wrapped FROM journal_keys WHERE org_id = $1 AND user_id = $2`, orgID, userID).
		Scan(&k.KeyID, &k.Wrapped)
	if err != nil {
		return nil, fmt.Errorf("find journal key: %w", err)
	}
	return &k, nil
}

// CreateJournalKey stores a person's first data key. When another request
// stored one first, it keeps theirs and changes nothing: the caller reads
// the key back and uses whichever is there.
func (db *DB) CreateJournalKey(ctx context.Context, k *JournalKey) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO journal_keys (org_id, user_id, key_id, wrapped, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (org_id, user_id) DO NOTHING`, k.OrgID, k.UserID, k.KeyID, k.Wrapped, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("create journal key: %w", err)
	}
	return nil
}

// FindJournalKeysByKey returns up to limit data keys, of every
// organisation, still wrapped by the server key keyID: what a rotation
// has left to do.
func (db *DB) FindJournalKeysByKey(ctx context.Context, keyID string, limit int) ([]JournalKey, error) {
	rows, err := db.query(ctx, `SELECT org_id, user_id, key_id, wrapped FROM journal_keys WHERE key_id = $1 LIMIT $2`, keyID, limit)
	if err != nil {
		return nil, fmt.Errorf("find journal keys: %w", err)
	}
	defer rows.Close()
	var out []JournalKey
	for rows.Next() {
		var k JournalKey
		if err := rows.Scan(&k.OrgID, &k.UserID, &k.KeyID, &k.Wrapped); err != nil {
			return nil, fmt.Errorf("find journal keys: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find journal keys: %w", err)
	}
	return out, nil
}

// RewrapJournalKey replaces a data key's wrapping with k's, only while it
// is still wrapped by the server key fromKeyID; otherwise ErrConflict.
func (db *DB) RewrapJournalKey(ctx context.Context, k *JournalKey, fromKeyID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		return guarded(tx.exec(ctx, `UPDATE journal_keys SET key_id = $1, wrapped = $2, updated_at = $3
			WHERE org_id = $4 AND user_id = $5 AND key_id = $6`, k.KeyID, k.Wrapped, tx.now, k.OrgID, k.UserID, fromKeyID))
	})
	if err != nil {
		return fmt.Errorf("rewrap journal key: %w", err)
	}
	return nil
}

// CreateJournalEntry stores a new entry; e.ID is chosen by the caller,
// since the sealed text is bound to it. It sets the version and times.
func (db *DB) CreateJournalEntry(ctx context.Context, e *JournalEntry) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO journal_entries (id, org_id, user_id, prompt, sealed, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6)`, e.ID, e.OrgID, e.UserID, e.Prompt, e.Sealed, tx.now); err != nil {
			return err
		}
		e.Version, e.CreatedAt, e.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("create journal entry: %w", err)
	}
	return nil
}

const journalEntryColumns = `id, org_id, user_id, prompt, sealed, version, created_at, updated_at`

func scanJournalEntry(s scanner) (*JournalEntry, error) {
	var e JournalEntry
	if err := s.Scan(&e.ID, &e.OrgID, &e.UserID, &e.Prompt, &e.Sealed, &e.Version, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	return &e, nil
}

// FindJournalEntries returns every entry of userID's journal, newest
// first. A journal is one person's writing, so it is read whole: its
// search decrypts and reads each entry.
func (db *DB) FindJournalEntries(ctx context.Context, orgID, userID string) ([]JournalEntry, error) {
	rows, err := db.query(ctx, `SELECT `+journalEntryColumns+` FROM journal_entries
		WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find journal entries: %w", err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		e, err := scanJournalEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("find journal entries: %w", err)
		}
		out = append(out, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find journal entries: %w", err)
	}
	return out, nil
}

// FindJournalEntryByID returns one entry of userID's journal; another
// person's entry is ErrNotFound.
func (db *DB) FindJournalEntryByID(ctx context.Context, orgID, userID, id string) (*JournalEntry, error) {
	e, err := scanJournalEntry(db.queryRow(ctx, `SELECT `+journalEntryColumns+` FROM journal_entries
		WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id))
	if err != nil {
		return nil, fmt.Errorf("find journal entry: %w", err)
	}
	return e, nil
}

// UpdateJournalEntry replaces an entry's prompt and text, only if it is
// still at e.Version (ErrConflict otherwise, ErrNotFound when it is gone
// or not userID's), and raises its version.
func (db *DB) UpdateJournalEntry(ctx context.Context, e *JournalEntry) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := scanJournalEntry(tx.queryRow(ctx, `SELECT `+journalEntryColumns+` FROM journal_entries
			WHERE org_id = $1 AND user_id = $2 AND id = $3`, e.OrgID, e.UserID, e.ID)); err != nil {
			return err
		}
		if err := guarded(tx.exec(ctx, `UPDATE journal_entries SET prompt = $1, sealed = $2, version = version + 1, updated_at = $3
			WHERE org_id = $4 AND user_id = $5 AND id = $6 AND version = $7`,
			e.Prompt, e.Sealed, tx.now, e.OrgID, e.UserID, e.ID, e.Version)); err != nil {
			return err
		}
		e.Version++
		e.UpdatedAt = tx.now
		return nil
	})
	if err != nil {
		return fmt.Errorf("update journal entry: %w", err)
	}
	return nil
}

// DeleteJournalEntry removes one entry of userID's journal; ErrNotFound
// when there is none.
func (db *DB) DeleteJournalEntry(ctx context.Context, orgID, userID, id string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		err := guarded(tx.exec(ctx, `DELETE FROM journal_entries WHERE org_id = $1 AND user_id = $2 AND id = $3`, orgID, userID, id))
		if errors.Is(err, ErrConflict) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete journal entry: %w", err)
	}
	return nil
}

// FindOwnReflections returns every reflection userID wrote after a
// meeting, newest first, for their journal's timeline.
func (db *DB) FindOwnReflections(ctx context.Context, orgID, userID string) ([]OwnReflection, error) {
	rows, err := db.query(ctx, `SELECT r.meeting_id, m.circle_id, m.starts_at, r.sealed, r.updated_at
		FROM reflections r JOIN meetings m ON m.id = r.meeting_id
		WHERE r.org_id = $1 AND r.user_id = $2 ORDER BY r.updated_at DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find own reflections: %w", err)
	}
	defer rows.Close()
	var out []OwnReflection
	for rows.Next() {
		var r OwnReflection
		if err := rows.Scan(&r.MeetingID, &r.CircleID, &r.StartsAt, &r.Sealed, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("find own reflections: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find own reflections: %w", err)
	}
	return out, nil
}

// SealedReflection is a reflection as a rotation of the server key sees
// it: where it belongs, which its sealing is bound to, and its bytes.
type SealedReflection struct {
	ID        string
	MeetingID string
	UserID    string
	Sealed    []byte
}

// FindReflectionsAfter returns up to limit reflections, of every
// organisation, with ids after afterID in id order: a rotation of the
// server key reads them all, a page at a time.
func (db *DB) FindReflectionsAfter(ctx context.Context, afterID string, limit int) ([]SealedReflection, error) {
	rows, err := db.query(ctx, `SELECT id, meeting_id, user_id, sealed FROM reflections WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("find reflections: %w", err)
	}
	defer rows.Close()
	var out []SealedReflection
	for rows.Next() {
		var r SealedReflection
		if err := rows.Scan(&r.ID, &r.MeetingID, &r.UserID, &r.Sealed); err != nil {
			return nil, fmt.Errorf("find reflections: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find reflections: %w", err)
	}
	return out, nil
}

// ResealReflection replaces a reflection's sealed bytes, only while they
// are still old: an author who saved it again meanwhile wrote it under
// the new key already, and their save stands (ErrConflict).
func (db *DB) ResealReflection(ctx context.Context, id string, old, sealed []byte) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		return guarded(tx.exec(ctx, `UPDATE reflections SET sealed = $1 WHERE id = $2 AND sealed = $3`, sealed, id, old))
	})
	if err != nil {
		return fmt.Errorf("reseal reflection: %w", err)
	}
	return nil
}
