package matching

import "slices"

// This file finds a maximum-weight matching of a sparse graph with integer
// edge weights by Edmonds' primal–dual blossom algorithm, in the form of
// Galil ("Efficient algorithms for finding maximum matching in graphs",
// 1986): vertex duals u, blossom duals z, edges usable while their slack
// u_i + u_j − 2w is zero, and an alternating forest grown from every
// unmatched vertex at once.
//
// The duals are what proves the result optimal (see Certificate), so they
// are kept exactly, as integers: u counts in halves of a weight unit, z in
// whole units, and every change of the duals is then a whole number.
//
// Departures from the textbook, for speed on large graphs whose weights
// tie a lot:
//
//   - The forest persists. Galil's stages end at an augmenting path and
//     grow the forest again from scratch; here the trees an augmenting path
//     joins are dissolved (cleanup) and the search goes on, the duals
//     changing only while every tree is alive.
//   - One change of the duals acts on every edge it makes tight, and
//     inner blossoms whose z is zero are expanded as soon as they appear,
//     rather than one event per change.
//   - A jump start: each vertex's dual begins at its heaviest edge, and
//     edges tight from the start are matched.
//   - A warm start: after edges are added (extend, repair), the search
//     resumes from the last matching and duals.
//
// The last two leave unmatched vertices with different duals, which the
// algorithm allows as long as they are all even (see jumpStart), but then
// only a graph with a perfect matching is sure to end optimal (see run);
// otherwise the search starts again from Galil's start.

// wgraph is a graph with integer edge weights. Edge k has endpoints 2k
// and 2k+1; end[p] is the vertex at endpoint p, so p^1 is the other end.
type wgraph struct {
	n   int
	end []int32
	w   []int64
	off []int32 // adj[off[v]:off[v+1]]: the remote endpoints of v's edges
	adj []int32
}

// newWGraph builds a graph on n vertices from edges (u[k], v[k]) of
// weight w[k], u[k] ≠ v[k], each edge listed once.
func newWGraph(n int, u, v []int32, w []int64) *wgraph {
	m := len(w)
	g := &wgraph{n: n, end: make([]int32, 2*m), w: w, off: make([]int32, n+1), adj: make([]int32, 2*m)}
	for k := range m {
		g.end[2*k], g.end[2*k+1] = u[k], v[k]
		g.off[u[k]+1]++
		g.off[v[k]+1]++
	}
	for i := range n {
		g.off[i+1] += g.off[i]
	}
	fill := slices.Clone(g.off[:n])
	for k := range m {
		a, b := u[k], v[k]
		g.adj[fill[a]] = int32(2*k + 1)
		fill[a]++
		g.adj[fill[b]] = int32(2 * k)
		fill[b]++
	}
	return g
}

// Labels of top-level blossoms in the forest of a stage.
const (
	free  int8 = 0
	outer int8 = 1 // S: even distance from a root
	inner int8 = 2 // T: odd distance
	crumb int8 = 4 // marks the path of scanBlossom
)

// edmonds is the state of the algorithm. Blossoms are numbered n..2n-1;
// ids below n are single vertices, which count as trivial blossoms.
type edmonds struct {
	g *wgraph
	n int32

	mate      []int32 // remote endpoint of v's matched edge, or -1
	label     []int8  // per blossom, and per vertex inside an inner blossom
	labelEnd  []int32 // endpoint through which a blossom got its label
	inBlossom []int32 // top-level blossom of each vertex
	parent    []int32 // enclosing blossom, or -1
	childs    [][]int32
	base      []int32   // base vertex of a blossom; -1 for an unused id
	endps     [][]int32 // endps[b][i] joins childs[b][i] to childs[b][i+1]
	bestEdge  []int32   // least-slack edge to an outer blossom (see scan)
	bestEdges [][]int32 // per outer blossom: least-slack edges to other outer blossoms
	hasBest   []bool    // bestEdges[b] is computed
	unused    []int32
	dual      []int64 // u for vertices, z for blossoms
	allow     []bool  // edge known to be tight this stage
	queue     []int32 // outer vertices whose edges are to be scanned
	zeroInner []int32 // inner blossoms that may have z = 0
	labelled  []int32 // top-level blossoms labelled in the search (some since merged or freed)
	// lowered marks the vertices whose dual has fallen since it was last
	// cleared: only an edge at such a vertex can have lost slack (an
	// inner blossom's z falls only while its vertices' duals rise by as
	// much).
	lowered []int64
	tree    []int32 // root vertex of a labelled top-level blossom's tree
	dead    []bool  // per root: its tree was used by an augmenting path
	bestTo  []int32 // scratch of addBlossom, all -1 between uses
	leaves  []int32 // scratch
}

