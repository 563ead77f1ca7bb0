package yardstick

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/holdspace/holdspace/internal/matching"
)

// The group yardstick is an iterated tabu search, run as one search per
// processor from its own seed. Each search first anneals a greedy start
// for a quarter of the budget; then each step applies the best move or
// swap between two groups (or between a group and the people left
// over), even when it loses score, and forbids the people it moved from
// going back for a while. Only pairs of groups where one holds one of
// the twelve best partners of someone in the other are looked at, and
// the best change of each such pair is kept in a table, so a step only
// rescores the pairs of the two groups it changed. When the best grouping
// has not improved for a long time, the search goes back to it and
// shakes it with random swaps, and now and then takes a circle apart or
// forms a new one, which moves and swaps alone never do. It scores with
// its own pair scores straight from matching.md and checks the hard
// rules in its own way.

// MaxGroupPeople is the most participants SearchGroups takes: it keeps a
// matrix of all pair scores.
const MaxGroupPeople = 5000

// GroupOptions tune SearchGroups, which runs one search per processor
// (GOMAXPROCS), each from its own seed, and keeps the best.
type GroupOptions struct {
	Seed   uint64
	Budget time.Duration // 0: 60 s
	// Steps, when positive, stops each search after this many tabu steps
	// (the budget still applies), so that a test can be reproducible.
	Steps int
}

// GroupSearch is the best grouping SearchGroups found.
type GroupSearch struct {
	Groups [][]string // participant ids
	Placed int
	Score  float64
	Steps  int // tabu steps made, by all searches
	Shakes int // returns to the best grouping with a shake, by all searches
	// FoundAt is when the best grouping was found, since the start.
	FoundAt time.Duration
}

// SearchGroups looks for the grouping of a group-format input (already
// valid, at most MaxGroupPeople participants) that places most people and
// then scores highest, until the budget or the context ends.
func SearchGroups(ctx context.Context, in *matching.Input, opts GroupOptions) (*GroupSearch, error) {
	if in.Format != matching.FormatGroup {
		return nil, errors.New("not a group-format input")
	}
	if len(in.Participants) > MaxGroupPeople {
		return nil, fmt.Errorf("%d participants: the yardstick takes at most %d", len(in.Participants), MaxGroupPeople)
	}
	budget := opts.Budget
	if budget <= 0 {
		budget = time.Minute
	}
	start := time.Now()
	r := newRules(in)
	// Independent searches, one per processor, each from its own seed;
	// the best of them counts.
	searches := make([]*tabu, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for k := range searches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := newTabu(r, in.GroupSize.Min, in.GroupSize.Max, opts.Seed+uint64(k)<<32)
			t.construct()
			t.place()
			t.keepBest(start)
			if opts.Steps <= 0 {
				t.anneal(ctx, start, budget/4)
			}
			t.run(func() bool { return ctx.Err() != nil || time.Since(start) > budget }, opts.Steps, start)
			searches[k] = t
		}()
	}
	wg.Wait()
	t := searches[0]
	res := &GroupSearch{}
	for _, x := range searches {
		if x.bestPlaced > t.bestPlaced || x.bestPlaced == t.bestPlaced && x.bestScore > t.bestScore {
			t = x
		}
		res.Steps += x.steps
		res.Shakes += x.shakes
	}
	res.FoundAt = t.foundAt
	byGroup := map[int32][]string{}
	var order []int32
	for i, g := range t.best {
		if g < 0 {
			continue
		}
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], in.Participants[i].ID)
	}
	for _, g := range order {
		res.Groups = append(res.Groups, byGroup[g])
	}
	// The search's sums are rounded as they go: report the exact score.
	placed, score, err := ScoreGroups(in, res.Groups)
	if err != nil {
		return nil, fmt.Errorf("yardstick broke a rule: %w", err)
	}
	res.Placed, res.Score = placed, score
	return res, nil
}

