package matching

import (
	"cmp"
	"slices"
)

// After annealing, a grouping of a block is improved by cyclic
// exchanges: a1 takes a2's place, a2 takes a3's, and so on until the last
// takes a1's, each in a different group. Every group keeps its size and
// changes one member, so the change of score is the sum of each group's
// change, and the rules are checked group by group. Annealing rarely finds
// such a cycle longer than a swap, because its first steps lose score.
//
// The search is on the improvement graph of Thompson and Orlin's cyclic
// transfers: an arc i→j, for j in one of the groups of i's best partners,
// is worth the change of j's group's score when i takes j's place. It
// looks depth first, best arcs first, for a cycle of positive worth
// whose every leading path is worth more than nothing (Lin and
// Kernighan's gain criterion), and applies the first it finds.

// cycleLen is the most people in one exchange cycle.
const cycleLen = 10

// cycleTries bounds the arcs one search from a person looks at, so that
// no start costs much however the scores fall.
const cycleTries = 20000

// arc is a place i can take: j's, and what that is worth to j's group.
type arc struct {
	j    int32
	gain float64
}

// cycles is the working memory of the exchange search.
type cycles struct {
	s      *state
	arcs   [][]arc // arcs[i]: places i can take, best first
	stale  []bool  // arcs[i] must be rebuilt before use
	revOff []int32 // rev[revOff[x]:revOff[x+1]]: people with x among their neighbours
	rev    []int32
	// without[j] is the start slots common to j's group's other members,
	// valid where fresh[j].
	without [][]span
	fresh   []bool
	queue   []int32 // people to search from
	queued  []bool
	path    []int32 // path[t] takes path[t+1]'s place, the last path[0]'s
	used    []int32 // the groups of path
	tries   int
	eps     float64 // the least gain that counts
}

// exchangeCycles applies improving exchange cycles until none is found
// or stop says the time is up.
func (s *state) exchangeCycles(stop func() bool) {
	b := s.b
	m := b.m
	c := &cycles{s: s, arcs: make([][]arc, m), stale: make([]bool, m), queued: make([]bool, m),
		without: make([][]span, m), fresh: make([]bool, m), eps: gainEps(b)}
	c.revOff = make([]int32, m+1)
	for a := range int32(m) {
		for _, x := range b.nbrs(a) {
			c.revOff[x+1]++
		}
	}
	for x := range m {
		c.revOff[x+1] += c.revOff[x]
	}
	c.rev = make([]int32, c.revOff[m])
	fill := slices.Clone(c.revOff[:m])
	for a := range int32(m) {
		for _, x := range b.nbrs(a) {
			c.rev[fill[x]] = a
			fill[x]++
		}
	}
	for a := range int32(m) {
		c.stale[a] = true
	}
	// A change is followed up from whoever it concerns; once that finds
	// nothing, one more search from everyone makes sure no cycle is left
	// from anyone.
	for found := true; found && !stop(); {
		found = false
		for a := range int32(m) {
			if s.grp[a] >= 0 {
				c.push(a)
			}
		}
		for len(c.queue) > 0 && !stop() {
			a := c.queue[0]
			c.queue = c.queue[1:]
			c.queued[a] = false
			if s.grp[a] < 0 {
				continue
			}
			c.path = append(c.path[:0], a)
			c.used = append(c.used[:0], s.grp[a])
			c.tries = 0
			if c.search(0) {
				c.apply()
				found = true
			}
		}
	}
}

func (c *cycles) push(a int32) {
	if !c.queued[a] {
		c.queued[a] = true
		c.queue = append(c.queue, a)
	}
}

// replaceGain is the change of score of j's group when i takes j's place,
// and whether the pairwise rules allow it (see hasSlot for the common slots).
func (s *state) replaceGain(i, j int32) (float64, bool) {
	h := s.grp[j]
	if !s.fits(i, h, j) {
		return 0, false
	}
	H := &s.groups[h]
	k := len(H.mem)
	m := s.b.m
	W := H.W - float64(s.D[int(h)*m+int(j)]) + float64(s.D[int(h)*m+int(i)]) - float64(s.b.row(i)[j])
	return groupScore(W, k) - groupScore(H.W, k), true
}

