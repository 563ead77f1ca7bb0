package store

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
)

// aggTime scans a time that an aggregate (MIN, MAX) returns: SQLite
// gives back the integer it keeps (microseconds since 1970 UTC), since an
// aggregate's result has no declared type, and PostgreSQL a time. NULL
// (no row) is the zero time.
type aggTime struct{ time.Time }

func (t *aggTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v.UTC()
	case int64:
		t.Time = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("scan time: unexpected %T", src)
	}
	return nil
}

// FindMeetingRecords counts the meetings of circleIDs (a page of a
// program's circles), and nothing said at them: for each circle, its
// schedule's frequency, how many of its scheduled meetings had begun by
// now and how many members were present at them, and the starts of the last one
// begun, the next one ahead and the latest on the schedule. One query
// reads the page's meetings by the index on their circle.
func (db *DB) FindMeetingRecords(ctx context.Context, orgID string, circleIDs []string, now time.Time) (map[string]circle.Record, error) {
	out := make(map[string]circle.Record, len(circleIDs))
	if len(circleIDs) == 0 {
		return out, nil
	}
	args, in := inList([]any{orgID, now.UTC()}, circleIDs)
	rows, err := db.query(ctx, `SELECT c.id, COALESCE(s.freq, ''),
			COALESCE(SUM(CASE WHEN m.starts_at <= $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN m.starts_at <= $2 THEN (SELECT COUNT(*) FROM meeting_presence k WHERE k.meeting_id = m.id) ELSE 0 END), 0),
			MAX(CASE WHEN m.starts_at <= $2 THEN m.starts_at END),
			MIN(CASE WHEN m.starts_at > $2 THEN m.starts_at END),
			MAX(m.starts_at)
		FROM circles c
		LEFT JOIN schedules s ON s.circle_id = c.id
		LEFT JOIN meetings m ON m.circle_id = c.id AND m.org_id = c.org_id AND m.status = 'scheduled'
		WHERE c.org_id = $1 AND c.id IN (`+in+`)
		GROUP BY c.id, s.freq`, args...)
	if err != nil {
		return nil, fmt.Errorf("find meeting records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r circle.Record
		var last, next, latest aggTime
		if err := rows.Scan(&id, &r.Freq, &r.Held, &r.Attended, &last, &next, &latest); err != nil {
			return nil, fmt.Errorf("find meeting records: %w", err)
		}
		r.Last, r.Next, r.Latest = last.Time, next.Time, latest.Time
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find meeting records: %w", err)
	}
	return out, nil
}

// CountStalled counts the active circles of orgID that had stalled by now,
// leaving out those finished with their program
// (circle.StallsAt), by program. It reads the stalled circles' index
// entries alone.
func (db *DB) CountStalled(ctx context.Context, orgID string, now time.Time) (map[string]int, error) {
	// Counted program by program, each a range of the index of running
	// circles by program and stall time: grouping by program would lead
	// the planner to walk every circle of the organisation in program
	// order, and reading the stalled ones to count them here returned a
	// row for each, which in a large organisation is most of them.
	rows, err := db.query(ctx, `SELECT p.id, (SELECT COUNT(*) FROM circles c WHERE c.org_id = p.org_id AND c.program_id = p.id
			AND c.status = 'active' AND c.finished_at IS NULL AND c.stalls_at <= $2)
		FROM programs p WHERE p.org_id = $1`, orgID, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("count stalled: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count stalled: %w", err)
		}
		if n > 0 {
			out[id] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count stalled: %w", err)
	}
	return out, nil
}

// CountStruggling counts, by program, orgID's running circles fewer than
// half of whose members came to each of their last three held meetings,
// reading the struggling circles alone (from circles_struggling).
func (db *DB) CountStruggling(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := db.query(ctx, `SELECT c.program_id FROM circles c
		WHERE c.org_id = $1 AND c.status = 'active' AND c.struggling_since IS NOT NULL AND c.finished_at IS NULL`, orgID)
	if err != nil {
		return nil, fmt.Errorf("count struggling: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("count struggling: %w", err)
		}
		out[id]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count struggling: %w", err)
	}
	return out, nil
}

// RoundToPublish is a round whose proposal an admin has not yet published.
type RoundToPublish struct {
	ID, ProgramID, ProgramName string
	Number                     int
}

// FindRoundsToPublish lists up to limit rounds of orgID that still hold
// proposed circles, newest first. An organisation's rounds are few (a
// handful a program); each is asked by the index on its circles whether
// it holds a proposed one.
func (db *DB) FindRoundsToPublish(ctx context.Context, orgID string, limit int) ([]RoundToPublish, error) {
	rows, err := db.query(ctx, `SELECT r.id, r.program_id, (SELECT p.name FROM programs p WHERE p.id = r.program_id AND p.org_id = r.org_id), r.number
		FROM rounds r WHERE r.org_id = $1 AND EXISTS (SELECT 1 FROM circles c WHERE c.org_id = r.org_id AND c.round_id = r.id AND c.status = 'proposed')
		ORDER BY r.created_at DESC, r.id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("find rounds to publish: %w", err)
	}
	defer rows.Close()
	var out []RoundToPublish
	for rows.Next() {
		var r RoundToPublish
		if err := rows.Scan(&r.ID, &r.ProgramID, &r.ProgramName, &r.Number); err != nil {
			return nil, fmt.Errorf("find rounds to publish: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find rounds to publish: %w", err)
	}
	return out, nil
}

// Agenda is what waits for one person in their circles: each a count,
// with a circle to go to where there is one.
type Agenda struct {
	// GroundRules counts their active circles whose ground rules in force
	// they have not acknowledged; RulesCircle is one of them.
	GroundRules int
	RulesCircle string
	// Agreements counts proposed working agreements in their active
	// circles that they have not consented to; AgreementCircle is the
	// circle of one of them.
	Agreements      int
	AgreementCircle string
	// Invitations counts pair invitations waiting for their answer.
	Invitations int
	// Proposals counts proposed circles waiting for their answer.
	Proposals int
	// Circles counts their active circles: with none, they have no
	// meeting ahead and no open commitment to look for.
	Circles int
}

// FindAgenda reads what waits for userID, and how many active circles
// they are in, in one query that starts from the person's own rows. The ground rules in force are the organisation's
// newest version, or the built-in text's version 1 while it has none.
func (db *DB) FindAgenda(ctx context.Context, orgID, userID string) (*Agenda, error) {
	rows, err := db.query(ctx, `SELECT 'rules', COUNT(*), COALESCE(MIN(c.id), '')
			FROM circle_members x JOIN circles c ON c.id = x.circle_id AND c.org_id = x.org_id
			WHERE x.org_id = $1 AND x.user_id = $2 AND c.status = 'active'
			AND NOT EXISTS (SELECT 1 FROM ground_rule_acks a WHERE a.circle_id = c.id AND a.user_id = x.user_id AND a.version = COALESCE((SELECT g.version FROM ground_rules g WHERE g.org_id = x.org_id ORDER BY g.version DESC LIMIT 1), 1))
		UNION ALL SELECT 'agreement', COUNT(*), COALESCE(MIN(c.id), '')
			FROM circle_members x JOIN circles c ON c.id = x.circle_id AND c.org_id = x.org_id
			JOIN agreement_versions v ON v.circle_id = c.id AND v.org_id = c.org_id
			WHERE x.org_id = $1 AND x.user_id = $2 AND c.status = 'active' AND v.status = 'proposed'
			AND NOT EXISTS (SELECT 1 FROM agreement_consents k WHERE k.circle_id = v.circle_id AND k.version = v.version AND k.user_id = x.user_id)
		UNION ALL SELECT 'invitation', COUNT(*), ''
			FROM pair_invitations i WHERE i.org_id = $1 AND i.to_user = $2 AND i.status = 'pending'
		UNION ALL SELECT 'proposal', COUNT(*), ''
			FROM circle_members x JOIN circles c ON c.id = x.circle_id AND c.org_id = x.org_id
			WHERE x.org_id = $1 AND x.user_id = $2 AND x.response = 'pending' AND c.status = 'pending'
		UNION ALL SELECT 'circles', COUNT(*), ''
			FROM circle_members x JOIN circles c ON c.id = x.circle_id AND c.org_id = x.org_id
			WHERE x.org_id = $1 AND x.user_id = $2 AND c.status = 'active'`,
		orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("find agenda: %w", err)
	}
	defer rows.Close()
	a := &Agenda{}
	for rows.Next() {
		var kind, circleID string
		var n int
		if err := rows.Scan(&kind, &n, &circleID); err != nil {
			return nil, fmt.Errorf("find agenda: %w", err)
		}
		switch kind {
		case "rules":
			a.GroundRules, a.RulesCircle = n, circleID
		case "agreement":
			a.Agreements, a.AgreementCircle = n, circleID
		case "invitation":
			a.Invitations = n
		case "proposal":
			a.Proposals = n
		case "circles":
			a.Circles = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find agenda: %w", err)
	}
	return a, nil
}

// NextMeeting is a person's next meeting, with its circle's program.
type NextMeeting struct {
	circle.Meeting
	ProgramName string
}

// meetingLongest bounds how long a meeting may run: a meeting that began
// this long ago has ended, so the search for one still running starts
// there and stays on the index.
const meetingLongest = 24 * time.Hour

// FindNextMeeting returns userID's next meeting in their active circles:
// the one running at now, or else the first ahead. ErrNotFound when there
// is none.
func (db *DB) FindNextMeeting(ctx context.Context, orgID, userID string, now time.Time) (*NextMeeting, error) {
	var n NextMeeting
	m := &n.Meeting
	err := db.queryRow(ctx, `SELECT m.id, m.circle_id, m.original_start, m.starts_at, m.ends_at, m.status, m.sequence,
			COALESCE(m.facilitator_id, ''), COALESCE(m.timekeeper_id, ''), m.roles_chosen, p.name
		FROM circle_members x JOIN circles c ON c.id = x.circle_id AND c.org_id = x.org_id
		JOIN meetings m ON m.circle_id = c.id AND m.org_id = c.org_id
		JOIN programs p ON p.id = c.program_id AND p.org_id = c.org_id
		WHERE x.org_id = $1 AND x.user_id = $2 AND c.status = 'active' AND m.status = 'scheduled'
		AND m.starts_at > $3 AND m.ends_at > $4
		ORDER BY m.starts_at, m.id LIMIT 1`, orgID, userID, now.Add(-meetingLongest).UTC(), now.UTC()).
		Scan(&m.ID, &m.CircleID, &m.Original, &m.Start, &m.End, &m.Status, &m.Sequence, &m.FacilitatorID, &m.TimekeeperID,
			&m.RolesChosen, &n.ProgramName)
	if err != nil {
		return nil, fmt.Errorf("find next meeting: %w", err)
	}
	m.Original, m.Start, m.End = m.Original.UTC(), m.Start.UTC(), m.End.UTC()
	return &n, nil
}

// OwnCommitment is one of a person's commitments, with its circle.
type OwnCommitment struct {
	circle.Commitment
	CircleID string
}

// FindOpenCommitments lists up to limit of userID's commitments not yet
// done nor let go, in the active circles they are still in, oldest first.
func (db *DB) FindOpenCommitments(ctx context.Context, orgID, userID string, limit int) ([]OwnCommitment, error) {
	rows, err := db.query(ctx, `SELECT t.id, t.circle_id, COALESCE(t.meeting_id, ''), t.body, t.created_at, t.due_at, t.version
		FROM commitments t JOIN circles c ON c.id = t.circle_id AND c.org_id = t.org_id
		WHERE t.org_id = $1 AND t.user_id = $2 AND t.done_at IS NULL AND t.let_go_at IS NULL AND c.status = 'active'
		AND EXISTS (SELECT 1 FROM circle_members x WHERE x.circle_id = t.circle_id AND x.user_id = t.user_id)
		ORDER BY t.created_at, t.id LIMIT $3`, orgID, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("find open commitments: %w", err)
	}
	defer rows.Close()
	var out []OwnCommitment
	for rows.Next() {
		var c OwnCommitment
		if err := rows.Scan(&c.ID, &c.CircleID, &c.MeetingID, &c.Body, &c.CreatedAt, &c.DueAt, &c.Version); err != nil {
			return nil, fmt.Errorf("find open commitments: %w", err)
		}
		c.UserID = userID
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find open commitments: %w", err)
	}
	return out, nil
}
