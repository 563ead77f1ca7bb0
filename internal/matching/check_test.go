package matching_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
)

// referee re-derives every rule and score of matching.md straight from an
// Input, with plain maps and a minute-by-minute calendar, sharing no code
// with the engine.
type referee struct {
	in       *matching.Input
	min, max int
	w        matching.Weights
	index    map[string]int    // participant id → index
	manager  map[string]string // everyone's manager
	topics   []map[string]bool
	prefer   []map[string]bool
	avoid    []map[string]bool
	past     map[[2]string]bool
	calendar [][]bool // per participant, minute of the week → available
}

func newReferee(in *matching.Input) *referee {
	r := &referee{in: in, index: map[string]int{}, manager: map[string]string{}, past: map[[2]string]bool{}}
	if in.Format == "pair" {
		r.min, r.max = 2, 2
	} else {
		r.min, r.max = in.GroupSize.Min, in.GroupSize.Max
	}
	r.w = matching.Weights{SharedTopic: 3, DepartmentDiversity: 2, LevelGap: 1, MutualPreference: 5, OneWayPreference: 2}
	if in.Weights != nil {
		r.w = *in.Weights
	}
	set := func(list []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range list {
			m[x] = true
		}
		return m
	}
	for i, p := range in.Participants {
		r.index[p.ID] = i
		r.manager[p.ID] = p.Manager
		r.topics = append(r.topics, set(p.Topics))
		r.prefer = append(r.prefer, set(p.Prefer))
		r.avoid = append(r.avoid, set(p.Avoid))
		cal := make([]bool, matching.Week)
		if p.Availability == nil {
			for m := range cal {
				cal[m] = true
			}
		}
		for _, iv := range p.Availability {
			for m := iv[0]; m < iv[1]; m++ {
				cal[m] = true
			}
		}
		r.calendar = append(r.calendar, cal)
	}
	for _, p := range in.NonParticipants {
		r.manager[p.ID] = p.Manager
	}
	if in.RepeatPolicy != "allow" {
		for _, pp := range in.PastPairs {
			r.past[pp] = true
			r.past[[2]string{pp[1], pp[0]}] = true
		}
	}
	return r
}

// above reports whether a is b's manager, or their manager's, and so on.
func (r *referee) above(a, b string) bool {
	seen := map[string]bool{}
	for m := r.manager[b]; m != "" && !seen[m]; m = r.manager[m] {
		if m == a {
			return true
		}
		seen[m] = true
	}
	return false
}

// pairProblem says why i and j may not share a group, or "".
func (r *referee) pairProblem(i, j int) string {
	a, b := r.in.Participants[i].ID, r.in.Participants[j].ID
	switch {
	case r.above(a, b) || r.above(b, a):
		return fmt.Sprintf("%s and %s are in one reporting line", a, b)
	case r.avoid[i][b] || r.avoid[j][a]:
		return fmt.Sprintf("%s and %s avoid each other", a, b)
	case r.past[[2]string{a, b}]:
		return fmt.Sprintf("%s and %s were together before", a, b)
	}
	return ""
}

// slots returns the common availability of a group as circular runs of at
// least the session length, in output form.
func (r *referee) slots(members []int) []matching.Interval {
	common := make([]bool, matching.Week)
	for m := range common {
		common[m] = true
		for _, i := range members {
			common[m] = common[m] && r.calendar[i][m]
		}
	}
	all := true
	for _, c := range common {
		all = all && c
	}
	if all {
		return []matching.Interval{{0, matching.Week}}
	}
	// Start the scan at a free minute so that no run is cut in two.
	first := slices.Index(common, false)
	var out []matching.Interval
	for k := 0; k < matching.Week; {
		m := (first + k) % matching.Week
		if !common[m] {
			k++
			continue
		}
		n := 0
		for n < matching.Week && common[(m+n)%matching.Week] {
			n++
		}
		if n >= r.in.SessionMinutes {
			if m+n <= matching.Week {
				out = append(out, matching.Interval{m, m + n})
			} else {
				out = append(out, matching.Interval{m, matching.Week}, matching.Interval{0, m + n - matching.Week})
			}
		}
		k += n
	}
	slices.SortFunc(out, func(a, b matching.Interval) int { return a[0] - b[0] })
	return out
}

