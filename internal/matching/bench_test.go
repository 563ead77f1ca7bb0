package matching_test

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// The benchmarks of matching.md's table; `holdspace bench match` prints
// the full table with memory, baselines and checks.
func BenchmarkRun1000Group(b *testing.B)   { benchRun(b, 1000, matching.FormatGroup) }
func BenchmarkRun10000Pair(b *testing.B)   { benchRun(b, 10000, matching.FormatPair) }
func BenchmarkRun100000Group(b *testing.B) { benchRun(b, 100000, matching.FormatGroup) }

func benchRun(b *testing.B, n int, format string) {
	in := matchgen.Realistic(matchgen.Config{People: n, Format: format, Seed: 1})
	var out *matching.Output
	for b.Loop() {
		var err error
		out, err = matching.Run(context.Background(), in, matching.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Placed), "placed")
	b.ReportMetric(out.Score, "score")
	b.ReportMetric(out.Score/out.UpperBound, "ratio")
}
