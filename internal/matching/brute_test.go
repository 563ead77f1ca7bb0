package matching_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// optimum enumerates every proposal for a tiny input — each person either
// unplaced or in a valid group with people after them — and returns the
// best placed count and score, using only the referee's rules.
func optimum(r *referee) (placed int, score float64) {
	n := len(r.in.Participants)
	used := make([]bool, n)
	var rec func() (int, float64)
	rec = func() (int, float64) {
		first := -1
		for i := range n {
			if !used[i] {
				first = i
				break
			}
		}
		if first < 0 {
			return 0, 0
		}
		used[first] = true
		bestP, bestS := rec() // first stays unplaced
		var others []int
		for j := first + 1; j < n; j++ {
			if !used[j] {
				others = append(others, j)
			}
		}
		// Every subset of the others as first's group mates.
		for mask := 1; mask < 1<<len(others); mask++ {
			members := []int{first}
			for k, j := range others {
				if mask&(1<<k) != 0 {
					members = append(members, j)
				}
			}
			if len(members) > r.max || r.groupProblem(members) != "" {
				continue
			}
			for _, j := range members[1:] {
				used[j] = true
			}
			p, s := rec()
			p += len(members)
			s += r.score(members)
			if p > bestP || p == bestP && s > bestS+1e-12 {
				bestP, bestS = p, s
			}
			for _, j := range members[1:] {
				used[j] = false
			}
		}
		used[first] = false
		return bestP, bestS
	}
	return rec()
}

// TestOptimumOnTinyInstances compares the engine with exhaustive search.
func TestOptimumOnTinyInstances(t *testing.T) {
	count := 250
	if testing.Short() {
		count = 80
	}
	for k := range count {
		size := 1 + k%9
		in := matchgen.Random(uint64(10000+k), size)
		t.Run(fmt.Sprintf("%d_%s_%d", k, in.Format, size), func(t *testing.T) {
			out := mustRun(t, in, 1)
			check(t, in, out)
			wantP, wantS := optimum(newReferee(in))
			if out.Placed != wantP || math.Abs(out.Score-wantS) > 1e-9 {
				t.Fatalf("placed %d, score %v; the optimum places %d with score %v", out.Placed, out.Score, wantP, wantS)
			}
			if out.UpperBound < wantS-1e-9 {
				t.Errorf("upper_bound %v is below the optimum %v", out.UpperBound, wantS)
			}
		})
	}
}

// TestOptimumKnown checks a hand-made instance whose optimum is known: a
// manager and two reports, their peers, and a pair who must avoid each
// other.
func TestOptimumKnown(t *testing.T) {
	in := &matching.Input{
		Format:         matching.FormatGroup,
		GroupSize:      matching.SizeRange{Min: 2, Max: 3},
		SessionMinutes: 60,
		Participants: []matching.Participant{
			{ID: "boss", Department: "A", Level: 3, Topics: []string{"x"}},
			{ID: "r1", Department: "A", Manager: "boss", Level: 1, Topics: []string{"x", "y"}},
			{ID: "r2", Department: "A", Manager: "boss", Level: 1, Topics: []string{"y"}},
			{ID: "peer", Department: "B", Level: 3, Topics: []string{"x"}},
			{ID: "loner", Department: "C", Level: 1, Availability: []matching.Interval{{0, 30}}},
		},
	}
	out := mustRun(t, in, 1)
	check(t, in, out)
	wantP, wantS := optimum(newReferee(in))
	if out.Placed != wantP || math.Abs(out.Score-wantS) > 1e-9 {
		t.Fatalf("placed %d, score %v; want %d, %v", out.Placed, out.Score, wantP, wantS)
	}
	if wantP != 4 {
		t.Fatalf("optimum places %d, want 4", wantP)
	}
}
