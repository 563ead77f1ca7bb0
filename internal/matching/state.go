package matching

import (
	"math"
	"math/rand/v2"
	"slices"
)

// bgroup is a group of a block's people.
type bgroup struct {
	mem    []int32
	W      float64 // sum of pair scores over unordered pairs
	common []span  // start minutes common to all members
}

// state is a grouping of a block's people: grp[a] is a's group or -1.
//
// Besides the groups it keeps, for every group g and every person u, the
// sum D of u's pair scores with g's members and the number K of g's
// members u is compatible with. With them, the change of score of moving
// or swapping people, and whether the move keeps the pairwise rules, take
// a handful of lookups however large the groups; applying a move updates
// two rows of each table.
type state struct {
	b        *block
	min, max int
	grp      []int32
	groups   []bgroup
	gcap     int       // most groups the tables hold
	D        []float32 // D[g*m+u]: sum of w(u, x) over members x of g
	K        []uint64  // row g: byte u counts members of g compatible with u
	kw       int       // words per row of K
	free     []int32   // empty group slots, for reuse
	sc       *scratch
}

// scratch is working memory for intersections, and the random stream.
type scratch struct {
	rng             *rand.Rand
	tmp, tmp2, tmp3 []span
}

func newState(b *block, rng *rand.Rand, ar *arena) *state {
	m := b.m
	s := &state{b: b, min: b.p.min, max: b.p.max, grp: make([]int32, m), sc: &scratch{rng: rng}}
	for i := range s.grp {
		s.grp[i] = -1
	}
	s.gcap = m/s.min + 1
	s.kw = (m + 7) / 8
	s.D = grow(&ar.D, s.gcap*m)
	s.K = grow(&ar.K, s.gcap*s.kw)
	return s
}

// spread[v] has byte j set to bit j of v: it turns 8 bits of a
// compatibility row into 8 byte counters.
var spread = func() (t [256]uint64) {
	for v := range t {
		for j := range 8 {
			t[v] |= uint64(v>>j&1) << (8 * j)
		}
	}
	return t
}()

// addRow adds (sign > 0) or subtracts person a's scores and compatibility
// to the table rows of group g.
func (s *state) addRow(g, a int32, sign int) {
	m := s.b.m
	d := s.D[int(g)*m : int(g)*m+m]
	r := s.b.row(a)
	if sign > 0 {
		for u := range d {
			d[u] += r[u]
		}
	} else {
		for u := range d {
			d[u] -= r[u]
		}
	}
	k := s.K[int(g)*s.kw : int(g+1)*s.kw]
	adj := s.b.adj[int(a)*s.b.words : int(a+1)*s.b.words]
	for i := range k {
		v := spread[(adj[i>>3]>>(8*(i&7)))&0xff]
		if sign > 0 {
			k[i] += v
		} else {
			k[i] -= v
		}
	}
}

// swapRows replaces out by in in the table rows of group g.
func (s *state) swapRows(g, out, in int32) {
	m := s.b.m
	d := s.D[int(g)*m : int(g)*m+m]
	ri, ro := s.b.row(in), s.b.row(out)
	for u := range d {
		d[u] += ri[u] - ro[u]
	}
	k := s.K[int(g)*s.kw : int(g+1)*s.kw]
	w := s.b.words
	ai, ao := s.b.adj[int(in)*w:int(in+1)*w], s.b.adj[int(out)*w:int(out+1)*w]
	for i := range k {
		sh := 8 * (i & 7)
		k[i] += spread[(ai[i>>3]>>sh)&0xff] - spread[(ao[i>>3]>>sh)&0xff]
	}
}

// sumTo is the sum of a's pair scores with the members of group g.
func (s *state) sumTo(a, g int32) float64 { return float64(s.D[int(g)*s.b.m+int(a)]) }

// compat is the number of members of group g that a is compatible with.
func (s *state) compat(a, g int32) int {
	return int(s.K[int(g)*s.kw+int(a>>3)] >> (8 * (a & 7)) & 0xff)
}

