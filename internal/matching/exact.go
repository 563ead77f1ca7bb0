package matching

import (
	"math/bits"
	"slices"
)

// exactLimit is the most people solved exactly at once, by dynamic
// programming over subsets (about 3^n/2 steps): whole blocks that small,
// and neighbourhoods of a few groups in larger ones.
const exactLimit = 12

// partition divides the people u (local indices, at most exactLimit) into
// valid groups and unplaced people, placing as many as possible and then
// scoring as high as possible, with pair scores from weight. Among equal
// optima it keeps the first found, so the result does not depend on the
// seed. It returns the groups as lists of people of u.
func (s *state) partition(u []int32, weight func(a, c int32) float64) (groups [][]int32, placed int, score float64) {
	b := s.b
	n := len(u)
	full := 1 << n
	// Every subset that is a valid group, with its pair-score sum. Whole
	// hours all members can start in settle most common slots at once;
	// only when there is none are the start sets intersected.
	valid := make([]bool, full)
	W := make([]float64, full)
	hours := make([]hourMask, full)
	valid[0] = true
	hours[0] = hourMask{^uint64(0), ^uint64(0), ^uint64(0)}
	var buf, tmp []span
	for mask := 1; mask < full; mask++ {
		h := bits.Len(uint(mask)) - 1
		rest := mask &^ (1 << h)
		if !valid[rest] || bits.OnesCount(uint(mask)) > s.max {
			continue
		}
		ok := true
		sum := W[rest]
		for x := rest; x != 0; x &= x - 1 {
			c := bits.TrailingZeros(uint(x))
			if !b.ok(u[h], u[c]) {
				ok = false
				break
			}
			sum += weight(u[h], u[c])
		}
		if !ok {
			continue
		}
		hm := b.p.allH[b.ids[u[h]]]
		hm = hourMask{hours[rest][0] & hm[0], hours[rest][1] & hm[1], hours[rest][2] & hm[2]}
		if hm == (hourMask{}) {
			buf = append(buf[:0], b.starts[u[h]]...)
			for x := rest; x != 0 && len(buf) > 0; x &= x - 1 {
				tmp = intersect(buf, b.starts[u[bits.TrailingZeros(uint(x))]], tmp[:0])
				buf, tmp = tmp, buf
			}
			if len(buf) == 0 {
				continue
			}
		}
		valid[mask], W[mask], hours[mask] = true, sum, hm
	}
	type best struct {
		placed int32
		score  float64
		group  int32 // the group holding the lowest member, 0 if unplaced
	}
	dp := make([]best, full)
	for S := 1; S < full; S++ {
		low := S & -S
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
	for S := full - 1; S != 0; {
		low := S & -S
		T := int(dp[S].group)
		if T == 0 {
			S ^= low
			continue
		}
		var mem []int32
		for x := T; x != 0; x &= x - 1 {
			mem = append(mem, u[bits.TrailingZeros(uint(x))])
		}
		groups = append(groups, mem)
		S ^= T
	}
	return groups, int(dp[full-1].placed), dp[full-1].score
}

// solveExact replaces the grouping of a small block with an optimal one,
// scored with exact pair scores (not the block's float32 copies).
func (s *state) solveExact() {
	b := s.b
	all := make([]int32, b.m)
	for i := range all {
		all[i] = int32(i)
	}
	groups, _, _ := s.partition(all, func(a, c int32) float64 { return b.p.weight(b.ids[a], b.ids[c]) })
	for i := range s.grp {
		s.grp[i] = -1
	}
	s.groups = s.groups[:0]
	s.free = s.free[:0]
	for _, g := range groups {
		s.addGroup(g)
	}
}

// reoptimize solves the people u exactly, u being the members of some
// whole groups and some unplaced people, and applies the result if it
// places more of them, or as many with a higher score.
func (s *state) reoptimize(u []int32) bool {
	if len(u) > exactLimit || len(u) < s.min {
		return false
	}
	placed, score := 0, 0.0
	var gs []int32
	for _, a := range u {
		if g := s.grp[a]; g >= 0 && !slices.Contains(gs, g) {
			gs = append(gs, g)
			placed += len(s.groups[g].mem)
			score += groupScore(s.groups[g].W, len(s.groups[g].mem))
		}
	}
	b := s.b
	groups, p, sc := s.partition(u, func(a, c int32) float64 { return float64(b.row(a)[c]) })
	if p < placed || p == placed && sc <= score+1e-9 {
		return false
	}
	for _, g := range gs {
		s.dissolve(g)
	}
	for _, g := range groups {
		s.addGroup(g)
	}
	return true
}

// lnsSize is the most people re-solved at once around a person or group.
const lnsSize = 10

// lnsPlace tries to place each unplaced person by re-solving them exactly
// together with a few unplaced people they are compatible with and the
// groups of their best partners.
func (s *state) lnsPlace() bool {
	b := s.b
	progress := false
	var u []int32
	for a := range int32(b.m) {
		if s.grp[a] >= 0 || int(b.deg[a]) < s.min-1 {
			continue
		}
		u = append(u[:0], a)
		var gs []int32
		for _, c := range b.nbrsOrAll(a) {
			if len(u) >= lnsSize {
				break
			}
			g := s.grp[c]
			switch {
			case g < 0:
				if len(u) < lnsSize && !slices.Contains(u, c) {
					u = append(u, c)
				}
			case !slices.Contains(gs, g) && len(u)+len(s.groups[g].mem) <= lnsSize:
				gs = append(gs, g)
				u = append(u, s.groups[g].mem...)
			}
		}
		if s.reoptimize(u) {
			progress = true
		}
	}
	return progress
}

// lnsPolish re-solves each group exactly together with neighbouring
// groups (the groups of its members' best partners) and unplaced people
// who could join, up to limit people at a time: for each group, tries
// re-solves starting from a different neighbour, for the given number of
// passes or until nothing changes. Unlike annealing it can change how
// many groups there are, and for pairs it covers exchanges among up to
// limit/2 pairs.
func (s *state) lnsPolish(passes, tries, limit int, stop func() bool) {
	b := s.b
	limit = min(limit, exactLimit)
	var u []int32
	var near []int32 // neighbouring groups as g >= 0, unplaced people as -1-a
	for pass := 0; pass < passes && !stop(); pass++ {
		changed := false
		for g := int32(0); g < int32(len(s.groups)); g++ {
			if len(s.groups[g].mem) == 0 {
				continue
			}
			near = near[:0]
			for _, a := range s.groups[g].mem {
				nb := b.nbrs(a)
				for _, c := range nb[:min(len(nb), 8)] {
					key := s.grp[c]
					if key < 0 {
						key = -1 - c
					}
					if key != g && !slices.Contains(near, key) {
						near = append(near, key)
					}
				}
			}
			for t := 0; t < min(tries, len(near)) && len(s.groups[g].mem) > 0; t++ {
				u = append(u[:0], s.groups[g].mem...)
				for _, key := range near[t:] {
					if key < 0 {
						if c := -1 - key; len(u) < limit && s.grp[c] < 0 {
							u = append(u, c)
						}
						continue
					}
					if h := s.groups[key].mem; len(h) > 0 && len(u)+len(h) <= limit && !slices.Contains(u, h[0]) {
						u = append(u, h...)
					}
				}
				if len(u) > len(s.groups[g].mem) && s.reoptimize(u) {
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}
