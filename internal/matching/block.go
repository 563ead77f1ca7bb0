package matching

import (
	"math"
	"os"
	"math/bits"
	"math/rand/v2"
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
}

func (b *block) row(a int32) []float32 { return b.w[int(a)*b.m : int(a+1)*b.m] }

func (b *block) ok(a, c int32) bool {
	return b.adj[int(a)*b.words+int(c>>6)]&(1<<(c&63)) != 0
}

func (b *block) nbrs(a int32) []int32 { return b.nbr[b.nbrOff[a]:b.nbrOff[a+1]] }

// maxNeighbours bounds the neighbour lists that guide moves.
const maxNeighbours = 40

// newBlock builds the matrices of a block. local maps a global index to its
// position in its block (valid for every member of this block).
func newBlock(p *problem, ids []int32, local []int32, wholeComponent bool) *block {
	m := len(ids)
	b := &block{p: p, ids: ids, m: m, words: (m + 63) / 64, exact: true}
	b.w = make([]float32, m*m)
	b.adj = make([]uint64, m*b.words)
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
	type cand struct {
		c int32
		v float32
	}
	var cands []cand
	need := p.min - 1
	if wholeComponent {
		b.exactBound = true
		b.bound = make([]float64, m)
	}
	for a := range m {
		cands = cands[:0]
		ra := b.row(int32(a))
		for c := range m {
			if b.ok(int32(a), int32(c)) {
				cands = append(cands, cand{int32(c), ra[c]})
			}
		}
		slices.SortFunc(cands, func(x, y cand) int {
			if x.v != y.v {
				if x.v > y.v {
					return -1
				}
				return 1
			}
			return int(x.c - y.c)
		})
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
		for _, x := range cands[:min(len(cands), maxNeighbours)] {
			b.nbr = append(b.nbr, x.c)
		}
		b.nbrOff[a+1] = int32(len(b.nbr))
	}
	return b
}

// bgroup is a group under construction inside a block.
type bgroup struct {
	mem    []int32
	W      float64 // sum of pair scores over unordered pairs
	common []span  // start minutes common to all members
}

// state is a grouping of a block's people. grp[a] is a's group or -1.
type state struct {
	b      *block
	min    int
	max    int
	grp    []int32
	groups []bgroup
	S      []float64 // S[a]: sum of a's pair scores with its group mates
	tmp    []span
	tmp2   []span
	tmp3   []span
	rng    *rand.Rand
}

func newState(b *block, rng *rand.Rand) *state {
	s := &state{b: b, min: b.p.min, max: b.p.max, grp: make([]int32, b.m), S: make([]float64, b.m), rng: rng}
	for i := range s.grp {
		s.grp[i] = -1
	}
	return s
}

// groupScore is the score of a group of k members with pair-score sum W:
// every member's satisfaction is a mean over k-1 partners, and each pair
// counts for both of its members.
func groupScore(W float64, k int) float64 {
	if k < 2 {
		return 0
	}
	return 2 * W / float64(k-1)
}

func (s *state) score() float64 {
	t := 0.0
	for i := range s.groups {
		t += groupScore(s.groups[i].W, len(s.groups[i].mem))
	}
	return t
}

func (s *state) placed() int {
	n := 0
	for i := range s.groups {
		n += len(s.groups[i].mem)
	}
	return n
}

// sumTo is the sum of a's pair scores with the members of g.
func (s *state) sumTo(a int32, g *bgroup) float64 {
	r := s.b.row(a)
	t := 0.0
	for _, x := range g.mem {
		t += float64(r[x])
	}
	return t
}

// fits reports whether a is compatible with every member of g except skip.
func (s *state) fits(a int32, g *bgroup, skip int32) bool {
	for _, x := range g.mem {
		if x != skip && !s.b.ok(a, x) {
			return false
		}
	}
	return true
}

// commonWithout intersects the start sets of g's members other than skip.
func (s *state) commonWithout(g *bgroup, skip int32, dst []span) []span {
	dst = dst[:0]
	first := true
	for _, x := range g.mem {
		if x == skip {
			continue
		}
		if first {
			dst = append(dst, s.b.starts[x]...)
			first = false
			continue
		}
		s.tmp2 = intersect(dst, s.b.starts[x], s.tmp2[:0])
		dst = append(dst[:0], s.tmp2...)
	}
	return dst
}

