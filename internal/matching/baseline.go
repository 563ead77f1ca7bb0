package matching

import (
	"math/rand/v2"
	"slices"
)

// RandomProposal returns a random proposal that keeps every hard rule: the
// baseline the benchmark compares the engine with. People are taken in a
// random order; each unplaced one starts a group and draws random
// compatible unplaced people until the group reaches a random size in
// range or no one fits; a group that stays below the minimum is undone.
func RandomProposal(in *Input, seed int64) (*Output, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := newProblem(in)
	rng := rand.New(rand.NewPCG(uint64(seed), 0xba5e))
	placed := make([]bool, p.n)
	var groups [][]int32
	var cands []int32
	var common, tmp []span
	members := make([][]int32, len(p.compSize))
	for i := range int32(p.n) {
		members[p.comp[i]] = append(members[p.comp[i]], i)
	}
	for _, seedPerson := range rng.Perm(p.n) {
		a := int32(seedPerson)
		if placed[a] || len(p.starts(a)) == 0 {
			continue
		}
		target := p.min + rng.IntN(p.max-p.min+1)
		g := []int32{a}
		common = append(common[:0], p.starts(a)...)
		cands = cands[:0]
		for _, c := range members[p.comp[a]] {
			if !placed[c] && c != a && p.compatible(a, c) {
				cands = append(cands, c)
			}
		}
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, c := range cands {
			if len(g) == target {
				break
			}
			fits := true
			for _, x := range g[1:] {
				if !p.compatible(c, x) {
					fits = false
					break
				}
			}
			if !fits || !intersects(common, p.starts(c)) {
				continue
			}
			tmp = intersect(common, p.starts(c), tmp[:0])
			common = append(common[:0], tmp...)
			g = append(g, c)
		}
		if len(g) < p.min {
			continue
		}
		for _, x := range g {
			placed[x] = true
		}
		groups = append(groups, slices.Clone(g))
	}
	return p.output(groups), nil
}