// ScoreGroups checks groups of participant ids against matching.md's
// hard rules for in (sizes, nobody twice, no reporting line, no veto, a
// common slot of a session's length) and returns how many people they
// place and their score, computed from the contract's formula.
func ScoreGroups(in *matching.Input, groups [][]string) (placed int, score float64, err error) {
	r := newRules(in)
	lo, hi := in.GroupSize.Min, in.GroupSize.Max
	if in.Format == matching.FormatPair {
		lo, hi = 2, 2
	}
	index := map[string]int{}
	for i, q := range in.Participants {
		index[q.ID] = i
	}
	used := make([]bool, r.n)
	for k, g := range groups {
		if len(g) < lo || len(g) > hi {
			return 0, 0, fmt.Errorf("group %d has %d members, not %d–%d", k, len(g), lo, hi)
		}
		mem := make([]int, len(g))
		for x, id := range g {
			i, ok := index[id]
			if !ok || used[i] {
				return 0, 0, fmt.Errorf("group %d: %q is unknown or in two groups", k, id)
			}
			used[i] = true
			mem[x] = i
		}
		common := slices.Clone(r.starts[mem[0]])
		for x, i := range mem {
			for _, j := range mem[x+1:] {
				if !r.pairable(i, j) {
					return 0, 0, fmt.Errorf("group %d: %q and %q may not be together", k, g[x], in.Participants[j].ID)
				}
			}
			for w := range common {
				common[w] &= r.starts[i][w]
			}
		}
		if !slices.ContainsFunc(common, func(w uint64) bool { return w != 0 }) {
			return 0, 0, fmt.Errorf("group %d has no common slot of %d minutes", k, r.session)
		}
		sum := 0.0
		for x, i := range mem {
			for _, j := range mem[x+1:] {
				sum += r.score(i, j)
			}
		}
		// Each member's satisfaction is a mean over the others; each pair
		// counts once for each of its two members.
		score += 2 * sum / float64(len(mem)-1)
		placed += len(mem)
	}
	return placed, score, nil
}

// score is w(i,j) of matching.md.
func (r *rules) score(i, j int) float64 {
	t := r.terms(i, j)
	w := r.w
	return w.SharedTopic*float64(t.shared) + w.DepartmentDiversity*float64(t.diff) - w.LevelGap*float64(t.gap) +
		w.MutualPreference*float64(t.mutual) + w.OneWayPreference*float64(t.oneWay)
}

// change is a step between two groups P < Q: a (in P, or unplaced when
// P is the pool) goes to Q; with x ≥ 0, x (in Q) goes where a was.
type change struct {
	delta float64
	a, x  int32
	ok    bool
}

// tabu is the search state.
type tabu struct {
	n, lo, hi int
	rng       *rand.Rand
	w         []float64 // n×n pair scores
	okw       int
	ok        []uint64 // n rows of okw words: may be in one group
	aw        int
	slot      []uint64 // n rows of aw words: the time atoms a meeting can start in
	deg       []int32
	near      [][]int32 // each person's best possible partners, and who has them among theirs

	ng      int       // group slots; slot ng is the pool of unplaced people
	mem     [][]int32 // members of each group, and the pool
	grp     []int32   // group of each person, ng when unplaced
	W       []float64 // pair-score sum of each group
	D       []float64 // D[g*n+u]: u's pair scores with g's members
	K       []int32   // K[g*n+u]: g's members u may be with
	common  [][]uint64
	without [][][]uint64 // without[g][k]: common atoms of g's members but the k-th
	loose   [][]uint64   // the union of without[g]: whoever takes a place in g meets it

	table    []change // best admissible change of each pair of groups, P < Q ≤ ng
	aspire   []change // best tabu change of each pair, for the aspiration rule
	rowBest  []int32  // rowBest[P]: the Q of the best entry of table in row P
	rowAsp   []int32  // the same for aspire
	mark     []bool   // groups to rescore with one group
	tabuTill []int32  // tabuTill[u*(ng+1)+g]: step until which u may not join g
	steps    int

	placed     int
	score      float64
	best       []int32
	bestPlaced int
	bestScore  float64
	foundAt    time.Duration
	shakes     int
	tmp        []uint64
}

