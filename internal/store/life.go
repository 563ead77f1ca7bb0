package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/program"
)

// Mailing is one of the mailings to a program's audience.
type Mailing string

const (
	// MailOpening tells everyone a program is for that its opt-in opened.
	MailOpening Mailing = "opening"
	// MailReminder is the one reminder before opt-in closes, to those who
	// have not joined.
	MailReminder Mailing = "reminder"
	// MailBulk is an admin's reminder to everyone not yet joined.
	MailBulk Mailing = "bulk"
)

// mailingColumn is the program's column that records, and guards, the
// start of each mailing.
var mailingColumn = map[Mailing]string{MailOpening: "announced_at", MailReminder: "reminded_at", MailBulk: "bulk_reminded_at"}

// OpenProgram opens a draft program's opt-in now. It returns ErrConflict
// when the program is no longer a draft: opened or closed since it was
// read.
func (db *DB) OpenProgram(ctx context.Context, orgID, id string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		return guarded(tx.exec(ctx, `UPDATE programs SET opt_in_opens = $1, updated_at = $1
			WHERE org_id = $2 AND id = $3 AND opt_in_opens > $1 AND closed_at IS NULL`, tx.now, orgID, id))
	})
	if err != nil {
		return fmt.Errorf("open program: %w", err)
	}
	return nil
}

