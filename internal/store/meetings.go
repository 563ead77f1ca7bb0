package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

// CircleState is a circle's schedule, meetings and its members' reminder
// settings, as read for a change that a service decides on them and the
// store applies only if the circle is still as read (UpdateCircle,
// LeaveCircle).
type CircleState struct {
	Circle  *program.Circle
	Program *program.Program
	// Schedule is nil while the circle has none.
	Schedule *circle.Schedule
	// Meetings is every meeting of the circle, oldest first. A change adds
	// meetings without an ID, edits them in place, or drops them (only
	// meetings that have not started may be dropped).
	Meetings []circle.Meeting
	// Prefs holds every member's reminder settings.
	Prefs map[string]circle.ReminderPrefs
	// NudgedAt is when members were last told the circle has not met.
	NudgedAt *time.Time
	// StallsAt is when the circle counts as stalled, as stored; saving a
	// state writes it anew from the state's meetings (circle.StallsAt).
	StallsAt *time.Time
	// FinishedAt is when the circle finished because its program closed.
	FinishedAt *time.Time
	// StrugglingSince is when the circle was last found struggling (nil:
	// not); a change that sets or clears it saves it.
	StrugglingSince *time.Time
	// CalendarSequence is the last SEQUENCE sent for the circle's series;
	// a change may raise it.
	CalendarSequence int
	Now              time.Time
	// Reminders are the reminders waiting to be sent for the circle's
	// meetings, for circle.PlanReminders.
	Reminders []circle.ScheduledReminder
	// Version is the circle's version the state was read at; UpdateCircle
	// saves the state only if the circle is still at it.
	Version int
	// read is the members as read: saving writes the members' own
	// standing (a pause, what they were told of their absence) where a
	// change made it differ.
	read []program.Member

	// Set by the change: the emails to send with it, whether it nudged
	// the members, and whether it finished the circle.
	Mail     []Job
	Nudged   bool
	Finished bool
	// ScheduleChange, set by a member's change to the schedule, is
	// recorded with it; if it puts an earlier change back (Undoes), that
	// one is marked put back, once.
	ScheduleChange *circle.ScheduleChange
}

// FindCircleState reads an active circle's state for a change: a service
// changes it, plans its reminders with circle.PlanReminders and saves both
// with UpdateCircle.
func (db *DB) FindCircleState(ctx context.Context, orgID, circleID string) (*CircleState, error) {
	// The version is read first: whatever changes after it was read raises
	// it, so UpdateCircle refuses a state read across a change.
	var version int
	if err := db.queryRow(ctx, `SELECT version FROM circles WHERE org_id = $1 AND id = $2`, orgID, circleID).Scan(&version); err != nil {
		return nil, fmt.Errorf("find circle state: %w", err)
	}
	cs, err := findCircles(ctx, db, "c.org_id = $1 AND c.id = $2", []any{orgID, circleID})
	if err != nil {
		return nil, fmt.Errorf("find circle state: %w", err)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("find circle state: %w", ErrNotFound)
	}
	st, err := loadCircleState(ctx, db, &cs[0], db.Now().Truncate(time.Microsecond))
	if err != nil {
		return nil, fmt.Errorf("find circle state: %w", err)
	}
	st.Version = version
	st.read = slices.Clone(st.Circle.Members)
	return st, nil
}

// UpdateCircle saves st, read by FindCircleState and changed since: the
// schedule, the meetings (new ones get their IDs), plan's reminders with
// their jobs, and st.Mail, in one transaction. If the circle changed since
// st was read it changes nothing and returns ErrConflict: the caller reads
// the state again and decides again.
func (db *DB) UpdateCircle(ctx context.Context, st *CircleState, plan circle.ReminderPlan) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		c := st.Circle
		if err := claimCircle(ctx, tx, c.OrgID, c.ID, st.Version); err != nil {
			return err
		}
		old, err := loadCircleState(ctx, tx, c, tx.now)
		if err != nil {
			return err
		}
		return db.applyCircle(ctx, tx, old, st, plan)
	})
	if err != nil {
		return fmt.Errorf("update circle: %w", err)
	}
	st.Version++
	return nil
}