func newTabu(r *rules, lo, hi int, seed uint64) *tabu {
	n := r.n
	t := &tabu{n: n, lo: lo, hi: hi, rng: rand.New(rand.NewPCG(seed, 0x7ab0)), okw: (n + 63) / 64}
	t.w = make([]float64, n*n)
	t.ok = make([]uint64, n*t.okw)
	t.deg = make([]int32, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := r.score(i, j)
			t.w[i*n+j], t.w[j*n+i] = v, v
			if r.pairable(i, j) {
				t.ok[i*t.okw+j/64] |= 1 << (j % 64)
				t.ok[j*t.okw+i/64] |= 1 << (i % 64)
				t.deg[i]++
				t.deg[j]++
			}
		}
	}
	t.atoms(r)
	t.nearLists()
	t.ng = n/lo + 1
	t.mem = make([][]int32, t.ng+1)
	t.grp = make([]int32, n)
	t.W = make([]float64, t.ng+1)
	t.D = make([]float64, (t.ng+1)*n)
	t.K = make([]int32, (t.ng+1)*n)
	t.common = make([][]uint64, t.ng+1)
	t.loose = make([][]uint64, t.ng+1)
	t.without = make([][][]uint64, t.ng+1)
	for g := range t.ng + 1 {
		t.common[g] = make([]uint64, t.aw)
		t.loose[g] = make([]uint64, t.aw)
		t.without[g] = make([][]uint64, hi)
		for k := range hi {
			t.without[g][k] = make([]uint64, t.aw)
		}
	}
	for i := range t.grp {
		t.grp[i] = int32(t.ng)
	}
	t.mem[t.ng] = make([]int32, n)
	for i := range n {
		t.mem[t.ng][i] = int32(i)
	}
	t.tmp = make([]uint64, t.aw)
	pairs := (t.ng + 1) * (t.ng + 1)
	t.table = make([]change, pairs)
	t.aspire = make([]change, pairs)
	t.rowBest = make([]int32, t.ng+1)
	t.rowAsp = make([]int32, t.ng+1)
	t.mark = make([]bool, t.ng+1)
	t.tabuTill = make([]int32, n*(t.ng+1))
	return t
}

// nearCount is how many best partners of each person make the groups
// a step looks at: changes between two groups are considered when one
// holds a best partner of someone in the other.
const nearCount = 12

// nearLists keeps each person's nearCount best possible partners, and
// adds each person to the lists of their own best partners, so that the
// relation is symmetric.
func (t *tabu) nearLists() {
	n := t.n
	t.near = make([][]int32, n)
	var cands []int32
	for i := range int32(n) {
		cands = cands[:0]
		for j := range int32(n) {
			if t.may(i, j) {
				cands = append(cands, j)
			}
		}
		row := t.w[int(i)*n : int(i+1)*n]
		slices.SortStableFunc(cands, func(a, b int32) int {
			switch {
			case row[a] > row[b]:
				return -1
			case row[a] < row[b]:
				return 1
			}
			return 0
		})
		cands = cands[:min(len(cands), nearCount)]
		for _, j := range cands {
			if !slices.Contains(t.near[i], j) {
				t.near[i] = append(t.near[i], j)
			}
			if !slices.Contains(t.near[j], i) {
				t.near[j] = append(t.near[j], i)
			}
		}
	}
}

// atoms cuts the week into runs of minutes in which nobody's "a meeting
// can start now" changes, and gives each person the runs they can start
// in: two people share a start minute exactly when they share a run.
func (t *tabu) atoms(r *rules) {
	cut := make([]bool, week)
	cut[0] = true
	for i := range r.n {
		s := r.starts[i]
		for m := 1; m < week; m++ {
			if (s[m/64]>>(m%64))&1 != (s[(m-1)/64]>>((m-1)%64))&1 {
				cut[m] = true
			}
		}
	}
	var first []int
	for m, c := range cut {
		if c {
			first = append(first, m)
		}
	}
	t.aw = (len(first) + 63) / 64
	t.slot = make([]uint64, r.n*t.aw)
	for i := range r.n {
		s := r.starts[i]
		for k, m := range first {
			if (s[m/64]>>(m%64))&1 != 0 {
				t.slot[i*t.aw+k/64] |= 1 << (k % 64)
			}
		}
	}
}

func (t *tabu) may(i, j int32) bool { return t.ok[int(i)*t.okw+int(j)/64]&(1<<(j%64)) != 0 }

func (t *tabu) slots(i int32) []uint64 { return t.slot[int(i)*t.aw : int(i+1)*t.aw] }

// meets reports whether two atom sets share an atom.
func meets(a, b []uint64) bool {
	for k, x := range a {
		if x&b[k] != 0 {
			return true
		}
	}
	return false
}

// value is the score of a group of k members with pair-score sum w.
func value(w float64, k int) float64 {
	if k < 2 {
		return 0
	}
	return 2 * w / float64(k-1)
}

// join adds unplaced-or-pooled person a to group g (g may be the pool).
func (t *tabu) join(a int32, g int) {
	n := t.n
	t.W[g] += t.D[g*n+int(a)]
	row := t.w[int(a)*n : int(a+1)*n]
	d := t.D[g*n : (g+1)*n]
	for u, v := range row {
		d[u] += v
	}
	t.addK(g, a, 1)
	t.mem[g] = append(t.mem[g], a)
	t.grp[a] = int32(g)
}