// fits reports whether a is compatible with every member of group g
// except skip (a member of g, or -1).
func (s *state) fits(a, g, skip int32) bool {
	need := len(s.groups[g].mem)
	if skip >= 0 {
		need--
		if s.b.ok(a, skip) {
			return s.compat(a, g)-1 == need
		}
	}
	return s.compat(a, g) == need
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

// commonWithout intersects the start sets of g's members other than skip.
func (s *state) commonWithout(x0 *scratch, g *bgroup, skip int32, dst []span) []span {
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
		x0.tmp2 = intersect(dst, s.b.starts[x], x0.tmp2[:0])
		dst = append(dst[:0], x0.tmp2...)
	}
	return dst
}

// pairSum is the sum of pair scores among mem.
func (s *state) pairSum(mem []int32) float64 {
	w := 0.0
	for i, a := range mem {
		r := s.b.row(a)
		for _, c := range mem[i+1:] {
			w += float64(r[c])
		}
	}
	return w
}

// addGroup commits a new group of unplaced people, in an empty slot if
// there is one.
func (s *state) addGroup(mem []int32) {
	var g int32
	if n := len(s.free); n > 0 {
		g = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		g = int32(len(s.groups))
		s.groups = append(s.groups, bgroup{mem: make([]int32, 0, s.max)})
	}
	s.setGroup(g, mem)
}

// dissolve unplaces the members of group g and frees its slot.
func (s *state) dissolve(g int32) {
	s.setGroup(g, nil)
	s.free = append(s.free, g)
}

// setGroup makes mem the members of group g, rebuilding its table rows.
func (s *state) setGroup(g int32, mem []int32) {
	G := &s.groups[g]
	for _, a := range G.mem {
		if s.grp[a] == g {
			s.grp[a] = -1
		}
	}
	G.mem = append(G.mem[:0], mem...)
	m := s.b.m
	clear(s.D[int(g)*m : int(g)*m+m])
	clear(s.K[int(g)*s.kw : int(g+1)*s.kw])
	for _, a := range mem {
		s.grp[a] = g
		s.addRow(g, a, 1)
	}
	G.W = s.pairSum(mem)
	G.common = s.commonWithout(s.sc, G, -1, G.common)
}

// insert adds unplaced a to group h.
func (s *state) insert(x0 *scratch, a, h int32) {
	g := &s.groups[h]
	g.W += s.sumTo(a, h)
	s.addRow(h, a, 1)
	g.mem = append(g.mem, a)
	x0.tmp = intersect(g.common, s.b.starts[a], x0.tmp[:0])
	g.common = append(g.common[:0], x0.tmp...)
	s.grp[a] = h
}

// remove takes a out of its group.
func (s *state) remove(x0 *scratch, a int32) {
	h := s.grp[a]
	g := &s.groups[h]
	k := slices.Index(g.mem, a)
	g.mem = slices.Delete(g.mem, k, k+1)
	s.addRow(h, a, -1)
	g.W -= s.sumTo(a, h)
	s.grp[a] = -1
	x0.tmp3 = s.commonWithout(x0, g, -1, x0.tmp3)
	g.common = append(g.common[:0], x0.tmp3...)
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
	s.free = s.free[:0]
	for i := range s.grp {
		s.grp[i] = -1
	}
	for _, mem := range members {
		if len(mem) > 0 {
			s.addGroup(mem)
		}
	}
}

// refresh recomputes the group sums and, when the block's scores are not
// exact in float32, the tables, so that rounding cannot pile up.
func (s *state) refresh() {
	for g := range s.groups {
		if s.b.exact {
			s.groups[g].W = s.pairSum(s.groups[g].mem)
		} else {
			s.setGroup(int32(g), slices.Clone(s.groups[g].mem))
		}
	}
}

