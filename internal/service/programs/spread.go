package programs

import (
	"context"
	"errors"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// InvitationsPerDay is how many colleagues one person may invite to opt in
// within a day.
const InvitationsPerDay = 20

// Spread is the "invite another team" page of one person: the programs
// open for opt-in, what their invitations came to, and, for a leader, the
// choice to show that they take part in a circle.
type Spread struct {
	// Programs are open for opt-in now; none means the admins may be
	// asked to open one.
	Programs []program.Program
	store.SpreadCounts
	// Leader: the person manages others, so they may show colleagues
	// that they take part in a circle; Shown is their choice.
	Leader, Shown bool
}

// SpreadFor returns u's page for inviting colleagues.
func (s *Service) SpreadFor(ctx context.Context, u *account.User) (*Spread, error) {
	out := &Spread{}
	var err error
	if out.Programs, err = s.DB.FindOptInPrograms(ctx, u.OrgID, s.now()); err != nil {
		return nil, err
	}
	if out.SpreadCounts, err = s.DB.CountSpread(ctx, u.OrgID, u.ID); err != nil {
		return nil, err
	}
	if out.Leader, err = s.leads(ctx, u); err != nil {
		return nil, err
	}
	if out.Shown, _, err = s.DB.FindCircleShown(ctx, u.OrgID, u.ID); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) leads(ctx context.Context, u *account.User) (bool, error) {
	n, err := s.DB.CountUsers(ctx, u.OrgID, store.UserFilter{ManagerID: u.ID})
	return n > 0, err
}

var errNotOpenForOptIn = fault.Fields(map[string]string{"program_id": "That program is not open for opt-in just now."})

// InviteColleague emails a colleague an invitation to a program's opt-in
// from u: the program must be open for opt-in, the colleague an active
// person of the organisation other than u. A colleague is invited to a
// program once, whoever invites them, and a person sends at most
// InvitationsPerDay a day.
func (s *Service) InviteColleague(ctx context.Context, u *account.User, programID, colleagueID string) error {
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, programID)
	if errors.Is(err, store.ErrNotFound) {
		return errNotOpenForOptIn
	}
	if err != nil {
		return err
	}
	if !p.OptInOpen(s.now()) {
		return errNotOpenForOptIn
	}
	to, err := s.DB.FindUserByID(ctx, u.OrgID, colleagueID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (to.ID == u.ID || to.Status != account.StatusActive)) {
		return fault.Fields(map[string]string{"colleague": "Choose a colleague from the list."})
	}
	if err != nil {
		return err
	}
	msg := mail.TeamInvitation(to.Email, to.Name, u.Name, s.facts(p, to.Timezone))
	return s.DB.CreateTeamInvitation(ctx, u.OrgID, u.ID, p.ID, to.ID, InvitationsPerDay, queue.Mail(msg))
}

// AskForProgram tells the organisation's admins that u would like
// colleagues to be able to join peer coaching, while no program is open
// for opt-in; a person asks at most once a week.
func (s *Service) AskForProgram(ctx context.Context, u *account.User) error {
	admins, err := s.DB.FindAdmins(ctx, u.OrgID)
	if err != nil {
		return err
	}
	var msgs []store.Job
	for _, a := range admins {
		if a.ID != u.ID {
			msgs = append(msgs, queue.Mail(mail.ProgramAsked(a.Email, a.Name, u.Name, s.link("/programs"))))
		}
	}
	return s.DB.CreateTeamInvitation(ctx, u.OrgID, u.ID, "", "", InvitationsPerDay, msgs...)
}

// errNotALeader: only someone who manages others shows that they take
// part, as an example to their teams.
var errNotALeader = fault.New(fault.Forbidden, "Only people who manage others can show this on their profile.")

// ShowTakingPart saves whether u, a leader, shows colleagues on their
// profile that they take part in a peer-coaching circle (never which).
func (s *Service) ShowTakingPart(ctx context.Context, u *account.User, show bool) error {
	leader, err := s.leads(ctx, u)
	if err != nil {
		return err
	}
	if !leader && show {
		return errNotALeader
	}
	return s.DB.SetCircleShown(ctx, u.OrgID, u.ID, show)
}

// TakesPart reports whether a person's profile says, to a colleague, that
// they take part in a peer-coaching circle: they chose to show it and
// are an active member of one.
func (s *Service) TakesPart(ctx context.Context, viewer *account.User, personID string) (bool, error) {
	chosen, takesPart, err := s.DB.FindCircleShown(ctx, viewer.OrgID, personID)
	return chosen && takesPart, err
}

// TeamInvitations counts the colleagues invited to a program's opt-in by
// its members and leaders, for its admins (never who invited whom).
func (s *Service) TeamInvitations(ctx context.Context, admin *account.User, programID string) (int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return 0, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return 0, err
	}
	return s.DB.CountTeamInvitations(ctx, admin.OrgID, p.ID)
}
