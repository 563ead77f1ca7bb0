package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

// FindTopics lists an organisation's topic vocabulary, alphabetically.
func (db *DB) FindTopics(ctx context.Context, orgID string) ([]string, error) {
	out, err := db.queryStrings(ctx, `SELECT name FROM topics WHERE org_id = $1 ORDER BY LOWER(name)`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find topics: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// CreateTopic adds a topic to the vocabulary.
func (db *DB) CreateTopic(ctx context.Context, orgID, name string) error {
	name = strings.TrimSpace(name)
	var v account.Validator
	account.CheckName(&v, "topic", name)
	v.Check(len([]rune(name)) <= 60, "topic", "Use at most 60 characters.")
	if err := v.Err(); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO topics (org_id, name, created_at) VALUES ($1, $2, $3)`, orgID, name, tx.now)
		if errors.Is(err, ErrConflict) {
			return fault.Fields(map[string]string{"topic": fmt.Sprintf("%q is already a topic.", name)})
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create topic: %w", err)
	}
	return nil
}

// DeleteTopic removes a topic from the vocabulary; opt-ins that chose it
// keep it until they are next saved.
func (db *DB) DeleteTopic(ctx context.Context, orgID, name string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM topics WHERE org_id = $1 AND name = $2`, orgID, name)
		if err != nil {
			return fmt.Errorf("delete topic: %w", err)
		}
		return mustAffect(res)
	})
}

// programColumns are a program's columns as read, with its progress:
// how many rounds it has had and whether any of its circles is active.
const programColumns = `p.id, p.org_id, p.name, p.purpose, p.format, p.min_size, p.max_size, p.cadence, p.session_minutes, p.protocol,
	p.opt_in_opens, p.opt_in_closes, p.allow_repeat, p.created_by, p.created_at, p.updated_at,
	p.ends_at, p.closed_at, p.announced_at, p.reminded_at, p.bulk_reminded_at,
	(SELECT COUNT(*) FROM rounds r WHERE r.program_id = p.id),
	EXISTS (SELECT 1 FROM circles c WHERE c.org_id = p.org_id AND c.program_id = p.id AND c.status = 'active')`

func scanProgram(s scanner) (*program.Program, error) {
	var p program.Program
	var ends *time.Time
	err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Purpose, &p.Format, &p.MinSize, &p.MaxSize, &p.Cadence, &p.SessionMinutes,
		&p.Protocol, &p.OptInOpens, &p.OptInCloses, &p.AllowRepeat, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt,
		&ends, &p.ClosedAt, &p.AnnouncedAt, &p.RemindedAt, &p.BulkRemindedAt, &p.Progress.Rounds, &p.Progress.Running)
	if err != nil {
		return nil, err
	}
	if ends != nil {
		p.EndsAt = *ends
	}
	p.Departments = []string{}
	return &p, nil
}

// endsAt is a program's end date as stored: NULL when it has none.
func endsAt(p *program.Program) *time.Time {
	if p.EndsAt.IsZero() {
		return nil
	}
	t := p.EndsAt.UTC()
	return &t
}

// saveDepartments replaces who p is for, checking that each department is
// one of the organisation's.
func saveDepartments(ctx context.Context, tx *Tx, p *program.Program) error {
	if _, err := tx.exec(ctx, `DELETE FROM program_departments WHERE org_id = $1 AND program_id = $2`, p.OrgID, p.ID); err != nil {
		return err
	}
	for _, d := range p.Departments {
		var n int
		err := tx.queryRow(ctx, `SELECT people FROM org_departments WHERE org_id = $1 AND name = $2`, p.OrgID, d).Scan(&n)
		if errors.Is(err, ErrNotFound) {
			return fault.Fields(map[string]string{"departments": fmt.Sprintf("%q is not a department of your organisation.", d)})
		}
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO program_departments (org_id, program_id, department) VALUES ($1, $2, $3)`,
			p.OrgID, p.ID, d); err != nil {
			return err
		}
	}
	return nil
}

// CreateProgram stores a new program; the caller has validated it.
func (db *DB) CreateProgram(ctx context.Context, p *program.Program) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		p.ID, p.CreatedAt, p.UpdatedAt = newID(), tx.now, tx.now
		_, err := tx.exec(ctx, `INSERT INTO programs (id, org_id, name, purpose, format, min_size, max_size, cadence, session_minutes, protocol,
				opt_in_opens, opt_in_closes, allow_repeat, created_by, created_at, updated_at, ends_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			p.ID, p.OrgID, p.Name, p.Purpose, p.Format, p.MinSize, p.MaxSize, p.Cadence, p.SessionMinutes, p.Protocol,
			p.OptInOpens.UTC(), p.OptInCloses.UTC(), p.AllowRepeat, p.CreatedBy, p.CreatedAt, p.UpdatedAt, endsAt(p))
		if err != nil {
			return err
		}
		return saveDepartments(ctx, tx, p)
	})
	if err != nil {
		return fmt.Errorf("create program: %w", err)
	}
	return nil
}

// UpdateProgram saves an edited program. Its format cannot change once
// anyone has opted in, since their opt-ins were made for it, and a closed
// program does not change at all.
func (db *DB) UpdateProgram(ctx context.Context, p *program.Program) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		// Locked before counting the opt-ins: an opt-in saved meanwhile
		// either comes first and is counted, or waits and finds the new
		// format (SaveOptIn).
		if err := lockProgram(ctx, tx, p.OrgID, p.ID); err != nil {
			return err
		}
		old, err := scanProgram(tx.queryRow(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 AND p.id = $2`, p.OrgID, p.ID))
		if err != nil {
			return err
		}
		if old.Format != p.Format {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM opt_ins WHERE org_id = $1 AND program_id = $2`, p.OrgID, p.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fault.Fields(map[string]string{"format": "People have opted in already; the format can no longer change."})
			}
		}
		p.UpdatedAt = tx.now
		if err := guarded(tx.exec(ctx, `UPDATE programs SET name = $1, purpose = $2, format = $3, min_size = $4, max_size = $5, cadence = $6,
			session_minutes = $7, protocol = $8, opt_in_opens = $9, opt_in_closes = $10, allow_repeat = $11, updated_at = $12, ends_at = $13
			WHERE org_id = $14 AND id = $15 AND closed_at IS NULL`,
			p.Name, p.Purpose, p.Format, p.MinSize, p.MaxSize, p.Cadence, p.SessionMinutes, p.Protocol,
			p.OptInOpens.UTC(), p.OptInCloses.UTC(), p.AllowRepeat, p.UpdatedAt, endsAt(p), p.OrgID, p.ID)); err != nil {
			return err
		}
		return saveDepartments(ctx, tx, p)
	})
	if err != nil {
		return fmt.Errorf("update program: %w", err)
	}
	return nil
}