// hasSlot reports whether j's group, with i in j's place, has a common
// slot.
func (c *cycles) hasSlot(i, j int32) bool {
	s := c.s
	if !c.fresh[j] {
		c.fresh[j] = true
		c.without[j] = s.commonWithout(s.sc, &s.groups[s.grp[j]], j, c.without[j])
	}
	return intersects(s.b.starts[i], c.without[j])
}

// arcsOf returns i's arcs, building them if they are stale: the places i
// can take in the groups of its best partners, best first.
func (c *cycles) arcsOf(i int32) []arc {
	if !c.stale[i] {
		return c.arcs[i]
	}
	s := c.s
	c.stale[i] = false
	out := c.arcs[i][:0]
	gi := s.grp[i]
	for k, x := range s.b.nbrs(i) {
		h := s.grp[x]
		if h < 0 || h == gi || slices.ContainsFunc(s.b.nbrs(i)[:k], func(y int32) bool { return s.grp[y] == h }) {
			continue
		}
		for _, j := range s.groups[h].mem {
			if g, ok := s.replaceGain(i, j); ok && c.hasSlot(i, j) {
				out = append(out, arc{j, g})
			}
		}
	}
	slices.SortFunc(out, func(x, y arc) int {
		if r := cmp.Compare(y.gain, x.gain); r != 0 {
			return r
		}
		return cmp.Compare(x.j, y.j)
	})
	c.arcs[i] = out
	return out
}

// search extends the path, worth gain so far, and reports whether it
// closed an improving cycle, left in c.path.
func (c *cycles) search(gain float64) bool {
	s := c.s
	first, last := c.path[0], c.path[len(c.path)-1]
	for _, a := range c.arcsOf(last) {
		if c.tries++; c.tries > cycleTries || gain+a.gain <= c.eps {
			return false
		}
		h := s.grp[a.j]
		if slices.Contains(c.used, h) {
			continue
		}
		if back, ok := s.replaceGain(a.j, first); ok && gain+a.gain+back > c.eps && c.hasSlot(a.j, first) {
			c.path = append(c.path, a.j)
			return true
		}
		if len(c.path) < cycleLen {
			c.path = append(c.path, a.j)
			c.used = append(c.used, h)
			if c.search(gain + a.gain) {
				return true
			}
			c.path = c.path[:len(c.path)-1]
			c.used = c.used[:len(c.used)-1]
		}
	}
	return false
}

// gainEps is the least gain of a cycle that counts, well above the
// rounding of the tables' float32 sums: an applied cycle then always
// raises the score, so the search ends. Where every score is exact in
// float32 (whole numbers, as the default weights give) so are the sums,
// and any gain above the rounding of the final division counts.
func gainEps(b *block) float64 {
	if b.exact {
		return 1e-9
	}
	return 1e-3
}

// apply makes the cycle in c.path: each person takes the place of the
// next, the last that of the first. Whoever may now find a better cycle
// (the members of the changed groups and those who count them among
// their best partners) is searched from again.
func (c *cycles) apply() {
	s := c.s
	k := len(c.path)
	groups := make([]int32, k)
	mems := make([][]int32, k)
	for t, x := range c.path {
		groups[t] = s.grp[x]
	}
	for t, x := range c.path {
		in := c.path[(t+k-1)%k]
		mem := slices.Clone(s.groups[groups[t]].mem)
		mem[slices.Index(mem, x)] = in
		mems[t] = mem
	}
	for t := range k {
		s.setGroup(groups[t], mems[t])
	}
	for _, g := range groups {
		for _, x := range s.groups[g].mem {
			c.stale[x], c.fresh[x] = true, false
			c.push(x)
			for _, r := range c.rev[c.revOff[x]:c.revOff[x+1]] {
				c.stale[r] = true
				c.push(r)
			}
		}
	}
}