// leave takes a out of its group (or the pool).
func (t *tabu) leave(a int32) int {
	n := t.n
	g := int(t.grp[a])
	row := t.w[int(a)*n : int(a+1)*n]
	d := t.D[g*n : (g+1)*n]
	for u, v := range row {
		d[u] -= v
	}
	t.W[g] -= t.D[g*n+int(a)]
	t.addK(g, a, -1)
	k := slices.Index(t.mem[g], a)
	t.mem[g] = slices.Delete(t.mem[g], k, k+1)
	return g
}

func (t *tabu) addK(g int, a int32, sign int32) {
	k := t.K[g*t.n : (g+1)*t.n]
	for wi, word := range t.ok[int(a)*t.okw : int(a+1)*t.okw] {
		for word != 0 {
			k[wi*64+bits.TrailingZeros64(word)] += sign
			word &= word - 1
		}
	}
}

// settle recomputes a group's common atoms, with and without each member,
// and its pair-score sum from scratch (so rounding does not pile up).
func (t *tabu) settle(g int) {
	if g == t.ng {
		return
	}
	mem := t.mem[g]
	c := t.common[g]
	for k := range c {
		c[k] = ^uint64(0)
	}
	for _, a := range mem {
		for k, x := range t.slots(a) {
			c[k] &= x
		}
	}
	clear(t.loose[g])
	for p := range mem {
		wo := t.without[g][p]
		for k := range wo {
			wo[k] = ^uint64(0)
		}
		for q, a := range mem {
			if q != p {
				for k, x := range t.slots(a) {
					wo[k] &= x
				}
			}
		}
		for k, x := range wo {
			t.loose[g][k] |= x
		}
	}
	s := 0.0
	for p, a := range mem {
		for _, b := range mem[p+1:] {
			s += t.w[int(a)*t.n+int(b)]
		}
	}
	t.W[g] = s
}

// fitsWithout reports whether a may join g in place of its member at
// position p (p < 0: as an extra member).
func (t *tabu) fitsWithout(a int32, g, p int) bool {
	k := len(t.mem[g])
	c := int(t.K[g*t.n+int(a)])
	if p >= 0 {
		if t.may(a, t.mem[g][p]) {
			c--
		}
		k--
	}
	if c != k {
		return false
	}
	if p < 0 {
		return meets(t.common[g], t.slots(a))
	}
	return meets(t.without[g][p], t.slots(a))
}

// total recounts placed people and score.
func (t *tabu) total() {
	t.placed, t.score = 0, 0
	for g := range t.ng {
		t.placed += len(t.mem[g])
		t.score += value(t.W[g], len(t.mem[g]))
	}
}

// construct builds groups greedily: the person with fewest possible
// partners starts a group, which takes, one by one, the unplaced person
// who adds most and keeps a common slot, up to the smallest size.
func (t *tabu) construct() {
	order := make([]int32, t.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return int(t.deg[a] - t.deg[b]) })
	g := 0
	for _, s := range order {
		if int(t.grp[s]) != t.ng || g >= t.ng {
			continue
		}
		mem := []int32{s}
		c := slices.Clone(t.slots(s))
		for len(mem) < t.lo {
			best, bestSum := int32(-1), math.Inf(-1)
			for _, u := range t.mem[t.ng] {
				if slices.Contains(mem, u) || !meets(c, t.slots(u)) {
					continue
				}
				sum, ok := 0.0, true
				for _, x := range mem {
					if !t.may(u, x) {
						ok = false
						break
					}
					sum += t.w[int(u)*t.n+int(x)]
				}
				if ok && sum > bestSum {
					best, bestSum = u, sum
				}
			}
			if best < 0 {
				break
			}
			mem = append(mem, best)
			for k, x := range t.slots(best) {
				c[k] &= x
			}
		}
		if len(mem) < t.lo {
			continue
		}
		for _, a := range mem {
			t.leave(a)
			t.join(a, g)
		}
		t.settle(g)
		g++
	}
	t.total()
}

// place puts unplaced people into groups: where there is room, in the
// place of a member who moves to a group with room, or in a new group
// with other unplaced people and members that groups above the smallest
// size can spare. It repeats until nobody more is placed.
func (t *tabu) place() {
	for more := true; more; {
		more = false
		for _, a := range slices.Clone(t.mem[t.ng]) {
			if t.insert(a) || t.eject(a) || t.gather(a) {
				more = true
			}
		}
	}
	t.total()
}

