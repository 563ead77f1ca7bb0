package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Output is a proposal: groups, people who could not be placed, and how
// good the proposal is.
type Output struct {
	Groups    []Group     `json:"groups"`
	Unmatched []Unmatched `json:"unmatched"`
	// Placed is the number of people in groups.
	Placed int `json:"placed"`
	// Score is the sum of the group scores.
	Score float64 `json:"score"`
	// UpperBound is a proven upper bound on the score of any proposal for
	// this input (see the package documentation).
	UpperBound float64 `json:"upper_bound"`
	// WorstGroupScore (beyond matching.md) is the lowest mean satisfaction
	// of a group's members, that is min over groups of score ÷ size, so
	// that circles of different sizes compare fairly; 0 without groups.
	WorstGroupScore float64 `json:"worst_group_score"`
	ElapsedMS       int64   `json:"elapsed_ms"`
	// BudgetExceeded is set when the time budget (or the context) stopped
	// the planned improvement work early: the proposal keeps every rule
	// but may differ from one run to the next.
	BudgetExceeded bool `json:"-"`
	// Certificate proves a pairing optimal. Run gives one when asked
	// (Options.Certificate) for pairs whose every time component was
	// paired as a whole (see the package documentation); nil otherwise.
	Certificate *Certificate `json:"-"`
}

// Group is one proposed pair or circle.
type Group struct {
	// Members are participant ids in input order.
	Members []string `json:"members"`
	// Score is the sum of the members' satisfactions.
	Score float64 `json:"score"`
	// CommonSlots are the times every member is available (merged, UTC
	// minutes of the week), only runs at least a session long; a run
	// across the week's end is given as [0, x] and [y, 10080].
	CommonSlots []Interval `json:"common_slots"`
	// Reasons explain the group to its members and the admin. They never
	// reveal one-way preferences or avoid lists, which are private.
	Reasons []string `json:"reasons"`
}

// Unmatched is a participant who is in no group.
type Unmatched struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// output assembles the proposal from groups of global indices. Groups and
// their members come out in input order, so the output depends only on
// which groups were found.
func (p *problem) output(groups [][]int32) *Output {
	for _, g := range groups {
		slices.Sort(g)
	}
	slices.SortFunc(groups, func(a, b []int32) int { return cmp.Compare(a[0], b[0]) })
	out := &Output{Groups: make([]Group, 0, len(groups)), Unmatched: []Unmatched{}}
	placed := make([]bool, p.n)
	worst := math.Inf(1)
	lists := make([][]span, 0, p.max)
	for _, g := range groups {
		grp := Group{Members: make([]string, len(g))}
		lists = lists[:0]
		for k, i := range g {
			grp.Members[k] = p.in.Participants[i].ID
			placed[i] = true
			lists = append(lists, p.avails(i))
		}
		grp.Score = p.groupScore(g)
		grp.CommonSlots = commonSlots(lists, p.session)
		grp.Reasons = p.reasons(g)
		out.Groups = append(out.Groups, grp)
		out.Placed += len(g)
		out.Score += grp.Score
		worst = min(worst, grp.Score/float64(len(g)))
	}
	if len(groups) > 0 {
		out.WorstGroupScore = worst
	}
	why := newExplainer(p)
	for i := range int32(p.n) {
		if !placed[i] {
			out.Unmatched = append(out.Unmatched, Unmatched{ID: p.in.Participants[i].ID, Reason: why.reason(i)})
		}
	}
	return out
}

// groupScore is the sum over members of the mean of w over the others,
// computed exactly as matching.md states it.
func (p *problem) groupScore(g []int32) float64 {
	total := 0.0
	for _, i := range g {
		s := 0.0
		for _, j := range g {
			if j != i {
				s += p.weight(i, j)
			}
		}
		total += s / float64(len(g)-1)
	}
	return total
}