// newEdmonds sets up the algorithm on g with no edge matched and every
// vertex dual equal to the largest weight: Galil's start, from which the
// algorithm ends with a maximum-weight matching whatever the graph.
func newEdmonds(g *wgraph) *edmonds {
	n := int32(g.n)
	e := &edmonds{
		g: g, n: n,
		mate: make([]int32, n), label: make([]int8, 2*n), labelEnd: make([]int32, 2*n),
		inBlossom: make([]int32, n), parent: make([]int32, 2*n), childs: make([][]int32, 2*n),
		base: make([]int32, 2*n), endps: make([][]int32, 2*n), bestEdge: make([]int32, 2*n),
		bestEdges: make([][]int32, 2*n), hasBest: make([]bool, 2*n), dual: make([]int64, 2*n),
		allow: make([]bool, len(g.w)), tree: make([]int32, 2*n), dead: make([]bool, n),
		bestTo: make([]int32, 2*n), lowered: make([]int64, n),
	}
	maxW := int64(0)
	for _, w := range g.w {
		maxW = max(maxW, w)
	}
	for v := range n {
		e.mate[v] = -1
		e.inBlossom[v] = v
		e.base[v] = v
		e.dual[v] = maxW
	}
	for b := n; b < 2*n; b++ {
		e.base[b] = -1
		e.unused = append(e.unused, b)
	}
	for b := range 2 * n {
		e.parent[b] = -1
		e.bestTo[b] = -1
	}
	return e
}

// jumpStart lowers each vertex's dual to its heaviest edge's weight
// (rounded up to even) and matches the edges that are then tight (each
// the heaviest of both its ends), in vertex order. The unmatched vertices
// then start with different duals, which the stages allow as long as they
// are all even: every root then changes by the same amounts, so the slack
// between two outer vertices stays even and half of it is whole. But only
// a graph with a perfect matching is sure to end with every vertex
// matched rather than with an unmatched vertex whose dual is above zero
// (see run). With even weights the rounding changes nothing.
func (e *edmonds) jumpStart() {
	g := e.g
	for v := range e.n {
		best := int64(0)
		for _, p := range g.adj[g.off[v]:g.off[v+1]] {
			best = max(best, g.w[p>>1])
		}
		e.dual[v] = best + best&1
	}
	for v := range e.n {
		if e.mate[v] >= 0 {
			continue
		}
		for _, p := range g.adj[g.off[v]:g.off[v+1]] {
			if w := g.end[p]; e.mate[w] < 0 && e.slack(p>>1) == 0 {
				e.mate[v], e.mate[w] = p, p^1
				break
			}
		}
	}
}

// run improves the matching stage by stage until the duals prove it
// optimal. It returns false if stop said to give up, or if the vertex
// duals reached zero while an unmatched vertex's dual is above zero,
// which only a start other than Galil's can lead to.
func (e *edmonds) run(stop func() bool) bool {
	e.search(stop)
	if stop() {
		return false
	}
	for v := range e.n {
		if e.mate[v] < 0 && e.dual[v] != 0 {
			return false
		}
	}
	return true
}

// maxWeightMatching returns a maximum-weight matching of g with its
// optimal duals, or nil if stop says to give up. Every weight must be
// positive and twice the largest must fit an int64 with room to spare.
func maxWeightMatching(g *wgraph, stop func() bool) *edmonds {
	e := newEdmonds(g)
	e.jumpStart()
	if e.run(stop) {
		return e
	}
	if stop() {
		return nil
	}
	e = newEdmonds(g)
	if !e.run(stop) {
		return nil
	}
	return e
}

// slack is u_i + u_j − 2w of edge k (blossom duals not included: it is
// only asked of edges between different top-level blossoms).
func (e *edmonds) slack(k int32) int64 {
	return e.dual[e.g.end[2*k]] + e.dual[e.g.end[2*k+1]] - 2*e.g.w[k]
}

// appendLeaves appends the vertices inside blossom b.
func (e *edmonds) appendLeaves(dst []int32, b int32) []int32 {
	if b < e.n {
		return append(dst, b)
	}
	for _, c := range e.childs[b] {
		dst = e.appendLeaves(dst, c)
	}
	return dst
}

