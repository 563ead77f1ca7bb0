package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/holdspace/holdspace/internal/pulse"
)

// FindPulseCadence returns how many meetings a circle holds between two
// pulse rounds: what its members chose, or pulse.DefaultCadence.
func (db *DB) FindPulseCadence(ctx context.Context, orgID, circleID string) (int, error) {
	n := pulse.DefaultCadence
	err := db.queryRow(ctx, `SELECT meetings FROM pulse_cadences WHERE org_id = $1 AND circle_id = $2`, orgID, circleID).Scan(&n)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("find pulse cadence: %w", err)
	}
	return n, nil
}

// UpdatePulseCadence saves the cadence a circle's members chose.
func (db *DB) UpdatePulseCadence(ctx context.Context, orgID, circleID string, meetings int) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO pulse_cadences (circle_id, org_id, meetings) VALUES ($1, $2, $3)
			ON CONFLICT (circle_id) DO UPDATE SET meetings = excluded.meetings`, circleID, orgID, meetings)
		return err
	})
	if err != nil {
		return fmt.Errorf("update pulse cadence: %w", err)
	}
	return nil
}

// CreatePulseRound opens round number of a circle, which had held held
// meetings. Two requests opening the same round at once open it once.
func (db *DB) CreatePulseRound(ctx context.Context, orgID, circleID string, number, held int) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO pulse_rounds (id, org_id, circle_id, number, held) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, circle_id, number) DO NOTHING`, newID(), orgID, circleID, number, held)
		return err
	})
	if err != nil {
		return fmt.Errorf("create pulse round: %w", err)
	}
	return nil
}

// FindPulseRounds lists a circle's rounds with their counts, oldest first.
func (db *DB) FindPulseRounds(ctx context.Context, orgID, circleID string) ([]pulse.Round, error) {
	out, err := findPulseRounds(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find pulse rounds: %w", err)
	}
	return out, nil
}

func findPulseRounds(ctx context.Context, db *DB, orgID, circleID string) ([]pulse.Round, error) {
	byCircle, err := findPulseRoundsOf(ctx, db, orgID, []string{circleID})
	return byCircle[circleID], err
}

// FindLatestPulseRounds lists the newest n of a circle's rounds that its
// members may see (pulse.Round.Shown), with their counts, oldest first:
// whether the pulse dropped is read from the last two, and a circle that
// has met for years has as many rounds behind it as it likes.
func (db *DB) FindLatestPulseRounds(ctx context.Context, orgID, circleID string, n int) ([]pulse.Round, error) {
	rounds, err := scanPulseRounds(db.query(ctx, `SELECT id, circle_id, number, held, respondents FROM pulse_rounds
		WHERE org_id = $1 AND circle_id = $2 AND respondents >= $3 ORDER BY number DESC LIMIT $4`, orgID, circleID, pulse.CircleMinimum, n))
	if err != nil {
		return nil, fmt.Errorf("find latest pulse rounds: %w", err)
	}
	slices.Reverse(rounds)
	at := make(roundsByID, len(rounds))
	ids := make([]string, len(rounds))
	for i := range rounds {
		at[rounds[i].ID], ids[i] = &rounds[i], rounds[i].ID
	}
	if len(ids) == 0 {
		return rounds, nil
	}
	args, in := inList([]any{orgID}, ids)
	err = at.addCounts(db.query(ctx, `SELECT round_id, item, score, answers FROM pulse_counts WHERE org_id = $1 AND round_id IN (`+in+`)`, args...))
	if err != nil {
		return nil, fmt.Errorf("find latest pulse rounds: %w", err)
	}
	return rounds, nil
}

// findPulseRoundsOf reads the rounds of several circles with their counts,
// each circle's oldest first, in two queries whatever their number.
func findPulseRoundsOf(ctx context.Context, db *DB, orgID string, circleIDs []string) (map[string][]pulse.Round, error) {
	out := map[string][]pulse.Round{}
	if len(circleIDs) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID}, circleIDs)
	rounds, err := scanPulseRounds(db.query(ctx, `SELECT id, circle_id, number, held, respondents FROM pulse_rounds
		WHERE org_id = $1 AND circle_id IN (`+in+`) ORDER BY circle_id, number`, args...))
	if err != nil || len(rounds) == 0 {
		return out, err
	}
	for _, r := range rounds {
		out[r.CircleID] = append(out[r.CircleID], r)
	}
	at := make(roundsByID, len(rounds))
	for c := range out {
		for i := range out[c] {
			at[out[c][i].ID] = &out[c][i]
		}
	}
	err = at.addCounts(db.query(ctx, `SELECT k.round_id, k.item, k.score, k.answers FROM pulse_counts k
		JOIN pulse_rounds r ON r.id = k.round_id AND r.org_id = k.org_id
		WHERE r.org_id = $1 AND r.circle_id IN (`+in+`)`, args...))
	return out, err
}

