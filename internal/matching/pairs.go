package matching

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Pairs are solved exactly: a maximum-weight matching (edmonds.go) of the
// graph of pairs who may meet, with whole-number weights raised by a
// common offset, so that a pairing that places more people always weighs
// more. The graph of a thousand people has hundreds of thousands of
// pairs, that of ten thousand tens of millions, so the matching is found
// on a sparse graph first — each person's best partners among the people
// near them in time of day and topics, and every pair with a preference —
// and every other pair is then priced against the duals (pricing.go): if
// none has negative slack, the duals prove the matching optimal on the
// whole graph; otherwise the offending pairs, and the pairs nearest to
// tight, join the graph and the matching is found again, from scratch
// after the first pricing (which finds many) and from the last matching
// and duals after later ones (which find a few).

// pairWeights are the whole-number weights of the exact pairing.
type pairWeights struct {
	// scale is S, a power of two: the weights are rounded to multiples of
	// 1/S, which changes nothing when they are whole numbers or fractions
	// like 0.5 or 0.75. It is as large as it can be while every sum the
	// algorithm forms stays below 2^53.
	scale                            float64
	topic, dept, gap, mutual, oneWay int64 // round(S × weight)
	// offset is C, added to every pair's weight: more than n times the
	// largest |w̃|, so that a matching with one pair more outweighs any
	// difference in the others.
	offset int64
	// round bounds |S·w − w̃| for any pair: zero when the weights are
	// exact multiples of 1/S.
	round float64
}

// newPairWeights chooses the scale for a problem.
func newPairWeights(p *problem) *pairWeights {
	wt := p.wt
	maxT, lo, hi := 0, 0, 0
	for i := range int32(p.n) {
		maxT = max(maxT, len(p.topics(i)))
		l := p.in.Participants[i].Level
		if i == 0 {
			lo, hi = l, l
		}
		lo, hi = min(lo, l), max(hi, l)
	}
	spread := float64(hi) - float64(lo)
	b := wt.SharedTopic*float64(maxT) + wt.DepartmentDiversity + wt.LevelGap*spread + max(wt.MutualPreference, wt.OneWayPreference)
	scale := 1.0
	if b > 0 {
		// The largest power of two with scale·b·(n+1) ≤ 2^50; rounding
		// at most doubles a weight, so the offset plus any weight stays
		// below 2^52 and twice that below 2^53.
		target := math.Ldexp(1, 50) / b / float64(p.n+1)
		_, exp := math.Frexp(target)
		scale = math.Ldexp(1, min(exp-1, 1000))
	}
	pw := &pairWeights{scale: scale}
	r := func(x float64, coef float64) int64 {
		v := math.Round(scale * x)
		pw.round += math.Abs(scale*x-v) * coef
		return int64(v)
	}
	pw.topic = r(wt.SharedTopic, float64(maxT))
	pw.dept = r(wt.DepartmentDiversity, 1)
	pw.gap = r(wt.LevelGap, spread)
	before := pw.round
	pw.mutual = r(wt.MutualPreference, 1)
	mid := pw.round
	pw.oneWay = r(wt.OneWayPreference, 1)
	pw.round = before + max(mid-before, pw.round-mid)
	most := pw.topic*int64(maxT) + pw.dept + max(pw.mutual, pw.oneWay)
	if pw.gap != 0 {
		most += pw.gap * int64(hi-lo)
	}
	pw.offset = int64(p.n)*most + 1
	return pw
}

// scale64 is the scale as a whole number of units of w̃ (at least 1).
func (pw *pairWeights) scale64() int64 {
	return max(1, int64(pw.scale))
}

// base is w̃ of two people without the preference terms.
func (pw *pairWeights) base(shared int, di, dj int32, li, lj int) int64 {
	v := pw.topic * int64(shared)
	if di < 0 || di != dj {
		v += pw.dept
	}
	if pw.gap != 0 {
		d := li - lj
		if d < 0 {
			d = -d
		}
		v -= pw.gap * int64(d)
	}
	return v
}

// weight is w̃(i,j), the whole-number pair score.
func (pw *pairWeights) weight(p *problem, i, j int32) int64 {
	v := pw.base(p.shared(i, j), p.dept[i], p.dept[j], p.in.Participants[i].Level, p.in.Participants[j].Level)
	ij, ji := contains(p.prefs(i), j), contains(p.prefs(j), i)
	switch {
	case ij && ji:
		v += pw.mutual
	case ij || ji:
		v += pw.oneWay
	}
	return v
}

// pairResult is the exact pairing of one pairSet.
type pairResult struct {
	pairs [][]int32 // global indices
	best  []float64 // each person's best w over compatible partners, or above it
	e     *edmonds  // the final matching and duals
	local []int32   // vertex of the matching's graph → local index
	order []int32   // local index → vertex, -1 for people with no partner
	dummy int32     // the vertex everyone may be paired with, or -1
	eu    []int32   // the graph's edges, in the order they were added
	ev    []int32
	ew    []int64
}