// StartMailing records that a mailing of a program begins now, and resets
// where it has got to. It applies only if the program is not closed and
// the mailing has not begun since the one the caller decided on: for the
// opening and the reminder, never; for a bulk reminder, not since
// notSince. Otherwise it returns ErrConflict.
func (db *DB) StartMailing(ctx context.Context, orgID, programID string, kind Mailing, notSince time.Time) error {
	col, ok := mailingColumn[kind]
	if !ok {
		return fmt.Errorf("start mailing: no mailing %q", kind)
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := guarded(tx.exec(ctx, `UPDATE programs SET `+col+` = $1 WHERE org_id = $2 AND id = $3 AND closed_at IS NULL
			AND (`+col+` IS NULL OR `+col+` < $4)`, tx.now, orgID, programID, notSince)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO program_mailings (org_id, program_id, kind, reached, sent, started_at) VALUES ($1, $2, $3, '', 0, $4)
			ON CONFLICT (program_id, kind) DO UPDATE SET reached = '', sent = 0, started_at = excluded.started_at, done_at = NULL`,
			orgID, programID, kind, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("start mailing: %w", err)
	}
	return nil
}

// MailingBatch is the next people a mailing goes to.
type MailingBatch struct {
	// From is where the mailing had got to when the batch was read, and
	// Sent how many it had reached by then.
	From string
	Sent int
	// Done: the mailing has finished; People is empty.
	Done   bool
	People []account.User
}

// FindMailingBatch reads the next limit people a program's mailing goes
// to, in id order after where it has got to: the organisation's active
// people in the program's departments (or everyone), and, for the
// reminders, only those who have not opted in.
func (db *DB) FindMailingBatch(ctx context.Context, orgID, programID string, kind Mailing, limit int) (*MailingBatch, error) {
	b := &MailingBatch{}
	var done *time.Time
	if err := db.queryRow(ctx, `SELECT reached, sent, done_at FROM program_mailings WHERE org_id = $1 AND program_id = $2 AND kind = $3`,
		orgID, programID, kind).Scan(&b.From, &b.Sent, &done); err != nil {
		return nil, fmt.Errorf("find mailing batch: %w", err)
	}
	if b.Done = done != nil; b.Done {
		return b, nil
	}
	deps, err := db.findDepartmentsOf(ctx, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find mailing batch: %w", err)
	}
	q := `SELECT u.id, u.name, u.email, u.timezone FROM users u WHERE u.org_id = $1 AND u.status = 'active' AND u.id > $2`
	args := []any{orgID, b.From}
	if kind != MailOpening {
		args = append(args, programID)
		q += ` AND NOT EXISTS (SELECT 1 FROM opt_ins o WHERE o.program_id = $3 AND o.user_id = u.id)`
	}
	if len(deps) > 0 {
		var in string
		args, in = inList(args, deps)
		q += ` AND u.department IN (` + in + `)`
	}
	args = append(args, limit)
	q += fmt.Sprintf(` ORDER BY u.id LIMIT $%d`, len(args))
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find mailing batch: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u account.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.Timezone); err != nil {
			return nil, fmt.Errorf("find mailing batch: %w", err)
		}
		b.People = append(b.People, u)
	}
	return b, db.d.mapErr(rows.Err())
}

// SendMailingBatch enqueues msgs, the emails of batch b, and records that
// the mailing got to the last of b's people; an empty batch finishes the
// mailing. It applies only if the mailing is still where b was read
// (otherwise ErrConflict: another run sent the batch), so that nobody gets
// the same email twice.
func (db *DB) SendMailingBatch(ctx context.Context, orgID, programID string, kind Mailing, b *MailingBatch, msgs []Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if len(b.People) == 0 {
			return guarded(tx.exec(ctx, `UPDATE program_mailings SET done_at = $1
				WHERE org_id = $2 AND program_id = $3 AND kind = $4 AND reached = $5 AND done_at IS NULL`, tx.now, orgID, programID, kind, b.From))
		}
		if err := guarded(tx.exec(ctx, `UPDATE program_mailings SET reached = $1, sent = sent + $2
			WHERE org_id = $3 AND program_id = $4 AND kind = $5 AND reached = $6 AND done_at IS NULL`,
			b.People[len(b.People)-1].ID, len(msgs), orgID, programID, kind, b.From)); err != nil {
			return err
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return fmt.Errorf("send mailing batch: %w", err)
	}
	return nil
}

// ProgramRef names a program in an organisation.
type ProgramRef struct{ OrgID, ID string }

// FindUnclosedPrograms lists every program of every organisation that is
// not closed, for the hourly upkeep that announces, reminds and closes
// them on their dates.
func (db *DB) FindUnclosedPrograms(ctx context.Context) ([]ProgramRef, error) {
	return db.findRefs(ctx, `SELECT org_id, id FROM programs WHERE closed_at IS NULL`)
}

// FindUnfinishedMailings lists the programs whose mailing a failure left
// half sent, for the upkeep to finish.
func (db *DB) FindUnfinishedMailings(ctx context.Context) ([]ProgramRef, error) {
	return db.findRefs(ctx, `SELECT org_id, program_id FROM program_mailings WHERE done_at IS NULL`)
}

func (db *DB) findRefs(ctx context.Context, q string) ([]ProgramRef, error) {
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("find programs: %w", err)
	}
	defer rows.Close()
	var out []ProgramRef
	for rows.Next() {
		var r ProgramRef
		if err := rows.Scan(&r.OrgID, &r.ID); err != nil {
			return nil, fmt.Errorf("find programs: %w", err)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, db.d.mapErr(rows.Err())
}

// FindUnfinishedKinds lists which of a program's mailings are unfinished.
func (db *DB) FindUnfinishedKinds(ctx context.Context, orgID, programID string) ([]Mailing, error) {
	rows, err := db.query(ctx, `SELECT kind FROM program_mailings WHERE org_id = $1 AND program_id = $2 AND done_at IS NULL ORDER BY kind`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find unfinished mailings: %w", err)
	}
	defer rows.Close()
	var out []Mailing
	for rows.Next() {
		var k Mailing
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, db.d.mapErr(rows.Err())
}

// CloseProgram closes a program now: it is never matched again, its
// proposals not yet published are dropped, and the circles still waiting
// for answers dissolve, each of their members who had not declined told
// by the email tell makes (when tell is set), in the same transaction.
// Who that is is read after the close has taken the program's row, so an
// answer or a publishing at the same moment is either seen or refused.
// Its active circles finish one by one afterwards (FinishCircle). It
// returns ErrConflict when the program was closed already.
func (db *DB) CloseProgram(ctx context.Context, orgID, id string, tell func(program.Member) Job) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := guarded(tx.exec(ctx, `UPDATE programs SET closed_at = $1, updated_at = $1 WHERE org_id = $2 AND id = $3 AND closed_at IS NULL`,
			tx.now, orgID, id)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM circles WHERE org_id = $1 AND program_id = $2 AND status = 'proposed'`, orgID, id); err != nil {
			return err
		}
		// The circles this dissolves are the ones whose members are told:
		// one that formed at this moment is left to finish, and its
		// members hear of that instead.
		rows, err := tx.query(ctx, `UPDATE circles SET status = 'dissolved', version = version + 1 WHERE org_id = $1 AND program_id = $2 AND status = 'pending'
			RETURNING id`, orgID, id)
		if err != nil {
			return err
		}
		var dissolved []program.Circle
		for rows.Next() {
			var c program.Circle
			if err := rows.Scan(&c.ID); err != nil {
				rows.Close()
				return err
			}
			dissolved = append(dissolved, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM program_mailings WHERE org_id = $1 AND program_id = $2`, orgID, id); err != nil {
			return err
		}
		if tell == nil || len(dissolved) == 0 {
			return nil
		}
		if err := findMembersOf(ctx, tx, orgID, dissolved); err != nil {
			return err
		}
		var msgs []Job
		for _, c := range dissolved {
			for _, m := range c.Members {
				if m.Response != program.Declined {
					msgs = append(msgs, tell(m))
				}
			}
		}
		return db.sendAll(ctx, tx, msgs)
	})
	if err != nil {
		return fmt.Errorf("close program: %w", err)
	}
	return nil
}

// FindUnfinishedCircles lists a closed program's active circles that have
// not yet finished.
func (db *DB) FindUnfinishedCircles(ctx context.Context, orgID, programID string) ([]CircleRef, error) {
	rows, err := db.query(ctx, `SELECT c.org_id, c.id FROM circles c WHERE c.org_id = $1 AND c.program_id = $2 AND c.status = 'active'
		AND c.finished_at IS NULL ORDER BY c.id`, orgID, programID)
	if err != nil {
		return nil, fmt.Errorf("find unfinished circles: %w", err)
	}
	defer rows.Close()
	var out []CircleRef
	for rows.Next() {
		var r CircleRef
		if err := rows.Scan(&r.OrgID, &r.ID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, db.d.mapErr(rows.Err())
}

// CountAudience counts the people of orgID in departments, or everyone
// when departments is empty, still with the organisation: those invited
// who have not signed in yet included. The counts triggers keep include
// leavers, who are few and read from their own index.
func (db *DB) CountAudience(ctx context.Context, orgID string, departments []string) (int, error) {
	var n int
	if len(departments) == 0 {
		err := db.queryRow(ctx, `SELECT people FROM org_people WHERE org_id = $1`, orgID).Scan(&n)
		if errors.Is(err, ErrNotFound) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("count audience: %w", err)
		}
		var gone int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE u.org_id = $1 AND u.deactivated_at IS NOT NULL`, orgID).Scan(&gone); err != nil {
			return 0, fmt.Errorf("count audience: %w", err)
		}
		return n - gone, nil
	}
	for _, d := range departments {
		var c, g int
		err := db.queryRow(ctx, `SELECT people FROM org_departments WHERE org_id = $1 AND name = $2`, orgID, d).Scan(&c)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return 0, fmt.Errorf("count audience: %w", err)
		}
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE u.org_id = $1 AND u.department = $2 AND u.deactivated_at IS NOT NULL`,
			orgID, d).Scan(&g); err != nil {
			return 0, fmt.Errorf("count audience: %w", err)
		}
		n += c - g
	}
	return n, nil
}

// findDepartmentsOf lists who a program is for: its departments, or none
// for everyone.
func (db *DB) findDepartmentsOf(ctx context.Context, orgID, programID string) ([]string, error) {
	return db.queryStrings(ctx, `SELECT department FROM program_departments WHERE org_id = $1 AND program_id = $2 ORDER BY department`, orgID, programID)
}
