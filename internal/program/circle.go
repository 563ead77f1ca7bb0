package program

import (
	"errors"
	"regexp"
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
	// Dissolved circles had a member decline and too few left to go
	// ahead; the others wait for a new match.
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
	Score    float64    `json:"score"`
	MaxScore float64    `json:"max_score"`
	Reasons  []string   `json:"reasons"`
	Slots    []Interval `json:"common_slots"`
	Members  []Member   `json:"members"`
	// SteppedOut counts the people proposed who declined while the others
	// went on without them: the circle is that many smaller than proposed.
	// Who they were is never said to the others.
	SteppedOut  int        `json:"stepped_out,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
	// FinishedAt is when the circle finished because its program closed:
	// it stays readable to its members, but meets no more and has no
	// health to watch.
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// StrugglingSince is when fewer than half of its members came to each
	// of its last three held meetings, as last counted; nil when not.
	StrugglingSince *time.Time `json:"struggling_since,omitempty"`
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
	// PausedUntil is the end of a pause the member chose; while it lies
	// ahead they get no meeting reminders and are not counted as missing.
	// Only the circle's members see it, never the reason.
	PausedUntil *time.Time `json:"-"`
	// CountedFrom is when meetings count towards missing again, after a
	// pause; nil counts every meeting.
	CountedFrom *time.Time `json:"-"`
	// AbsenceTold is the last threshold of meetings missed in a row the
	// member was told of (0, 2 or 3); AbsenceAt the start of the newest
	// meeting of that run. Nobody but the member's own upkeep reads them.
	AbsenceTold int        `json:"-"`
	AbsenceAt   *time.Time `json:"-"`
}

// Paused reports whether m is paused at now.
func (m Member) Paused(now time.Time) bool {
	return m.PausedUntil != nil && m.PausedUntil.After(now)
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
	ErrNotPending  = fault.New(fault.Conflict, "This proposal is no longer waiting for answers: everyone has answered, or it won't go ahead.")
	ErrNotProposed = fault.New(fault.Conflict, "This circle has been published already; only a draft can be changed.")
)

// Answer is what one member's answer did to a proposed circle.
type Answer struct {
	// Member is the member who answered, with their answer and its time.
	Member Member
	// SteppedOut: they declined, and the circle goes on without them
	// because the others still meet the program's minimum. They are no
	// longer a member.
	SteppedOut bool
}

// Accept records a member's yes. The last yes makes the circle active.
func (c *Circle) Accept(userID string, now time.Time) (Answer, error) {
	m, err := c.answering(userID)
	if err != nil {
		return Answer{}, err
	}
	m.Response, m.RespondedAt = Accepted, &now
	c.activateIfAgreed(now)
	return Answer{Member: *m}, nil
}

// Decline records a member's no. When the others still number at least
// minSize (the program's minimum), the decliner steps out and the circle
// goes ahead without them once the others have accepted: nobody has to
// answer again. Otherwise (and always for a pair) the circle dissolves,
// and its members wait to be matched again.
func (c *Circle) Decline(userID string, minSize int, now time.Time) (Answer, error) {
	m, err := c.answering(userID)
	if err != nil {
		return Answer{}, err
	}
	m.Response, m.RespondedAt = Declined, &now
	a := Answer{Member: *m}
	if len(c.Members)-1 < max(minSize, 2) {
		c.Status = Dissolved
		return a, nil
	}
	a.SteppedOut = true
	c.Members = slices.DeleteFunc(c.Members, func(m Member) bool { return m.UserID == userID })
	c.SteppedOut++
	c.activateIfAgreed(now)
	return a, nil
}

// answering returns the member of a circle that waits for answers.
func (c *Circle) answering(userID string) (*Member, error) {
	if c.Status != Pending {
		return nil, ErrNotPending
	}
	m := c.Member(userID)
	if m == nil {
		return nil, ErrNotMember
	}
	return m, nil
}

func (c *Circle) activateIfAgreed(now time.Time) {
	if !slices.ContainsFunc(c.Members, func(m Member) bool { return m.Response != Accepted }) {
		c.Status = Active
		c.ActivatedAt = &now
	}
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

// MinDeclinesShown is the fewest declines whose reasons admins see at
// once: the counts they see change only when at least this many more have
// been given. Fewer, and an admin who knows who declined (the round shows
// it, as re-matching needs) could tell whose reason was whose, at first or
// by watching a count move after one person's answer.
const MinDeclinesShown = 3

// levelWord finds a reason that speaks of seniority levels.
var levelWord = regexp.MustCompile(`(?i)\blevels?\b`)

// MemberReasons are the reasons a circle was proposed as its members may
// read them: without any that mention levels, which only admins see. The
// admin's review keeps them all, since a level gap is theirs to weigh.
func MemberReasons(reasons []string) []string {
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		if !levelWord.MatchString(r) {
			out = append(out, r)
		}
	}
	return out
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
	Email  string `json:"-"`
	Reason string `json:"reason"`
	// Told: the round was published, and they were told.
	Told bool `json:"-"`
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
