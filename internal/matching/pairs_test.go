package matching_test

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
	"github.com/holdspace/holdspace/internal/matching/yardstick"
)

// runPairs runs the engine asking for the certificate of its pairing.
func runPairs(t testing.TB, in *matching.Input, seed int64) *matching.Output {
	t.Helper()
	out, err := matching.Run(context.Background(), in, matching.Options{Seed: seed, Budget: testBudget, Now: fixedClock, Certificate: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out
}

// proveOptimal checks the pairing against every rule and its certificate
// with the yardstick's own reading of the rules: the certificate must
// hold for every two participants and the pairing must reach its bound.
func proveOptimal(t testing.TB, in *matching.Input, out *matching.Output) *yardstick.PairOptimum {
	t.Helper()
	check(t, in, out)
	opt, err := yardstick.CheckPairs(in, out.Certificate)
	if err != nil {
		t.Fatalf("certificate: %v", err)
	}
	if err := opt.Reached(out); err != nil {
		t.Fatalf("the pairing is not the proven optimum: %v", err)
	}
	if !near(out.Score, opt.Score) {
		t.Fatalf("score %v, the certificate's optimum %v", out.Score, opt.Score)
	}
	return opt
}

// TestPairCertificates proves the pairing optimal on small adversarial
// inputs and on realistic ones of up to a thousand people, and checks
// that the seed changes nothing: the optimum is found, not searched for.
func TestPairCertificates(t *testing.T) {
	count := 300
	if testing.Short() || raceEnabled {
		count = 100
	}
	for k := range count {
		in := matchgen.Random(uint64(70000+k), 2+k%60)
		if in.Format != matching.FormatPair {
			in.Format, in.GroupSize = matching.FormatGroup, matching.SizeRange{Min: 2, Max: 2}
		}
		t.Run(fmt.Sprintf("random_%d_%d", k, len(in.Participants)), func(t *testing.T) {
			out := runPairs(t, in, int64(k))
			proveOptimal(t, in, out)
		})
	}
	sizes := []matchgen.Config{
		{People: 60, Seed: 1, Format: matching.FormatPair},
		{People: 200, Seed: 2, Format: matching.FormatPair, PastPairs: true},
		{People: 333, Seed: 3, Format: matching.FormatPair, SessionMinutes: 120},
		{People: 1000, Seed: 1, Format: matching.FormatPair},
		{People: 1000, Seed: 2, Format: matching.FormatPair, PastPairs: true},
	}
	if raceEnabled {
		sizes = sizes[:3]
	}
	for _, c := range sizes {
		in := matchgen.Realistic(c)
		t.Run(fmt.Sprintf("realistic_%d_seed%d", c.People, c.Seed), func(t *testing.T) {
			out := runPairs(t, in, 1)
			opt := proveOptimal(t, in, out)
			other := runPairs(t, in, 99)
			if other.Score != out.Score || other.Placed != out.Placed || len(other.Groups) != len(out.Groups) {
				t.Fatalf("seed 99: placed %d, score %v; seed 1: placed %d, score %v", other.Placed, other.Score, out.Placed, out.Score)
			}
			t.Logf("placed %d of %d, score %v (proven optimum), upper bound %v", opt.Placed, len(in.Participants), out.Score, out.UpperBound)
		})
	}
}

// bestPairing is the best pairing of a small input by dynamic programming
// over sets of people, with the referee's rules: most people placed, then
// highest score.
func bestPairing(r *referee) (placed int, score float64) {
	n := len(r.in.Participants)
	can := make([][]bool, n)
	for i := range n {
		can[i] = make([]bool, n)
		for j := range n {
			can[i][j] = i != j && r.groupProblem([]int{i, j}) == ""
		}
	}
	type best struct {
		placed int
		score  float64
	}
	better := func(a, b best) bool {
		return a.placed > b.placed || a.placed == b.placed && a.score > b.score+1e-9
	}
	f := make([]best, 1<<n)
	for mask := 1; mask < 1<<n; mask++ {
		low := bits.TrailingZeros(uint(mask))
		rest := mask &^ (1 << low)
		b := f[rest]
		for x := rest; x != 0; x &= x - 1 {
			j := bits.TrailingZeros(uint(x))
			if can[low][j] {
				c := f[rest&^(1<<j)]
				c.placed += 2
				c.score += r.score([]int{low, j})
				if better(c, b) {
					b = c
				}
			}
		}
		f[mask] = b
	}
	return f[1<<n-1].placed, f[1<<n-1].score
}

// pairInput is a random pair-format input of n people meant to make
// pairing hard: short overlapping availability, a manager tree, avoid and
// prefer lists, and weights that may make many pair scores tie, be zero
// or be negative (a large level gap).
func pairInput(rng *rand.Rand, n int) *matching.Input {
	in := matchgen.Random(rng.Uint64(), n)
	in.Format, in.GroupSize = matching.FormatPair, matching.SizeRange{}
	switch rng.IntN(4) {
	case 0:
		in.Weights = &matching.Weights{} // every pair scores zero
	case 1:
		in.Weights = &matching.Weights{SharedTopic: 1, DepartmentDiversity: 1, LevelGap: 2 + float64(rng.IntN(3)), MutualPreference: 1}
	case 2:
		in.Weights = &matching.Weights{LevelGap: 0.5, OneWayPreference: 0.25}
	}
	for i := range in.Participants {
		if rng.IntN(3) == 0 {
			in.Participants[i].Level = rng.IntN(8)
		}
	}
	return in
}

// TestPairsAgainstDynamicProgramming compares the engine with dynamic
// programming over subsets on inputs of up to 16 people, including ties,
// zero scores and negative scores: placing people comes first, so a
// negative pair is still made when it places two more.
func TestPairsAgainstDynamicProgramming(t *testing.T) {
	count := 400
	if testing.Short() || raceEnabled {
		count = 120
	}
	rng := rand.New(rand.NewPCG(12, 34))
	negative := 0
	for k := range count {
		in := pairInput(rng, 2+k%15)
		out := runPairs(t, in, 1)
		proveOptimal(t, in, out)
		wantP, wantS := bestPairing(newReferee(in))
		if out.Placed != wantP || math.Abs(out.Score-wantS) > 1e-9 {
			t.Fatalf("case %d: placed %d, score %v; the optimum places %d with score %v", k, out.Placed, out.Score, wantP, wantS)
		}
		for _, g := range out.Groups {
			if g.Score < 0 {
				negative++
			}
		}
	}
	if negative == 0 {
		t.Error("no pairing made a pair with a negative score: the inputs do not test it")
	}
}

// FuzzPairs checks pairings of fuzzed small inputs against dynamic
// programming and the certificate.
func FuzzPairs(f *testing.F) {
	for k := range uint64(6) {
		f.Add(k, uint8(4+2*k))
	}
	f.Fuzz(func(t *testing.T, seed uint64, size uint8) {
		in := pairInput(rand.New(rand.NewPCG(seed, 1)), 1+int(size)%16)
		out := runPairs(t, in, 1)
		proveOptimal(t, in, out)
		wantP, wantS := bestPairing(newReferee(in))
		if out.Placed != wantP || math.Abs(out.Score-wantS) > 1e-9 {
			t.Fatalf("placed %d, score %v; the optimum places %d with score %v", out.Placed, out.Score, wantP, wantS)
		}
	})
}
