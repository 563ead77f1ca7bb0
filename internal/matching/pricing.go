package matching

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// pairNear is how many compatible pairs of least slack outside the
// graph each person brings into it at the first pricing, besides those
// with negative slack: the duals move when the graph grows, and the pairs
// close to tight are those most likely to be needed next.
const pairNear = 6

// pricer checks the pairs outside the graph against the duals, over
// several rounds. Checking all of them costs a pass over every pair; but
// a pair's slack only falls as far as its two duals fall (edmonds.lowered),
// so a pair whose slack was at least theta when last checked cannot have
// gone below zero while the duals of both its people have fallen by less
// than theta/2 each since their rows were last scanned. The pricer keeps
// the pairs that were below theta, checks them again each round, and
// scans again only the rows of people whose dual fell by theta/2.
type pricer struct {
	s     *pairSet
	theta int64
	near  [][2]int32 // compatible pairs outside the graph, slack below theta when last checked
	drop  []int64    // how far each person's u fell since their row was last scanned
	// best is, after the first pricing, each person's greatest 4·w̃
	// without preferences over compatible partners (MinInt64 for none).
	best []int64
}

func newPricer(s *pairSet) *pricer {
	return &pricer{s: s, theta: 2 * 4 * s.pw.scale64(), drop: make([]int64, len(s.ids))}
}

// price returns, in order, the compatible pairs outside the graph with
// negative slack, and with full (duals not derived from those last
// priced) also, apart, each person's pairNear of least slack below theta.
func (pr *pricer) price(r *pairResult, nbrs [][]int32, full bool) (bad, near [][2]int32) {
	s := pr.s
	e := r.e
	m := len(s.ids)
	C := s.pw.offset
	n := e.n
	// Per person: u − 2C and the top-level blossom. A pair's slack
	// without blossoms is (u_a − 2C) + (u_c − 2C) − 4·w̃. People outside
	// the graph have no compatible partner in the set (or they would be
	// in it), so a value out of reach keeps them out of every check.
	rest := make([]int64, m)
	top := make([]int32, m)
	scan := make([]bool, m)
	var rows []int32
	for a := range m {
		top[a] = -1
		rest[a] = math.MaxInt64 / 4
		if x := r.order[a]; x >= 0 {
			rest[a] = e.dual[x] - 2*C
			if b := e.inBlossom[x]; b >= n {
				top[a] = b
			}
			if full {
				pr.drop[a] = 0
			} else {
				pr.drop[a] += e.lowered[x]
			}
			scan[a] = full || 2*pr.drop[a] >= pr.theta
		}
		if scan[a] {
			rows = append(rows, int32(a))
			pr.drop[a] = 0
		}
	}
	clear(e.lowered)
	s.rest = rest
	zi := newZIndex(e)
	// slackOf adds the z of the blossoms a and c share to their slack
	// without blossoms; inner adds only those below the top-level one.
	topZ := func(a int) int64 {
		if top[a] < 0 {
			return 0
		}
		return 2 * e.dual[top[a]]
	}
	inner := func(a, c int, slack int64) int64 {
		if top[a] >= 0 && top[a] == top[c] {
			slack += 2*zi.common(r.order[a], r.order[c]) - topZ(a)
		}
		return slack
	}
	slackOf := func(a, c int, slack int64) int64 {
		if top[a] >= 0 && top[a] == top[c] {
			slack += 2 * zi.common(r.order[a], r.order[c])
		}
		return slack
	}
	inGraph := func(a, c int) bool {
		_, in := slices.BinarySearch(nbrs[a], int32(c))
		return in
	}
	var kept [][2]int32
	// The kept pairs first: each is checked again, and kept while still
	// near.
	if !full {
		for _, x := range pr.near {
			a, c := int(x[0]), int(x[1])
			if scan[a] || scan[c] || inGraph(a, c) {
				continue // its row is scanned below, or it joined the graph
			}
			slack := slackOf(a, c, rest[a]+rest[c]-4*s.base(a, c))
			switch {
			case slack < 0:
				bad = append(bad, x)
			case slack < pr.theta:
				kept = append(kept, x)
			}
		}
	}
	// Then the rows, each worker with its own lists and, with full, its
	// own pairNear least-slack pairs per person.
	workers := runtime.GOMAXPROCS(0)
	type found struct {
		bad, kept [][2]int32
		near      *nearest
		best      []int64
	}
	per := make([]found, workers)
	bound := pr.best == nil
	forWorkers(len(rows), workers, func(wk, lo, hi int) {
		f := &per[wk]
		if full && f.near == nil {
			f.near = newNearest(m)
		}
		if bound && f.best == nil {
			f.best = make([]int64, m)
			for a := range f.best {
				f.best[a] = math.MinInt64
			}
		}
		for _, a32 := range rows[lo:hi] {
			a := int(a32)
			thr := pr.theta
			from := 0
			if full {
				from = a + 1 // each pair once
			}
			s.scanRow(a, from, rest[a], top, topZ(a), &thr, f.best, func(c int, slack int64) {
				if scan[c] && c < a || r.order[c] < 0 {
					return // checked from row c, or no partner at all
				}
				if slack = inner(a, c, slack); slack >= pr.theta || inGraph(a, c) || !s.p.compatible(s.ids[a], s.ids[c]) {
					return
				}
				x := [2]int32{min(a32, int32(c)), max(a32, int32(c))}
				if slack < 0 {
					f.bad = append(f.bad, x)
					return
				}
				f.kept = append(f.kept, x)
				if full {
					f.near.add(a32, int32(c), slack)
					f.near.add(int32(c), a32, slack)
				}
			})
		}
	})
	var lists []*nearest
	if bound {
		pr.best = make([]int64, m)
		for a := range pr.best {
			pr.best[a] = math.MinInt64
		}
	}
	for _, f := range per {
		bad = append(bad, f.bad...)
		kept = append(kept, f.kept...)
		if f.near != nil {
			lists = append(lists, f.near)
		}
		for a, w := range f.best {
			pr.best[a] = max(pr.best[a], w)
		}
	}
	sortPairs(bad)
	if full {
		near = mergeNearest(m, lists)
		// The kept pairs that join the graph are kept no longer.
		k := 0
		for _, x := range kept {
			if _, in := slices.BinarySearchFunc(near, x, comparePairs); !in {
				kept[k] = x
				k++
			}
		}
		kept = kept[:k]
	}
	pr.near = kept
	return bad, near
}

