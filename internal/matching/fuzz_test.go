package matching_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

// problemPattern: every problem starts by naming what it is about — a
// field, possibly of a participant (index and id) — or says the file is
// not JSON at all.
var problemPattern = regexp.MustCompile(`^(invalid JSON|expected |… and \d+ more problems|(participants|non_participants|past_pairs)\[\d+\]( \(".*"\))?: |[a-z_]+(\.[a-z_]+)*: )`)

func FuzzValidate(f *testing.F) {
	f.Add([]byte(input("", p1+","+p2+","+p3)))
	f.Add([]byte(`{"format": "pair", "session_minutes": 60, "participants": [{"id": "a", "availability": [[10020, 10080], [0, 60]]}, {"id": "b", "availability": [[10000, 10080], [0, 30]]}]}`))
	f.Add([]byte(`{"format": "pair", "session_minutes": 60, "participants": [{"id": "a", "manager": "m"}, {"id": "b", "manager": "a"}], "non_participants": [{"id": "m", "manager": "b"}]}`))
	f.Add([]byte(input(`"format": "group", "group_size": {"min": 6, "max": 4}, "session_minutes": 60, "weights": {"level_gap": -1}`, p2+`,{"id": "p3", "availability": [[540.5, 600]]}`)))
	f.Add([]byte(`{"format": "group", "group_size": {"min": 2, "max": 3}, "session_minutes": 15, "past_pairs": [["a", "b"], ["a"]], "repeat_policy": "avoid", "participants": [{"id": "a", "topics": ["x", "x"]}, {"id": "b", "level": -3}, {"id": "c", "availability": []}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"participants": [null, 3, {"id": 5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := matching.ParseInput(data)
		// The fast path and the field-by-field decoder agree.
		in2, err2 := matching.ParseChecked(data)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ParseInput: %v; field by field: %v", err, err2)
		}
		if err == nil {
			if diff := cmp.Diff(in, in2); diff != "" {
				t.Fatalf("decoders disagree (-fast +checked):\n%s", diff)
			}
		}
		if err != nil {
			var ie *matching.InputError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("error %T %q is not an InputError with problems", err, err)
			}
			for _, p := range ie.Problems {
				if !problemPattern.MatchString(p) {
					t.Fatalf("problem %q does not name a field", p)
				}
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("ParseInput accepted what Validate rejects: %v", err)
		}
		if len(in.Participants) > 30 {
			return
		}
		out, err := matching.Run(context.Background(), in, matching.Options{Seed: 1, Budget: testBudget, Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		check(t, in, out)
	})
}

// FuzzRun runs small adversarial instances through the engine and the
// referee.
func FuzzRun(f *testing.F) {
	for k := range uint64(8) {
		f.Add(k, uint8(3*k+2), int64(k))
	}
	f.Fuzz(func(t *testing.T, instance uint64, size uint8, seed int64) {
		in := matchgen.Random(instance, 1+int(size)%30)
		out := mustRun(t, in, seed)
		check(t, in, out)
		if diff := cmp.Diff(out, mustRun(t, in, seed)); diff != "" {
			t.Fatalf("same seed, different output:\n%s", diff)
		}
	})
}
