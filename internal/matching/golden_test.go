package matching_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden (and the generated inputs)")

// TestGolden runs the inputs in testdata (seed 1, the test budget) and
// compares the output, with elapsed_ms zero, to the .golden files next to
// them.
func TestGolden(t *testing.T) {
	if *update {
		// Generated inputs are written once and then kept as files, so
		// that a change of the generator does not change these tests.
		for name, c := range map[string]matchgen.Config{
			"realistic_group.json": {People: 30, Seed: 11},
			"realistic_pair.json":  {People: 16, Seed: 12, Format: matching.FormatPair, PastPairs: true},
		} {
			path := filepath.Join("testdata", name)
			if _, err := os.Stat(path); err == nil {
				continue
			}
			data, err := json.MarshalIndent(matchgen.Realistic(c), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, path := range inputs {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in, err := matching.ParseInput(data)
			if err != nil {
				t.Fatal(err)
			}
			out := mustRun(t, in, 1)
			check(t, in, out)
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update to accept):\n%s", golden, got)
			}
		})
	}
}
