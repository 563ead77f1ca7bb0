package store

import (
	"context"
	"errors"
	"fmt"
	"github.com/holdspace/holdspace/internal/card"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

// --- RSVPs ---

// FindRSVPs returns the answers to meetingIDs, of anyone who answered:
// the caller keeps those of the circle's present members.
func (db *DB) FindRSVPs(ctx context.Context, orgID string, meetingIDs []string) ([]circle.RSVP, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	args, in := inList([]any{orgID}, meetingIDs)
	rows, err := db.query(ctx, `SELECT meeting_id, user_id, answer, version, updated_at FROM meeting_rsvps
		WHERE org_id = $1 AND meeting_id IN (`+in+`) ORDER BY meeting_id, user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find rsvps: %w", err)
	}
	defer rows.Close()
	var out []circle.RSVP
	for rows.Next() {
		var r circle.RSVP
		if err := rows.Scan(&r.MeetingID, &r.UserID, &r.Answer, &r.Version, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindRSVP returns userID's answer to meetingID: version 0 and no answer
// when they have not answered.
func (db *DB) FindRSVP(ctx context.Context, orgID, meetingID, userID string) (circle.RSVP, error) {
	r := circle.RSVP{MeetingID: meetingID, UserID: userID}
	err := db.queryRow(ctx, `SELECT answer, version, updated_at FROM meeting_rsvps WHERE org_id = $1 AND meeting_id = $2 AND user_id = $3`,
		orgID, meetingID, userID).Scan(&r.Answer, &r.Version, &r.UpdatedAt)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return r, fmt.Errorf("find rsvp: %w", err)
	}
	return r, nil
}

// SetRSVP saves r's answer if the member's answer is still at version
// from (0: none yet), with msgs, the emails telling the circle, in the same
// transaction; otherwise ErrConflict. The meeting must still be on and
// ahead. r.Version becomes the new version.
func (db *DB) SetRSVP(ctx context.Context, orgID string, r *circle.RSVP, from int, msgs []Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE org_id = $1 AND id = $2 AND status = 'scheduled' AND starts_at > $3`,
			orgID, r.MeetingID, tx.now).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return circle.ErrRSVPClosed
		}
		var q string
		var args []any
		if from == 0 {
			q = `INSERT INTO meeting_rsvps (org_id, meeting_id, user_id, answer, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)
				ON CONFLICT (meeting_id, user_id) DO NOTHING`
			args = []any{orgID, r.MeetingID, r.UserID, string(r.Answer), tx.now}
		} else {
			q = `UPDATE meeting_rsvps SET answer = $1, version = version + 1, updated_at = $2
				WHERE org_id = $3 AND meeting_id = $4 AND user_id = $5 AND version = $6`
			args = []any{string(r.Answer), tx.now, orgID, r.MeetingID, r.UserID, from}
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k != 1 {
			return errors.Join(err, ErrConflict)
		}
		r.Version, r.UpdatedAt = from+1, tx.now
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return fmt.Errorf("set rsvp: %w", err)
	}
	return nil
}

// --- commitments due ---

// CommitmentJob wakes up a day before a commitment is due (kind
// circle.DueSoon) or a day after (circle.DueFollowUp) to email its owner.
// Due is the due date it was planned for, in Unix seconds: a commitment
// moved since has other jobs, and this one sends nothing.
type CommitmentJob struct {
	CommitmentID string `json:"commitment_id"`
	Email        string `json:"email"`
	Due          int64  `json:"due"`
}

// Kind names the job in the queue; changing it strands queued jobs.
func (CommitmentJob) Kind() string { return "commitment_due" }

// scheduleDue plans the two emails of a commitment due at due: the
// reminder only if it is still ahead.
func (db *DB) scheduleDue(ctx context.Context, tx *Tx, id string, due time.Time) error {
	if db.jobs == nil {
		return nil
	}
	for _, kind := range []string{circle.DueSoon, circle.DueFollowUp} {
		at := circle.DueJobAt(kind, due)
		if kind == circle.DueSoon && !at.After(tx.now) {
			continue
		}
		if _, err := db.jobs.ScheduleTx(ctx, tx.Tx, CommitmentJob{CommitmentID: id, Email: kind, Due: due.Unix()}, at); err != nil {
			return err
		}
	}
	return nil
}

