// Package dashboard is the program dashboard an organisation's admins
// read: how many people opt in, are matched and accept, how circles meet
// and keep going, month by month over a period, for the organisation or
// one program. It holds counts only; nothing in it names a person or a
// circle, and what comes from members' private answers (the pulse) is
// shown only as a pool the pulse's own thresholds allow.
package dashboard

import (
	"fmt"
	"strconv"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/pulse"
)

// Period is a span of whole months the dashboard covers, ending with the
// current month.
type Period struct {
	Key    string
	Name   string
	Months int
}

// Periods are the spans an admin may choose.
var Periods = []Period{
	{Key: "3m", Name: "Last 3 months", Months: 3},
	{Key: "6m", Name: "Last 6 months", Months: 6},
	{Key: "12m", Name: "Last 12 months", Months: 12},
}

// DefaultPeriod is the span shown when none is chosen.
const DefaultPeriod = "6m"

// ParsePeriod returns the period named key ("" for the default), or an
// invalid error naming the field "period".
func ParsePeriod(key string) (Period, error) {
	if key == "" {
		key = DefaultPeriod
	}
	for _, p := range Periods {
		if p.Key == key {
			return p, nil
		}
	}
	var v account.Validator
	v.Add("period", "Choose a period of 3m, 6m or 12m (the last 3, 6 or 12 months).")
	return Period{}, v.Err()
}

// Month is one calendar month in the admin's time zone: from Start up to
// End, which is the next month's start.
type Month struct{ Start, End time.Time }

// Key names the month in a file: 2026-03.
func (m Month) Key() string { return m.Start.Format("2006-01") }

// Label names the month on a chart: Mar 2026.
func (m Month) Label() string { return m.Start.Format("Jan 2006") }

// Short names the month under a bar: Mar.
func (m Month) Short() string { return m.Start.Format("Jan") }

// MonthsAt returns the period's months in loc, oldest first, the last of
// them the month now falls in.
func (p Period) MonthsAt(now time.Time, loc *time.Location) []Month {
	now = now.In(loc)
	first := time.Date(now.Year(), now.Month()-time.Month(p.Months-1), 1, 0, 0, 0, 0, loc)
	out := make([]Month, p.Months)
	for i := range out {
		start := first.AddDate(0, i, 0)
		out[i] = Month{Start: start, End: start.AddDate(0, 1, 0)}
	}
	return out
}

// Bounds are the months' edges, for the store to count between: the
// first month's start, then each month's end.
func Bounds(months []Month) []time.Time {
	out := make([]time.Time, 0, len(months)+1)
	if len(months) == 0 {
		return out
	}
	out = append(out, months[0].Start)
	for _, m := range months {
		out = append(out, m.End)
	}
	return out
}

// Buckets counts something per month, as the store reads it: Buckets[0]
// is what happened before the period, Buckets[i] what happened in its
// i-th month.
type Buckets []int

// at returns month i's count (0-based), or 0 if the store read none.
func (b Buckets) at(i int) int {
	if i+1 < len(b) {
		return b[i+1]
	}
	return 0
}

// by returns the count up to the end of month i: before the period and in
// its months up to i.
func (b Buckets) by(i int) int {
	n := 0
	for j := 0; j <= i+1 && j < len(b); j++ {
		n += b[j]
	}
	return n
}

// Counts is what the store counts for a dashboard, each as Buckets over
// the period's months. None of it names anyone.
type Counts struct {
	// Eligible is how many people the programs are for (each program's
	// audience, added up over programs when none is chosen).
	Eligible int
	// OptIns by when each was made.
	OptIns Buckets
	// Matched: places in circles that a published round proposed, by
	// the round's publishing; Accepted: those whose person said yes.
	Matched, Accepted Buckets
	// Activated and Finished: active circles by when they formed and by
	// when their program finished them.
	Activated, Finished Buckets
	// Meetings that were due by now: Scheduled (not cancelled), Held
	// (someone was there), Present (people there) and Expected (members
	// of the circle at the meetings held), by the meeting's start.
	Scheduled, Held, Present, Expected Buckets
	// RSVPs to meetings, by the meeting's start.
	Coming, NotComing Buckets
	// Commitments by when they were made; Kept: those marked done.
	Commitments, Kept Buckets
	// Members still in an active circle, by when it formed; Departed,
	// those who left, by when their circle formed; Left, the same
	// departures by when they left.
	Members, Departed, Left Buckets
	// Cards released to the program or the organisation, by release.
	Cards Buckets
	// Guests who accepted an invitation to observe, by acceptance.
	Guests Buckets
	// Pulse pools each circle's last closed round; it may be shown only
	// as pulse.Pool allows.
	Pulse pulse.Pool
	// Fit is each circle's first-meeting fit check, as counts alone.
	Fit []pulse.FitCounts
}

