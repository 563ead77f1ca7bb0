package matching

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// solver runs the whole search for one problem.
type solver struct {
	p     *problem
	plan  plan
	seed  int64
	stop  func() bool // the budget is spent or the context is done
	done  func() bool // the context is done
	pairs bool

	groups [][]int32 // global indices, one slice per group
	bound  []float64 // exact per-person bound, NaN where not computed

	certify bool         // pairs: keep the duals that prove the pairing optimal
	cert    *Certificate // set by solvePairs when certify and every component was whole
}

// blockResult is what solving one block produces.
type blockResult struct {
	groups [][]int32
	ids    []int32
	bound  []float64 // by local index, nil unless exact
}

// timeKey is the centre of a person's start minutes on the daily clock, in
// minutes after midnight UTC: people in one time zone have nearby keys.
func (p *problem) timeKey(i int32) float64 {
	var x, y float64
	const k = 2 * math.Pi / 1440
	for _, s := range p.starts(i) {
		a, b := k*float64(s.lo), k*float64(s.hi)
		x += math.Sin(b) - math.Sin(a)
		y -= math.Cos(b) - math.Cos(a)
	}
	if x == 0 && y == 0 {
		return 0
	}
	t := math.Atan2(y, x) / k
	if t < 0 {
		t += 1440
	}
	return t
}

// makeBlocks makes every time component with enough people one block if
// it has at most whole people, and otherwise cuts it into blocks of at
// most part people. A large component is sorted by time of day (in
// two-hour bins) and then by topics, so that a block holds people who can
// meet and have something in common, and cut into equal parts (of even
// size for pairs).
func (sv *solver) makeBlocks(whole, part int) (blocks [][]int32, isWhole []bool) {
	p := sv.p
	members := make([][]int32, len(p.compSize))
	for i := range p.n {
		if p.compSize[p.comp[i]] >= int32(p.min) {
			members[p.comp[i]] = append(members[p.comp[i]], int32(i))
		}
	}
	bin := make([]int32, p.n)
	for _, mem := range members {
		if len(mem) == 0 {
			continue
		}
		// Similar people get nearby local indices, which keeps the
		// rows of a group's members close in the block's matrices.
		for _, i := range mem {
			bin[i] = int32(p.timeKey(i) / 120)
		}
		slices.SortFunc(mem, func(a, b int32) int {
			if c := cmp.Compare(bin[a], bin[b]); c != 0 {
				return c
			}
			if c := slices.Compare(p.topics(a), p.topics(b)); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		if len(mem) <= whole {
			blocks = append(blocks, mem)
			isWhole = append(isWhole, true)
			continue
		}
		nb := (len(mem) + part - 1) / part
		startAt := 0
		for k := range nb {
			end := len(mem) * (k + 1) / nb
			if sv.pairs && k < nb-1 && (end-startAt)%2 == 1 {
				end++
			}
			blocks = append(blocks, slices.Clone(mem[startAt:end]))
			isWhole = append(isWhole, false)
			startAt = end
		}
	}
	return blocks, isWhole
}

// solve finds the groups.
func (sv *solver) solve() {
	p := sv.p
	sv.bound = make([]float64, p.n)
	for i := range sv.bound {
		sv.bound[i] = math.NaN()
	}
	if sv.pairs {
		sv.solvePairs()
		return
	}
	blocks, whole := sv.makeBlocks(sv.plan.blockSize, sv.plan.blockSize)
	local := make([]int32, p.n)
	for i := range local {
		local[i] = -1
	}
	for _, blk := range blocks {
		for k, g := range blk {
			local[g] = int32(k)
		}
	}
	// Solve the blocks in parallel. Each block has its own random stream
	// derived from the seed and its position, so the result does not
	// depend on which worker takes which block or when.
	order := make([]int, len(blocks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(blocks[b]) - len(blocks[a]) })
	results := make([]blockResult, len(blocks))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(blocks))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ar := &arena{}
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) {
					return
				}
				i := order[k]
				results[i] = sv.solveBlock(i, blocks[i], local, whole[i], ar)
			}
		}()
	}
	wg.Wait()

	grp := make([]int32, p.n)
	for i := range grp {
		grp[i] = -1
	}
	for _, r := range results {
		for _, g := range r.groups {
			for _, x := range g {
				grp[x] = int32(len(sv.groups))
			}
			sv.groups = append(sv.groups, g)
		}
		for k, v := range r.bound {
			sv.bound[r.ids[k]] = v
		}
	}
	if sv.done() {
		return
	}
	sv.global(grp, blocks, whole)
}

// rngFor returns the random stream of a block.
func (sv *solver) rngFor(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(sv.seed), stream*0x9E3779B97F4A7C15+1))
}

// solveBlock groups one block.
func (sv *solver) solveBlock(idx int, ids []int32, local []int32, whole bool, ar *arena) blockResult {
	b := newBlock(sv.p, ids, local, whole, ar)
	s := newState(b, sv.rngFor(uint64(idx)), ar)
	if b.m <= exactLimit {
		s.solveExact()
	} else {
		sv.heuristic(s)
	}
	res := blockResult{ids: ids}
	if whole {
		res.bound = b.bound
	}
	for _, g := range s.groups {
		if len(g.mem) == 0 {
			continue
		}
		mem := make([]int32, len(g.mem))
		for k, a := range g.mem {
			mem[k] = ids[a]
		}
		res.groups = append(res.groups, mem)
	}
	return res
}

// heuristic groups a block too large to solve exactly: a greedy
// construction, repaired, annealing, exact re-solves of neighbouring
// groups and exchange cycles.
func (sv *solver) heuristic(s *state) {
	s.construct()
	s.repair()
	sv.improve(s, sv.plan.movesPerPerson)
	s.lnsPolish(sv.plan.polishPasses, sv.plan.polishTries, sv.plan.polishLimit, sv.stop)
	if sv.plan.cycles {
		s.exchangeCycles(sv.stop)
	}
	s.repair()
}

// improve anneals a state for about movesPerPerson moves per person, from
// a temperature where the typical worsening move is accepted now and
// then, down to one where it almost never is.
func (sv *solver) improve(s *state, movesPerPerson float64) {
	iters := int(movesPerPerson * float64(s.b.m))
	if iters <= 0 || len(s.groups) == 0 {
		return
	}
	t0 := s.calibrate(2000) * sv.plan.heat
	s.anneal(iters, t0, t0*sv.plan.cool, sv.stop)
}