// FindProgramByID finds a program of orgID, with who it is for.
func (db *DB) FindProgramByID(ctx context.Context, orgID, id string) (*program.Program, error) {
	if p, ok := remembered(ctx, orgID, id); ok {
		return p, nil
	}
	p, err := scanProgram(db.queryRow(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 AND p.id = $2`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("find program: %w", err)
	}
	deps, err := db.findDepartmentsOf(ctx, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("find program: %w", err)
	}
	p.Departments = append(p.Departments, deps...)
	remember(ctx, p)
	return p, nil
}

// FindPrograms lists orgID's programs, newest first, with who each is for.
func (db *DB) FindPrograms(ctx context.Context, orgID string) ([]program.Program, error) {
	out, err := db.findPrograms(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 ORDER BY p.created_at DESC, p.id`, orgID)
	if err != nil || len(out) == 0 {
		return out, err
	}
	drows, err := db.query(ctx, `SELECT program_id, department FROM program_departments WHERE org_id = $1 ORDER BY program_id, department`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find programs: %w", err)
	}
	return out, db.scanDepartments(drows, out)
}

// FindOpenPrograms lists orgID's programs whose opt-in has not closed by
// now and that are not closed, newest first, with who each is for: those
// a person may yet join, read without the programs an organisation ran
// before.
func (db *DB) FindOpenPrograms(ctx context.Context, orgID string, now time.Time) ([]program.Program, error) {
	out, err := db.findPrograms(ctx, `SELECT `+programColumns+` FROM programs p
		WHERE p.org_id = $1 AND p.opt_in_closes > $2 AND p.closed_at IS NULL ORDER BY p.created_at DESC, p.id`, orgID, now.UTC())
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	args, in := inList([]any{orgID}, ids)
	drows, err := db.query(ctx, `SELECT program_id, department FROM program_departments WHERE org_id = $1 AND program_id IN (`+in+`)
		ORDER BY program_id, department`, args...)
	if err != nil {
		return nil, fmt.Errorf("find open programs: %w", err)
	}
	return out, db.scanDepartments(drows, out)
}

// findPrograms reads the programs q selects (programColumns).
func (db *DB) findPrograms(ctx context.Context, q string, args ...any) ([]program.Program, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find programs: %w", err)
	}
	defer rows.Close()
	var out []program.Program
	for rows.Next() {
		p, err := scanProgram(rows)
		if err != nil {
			return nil, fmt.Errorf("find programs: %w", err)
		}
		out = append(out, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find programs: %w", db.d.mapErr(err))
	}
	return out, nil
}

// scanDepartments adds to out, programs, the departments drows holds
// (program_id, department), and closes drows.
func (db *DB) scanDepartments(drows *sql.Rows, out []program.Program) error {
	defer drows.Close()
	index := make(map[string]int, len(out))
	for i, p := range out {
		index[p.ID] = i
	}
	for drows.Next() {
		var id, d string
		if err := drows.Scan(&id, &d); err != nil {
			return fmt.Errorf("find programs: %w", err)
		}
		if i, ok := index[id]; ok {
			out[i].Departments = append(out[i].Departments, d)
		}
	}
	return db.d.mapErr(drows.Err())
}

// FindProgramNames returns the names of the programs of orgID with these
// ids, by id: a list of circles names each one's program without reading
// every program of the organisation with its counts.
func (db *DB) FindProgramNames(ctx context.Context, orgID string, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	args, in := inList([]any{orgID}, ids)
	out, err := db.queryNames(ctx, `SELECT p.id, p.name FROM programs p WHERE p.org_id = $1 AND p.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find program names: %w", err)
	}
	return out, nil
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain slices of strings and intervals are stored here.
		panic(err)
	}
	return string(b)
}

func fromJSON(s string, v any) error {
	// Most stored lists are empty: they become an empty slice, as
	// json.Unmarshal makes them, without a decoder.
	if s == "[]" {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Slice {
			rv.Elem().Set(reflect.MakeSlice(rv.Elem().Type(), 0, 0))
			return nil
		}
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode stored json: %w", err)
	}
	return nil
}

const optInColumns = `program_id, org_id, user_id, topics, goals, availability, format_pref, prefer, avoid, snoozed, created_at, updated_at`

func scanOptIn(s scanner) (*program.OptIn, error) {
	var o program.OptIn
	var topics, avail, prefer, avoid string
	if err := s.Scan(&o.ProgramID, &o.OrgID, &o.UserID, &topics, &o.Goals, &avail, &o.FormatPref, &prefer, &avoid, &o.Snoozed,
		&o.CreatedAt, &o.UpdatedAt); err != nil {
		return nil, err
	}
	if err := errors.Join(fromJSON(topics, &o.Topics), fromJSON(avail, &o.Availability), fromJSON(prefer, &o.Prefer), fromJSON(avoid, &o.Avoid)); err != nil {
		return nil, err
	}
	return &o, nil
}

// SaveOptIn creates or replaces a person's opt-in to p, the program as
// the opt-in was decided on. People named in prefer and avoid must be in
// the same organisation. Replacing an opt-in keeps whether it is snoozed,
// which only SnoozeOptIn changes: an edit decided on the opt-in before a
// snooze does not undo it. If p has closed since, or its opt-in dates or
// its format changed, it saves nothing and returns
// program.ErrProgramChanged.
func (db *DB) SaveOptIn(ctx context.Context, o *program.OptIn, p *program.Program) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		// The program's row lock orders this after a close or an edit
		// that came first, which the guard then sees, and a close or an
		// edit of the format after this, which counts this opt-in.
		err := guarded(tx.exec(ctx, `UPDATE programs SET updated_at = updated_at WHERE org_id = $1 AND id = $2 AND closed_at IS NULL
			AND format = $3 AND opt_in_opens = $4 AND opt_in_closes = $5`, o.OrgID, p.ID, p.Format, p.OptInOpens.UTC(), p.OptInCloses.UTC()))
		if errors.Is(err, ErrConflict) {
			return program.ErrProgramChanged
		}
		if err != nil {
			return err
		}
		for field, ids := range map[string][]string{"prefer": o.Prefer, "avoid": o.Avoid} {
			for _, id := range ids {
				var one int
				err := tx.queryRow(ctx, `SELECT 1 FROM users WHERE org_id = $1 AND id = $2`, o.OrgID, id).Scan(&one)
				if errors.Is(err, ErrNotFound) {
					return fault.Fields(map[string]string{field: "Choose people from your organisation."})
				}
				if err != nil {
					return err
				}
			}
		}
		o.UpdatedAt = tx.now
		if o.CreatedAt.IsZero() {
			o.CreatedAt = tx.now
		}
		// Inserted, or else replaced: a new opt-in is counted, and the
		// insert that loses a race to another is told so by the rows it
		// affected rather than by a read before it.
		res, err := tx.exec(ctx, `INSERT INTO opt_ins (`+optInColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (program_id, user_id) DO NOTHING`,
			o.ProgramID, o.OrgID, o.UserID, toJSON(o.Topics), o.Goals, toJSON(o.Availability), o.FormatPref,
			toJSON(o.Prefer), toJSON(o.Avoid), o.Snoozed, o.CreatedAt, o.UpdatedAt)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return countOptIns(ctx, tx, o.OrgID, o.ProgramID, o.UserID, 1)
		}
		_, err = tx.exec(ctx, `UPDATE opt_ins SET topics = $4, goals = $5, availability = $6, format_pref = $7, prefer = $8, avoid = $9,
			updated_at = $10 WHERE program_id = $1 AND org_id = $2 AND user_id = $3`,
			o.ProgramID, o.OrgID, o.UserID, toJSON(o.Topics), o.Goals, toJSON(o.Availability), o.FormatPref,
			toJSON(o.Prefer), toJSON(o.Avoid), o.UpdatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("save opt-in: %w", err)
	}
	return nil
}

// FindOptIn returns one person's opt-in to a program.
func (db *DB) FindOptIn(ctx context.Context, orgID, programID, userID string) (*program.OptIn, error) {
	o, err := scanOptIn(db.queryRow(ctx, `SELECT `+optInColumns+` FROM opt_ins WHERE org_id = $1 AND program_id = $2 AND user_id = $3`,
		orgID, programID, userID))
	if err != nil {
		return nil, fmt.Errorf("find opt-in: %w", err)
	}
	return o, nil
}

// FindOptIns lists every opt-in to a program, private lists included: only
// the matching may read those. Deactivated people are left out: they are
// not matched.
func (db *DB) FindOptIns(ctx context.Context, orgID, programID string) ([]program.OptIn, error) {
	rows, err := db.query(ctx, `SELECT `+optInColumns+` FROM opt_ins WHERE org_id = $1 AND program_id = $2
		AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = $1 AND u.id = opt_ins.user_id AND u.deactivated_at IS NOT NULL)
		ORDER BY created_at, user_id`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find opt-ins: %w", err)
	}
	defer rows.Close()
	var out []program.OptIn
	for rows.Next() {
		o, err := scanOptIn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Participant is what a program's admins see of one opt-in and its
// person.
type Participant struct {
	UserID, Name, Department string
	Topics                   []string
	Goals                    string
	Availability             []program.Interval
	FormatPref               program.FormatPref
	Snoozed                  bool
	OptedInAt                time.Time
}

// FindParticipants lists one page of the people opted in to programID, by
// name (then id, from the opt-ins' own copy of the name, which triggers
// keep), after the person with id after when it is set, and
// whether more follow; CountOptIns counts them all. Leavers are left out.
// It reads what admins see of an opt-in, and not the private lists of who
// a person would or would not be matched with.
func (db *DB) FindParticipants(ctx context.Context, orgID, programID, after string, limit int) ([]Participant, bool, error) {
	args := []any{orgID, programID}
	cond := ""
	if after != "" {
		var name string
		if err := db.queryRow(ctx, `SELECT sort_name FROM opt_ins WHERE org_id = $1 AND program_id = $2 AND user_id = $3`,
			orgID, programID, after).Scan(&name); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("find participants: %w", err)
		}
		args = append(args, name, after)
		cond = ` AND (o.sort_name > $3 OR (o.sort_name = $3 AND o.user_id > $4))`
	}
	args = append(args, limit+1)
	rows, err := db.query(ctx, `SELECT o.user_id, u.name, u.department, o.topics, o.goals, o.availability, o.format_pref, o.snoozed, o.created_at
		FROM opt_ins o JOIN users u ON u.org_id = o.org_id AND u.id = o.user_id
		WHERE o.org_id = $1 AND o.program_id = $2 AND u.deactivated_at IS NULL`+cond+fmt.Sprintf(` ORDER BY o.sort_name, o.user_id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, false, fmt.Errorf("find participants: %w", err)
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		var topics, avail string
		if err := rows.Scan(&p.UserID, &p.Name, &p.Department, &topics, &p.Goals, &avail, &p.FormatPref, &p.Snoozed, &p.OptedInAt); err != nil {
			return nil, false, fmt.Errorf("find participants: %w", err)
		}
		if err := errors.Join(fromJSON(topics, &p.Topics), fromJSON(avail, &p.Availability)); err != nil {
			return nil, false, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("find participants: %w", db.d.mapErr(err))
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// CountOptIns counts the people opted in to programID who are still with
// the organisation: a leaver's opt-in stays, but the matching does not
// see it, and neither does the count. It reads the count kept in
// program_counts (countOptIns), not the opt-ins, which a large program
// has thousands of.
func (db *DB) CountOptIns(ctx context.Context, orgID, programID string) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COALESCE((SELECT opt_ins FROM program_counts WHERE program_id = $2 AND org_id = $1), 0)`,
		orgID, programID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count opt-ins: %w", err)
	}
	return n, nil
}

// countOptIns adds delta to programID's count of opt-ins if userID, whose
// opt-in was added or withdrawn, is still with the organisation: a
// leaver's opt-in was taken off the count when they left.
func countOptIns(ctx context.Context, tx *Tx, orgID, programID, userID string, delta int) error {
	_, err := tx.exec(ctx, `INSERT INTO program_counts (program_id, org_id, opt_ins)
		SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE org_id = $2 AND id = $4 AND deactivated_at IS NULL)
		ON CONFLICT (program_id) DO UPDATE SET opt_ins = program_counts.opt_ins + excluded.opt_ins`, programID, orgID, delta, userID)
	return err
}

// countLeaver adds delta to the count of every program userID opted in
// to, as they leave (-1) or come back (+1). The programs are taken in
// order, so that two people leaving at once lock the counts in the same
// order.
func countLeaver(ctx context.Context, tx *Tx, orgID, userID string, delta int) error {
	rows, err := tx.query(ctx, `SELECT program_id FROM opt_ins WHERE org_id = $1 AND user_id = $2 ORDER BY program_id`, orgID, userID)
	if err != nil {
		return err
	}
	var programs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		programs = append(programs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range programs {
		if _, err := tx.exec(ctx, `INSERT INTO program_counts (program_id, org_id, opt_ins) VALUES ($1, $2, $3)
			ON CONFLICT (program_id) DO UPDATE SET opt_ins = program_counts.opt_ins + excluded.opt_ins`, id, orgID, delta); err != nil {
			return err
		}
	}
	return nil
}

// SnoozeOptIn pauses (or resumes) a person's opt-in to a program. It
// changes that alone, so an edit of the opt-in at the same moment holds
// too; without an opt-in (withdrawn meanwhile) it returns ErrNotFound
// rather than bringing it back.
func (db *DB) SnoozeOptIn(ctx context.Context, orgID, programID, userID string, snoozed bool) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE opt_ins SET snoozed = $1, updated_at = $2 WHERE org_id = $3 AND program_id = $4 AND user_id = $5`,
			snoozed, tx.now, orgID, programID, userID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("snooze opt-in: %w", err)
	}
	return nil
}

// DeleteOptIn withdraws a person from a program. Someone in a circle of
// it that formed or waits for answers cannot withdraw
// (program.ErrMatched). Someone in a round's draft leaves it: out of
// their draft circle, off the list of who it leaves out, and the round's
// version moves on, so that a publishing or a move decided on the draft
// with them is refused (program.ErrDraftChanged).
func (db *DB) DeleteOptIn(ctx context.Context, orgID, programID, userID string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		// Under the program's lock, which proposing and publishing take
		// too, a round either placed them before (and is seen here) or
		// comes after and finds the opt-in gone.
		if err := guarded(tx.exec(ctx, `UPDATE programs SET updated_at = updated_at WHERE org_id = $1 AND id = $2`, orgID, programID)); err != nil {
			if errors.Is(err, ErrConflict) {
				return ErrNotFound
			}
			return err
		}
		var engaged int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
			WHERE m.org_id = $1 AND c.program_id = $2 AND m.user_id = $3 AND c.status IN ('active', 'pending')`,
			orgID, programID, userID).Scan(&engaged); err != nil {
			return err
		}
		if engaged > 0 {
			return program.ErrMatched
		}
		res, err := tx.exec(ctx, `DELETE FROM opt_ins WHERE org_id = $1 AND program_id = $2 AND user_id = $3`, orgID, programID, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		if err := countOptIns(ctx, tx, orgID, programID, userID, -1); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT c.round_id FROM circles c JOIN circle_members m ON m.circle_id = c.id AND m.org_id = c.org_id
				WHERE c.org_id = $1 AND c.program_id = $2 AND c.status = 'proposed' AND m.user_id = $3
			UNION SELECT x.round_id FROM unmatched x JOIN rounds r ON r.id = x.round_id AND r.org_id = x.org_id
				WHERE x.org_id = $1 AND r.program_id = $2 AND x.user_id = $3 AND x.told_at IS NULL`, orgID, programID, userID)
		if err != nil {
			return err
		}
		var drafts []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			drafts = append(drafts, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, roundID := range drafts {
			if _, err := tx.exec(ctx, `UPDATE rounds SET version = version + 1 WHERE org_id = $1 AND id = $2`, orgID, roundID); err != nil {
				return err
			}
			for _, q := range []string{
				`DELETE FROM circle_members WHERE org_id = $1 AND user_id = $3
					AND circle_id IN (SELECT c.id FROM circles c WHERE c.org_id = $1 AND c.round_id = $2 AND c.status = 'proposed')`,
				`DELETE FROM unmatched WHERE org_id = $1 AND round_id = $2 AND user_id = $3 AND told_at IS NULL`,
			} {
				if _, err := tx.exec(ctx, q, orgID, roundID, userID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete opt-in: %w", err)
	}
	return nil
}

// lockRoundProgram takes the row lock of the program of round roundID
// (lockProgram) and returns the program's id.
func lockRoundProgram(ctx context.Context, tx *Tx, orgID, roundID string) (string, error) {
	var programID string
	if err := tx.queryRow(ctx, `SELECT program_id FROM rounds WHERE org_id = $1 AND id = $2`, orgID, roundID).Scan(&programID); err != nil {
		return "", err
	}
	return programID, lockProgram(ctx, tx, orgID, programID)
}

// stillOptedIn checks, under the program's lock, that each of ids, the
// people a draft was decided on, is still opted in: a matching or a move
// decided on an opt-in withdrawn since returns program.ErrOptInsChanged.
func stillOptedIn(ctx context.Context, tx *Tx, orgID, programID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.query(ctx, `SELECT user_id FROM opt_ins WHERE org_id = $1 AND program_id = $2`, orgID, programID)
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		in[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if !in[id] {
			return program.ErrOptInsChanged
		}
	}
	return nil
}

// FindRounds lists a program's rounds, latest first.
func (db *DB) FindRounds(ctx context.Context, orgID, programID string) ([]program.Round, error) {
	rows, err := db.query(ctx, `SELECT id, org_id, program_id, number, created_at, version FROM rounds WHERE org_id = $1 AND program_id = $2 ORDER BY number DESC`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find rounds: %w", err)
	}
	defer rows.Close()
	var out []program.Round
	for rows.Next() {
		var r program.Round
		if err := rows.Scan(&r.ID, &r.OrgID, &r.ProgramID, &r.Number, &r.CreatedAt, &r.Version); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindRoundByID finds one round.
func (db *DB) FindRoundByID(ctx context.Context, orgID, id string) (*program.Round, error) {
	var r program.Round
	err := db.queryRow(ctx, `SELECT id, org_id, program_id, number, created_at, version FROM rounds WHERE org_id = $1 AND id = $2`, orgID, id).
		Scan(&r.ID, &r.OrgID, &r.ProgramID, &r.Number, &r.CreatedAt, &r.Version)
	if err != nil {
		return nil, fmt.Errorf("find round: %w", err)
	}
	return &r, nil
}

// SaveProposal stores a matching's result as the draft of round roundID
// (a new round when roundID is empty), replacing any earlier draft of
// that round. The new circles are numbered after the round's standing
// ones. decidedOn names the opt-ins the matching read: if one of them was
// withdrawn since, it saves nothing and returns program.ErrOptInsChanged.
// It returns the round.
func (db *DB) SaveProposal(ctx context.Context, orgID, programID, roundID string, circles []program.Circle, unmatched []program.Unmatched,
	decidedOn []string) (*program.Round, error) {
	var round program.Round
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := lockProgram(ctx, tx, orgID, programID); err != nil {
			return err
		}
		if err := stillOptedIn(ctx, tx, orgID, programID, decidedOn); err != nil {
			return err
		}
		if roundID == "" {
			var n int
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM rounds WHERE org_id = $1 AND program_id = $2`, orgID, programID).Scan(&n); err != nil {
				return err
			}
			round = program.Round{ID: newID(), OrgID: orgID, ProgramID: programID, Number: n + 1, CreatedAt: tx.now}
			if _, err := tx.exec(ctx, `INSERT INTO rounds (id, org_id, program_id, number, created_at) VALUES ($1, $2, $3, $4, $5)`,
				round.ID, orgID, programID, round.Number, round.CreatedAt); err != nil {
				return err
			}
		} else {
			// A new draft replaces the old one whatever was decided on it.
			err := tx.queryRow(ctx, `UPDATE rounds SET version = version + 1 WHERE org_id = $1 AND program_id = $2 AND id = $3
				RETURNING id, org_id, program_id, number, created_at, version`,
				orgID, programID, roundID).Scan(&round.ID, &round.OrgID, &round.ProgramID, &round.Number, &round.CreatedAt, &round.Version)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM circles WHERE org_id = $1 AND round_id = $2 AND status = 'proposed'`, orgID, round.ID); err != nil {
				return err
			}
		}
		var last int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM circles WHERE org_id = $1 AND round_id = $2`, orgID, round.ID).Scan(&last); err != nil {
			return err
		}
		for i := range circles {
			c := &circles[i]
			c.ID, c.OrgID, c.ProgramID, c.RoundID, c.Status, c.Origin, c.CreatedAt = newID(), orgID, programID, round.ID, program.Proposed, program.FromMatching, tx.now
			c.Number = last + i + 1
			if err := insertCircle(ctx, tx, c); err != nil {
				return err
			}
		}
		return saveUnmatched(ctx, tx, orgID, round.ID, unmatched)
	})
	if err != nil {
		return nil, fmt.Errorf("save proposal: %w", err)
	}
	return &round, nil
}

