package api

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/journal"
)

// SelfRating is one capability picked in a self-assessment and how the
// caller rated themselves on it.
type SelfRating struct {
	Capability string `json:"capability" maxLength:"40" doc:"A capability's key (see list-capabilities)."`
	Pick       string `json:"pick" enum:"strength,growth" doc:"A strength, or a growth area."`
	Score      int    `json:"score" minimum:"1" maximum:"5" doc:"From 1 (just starting) to 5 (a real strength)."`
}

// SelfAssessment is one of the caller's own self-assessments.
type SelfAssessment struct {
	ID        string       `json:"id"`
	Ratings   []SelfRating `json:"ratings" nullable:"false"`
	Note      string       `json:"note"`
	Version   int          `json:"version" doc:"Send it back with an edit."`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

func newSelfAssessment(a *journal.Assessment) SelfAssessment {
	out := SelfAssessment{ID: a.ID, Ratings: []SelfRating{}, Note: a.Note, Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	for _, r := range a.Ratings {
		out.Ratings = append(out.Ratings, SelfRating{Capability: r.Capability, Pick: string(r.Pick), Score: r.Score})
	}
	return out
}

func ratingsOf(in []SelfRating) []journal.Rating {
	out := make([]journal.Rating, 0, len(in))
	for _, r := range in {
		out = append(out, journal.Rating{Capability: r.Capability, Pick: journal.Pick(r.Pick), Score: r.Score})
	}
	return out
}

type selfAssessmentList struct {
	Assessments []SelfAssessment `json:"assessments" nullable:"false" doc:"Oldest first."`
	Due         bool             `json:"due" doc:"Whether a new self-assessment is suggested: none yet, or the last is three months old."`
}

// Capability is one thing a self-assessment may pick and rate.
type Capability struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Hint string `json:"hint"`
}

type capabilityList struct {
	Capabilities []Capability `json:"capabilities"`
	MaxPicks     int          `json:"max_picks"`
}

type selfAssessmentWrite struct {
	Ratings []SelfRating `json:"ratings" maxItems:"12"`
	Note    string       `json:"note,omitempty" maxLength:"2000"`
}

type selfAssessmentCreateInput struct {
	Body selfAssessmentWrite
}

type selfAssessmentUpdateInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		Ratings []SelfRating `json:"ratings" maxItems:"12"`
		Note    string       `json:"note,omitempty" maxLength:"2000"`
		Version int          `json:"version" doc:"The version the self-assessment was read at."`
	}
}

type selfAssessmentOutput struct {
	Body SelfAssessment
}

