// Package programs runs peer-coaching programs: admins open programs and
// curate topics, people opt in of their own accord, the matching proposes
// circles, admins review and publish them, and every member accepts or
// declines; pairs also form by invitation. Both the web app and the JSON
// API call it; it enforces who may do what, and never lets anyone but its
// author see a person's private preferences.
package programs

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the program flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
	// MatchBudget limits one run of the matching; 0 lets the engine pick.
	MatchBudget time.Duration
	// ReleaseHeld sends the invitations an import held back for a program
	// to open, to the people of departments (everyone when empty), in
	// inviter's name; it is the directory's (directory.ReleaseHeld), handed
	// in by service.New, since a service does not import another. Nil
	// sends none.
	ReleaseHeld func(ctx context.Context, inviter *account.User, departments []string) (int, error)
}

func (s *Service) link(path string) string {
	u := *s.BaseURL
	u.Path = path
	return u.String()
}

func (s *Service) now() time.Time { return s.DB.Now() }

// ErrOptInClosed means the opt-in window of a program is not open.
var ErrOptInClosed = fault.Fields(map[string]string{"program": "Opt-in for this program is closed."})

// ErrNotForYou means a program is for other departments than the person's.
var ErrNotForYou = fault.Fields(map[string]string{"program": "This program is for other departments than yours."})

// CreateProgram opens a new program in the admin's organisation.
func (s *Service) CreateProgram(ctx context.Context, admin *account.User, p *program.Program) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	p.OrgID, p.CreatedBy = admin.OrgID, admin.ID
	p.Defaults()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.DB.CreateProgram(ctx, p); err != nil {
		return err
	}
	return s.announceIfOpen(ctx, p)
}

// announceIfOpen emails everyone p is for when its opt-in is open and
// nobody has been told yet: a program created or moved to open today is
// opened by the admin who saved it.
func (s *Service) announceIfOpen(ctx context.Context, p *program.Program) error {
	if !p.OptInOpen(s.now()) || p.AnnouncedAt != nil {
		return nil
	}
	if _, err := s.announce(ctx, p.OrgID, p.ID); err != nil {
		return err
	}
	now := s.now()
	p.AnnouncedAt = &now
	return nil
}

// UpdateProgram saves an admin's changes to a program.
func (s *Service) UpdateProgram(ctx context.Context, admin *account.User, p *program.Program) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	p.OrgID = admin.OrgID
	p.Defaults()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.DB.UpdateProgram(ctx, p); err != nil {
		return err
	}
	return s.announceIfOpen(ctx, p)
}

// Program returns a program of the person's organisation.
func (s *Service) Program(ctx context.Context, u *account.User, id string) (*program.Program, error) {
	return s.DB.FindProgramByID(ctx, u.OrgID, id)
}

// AddTopic adds a topic to the organisation's vocabulary.
func (s *Service) AddTopic(ctx context.Context, admin *account.User, name string) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	return s.DB.CreateTopic(ctx, admin.OrgID, name)
}

// RemoveTopic removes a topic from the vocabulary.
func (s *Service) RemoveTopic(ctx context.Context, admin *account.User, name string) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	return s.DB.DeleteTopic(ctx, admin.OrgID, name)
}

// SaveOptIn opts the person in, or changes their opt-in, while the window
// is open and they are not already in a circle of the program.
func (s *Service) SaveOptIn(ctx context.Context, u *account.User, o *program.OptIn) error {
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, o.ProgramID)
	if err != nil {
		return err
	}
	if !p.OptInOpen(s.now()) {
		return ErrOptInClosed
	}
	if !p.IsFor(u.Department) {
		return ErrNotForYou
	}
	if err := s.notMatched(ctx, u, p.ID); err != nil {
		return err
	}
	vocab, err := s.DB.FindTopics(ctx, u.OrgID)
	if err != nil {
		return err
	}
	o.OrgID, o.UserID = u.OrgID, u.ID
	if old, err := s.DB.FindOptIn(ctx, u.OrgID, p.ID, u.ID); err == nil {
		o.CreatedAt, o.Snoozed = old.CreatedAt, old.Snoozed
		// Topics since removed from the vocabulary stay valid for those
		// who chose them.
		vocab = append(vocab, old.Topics...)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := o.Validate(vocab); err != nil {
		return err
	}
	return s.DB.SaveOptIn(ctx, o, p)
}

// notMatched refuses changes once the person is in a circle of the
// program that is active or waiting for answers.
func (s *Service) notMatched(ctx context.Context, u *account.User, programID string) error {
	engaged, err := s.DB.IsEngaged(ctx, u.OrgID, programID, u.ID)
	if err != nil {
		return err
	}
	if engaged {
		return fault.Fields(map[string]string{"program": "You have been matched in this program already; answer your proposal instead."})
	}
	return nil
}

// Withdraw removes the person's opt-in until they are matched, and takes
// them out of a round's draft not yet published.
func (s *Service) Withdraw(ctx context.Context, u *account.User, programID string) error {
	if _, err := s.DB.FindProgramByID(ctx, u.OrgID, programID); err != nil {
		return err
	}
	if err := s.notMatched(ctx, u, programID); err != nil {
		return err
	}
	return s.DB.DeleteOptIn(ctx, u.OrgID, programID, u.ID)
}

