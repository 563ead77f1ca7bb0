package api

import (
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
)

// The types in this file are what the API answers with. They are separate
// from the domain types so that the API's contract is written down in one
// place and nothing leaks into it by accident, such as a password hash.

// Person is someone in an organisation.
type Person struct {
	ID         string         `json:"id"`
	OrgID      string         `json:"org_id"`
	Email      string         `json:"email"`
	Name       string         `json:"name"`
	Role       account.Role   `json:"role" enum:"member,admin"`
	Status     account.Status `json:"status" enum:"invited,active" doc:"Invited people have not chosen a password yet."`
	Timezone   string         `json:"timezone" doc:"IANA time zone, such as Europe/Berlin."`
	Department string         `json:"department"`
	ManagerID  string         `json:"manager_id,omitempty" doc:"The person's direct manager, if any."`
	Level      *int           `json:"level,omitempty" doc:"Seniority level; larger is more senior. Present only for an admin caller, or when the person is the caller: members never see a colleague's level."`
	Version    int            `json:"version" doc:"Raised by every change an admin or an import makes; send it with a change to have it refused (409) if another came first."`
	// DeactivatedAt is set for a leaver, who can't sign in and is not found or matched.
	DeactivatedAt  *time.Time `json:"deactivated_at,omitempty" doc:"When an admin deactivated the person; absent while they are not."`
	InvitationHeld bool       `json:"invitation_held,omitempty" doc:"The person's invitation waits until an admin releases it (usually when a program opens). Shown to admins only."`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// newPerson is u as viewer may see them: with a level only where
// viewer may see it, and a held invitation only to admins.
func newPerson(viewer, u *account.User) Person {
	p := Person{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status,
		Timezone: u.Timezone, Department: u.Department, ManagerID: u.ManagerID, Version: u.Version,
		DeactivatedAt: u.DeactivatedAt, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if viewer.SeesLevelOf(u.ID) {
		p.Level = &u.Level
	}
	if viewer.IsAdmin() {
		p.InvitationHeld = u.InvitationHeld
	}
	return p
}

func newPeople(viewer *account.User, users []account.User) []Person {
	out := make([]Person, len(users))
	for i := range users {
		out[i] = newPerson(viewer, &users[i])
	}
	return out
}

// Org is an organisation.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

func newOrg(o *account.Org) Org {
	return Org{ID: o.ID, Name: o.Name, Slug: o.Slug, CreatedAt: o.CreatedAt}
}

// Account is a new organisation and its first admin.
type Account struct {
	User Person `json:"user"`
	Org  Org    `json:"org"`
}

// Session is one signed-in browser of the caller.
type Session struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastSeen  time.Time `json:"last_seen"`
	UserAgent string    `json:"user_agent"`
	IP        string    `json:"ip"`
	Current   bool      `json:"current" doc:"Whether this is the session the request came with."`
}

func newSessions(ss []account.Session, currentID string) []Session {
	out := make([]Session, len(ss))
	for i, s := range ss {
		out[i] = Session{ID: s.ID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, LastSeen: s.LastSeen,
			UserAgent: s.UserAgent, IP: s.IP, Current: s.ID == currentID}
	}
	return out
}

// Token is a personal access token. Its secret is shown only once, when it
// is created.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The secret's first characters, to recognise it by."`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func newToken(t *account.Token) Token {
	return Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

func newTokens(ts []account.Token) []Token {
	out := make([]Token, len(ts))
	for i := range ts {
		out[i] = newToken(&ts[i])
	}
	return out
}

// NewToken is a token just created, with its secret.
type NewToken struct {
	Token
	Secret string `json:"secret" doc:"Send as Authorization: Bearer <secret>. Shown only now; store it safely."`
}

// Invitation is what an invitation link shows before it is accepted.
type Invitation struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	OrgName string `json:"org_name"`
}

// PersonNode is a person in the organisation chart, with how many report
// to them and, on the unfolded line, who.
type PersonNode struct {
	Person
	ReportCount int `json:"report_count" doc:"How many people report to this person directly."`
	// Reports is always present. The schema calls it optional only because
	// OpenAPI tools such as libopenapi take a required property that refers
	// back to its own type for an endless loop, though an empty list ends
	// it.
	Reports []PersonNode `json:"reports" required:"false" nullable:"false" doc:"The direct reports the chart shows, by name (at most 100): empty unless this person is on the line down to the person the chart opens at; list the rest with GET /people?manager=."`
}

func newNodes(viewer *account.User, nodes []*people.Node) []PersonNode {
	out := make([]PersonNode, len(nodes))
	for i, n := range nodes {
		out[i] = PersonNode{Person: newPerson(viewer, &n.User), ReportCount: n.ReportCount, Reports: newNodes(viewer, n.Reports)}
	}
	return out
}

// ImportPreview is what a CSV import would do, and everything that stands
// in its way. Nothing is written while any problem remains.
type ImportPreview struct {
	OK           bool        `json:"ok" doc:"Whether the file can be imported as it is."`
	Count        int         `json:"count" doc:"The number of people rows read."`
	ProblemCount int         `json:"problem_count"`
	Errors       []string    `json:"errors" nullable:"false" doc:"Problems with the file as a whole."`
	Rows         []ImportRow `json:"rows" nullable:"false"`
}

// ImportRow is one person row of an import file.
type ImportRow struct {
	Line         int             `json:"line" doc:"The line in the file; the header is line 1."`
	Name         string          `json:"name"`
	Email        string          `json:"email"`
	Department   string          `json:"department"`
	ManagerEmail string          `json:"manager_email"`
	Level        int             `json:"level"`
	LevelText    string          `json:"level_text" doc:"The level cell as typed, shown when it is not a level."`
	Timezone     string          `json:"timezone"`
	Status       people.Status   `json:"status" enum:"new,changed,unchanged,problem" doc:"What importing the row would do."`
	PersonID     string          `json:"person_id,omitempty" doc:"The existing person a changed or unchanged row is about."`
	Changes      []ImportChange  `json:"changes" nullable:"false" doc:"What a changed row changes."`
	Problems     []ImportProblem `json:"problems" nullable:"false"`
}