const commitmentColumns = `c.id, c.user_id, u.name, COALESCE(c.meeting_id, ''), c.body, c.created_at, c.done_at, c.progress, c.learned, c.due_at, c.let_go_at, c.version`

func scanCommitment(s scanner) (circle.Commitment, error) {
	var c circle.Commitment
	err := s.Scan(&c.ID, &c.UserID, &c.UserName, &c.MeetingID, &c.Body, &c.CreatedAt, &c.DoneAt, &c.Progress, &c.Learned, &c.DueAt, &c.LetGoAt, &c.Version)
	return c, err
}

// DueCommitment is a commitment with what its emails need.
type DueCommitment struct {
	circle.Commitment
	OrgID, CircleID  string
	Email, Timezone  string
	Program          program.Program
	Reminded, Follow bool // its reminder, its follow-up, were sent
}

// FindCommitment returns commitment id of orgID with its owner's address
// and its circle's program.
func (db *DB) FindCommitment(ctx context.Context, orgID, id string) (*DueCommitment, error) {
	var d DueCommitment
	var programID string
	var reminded, followed *time.Time
	err := db.queryRow(ctx, `SELECT `+commitmentColumns+`, c.org_id, c.circle_id, u.email, u.timezone, ci.program_id, c.reminded_at, c.followed_up_at
		FROM commitments c JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id JOIN circles ci ON ci.id = c.circle_id
		WHERE c.org_id = $1 AND c.id = $2`, orgID, id).Scan(&d.ID, &d.UserID, &d.UserName, &d.MeetingID, &d.Body, &d.CreatedAt, &d.DoneAt,
		&d.Progress, &d.Learned, &d.DueAt, &d.LetGoAt, &d.Version, &d.OrgID, &d.CircleID, &d.Email, &d.Timezone, &programID, &reminded, &followed)
	if err != nil {
		return nil, fmt.Errorf("find commitment: %w", err)
	}
	d.Reminded, d.Follow = reminded != nil, followed != nil
	p, err := scanProgram(db.queryRow(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 AND p.id = $2`, orgID, programID))
	if err != nil {
		return nil, fmt.Errorf("find commitment: %w", err)
	}
	d.Program = *p
	return &d, nil
}

// FindCommitmentOrg returns the organisation of commitment id, for a job
// that knows only the id.
func (db *DB) FindCommitmentOrg(ctx context.Context, id string) (string, error) {
	var orgID string
	if err := db.queryRow(ctx, `SELECT org_id FROM commitments WHERE id = $1`, id).Scan(&orgID); err != nil {
		return "", fmt.Errorf("find commitment org: %w", err)
	}
	return orgID, nil
}

// SendCommitmentMail marks the email of kind (circle.DueSoon or
// circle.DueFollowUp) of commitment id sent and enqueues msg, if the
// commitment is still at version and the email was not sent: so it goes
// once however often its job runs, and never after the commitment was
// done, let go or moved. It reports whether it sent.
func (db *DB) SendCommitmentMail(ctx context.Context, orgID, id, kind string, version int, msg Job) (bool, error) {
	column := "reminded_at"
	if kind == circle.DueFollowUp {
		column = "followed_up_at"
	}
	sent := false
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE commitments SET `+column+` = $1 WHERE org_id = $2 AND id = $3 AND version = $4
			AND `+column+` IS NULL AND done_at IS NULL AND let_go_at IS NULL`, tx.now, orgID, id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		sent = true
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return false, fmt.Errorf("send commitment mail: %w", err)
	}
	return sent, nil
}

// ChangeCommitment applies ch to userID's commitment id in circleID if it
// is still at version from; otherwise ErrConflict. Moving its due date
// plans its emails again.
func (db *DB) ChangeCommitment(ctx context.Context, orgID, circleID, id, userID string, from int, ch circle.CommitmentChange) (int, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		var set string
		args := []any{orgID, circleID, id, userID, from}
		switch {
		case ch.Done != nil && *ch.Done:
			set = "done_at = $6, let_go_at = NULL"
			args = append(args, tx.now)
		case ch.Done != nil:
			set = "done_at = NULL, let_go_at = NULL"
		case ch.Due != nil:
			set = "due_at = $6, reminded_at = NULL, followed_up_at = NULL"
			args = append(args, *ch.Due)
		case ch.LetGo:
			set = "let_go_at = $6"
			args = append(args, tx.now)
		default:
			return nil
		}
		res, err := tx.exec(ctx, `UPDATE commitments SET `+set+`, version = version + 1 WHERE org_id = $1 AND circle_id = $2 AND id = $3
			AND user_id = $4 AND version = $5`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, ErrConflict)
		}
		if ch.Due != nil {
			return db.scheduleDue(ctx, tx, id, *ch.Due)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("change commitment: %w", err)
	}
	return from + 1, nil
}