// addGroup commits a new group.
func (s *state) addGroup(mem []int32) {
	g := bgroup{mem: make([]int32, 0, s.max)}
	id := int32(len(s.groups))
	for _, a := range mem {
		s.S[a] = 0
	}
	for _, a := range mem {
		r := s.b.row(a)
		for _, x := range g.mem {
			v := float64(r[x])
			s.S[a] += v
			s.S[x] += v
			g.W += v
		}
		g.mem = append(g.mem, a)
		s.grp[a] = id
	}
	g.common = s.commonWithout(&g, -1, nil)
	s.groups = append(s.groups, g)
}

// insert adds a to group h (a must be unplaced).
func (s *state) insert(a, h int32) {
	g := &s.groups[h]
	r := s.b.row(a)
	s.S[a] = 0
	for _, x := range g.mem {
		v := float64(r[x])
		s.S[x] += v
		s.S[a] += v
	}
	g.W += s.S[a]
	g.mem = append(g.mem, a)
	s.tmp = intersect(g.common, s.b.starts[a], s.tmp[:0])
	g.common = append(g.common[:0], s.tmp...)
	s.grp[a] = h
}

// remove takes a out of its group.
func (s *state) remove(a int32) {
	h := s.grp[a]
	g := &s.groups[h]
	r := s.b.row(a)
	k := slices.Index(g.mem, a)
	g.mem = slices.Delete(g.mem, k, k+1)
	for _, x := range g.mem {
		s.S[x] -= float64(r[x])
	}
	g.W -= s.S[a]
	s.S[a] = 0
	s.grp[a] = -1
	g.common = s.commonWithout(g, -1, g.common)
}

// construct builds groups greedily, hardest people first: a seed gathers
// the compatible unplaced people who add most to the group until it has
// min members (max for pairs, which is the same).
func (s *state) construct() {
	b := s.b
	m := b.m
	order := make([]int32, m)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return int(b.deg[x] - b.deg[y]) })
	sum := make([]float64, m)
	okc := make([]bool, m)
	var mem []int32
	var common []span
	for _, seed := range order {
		if s.grp[seed] >= 0 || int(b.deg[seed]) < s.min-1 {
			continue
		}
		mem = append(mem[:0], seed)
		common = append(common[:0], b.starts[seed]...)
		r := b.row(seed)
		for c := range m {
			okc[c] = s.grp[c] < 0 && int32(c) != seed && b.ok(seed, int32(c))
			sum[c] = float64(r[c])
		}
		for len(mem) < s.min {
			best := int32(-1)
			for c := range m {
				if !okc[c] {
					continue
				}
				if best >= 0 && (sum[c] < sum[best] || sum[c] == sum[best] && b.deg[c] >= b.deg[best]) {
					continue
				}
				if !intersects(b.starts[c], common) {
					okc[c] = false
					continue
				}
				best = int32(c)
			}
			if best < 0 {
				break
			}
			mem = append(mem, best)
			s.tmp = intersect(common, b.starts[best], s.tmp[:0])
			common = append(common[:0], s.tmp...)
			rb := b.row(best)
			for c := range m {
				if okc[c] {
					okc[c] = b.ok(best, int32(c))
					sum[c] += float64(rb[c])
				}
			}
			okc[best] = false
		}
		if len(mem) >= s.min {
			s.addGroup(mem)
		}
	}
}

// insertGain is the change of score when a joins g.
func (s *state) insertGain(a int32, g *bgroup) float64 {
	k := len(g.mem)
	return groupScore(g.W+s.sumTo(a, g), k+1) - groupScore(g.W, k)
}

// bestInsert finds the group with room where a adds most, or -1.
func (s *state) bestInsert(a int32, exclude int32) int32 {
	best, bestGain := int32(-1), math.Inf(-1)
	for h := range s.groups {
		g := &s.groups[h]
		if int32(h) == exclude || len(g.mem) >= s.max || !s.fits(a, g, -1) || !intersects(s.b.starts[a], g.common) {
			continue
		}
		if gain := s.insertGain(a, g); gain > bestGain {
			best, bestGain = int32(h), gain
		}
	}
	return best
}

