package directory

import (
	"context"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/store"
)

// Filter narrows the directory.
type Filter struct {
	// Query matches name, email or department, case-insensitively.
	Query string
	// Department matches exactly when set.
	Department string
	// Limit and Offset page through the list; a Limit of 0 lists everyone.
	Limit, Offset int
}

// People lists the people of u's organisation that match f, ordered by
// name, with the number that match.
func (s *Service) People(ctx context.Context, u *account.User, f Filter) ([]account.User, int, error) {
	return s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{Query: f.Query, Department: f.Department, Limit: f.Limit, Offset: f.Offset})
}

// Everyone lists the whole organisation by name, as the forms that pick a
// person need.
func (s *Service) Everyone(ctx context.Context, u *account.User) ([]account.User, error) {
	all, _, err := s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{})
	return all, err
}

// Departments lists the departments of u's organisation.
func (s *Service) Departments(ctx context.Context, u *account.User) ([]string, error) {
	return s.DB.FindDepartments(ctx, u.OrgID)
}

// Summary is what the home page says of the organisation.
type Summary struct {
	People, Invited int
	// Departments in alphabetical order.
	Departments []string
}

// Summarize counts the people of u's organisation, without reading them.
func (s *Service) Summarize(ctx context.Context, u *account.User) (Summary, error) {
	total, invited, err := s.DB.CountPeople(ctx, u.OrgID)
	if err != nil {
		return Summary{}, err
	}
	depts, err := s.DB.FindDepartments(ctx, u.OrgID)
	if err != nil {
		return Summary{}, err
	}
	return Summary{People: total, Invited: invited, Departments: depts}, nil
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
	found, err := s.DB.FindUsersByIDs(ctx, u.OrgID, missing)
	if err != nil {
		return nil, err
	}
	for id, m := range found {
		names[id] = m.Name
	}
	return names, nil
}

// Chart returns the organisation's reporting lines as a forest, and the
// number of people in it.
func (s *Service) Chart(ctx context.Context, u *account.User) ([]*people.Node, int, error) {
	all, total, err := s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{})
	if err != nil {
		return nil, 0, err
	}
	return people.Tree(all), total, nil
}

// Profile is one person as the directory shows them.
type Profile struct {
	Person  *account.User
	Manager *account.User
	Reports []account.User
}

// Person returns one person of u's organisation.
func (s *Service) Person(ctx context.Context, u *account.User, id string) (*account.User, error) {
	return s.DB.FindUserByID(ctx, u.OrgID, id)
}

// Profile returns one person with their manager and direct reports.
func (s *Service) Profile(ctx context.Context, u *account.User, id string) (*Profile, error) {
	person, err := s.DB.FindUserByID(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	p := &Profile{Person: person}
	if person.ManagerID != "" {
		if p.Manager, err = s.DB.FindUserByID(ctx, u.OrgID, person.ManagerID); err != nil {
			return nil, err
		}
	}
	if p.Reports, _, err = s.DB.FindUsers(ctx, u.OrgID, store.UserFilter{ManagerID: person.ID}); err != nil {
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
