// Package yardstick measures the matching engine against references
// written apart from it: CheckPairs verifies, from first principles, the
// certificate that proves a pairing optimal, SearchGroups is a long
// iterated tabu search for circles whose best score the engine's
// one-second run is compared with, and ScoreGroups checks and scores any
// grouping. They read the rules of matching.md straight from the
// input, in their own way, and share no code with the engine.
package yardstick

import (
	"math/bits"
	"slices"

	"github.com/holdspace/holdspace/internal/matching"
)

// week is the number of minutes in a week, and words the uint64s that
// hold one bit per minute.
const (
	week  = matching.Week
	words = (week + 63) / 64
)

// rules are the hard rules and the pair score of one input.
type rules struct {
	in      *matching.Input
	n       int
	session int
	w       matching.Weights
	topics  [][]uint64 // topic sets as bits
	dept    []string
	level   []int
	prefer  [][]int32 // sorted
	veto    [][]int32 // sorted, both ways: avoid, and past pairs unless allowed
	above   [][]int32 // sorted: everyone above a participant in the manager tree
	starts  [][]uint64
	hours   [][3]uint64 // hours of the week with a start minute
}

func newRules(in *matching.Input) *rules {
	n := len(in.Participants)
	r := &rules{in: in, n: n, session: in.SessionMinutes, w: matching.DefaultWeights()}
	if in.Weights != nil {
		r.w = *in.Weights
	}
	person := map[string]int32{}
	for i, q := range in.Participants {
		person[q.ID] = int32(i)
	}
	for i, q := range in.NonParticipants {
		person[q.ID] = int32(n + i)
	}
	manager := make([]int32, n+len(in.NonParticipants))
	for i := range manager {
		m := ""
		if i < n {
			m = in.Participants[i].Manager
		} else {
			m = in.NonParticipants[i-n].Manager
		}
		manager[i] = -1
		if k, ok := person[m]; ok && m != "" {
			manager[i] = k
		}
	}
	topicID := map[string]int{}
	for _, q := range in.Participants {
		for _, t := range q.Topics {
			if _, ok := topicID[t]; !ok {
				topicID[t] = len(topicID)
			}
		}
	}
	tw := (len(topicID) + 63) / 64
	r.topics = make([][]uint64, n)
	r.prefer = make([][]int32, n)
	r.veto = make([][]int32, n)
	r.above = make([][]int32, n)
	r.starts = make([][]uint64, n)
	r.hours = make([][3]uint64, n)
	r.dept = make([]string, n)
	r.level = make([]int, n)
	for i, q := range in.Participants {
		r.dept[i] = q.Department
		r.level[i] = q.Level
		r.topics[i] = make([]uint64, tw)
		for _, t := range q.Topics {
			k := topicID[t]
			r.topics[i][k/64] |= 1 << (k % 64)
		}
		for _, id := range q.Prefer {
			if j := person[id]; j != int32(i) {
				r.prefer[i] = append(r.prefer[i], j)
			}
		}
		for _, id := range q.Avoid {
			if j := person[id]; j != int32(i) {
				r.veto[i] = append(r.veto[i], j)
				r.veto[j] = append(r.veto[j], int32(i))
			}
		}
		seen := 0
		for m := manager[i]; m >= 0 && seen <= len(manager); m = manager[m] {
			r.above[i] = append(r.above[i], m)
			seen++
		}
		r.starts[i], r.hours[i] = startMinutes(q.Availability, r.session)
	}
	if in.RepeatPolicy != matching.RepeatAllow {
		for _, pp := range in.PastPairs {
			i, ok1 := person[pp[0]]
			j, ok2 := person[pp[1]]
			if ok1 && ok2 && i != j && int(i) < n && int(j) < n {
				r.veto[i] = append(r.veto[i], j)
				r.veto[j] = append(r.veto[j], i)
			}
		}
	}
	for i := range n {
		for _, l := range []*[]int32{&r.prefer[i], &r.veto[i], &r.above[i]} {
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
	}
	return r
}

// startMinutes returns the minutes of the week at which a meeting of the
// given length can start within the availability (nil: always; the week
// wraps around), and the hours that hold such a minute.
func startMinutes(avail []matching.Interval, length int) ([]uint64, [3]uint64) {
	free := make([]bool, week)
	if avail == nil {
		for m := range free {
			free[m] = true
		}
	}
	for _, iv := range avail {
		for m := iv[0]; m < iv[1]; m++ {
			free[m] = true
		}
	}
	// run[m]: free minutes in a row from m on, around the week's end,
	// up to a week.
	run := make([]int, week)
	for pass := 0; pass < 2; pass++ {
		for m := week - 1; m >= 0; m-- {
			if !free[m] {
				run[m] = 0
				continue
			}
			next := run[(m+1)%week]
			run[m] = min(week, next+1)
		}
	}
	bitsOut := make([]uint64, words)
	var hours [3]uint64
	for m := range week {
		if run[m] >= length {
			bitsOut[m/64] |= 1 << (m % 64)
			h := m / 60
			hours[h/64] |= 1 << (h % 64)
		}
	}
	return bitsOut, hours
}

// canMeet reports whether a meeting can start at a minute that suits both.
func (r *rules) canMeet(i, j int) bool {
	hi, hj := r.hours[i], r.hours[j]
	if hi[0]&hj[0]|hi[1]&hj[1]|hi[2]&hj[2] == 0 {
		return false
	}
	a, b := r.starts[i], r.starts[j]
	for k := range a {
		if a[k]&b[k] != 0 {
			return true
		}
	}
	return false
}

// pairable reports whether i and j may be in one group: no reporting
// line, no veto, a common slot.
func (r *rules) pairable(i, j int) bool {
	if i == j {
		return false
	}
	if _, ok := slices.BinarySearch(r.above[i], int32(j)); ok {
		return false
	}
	if _, ok := slices.BinarySearch(r.above[j], int32(i)); ok {
		return false
	}
	if _, ok := slices.BinarySearch(r.veto[i], int32(j)); ok {
		return false
	}
	return r.canMeet(i, j)
}

// terms are the counts that w(i,j) weighs.
type terms struct {
	shared, diff, gap, mutual, oneWay int
}

func (r *rules) terms(i, j int) terms {
	var t terms
	for k, x := range r.topics[i] {
		t.shared += bits.OnesCount64(x & r.topics[j][k])
	}
	if r.dept[i] == "" || r.dept[i] != r.dept[j] {
		t.diff = 1
	}
	t.gap = r.level[i] - r.level[j]
	if t.gap < 0 {
		t.gap = -t.gap
	}
	_, ij := slices.BinarySearch(r.prefer[i], int32(j))
	_, ji := slices.BinarySearch(r.prefer[j], int32(i))
	switch {
	case ij && ji:
		t.mutual = 1
	case ij || ji:
		t.oneWay = 1
	}
	return t
}
