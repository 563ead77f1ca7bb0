package matching

// blossom grows a maximum-cardinality matching by Edmonds' augmenting
// paths with blossom shrinking (the breadth-first O(V³) form). Vertices are
// 0..n-1; adj calls f for the neighbours of v until f returns false.
type blossom struct {
	n     int
	match []int32
	p     []int32
	base  []int32
	used  []bool
	inBl  []bool
	lcaM  []bool
	q     []int32
	adj   func(v int32, f func(u int32) bool)
	// abort, once set (by adj), ends the current search without change.
	abort bool
}

func newBlossom(n int, adj func(v int32, f func(u int32) bool)) *blossom {
	bl := &blossom{
		n: n, adj: adj,
		match: make([]int32, n), p: make([]int32, n), base: make([]int32, n),
		used: make([]bool, n), inBl: make([]bool, n), lcaM: make([]bool, n),
	}
	for i := range bl.match {
		bl.match[i] = -1
	}
	return bl
}

func (bl *blossom) lca(a, b int32) int32 {
	clear(bl.lcaM)
	for {
		a = bl.base[a]
		bl.lcaM[a] = true
		if bl.match[a] < 0 {
			break
		}
		a = bl.p[bl.match[a]]
	}
	for {
		b = bl.base[b]
		if bl.lcaM[b] {
			return b
		}
		b = bl.p[bl.match[b]]
	}
}

func (bl *blossom) markPath(v, b, child int32) {
	for bl.base[v] != b {
		bl.inBl[bl.base[v]] = true
		bl.inBl[bl.base[bl.match[v]]] = true
		bl.p[v] = child
		child = bl.match[v]
		v = bl.p[bl.match[v]]
	}
}

// augment searches an augmenting path from the unmatched root and, if one
// exists, flips it. It reports whether the matching grew.
func (bl *blossom) augment(root int32) bool {
	if bl.match[root] >= 0 {
		return false
	}
	clear(bl.used)
	for i := range bl.n {
		bl.p[i] = -1
		bl.base[i] = int32(i)
	}
	bl.used[root] = true
	bl.q = append(bl.q[:0], root)
	found := int32(-1)
	for h := 0; h < len(bl.q) && found < 0 && !bl.abort; h++ {
		v := bl.q[h]
		bl.adj(v, func(to int32) bool {
			if bl.base[v] == bl.base[to] || bl.match[v] == to {
				return true
			}
			if to == root || bl.match[to] >= 0 && bl.p[bl.match[to]] >= 0 {
				cur := bl.lca(v, to)
				clear(bl.inBl)
				bl.markPath(v, cur, to)
				bl.markPath(to, cur, v)
				for i := range bl.n {
					if bl.inBl[bl.base[i]] {
						bl.base[i] = cur
						if !bl.used[i] {
							bl.used[i] = true
							bl.q = append(bl.q, int32(i))
						}
					}
				}
				return true
			}
			if bl.p[to] < 0 {
				bl.p[to] = v
				if bl.match[to] < 0 {
					found = to
					return false
				}
				bl.used[bl.match[to]] = true
				bl.q = append(bl.q, bl.match[to])
			}
			return true
		})
	}
	if found < 0 || bl.abort {
		return false
	}
	for v := found; v >= 0; {
		pv := bl.p[v]
		ppv := bl.match[pv]
		bl.match[v] = pv
		bl.match[pv] = v
		v = ppv
	}
	return true
}
