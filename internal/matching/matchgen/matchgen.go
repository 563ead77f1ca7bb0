// Package matchgen generates matching inputs: realistic organisations for
// the benchmark and the tests (Realistic), and small adversarial instances
// for property and fuzz tests (Random). Everything is deterministic for a
// seed.
package matchgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/holdspace/holdspace/internal/matching"
)

// Config describes a realistic instance.
type Config struct {
	// People is the number of participants.
	People int
	// Format is "pair" or "group" (the default).
	Format string
	// Min and Max bound group sizes (default 4–6; ignored for pairs).
	Min, Max int
	// SessionMinutes defaults to 60.
	SessionMinutes int
	// Zones is the number of time-zone clusters, 3–6; 0 picks one from
	// the seed.
	Zones int
	// Topics is the size of the topic vocabulary (default 60).
	Topics int
	// PastPairs adds pairs from an earlier round, about one per four
	// people, with repeat policy "avoid".
	PastPairs bool
	Seed      uint64
}

// zone is a time-zone cluster: an offset from UTC and how many people
// work there (relative).
type zone struct {
	name   string
	offset int // minutes east of UTC
	weight float64
}

var zones = []zone{
	{"Europe/Berlin", 60, 5},
	{"America/New_York", -300, 4},
	{"Asia/Kolkata", 330, 3},
	{"America/Los_Angeles", -480, 2.5},
	{"Asia/Singapore", 480, 2},
	{"Europe/London", 0, 3},
	{"Australia/Sydney", 600, 1.5},
	{"America/Sao_Paulo", -180, 1.5},
	{"Asia/Tokyo", 540, 1},
}

var topicNames = []string{
	"feedback", "delegation", "strategy", "career growth", "difficult conversations",
	"time management", "stakeholder management", "public speaking", "hiring",
	"remote teams", "decision making", "conflict", "motivation", "burnout",
	"prioritisation", "coaching others", "negotiation", "influence", "change",
	"first-time manager", "product thinking", "technical leadership", "writing",
	"presenting data", "mentoring", "inclusion", "work-life balance", "visibility",
	"saying no", "meetings", "onboarding", "performance reviews", "budgeting",
	"cross-team work", "customer empathy", "innovation", "resilience",
	"managing up", "giving praise", "self-awareness", "ownership", "trust",
	"psychological safety", "goal setting", "OKRs", "storytelling", "focus",
	"learning", "networking", "promotion", "imposter syndrome", "listening",
	"facilitation", "ethics", "culture", "scaling", "crisis", "sales skills",
	"vendor management", "retention",
}

var departmentNames = []string{
	"Engineering", "Sales", "Marketing", "Finance", "People", "Legal",
	"Operations", "Product", "Design", "Customer Success", "Data", "Security",
	"Research", "Support", "Facilities", "Procurement",
}

