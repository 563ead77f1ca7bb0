package matching

// CompareHeuristic solves the first time component of in (if it has 4 to
// 12 people) both exactly and by the heuristic path used for larger
// blocks, for tests in package matching_test.
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
	if len(ids) < 4 || len(ids) > exactLimit {
		return 0, 0, 0, 0, false
	}
	pl := makePlan(p.n, 0)
	pl.movesPerPerson = 3000 // the rate of large blocks, not the small-input default
	never := func() bool { return false }
	sv := &solver{p: p, plan: pl, stop: never, done: never, pairs: p.max == 2}
	ar := &arena{}
	exact := newState(newBlock(p, ids, local, true, ar), sv.rngFor(1), ar)
	exact.solveExact()
	ar2 := &arena{}
	heur := newState(newBlock(p, ids, local, true, ar2), sv.rngFor(1), ar2)
	heur.construct()
	if sv.pairs {
		heur.maxCardinality()
	} else {
		heur.repair()
	}
	sv.improve(heur, sv.plan.movesPerPerson)
	heur.lnsPolish(sv.plan.polishPasses, sv.plan.polishTries, sv.plan.polishLimit, sv.stop)
	if !sv.pairs {
		heur.repair()
	}
	return heur.placed(), heur.score(), exact.placed(), exact.score(), true
}

// ParseChecked is the field-by-field decoder behind ParseInput's fast
// path, so that tests can compare the two.
func ParseChecked(data []byte) (*Input, error) { return parseChecked(data) }
