package program

import (
	"fmt"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
)

// MinutesPerWeek is the length of the week that availability is kept in.
const MinutesPerWeek = 7 * 24 * 60

// Interval is [Start, End) in minutes of the week in UTC, the week starting
// Monday 00:00 UTC. It is written in JSON as [start, end], as the matching
// engine reads it.
type Interval [2]int

// CheckIntervals reports the first interval that lies outside the week or
// ends before it starts.
func CheckIntervals(in []Interval) error {
	for _, iv := range in {
		if iv[0] < 0 || iv[1] > MinutesPerWeek || iv[0] >= iv[1] {
			return fmt.Errorf("[%d, %d] is not a time within the week", iv[0], iv[1])
		}
	}
	return nil
}

// Merge sorts intervals and joins those that overlap or touch.
func Merge(in []Interval) []Interval {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Interval) int { return a[0] - b[0] })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && iv[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], iv[1])
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// Grid is the weekly availability form: each of the seven days (Monday
// first) is cut into slots of SlotMinutes from FirstMinute to LastMinute
// local time.
type Grid struct {
	SlotMinutes int
	FirstMinute int // first slot's start, minutes after local midnight
	LastMinute  int // end of the last slot
}

// DefaultGrid offers hour slots from 06:00 to 22:00, which covers early
// starts, working hours and evenings in every zone. Availability is kept
// as UTC minutes of the week, not as cells, so the grid can change without
// changing what was saved: a saved time shows on every grid that has it.
var DefaultGrid = Grid{SlotMinutes: 60, FirstMinute: 6 * 60, LastMinute: 22 * 60}

// Cell is one slot of the grid: a local weekday (0 = Monday) and the slot's
// start in minutes after local midnight.
type Cell struct {
	Day    int
	Minute int
}

// Valid reports whether c is a slot of g.
func (g Grid) Valid(c Cell) bool {
	return c.Day >= 0 && c.Day < 7 && c.Minute >= g.FirstMinute && c.Minute+g.SlotMinutes <= g.LastMinute &&
		(c.Minute-g.FirstMinute)%g.SlotMinutes == 0
}

// Starts lists the slot start minutes of one day.
func (g Grid) Starts() []int {
	var out []int
	for m := g.FirstMinute; m+g.SlotMinutes <= g.LastMinute; m += g.SlotMinutes {
		out = append(out, m)
	}
	return out
}

// offsetMinutes is loc's offset from UTC at ref. A person's weekly
// availability is kept in UTC at the offset in force when they saved it;
// across a daylight-saving change it shifts by an hour, which matching
// tolerates and which the circle's own schedule (kept in its time zone)
// does not suffer from.
func offsetMinutes(loc *time.Location, ref time.Time) int {
	_, off := ref.In(loc).Zone()
	return off / 60
}

// ErrBadCell is returned for a cell outside the grid.
var ErrBadCell = fault.Field("availability", "A chosen time is not on the weekly grid.")

// ToUTC turns cells chosen in loc into merged UTC intervals.
func (g Grid) ToUTC(cells []Cell, loc *time.Location, ref time.Time) ([]Interval, error) {
	off := offsetMinutes(loc, ref)
	var out []Interval
	for _, c := range cells {
		if !g.Valid(c) {
			return nil, ErrBadCell
		}
		start := ((c.Day*1440+c.Minute-off)%MinutesPerWeek + MinutesPerWeek) % MinutesPerWeek
		end := start + g.SlotMinutes
		if end <= MinutesPerWeek {
			out = append(out, Interval{start, end})
		} else {
			out = append(out, Interval{start, MinutesPerWeek}, Interval{0, end - MinutesPerWeek})
		}
	}
	return Merge(out), nil
}

// FromUTC returns the cells of g in loc that lie wholly inside the UTC
// intervals, to show a saved availability on the grid.
func (g Grid) FromUTC(in []Interval, loc *time.Location, ref time.Time) []Cell {
	merged := Merge(in)
	var out []Cell
	for day := range 7 {
		for _, m := range g.Starts() {
			c := Cell{Day: day, Minute: m}
			ivs, _ := g.ToUTC([]Cell{c}, loc, ref)
			if covered(merged, ivs) {
				out = append(out, c)
			}
		}
	}
	return out
}

// covered reports whether every interval of need lies inside one of have.
func covered(have, need []Interval) bool {
	for _, n := range need {
		if !slices.ContainsFunc(have, func(h Interval) bool { return h[0] <= n[0] && n[1] <= h[1] }) {
			return false
		}
	}
	return true
}

// Overlap returns the intersection of two merged interval lists.
func Overlap(a, b []Interval) []Interval {
	var out []Interval
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
		if lo < hi {
			out = append(out, Interval{lo, hi})
		}
		if a[i][1] < b[j][1] {
			i++
		} else {
			j++
		}
	}
	return out
}

// Describe renders a UTC interval in loc as a person reads it, such as
// "Tuesday 14:00–15:30", at the offset in force at ref.
func Describe(iv Interval, loc *time.Location, ref time.Time) string {
	off := offsetMinutes(loc, ref)
	start := ((iv[0]+off)%MinutesPerWeek + MinutesPerWeek) % MinutesPerWeek
	end := start + (iv[1] - iv[0])
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	hm := func(m int) string { return fmt.Sprintf("%02d:%02d", (m%1440)/60, m%60) }
	s := days[start/1440] + " " + hm(start) + "–" + hm(end)
	if end/1440 != start/1440 && end%1440 != 0 {
		s = days[start/1440] + " " + hm(start) + " – " + days[(end/1440)%7] + " " + hm(end)
	}
	return s
}