// Unit says how a metric's values read.
type Unit string

// Units.
const (
	Count   Unit = "count"
	Percent Unit = "percent"
	Score   Unit = "score"
)

// Value is one month's figure: Known false when nothing could be worked
// out (a share of nothing) or it may not be shown.
type Value struct {
	Value float64
	Known bool
}

// Series is one line of a metric, a value per month.
type Series struct {
	Key    string
	Name   string
	Values []Value
}

// Metric is one chart of the dashboard: one or two series of the same
// unit, a value per month.
type Metric struct {
	Key         string
	Name        string
	Description string
	Unit        Unit
	Series      []Series
}

// Dashboard is what an admin sees for a program (or all) over a period.
type Dashboard struct {
	Period  Period
	Months  []Month
	Metrics []Metric
	// Pulse is the pool's summary, nil while the pool may not be shown.
	Pulse *pulse.Summary
	// Fit is what an admin may know of the circles' fit checks.
	Fit Fit
}

// Fit is the circles' first-meeting fit checks as an admin sees them: how
// many circles answered, how many have a fit concern (at least
// pulse.FitConcernMinimum members said no), and the answers pooled, nil
// while the pool may not be shown (pulse.FitPool.Shown).
type Fit struct {
	Answered, Concerns int
	Pool               *pulse.FitSummary
}

func fitOf(checks []pulse.FitCounts) Fit {
	var f Fit
	var pool pulse.FitPool
	for _, c := range checks {
		if c.Respondents() > 0 {
			f.Answered++
		}
		if c.Concern() {
			f.Concerns++
		}
		pool.Add(c)
	}
	f.Pool = pool.Summary()
	return f
}

// Build works a dashboard's figures out of the store's counts.
func Build(p Period, months []Month, c Counts) Dashboard {
	d := Dashboard{Period: p, Months: months, Pulse: c.Pulse.Summary(), Fit: fitOf(c.Fit)}
	n := len(months)
	series := func(key, name string, f func(i int) Value) Series {
		s := Series{Key: key, Name: name, Values: make([]Value, n)}
		for i := range n {
			s.Values[i] = f(i)
		}
		return s
	}
	count := func(b Buckets) func(int) Value {
		return func(i int) Value { return Value{Value: float64(b.at(i)), Known: true} }
	}
	d.Metrics = []Metric{
		{Key: "opt_in", Name: "Opt-in rate", Unit: Percent,
			Description: "Opt-ins by the end of each month, as a share of the people the programs are for.",
			Series:      []Series{series("opt_in_rate", "Opted in", func(i int) Value { return share(c.OptIns.by(i), c.Eligible) })}},
		{Key: "matching", Name: "Matched and accepted", Unit: Percent,
			Description: "Places proposed in circles as a share of opt-ins, and the share of proposed places whose person said yes, by the end of each month.",
			Series: []Series{
				series("matched_share", "Matched", func(i int) Value { return share(c.Matched.by(i), c.OptIns.by(i)) }),
				series("accepted_share", "Accepted", func(i int) Value { return share(c.Accepted.by(i), c.Matched.by(i)) }),
			}},
		{Key: "circles", Name: "Active circles", Unit: Count,
			Description: "Circles meeting at the end of each month.",
			Series: []Series{series("active_circles", "Active circles", func(i int) Value {
				return Value{Value: float64(c.Activated.by(i) - c.Finished.by(i)), Known: true}
			})}},
		{Key: "meetings", Name: "Meetings held against the schedule", Unit: Count,
			Description: "Meetings due by each month's schedules, and those held (someone was there).",
			Series:      []Series{series("meetings_scheduled", "Scheduled", count(c.Scheduled)), series("meetings_held", "Held", count(c.Held))}},
		{Key: "attendance", Name: "Attendance", Unit: Percent,
			Description: "Members present at the meetings held, as a share of the circles' members.",
			Series:      []Series{series("attendance", "Present", func(i int) Value { return share(c.Present.at(i), c.Expected.at(i)) })}},
		{Key: "rsvps", Name: "RSVPs", Unit: Count,
			Description: "Answers to meetings in each month: coming, or can’t make it.",
			Series:      []Series{series("rsvps_coming", "Coming", count(c.Coming)), series("rsvps_not_coming", "Can’t make it", count(c.NotComing))}},
		{Key: "commitments", Name: "Commitments kept", Unit: Count,
			Description: "Commitments made in each month, and how many of them were kept.",
			Series:      []Series{series("commitments_made", "Made", count(c.Commitments)), series("commitments_kept", "Kept", count(c.Kept))}},
		{Key: "retention", Name: "Retention", Unit: Percent,
			Description: "Members still in their circle at the end of each month, as a share of everyone who had joined one by then.",
			Series: []Series{series("retention", "Still in a circle", func(i int) Value {
				joined := c.Members.by(i) + c.Departed.by(i)
				return share(joined-c.Left.by(i), joined)
			})}},
		{Key: "cards", Name: "Learning cards promoted", Unit: Count,
			Description: "Cards their authors released to the whole program or organisation in each month.",
			Series:      []Series{series("cards_promoted", "Promoted", count(c.Cards))}},
		{Key: "guests", Name: "Guests", Unit: Count,
			Description: "Colleagues who came to observe a meeting, by the month they accepted.",
			Series:      []Series{series("guests", "Guests", count(c.Guests))}},
	}
	return d
}

