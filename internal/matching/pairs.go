package matching

import (
	"math"
	"slices"
)

// annealPairs is anneal for groups of exactly two, where a proposal is a
// 2-opt exchange: a pairs up with its neighbour c, and their former
// partners pair up (or the one left over becomes unplaced, which keeps the
// count). For pairs, "can meet" is a property of the pair, so the
// compatibility bits decide everything and no table is needed.
func (s *state) annealPairs(iters int, t0, t1 float64, stop func() bool) {
	b := s.b
	m := b.m
	if m < 2 || iters <= 0 || len(s.groups) == 0 {
		return
	}
	mate := make([]int32, m)
	for i := range mate {
		mate[i] = -1
	}
	for _, g := range s.groups {
		if len(g.mem) == 2 {
			mate[g.mem[0]], mate[g.mem[1]] = g.mem[1], g.mem[0]
		}
	}
	w := func(a, c int32) float64 {
		if a < 0 || c < 0 {
			return 0
		}
		return float64(b.w[int(a)*m+int(c)])
	}
	ok := func(a, c int32) bool { return a < 0 || c < 0 || b.ok(a, c) }
	score := func() float64 {
		t := 0.0
		for a, c := range mate {
			if c > int32(a) {
				t += 2 * w(int32(a), c)
			}
		}
		return t
	}
	cool := 1.0
	if t0 > 0 && t1 > 0 && t1 < t0 {
		cool = math.Pow(t1/t0, 1/float64(iters))
	}
	rng := s.sc.rng
	best := score()
	bestMate := slices.Clone(mate)
	const epochs = 64
	per := max(iters/epochs, 1)
	temp := t0
	for e := 0; e < epochs; e++ {
		moves := per
		if stop() {
			// Out of time: a short descent at zero temperature.
			moves, temp, cool, e = min(iters-e*per, 20*m), 0, 1, epochs
		}
		for range moves {
			temp *= cool
			a := int32(rng.IntN(m))
			nb := b.nbrs(a)
			if len(nb) == 0 {
				continue
			}
			c := nb[rng.IntN(len(nb))]
			x, y := mate[a], mate[c]
			if x == c {
				continue
			}
			if x < 0 && y < 0 {
				// Two unplaced compatible people: more placed, take it.
				mate[a], mate[c] = c, a
				continue
			}
			// New pairs (a, c) and (x, y); one of x, y may be missing,
			// and then the other one is left unplaced.
			if x >= 0 && y >= 0 && !ok(x, y) {
				continue
			}
			d := 2 * (w(a, c) - w(a, x) - w(c, y))
			if x >= 0 && y >= 0 {
				d += 2 * w(x, y)
			}
			if !accept(rng, d, temp) {
				continue
			}
			mate[a], mate[c] = c, a
			switch {
			case x >= 0 && y >= 0:
				mate[x], mate[y] = y, x
			case x >= 0:
				mate[x] = -1
			default:
				mate[y] = -1
			}
		}
		if cur := score(); cur > best {
			best = cur
			copy(bestMate, mate)
		}
	}
	if score() < best {
		copy(mate, bestMate)
	}
	grp := make([]int32, m)
	next := int32(0)
	for a := range grp {
		grp[a] = -1
	}
	for a, c := range mate {
		if c > int32(a) {
			grp[a], grp[c] = next, next
			next++
		}
	}
	s.restore(grp)
}
