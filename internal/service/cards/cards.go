// Package cards runs learning cards: a member writes one in a circle,
// edits it, and releases it with a preview one step at a time, from a
// draft to the circle, the program and the organisation, or withdraws it
// to a draft at any time. It reads each list to those its audience
// includes: a draft to its author alone, a circle's cards to the circle's
// members inside it, a program's to the members of its circles and the
// organisation's admins, the organisation's to everyone in it. Nobody,
// admins included, reads a card below its audience.
package cards

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
)

// PageSize is how many cards a page of a list holds.
const PageSize = 20

// Service carries out the learning cards' flows.
type Service struct {
	DB *store.DB
	// Circles answers who is inside a circle.
	Circles *circles.Service
}

// Page is a page of cards and, when more follow, the cursor of the next.
type Page struct {
	Cards []card.Card
	Next  string
}

// ErrCursor refuses a page cursor that no page gave.
var ErrCursor = fault.Field("after", "This page link is not valid: start again from the first page.")

// parseCursor reads a cursor that Page.Next wrote: microseconds since
// 1970, a dot, and a card's id.
func parseCursor(s string) (store.CardCursor, error) {
	if s == "" {
		return store.CardCursor{}, nil
	}
	at, id, ok := strings.Cut(s, ".")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id == "" || len(id) > 64 {
		return store.CardCursor{}, ErrCursor
	}
	return store.CardCursor{At: time.UnixMicro(us).UTC(), ID: id}, nil
}

func page(p *store.CardPage) *Page {
	out := &Page{Cards: p.Cards}
	if p.Next != nil {
		out.Next = fmt.Sprintf("%d.%s", p.Next.At.UnixMicro(), p.Next.ID)
	}
	return out
}

// Place is a circle a person may write a card in.
type Place struct {
	CircleID string
	// Label names the circle by its program, as the author knows it.
	Label string
}

// Places lists the active circles u is in, where they may write a card.
func (s *Service) Places(ctx context.Context, u *account.User) ([]Place, error) {
	cs, err := s.DB.FindCircles(ctx, u.OrgID, store.CircleFilter{UserID: u.ID, Status: []program.CircleStatus{program.Active}})
	if err != nil {
		return nil, err
	}
	out := make([]Place, 0, len(cs))
	for _, c := range cs {
		p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
		if err != nil {
			return nil, err
		}
		label := program.Label(p)
		if c.Number > 0 {
			label = fmt.Sprintf("%s · circle %d", label, c.Number)
		}
		out = append(out, Place{CircleID: c.ID, Label: label})
	}
	return out, nil
}

// Mine is a page of u's own cards at every audience, the most recently
// changed first.
func (s *Service) Mine(ctx context.Context, u *account.User, after string) (*Page, error) {
	cur, err := parseCursor(after)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindAuthorCards(ctx, u.OrgID, u.ID, cur, PageSize)
	if err != nil {
		return nil, err
	}
	return page(p), nil
}

// Write saves a new draft by u in a circle they are inside.
func (s *Service) Write(ctx context.Context, u *account.User, circleID, title, body string) (*card.Card, error) {
	if err := card.Check(strings.TrimSpace(title), strings.TrimSpace(body)); err != nil {
		return nil, err
	}
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	k, err := card.New(u.OrgID, c.ID, c.ProgramID, u.ID, title, body)
	if err != nil {
		return nil, err
	}
	if err := s.DB.CreateCard(ctx, k); err != nil {
		return nil, err
	}
	k.AuthorName = u.Name
	return k, nil
}

