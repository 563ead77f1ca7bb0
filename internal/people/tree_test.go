package people

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/account"
)

// outline renders a forest one person per line, indented by depth, as
// "Name (ID)".
func outline(nodes []*Node) []string {
	var lines []string
	var walk func(ns []*Node, depth int)
	walk = func(ns []*Node, depth int) {
		for _, n := range ns {
			lines = append(lines, strings.Repeat("  ", depth)+n.User.Name+" ("+n.User.ID+")")
			walk(n.Reports, depth+1)
		}
	}
	walk(nodes, 0)
	return lines
}

func TestTree(t *testing.T) {
	user := func(id, name, manager string) account.User {
		return account.User{ID: id, Name: name, ManagerID: manager}
	}
	tests := []struct {
		name  string
		users []account.User
		want  []string
	}{
		{name: "empty", users: nil, want: nil},
		{
			name: "forest sorted by name then ID",
			users: []account.User{
				user("6", "zoe", "1"),
				user("2", "bea", "1"),
				user("1", "Carla", ""),
				user("3", "Ann", "1"),
				user("5", "ann", "1"),
				user("4", "Dan", "2"),
				user("7", "Abe", ""),
			},
			want: []string{
				"Abe (7)",
				"Carla (1)",
				"  Ann (3)",
				"  ann (5)",
				"  bea (2)",
				"    Dan (4)",
				"  zoe (6)",
			},
		},
		{
			name: "unknown manager and self-manager are roots",
			users: []account.User{
				user("1", "Bo", "gone"),
				user("2", "Al", "2"),
				user("3", "Cy", "1"),
			},
			want: []string{
				"Al (2)",
				"Bo (1)",
				"  Cy (3)",
			},
		},
		{
			name: "cycle of two is broken at the first by name",
			users: []account.User{
				user("1", "Bo", "2"),
				user("2", "Al", "1"),
			},
			want: []string{
				"Al (2)",
				"  Bo (1)",
			},
		},
		{
			name: "cycle of three with a chain into it",
			users: []account.User{
				user("1", "Cy", "2"),
				user("2", "Bo", "3"),
				user("3", "Di", "1"),
				user("4", "Al", "3"),
				user("5", "Ed", "4"),
				user("6", "Fay", ""),
			},
			want: []string{
				"Bo (2)",
				"  Cy (1)",
				"    Di (3)",
				"      Al (4)",
				"        Ed (5)",
				"Fay (6)",
			},
		},
		{
			name: "duplicate IDs keep everyone",
			users: []account.User{
				user("1", "Al", ""),
				user("1", "Bo", "1"),
				user("2", "Cy", "1"),
			},
			want: []string{
				"Al (1)",
				"  Bo (1)",
				"  Cy (2)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roots := Tree(tt.users)
			if diff := cmp.Diff(tt.want, outline(roots)); diff != "" {
				t.Errorf("Tree mismatch (-want +got):\n%s", diff)
			}
			total := 0
			for _, r := range roots {
				total += r.Count()
			}
			if total != len(tt.users) {
				t.Errorf("Tree holds %d people, want %d", total, len(tt.users))
			}
		})
	}
}

func TestTreeLongChain(t *testing.T) {
	// A long reporting line, closed into one big loop: no recursion limit,
	// no endless walk.
	const n = 100_000
	users := make([]account.User, n)
	for i := range users {
		users[i] = account.User{ID: strconv.Itoa(i), Name: "p" + strconv.Itoa(i), ManagerID: strconv.Itoa((i + 1) % n)}
	}
	roots := Tree(users)
	if len(roots) != 1 {
		t.Fatalf("got %d roots, want 1", len(roots))
	}
	if got := roots[0].Count(); got != n {
		t.Errorf("Count() = %d, want %d", got, n)
	}
	if got, want := roots[0].User.ID, "0"; got != want {
		t.Errorf("root = %q, want %q (first by name)", got, want)
	}
}