// solve pairs the set, or returns nil if stop says to give up. With
// exact it prices until the pairing is optimal for every pair of the set
// and sets best; without, the pairing is optimal for the first sparse
// graph only, which serves the blocks of a large component.
func (s *pairSet) solve(stop func() bool, exact bool) *pairResult {
	p := s.p
	m := len(s.ids)
	nbrs := s.firstGraph()
	// Preferences are rare and raise w: every compatible preferred pair
	// is in the graph, so pricing can use w̃ without them.
	local := make(map[int32]int32, m)
	for a, g := range s.ids {
		local[g] = int32(a)
	}
	for a, g := range s.ids {
		for _, j := range p.prefs(g) {
			if c, ok := local[j]; ok && p.compatible(g, j) {
				nbrs[a] = append(nbrs[a], c)
			}
		}
	}
	own := make([]int, m)
	for a := range nbrs {
		own[a] = len(nbrs[a])
	}
	for a := range nbrs {
		for _, c := range nbrs[a][:own[a]] {
			nbrs[c] = append(nbrs[c], int32(a))
		}
	}
	for a := range nbrs {
		slices.Sort(nbrs[a])
		nbrs[a] = slices.Compact(nbrs[a])
	}
	r := &pairResult{}
	r.firstEdges(s, nbrs)
	r.e = maxWeightMatching(newWGraph(r.vertices(), r.eu, r.ev, r.ew), stop)
	pr := newPricer(s)
	full := true // the duals are new: price every pair
	for exact && r.e != nil {
		bad, near := pr.price(r, nbrs, full)
		if len(bad) == 0 {
			break
		}
		var check []int32
		for i, x := range slices.Concat(bad, near) {
			nbrs[x[0]] = append(nbrs[x[0]], x[1])
			nbrs[x[1]] = append(nbrs[x[1]], x[0])
			if i < len(bad) {
				check = append(check, int32(len(r.ew)))
			}
			r.addEdge(s, x[0], x[1])
		}
		for a := range nbrs {
			slices.Sort(nbrs[a])
		}
		g := newWGraph(r.e.g.n, r.eu, r.ev, r.ew)
		if len(bad) > m/coldShare {
			// Many pairs had negative slack: the duals are far from
			// optimal, and a start afresh is quicker than repairing
			// them (the repair frees the people at both ends).
			r.e = maxWeightMatching(g, stop)
			full = true
			continue
		}
		r.e.extend(g)
		r.e.repair(check)
		if full = !r.e.run(stop); full {
			// The warm start could not finish (see run): start over.
			r.e = maxWeightMatching(g, stop)
		}
	}
	if r.e == nil {
		return nil
	}
	r.collect(s)
	if !exact {
		return r
	}
	// Each person's best w over compatible partners: the first pricing
	// saw every pair without preferences, and every compatible pair with
	// one is in the graph; w differs from w̃/S by rounding only.
	r.best = make([]float64, m)
	for a, g := range s.ids {
		b := math.Inf(-1)
		if w := pr.best[a]; w > math.MinInt64 {
			b = float64(w/4) / s.pw.scale
		}
		for _, c := range nbrs[a] {
			b = max(b, float64(s.pw.weight(p, g, s.ids[c]))/s.pw.scale)
		}
		r.best[a] = b + s.pw.round/s.pw.scale
	}
	return r
}

// collect lists the pairs of the matching, in global indices.
func (r *pairResult) collect(s *pairSet) {
	e := r.e
	for v, q := range e.mate {
		if q >= 0 && int32(v) != r.dummy && e.g.end[q] != r.dummy {
			if c := e.g.end[q]; c > int32(v) {
				r.pairs = append(r.pairs, []int32{s.ids[r.local[v]], s.ids[r.local[c]]})
			}
		}
	}
}

// coldShare: a pricing that finds more than one pair with negative slack
// per coldShare people starts the matching afresh.
const coldShare = 10

// vertices is the number of vertices of the matching's graph.
func (r *pairResult) vertices() int {
	if r.dummy >= 0 {
		return len(r.local) + 1
	}
	return len(r.local)
}

// addEdge adds the pair of local people a and c to the graph, weighing
// 2·(C + w̃): the duals are then whole numbers (see jumpStart).
func (r *pairResult) addEdge(s *pairSet, a, c int32) {
	x := s.pw.weight(s.p, s.ids[a], s.ids[c])
	r.eu, r.ev = append(r.eu, r.order[a]), append(r.ev, r.order[c])
	r.ew = append(r.ew, 2*(s.pw.offset+x))
}