// repair tries to place unplaced people: into groups with room, as new
// groups of unplaced people (taking spare members from groups above the
// minimum size), or by taking someone's place who can move elsewhere.
// It returns whether anyone was placed.
func (s *state) repair() bool {
	b := s.b
	progress := false
	for changed := true; changed; {
		changed = false
		for a := range int32(b.m) {
			if s.grp[a] >= 0 || int(b.deg[a]) < s.min-1 {
				continue
			}
			if h := s.bestInsert(a, -1); h >= 0 {
				s.insert(a, h)
				changed = true
				continue
			}
			if s.gather(a) || s.eject(a) {
				changed = true
			}
		}
		progress = progress || changed
	}
	return progress
}

// gather forms a new group around unplaced a from unplaced people and
// spare members of groups larger than the minimum.
func (s *state) gather(a int32) bool {
	b := s.b
	mem := []int32{a}
	common := append([]span(nil), b.starts[a]...)
	taken := map[int32]int{}
	var tmp []span
	for len(mem) < s.min {
		best, bestSum := int32(-1), math.Inf(-1)
		for _, c := range b.nbrsOrAll(a) {
			if slices.Contains(mem, c) {
				continue
			}
			if h := s.grp[c]; h >= 0 {
				if len(s.groups[h].mem)-taken[h] <= s.min {
					continue
				}
			}
			ok := true
			sum := 0.0
			r := b.row(c)
			for _, x := range mem {
				if !b.ok(c, x) {
					ok = false
					break
				}
				sum += float64(r[x])
			}
			if !ok || sum <= bestSum || !intersects(b.starts[c], common) {
				continue
			}
			best, bestSum = c, sum
		}
		if best < 0 {
			return false
		}
		mem = append(mem, best)
		if h := s.grp[best]; h >= 0 {
			taken[h]++
		}
		tmp = intersect(common, b.starts[best], tmp[:0])
		common = append(common[:0], tmp...)
	}
	for _, c := range mem {
		if s.grp[c] >= 0 {
			s.remove(c)
		}
	}
	s.addGroup(mem)
	return true
}

// nbrsOrAll returns every compatible partner of a (the neighbour list is
// cut at maxNeighbours, so for rare placements look at everyone).
func (b *block) nbrsOrAll(a int32) []int32 {
	if int(b.deg[a]) <= maxNeighbours {
		return b.nbrs(a)
	}
	out := make([]int32, 0, b.deg[a])
	for c := range int32(b.m) {
		if b.ok(a, c) {
			out = append(out, c)
		}
	}
	return out
}

// eject places unplaced a in some group instead of a member who moves to
// another group with room.
func (s *state) eject(a int32) bool {
	b := s.b
	for h := range s.groups {
		g := &s.groups[h]
		for _, y := range g.mem {
			if !s.fits(a, g, y) {
				continue
			}
			s.tmp = s.commonWithout(g, y, s.tmp)
			if !intersects(b.starts[a], s.tmp) {
				continue
			}
			if t := s.bestInsert(y, int32(h)); t >= 0 {
				s.remove(y)
				s.insert(a, int32(h))
				s.insert(y, t)
				return true
			}
		}
	}
	return false
}