// ImportChange is one field a row changes on an existing person.
type ImportChange struct {
	Field string `json:"field" doc:"The CSV column."`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ImportProblem is one thing wrong with a row.
type ImportProblem struct {
	Field   string `json:"field,omitempty" doc:"The CSV column, or empty for the whole row."`
	Message string `json:"message"`
}

func newPreview(p *people.Preview) ImportPreview {
	out := ImportPreview{OK: p.OK(), Count: len(p.Rows), ProblemCount: p.ProblemCount(),
		Errors: append([]string{}, p.Errors...), Rows: make([]ImportRow, len(p.Rows))}
	for i, r := range p.Rows {
		row := ImportRow{Line: r.Line, Name: r.Name, Email: r.Email, Department: r.Department, ManagerEmail: r.ManagerEmail,
			Level: r.Level, LevelText: r.LevelText, Timezone: r.Timezone, Status: r.Status, PersonID: r.ID,
			Changes: []ImportChange{}, Problems: []ImportProblem{}}
		for _, c := range r.Changes {
			row.Changes = append(row.Changes, ImportChange(c))
		}
		for _, pr := range r.Problems {
			row.Problems = append(row.Problems, ImportProblem{Field: pr.Field, Message: pr.Message})
		}
		out.Rows[i] = row
	}
	return out
}

// ImportResult is a finished import.
type ImportResult struct {
	Imported int      `json:"imported" doc:"How many people were added."`
	Updated  int      `json:"updated" doc:"How many people were changed."`
	Held     bool     `json:"held" doc:"Whether the new people's invitations are held until released."`
	People   []Person `json:"people" nullable:"false" doc:"The people added and changed."`
}

// PersonEdit is everything an admin sets on a person at once.
type PersonEdit struct {
	Name       string       `json:"name" maxLength:"120"`
	Department string       `json:"department" maxLength:"120"`
	ManagerID  string       `json:"manager_id,omitempty" maxLength:"100" doc:"Empty for no manager; never someone who reports to the person."`
	Level      int          `json:"level"`
	Timezone   string       `json:"timezone" maxLength:"100"`
	Role       account.Role `json:"role" enum:"member,admin"`
	Version    *int         `json:"version,omitempty" doc:"The version the edit was decided on; a change made since makes the edit fail with 409. Without it the person is changed as they are now."`
}

// VersionBody names the version a change was decided on.
type VersionBody struct {
	Version *int `json:"version,omitempty" doc:"The person's version as read; a change made since makes this fail with 409."`
}

// ReleaseRequest chooses whose held invitations to send.
type ReleaseRequest struct {
	Departments []string `json:"departments,omitempty" maxItems:"500" doc:"Send those of these departments; all held invitations when empty."`
}

// ReleaseResult counts the invitations sent.
type ReleaseResult struct {
	Sent int `json:"sent"`
}

// Message is a short answer for operations that start something, such as
// sending an email.
type Message struct {
	Message string `json:"message"`
}

// Topic is one entry of the organisation's topic vocabulary, which people
// choose their learning goals from.
type Topic struct {
	Name string `json:"name"`
}

// Program is a peer-coaching program, with where the caller stands in it.
type Program struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	Purpose        string           `json:"purpose"`
	Format         program.Format   `json:"format" enum:"pair,group"`
	MinSize        int              `json:"min_size" doc:"The fewest people in a circle; 2 for pairs."`
	MaxSize        int              `json:"max_size" doc:"The most people in a circle; 2 for pairs."`
	Cadence        program.Cadence  `json:"cadence" enum:"weekly,fortnightly,monthly"`
	SessionMinutes int              `json:"session_minutes"`
	Protocol       program.Protocol `json:"protocol" enum:"council,forum,pair" doc:"How circles meet by default; pairs use their own protocol."`
	OptInOpens     time.Time        `json:"opt_in_opens"`
	OptInCloses    time.Time        `json:"opt_in_closes" doc:"Opt-in ends at this instant."`
	AllowRepeat    bool             `json:"allow_repeat" doc:"Whether people who were in a circle together in an earlier round may be matched again; if not, an earlier circle is a veto."`
	CreatedBy      string           `json:"created_by" doc:"The admin who created the program, who hears about declines."`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	Status         program.Status   `json:"status" enum:"draft,open,matching,running,closed" doc:"Where the program is in its life: draft until opt-in opens; open while people may opt in and nothing is matched; matching once opt-in closes or a round begins; running once a circle has formed; closed after its end date or an admin's close, when it is archived and never matched again."`
	EndsAt         *time.Time       `json:"ends_at,omitempty" doc:"When the program closes by itself; absent for programs created before end dates, which run until closed."`
	ClosedAt       *time.Time       `json:"closed_at,omitempty" doc:"When the program was closed; absent while it runs."`
	Departments    []string         `json:"departments" nullable:"false" doc:"Who the program is for: these departments, or everyone when empty."`
	AnnouncedAt    *time.Time       `json:"announced_at,omitempty" doc:"When everyone it is for was emailed that opt-in opened."`
	RemindedAt     *time.Time       `json:"reminded_at,omitempty" doc:"When the one reminder before opt-in closes went out."`
	BulkRemindedAt *time.Time       `json:"bulk_reminded_at,omitempty" doc:"When an admin last reminded everyone not yet joined; once a day at most."`
	Open           bool             `json:"open" doc:"Whether people may opt in, change or withdraw now."`
	Upcoming       bool             `json:"upcoming" doc:"Whether opt-in has not opened yet."`
	OptedIn        bool             `json:"opted_in" doc:"Whether the caller has opted in."`
	Snoozed        bool             `json:"snoozed" doc:"Whether the caller sits out the next round while staying opted in."`
	Matched        bool             `json:"matched" doc:"Whether the caller is in an active circle of the program or one waiting for answers."`
}

// standing is where the person asking stands in a program.
type standing struct {
	optedIn, snoozed, matched bool
}

func newProgram(p *program.Program, now time.Time, me standing) Program {
	out := Program{ID: p.ID, Name: p.Name, Purpose: p.Purpose, Format: p.Format, MinSize: p.MinSize, MaxSize: p.MaxSize,
		Cadence: p.Cadence, SessionMinutes: p.SessionMinutes, Protocol: p.Protocol, OptInOpens: p.OptInOpens.UTC(),
		OptInCloses: p.OptInCloses.UTC(), AllowRepeat: p.AllowRepeat, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Open: p.OptInOpen(now), Upcoming: now.Before(p.OptInOpens) && !p.Ended(now), OptedIn: me.optedIn, Snoozed: me.snoozed, Matched: me.matched,
		Status: p.Status(now), ClosedAt: utc(p.ClosedAt), Departments: strs(p.Departments), AnnouncedAt: utc(p.AnnouncedAt),
		RemindedAt: utc(p.RemindedAt), BulkRemindedAt: utc(p.BulkRemindedAt)}
	if !p.EndsAt.IsZero() {
		end := p.EndsAt.UTC()
		out.EndsAt = &end
	}
	return out
}

// utc is t in UTC, or nil.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// OptIn is a person's own opt-in to a program. Only its author ever sees
// it whole: prefer and avoid are shown to nobody else, not even admins.
type OptIn struct {
	ProgramID    string             `json:"program_id"`
	Topics       []string           `json:"topics" nullable:"false"`
	Goals        string             `json:"goals"`
	Availability []Slot             `json:"availability" nullable:"false" doc:"Weekly availability as [start, end) pairs of UTC minutes of the week, the week starting Monday 00:00 UTC (0–10080); merged and sorted."`
	FormatPref   program.FormatPref `json:"format_preference" enum:"either,pair,group"`
	Prefer       []string           `json:"prefer" nullable:"false" doc:"Private: ids of people you would like to be matched with."`
	Avoid        []string           `json:"avoid" nullable:"false" doc:"Private: ids of people you must not be matched with; a veto."`
	Snoozed      bool               `json:"snoozed" doc:"Sitting out the next round while staying opted in."`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
}