// bestRoom is the group with room where a adds most, or -1.
func (t *tabu) bestRoom(a int32, skip int) int {
	best, gain := -1, math.Inf(-1)
	for g := range t.ng {
		k := len(t.mem[g])
		if g == skip || k == 0 || k >= t.hi || !t.fitsWithout(a, g, -1) {
			continue
		}
		if d := value(t.W[g]+t.D[g*t.n+int(a)], k+1) - value(t.W[g], k); d > gain {
			best, gain = g, d
		}
	}
	return best
}

func (t *tabu) insert(a int32) bool {
	g := t.bestRoom(a, -1)
	if g < 0 {
		return false
	}
	t.leave(a)
	t.join(a, g)
	t.settle(g)
	return true
}

func (t *tabu) eject(a int32) bool {
	for g := range t.ng {
		for p, y := range t.mem[g] {
			if !t.fitsWithout(a, g, p) {
				continue
			}
			h := t.bestRoom(y, g)
			if h < 0 {
				continue
			}
			t.leave(y)
			t.join(y, h)
			t.settle(h)
			t.leave(a)
			t.join(a, g)
			t.settle(g)
			return true
		}
	}
	return false
}

func (t *tabu) gather(a int32) bool {
	slot := slices.IndexFunc(t.mem[:t.ng], func(m []int32) bool { return len(m) == 0 })
	if slot < 0 {
		return false
	}
	mem := []int32{a}
	c := slices.Clone(t.slots(a))
	spare := map[int32]int{}
	for len(mem) < t.lo {
		best, bestSum := int32(-1), math.Inf(-1)
		for u := range int32(t.n) {
			g := int(t.grp[u])
			if slices.Contains(mem, u) || g != t.ng && len(t.mem[g])-spare[int32(g)] <= t.lo || !meets(c, t.slots(u)) {
				continue
			}
			sum, ok := 0.0, true
			for _, x := range mem {
				if !t.may(u, x) {
					ok = false
					break
				}
				sum += t.w[int(u)*t.n+int(x)]
			}
			if ok && sum > bestSum {
				best, bestSum = u, sum
			}
		}
		if best < 0 {
			return false
		}
		mem = append(mem, best)
		if g := t.grp[best]; int(g) != t.ng {
			spare[g]++
		}
		for k, x := range t.slots(best) {
			c[k] &= x
		}
	}
	for _, u := range mem {
		if g := t.leave(u); g != t.ng {
			t.settle(g)
		}
		t.join(u, slot)
	}
	t.settle(slot)
	return true
}

// keepBest records the current grouping if it is the best so far.
func (t *tabu) keepBest(start time.Time) bool {
	if t.best != nil && (t.placed < t.bestPlaced || t.placed == t.bestPlaced && t.score <= t.bestScore+1e-9) {
		return false
	}
	t.best = slices.Clone(t.grp)
	for i, g := range t.best {
		if int(g) == t.ng {
			t.best[i] = -1
		}
	}
	t.bestPlaced, t.bestScore = t.placed, t.score
	t.foundAt = time.Since(start)
	return true
}

// restore goes back to the best grouping.
func (t *tabu) restore() {
	for g := range t.mem {
		t.mem[g] = t.mem[g][:0]
	}
	clear(t.D)
	clear(t.K)
	clear(t.W)
	for i, g := range t.best {
		if g < 0 {
			g = int32(t.ng)
		}
		t.join(int32(i), int(g))
	}
	for g := range t.ng {
		t.settle(g)
	}
	t.total()
}

// tabuFor says whether a may not join g at this step.
func (t *tabu) tabuFor(a int32, g int) bool {
	return int(t.tabuTill[int(a)*(t.ng+1)+g]) > t.steps
}