// reasons explains a group in a few short sentences.
func (p *problem) reasons(g []int32) []string {
	var out []string
	// Shared topics, most shared first.
	count := map[int32]int{}
	for _, i := range g {
		for _, t := range p.topics(i) {
			count[t]++
		}
	}
	var shared []int32
	for t, c := range count {
		if c > 1 {
			shared = append(shared, t)
		}
	}
	slices.SortFunc(shared, func(a, b int32) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(p.topicName[a], p.topicName[b])
	})
	if len(shared) == 0 {
		out = append(out, "no shared topics")
	} else {
		parts := make([]string, 0, 3)
		for _, t := range shared[:min(3, len(shared))] {
			if len(g) == 2 {
				parts = append(parts, p.topicName[t])
			} else {
				parts = append(parts, fmt.Sprintf("%s (%d)", p.topicName[t], count[t]))
			}
		}
		more := ""
		if len(shared) > 3 {
			more = fmt.Sprintf(" and %d more", len(shared)-3)
		}
		out = append(out, "shared topics: "+strings.Join(parts, ", ")+more)
	}
	// Departments: an empty one differs from every other.
	depts := map[int32]bool{}
	unnamed := 0
	for _, i := range g {
		if p.dept[i] < 0 {
			unnamed++
		} else {
			depts[p.dept[i]] = true
		}
	}
	switch d := len(depts) + unnamed; {
	case d == 1 && unnamed == 0:
		out = append(out, "all from "+p.in.Participants[g[0]].Department)
	case len(g) == 2:
		out = append(out, "different departments")
	default:
		out = append(out, fmt.Sprintf("%d departments", d))
	}
	// Levels.
	lo, hi := p.in.Participants[g[0]].Level, p.in.Participants[g[0]].Level
	for _, i := range g[1:] {
		l := p.in.Participants[i].Level
		lo, hi = min(lo, l), max(hi, l)
	}
	if lo == hi {
		out = append(out, fmt.Sprintf("all at level %d", lo))
	} else {
		out = append(out, fmt.Sprintf("levels %d–%d", lo, hi))
	}
	// Mutual preferences only: both people asked, so saying so reveals
	// nothing private. One-way preferences stay private.
	mutual := 0
	for a, i := range g {
		for _, j := range g[a+1:] {
			if contains(p.prefs(i), j) && contains(p.prefs(j), i) {
				mutual++
			}
		}
	}
	switch {
	case mutual == 1 && len(g) == 2:
		out = append(out, "you both asked to be matched with each other")
	case mutual == 1:
		out = append(out, "1 pair who asked for each other")
	case mutual > 1:
		out = append(out, fmt.Sprintf("%d pairs who asked for each other", mutual))
	}
	return out
}

// explainer finds why someone is unplaced.
type explainer struct {
	p      *problem
	bucket [][]int32 // people by hour of the week in which they can start
	stamp  []int32
	round  int32
}

func newExplainer(p *problem) *explainer { return &explainer{p: p} }

// maxExplainChecks bounds the partners examined to explain one person.
const maxExplainChecks = 200000

func (e *explainer) reason(i int32) string {
	p := e.p
	q := p.in.Participants[i]
	switch {
	case q.Availability != nil && len(q.Availability) == 0:
		return "no available time was given"
	case len(p.starts(i)) == 0:
		return fmt.Sprintf("no available time block is at least %d minutes long", p.session)
	case p.timeAlone[i]:
		return fmt.Sprintf("no availability overlaps anyone else's for %d minutes", p.session)
	}
	if e.bucket == nil {
		e.bucket = make([][]int32, 168)
		for j := range int32(p.n) {
			for h := range int32(168) {
				if p.anyH[j][h>>6]&(1<<(h&63)) != 0 {
					e.bucket[h] = append(e.bucket[h], j)
				}
			}
		}
		e.stamp = make([]int32, p.n)
	}
	e.round++
	need := p.min - 1
	compatible, pastOnly, checks := 0, false, 0
	done := false
	for h := int32(0); h < 168 && !done; h++ {
		if p.anyH[i][h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, j := range e.bucket[h] {
			if j == i || e.stamp[j] == e.round {
				continue
			}
			e.stamp[j] = e.round
			if checks++; checks > maxExplainChecks {
				done = true
				compatible = need // cannot tell: assume enough
				break
			}
			if !p.meet(i, j) || p.line(i, j) || contains(p.avoids(i), j) {
				continue
			}
			if contains(p.pasts(i), j) {
				pastOnly = true
				continue
			}
			if compatible++; compatible >= need {
				done = true
				break
			}
		}
	}
	lists := "in their reporting line or on an avoid list"
	outside := "outside their reporting line and avoid lists"
	if pastOnly {
		lists = "in their reporting line, on an avoid list or was in a group with them before"
		outside = "outside their reporting line, avoid lists and earlier groups"
	}
	switch {
	case compatible == 0:
		return "everyone who shares a slot is " + lists
	case compatible < need:
		people := "people who share a slot are"
		if compatible == 1 {
			people = "person who shares a slot is"
		}
		return fmt.Sprintf("only %d %s %s; a group needs %d", compatible, people, outside, p.min)
	case p.min == 2 && p.max == 2:
		return "everyone who shares a slot was already paired with someone else"
	case p.min == p.max:
		return fmt.Sprintf("the remaining people could not form a group of %d", p.min)
	}
	return fmt.Sprintf("the remaining people could not form a group of %d–%d", p.min, p.max)
}
