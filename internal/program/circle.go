package program

import (
	"errors"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
)

// Round is one run of matching in a program. Re-matching the people left
// over adds circles to the same round.
type Round struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"-"`
	ProgramID string    `json:"program_id"`
	Number    int       `json:"number"`
	CreatedAt time.Time `json:"created_at"`
	// Version counts the changes to the round's draft; a change is
	// applied only to the version it was decided on.
	Version int `json:"-"`
}

// CircleStatus is where a proposed circle stands.
type CircleStatus string

const (
	// Proposed circles are a draft only admins see, to review and adjust.
	Proposed CircleStatus = "proposed"
	// Pending circles are published and wait for every member's answer.
	Pending CircleStatus = "pending"
	// Active circles have the consent of every member.
	Active CircleStatus = "active"
	// Dissolved circles had a member decline; the others wait for a new
	// match.
	Dissolved CircleStatus = "dissolved"
)

// Origin says how a circle came about.
type Origin string

const (
	FromMatching   Origin = "matching"
	FromInvitation Origin = "invitation"
)

// Response is a member's answer to a proposed circle.
type Response string

const (
	Undecided Response = "pending"
	Accepted  Response = "accepted"
	Declined  Response = "declined"
)

// Circle is a proposed or formed group or pair.
type Circle struct {
	ID        string `json:"id"`
	OrgID     string `json:"-"`
	ProgramID string `json:"program_id"`
	RoundID   string `json:"round_id,omitempty"`
	// Number names the circle in its round ("Circle 4"): given when it is
	// proposed and kept through every move, so that it always names the
	// circle an admin saw. Circles formed by invitation have none.
	Number int          `json:"number,omitempty"`
	Status CircleStatus `json:"status"`
	Origin Origin       `json:"origin"`
	// Score says how well the members' goals and backgrounds fit: the sum
	// of each member's mean pair score. MaxScore is the most the same
	// people could score together, every topic shared, every department
	// different, everyone asking for everyone.
	Score       float64    `json:"score"`
	MaxScore    float64    `json:"max_score"`
	Reasons     []string   `json:"reasons"`
	Slots       []Interval `json:"common_slots"`
	Members     []Member   `json:"members"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
}

// Member is one person in a circle and their answer.
type Member struct {
	UserID      string     `json:"user_id"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Department  string     `json:"department"`
	Timezone    string     `json:"timezone"`
	Response    Response   `json:"response"`
	RespondedAt *time.Time `json:"responded_at,omitempty"`
}

// Member returns the member with userID, or nil.
func (c *Circle) Member(userID string) *Member {
	for i := range c.Members {
		if c.Members[i].UserID == userID {
			return &c.Members[i]
		}
	}
	return nil
}

// UserIDs lists the members.
func (c *Circle) UserIDs() []string {
	ids := make([]string, len(c.Members))
	for i, m := range c.Members {
		ids[i] = m.UserID
	}
	return ids
}

// Errors of answering a proposal.
var (
	// ErrNotMember looks like any circle the person may not know about.
	ErrNotMember   = &fault.Error{Kind: fault.NotFound, Err: errors.New("you are not in this circle")}
	ErrNotPending  = fault.New(fault.Conflict, "This proposal is no longer waiting for answers: everyone has answered, or someone declined.")
	ErrNotProposed = fault.New(fault.Conflict, "This circle has been published already; only a draft can be changed.")
)

// Respond records a member's answer. Accepting by the last member makes
// the circle active; any decline dissolves it. It returns the new status.
func (c *Circle) Respond(userID string, accept bool, now time.Time) (CircleStatus, error) {
	if c.Status != Pending {
		return c.Status, ErrNotPending
	}
	m := c.Member(userID)
	if m == nil {
		return c.Status, ErrNotMember
	}
	m.RespondedAt = &now
	if !accept {
		m.Response = Declined
		c.Status = Dissolved
		return c.Status, nil
	}
	m.Response = Accepted
	if !slices.ContainsFunc(c.Members, func(m Member) bool { return m.Response != Accepted }) {
		c.Status = Active
		c.ActivatedAt = &now
	}
	return c.Status, nil
}

// DeclineReason is an optional, anonymous reason for declining. Admins see
// only how often each was given.
type DeclineReason string

// The reasons a person may give.
const (
	ReasonSchedule DeclineReason = "schedule"
	ReasonFit      DeclineReason = "fit"
	ReasonTime     DeclineReason = "time"
	ReasonOther    DeclineReason = "other"
)

// DeclineReasons lists the reasons with the words people see.
var DeclineReasons = []struct {
	Reason DeclineReason
	Label  string
}{
	{ReasonSchedule, "The meeting times don't work for me"},
	{ReasonFit, "I'd prefer different people"},
	{ReasonTime, "I don't have time right now"},
	{ReasonOther, "Something else"},
}

// ValidDeclineReason reports whether r is empty (none given) or known.
func ValidDeclineReason(r DeclineReason) bool {
	return r == "" || slices.ContainsFunc(DeclineReasons, func(d struct {
		Reason DeclineReason
		Label  string
	}) bool {
		return d.Reason == r
	})
}

// Unmatched is someone a round could not place, with the reason.
type Unmatched struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// PairInvitation is one member asking a colleague to form a pair.
type PairInvitation struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	ProgramID  string     `json:"program_id"`
	FromUser   string     `json:"from_user"`
	ToUser     string     `json:"to_user"`
	FromName   string     `json:"from_name"`
	ToName     string     `json:"to_name"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}
