package matching_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// fixedClock makes elapsed_ms zero and keeps the safety stop from firing,
// so that runs are exactly reproducible under the race detector.
func fixedClock() time.Time { return time.Unix(0, 0) }

// testBudget is the budget of test runs. With the clock fixed it only
// sets the amount of work: a fiftieth of the default, to keep tests fast.
const testBudget = 20 * time.Millisecond

func mustRun(t testing.TB, in *matching.Input, seed int64) *matching.Output {
	t.Helper()
	out, err := matching.Run(context.Background(), in, matching.Options{Seed: seed, Budget: testBudget, Now: fixedClock})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out
}

// TestRandomInstances runs many small adversarial instances: every output
// keeps every rule, accounts for everyone and repeats itself for a seed.
func TestRandomInstances(t *testing.T) {
	count := 150
	if testing.Short() || raceEnabled {
		count = 60
	}
	for k := range count {
		size := 2 + k%40
		if k%10 == 9 {
			size = 60 + k%50
		}
		in := matchgen.Random(uint64(k), size)
		t.Run(fmt.Sprintf("%d_%s_%d", k, in.Format, size), func(t *testing.T) {
			out := mustRun(t, in, int64(k))
			check(t, in, out)
			again := mustRun(t, in, int64(k))
			if diff := cmp.Diff(out, again); diff != "" {
				t.Fatalf("same seed, different output (-first +second):\n%s", diff)
			}
			if k%3 == 0 {
				check(t, in, mustRun(t, in, int64(k)+1000))
			}
		})
	}
}

// TestRealisticInstances runs generated organisations of a few hundred
// people, groups and pairs.
func TestRealisticInstances(t *testing.T) {
	cases := []matchgen.Config{
		{People: 40, Seed: 1},
		{People: 150, Seed: 2, Min: 3, Max: 5},
		{People: 300, Seed: 3},
		{People: 200, Seed: 4, Format: matching.FormatPair},
		{People: 120, Seed: 5, Min: 5, Max: 5, PastPairs: true},
		{People: 90, Seed: 6, Min: 2, Max: 2, SessionMinutes: 90},
	}
	if !testing.Short() {
		// Two blocks each: work across block boundaries, and blocks
		// solved in parallel.
		cases = append(cases, matchgen.Config{People: 1400, Seed: 8, Format: matching.FormatPair})
		if !raceEnabled {
			cases = append(cases, matchgen.Config{People: 1500, Seed: 7})
		}
	}
	for _, c := range cases {
		in := matchgen.Realistic(c)
		t.Run(fmt.Sprintf("%s_%d_seed%d", in.Format, c.People, c.Seed), func(t *testing.T) {
			out := mustRun(t, in, 1)
			check(t, in, out)
			if out.Placed < len(in.Participants)*9/10 {
				t.Errorf("placed %d of %d", out.Placed, len(in.Participants))
			}
			again := mustRun(t, in, 1)
			if diff := cmp.Diff(out, again); diff != "" {
				t.Fatalf("same seed, different output (-first +second):\n%s", diff)
			}
		})
	}
}

// TestGeneratorDeterministic checks that the generator repeats itself.
func TestGeneratorDeterministic(t *testing.T) {
	a := matchgen.Realistic(matchgen.Config{People: 500, Seed: 9, PastPairs: true})
	b := matchgen.Realistic(matchgen.Config{People: 500, Seed: 9, PastPairs: true})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different instance:\n%s", diff)
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(a.NonParticipants) == 0 || len(a.PastPairs) == 0 {
		t.Errorf("want non-participants and past pairs, got %d and %d", len(a.NonParticipants), len(a.PastPairs))
	}
}

// TestContextCancelled returns the context's error.
func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := matching.Run(ctx, matchgen.Realistic(matchgen.Config{People: 200, Seed: 1}), matching.Options{})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestBudgetStopsWork lets the clock run out at once: the output still
// keeps every rule and says the budget stopped the work.
func TestBudgetStopsWork(t *testing.T) {
	in := matchgen.Realistic(matchgen.Config{People: 400, Seed: 3})
	clock := time.Unix(0, 0)
	now := func() time.Time {
		clock = clock.Add(time.Second) // every look at the clock costs a second
		return clock
	}
	out, err := matching.Run(context.Background(), in, matching.Options{Seed: 1, Budget: time.Millisecond, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !out.BudgetExceeded {
		t.Error("BudgetExceeded = false")
	}
	check(t, in, out)
}