// construct builds groups greedily, hardest people first: a seed gathers
// the compatible unplaced people who add most to the group until it has
// min members.
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
		if s.grp[seed] >= 0 || int(b.deg[seed]) < s.min-1 || len(s.groups) >= s.gcap {
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
			s.sc.tmp = intersect(common, b.starts[best], s.sc.tmp[:0])
			common = append(common[:0], s.sc.tmp...)
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

// insertGain is the change of score when a joins group h.
func (s *state) insertGain(a, h int32) float64 {
	g := &s.groups[h]
	k := len(g.mem)
	return groupScore(g.W+s.sumTo(a, h), k+1) - groupScore(g.W, k)
}

// bestInsert finds the group with room where a adds most, or -1.
func (s *state) bestInsert(a int32, exclude int32) int32 {
	best, bestGain := int32(-1), math.Inf(-1)
	for h := range int32(len(s.groups)) {
		g := &s.groups[h]
		if h == exclude || len(g.mem) == 0 || len(g.mem) >= s.max || !s.fits(a, h, -1) || !intersects(s.b.starts[a], g.common) {
			continue
		}
		if gain := s.insertGain(a, h); gain > bestGain {
			best, bestGain = h, gain
		}
	}
	return best
}

// repair tries to place unplaced people: into groups with room, as new
// groups of unplaced people (taking spare members from groups larger than
// the minimum), or by taking the place of someone who can move to another
// group. It reports whether anyone was placed.
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
				s.insert(s.sc, a, h)
				changed = true
				continue
			}
			if s.gather(a) || s.eject(a) {
				changed = true
			}
		}
		if !changed && s.lnsPlace() {
			changed = true
		}
		progress = progress || changed
	}
	return progress
}

// gather forms a new group around unplaced a from unplaced people and
// spare members of groups larger than the minimum.
func (s *state) gather(a int32) bool {
	b := s.b
	if len(s.groups) >= s.gcap {
		return false
	}
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
			if h := s.grp[c]; h >= 0 && len(s.groups[h].mem)-taken[h] <= s.min {
				continue
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
			s.remove(s.sc, c)
		}
	}
	s.addGroup(mem)
	return true
}

