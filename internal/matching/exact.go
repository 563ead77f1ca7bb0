package matching

import "math/bits"

// exactLimit is the largest block solved exactly, by dynamic programming
// over subsets (about 3^m/2 steps).
const exactLimit = 12

// solveExact replaces the state's grouping with an optimal one: most people
// placed, then the highest score. Ties keep the first optimum found, so the
// result does not depend on the seed.
func (s *state) solveExact() {
	b := s.b
	m := b.m
	full := 1 << m
	// Every subset that is a valid group, with its pair-score sum.
	valid := make([]bool, full)
	W := make([]float64, full)
	common := make([][]span, full)
	valid[0] = true
	for mask := 1; mask < full; mask++ {
		h := bits.Len(uint(mask)) - 1
		rest := mask &^ (1 << h)
		if !valid[rest] {
			continue
		}
		if rest == 0 {
			valid[mask] = true
			common[mask] = b.starts[h]
			continue
		}
		ok := true
		sum := W[rest]
		for x := rest; x != 0; x &= x - 1 {
			c := bits.TrailingZeros(uint(x))
			if !b.ok(int32(h), int32(c)) {
				ok = false
				break
			}
			// Exact scores, not the block's float32 copies: small
			// blocks are solved to the last bit.
			sum += b.p.weight(b.ids[h], b.ids[c])
		}
		if !ok || bits.OnesCount(uint(mask)) > s.max {
			continue
		}
		cm := intersect(common[rest], b.starts[h], nil)
		if len(cm) == 0 {
			continue
		}
		valid[mask], W[mask], common[mask] = true, sum, cm
	}
	type best struct {
		placed int32
		score  float64
		group  int32 // the group containing the lowest member, or 0 if unplaced
	}
	dp := make([]best, full)
	for S := 1; S < full; S++ {
		i := bits.TrailingZeros(uint(S))
		low := 1 << i
		d := dp[S^low]
		d.group = 0
		rest := S ^ low
		for sub := rest; ; sub = (sub - 1) & rest {
			T := sub | low
			k := bits.OnesCount(uint(T))
			if k >= s.min && k <= s.max && valid[T] {
				r := dp[S^T]
				cand := best{r.placed + int32(k), r.score + groupScore(W[T], k), int32(T)}
				if cand.placed > d.placed || cand.placed == d.placed && cand.score > d.score {
					d = cand
				}
			}
			if sub == 0 {
				break
			}
		}
		dp[S] = d
	}
	for i := range s.grp {
		s.grp[i] = -1
	}
	s.groups = s.groups[:0]
	for S := full - 1; S != 0; {
		low := S & -S
		T := int(dp[S].group)
		if T == 0 {
			S ^= low
			continue
		}
		var mem []int32
		for x := T; x != 0; x &= x - 1 {
			mem = append(mem, int32(bits.TrailingZeros(uint(x))))
		}
		s.addGroup(mem)
		S ^= T
	}
}
