package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/directory"
)

type peopleQuery struct {
	Q          string `query:"q" maxLength:"200" doc:"Words that must each begin a word of the person's name, email address or department, as in \"ali ok\" for Alice Okafor; accents and case are ignored."`
	Department string `query:"department" maxLength:"80" doc:"Only this department."`
	Manager    string `query:"manager" maxLength:"100" doc:"Only the direct reports of the person with this id."`
	After      string `query:"after" maxLength:"100" doc:"A next cursor from an earlier page: the page that follows it."`
	Before     string `query:"before" maxLength:"100" doc:"A prev cursor from an earlier page: the page that precedes it."`
	Limit      int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
}

type personList struct {
	People []Person `json:"people" nullable:"false"`
	Total  int      `json:"total" doc:"How many people match, across all pages."`
	Next   string   `json:"next,omitempty" doc:"Pass as after for the next page; absent on the last page."`
	Prev   string   `json:"prev,omitempty" doc:"Pass as before for the page before; absent on the first page."`
}

type chartQuery struct {
	At string `query:"at" maxLength:"100" doc:"The id of the person the chart opens at; the caller when left out."`
}

type orgChart struct {
	People    int          `json:"people" doc:"How many people the organisation has."`
	RootCount int          `json:"root_count" doc:"How many people have no manager; roots lists at most 100 of them."`
	Roots     []PersonNode `json:"roots" nullable:"false" doc:"People without a manager, by name, each with their report count; the line down to the person the chart opens at is unfolded."`
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
	page, err := a.directory.People(ctx, auth.UserFromContext(ctx), directory.Filter{Query: in.Q, Department: in.Department,
		ManagerID: in.Manager, After: in.After, Before: in.Before, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return &struct{ Body personList }{Body: personList{People: newPeople(auth.UserFromContext(ctx), page.People), Total: page.Total, Next: page.Next, Prev: page.Prev}}, nil
}

func (a *API) handlePeopleTree(ctx context.Context, in *chartQuery) (*struct{ Body orgChart }, error) {
	c, err := a.directory.Chart(ctx, auth.UserFromContext(ctx), in.At)
	if err != nil {
		return nil, err
	}
	return &struct{ Body orgChart }{Body: orgChart{People: c.People, RootCount: c.RootCount, Roots: newNodes(auth.UserFromContext(ctx), c.Roots)}}, nil
}

func (a *API) handlePersonShow(ctx context.Context, in *idInput) (*personOutput, error) {
	u, err := a.directory.Person(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
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
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
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
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
}

func (a *API) handleImportPreview(ctx context.Context, in *csvInput) (*struct{ Body ImportPreview }, error) {
	p, err := a.directory.PreviewImport(ctx, auth.UserFromContext(ctx), in.RawBody)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ImportPreview }{Body: newPreview(p)}, nil
}

type importInput struct {
	Invitations string `query:"invitations" enum:"now,hold" default:"now" doc:"Send the new people's invitations now, or hold them until released (when a program opens)."`
	RawBody     []byte `contentType:"text/csv"`
}

func (a *API) handleImport(ctx context.Context, in *importInput) (*struct{ Body ImportResult }, error) {
	hold := in.Invitations == "hold"
	_, users, err := a.directory.Import(ctx, auth.UserFromContext(ctx), in.RawBody, hold)
	if err != nil {
		return nil, err
	}
	res := ImportResult{Held: hold, People: newPeople(auth.UserFromContext(ctx), users)}
	for _, u := range users {
		if u.Version == 0 {
			res.Imported++
		} else {
			res.Updated++
		}
	}
	return &struct{ Body ImportResult }{Body: res}, nil
}

type personEditInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body PersonEdit
}

func (a *API) handlePersonEdit(ctx context.Context, in *personEditInput) (*personOutput, error) {
	b := in.Body
	u, err := a.directory.EditPerson(ctx, auth.UserFromContext(ctx), in.ID, directory.Edit{Name: b.Name, Department: b.Department,
		ManagerID: b.ManagerID, Level: b.Level, Timezone: b.Timezone, Role: b.Role, Version: b.Version})
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
}

type personVersionInput struct {
	ID   string       `path:"id" maxLength:"100"`
	Body *VersionBody `required:"false"`
}

func (in *personVersionInput) version() *int {
	if in.Body == nil {
		return nil
	}
	return in.Body.Version
}

func (a *API) handlePersonDeactivate(ctx context.Context, in *personVersionInput) (*personOutput, error) {
	u, err := a.directory.Deactivate(ctx, auth.UserFromContext(ctx), in.ID, in.version())
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
}

func (a *API) handlePersonReactivate(ctx context.Context, in *personVersionInput) (*personOutput, error) {
	u, err := a.directory.Reactivate(ctx, auth.UserFromContext(ctx), in.ID, in.version())
	if err != nil {
		return nil, err
	}
	return &personOutput{Body: newPerson(auth.UserFromContext(ctx), u)}, nil
}

func (a *API) handleHeldRelease(ctx context.Context, in *struct {
	Body *ReleaseRequest `required:"false"`
}) (*struct{ Body ReleaseResult }, error) {
	var depts []string
	if in.Body != nil {
		depts = in.Body.Departments
	}
	n, err := a.directory.ReleaseHeld(ctx, auth.UserFromContext(ctx), depts)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ReleaseResult }{Body: ReleaseResult{Sent: n}}, nil
}