// assignLabel labels the top-level blossom of w with t, reached through
// endpoint p (-1 for a root), and labels the mate of an inner blossom
// outer.
func (e *edmonds) assignLabel(w int32, t int8, p int32) {
	b := e.inBlossom[w]
	e.label[w], e.label[b] = t, t
	e.labelEnd[w], e.labelEnd[b] = p, p
	e.bestEdge[w], e.bestEdge[b] = -1, -1
	if p < 0 {
		e.tree[b] = w
	} else {
		e.tree[b] = e.tree[e.inBlossom[e.g.end[p]]]
	}
	e.labelled = append(e.labelled, b)
	if t == outer {
		e.queue = e.appendLeaves(e.queue, b)
		return
	}
	if b >= e.n && e.dual[b] == 0 {
		e.zeroInner = append(e.zeroInner, b)
	}
	m := e.mate[e.base[b]]
	e.assignLabel(e.g.end[m], outer, m^1)
}

// scanBlossom walks up the trees from v and w together and returns the
// base of their first common blossom, or -1 if they are in different
// trees (an augmenting path).
func (e *edmonds) scanBlossom(v, w int32) int32 {
	var path []int32
	found := int32(-1)
	for v >= 0 || w >= 0 {
		b := e.inBlossom[v]
		if e.label[b]&crumb != 0 {
			found = e.base[b]
			break
		}
		path = append(path, b)
		e.label[b] = outer | crumb
		if e.labelEnd[b] < 0 {
			v = -1
		} else {
			v = e.g.end[e.labelEnd[b]]
			b = e.inBlossom[v]
			v = e.g.end[e.labelEnd[b]]
		}
		if w >= 0 {
			v, w = w, v
		}
	}
	for _, b := range path {
		e.label[b] = outer
	}
	return found
}

// addBlossom shrinks the odd cycle closed by edge k, whose endpoints'
// trees meet at the blossom with base vertex bs, into a new outer
// blossom.
func (e *edmonds) addBlossom(bs, k int32) {
	g := e.g
	v, w := g.end[2*k], g.end[2*k+1]
	bb, bv, bw := e.inBlossom[bs], e.inBlossom[v], e.inBlossom[w]
	b := e.unused[len(e.unused)-1]
	e.unused = e.unused[:len(e.unused)-1]
	e.base[b] = bs
	e.parent[b] = -1
	e.parent[bb] = b
	path := e.childs[b][:0]
	endps := e.endps[b][:0]
	for bv != bb {
		e.parent[bv] = b
		path = append(path, bv)
		endps = append(endps, e.labelEnd[bv])
		v = g.end[e.labelEnd[bv]]
		bv = e.inBlossom[v]
	}
	path = append(path, bb)
	slices.Reverse(path)
	slices.Reverse(endps)
	endps = append(endps, 2*k)
	for bw != bb {
		e.parent[bw] = b
		path = append(path, bw)
		endps = append(endps, e.labelEnd[bw]^1)
		w = g.end[e.labelEnd[bw]]
		bw = e.inBlossom[w]
	}
	e.childs[b], e.endps[b] = path, endps
	e.label[b] = outer
	e.labelEnd[b] = e.labelEnd[bb]
	e.tree[b] = e.tree[bb]
	e.labelled = append(e.labelled, b)
	e.dual[b] = 0
	e.leaves = e.appendLeaves(e.leaves[:0], b)
	for _, x := range e.leaves {
		if e.label[e.inBlossom[x]] == inner {
			// An inner vertex becomes outer: its edges are scanned now.
			e.queue = append(e.queue, x)
		}
		e.inBlossom[x] = b
	}
	// The least-slack edge from the new blossom to each other outer
	// blossom, from the children's lists (or their edges).
	var touched []int32
	consider := func(k int32) {
		i, j := g.end[2*k], g.end[2*k+1]
		if e.inBlossom[j] == b {
			i, j = j, i
		}
		bj := e.inBlossom[j]
		if bj != b && e.label[bj] == outer {
			if t := e.bestTo[bj]; t < 0 {
				e.bestTo[bj] = k
				touched = append(touched, bj)
			} else if e.slack(k) < e.slack(t) {
				e.bestTo[bj] = k
			}
		}
	}
	for _, c := range path {
		if e.hasBest[c] {
			for _, k := range e.bestEdges[c] {
				consider(k)
			}
		} else {
			e.leaves = e.appendLeaves(e.leaves[:0], c)
			for _, x := range e.leaves {
				for _, p := range g.adj[g.off[x]:g.off[x+1]] {
					consider(p >> 1)
				}
			}
		}
		e.bestEdges[c], e.hasBest[c] = nil, false
		e.bestEdge[c] = -1
	}
	slices.Sort(touched) // a fixed order, whatever the order of discovery
	best := e.bestEdges[b][:0]
	e.bestEdge[b] = -1
	for _, bj := range touched {
		k := e.bestTo[bj]
		e.bestTo[bj] = -1
		best = append(best, k)
		if e.bestEdge[b] < 0 || e.slack(k) < e.slack(e.bestEdge[b]) {
			e.bestEdge[b] = k
		}
	}
	e.bestEdges[b], e.hasBest[b] = best, true
}

