package pulse

import (
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// FitQuestion is what each member of a circle is asked, privately, after
// its first meeting.
const FitQuestion = "Is this circle a good fit for you?"

// Fit is a member's answer to FitQuestion.
type Fit string

// The answers to the fit check.
const (
	FitYes    Fit = "yes"
	FitUnsure Fit = "unsure"
	FitNo     Fit = "no"
)

// Fits are the answers, in the order they are offered.
var Fits = []Fit{FitYes, FitUnsure, FitNo}

// Label is how an answer reads on a page.
func (f Fit) Label() string {
	switch f {
	case FitYes:
		return "Yes"
	case FitUnsure:
		return "Not sure yet"
	case FitNo:
		return "No"
	}
	return string(f)
}

// CheckFit validates an answer, naming the field "fit".
func CheckFit(f Fit) error {
	var v account.Validator
	v.Check(f == FitYes || f == FitUnsure || f == FitNo, "fit", "Choose yes, not sure yet or no.")
	return v.Err()
}

// When the fit check is asked, in meetings the circle has held: it opens
// after the first and closes once the circle has held FitClosesAt, from
// when its answers no longer change and it may join an admin's pool.
const (
	FitOpensAt  = 1
	FitClosesAt = 3
)

// FitOpen reports whether a circle that has held held meetings asks the
// fit check.
func FitOpen(held int) bool { return held >= FitOpensAt && held < FitClosesAt }

// FitConcernMinimum is how many members must answer no before the
// circle's admins are told, in those words alone, that it has a fit
// concern. One no is the member's own to act on (re-matching is offered to
// them); it is never counted where an admin could see it.
const FitConcernMinimum = 2

// FitCounts is a circle's fit check as it is stored: how many answered
// each way, and nothing of who.
type FitCounts struct {
	Yes, Unsure, No int
	// Closed: the circle has held FitClosesAt meetings, so the counts no
	// longer change.
	Closed bool
}

// Respondents counts who answered.
func (c FitCounts) Respondents() int { return c.Yes + c.Unsure + c.No }

// Concern reports whether the circle has a fit concern an admin is told
// of: at least FitConcernMinimum members answered no.
func (c FitCounts) Concern() bool { return c.No >= FitConcernMinimum }

// FitPool is fit checks gathered across circles, as an admin may see them.
type FitPool struct {
	Circles int
	Counts  FitCounts
}

// Add pools one circle's fit check once it has closed, so that comparing
// the pool from one day to the next never shows one person's answer; a
// check nobody answered adds no circle.
func (p *FitPool) Add(c FitCounts) {
	if !c.Closed || c.Respondents() == 0 {
		return
	}
	p.Circles++
	p.Counts.Yes += c.Yes
	p.Counts.Unsure += c.Unsure
	p.Counts.No += c.No
}

// Shown reports whether an admin may see the pool: PoolMinimum
// respondents across PoolMinCircles circles, as for the pulse.
func (p FitPool) Shown() bool {
	return p.Counts.Respondents() >= PoolMinimum && p.Circles >= PoolMinCircles
}

// FitSummary is what an admin may see of a pool of fit checks.
type FitSummary struct {
	Respondents, Yes, Unsure, No int
}

// Summary returns the pool's answers, or nil when it may not be shown.
func (p FitPool) Summary() *FitSummary {
	if !p.Shown() {
		return nil
	}
	return &FitSummary{Respondents: p.Counts.Respondents(), Yes: p.Counts.Yes, Unsure: p.Counts.Unsure, No: p.Counts.No}
}

// ErrFitAnswered: a member answers the fit check once.
var ErrFitAnswered = fault.New(fault.Conflict, "You have answered the fit check already. Thank you.")

// ErrFitClosed: the fit check is not open in the circle: before its first
// meeting, or once it has held FitClosesAt.
var ErrFitClosed = fault.New(fault.Conflict, "The fit check is not open in this circle just now.")