// StartMeetingEarly saves, in one transaction, a meeting moved to start
// now — st, read by FindCircleState and changed since, with plan and
// st.Mail, as UpdateCircle saves it — and its room's start: the state
// at version to, if the room is still at from. It returns the room's
// new seq. If the circle or the room changed since they were read it
// changes nothing and returns ErrConflict, so a calendar never moves
// for a meeting that did not start, nor a meeting start at its old time.
func (db *DB) StartMeetingEarly(ctx context.Context, st *CircleState, plan circle.ReminderPlan, meetingID string, from int64, state []byte, to int64) (int64, error) {
	var seq int64
	err := db.inTx(ctx, func(tx *Tx) error {
		c := st.Circle
		if err := claimCircle(ctx, tx, c.OrgID, c.ID, st.Version); err != nil {
			return err
		}
		old, err := loadCircleState(ctx, tx, c, tx.now)
		if err != nil {
			return err
		}
		if err := db.applyCircle(ctx, tx, old, st, plan); err != nil {
			return err
		}
		err = tx.queryRow(ctx, `UPDATE rooms SET state = $1, version = $2, seq = seq + 1, updated_at = $3
			WHERE org_id = $4 AND meeting_id = $5 AND version = $6 RETURNING seq`,
			string(state), to, tx.now, c.OrgID, meetingID, from).Scan(&seq)
		if errors.Is(err, ErrNotFound) {
			return ErrConflict
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("start meeting early: %w", err)
	}
	st.Version++
	return seq, nil
}

// LeaveCircle applies userID's departure from st's circle, decided on st
// (read by FindCircleState) and changed since: st.Circle holds the members
// who remain. In one transaction it takes userID out of the circle, keeps
// their note for the admins, puts version adopt of the agreement in force
// (0: none) and saves st with plan and st.Mail as UpdateCircle does. If the
// circle changed since st was read it changes nothing and returns
// ErrConflict: the caller reads the state again and decides again.
func (db *DB) LeaveCircle(ctx context.Context, st *CircleState, userID, note string, adopt int, plan circle.ReminderPlan) error {
	c := st.Circle
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := claimCircle(ctx, tx, c.OrgID, c.ID, st.Version); err != nil {
			return err
		}
		if err := guarded(tx.exec(ctx, `DELETE FROM circle_members WHERE org_id = $1 AND circle_id = $2 AND user_id = $3`, c.OrgID, c.ID, userID)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO circle_departures (org_id, circle_id, user_id, note, left_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (circle_id, user_id) DO UPDATE SET note = excluded.note, left_at = excluded.left_at`,
			c.OrgID, c.ID, userID, note, tx.now); err != nil {
			return err
		}
		if adopt != 0 {
			if err := adoptAgreement(ctx, tx, c.OrgID, c.ID, adopt); err != nil {
				return err
			}
		}
		old, err := loadCircleState(ctx, tx, c, tx.now)
		if err != nil {
			return err
		}
		return db.applyCircle(ctx, tx, old, st, plan)
	})
	if err != nil {
		return fmt.Errorf("leave circle: %w", err)
	}
	st.Version++
	return nil
}

type circleQuerier interface {
	querier
	rowQuerier
}

// loadCircleState reads an active circle's state.
func loadCircleState(ctx context.Context, q circleQuerier, c *program.Circle, now time.Time) (*CircleState, error) {
	if c.Status != program.Active {
		return nil, circle.ErrNotActive
	}
	p, err := scanProgram(q.queryRow(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 AND p.id = $2`, c.OrgID, c.ProgramID))
	if err != nil {
		return nil, err
	}
	st := &CircleState{Circle: c, Program: p, Now: now}
	if st.Schedule, err = findSchedule(ctx, q, c.OrgID, c.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if st.Meetings, err = findMeetings(ctx, q, c.OrgID, c.ID); err != nil {
		return nil, err
	}
	if st.Prefs, err = findPrefs(ctx, q, c.OrgID, c.UserIDs()); err != nil {
		return nil, err
	}
	if err := q.queryRow(ctx, `SELECT nudged_at, calendar_sequence, stalls_at, finished_at, struggling_since FROM circles WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID).
		Scan(&st.NudgedAt, &st.CalendarSequence, &st.StallsAt, &st.FinishedAt, &st.StrugglingSince); err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `SELECT r.id, r.meeting_id, r.user_id, r.offset_minutes, r.due_at, COALESCE(r.job_id, 0)
		FROM reminders r JOIN meetings m ON m.id = r.meeting_id AND m.org_id = r.org_id
		WHERE r.org_id = $1 AND m.circle_id = $2 AND r.status = 'scheduled' ORDER BY r.due_at, r.id`, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r circle.ScheduledReminder
		if err := rows.Scan(&r.ID, &r.MeetingID, &r.UserID, &r.Offset, &r.Due, &r.JobID); err != nil {
			return nil, err
		}
		st.Reminders = append(st.Reminders, r)
	}
	return st, rows.Err()
}

// Reminded lists the members who get meeting reminders: all but those
// pausing at st.Now.
func (st *CircleState) Reminded() []string {
	var ids []string
	for _, m := range st.Circle.Members {
		if !m.Paused(st.Now) {
			ids = append(ids, m.UserID)
		}
	}
	return ids
}

// stallsAt is when the circle of st counts as stalled, from its meetings
// as they are about to be saved.
func (st *CircleState) stallsAt(now time.Time) time.Time {
	period := circle.PeriodFor(st.Program.Cadence)
	if st.Schedule != nil {
		period = st.Schedule.Rule.Period()
	}
	formed := now
	if st.Circle.ActivatedAt != nil {
		formed = *st.Circle.ActivatedAt
	}
	return circle.StallsAt(st.Meetings, formed, period).UTC().Truncate(time.Microsecond)
}

// applyCircle saves st over old, the circle's state as stored: the
// schedule, the meetings, plan's reminders and st's emails.
func (db *DB) applyCircle(ctx context.Context, tx *Tx, old, st *CircleState, plan circle.ReminderPlan) error {
	c := st.Circle
	if err := saveSchedule(ctx, tx, c.OrgID, c.ID, old.Schedule, st.Schedule); err != nil {
		return err
	}
	for _, r := range plan.Cancel {
		if err := db.cancelReminder(ctx, tx, c.OrgID, r.ID, r.JobID); err != nil {
			return err
		}
	}
	oldMeetings := make(map[string]circle.Meeting, len(old.Meetings))
	for _, m := range old.Meetings {
		oldMeetings[m.ID] = m
	}
	// Dropped meetings go first: a new schedule may put a meeting where a
	// dropped one was, and (circle_id, original_start) is unique.
	keep := map[string]bool{}
	for _, m := range st.Meetings {
		if _, ok := oldMeetings[m.ID]; ok {
			keep[m.ID] = true
		}
	}
	for id, m := range oldMeetings {
		if keep[id] {
			continue
		}
		if !m.Start.After(tx.now) {
			return fmt.Errorf("meeting %s has begun and cannot be removed", id)
		}
		if err := cancelReminders(ctx, db, tx, c.OrgID, "meeting_id = $2", id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM meetings WHERE org_id = $1 AND id = $2`, c.OrgID, id); err != nil {
			return err
		}
	}
	for i := range st.Meetings {
		m := &st.Meetings[i]
		prev, ok := oldMeetings[m.ID]
		switch {
		case m.ID == "" || !ok:
			m.ID, m.CircleID = newID(), c.ID
			if _, err := tx.exec(ctx, `INSERT INTO meetings (id, org_id, circle_id, original_start, starts_at, ends_at, status, sequence,
				facilitator_id, timekeeper_id, roles_chosen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				m.ID, c.OrgID, c.ID, m.Original.UTC(), m.Start.UTC(), m.End.UTC(), m.Status, m.Sequence,
				nullIf(m.FacilitatorID), nullIf(m.TimekeeperID), m.RolesChosen); err != nil {
				return err
			}
		case prev != *m:
			if _, err := tx.exec(ctx, `UPDATE meetings SET starts_at = $1, ends_at = $2, status = $3, sequence = $4,
				facilitator_id = $5, timekeeper_id = $6, roles_chosen = $7 WHERE org_id = $8 AND id = $9`,
				m.Start.UTC(), m.End.UTC(), m.Status, m.Sequence, nullIf(m.FacilitatorID), nullIf(m.TimekeeperID), m.RolesChosen,
				c.OrgID, m.ID); err != nil {
				return err
			}
		}
	}
	for _, r := range plan.Create {
		if r.Meeting < 0 || r.Meeting >= len(st.Meetings) {
			return fmt.Errorf("reminder plan names meeting %d of %d", r.Meeting, len(st.Meetings))
		}
		if err := db.scheduleReminder(ctx, tx, c.OrgID, st.Meetings[r.Meeting].ID, r); err != nil {
			return err
		}
	}
	if st.CalendarSequence != old.CalendarSequence {
		if _, err := tx.exec(ctx, `UPDATE circles SET calendar_sequence = $1 WHERE org_id = $2 AND id = $3`, st.CalendarSequence, c.OrgID, c.ID); err != nil {
			return err
		}
	}
	if stalls := st.stallsAt(tx.now); old.StallsAt == nil || !old.StallsAt.Equal(stalls) {
		if _, err := tx.exec(ctx, `UPDATE circles SET stalls_at = $1 WHERE org_id = $2 AND id = $3`, stalls, c.OrgID, c.ID); err != nil {
			return err
		}
	}
	if st.Finished {
		if _, err := tx.exec(ctx, `UPDATE circles SET finished_at = $1 WHERE org_id = $2 AND id = $3`, tx.now, c.OrgID, c.ID); err != nil {
			return err
		}
	}
	if st.ScheduleChange != nil {
		if err := recordScheduleChange(ctx, tx, c.OrgID, c.ID, st.ScheduleChange); err != nil {
			return err
		}
	}
	if !sameTime(old.StrugglingSince, st.StrugglingSince) {
		if _, err := tx.exec(ctx, `UPDATE circles SET struggling_since = $1 WHERE org_id = $2 AND id = $3`,
			utcOrNil(st.StrugglingSince), c.OrgID, c.ID); err != nil {
			return err
		}
	}
	if err := saveStanding(ctx, tx, st); err != nil {
		return err
	}
	if st.Nudged {
		if _, err := tx.exec(ctx, `UPDATE circles SET nudged_at = $1 WHERE org_id = $2 AND id = $3`, tx.now, c.OrgID, c.ID); err != nil {
			return err
		}
	}
	return db.sendAll(ctx, tx, st.Mail)
}

// saveStanding writes each member's own standing that st changed since
// it was read: a pause begun (only if they were not pausing), a pause
// ended (only if they were), and what they were told of their absence.
// A member who left since gets ErrConflict.
func saveStanding(ctx context.Context, tx *Tx, st *CircleState) error {
	read := make(map[string]program.Member, len(st.read))
	for _, m := range st.read {
		read[m.UserID] = m
	}
	c := st.Circle
	for _, m := range c.Members {
		was, ok := read[m.UserID]
		if !ok || sameStanding(was, m) {
			continue
		}
		guard := ` AND paused_until IS NULL`
		if was.PausedUntil != nil {
			guard = ` AND paused_until IS NOT NULL`
		}
		if err := guarded(tx.exec(ctx, `UPDATE circle_members SET paused_until = $1, counted_from = $2, absence_told = $3, absence_at = $4
			WHERE org_id = $5 AND circle_id = $6 AND user_id = $7`+guard,
			utcOrNil(m.PausedUntil), utcOrNil(m.CountedFrom), m.AbsenceTold, utcOrNil(m.AbsenceAt), c.OrgID, c.ID, m.UserID)); err != nil {
			return err
		}
	}
	return nil
}

func sameStanding(a, b program.Member) bool {
	return sameTime(a.PausedUntil, b.PausedUntil) && sameTime(a.CountedFrom, b.CountedFrom) &&
		a.AbsenceTold == b.AbsenceTold && sameTime(a.AbsenceAt, b.AbsenceAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// FindAttendance fills in, for held meetings of orgID (at most a few),
// who was present and who answered beforehand that they could not come.
func (db *DB) FindAttendance(ctx context.Context, orgID string, held []circle.Held) error {
	if len(held) == 0 {
		return nil
	}
	index := make(map[string]*circle.Held, len(held))
	args := []any{orgID}
	marks := make([]string, len(held))
	for i := range held {
		h := &held[i]
		h.Present, h.Excused = map[string]bool{}, map[string]bool{}
		index[h.MeetingID] = h
		args = append(args, h.MeetingID)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	in := strings.Join(marks, ", ")
	rows, err := db.query(ctx, `SELECT meeting_id, user_id, 1 FROM meeting_presence WHERE org_id = $1 AND meeting_id IN (`+in+`)
		UNION ALL SELECT meeting_id, user_id, 0 FROM meeting_rsvps WHERE org_id = $1 AND meeting_id IN (`+in+`) AND answer = 'not_coming'`, args...)
	if err != nil {
		return fmt.Errorf("find attendance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var meetingID, userID string
		var present int
		if err := rows.Scan(&meetingID, &userID, &present); err != nil {
			return fmt.Errorf("find attendance: %w", err)
		}
		if h := index[meetingID]; h != nil {
			if present == 1 {
				h.Present[userID] = true
			} else {
				h.Excused[userID] = true
			}
		}
	}
	return rows.Err()
}

func nullIf(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const scheduleColumns = `circle_id, freq, weekday, nth, timezone, first_start, duration_minutes, video_url, sequence, updated_at`

func scanSchedule(s scanner) (*circle.Schedule, error) {
	var sc circle.Schedule
	var minutes, weekday int
	if err := s.Scan(&sc.CircleID, &sc.Rule.Freq, &weekday, &sc.Rule.Nth, &sc.Timezone, &sc.FirstStart, &minutes, &sc.VideoURL,
		&sc.Sequence, &sc.UpdatedAt); err != nil {
		return nil, err
	}
	sc.Rule.Weekday = time.Weekday(weekday)
	sc.Duration = time.Duration(minutes) * time.Minute
	sc.FirstStart = sc.FirstStart.UTC()
	return &sc, nil
}

func findSchedule(ctx context.Context, q rowQuerier, orgID, circleID string) (*circle.Schedule, error) {
	return scanSchedule(q.queryRow(ctx, `SELECT `+scheduleColumns+` FROM schedules WHERE org_id = $1 AND circle_id = $2`, orgID, circleID))
}

// FindSchedule returns circleID's schedule, or ErrNotFound.
func (db *DB) FindSchedule(ctx context.Context, orgID, circleID string) (*circle.Schedule, error) {
	s, err := findSchedule(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find schedule: %w", err)
	}
	return s, nil
}

// FindScheduleIfAny returns a circle's schedule, or nil when it has none.
func (db *DB) FindScheduleIfAny(ctx context.Context, orgID, circleID string) (*circle.Schedule, error) {
	s, err := db.FindSchedule(ctx, orgID, circleID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return s, err
}

func saveSchedule(ctx context.Context, tx *Tx, orgID, circleID string, old, s *circle.Schedule) error {
	switch {
	case s == nil && old == nil:
		return nil
	case s == nil:
		_, err := tx.exec(ctx, `DELETE FROM schedules WHERE org_id = $1 AND circle_id = $2`, orgID, circleID)
		return err
	case old != nil && *old == *s:
		return nil
	}
	s.CircleID, s.UpdatedAt = circleID, tx.now
	_, err := tx.exec(ctx, `INSERT INTO schedules (circle_id, org_id, freq, weekday, nth, timezone, first_start, duration_minutes, video_url, sequence, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (circle_id) DO UPDATE SET freq = excluded.freq, weekday = excluded.weekday, nth = excluded.nth, timezone = excluded.timezone,
			first_start = excluded.first_start, duration_minutes = excluded.duration_minutes, video_url = excluded.video_url,
			sequence = excluded.sequence, updated_at = excluded.updated_at`,
		circleID, orgID, s.Rule.Freq, int(s.Rule.Weekday), s.Rule.Nth, s.Timezone, s.FirstStart.UTC(), int(s.Duration/time.Minute),
		s.VideoURL, s.Sequence, s.UpdatedAt)
	return err
}

const meetingColumns = `id, circle_id, original_start, starts_at, ends_at, status, sequence,
	COALESCE(facilitator_id, ''), COALESCE(timekeeper_id, ''), roles_chosen`

func scanMeeting(s scanner) (*circle.Meeting, error) {
	var m circle.Meeting
	if err := s.Scan(&m.ID, &m.CircleID, &m.Original, &m.Start, &m.End, &m.Status, &m.Sequence, &m.FacilitatorID, &m.TimekeeperID,
		&m.RolesChosen); err != nil {
		return nil, err
	}
	m.Original, m.Start, m.End = m.Original.UTC(), m.Start.UTC(), m.End.UTC()
	return &m, nil
}

func findMeetings(ctx context.Context, q querier, orgID, circleID string) ([]circle.Meeting, error) {
	return scanMeetings(q.query(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND circle_id = $2 ORDER BY starts_at, id`, orgID, circleID))
}

// scanMeetings reads the meetings rows holds (meetingColumns) and closes
// rows; err is the query's.
func scanMeetings(rows *sql.Rows, err error) ([]circle.Meeting, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []circle.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// FindMeetingByID finds one meeting of circleID.
func (db *DB) FindMeetingByID(ctx context.Context, orgID, circleID, id string) (*circle.Meeting, error) {
	if m, ok := rememberedMeeting(ctx, orgID, circleID, id); ok {
		return m, nil
	}
	m, err := scanMeeting(db.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND circle_id = $2 AND id = $3`,
		orgID, circleID, id))
	if err != nil {
		return nil, fmt.Errorf("find meeting: %w", err)
	}
	rememberMeeting(ctx, orgID, m)
	return m, nil
}

// FindMeetings lists every meeting of circleID, oldest first.
func (db *DB) FindMeetings(ctx context.Context, orgID, circleID string) ([]circle.Meeting, error) {
	out, err := findMeetings(ctx, db, orgID, circleID)
	if err != nil {
		return nil, fmt.Errorf("find meetings: %w", err)
	}
	return out, nil
}

// FindMeetingsFrom lists the meetings of circleID from the one with id,
// which starts at start, on, in the order of FindMeetings: whether a
// meeting is its season's last depends on those alone, not on the
// circle's history before it.
func (db *DB) FindMeetingsFrom(ctx context.Context, orgID, circleID string, start time.Time, id string) ([]circle.Meeting, error) {
	out, err := scanMeetings(db.query(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND circle_id = $2
		AND (starts_at > $3 OR (starts_at = $3 AND id >= $4)) ORDER BY starts_at, id`, orgID, circleID, start.UTC(), id))
	if err != nil {
		return nil, fmt.Errorf("find meetings from: %w", err)
	}
	return out, nil
}

// FindMeetingsShown lists, oldest first, the meetings of circleID that a
// page listing its meetings at now needs: every one that began after
// meetingLongest before now (all that may not have ended), and before
// those the latest held scheduled ones, at most held. It reads the same
// handful of rows however long the circle has met.
func (db *DB) FindMeetingsShown(ctx context.Context, orgID, circleID string, now time.Time, held int) ([]circle.Meeting, error) {
	out, err := scanMeetings(db.query(ctx, `SELECT * FROM (
			SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND circle_id = $2 AND starts_at <= $3 AND status = 'scheduled'
			ORDER BY starts_at DESC, id DESC LIMIT $4) earlier
		UNION ALL
		SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND circle_id = $2 AND starts_at > $3
		ORDER BY starts_at, id`, orgID, circleID, now.Add(-meetingLongest).UTC(), held))
	if err != nil {
		return nil, fmt.Errorf("find meetings shown: %w", err)
	}
	return out, nil
}

// FindUpcomingMeetings returns the meetings of circleIDs that are on and
// have not ended by now, by circle, each circle's soonest first. It reads
// from meetingLongest before now on, whatever the circles' histories.
func (db *DB) FindUpcomingMeetings(ctx context.Context, orgID string, circleIDs []string, now time.Time) (map[string][]circle.Meeting, error) {
	out := make(map[string][]circle.Meeting, len(circleIDs))
	if len(circleIDs) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID, now.Add(-meetingLongest).UTC(), now.UTC()}, circleIDs)
	ms, err := scanMeetings(db.query(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE circle_id IN (`+in+`) AND org_id = $1
		AND starts_at > $2 AND ends_at > $3 AND status = 'scheduled' ORDER BY circle_id, starts_at, id`, args...))
	if err != nil {
		return nil, fmt.Errorf("find upcoming meetings: %w", err)
	}
	for _, m := range ms {
		out[m.CircleID] = append(out[m.CircleID], m)
	}
	return out, nil
}

// findPrefs returns the reminder settings of userIDs (a circle's members),
// each the defaults until they change them. Each id is a parameter of the
// query, so that it reads their rows alone.
func findPrefs(ctx context.Context, q querier, orgID string, userIDs []string) (map[string]circle.ReminderPrefs, error) {
	out := make(map[string]circle.ReminderPrefs, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	args := []any{orgID}
	marks := make([]string, len(userIDs))
	for i, id := range userIDs {
		out[id] = circle.DefaultPrefs()
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := q.query(ctx, `SELECT user_id, offsets, nudges, digest FROM reminder_prefs WHERE org_id = $1 AND user_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, offsets string
		var p circle.ReminderPrefs
		if err := rows.Scan(&id, &offsets, &p.Nudges, &p.Digest); err != nil {
			return nil, err
		}
		if err := fromJSON(offsets, &p.Offsets); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// FindReminderPrefs returns userID's reminder settings, or the defaults.
func (db *DB) FindReminderPrefs(ctx context.Context, orgID, userID string) (circle.ReminderPrefs, error) {
	prefs, err := findPrefs(ctx, db, orgID, []string{userID})
	if err != nil {
		return circle.ReminderPrefs{}, fmt.Errorf("find reminder prefs: %w", err)
	}
	return prefs[userID], nil
}

// UpdateReminderPrefs saves userID's reminder settings and, for each of
// their active circles, the reminders planned with them: states are the
// circles as FindCircleState read them (with p among their Prefs) and
// plans[i] is states[i]'s plan, all applied in one transaction. If userID's
// circles, or any of them, changed since they were read it changes nothing
// and returns ErrConflict: the caller reads again and plans again.
func (db *DB) UpdateReminderPrefs(ctx context.Context, orgID, userID string, p circle.ReminderPrefs, states []*CircleState, plans []circle.ReminderPlan) error {
	if len(states) != len(plans) {
		return fmt.Errorf("update reminder prefs: %d circles, %d plans", len(states), len(plans))
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		if p.Offsets == nil {
			p.Offsets = []int{}
		}
		if _, err := tx.exec(ctx, `INSERT INTO reminder_prefs (user_id, org_id, offsets, nudges, digest, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id) DO UPDATE SET offsets = excluded.offsets, nudges = excluded.nudges, digest = excluded.digest, updated_at = excluded.updated_at`,
			userID, orgID, toJSON(p.Offsets), p.Nudges, p.Digest, tx.now); err != nil {
			return err
		}
		// The circles planned for must still be all of the person's: one
		// joined since would keep reminders planned with the old settings.
		var active int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM circles c WHERE c.org_id = $1 AND c.status = 'active' AND c.id IN (SELECT x.circle_id
			FROM circle_members x WHERE x.org_id = $1 AND x.user_id = $2)`, orgID, userID).Scan(&active); err != nil {
			return err
		}
		if active != len(states) {
			return ErrConflict
		}
		for i, st := range states {
			// The members' settings are part of the circle's state:
			// claiming it refuses a change planned with the old ones.
			if err := claimCircle(ctx, tx, st.Circle.OrgID, st.Circle.ID, st.Version); err != nil {
				return err
			}
			old, err := loadCircleState(ctx, tx, st.Circle, tx.now)
			if err != nil {
				return err
			}
			if err := db.applyCircle(ctx, tx, old, st, plans[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update reminder prefs: %w", err)
	}
	for _, st := range states {
		st.Version++
	}
	return nil
}

// scheduleReminder creates reminder r of meetingID and the job that sends
// it when it is due.
func (db *DB) scheduleReminder(ctx context.Context, tx *Tx, orgID, meetingID string, r circle.NewReminder) error {
	if db.jobs == nil {
		return errors.New("store: no job scheduler configured")
	}
	id := newID()
	if _, err := tx.exec(ctx, `INSERT INTO reminders (id, org_id, meeting_id, user_id, offset_minutes, due_at, status)
		VALUES ($1, $2, $3, $4, $5, $6, 'scheduled')`, id, orgID, meetingID, r.UserID, r.Offset, r.Due); err != nil {
		return err
	}
	jobID, err := db.jobs.ScheduleTx(ctx, tx.Tx, ReminderJob{ReminderID: id}, r.Due)
	if err != nil {
		return fmt.Errorf("schedule reminder: %w", err)
	}
	_, err = tx.exec(ctx, `UPDATE reminders SET job_id = $1 WHERE id = $2`, jobID, id)
	return err
}

// cancelReminders cancels the scheduled reminders matching cond (with $1
// the org and $2 arg) and their jobs.
func cancelReminders(ctx context.Context, db *DB, tx *Tx, orgID, cond string, arg any) error {
	rows, err := tx.query(ctx, `SELECT id, COALESCE(job_id, 0) FROM reminders WHERE org_id = $1 AND status = 'scheduled' AND `+cond, orgID, arg)
	if err != nil {
		return err
	}
	type pending struct {
		id    string
		jobID int64
	}
	var list []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.jobID); err != nil {
			rows.Close()
			return err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range list {
		if err := db.cancelReminder(ctx, tx, orgID, p.id, p.jobID); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) cancelReminder(ctx context.Context, tx *Tx, orgID, id string, jobID int64) error {
	// A reminder sent meanwhile stays sent.
	if _, err := tx.exec(ctx, `UPDATE reminders SET status = 'cancelled' WHERE org_id = $1 AND id = $2 AND status = 'scheduled'`, orgID, id); err != nil {
		return err
	}
	if jobID != 0 && db.jobs != nil {
		if err := db.jobs.CancelJobTx(ctx, tx.Tx, jobID); err != nil {
			return fmt.Errorf("cancel reminder job: %w", err)
		}
	}
	return nil
}

// Reminder is a due reminder with what its email needs.
type Reminder struct {
	ID            string
	OffsetMinutes int
	DueAt         time.Time
	UserID        string
	Name, Email   string
	Timezone      string
	Circle        *program.Circle
	Program       *program.Program
	Schedule      *circle.Schedule
	Meeting       *circle.Meeting
	// Room is the meeting's room, nil while nobody has opened it.
	Room *Room
}

// FindReminder returns reminder id with what its email needs, if it is
// still waiting to be sent; otherwise ErrNotFound.
func (db *DB) FindReminder(ctx context.Context, id string) (*Reminder, error) {
	r, err := findReminder(ctx, db, id)
	if err != nil {
		return nil, fmt.Errorf("find reminder: %w", err)
	}
	return r, nil
}

func findReminder(ctx context.Context, db *DB, id string) (*Reminder, error) {
	r := Reminder{ID: id}
	var orgID, meetingID string
	err := db.queryRow(ctx, `SELECT r.org_id, r.meeting_id, r.user_id, r.offset_minutes, r.due_at, u.name, u.email, u.timezone
		FROM reminders r JOIN users u ON u.id = r.user_id AND u.org_id = r.org_id
		WHERE r.id = $1 AND r.status = 'scheduled'`, id).
		Scan(&orgID, &meetingID, &r.UserID, &r.OffsetMinutes, &r.DueAt, &r.Name, &r.Email, &r.Timezone)
	if err != nil {
		return nil, err
	}
	if r.Meeting, err = scanMeeting(db.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE org_id = $1 AND id = $2`, orgID, meetingID)); err != nil {
		return nil, err
	}
	cs, err := findCircles(ctx, db, "c.org_id = $1 AND c.id = $2", []any{orgID, r.Meeting.CircleID})
	if err != nil || len(cs) == 0 {
		return nil, errors.Join(err, ErrNotFound)
	}
	r.Circle = &cs[0]
	if r.Program, err = scanProgram(db.queryRow(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.org_id = $1 AND p.id = $2`, orgID, r.Circle.ProgramID)); err != nil {
		return nil, err
	}
	if r.Schedule, err = findSchedule(ctx, db, orgID, r.Circle.ID); err != nil {
		return nil, err
	}
	r.Room, err = scanRoom(db.queryRow(ctx, `SELECT `+roomColumns+` FROM rooms WHERE org_id = $1 AND meeting_id = $2`, orgID, meetingID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return &r, nil
}

// SendReminder marks reminder id sent and enqueues msg, its email, in one
// transaction, if the reminder is still waiting to be sent: so a reminder
// is sent once however often its job runs, and never after its meeting
// moved or was cancelled or its person changed their settings (each of
// which cancels it). It reports whether it sent.
func (db *DB) SendReminder(ctx context.Context, id string, msg Job) (bool, error) {
	sent := false
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE reminders SET status = 'sent', sent_at = $1 WHERE id = $2 AND status = 'scheduled'`, tx.now, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n != 1 {
			return err
		}
		sent = true
		return db.enqueue(ctx, tx, msg)
	})
	if err != nil {
		return false, fmt.Errorf("send reminder: %w", err)
	}
	return sent, nil
}

// SkipReminder cancels reminder id, no longer wanted, unless it was sent
// or cancelled meanwhile.
func (db *DB) SkipReminder(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE reminders SET status = 'cancelled' WHERE id = $1 AND status = 'scheduled'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("skip reminder: %w", err)
	}
	return nil
}

// CircleRef names a circle in an organisation.
type CircleRef struct{ OrgID, ID string }

// FindActiveCircles lists every active circle of every organisation that
// has not finished with its program, for the upkeep that keeps meetings
// written ahead and nudges quiet circles.
func (db *DB) FindActiveCircles(ctx context.Context) ([]CircleRef, error) {
	rows, err := db.query(ctx, `SELECT org_id, id FROM circles WHERE status = 'active' AND finished_at IS NULL ORDER BY org_id, id`)
	if err != nil {
		return nil, fmt.Errorf("find active circles: %w", err)
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
	return out, rows.Err()
}

// CircleCalendar is one circle's schedule and meetings, for a person's
// calendar feed.
type CircleCalendar struct {
	Circle   program.Circle
	Program  program.Program
	Schedule circle.Schedule
	Meetings []circle.Meeting
}

// FindCalendar returns the scheduled circles userID is an active member of.
func (db *DB) FindCalendar(ctx context.Context, orgID, userID string) ([]CircleCalendar, error) {
	circles, err := findCircles(ctx, db, `c.org_id = $1 AND c.status = 'active' AND c.id IN (SELECT x.circle_id FROM circle_members x
		WHERE x.org_id = $1 AND x.user_id = $2)`, []any{orgID, userID})
	if err != nil {
		return nil, fmt.Errorf("find calendar: %w", err)
	}
	var out []CircleCalendar
	for _, c := range circles {
		s, err := findSchedule(ctx, db, orgID, c.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find calendar: %w", err)
		}
		p, err := db.FindProgramByID(ctx, orgID, c.ProgramID)
		if err != nil {
			return nil, fmt.Errorf("find calendar: %w", err)
		}
		ms, err := findMeetings(ctx, db, orgID, c.ID)
		if err != nil {
			return nil, fmt.Errorf("find calendar: %w", err)
		}
		out = append(out, CircleCalendar{Circle: c, Program: *p, Schedule: *s, Meetings: ms})
	}
	return out, nil
}