// expandBlossom dissolves top-level inner blossom b into its children,
// relabelled so that the forest stays alternating: the path from the
// child where b was entered to its base keeps alternating labels, and the
// other children become free unless one of their vertices was reached
// from outside.
func (e *edmonds) expandBlossom(b int32) {
	g := e.g
	for _, s := range e.childs[b] {
		e.parent[s] = -1
		if s < e.n {
			e.inBlossom[s] = s
			continue
		}
		e.leaves = e.appendLeaves(e.leaves[:0], s)
		for _, x := range e.leaves {
			e.inBlossom[x] = s
		}
	}
	ch := e.childs[b]
	entry := e.inBlossom[g.end[e.labelEnd[b]^1]]
	j := int32(slices.Index(ch, entry))
	var step, trick int32
	if j&1 != 0 {
		j -= int32(len(ch))
		step, trick = 1, 0
	} else {
		step, trick = -1, 1
	}
	at := func(j int32) int32 { // ch and endps wrap around
		if j < 0 {
			j += int32(len(ch))
		}
		return j
	}
	p := e.labelEnd[b]
	for j != 0 {
		e.label[g.end[p^1]] = free
		e.label[g.end[e.endps[b][at(j-trick)]^trick^1]] = free
		e.assignLabel(g.end[p^1], inner, p)
		e.allow[e.endps[b][at(j-trick)]>>1] = true
		j += step
		p = e.endps[b][at(j-trick)] ^ trick
		e.allow[p>>1] = true
		j += step
	}
	bv := ch[at(j)]
	e.label[g.end[p^1]], e.label[bv] = inner, inner
	e.labelEnd[g.end[p^1]], e.labelEnd[bv] = p, p
	e.tree[bv] = e.tree[b]
	e.labelled = append(e.labelled, bv)
	e.bestEdge[bv] = -1
	if bv >= e.n && e.dual[bv] == 0 {
		e.zeroInner = append(e.zeroInner, bv)
	}
	j += step
	for ch[at(j)] != entry {
		bv = ch[at(j)]
		if e.label[bv] == outer {
			// Labelled by the path above.
			j += step
			continue
		}
		e.leaves = e.appendLeaves(e.leaves[:0], bv)
		reached := int32(-1)
		for _, x := range e.leaves {
			if e.label[x] != free {
				reached = x
				break
			}
		}
		if reached >= 0 {
			e.label[reached] = free
			e.label[g.end[e.mate[e.base[bv]]]] = free
			e.assignLabel(reached, inner, e.labelEnd[reached])
		}
		j += step
	}
	e.label[b], e.labelEnd[b] = free, -1
	e.childs[b], e.endps[b] = e.childs[b][:0], e.endps[b][:0]
	e.base[b] = -1
	e.bestEdges[b], e.hasBest[b] = nil, false
	e.bestEdge[b] = -1
	e.unused = append(e.unused, b)
}

// augmentBlossom flips the matching along the even path inside blossom b
// from vertex v to the base, and makes v's child the base.
func (e *edmonds) augmentBlossom(b, v int32) {
	g := e.g
	t := v
	for e.parent[t] != b {
		t = e.parent[t]
	}
	if t >= e.n {
		e.augmentBlossom(t, v)
	}
	ch := e.childs[b]
	i := int32(slices.Index(ch, t))
	j := i
	var step, trick int32
	if i&1 != 0 {
		j -= int32(len(ch))
		step, trick = 1, 0
	} else {
		step, trick = -1, 1
	}
	at := func(j int32) int32 {
		if j < 0 {
			j += int32(len(ch))
		}
		return j
	}
	for j != 0 {
		j += step
		t = ch[at(j)]
		p := e.endps[b][at(j-trick)] ^ trick
		if t >= e.n {
			e.augmentBlossom(t, g.end[p])
		}
		j += step
		t = ch[at(j)]
		if t >= e.n {
			e.augmentBlossom(t, g.end[p^1])
		}
		e.mate[g.end[p]] = p ^ 1
		e.mate[g.end[p^1]] = p
	}
	rotate(ch, int(i))
	rotate(e.endps[b], int(i))
	e.base[b] = e.base[ch[0]]
}

