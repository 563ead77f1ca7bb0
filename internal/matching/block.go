package matching

import (
	"math"
	"math/bits"
	"slices"
)

// A block is a set of people (all in one time component) that the engine
// solves on its own, with a dense matrix of pair scores and a bit matrix of
// pairwise compatibility. Small instances are one block per time
// component; large components are cut into blocks of about a thousand
// people who are close in time of day and in topics.
type block struct {
	p      *problem
	ids    []int32 // global index of each local person
	m      int
	w      []float32 // m×m pair scores
	exact  bool      // every score in w is exactly w(i,j)
	words  int
	adj    []uint64 // m rows of words bits: pairwise compatible
	deg    []int32  // compatible people in the block
	nbrOff []int32
	nbr    []int32 // best compatible partners, by falling score
	starts [][]span

	// exactBound is set when the block is a whole time component, so that
	// bound holds each person's exact best mean over compatible partners.
	exactBound bool
	bound      []float64
	// hope is the mean score of each person's best min-1 partners in the
	// block: what they would have in their best group.
	hope []float32
}

func (b *block) row(a int32) []float32 { return b.w[int(a)*b.m : int(a+1)*b.m] }

func (b *block) ok(a, c int32) bool {
	return b.adj[int(a)*b.words+int(c>>6)]&(1<<(c&63)) != 0
}

func (b *block) nbrs(a int32) []int32 { return b.nbr[b.nbrOff[a]:b.nbrOff[a+1]] }

// maxNeighbours bounds the neighbour lists that guide moves in large
// blocks: short lists focus the search on the best partners. Blocks of up
// to smallBlock people list every compatible partner.
const (
	maxNeighbours = 16
	smallBlock    = 200
)