// anneal improves the grouping by simulated annealing over two moves —
// move a person to another group, or swap two people between groups —
// proposed along the neighbour lists, always keeping every hard rule.
// Placing an unplaced person is always accepted (placed count comes
// first); no move unplaces anyone except a swap with an unplaced person,
// which keeps the count. stop is polled now and then.
func (s *state) anneal(iters int, t0, t1 float64, stop func() bool) {
	b := s.b
	m := b.m
	if m < 2 || iters <= 0 || len(s.groups) == 0 {
		return
	}
	rng := s.rng
	temp := t0
	cool := 1.0
	if t0 > 0 && t1 > 0 && t1 < t0 {
		cool = math.Pow(t1/t0, 1/float64(iters))
	}
	accept := func(d float64) bool {
		if d >= 0 {
			return true
		}
		if temp <= 0 {
			return false
		}
		x := d / temp
		return x > -30 && rng.Float64() < math.Exp(x)
	}
	best, bestPlaced := s.score(), s.placed()
	cur := best
	bestGrp := slices.Clone(s.grp)
	checkEvery := max(iters/64, 1024)
	for it := 0; it < iters; it++ {
		temp *= cool
		if it%checkEvery == checkEvery-1 {
			if stop() {
				break
			}
			if pl := s.placed(); pl > bestPlaced || pl == bestPlaced && cur > best+1e-9 {
				cur = s.score()
				if pl > bestPlaced || cur > best {
					best, bestPlaced = cur, pl
					copy(bestGrp, s.grp)
				}
			}
		}
		a := int32(rng.IntN(m))
		var c int32
		if nb := b.nbrs(a); len(nb) > 0 && rng.IntN(16) != 0 {
			c = nb[rng.IntN(len(nb))]
		} else {
			c = int32(rng.IntN(m))
		}
		ga, gc := s.grp[a], s.grp[c]
		if gc < 0 {
			if ga < 0 {
				continue
			}
			a, c, ga, gc = c, a, gc, ga
		}
		if ga == gc || a == c {
			continue
		}
		H := &s.groups[gc]
		canMove := len(H.mem) < s.max && (ga < 0 || len(s.groups[ga].mem) > s.min)
		if canMove && (ga < 0 || rng.IntN(2) == 0) {
			cur += s.tryMove(a, gc, accept)
			continue
		}
		if len(H.mem) < 2 {
			continue
		}
		if bestOfK {
			x := s.bestSwap(a, c, gc)
			if x < 0 {
				continue
			}
			cur += s.trySwap(a, x, accept)
			continue
		}
		x := H.mem[rng.IntN(len(H.mem))]
		if x == c {
			continue
		}
		cur += s.trySwap(a, x, accept)
	}
	if pl := s.placed(); pl < bestPlaced || pl == bestPlaced && s.score() < best-1e-9 {
		s.restore(bestGrp)
	}
}

// restore rebuilds the groups from an assignment.
func (s *state) restore(grp []int32) {
	var members [][]int32
	for a, h := range grp {
		if h >= 0 {
			for int(h) >= len(members) {
				members = append(members, nil)
			}
			members[h] = append(members[h], int32(a))
		}
	}
	s.groups = s.groups[:0]
	for i := range s.grp {
		s.grp[i] = -1
	}
	for _, mem := range members {
		if len(mem) > 0 {
			s.addGroup(mem)
		}
	}
}

// tryMove moves a into group h if the move keeps every rule and is
// accepted, and returns the change of score.
func (s *state) tryMove(a, h int32, accept func(float64) bool) float64 {
	H := &s.groups[h]
	if !s.fits(a, H, -1) {
		return 0
	}
	sA := s.sumTo(a, H)
	k := len(H.mem)
	d := groupScore(H.W+sA, k+1) - groupScore(H.W, k)
	ga := s.grp[a]
	if ga >= 0 {
		G := &s.groups[ga]
		kg := len(G.mem)
		d += groupScore(G.W-s.S[a], kg-1) - groupScore(G.W, kg)
		if !accept(d) {
			return 0
		}
	}
	if !intersects(s.b.starts[a], H.common) {
		return 0
	}
	if ga >= 0 {
		s.remove(a)
	}
	s.insert(a, h)
	return d
}