// nearest holds, for each person, the pairNear partners of least slack
// seen so far, least first (ties by partner).
type nearest struct {
	n     []uint8
	c     []int32
	slack []int64
}

func newNearest(m int) *nearest {
	return &nearest{n: make([]uint8, m), c: make([]int32, m*pairNear), slack: make([]int64, m*pairNear)}
}

func (nr *nearest) add(a, c int32, slack int64) {
	cs, ss := nr.c[int(a)*pairNear:int(a+1)*pairNear], nr.slack[int(a)*pairNear:int(a+1)*pairNear]
	k := int(nr.n[a])
	if k == pairNear {
		if slack > ss[k-1] || slack == ss[k-1] && c > cs[k-1] {
			return
		}
		k--
	} else {
		nr.n[a]++
	}
	for k > 0 && (ss[k-1] > slack || ss[k-1] == slack && cs[k-1] > c) {
		cs[k], ss[k] = cs[k-1], ss[k-1]
		k--
	}
	cs[k], ss[k] = c, slack
}

// mergeNearest returns, in order, the pairs of each person with one of
// their pairNear partners of least slack over all the lists.
func mergeNearest(m int, lists []*nearest) [][2]int32 {
	all := newNearest(m)
	for _, nr := range lists {
		for a := range int32(m) {
			for k := range int(nr.n[a]) {
				all.add(a, nr.c[int(a)*pairNear+k], nr.slack[int(a)*pairNear+k])
			}
		}
	}
	var out [][2]int32
	for a := range int32(m) {
		for _, c := range all.c[int(a)*pairNear : int(a)*pairNear+int(all.n[a])] {
			out = append(out, [2]int32{min(a, c), max(a, c)})
		}
	}
	sortPairs(out)
	return slices.Compact(out)
}