// Own returns one of u's own cards; anyone else's is not found, whoever
// asks.
func (s *Service) Own(ctx context.Context, u *account.User, id string) (*card.Card, error) {
	k, err := s.DB.FindCardByID(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	if k.AuthorID != u.ID {
		return nil, store.ErrNotFound
	}
	return k, nil
}

// Edit rewrites u's card as read at version. A released card goes back to
// a draft (pulledBack), to be released again step by step.
func (s *Service) Edit(ctx context.Context, u *account.User, id string, version int, title, body string) (k *card.Card, pulledBack bool, err error) {
	k, err = s.Own(ctx, u, id)
	if err != nil {
		return nil, false, err
	}
	if k.Version != version {
		return nil, false, card.ErrChanged
	}
	oldTitle, oldBody := k.Title, k.Body
	if pulledBack, err = k.Edit(title, body); err != nil {
		return nil, false, err
	}
	if k.Title == oldTitle && k.Body == oldBody {
		return k, false, nil
	}
	return k, pulledBack, s.save(ctx, k, version)
}

// Widen releases u's card, read at version, to the audience to: the next
// step, whose preview they saw.
func (s *Service) Widen(ctx context.Context, u *account.User, id string, version int, to card.Audience) (*card.Card, error) {
	k, err := s.Own(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if k.Version != version {
		return nil, card.ErrChanged
	}
	if err := k.Widen(to, s.DB.Now().Truncate(time.Microsecond)); err != nil {
		return nil, err
	}
	return k, s.save(ctx, k, version)
}

// Withdraw takes u's card, read at version, back to a draft.
func (s *Service) Withdraw(ctx context.Context, u *account.User, id string, version int) (*card.Card, error) {
	k, err := s.Own(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if k.Version != version {
		return nil, card.ErrChanged
	}
	if err := k.Withdraw(); err != nil {
		return nil, err
	}
	return k, s.save(ctx, k, version)
}

// save writes k as decided on version; a change that came first refuses
// it as card.ErrChanged.
func (s *Service) save(ctx context.Context, k *card.Card, version int) error {
	err := s.DB.UpdateCard(ctx, k, version)
	if errors.Is(err, store.ErrConflict) {
		return card.ErrChanged
	}
	return err
}

// Preview is who would read a card at its next audience, to show its
// author before they release it there.
type Preview struct {
	Card *card.Card
	// To is the next audience; empty when the card is at the widest.
	To card.Audience
	// Circle is the card's circle, whose members read it from Circle on.
	Circle *program.Circle
	// Program is the circle's program.
	Program *program.Program
	// ProgramMembers counts the people in the program's active circles.
	ProgramMembers int
	// Admins names the organisation's admins, who read the program's
	// cards.
	Admins []string
	// OrgName and People: the organisation, and how many people are in it.
	OrgName string
	People  int
	// Now is when it would be released, as the preview dates it.
	Now time.Time
}

// Preview shows u who would read their card at its next step.
func (s *Service) Preview(ctx context.Context, u *account.User, id string) (*Preview, error) {
	k, err := s.Own(ctx, u, id)
	if err != nil {
		return nil, err
	}
	pv := &Preview{Card: k, Now: s.DB.Now()}
	next, ok := k.Audience.Next()
	if !ok {
		return pv, nil
	}
	pv.To = next
	if pv.Circle, err = s.DB.FindCircleByID(ctx, u.OrgID, k.CircleID); err != nil {
		return nil, err
	}
	if pv.Program, err = s.DB.FindProgramByID(ctx, u.OrgID, k.ProgramID); err != nil {
		return nil, err
	}
	switch next {
	case card.Program:
		if pv.ProgramMembers, err = s.DB.CountProgramMembers(ctx, u.OrgID, k.ProgramID); err != nil {
			return nil, err
		}
		admins, err := s.DB.FindAdmins(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		for _, a := range admins {
			pv.Admins = append(pv.Admins, a.Name)
		}
	case card.Org:
		org, err := s.DB.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		pv.OrgName = org.Name
		if pv.People, err = s.DB.CountUsers(ctx, u.OrgID, store.UserFilter{}); err != nil {
			return nil, err
		}
	}
	return pv, nil
}

// Circle is a page of a circle's cards released to it or wider, for a
// member inside the circle.
func (s *Service) Circle(ctx context.Context, u *account.User, circleID, after string) (*program.Circle, *Page, error) {
	cur, err := parseCursor(after)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.DB.FindCircleCards(ctx, u.OrgID, c.ID, cur, PageSize)
	if err != nil {
		return nil, nil, err
	}
	return c, page(p), nil
}

// Program is a page of a program's cards released to it or to the whole
// organisation, for a member of one of its active circles or an admin.
// Anyone else is told there are none to see (not found), since the
// program's members are who the cards were released to.
func (s *Service) Program(ctx context.Context, u *account.User, programID, after string) (*program.Program, *Page, error) {
	cur, err := parseCursor(after)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, programID)
	if err != nil {
		return nil, nil, err
	}
	if !u.IsAdmin() {
		in, err := s.DB.IsProgramMember(ctx, u.OrgID, p.ID, u.ID)
		if err != nil {
			return nil, nil, err
		}
		if !in {
			return nil, nil, store.ErrNotFound
		}
	}
	cs, err := s.DB.FindProgramCards(ctx, u.OrgID, p.ID, cur, PageSize)
	if err != nil {
		return nil, nil, err
	}
	return p, page(cs), nil
}

// Org is a page of the cards released to the whole organisation, for
// anyone in it.
func (s *Service) Org(ctx context.Context, u *account.User, after string) (*Page, error) {
	cur, err := parseCursor(after)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindOrgCards(ctx, u.OrgID, cur, PageSize)
	if err != nil {
		return nil, err
	}
	return page(p), nil
}
