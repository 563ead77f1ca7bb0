package matching

import (
	"math"
	"slices"
)

// upperBound returns a proven upper bound on the score of any proposal.
//
// A placed person's satisfaction is the mean of w over k-1 ≥ min-1 group
// mates, all of them compatible with the person, and such a mean is at most
// the mean of the person's best min-1 values of w over compatible partners.
// Unplaced people add nothing, so the sum over people of
// max(0, best mean of min-1) bounds every proposal's score.
//
// Where a time component fits in one block, the block computed that mean
// exactly. In larger components the bound is computed without looking at
// pairs: apart from the few people tied to i by a preference (scored
// exactly), w(i,j) ≤ shared_topic·|T_i∩T_j| + department_diversity, and the
// number of people in i's component who share at least c topics with i is
// at most the sum over c-subsets of T_i of how many others hold that subset
// (counted with a hash map of topic subsets of up to four topics). That
// gives, for every k, a ceiling on the k-th best partner score, and the
// mean of the top min-1 ceilings bounds the person's satisfaction.
func (sv *solver) upperBound() float64 {
	p := sv.p
	need := p.min - 1
	todo := map[int32][]int32{}
	for i := range int32(p.n) {
		if math.IsNaN(sv.bound[i]) {
			sv.bound[i] = 0
			if p.compSize[p.comp[i]] > int32(need) && !p.timeAlone[i] && len(p.starts(i)) > 0 {
				todo[p.comp[i]] = append(todo[p.comp[i]], i)
			}
		}
	}
	if len(todo) > 0 {
		// Who prefers whom, reversed.
		lists := make([][]int32, p.n)
		for i := range int32(p.n) {
			for _, j := range p.prefs(i) {
				lists[j] = append(lists[j], i)
			}
		}
		byOff, by := csr(lists)
		comps := make([]int32, 0, len(todo))
		for c := range todo {
			comps = append(comps, c)
		}
		slices.Sort(comps)
		members := make([][]int32, len(p.compSize))
		for i := range int32(p.n) {
			if _, ok := todo[p.comp[i]]; ok {
				members[p.comp[i]] = append(members[p.comp[i]], i)
			}
		}
		for _, c := range comps {
			sv.indexBound(todo[c], members[c], byOff, by)
		}
	}
	total := 0.0
	for _, b := range sv.bound {
		total += max(0, b)
	}
	return total
}

// maxSubsetInserts bounds the work of counting topic subsets.
const maxSubsetInserts = 8 << 20

// indexBound fills sv.bound for people in one component.
func (sv *solver) indexBound(people, members []int32, byOff, by []int32) {
	p := sv.p
	need := p.min - 1
	// The largest subset size whose counting fits the work bound; topic
	// ids must fit 16 bits to be packed four to a key.
	cmax := 4
	if len(p.topicName) >= 1<<16-1 {
		cmax = 1
	}
	for ; cmax > 1; cmax-- {
		total := 0
		for _, i := range members {
			t := len(p.topics(i))
			for c := 1; c <= cmax; c++ {
				total += binom(t, c)
			}
		}
		if total <= maxSubsetInserts {
			break
		}
	}
	count := map[uint64]int32{}
	for _, i := range members {
		forSubsets(p.topics(i), cmax, func(key uint64, _ int) { count[key]++ })
	}
	caps := make([]float64, 0, need)
	var exact []float64
	reach := make([]int, cmax+1)
	for _, i := range people {
		t := len(p.topics(i))
		clear(reach)
		forSubsets(p.topics(i), cmax, func(key uint64, c int) { reach[c] += int(count[key]) - 1 })
		// reach[c] ≥ the number of others sharing at least c topics.
		caps = caps[:0]
		for k := 1; k <= need; k++ {
			c := 0
			for cc := min(t, cmax); cc >= 1; cc-- {
				if reach[cc] >= k {
					c = cc
					if cc == cmax {
						c = t // more than cmax shared topics cannot be ruled out
					}
					break
				}
			}
			caps = append(caps, p.wt.SharedTopic*float64(c)+p.wt.DepartmentDiversity)
		}
		exact = exact[:0]
		seen := func(j int32) bool {
			return slices.Contains(p.prefs(i), j) && slices.Contains(by[byOff[i]:byOff[i+1]], j)
		}
		for _, j := range p.prefs(i) {
			if p.compatible(i, j) {
				exact = append(exact, p.weight(i, j))
			}
		}
		for _, j := range by[byOff[i]:byOff[i+1]] {
			if !seen(j) && p.compatible(i, j) {
				exact = append(exact, p.weight(i, j))
			}
		}
		all := append(caps, exact...)
		slices.SortFunc(all, func(a, b float64) int {
			switch {
			case a > b:
				return -1
			case a < b:
				return 1
			}
			return 0
		})
		s := 0.0
		for _, v := range all[:need] {
			s += v
		}
		sv.bound[i] = max(0, s/float64(need))
		caps = all[:0]
	}
}

func binom(n, k int) int {
	if k > n {
		return 0
	}
	r := 1
	for i := 1; i <= k; i++ {
		r = r * (n - k + i) / i
	}
	return r
}

// forSubsets calls f with a packed key for every non-empty subset of the
// sorted topic list with at most cmax topics.
func forSubsets(topics []int32, cmax int, f func(key uint64, size int)) {
	var rec func(start int, key uint64, size int)
	rec = func(start int, key uint64, size int) {
		for k := start; k < len(topics); k++ {
			nk := key | uint64(topics[k]+1)<<(16*size)
			f(nk, size+1)
			if size+1 < cmax {
				rec(k+1, nk, size+1)
			}
		}
	}
	rec(0, 0, 0)
}
