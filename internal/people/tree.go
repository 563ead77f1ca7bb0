package people

import (
	"cmp"
	"slices"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
)

// Node is one person in the organisation chart with the people who report
// to them directly.
type Node struct {
	User    account.User
	Reports []*Node
}

// Count returns the number of people in the chart under n, n included.
func (n *Node) Count() int {
	count := 0
	stack := []*Node{n}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		stack = append(stack, top.Reports...)
	}
	return count
}

// Tree builds the manager forest. Its roots are the people with no manager
// or whose manager is not in users; children and roots are sorted by name
// (case-insensitive), then ID.
//
// Bad data must not hide anyone: a person who is their own manager is a
// root, and every loop of reporting lines is broken at the member who sorts
// first, who becomes a root. Every user appears exactly once. Node.User is
// left as given, so ManagerID still shows the broken line.
func Tree(users []account.User) []*Node {
	nodes := make([]*Node, len(users))
	keys := make([]string, len(users))
	byID := make(map[string]int, len(users))
	for i, u := range users {
		nodes[i] = &Node{User: u}
		keys[i] = strings.ToLower(u.Name)
		if _, dup := byID[u.ID]; !dup {
			byID[u.ID] = i
		}
	}
	order := func(a, b int) int {
		if c := strings.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		if c := strings.Compare(users[a].ID, users[b].ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}

	parent := make([]int, len(users))
	for i, u := range users {
		parent[i] = -1
		if j, ok := byID[u.ManagerID]; ok && u.ManagerID != "" && j != i {
			parent[i] = j
		}
	}
	breakCycles(parent, order)

	var roots []int
	reports := make([][]int, len(users))
	for i, p := range parent {
		if p < 0 {
			roots = append(roots, i)
		} else {
			reports[p] = append(reports[p], i)
		}
	}
	link := func(idx []int) []*Node {
		slices.SortFunc(idx, order)
		out := make([]*Node, len(idx))
		for k, i := range idx {
			out[k] = nodes[i]
		}
		return out
	}
	for i, r := range reports {
		if len(r) > 0 {
			nodes[i].Reports = link(r)
		}
	}
	return link(roots)
}

// breakCycles cuts every loop in parent (index of each node's parent, or -1)
// at the member that order sorts first.
func breakCycles(parent []int, order func(a, b int) int) {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int8, len(parent))
	var path []int
	for start := range parent {
		path = path[:0]
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = onPath
			path = append(path, i)
			i = parent[i]
		}
		if i >= 0 && state[i] == onPath {
			cycle := path[slices.Index(path, i):]
			parent[slices.MinFunc(cycle, order)] = -1
		}
		for _, j := range path {
			state[j] = done
		}
	}
}
