package circles

import (
	"context"
	"errors"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// OverviewPageSize is how many circles a program's page shows at a time:
// each card names its members and its health, so a page is priced by its
// cards, and a dozen keeps a program of a thousand circles as cheap to
// show as a small one.
const OverviewPageSize = 12

// CircleHealth is one circle as its program's admins see it: who is in
// it and how it is doing, never what it says.
type CircleHealth struct {
	program.Circle
	circle.Health
}

// Overview is a page of a program's published circles with their health,
// for its admins.
type Overview struct {
	// Total counts the circles the page is one of; First is the position
	// (from 1) of the page's first circle.
	Total, First int
	// Stalled counts the program's circles that have not met for
	// circle.StalledAfter periods; StalledOnly says the page lists just
	// them.
	Stalled     int
	StalledOnly bool
	// Struggling counts the program's circles whose attendance fell
	// below half for circle.StrugglingAfter held meetings in a row.
	Struggling int
	Circles    []CircleHealth
	// Small lists (up to a page of) the formed circles below the
	// program's minimum size.
	Small []program.Circle
}

// Overview returns page (from 1) of programID's circles waiting for
// consent or formed, or of its stalled circles alone, each with its
// health, for an admin. The health of a page is counted in one query over
// that page's meetings; the stalled are counted from the index of when
// each circle stalls.
func (s *Service) Overview(ctx context.Context, admin *account.User, programID string, page int, stalledOnly bool) (*Overview, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &Overview{StalledOnly: stalledOnly}
	stalled := store.CircleFilter{ProgramID: programID, StalledBy: now}
	if out.Stalled, err = s.DB.CountCircles(ctx, admin.OrgID, stalled); err != nil {
		return nil, err
	}
	if out.Struggling, err = s.DB.CountCircles(ctx, admin.OrgID, store.CircleFilter{ProgramID: programID, Struggling: true}); err != nil {
		return nil, err
	}
	f := store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Pending, program.Active}}
	if stalledOnly {
		f, out.Total = stalled, out.Stalled
	} else if out.Total, err = s.DB.CountProgramCircles(ctx, admin.OrgID, programID); err != nil {
		return nil, err
	}
	pages := max(1, (out.Total+OverviewPageSize-1)/OverviewPageSize)
	page = min(max(page, 1), pages)
	out.First = (page-1)*OverviewPageSize + 1
	f.Limit, f.Offset = OverviewPageSize, out.First-1
	list, err := s.DB.FindCircles(ctx, admin.OrgID, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	records, err := s.DB.FindMeetingRecords(ctx, admin.OrgID, ids, now)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		out.Circles = append(out.Circles, CircleHealth{Circle: c, Health: circle.Assess(&c, p, records[c.ID], now)})
	}
	small := store.CircleFilter{ProgramID: programID, Status: []program.CircleStatus{program.Active}, FewerThan: p.MinSize,
		Unfinished: true, Limit: OverviewPageSize}
	if out.Small, err = s.DB.FindCircles(ctx, admin.OrgID, small); err != nil {
		return nil, err
	}
	return out, nil
}

// Stalled counts, by program, the organisation's circles that have not
// met for circle.StalledAfter periods, for an admin.
func (s *Service) Stalled(ctx context.Context, admin *account.User) (map[string]int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.CountStalled(ctx, admin.OrgID, s.now())
}

// Struggling counts, by program, the organisation's running circles
// fewer than half of whose members came to each of their last
// circle.StrugglingAfter held meetings, for an admin. No names.
func (s *Service) Struggling(ctx context.Context, admin *account.User) (map[string]int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.CountStruggling(ctx, admin.OrgID)
}

// roomNear is how long before a meeting its room is offered on a
// person's home: time to find the link and settle in.
const roomNear = 30 * time.Minute

// Practice is what a person's home shows of their circles: the next
// meeting, what waits for their answer, and their open commitments.
type Practice struct {
	// Next is their next meeting (or the one running); nil when none.
	Next *circle.Meeting
	// NextProgram names the program of Next's circle.
	NextProgram string
	// Roles are the person's roles at Next: "facilitator", "timekeeper".
	Roles []string
	// RoomOpen says Next is running or about to: its room is offered.
	RoomOpen bool
	store.Agenda
	// Commitments are (up to PracticeCommitments of) their commitments
	// not yet done.
	Commitments []store.OwnCommitment
	// Streak is their own run of meetings attended and commitments kept,
	// shown to them alone.
	Streak circle.Streak
	now    time.Time
}

// Overdue reports whether a commitment due at due has passed it, for the
// home page.
func (p *Practice) Overdue(due *time.Time) bool { return due != nil && due.Before(p.now) }

// PracticeCommitments bounds the open commitments a home lists.
const PracticeCommitments = 5

// Practice reads u's practice, each part one query from u's own rows:
// first what waits for them, which also counts their active circles;
// their next meeting and open commitments only when they have a circle.
func (s *Service) Practice(ctx context.Context, u *account.User) (*Practice, error) {
	now := s.now()
	out := &Practice{now: now}
	agenda, err := s.DB.FindAgenda(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	out.Agenda = *agenda
	if agenda.Circles == 0 {
		return out, nil
	}
	next, err := s.DB.FindNextMeeting(ctx, u.OrgID, u.ID, now)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		out.Next, out.NextProgram = &next.Meeting, next.ProgramName
		if next.FacilitatorID == u.ID {
			out.Roles = append(out.Roles, "facilitator")
		}
		if next.TimekeeperID == u.ID {
			out.Roles = append(out.Roles, "timekeeper")
		}
		out.RoomOpen = !now.Before(next.Start.Add(-roomNear))
	}
	if out.Commitments, err = s.DB.FindOpenCommitments(ctx, u.OrgID, u.ID, PracticeCommitments); err != nil {
		return nil, err
	}
	if out.Streak, err = s.Streak(ctx, u); err != nil {
		return nil, err
	}
	return out, nil
}
