package matching

import "math"

// CompareHeuristic solves the first time component of a group input (if
// it has 4 to 12 people) both exactly and by the heuristic path used for
// larger blocks, for tests in package matching_test.
func CompareHeuristic(in *Input) (heurPlaced int, heurScore float64, exactPlaced int, exactScore float64, ok bool) {
	p := newProblem(in)
	local := make([]int32, p.n)
	var ids []int32
	for i := range p.n {
		if p.comp[i] == p.comp[0] {
			local[i] = int32(len(ids))
			ids = append(ids, int32(i))
		}
	}
	if len(ids) < 4 || len(ids) > exactLimit || p.max == 2 {
		return 0, 0, 0, 0, false
	}
	pl := makePlan(p.n, p.max == 2, 0)
	pl.movesPerPerson = 3000 // the rate of large blocks, not the small-input default
	never := func() bool { return false }
	sv := &solver{p: p, plan: pl, stop: never, done: never, pairs: p.max == 2}
	ar := &arena{}
	exact := newState(newBlock(p, ids, local, true, ar), sv.rngFor(1), ar)
	exact.solveExact()
	ar2 := &arena{}
	heur := newState(newBlock(p, ids, local, true, ar2), sv.rngFor(1), ar2)
	sv.heuristic(heur)
	return heur.placed(), heur.score(), exact.placed(), exact.score(), true
}

// ParseChecked is the field-by-field decoder behind ParseInput's fast
// path, so that tests can compare the two.
func ParseChecked(data []byte) (*Input, error) { return parseChecked(data) }

// ExchangeCycles groups the largest block of a group-format input with
// a short anneal and then exchange cycles, for tests in package
// matching_test. It returns the scores before and after the cycles, the
// output, and how many improving cycles of three people the search should
// have found but left (each person taking a place in the group of one of
// their best partners, as the search looks).
func ExchangeCycles(in *Input, seed int64) (before, after float64, out *Output, left int) {
	p := newProblem(in)
	never := func() bool { return false }
	sv := &solver{p: p, plan: makePlan(p.n, p.max == 2, 0), seed: seed, stop: never, done: never}
	blocks, whole := sv.makeBlocks(sv.plan.blockSize, sv.plan.blockSize)
	k := 0
	for i := range blocks {
		if len(blocks[i]) > len(blocks[k]) {
			k = i
		}
	}
	local := make([]int32, p.n)
	for i, g := range blocks[k] {
		local[g] = int32(i)
	}
	ar := &arena{}
	s := newState(newBlock(p, blocks[k], local, whole[k], ar), sv.rngFor(1), ar)
	s.construct()
	s.repair()
	sv.improve(s, 50) // a short anneal leaves cycles to find
	before = s.score()
	s.exchangeCycles(never)
	after = s.score()

	c := &cycles{s: s, without: make([][]span, s.b.m), fresh: make([]bool, s.b.m)}
	gain := func(i, j int32) (float64, bool) {
		g, ok := s.replaceGain(i, j)
		return g, ok && c.hasSlot(i, j)
	}
	// Where i may go, as the search looks: the members of the groups of
	// i's best partners (a group may come twice, which only repeats a
	// count).
	places := func(i int32, f func(j int32)) {
		for _, x := range s.b.nbrs(i) {
			if h := s.grp[x]; h >= 0 && h != s.grp[i] {
				for _, j := range s.groups[h].mem {
					f(j)
				}
			}
		}
	}
	eps := gainEps(s.b)
	for a := range int32(s.b.m) {
		if s.grp[a] < 0 {
			continue
		}
		places(a, func(b int32) {
			x, ok := gain(a, b)
			// The search's gain criterion: every leading path gains.
			if !ok || x <= eps {
				return
			}
			places(b, func(d int32) {
				if s.grp[d] == s.grp[a] {
					return
				}
				y, ok2 := gain(b, d)
				z, ok3 := gain(d, a)
				if ok2 && ok3 && x+y > eps && x+y+z > eps {
					left++
				}
			})
		})
	}
	var groups [][]int32
	for _, g := range s.groups {
		var mem []int32
		for _, a := range g.mem {
			mem = append(mem, s.b.ids[a])
		}
		if len(mem) > 0 {
			groups = append(groups, mem)
		}
	}
	sv.bound = make([]float64, p.n)
	for i := range sv.bound {
		sv.bound[i] = math.NaN()
	}
	out = p.output(groups)
	out.UpperBound = sv.upperBound()
	return before, after, out, left
}