// nbrsOrAll returns every compatible partner of a (the neighbour list is
// cut at maxNeighbours, so for rare placements look at everyone).
func (b *block) nbrsOrAll(a int32) []int32 {
	if int(b.deg[a]) == len(b.nbrs(a)) {
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
	for h := range int32(len(s.groups)) {
		g := &s.groups[h]
		if len(g.mem) < s.min {
			continue
		}
		for _, y := range g.mem {
			if !s.fits(a, h, y) {
				continue
			}
			s.sc.tmp = s.commonWithout(s.sc, g, y, s.sc.tmp)
			if !intersects(b.starts[a], s.sc.tmp) {
				continue
			}
			if t := s.bestInsert(y, h); t >= 0 {
				s.remove(s.sc, y)
				s.insert(s.sc, a, h)
				s.insert(s.sc, y, t)
				return true
			}
		}
	}
	return false
}

// anneal improves the grouping by simulated annealing over two moves,
// proposed along the neighbour lists so that a person a is brought next
// to one of their best partners c: move a into c's group, or swap a with
// the member of c's group whose exchange scores best. Every hard rule
// holds after every move. Placing an unplaced person is always accepted
// (the placed count comes first); nothing unplaces anyone except a swap
// with an unplaced person, which keeps the count. The moves run in
// epochs; between epochs the best grouping so far is kept and stop is
// polled.
func (s *state) anneal(iters int, t0, t1 float64, stop func() bool) {
	m := s.b.m
	if m < 2 || iters <= 0 || len(s.groups) == 0 {
		return
	}
	cool := 1.0
	if t0 > 0 && t1 > 0 && t1 < t0 {
		cool = math.Pow(t1/t0, 1/float64(iters))
	}
	best, bestPlaced := s.score(), s.placed()
	bestGrp := slices.Clone(s.grp)
	const epochs = 64
	per := max(iters/epochs, 1)
	temp := t0
	for e := 0; e < epochs; e++ {
		if stop() {
			// Out of time while still warm: a short descent at zero
			// temperature, so that the grouping is at least locally good.
			s.walk(min(iters-e*per, 20*m), 0, 1)
			e = epochs
		} else {
			temp = s.walk(per, temp, cool)
		}
		s.refresh()
		cur, pl := s.score(), s.placed()
		if pl > bestPlaced || pl == bestPlaced && cur > best {
			best, bestPlaced = cur, pl
			copy(bestGrp, s.grp)
		}
	}
	if pl := s.placed(); pl < bestPlaced || pl == bestPlaced && s.score() < best {
		s.restore(bestGrp)
	}
}

// walk makes the given number of annealing moves from temperature temp,
// cooling by cool each move, and returns the final temperature.
func (s *state) walk(moves int, temp, cool float64) float64 {
	b := s.b
	m := b.m
	rng := s.sc.rng
	var a0 int32
	mm := uint64(m)
	for it := range moves {
		temp *= cool
		// One random word per proposal: 32 bits pick the partner, 4 a
		// random partner instead (1 in 16), 1 a move instead of a swap.
		r := rng.Uint64()
		// A few proposals in a row for one person, whose row of scores
		// is then in cache.
		if it%proposalsPerPerson == 0 {
			// The unhappier of two people, measured against their best
			// possible group, so that effort goes where it can help.
			a0 = int32((r >> 32) * mm >> 32)
			if a1 := int32((r & 0xffffffff) * mm >> 32); s.regret(a1) > s.regret(a0) {
				a0 = a1
			}
			r = rng.Uint64()
		}
		a := a0
		var c int32
		if nb := b.nbrs(a); len(nb) > 0 && r>>60 != 0 {
			c = nb[(r&0xffffffff)*uint64(len(nb))>>32]
		} else {
			c = int32((r & 0xffffffff) * mm >> 32)
		}
		moveBit := r>>59&1 == 0
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
		if len(s.groups[gc].mem) < s.max && (ga < 0 || len(s.groups[ga].mem) > s.min && moveBit) {
			s.tryMove(a, gc, temp)
			continue
		}
		s.trySwap(a, c, gc, temp)
	}
	return temp
}

// regret is how far a person's satisfaction is below their hope.
func (s *state) regret(a int32) float32 {
	g := s.grp[a]
	if g < 0 {
		return s.b.hope[a] + 1e6
	}
	k := len(s.groups[g].mem)
	return s.b.hope[a] - s.D[int(g)*s.b.m+int(a)]/float32(k-1)
}

// proposalsPerPerson is how many proposals in a row start from one
// person.
const proposalsPerPerson = 4

// accept is the annealing rule: improvements always, a loss d with
// probability exp(d/temp).
func accept(rng *rand.Rand, d, temp float64) bool {
	if d >= 0 {
		return true
	}
	if temp <= 0 {
		return false
	}
	// A temperature that has all but vanished makes x infinite: so
	// compare as a float before indexing.
	x := -d / temp * expSteps
	return x < float64(len(expTable)) && rng.Float64() < expTable[int(x)]
}

// expTable[k] is exp(-k/expSteps), a little above exp(x) for x in
// (-(k+1)/expSteps, -k/expSteps]: close enough for annealing, and much
// cheaper than math.Exp in the innermost loop.
const expSteps = 64

var expTable = func() (t [30 * expSteps]float64) {
	for k := range t {
		t[k] = math.Exp(-float64(k) / expSteps)
	}
	return t
}()

// tryMove moves a into group h if the move keeps every rule and is
// accepted.
func (s *state) tryMove(a, h int32, temp float64) {
	H := &s.groups[h]
	if !s.fits(a, h, -1) {
		return
	}
	k := len(H.mem)
	d := groupScore(H.W+s.sumTo(a, h), k+1) - groupScore(H.W, k)
	ga := s.grp[a]
	if ga >= 0 {
		G := &s.groups[ga]
		kg := len(G.mem)
		d += groupScore(G.W-s.sumTo(a, ga), kg-1) - groupScore(G.W, kg)
		if !accept(s.sc.rng, d, temp) {
			return
		}
	}
	if !intersects(s.b.starts[a], H.common) {
		return
	}
	if ga >= 0 {
		s.remove(s.sc, a)
	}
	s.insert(s.sc, a, h)
}

// trySwap brings a (in a group or unplaced) into c's group h in exchange
// for the member x ≠ c whose swap scores best among those that keep the
// pairwise rules, and applies the swap if it is accepted and the common
// slots allow.
func (s *state) trySwap(a, c, h int32, temp float64) {
	b := s.b
	m := b.m
	H := &s.groups[h]
	kh := len(H.mem)
	// a must be compatible with every member of H but the one leaving.
	miss := kh - s.compat(a, h)
	if miss > 1 {
		return
	}
	ga := s.grp[a]
	var G *bgroup
	var baseG, dAG float64
	var kg, mg int
	if ga >= 0 {
		G = &s.groups[ga]
		kg = len(G.mem)
		baseG = groupScore(G.W, kg)
		mg = int(ga) * m
		dAG = float64(s.D[mg+int(a)])
	}
	mh := int(h) * m
	dAH := float64(s.D[mh+int(a)])
	baseH := groupScore(H.W, kh)
	ra := b.row(a)
	x, d := int32(-1), math.Inf(-1)
	for _, y := range H.mem {
		if y == c {
			continue
		}
		okAY := b.ok(a, y)
		if miss == 1 && okAY {
			continue // the member a conflicts with must be the one to go
		}
		way := float64(ra[y])
		dy := groupScore(H.W-float64(s.D[mh+int(y)])+dAH-way, kh) - baseH
		if G != nil {
			need := kg - 1
			if okAY {
				need++
			}
			if s.compat(y, ga) != need {
				continue
			}
			dy += groupScore(G.W-dAG+float64(s.D[mg+int(y)])-way, kg) - baseG
		}
		if dy > d {
			x, d = y, dy
		}
	}
	if x < 0 || !accept(s.sc.rng, d, temp) {
		return
	}
	x0 := s.sc
	x0.tmp = s.commonWithout(x0, H, x, x0.tmp)
	if !intersects(b.starts[a], x0.tmp) {
		return
	}
	if G != nil {
		x0.tmp3 = s.commonWithout(x0, G, a, x0.tmp3)
		if !intersects(b.starts[x], x0.tmp3) {
			return
		}
	}
	// Apply: new sums first, then the tables.
	wax := float64(ra[x])
	H.W += dAH - wax - float64(s.D[mh+int(x)])
	if G != nil {
		G.W += float64(s.D[mg+int(x)]) - wax - dAG
	}
	s.swapRows(h, x, a)
	H.mem[slices.Index(H.mem, x)] = a
	H.common = intersect(x0.tmp, b.starts[a], H.common[:0])
	s.grp[a] = h
	if G == nil {
		s.grp[x] = -1
		return
	}
	s.swapRows(ga, a, x)
	G.mem[slices.Index(G.mem, a)] = x
	G.common = intersect(x0.tmp3, b.starts[x], G.common[:0])
	s.grp[x] = ga
}

// calibrate estimates a starting temperature: the mean loss of worsening
// swaps along the neighbour lists that keep the pairwise rules.
func (s *state) calibrate(samples int) float64 {
	b := s.b
	rng := s.sc.rng
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
		if x == c || !s.fits(a, gc, x) || !s.fits(x, ga, a) {
			continue
		}
		wax := float64(b.row(a)[x])
		newWH := H.W - s.sumTo(x, gc) + s.sumTo(a, gc) - wax
		newWG := G.W - s.sumTo(a, ga) + s.sumTo(x, ga) - wax
		d := groupScore(newWH, len(H.mem)) - groupScore(H.W, len(H.mem)) +
			groupScore(newWG, len(G.mem)) - groupScore(G.W, len(G.mem))
		if d < 0 {
			total -= d
			count++
		}
	}
	if count == 0 {
		// No worsening swap seen (tiny or tightly constrained blocks):
		// fall back to the typical size of a partner's score.
		for a := range int32(b.m) {
			r := b.row(a)
			for _, c := range b.nbrs(a) {
				total += math.Abs(float64(r[c]))
				count++
			}
		}
		if count == 0 {
			return 0
		}
		return 1 + total/float64(count)
	}
	return total / float64(count)
}