// Realistic builds an organisation with a real manager tree (a CEO,
// department heads and layers of managers with spans of 3–8, seniority
// falling down the tree), about a fifth of it not taking part; people in
// 3–6 time-zone clusters with working hours (start times, part-time days,
// lunch breaks and busy blocks vary, a few people have odd or no
// availability); topics from a vocabulary drawn with a Zipf-like skew and
// a departmental flavour; sparse prefer (some mutual) and avoid lists.
func Realistic(c Config) *matching.Input {
	rng := rand.New(rand.NewPCG(c.Seed, 0x5eed))
	if c.Format == "" {
		c.Format = matching.FormatGroup
	}
	if c.Min == 0 {
		c.Min, c.Max = 4, 6
	}
	if c.SessionMinutes == 0 {
		c.SessionMinutes = 60
	}
	if c.Zones == 0 {
		c.Zones = 3 + rng.IntN(4)
	}
	if c.Topics == 0 {
		c.Topics = 60
	}
	n := c.People

	// The organisation: employees in breadth-first layers.
	employees := n + n/4 + 1
	type person struct {
		parent int
		layer  int
		dept   int
		level  int
	}
	nd := min(len(departmentNames), max(3, int(math.Round(3*math.Log10(float64(employees)+10)))))
	org := []person{{parent: -1, layer: 0, dept: -1, level: 9}}
	for d := 0; d < nd && len(org) < employees; d++ {
		org = append(org, person{parent: 0, layer: 1, dept: d, level: 8})
	}
	for k := 1; len(org) < employees; k++ {
		if k >= len(org) {
			// Not enough managers yet: the whole tree is leaves.
			k = 1
		}
		m := org[k]
		span := 3 + rng.IntN(6)
		for range span {
			if len(org) >= employees {
				break
			}
			lvl := m.level - 1
			if rng.IntN(5) == 0 {
				lvl--
			}
			org = append(org, person{parent: k, layer: m.layer + 1, dept: m.dept, level: max(1, lvl)})
		}
	}
	// Who takes part: everyone but the CEO, minus a random fifth.
	part := make([]bool, len(org))
	cand := rng.Perm(len(org) - 1)
	for _, k := range cand[:min(n, len(cand))] {
		part[k+1] = true
	}
	ids := make([]string, len(org))
	order := rng.Perm(len(org))
	np, nn := 0, 0
	for _, k := range order {
		if part[k] {
			np++
			ids[k] = fmt.Sprintf("p%d", np)
		} else {
			nn++
			ids[k] = fmt.Sprintf("m%d", nn)
		}
	}

	// Zones and topics.
	zs := slices.Clone(zones[:min(c.Zones, len(zones))])
	zw := 0.0
	for _, z := range zs {
		zw += z.weight
	}
	vocab := make([]string, c.Topics)
	for k := range vocab {
		if k < len(topicNames) {
			vocab[k] = topicNames[k]
		} else {
			vocab[k] = fmt.Sprintf("topic %d", k+1)
		}
	}
	zipf := zipfCDF(len(vocab), 1.05)
	favourite := make([][]int, nd)
	for d := range favourite {
		favourite[d] = rng.Perm(len(vocab))[:5]
	}

	in := &matching.Input{
		Format:         c.Format,
		GroupSize:      matching.SizeRange{Min: c.Min, Max: c.Max},
		SessionMinutes: c.SessionMinutes,
	}
	if c.Format == matching.FormatPair {
		in.GroupSize = matching.SizeRange{}
	}
	pidx := map[int]int{}
	var byDept = make([][]int, nd+1)
	for _, k := range order {
		e := org[k]
		mgr := ""
		if e.parent >= 0 {
			mgr = ids[e.parent]
		}
		if !part[k] {
			in.NonParticipants = append(in.NonParticipants, matching.NonParticipant{ID: ids[k], Manager: mgr})
			continue
		}
		dept := "Executive"
		if e.dept >= 0 {
			dept = departmentNames[e.dept]
		}
		q := matching.Participant{ID: ids[k], Department: dept, Manager: mgr, Level: e.level}
		// Topics.
		nt := []int{1, 2, 2, 3, 3, 3, 4, 4, 5, 2}[rng.IntN(10)]
		for len(q.Topics) < nt {
			var t int
			if e.dept >= 0 && rng.IntN(10) < 3 {
				t = favourite[e.dept][rng.IntN(5)]
			} else {
				t = drawZipf(rng, zipf)
			}
			if !slices.Contains(q.Topics, vocab[t]) {
				q.Topics = append(q.Topics, vocab[t])
			}
		}
		// Availability.
		r := rng.Float64() * zw
		z := zs[0]
		for _, cand := range zs {
			if r < cand.weight {
				z = cand
				break
			}
			r -= cand.weight
		}
		q.Availability = workingHours(rng, z.offset)
		pidx[k] = len(in.Participants)
		byDept[e.dept+1] = append(byDept[e.dept+1], len(in.Participants))
		in.Participants = append(in.Participants, q)
	}
	// Preferences and vetoes, mostly inside one's department.
	ps := in.Participants
	pick := func(i int) int {
		for range 4 {
			var j int
			if rng.IntN(10) < 7 {
				dl := byDept[deptIndex(ps[i].Department)+1]
				j = dl[rng.IntN(len(dl))]
			} else {
				j = rng.IntN(len(ps))
			}
			if j != i {
				return j
			}
		}
		return -1
	}
	for i := range ps {
		if rng.IntN(100) < 15 {
			for range 1 + rng.IntN(3) {
				j := pick(i)
				if j < 0 || slices.Contains(ps[i].Prefer, ps[j].ID) {
					continue
				}
				ps[i].Prefer = append(ps[i].Prefer, ps[j].ID)
				if rng.IntN(100) < 35 && !slices.Contains(ps[j].Prefer, ps[i].ID) {
					ps[j].Prefer = append(ps[j].Prefer, ps[i].ID)
				}
			}
		}
		if rng.IntN(100) < 4 {
			for range 1 + rng.IntN(2) {
				if j := pick(i); j >= 0 && !slices.Contains(ps[i].Prefer, ps[j].ID) && !slices.Contains(ps[i].Avoid, ps[j].ID) {
					ps[i].Avoid = append(ps[i].Avoid, ps[j].ID)
				}
			}
		}
	}
	if c.PastPairs && len(ps) > 1 {
		in.RepeatPolicy = matching.RepeatAvoid
		for range len(ps) / 4 {
			i := rng.IntN(len(ps))
			j := pick(i)
			if j >= 0 {
				in.PastPairs = append(in.PastPairs, [2]string{ps[i].ID, ps[j].ID})
			}
		}
	}
	return in
}

