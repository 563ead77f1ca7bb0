// Package directory is an organisation's people: the directory and org
// chart everyone sees, and what admins do with people: inviting one,
// importing many from a spreadsheet and updating them from it again,
// sending held invitations, resending invitations, editing, deactivating
// and reactivating a person (changes.go).
package directory

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the directory's flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
	// Circles takes a deactivated person out of their circles, as a
	// member leaving would be.
	Circles *circles.Service
}

// link returns an absolute URL on this instance.
func (s *Service) link(path string, q url.Values) string {
	u := *s.BaseURL
	u.Path = path
	u.RawQuery = q.Encode()
	return u.String()
}

// invite builds a fresh invitation link and its email for u.
func (s *Service) invite(inviter *account.User, orgName, email, name string) store.Invite {
	token := account.NewToken(account.LinkPrefix)
	link := s.link("/invitation", url.Values{"token": {token}})
	return store.Invite{TokenHash: account.HashToken(token), Mail: queue.Mail(mail.Invitation(email, name, inviter.Name, orgName, link))}
}

// Invite adds one person to the admin's organisation and emails them.
func (s *Service) Invite(ctx context.Context, admin *account.User, p account.NewPerson) (*account.User, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	return s.DB.InvitePerson(ctx, admin.OrgID, p, s.invite(admin, org.Name, p.Email, p.Name))
}

// ResendInvitation emails an invited person a new link.
func (s *Service) ResendInvitation(ctx context.Context, admin *account.User, userID string) error {
	if !admin.IsAdmin() {
		return auth.ErrForbidden
	}
	u, err := s.DB.FindUserByID(ctx, admin.OrgID, userID)
	if err != nil {
		return err
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return err
	}
	return s.DB.ResendInvitation(ctx, admin.OrgID, userID, s.invite(admin, org.Name, u.Email, u.Name))
}

// PreviewImport checks a CSV file against the admin's organisation without
// writing anything.
func (s *Service) PreviewImport(ctx context.Context, admin *account.User, csv []byte) (*people.Preview, error) {
	if !admin.IsAdmin() {
		return nil, auth.ErrForbidden
	}
	existing, err := s.DB.FindExistingPeople(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	return people.Parse(strings.NewReader(string(csv)), existing), nil
}

// ErrImportProblems means the file still has problems; nothing was written.
// Import's error wraps it, with each problem as a field (see
// people.Preview.Fields).
var ErrImportProblems = fault.New(fault.Invalid, "The file has problems; nothing was imported.")

// Import checks a CSV file again and, when it has no problems, applies it
// in one transaction: it adds its new people and updates the changed
// ones. New people are invited now, or, with hold, when their invitations
// are released (ReleaseHeld). It returns the preview so a caller can show
// the problems when there are any (the error names them too, as fields),
// and the people added or changed.
func (s *Service) Import(ctx context.Context, admin *account.User, csv []byte, hold bool) (*people.Preview, []account.User, error) {
	p, err := s.PreviewImport(ctx, admin, csv)
	if err != nil {
		return nil, nil, err
	}
	if !p.OK() {
		return p, nil, &fault.Error{Kind: fault.Invalid, Fields: p.Fields(), Err: ErrImportProblems}
	}
	org, err := s.DB.FindOrgByID(ctx, admin.OrgID)
	if err != nil {
		return p, nil, err
	}
	invites := map[string]store.Invite{}
	if !hold {
		for _, r := range p.Rows {
			if r.Status == people.StatusNew {
				invites[r.Email] = s.invite(admin, org.Name, r.Email, r.Name)
			}
		}
	}
	users, err := s.DB.ImportPeople(ctx, admin.OrgID, p.Rows, invites, hold)
	return p, users, err
}
