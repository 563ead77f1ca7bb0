// Package circles is a formed circle's (or pair's) life: who is inside it
// and its home page (circles.go), the schedule and its meetings with
// rotating roles (schedule.go), calendar feeds (calendar.go) and reminders
// (reminders.go), the members-only space of posts and commitments
// (space.go), leaving (leave.go), the hourly upkeep that keeps meetings
// ahead (upkeep.go), answers to meetings ahead, commitments' due dates and
// each person's own streak (habit.go), and the weekly digest (digest.go). Only the circle's active members who have
// acknowledged its ground rules see inside it; to anyone else, admins
// included, it does not exist. The ground rules and the working agreement
// are package agreements'.
package circles

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the circle flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
}

func (s *Service) link(path string) string {
	u := *s.BaseURL
	u.Path = path
	return u.String()
}

func (s *Service) now() time.Time { return s.DB.Now() }

// changeAttempts bounds how often a change to a circle is planned again
// because another change to the circle came first.
const changeAttempts = 5

// changeCircle reads a circle's state, lets fn change it, asks the domain
// which reminders the new state calls for, and has the store save all of
// it with fn's emails. The store saves only if the circle is unchanged
// since it was read; otherwise the change is planned again on the new
// state, so that two changes to one circle both apply, one after the
// other, as they did when the store ran fn under the circle's lock.
func (s *Service) changeCircle(ctx context.Context, orgID, circleID string, fn func(*store.CircleState) error) (*store.CircleState, error) {
	for attempt := 1; ; attempt++ {
		st, err := s.DB.FindCircleState(ctx, orgID, circleID)
		if err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		if err := fn(st); err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		plan := circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now)
		err = s.DB.UpdateCircle(ctx, st, plan)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("change circle: %w", err)
		}
		return st, nil
	}
}

