package api

import (
	"context"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
)

// circleInput names one of the caller's circles. Every circle operation
// answers 404 for a circle the caller is not an active member of, admins
// included: what members say to each other is theirs.
type circleInput struct {
	ID string `path:"id" maxLength:"100" doc:"The circle."`
}

type circleList struct {
	Circles []CircleSummary `json:"circles" nullable:"false" doc:"Oldest first."`
}

type circleHomeOutput struct {
	Body CircleHome
}

type circleRulesOutput struct {
	Body CircleGroundRules
}

type acknowledgeInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Version int `json:"version" minimum:"1" doc:"The version the caller read, from GET /api/v1/circles/{id}/ground-rules; another version answers 409, since the text changed while they read it."`
	}
}

type groundRulesUpdate struct {
	Body struct {
		Body string `json:"body" maxLength:"20000" doc:"Markdown. A changed text becomes a new version, which every member acknowledges again in each of their circles."`
	}
}

type groundRulesOutput struct {
	Body GroundRules
}

type agreementList struct {
	Versions []AgreementVersion `json:"versions" nullable:"false" doc:"Newest first."`
}

type agreementProposeInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Body     string             `json:"body,omitempty" required:"false" maxLength:"20000" doc:"The whole agreement, in Markdown, each section under a \"## \" heading; used when sections is left out."`
		Sections []AgreementSection `json:"sections,omitempty" required:"false" maxItems:"40" doc:"The agreement section by section, in order; a section with empty text is left out. Takes the place of body."`
		Note     string             `json:"note,omitempty" maxLength:"500" doc:"What changed and why, for the others."`
	}
}

type commentList struct {
	Comments []AgreementComment `json:"comments" nullable:"false" doc:"On every version, oldest first."`
}

type commentCreateInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Version int    `path:"version" minimum:"1" doc:"The proposed version to comment on."`
	Body    struct {
		Body string `json:"body" maxLength:"1000" doc:"Plain text; only the circle's members see it."`
	}
}

type versionInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Version int    `path:"version" minimum:"1" doc:"The agreement's version."`
}

type agreementOutput struct {
	Body AgreementVersion
}

type postList struct {
	Posts []Post `json:"posts" nullable:"false" doc:"The latest 30, newest first."`
}

type postCreateInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Body string `json:"body" maxLength:"4000" doc:"Markdown; only the circle's members see it."`
	}
}

type postInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Post string `path:"post" maxLength:"100" doc:"The post."`
}

type commitmentList struct {
	Commitments []Commitment `json:"commitments" nullable:"false" doc:"Open ones first, then the latest done; at most 100."`
}

type commitmentCreateInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body struct {
		Body  string     `json:"body" maxLength:"500" doc:"What you mean to do before the next meeting, in a sentence or two."`
		DueAt *time.Time `json:"due_at,omitempty" required:"false" doc:"When you mean to have done it; left out, the circle's next meeting (or a week from now when none is planned). A day before, you get a reminder; a day after, if it is still open, a kind follow-up."`
	}
}

type commitmentChangeInput struct {
	ID         string `path:"id" maxLength:"100" doc:"The circle."`
	Commitment string `path:"commitment" maxLength:"100" doc:"The commitment."`
	Body       struct {
		Version int        `json:"version" minimum:"1" doc:"The version the change is based on; another answers 409."`
		Done    *bool      `json:"done,omitempty" required:"false" doc:"true to mark it done, false to open it again."`
		DueAt   *time.Time `json:"due_at,omitempty" required:"false" doc:"Move it: its new due date, ahead. Its reminder and follow-up follow."`
		LetGo   bool       `json:"let_go,omitempty" required:"false" doc:"true to let it go."`
	}
}

type rsvpInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
}

type rsvpSetInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		Answer  string `json:"answer" enum:"coming,not_coming" doc:"Whether the caller comes."`
		Version int    `json:"version" minimum:"0" doc:"The version of the caller's answer this one replaces, 0 for a first answer; another answers 409."`
	}
}

type commitmentUpdateInput struct {
	ID         string `path:"id" maxLength:"100" doc:"The circle."`
	Commitment string `path:"commitment" maxLength:"100" doc:"The commitment."`
	Body       struct {
		Done bool `json:"done" doc:"true when it is done; false to open it again."`
	}
}

type leaveInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body *struct {
		Note string `json:"note,omitempty" maxLength:"1000" doc:"Private: a note for the organisation's admins only, never the circle."`
	}
}