// evaluate finds the best admissible and the best tabu change between
// groups P < Q, where Q may be the pool of unplaced people.
func (t *tabu) evaluate(P, Q int) {
	n := t.n
	idx := P*(t.ng+1) + Q
	best, asp := change{delta: math.Inf(-1)}, change{delta: math.Inf(-1)}
	mp, mq := t.mem[P], t.mem[Q]
	kp, kq := len(mp), len(mq)
	if kp == 0 || kq == 0 {
		t.table[idx], t.aspire[idx] = best, asp
		return
	}
	pool := Q == t.ng
	if !pool {
		// Most pairs of groups are far apart in time: nobody of one
		// can take any place in the other.
		reach := func(from []int32, to int) bool {
			for _, a := range from {
				if meets(t.loose[to], t.slots(a)) {
					return true
				}
			}
			return false
		}
		if !reach(mp, Q) && !reach(mq, P) {
			t.table[idx], t.aspire[idx] = best, asp
			return
		}
	}
	wp, wq := t.W[P], t.W[Q]
	vp, vq := value(wp, kp), value(wq, kq)
	// keep files c as the best admissible or the best tabu change if it
	// beats them and keeps a common slot (checked last: it costs most).
	keep := func(c change, taboo bool, slotA, slotX []uint64, a, x int32) {
		target := &best
		if taboo {
			target = &asp
		}
		if c.delta <= target.delta || !meets(slotA, t.slots(a)) || x >= 0 && slotX != nil && !meets(slotX, t.slots(x)) {
			return
		}
		*target = c
	}
	for pa, a := range mp {
		dPa, dQa := t.D[P*n+int(a)], t.D[Q*n+int(a)]
		// a moves from P to Q (never into the pool: that would unplace).
		if !pool && kp > t.lo && kq < t.hi && int(t.K[Q*n+int(a)]) == kq {
			d := value(wq+dQa, kq+1) - vq + value(wp-dPa, kp-1) - vp
			keep(change{d, a, -1, true}, t.tabuFor(a, Q), t.common[Q], nil, a, -1)
		}
		for px, x := range mq {
			wax := t.w[int(a)*n+int(x)]
			okax := int32(0)
			if t.may(a, x) {
				okax = 1
			}
			if int(t.K[P*n+int(x)]-okax) != kp-1 {
				continue
			}
			d := value(wp-dPa+t.D[P*n+int(x)]-wax, kp) - vp
			if pool {
				// Only P changes: x takes a's place, a is left over.
				keep(change{d, a, x, true}, t.tabuFor(x, P), t.without[P][pa], nil, x, -1)
				continue
			}
			if int(t.K[Q*n+int(a)]-okax) != kq-1 {
				continue
			}
			d += value(wq-t.D[Q*n+int(x)]+dQa-wax, kq) - vq
			keep(change{d, a, x, true}, t.tabuFor(a, Q) || t.tabuFor(x, P), t.without[Q][px], t.without[P][pa], a, x)
		}
	}
	if !pool && kq > t.lo && kp < t.hi {
		for _, x := range mq {
			if int(t.K[P*n+int(x)]) != kp {
				continue
			}
			d := value(wp+t.D[P*n+int(x)], kp+1) - vp + value(wq-t.D[Q*n+int(x)], kq-1) - vq
			keep(change{d, x, -1, true}, t.tabuFor(x, P), t.common[P], nil, x, -1)
		}
	}
	t.table[idx], t.aspire[idx] = best, asp
}

// rescore re-evaluates the pairs of group g with the groups that hold a
// best partner of one of its members (and the pool), clears its other
// pairs, and keeps the rows' best entries.
func (t *tabu) rescore(g int) {
	mark := t.mark
	mark[t.ng] = true
	for _, a := range t.mem[g] {
		for _, c := range t.near[a] {
			mark[t.grp[c]] = true
		}
	}
	none := change{delta: math.Inf(-1)}
	for h := range t.ng + 1 {
		if h == g {
			continue
		}
		P, Q := min(g, h), max(g, h)
		if mark[h] {
			mark[h] = false
			t.evaluate(P, Q)
		} else {
			i := P*(t.ng+1) + Q
			t.table[i], t.aspire[i] = none, none
		}
		if h < g {
			t.touch(h, g)
		}
	}
	t.rowMax(g)
}

// touch updates row h's best entries after entry (h, g) changed.
func (t *tabu) touch(h, g int) {
	i := h*(t.ng+1) + g
	if int(t.rowBest[h]) == g {
		t.rowMax(h)
		return
	}
	if int(t.rowAsp[h]) == g {
		t.rowMax(h)
		return
	}
	if t.table[i].delta > t.table[h*(t.ng+1)+int(t.rowBest[h])].delta {
		t.rowBest[h] = int32(g)
	}
	if t.aspire[i].delta > t.aspire[h*(t.ng+1)+int(t.rowAsp[h])].delta {
		t.rowAsp[h] = int32(g)
	}
}

// rowMax finds the best entries of row h.
func (t *tabu) rowMax(h int) {
	row := h * (t.ng + 1)
	b, a := h, h // entry (h, h) is never filled: -Inf once set below
	t.table[row+h] = change{delta: math.Inf(-1)}
	t.aspire[row+h] = change{delta: math.Inf(-1)}
	for q := h + 1; q <= t.ng; q++ {
		if t.table[row+q].delta > t.table[row+b].delta {
			b = q
		}
		if t.aspire[row+q].delta > t.aspire[row+a].delta {
			a = q
		}
	}
	t.rowBest[h], t.rowAsp[h] = int32(b), int32(a)
}