// scanPulseRounds reads the rounds (id, circle_id, number, held,
// respondents) that rows holds, and closes it.
func scanPulseRounds(rows *sql.Rows, err error) ([]pulse.Round, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pulse.Round
	for rows.Next() {
		var r pulse.Round
		if err := rows.Scan(&r.ID, &r.CircleID, &r.Number, &r.Held, &r.Respondents); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// roundsByID are rounds being read, by id, for their counts to be added.
type roundsByID map[string]*pulse.Round

// addCounts adds the counts that rows holds (round_id, item, score,
// answers) to the rounds of at, and closes it.
func (at roundsByID) addCounts(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var item, score, n int
		if err := rows.Scan(&id, &item, &score, &n); err != nil {
			return err
		}
		if r, ok := at[id]; ok && validCell(item, score) {
			r.Counts[item-1][score-1] = n
		}
	}
	return rows.Err()
}

func validCell(item, score int) bool {
	return item >= 1 && item <= len(pulse.Items) && score >= pulse.MinScore && score <= pulse.MaxScore
}

// HasAnsweredPulse reports whether userID has answered a round.
func (db *DB) HasAnsweredPulse(ctx context.Context, orgID, roundID, userID string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM pulse_answered WHERE org_id = $1 AND round_id = $2 AND user_id = $3`, orgID, roundID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("has answered pulse: %w", err)
	}
	return n > 0, nil
}

// AnswerPulse counts userID's answers to round number of a circle, and
// marks that they answered, in one transaction: the mark and the counts
// hold nothing that ties one to the other. The round must still be the
// circle's newest (pulse.ErrNoRound otherwise), and a member answers it
// once (pulse.ErrAnswered).
func (db *DB) AnswerPulse(ctx context.Context, orgID, circleID string, number int, userID string, a pulse.Answer) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var roundID string
		// Raising the count first takes the round's row lock on PostgreSQL,
		// so answers to a round are written one after another.
		err := tx.queryRow(ctx, `UPDATE pulse_rounds SET respondents = respondents + 1
			WHERE org_id = $1 AND circle_id = $2 AND number = $3
			AND number = (SELECT MAX(n.number) FROM pulse_rounds n WHERE n.org_id = $1 AND n.circle_id = $2)
			RETURNING id`, orgID, circleID, number).Scan(&roundID)
		if errors.Is(err, ErrNotFound) {
			return pulse.ErrNoRound
		}
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO pulse_answered (round_id, org_id, user_id) VALUES ($1, $2, $3)`, roundID, orgID, userID)
		if errors.Is(err, ErrConflict) {
			return pulse.ErrAnswered
		}
		if err != nil {
			return err
		}
		for i, s := range a {
			if _, err := tx.exec(ctx, `INSERT INTO pulse_counts (round_id, org_id, item, score, answers) VALUES ($1, $2, $3, $4, 1)
				ON CONFLICT (round_id, item, score) DO UPDATE SET answers = pulse_counts.answers + 1`, roundID, orgID, i+1, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("answer pulse: %w", err)
	}
	return nil
}

// FindPulsePool pools, for an admin, each circle's last closed round (the
// one before its newest): a closed round no longer changes, so comparing
// the pool from one day to the next never shows one person's answer. With
// programID "" it pools the whole organisation.
func (db *DB) FindPulsePool(ctx context.Context, orgID, programID string) (pulse.Pool, error) {
	pool, _, err := db.findPulsePools(ctx, orgID, programID)
	return pool, err
}

// FindPulsePools is FindPulsePool for the whole organisation and, from the
// same reading, for each of its programs, keyed by program.
func (db *DB) FindPulsePools(ctx context.Context, orgID string) (pulse.Pool, map[string]pulse.Pool, error) {
	return db.findPulsePools(ctx, orgID, "")
}

// findPulsePools pools the last closed rounds of orgID's circles (of
// programID only, unless it is ""), in all and by program, in one query.
func (db *DB) findPulsePools(ctx context.Context, orgID, programID string) (pulse.Pool, map[string]pulse.Pool, error) {
	var all pulse.Pool
	byProgram := map[string]pulse.Pool{}
	// The rounds are read by their circle, which the unique index on
	// (org_id, circle_id, number) serves.
	q := `SELECT r.id, c.program_id, r.respondents, k.item, k.score, k.answers
		FROM pulse_rounds r JOIN circles c ON c.id = r.circle_id AND c.org_id = r.org_id
		LEFT JOIN pulse_counts k ON k.round_id = r.id AND k.org_id = r.org_id
		WHERE r.org_id = $1
		AND r.number = (SELECT MAX(n.number) FROM pulse_rounds n WHERE n.org_id = r.org_id AND n.circle_id = r.circle_id) - 1`
	args := []any{orgID}
	if programID != "" {
		q += ` AND c.program_id = $2`
		args = append(args, programID)
	}
	rows, err := db.query(ctx, q+` ORDER BY r.id`, args...)
	if err != nil {
		return all, nil, fmt.Errorf("find pulse pool: %w", err)
	}
	defer rows.Close()
	// Rows come a round at a time; each round is added once, with all its
	// counts, to the whole and to its program.
	var cur pulse.Round
	var curProgram string
	add := func() {
		if cur.ID == "" {
			return
		}
		all.Add(cur)
		p := byProgram[curProgram]
		p.Add(cur)
		byProgram[curProgram] = p
	}
	for rows.Next() {
		var id, prog string
		var respondents int
		var item, score, n *int
		if err := rows.Scan(&id, &prog, &respondents, &item, &score, &n); err != nil {
			return all, nil, fmt.Errorf("find pulse pool: %w", err)
		}
		if id != cur.ID {
			add()
			cur, curProgram = pulse.Round{ID: id, Respondents: respondents}, prog
		}
		if item != nil && score != nil && n != nil && validCell(*item, *score) {
			cur.Counts[*item-1][*score-1] = *n
		}
	}
	if err := rows.Err(); err != nil {
		return all, nil, fmt.Errorf("find pulse pool: %w", err)
	}
	add()
	return all, byProgram, nil
}

// AgreePulseShare records that userID, a member of circleID, agrees to
// show the circle's pulse to its program's admins; a second agreement is
// pulse.ErrShareAgreed.
func (db *DB) AgreePulseShare(ctx context.Context, orgID, circleID, userID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO pulse_shares (circle_id, org_id, user_id) VALUES ($1, $2, $3)`, circleID, orgID, userID)
		if errors.Is(err, ErrConflict) {
			return pulse.ErrShareAgreed
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("agree pulse share: %w", err)
	}
	return nil
}

// WithdrawPulseShare takes back userID's agreement, which stops the circle
// sharing at once; with none to take back it is pulse.ErrShareNotAgreed.
func (db *DB) WithdrawPulseShare(ctx context.Context, orgID, circleID, userID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM pulse_shares WHERE org_id = $1 AND circle_id = $2 AND user_id = $3`, orgID, circleID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return pulse.ErrShareNotAgreed
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("withdraw pulse share: %w", err)
	}
	return nil
}