// share is n of of as a percentage, unknown when of is 0.
func share(n, of int) Value {
	if of <= 0 {
		return Value{}
	}
	return Value{Value: 100 * float64(n) / float64(of), Known: true}
}

// PulseNote says why the pulse is not shown.
var PulseNote = fmt.Sprintf("not shown: fewer than %d people across %d circles answered", pulse.PoolMinimum, pulse.PoolMinCircles)

// FitNote says why the fit check's pooled answers are not shown.
var FitNote = fmt.Sprintf("answers not shown: fewer than %d people across %d circles answered", pulse.PoolMinimum, pulse.PoolMinCircles)

// Rows are the dashboard as a table, for a file: a header, then one row
// per metric per month (metric, period, value, unit, note), then the
// pulse and the fit check, which are pooled over the circles' latest
// rounds rather than counted by month.
func (d Dashboard) Rows() [][]string {
	out := [][]string{{"metric", "period", "value", "unit", "note"}}
	for _, m := range d.Metrics {
		for _, s := range m.Series {
			for i, v := range s.Values {
				row := []string{s.Key, d.Months[i].Key(), "", string(m.Unit), ""}
				if v.Known {
					row[2] = Format(m.Unit, v.Value)
				} else {
					row[4] = "no data"
				}
				out = append(out, row)
			}
		}
	}
	pulseRow := []string{"pulse_mean", "latest closed rounds", "", string(Score), PulseNote}
	if d.Pulse != nil {
		pulseRow[2], pulseRow[4] = Format(Score, d.Pulse.Mean), fmt.Sprintf("%d respondents", d.Pulse.Respondents)
	}
	out = append(out, pulseRow,
		[]string{"fit_circles_answered", "first meetings", strconv.Itoa(d.Fit.Answered), string(Count), ""},
		[]string{"fit_concerns", "first meetings", strconv.Itoa(d.Fit.Concerns), string(Count), "circles where at least 2 members said no"})
	fitRow := []string{"fit_no_share", "closed fit checks", "", string(Percent), FitNote}
	if p := d.Fit.Pool; p != nil {
		fitRow[2], fitRow[4] = Format(Percent, 100*float64(p.No)/float64(p.Respondents)), fmt.Sprintf("%d respondents", p.Respondents)
	}
	out = append(out, fitRow)
	return out
}

// Format writes a value as a file and a table show it: counts whole,
// shares and scores to one decimal.
func Format(u Unit, v float64) string {
	if u == Count {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
