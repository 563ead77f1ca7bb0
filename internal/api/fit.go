package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// CircleFit is a circle's first-meeting fit check as one member sees it.
type CircleFit struct {
	Question string `json:"question"`
	Open     bool   `json:"open" doc:"Asked now: after the circle's first meeting, until its third."`
	Answered bool   `json:"answered" doc:"The caller has answered it."`
}

type circleFitOutput struct{ Body CircleFit }

type fitAnswerInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Answer string `json:"answer" enum:"yes,unsure,no" doc:"Is this circle a good fit for you?"`
	}
}

// FitAnswered is the answer to a fit check answer: re-matching is offered
// to a member who said no, and to nobody else, without being kept.
type FitAnswered struct {
	Rematch *Rematch `json:"rematch" doc:"What the caller may do after answering no; null otherwise."`
}

// Rematch is what a member who is not at home in their circle may do.
type Rematch struct {
	LeavePath string         `json:"leave_path" doc:"The page to leave the circle gently."`
	Programs  []RematchOptIn `json:"programs" nullable:"false" doc:"Programs open for opt-in to the caller now, to be matched again."`
}

// RematchOptIn is a program the caller may opt in to.
type RematchOptIn struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type fitAnsweredOutput struct{ Body FitAnswered }

// ProgramFitOutput is what an admin sees of a program's fit checks.
type ProgramFitOutput struct {
	Answered int             `json:"circles_answered" doc:"Circles where at least one member answered."`
	Concerns int             `json:"circles_with_concern" doc:"Circles where at least 2 members said it is not a good fit."`
	Pool     *FitPoolSummary `json:"pool" doc:"Answers across closed checks; null until at least 5 answered across at least 2 circles."`
}

// FitPoolSummary is pooled fit answers.
type FitPoolSummary struct {
	Respondents int `json:"respondents"`
	Yes         int `json:"yes"`
	Unsure      int `json:"unsure"`
	No          int `json:"no"`
}

type programFitOutput struct{ Body ProgramFitOutput }

func (a *API) handleFitShow(ctx context.Context, in *circleInput) (*circleFitOutput, error) {
	v, err := a.pulses.Fit(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &circleFitOutput{Body: CircleFit{Question: pulse.FitQuestion, Open: v.Open, Answered: v.Answered}}, nil
}

func (a *API) handleFitAnswer(ctx context.Context, in *fitAnswerInput) (*fitAnsweredOutput, error) {
	re, err := a.pulses.AnswerFit(ctx, auth.UserFromContext(ctx), in.ID, pulse.Fit(in.Body.Answer))
	if err != nil {
		return nil, err
	}
	return &fitAnsweredOutput{Body: FitAnswered{Rematch: newRematch(re)}}, nil
}

func newRematch(re *pulses.Rematch) *Rematch {
	if re == nil {
		return nil
	}
	out := &Rematch{LeavePath: "/circles/" + re.CircleID + "/leave", Programs: []RematchOptIn{}}
	for _, p := range re.Programs {
		out.Programs = append(out.Programs, RematchOptIn{ID: p.ID, Name: p.Name})
	}
	return out
}

func (a *API) handleProgramFit(ctx context.Context, in *idInput) (*programFitOutput, error) {
	f, err := a.pulses.ProgramFit(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &programFitOutput{Body: ProgramFitOutput{Answered: f.Answered, Concerns: f.Concerns}}
	if s := f.Pool; s != nil {
		out.Body.Pool = &FitPoolSummary{Respondents: s.Respondents, Yes: s.Yes, Unsure: s.Unsure, No: s.No}
	}
	return out, nil
}
