package yardstick_test

import (
	"context"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
	"github.com/holdspace/holdspace/internal/matching/yardstick"
)

// TestSearchGroupsAgrees runs the engine and the yardstick on a small
// realistic instance: both keep every hard rule (as the yardstick reads
// them), the yardstick's score of the engine's proposal is the engine's
// own, and the two searches land within a small margin of each other.
func TestSearchGroupsAgrees(t *testing.T) {
	for _, seed := range []uint64{3, 4} {
		in := matchgen.Realistic(matchgen.Config{People: 120, Seed: seed})
		// A clock that stands still never stops the engine's planned work,
		// so its answer is the same however busy the machine is.
		still := time.Now()
		out, err := matching.Run(context.Background(), in, matching.Options{Seed: int64(seed), Now: func() time.Time { return still }})
		if err != nil {
			t.Fatal(err)
		}
		groups := make([][]string, len(out.Groups))
		for k, g := range out.Groups {
			groups[k] = g.Members
		}
		placed, score, err := yardstick.ScoreGroups(in, groups)
		if err != nil {
			t.Fatalf("seed %d: the engine breaks a rule: %v", seed, err)
		}
		if placed != out.Placed || math.Abs(score-out.Score) > 1e-9*math.Abs(score) {
			t.Fatalf("seed %d: the engine reports placed %d, score %v; the yardstick counts %d, %v", seed, out.Placed, out.Score, placed, score)
		}
		ref, err := yardstick.SearchGroups(context.Background(), in, yardstick.GroupOptions{Seed: seed, Budget: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := yardstick.ScoreGroups(in, ref.Groups); err != nil {
			t.Fatalf("seed %d: the yardstick breaks a rule: %v", seed, err)
		}
		t.Logf("seed %d: engine placed %d, score %.1f; yardstick placed %d, score %.1f (%d steps, %d shakes)", seed, out.Placed, out.Score, ref.Placed, ref.Score, ref.Steps, ref.Shakes)
		if ref.Placed != out.Placed {
			t.Errorf("seed %d: the engine places %d, the yardstick %d", seed, out.Placed, ref.Placed)
		}
		if r := out.Score / ref.Score; r < 0.97 || r > 1.03 {
			t.Errorf("seed %d: engine ÷ yardstick is %.4f", seed, r)
		}
	}
}

// TestSearchGroupsRules checks the yardstick's groupings on small
// adversarial instances (tight availability, vetoes, reporting lines)
// against its own rule check, and ScoreGroups against a broken grouping.
func TestSearchGroupsRules(t *testing.T) {
	for k := range 8 {
		in := matchgen.Random(uint64(900+k), 20+3*k)
		if in.Format != matching.FormatGroup {
			continue
		}
		ref, err := yardstick.SearchGroups(context.Background(), in, yardstick.GroupOptions{Seed: 1, Budget: time.Second, Steps: 300})
		if err != nil {
			t.Fatalf("case %d: %v", k, err)
		}
		out, err := matching.Run(context.Background(), in, matching.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if ref.Placed > out.Placed+out.Placed/10+2 || out.Placed > ref.Placed+ref.Placed/10+2 {
			t.Errorf("case %d: the engine places %d, the yardstick %d", k, out.Placed, ref.Placed)
		}
	}
	in := matchgen.Realistic(matchgen.Config{People: 30, Seed: 5})
	bad := [][]string{{in.Participants[0].ID, in.Participants[1].ID, in.Participants[2].ID}}
	if _, _, err := yardstick.ScoreGroups(in, bad); err == nil {
		t.Error("a group of three passes the check of sizes 4–6")
	}
}

// TestSearchGroupsLong is the yardstick on the benchmark's instance of
// 1,000 people, for profiling and tuning: set HOLDSPACE_YARDSTICK_SECONDS
// (and HOLDSPACE_YARDSTICK_SEED, default 1).
func TestSearchGroupsLong(t *testing.T) {
	secs, _ := strconv.ParseFloat(os.Getenv("HOLDSPACE_YARDSTICK_SECONDS"), 64)
	if secs <= 0 {
		t.Skip("set HOLDSPACE_YARDSTICK_SECONDS to run")
	}
	seed, err := strconv.ParseUint(os.Getenv("HOLDSPACE_YARDSTICK_SEED"), 10, 64)
	if err != nil {
		seed = 1
	}
	in := matchgen.Realistic(matchgen.Config{People: 1000, Seed: seed})
	ref, err := yardstick.SearchGroups(context.Background(), in, yardstick.GroupOptions{Seed: seed, Budget: time.Duration(secs * float64(time.Second))})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("placed %d, score %.1f, best at %v, %d steps, %d shakes", ref.Placed, ref.Score, ref.FoundAt, ref.Steps, ref.Shakes)
}