// forWorkers calls f on consecutive chunks of 0..m-1 from the given number
// of goroutines, telling each call which worker runs it.
func forWorkers(m, workers int, f func(worker, lo, hi int)) {
	const chunk = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= m {
					return
				}
				f(w, lo, min(lo+chunk, m))
			}
		}()
	}
	wg.Wait()
}

func comparePairs(p, q [2]int32) int {
	if p[0] != q[0] {
		return int(p[0] - q[0])
	}
	return int(p[1] - q[1])
}

func sortPairs(x [][2]int32) { slices.SortFunc(x, comparePairs) }

// scanRow calls f(c, slack) for every c ≠ a from on whose slack, ra + rest[c]
// − 4·w̃(a,c) (preferences left out) plus 2·z of the top-level blossom if
// a and c share it (the rest of their common z is left to f), is below
// *thr, which f may lower. It is the innermost loop of pricing.
//
// With best not nil, it also keeps in best the greatest 4·w̃ (preferences
// left out) of each person with a compatible partner met in the scan.
func (s *pairSet) scanRow(a, from int, ra int64, top []int32, z2 int64, thr *int64, best []int64, f func(c int, slack int64)) {
	pw := s.pw
	x := s.people[a]
	T, D, G := 4*pw.topic, 4*pw.dept, 4*pw.gap
	people := s.people
	rest := s.rest[:len(people)]
	top = top[:len(people)]
	ta := top[a]
	limit := *thr
	for c := from; c < len(people); c++ {
		y := &people[c]
		var w int64
		if s.bits {
			w = T * int64(bits.OnesCount64(x.topics&y.topics))
		} else {
			w = T * int64(s.p.shared(s.ids[a], s.ids[c]))
		}
		if x.dept != y.dept {
			w += D
		}
		d := x.level - y.level
		w -= G * max(d, -d)
		slack := ra + rest[c] - w
		if top[c] == ta {
			slack += z2
		}
		if slack < limit && c != a {
			f(c, slack)
			limit = *thr
		}
		if best != nil && (w > best[a] || w > best[c]) && c != a && s.p.compatible(s.ids[a], s.ids[c]) {
			best[a], best[c] = max(best[a], w), max(best[c], w)
		}
	}
}

// zIndex answers, for two vertices, the sum of z over the blossoms
// holding both, in constant time. The vertices are put in the order of a
// walk of the blossom forest, so that every blossom holds a run of
// consecutive vertices; between neighbours in that order the answer is
// the running sum of z down to their smallest common blossom, and for any
// two vertices it is the least of those values between them (running sums
// only grow inward), found in a sparse table of minima.
type zIndex struct {
	pos   []int32
	table [][]int64 // table[j][i]: least of gap[i : i+2^j]
}

func newZIndex(e *edmonds) *zIndex {
	n := e.n
	z := &zIndex{pos: make([]int32, n)}
	gap := make([]int64, 0, n)
	var walk func(b int32, sum int64)
	walk = func(b int32, sum int64) {
		if b < n {
			z.pos[b] = int32(len(gap))
			gap = append(gap, 0)
			return
		}
		sum += e.dual[b]
		for i, c := range e.childs[b] {
			if i > 0 {
				gap[len(gap)-1] = sum
			}
			walk(c, sum)
		}
	}
	for b := range 2 * n {
		if e.parent[b] < 0 && (b < n || e.base[b] >= 0) {
			walk(b, 0)
		}
	}
	z.table = append(z.table, gap)
	for w := 1; 2*w <= len(gap); w *= 2 {
		prev := z.table[len(z.table)-1]
		next := make([]int64, len(gap)-2*w+1)
		for i := range next {
			next[i] = min(prev[i], prev[i+w])
		}
		z.table = append(z.table, next)
	}
	return z
}

// common is the sum of z over the blossoms holding both v and w.
func (z *zIndex) common(v, w int32) int64 {
	i, j := z.pos[v], z.pos[w]
	if i > j {
		i, j = j, i
	}
	if i == j {
		return 0
	}
	// gap[i:j] covers the neighbours from v's place to w's.
	k := bits.Len32(uint32(j-i)) - 1
	return min(z.table[k][i], z.table[k][j-1<<k])
}
