package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/room"
)

// Room is a meeting's live state as stored: JSON that package room reads
// and writes, and its version.
type Room struct {
	MeetingID string
	OrgID     string
	CircleID  string
	State     []byte
	Version   int64
	// Seq counts every change to the room, content included.
	Seq       int64
	UpdatedAt time.Time
}

const roomColumns = `meeting_id, org_id, circle_id, state, version, seq, updated_at`

func scanRoom(s scanner) (*Room, error) {
	var r Room
	var state string
	if err := s.Scan(&r.MeetingID, &r.OrgID, &r.CircleID, &state, &r.Version, &r.Seq, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.State = []byte(state)
	return &r, nil
}

// FindRoom returns the live state of meetingID, or ErrNotFound before the
// room was first opened.
func (db *DB) FindRoom(ctx context.Context, orgID, meetingID string) (*Room, error) {
	r, err := scanRoom(db.queryRow(ctx, `SELECT `+roomColumns+` FROM rooms WHERE org_id = $1 AND meeting_id = $2`, orgID, meetingID))
	if err != nil {
		return nil, fmt.Errorf("find room: %w", err)
	}
	return r, nil
}

// FindEarlierRooms returns the states of up to limit rooms of circleID's
// meetings that start before before, the latest meeting first, skipping
// the offset latest: a caller reads back from the latest until it has
// what it needs, not the circle's whole history.
func (db *DB) FindEarlierRooms(ctx context.Context, orgID, circleID string, before time.Time, offset, limit int) ([][]byte, error) {
	rows, err := db.query(ctx, `SELECT r.state FROM meetings m JOIN rooms r ON r.meeting_id = m.id
		WHERE m.org_id = $1 AND m.circle_id = $2 AND m.starts_at < $3 ORDER BY m.starts_at DESC, m.id DESC LIMIT $4 OFFSET $5`,
		orgID, circleID, before.UTC(), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("find earlier rooms: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var state string
		if err := rows.Scan(&state); err != nil {
			return nil, fmt.Errorf("find earlier rooms: %w", err)
		}
		out = append(out, []byte(state))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find earlier rooms: %w", db.d.mapErr(err))
	}
	return out, nil
}

// FindRoomByMeeting returns a room by its meeting alone, for the live
// fan-out that reloads a room on a notification; whoever receives what it
// loads was checked when they subscribed.
func (db *DB) FindRoomByMeeting(ctx context.Context, meetingID string) (*Room, error) {
	r, err := scanRoom(db.queryRow(ctx, `SELECT `+roomColumns+` FROM rooms WHERE meeting_id = $1`, meetingID))
	if err != nil {
		return nil, fmt.Errorf("find room: %w", err)
	}
	return r, nil
}

// CreateRoom stores the first state of a meeting's room unless another
// request made it first; either way it returns the room as stored.
func (db *DB) CreateRoom(ctx context.Context, orgID, circleID, meetingID string, state []byte, version int64) (*Room, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO rooms (meeting_id, org_id, circle_id, state, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (meeting_id) DO NOTHING`, meetingID, orgID, circleID, string(state), version, tx.now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create room: %w", err)
	}
	return db.FindRoom(ctx, orgID, meetingID)
}

// UpdateRoom replaces a room's state if it is still at version from, with
// msgs (a meeting's summary when it ends) in the same transaction, and
// returns the room's new seq; a room that moved on meanwhile gives
// ErrConflict and changes nothing.
func (db *DB) UpdateRoom(ctx context.Context, orgID, meetingID string, from int64, state []byte, to int64, msgs []Job) (int64, error) {
	var seq int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `UPDATE rooms SET state = $1, version = $2, seq = seq + 1, updated_at = $3
			WHERE org_id = $4 AND meeting_id = $5 AND version = $6 RETURNING seq`,
			string(state), to, tx.now, orgID, meetingID, from).Scan(&seq); err != nil {
			return err
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if errors.Is(err, ErrNotFound) {
		err = ErrConflict
	}
	if err != nil {
		return 0, fmt.Errorf("update room: %w", err)
	}
	return seq, nil
}

// TouchRoom counts a change to a room's content (a check-in, an offer,
// the note) and returns the new seq, so open pages fetch it.
func (db *DB) TouchRoom(ctx context.Context, orgID, meetingID string) (int64, error) {
	var seq int64
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `UPDATE rooms SET seq = seq + 1 WHERE org_id = $1 AND meeting_id = $2 RETURNING seq`, orgID, meetingID).Scan(&seq)
	})
	if err != nil {
		return 0, fmt.Errorf("touch room: %w", err)
	}
	return seq, nil
}

// SaveCheckin records or updates a member's check-in, and the progress
// they report on their open commitments (by id), in one transaction.
func (db *DB) SaveCheckin(ctx context.Context, orgID, circleID, meetingID string, c *room.Checkin, progress map[string][2]string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO checkins (org_id, meeting_id, user_id, mood, wins, tabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET mood = excluded.mood, wins = excluded.wins, tabled = excluded.tabled`,
			orgID, meetingID, c.UserID, c.Mood, c.Wins, c.Tabled, tx.now); err != nil {
			return err
		}
		if _, err := insertPresence(ctx, tx, orgID, meetingID, c.UserID); err != nil {
			return err
		}
		for id, p := range progress {
			var done any
			if p[0] == "done" {
				done = tx.now
			}
			res, err := tx.exec(ctx, `UPDATE commitments SET progress = $1, learned = $2, done_at = COALESCE(done_at, $3)
				WHERE org_id = $4 AND circle_id = $5 AND id = $6 AND user_id = $7`, p[0], p[1], done, orgID, circleID, id, c.UserID)
			if err != nil {
				return err
			}
			if err := mustAffect(res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save check-in: %w", err)
	}
	return nil
}

// insertPresence records userID at meetingID unless they already are:
// the first sign of someone is when they came, and a later one changes
// nothing. It reports whether the row is new.
func insertPresence(ctx context.Context, tx *Tx, orgID, meetingID, userID string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO meeting_presence (org_id, meeting_id, user_id, seen_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (meeting_id, user_id) DO NOTHING`, orgID, meetingID, userID, tx.now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RecordPresence marks userID as present at meetingID, once; it reports
// whether they were not marked before, so that open pages are told only
// of someone new. The caller decides that the meeting is under way and
// its organisation's.
func (db *DB) RecordPresence(ctx context.Context, orgID, meetingID, userID string) (bool, error) {
	var added bool
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		added, err = insertPresence(ctx, tx, orgID, meetingID, userID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record presence: %w", err)
	}
	return added, nil
}

// FindPresence lists who was present at a meeting, in the order they
// came: the meeting's attendance.
func (db *DB) FindPresence(ctx context.Context, orgID, meetingID string) ([]string, error) {
	out, err := db.queryStrings(ctx, `SELECT user_id FROM meeting_presence WHERE org_id = $1 AND meeting_id = $2 ORDER BY seen_at, user_id`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find presence: %w", err)
	}
	return out, nil
}

// FindCheckins lists the check-ins of a meeting in the order they came.
func (db *DB) FindCheckins(ctx context.Context, orgID, meetingID string) ([]room.Checkin, error) {
	rows, err := db.query(ctx, `SELECT c.user_id, u.name, c.mood, c.wins, c.tabled, c.created_at FROM checkins c
		JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id WHERE c.org_id = $1 AND c.meeting_id = $2 ORDER BY c.created_at`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find check-ins: %w", err)
	}
	defer rows.Close()
	var out []room.Checkin
	for rows.Next() {
		var c room.Checkin
		if err := rows.Scan(&c.UserID, &c.Name, &c.Mood, &c.Wins, &c.Tabled, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveClosingAnswer records or replaces a member's closing answer.
func (db *DB) SaveClosingAnswer(ctx context.Context, orgID, meetingID string, a *room.ClosingAnswer) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO closing_answers (org_id, meeting_id, user_id, answer, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET answer = excluded.answer, note = excluded.note`,
			orgID, meetingID, a.UserID, a.Answer, a.Note, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("save closing answer: %w", err)
	}
	return nil
}

// FindClosingAnswers lists a meeting's closing answers in the order they
// came.
func (db *DB) FindClosingAnswers(ctx context.Context, orgID, meetingID string) ([]room.ClosingAnswer, error) {
	rows, err := db.query(ctx, `SELECT a.user_id, u.name, a.answer, a.note, a.created_at FROM closing_answers a
		JOIN users u ON u.id = a.user_id AND u.org_id = a.org_id WHERE a.org_id = $1 AND a.meeting_id = $2 ORDER BY a.created_at, u.name`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find closing answers: %w", err)
	}
	defer rows.Close()
	var out []room.ClosingAnswer
	for rows.Next() {
		var a room.ClosingAnswer
		if err := rows.Scan(&a.UserID, &a.Name, &a.Answer, &a.Note, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateOffer adds an offer to a presenter at a meeting.
func (db *DB) CreateOffer(ctx context.Context, orgID, meetingID string, o *room.Offer) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		o.ID, o.CreatedAt = newID(), tx.now
		_, err := tx.exec(ctx, `INSERT INTO offers (id, org_id, meeting_id, presenter_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			o.ID, orgID, meetingID, o.PresenterID, o.AuthorID, o.Body, o.CreatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("create offer: %w", err)
	}
	return nil
}

// FindOffers lists a meeting's offers, oldest first.
func (db *DB) FindOffers(ctx context.Context, orgID, meetingID string) ([]room.Offer, error) {
	rows, err := db.query(ctx, `SELECT o.id, o.presenter_id, COALESCE(o.author_id, ''), COALESCE(u.name, 'A former member'), o.body, o.created_at,
		EXISTS (SELECT 1 FROM commitments c WHERE c.offer_id = o.id)
		FROM offers o LEFT JOIN users u ON u.id = o.author_id AND u.org_id = o.org_id
		WHERE o.org_id = $1 AND o.meeting_id = $2 ORDER BY o.created_at, o.id`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find offers: %w", err)
	}
	defer rows.Close()
	var out []room.Offer
	for rows.Next() {
		var o room.Offer
		if err := rows.Scan(&o.ID, &o.PresenterID, &o.AuthorID, &o.AuthorName, &o.Body, &o.CreatedAt, &o.Taken); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// TakeOffer makes an offer the presenter's own commitment for the next
// meeting; only the presenter it was made to may take it, once.
// It is due at due, and its reminder and follow-up are planned.
func (db *DB) TakeOffer(ctx context.Context, orgID, circleID, meetingID, offerID, userID, body string, due time.Time) (*circle.Commitment, error) {
	var c *circle.Commitment
	err := db.inTx(ctx, func(tx *Tx) error {
		var presenter string
		var taken bool
		err := tx.queryRow(ctx, `SELECT presenter_id, EXISTS (SELECT 1 FROM commitments c WHERE c.offer_id = o.id) FROM offers o
			WHERE o.org_id = $1 AND o.meeting_id = $2 AND o.id = $3`, orgID, meetingID, offerID).Scan(&presenter, &taken)
		if err != nil {
			return err
		}
		if presenter != userID {
			return ErrNotFound
		}
		if taken {
			return ErrConflict
		}
		c = &circle.Commitment{ID: newID(), UserID: userID, MeetingID: meetingID, Body: body, CreatedAt: tx.now, DueAt: &due, Version: 1}
		_, err = tx.exec(ctx, `INSERT INTO commitments (id, org_id, circle_id, user_id, meeting_id, offer_id, body, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID, orgID, circleID, userID, meetingID, offerID, body, tx.now, due)
		if err != nil {
			return err
		}
		return db.scheduleDue(ctx, tx, c.ID, due)
	})
	if err != nil {
		return nil, fmt.Errorf("take offer: %w", err)
	}
	return c, nil
}

// FindNote returns a meeting's shared note; an empty one before anyone
// wrote.
func (db *DB) FindNote(ctx context.Context, orgID, meetingID string) (*room.Note, error) {
	var n room.Note
	err := db.queryRow(ctx, `SELECT body, version, COALESCE(updated_by, ''), updated_at FROM meeting_notes WHERE org_id = $1 AND meeting_id = $2`,
		orgID, meetingID).Scan(&n.Body, &n.Version, &n.UpdatedBy, &n.UpdatedAt)
	if errors.Is(err, ErrNotFound) {
		return &room.Note{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find note: %w", err)
	}
	return &n, nil
}

// SaveNote replaces the shared note if it is still at version from (0 for
// a first note); otherwise ErrConflict, so nobody overwrites a change they
// have not seen.
func (db *DB) SaveNote(ctx context.Context, orgID, meetingID, userID, body string, from int64) (*room.Note, error) {
	n := &room.Note{Body: body, Version: from + 1, UpdatedBy: userID}
	err := db.inTx(ctx, func(tx *Tx) error {
		n.UpdatedAt = tx.now
		var res interface{ RowsAffected() (int64, error) }
		var err error
		if from == 0 {
			res, err = tx.exec(ctx, `INSERT INTO meeting_notes (meeting_id, org_id, body, version, updated_by, updated_at) VALUES ($1, $2, $3, 1, $4, $5)
				ON CONFLICT (meeting_id) DO NOTHING`, meetingID, orgID, body, userID, tx.now)
		} else {
			res, err = tx.exec(ctx, `UPDATE meeting_notes SET body = $1, version = $2, updated_by = $3, updated_at = $4
				WHERE org_id = $5 AND meeting_id = $6 AND version = $7`, body, from+1, userID, tx.now, orgID, meetingID, from)
		}
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return ErrConflict
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("save note: %w", err)
	}
	return n, nil
}

// SaveReflection stores a member's sealed reflection on a meeting,
// replacing an earlier one.
func (db *DB) SaveReflection(ctx context.Context, orgID, meetingID, userID string, sealed []byte) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO reflections (id, org_id, meeting_id, user_id, sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
			newID(), orgID, meetingID, userID, sealed, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("save reflection: %w", err)
	}
	return nil
}

// FindReflection returns the sealed reflection of userID on a meeting.
func (db *DB) FindReflection(ctx context.Context, orgID, meetingID, userID string) ([]byte, time.Time, error) {
	var sealed []byte
	var at time.Time
	err := db.queryRow(ctx, `SELECT sealed, updated_at FROM reflections WHERE org_id = $1 AND meeting_id = $2 AND user_id = $3`,
		orgID, meetingID, userID).Scan(&sealed, &at)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("find reflection: %w", err)
	}
	return sealed, at, nil
}

const guestColumns = `g.id, g.org_id, g.circle_id, g.meeting_id, g.user_id, u.name, COALESCE(g.invited_by, ''), g.created_at, g.accepted_at`

func scanGuest(s scanner) (*room.Guest, error) {
	var g room.Guest
	if err := s.Scan(&g.ID, &g.OrgID, &g.CircleID, &g.MeetingID, &g.UserID, &g.Name, &g.InvitedBy, &g.CreatedAt, &g.AcceptedAt); err != nil {
		return nil, err
	}
	return &g, nil
}

// CreateGuest invites a colleague to observe a meeting, with their
// emailed link, in one transaction; inviting them again replaces the link.
func (db *DB) CreateGuest(ctx context.Context, g *room.Guest, tokenHash string, msg Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		g.ID, g.CreatedAt = newID(), tx.now
		if _, err := tx.exec(ctx, `INSERT INTO guests (id, org_id, circle_id, meeting_id, user_id, invited_by, token_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET token_hash = excluded.token_hash, invited_by = excluded.invited_by`,
			g.ID, g.OrgID, g.CircleID, g.MeetingID, g.UserID, g.InvitedBy, tokenHash, tx.now); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return fmt.Errorf("create guest: %w", err)
	}
	return nil
}

// FindGuestByToken returns the invitation a guest link belongs to.
func (db *DB) FindGuestByToken(ctx context.Context, tokenHash string) (*room.Guest, error) {
	g, err := scanGuest(db.queryRow(ctx, `SELECT `+guestColumns+` FROM guests g JOIN users u ON u.id = g.user_id AND u.org_id = g.org_id
		WHERE g.token_hash = $1`, tokenHash))
	if err != nil {
		return nil, fmt.Errorf("find guest: %w", err)
	}
	return g, nil
}

// FindGuests lists a meeting's guests.
func (db *DB) FindGuests(ctx context.Context, orgID, meetingID string) ([]room.Guest, error) {
	rows, err := db.query(ctx, `SELECT `+guestColumns+` FROM guests g JOIN users u ON u.id = g.user_id AND u.org_id = g.org_id
		WHERE g.org_id = $1 AND g.meeting_id = $2 ORDER BY g.created_at`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find guests: %w", err)
	}
	defer rows.Close()
	var out []room.Guest
	for rows.Next() {
		g, err := scanGuest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// AcceptGuest records that a guest accepted the ground rules and the
// circle's confidentiality.
func (db *DB) AcceptGuest(ctx context.Context, orgID, id string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE guests SET accepted_at = COALESCE(accepted_at, $1) WHERE org_id = $2 AND id = $3`, tx.now, orgID, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("accept guest: %w", err)
	}
	return nil
}

// FindRoomSettings returns a circle's own meeting format as stored, or
// "" when it keeps the program's.
func (db *DB) FindRoomSettings(ctx context.Context, orgID, circleID string) (string, error) {
	var s string
	if err := db.queryRow(ctx, `SELECT room_settings FROM circles WHERE org_id = $1 AND id = $2`, orgID, circleID).Scan(&s); err != nil {
		return "", fmt.Errorf("find room settings: %w", err)
	}
	return s, nil
}

// UpdateRoomSettings saves a circle's meeting format; meetings whose room
// opens afterwards follow it.
func (db *DB) UpdateRoomSettings(ctx context.Context, orgID, circleID, settings string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE circles SET room_settings = $1 WHERE org_id = $2 AND id = $3`, settings, orgID, circleID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("update room settings: %w", err)
	}
	return nil
}

// SaveRitualWord keeps a member's appreciation or takeaway in a meeting's
// closing ritual, replacing the one of the same kind they wrote before.
func (db *DB) SaveRitualWord(ctx context.Context, orgID, meetingID string, w *room.RitualWord) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO ritual_words (org_id, meeting_id, user_id, kind, to_user_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (meeting_id, user_id, kind) DO UPDATE SET to_user_id = excluded.to_user_id, body = excluded.body`,
			orgID, meetingID, w.UserID, w.Kind, nullIf(w.ToID), w.Body, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("save ritual word: %w", err)
	}
	return nil
}

// FindRitualWords lists a meeting's closing ritual in the order it was
// written.
func (db *DB) FindRitualWords(ctx context.Context, orgID, meetingID string) ([]room.RitualWord, error) {
	rows, err := db.query(ctx, `SELECT w.user_id, u.name, w.kind, COALESCE(w.to_user_id, ''), COALESCE(t.name, ''), w.body, w.created_at
		FROM ritual_words w JOIN users u ON u.id = w.user_id AND u.org_id = w.org_id
		LEFT JOIN users t ON t.id = w.to_user_id AND t.org_id = w.org_id
		WHERE w.org_id = $1 AND w.meeting_id = $2 ORDER BY w.created_at, u.name, w.kind`, orgID, meetingID)
	if err != nil {
		return nil, fmt.Errorf("find ritual words: %w", err)
	}
	defer rows.Close()
	var out []room.RitualWord
	for rows.Next() {
		var w room.RitualWord
		if err := rows.Scan(&w.UserID, &w.Name, &w.Kind, &w.ToID, &w.ToName, &w.Body, &w.CreatedAt); err != nil {
			return nil, fmt.Errorf("find ritual words: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
