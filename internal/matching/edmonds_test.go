package matching

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// bestMatching is the weight of a maximum-weight matching of a graph of at
// most 20 vertices given as a weight matrix (0: no edge), by dynamic
// programming over vertex subsets.
func bestMatching(n int, w [][]int64) int64 {
	f := make([]int64, 1<<n)
	for mask := 1; mask < 1<<n; mask++ {
		low := bits.TrailingZeros(uint(mask))
		rest := mask &^ (1 << low)
		best := f[rest]
		for x := rest; x != 0; x &= x - 1 {
			j := bits.TrailingZeros(uint(x))
			if w[low][j] > 0 {
				best = max(best, w[low][j]+f[rest&^(1<<j)])
			}
		}
		f[mask] = best
	}
	return f[1<<n-1]
}

// checkDuals checks the duals left by the algorithm: feasible, tight on
// matched edges, zero on unmatched vertices, and the blossoms laminar.
func checkDuals(t *testing.T, g *wgraph, e *edmonds) {
	t.Helper()
	n := int32(g.n)
	for v := range n {
		if e.dual[v] < 0 {
			t.Fatalf("vertex %d has dual %d", v, e.dual[v])
		}
		if e.mate[v] < 0 && e.dual[v] != 0 {
			t.Fatalf("unmatched vertex %d has dual %d", v, e.dual[v])
		}
	}
	// Blossoms holding a vertex, innermost first.
	chain := func(v int32) []int32 {
		var c []int32
		for b := e.parent[v]; b >= 0; b = e.parent[b] {
			c = append(c, b)
		}
		return c
	}
	for k := range int32(len(g.w)) {
		i, j := g.end[2*k], g.end[2*k+1]
		s := e.dual[i] + e.dual[j] - 2*g.w[k]
		ci := chain(i)
		for _, b := range chain(j) {
			for _, c := range ci {
				if b == c {
					if e.dual[b] < 0 {
						t.Fatalf("blossom %d has dual %d", b, e.dual[b])
					}
					s += 2 * e.dual[b]
				}
			}
		}
		if s < 0 {
			t.Fatalf("edge %d (%d, %d) has slack %d", k, i, j, s)
		}
		matched := e.mate[i] == 2*k+1
		if matched != (e.mate[j] == 2*k) {
			t.Fatalf("edge %d matched on one side only", k)
		}
		if matched && s != 0 {
			t.Fatalf("matched edge %d has slack %d", k, s)
		}
	}
}

func TestMaxWeightMatchingSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		n := 1 + rng.IntN(14)
		density := rng.Float64()
		levels := 1 + rng.IntN(20)
		wm := make([][]int64, n)
		for i := range wm {
			wm[i] = make([]int64, n)
		}
		var u, v []int32
		var w []int64
		for i := range n {
			for j := i + 1; j < n; j++ {
				if rng.Float64() < density {
					x := int64(1 + rng.IntN(levels))
					wm[i][j], wm[j][i] = x, x
					u, v, w = append(u, int32(i)), append(v, int32(j)), append(w, x)
				}
			}
		}
		g := newWGraph(n, u, v, w)
		e := maxWeightMatching(g, func() bool { return false })
		got := int64(0)
		for k := range int32(len(w)) {
			if e.mate[g.end[2*k]] == 2*k+1 {
				got += w[k]
			}
		}
		if want := bestMatching(n, wm); got != want {
			t.Fatalf("iteration %d: n %d: weight %d, want %d", iter, n, got, want)
		}
		checkDuals(t, g, e)
	}
}

// TestMaxWeightMatchingWarm solves a random part of each graph, then adds
// the other edges in a few batches, repairing the duals each time as the
// exact pairing does after pricing, and compares with brute force. Half
// the graphs are built as the pairing builds them: weights 2·(C + w̃)
// with a large offset C and w̃ of either sign, and a dummy vertex joined
// to everyone when the vertices are odd in number.
func TestMaxWeightMatchingWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	never := func() bool { return false }
	for iter := range 6000 {
		n := 2 + rng.IntN(13)
		density := rng.Float64()
		levels := 1 + rng.IntN(20)
		offset := iter%2 == 1
		C := int64(n*levels + 1)
		wm := make([][]int64, n+1)
		for i := range wm {
			wm[i] = make([]int64, n+1)
		}
		var u, v []int32
		var w []int64
		for i := range n {
			for j := i + 1; j < n; j++ {
				if rng.Float64() < density {
					x := 2 * int64(1+rng.IntN(levels))
					if offset {
						x = 2 * (C + int64(rng.IntN(levels)-levels/2))
					}
					wm[i][j], wm[j][i] = x, x
					u, v, w = append(u, int32(i)), append(v, int32(j)), append(w, x)
				}
			}
		}
		if offset && n%2 == 1 {
			for x := range n {
				u, v, w = append(u, int32(x)), append(v, int32(n)), append(w, 2*C)
				wm[x][n], wm[n][x] = 2*C, 2*C
			}
			n++
		}
		rng.Shuffle(len(w), func(i, j int) { u[i], u[j], v[i], v[j], w[i], w[j] = u[j], u[i], v[j], v[i], w[j], w[i] })
		have := rng.IntN(len(w) + 1)
		e := maxWeightMatching(newWGraph(n, u[:have], v[:have], w[:have]), never)
		for have < len(w) {
			next := have + 1 + rng.IntN(len(w)-have)
			g := newWGraph(n, u[:next], v[:next], w[:next])
			e.extend(g)
			e.repair(edgeRange(have, next))
			if !e.run(never) {
				e = maxWeightMatching(g, never)
			}
			have = next
		}
		got := int64(0)
		for k := range int32(len(w)) {
			if e.mate[e.g.end[2*k]] == 2*k+1 {
				got += w[k]
			}
		}
		if want := bestMatching(n, wm); got != want {
			t.Fatalf("iteration %d: n %d: weight %d, want %d", iter, n, got, want)
		}
		checkDuals(t, e.g, e)
	}
}

// TestZIndex compares the constant-time blossom sums with a walk up the
// blossom forest, on the duals of random matchings.
func TestZIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		n := 2 + rng.IntN(30)
		var u, v []int32
		var w []int64
		for i := range n {
			for j := i + 1; j < n; j++ {
				if rng.IntN(3) == 0 {
					u, v, w = append(u, int32(i)), append(v, int32(j)), append(w, 2*int64(1+rng.IntN(9)))
				}
			}
		}
		e := maxWeightMatching(newWGraph(n, u, v, w), func() bool { return false })
		zi := newZIndex(e)
		for a := range int32(n) {
			for c := range int32(n) {
				if a != c && zi.common(a, c) != e.commonZ(a, c) {
					t.Fatalf("vertices %d, %d: %d, want %d", a, c, zi.common(a, c), e.commonZ(a, c))
				}
			}
		}
	}
}

// edgeRange lists the edge numbers from lo to hi.
func edgeRange(lo, hi int) []int32 {
	var ks []int32
	for k := lo; k < hi; k++ {
		ks = append(ks, int32(k))
	}
	return ks
}
