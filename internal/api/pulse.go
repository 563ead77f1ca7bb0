package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// CirclePulse is a circle's pulse as its members see it.
type CirclePulse struct {
	Cadence int          `json:"cadence" doc:"Meetings held between two rounds."`
	Held    int          `json:"held" doc:"Meetings the circle has held."`
	NextAt  int          `json:"next_at" doc:"The number of meetings held at which the next round opens."`
	Open    *PulseOpen   `json:"open" doc:"The round open now; null before the first."`
	Rounds  []PulseRound `json:"rounds" nullable:"false" doc:"The rounds at least 3 members answered, oldest first."`
	Dropped bool         `json:"dropped" doc:"The latest shown round scored lower than the one before."`
	Suggest string       `json:"suggested_agenda_item,omitempty" doc:"An item for the next meeting, after a drop."`
	Items   []string     `json:"items" nullable:"false" doc:"The seven statements, in order; items 1, 3 and 5 are reverse-scored."`
	Share   PulseShare   `json:"share"`
}

// PulseShare is where a circle stands on showing its pulse to its
// program's admins.
type PulseShare struct {
	Members int  `json:"members"`
	Agreed  int  `json:"agreed" doc:"Members who agreed; the pulse is shared only when all did."`
	Mine    bool `json:"mine" doc:"The caller agreed."`
	Shared  bool `json:"shared"`
}

// PulseOpen is the round open now: how many answered, never what.
type PulseOpen struct {
	Number      int  `json:"number"`
	Respondents int  `json:"respondents"`
	Waiting     int  `json:"waiting" doc:"Answers still needed before the circle sees the round."`
	Answered    bool `json:"answered" doc:"The caller has answered it."`
}

// PulseRound is one shown round.
type PulseRound struct {
	Number int `json:"number"`
	PulseSummary
}

// PulseSummary is the score of a set of answers.
type PulseSummary struct {
	Respondents int       `json:"respondents"`
	Mean        float64   `json:"mean" doc:"The mean score, 1–7; higher is safer."`
	Items       []float64 `json:"items" nullable:"false" doc:"The mean of each item, after reverse scoring."`
}

func newPulseSummary(s pulse.Summary) PulseSummary {
	return PulseSummary{Respondents: s.Respondents, Mean: s.Mean, Items: s.Items[:]}
}

func newCirclePulse(v *pulses.View) CirclePulse {
	out := CirclePulse{Cadence: v.Cadence, Held: v.Held, NextAt: v.NextAt, Rounds: []PulseRound{}, Dropped: v.Trend.Dropped,
		Share: PulseShare{Members: v.Share.Members, Agreed: v.Share.Agreed, Mine: v.Share.Mine, Shared: v.Share.Shared()}}
	if o := v.Open; o != nil {
		out.Open = &PulseOpen{Number: o.Number, Respondents: o.Respondents, Waiting: o.Waiting, Answered: o.Answered}
	}
	for _, p := range v.Trend.Rounds {
		out.Rounds = append(out.Rounds, PulseRound{Number: p.Number, PulseSummary: newPulseSummary(p.Summary)})
	}
	if v.Trend.Dropped {
		out.Suggest = pulse.SuggestedItem
	}
	for _, it := range pulse.Items {
		out.Items = append(out.Items, it.Text)
	}
	return out
}

type circlePulseOutput struct{ Body CirclePulse }

type pulseAnswerInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Round   int   `json:"round" doc:"The open round's number."`
		Answers []int `json:"answers" minItems:"7" maxItems:"7" doc:"One answer per item, 1–7, as given (before reverse scoring)."`
	}
}

type pulseCadenceInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Cadence int `json:"cadence" doc:"Meetings between two rounds, 1 to 12."`
	}
}

type pulseShareInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Agree bool `json:"agree" doc:"True to agree, false to withdraw."`
	}
}

// PoolOutput is what an admin sees of a pool.
type PoolOutput struct {
	Summary *PulseSummary `json:"summary" doc:"Null until at least 5 answered across at least 2 circles."`
	Shared  []SharedPulse `json:"shared_circles" nullable:"false" doc:"Circles whose every member chose to share their pulse, up to 50."`
	// SharedTotal counts them all.
	SharedTotal int `json:"shared_total"`
}

// SharedPulse is a circle that chose to share its pulse: its finished
// rounds that at least 3 answered.
type SharedPulse struct {
	CircleID  string       `json:"circle_id"`
	ProgramID string       `json:"program_id"`
	Number    int          `json:"number,omitempty" doc:"The circle's number in its round; absent for a circle formed by invitation."`
	Rounds    []PulseRound `json:"rounds" nullable:"false"`
}

type poolOutput struct{ Body PoolOutput }

func newPool(p pulses.Pool, shared []pulses.SharedCircle, total int) *poolOutput {
	out := &poolOutput{Body: PoolOutput{Shared: []SharedPulse{}, SharedTotal: total}}
	if p.Summary != nil {
		s := newPulseSummary(*p.Summary)
		out.Body.Summary = &s
	}
	for _, c := range shared {
		sp := SharedPulse{CircleID: c.CircleID, ProgramID: c.ProgramID, Number: c.Number, Rounds: []PulseRound{}}
		for _, r := range c.Trend.Rounds {
			sp.Rounds = append(sp.Rounds, PulseRound{Number: r.Number, PulseSummary: newPulseSummary(r.Summary)})
		}
		out.Body.Shared = append(out.Body.Shared, sp)
	}
	return out
}

func (a *API) circlePulse(ctx context.Context, id string) (*circlePulseOutput, error) {
	v, err := a.pulses.Circle(ctx, auth.UserFromContext(ctx), id)
	if err != nil {
		return nil, err
	}
	return &circlePulseOutput{Body: newCirclePulse(v)}, nil
}

func (a *API) handlePulseShow(ctx context.Context, in *circleInput) (*circlePulseOutput, error) {
	return a.circlePulse(ctx, in.ID)
}

func (a *API) handlePulseAnswer(ctx context.Context, in *pulseAnswerInput) (*circlePulseOutput, error) {
	var ans pulse.Answer
	copy(ans[:], in.Body.Answers)
	if err := a.pulses.Answer(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Round, ans); err != nil {
		return nil, err
	}
	return a.circlePulse(ctx, in.ID)
}

func (a *API) handlePulseCadence(ctx context.Context, in *pulseCadenceInput) (*circlePulseOutput, error) {
	if err := a.pulses.SetCadence(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Cadence); err != nil {
		return nil, err
	}
	return a.circlePulse(ctx, in.ID)
}

func (a *API) handlePulseShare(ctx context.Context, in *pulseShareInput) (*circlePulseOutput, error) {
	if err := a.pulses.SetShare(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Agree); err != nil {
		return nil, err
	}
	return a.circlePulse(ctx, in.ID)
}

func (a *API) handleProgramPulse(ctx context.Context, in *idInput) (*poolOutput, error) {
	u := auth.UserFromContext(ctx)
	prog, p, err := a.pulses.ProgramPool(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	shared, total, err := a.pulses.Shared(ctx, u, prog.ID)
	if err != nil {
		return nil, err
	}
	return newPool(p, shared, total), nil
}

func (a *API) handleOrgPulse(ctx context.Context, _ *struct{}) (*poolOutput, error) {
	u := auth.UserFromContext(ctx)
	p, err := a.pulses.OrgPool(ctx, u)
	if err != nil {
		return nil, err
	}
	shared, total, err := a.pulses.Shared(ctx, u, "")
	if err != nil {
		return nil, err
	}
	return newPool(p, shared, total), nil
}