// meetingEnded reports whether a meeting's room has been run to its end.
func (s *Service) meetingEnded(ctx context.Context, orgID, meetingID string) (bool, error) {
	r, err := s.DB.FindRoom(ctx, orgID, meetingID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return roomEnded(r)
}

// roomEnded reports whether r has been run to its end.
func roomEnded(r *store.Room) (bool, error) {
	st, err := room.Decode(r.State)
	return st.Phase == room.Ended, err
}

// Member loads an active circle that u belongs to. Anyone else — an admin
// included — gets ErrNotFound, so a circle's existence leaks no more than
// its content.
func (s *Service) Member(ctx context.Context, u *account.User, circleID string) (*program.Circle, error) {
	c, err := s.DB.FindCircleByID(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	if c.Member(u.ID) == nil || c.Status != program.Active {
		return nil, store.ErrNotFound
	}
	return c, nil
}

// insideKey keys a request's memo of the circles Inside let its reader
// into.
type insideKey struct{}

type insideMemo struct {
	mu      sync.Mutex
	circles map[[2]string]program.Circle // by reader and circle
}

// Remember returns ctx with a memo in which Inside keeps the circles it
// lets a reader into, so that the services one page calls (the circle,
// its pulse, its fit check) load the circle and check the reader once.
// It is for pages that read: a change made after the first check is not
// seen by the later ones.
func Remember(ctx context.Context) context.Context {
	return context.WithValue(ctx, insideKey{}, &insideMemo{circles: map[[2]string]program.Circle{}})
}

// cloned is c with its own members, so that a caller changing what it was
// given changes nothing kept.
func cloned(c program.Circle) *program.Circle {
	c.Members = slices.Clone(c.Members)
	return &c
}

// Inside loads a circle for a member who has acknowledged the ground
// rules in force; otherwise it returns circle.ErrGroundRules.
func (s *Service) Inside(ctx context.Context, u *account.User, circleID string) (*program.Circle, error) {
	memo, _ := ctx.Value(insideKey{}).(*insideMemo)
	if memo == nil {
		return s.inside(ctx, u, circleID)
	}
	key := [2]string{u.ID, circleID}
	memo.mu.Lock()
	c, ok := memo.circles[key]
	memo.mu.Unlock()
	if ok {
		return cloned(c), nil
	}
	found, err := s.inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	memo.mu.Lock()
	memo.circles[key] = *cloned(*found)
	memo.mu.Unlock()
	return found, nil
}

func (s *Service) inside(ctx context.Context, u *account.User, circleID string) (*program.Circle, error) {
	c, err := s.Member(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	acked, err := s.DB.HasAcknowledgedRules(ctx, u.OrgID, circleID, u.ID)
	if err != nil {
		return nil, err
	}
	if !acked {
		return nil, circle.ErrGroundRules
	}
	return c, nil
}

// CircleSummary is one of a person's circles in a list.
type CircleSummary struct {
	Circle  program.Circle
	Program program.Program
	// Next is the next meeting, if the circle has a schedule.
	Next *circle.Meeting
	// NeedsAck: the person has yet to acknowledge the ground rules in force.
	NeedsAck bool
}

// MyCircles lists the active circles and pairs u belongs to.
func (s *Service) MyCircles(ctx context.Context, u *account.User) ([]CircleSummary, error) {
	cs, err := s.DB.FindCircles(ctx, u.OrgID, store.CircleFilter{UserID: u.ID, Status: []program.CircleStatus{program.Active}})
	if err != nil {
		return nil, err
	}
	out := make([]CircleSummary, 0, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	acked, err := s.DB.FindAcknowledgedCircles(ctx, u.OrgID, u.ID, ids)
	if err != nil {
		return nil, err
	}
	ahead, err := s.DB.FindUpcomingMeetings(ctx, u.OrgID, ids, s.now())
	if err != nil {
		return nil, err
	}
	programs := map[string]*program.Program{}
	for _, c := range cs {
		p, ok := programs[c.ProgramID]
		if !ok {
			if p, err = s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID); err != nil {
				return nil, err
			}
			programs[c.ProgramID] = p
		}
		sum := CircleSummary{Circle: c, Program: *p, NeedsAck: !acked[c.ID]}
		if up := ahead[c.ID]; len(up) > 0 {
			sum.Next = &up[0]
		}
		out = append(out, sum)
	}
	return out, nil
}

// upcoming returns the meetings that have not ended and are still on.
func upcoming(ms []circle.Meeting, now time.Time) []circle.Meeting {
	var out []circle.Meeting
	for _, m := range ms {
		if m.Status == circle.Scheduled && m.End.After(now) {
			out = append(out, m)
		}
	}
	return out
}

// Home is everything a member sees on their circle's page.
type Home struct {
	Circle      program.Circle
	Program     program.Program
	GroundRules circle.GroundRules
	// Agreement is every version, newest first; Adopted and Proposed pick
	// out the one in force and the one on the table.
	Agreement         []circle.AgreementVersion
	Adopted, Proposed *circle.AgreementVersion
	Schedule          *circle.Schedule
	// ScheduleChanges are the changes to the schedule of the last
	// circle.UndoWindow, newest first, in the member's zone.
	ScheduleChanges []ScheduleNotice
	Upcoming        []circle.Meeting
	// Mine is the reader's answer to each meeting ahead that is on (version
	// 0 where they have not answered); NextTally is how the present
	// members answered the next meeting.
	Mine      map[string]circle.RSVP
	NextTally *circle.Tally
	// Past is the meetings held, newest first, with who held each role.
	Past        []circle.Meeting
	Commitments []circle.Commitment
	Posts       []circle.Post
	// BelowMinimum: members left and the circle, still running, has fewer
	// than its program's minimum.
	BelowMinimum bool
	// Paused holds the members pausing now, with when each pause ends:
	// the circle sees that, never why.
	Paused map[string]time.Time
}

// Home returns a member's view of their circle.
func (s *Service) Home(ctx context.Context, u *account.User, circleID string) (*Home, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	h := &Home{Circle: *c, Paused: map[string]time.Time{}}
	for _, m := range c.Members {
		if m.Paused(s.now()) {
			h.Paused[m.UserID] = *m.PausedUntil
		}
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	h.Program = *p
	h.BelowMinimum = c.FinishedAt == nil && len(c.Members) < p.MinSize
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	h.GroundRules = *rules
	if h.Agreement, err = s.DB.FindAgreement(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	for i := range h.Agreement {
		switch h.Agreement[i].Status {
		case circle.AgreementAdopted:
			h.Adopted = &h.Agreement[i]
		case circle.AgreementProposed:
			h.Proposed = &h.Agreement[i]
		}
	}
	if h.Schedule, err = s.DB.FindScheduleIfAny(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	if h.ScheduleChanges, err = s.scheduleNotices(ctx, u, circleID, func() (*circle.Schedule, error) { return h.Schedule, nil }); err != nil {
		return nil, err
	}
	if h.Upcoming, h.Past, err = s.meetings(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	if err := s.rsvps(ctx, u, h); err != nil {
		return nil, err
	}
	if h.Commitments, err = s.DB.FindCommitments(ctx, u.OrgID, circleID); err != nil {
		return nil, err
	}
	if h.Posts, err = s.DB.FindPosts(ctx, u.OrgID, circleID, PostsShown); err != nil {
		return nil, err
	}
	return h, nil
}

// PostsShown is how many of the latest posts a circle's home shows.
const PostsShown = 30

// pastShown is how many held meetings a circle's home shows, latest
// first.
const pastShown = 12

// meetings splits a circle's meetings into those ahead, soonest first,
// and the latest held ones, latest first (pastShown of them). A cancelled
// meeting is listed while it is ahead, and dropped once its time passed.
func (s *Service) meetings(ctx context.Context, orgID, circleID string) (upcoming, past []circle.Meeting, err error) {
	now := s.now()
	all, err := s.DB.FindMeetingsShown(ctx, orgID, circleID, now, pastShown)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range all {
		held := !m.End.After(now)
		if !held && len(upcoming) == 0 && m.Status == circle.Scheduled {
			// A meeting the circle ended before its time was up is held:
			// the room button then leads to the one after it.
			if held, err = s.meetingEnded(ctx, orgID, m.ID); err != nil {
				return nil, nil, err
			}
		}
		switch {
		case !held:
			upcoming = append(upcoming, m)
		case m.Status == circle.Scheduled:
			past = append(past, m)
		}
	}
	slices.Reverse(past)
	if len(past) > pastShown {
		past = past[:pastShown]
	}
	return upcoming, past, nil
}

// Meetings lists a circle's meetings for one of its members: those ahead
// and the latest held, as its home shows them.
func (s *Service) Meetings(ctx context.Context, u *account.User, circleID string) (upcoming, past []circle.Meeting, err error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, nil, err
	}
	return s.meetings(ctx, u.OrgID, circleID)
}
