package matching_test

import (
	"math"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// TestHeuristicNearExact runs the heuristic path (construction, repair or
// blossom, annealing, polish) on components small enough to solve
// exactly, and compares it with the exact dynamic programme that the
// engine uses for them.
func TestHeuristicNearExact(t *testing.T) {
	count := 300
	if testing.Short() {
		count = 80
	}
	samePlaced, sameScore, total := 0, 0, 0
	for k := range count {
		in := matchgen.Random(uint64(50000+k), 9+k%4)
		hp, hs, ep, es, ok := matching.CompareHeuristic(in)
		if !ok {
			continue
		}
		total++
		if hp > ep || hp == ep && hs > es+1e-6 {
			t.Fatalf("case %d: heuristic (%d, %v) beats the exact optimum (%d, %v)", k, hp, hs, ep, es)
		}
		if hp == ep {
			samePlaced++
			if math.Abs(hs-es) < 1e-6 {
				sameScore++
			}
		}
	}
	t.Logf("%d instances: the heuristic placed as many as the optimum in %d and matched its score in %d", total, samePlaced, sameScore)
	if samePlaced < total*97/100 || sameScore < total*93/100 {
		t.Errorf("heuristic too far from the optimum: placed %d/%d, score %d/%d", samePlaced, total, sameScore, total)
	}
}
