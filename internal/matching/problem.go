package matching

import (
	"cmp"
	"math"
	"slices"
)

// problem is a validated Input in the engine's representation: people are
// int32 indices into Participants, lists are compressed (offsets into one
// flat slice) and sorted, so that checking a rule or scoring a pair never
// allocates and never touches a map.
type problem struct {
	in       *Input
	n        int
	wt       Weights
	min, max int
	session  int32

	dept      []int32 // -1: no department, different from everyone's
	level     []float64
	topicOff  []int32
	topic     []int32 // per person sorted; id 0 is the most frequent topic
	topicName []string
	topicFreq []int32
	prefOff   []int32
	pref      []int32 // whom i prefers, sorted
	avoidOff  []int32
	avoid     []int32 // symmetric: i avoids j or j avoids i
	pastOff   []int32
	past      []int32 // symmetric past pairs, when the repeat policy is avoid
	tin, tout []int32 // Euler tour of the manager forest
	availOff  []int32
	avail     []span // merged availability; the whole week when absent
	startOff  []int32
	start     []span // minutes a meeting of session length can start
	anyH      []hourMask
	allH      []hourMask

	comp      []int32 // time component: people linked by chains of shared start minutes
	compSize  []int32
	timeAlone []bool // nobody shares a start minute with this person
}

func (p *problem) topics(i int32) []int32 { return p.topic[p.topicOff[i]:p.topicOff[i+1]] }
func (p *problem) prefs(i int32) []int32  { return p.pref[p.prefOff[i]:p.prefOff[i+1]] }
func (p *problem) avoids(i int32) []int32 { return p.avoid[p.avoidOff[i]:p.avoidOff[i+1]] }
func (p *problem) pasts(i int32) []int32  { return p.past[p.pastOff[i]:p.pastOff[i+1]] }
func (p *problem) avails(i int32) []span  { return p.avail[p.availOff[i]:p.availOff[i+1]] }
func (p *problem) starts(i int32) []span  { return p.start[p.startOff[i]:p.startOff[i+1]] }

// csr turns per-person lists into offsets and one flat slice, sorting and
// de-duplicating each list.
func csr(lists [][]int32) (off, flat []int32) {
	off = make([]int32, len(lists)+1)
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	flat = make([]int32, 0, total)
	for i, l := range lists {
		slices.Sort(l)
		l = slices.Compact(l)
		flat = append(flat, l...)
		off[i+1] = int32(len(flat))
	}
	return off, flat
}

func contains(sorted []int32, x int32) bool {
	_, ok := slices.BinarySearch(sorted, x)
	return ok
}