func (t *tabu) rescoreAll() {
	for P := range t.ng {
		t.rescore(P)
	}
	t.rowMax(t.ng)
}

// apply makes a change between groups P and Q and forbids the people it
// moves from going back for a while.
func (t *tabu) apply(c change, P, Q int) {
	from, to := int(t.grp[c.a]), P+Q-int(t.grp[c.a])
	tenure := int32(t.steps + 7 + t.rng.IntN(max(1, t.ng/4)))
	t.tabuTill[int(c.a)*(t.ng+1)+from] = tenure
	t.leave(c.a)
	if c.x >= 0 {
		t.tabuTill[int(c.x)*(t.ng+1)+to] = tenure
		t.leave(c.x)
		t.join(c.x, from)
	}
	t.join(c.a, to)
	t.settle(from)
	t.settle(to)
	t.total()
}

// run is the iterated tabu search.
func (t *tabu) run(stop func() bool, maxSteps int, start time.Time) {
	t.rescoreAll()
	stall := 0
	limit := 20 * t.ng // steps without a new best before a shake
	for !stop() && (maxSteps <= 0 || t.steps < maxSteps) {
		t.steps++
		// Anyone unplaced who can now be placed is placed first.
		if len(t.mem[t.ng]) > 0 && t.steps%t.ng == 0 {
			before := t.placed
			t.place()
			if t.placed != before {
				t.rescoreAll()
			}
		}
		bi, bc := -1, change{delta: math.Inf(-1)}
		for P := range t.ng {
			i := P*(t.ng+1) + int(t.rowBest[P])
			if c := t.table[i]; c.ok && c.delta > bc.delta {
				bi, bc = i, c
			}
			i = P*(t.ng+1) + int(t.rowAsp[P])
			if c := t.aspire[i]; c.ok && c.delta > bc.delta && t.score+c.delta > t.bestScore+1e-9 && t.placed == t.bestPlaced {
				bi, bc = i, c
			}
		}
		if bi < 0 {
			t.shake()
			stall = 0
			continue
		}
		P, Q := bi/(t.ng+1), bi%(t.ng+1)
		t.apply(bc, P, Q)
		t.rescore(P)
		t.rescore(Q)
		if t.steps%(4*t.ng) == 0 {
			// Tabu marks that expired may have freed better changes.
			t.rescoreAll()
		}
		if t.keepBest(start) {
			stall = 0
		} else if stall++; stall > limit {
			t.shake()
			stall = 0
		}
	}
}

// shake returns to the best grouping and perturbs it: random feasible
// swaps between groups, and now and then a circle taken apart (its
// members joining other groups) or a new circle formed from members
// that groups can spare, which changes the number of circles.
func (t *tabu) shake() {
	t.shakes++
	t.restore()
	clear(t.tabuTill)
	t.steps++
	strength := 2 + t.rng.IntN(max(2, t.ng/8))
	switch t.rng.IntN(4) {
	case 0:
		t.dissolve()
	case 1:
		t.form()
	}
	live := func() int {
		for range 100 {
			if g := t.rng.IntN(t.ng); len(t.mem[g]) > 0 {
				return g
			}
		}
		return -1
	}
	for range strength {
		P, Q := live(), live()
		if P < 0 || Q < 0 || P == Q {
			continue
		}
		pa := t.rng.IntN(len(t.mem[P]))
		a := t.mem[P][pa]
		for px, x := range t.mem[Q] {
			if t.fitsWithout(a, Q, px) && t.fitsWithout(x, P, pa) {
				t.leave(a)
				t.leave(x)
				t.join(a, Q)
				t.join(x, P)
				t.settle(P)
				t.settle(Q)
				break
			}
		}
	}
	t.total()
	t.place()
	t.rescoreAll()
}

// dissolve takes a random group of the smallest size apart if all its
// members can join other groups.
func (t *tabu) dissolve() {
	start := t.rng.IntN(t.ng)
	for k := range t.ng {
		g := (start + k) % t.ng
		if len(t.mem[g]) != t.lo {
			continue
		}
		mem := slices.Clone(t.mem[g])
		var moved []int32
		for _, a := range mem {
			h := t.bestRoom(a, g)
			if h < 0 {
				break
			}
			t.leave(a)
			t.join(a, h)
			t.settle(h)
			moved = append(moved, a)
		}
		if len(moved) < len(mem) {
			// Undo: back into g.
			for _, a := range moved {
				h := t.leave(a)
				t.settle(h)
				t.join(a, g)
			}
		}
		t.settle(g)
		return
	}
}