// Snooze pauses (or resumes) the person for the next round of matching
// without withdrawing.
func (s *Service) Snooze(ctx context.Context, u *account.User, programID string, snoozed bool) error {
	return s.DB.SnoozeOptIn(ctx, u.OrgID, programID, u.ID, snoozed)
}

// MyOptIn returns the person's own opt-in, private lists included; not
// found when they have not opted in.
func (s *Service) MyOptIn(ctx context.Context, u *account.User, programID string) (*program.OptIn, error) {
	return s.DB.FindOptIn(ctx, u.OrgID, programID, u.ID)
}

// MyOptInOrNew returns the person's own opt-in and true; when they have
// not opted in, a new opt-in to the program with the defaults, and false.
func (s *Service) MyOptInOrNew(ctx context.Context, u *account.User, programID string) (o *program.OptIn, existing bool, err error) {
	o, err = s.DB.FindOptIn(ctx, u.OrgID, programID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return &program.OptIn{ProgramID: programID, FormatPref: program.PreferEither}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return o, true, nil
}

// Participant is what an admin sees of an opt-in: never the private
// lists.
type Participant struct {
	UserID     string             `json:"user_id"`
	Name       string             `json:"name"`
	Department string             `json:"department"`
	Topics     []string           `json:"topics"`
	Goals      string             `json:"goals"`
	FormatPref program.FormatPref `json:"format_preference"`
	Snoozed    bool               `json:"snoozed"`
	// Hours is how many hours a week the person is available.
	Hours     float64   `json:"available_hours"`
	OptedInAt time.Time `json:"opted_in_at"`
}

// ParticipantPage is one page of a program's participants.
type ParticipantPage struct {
	Participants []Participant
	// Total counts everyone opted in; Next is the cursor of the page
	// after this one, empty on the last.
	Total int
	Next  string
}

// Participants lists a page of who opted in to a program, by name, for
// its admins: limit of them (at most 500) after the person with id after.
func (s *Service) Participants(ctx context.Context, admin *account.User, programID, after string, limit int) (*ParticipantPage, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	if _, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID); err != nil {
		return nil, err
	}
	list, more, err := s.DB.FindParticipants(ctx, admin.OrgID, programID, after, min(max(limit, 1), 500))
	if err != nil {
		return nil, err
	}
	page := &ParticipantPage{Participants: make([]Participant, 0, len(list))}
	if page.Total, err = s.DB.CountOptIns(ctx, admin.OrgID, programID); err != nil {
		return nil, err
	}
	for _, p := range list {
		mins := 0
		for _, iv := range p.Availability {
			mins += iv[1] - iv[0]
		}
		page.Participants = append(page.Participants, Participant{UserID: p.UserID, Name: p.Name, Department: p.Department,
			Topics: p.Topics, Goals: p.Goals, FormatPref: p.FormatPref, Snoozed: p.Snoozed, Hours: float64(mins) / 60, OptedInAt: p.OptedInAt})
	}
	if more {
		page.Next = list[len(list)-1].UserID
	}
	return page, nil
}

// ProgramView is a program as one person sees it: whether opt-in is open
// and where they stand in it.
type ProgramView struct {
	program.Program
	Open, Upcoming bool
	// Status is the program's status now (program.Program.Status).
	Status program.Status
	program.Membership
}

// Programs lists the programs a person sees, newest first: members see
// those open for opt-in and those they take part in (or took part in,
// once closed); admins see all, drafts included.
func (s *Service) Programs(ctx context.Context, u *account.User) ([]ProgramView, error) {
	list, err := s.DB.FindPrograms(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	mine, err := s.DB.FindMemberships(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]ProgramView, 0, len(list))
	for _, p := range list {
		v := ProgramView{Program: p, Open: p.OptInOpen(now), Upcoming: now.Before(p.OptInOpens) && !p.Ended(now), Status: p.Status(now),
			Membership: mine[p.ID]}
		if (v.Open && p.IsFor(u.Department)) || v.OptedIn || v.Matched || u.IsAdmin() {
			out = append(out, v)
		}
	}
	return out, nil
}

// Joinable lists the programs u may join now, newest first: open for
// opt-in, for their department, and neither opted into nor matched in.
// It reads the programs whose opt-in has not closed, not every program
// the organisation ever ran.
func (s *Service) Joinable(ctx context.Context, u *account.User) ([]program.Program, error) {
	now := s.now()
	list, err := s.DB.FindOpenPrograms(ctx, u.OrgID, now)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	mine, err := s.DB.FindMemberships(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	var out []program.Program
	for _, p := range list {
		if m := mine[p.ID]; p.OptInOpen(now) && p.IsFor(u.Department) && !m.OptedIn && !m.Matched {
			out = append(out, p)
		}
	}
	return out, nil
}

// Standing returns where a person stands in one program.
func (s *Service) Standing(ctx context.Context, u *account.User, programID string) (program.Membership, error) {
	mine, err := s.DB.FindMemberships(ctx, u.OrgID, u.ID)
	if err != nil {
		return program.Membership{}, err
	}
	return mine[programID], nil
}
