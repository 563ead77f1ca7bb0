package store

import (
	"context"
	"slices"
	"sync"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

// memoKey keys a request's memo of what it has read.
type memoKey struct{}

// memo keeps the programs read under one request, by organisation and
// id, and the meetings, by organisation, circle and id.
type memo struct {
	mu       sync.Mutex
	programs map[[2]string]program.Program
	meetings map[[3]string]circle.Meeting
}

// Remember returns ctx with a memo in which FindProgramByID and
// FindMeetingByID keep what they read, so that the services one page
// calls, each checking the program or the meeting it is given, read it
// once. It is for requests that only read: a change made under it is not
// seen by a later read.
func Remember(ctx context.Context) context.Context {
	if _, ok := ctx.Value(memoKey{}).(*memo); ok {
		return ctx
	}
	return context.WithValue(ctx, memoKey{}, &memo{programs: map[[2]string]program.Program{}, meetings: map[[3]string]circle.Meeting{}})
}

// rememberedMeeting returns the meeting ctx's memo holds, if any.
func rememberedMeeting(ctx context.Context, orgID, circleID, id string) (*circle.Meeting, bool) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	mt, ok := m.meetings[[3]string{orgID, circleID, id}]
	m.mu.Unlock()
	return &mt, ok
}

// rememberMeeting keeps mt, a meeting of orgID, in ctx's memo, if it has
// one.
func rememberMeeting(ctx context.Context, orgID string, mt *circle.Meeting) {
	if m, _ := ctx.Value(memoKey{}).(*memo); m != nil {
		m.mu.Lock()
		m.meetings[[3]string{orgID, mt.CircleID, mt.ID}] = *mt
		m.mu.Unlock()
	}
}

// remembered returns the program ctx's memo holds, if any.
func remembered(ctx context.Context, orgID, id string) (*program.Program, bool) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	p, ok := m.programs[[2]string{orgID, id}]
	m.mu.Unlock()
	if !ok {
		return nil, false
	}
	return ownProgram(p), true
}

// remember keeps p in ctx's memo, if it has one.
func remember(ctx context.Context, p *program.Program) {
	if m, _ := ctx.Value(memoKey{}).(*memo); m != nil {
		m.mu.Lock()
		m.programs[[2]string{p.OrgID, p.ID}] = *ownProgram(*p)
		m.mu.Unlock()
	}
}

// ownProgram is p with its own list of departments, so that a caller
// changing what it was given changes nothing kept.
func ownProgram(p program.Program) *program.Program {
	p.Departments = slices.Clone(p.Departments)
	return &p
}
