package api

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/service/cards"
)

// LearningCard is a learning card as its readers see it.
type LearningCard struct {
	ID         string     `json:"id"`
	CircleID   string     `json:"circle_id,omitempty" doc:"The circle it was written in; shown to its author alone."`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Audience   string     `json:"audience" enum:"draft,circle,program,org" doc:"Who reads it: the author alone, the circle, the program, or the whole organisation."`
	AuthorID   string     `json:"author_id"`
	AuthorName string     `json:"author_name" doc:"A released card names its author."`
	Version    int        `json:"version,omitempty" doc:"The author's: send it back with an edit, a widening or a withdrawal."`
	ReleasedAt *time.Time `json:"released_at,omitempty" doc:"When it reached its present audience; absent for a draft."`
	UpdatedAt  *time.Time `json:"updated_at,omitempty" doc:"The author's: when it last changed."`
}

// newLearningCard is k as a reader sees it; mine adds what only the
// author is shown.
func newLearningCard(k *card.Card, mine bool) LearningCard {
	out := LearningCard{ID: k.ID, Title: k.Title, Body: k.Body, Audience: string(k.Audience), AuthorID: k.AuthorID,
		AuthorName: k.AuthorName, ReleasedAt: k.ReleasedAt}
	if mine {
		out.CircleID, out.Version = k.CircleID, k.Version
		t := k.UpdatedAt
		out.UpdatedAt = &t
	}
	return out
}

// CardPage is a page of cards.
type CardPage struct {
	Cards []LearningCard `json:"cards" nullable:"false"`
	Next  string         `json:"next,omitempty" doc:"Pass as after for the next page; absent on the last page."`
}

func newCardPage(p *cards.Page, mine bool) CardPage {
	out := CardPage{Cards: []LearningCard{}, Next: p.Next}
	for i := range p.Cards {
		out.Cards = append(out.Cards, newLearningCard(&p.Cards[i], mine))
	}
	return out
}

// CardPreview is who would read a card at its next step.
type CardPreview struct {
	To             string   `json:"to" enum:"circle,program,org" doc:"The next audience: the only one the card may be widened to."`
	CircleMembers  []string `json:"circle_members,omitempty" doc:"For the circle: its members, by name."`
	ProgramName    string   `json:"program_name,omitempty"`
	ProgramMembers int      `json:"program_members,omitempty" doc:"For the program: how many people are in its circles."`
	Admins         []string `json:"admins,omitempty" doc:"For the program: the organisation's admins, who read its cards too."`
	People         int      `json:"people,omitempty" doc:"For the organisation: how many people are in it."`
}

// OwnCard is one of the caller's cards with the preview of its next step.
type OwnCard struct {
	Card    LearningCard `json:"card"`
	Preview *CardPreview `json:"preview" doc:"Who reads it at its next step; null once the whole organisation does."`
}

func newOwnCard(pv *cards.Preview) OwnCard {
	out := OwnCard{Card: newLearningCard(pv.Card, true)}
	if pv.To == "" {
		return out
	}
	p := &CardPreview{To: string(pv.To)}
	switch pv.To {
	case card.Circle:
		for _, m := range pv.Circle.Members {
			p.CircleMembers = append(p.CircleMembers, m.Name)
		}
	case card.Program:
		p.ProgramName, p.ProgramMembers, p.Admins = pv.Program.Name, pv.ProgramMembers, pv.Admins
	case card.Org:
		p.People = pv.People
	}
	out.Preview = p
	return out
}

type cardPageInput struct {
	After string `query:"after" maxLength:"100" doc:"A next cursor from an earlier page: the page that follows it."`
}

type cardListInput struct {
	ID    string `path:"id" maxLength:"100"`
	After string `query:"after" maxLength:"100" doc:"A next cursor from an earlier page: the page that follows it."`
}

type cardPageOutput struct{ Body CardPage }

type cardCreateInput struct {
	Body struct {
		CircleID string `json:"circle_id" maxLength:"100" doc:"A circle the caller is in."`
		Title    string `json:"title" maxLength:"200"`
		Body     string `json:"body" maxLength:"2000" doc:"What the author learned, never the case; the service takes up to 600 characters."`
	}
}

type cardUpdateInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		Title   string `json:"title" maxLength:"200"`
		Body    string `json:"body" maxLength:"2000"`
		Version int    `json:"version" doc:"The version the card was read at."`
	}
}

type cardWidenInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		To      string `json:"to" enum:"circle,program,org" doc:"The card's next audience, as its preview named it."`
		Version int    `json:"version" doc:"The version the card was read at."`
	}
}

type cardWithdrawInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		Version int `json:"version" doc:"The version the card was read at."`
	}
}

type ownCardOutput struct{ Body OwnCard }

type cardEdited struct {
	Card       LearningCard `json:"card"`
	PulledBack bool         `json:"pulled_back" doc:"The card was released and went back to a draft with the edit."`
}

type cardOutput struct{ Body LearningCard }

func (a *API) handleCardsMine(ctx context.Context, in *cardPageInput) (*cardPageOutput, error) {
	p, err := a.cards.Mine(ctx, auth.UserFromContext(ctx), in.After)
	if err != nil {
		return nil, err
	}
	return &cardPageOutput{Body: newCardPage(p, true)}, nil
}

func (a *API) handleCardCreate(ctx context.Context, in *cardCreateInput) (*cardOutput, error) {
	k, err := a.cards.Write(ctx, auth.UserFromContext(ctx), in.Body.CircleID, in.Body.Title, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &cardOutput{Body: newLearningCard(k, true)}, nil
}

func (a *API) handleCardShow(ctx context.Context, in *idInput) (*ownCardOutput, error) {
	pv, err := a.cards.Preview(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &ownCardOutput{Body: newOwnCard(pv)}, nil
}

func (a *API) handleCardUpdate(ctx context.Context, in *cardUpdateInput) (*struct{ Body cardEdited }, error) {
	k, back, err := a.cards.Edit(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version, in.Body.Title, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &struct{ Body cardEdited }{Body: cardEdited{Card: newLearningCard(k, true), PulledBack: back}}, nil
}

func (a *API) handleCardWiden(ctx context.Context, in *cardWidenInput) (*cardOutput, error) {
	k, err := a.cards.Widen(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version, card.Audience(in.Body.To))
	if err != nil {
		return nil, err
	}
	return &cardOutput{Body: newLearningCard(k, true)}, nil
}

func (a *API) handleCardWithdraw(ctx context.Context, in *cardWithdrawInput) (*cardOutput, error) {
	k, err := a.cards.Withdraw(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &cardOutput{Body: newLearningCard(k, true)}, nil
}

func (a *API) handleCircleCards(ctx context.Context, in *cardListInput) (*cardPageOutput, error) {
	_, p, err := a.cards.Circle(ctx, auth.UserFromContext(ctx), in.ID, in.After)
	if err != nil {
		return nil, err
	}
	return &cardPageOutput{Body: newCardPage(p, false)}, nil
}

func (a *API) handleProgramCards(ctx context.Context, in *cardListInput) (*cardPageOutput, error) {
	_, p, err := a.cards.Program(ctx, auth.UserFromContext(ctx), in.ID, in.After)
	if err != nil {
		return nil, err
	}
	return &cardPageOutput{Body: newCardPage(p, false)}, nil
}

func (a *API) handleLearning(ctx context.Context, in *cardPageInput) (*cardPageOutput, error) {
	p, err := a.cards.Org(ctx, auth.UserFromContext(ctx), in.After)
	if err != nil {
		return nil, err
	}
	return &cardPageOutput{Body: newCardPage(p, false)}, nil
}
