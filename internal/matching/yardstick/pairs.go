package yardstick

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"

	"github.com/holdspace/holdspace/internal/matching"
)

// PairOptimum is what a checked certificate proves about an input in
// pair format: no pairing places more people than Placed, and none that
// places as many scores more than Score.
type PairOptimum struct {
	Placed int
	Score  float64

	r     *rules
	cert  *matching.Certificate
	bound *big.Int // the most any pairing adds up to in Offset + w̃
	wt    scaled
}

// scaled are the weights as the certificate rounds them.
type scaled struct {
	topic, dept, gap, mutual, oneWay int64
}

func (s scaled) of(t terms) int64 {
	return s.topic*int64(t.shared) + s.dept*int64(t.diff) - s.gap*int64(t.gap) + s.mutual*int64(t.mutual) + s.oneWay*int64(t.oneWay)
}

// CheckPairs verifies cert for in (a pair-format input, already valid)
// as matching.Certificate documents it, looking at every two
// participants, and returns what it proves.
func CheckPairs(in *matching.Input, cert *matching.Certificate) (*PairOptimum, error) {
	if in.Format != matching.FormatPair && (in.GroupSize.Min != 2 || in.GroupSize.Max != 2) {
		return nil, errors.New("not a pair-format input")
	}
	r := newRules(in)
	n := r.n
	if cert == nil {
		return nil, errors.New("no certificate")
	}
	if len(cert.VertexDual) != n || len(cert.Blossom) != n {
		return nil, fmt.Errorf("certificate covers %d and %d participants, want %d", len(cert.VertexDual), len(cert.Blossom), n)
	}
	s := cert.Scale
	if !(s > 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("scale %v", s)
	}
	round := func(x float64) int64 { return int64(math.Round(s * x)) }
	o := &PairOptimum{r: r, cert: cert, wt: scaled{round(r.w.SharedTopic), round(r.w.DepartmentDiversity), round(r.w.LevelGap), round(r.w.MutualPreference), round(r.w.OneWayPreference)}}

	// The offset must outweigh any difference of w̃ between two
	// pairings: |w̃| is at most the largest count of each term times its
	// weight, and two pairings hold at most n people between them.
	maxTopics, lo, hi := 0, 0, 0
	for i := range n {
		c := 0
		for _, x := range r.topics[i] {
			c += bits.OnesCount64(x)
		}
		maxTopics = max(maxTopics, c)
		if i == 0 || r.level[i] < lo {
			lo = r.level[i]
		}
		if i == 0 || r.level[i] > hi {
			hi = r.level[i]
		}
	}
	most := new(big.Int).SetInt64(o.wt.topic)
	most.Mul(most, big.NewInt(int64(maxTopics)))
	most.Add(most, big.NewInt(o.wt.dept+max(o.wt.mutual, o.wt.oneWay)))
	if o.wt.gap != 0 {
		most.Add(most, new(big.Int).Mul(big.NewInt(o.wt.gap), new(big.Int).Sub(big.NewInt(int64(hi)), big.NewInt(int64(lo)))))
	}
	if new(big.Int).Mul(most, big.NewInt(int64(n))).Cmp(big.NewInt(cert.Offset)) >= 0 {
		return nil, fmt.Errorf("offset %d is not above %d × %v", cert.Offset, n, most)
	}

	// Vertices: the participants, then the dummies. Each has the chain
	// of blossoms holding it, outermost first; sums[b] is the total dual
	// of b and the blossoms around it.
	nb := len(cert.Blossoms)
	sums := make([]int64, nb)
	depth := make([]int, nb)
	for b, x := range cert.Blossoms {
		if x.Dual < 0 {
			return nil, fmt.Errorf("blossom %d has dual %d", b, x.Dual)
		}
		if x.Parent < -1 || x.Parent >= nb {
			return nil, fmt.Errorf("blossom %d has parent %d", b, x.Parent)
		}
	}
	var walk func(b int, seen int) (int64, int, error)
	done := make([]bool, nb)
	walk = func(b int, seen int) (int64, int, error) {
		if b < 0 {
			return 0, 0, nil
		}
		if seen > nb {
			return 0, 0, errors.New("the blossoms' parents form a cycle")
		}
		if !done[b] {
			s, d, err := walk(cert.Blossoms[b].Parent, seen+1)
			if err != nil {
				return 0, 0, err
			}
			sums[b], depth[b], done[b] = s+cert.Blossoms[b].Dual, d+1, true
		}
		return sums[b], depth[b], nil
	}
	for b := range nb {
		if _, _, err := walk(b, 0); err != nil {
			return nil, err
		}
	}
	nv := n + len(cert.Dummies)
	dual := make([]int64, nv)
	chains := make([][]int32, nv)
	size := make([]int64, nb)
	for v := range nv {
		b := -1
		if v < n {
			dual[v], b = cert.VertexDual[v], cert.Blossom[v]
		} else {
			dual[v], b = cert.Dummies[v-n].Dual, cert.Dummies[v-n].Blossom
		}
		if dual[v] < 0 {
			return nil, fmt.Errorf("vertex %d has dual %d", v, dual[v])
		}
		if b < -1 || b >= nb {
			return nil, fmt.Errorf("vertex %d is in blossom %d", v, b)
		}
		for ; b >= 0; b = cert.Blossoms[b].Parent {
			chains[v] = append(chains[v], int32(b))
			size[b]++
		}
		slices.Reverse(chains[v])
	}
	// common is the total dual of the blossoms holding both x and y: the
	// blossoms form a laminar family, so their chains share a prefix.
	common := func(x, y int) int64 {
		cx, cy := chains[x], chains[y]
		if len(cx) == 0 || len(cy) == 0 || cx[0] != cy[0] {
			return 0
		}
		lo, hi := 1, min(len(cx), len(cy)) // cx[:lo] == cy[:lo]
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if cx[mid-1] == cy[mid-1] {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return sums[cx[lo-1]]
	}

	// The dummies' members: an odd set each, the sets disjoint.
	set := make([]int, n)
	for i := range set {
		set[i] = -1
	}
	for d, x := range cert.Dummies {
		if len(x.Members)%2 == 0 {
			return nil, fmt.Errorf("dummy %d has %d members, an even number", d, len(x.Members))
		}
		for _, i := range x.Members {
			if i < 0 || i >= n || set[i] >= 0 {
				return nil, fmt.Errorf("dummy %d: member %d is out of range or in another set", d, i)
			}
			set[i] = d
		}
	}
	C := cert.Offset
	for d, x := range cert.Dummies {
		for _, i := range x.Members {
			if dual[n+d]+dual[i]+2*common(n+d, i) < 4*C {
				return nil, fmt.Errorf("dummy %d and participant %d: the dual constraint fails", d, i)
			}
		}
	}
	// Every two participants: the constraint holds, or they may not be
	// paired; and no pair leaves a dummy's set.
	top := 4 * (C + most.Int64()) // no pair needs more
	for i := range n {
		for j := i + 1; j < n; j++ {
			lhs := dual[i] + dual[j] + 2*common(i, j)
			ok := lhs >= top || lhs >= 4*(C+o.wt.of(r.terms(i, j)))
			if (!ok || set[i] != set[j]) && r.pairable(i, j) {
				if !ok {
					return nil, fmt.Errorf("participants %q and %q may be paired, but the dual constraint fails", in.Participants[i].ID, in.Participants[j].ID)
				}
				return nil, fmt.Errorf("participants %q and %q may be paired across a dummy's set", in.Participants[i].ID, in.Participants[j].ID)
			}
		}
	}

	// The bound: (Σ dual + 2·Σ Dual(B)·⌊|B|/2⌋) / 4 − C·dummies, rounded
	// down (totals are whole numbers).
	total := new(big.Int)
	for _, x := range dual {
		total.Add(total, big.NewInt(x))
	}
	for b, x := range cert.Blossoms {
		t := new(big.Int).Mul(big.NewInt(x.Dual), big.NewInt(size[b]/2))
		total.Add(total, t.Lsh(t, 1))
	}
	total.Div(total, big.NewInt(4))
	total.Sub(total, new(big.Int).Mul(big.NewInt(C), big.NewInt(int64(len(cert.Dummies)))))
	o.bound = total
	// bound = C·pairs + Σ w̃, with |Σ w̃| < C/2.
	pairs := new(big.Int).Add(total, big.NewInt(C/2))
	pairs.Div(pairs, big.NewInt(C))
	rest := new(big.Int).Sub(total, new(big.Int).Mul(pairs, big.NewInt(C)))
	o.Placed = 2 * int(pairs.Int64())
	f, _ := new(big.Float).SetInt(rest).Float64()
	o.Score = 2 * f / s
	return o, nil
}

// Reached checks that out, a proposal for the certificate's input, keeps
// the rules, places Placed people in pairs and adds up to the bound
// exactly: that it is optimal.
func (o *PairOptimum) Reached(out *matching.Output) error {
	r := o.r
	index := map[string]int{}
	for i, q := range r.in.Participants {
		index[q.ID] = i
	}
	used := make([]bool, r.n)
	total := new(big.Int)
	for _, g := range out.Groups {
		if len(g.Members) != 2 {
			return fmt.Errorf("a group of %d", len(g.Members))
		}
		i, ok1 := index[g.Members[0]]
		j, ok2 := index[g.Members[1]]
		if !ok1 || !ok2 || used[i] || used[j] || !r.pairable(i, j) {
			return fmt.Errorf("pair %v breaks a rule", g.Members)
		}
		used[i], used[j] = true, true
		total.Add(total, big.NewInt(o.cert.Offset+o.wt.of(r.terms(i, j))))
	}
	if 2*len(out.Groups) != o.Placed {
		return fmt.Errorf("places %d, the optimum %d", 2*len(out.Groups), o.Placed)
	}
	if total.Cmp(o.bound) != 0 {
		return fmt.Errorf("adds up to %v, the bound is %v", total, o.bound)
	}
	return nil
}
