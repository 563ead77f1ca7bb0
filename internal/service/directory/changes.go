package directory

import (
	"context"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/store"
)

// Edit is everything an admin sets on a person at once.
type Edit struct {
	Name, Department, ManagerID, Timezone string
	Level                                 int
	Role                                  account.Role
	// Version is the person's version the edit was decided on; the edit
	// is refused (a conflict) when another change came first. Nil means
	// the person as they are now.
	Version *int
}

// version returns v's version, or id's current one when v names none.
func (s *Service) version(ctx context.Context, orgID, id string, v *int) (int, error) {
	if v != nil {
		return *v, nil
	}
	u, err := s.DB.FindUserByID(ctx, orgID, id)
	if err != nil {
		return 0, err
	}
	return u.Version, nil
}

// EditPerson changes a person of the admin's organisation, checked as an
// import checks a row: a valid name, department, level and time zone, and
// a manager from the organisation whose reporting line does not loop back
// to the person.
func (s *Service) EditPerson(ctx context.Context, admin *account.User, id string, e Edit) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	v, err := s.version(ctx, admin.OrgID, id, e.Version)
	if err != nil {
		return nil, err
	}
	return s.DB.UpdatePerson(ctx, admin.OrgID, id, v, store.PersonChange{
		Name: e.Name, Department: strings.TrimSpace(e.Department), ManagerID: e.ManagerID,
		Timezone: e.Timezone, Level: e.Level, Role: e.Role})
}

// ErrDeactivateSelf refuses an admin deactivating themselves: another
// admin does it, so that an organisation is never left without one by
// mistake.
var ErrDeactivateSelf = fault.New(fault.Conflict, "You can't deactivate yourself; another admin can.")

// Deactivate takes a leaver out: they lose access at once (signed out
// everywhere, their tokens and links void), leave their circles as a
// member leaving would (the others are told, roles ahead pass to those
// who stay, their reminders are cancelled), and are no longer found,
// picked or matched. Everything they did stays. version is as in Edit.
func (s *Service) Deactivate(ctx context.Context, admin *account.User, id string, version *int) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	if id == admin.ID {
		return nil, ErrDeactivateSelf
	}
	v, err := s.version(ctx, admin.OrgID, id, version)
	if err != nil {
		return nil, err
	}
	u, err := s.DB.DeactivatePerson(ctx, admin.OrgID, id, v)
	if err != nil {
		return nil, err
	}
	return u, s.Circles.Depart(ctx, u)
}

// Reactivate lets a deactivated person back in. Someone who had joined
// signs in again; someone still invited gets a new invitation. Their
// circles are not given back: they join programs again like anyone.
func (s *Service) Reactivate(ctx context.Context, admin *account.User, id string, version *int) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	u, err := s.DB.FindUserByID(ctx, admin.OrgID, id)
	if err != nil {
		return nil, err
	}
	v := u.Version
	if version != nil {
		v = *version
	}
	var inv *store.Invite
	if u.Status == account.StatusInvited {
		org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
		if err != nil {
			return nil, err
		}
		i := s.invite(admin, org.Name, u.Email, u.Name)
		inv = &i
	}
	return s.DB.ReactivatePerson(ctx, admin.OrgID, id, v, inv)
}

// HeldInvitations counts the people of the admin's organisation whose
// invitations are held.
func (s *Service) HeldInvitations(ctx context.Context, admin *account.User) (int, error) {
	if !admin.IsAdmin() {
		return 0, auth.ErrForbidden
	}
	return s.DB.CountHeld(ctx, admin.OrgID)
}

// releaseBatch is how many held invitations one transaction sends.
const releaseBatch = 200

// ReleaseHeld sends the held invitations of the admin's organisation to
// the people of departments (everyone held when departments is empty), a
// batch per transaction, and returns how many it sent. Each person is
// invited once, however many releases run at once. Opening a program for
// some departments calls it with those departments.
func (s *Service) ReleaseHeld(ctx context.Context, admin *account.User, departments []string) (int, error) {
	if !admin.IsAdmin() {
		return 0, auth.ErrForbidden
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		held, err := s.DB.FindHeld(ctx, admin.OrgID, departments, releaseBatch)
		if err != nil || len(held) == 0 {
			return total, err
		}
		invites := make(map[string]store.Invite, len(held))
		for _, u := range held {
			invites[u.ID] = s.invite(admin, org.Name, u.Email, u.Name)
		}
		n, err := s.DB.ReleaseHeld(ctx, admin.OrgID, invites)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