// rotate moves s[i] to the front, in place, keeping the cyclic order.
func rotate(s []int32, i int) {
	slices.Reverse(s[:i])
	slices.Reverse(s[i:])
	slices.Reverse(s)
}

// augmentMatching flips the matching along the path through edge k from
// one root to another.
func (e *edmonds) augmentMatching(k int32) {
	g := e.g
	for _, sp := range [2][2]int32{{g.end[2*k], 2*k + 1}, {g.end[2*k+1], 2 * k}} {
		s, p := sp[0], sp[1]
		for {
			bs := e.inBlossom[s]
			if bs >= e.n {
				e.augmentBlossom(bs, s)
			}
			e.mate[s] = p
			if e.labelEnd[bs] < 0 {
				break
			}
			t := g.end[e.labelEnd[bs]]
			bt := e.inBlossom[t]
			s = g.end[e.labelEnd[bt]]
			j := g.end[e.labelEnd[bt]^1]
			if bt >= e.n {
				e.augmentBlossom(bt, j)
			}
			e.mate[j] = e.labelEnd[bt]
			p = e.labelEnd[bt] ^ 1
		}
	}
}

// search grows the forest from every unmatched vertex, changing the
// duals as needed, and augments the matching along every path it finds,
// until the duals prove the matching optimal. The trees an augmenting
// path joins are dissolved (cleanup); the others go on growing.
func (e *edmonds) search(stop func() bool) {
	g := e.g
	n := e.n
	if n == 0 {
		return
	}
	clear(e.label)
	for b := range 2 * n {
		e.bestEdge[b] = -1
	}
	for b := range 2 * n {
		e.bestEdges[b], e.hasBest[b] = e.bestEdges[b][:0], false
	}
	clear(e.allow)
	clear(e.dead)
	e.queue = e.queue[:0]
	e.zeroInner = e.zeroInner[:0]
	e.labelled = e.labelled[:0]
	for v := range n {
		if e.mate[v] < 0 && e.label[e.inBlossom[v]] == free {
			e.assignLabel(v, outer, -1)
		}
	}
	augmented := false
	for {
		for e.expandZeroInner(); len(e.queue) > 0; e.expandZeroInner() {
			v := e.queue[len(e.queue)-1]
			e.queue = e.queue[:len(e.queue)-1]
			bv := e.inBlossom[v]
			if e.label[bv] != outer || e.dead[e.tree[bv]] {
				continue
			}
			for _, p := range g.adj[g.off[v]:g.off[v+1]] {
				k := p >> 1
				w := g.end[p]
				bw := e.inBlossom[w]
				if bv == bw {
					continue
				}
				lw := e.label[bw]
				if lw != free && e.dead[e.tree[bw]] {
					continue
				}
				var ks int64
				if !e.allow[k] {
					if ks = e.slack(k); ks <= 0 {
						e.allow[k] = true
					}
				}
				switch {
				case e.allow[k] && lw == free:
					e.assignLabel(w, inner, p^1)
				case e.allow[k] && lw == outer:
					if bs := e.scanBlossom(v, w); bs >= 0 {
						e.addBlossom(bs, k)
					} else {
						rv, rw := e.tree[bv], e.tree[bw]
						e.augmentMatching(k)
						e.dead[rv], e.dead[rw] = true, true
						augmented = true
					}
				case e.allow[k] && e.label[w] == free:
					// w is inside an inner blossom and now reached:
					// needed to relabel the blossom if it expands.
					e.label[w] = inner
					e.labelEnd[w] = p ^ 1
				case !e.allow[k] && lw == outer:
					e.bestEdges[bv], e.hasBest[bv] = append(e.bestEdges[bv], k), true
					if t := e.bestEdge[bv]; t < 0 || ks < e.slack(t) {
						e.bestEdge[bv] = k
					}
				case !e.allow[k] && e.label[w] == free:
					if t := e.bestEdge[w]; t < 0 || ks < e.slack(t) {
						e.bestEdge[w] = k
					}
				}
				if e.dead[e.tree[e.inBlossom[v]]] {
					break // v's tree was just used
				}
				bv = e.inBlossom[v] // a new blossom may hold v now
			}
		}
		if augmented {
			// The duals change only while every tree is alive.
			e.cleanup()
			augmented = false
			if stop() {
				return
			}
			continue
		}
		if !e.adjustDuals() {
			return
		}
	}
}