func newOptIn(o *program.OptIn) OptIn {
	return OptIn{ProgramID: o.ProgramID, Topics: strs(o.Topics), Goals: o.Goals, Availability: intervals(o.Availability),
		FormatPref: o.FormatPref, Prefer: strs(o.Prefer), Avoid: strs(o.Avoid), Snoozed: o.Snoozed, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// Participant is what admins see of an opt-in: never the private lists.
type Participant struct {
	UserID     string             `json:"user_id"`
	Name       string             `json:"name"`
	Department string             `json:"department"`
	Topics     []string           `json:"topics" nullable:"false"`
	Goals      string             `json:"goals"`
	FormatPref program.FormatPref `json:"format_preference" enum:"either,pair,group"`
	Snoozed    bool               `json:"snoozed"`
	Hours      float64            `json:"available_hours" doc:"How many hours a week the person could meet."`
	OptedInAt  time.Time          `json:"opted_in_at"`
}

// newParticipants copies field by field, so that nothing the service may
// add to its type reaches the API unseen.
func newParticipants(ps []programs.Participant) []Participant {
	out := make([]Participant, len(ps))
	for i, p := range ps {
		out[i] = Participant{UserID: p.UserID, Name: p.Name, Department: p.Department, Topics: strs(p.Topics), Goals: p.Goals,
			FormatPref: p.FormatPref, Snoozed: p.Snoozed, Hours: p.Hours, OptedInAt: p.OptedInAt}
	}
	return out
}

// Round is one run of matching in a program; re-matching adds circles to
// the latest round.
type Round struct {
	ID        string    `json:"id"`
	ProgramID string    `json:"program_id"`
	Number    int       `json:"number"`
	CreatedAt time.Time `json:"created_at"`
}

func newRound(r *program.Round) Round {
	return Round{ID: r.ID, ProgramID: r.ProgramID, Number: r.Number, CreatedAt: r.CreatedAt}
}

func newRounds(rs []program.Round) []Round {
	out := make([]Round, len(rs))
	for i := range rs {
		out[i] = newRound(&rs[i])
	}
	return out
}

// RoundReview is a round as its admins see it: every circle with its
// score, reasons, common times and each member's answer; who could not be
// placed and why; and how often each reason for declining was given,
// never by whom.
type RoundReview struct {
	Round       Round             `json:"round"`
	ProgramName string            `json:"program_name"`
	Draft       bool              `json:"draft" doc:"Whether some circles are a draft that only admins see, to adjust and publish."`
	Waiting     int               `json:"waiting" doc:"People in dissolved circles, who wait for a re-match."`
	CircleCount int               `json:"circle_count" doc:"How many circles the round has, across all pages."`
	First       int               `json:"first" doc:"The number (from 1) of the first circle of this page; circles are numbered in this order."`
	Circles     []Circle          `json:"circles" nullable:"false" doc:"One page of the round's circles, 24 at most; ask for another with page."`
	Unmatched   []UnmatchedPerson `json:"unmatched" nullable:"false"`
	Declines    []DeclineCount    `json:"declines" nullable:"false" doc:"Every reason for declining with how often it was given in the program, counted anonymously; empty until at least 3 reasons were given, so that nobody's reason can be told from who declined."`
}

// Circle is a proposed or formed group or pair, as admins see it.
type Circle struct {
	ID          string               `json:"id"`
	ProgramID   string               `json:"program_id"`
	RoundID     string               `json:"round_id,omitempty" doc:"Left out for pairs formed by invitation."`
	Number      int                  `json:"number,omitempty" doc:"The circle's number in its round (\"Circle 4\"), kept through every move; left out for pairs formed by invitation."`
	Status      program.CircleStatus `json:"status" enum:"proposed,pending,active,dissolved" doc:"proposed: a draft only admins see; pending: published, waiting for every member's answer; active: everyone accepted; dissolved: someone declined."`
	Origin      program.Origin       `json:"origin" enum:"matching,invitation"`
	Score       float64              `json:"score" doc:"How well the members' goals and backgrounds fit (shared topics, different departments, wishes to work together): the sum of each member's mean pair score; higher is a better fit."`
	MaxScore    float64              `json:"max_score" doc:"The most these members could score together: every topic shared, every department different, everyone asking for everyone."`
	Problems    []string             `json:"problems,omitempty" doc:"In a round's review, the program's rules this draft circle breaks, in words; publishing refuses the round while any circle has one."`
	Reasons     []string             `json:"reasons" nullable:"false" doc:"Why these people fit, in words."`
	CommonSlots []Slot               `json:"common_slots" nullable:"false" doc:"Times everyone could meet, as [start, end) UTC minutes of the week."`
	CommonTimes []string             `json:"common_times" nullable:"false" doc:"The common slots as the caller reads them, in their own time zone."`
	Members     []CircleMember       `json:"members" nullable:"false"`
	CreatedAt   time.Time            `json:"created_at"`
	PublishedAt *time.Time           `json:"published_at,omitempty"`
	ActivatedAt *time.Time           `json:"activated_at,omitempty"`
}

// CircleMember is one person in a circle and their answer.
type CircleMember struct {
	UserID      string           `json:"user_id"`
	Name        string           `json:"name"`
	Department  string           `json:"department"`
	Timezone    string           `json:"timezone"`
	Response    program.Response `json:"response" enum:"pending,accepted,declined"`
	RespondedAt *time.Time       `json:"responded_at,omitempty"`
}

// UnmatchedPerson is someone a round could not place, with the reason.
type UnmatchedPerson struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// DeclineCount is how often one reason for declining was given.
type DeclineCount struct {
	Reason program.DeclineReason `json:"reason" enum:"schedule,fit,time,other"`
	Label  string                `json:"label"`
	Count  int                   `json:"count"`
}

// times describes common slots for someone in time zone tz.
type times struct {
	loc *time.Location
	now time.Time
}

func timesFor(tz string, now time.Time) times {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	return times{loc: loc, now: now}
}

func (t times) describe(slots []program.Interval) []string {
	out := make([]string, len(slots))
	for i, iv := range slots {
		out[i] = program.Describe(iv, t.loc, t.now)
	}
	return out
}

func newReview(rv *programs.Review, t times) RoundReview {
	out := RoundReview{Round: newRound(rv.Round), ProgramName: rv.Program.Name, Circles: make([]Circle, len(rv.Circles)),
		Unmatched: make([]UnmatchedPerson, len(rv.Unmatched)), Declines: []DeclineCount{}}
	for i, c := range rv.Circles {
		out.Circles[i] = newCircle(&c, t)
		if c.Status == program.Proposed {
			out.Circles[i].Problems = c.Problems(rv.Program)
		}
	}
	out.Draft, out.Waiting, out.CircleCount, out.First = rv.Counts[program.Proposed] > 0, rv.Waiting, rv.Total, rv.First
	for i, u := range rv.Unmatched {
		out.Unmatched[i] = UnmatchedPerson{UserID: u.UserID, Name: u.Name, Reason: u.Reason}
	}
	if len(rv.Declines) > 0 {
		for _, d := range program.DeclineReasons {
			out.Declines = append(out.Declines, DeclineCount{Reason: d.Reason, Label: d.Label, Count: rv.Declines[d.Reason]})
		}
	}
	return out
}

func newCircle(c *program.Circle, t times) Circle {
	out := Circle{ID: c.ID, ProgramID: c.ProgramID, RoundID: c.RoundID, Number: c.Number, Status: c.Status, Origin: c.Origin, Score: c.Score, MaxScore: c.MaxScore,
		Reasons: strs(c.Reasons), CommonSlots: intervals(c.Slots), CommonTimes: t.describe(c.Slots),
		Members: make([]CircleMember, len(c.Members)), CreatedAt: c.CreatedAt, PublishedAt: c.PublishedAt, ActivatedAt: c.ActivatedAt}
	for i, m := range c.Members {
		out.Members[i] = CircleMember{UserID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone,
			Response: m.Response, RespondedAt: m.RespondedAt}
	}
	return out
}

// Match is one of the caller's circles, as its members see it. Once a
// circle is dissolved nobody's answer is shown: nobody learns who declined.
type Match struct {
	ID          string               `json:"id"`
	ProgramID   string               `json:"program_id"`
	ProgramName string               `json:"program_name"`
	Status      program.CircleStatus `json:"status" enum:"pending,active,dissolved" doc:"pending: waiting for every member's answer; active: everyone accepted; dissolved: someone declined, and you will be matched again."`
	Origin      program.Origin       `json:"origin" enum:"matching,invitation"`
	Reasons     []string             `json:"reasons" nullable:"false" doc:"Why you fit, in words; never about seniority levels, which only admins see."`
	CommonSlots []Slot               `json:"common_slots" nullable:"false" doc:"Times everyone could meet, as [start, end) UTC minutes of the week."`
	CommonTimes []string             `json:"common_times" nullable:"false" doc:"The common slots in your own time zone."`
	Members     []MatchMember        `json:"members" nullable:"false"`
	MyResponse  program.Response     `json:"my_response" enum:"pending,accepted,declined"`
	PublishedAt *time.Time           `json:"published_at,omitempty"`
	ActivatedAt *time.Time           `json:"activated_at,omitempty"`
}

// MatchMember is someone in one of the caller's circles.
type MatchMember struct {
	UserID     string           `json:"user_id"`
	Name       string           `json:"name"`
	Department string           `json:"department"`
	Timezone   string           `json:"timezone"`
	Response   program.Response `json:"response,omitempty" enum:"pending,accepted" doc:"Whether they have said yes; left out once the circle is dissolved."`
}

func newMatch(c *program.Circle, me, programName string, t times) Match {
	out := Match{ID: c.ID, ProgramID: c.ProgramID, ProgramName: programName, Status: c.Status, Origin: c.Origin,
		Reasons: strs(program.MemberReasons(c.Reasons)), CommonSlots: intervals(c.Slots), CommonTimes: t.describe(c.Slots),
		Members: make([]MatchMember, len(c.Members)), PublishedAt: c.PublishedAt, ActivatedAt: c.ActivatedAt}
	if c.Member(me) == nil {
		// The caller declined, and the others went on without them.
		out.MyResponse = program.Declined
	}
	for i, m := range c.Members {
		out.Members[i] = MatchMember{UserID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone}
		if c.Status != program.Dissolved {
			out.Members[i].Response = m.Response
		}
		if m.UserID == me {
			out.MyResponse = m.Response
		}
	}
	return out
}

// PairInvitation is one member asking a colleague to form a pair.
type PairInvitation struct {
	ID         string     `json:"id"`
	ProgramID  string     `json:"program_id"`
	FromUser   string     `json:"from_user"`
	FromName   string     `json:"from_name"`
	ToUser     string     `json:"to_user"`
	ToName     string     `json:"to_name"`
	Status     string     `json:"status" enum:"pending,accepted,declined"`
	CreatedAt  time.Time  `json:"created_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

func newPairInvitation(inv *program.PairInvitation) PairInvitation {
	return PairInvitation{ID: inv.ID, ProgramID: inv.ProgramID, FromUser: inv.FromUser, FromName: inv.FromName, ToUser: inv.ToUser,
		ToName: inv.ToName, Status: inv.Status, CreatedAt: inv.CreatedAt, AnsweredAt: inv.AnsweredAt}
}

// strs is s, or an empty list for nil: lists are never null.
func strs(s []string) []string {
	return append([]string{}, s...)
}

// Slot is a weekly time, [start, end) in minutes of the week in UTC; the
// week starts Monday 00:00 UTC, so Monday 09:00–10:00 UTC is [540, 600].
type Slot [2]int

// Schema describes a slot as a pair of integers, never null; the program
// package checks the bounds and words the message.
func (Slot) Schema(huma.Registry) *huma.Schema {
	two := 2
	return &huma.Schema{Type: huma.TypeArray, Items: &huma.Schema{Type: huma.TypeInteger, Format: "int64"}, MinItems: &two, MaxItems: &two,
		Description: "[start, end) in UTC minutes of the week, the week starting Monday 00:00 UTC: from 0 to 10080."}
}

func intervals(in []program.Interval) []Slot {
	out := make([]Slot, len(in))
	for i, iv := range in {
		out[i] = Slot(iv)
	}
	return out
}

// CirclePerson is someone in one of the caller's active circles. Email
// addresses stay out, as in every answer about circles: members reach each
// other through the circle.
type CirclePerson struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Timezone   string `json:"timezone" doc:"IANA time zone, such as Europe/Berlin."`
}

func newCirclePeople(ms []program.Member) []CirclePerson {
	out := make([]CirclePerson, len(ms))
	for i, m := range ms {
		out[i] = CirclePerson{ID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone}
	}
	return out
}

// CircleSummary is one of the caller's active circles in a list.
type CircleSummary struct {
	ID                   string         `json:"id"`
	ProgramID            string         `json:"program_id"`
	ProgramName          string         `json:"program_name"`
	Format               program.Format `json:"format" enum:"pair,group"`
	Members              []CirclePerson `json:"members" nullable:"false"`
	NextMeeting          *Meeting       `json:"next_meeting,omitempty" doc:"The next meeting that is still on; left out while the circle has none."`
	NeedsAcknowledgement bool           `json:"needs_acknowledgement" doc:"Whether the caller has yet to acknowledge the ground rules in force; until then the circle's contents answer 403 ground_rules_required."`
	ActivatedAt          *time.Time     `json:"activated_at,omitempty"`
}

func newCircleSummary(s *circles.CircleSummary) CircleSummary {
	out := CircleSummary{ID: s.Circle.ID, ProgramID: s.Program.ID, ProgramName: s.Program.Name, Format: s.Program.Format,
		Members: newCirclePeople(s.Circle.Members), NeedsAcknowledgement: s.NeedsAck, ActivatedAt: s.Circle.ActivatedAt}
	if s.Next != nil {
		m := newMeeting(s.Next)
		out.NextMeeting = &m
	}
	return out
}

// CircleProgram is what a circle's home says about its program.
type CircleProgram struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	Purpose        string           `json:"purpose"`
	Format         program.Format   `json:"format" enum:"pair,group"`
	Protocol       program.Protocol `json:"protocol" enum:"council,forum,pair"`
	Cadence        program.Cadence  `json:"cadence" enum:"weekly,fortnightly,monthly"`
	SessionMinutes int              `json:"session_minutes"`
	MinSize        int              `json:"min_size"`
	MaxSize        int              `json:"max_size"`
}

// CircleHome is everything a member sees of their circle.
type CircleHome struct {
	ID                 string            `json:"id"`
	Program            CircleProgram     `json:"program"`
	Members            []CirclePerson    `json:"members" nullable:"false"`
	ActivatedAt        *time.Time        `json:"activated_at,omitempty"`
	GroundRulesVersion int               `json:"ground_rules_version" doc:"The version of the ground rules in force, which the caller has acknowledged."`
	Schedule           *Schedule         `json:"schedule,omitempty" doc:"Left out while the circle has no schedule."`
	Upcoming           []Meeting         `json:"upcoming" nullable:"false" doc:"Meetings that have not ended, cancelled ones included, soonest first."`
	Past               []Meeting         `json:"past" nullable:"false" doc:"The latest meetings held, newest first, at most 12."`
	Adopted            *AgreementVersion `json:"adopted_agreement,omitempty" doc:"The working agreement in force; left out until one is adopted."`
	Proposed           *AgreementVersion `json:"proposed_agreement,omitempty" doc:"The version waiting for everyone's consent, if any."`
	Commitments        []Commitment      `json:"commitments" nullable:"false" doc:"Open ones first, then the latest done; at most 100."`
	Posts              []Post            `json:"posts" nullable:"false" doc:"The latest 30, newest first."`
	BelowMinimum       bool              `json:"below_minimum" doc:"Whether members have left and the circle is smaller than its program's minimum; admins may return it to the pool."`
}

func newCircleHome(h *circles.Home) CircleHome {
	p := &h.Program
	out := CircleHome{ID: h.Circle.ID, Members: newCirclePeople(h.Circle.Members), ActivatedAt: h.Circle.ActivatedAt,
		Program: CircleProgram{ID: p.ID, Name: p.Name, Purpose: p.Purpose, Format: p.Format, Protocol: p.Protocol, Cadence: p.Cadence,
			SessionMinutes: p.SessionMinutes, MinSize: p.MinSize, MaxSize: p.MaxSize},
		GroundRulesVersion: h.GroundRules.Version, Upcoming: newMeetings(h.Upcoming), Past: newMeetings(h.Past),
		Commitments: newCommitments(h.Commitments), Posts: newPosts(h.Posts), BelowMinimum: h.BelowMinimum}
	if h.Schedule != nil {
		s := newSchedule(h.Schedule)
		out.Schedule = &s
	}
	if h.Adopted != nil {
		v := newAgreementVersion(h.Adopted)
		out.Adopted = &v
	}
	if h.Proposed != nil {
		v := newAgreementVersion(h.Proposed)
		out.Proposed = &v
	}
	return out
}

// GroundRules is the organisation's ground-rules text at one version.
type GroundRules struct {
	Version   int        `json:"version"`
	Body      string     `json:"body" doc:"Markdown."`
	UpdatedAt *time.Time `json:"updated_at,omitempty" doc:"Left out while the default text is in force."`
}

func newGroundRules(g *circle.GroundRules) GroundRules {
	out := GroundRules{Version: g.Version, Body: g.Body}
	if !g.UpdatedAt.IsZero() {
		at := g.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

// CircleGroundRules is the ground rules a member acknowledges in one
// circle, and whether they have.
type CircleGroundRules struct {
	Version        int        `json:"version" doc:"Send this version to acknowledge the text."`
	Body           string     `json:"body" doc:"Markdown."`
	AcknowledgedAt *time.Time `json:"acknowledged_at" nullable:"true" doc:"When the caller acknowledged this version in this circle; null if they have not."`
}

// Schedule is a circle's recurring meeting time. Its wall-clock time is
// kept in its own time zone across daylight-saving changes.
type Schedule struct {
	Freq            calendar.Freq `json:"freq" enum:"weekly,fortnightly,four-weekly,monthly"`
	Weekday         int           `json:"weekday" doc:"0 is Sunday, 6 is Saturday."`
	Nth             int           `json:"nth" doc:"For monthly schedules, the week of the month: 1–4, or -1 for the last; otherwise 0."`
	Timezone        string        `json:"timezone"`
	FirstStart      time.Time     `json:"first_start"`
	DurationMinutes int           `json:"duration_minutes"`
	VideoURL        string        `json:"video_url"`
	Sequence        int           `json:"sequence" doc:"Counts changes to the schedule, as calendars do."`
	Description     string        `json:"description" doc:"The rule in words, such as \"Every other Tuesday\"."`
}

func newSchedule(s *circle.Schedule) Schedule {
	return Schedule{Freq: s.Rule.Freq, Weekday: int(s.Rule.Weekday), Nth: s.Rule.Nth, Timezone: s.Timezone, FirstStart: s.FirstStart.UTC(),
		DurationMinutes: int(s.Duration / time.Minute), VideoURL: s.VideoURL, Sequence: s.Sequence, Description: s.Rule.Describe()}
}

// ScheduleInput is a schedule as it is set: a rule, a wall-clock time in a
// time zone and the first day it may be used. The circle package's checks
// decide and word the messages; the limits here are for the document.
type ScheduleInput struct {
	Freq             string `json:"freq" enum:"weekly,fortnightly,four-weekly,monthly"`
	Weekday          int    `json:"weekday" minimum:"0" maximum:"6" doc:"0 is Sunday, 6 is Saturday."`
	Nth              int    `json:"nth" required:"false" doc:"For monthly schedules only, the week of the month: 1–4, or -1 for the last."`
	Time             string `json:"time" maxLength:"5" doc:"The start as hh:mm in timezone, such as 16:00." example:"16:00"`
	StartsOn         string `json:"starts_on" maxLength:"10" doc:"The first day the schedule may use, YYYY-MM-DD in timezone, within a year from today; the first meeting is the first matching day on or after it." example:"2026-12-01"`
	Timezone         string `json:"timezone" maxLength:"64" doc:"IANA time zone the time is kept in." example:"Europe/Berlin"`
	DurationMinutes  int    `json:"duration_minutes" minimum:"15" maximum:"240"`
	VideoURL         string `json:"video_url" required:"false" maxLength:"500" doc:"The call's web address, starting with https://; empty for none."`
	ReplacesSequence *int   `json:"replaces_sequence,omitempty" required:"false" minimum:"0" doc:"The sequence of the schedule this change was decided on (0 while there was none): if the schedule has changed since, the change answers 409 rather than silently undo another. Left out, the change applies whatever the schedule is."`
}

func newScheduleInput(in circle.ScheduleInput) ScheduleInput {
	return ScheduleInput{Freq: in.Freq, Weekday: in.Weekday, Nth: in.Nth, Time: in.Time, StartsOn: in.StartsOn, Timezone: in.Timezone,
		DurationMinutes: in.DurationMinutes, VideoURL: in.VideoURL, ReplacesSequence: in.Replaces}
}

func (in ScheduleInput) domain() circle.ScheduleInput {
	return circle.ScheduleInput{Freq: in.Freq, Weekday: in.Weekday, Nth: in.Nth, Time: in.Time, StartsOn: in.StartsOn, Timezone: in.Timezone,
		DurationMinutes: in.DurationMinutes, VideoURL: in.VideoURL, Replaces: in.ReplacesSequence}
}

// ScheduleForm is what setting a circle's schedule starts from.
type ScheduleForm struct {
	ScheduleInput
	Exists bool `json:"exists" doc:"Whether the circle has a schedule; if not, the fields are a suggestion from the members' common availability, in the caller's time zone."`
}

// Meeting is one occurrence of a circle's schedule.
type Meeting struct {
	ID            string               `json:"id"`
	OriginalStart time.Time            `json:"original_start" doc:"When the schedule put the meeting; calendars know it by this even after it moves."`
	StartsAt      time.Time            `json:"starts_at"`
	EndsAt        time.Time            `json:"ends_at"`
	Status        circle.MeetingStatus `json:"status" enum:"scheduled,cancelled"`
	FacilitatorID string               `json:"facilitator_id,omitempty" doc:"Left out for cancelled meetings. May name someone who has since left, for past meetings."`
	TimekeeperID  string               `json:"timekeeper_id,omitempty" doc:"Left out for cancelled meetings."`
	RolesChosen   bool                 `json:"roles_chosen" doc:"Whether the circle chose the roles; otherwise the rotation suggested them."`
	Moved         bool                 `json:"moved" doc:"Whether the meeting was moved from its scheduled time."`
}

func newMeeting(m *circle.Meeting) Meeting {
	return Meeting{ID: m.ID, OriginalStart: m.Original.UTC(), StartsAt: m.Start.UTC(), EndsAt: m.End.UTC(), Status: m.Status,
		FacilitatorID: m.FacilitatorID, TimekeeperID: m.TimekeeperID, RolesChosen: m.RolesChosen, Moved: m.Moved()}
}

func newMeetings(ms []circle.Meeting) []Meeting {
	out := make([]Meeting, len(ms))
	for i := range ms {
		out[i] = newMeeting(&ms[i])
	}
	return out
}

// AgreementVersion is one version of a circle's working agreement.
type AgreementVersion struct {
	Version        int                    `json:"version"`
	Body           string                 `json:"body" doc:"Markdown."`
	Note           string                 `json:"note" doc:"The proposer's note on what changed."`
	ProposedBy     string                 `json:"proposed_by"`
	ProposedByName string                 `json:"proposed_by_name"`
	ProposedAt     time.Time              `json:"proposed_at"`
	Status         circle.AgreementStatus `json:"status" enum:"proposed,adopted,superseded,withdrawn" doc:"proposed: waiting for every member's consent; adopted: in force; superseded: in force before a newer version; withdrawn: dropped before everyone consented."`
	AdoptedAt      *time.Time             `json:"adopted_at,omitempty"`
	Consents       []Consent              `json:"consents" nullable:"false" doc:"Who consented, oldest first; the proposer consents by proposing."`
	Sections       []AgreementSection     `json:"sections" nullable:"false" doc:"The body read as its sections, each under a \"## \" heading; text before the first heading has an empty title."`
}

// AgreementSection is one titled part of a working agreement.
type AgreementSection struct {
	Title string `json:"title" maxLength:"80"`
	Text  string `json:"text" maxLength:"20000" doc:"Plain text; Markdown is optional."`
}

// AgreementComment is a member's comment on a proposed version.
type AgreementComment struct {
	ID         string    `json:"id"`
	Version    int       `json:"version" doc:"The version commented on."`
	AuthorID   string    `json:"author_id" doc:"Empty once the author's account is gone."`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

func newAgreementComment(c *circle.AgreementComment) AgreementComment {
	return AgreementComment{ID: c.ID, Version: c.Version, AuthorID: c.AuthorID, AuthorName: c.AuthorName, Body: c.Body, CreatedAt: c.At}
}

// ScheduleChange is a recent change to a circle's schedule.
type ScheduleChange struct {
	ID            string     `json:"id"`
	ChangedBy     string     `json:"changed_by" doc:"Empty once the member's account is gone."`
	ChangedByName string     `json:"changed_by_name"`
	ChangedAt     time.Time  `json:"changed_at"`
	Before        *Schedule  `json:"before,omitempty" doc:"The schedule it replaced; left out when it put a cleared schedule back."`
	After         *Schedule  `json:"after,omitempty" doc:"The schedule it left; left out when it cleared the schedule."`
	Changes       []string   `json:"changes" nullable:"false" doc:"What changed, one line each, with times in the caller's time zone."`
	PutBack       bool       `json:"put_back" doc:"Whether this change put an earlier one back."`
	UndoneAt      *time.Time `json:"undone_at,omitempty" doc:"When someone put this change back."`
	Undoable      bool       `json:"undoable" doc:"Whether it can be put back now: within 48 hours, not yet put back, and nothing has changed the schedule since."`
	UndoUntil     time.Time  `json:"undo_until" doc:"When it can no longer be put back."`
}

func newScheduleChange(n *circles.ScheduleNotice) ScheduleChange {
	out := ScheduleChange{ID: n.ID, ChangedBy: n.ChangedBy, ChangedByName: n.ChangedByName, ChangedAt: n.At, Changes: n.Changes,
		PutBack: n.Undoes != "", UndoneAt: n.UndoneAt, Undoable: n.Undoable, UndoUntil: n.UndoUntil()}
	if n.Before != nil {
		s := newSchedule(n.Before)
		out.Before = &s
	}
	if n.After != nil {
		s := newSchedule(n.After)
		out.After = &s
	}
	if out.Changes == nil {
		out.Changes = []string{}
	}
	return out
}

// Consent is one member's consent to a version.
type Consent struct {
	UserID      string    `json:"user_id"`
	Name        string    `json:"name"`
	ConsentedAt time.Time `json:"consented_at"`
}

func newAgreementVersion(v *circle.AgreementVersion) AgreementVersion {
	out := AgreementVersion{Version: v.Version, Body: v.Body, Note: v.Note, ProposedBy: v.ProposedBy, ProposedByName: v.ProposedByName,
		ProposedAt: v.ProposedAt, Status: v.Status, AdoptedAt: v.AdoptedAt, Consents: make([]Consent, len(v.Consents))}
	for i, c := range v.Consents {
		out.Consents[i] = Consent{UserID: c.UserID, Name: c.Name, ConsentedAt: c.At}
	}
	out.Sections = []AgreementSection{}
	for _, sec := range circle.Sections(v.Body) {
		out.Sections = append(out.Sections, AgreementSection(sec))
	}
	return out
}

func newAgreementVersions(vs []circle.AgreementVersion) []AgreementVersion {
	out := make([]AgreementVersion, len(vs))
	for i := range vs {
		out[i] = newAgreementVersion(&vs[i])
	}
	return out
}

// Post is a note in a circle's members-only space.
type Post struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id" doc:"Empty when the author's account is gone."`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body" doc:"Markdown."`
	CreatedAt  time.Time `json:"created_at"`
}

func newPost(p *circle.Post) Post {
	return Post{ID: p.ID, AuthorID: p.AuthorID, AuthorName: p.AuthorName, Body: p.Body, CreatedAt: p.CreatedAt}
}

func newPosts(ps []circle.Post) []Post {
	out := make([]Post, len(ps))
	for i := range ps {
		out[i] = newPost(&ps[i])
	}
	return out
}

// Commitment is what a member means to do before the next meeting.
type Commitment struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	UserName  string     `json:"user_name"`
	MeetingID string     `json:"meeting_id,omitempty"`
	Body      string     `json:"body"`
	Done      bool       `json:"done"`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Progress  string     `json:"progress,omitempty" enum:"done,partly,not_yet" doc:"What its author said of it when they checked in at a meeting; left out until then."`
	Learned   string     `json:"learned,omitempty" doc:"What its author learned from it, said when they checked in."`
	DueAt     *time.Time `json:"due_at,omitempty" doc:"When its author means to have done it; absent for commitments made before due dates."`
	LetGoAt   *time.Time `json:"let_go_at,omitempty" doc:"When its author let it go instead."`
	Version   int        `json:"version" doc:"Send it back to change the commitment (change-commitment)."`
}

func newCommitment(c *circle.Commitment) Commitment {
	return Commitment{ID: c.ID, UserID: c.UserID, UserName: c.UserName, MeetingID: c.MeetingID, Body: c.Body, Done: c.DoneAt != nil,
		CreatedAt: c.CreatedAt, DoneAt: c.DoneAt, Progress: c.Progress, Learned: c.Learned, DueAt: c.DueAt, LetGoAt: c.LetGoAt, Version: c.Version}
}

// RSVP is the caller's answer to a meeting ahead and how the circle's
// members answered it.
type RSVP struct {
	MeetingID  string   `json:"meeting_id"`
	Answer     string   `json:"answer,omitempty" enum:"coming,not_coming" doc:"The caller's answer; absent when they have not answered."`
	Version    int      `json:"version" doc:"Send it back with a new answer; 0 while the caller has not answered."`
	Coming     []string `json:"coming" nullable:"false" doc:"The names of the members coming."`
	NotComing  []string `json:"not_coming" nullable:"false" doc:"The names of the members who can't make it."`
	Unanswered []string `json:"unanswered" nullable:"false" doc:"The names of the members who have not answered. Someone who left the circle is in none of the three lists."`
}

func newRSVP(v *circles.RSVPView) RSVP {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return RSVP{MeetingID: v.Meeting.ID, Answer: string(v.Mine.Answer), Version: v.Mine.Version,
		Coming: nonNil(v.Tally.Coming), NotComing: nonNil(v.Tally.NotComing), Unanswered: nonNil(v.Tally.Unanswered)}
}

func newCommitments(cs []circle.Commitment) []Commitment {
	out := make([]Commitment, len(cs))
	for i := range cs {
		out[i] = newCommitment(&cs[i])
	}
	return out
}

// Departure is someone who left one of a program's circles, with the note
// they left for the organisation's admins.
type Departure struct {
	CircleID string    `json:"circle_id"`
	UserID   string    `json:"user_id"`
	Name     string    `json:"name"`
	Note     string    `json:"note"`
	LeftAt   time.Time `json:"left_at"`
}

func newDepartures(ds []circle.Departure) []Departure {
	out := make([]Departure, len(ds))
	for i, d := range ds {
		out[i] = Departure{CircleID: d.CircleID, UserID: d.UserID, Name: d.Name, Note: d.Note, LeftAt: d.LeftAt}
	}
	return out
}

// ReminderPrefs are the caller's reminder settings, for all their circles.
type ReminderPrefs struct {
	Offsets []int `json:"offsets" nullable:"false" doc:"Minutes before each meeting to send a reminder, each one of 15, 60, 120, 1440 (a day), 2880 (two days) and 10080 (a week); saved longest first without repeats. Empty turns reminders off."`
	Nudges  bool  `json:"nudges" doc:"Whether to hear when a circle has not met for two of its periods."`
	Digest  *bool `json:"digest,omitempty" required:"false" doc:"Whether to get the weekly digest on Monday morning (next meeting, open commitments, new learning cards). Always in answers; left out of a change, it stays as it was."`
}

// CalendarFeedStatus says whether the caller has a calendar feed.
type CalendarFeedStatus struct {
	Exists bool `json:"exists" doc:"Whether the caller has a feed. Its address is shown only when it is created."`
}

// CalendarFeed is a calendar feed's secret address, shown only once.
type CalendarFeed struct {
	URL string `json:"url" doc:"Subscribe to this address in a calendar app. Anyone with it sees the caller's circle meetings; it is shown only now, and creating a feed again replaces it."`
}

// RoomSnapshot is a meeting room as every member's page shows it, and the
// data of each event of the room's stream. It is the same JSON as the
// stream's, field for field, so that one decoder reads both; that is why
// presenters may be null here, where other lists are empty.
type RoomSnapshot struct {
	Seq         int64             `json:"seq" doc:"Counts every change to the room, its check-ins, offers and note included; the event id of the stream."`
	Version     int64             `json:"version" doc:"The version of the timer's state: send it with the next command."`
	Phase       room.Phase        `json:"phase" enum:"ready,running,paused,ended" doc:"ready: the timer has not started; running; paused; ended, which is final."`
	Step        int               `json:"step" doc:"The index of the current step in agenda."`
	EndsAt      *time.Time        `json:"ends_at,omitempty" doc:"While running, when the current step's time runs out; it may be past (overtime). Left out otherwise."`
	RemainingMS int64             `json:"remaining_ms" doc:"Milliseconds left in the current step at server_now; negative in overtime, 0 once ended."`
	ServerNow   time.Time         `json:"server_now" doc:"The server's clock when the snapshot was taken, to count down against."`
	Agenda      []RoomStep        `json:"agenda" nullable:"false" doc:"Every step of the meeting, in order."`
	Timekeeper  string            `json:"timekeeper" doc:"The member who keeps time; with the facilitator, the only one who may run the timer."`
	Facilitator string            `json:"facilitator"`
	Order       []string          `json:"order" nullable:"false" doc:"The check-in order, by member id."`
	Presenters  []string          `json:"presenters" doc:"Today's presenters in order, by member id. In a council or forum, null until they are chosen."`
	Names       map[string]string `json:"names" doc:"Each member's name by id."`
	Present     []string          `json:"present" nullable:"false" doc:"Who is (or was) at the meeting, in the order they came: in its room while it was on, active in it, or checked in."`
	Offers      []Offer           `json:"offers" nullable:"false" doc:"Counsel offered to the presenters, oldest first."`
}

// RoomStep is one step of a meeting's agenda.
type RoomStep struct {
	Kind      room.StepKind `json:"kind" enum:"opening,checkin,choose,present,questions,counsel,reflection,closing"`
	Title     string        `json:"title"`
	Speaker   string        `json:"speaker,omitempty" doc:"The member whose turn it is; left out when the group speaks."`
	Presenter string        `json:"presenter,omitempty" doc:"Whose situation the step is about, in the steps of a presentation."`
	Help      room.Help     `json:"help,omitempty" enum:"expert,doctor,process,none" doc:"The help the presenter asked for; left out until they say."`
	Seconds   int           `json:"seconds" doc:"How long the step lasts."`
	Prompt    string        `json:"prompt" doc:"A short reminder of how to help in this step."`
}

// Offer is counsel a member offered a presenter, which the presenter may
// take as their own commitment or leave.
type Offer struct {
	ID          string    `json:"id"`
	PresenterID string    `json:"presenter_id"`
	AuthorID    string    `json:"author_id" doc:"Empty when the author's account is gone."`
	AuthorName  string    `json:"author_name"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
	Taken       bool      `json:"taken" doc:"Whether the presenter made it one of their commitments."`
}

func newRoomSnapshot(s *meetings.RoomSnapshot) RoomSnapshot {
	out := RoomSnapshot{Seq: s.Seq, Version: s.Version, Phase: s.Phase, Step: s.Step, EndsAt: s.EndsAt, RemainingMS: s.RemainingMS,
		ServerNow: s.ServerNow, Agenda: make([]RoomStep, len(s.Agenda)), Timekeeper: s.Timekeeper, Facilitator: s.Facilitator,
		Order: s.Order, Presenters: s.Presenters, Names: s.Names, Present: s.Present, Offers: newOffers(s.Offers)}
	for i, st := range s.Agenda {
		out.Agenda[i] = RoomStep{Kind: st.Kind, Title: st.Title, Speaker: st.Speaker, Presenter: st.Presenter, Help: st.Help,
			Seconds: st.Seconds, Prompt: st.Prompt}
	}
	return out
}

func newOffers(offers []room.Offer) []Offer {
	out := make([]Offer, len(offers))
	for i, o := range offers {
		out[i] = Offer{ID: o.ID, PresenterID: o.PresenterID, AuthorID: o.AuthorID, AuthorName: o.AuthorName, Body: o.Body,
			CreatedAt: o.CreatedAt, Taken: o.Taken}
	}
	return out
}

// Room is everything a member's room shows: the live snapshot, and what
// is read when the room is opened.
type Room struct {
	Snapshot    RoomSnapshot    `json:"snapshot" doc:"What the room's event stream sends on every change."`
	Meeting     Meeting         `json:"meeting"`
	Agreement   string          `json:"agreement" doc:"The working agreement in force, in Markdown, for the opening and the closing; empty while there is none."`
	LeastRecent []string        `json:"least_recent_presenters" nullable:"false" doc:"The members by how long ago they last presented, longest ago (or never) first: the fair order for choosing."`
	Note        MeetingNote     `json:"note"`
	Checkins    []Checkin       `json:"checkins" nullable:"false" doc:"In the order they came."`
	Commitments []Commitment    `json:"commitments" nullable:"false" doc:"The members' open commitments, and those made at this meeting."`
	Answers     []ClosingAnswer `json:"closing_answers" nullable:"false" doc:"The members' answers at the close to \"did we get what we wanted today?\", in the order they came."`
	VideoURL    string          `json:"video_url" doc:"The circle's video call, from its schedule, for joining from the room; empty when it has none."`
	Suggested   string          `json:"suggested_agenda_item,omitempty" doc:"An item the circle's pulse suggests after a drop, for the facilitator to offer."`
}

// ClosingAnswer is a member's quick answer at a meeting's close.
type ClosingAnswer struct {
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Answer    string    `json:"answer" enum:"yes,partly,no"`
	Note      string    `json:"note" doc:"A word on it; empty for none."`
	CreatedAt time.Time `json:"created_at"`
}

func newRoom(v *meetings.RoomView, now time.Time) Room {
	snap := v.Snapshot(now)
	out := Room{Snapshot: newRoomSnapshot(&snap), Meeting: newMeeting(&v.Meeting), Agreement: v.Agreement, LeastRecent: strs(v.LeastRecent),
		Checkins: make([]Checkin, len(v.Checkins)), Commitments: newCommitments(v.Commitments), Answers: make([]ClosingAnswer, len(v.Answers)),
		VideoURL: v.VideoURL, Suggested: v.Suggested}
	for i, a := range v.Answers {
		out.Answers[i] = ClosingAnswer{UserID: a.UserID, Name: a.Name, Answer: a.Answer, Note: a.Note, CreatedAt: a.CreatedAt}
	}
	if v.Note != nil {
		out.Note = newMeetingNote(v.Note)
	}
	for i, c := range v.Checkins {
		out.Checkins[i] = Checkin{UserID: c.UserID, Name: c.Name, Mood: c.Mood, Wins: c.Wins, Tabled: c.Tabled, CreatedAt: c.CreatedAt}
	}
	return out
}

// Checkin is a member's check-in at a meeting; having one means they came.
type Checkin struct {
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Mood      string    `json:"mood" doc:"How they are arriving, one of the moods; empty for none."`
	Wins      string    `json:"wins"`
	Tabled    string    `json:"tabled" doc:"What they would like to bring today."`
	CreatedAt time.Time `json:"created_at"`
}

// CheckinProgress is what a member says at check-in of one of their open
// commitments.
type CheckinProgress struct {
	CommitmentID string `json:"commitment_id" maxLength:"100" doc:"One of the caller's own commitments in the circle; anyone else's answers 404."`
	Progress     string `json:"progress,omitempty" enum:"done,partly,not_yet" doc:"done also marks the commitment done."`
	Learned      string `json:"learned,omitempty" maxLength:"1000"`
}

// MeetingNote is a meeting's shared note, which every member may edit.
type MeetingNote struct {
	Body      string     `json:"body" doc:"Markdown."`
	Version   int64      `json:"version" doc:"0 before anyone wrote; send it back when saving."`
	UpdatedBy string     `json:"updated_by,omitempty" doc:"Who saved it last; left out before anyone wrote."`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

func newMeetingNote(n *room.Note) MeetingNote {
	out := MeetingNote{Body: n.Body, Version: n.Version, UpdatedBy: n.UpdatedBy}
	if !n.UpdatedAt.IsZero() {
		at := n.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

// Reflection is the caller's private reflection on a meeting. Nobody else
// reads it: it is stored encrypted and answered only to its author.
type Reflection struct {
	Body      string     `json:"body" doc:"Empty before the caller wrote one."`
	UpdatedAt *time.Time `json:"updated_at,omitempty" doc:"When the caller last saved it; left out before."`
}