// form gathers a new circle around a random member of a group above
// the smallest size.
func (t *tabu) form() {
	start := t.rng.IntN(t.n)
	for k := range t.n {
		a := int32((start + k) % t.n)
		if g := int(t.grp[a]); g == t.ng || len(t.mem[g]) <= t.lo {
			continue
		}
		g := t.leave(a)
		t.settle(g)
		t.join(a, t.ng)
		if !t.gather(a) {
			t.leave(a)
			t.join(a, g)
			t.settle(g)
		}
		return
	}
}

// anneal runs simulated annealing for the given time, on a schedule of
// elapsed time: random swaps and moves between a person's group and the
// group of one of their best partners, a loss d taken with probability
// exp(d/T), T falling geometrically. It leaves the best grouping found in
// place.
func (t *tabu) anneal(ctx context.Context, start time.Time, phase time.Duration) {
	begin := time.Now()
	// The typical loss of a random swap sets the starting temperature.
	loss, count := 0.0, 0
	for range 2000 {
		if c, ok := t.propose(); ok && c.delta < 0 {
			loss -= c.delta
			count++
		}
	}
	if count == 0 {
		return
	}
	t0 := 0.3 * loss / float64(count)
	t1 := t0 / 200
	temp := t0
	for it := 0; ; it++ {
		if it%4096 == 0 {
			f := float64(time.Since(begin)) / float64(phase)
			if f >= 1 || ctx.Err() != nil {
				break
			}
			temp = t0 * math.Pow(t1/t0, f)
			t.total()
			t.keepBest(start)
		}
		c, ok := t.propose()
		if !ok || c.delta < 0 && t.rng.Float64() >= math.Exp(c.delta/temp) {
			continue
		}
		from, to := int(t.grp[c.a]), int(c.to)
		t.leave(c.a)
		if c.x >= 0 {
			t.leave(c.x)
			t.join(c.x, from)
		}
		t.join(c.a, to)
		t.settle(from)
		t.settle(to)
	}
	t.total()
	t.keepBest(start)
	t.restore()
}

// proposal is a random change for annealing: a goes to group to, and x
// (if ≥ 0) takes a's place.
type proposal struct {
	delta float64
	a, x  int32
	to    int32
}

// propose draws a random feasible change between the group of a random
// placed person and the group of one of their best partners.
func (t *tabu) propose() (proposal, bool) {
	n := t.n
	a := int32(t.rng.IntN(n))
	P := int(t.grp[a])
	if P == t.ng || len(t.near[a]) == 0 {
		return proposal{}, false
	}
	c := t.near[a][t.rng.IntN(len(t.near[a]))]
	Q := int(t.grp[c])
	if Q == t.ng || Q == P {
		return proposal{}, false
	}
	kp, kq := len(t.mem[P]), len(t.mem[Q])
	wp, wq := t.W[P], t.W[Q]
	dPa, dQa := t.D[P*n+int(a)], t.D[Q*n+int(a)]
	if kp > t.lo && kq < t.hi && t.rng.IntN(2) == 0 {
		if int(t.K[Q*n+int(a)]) != kq || !meets(t.common[Q], t.slots(a)) {
			return proposal{}, false
		}
		d := value(wq+dQa, kq+1) - value(wq, kq) + value(wp-dPa, kp-1) - value(wp, kp)
		return proposal{d, a, -1, int32(Q)}, true
	}
	px := t.rng.IntN(kq)
	x := t.mem[Q][px]
	if x == c && kq > 1 {
		px = (px + 1) % kq
		x = t.mem[Q][px]
	}
	okax := int32(0)
	if t.may(a, x) {
		okax = 1
	}
	pa := slices.Index(t.mem[P], a)
	if int(t.K[P*n+int(x)]-okax) != kp-1 || int(t.K[Q*n+int(a)]-okax) != kq-1 ||
		!meets(t.without[P][pa], t.slots(x)) || !meets(t.without[Q][px], t.slots(a)) {
		return proposal{}, false
	}
	wax := t.w[int(a)*n+int(x)]
	d := value(wp-dPa+t.D[P*n+int(x)]-wax, kp) - value(wp, kp) + value(wq-t.D[Q*n+int(x)]+dQa-wax, kq) - value(wq, kq)
	return proposal{d, a, x, int32(Q)}, true
}
