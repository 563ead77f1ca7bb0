// Package pulse is a circle's psychological-safety pulse: Edmondson's
// seven-item team psychological safety scale, asked every few meetings and
// answered without a name. It decides how answers are scored, when a round
// opens, and what may be shown to whom: a circle sees its own rounds only
// once enough members answered that no answer can be told apart, and an
// organisation's admins see only pools across circles, never one circle.
package pulse

import (
	"fmt"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Scale bounds: every item is answered on a seven-point scale.
const (
	MinScore = 1
	MaxScore = 7
)

// Cadence bounds, in meetings held between two rounds. A circle asks every
// DefaultCadence meetings until its members choose otherwise.
const (
	DefaultCadence = 6
	MinCadence     = 1
	MaxCadence     = 12
)

// Thresholds of what may be shown. A circle's round is shown to its
// members from CircleMinimum answers: with two, each of the two could work
// out the other's answer from their own. An admin's pool needs
// PoolMinimum respondents across PoolMinCircles circles, so that it never
// stands for one circle.
const (
	CircleMinimum  = 3
	PoolMinimum    = 5
	PoolMinCircles = 2
)

// SuggestedItem is the agenda item a circle is offered when its pulse
// drops from one shown round to the next.
const SuggestedItem = "How are we doing together?"

// Item is one statement of the scale.
type Item struct {
	Text string
	// Reverse: agreeing is a sign of less safety, so the score is turned
	// round (8 - answer) before it counts.
	Reverse bool
}

// Items is Edmondson's (1999) scale, worded for a circle. Items 1, 3 and 5
// are reverse-scored.
var Items = [7]Item{
	{Text: "If you make a mistake in this circle, it is often held against you.", Reverse: true},
	{Text: "Members of this circle are able to bring up problems and tough issues."},
	{Text: "People in this circle sometimes reject others for being different.", Reverse: true},
	{Text: "It is safe to take a risk in this circle."},
	{Text: "It is difficult to ask other members of this circle for help.", Reverse: true},
	{Text: "No one in this circle would deliberately act in a way that undermines my efforts."},
	{Text: "Working with members of this circle, my unique skills and talents are valued and used."},
}

// Labels name the points of the scale, from 1 to 7.
var Labels = [7]string{"Strongly disagree", "Disagree", "Somewhat disagree", "Neither", "Somewhat agree", "Agree", "Strongly agree"}

// Answer is one member's answers to the seven items, as given (1–7, before
// reverse scoring).
type Answer [7]int

// Validate checks every item is answered on the scale, naming the field
// of each that is not (item1 … item7).
func (a Answer) Validate() error {
	var v account.Validator
	for i, s := range a {
		v.Check(s >= MinScore && s <= MaxScore, fmt.Sprintf("item%d", i+1), "Choose an answer from 1 to 7.")
	}
	return v.Err()
}

// Score is the answer to item i as it counts: turned round for a reverse
// item, so that a higher score always means more safety.
func Score(i, answer int) int {
	if Items[i].Reverse {
		return MaxScore + MinScore - answer
	}
	return answer
}

// Counts holds a round's answers as they are stored: for each item, how
// many answered each point of the scale (Counts[item][answer-1]). Nothing
// in it tells one person's answers from another's.
type Counts [7][7]int

// Add counts one person's answers.
func (c *Counts) Add(a Answer) {
	for i, s := range a {
		c[i][s-1]++
	}
}

// Merge adds another round's counts, for a pool.
func (c *Counts) Merge(o Counts) {
	for i := range c {
		for j := range c[i] {
			c[i][j] += o[i][j]
		}
	}
}

// Summary is what may be shown of a set of answers: the mean score (1–7,
// after reverse scoring) of the whole scale and of each item.
type Summary struct {
	Respondents int
	Mean        float64
	Items       [7]float64
}

// Summarise scores counts. Every respondent answers every item, so the
// mean of the item means is the mean of the respondents' scale scores.
func Summarise(c Counts, respondents int) Summary {
	s := Summary{Respondents: respondents}
	var total float64
	for i := range c {
		var sum, n int
		for j, k := range c[i] {
			sum += Score(i, j+1) * k
			n += k
		}
		if n > 0 {
			s.Items[i] = float64(sum) / float64(n)
		}
		total += s.Items[i]
	}
	s.Mean = total / float64(len(c))
	return s
}

// Round is one asking of the pulse in a circle. Rounds are numbered from 1;
// the newest is open until the next one opens.
type Round struct {
	ID       string
	CircleID string
	Number   int
	// Held is how many meetings the circle had held when the round
	// opened; the next opens Cadence meetings later.
	Held        int
	Respondents int
	Counts      Counts
}

// Shown reports whether the circle may see this round.
func (r Round) Shown() bool { return r.Respondents >= CircleMinimum }

// Waiting is how many more answers the round needs before it is shown.
func (r Round) Waiting() int { return max(CircleMinimum-r.Respondents, 0) }

// Due reports whether a circle that has held held meetings, whose newest
// round is last (nil if none), opens a new round now, asking every cadence
// meetings.
func Due(last *Round, held, cadence int) bool {
	from := 0
	if last != nil {
		from = last.Held
	}
	return held >= from+cadence
}

// CheckCadence validates a cadence a circle's member chose.
func CheckCadence(cadence int) error {
	var v account.Validator
	v.Check(cadence >= MinCadence && cadence <= MaxCadence, "cadence",
		fmt.Sprintf("Choose between %d and %d meetings.", MinCadence, MaxCadence))
	return v.Err()
}

// Trend is a circle's rounds that may be shown, oldest first, with what
// they suggest.
type Trend struct {
	Rounds []Point
	// Dropped: the newest shown round scored lower than the one shown
	// before it, so the circle is offered SuggestedItem for its next
	// meeting. It is the circle's to take up; nobody else is told.
	Dropped bool
}

// Point is one shown round of a trend.
type Point struct {
	Number int
	Summary
}

// TrendOf summarises the rounds (in any order) that reached the circle's
// minimum.
func TrendOf(rounds []Round) Trend {
	var t Trend
	for _, r := range rounds {
		if r.Shown() {
			t.Rounds = append(t.Rounds, Point{Number: r.Number, Summary: Summarise(r.Counts, r.Respondents)})
		}
	}
	slices.SortFunc(t.Rounds, func(a, b Point) int { return a.Number - b.Number })
	if n := len(t.Rounds); n >= 2 {
		t.Dropped = t.Rounds[n-1].Mean < t.Rounds[n-2].Mean
	}
	return t
}

// Pool is answers gathered across circles, as an admin may see them.
type Pool struct {
	Respondents int
	Circles     int
	Counts      Counts
}

// Add pools one circle's round; a round nobody answered adds no circle.
func (p *Pool) Add(r Round) {
	if r.Respondents == 0 {
		return
	}
	p.Respondents += r.Respondents
	p.Circles++
	p.Counts.Merge(r.Counts)
}

// Shown reports whether an admin may see the pool.
func (p Pool) Shown() bool { return p.Respondents >= PoolMinimum && p.Circles >= PoolMinCircles }

// Summary scores the pool, or returns nil when it may not be shown.
func (p Pool) Summary() *Summary {
	if !p.Shown() {
		return nil
	}
	s := Summarise(p.Counts, p.Respondents)
	return &s
}

// ErrAnswered: a member answers a round once.
var ErrAnswered = fault.New(fault.Conflict, "You have answered this round already. Thank you.")

// ErrNoRound: no round is open in the circle, or the one answered has
// closed meanwhile.
var ErrNoRound = fault.New(fault.Conflict, "No pulse round is open in this circle just now.")

// Share is where a circle stands on showing its own pulse to its
// program's admins. The circle has chosen to share only when every
// current member agreed; one member withdrawing, or a newcomer who has not
// agreed, stops it.
type Share struct {
	Members int
	Agreed  int
	// Mine: the member reading has agreed.
	Mine bool
}

// Shared reports whether every member agreed.
func (s Share) Shared() bool { return s.Members > 0 && s.Agreed >= s.Members }

// Closed is what admins see of a circle that shares its pulse: its rounds
// before the newest, which no longer change, that reached CircleMinimum.
// Watching a round that is still open would show each answer as it comes.
func Closed(rounds []Round) Trend {
	var newest int
	for _, r := range rounds {
		newest = max(newest, r.Number)
	}
	closed := make([]Round, 0, len(rounds))
	for _, r := range rounds {
		if r.Number < newest {
			closed = append(closed, r)
		}
	}
	return TrendOf(closed)
}

// Shared is a circle that chose to share its pulse, with its rounds, as
// its program's admins may read it through Closed.
type Shared struct {
	CircleID  string
	ProgramID string
	// Number names the circle in its round ("Circle 4"); 0 for a circle
	// formed by invitation.
	Number int
	Rounds []Round
}

// ErrShareAgreed: a member agrees to share once.
var ErrShareAgreed = fault.New(fault.Conflict, "You have already agreed to share the circle’s pulse.")

// ErrShareNotAgreed: there is no agreement to withdraw.
var ErrShareNotAgreed = fault.New(fault.Conflict, "You had not agreed to share the circle’s pulse, so there is nothing to withdraw.")
