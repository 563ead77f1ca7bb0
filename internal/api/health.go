package api

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/circles"
)

// healthInput picks a page of a program's circles.
type healthInput struct {
	ID      string `path:"id" maxLength:"100"`
	Page    int    `query:"page" minimum:"1" default:"1" doc:"The page of circles, from 1; a page past the last answers the last."`
	Stalled bool   `query:"stalled" doc:"List only the circles that have not met for two cadence periods."`
}

// ProgramHealth is a page of a program's circles and how each is doing,
// as its admins see them: never what a circle says.
type ProgramHealth struct {
	Total        int            `json:"total" doc:"Circles waiting for consent or formed (or only the stalled ones, with stalled=true)."`
	First        int            `json:"first" doc:"The position, from 1, of this page's first circle."`
	PageSize     int            `json:"page_size"`
	Stalled      int            `json:"stalled" doc:"The program's running circles that have not met for two cadence periods; finished circles are never counted."`
	StalledOnly  bool           `json:"stalled_only"`
	Struggling   int            `json:"struggling" doc:"The program's running circles fewer than half of whose members came to each of their last three held meetings."`
	Circles      []CircleHealth `json:"circles" nullable:"false"`
	BelowMinimum []HealthCircle `json:"below_minimum" nullable:"false" doc:"Running circles with fewer members than the program's minimum, which an admin may return to the pool."`
}

// HealthCircle names a circle by its members.
type HealthCircle struct {
	ID      string         `json:"id"`
	Number  int            `json:"number,omitempty"`
	Members []HealthMember `json:"members" nullable:"false"`
}

// HealthMember is a member of a circle, by name alone.
type HealthMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
}

// CircleHealth is one circle's health.
type CircleHealth struct {
	HealthCircle
	Status     program.CircleStatus `json:"status" enum:"pending,active"`
	State      string               `json:"state" enum:"waiting for consent,below minimum,no schedule yet,overdue,meeting regularly,finished"`
	Held       int                  `json:"meetings_held"`
	Expected   int                  `json:"meetings_expected" doc:"One a cadence period since it formed (up to when it finished)."`
	LastMet    *time.Time           `json:"last_met,omitempty"`
	Next       *time.Time           `json:"next_meeting,omitempty" doc:"Never set for a finished circle."`
	Attendance *int                 `json:"attendance_percent,omitempty" doc:"Check-ins at the meetings held, as a share of the members; absent before the first."`
	Flagged    bool                 `json:"stalled" doc:"Not met for two cadence periods."`
	Struggling bool                 `json:"struggling" doc:"Fewer than half of its members came to each of its last three held meetings; who was missing is never said."`
	Accepted   int                  `json:"accepted,omitempty" doc:"While waiting for consent: how many have said yes."`
	FinishedAt *time.Time           `json:"finished_at,omitempty" doc:"When the program closed and the circle with it."`
}