// newProblem builds the engine's representation of a valid input.
func newProblem(in *Input) *problem {
	n := len(in.Participants)
	p := &problem{in: in, n: n, wt: in.weights(), session: int32(in.SessionMinutes)}
	p.min, p.max = in.sizes()

	idx := make(map[string]int32, n+len(in.NonParticipants))
	for i, q := range in.Participants {
		idx[q.ID] = int32(i)
	}
	for i, q := range in.NonParticipants {
		idx[q.ID] = int32(n + i)
	}

	// Departments and levels.
	p.dept = make([]int32, n)
	p.level = make([]float64, n)
	depts := map[string]int32{}
	for i, q := range in.Participants {
		p.level[i] = float64(q.Level)
		if q.Department == "" {
			p.dept[i] = -1
			continue
		}
		d, ok := depts[q.Department]
		if !ok {
			d = int32(len(depts))
			depts[q.Department] = d
		}
		p.dept[i] = d
	}

	// Topics, numbered by falling frequency (then name) so that ids are
	// deterministic and popular topics have small ids.
	freq := map[string]int32{}
	for _, q := range in.Participants {
		seen := map[string]bool{}
		for _, t := range q.Topics {
			if !seen[t] {
				seen[t] = true
				freq[t]++
			}
		}
	}
	p.topicName = make([]string, 0, len(freq))
	for t := range freq {
		p.topicName = append(p.topicName, t)
	}
	slices.SortFunc(p.topicName, func(a, b string) int {
		if c := cmp.Compare(freq[b], freq[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	tid := make(map[string]int32, len(freq))
	p.topicFreq = make([]int32, len(p.topicName))
	for k, t := range p.topicName {
		tid[t] = int32(k)
		p.topicFreq[k] = freq[t]
	}
	lists := make([][]int32, n)
	for i, q := range in.Participants {
		for _, t := range q.Topics {
			lists[i] = append(lists[i], tid[t])
		}
	}
	p.topicOff, p.topic = csr(lists)

	// Preferences (directed) and vetoes (symmetric).
	for i, q := range in.Participants {
		lists[i] = lists[i][:0]
		for _, id := range q.Prefer {
			if j := idx[id]; j != int32(i) && j < int32(n) {
				lists[i] = append(lists[i], j)
			}
		}
	}
	p.prefOff, p.pref = csr(lists)
	for i := range lists {
		lists[i] = nil
	}
	for i, q := range in.Participants {
		for _, id := range q.Avoid {
			if j := idx[id]; j != int32(i) && j < int32(n) {
				lists[i] = append(lists[i], j)
				lists[j] = append(lists[j], int32(i))
			}
		}
	}
	p.avoidOff, p.avoid = csr(lists)
	for i := range lists {
		lists[i] = nil
	}
	if in.RepeatPolicy != RepeatAllow {
		for _, pair := range in.PastPairs {
			i, ok1 := idx[pair[0]]
			j, ok2 := idx[pair[1]]
			if ok1 && ok2 && i != j && i < int32(n) && j < int32(n) {
				lists[i] = append(lists[i], j)
				lists[j] = append(lists[j], i)
			}
		}
	}
	p.pastOff, p.past = csr(lists)

	p.buildTree(idx)
	p.buildTime()
	return p
}

// buildTree numbers the manager forest (participants and non-participants)
// in depth-first order: i is an ancestor of j exactly when
// tin[i] < tin[j] < tout[i].
func (p *problem) buildTree(idx map[string]int32) {
	in := p.in
	total := p.n + len(in.NonParticipants)
	parent := make([]int32, total)
	for v := range total {
		m := ""
		if v < p.n {
			m = in.Participants[v].Manager
		} else {
			m = in.NonParticipants[v-p.n].Manager
		}
		parent[v] = -1
		if u, ok := idx[m]; ok && m != "" && int(u) != v {
			parent[v] = u
		}
	}
	childOff := make([]int32, total+1)
	for _, u := range parent {
		if u >= 0 {
			childOff[u+1]++
		}
	}
	for v := range total {
		childOff[v+1] += childOff[v]
	}
	child := make([]int32, childOff[total])
	fill := slices.Clone(childOff[:total])
	for v, u := range parent {
		if u >= 0 {
			child[fill[u]] = int32(v)
			fill[u]++
		}
	}
	tin := make([]int32, total)
	tout := make([]int32, total)
	for v := range tin {
		tin[v] = -1
	}
	clock := int32(0)
	type frame struct{ v, next int32 }
	var stack []frame
	visit := func(root int32) {
		tin[root] = clock
		clock++
		stack = append(stack[:0], frame{root, childOff[root]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == childOff[top.v+1] {
				tout[top.v] = clock
				stack = stack[:len(stack)-1]
				continue
			}
			c := child[top.next]
			top.next++
			if tin[c] >= 0 {
				continue // only on a cycle, which Validate rejects
			}
			tin[c] = clock
			clock++
			stack = append(stack, frame{c, childOff[c]})
		}
	}
	for v := range total {
		if parent[v] < 0 {
			visit(int32(v))
		}
	}
	for v := range total {
		if tin[v] < 0 {
			visit(int32(v))
		}
	}
	p.tin, p.tout = tin[:p.n], tout[:p.n]
}

// buildTime merges availability, computes start sets, hour masks and the
// time components (connected components of "can meet for a session").
func (p *problem) buildTime() {
	n := p.n
	p.availOff = make([]int32, n+1)
	p.startOff = make([]int32, n+1)
	p.anyH = make([]hourMask, n)
	p.allH = make([]hourMask, n)
	var buf []span
	for i, q := range p.in.Participants {
		buf = buf[:0]
		if q.Availability == nil {
			buf = append(buf, span{0, Week})
		}
		for _, iv := range q.Availability {
			buf = append(buf, span{int32(iv[0]), int32(iv[1])})
		}
		buf = mergeSpans(buf)
		p.avail = append(p.avail, buf...)
		p.availOff[i+1] = int32(len(p.avail))
		p.start = startSet(buf, p.session, p.start)
		p.startOff[i+1] = int32(len(p.start))
		p.anyH[i], p.allH[i] = hourMasks(p.starts(int32(i)))
	}

	// Components by a sweep over every start span: spans that overlap,
	// directly or through a chain, share a component.
	type ev struct {
		lo, hi int32
		who    int32
	}
	evs := make([]ev, 0, len(p.start))
	for i := range n {
		for _, s := range p.starts(int32(i)) {
			evs = append(evs, ev{s.lo, s.hi, int32(i)})
		}
	}
	slices.SortFunc(evs, func(a, b ev) int {
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		return cmp.Compare(a.who, b.who)
	})
	uf := newUnionFind(n)
	p.timeAlone = make([]bool, n)
	for i := range p.timeAlone {
		p.timeAlone[i] = true
	}
	for k := 0; k < len(evs); {
		reach := evs[k].hi
		e := k + 1
		for e < len(evs) && evs[e].lo < reach {
			reach = max(reach, evs[e].hi)
			e++
		}
		if e-k > 1 {
			for _, x := range evs[k:e] {
				uf.union(x.who, evs[k].who)
				p.timeAlone[x.who] = false
			}
		}
		k = e
	}
	// Number components by their smallest member.
	p.comp = make([]int32, n)
	root := make(map[int32]int32)
	for i := range n {
		r := uf.find(int32(i))
		c, ok := root[r]
		if !ok {
			c = int32(len(p.compSize))
			root[r] = c
			p.compSize = append(p.compSize, 0)
		}
		p.comp[i] = c
		p.compSize[c]++
	}
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if a > b {
		a, b = b, a
	}
	u.parent[b] = a
}

// shared counts the topics two people have in common.
func (p *problem) shared(i, j int32) int {
	a, b := p.topics(i), p.topics(j)
	c, x, y := 0, 0, 0
	for x < len(a) && y < len(b) {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			c++
			x++
			y++
		}
	}
	return c
}

// prefBonus is the preference part of w(i,j).
func (p *problem) prefBonus(i, j int32) float64 {
	ij, ji := contains(p.prefs(i), j), contains(p.prefs(j), i)
	switch {
	case ij && ji:
		return p.wt.MutualPreference
	case ij || ji:
		return p.wt.OneWayPreference
	}
	return 0
}

// baseWeight is w(i,j) without the preference terms. The block matrices
// compute exactly the same expression in the same order.
func baseWeight(wt *Weights, shared int, di, dj int32, li, lj float64) float64 {
	v := wt.SharedTopic * float64(shared)
	if di < 0 || di != dj {
		v += wt.DepartmentDiversity
	}
	return v - wt.LevelGap*math.Abs(li-lj)
}

// weight is the pair score w(i,j) of matching.md.
func (p *problem) weight(i, j int32) float64 {
	return baseWeight(&p.wt, p.shared(i, j), p.dept[i], p.dept[j], p.level[i], p.level[j]) + p.prefBonus(i, j)
}

// line reports whether one of i, j is an ancestor of the other.
func (p *problem) line(i, j int32) bool {
	ti, tj := p.tin[i], p.tin[j]
	return ti < tj && tj < p.tout[i] || tj < ti && ti < p.tout[j]
}

// vetoed reports whether an avoid entry or a past pair forbids i with j.
func (p *problem) vetoed(i, j int32) bool {
	return contains(p.avoids(i), j) || contains(p.pasts(i), j)
}

// meet reports whether i and j share a start minute.
func (p *problem) meet(i, j int32) bool {
	if !p.anyH[i].and(p.anyH[j]) {
		return false
	}
	if p.allH[i].and(p.allH[j]) {
		return true
	}
	return intersects(p.starts(i), p.starts(j))
}

// compatible reports whether i and j may be in one group as far as the pair
// is concerned: different people, no reporting line, no veto, a common
// slot. A group also needs one slot common to all its members.
func (p *problem) compatible(i, j int32) bool {
	return i != j && p.comp[i] == p.comp[j] && !p.line(i, j) && p.meet(i, j) && !p.vetoed(i, j)
}
