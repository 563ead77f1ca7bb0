package matching_test

import (
	"math"
	"os"
	"slices"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
)

// TestEvaluate checks a changed circle against the referee: the same
// rules broken, the same score and common slots.
func TestEvaluate(t *testing.T) {
	data, err := os.ReadFile("testdata/constraints.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := matching.ParseInput(data)
	if err != nil {
		t.Fatal(err)
	}
	r := newReferee(in)
	index := func(ids []string) []int {
		var out []int
		for _, id := range ids {
			out = append(out, r.index[id])
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		members []string
		want    []matching.Rule
	}{
		{[]string{"ada", "ed", "fe", "ha"}, nil},
		{[]string{"ada", "di", "ed"}, []matching.Rule{matching.RuleReportingLine, matching.RuleAvoid}},
		{[]string{"bo", "ha", "gu"}, []matching.Rule{matching.RulePastGroup}},
		{[]string{"ada", "bo"}, []matching.Rule{matching.RuleSize}},
		{[]string{"ada", "bo", "sat"}, []matching.Rule{matching.RuleCommonTime}},
	}
	for _, tt := range tests {
		g, broken, err := matching.Evaluate(in, tt.members)
		if err != nil {
			t.Fatal(err)
		}
		var rules []matching.Rule
		for _, v := range broken {
			rules = append(rules, v.Rule)
		}
		if !slices.Equal(rules, tt.want) {
			t.Errorf("%v: broken %v, want %v", tt.members, rules, tt.want)
		}
		members := index(tt.members)
		if want := r.score(members); math.Abs(g.Score-want) > 1e-9 {
			t.Errorf("%v: score %v, want %v", tt.members, g.Score, want)
		}
		if want := r.slots(members); !slices.Equal(g.CommonSlots, want) && len(want) > 0 {
			t.Errorf("%v: common slots %v, want %v", tt.members, g.CommonSlots, want)
		}
	}
	if _, _, err := matching.Evaluate(in, []string{"ada", "nobody"}); err == nil {
		t.Error("unknown member: no error")
	}
}
