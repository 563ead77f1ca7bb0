package matching_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

var expN = flag.Int("exp.n", 1000, "")
var expFormat = flag.String("exp.format", "group", "")
var expBudget = flag.Duration("exp.budget", 0, "")
var expSeed = flag.Int64("exp.seed", 1, "")
var expInst = flag.Int64("exp.inst", 7, "")

func TestExp(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	in := matchgen.Realistic(matchgen.Config{People: *expN, Format: *expFormat, Seed: uint64(*expInst)})
	start := time.Now()
	out, err := matching.Run(context.Background(), in, matching.Options{Seed: *expSeed, Budget: *expBudget})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("n=%d %s: %.3fs placed=%d score=%.2f ub=%.2f ratio=%.4f worst=%.2f groups=%d exceeded=%v\n", *expN, *expFormat, time.Since(start).Seconds(), out.Placed, out.Score, out.UpperBound, out.Score/out.UpperBound, out.WorstGroupScore, len(out.Groups), out.BudgetExceeded)
	reasons := map[string]int{}
	for _, u := range out.Unmatched {
		reasons[u.Reason]++
	}
	fmt.Println(reasons)
	if len(out.Groups) > 0 {
		fmt.Println(out.Groups[0])
	}
}
