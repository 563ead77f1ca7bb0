package matching

import (
	"cmp"
	"slices"
)

// Sizes of the repair blocks that work across block boundaries.
const (
	repairChunk = 400  // unplaced people per repair block
	repairSize  = 1400 // people per repair block, groups included
	repairMoves = 60   // annealing moves per person in a repair block
)

// global works across block boundaries in time components that were cut
// into several blocks: people left unplaced in one block may fit a group
// of another. For each such component it builds repair blocks from the
// unplaced people and the groups most likely to take them, runs the same
// repair on them, and writes the result back.
func (sv *solver) global(grp []int32, blocks [][]int32, whole []bool) {
	p := sv.p
	split := map[int32]bool{}
	for k, blk := range blocks {
		if !whole[k] {
			split[p.comp[blk[0]]] = true
		}
	}
	if len(split) == 0 {
		return
	}
	comps := make([]int32, 0, len(split))
	for c := range split {
		comps = append(comps, c)
	}
	slices.Sort(comps)
	local := make([]int32, p.n)
	for i := range local {
		local[i] = -1
	}
	alive := make([]bool, len(sv.groups))
	for i := range alive {
		alive[i] = true
	}
	for _, c := range comps {
		var left []int32
		for i := range int32(p.n) {
			if p.comp[i] == c && grp[i] < 0 && !p.timeAlone[i] {
				left = append(left, i)
			}
		}
		// Placing people comes first, so this runs even when the budget
		// is spent; it is bounded by its rounds.
		for round := 0; len(left) > 0 && round < 4; round++ {
			chunk := left[:min(len(left), repairChunk)]
			left = left[len(chunk):]
			sv.repairChunk(c, chunk, grp, local, &alive, uint64(round))
		}
	}
	kept := sv.groups[:0]
	for i, g := range sv.groups {
		if alive[i] {
			kept = append(kept, g)
		}
	}
	sv.groups = kept
}

// repairChunk runs one repair block for unplaced people of component c.
func (sv *solver) repairChunk(c int32, chunk []int32, grp, local []int32, alive *[]bool, round uint64) {
	p := sv.p
	// Rank the component's groups by how many of the chunk could meet at
	// one of their common hours.
	type cand struct {
		g, rel int32
	}
	var cands []cand
	var common []span
	var tmp []span
	for gi, g := range sv.groups {
		if !(*alive)[gi] || p.comp[g[0]] != c {
			continue
		}
		common = append(common[:0], p.starts(g[0])...)
		for _, x := range g[1:] {
			tmp = intersect(common, p.starts(x), tmp[:0])
			common = append(common[:0], tmp...)
		}
		anyM, _ := hourMasks(common)
		rel := int32(0)
		for _, x := range chunk {
			if p.anyH[x].and(anyM) {
				rel++
			}
		}
		if rel > 0 {
			cands = append(cands, cand{int32(gi), rel})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.rel, a.rel) })
	ids := slices.Clone(chunk)
	var chosen []int32
	for _, x := range cands {
		g := sv.groups[x.g]
		if len(ids)+len(g) > repairSize {
			break
		}
		ids = append(ids, g...)
		chosen = append(chosen, x.g)
	}
	for k, g := range ids {
		local[g] = int32(k)
	}
	ar := &arena{}
	b := newBlock(p, ids, local, false, ar)
	s := newState(b, sv.rngFor(1<<40+uint64(c)<<8+round), ar)
	for _, gi := range chosen {
		mem := make([]int32, len(sv.groups[gi]))
		for k, x := range sv.groups[gi] {
			mem[k] = local[x]
		}
		s.addGroup(mem)
	}
	placedBefore := s.placed()
	s.repair()
	if s.placed() > placedBefore {
		sv.improve(s, repairMoves)
		for _, gi := range chosen {
			(*alive)[gi] = false
		}
		for _, g := range s.groups {
			if len(g.mem) == 0 {
				continue
			}
			mem := make([]int32, len(g.mem))
			for k, a := range g.mem {
				mem[k] = ids[a]
				grp[ids[a]] = int32(len(sv.groups))
			}
			sv.groups = append(sv.groups, mem)
			*alive = append(*alive, true)
		}
	}
	for _, g := range ids {
		local[g] = -1
	}
}
