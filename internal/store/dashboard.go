package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/dashboard"
)

// dashboardQuery is one count of the dashboard: its text, read once for
// each month (and, for a count up to a month's end, once more for what
// came before the period), with {b} for the month's bucket, {range} for
// its edges on the query's time column, {now} for the present, {join}
// for the join to the circle that a program's filter needs and {program}
// for the filter itself; and which of Counts' buckets its counts go into.
type dashboardQuery struct {
	name   string
	column string
	text   string
	into   func(c *dashboard.Counts) []*dashboard.Buckets
	// fromStart: the count runs up to each month's end from the beginning,
	// so what came before the period is read as bucket 0.
	fromStart bool
	// own: the table carries program_id itself, and the filter names it
	// with the table's alias rather than the circle's.
	own string
	// circle: the query reads the circle (as c) already, and the filter
	// needs no join.
	circle bool
}

// Each counts one table's rows of one organisation (and program) in one
// month, from an index on the time they happened; none reads a row's
// text. A count up to the end of a month (opt-ins, places, circles,
// departures) reads what came before the period too; the others read the
// period only.
var dashboardQueries = []dashboardQuery{
	{name: "opt-ins", column: "o.created_at", own: "o", fromStart: true,
		text: `SELECT {b}, COUNT(*) FROM opt_ins o WHERE o.org_id = $1{program} AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.OptIns} }},
	// A circle keeps its size and how many of it accepted, declined and
	// departed (migrations 44 and 60): each circle is one row read.
	{name: "places", circle: true, column: "c.published_at", fromStart: true,
		text: `SELECT {b}, SUM(c.size + c.declined + c.departed), SUM(c.accepted + c.departed)
			FROM circles c WHERE c.org_id = $1{program} AND c.status <> 'proposed' AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Matched, &c.Accepted} }},
	{name: "circles formed", circle: true, column: "c.activated_at", fromStart: true,
		text: `SELECT {b}, COUNT(*), SUM(c.accepted), SUM(c.departed)
			FROM circles c WHERE c.org_id = $1{program} AND c.status = 'active' AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets {
			return []*dashboard.Buckets{&c.Activated, &c.Members, &c.Departed}
		}},
	{name: "circles finished", circle: true, column: "c.finished_at", fromStart: true,
		text: `SELECT {b}, COUNT(*) FROM circles c WHERE c.org_id = $1{program} AND c.status = 'active' AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Finished} }},
	{name: "departures", circle: true, column: "d.left_at", fromStart: true,
		text: `SELECT {b}, COUNT(*) FROM circle_departures d JOIN circles c ON c.id = d.circle_id AND c.org_id = d.org_id
			WHERE d.org_id = $1{program} AND c.status = 'active' AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Left} }},
	// A meeting keeps who was there and whom it expected (migration 59),
	// so its counts come from the index on its start alone.
	{name: "meetings", column: "m.starts_at",
		text: `SELECT {b}, COUNT(*), SUM(CASE WHEN m.present > 0 THEN 1 ELSE 0 END), SUM(m.present), SUM(m.expected)
			FROM meetings m{join} WHERE m.org_id = $1{program} AND m.status = 'scheduled' AND {range} AND m.starts_at <= {now}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets {
			return []*dashboard.Buckets{&c.Scheduled, &c.Held, &c.Present, &c.Expected}
		}},
	{name: "rsvps", column: "m.starts_at",
		text: `SELECT {b}, SUM(CASE WHEN r.answer = 'coming' THEN 1 ELSE 0 END), SUM(CASE WHEN r.answer = 'not_coming' THEN 1 ELSE 0 END)
			FROM meetings m JOIN meeting_rsvps r ON r.meeting_id = m.id AND r.org_id = m.org_id{join}
			WHERE m.org_id = $1{program} AND m.status = 'scheduled' AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Coming, &c.NotComing} }},
	{name: "commitments", column: "k.created_at",
		text: `SELECT {b}, COUNT(*), SUM(CASE WHEN k.done_at IS NOT NULL THEN 1 ELSE 0 END) FROM commitments k{join}
			WHERE k.org_id = $1{program} AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Commitments, &c.Kept} }},
	{name: "cards", column: "l.released_at", own: "l",
		text: `SELECT {b}, COUNT(*) FROM learning_cards l WHERE l.org_id = $1{program} AND l.audience IN ('program', 'org') AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Cards} }},
	{name: "guests", column: "g.accepted_at",
		text: `SELECT {b}, COUNT(*) FROM guests g{join} WHERE g.org_id = $1{program} AND {range}`,
		into: func(c *dashboard.Counts) []*dashboard.Buckets { return []*dashboard.Buckets{&c.Guests} }},
}

// FindDashboard counts what happened in orgID (in programID alone, unless
// it is "") between bounds (dashboard.Bounds: the period's start, then
// each month's end), month by month, with what happened before the period
// where a figure is a count up to a month's end. Meetings count only once
// they are due by now. Every count is a COUNT or SUM in SQL, read from an
// index on when the thing happened; no row leaves the database. The
// audience and the pulse are counted elsewhere (CountAudience,
// FindPulsePool).
func (db *DB) FindDashboard(ctx context.Context, orgID, programID string, bounds []time.Time, now time.Time) (dashboard.Counts, error) {
	var c dashboard.Counts
	if len(bounds) < 2 {
		return c, nil
	}
	for _, q := range dashboardQueries {
		text, args := q.build(orgID, programID, bounds, now)
		targets := q.into(&c)
		for _, t := range targets {
			*t = make(dashboard.Buckets, len(bounds))
		}
		if err := db.countBuckets(ctx, text, args, targets); err != nil {
			return c, fmt.Errorf("find dashboard: %s: %w", q.name, err)
		}
	}
	return c, nil
}

// build writes q's text for a filter and a number of months, with its
// arguments: the organisation, the program if any, the bounds, now.
//
// Each month is read by its own SELECT over its range of the time
// column, the SELECTs joined by UNION ALL, rather than in one pass that
// works out each row's month and groups by it: SQLite then evaluates a
// CASE of every bound and sorts every row by month, which cost three to six
// times as much as counting each month's range of the index.
func (q dashboardQuery) build(orgID, programID string, bounds []time.Time, now time.Time) (string, []any) {
	args := []any{orgID}
	join, filter := "", ""
	if programID != "" {
		args = append(args, programID)
		switch {
		case q.own != "":
			filter = " AND " + q.own + ".program_id = $2"
		case q.circle:
			filter = " AND c.program_id = $2"
		default:
			alias := q.column[:strings.IndexByte(q.column, '.')]
			join = " JOIN circles c ON c.id = " + alias + ".circle_id AND c.org_id = " + alias + ".org_id"
			filter = " AND c.program_id = $2"
		}
	}
	first := len(args) + 1
	for _, t := range bounds {
		args = append(args, t.UTC())
	}
	text := strings.NewReplacer("{now}", fmt.Sprintf("$%d", first+len(bounds)), "{join}", join, "{program}", filter).Replace(q.text)
	if strings.Contains(q.text, "{now}") {
		args = append(args, now.UTC())
	}
	// Bucket 0 is what came before the period; bucket i is the i-th month,
	// from bounds[i-1] up to bounds[i].
	var b strings.Builder
	for i := range bounds {
		if i == 0 && !q.fromStart {
			continue
		}
		rng := fmt.Sprintf("%s < $%d", q.column, first)
		if i > 0 {
			rng = fmt.Sprintf("%s >= $%d AND %s < $%d", q.column, first+i-1, q.column, first+i)
		}
		if b.Len() > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString(strings.NewReplacer("{b}", strconv.Itoa(i), "{range}", rng).Replace(text))
	}
	return b.String(), args
}

// countBuckets runs a query whose rows are a bucket and a count for each
// target, and adds each count to its target's bucket.
func (db *DB) countBuckets(ctx context.Context, text string, args []any, targets []*dashboard.Buckets) error {
	rows, err := db.query(ctx, text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(targets)+1)
	var bucket int
	// A month with no rows sums to NULL.
	counts := make([]sql.NullInt64, len(targets))
	dest[0] = &bucket
	for i := range counts {
		dest[i+1] = &counts[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, t := range targets {
			if bucket >= 0 && bucket < len(*t) {
				(*t)[bucket] += int(counts[i].Int64)
			}
		}
	}
	return db.d.mapErr(rows.Err())
}