func deptIndex(name string) int {
	return slices.Index(departmentNames, name)
}

// zipfCDF is the cumulative distribution of ranks 0..n-1 with P(k) ∝ 1/(k+1)^s.
func zipfCDF(n int, s float64) []float64 {
	cdf := make([]float64, n)
	t := 0.0
	for k := range n {
		t += 1 / math.Pow(float64(k+1), s)
		cdf[k] = t
	}
	for k := range cdf {
		cdf[k] /= t
	}
	return cdf
}

func drawZipf(rng *rand.Rand, cdf []float64) int {
	k, _ := slices.BinarySearch(cdf, rng.Float64())
	return min(k, len(cdf)-1)
}

// workingHours is a working week in a zone, in UTC minutes of the week.
func workingHours(rng *rand.Rand, offset int) []matching.Interval {
	switch r := rng.IntN(1000); {
	case r < 5:
		return nil // available at any time
	case r < 8:
		return []matching.Interval{} // never
	case r < 15:
		// An odd single slot, often too short or at a lonely time.
		s := rng.IntN(matching.Week - 60)
		return []matching.Interval{{s, s + 30 + rng.IntN(60)}}
	}
	startOpts := []int{450, 480, 480, 510, 540, 540, 540, 570, 600}
	start := startOpts[rng.IntN(len(startOpts))]
	end := start + 480 + 30*rng.IntN(3)
	days := []int{0, 1, 2, 3, 4}
	switch r := rng.IntN(100); {
	case r < 7:
		d := rng.IntN(5)
		days = slices.Delete(days, d, d+1)
	case r < 10:
		days = []int{1, 2, 3}
	}
	lunch := rng.IntN(100) < 40
	var busy [][2]int // local day, start
	if rng.IntN(100) < 30 {
		for range 1 + rng.IntN(3) {
			busy = append(busy, [2]int{rng.IntN(5), start + 60*rng.IntN(7)})
		}
	}
	var out []matching.Interval
	add := func(day, lo, hi int) {
		for _, b := range busy {
			if b[0] == day && b[1] < hi && b[1]+120 > lo {
				if lo < b[1] {
					addUTC(&out, day, lo, b[1], offset)
				}
				lo = b[1] + 120
			}
		}
		if lo < hi {
			addUTC(&out, day, lo, hi, offset)
		}
	}
	for _, d := range days {
		if lunch && start < 720 && end > 780 {
			add(d, start, 720)
			add(d, 780, end)
		} else {
			add(d, start, end)
		}
	}
	return out
}