func healthCircle(c *program.Circle) HealthCircle {
	out := HealthCircle{ID: c.ID, Number: c.Number, Members: make([]HealthMember, len(c.Members))}
	for i, m := range c.Members {
		out.Members[i] = HealthMember{UserID: m.UserID, Name: m.Name}
	}
	return out
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (a *API) handleProgramHealth(ctx context.Context, in *healthInput) (*struct{ Body ProgramHealth }, error) {
	o, err := a.circles.Overview(ctx, auth.UserFromContext(ctx), in.ID, in.Page, in.Stalled)
	if err != nil {
		return nil, err
	}
	out := ProgramHealth{Total: o.Total, First: o.First, PageSize: circles.OverviewPageSize, Stalled: o.Stalled, StalledOnly: o.StalledOnly,
		Struggling: o.Struggling, Circles: make([]CircleHealth, len(o.Circles)), BelowMinimum: make([]HealthCircle, len(o.Small))}
	for i, c := range o.Circles {
		h := CircleHealth{HealthCircle: healthCircle(&c.Circle), Status: c.Status, State: string(c.State), Held: c.Held, Expected: c.Expected,
			LastMet: optionalTime(c.Last), Next: optionalTime(c.Next), Flagged: c.Health.Stalled, Struggling: c.Health.Struggling, Accepted: c.Accepted, FinishedAt: c.FinishedAt}
		if c.Attendance >= 0 {
			n := c.Attendance
			h.Attendance = &n
		}
		out.Circles[i] = h
	}
	for i, c := range o.Small {
		out.BelowMinimum[i] = healthCircle(&c)
	}
	return &struct{ Body ProgramHealth }{Body: out}, nil
}

// Practice is where the caller stands, as their home shows it: their next
// meeting, what waits for their answer, their open commitments.
type Practice struct {
	Next            *NextMeeting     `json:"next_meeting,omitempty" doc:"The meeting running now or the next ahead, in any of the caller's circles; absent when none is planned."`
	GroundRules     int              `json:"ground_rules_to_acknowledge" doc:"Circles whose ground rules in force the caller has not acknowledged."`
	RulesCircle     string           `json:"ground_rules_circle_id,omitempty" doc:"One of those circles."`
	Agreements      int              `json:"agreements_to_consent" doc:"Proposed working agreements waiting for the caller's consent."`
	AgreementCircle string           `json:"agreement_circle_id,omitempty" doc:"The circle of one of them."`
	Invitations     int              `json:"pair_invitations" doc:"Pair invitations waiting for the caller's answer."`
	Proposals       int              `json:"proposals" doc:"Proposed circles waiting for the caller's answer."`
	Circles         int              `json:"circles" doc:"The active circles the caller is in."`
	Commitments     []OpenCommitment `json:"open_commitments" nullable:"false" doc:"Up to five of the caller's commitments not yet done, oldest first."`
	Streak          Streak           `json:"streak" doc:"The caller's own streak; nobody else, admins included, can read it."`
}

// Streak is a person's run of meetings attended and commitments kept.
type Streak struct {
	Meetings    int `json:"meetings" doc:"Meetings of the caller's circles attended in a row, counted back from now. Only meetings held count: a cancelled meeting, or one nobody came to, does not break the run."`
	Longest     int `json:"longest_meetings" doc:"The longest such run among the last 200 meetings held."`
	Commitments int `json:"commitments" doc:"Commitments done in a row, newest due first. One let go neither counts nor breaks the run; one still open past its due date ends it."`
}

// NextMeeting is the caller's next meeting.
type NextMeeting struct {
	ID          string    `json:"id"`
	CircleID    string    `json:"circle_id"`
	ProgramName string    `json:"program_name"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Roles       []string  `json:"roles" nullable:"false" enum:"facilitator,timekeeper" doc:"The caller's roles at it."`
	RoomOpen    bool      `json:"room_open" doc:"It is running or about to: its room is open."`
}

// OpenCommitment is one of the caller's commitments not yet done.
type OpenCommitment struct {
	ID        string     `json:"id"`
	CircleID  string     `json:"circle_id"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	DueAt     *time.Time `json:"due_at,omitempty" doc:"When it is due; absent for commitments made before due dates."`
	Version   int        `json:"version" doc:"Send it back to change the commitment."`
}

func (a *API) handlePractice(ctx context.Context, _ *struct{}) (*struct{ Body Practice }, error) {
	p, err := a.circles.Practice(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	out := Practice{GroundRules: p.GroundRules, RulesCircle: p.RulesCircle, Agreements: p.Agreements, AgreementCircle: p.AgreementCircle,
		Invitations: p.Invitations, Proposals: p.Proposals, Circles: p.Circles, Commitments: make([]OpenCommitment, len(p.Commitments)),
		Streak: Streak{Meetings: p.Streak.Meetings, Longest: p.Streak.LongestRun, Commitments: p.Streak.Commitments}}
	if m := p.Next; m != nil {
		out.Next = &NextMeeting{ID: m.ID, CircleID: m.CircleID, ProgramName: p.NextProgram, StartsAt: m.Start, EndsAt: m.End,
			Roles: append([]string{}, p.Roles...), RoomOpen: p.RoomOpen}
	}
	for i, c := range p.Commitments {
		out.Commitments[i] = OpenCommitment{ID: c.ID, CircleID: c.CircleID, Body: c.Body, CreatedAt: c.CreatedAt, DueAt: c.DueAt, Version: c.Version}
	}
	return &struct{ Body Practice }{Body: out}, nil
}
