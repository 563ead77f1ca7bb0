package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/directory"
)

type peopleQuery struct {
	Q          string `query:"q" maxLength:"200" doc:"Matches name, email or department."`
	Department string `query:"department" maxLength:"80" doc:"Only this department."`
	Limit      int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Offset     int    `query:"offset" minimum:"0" default:"0"`
}

type personList struct {
	People []Person `json:"people" nullable:"false"`
	Total  int      `json:"total" doc:"How many people match, across all pages."`
}

type orgChart struct {
	Roots []PersonNode `json:"roots" nullable:"false" doc:"People without a manager in the organisation, each with their reports."`
}

type departmentList struct {
	Departments []string `json:"departments" nullable:"false"`
}

type inviteRequest struct {
	Name       string       `json:"name" maxLength:"120"`
	Email      string       `json:"email" maxLength:"254" format:"email"`
	Department string       `json:"department,omitempty" maxLength:"80"`
	ManagerID  string       `json:"manager_id,omitempty" maxLength:"100" doc:"The id of the person's manager in this organisation."`
	Timezone   string       `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone; UTC when left out." example:"Europe/Berlin"`
	Level      int          `json:"level,omitempty" minimum:"0" maximum:"20"`
	Role       account.Role `json:"role,omitempty" enum:"member,admin" doc:"member when left out."`
}

type roleUpdate struct {
	Role account.Role `json:"role" enum:"member,admin"`
}

type csvInput struct {
	RawBody []byte `contentType:"text/csv"`
}

func (a *API) handleOrgShow(ctx context.Context, _ *struct{}) (*struct{ Body Org }, error) {
	org, err := a.accounts.Org(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body Org }{Body: newOrg(org)}, nil
}

func (a *API) handlePeopleList(ctx context.Context, in *peopleQuery) (*struct{ Body personList }, error) {
	users, total, err := a.directory.People(ctx, auth.UserFromContext(ctx),
		directory.Filter{Query: in.Q, Department: in.Department, Limit: in.Limit, Offset: in.Offset})
	if err != nil {
		return nil, err
	}
	return &struct{ Body personList }{Body: personList{People: newPeople(users), Total: total}}, nil
}

func (a *API) handlePeopleTree(ctx context.Context, _ *struct{}) (*struct{ Body orgChart }, error) {
	roots, _, err := a.directory.Chart(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body orgChart }{Body: orgChart{Roots: newNodes(roots)}}, nil
}

func (a *API) handlePersonShow(ctx context.Context, in *idInput) (*personOutput, error) {
	u, err := a.directory.Person(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(u)}, nil
}

func (a *API) handleDepartmentList(ctx context.Context, _ *struct{}) (*struct{ Body departmentList }, error) {
	depts, err := a.directory.Departments(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body departmentList }{Body: departmentList{Departments: append([]string{}, depts...)}}, nil
}

// The middleware of admin operations has checked the role; the auth
// service checks it again where it is the one acting.

func (a *API) handlePersonInvite(ctx context.Context, in *struct{ Body inviteRequest }) (*personOutput, error) {
	b := in.Body
	u, err := a.directory.Invite(ctx, auth.UserFromContext(ctx), account.NewPerson{Name: b.Name, Email: b.Email,
		Department: b.Department, ManagerID: b.ManagerID, Timezone: b.Timezone, Level: b.Level, Role: b.Role})
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(u)}, nil
}

func (a *API) handleInvitationResend(ctx context.Context, in *idInput) (*messageOutput, error) {
	if err := a.directory.ResendInvitation(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &messageOutput{Body: Message{Message: "The invitation has been sent again."}}, nil
}

type roleInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body roleUpdate
}

func (a *API) handleRoleUpdate(ctx context.Context, in *roleInput) (*personOutput, error) {
	u, err := a.directory.ChangeRole(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Role)
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(u)}, nil
}

func (a *API) handleImportPreview(ctx context.Context, in *csvInput) (*struct{ Body ImportPreview }, error) {
	p, err := a.directory.PreviewImport(ctx, auth.UserFromContext(ctx), in.RawBody)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ImportPreview }{Body: newPreview(p)}, nil
}

func (a *API) handleImport(ctx context.Context, in *csvInput) (*struct{ Body ImportResult }, error) {
	_, users, err := a.directory.Import(ctx, auth.UserFromContext(ctx), in.RawBody)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ImportResult }{Body: ImportResult{Imported: len(users), People: newPeople(users)}}, nil
}
