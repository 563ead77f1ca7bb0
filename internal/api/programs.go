package api

import (
	"context"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
)

type topicList struct {
	Topics []string `json:"topics" nullable:"false" doc:"Alphabetical."`
}

type topicCreate struct {
	Name string `json:"name" maxLength:"60"`
}

type topicInput struct {
	Name string `path:"name" maxLength:"60"`
}

// programRequest is a program's settings. Lengths and ranges are stated
// here for the document; the program package's checks decide and word
// the messages.
type programRequest struct {
	Name           string           `json:"name" maxLength:"120"`
	Purpose        string           `json:"purpose,omitempty" maxLength:"2000"`
	Format         program.Format   `json:"format,omitempty" enum:"pair,group" doc:"group when left out."`
	MinSize        int              `json:"min_size,omitempty" minimum:"0" maximum:"12" doc:"The fewest people in a group circle, 3 to 12; with max_size 4–6 when both are left out. Pairs are always 2."`
	MaxSize        int              `json:"max_size,omitempty" minimum:"0" maximum:"12" doc:"The most people in a group circle, from min_size up to 12."`
	Cadence        program.Cadence  `json:"cadence,omitempty" enum:"weekly,fortnightly,monthly" doc:"fortnightly when left out."`
	SessionMinutes int              `json:"session_minutes,omitempty" minimum:"15" maximum:"240" doc:"60 when left out."`
	Protocol       program.Protocol `json:"protocol,omitempty" enum:"council,forum,pair" doc:"council when left out; pairs always use pair."`
	OptInOpens     time.Time        `json:"opt_in_opens"`
	OptInCloses    time.Time        `json:"opt_in_closes" doc:"Opt-in ends at this instant; after opt_in_opens."`
	AllowRepeat    bool             `json:"allow_repeat,omitempty" doc:"Whether people who were in a circle together in an earlier round may be matched again."`
	EndsAt         *time.Time       `json:"ends_at,omitempty" doc:"When the program closes by itself: its circles stop meeting, members are thanked, and it is archived. After opt_in_closes; 26 weeks after it when left out."`
	Departments    []string         `json:"departments,omitempty" maxItems:"50" doc:"Who the program is for: names of the organisation's departments; everyone when left out or empty. Only they are emailed and may opt in."`
}

// apply copies the request onto p; what is left out takes its default.
func (b *programRequest) apply(p *program.Program) {
	p.Name, p.Purpose, p.Format, p.MinSize, p.MaxSize = b.Name, b.Purpose, b.Format, b.MinSize, b.MaxSize
	p.Cadence, p.SessionMinutes, p.Protocol = b.Cadence, b.SessionMinutes, b.Protocol
	p.OptInOpens, p.OptInCloses, p.AllowRepeat = b.OptInOpens.UTC(), b.OptInCloses.UTC(), b.AllowRepeat
	p.EndsAt, p.Departments = time.Time{}, b.Departments
	if b.EndsAt != nil {
		p.EndsAt = b.EndsAt.UTC()
	}
}

// mailedOutput says how many people an action emailed.
type mailedOutput struct {
	Body struct {
		Emailed int `json:"emailed" doc:"How many people were emailed."`
	}
}

func (a *API) handleProgramOpen(ctx context.Context, in *idInput) (*mailedOutput, error) {
	n, err := a.programs.Open(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &mailedOutput{}
	out.Body.Emailed = n
	return out, nil
}

func (a *API) handleProgramRemind(ctx context.Context, in *idInput) (*mailedOutput, error) {
	n, err := a.programs.Remind(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &mailedOutput{}
	out.Body.Emailed = n
	return out, nil
}

func (a *API) handleProgramClose(ctx context.Context, in *idInput) (*programOutput, error) {
	u := auth.UserFromContext(ctx)
	if err := a.circles.CloseProgram(ctx, u, in.ID); err != nil {
		return nil, err
	}
	p, err := a.programs.Program(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	return a.programOut(ctx, u, p)
}

type programList struct {
	Programs []Program `json:"programs" nullable:"false"`
}

type programOutput struct {
	Body Program
}

type programUpdateInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body programRequest
}

type optInRequest struct {
	Topics       []string           `json:"topics,omitempty" doc:"Topics from the organisation's vocabulary (GET /api/v1/topics), at most 10."`
	Goals        string             `json:"goals,omitempty" maxLength:"1000" doc:"What you want to learn, in your own words. Choose a topic or write goals, or both."`
	Availability []Slot             `json:"availability" doc:"When you could meet each week, as [start, end) pairs of UTC minutes of the week: the week starts Monday 00:00 UTC, so Monday 09:00–10:00 UTC is [540, 600]; at most 10080."`
	FormatPref   program.FormatPref `json:"format_preference,omitempty" enum:"either,pair,group" doc:"either when left out."`
	Prefer       []string           `json:"prefer,omitempty" doc:"Private: ids of colleagues you would like to be matched with, at most 10. Shown to nobody else, not even admins."`
	Avoid        []string           `json:"avoid,omitempty" doc:"Private: ids of colleagues you must not be matched with, at most 20; a veto. Shown to nobody else, not even admins."`
}

type optInInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body optInRequest
}

type optInOutput struct {
	Body OptIn
}

type snoozeInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		Snoozed bool `json:"snoozed" doc:"true to sit out the next round of matching while staying opted in; false to take part again."`
	}
}

