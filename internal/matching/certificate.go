package matching

// Certificate proves a pairing optimal; Options.Certificate asks Run for
// one. It is a solution of the dual of the linear programme of
// maximum-weight matching (with Edmonds' odd-set constraints) for the
// whole-number pair weights
//
//	w̃(i,j) = r(shared_topic)·|topics_i ∩ topics_j|
//	       + r(department_diversity)·[department_i ≠ department_j]
//	       − r(level_gap)·|level_i − level_j|
//	       + r(mutual_preference)·[i prefers j and j prefers i]
//	       + r(one_way_preference)·[exactly one prefers the other]
//
// where r(x) is Scale·x rounded to the nearest integer (halves away from
// zero) and departments compare as in w(i,j), on a graph with the
// participants and a few dummy vertices as vertices. A pair (i,j) who may
// be paired under the hard rules weighs Offset + w̃(i,j); a dummy is
// joined, with weight Offset, to each of its Members, an odd set of
// participants none of whom may be paired with anyone outside it, so
// that every pairing leaves at least one of them out. Offset is more than
// the number of participants times the largest |w̃|, so a pairing with
// more pairs always has the larger total.
//
// The certificate holds when every dual is at least 0 and, for each edge
// (x,y) of weight W,
//
//	dual(x) + dual(y) + 2·Σ Dual(B) ≥ 4·W,
//
// the sum over the blossoms B holding both x and y. Then every pairing
// adds up to at most
//
//	D = (Σ dual(x) + 2·Σ Dual(B)·⌊|B|/2⌋) / 4 − Offset·len(Dummies)
//
// in Offset + w̃ over its pairs (the sums over every vertex x and every
// blossom B, |B| counting the vertices in B): add one edge from each
// dummy to a member left out and the total cannot pass the bound of the
// linear programme. A pairing whose total is D therefore places as many
// people as any pairing can (round(D/Offset) pairs) and has the highest
// total w̃ of all pairings that do. When every weight is a multiple of
// 1/Scale, w̃ is exactly Scale·w and that is the objective of the
// contract.
type Certificate struct {
	// Scale is a power of two.
	Scale  float64
	Offset int64
	// VertexDual holds the dual of each participant, by input index.
	VertexDual []int64
	// Blossom is, for each participant, the index in Blossoms of the
	// smallest blossom holding them, or -1; they are in that blossom and
	// in every blossom enclosing it.
	Blossom []int
	// Blossoms are sets of vertices forming a laminar family, each given
	// by the smallest blossom enclosing it and its dual.
	Blossoms []CertificateBlossom
	Dummies  []CertificateDummy
}

// CertificateBlossom is one set of a Certificate's laminar family.
type CertificateBlossom struct {
	// Parent is the index of the smallest blossom enclosing this one, or
	// -1.
	Parent int
	Dual   int64
}

// CertificateDummy is a dummy vertex of a Certificate.
type CertificateDummy struct {
	// Members are the participants (input indices) joined to the dummy.
	Members []int
	Dual    int64
	// Blossom is the index of the smallest blossom holding the dummy, or
	// -1.
	Blossom int
}

// newCertificate gathers the duals of the exact pairings of whole time
// components.
func newCertificate(n int, pw *pairWeights, sets []*pairSet, results []*pairResult) *Certificate {
	c := &Certificate{Scale: pw.scale, Offset: pw.offset, VertexDual: make([]int64, n), Blossom: make([]int, n)}
	for i := range c.Blossom {
		c.Blossom[i] = -1
	}
	for k, r := range results {
		e := r.e
		index := make([]int, e.n)
		for b := e.n; b < 2*e.n; b++ {
			if e.base[b] >= 0 {
				index[b-e.n] = len(c.Blossoms)
				c.Blossoms = append(c.Blossoms, CertificateBlossom{Parent: -1, Dual: e.dual[b]})
			}
		}
		for b := e.n; b < 2*e.n; b++ {
			if e.base[b] >= 0 && e.parent[b] >= 0 {
				c.Blossoms[index[b-e.n]].Parent = index[e.parent[b]-e.n]
			}
		}
		blossom := func(v int32) int {
			if b := e.parent[v]; b >= 0 {
				return index[b-e.n]
			}
			return -1
		}
		for v := range e.n {
			if v == r.dummy {
				d := CertificateDummy{Dual: e.dual[v], Blossom: blossom(v)}
				for _, a := range r.local {
					d.Members = append(d.Members, int(sets[k].ids[a]))
				}
				c.Dummies = append(c.Dummies, d)
				continue
			}
			g := sets[k].ids[r.local[v]]
			c.VertexDual[g] = e.dual[v]
			c.Blossom[g] = blossom(v)
		}
	}
	return c
}
