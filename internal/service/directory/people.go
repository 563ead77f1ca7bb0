package directory

import (
	"cmp"
	"context"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/store"
)

// Filter narrows the directory.
type Filter struct {
	// Query is what someone typed: each word must begin a word of a
	// person's name, address or department (people.SearchTerms).
	Query string
	// Department matches exactly when set.
	Department string
	// ManagerID, when set, lists that person's direct reports.
	ManagerID string
	// After and Before are the cursors a Page hands out: the id of the
	// person the wanted page follows or precedes.
	After, Before string
	// Limit is the page size; 0 means DefaultPage.
	Limit int
	// WithDeactivated includes deactivated people (for admins only),
	// whom the directory leaves out by default.
	WithDeactivated bool
}

// DefaultPage is the size of a page of the directory.
const DefaultPage = 50

// Page is one page of the directory.
type Page struct {
	People []account.User
	// Total counts everyone who matches, across all pages; Left, those of
	// them who have left, when the list includes leavers.
	Total, Left int
	// Prev and Next are cursors for the pages before and after this one
	// (Filter.Before and Filter.After); empty at either end.
	Prev, Next string
}

// People lists one page of the people of u's organisation who match f, by
// name. Pages are keyset pages: a person added meanwhile neither repeats
// nor hides anyone on the next page.
func (s *Service) People(ctx context.Context, u *account.User, f Filter) (*Page, error) {
	sf := store.UserFilter{Query: f.Query, Department: f.Department, ManagerID: f.ManagerID,
		After: f.After, Before: f.Before, Limit: cmp.Or(f.Limit, DefaultPage), WithDeactivated: f.WithDeactivated && u.IsAdmin()}
	if f.After != "" && f.Before != "" {
		return nil, fault.Field("before", "Give after or before, not both.")
	}
	list, more, err := s.DB.FindUsers(ctx, u.OrgID, sf)
	if err != nil {
		return nil, err
	}
	// A first page that holds every match is its own count: a search for
	// one person need not read its matches a second time to count them.
	total, left := len(list), 0
	if more || f.After != "" || f.Before != "" {
		if total, err = s.DB.CountUsers(ctx, u.OrgID, sf); err != nil {
			return nil, err
		}
		if sf.WithDeactivated {
			still := sf
			still.WithDeactivated = false
			n, err := s.DB.CountUsers(ctx, u.OrgID, still)
			if err != nil {
				return nil, err
			}
			left = total - n
		}
	} else {
		for _, p := range list {
			if p.Deactivated() {
				left++
			}
		}
	}
	account.HideLevels(u, list)
	p := &Page{People: list, Total: total, Left: left}
	if len(list) == 0 {
		return p, nil
	}
	first, last := list[0].ID, list[len(list)-1].ID
	switch {
	case f.Before != "":
		p.Next = last
		if more {
			p.Prev = first
		}
	case f.After != "":
		p.Prev = first
		if more {
			p.Next = last
		}
	case more:
		p.Next = last
	}
	return p, nil
}

// Named returns those of ids who are people of u's organisation, by id:
// the few people a form has chosen.
func (s *Service) Named(ctx context.Context, u *account.User, ids []string) (map[string]account.User, error) {
	found, err := s.DB.FindUsersByIDs(ctx, u.OrgID, ids)
	for id, p := range found {
		account.HideLevel(u, &p)
		found[id] = p
	}
	return found, err
}

// SuggestLimit is how many people a picker offers for what was typed.
const SuggestLimit = 8

// Suggest offers the people of u's organisation whose names, addresses or
// departments begin with the words of q, for a form that picks a person:
// a picker asks as someone types rather than listing everyone.
func (s *Service) Suggest(ctx context.Context, u *account.User, q string) ([]account.User, error) {
	if len(people.QueryWords(q)) == 0 {
		return nil, nil
	}
	list, _, err := s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{Query: q, Limit: SuggestLimit})
	account.HideLevels(u, list)
	return list, err
}

// Departments lists the departments of u's organisation.
func (s *Service) Departments(ctx context.Context, u *account.User) ([]string, error) {
	return s.DB.FindDepartments(ctx, u.OrgID)
}

// Summary is what the home page says of the organisation.
type Summary struct {
	// People counts the people still with the organisation.
	People int
	// Invited counts the invitations sent to them and not yet taken up;
	// Held the invitations held until a program opens.
	Invited, Held int
	// Departments counts the departments people are in.
	Departments int
}

// Summarize counts the people of u's organisation, leavers aside,
// without reading them: one query of the counts triggers keep.
func (s *Service) Summarize(ctx context.Context, u *account.User) (Summary, error) {
	c, err := s.DB.CountPeople(ctx, u.OrgID)
	if err != nil {
		return Summary{}, err
	}
	return Summary{People: c.People - c.Left, Invited: c.Invited, Held: c.Held, Departments: c.Departments}, nil
}