type participantList struct {
	Participants []Participant `json:"participants" nullable:"false" doc:"Ordered by name (then id)."`
	Total        int           `json:"total" doc:"How many people opted in, across all pages."`
	Next         string        `json:"next,omitempty" doc:"Pass as after for the next page; absent on the last page."`
}

type participantsInput struct {
	ID    string `path:"id" maxLength:"100"`
	After string `query:"after" maxLength:"100" doc:"A next cursor from an earlier page: the page that follows it."`
	Limit int    `query:"limit" minimum:"1" maximum:"500" default:"25"`
}

func (a *API) handleTopicList(ctx context.Context, _ *struct{}) (*struct{ Body topicList }, error) {
	topics, err := a.programs.Topics(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body topicList }{Body: topicList{Topics: strs(topics)}}, nil
}

func (a *API) handleTopicCreate(ctx context.Context, in *struct{ Body topicCreate }) (*struct{ Body Topic }, error) {
	if err := a.programs.AddTopic(ctx, auth.UserFromContext(ctx), in.Body.Name); err != nil {
		// The store names the field topic, after the web form's; fail
		// answers with name, as the body has it.
		return nil, err
	}
	// The store saves the name trimmed.
	return &struct{ Body Topic }{Body: Topic{Name: strings.TrimSpace(in.Body.Name)}}, nil
}

func (a *API) handleTopicDelete(ctx context.Context, in *topicInput) (*struct{}, error) {
	if err := a.programs.RemoveTopic(ctx, auth.UserFromContext(ctx), in.Name); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// handleProgramList shows members the programs whose opt-in is open and
// those they take part in; admins see every program.
func (a *API) handleProgramList(ctx context.Context, _ *struct{}) (*struct{ Body programList }, error) {
	views, err := a.programs.Programs(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	now := a.programs.Now()
	out := programList{Programs: make([]Program, 0, len(views))}
	for i := range views {
		out.Programs = append(out.Programs, newProgram(&views[i].Program, now, standingOf(views[i].Membership)))
	}
	return &struct{ Body programList }{Body: out}, nil
}

// standing finds where u stands in a program.
func (a *API) standing(ctx context.Context, u *account.User, programID string) (standing, error) {
	m, err := a.programs.Standing(ctx, u, programID)
	return standingOf(m), err
}

func standingOf(m program.Membership) standing {
	return standing{optedIn: m.OptedIn, snoozed: m.Snoozed, matched: m.Matched}
}

// programOut answers with p as u sees it.
func (a *API) programOut(ctx context.Context, u *account.User, p *program.Program) (*programOutput, error) {
	me, err := a.standing(ctx, u, p.ID)
	if err != nil {
		return nil, err
	}
	return &programOutput{Body: newProgram(p, a.programs.Now(), me)}, nil
}

func (a *API) handleProgramCreate(ctx context.Context, in *struct{ Body programRequest }) (*programOutput, error) {
	u := auth.UserFromContext(ctx)
	p := &program.Program{}
	in.Body.apply(p)
	if err := a.programs.CreateProgram(ctx, u, p); err != nil {
		return nil, err
	}
	return a.programOut(ctx, u, p)
}

func (a *API) handleProgramShow(ctx context.Context, in *idInput) (*programOutput, error) {
	u := auth.UserFromContext(ctx)
	p, err := a.programs.Program(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	return a.programOut(ctx, u, p)
}

func (a *API) handleProgramUpdate(ctx context.Context, in *programUpdateInput) (*programOutput, error) {
	u := auth.UserFromContext(ctx)
	p, err := a.programs.Program(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	in.Body.apply(p)
	if err := a.programs.UpdateProgram(ctx, u, p); err != nil {
		return nil, err
	}
	return a.programOut(ctx, u, p)
}

func (a *API) handleOptInShow(ctx context.Context, in *idInput) (*optInOutput, error) {
	o, err := a.programs.MyOptIn(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &optInOutput{Body: newOptIn(o)}, nil
}

func (a *API) handleOptInSave(ctx context.Context, in *optInInput) (*optInOutput, error) {
	b := in.Body
	o := &program.OptIn{ProgramID: in.ID, Topics: b.Topics, Goals: b.Goals, FormatPref: b.FormatPref, Prefer: b.Prefer, Avoid: b.Avoid,
		Availability: make([]program.Interval, len(b.Availability))}
	for i, iv := range b.Availability {
		o.Availability[i] = program.Interval(iv)
	}
	if err := a.programs.SaveOptIn(ctx, auth.UserFromContext(ctx), o); err != nil {
		return nil, err
	}
	return &optInOutput{Body: newOptIn(o)}, nil
}

func (a *API) handleOptInWithdraw(ctx context.Context, in *idInput) (*struct{}, error) {
	if err := a.programs.Withdraw(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleOptInSnooze(ctx context.Context, in *snoozeInput) (*optInOutput, error) {
	u := auth.UserFromContext(ctx)
	if err := a.programs.Snooze(ctx, u, in.ID, in.Body.Snoozed); err != nil {
		return nil, err
	}
	o, err := a.programs.MyOptIn(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	return &optInOutput{Body: newOptIn(o)}, nil
}

func (a *API) handleParticipantList(ctx context.Context, in *participantsInput) (*struct{ Body participantList }, error) {
	page, err := a.programs.Participants(ctx, auth.UserFromContext(ctx), in.ID, in.After, in.Limit)
	if err != nil {
		return nil, err
	}
	return &struct{ Body participantList }{Body: participantList{Participants: newParticipants(page.Participants), Total: page.Total,
		Next: page.Next}}, nil
}