// cleanup dissolves the trees that augmenting paths used: their blossoms
// become free, their edges are no longer known to be tight (the duals
// at their ends will change differently from now on), and each freed
// vertex finds its least-slack edge to the outer vertices that remain,
// or, if one is tight, has that outer vertex scan it again.
func (e *edmonds) cleanup() {
	g := e.g
	freed := e.leaves[:0]
	kept := e.labelled[:0]
	for _, b := range e.labelled {
		if e.parent[b] >= 0 || e.label[b] == free || b >= e.n && e.base[b] < 0 {
			continue // inside a newer blossom, freed, or expanded
		}
		if !e.dead[e.tree[b]] {
			kept = append(kept, b)
			continue
		}
		freed = e.unlabel(freed, b)
	}
	e.labelled = kept
	for _, v := range freed {
		e.dead[v] = false
	}
	for _, v := range freed {
		for _, p := range g.adj[g.off[v]:g.off[v+1]] {
			k := p >> 1
			e.allow[k] = false
			x := g.end[p]
			if bx := e.inBlossom[x]; bx != x && e.label[bx] == inner && e.label[x] == inner && g.end[e.labelEnd[x]] == v {
				// v had reached x inside an inner blossom: if the
				// blossom expands, x must not join v's old tree.
				e.reach(x)
			}
			if e.label[e.inBlossom[x]] != outer {
				continue
			}
			if s := e.slack(k); s == 0 {
				e.tighten(k)
			} else if t := e.bestEdge[v]; t < 0 || s < e.slack(t) {
				e.bestEdge[v] = k
			}
		}
	}
	e.leaves = freed
}

// adjustDuals makes the largest change of the duals that keeps them
// feasible, which makes an edge tight or an inner blossom's z zero, and
// acts on it. It returns false when the change is limited by the vertex
// duals reaching zero: then the matching is optimal.
func (e *edmonds) adjustDuals() bool {
	n := e.n
	// 1: the least vertex dual (those of unmatched vertices, which are
	// all equal and least); the matching is optimal when it reaches 0.
	kind, delta := 1, e.dual[0]
	for v := range n {
		delta = min(delta, e.dual[v])
	}
	var dk, db int32 = -1, -1
	// 2: the least slack from a free vertex to an outer one.
	for v := range n {
		if e.label[e.inBlossom[v]] == free && e.bestEdge[v] >= 0 {
			if !e.outerEnd(e.bestEdge[v], v) {
				e.refreshFree(v)
				if e.bestEdge[v] < 0 {
					continue
				}
			}
			if d := e.slack(e.bestEdge[v]); d < delta {
				kind, delta, dk = 2, d, e.bestEdge[v]
			}
		}
	}
	// 3: half the least slack between two outer blossoms (even: the
	// duals of outer vertices share a parity).
	for b := range 2 * n {
		if e.parent[b] < 0 && e.label[b] == outer && e.bestEdge[b] >= 0 && (b < n || e.base[b] >= 0) {
			if !e.betweenOuter(e.bestEdge[b]) {
				e.refreshOuter(b)
				if e.bestEdge[b] < 0 {
					continue
				}
			}
			if d := e.slack(e.bestEdge[b]) / 2; d < delta {
				kind, delta, dk = 3, d, e.bestEdge[b]
			}
		}
	}
	// 4: the least z of an inner blossom.
	for b := n; b < 2*n; b++ {
		if e.base[b] >= 0 && e.parent[b] < 0 && e.label[b] == inner && e.dual[b] < delta {
			kind, delta, db = 4, e.dual[b], b
		}
	}
	for v := range n {
		switch e.label[e.inBlossom[v]] {
		case outer:
			e.dual[v] -= delta
			e.lowered[v] += delta
		case inner:
			e.dual[v] += delta
		}
	}
	for b := n; b < 2*n; b++ {
		if e.base[b] >= 0 && e.parent[b] < 0 {
			switch e.label[b] {
			case outer:
				e.dual[b] += delta
			case inner:
				e.dual[b] -= delta
			}
		}
	}
	if kind == 1 {
		return false
	}
	// Weights tie a lot, so one change of the duals often makes many
	// edges tight at once: act on all of them, not only the one that
	// limited the change, or each would cost another pass over the
	// vertices for a change of zero.
	for v := range n {
		if k := e.bestEdge[v]; k >= 0 && e.label[e.inBlossom[v]] == free && e.slack(k) == 0 && e.outerEnd(k, v) {
			e.tighten(k)
		}
	}
	for b := range 2 * n {
		if k := e.bestEdge[b]; k >= 0 && e.parent[b] < 0 && e.label[b] == outer && (b < n || e.base[b] >= 0) && e.slack(k) == 0 && e.betweenOuter(k) {
			e.tighten(k)
		}
	}
	switch kind {
	case 2, 3:
		e.tighten(dk)
	case 4:
		e.expandBlossom(db)
	}
	return true
}