// ManagerNames maps the people of list and their managers to their names,
// looking up only the managers who are not in list.
func (s *Service) ManagerNames(ctx context.Context, u *account.User, list []account.User) (map[string]string, error) {
	names := map[string]string{}
	for _, p := range list {
		names[p.ID] = p.Name
	}
	var missing []string
	for _, p := range list {
		if p.ManagerID != "" && names[p.ManagerID] == "" && !slices.Contains(missing, p.ManagerID) {
			missing = append(missing, p.ManagerID)
		}
	}
	found, err := s.DB.FindUserNames(ctx, u.OrgID, missing)
	if err != nil {
		return nil, err
	}
	for id, name := range found {
		names[id] = name
	}
	return names, nil
}

// Chart returns the organisation chart open at the person with id at (u
// when at is empty): the top of the organisation, and the line from the
// top down to that person unfolded, with their own reports. It reads each
// level it shows, not the organisation.
func (s *Service) Chart(ctx context.Context, u *account.User, at string) (*people.Chart, error) {
	at = cmp.Or(at, u.ID)
	person, err := s.DB.FindUserByID(ctx, u.OrgID, at)
	if err != nil {
		return nil, err
	}
	chain, err := s.DB.FindManagerChain(ctx, u.OrgID, at)
	if err != nil {
		return nil, err
	}
	// path runs from the top of the organisation down to the person.
	path := []account.User{*person}
	for _, m := range chain {
		if slices.ContainsFunc(path, func(p account.User) bool { return p.ID == m.ID }) {
			break // a loop in the reporting lines: the chart opens at its first repeat
		}
		path = append(path, m)
	}
	slices.Reverse(path)
	c := &people.Chart{At: at}
	count, err := s.DB.CountPeople(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	c.People = count.People - count.Left
	roots, total, err := s.DB.FindRoots(ctx, u.OrgID, people.ChartWidth)
	if err != nil {
		return nil, err
	}
	c.RootCount = total
	if c.Roots, err = s.level(ctx, u, roots, path[0]); err != nil {
		return nil, err
	}
	level := c.Roots
	for i, p := range path {
		n := find(level, p.ID)
		n.OnPath = true
		if n.ReportCount == 0 {
			break
		}
		var next account.User
		if i+1 < len(path) {
			next = path[i+1]
		}
		reports, _, err := s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{ManagerID: p.ID, Limit: people.ChartWidth})
		if err != nil {
			return nil, err
		}
		if n.Reports, err = s.level(ctx, u, reports, next); err != nil {
			return nil, err
		}
		n.Open = true
		level = n.Reports
	}
	return c, nil
}

// level makes the chart's nodes for list, with their report counts; must,
// when set, is shown even beyond the chart's width, as the line to the
// person the chart is open at passes through them. The nodes carry only
// the levels u may see.
func (s *Service) level(ctx context.Context, u *account.User, list []account.User, must account.User) ([]*people.Node, error) {
	orgID := u.OrgID
	if must.ID != "" && !slices.ContainsFunc(list, func(p account.User) bool { return p.ID == must.ID }) {
		list = append(list, must)
	}
	account.HideLevels(u, list)
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	counts, err := s.DB.CountReports(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	nodes := make([]*people.Node, len(list))
	for i, p := range list {
		nodes[i] = &people.Node{User: p, ReportCount: counts[p.ID]}
	}
	return nodes, nil
}

func find(nodes []*people.Node, id string) *people.Node {
	for _, n := range nodes {
		if n.User.ID == id {
			return n
		}
	}
	return nil
}

// Profile is one person as the directory shows them.
type Profile struct {
	Person  *account.User
	Manager *account.User
	// Reports are the person's direct reports by name, at most
	// people.ChartWidth of ReportCount.
	Reports     []account.User
	ReportCount int
}

// Person returns one person of u's organisation.
func (s *Service) Person(ctx context.Context, u *account.User, id string) (*account.User, error) {
	p, err := s.DB.FindUserByID(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	account.HideLevel(u, p)
	return p, nil
}

// Profile returns one person with their manager and direct reports.
func (s *Service) Profile(ctx context.Context, u *account.User, id string) (*Profile, error) {
	person, err := s.DB.FindUserByID(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	account.HideLevel(u, person)
	p := &Profile{Person: person}
	if person.ManagerID != "" {
		if p.Manager, err = s.DB.FindUserByID(ctx, u.OrgID, person.ManagerID); err != nil {
			return nil, err
		}
		account.HideLevel(u, p.Manager)
	}
	if p.Reports, _, err = s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{ManagerID: person.ID, Limit: people.ChartWidth}); err != nil {
		return nil, err
	}
	account.HideLevels(u, p.Reports)
	if p.ReportCount, err = s.DB.CountUsers(ctx, u.OrgID, store.UserFilter{ManagerID: person.ID}); err != nil {
		return nil, err
	}
	return p, nil
}

// ChangeRole makes a person of the admin's organisation a member or an
// admin.
func (s *Service) ChangeRole(ctx context.Context, admin *account.User, id string, role account.Role) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	return s.DB.UpdateUserRole(ctx, admin.OrgID, id, role)
}