// saveUnmatched makes unmatched the list of who round roundID leaves out.
// Someone already told they were left out (a re-match, a move in its
// draft) keeps that: they are not told again, and their matches page does
// not forget it while the draft is reviewed.
func saveUnmatched(ctx context.Context, tx *Tx, orgID, roundID string, unmatched []program.Unmatched) error {
	rows, err := tx.query(ctx, `SELECT user_id FROM unmatched WHERE org_id = $1 AND round_id = $2`, orgID, roundID)
	if err != nil {
		return err
	}
	var stale []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if !slices.ContainsFunc(unmatched, func(u program.Unmatched) bool { return u.UserID == id }) {
			stale = append(stale, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range stale {
		if _, err := tx.exec(ctx, `DELETE FROM unmatched WHERE org_id = $1 AND round_id = $2 AND user_id = $3`, orgID, roundID, id); err != nil {
			return err
		}
	}
	for _, u := range unmatched {
		if _, err := tx.exec(ctx, `INSERT INTO unmatched (org_id, round_id, user_id, reason) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, user_id) DO UPDATE SET reason = excluded.reason`, orgID, roundID, u.UserID, u.Reason); err != nil {
			return err
		}
	}
	return nil
}

func insertCircle(ctx context.Context, tx *Tx, c *program.Circle) error {
	var round sql.NullString
	if c.RoundID != "" {
		round = sql.NullString{String: c.RoundID, Valid: true}
	}
	if _, err := tx.exec(ctx, `INSERT INTO circles (id, org_id, program_id, round_id, number, status, origin, score, max_score, reasons, slots, created_at, published_at, activated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		c.ID, c.OrgID, c.ProgramID, round, c.Number, c.Status, c.Origin, c.Score, c.MaxScore, toJSON(c.Reasons), toJSON(c.Slots), c.CreatedAt, c.PublishedAt, c.ActivatedAt); err != nil {
		return err
	}
	for _, m := range c.Members {
		if _, err := tx.exec(ctx, `INSERT INTO circle_members (org_id, circle_id, user_id, response, responded_at) VALUES ($1, $2, $3, $4, $5)`,
			c.OrgID, c.ID, m.UserID, cmpOr(m.Response, program.Undecided), m.RespondedAt); err != nil {
			return err
		}
	}
	return nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// CircleFilter narrows FindCircles.
type CircleFilter struct {
	ProgramID string
	RoundID   string
	// UserID keeps circles that this person is a member of.
	UserID string
	Status []program.CircleStatus
	// FewerThan, when set, keeps the active circles that have fewer
	// members and whose program has not closed on them.
	FewerThan int
	// StalledBy, when set, keeps the active circles that had stalled by
	// then (circle.StallsAt).
	StalledBy time.Time
	// Struggling keeps the active, unfinished circles whose attendance
	// fell below half for circle.StrugglingAfter held meetings in a row.
	Struggling bool
	// Number, with RoundID, keeps the round's circle of that number.
	Number int
	// Unfinished keeps the circles whose program has not closed on them
	// (circles.finished_at unset).
	Unfinished bool
	// Limit, when set, returns one page of Limit circles from Offset on,
	// a round's in the order of their numbers, a program's oldest first.
	Limit, Offset int
}

// where is f's condition on circles c, with its arguments from $1 (the
// organisation) on.
func (f CircleFilter) where(orgID string) (string, []any) {
	where := []string{"c.org_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ProgramID != "" {
		add("c.program_id = $%d", f.ProgramID)
	}
	if f.RoundID != "" {
		add("c.round_id = $%d", f.RoundID)
	}
	if f.UserID != "" {
		add("c.id IN (SELECT x.circle_id FROM circle_members x WHERE x.org_id = $1 AND x.user_id = $%d)", f.UserID)
	}
	if len(f.Status) > 0 {
		var ph []string
		for _, s := range f.Status {
			args = append(args, s)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Number > 0 {
		add("c.number = $%d", f.Number)
	}
	if f.FewerThan > 0 {
		add("c.status = 'active' AND c.finished_at IS NULL AND c.size < $%d", f.FewerThan)
	}
	if f.Unfinished {
		where = append(where, "c.finished_at IS NULL")
	}
	if f.Struggling {
		where = append(where, "c.status = 'active' AND c.struggling_since IS NOT NULL AND c.finished_at IS NULL")
	}
	if !f.StalledBy.IsZero() {
		add("c.status = 'active' AND c.finished_at IS NULL AND c.stalls_at <= $%d", f.StalledBy.UTC())
	}
	return strings.Join(where, " AND "), args
}

// FindCircles lists circles of orgID with their members, oldest first.
func (db *DB) FindCircles(ctx context.Context, orgID string, f CircleFilter) ([]program.Circle, error) {
	cond, args := f.where(orgID)
	if f.Limit <= 0 {
		return findCircles(ctx, db, cond, args)
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	order := " ORDER BY c.created_at, c.id"
	switch {
	case f.RoundID != "":
		order = " ORDER BY c.number, c.id"
	case f.FewerThan > 0:
		// The same order, written so that SQLite cannot walk an index
		// in it: it would rather walk all of a program's active circles
		// in order than sort the few that an index of sizes finds.
		order = " ORDER BY COALESCE(c.created_at, c.created_at), c.id"
	}
	return findCirclePage(ctx, db, cond+order+fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args)
}

// CountCircles counts the circles of orgID that f keeps (its page aside).
func (db *DB) CountCircles(ctx context.Context, orgID string, f CircleFilter) (int, error) {
	cond, args := f.where(orgID)
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM circles c WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count circles: %w", err)
	}
	return n, nil
}

// CountProgramCircles counts programID's circles waiting for consent or
// formed. Those of its rounds are read from the counts kept for each round
// (round_counts), and the few formed outside a round, pairs from an
// invitation, from their own index: a program's page is read often, and
// a program may have thousands of circles.
func (db *DB) CountProgramCircles(ctx context.Context, orgID, programID string) (int, error) {
	var n int
	// Each round's counts are looked up from the program's rounds: joined,
	// SQLite would rather read every round's counts in the organisation.
	if err := db.queryRow(ctx, `SELECT COALESCE((SELECT SUM((SELECT COALESCE(SUM(k.circles), 0) FROM round_counts k
			WHERE k.round_id = r.id AND k.status IN ('pending', 'active'))) FROM rounds r WHERE r.org_id = $1 AND r.program_id = $2), 0)
		+ (SELECT COUNT(*) FROM circles c WHERE c.org_id = $1 AND c.program_id = $2 AND c.round_id IS NULL AND c.status IN ('pending', 'active'))`,
		orgID, programID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count program circles: %w", err)
	}
	return n, nil
}

// CountRoundCircles counts a round's circles by status, and the people in
// its dissolved ones, who wait for a re-match.
func (db *DB) CountRoundCircles(ctx context.Context, orgID, roundID string) (map[program.CircleStatus]int, int, error) {
	// The counts are kept by triggers (round_counts): a round has a
	// thousand circles, and this is read on every page of its review.
	// Only dissolved circles' members are asked for.
	rows, err := db.query(ctx, `SELECT status, circles, members FROM round_counts
		WHERE round_id = $2 AND org_id = $1 AND circles > 0`, orgID, roundID)
	if err != nil {
		return nil, 0, fmt.Errorf("count round circles: %w", err)
	}
	defer rows.Close()
	counts := map[program.CircleStatus]int{}
	waiting := 0
	for rows.Next() {
		var st program.CircleStatus
		var n, members int
		if err := rows.Scan(&st, &n, &members); err != nil {
			return nil, 0, fmt.Errorf("count round circles: %w", err)
		}
		counts[st] = n
		if st == program.Dissolved {
			waiting = members
		}
	}
	return counts, waiting, db.d.mapErr(rows.Err())
}

// FindCircleByID finds one circle of orgID.
func (db *DB) FindCircleByID(ctx context.Context, orgID, id string) (*program.Circle, error) {
	cs, err := findCircles(ctx, db, "c.org_id = $1 AND c.id = $2", []any{orgID, id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("find circle: %w", ErrNotFound)
	}
	return &cs[0], nil
}

// querier is what reads share between the read pool and a transaction.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// findCircles loads circles and then all their members in one more query,
// from the read pool or inside a transaction.
func findCircles(ctx context.Context, db querier, where string, args []any) ([]program.Circle, error) {
	out, err := scanCircles(ctx, db, where+` ORDER BY c.created_at, c.id`, args)
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, findMembers(ctx, db, out, where, args)
}

// findCirclePage loads the circles that tail (a condition with its order
// and limit) selects, and then the members of those circles alone.
func findCirclePage(ctx context.Context, db querier, tail string, args []any) ([]program.Circle, error) {
	out, err := scanCircles(ctx, db, tail, args)
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, findMembersOf(ctx, db, out[0].OrgID, out)
}

// findMembersOf fills in the members of out, circles of orgID, looked up
// by their ids: a condition on the circles would let SQLite read every
// circle of the organisation to find a few.
func findMembersOf(ctx context.Context, db querier, orgID string, out []program.Circle) error {
	ids := make([]string, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	args, in := inList([]any{orgID}, ids)
	return scanMembers(ctx, db, out, `m.org_id = $1 AND m.circle_id IN (`+in+`)`, args)
}

func scanCircles(ctx context.Context, db querier, tail string, args []any) ([]program.Circle, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.org_id, c.program_id, COALESCE(c.round_id, ''), c.number, c.status, c.origin, c.score, c.max_score,
		c.reasons, c.slots, c.created_at, c.published_at, c.activated_at, c.finished_at, c.struggling_since, c.declined
		FROM circles c WHERE `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("find circles: %w", err)
	}
	var out []program.Circle
	for rows.Next() {
		var c program.Circle
		var reasons, slots string
		if err := rows.Scan(&c.ID, &c.OrgID, &c.ProgramID, &c.RoundID, &c.Number, &c.Status, &c.Origin, &c.Score, &c.MaxScore,
			&reasons, &slots, &c.CreatedAt, &c.PublishedAt, &c.ActivatedAt, &c.FinishedAt, &c.StrugglingSince, &c.SteppedOut); err != nil {
			rows.Close()
			return nil, err
		}
		if err := errors.Join(fromJSON(reasons, &c.Reasons), fromJSON(slots, &c.Slots)); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	return out, rows.Err()
}

// findMembers fills in the members of out, the circles that where selects.
func findMembers(ctx context.Context, db querier, out []program.Circle, where string, args []any) error {
	return scanMembers(ctx, db, out, `m.circle_id IN (SELECT c.id FROM circles c WHERE `+where+`)`, args)
}

// scanMembers fills in the members of out that where (a condition on the
// members, m) selects.
func scanMembers(ctx context.Context, db querier, out []program.Circle, where string, args []any) error {
	index := make(map[string]int, len(out))
	for i, c := range out {
		index[c.ID] = i
	}
	mrows, err := db.query(ctx, `SELECT m.circle_id, m.user_id, u.name, u.email, u.department, u.timezone, m.response, m.responded_at,
		m.paused_until, m.counted_from, m.absence_told, m.absence_at
		FROM circle_members m JOIN users u ON u.id = m.user_id AND u.org_id = m.org_id
		WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("find circle members: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var circleID string
		var m program.Member
		if err := mrows.Scan(&circleID, &m.UserID, &m.Name, &m.Email, &m.Department, &m.Timezone, &m.Response, &m.RespondedAt,
			&m.PausedUntil, &m.CountedFrom, &m.AbsenceTold, &m.AbsenceAt); err != nil {
			return err
		}
		c := &out[index[circleID]]
		c.Members = append(c.Members, m)
	}
	if err := mrows.Err(); err != nil {
		return err
	}
	// Each circle's few members are put in name order here: ordered in
	// the query, every row of a page of circles went through SQLite's
	// sorter, a quarter of the query's cost.
	for i := range out {
		slices.SortFunc(out[i].Members, func(a, b program.Member) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.UserID, b.UserID))
		})
	}
	return nil
}

// FindUnmatched lists who a round could not place.
func (db *DB) FindUnmatched(ctx context.Context, orgID, roundID string) ([]program.Unmatched, error) {
	rows, err := db.query(ctx, `SELECT x.user_id, u.name, u.email, x.reason, x.told_at IS NOT NULL FROM unmatched x JOIN users u ON u.id = x.user_id AND u.org_id = x.org_id
		WHERE x.org_id = $1 AND x.round_id = $2 ORDER BY LOWER(u.name)`, orgID, roundID)
	if err != nil {
		return nil, fmt.Errorf("find unmatched: %w", err)
	}
	defer rows.Close()
	var out []program.Unmatched
	for rows.Next() {
		var u program.Unmatched
		if err := rows.Scan(&u.UserID, &u.Name, &u.Email, &u.Reason, &u.Told); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ReplaceDraft saves an admin's adjustment of a round's draft, decided on
// the draft at version: the changed circles' members, scores, reasons and
// slots, and who is left unmatched. If the draft changed since version was
// read, it changes nothing and returns ErrConflict.
func (db *DB) ReplaceDraft(ctx context.Context, orgID, roundID string, version int, circles []program.Circle, unmatched []program.Unmatched) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		programID, err := lockRoundProgram(ctx, tx, orgID, roundID)
		if err != nil {
			return err
		}
		if err := claimRound(ctx, tx, orgID, roundID, version); err != nil {
			return err
		}
		var moved []string
		for _, c := range circles {
			moved = append(moved, c.UserIDs()...)
		}
		if err := stillOptedIn(ctx, tx, orgID, programID, moved); err != nil {
			return err
		}
		for i := range circles {
			c := &circles[i]
			var status string
			// A changed circle keeps its number and creation time: its
			// name in the review, which admins move people by.
			if err := tx.queryRow(ctx, `SELECT status, number, created_at FROM circles WHERE org_id = $1 AND round_id = $2 AND id = $3`,
				orgID, roundID, c.ID).Scan(&status, &c.Number, &c.CreatedAt); err != nil {
				return err
			}
			if status != string(program.Proposed) {
				return program.ErrNotProposed
			}
			if _, err := tx.exec(ctx, `DELETE FROM circles WHERE org_id = $1 AND id = $2`, orgID, c.ID); err != nil {
				return err
			}
			if len(c.Members) == 0 {
				continue
			}
			if err := insertCircle(ctx, tx, c); err != nil {
				return err
			}
		}
		return saveUnmatched(ctx, tx, orgID, roundID, unmatched)
	})
	if err != nil {
		return fmt.Errorf("replace draft: %w", err)
	}
	return nil
}

// PublishRound sends a round's draft, as read at version, to its members:
// each circle becomes pending, and the people the round leaves out are
// marked as told. msgs (one per member and one per person left out) go out
// in the same transaction. If the draft changed since version was read, it
// changes nothing and returns ErrConflict. It returns how many circles it
// published.
func (db *DB) PublishRound(ctx context.Context, orgID, roundID string, version int, msgs []Job) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		// The program's lock orders the publishing with a withdrawal, which
		// changes the draft (and so its version), and with a close, after
		// which nothing is published.
		if _, err := lockRoundProgram(ctx, tx, orgID, roundID); err != nil {
			return err
		}
		if err := claimRound(ctx, tx, orgID, roundID, version); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE circles SET status = 'pending', published_at = $1 WHERE org_id = $2 AND round_id = $3 AND status = 'proposed'`,
			tx.now, orgID, roundID)
		if err != nil {
			return err
		}
		affected, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(affected)
		res, err = tx.exec(ctx, `UPDATE unmatched SET told_at = $1 WHERE org_id = $2 AND round_id = $3 AND told_at IS NULL`, tx.now, orgID, roundID)
		if err != nil {
			return err
		}
		if told, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 && told == 0 {
			return fault.Fields(map[string]string{"round": "There is no draft to publish."})
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return 0, fmt.Errorf("publish round: %w", err)
	}
	return n, nil
}

// claimRound moves a round's draft on from version, so that changes to
// it apply one after the other, each only to the draft it was decided on.
// Otherwise it returns ErrConflict.
func claimRound(ctx context.Context, tx *Tx, orgID, roundID string, version int) error {
	return guarded(tx.exec(ctx, `UPDATE rounds SET version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3`, orgID, roundID, version))
}

// RespondToCircle saves an answer to c, decided by c.Accept or c.Decline
// on the circle as read at version (FindVersionedCircle): the member's
// response (or, when they stepped out, their leaving the circle), the
// circle's new status, a decline's reason counted anonymously, and msgs,
// the emails the new state calls for, in one transaction. If the circle
// changed since it was read, it changes nothing and returns ErrConflict:
// the caller reads it again and decides again.
func (db *DB) RespondToCircle(ctx context.Context, c *program.Circle, version int, a program.Answer, reason program.DeclineReason, msgs []Job) error {
	m := a.Member
	err := db.inTx(ctx, func(tx *Tx) error {
		// Taking the next version locks the circle's row, so that two
		// answers arriving together apply one after the other, each only
		// on the answers it was decided on.
		if err := guarded(tx.exec(ctx, `UPDATE circles SET version = version + 1, status = $1, activated_at = $2
			WHERE org_id = $3 AND id = $4 AND version = $5 AND status = 'pending'`, c.Status, c.ActivatedAt, c.OrgID, c.ID, version)); err != nil {
			return err
		}
		if a.SteppedOut {
			if err := guarded(tx.exec(ctx, `DELETE FROM circle_members WHERE org_id = $1 AND circle_id = $2 AND user_id = $3`,
				c.OrgID, c.ID, m.UserID)); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO circle_declines (org_id, circle_id, user_id, declined_at) VALUES ($1, $2, $3, $4)`,
				c.OrgID, c.ID, m.UserID, m.RespondedAt); err != nil {
				return err
			}
		} else if err := guarded(tx.exec(ctx, `UPDATE circle_members SET response = $1, responded_at = $2 WHERE org_id = $3 AND circle_id = $4 AND user_id = $5`,
			m.Response, m.RespondedAt, c.OrgID, c.ID, m.UserID)); err != nil {
			return err
		}
		if m.Response == program.Declined && reason != "" {
			if _, err := tx.exec(ctx, `INSERT INTO decline_reasons (org_id, program_id, reason, count) VALUES ($1, $2, $3, 1)
				ON CONFLICT (program_id, reason) DO UPDATE SET count = decline_reasons.count + 1`, c.OrgID, c.ProgramID, reason); err != nil {
				return err
			}
			// What admins see catches up only in steps of at least
			// program.MinDeclinesShown reasons, never by one answer.
			if _, err := tx.exec(ctx, `UPDATE decline_reasons SET shown = count WHERE org_id = $1 AND program_id = $2
				AND (SELECT SUM(count - shown) FROM decline_reasons WHERE org_id = $1 AND program_id = $2) >= $3`,
				c.OrgID, c.ProgramID, program.MinDeclinesShown); err != nil {
				return err
			}
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return fmt.Errorf("respond to circle: %w", err)
	}
	return nil
}

// FindRoundDeclines lists, for a round, each person who stepped out of one
// of its circles with each of that circle's members, so that a re-match
// does not propose them together again.
func (db *DB) FindRoundDeclines(ctx context.Context, orgID, roundID string) ([][2]string, error) {
	// The round's circles are found first, and their declines by circle.
	rows, err := db.query(ctx, `SELECT d.user_id, m.user_id FROM circle_declines d
		JOIN circle_members m ON m.org_id = d.org_id AND m.circle_id = d.circle_id
		WHERE d.org_id = $1 AND d.circle_id IN (SELECT c.id FROM circles c WHERE c.org_id = $1 AND c.round_id = $2)`, orgID, roundID)
	if err != nil {
		return nil, fmt.Errorf("find round declines: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindUnplaced lists where userID stands in each program in which a
// published round left them out, or in which they stepped out of a
// circle that went on without them, newest first. The caller keeps what
// still holds: a later circle supersedes it.
func (db *DB) FindUnplaced(ctx context.Context, orgID, userID string) ([]program.Unplaced, error) {
	rows, err := db.query(ctx, `SELECT r.program_id, p.name, r.number, x.reason, FALSE, x.told_at
		FROM unmatched x JOIN rounds r ON r.org_id = x.org_id AND r.id = x.round_id JOIN programs p ON p.org_id = r.org_id AND p.id = r.program_id
		WHERE x.org_id = $1 AND x.user_id = $2 AND x.told_at IS NOT NULL
		UNION ALL
		SELECT c.program_id, p.name, COALESCE(r.number, 0), '', TRUE, d.declined_at
		FROM circle_declines d JOIN circles c ON c.org_id = d.org_id AND c.id = d.circle_id
		JOIN programs p ON p.org_id = c.org_id AND p.id = c.program_id
		LEFT JOIN rounds r ON r.org_id = c.org_id AND r.id = c.round_id
		WHERE d.org_id = $1 AND d.user_id = $2`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find unplaced: %w", err)
	}
	defer rows.Close()
	var out []program.Unplaced
	for rows.Next() {
		var u program.Unplaced
		if err := rows.Scan(&u.ProgramID, &u.ProgramName, &u.Round, &u.Reason, &u.Declined, &u.At); err != nil {
			return nil, fmt.Errorf("find unplaced: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unplaced: %w", db.d.mapErr(err))
	}
	slices.SortStableFunc(out, func(a, b program.Unplaced) int { return b.At.Compare(a.At) })
	return out, nil
}

// DeclineCounts returns how often each reason was given in a program, as
// its admins may see it: counted up to the latest step of at least
// program.MinDeclinesShown reasons, so nothing before the first three, and
// never who gave which.
func (db *DB) DeclineCounts(ctx context.Context, orgID, programID string) (map[program.DeclineReason]int, error) {
	rows, err := db.query(ctx, `SELECT reason, shown FROM decline_reasons WHERE org_id = $1 AND program_id = $2 AND shown > 0`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("decline counts: %w", err)
	}
	defer rows.Close()
	out := map[program.DeclineReason]int{}
	for rows.Next() {
		var r program.DeclineReason
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, err
		}
		out[r] = n
	}
	return out, rows.Err()
}

// PastPairs lists every two people who were together in an active circle
// of programID, for the matching's repeat rule.
func (db *DB) PastPairs(ctx context.Context, orgID, programID string) ([][2]string, error) {
	rows, err := db.query(ctx, `SELECT a.user_id, b.user_id FROM circle_members a
		JOIN circle_members b ON b.circle_id = a.circle_id AND b.org_id = a.org_id AND a.user_id < b.user_id
		JOIN circles c ON c.id = a.circle_id AND c.org_id = a.org_id
		WHERE a.org_id = $1 AND c.program_id = $2 AND c.status = 'active'`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("past pairs: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreatePairInvitation records a member asking a colleague to pair, and
// emails the colleague.
func (db *DB) CreatePairInvitation(ctx context.Context, inv *program.PairInvitation, msg Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pair_invitations WHERE org_id = $1 AND program_id = $2 AND status = 'pending'
			AND ((from_user = $3 AND to_user = $4) OR (from_user = $4 AND to_user = $3))`, inv.OrgID, inv.ProgramID, inv.FromUser, inv.ToUser).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fault.Fields(map[string]string{"to_user": "There is already an invitation between you two."})
		}
		inv.ID, inv.Status, inv.CreatedAt = newID(), "pending", tx.now
		if _, err := tx.exec(ctx, `INSERT INTO pair_invitations (id, org_id, program_id, from_user, to_user, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, inv.ID, inv.OrgID, inv.ProgramID, inv.FromUser, inv.ToUser, inv.Status, inv.CreatedAt); err != nil {
			return err
		}
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return fmt.Errorf("create pair invitation: %w", err)
	}
	return nil
}

// FindPairInvitations lists the invitations a person sent or received in
// orgID.
func (db *DB) FindPairInvitations(ctx context.Context, orgID, userID string) ([]program.PairInvitation, error) {
	rows, err := db.query(ctx, `SELECT i.id, i.org_id, i.program_id, i.from_user, i.to_user, f.name, t.name, i.status, i.created_at, i.answered_at
		FROM pair_invitations i JOIN users f ON f.id = i.from_user AND f.org_id = i.org_id JOIN users t ON t.id = i.to_user AND t.org_id = i.org_id
		WHERE i.org_id = $1 AND (i.from_user = $2 OR i.to_user = $2) ORDER BY i.created_at DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find pair invitations: %w", err)
	}
	defer rows.Close()
	var out []program.PairInvitation
	for rows.Next() {
		var p program.PairInvitation
		if err := rows.Scan(&p.ID, &p.OrgID, &p.ProgramID, &p.FromUser, &p.ToUser, &p.FromName, &p.ToName, &p.Status, &p.CreatedAt, &p.AnsweredAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AnswerPairInvitation lets the invited colleague accept or decline. On
// accept the pair becomes an active circle (built by the caller, who has
// checked the hard rules); msgs go out in the same transaction.
func (db *DB) AnswerPairInvitation(ctx context.Context, orgID, id, userID string, accept bool, pair *program.Circle, msgs []Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var status, to string
		if err := tx.queryRow(ctx, `SELECT status, to_user FROM pair_invitations WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&status, &to); err != nil {
			return err
		}
		if to != userID {
			return ErrNotFound
		}
		if status != "pending" {
			return fault.Fields(map[string]string{"invitation": "This invitation has already been answered."})
		}
		newStatus := "declined"
		if accept {
			newStatus = "accepted"
		}
		// The status read above takes no lock: of two answers at once (an
		// accept sent twice, or an accept and a decline) only the first to
		// apply counts, and only it forms a pair.
		if err := guarded(tx.exec(ctx, `UPDATE pair_invitations SET status = $1, answered_at = $2 WHERE org_id = $3 AND id = $4 AND status = 'pending'`,
			newStatus, tx.now, orgID, id)); err != nil {
			return err
		}
		if accept {
			if err := claimPair(ctx, tx, orgID, pair); err != nil {
				return err
			}
			pair.ID, pair.OrgID, pair.Status, pair.Origin, pair.CreatedAt = newID(), orgID, program.Active, program.FromInvitation, tx.now
			now := tx.now
			pair.PublishedAt, pair.ActivatedAt = &now, &now
			for i := range pair.Members {
				pair.Members[i].Response, pair.Members[i].RespondedAt = program.Accepted, &now
			}
			if err := insertCircle(ctx, tx, pair); err != nil {
				return err
			}
		}
		for _, m := range msgs {
			if err := db.enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("answer pair invitation: %w", err)
	}
	return nil
}

// claimPair checks, under the program's row lock, that the program is
// still open and neither of pair's members is in a circle of it yet. The
// service checked both before, without a lock: two invitations to one
// person accepted at once would each find them free, and the lock makes
// the second see the pair the first formed. It returns program.ErrClosed
// or ErrConflict.
func claimPair(ctx context.Context, tx *Tx, orgID string, pair *program.Circle) error {
	if err := lockProgram(ctx, tx, orgID, pair.ProgramID); err != nil {
		return err
	}
	ids := pair.UserIDs()
	if len(ids) != 2 {
		return fmt.Errorf("a pair of %d", len(ids))
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
		WHERE m.org_id = $1 AND c.program_id = $2 AND c.status IN ('active', 'pending') AND m.user_id IN ($3, $4)`,
		orgID, pair.ProgramID, ids[0], ids[1]).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrConflict
	}
	return nil
}

// lockProgram takes the program's row lock (on PostgreSQL; SQLite's single
// writer serialises anyway) for a rule that spans the program's rows: who
// is opted in, in a draft or in a circle, and whether it is closed. Every
// change that decides on those takes it first, so that they apply one
// after the other and each sees the one before. A closed program is
// program.ErrClosed.
func lockProgram(ctx context.Context, tx *Tx, orgID, programID string) error {
	err := guarded(tx.exec(ctx, `UPDATE programs SET updated_at = updated_at WHERE org_id = $1 AND id = $2 AND closed_at IS NULL`,
		orgID, programID))
	if errors.Is(err, ErrConflict) {
		return program.ErrClosed
	}
	return err
}

// FindEngaged lists who is in an active circle of a program or in one
// that waits for answers; re-matching leaves them where they are.
func (db *DB) FindEngaged(ctx context.Context, orgID, programID string) ([]string, error) {
	out, err := db.queryStrings(ctx, `SELECT DISTINCT m.user_id FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
		WHERE m.org_id = $1 AND c.program_id = $2 AND c.status IN ('active', 'pending')`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find engaged: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// IsEngaged reports whether userID is in an active circle of programID or
// in one waiting for answers: one lookup from the person's memberships,
// not the program's.
func (db *DB) IsEngaged(ctx context.Context, orgID, programID, userID string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
		WHERE m.org_id = $1 AND m.user_id = $2 AND c.program_id = $3 AND c.status IN ('active', 'pending')`, orgID, userID, programID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is engaged: %w", err)
	}
	return n > 0, nil
}

// FindMemberships returns a person's part in every program of orgID they
// have opted in to or been matched in, keyed by program id.
func (db *DB) FindMemberships(ctx context.Context, orgID, userID string) (map[string]program.Membership, error) {
	out := map[string]program.Membership{}
	// One statement for both: each row is an opt-in (matched false) or a
	// program in which userID is in a live circle (matched true).
	rows, err := db.query(ctx, `SELECT program_id, snoozed, FALSE FROM opt_ins WHERE org_id = $1 AND user_id = $2
		UNION ALL
		SELECT DISTINCT c.program_id, FALSE, TRUE FROM circle_members m JOIN circles c ON c.id = m.circle_id AND c.org_id = m.org_id
		WHERE m.org_id = $1 AND m.user_id = $2 AND c.status IN ('active', 'pending')`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find memberships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var snoozed, matched bool
		if err := rows.Scan(&id, &snoozed, &matched); err != nil {
			return nil, fmt.Errorf("find memberships: %w", err)
		}
		m := out[id]
		if matched {
			m.Matched = true
		} else {
			m.OptedIn, m.Snoozed = true, snoozed
		}
		out[id] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find memberships: %w", db.d.mapErr(err))
	}
	return out, nil
}