// expandZeroInner expands the inner blossoms whose z is zero, which
// assignLabel collects: each would otherwise cost a change of the duals
// by zero. Expanding one may relabel others, so each is checked again.
func (e *edmonds) expandZeroInner() {
	for len(e.zeroInner) > 0 {
		b := e.zeroInner[len(e.zeroInner)-1]
		e.zeroInner = e.zeroInner[:len(e.zeroInner)-1]
		if e.base[b] >= 0 && e.parent[b] < 0 && e.label[b] == inner && e.dual[b] == 0 && !e.dead[e.tree[b]] {
			e.expandBlossom(b)
		}
	}
}

// reach marks x, inside an inner blossom, as reached through a tight
// edge from an outer vertex if it has one, and as not reached otherwise.
func (e *edmonds) reach(x int32) {
	g := e.g
	e.label[x], e.labelEnd[x] = free, -1
	for _, p := range g.adj[g.off[x]:g.off[x+1]] {
		if y := g.end[p]; e.label[e.inBlossom[y]] == outer && e.inBlossom[y] != e.inBlossom[x] && e.slack(p>>1) == 0 {
			e.label[x], e.labelEnd[x] = inner, p
			return
		}
	}
}

// unlabel clears the labels of blossom b and of every blossom and vertex
// inside it (an expansion reads its children's labels), and appends its
// vertices to dst.
func (e *edmonds) unlabel(dst []int32, b int32) []int32 {
	e.label[b], e.labelEnd[b] = free, -1
	e.bestEdge[b] = -1
	e.bestEdges[b], e.hasBest[b] = e.bestEdges[b][:0], false
	if b < e.n {
		return append(dst, b)
	}
	for _, c := range e.childs[b] {
		dst = e.unlabel(dst, c)
	}
	return dst
}

// outerEnd reports whether edge k joins v to an outer vertex: a free
// vertex's least-slack edge may lead to a tree dissolved since.
func (e *edmonds) outerEnd(k, v int32) bool {
	x := e.g.end[2*k]
	if x == v {
		x = e.g.end[2*k+1]
	}
	return e.label[e.inBlossom[x]] == outer
}

// refreshFree finds the free vertex v's least-slack edge to an outer
// vertex again.
func (e *edmonds) refreshFree(v int32) {
	g := e.g
	e.bestEdge[v] = -1
	for _, p := range g.adj[g.off[v]:g.off[v+1]] {
		if e.label[e.inBlossom[g.end[p]]] != outer {
			continue
		}
		if t := e.bestEdge[v]; t < 0 || e.slack(p>>1) < e.slack(t) {
			e.bestEdge[v] = p >> 1
		}
	}
}

// betweenOuter reports whether edge k joins two different outer
// blossoms.
func (e *edmonds) betweenOuter(k int32) bool {
	bi, bj := e.inBlossom[e.g.end[2*k]], e.inBlossom[e.g.end[2*k+1]]
	return bi != bj && e.label[bi] == outer && e.label[bj] == outer
}

// refreshOuter drops the edges of outer blossom b's list that no longer
// join it to another outer blossom and takes the least-slack one left:
// every edge between two outer blossoms is in the list of at least one
// of them (the one whose vertex was scanned later).
func (e *edmonds) refreshOuter(b int32) {
	kept := e.bestEdges[b][:0]
	e.bestEdge[b] = -1
	for _, k := range e.bestEdges[b] {
		if !e.betweenOuter(k) {
			continue
		}
		kept = append(kept, k)
		if t := e.bestEdge[b]; t < 0 || e.slack(k) < e.slack(t) {
			e.bestEdge[b] = k
		}
	}
	e.bestEdges[b] = kept
}