// firstEdges numbers the people with a partner in nbrs and adds the edges
// of nbrs, and a dummy vertex if they are odd in number: an odd set
// always leaves someone out, and a partner of weight zero for everyone
// makes that a pairing like any other, whose graph has a perfect
// matching.
func (r *pairResult) firstEdges(s *pairSet, nbrs [][]int32) {
	m := len(s.ids)
	r.order = make([]int32, m)
	for a := range m {
		r.order[a] = -1
		if len(nbrs[a]) > 0 {
			r.order[a] = int32(len(r.local))
			r.local = append(r.local, int32(a))
		}
	}
	for a, row := range nbrs {
		for _, c := range row {
			if c > int32(a) {
				r.addEdge(s, int32(a), c)
			}
		}
	}
	r.dummy = -1
	if nv := int32(len(r.local)); nv%2 == 1 {
		r.dummy = nv
		for x := range nv {
			r.eu, r.ev = append(r.eu, x), append(r.ev, nv)
			r.ew = append(r.ew, 2*s.pw.offset)
		}
	}
}

// PairWhole is the most people in a time component that Run pairs
// exactly as a whole, with a certificate. A larger component is cut into
// blocks of pairBlock people, each paired exactly, and the pairing is
// then made a maximum matching across blocks: the scans over all pairs of
// a set grow with the square of its size, and a hundred thousand people
// must be paired in seconds.
const PairWhole = 12000

const pairBlock = 2000

// Repairs across blocks: rounds of exact pairings of the people a
// component's blocks left unpaired, each with up to repairPartners of
// their compatible partners (the nearest in the component's order, looked
// for among at most repairLook people) and those partners' mates. A
// re-pairing is at least as good as the pairs it replaces, and it finds
// every augmenting path of three pairs or fewer through the people it
// holds.
const (
	repairRounds   = 3
	repairPartners = 6
	repairLook     = 20000
)

// repairPairs places whom it can of the people that the blocks of the cut
// components left unpaired; order lists each cut component's members in
// the order of its blocks.
func (sv *solver) repairPairs(pw *pairWeights, order map[int32][]int32) {
	p := sv.p
	mate := make([]int32, p.n)
	comps := make([]int32, 0, len(order))
	for c := range order {
		comps = append(comps, c)
	}
	slices.Sort(comps)
	for range repairRounds {
		for i := range mate {
			mate[i] = -1
		}
		for _, g := range sv.groups {
			mate[g[0]], mate[g[1]] = g[1], g[0]
		}
		grew := false
		for _, c := range comps {
			mem := order[c]
			in := map[int32]bool{}
			var set []int32
			take := func(x int32) {
				if !in[x] {
					in[x] = true
					set = append(set, x)
				}
			}
			for k, e := range mem {
				if mate[e] >= 0 || p.timeAlone[e] {
					continue
				}
				found := 0
				for d := 1; d <= repairLook/2 && found < repairPartners && (k-d >= 0 || k+d < len(mem)); d++ {
					for _, j := range [2]int{k - d, k + d} {
						if j >= 0 && j < len(mem) && found < repairPartners && p.compatible(e, mem[j]) {
							found++
							take(mem[j])
							if m := mate[mem[j]]; m >= 0 {
								take(m)
							}
						}
					}
				}
				if found > 0 {
					take(e)
				}
			}
			if len(set) < 2 {
				continue
			}
			slices.Sort(set)
			before := 0
			for _, x := range set {
				if mate[x] >= 0 {
					before++
				}
			}
			r := newPairSet(p, pw, set).solve(sv.done, true)
			if r == nil {
				return
			}
			if 2*len(r.pairs) <= before {
				continue
			}
			grew = true
			kept := sv.groups[:0]
			for _, g := range sv.groups {
				if !in[g[0]] {
					kept = append(kept, g)
				}
			}
			sv.groups = append(kept, r.pairs...)
			for _, g := range r.pairs {
				mate[g[0]], mate[g[1]] = g[1], g[0]
			}
		}
		if !grew {
			return
		}
	}
}

// solvePairs pairs everyone: exactly in every time component of up to
// PairWhole people. It leaves the groups, each person's bound, and the
// certificate when every component was whole and one was asked for.
func (sv *solver) solvePairs() {
	p := sv.p
	pw := newPairWeights(p)
	blocks, whole := sv.makeBlocks(PairWhole, pairBlock)
	results := make([]*pairResult, len(blocks))
	sets := make([]*pairSet, len(blocks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(blocks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(blocks) {
					return
				}
				sets[k] = newPairSet(p, pw, blocks[k])
				results[k] = sets[k].solve(sv.done, whole[k])
			}
		}()
	}
	wg.Wait()
	cut := map[int32][]int32{}
	for k, r := range results {
		if r == nil {
			return // cancelled
		}
		sv.groups = append(sv.groups, r.pairs...)
		if !whole[k] {
			c := p.comp[blocks[k][0]]
			cut[c] = append(cut[c], blocks[k]...)
			continue
		}
		for a, g := range blocks[k] {
			sv.bound[g] = max(0, r.best[a])
		}
	}
	if len(cut) > 0 {
		sv.repairPairs(pw, cut)
		return
	}
	if sv.certify {
		sv.cert = newCertificate(p.n, pw, sets, results)
	}
}
