package matching

import (
	"fmt"
	"slices"
)

// Rule names a hard rule.
type Rule string

// The hard rules of matching.md, and the repeat rule.
const (
	RuleSize          Rule = "size"
	RuleReportingLine Rule = "reporting_line"
	RuleAvoid         Rule = "avoid"
	RulePastGroup     Rule = "past_group"
	RuleCommonTime    Rule = "common_time"
)

// Violation is a hard rule a group breaks, with the two members it
// concerns (none for size and common time).
type Violation struct {
	Rule    Rule
	Members []string
}

// Evaluate checks one fixed group of participants against every hard rule
// and scores and explains it exactly as Run would. It serves an admin who
// moves people between proposed circles: the changed circles are checked
// and re-scored, not re-matched. It returns the group and the rules it
// breaks; invalid input or an id that is not a participant is an error.
// Callers decide what to tell whom: an avoid is private to the person who
// gave it.
func Evaluate(in *Input, members []string) (Group, []Violation, error) {
	if err := in.Validate(); err != nil {
		return Group{}, nil, err
	}
	p := newProblem(in)
	index := make(map[string]int32, len(in.Participants))
	for i, part := range in.Participants {
		index[part.ID] = int32(i)
	}
	g := make([]int32, 0, len(members))
	for _, id := range members {
		i, ok := index[id]
		if !ok {
			return Group{}, nil, fmt.Errorf("evaluate: %q is not a participant", id)
		}
		if slices.Contains(g, i) {
			return Group{}, nil, fmt.Errorf("evaluate: %q is listed twice", id)
		}
		g = append(g, i)
	}
	slices.Sort(g)
	grp := Group{Members: make([]string, len(g)), CommonSlots: []Interval{}}
	lists := make([][]span, len(g))
	for k, i := range g {
		grp.Members[k] = in.Participants[i].ID
		lists[k] = p.avails(i)
	}
	var broken []Violation
	if lo, hi := in.sizes(); len(g) < lo || len(g) > hi {
		broken = append(broken, Violation{Rule: RuleSize})
	}
	for a, i := range g {
		for _, j := range g[a+1:] {
			two := []string{in.Participants[i].ID, in.Participants[j].ID}
			switch {
			case p.line(i, j):
				broken = append(broken, Violation{Rule: RuleReportingLine, Members: two})
			case contains(p.avoids(i), j) || contains(p.avoids(j), i):
				broken = append(broken, Violation{Rule: RuleAvoid, Members: two})
			case contains(p.pasts(i), j) || contains(p.pasts(j), i):
				broken = append(broken, Violation{Rule: RulePastGroup, Members: two})
			}
		}
	}
	if len(g) > 0 {
		grp.CommonSlots = commonSlots(lists, p.session)
		if len(grp.CommonSlots) == 0 {
			broken = append(broken, Violation{Rule: RuleCommonTime})
		}
	}
	if len(g) > 1 {
		grp.Score = p.groupScore(g)
		grp.Reasons = p.reasons(g)
	}
	return grp, broken, nil
}