// trySwap exchanges a (in a group or unplaced) with x (in a group) if the
// swap keeps every rule and is accepted, and returns the change of score.
func (s *state) trySwap(a, x int32, accept func(float64) bool) float64 {
	b := s.b
	h, ga := s.grp[x], s.grp[a]
	H := &s.groups[h]
	if !s.fits(a, H, x) {
		return 0
	}
	var G *bgroup
	if ga >= 0 {
		G = &s.groups[ga]
		if !s.fits(x, G, a) {
			return 0
		}
	}
	wax := b.row(a)[x]
	sAH := s.sumTo(a, H)
	newWH := H.W - s.S[x] + sAH - wax
	k := len(H.mem)
	d := groupScore(newWH, k) - groupScore(H.W, k)
	var sXG, newWG float64
	if G != nil {
		sXG = s.sumTo(x, G)
		newWG = G.W - s.S[a] + sXG - wax
		kg := len(G.mem)
		d += groupScore(newWG, kg) - groupScore(G.W, kg)
	}
	if !accept(d) {
		return 0
	}
	s.tmp = s.commonWithout(H, x, s.tmp)
	if !intersects(b.starts[a], s.tmp) {
		return 0
	}
	var gcommon []span
	if G != nil {
		s.tmp3 = s.commonWithout(G, a, s.tmp3)
		gcommon = s.tmp3
		if !intersects(b.starts[x], gcommon) {
			return 0
		}
	}
	// Apply.
	ra, rx := b.row(a), b.row(x)
	for i, y := range H.mem {
		if y == x {
			H.mem[i] = a
			continue
		}
		s.S[y] += ra[y] - rx[y]
	}
	H.W = newWH
	H.common = intersect(s.tmp, b.starts[a], H.common[:0])
	s.S[a] = sAH - wax
	s.grp[a] = h
	if G != nil {
		for i, y := range G.mem {
			if y == a {
				G.mem[i] = x
				continue
			}
			s.S[y] += rx[y] - ra[y]
		}
		G.W = newWG
		G.common = intersect(gcommon, b.starts[x], G.common[:0])
		s.S[x] = sXG - wax
		s.grp[x] = ga
	} else {
		s.S[x] = 0
		s.grp[x] = -1
	}
	return d
}

// calibrate estimates a starting temperature: the mean loss of worsening
// moves that keep the rules, sampled along the neighbour lists.
func (s *state) calibrate(samples int) float64 {
	b := s.b
	rng := s.rng
	total, count := 0.0, 0
	for range samples {
		a := int32(rng.IntN(b.m))
		nb := b.nbrs(a)
		if len(nb) == 0 {
			continue
		}
		c := nb[rng.IntN(len(nb))]
		ga, gc := s.grp[a], s.grp[c]
		if ga < 0 || gc < 0 || ga == gc {
			continue
		}
		H, G := &s.groups[gc], &s.groups[ga]
		x := H.mem[rng.IntN(len(H.mem))]
		if x == c || !s.fits(a, H, x) || !s.fits(x, G, a) {
			continue
		}
		wax := b.row(a)[x]
		newWH := H.W - s.S[x] + s.sumTo(a, H) - wax
		newWG := G.W - s.S[a] + s.sumTo(x, G) - wax
		d := groupScore(newWH, len(H.mem)) - groupScore(H.W, len(H.mem)) +
			groupScore(newWG, len(G.mem)) - groupScore(G.W, len(G.mem))
		if d < 0 {
			total -= d
			count++
		}
	}
	if count == 0 {
		return 0
	}
	return total / float64(count)
}

var bestOfK = os.Getenv("HS_BEST") != ""

// bestSwap picks the member x of group h (other than c) whose swap with a
// changes the score most favourably, among those that keep pairwise rules.
func (s *state) bestSwap(a, c, h int32) int32 {
	b := s.b
	H := &s.groups[h]
	ga := s.grp[a]
	var G *bgroup
	if ga >= 0 {
		G = &s.groups[ga]
	}
	// a must fit H except for one member x.
	bad := int32(-1)
	for _, y := range H.mem {
		if !b.ok(a, y) {
			if bad >= 0 {
				return -1
			}
			bad = y
		}
	}
	sAH := s.sumTo(a, H)
	ra := b.row(a)
	best, bestD := int32(-1), math.Inf(-1)
	k := len(H.mem)
	for _, x := range H.mem {
		if x == c || bad >= 0 && x != bad {
			continue
		}
		if G != nil && !s.fits(x, G, a) {
			continue
		}
		wax := ra[x]
		d := groupScore(H.W-s.S[x]+sAH-wax, k) - groupScore(H.W, k)
		if G != nil {
			kg := len(G.mem)
			d += groupScore(G.W-s.S[a]+s.sumTo(x, G)-wax, kg) - groupScore(G.W, kg)
		}
		if d > bestD {
			best, bestD = x, d
		}
	}
	return best
}