// FindPulseShare returns where circleID stands on sharing its pulse, as
// userID reads it.
func (db *DB) FindPulseShare(ctx context.Context, orgID, circleID, userID string) (pulse.Share, error) {
	var s pulse.Share
	var mine int
	err := db.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = $2 AND m.org_id = $1),
			(SELECT COUNT(*) FROM pulse_shares s WHERE s.org_id = $1 AND s.circle_id = $2),
			(SELECT COUNT(*) FROM pulse_shares s WHERE s.org_id = $1 AND s.circle_id = $2 AND s.user_id = $3)`,
		orgID, circleID, userID).Scan(&s.Members, &s.Agreed, &mine)
	if err != nil {
		return s, fmt.Errorf("find pulse share: %w", err)
	}
	s.Mine = mine > 0
	return s, nil
}

// FindSharedPulses lists, for an admin, up to limit of orgID's active
// circles (of programID only, unless it is "") whose every member agreed
// to share their pulse, with their rounds, and how many such circles
// there are in all. The circles are read from the agreements, so the cost
// follows the circles that share, not the organisation.
func (db *DB) FindSharedPulses(ctx context.Context, orgID, programID string, limit int) ([]pulse.Shared, int, error) {
	q := `FROM circles c
		WHERE c.org_id = $1 AND c.status = 'active'
		AND c.id IN (SELECT s.circle_id FROM pulse_shares s WHERE s.org_id = $1)
		AND NOT EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.org_id = c.org_id
			AND NOT EXISTS (SELECT 1 FROM pulse_shares s WHERE s.circle_id = m.circle_id AND s.user_id = m.user_id))`
	args := []any{orgID}
	if programID != "" {
		q += ` AND c.program_id = $2`
		args = append(args, programID)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) `+q, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find shared pulses: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := db.query(ctx, `SELECT c.id, c.program_id, c.number `+q+fmt.Sprintf(` ORDER BY c.program_id, c.number, c.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find shared pulses: %w", err)
	}
	var out []pulse.Shared
	var ids []string
	for rows.Next() {
		var sc pulse.Shared
		if err := rows.Scan(&sc.CircleID, &sc.ProgramID, &sc.Number); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("find shared pulses: %w", err)
		}
		out = append(out, sc)
		ids = append(ids, sc.CircleID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find shared pulses: %w", err)
	}
	rounds, err := findPulseRoundsOf(ctx, db, orgID, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("find shared pulses: %w", err)
	}
	for i := range out {
		out[i].Rounds = rounds[out[i].CircleID]
	}
	return out, total, nil
}