// newBlock builds the matrices of a block. local maps a global index to its
// position in its block (valid for every member of this block).
func newBlock(p *problem, ids []int32, local []int32, wholeComponent bool, ar *arena) *block {
	m := len(ids)
	b := &block{p: p, ids: ids, m: m, words: (m + 63) / 64, exact: true}
	b.w = grow(&ar.w, m*m)
	b.adj = grow(&ar.adj, m*b.words)
	b.deg = make([]int32, m)
	b.starts = make([][]span, m)
	for a, g := range ids {
		b.starts[a] = p.starts(g)
	}

	// Topics shared inside the block become bits; topics held by one
	// member of the block can never be shared within it.
	count := map[int32]int32{}
	for _, g := range ids {
		for _, t := range p.topics(g) {
			count[t]++
		}
	}
	var keep []int32
	for t, c := range count {
		if c > 1 {
			keep = append(keep, t)
		}
	}
	slices.Sort(keep)
	tw := (len(keep) + 63) / 64
	var tbits []uint64
	if tw <= 8 {
		tbits = make([]uint64, m*tw)
		for a, g := range ids {
			for _, t := range p.topics(g) {
				if k, ok := slices.BinarySearch(keep, t); ok {
					tbits[a*tw+k>>6] |= 1 << (k & 63)
				}
			}
		}
	}
	wt := &p.wt
	for a := range m {
		ga := ids[a]
		ra := b.w[a*m : a*m+m]
		for c := a + 1; c < m; c++ {
			gc := ids[c]
			var sh int
			if tbits != nil {
				x, y := tbits[a*tw:a*tw+tw], tbits[c*tw:c*tw+tw]
				for k := range x {
					sh += bits.OnesCount64(x[k] & y[k])
				}
			} else {
				sh = p.shared(ga, gc)
			}
			v := baseWeight(wt, sh, p.dept[ga], p.dept[gc], p.level[ga], p.level[gc])
			f := float32(v)
			if float64(f) != v {
				b.exact = false
			}
			ra[c] = f
			b.w[c*m+a] = f
			if p.meet(ga, gc) && !p.line(ga, gc) {
				b.adj[a*b.words+c>>6] |= 1 << (c & 63)
				b.adj[c*b.words+a>>6] |= 1 << (a & 63)
			}
		}
	}
	// Preferences and vetoes are sparse: patch them in.
	for a, g := range ids {
		for _, j := range p.prefs(g) {
			c := local[j]
			if c < 0 || int(c) >= m || ids[c] != j {
				continue
			}
			mutual := contains(p.prefs(j), g)
			if mutual && int(c) < a {
				continue // added once, from the smaller side
			}
			v := p.weight(g, j)
			f := float32(v)
			if float64(f) != v {
				b.exact = false
			}
			b.w[a*m+int(c)] = f
			b.w[int(c)*m+a] = f
		}
		for _, lists := range [2][]int32{p.avoids(g), p.pasts(g)} {
			for _, j := range lists {
				c := local[j]
				if c < 0 || int(c) >= m || ids[c] != j {
					continue
				}
				b.adj[a*b.words+int(c>>6)] &^= 1 << (c & 63)
			}
		}
	}
	for a := range m {
		d := 0
		for _, x := range b.adj[a*b.words : (a+1)*b.words] {
			d += bits.OnesCount64(x)
		}
		b.deg[a] = int32(d)
	}

	// Neighbour lists: the best compatible partners of each person.
	b.nbrOff = make([]int32, m+1)
	b.hope = make([]float32, m)
	var cands []cand
	need := p.min - 1
	if wholeComponent {
		b.exactBound = true
		b.bound = make([]float64, m)
	}
	for a := range m {
		// Keep the best maxNeighbours partners, best first, with an
		// insertion into a short sorted list. Scores tie often (they
		// are small sums); ties go by a hash of the pair, not by index,
		// so that the lists do not all crowd onto the same few people.
		cands = cands[:0]
		limit := maxNeighbours
		if m <= smallBlock {
			limit = m
		}
		ra := b.row(int32(a))
		row := b.adj[a*b.words : (a+1)*b.words]
		for wi, word := range row {
			for word != 0 {
				c := int32(wi*64 + bits.TrailingZeros64(word))
				word &= word - 1
				x := cand{c, ra[c], pairHash(int32(a), c)}
				if len(cands) == limit && !x.before(cands[len(cands)-1]) {
					continue
				}
				if len(cands) < limit {
					cands = append(cands, cand{})
				}
				k := len(cands) - 1
				for k > 0 && x.before(cands[k-1]) {
					cands[k] = cands[k-1]
					k--
				}
				cands[k] = x
			}
		}
		if len(cands) > 0 {
			h := float32(0)
			for _, x := range cands[:min(need, len(cands))] {
				h += x.v
			}
			b.hope[a] = h / float32(min(need, len(cands)))
		}
		if wholeComponent && len(cands) >= need {
			// Mean of the best need partners: no group can do better
			// for this person, since a mean of k values is at most the
			// mean of the best k, which falls as k grows.
			s := 0.0
			for _, x := range cands[:need] {
				s += float64(x.v)
			}
			s /= float64(need)
			if !b.exact {
				// Scores were rounded to float32: leave room for it.
				s += 1e-6 * math.Max(1, math.Abs(s))
			}
			b.bound[a] = max(0, s)
		}
		for _, x := range cands {
			b.nbr = append(b.nbr, x.c)
		}
		b.nbrOff[a+1] = int32(len(b.nbr))
	}
	return b
}

// arena holds the big tables of one worker's blocks, reused from block to
// block so that solving many blocks does not churn the heap.
type arena struct {
	w   []float32
	adj []uint64
	D   []float32
	K   []uint64
}

// grow returns a zeroed slice of length n backed by *buf.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	s := (*buf)[:n]
	clear(s)
	return s
}

// cand is a possible partner in a neighbour list.
type cand struct {
	c int32
	v float32
	h uint32
}

func (x cand) before(y cand) bool { return x.v > y.v || x.v == y.v && x.h < y.h }

// pairHash mixes two indices into a tie-breaker.
func pairHash(a, c int32) uint32 {
	return uint32((uint64(a)*0x9E3779B97F4A7C15 ^ uint64(c)*0xC2B2AE3D27D4EB4F) >> 32)
}