// weight is w(i,j) of matching.md.
func (r *referee) weight(i, j int) float64 {
	p, q := r.in.Participants[i], r.in.Participants[j]
	shared := 0
	for t := range r.topics[i] {
		if r.topics[j][t] {
			shared++
		}
	}
	v := r.w.SharedTopic * float64(shared)
	if p.Department == "" || p.Department != q.Department {
		v += r.w.DepartmentDiversity
	}
	v -= r.w.LevelGap * math.Abs(float64(p.Level-q.Level))
	ij, ji := r.prefer[i][q.ID], r.prefer[j][p.ID]
	if ij && ji {
		v += r.w.MutualPreference
	} else if ij || ji {
		v += r.w.OneWayPreference
	}
	return v
}

// score is the sum of the members' mean pair scores.
func (r *referee) score(members []int) float64 {
	total := 0.0
	for _, i := range members {
		s := 0.0
		for _, j := range members {
			if j != i {
				s += r.weight(i, j)
			}
		}
		total += s / float64(len(members)-1)
	}
	return total
}

// groupProblem says why members cannot form a group, or "".
func (r *referee) groupProblem(members []int) string {
	if len(members) < r.min || len(members) > r.max {
		return fmt.Sprintf("size %d outside %d–%d", len(members), r.min, r.max)
	}
	for a, i := range members {
		for _, j := range members[a+1:] {
			if msg := r.pairProblem(i, j); msg != "" {
				return msg
			}
		}
	}
	if len(r.slots(members)) == 0 {
		return "no common slot of a session's length"
	}
	return ""
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// check validates an output against every hard rule and recomputes every
// number in it.
func check(t testing.TB, in *matching.Input, out *matching.Output) {
	t.Helper()
	r := newReferee(in)
	seen := map[string]bool{}
	total, placed := 0.0, 0
	worst := math.Inf(1)
	prevFirst := -1
	for gi, g := range out.Groups {
		members := make([]int, 0, len(g.Members))
		for _, id := range g.Members {
			i, ok := r.index[id]
			if !ok {
				t.Fatalf("group %d: %q is not a participant", gi, id)
			}
			if seen[id] {
				t.Fatalf("group %d: %q is placed twice", gi, id)
			}
			seen[id] = true
			members = append(members, i)
		}
		if !slices.IsSorted(members) || len(members) == 0 || members[0] <= prevFirst {
			t.Errorf("group %d: members or groups are not in input order: %v", gi, g.Members)
		}
		if len(members) > 0 {
			prevFirst = members[0]
		}
		if msg := r.groupProblem(members); msg != "" {
			t.Fatalf("group %d %v breaks a rule: %s", gi, g.Members, msg)
		}
		if want := r.slots(members); !slices.Equal(g.CommonSlots, want) {
			t.Errorf("group %d: common_slots %v, want %v", gi, g.CommonSlots, want)
		}
		if want := r.score(members); !near(g.Score, want) {
			t.Errorf("group %d: score %v, want %v", gi, g.Score, want)
		}
		if len(g.Reasons) == 0 {
			t.Errorf("group %d: no reasons", gi)
		}
		total += g.Score
		placed += len(members)
		worst = min(worst, g.Score/float64(len(members)))
	}
	if len(out.Groups) == 0 {
		worst = 0
	}
	if out.Placed != placed {
		t.Errorf("placed %d, groups hold %d", out.Placed, placed)
	}
	if !near(out.Score, total) {
		t.Errorf("score %v, groups sum to %v", out.Score, total)
	}
	if !near(out.WorstGroupScore, worst) {
		t.Errorf("worst_group_score %v, want %v", out.WorstGroupScore, worst)
	}
	if out.UpperBound < out.Score-1e-9*math.Max(1, math.Abs(out.Score)) {
		t.Errorf("upper_bound %v below score %v", out.UpperBound, out.Score)
	}
	un := map[string]bool{}
	for _, u := range out.Unmatched {
		if seen[u.ID] || un[u.ID] {
			t.Errorf("unmatched %q is placed or listed twice", u.ID)
		}
		if _, ok := r.index[u.ID]; !ok {
			t.Errorf("unmatched %q is not a participant", u.ID)
		}
		if u.Reason == "" {
			t.Errorf("unmatched %q has no reason", u.ID)
		}
		un[u.ID] = true
	}
	if len(seen)+len(un) != len(in.Participants) {
		t.Errorf("%d placed + %d unmatched, want %d participants", len(seen), len(un), len(in.Participants))
	}
}
