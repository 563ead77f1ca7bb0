package matching

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// The first sparse graph holds, for each person, their pairBest best
// partners by w̃ among the pairWindow people on each side of them in the
// set's order (makeBlocks sorts a component by time of day and topics),
// or among everyone for the few with fewer there. The first pricing then
// brings in what the duals ask for.
const (
	pairBest   = 10
	pairWindow = 400
)

// pairPerson is what w̃ without preferences needs of a person.
type pairPerson struct {
	topics uint64 // topics shared within the set, as bits, when they fit a word
	level  int64
	dept   int32
}

// pairSet is a set of people paired exactly, with what the scans over all
// their pairs need at hand. Local index a is ids[a].
type pairSet struct {
	p      *problem
	pw     *pairWeights
	ids    []int32
	people []pairPerson
	bits   bool    // people[a].topics hold the topics; otherwise count with p.shared
	rest   []int64 // per person, u − 2C while pricing
}

func newPairSet(p *problem, pw *pairWeights, ids []int32) *pairSet {
	s := &pairSet{p: p, pw: pw, ids: ids, people: make([]pairPerson, len(ids))}
	// Topics held by one person of the set are never shared in it.
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
	s.bits = len(keep) <= 64
	for a, g := range ids {
		x := &s.people[a]
		// Someone without a department differs from everyone: a
		// department of their own says so with one comparison.
		x.dept = p.dept[g]
		if x.dept < 0 {
			x.dept = -1 - int32(a)
		}
		x.level = int64(p.in.Participants[g].Level)
		if s.bits {
			for _, t := range p.topics(g) {
				if k, ok := slices.BinarySearch(keep, t); ok {
					x.topics |= 1 << k
				}
			}
		}
	}
	return s
}

// base is w̃ of local people a and c without the preference terms.
func (s *pairSet) base(a, c int) int64 {
	x, y := &s.people[a], &s.people[c]
	var sh int64
	if s.bits {
		sh = int64(bits.OnesCount64(x.topics & y.topics))
	} else {
		sh = int64(s.p.shared(s.ids[a], s.ids[c]))
	}
	pw := s.pw
	v := pw.topic * sh
	if x.dept != y.dept {
		v += pw.dept
	}
	if pw.gap != 0 {
		d := x.level - y.level
		v -= pw.gap * max(d, -d)
	}
	return v
}

// forRows calls f on consecutive chunks of the rows 0..m-1 from one
// goroutine per processor.
func forRows(m int, f func(lo, hi int)) {
	const chunk = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (m+chunk-1)/chunk) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= m {
					return
				}
				f(lo, min(lo+chunk, m))
			}
		}()
	}
	wg.Wait()
}

// ranked is a candidate partner with the key it is ranked by.
type ranked struct {
	c   int32
	key uint64
}

// keepBest inserts x into top, which holds at most k candidates with the
// largest keys, largest first.
func keepBest(top []ranked, k int, x ranked) []ranked {
	if len(top) < k {
		top = append(top, x)
	}
	i := len(top) - 1
	for i > 0 && top[i-1].key < x.key {
		top[i] = top[i-1]
		i--
	}
	top[i] = x
	return top
}

// firstGraph returns, for each person, the partners of the first sparse
// graph, as unsorted lists.
func (s *pairSet) firstGraph() [][]int32 {
	m := len(s.ids)
	out := make([][]int32, m)
	forRows(m, func(lo, hi int) {
		best := make([]ranked, 0, pairBest)
		for a := lo; a < hi; a++ {
			best = s.bestAmong(a, max(0, a-pairWindow), min(m, a+pairWindow+1), best[:0])
			if len(best) < pairBest && 2*pairWindow+1 < m {
				best = s.bestAmong(a, 0, m, best[:0])
			}
			row := make([]int32, len(best))
			for k, x := range best {
				row[k] = x.c
			}
			out[a] = row
		}
	})
	return out
}

// bestAmong appends to best (empty) the pairBest compatible partners of a
// with the highest w̃ without preferences among the people lo..hi-1, best
// first, ties broken by a hash of the pair so that they do not all fall
// on the same few people.
func (s *pairSet) bestAmong(a, lo, hi int, best []ranked) []ranked {
	pw := s.pw
	ga := s.ids[a]
	x := s.people[a]
	// Only a pair at least as good as the pairBest-th best so far is
	// looked at more closely.
	thr := int64(math.MinInt64)
	for c := lo; c < hi; c++ {
		y := &s.people[c]
		var w int64
		if s.bits {
			w = pw.topic * int64(bits.OnesCount64(x.topics&y.topics))
		} else {
			w = pw.topic * int64(s.p.shared(ga, s.ids[c]))
		}
		if x.dept != y.dept {
			w += pw.dept
		}
		d := x.level - y.level
		w -= pw.gap * max(d, -d)
		if w < thr || c == a {
			continue
		}
		// w̃ in the high bits (offset to be non-negative, it fits 53
		// bits), the hash in the low ones.
		key := uint64(w+pw.offset)<<11 | uint64(pairHash(int32(a), int32(c))>>21)
		if len(best) == pairBest && key <= best[pairBest-1].key || !s.p.compatible(ga, s.ids[c]) {
			continue
		}
		best = keepBest(best, pairBest, ranked{int32(c), key})
		if len(best) == pairBest {
			thr = int64(best[pairBest-1].key>>11) - pw.offset
		}
	}
	return best
}