func (a *API) handleAssessmentList(ctx context.Context, _ *struct{}) (*struct{ Body selfAssessmentList }, error) {
	list, err := a.journal.Assessments(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	out := selfAssessmentList{Assessments: []SelfAssessment{}}
	for i := range list {
		out.Assessments = append(out.Assessments, newSelfAssessment(&list[i]))
	}
	out.Due, _ = a.journal.AssessmentDue(list)
	return &struct{ Body selfAssessmentList }{Body: out}, nil
}

func (a *API) handleCapabilities(_ context.Context, _ *struct{}) (*struct{ Body capabilityList }, error) {
	out := capabilityList{MaxPicks: journal.MaxPicks}
	for _, c := range journal.Capabilities {
		out.Capabilities = append(out.Capabilities, Capability{Key: c.Key, Name: c.Name, Hint: c.Hint})
	}
	return &struct{ Body capabilityList }{Body: out}, nil
}

func (a *API) handleAssessmentCreate(ctx context.Context, in *selfAssessmentCreateInput) (*selfAssessmentOutput, error) {
	s, err := a.journal.Assess(ctx, auth.UserFromContext(ctx), ratingsOf(in.Body.Ratings), in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &selfAssessmentOutput{Body: newSelfAssessment(s)}, nil
}

func (a *API) handleAssessmentShow(ctx context.Context, in *idInput) (*selfAssessmentOutput, error) {
	s, err := a.journal.Assessment(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &selfAssessmentOutput{Body: newSelfAssessment(s)}, nil
}

func (a *API) handleAssessmentUpdate(ctx context.Context, in *selfAssessmentUpdateInput) (*selfAssessmentOutput, error) {
	s, err := a.journal.EditAssessment(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version, ratingsOf(in.Body.Ratings), in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &selfAssessmentOutput{Body: newSelfAssessment(s)}, nil
}

func (a *API) handleAssessmentDelete(ctx context.Context, in *idInput) (*struct{}, error) {
	if err := a.journal.DeleteAssessment(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// HelpNote is the caller's own note on one counsel step.
type HelpNote struct {
	MeetingID   string    `json:"meeting_id"`
	PresenterID string    `json:"presenter_id" doc:"Whose situation the counsel step was about; the caller's own id on a note as the presenter."`
	Took        string    `json:"took,omitempty" enum:"expert,doctor,process" doc:"As a helper: the role taken."`
	Helped      []string  `json:"helped" nullable:"false" doc:"As the presenter: the roles whose help helped; empty when none did."`
	MeetingAt   time.Time `json:"meeting_at,omitzero"`
}

func newHelpNote(n journal.HelpNote) HelpNote {
	out := HelpNote{MeetingID: n.MeetingID, PresenterID: n.PresenterID, Took: string(n.Took), Helped: []string{}, MeetingAt: n.At}
	for _, h := range n.Helped {
		out.Helped = append(out.Helped, string(h))
	}
	return out
}

// RoleCount is how often a helping role came up.
type RoleCount struct {
	Role  string `json:"role" enum:"expert,doctor,process"`
	Count int    `json:"count"`
}

func roleCounts(c journal.Counts) []RoleCount {
	out := []RoleCount{}
	for _, r := range journal.Roles {
		out = append(out, RoleCount{Role: string(r), Count: c[r]})
	}
	return out
}

// HelpingMonth is one month of the caller's helping notes.
type HelpingMonth struct {
	Month     string      `json:"month" doc:"YYYY-MM, in the caller's time zone."`
	Took      []RoleCount `json:"took"`
	Helped    []RoleCount `json:"helped"`
	Presented int         `json:"presented"`
	Nothing   int         `json:"nothing_helped"`
}

// HelpingPattern is the caller's own helping pattern, from their own
// notes alone.
type HelpingPattern struct {
	Summary   string         `json:"summary" doc:"The pattern in a sentence; empty before the first note."`
	Took      []RoleCount    `json:"took" doc:"The roles the caller took as a helper."`
	Helped    []RoleCount    `json:"helped" doc:"As a presenter: the roles whose help helped the caller."`
	Presented int            `json:"presented"`
	Nothing   int            `json:"nothing_helped"`
	Months    []HelpingMonth `json:"months" nullable:"false" doc:"Oldest first."`
}

func (a *API) handleHelpingPattern(ctx context.Context, _ *struct{}) (*struct{ Body HelpingPattern }, error) {
	u := auth.UserFromContext(ctx)
	zone, err := account.Location(u.Timezone)
	if err != nil {
		zone = time.UTC
	}
	p, err := a.journal.Pattern(ctx, u, zone)
	if err != nil {
		return nil, err
	}
	out := HelpingPattern{Summary: p.Sentence(), Took: roleCounts(p.Took), Helped: roleCounts(p.Helped), Presented: p.Presented,
		Nothing: p.Nothing, Months: []HelpingMonth{}}
	for _, m := range p.Periods {
		out.Months = append(out.Months, HelpingMonth{Month: m.Month.Format("2006-01"), Took: roleCounts(m.Took), Helped: roleCounts(m.Helped),
			Presented: m.Presented, Nothing: m.Nothing})
	}
	return &struct{ Body HelpingPattern }{Body: out}, nil
}

type helpNotesOutput struct {
	Body struct {
		Notes []HelpNote `json:"notes" nullable:"false"`
	}
}

func (a *API) handleHelpNotes(ctx context.Context, in *meetingInput) (*helpNotesOutput, error) {
	notes, err := a.meetings.MyHelpNotes(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	out := &helpNotesOutput{}
	out.Body.Notes = []HelpNote{}
	for _, p := range slices.Sorted(maps.Keys(notes)) {
		out.Body.Notes = append(out.Body.Notes, newHelpNote(notes[p]))
	}
	return out, nil
}

type helpNoteInput struct {
	ID        string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting   string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Presenter string `path:"presenter" maxLength:"100" doc:"Whose situation the counsel step was about."`
	Body      struct {
		Took   string   `json:"took,omitempty" enum:"expert,doctor,process" doc:"As a helper: the role taken. Leave it out (with no helped) to remove the note."`
		Helped []string `json:"helped,omitempty" maxItems:"3" doc:"As the presenter: the roles whose help helped; empty when none did."`
	}
}

func (a *API) handleHelpNoteSave(ctx context.Context, in *helpNoteInput) (*helpNotesOutput, error) {
	n := journal.HelpNote{PresenterID: in.Presenter, Took: journal.Role(in.Body.Took)}
	for _, h := range in.Body.Helped {
		n.Helped = append(n.Helped, journal.Role(h))
	}
	if err := a.meetings.NoteHelp(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, n); err != nil {
		return nil, err
	}
	return a.handleHelpNotes(ctx, &meetingInput{ID: in.ID, Meeting: in.Meeting})
}
