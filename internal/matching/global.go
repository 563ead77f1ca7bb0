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

// pairWork bounds the compatibility checks of the final augmenting-path
// search for pairs, per time component.
const pairWork = 30_000_000

// completePairs makes the pairing maximum on the time components cut
// into blocks wherever that can be shown: a component's unplaced people
// must be those with no compatible partner at all, plus one more when the
// others are odd in number. Where more are unplaced, it searches
// augmenting paths on the full compatibility graph of the component (not
// only within blocks), within a work bound.
func (sv *solver) completePairs(cut map[int32]bool) {
	p := sv.p
	mate := make([]int32, p.n)
	for i := range mate {
		mate[i] = -1
	}
	for _, g := range sv.groups {
		mate[g[0]], mate[g[1]] = g[1], g[0]
	}
	members := make([][]int32, len(p.compSize))
	for i := range int32(p.n) {
		if cut[p.comp[i]] && len(p.starts(i)) > 0 {
			members[p.comp[i]] = append(members[p.comp[i]], i)
		}
	}
	changed := false
	for _, mem := range members {
		if len(mem) < 2 {
			continue
		}
		var roots []int32
		alone := 0
		for _, v := range mem {
			if mate[v] >= 0 {
				continue
			}
			isolated := true
			for _, u := range mem {
				if p.compatible(v, u) {
					isolated = false
					break
				}
			}
			if isolated {
				alone++
			} else {
				roots = append(roots, v)
			}
		}
		// Any pairing leaves the isolated people unplaced, and one more
		// when the others are odd in number.
		spare := (len(mem) - alone) % 2
		if len(roots) > spare && p.augmentPairs(mem, mate, roots, spare, pairWork) {
			changed = true
		}
	}
	if !changed {
		return
	}
	sv.groups = sv.groups[:0]
	for a, c := range mate {
		if c > int32(a) {
			sv.groups = append(sv.groups, []int32{int32(a), c})
		}
	}
}

// augmentPairs grows the matching mate (global indices) on the people mem
// by Edmonds' augmenting paths on their full compatibility graph, from
// each unmatched person of roots in turn, until at most spare of them are
// left. work bounds the compatibility checks (0: no bound). It reports
// whether the matching grew.
func (p *problem) augmentPairs(mem, mate, roots []int32, spare, work int) bool {
	local := make(map[int32]int32, len(mem))
	for k, v := range mem {
		local[v] = int32(k)
	}
	checks := 0
	var bl *blossom
	var free []int32
	bl = newBlossom(len(mem), func(v int32, f func(u int32) bool) {
		gv := mem[v]
		// Unmatched people first: a path ends at one of them, so
		// looking there first ends most searches early.
		for _, u := range free {
			if checks++; work > 0 && checks > work {
				bl.abort = true
				return
			}
			if u != v && p.compatible(gv, mem[u]) && !f(u) {
				return
			}
		}
		for u, gu := range mem {
			if checks++; work > 0 && checks > work {
				bl.abort = true
				return
			}
			if p.compatible(gv, gu) && !f(int32(u)) {
				return
			}
		}
	})
	for k, v := range mem {
		if c := mate[v]; c >= 0 {
			bl.match[k] = local[c]
		}
	}
	grew := false
	left := len(roots)
	for _, r := range roots {
		k := local[r]
		if bl.abort || left <= spare {
			break
		}
		if bl.match[k] >= 0 {
			continue
		}
		free = free[:0]
		for u := range mem {
			if bl.match[u] < 0 {
				free = append(free, int32(u))
			}
		}
		if bl.augment(k) {
			grew = true
			left -= 2
		}
	}
	for k, v := range mem {
		if c := bl.match[k]; c >= 0 {
			mate[v] = mem[c]
		} else {
			mate[v] = -1
		}
	}
	return grew
}