type departureList struct {
	Departures []Departure `json:"departures" nullable:"false" doc:"Newest first."`
}

func (a *API) handleCircleList(ctx context.Context, _ *struct{}) (*struct{ Body circleList }, error) {
	sums, err := a.circles.MyCircles(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	out := circleList{Circles: make([]CircleSummary, len(sums))}
	for i := range sums {
		out.Circles[i] = newCircleSummary(&sums[i])
	}
	return &struct{ Body circleList }{Body: out}, nil
}

func (a *API) handleCircleShow(ctx context.Context, in *circleInput) (*circleHomeOutput, error) {
	h, err := a.circles.Home(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &circleHomeOutput{Body: newCircleHome(h)}, nil
}

// circleRules answers with the ground rules as the caller sees them in a
// circle; reading them needs no acknowledgement, since it is how one
// acknowledges.
func (a *API) circleRules(ctx context.Context, circleID string) (*circleRulesOutput, error) {
	_, rules, at, err := a.agreements.CircleRules(ctx, auth.UserFromContext(ctx), circleID)
	if err != nil {
		return nil, err
	}
	return &circleRulesOutput{Body: CircleGroundRules{Version: rules.Version, Body: rules.Body, AcknowledgedAt: at}}, nil
}

func (a *API) handleCircleRulesShow(ctx context.Context, in *circleInput) (*circleRulesOutput, error) {
	return a.circleRules(ctx, in.ID)
}

func (a *API) handleCircleRulesAck(ctx context.Context, in *acknowledgeInput) (*circleRulesOutput, error) {
	if err := a.agreements.AcknowledgeGroundRules(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version); err != nil {
		return nil, err
	}
	return a.circleRules(ctx, in.ID)
}

func (a *API) handleGroundRulesShow(ctx context.Context, _ *struct{}) (*groundRulesOutput, error) {
	g, err := a.agreements.GroundRules(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &groundRulesOutput{Body: newGroundRules(g)}, nil
}

func (a *API) handleGroundRulesUpdate(ctx context.Context, in *groundRulesUpdate) (*groundRulesOutput, error) {
	g, err := a.agreements.UpdateGroundRules(ctx, auth.UserFromContext(ctx), in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &groundRulesOutput{Body: newGroundRules(g)}, nil
}

func (a *API) handleAgreementList(ctx context.Context, in *circleInput) (*struct{ Body agreementList }, error) {
	_, versions, err := a.agreements.Agreement(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body agreementList }{Body: agreementList{Versions: newAgreementVersions(versions)}}, nil
}

func (a *API) handleAgreementPropose(ctx context.Context, in *agreementProposeInput) (*agreementOutput, error) {
	u := auth.UserFromContext(ctx)
	var v *circle.AgreementVersion
	var err error
	if in.Body.Sections != nil {
		sections := make([]circle.Section, len(in.Body.Sections))
		for i, sec := range in.Body.Sections {
			sections[i] = circle.Section(sec)
		}
		v, err = a.agreements.ProposeSections(ctx, u, in.ID, sections, in.Body.Note)
	} else {
		v, err = a.agreements.ProposeAgreement(ctx, u, in.ID, in.Body.Body, in.Body.Note)
	}
	if err != nil {
		return nil, err
	}
	return &agreementOutput{Body: newAgreementVersion(v)}, nil
}

func (a *API) handleCommentList(ctx context.Context, in *circleInput) (*struct{ Body commentList }, error) {
	cs, err := a.agreements.Comments(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := commentList{Comments: make([]AgreementComment, len(cs))}
	for i := range cs {
		out.Comments[i] = newAgreementComment(&cs[i])
	}
	return &struct{ Body commentList }{Body: out}, nil
}

func (a *API) handleCommentCreate(ctx context.Context, in *commentCreateInput) (*struct{ Body AgreementComment }, error) {
	c, err := a.agreements.Comment(ctx, auth.UserFromContext(ctx), in.ID, in.Version, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &struct{ Body AgreementComment }{Body: newAgreementComment(c)}, nil
}

func (a *API) handleAgreementConsent(ctx context.Context, in *versionInput) (*agreementOutput, error) {
	v, err := a.agreements.ConsentToAgreement(ctx, auth.UserFromContext(ctx), in.ID, in.Version)
	if err != nil {
		return nil, err
	}
	return &agreementOutput{Body: newAgreementVersion(v)}, nil
}

func (a *API) handleAgreementWithdraw(ctx context.Context, in *versionInput) (*agreementOutput, error) {
	u := auth.UserFromContext(ctx)
	if err := a.agreements.WithdrawAgreement(ctx, u, in.ID, in.Version); err != nil {
		return nil, err
	}
	// The service answers with nothing; reading the versions again shows
	// the withdrawn one as everyone now sees it.
	_, versions, err := a.agreements.Agreement(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(versions, func(v circle.AgreementVersion) bool { return v.Version == in.Version })
	if i < 0 {
		return nil, fault.New(fault.NotFound, "")
	}
	return &agreementOutput{Body: newAgreementVersion(&versions[i])}, nil
}

func (a *API) handlePostList(ctx context.Context, in *circleInput) (*struct{ Body postList }, error) {
	posts, err := a.circles.Posts(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body postList }{Body: postList{Posts: newPosts(posts)}}, nil
}

func (a *API) handlePostCreate(ctx context.Context, in *postCreateInput) (*struct{ Body Post }, error) {
	p, err := a.circles.AddPost(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Post }{Body: newPost(p)}, nil
}

func (a *API) handlePostDelete(ctx context.Context, in *postInput) (*struct{}, error) {
	if err := a.circles.DeletePost(ctx, auth.UserFromContext(ctx), in.ID, in.Post); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleCommitmentList(ctx context.Context, in *circleInput) (*struct{ Body commitmentList }, error) {
	list, err := a.circles.Commitments(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body commitmentList }{Body: commitmentList{Commitments: newCommitments(list)}}, nil
}

func (a *API) handleCommitmentCreate(ctx context.Context, in *commitmentCreateInput) (*struct{ Body Commitment }, error) {
	c, err := a.circles.AddCommitment(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Body, in.Body.DueAt)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Commitment }{Body: newCommitment(c)}, nil
}

func (a *API) handleCommitmentChange(ctx context.Context, in *commitmentChangeInput) (*struct{ Body Commitment }, error) {
	u := auth.UserFromContext(ctx)
	ch := circle.CommitmentChange{Done: in.Body.Done, Due: in.Body.DueAt, LetGo: in.Body.LetGo}
	n := 0
	for _, set := range []bool{ch.Done != nil, ch.Due != nil, ch.LetGo} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fault.Fields(map[string]string{"body": "Send exactly one of done, due_at and let_go."})
	}
	if _, err := a.circles.ChangeCommitment(ctx, u, in.ID, in.Commitment, in.Body.Version, ch); err != nil {
		return nil, err
	}
	d, err := a.circles.Commitment(ctx, u, in.ID, in.Commitment)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Commitment }{Body: newCommitment(&d.Commitment)}, nil
}

func (a *API) handleRSVPShow(ctx context.Context, in *rsvpInput) (*struct{ Body RSVP }, error) {
	v, err := a.circles.RSVP(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	return &struct{ Body RSVP }{Body: newRSVP(v)}, nil
}

func (a *API) handleRSVPSet(ctx context.Context, in *rsvpSetInput) (*struct{ Body RSVP }, error) {
	u := auth.UserFromContext(ctx)
	if _, err := a.circles.SetRSVP(ctx, u, in.ID, in.Meeting, circle.Answer(in.Body.Answer), in.Body.Version); err != nil {
		return nil, err
	}
	return a.handleRSVPShow(ctx, &rsvpInput{ID: in.ID, Meeting: in.Meeting})
}

// handleCommitmentUpdate answers with no content: the list of commitments
// is capped, so the changed one cannot always be read back.
func (a *API) handleCommitmentUpdate(ctx context.Context, in *commitmentUpdateInput) (*struct{}, error) {
	if err := a.circles.CompleteCommitment(ctx, auth.UserFromContext(ctx), in.ID, in.Commitment, in.Body.Done); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleLeave(ctx context.Context, in *leaveInput) (*struct{}, error) {
	note := ""
	if in.Body != nil {
		note = in.Body.Note
	}
	if err := a.circles.Leave(ctx, auth.UserFromContext(ctx), in.ID, note); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleReturnToPool(ctx context.Context, in *circleInput) (*struct{}, error) {
	if err := a.circles.ReturnToPool(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleDepartureList(ctx context.Context, in *idInput) (*struct{ Body departureList }, error) {
	u := auth.UserFromContext(ctx)
	// Finding the program first answers 404 for another organisation's,
	// where the store would answer an empty list.
	p, err := a.programs.Program(ctx, u, in.ID)
	if err != nil {
		return nil, err
	}
	ds, err := a.circles.Departures(ctx, u, p.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body departureList }{Body: departureList{Departures: newDepartures(ds)}}, nil
}
