package matching

import (
	"slices"
)

// span is a half-open interval [lo, hi) of minutes, 0 ≤ lo < hi ≤ Week.
// Lists of spans are sorted and disjoint.
type span struct{ lo, hi int32 }

// mergeSpans sorts s and merges spans that overlap or touch, in place.
func mergeSpans(s []span) []span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b span) int { return int(a.lo) - int(b.lo) })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.lo <= last.hi {
			last.hi = max(last.hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

// fullWeek reports whether a merged list covers the whole week.
func fullWeek(a []span) bool {
	return len(a) == 1 && a[0].lo == 0 && a[0].hi == Week
}

// forRuns calls f(start, length) for every maximal run of a merged list on
// the circular week: a run that ends at Week continues with one that starts
// at 0. The whole week is one run of length Week starting at 0.
func forRuns(a []span, f func(start, length int32)) {
	if len(a) == 0 {
		return
	}
	if fullWeek(a) {
		f(0, Week)
		return
	}
	first, last := 0, len(a)
	if len(a) > 1 && a[0].lo == 0 && a[len(a)-1].hi == Week {
		w := a[len(a)-1]
		f(w.lo, w.hi-w.lo+a[0].hi)
		first, last = 1, len(a)-1
	}
	for _, x := range a[first:last] {
		f(x.lo, x.hi-x.lo)
	}
}

// startSet appends to dst the minutes at which a meeting of the given
// length can start inside the merged availability a (on the circular week),
// as a sorted list of spans. Two people can meet for that long exactly when
// their start sets intersect, and a group can when all its members' do.
func startSet(a []span, length int32, dst []span) []span {
	base := len(dst)
	forRuns(a, func(start, n int32) {
		if n < length {
			return
		}
		if n == Week {
			dst = append(dst, span{0, Week})
			return
		}
		end := start + n - length + 1
		if end <= Week {
			dst = append(dst, span{start, end})
			return
		}
		dst = append(dst, span{start, Week}, span{0, end - Week})
	})
	tail := mergeSpans(dst[base:])
	return dst[:base+len(tail)]
}

// intersects reports whether two sorted span lists share a minute.
func intersects(a, b []span) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].hi <= b[j].lo {
			i++
			continue
		}
		if b[j].hi <= a[i].lo {
			j++
			continue
		}
		return true
	}
	return false
}

// intersect appends the intersection of two sorted span lists to dst.
func intersect(a, b []span, dst []span) []span {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].lo, b[j].lo), min(a[i].hi, b[j].hi)
		if lo < hi {
			dst = append(dst, span{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return dst
}

// hourMask marks hours of the week (168 bits). any has bit h when some
// minute of hour h is in the set; all has bit h when every minute is.
type hourMask [3]uint64

func (m *hourMask) set(h int32) { m[h>>6] |= 1 << (h & 63) }

func (m hourMask) and(o hourMask) bool {
	return m[0]&o[0]|m[1]&o[1]|m[2]&o[2] != 0
}

// hourMasks computes the any/all hour masks of a sorted span list.
func hourMasks(s []span) (anyM, allM hourMask) {
	for _, x := range s {
		for h := x.lo / 60; h*60 < x.hi; h++ {
			anyM.set(h)
			if h*60 >= x.lo && h*60+60 <= x.hi {
				allM.set(h)
			}
		}
	}
	return anyM, allM
}

// commonSlots returns the intersection of merged availabilities (on the
// circular week) as output intervals, keeping only runs at least length
// minutes long. A run across the week's end is given as two intervals,
// [0, x] and [y, 10080], exactly as the input gives such a run.
func commonSlots(lists [][]span, length int32) []Interval {
	cur := append([]span(nil), lists[0]...)
	var tmp []span
	for _, l := range lists[1:] {
		tmp = intersect(cur, l, tmp[:0])
		cur, tmp = tmp, cur
	}
	out := []Interval{}
	forRuns(cur, func(start, n int32) {
		if n < length {
			return
		}
		end := start + n
		if end <= Week {
			out = append(out, Interval{int(start), int(end)})
			return
		}
		out = append(out, Interval{int(start), Week}, Interval{0, int(end - Week)})
	})
	slices.SortFunc(out, func(a, b Interval) int { return a[0] - b[0] })
	return out
}
