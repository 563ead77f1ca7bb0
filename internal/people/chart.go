package people

import "github.com/holdspace/holdspace/internal/account"

// ChartWidth is the most people the chart shows at one level: the top of
// the organisation, or one person's direct reports. Anyone beyond it is
// found in the directory, which pages.
const ChartWidth = 100

// Chart is the organisation chart as one person sees it: the top of the
// organisation, with the line from the top down to the person it is open
// at unfolded, level by level. It never holds the whole organisation: a
// subtree is read when someone opens it.
type Chart struct {
	// People counts everyone still with the organisation.
	People int
	// Roots are the people without a manager, by name, at most ChartWidth;
	// RootCount counts them all.
	Roots     []*Node
	RootCount int
	// At is the id of the person the chart is open at.
	At string
}

// Node is one person in the chart.
type Node struct {
	User account.User
	// ReportCount counts the people who report to this person directly.
	ReportCount int
	// Reports are those of them the chart shows, by name: none while the
	// node is closed, at most ChartWidth when it is open.
	Reports []*Node
	// Open says the chart shows this person's reports.
	Open bool
	// OnPath says this person is the one the chart is open at or above
	// them.
	OnPath bool
}

// Hidden counts the reports an open node does not show.
func (n *Node) Hidden() int {
	if !n.Open {
		return 0
	}
	return n.ReportCount - len(n.Reports)
}