// tighten marks edge k, which the duals have made tight, as usable and
// queues an outer end to scan it.
func (e *edmonds) tighten(k int32) {
	if e.allow[k] {
		return
	}
	e.allow[k] = true
	i := e.g.end[2*k]
	if e.label[e.inBlossom[i]] != outer {
		i = e.g.end[2*k+1]
	}
	e.queue = append(e.queue, i)
}

// extend replaces the graph with g, which holds the old graph's edges
// under the same numbers and more after them; the matching, duals and
// blossoms stay.
func (e *edmonds) extend(g *wgraph) {
	e.g = g
	e.allow = make([]bool, len(g.w))
}

// dissolve turns top-level blossom b into its children and adds its z to
// the duals of its vertices: an edge inside b keeps its slack, one
// leaving it gains. So the base's matched edge, which leaves b, is no
// longer tight if z was above zero, and is unmatched.
func (e *edmonds) dissolve(b int32) {
	z := e.dual[b]
	bs := e.base[b]
	e.leaves = e.appendLeaves(e.leaves[:0], b)
	for _, x := range e.leaves {
		e.dual[x] += z
	}
	for _, s := range e.childs[b] {
		e.parent[s] = -1
		if s < e.n {
			e.inBlossom[s] = s
			continue
		}
		e.leaves = e.appendLeaves(e.leaves[:0], s)
		for _, x := range e.leaves {
			e.inBlossom[x] = s
		}
	}
	e.label[b], e.labelEnd[b] = free, -1
	e.childs[b], e.endps[b] = e.childs[b][:0], e.endps[b][:0]
	e.base[b] = -1
	e.dual[b] = 0
	e.bestEdges[b], e.hasBest[b] = nil, false
	e.bestEdge[b] = -1
	e.unused = append(e.unused, b)
	if z > 0 && e.mate[bs] >= 0 {
		e.unmatch(bs)
	}
}

// unmatch leaves v and its mate unmatched.
func (e *edmonds) unmatch(v int32) {
	m := e.g.end[e.mate[v]]
	e.mate[v], e.mate[m] = -1, -1
}

// release dissolves the blossoms holding v and leaves v unmatched, so
// that its dual may rise freely.
func (e *edmonds) release(v int32) {
	for e.inBlossom[v] != v {
		e.dissolve(e.inBlossom[v])
	}
	if e.mate[v] >= 0 {
		e.unmatch(v)
	}
}

// repair makes the duals feasible for the edges added by extend: the
// vertex at one end of each edge of check with negative slack is released
// and its dual raised (the other added edges must already have slack).
// The unmatched vertices are then made single vertices with even duals,
// as the search needs (see jumpStart), and run takes it from there.
func (e *edmonds) repair(check []int32) {
	g := e.g
	for _, k := range check {
		a := g.end[2*k]
		if e.edgeSlack(k) >= 0 {
			continue
		}
		e.release(a)
		if s := e.edgeSlack(k); s < 0 {
			e.dual[a] -= s
		}
	}
	for v := range e.n {
		if e.mate[v] < 0 && e.dual[v]&1 != 0 {
			for e.inBlossom[v] != v {
				e.dissolve(e.inBlossom[v])
			}
			e.dual[v] += e.dual[v] & 1
		}
	}
}

// edgeSlack is the slack of edge k with the z of the blossoms holding
// both ends.
func (e *edmonds) edgeSlack(k int32) int64 {
	v, w := e.g.end[2*k], e.g.end[2*k+1]
	if e.inBlossom[v] != e.inBlossom[w] {
		return e.slack(k)
	}
	return e.slack(k) + 2*e.commonZ(v, w)
}

// commonZ is the sum of z over the blossoms holding both vertices.
func (e *edmonds) commonZ(v, w int32) int64 {
	depth := func(b int32) int {
		d := 0
		for ; b >= 0; b = e.parent[b] {
			d++
		}
		return d
	}
	x, y := e.parent[v], e.parent[w]
	dx, dy := depth(x), depth(y)
	for dx > dy {
		x, dx = e.parent[x], dx-1
	}
	for dy > dx {
		y, dy = e.parent[y], dy-1
	}
	for x != y {
		x, y = e.parent[x], e.parent[y]
	}
	z := int64(0)
	for ; x >= 0; x = e.parent[x] {
		z += e.dual[x]
	}
	return z
}