// FindCommitmentDates lists userID's commitments with a due date, newest
// due first, at most limit, with only their id and dates filled in: their
// streak counts them back from now and reads nothing else, so the bodies
// and the owner's name stay unread.
func (db *DB) FindCommitmentDates(ctx context.Context, orgID, userID string, limit int) ([]circle.Commitment, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.due_at, c.done_at, c.let_go_at FROM commitments c
		WHERE c.org_id = $1 AND c.user_id = $2 AND c.due_at IS NOT NULL ORDER BY c.due_at DESC, c.id LIMIT $3`, orgID, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("find commitment dates: %w", err)
	}
	defer rows.Close()
	var out []circle.Commitment
	for rows.Next() {
		c := circle.Commitment{UserID: userID}
		if err := rows.Scan(&c.ID, &c.DueAt, &c.DoneAt, &c.LetGoAt); err != nil {
			return nil, fmt.Errorf("find commitment dates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find commitment dates: %w", db.d.mapErr(err))
	}
	return out, nil
}

// --- streaks ---

// FindMeetingsHeld lists the meetings of userID's circles that were held while
// they belonged to them (someone was there, it was not cancelled, it has
// ended by now), newest first, at most limit, and whether they were there.
func (db *DB) FindMeetingsHeld(ctx context.Context, orgID, userID string, limit int) ([]circle.Attended, error) {
	rows, err := db.query(ctx, `SELECT m.starts_at,
			EXISTS (SELECT 1 FROM meeting_presence p WHERE p.meeting_id = m.id AND p.user_id = $2)
		FROM circle_members x JOIN meetings m ON m.circle_id = x.circle_id AND m.org_id = x.org_id
		WHERE x.org_id = $1 AND x.user_id = $2 AND x.response = 'accepted'
			AND m.status = 'scheduled' AND m.ends_at <= $3
			AND EXISTS (SELECT 1 FROM meeting_presence q WHERE q.meeting_id = m.id)
			AND NOT EXISTS (SELECT 1 FROM circle_departures d WHERE d.circle_id = m.circle_id AND d.user_id = $2 AND d.left_at <= m.starts_at)
		ORDER BY m.starts_at DESC LIMIT $4`, orgID, userID, db.Now(), limit)
	if err != nil {
		return nil, fmt.Errorf("find meetings held: %w", err)
	}
	defer rows.Close()
	var out []circle.Attended
	for rows.Next() {
		var h circle.Attended
		if err := rows.Scan(&h.Start, &h.Present); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// --- weekly digest ---

// DigestPerson is someone the weekly digest may go to.
type DigestPerson struct {
	OrgID, ID, Name, Email, Timezone string
}

// FindDigestPeople lists the active members of active circles who have
// not turned the digest off, across every organisation.
func (db *DB) FindDigestPeople(ctx context.Context) ([]DigestPerson, error) {
	// From the active circles (an index of them alone) to their members.
	rows, err := db.query(ctx, `SELECT DISTINCT u.org_id, u.id, u.name, u.email, u.timezone
		FROM circles c JOIN circle_members x ON x.circle_id = c.id AND x.org_id = c.org_id
		JOIN users u ON u.id = x.user_id AND u.org_id = x.org_id
		LEFT JOIN reminder_prefs rp ON rp.user_id = u.id
		WHERE c.status = 'active' AND c.finished_at IS NULL AND x.response = 'accepted'
			AND u.deactivated_at IS NULL AND u.status = 'active' AND COALESCE(rp.digest, TRUE)
		ORDER BY u.org_id, u.id`)
	if err != nil {
		return nil, fmt.Errorf("find digest people: %w", err)
	}
	defer rows.Close()
	var out []DigestPerson
	for rows.Next() {
		var p DigestPerson
		if err := rows.Scan(&p.OrgID, &p.ID, &p.Name, &p.Email, &p.Timezone); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// HasDigest reports whether userID's digest of week was sent.
func (db *DB) HasDigest(ctx context.Context, orgID, userID, week string) (bool, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM digests WHERE org_id = $1 AND user_id = $2 AND week = $3`, orgID, userID, week).Scan(&n); err != nil {
		return false, fmt.Errorf("has digest: %w", err)
	}
	return n > 0, nil
}

