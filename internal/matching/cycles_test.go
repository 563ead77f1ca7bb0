package matching_test

import (
	"fmt"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// TestExchangeCycles lets the exchange search loose on groupings from a
// short anneal: it never lowers the score, every grouping it leaves keeps
// every rule and scores what the referee computes, no improving cycle of
// three it looks for is left, and on most instances it finds something.
func TestExchangeCycles(t *testing.T) {
	cases := []matchgen.Config{
		{People: 60, Seed: 11},
		{People: 90, Seed: 12, Min: 3, Max: 5},
		{People: 120, Seed: 13},
		{People: 150, Seed: 14, Min: 5, Max: 5, PastPairs: true},
		{People: 180, Seed: 15, Min: 4, Max: 4},
	}
	improved := 0
	for _, c := range cases {
		in := matchgen.Realistic(c)
		t.Run(fmt.Sprintf("%d_seed%d", c.People, c.Seed), func(t *testing.T) {
			before, after, out, left := matching.ExchangeCycles(in, int64(c.Seed))
			if after < before-1e-9 {
				t.Errorf("score fell from %v to %v", before, after)
			}
			if after > before+1e-6 {
				improved++
			}
			if left > 0 {
				t.Errorf("%d improving cycles of three left", left)
			}
			check(t, in, out)
			t.Logf("score %.2f → %.2f", before, after)
		})
	}
	if improved < len(cases)/2 {
		t.Errorf("the cycles improved %d of %d groupings; a short anneal leaves more to find", improved, len(cases))
	}
}