// addUTC appends local day/time [lo, hi) converted to UTC minutes of the
// week, split at the week's end.
func addUTC(out *[]matching.Interval, day, lo, hi, offset int) {
	s := ((day*1440+lo-offset)%matching.Week + matching.Week) % matching.Week
	e := s + hi - lo
	if e <= matching.Week {
		*out = append(*out, matching.Interval{s, e})
		return
	}
	*out = append(*out, matching.Interval{s, matching.Week}, matching.Interval{0, e - matching.Week})
}

// Random builds a small instance meant to break things: few people with
// random short availability (sometimes across the week's end), a random
// manager forest with non-participants in it, dense prefer and avoid lists,
// few topics, random levels, sizes and weights. size is the number of
// participants.
func Random(seed uint64, size int) *matching.Input {
	rng := rand.New(rand.NewPCG(seed, 0xbad))
	in := &matching.Input{SessionMinutes: 15 + 15*rng.IntN(6)}
	if rng.IntN(3) == 0 {
		in.Format = matching.FormatPair
	} else {
		in.Format = matching.FormatGroup
		lo := 2 + rng.IntN(3)
		in.GroupSize = matching.SizeRange{Min: lo, Max: lo + rng.IntN(3)}
	}
	if rng.IntN(2) == 0 {
		in.Weights = &matching.Weights{
			SharedTopic:         float64(rng.IntN(5)),
			DepartmentDiversity: float64(rng.IntN(4)),
			LevelGap:            float64(rng.IntN(3)) / 2,
			MutualPreference:    float64(rng.IntN(6)),
			OneWayPreference:    float64(rng.IntN(3)) * 0.75,
		}
	}
	extra := rng.IntN(size/3 + 1)
	total := size + extra
	ids := make([]string, total)
	for k := range ids {
		if k < size {
			ids[k] = fmt.Sprintf("p%d", k+1)
		} else {
			ids[k] = fmt.Sprintf("m%d", k-size+1)
		}
	}
	// A random forest: each person's manager comes earlier in a random
	// order, so there is no cycle.
	rank := rng.Perm(total)
	pos := make([]int, total)
	for k, r := range rank {
		pos[r] = k
	}
	manager := func(k int) string {
		if pos[k] == 0 || rng.IntN(4) == 0 {
			return ""
		}
		return ids[rank[rng.IntN(pos[k])]]
	}
	nTopics := 2 + rng.IntN(6)
	depts := []string{"", "A", "B", "C"}[:1+rng.IntN(4)]
	base := rng.IntN(matching.Week)
	for k := range size {
		q := matching.Participant{ID: ids[k], Manager: manager(k), Level: rng.IntN(5), Department: depts[rng.IntN(len(depts))]}
		for range rng.IntN(4) {
			t := fmt.Sprintf("t%d", rng.IntN(nTopics))
			q.Topics = append(q.Topics, t) // duplicates on purpose
		}
		switch r := rng.IntN(20); {
		case r == 0:
			q.Availability = nil
		case r == 1:
			q.Availability = []matching.Interval{}
		default:
			for range 1 + rng.IntN(3) {
				s := (base + rng.IntN(600)) % matching.Week
				l := 20 + rng.IntN(200)
				addUTC(&q.Availability, 0, s, s+l, 0)
			}
		}
		for range rng.IntN(3) {
			q.Prefer = append(q.Prefer, ids[rng.IntN(size)])
		}
		if rng.IntN(3) == 0 {
			q.Avoid = append(q.Avoid, ids[rng.IntN(size)])
		}
		in.Participants = append(in.Participants, q)
	}
	for k := size; k < total; k++ {
		in.NonParticipants = append(in.NonParticipants, matching.NonParticipant{ID: ids[k], Manager: manager(k)})
	}
	if size > 1 && rng.IntN(2) == 0 {
		for range 1 + rng.IntN(size) {
			in.PastPairs = append(in.PastPairs, [2]string{ids[rng.IntN(size)], ids[rng.IntN(size)]})
		}
		in.RepeatPolicy = []string{"", matching.RepeatAvoid, matching.RepeatAllow}[rng.IntN(3)]
	}
	return in
}