// ClaimDigest records userID's digest of week and enqueues msg, in one
// transaction, unless it was recorded already (by another instance, or
// before a restart). It reports whether it sent.
func (db *DB) ClaimDigest(ctx context.Context, orgID, userID, week, tokenHash string, msg Job) (bool, error) {
	sent := false
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO digests (org_id, user_id, week, token_hash, sent_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, week) DO NOTHING`, orgID, userID, week, tokenHash, tx.now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		sent = true
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return false, fmt.Errorf("claim digest: %w", err)
	}
	return sent, nil
}

// FindDigestToken returns whose digest carried the unsubscribe secret
// with tokenHash.
func (db *DB) FindDigestToken(ctx context.Context, tokenHash string) (orgID, userID string, err error) {
	err = db.queryRow(ctx, `SELECT org_id, user_id FROM digests WHERE token_hash = $1`, tokenHash).Scan(&orgID, &userID)
	if err != nil {
		return "", "", fmt.Errorf("find digest token: %w", err)
	}
	return orgID, userID, nil
}

// SetDigest turns userID's weekly digest on or off, keeping their other
// reminder settings.
func (db *DB) SetDigest(ctx context.Context, orgID, userID string, on bool) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO reminder_prefs (user_id, org_id, offsets, nudges, digest, updated_at) VALUES ($1, $2, $3, TRUE, $4, $5)
			ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
			userID, orgID, toJSON(circle.DefaultReminders), on, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("set digest: %w", err)
	}
	return nil
}

// Card is a learning card as the digest names it, with what says where
// its reader finds it.
type Card struct {
	ID, CircleID, ProgramID string
	Audience                card.Audience
	Title                   string
	ReleasedAt              time.Time
}

// FindNewCards lists the titles of learning cards released to userID
// since since, by others, newest first, at most limit: the cards of their
// circles, of their circles' programs, and of the whole organisation.
func (db *DB) FindNewCards(ctx context.Context, orgID, userID string, since time.Time, limit int) ([]Card, error) {
	mine := `SELECT x.circle_id FROM circle_members x WHERE x.org_id = $1 AND x.user_id = $2 AND x.response = 'accepted'
		AND NOT EXISTS (SELECT 1 FROM circle_departures d WHERE d.circle_id = x.circle_id AND d.user_id = $2)`
	rows, err := db.query(ctx, `SELECT id, circle_id, program_id, audience, title, released_at FROM learning_cards
		WHERE org_id = $1 AND author_id <> $2 AND released_at >= $3 AND (
			(audience = 'circle' AND circle_id IN (`+mine+`))
			OR (audience = 'program' AND program_id IN (SELECT c.program_id FROM circles c WHERE c.org_id = $1 AND c.id IN (`+mine+`)))
			OR audience = 'org')
		ORDER BY released_at DESC LIMIT $4`, orgID, userID, since, limit)
	if err != nil {
		return nil, fmt.Errorf("find new cards: %w", err)
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		var c Card
		if err := rows.Scan(&c.ID, &c.CircleID, &c.ProgramID, &c.Audience, &c.Title, &c.ReleasedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
