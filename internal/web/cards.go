package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/service/cards"
)

// cardsPage is a person's own cards and the form to write one.
type cardsPage struct {
	Page
	Places []cards.Place
	// Circle is the circle the new card is written in.
	Circle   string
	Cards    []card.Card
	Next     string
	MaxTitle int
	MaxBody  int
}

func (s *Server) handleCardsIndex(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Your learning cards")
	p.Form["circle"] = r.URL.Query().Get("circle")
	s.renderCards(w, r, http.StatusOK, p)
}

func (s *Server) renderCards(w http.ResponseWriter, r *http.Request, status int, p Page) {
	u := auth.UserFromContext(r.Context())
	places, err := s.Cards.Places(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mine, err := s.Cards.Mine(r.Context(), u, r.URL.Query().Get("after"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "learning"
	data := cardsPage{Page: p, Places: places, Circle: p.Form["circle"], Cards: mine.Cards, MaxTitle: card.MaxTitleLen, MaxBody: card.MaxBodyLen}
	if mine.Next != "" {
		data.Next = "/cards?after=" + url.QueryEscape(mine.Next)
	}
	s.render(w, r, status, "cards", data)
}

func (s *Server) handleCardCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	k, err := s.Cards.Write(r.Context(), u, r.PostFormValue("circle"), r.PostFormValue("title"), r.PostFormValue("body"))
	if err != nil {
		s.form(w, r, err, "/cards", func(pr problem) {
			s.renderCards(w, r, pr.status, s.page(r, "Your learning cards").withErrors(r, pr.Fields, "circle", "title", "body"))
		})
		return
	}
	s.redirect(w, r, "/cards/"+k.ID, "Saved as a draft: only you can read it.")
}

// cardPage is one of the author's own cards: how it reads, who reads it,
// the preview of its next step, and the forms to edit, widen and
// withdraw it.
type cardPage struct {
	Page
	*cards.Preview
	Audiences []card.Audience
	MaxTitle  int
	MaxBody   int
}

func (s *Server) handleCardShow(w http.ResponseWriter, r *http.Request) {
	s.renderCard(w, r, http.StatusOK, s.page(r, "Learning card"))
}

func (s *Server) renderCard(w http.ResponseWriter, r *http.Request, status int, p Page) {
	pv, err := s.Cards.Preview(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "learning"
	if _, ok := p.Form["title"]; !ok {
		p.Form["title"], p.Form["body"] = pv.Card.Title, pv.Card.Body
	}
	s.render(w, r, status, "card", cardPage{Page: p, Preview: pv, Audiences: card.Audiences, MaxTitle: card.MaxTitleLen, MaxBody: card.MaxBodyLen})
}

func (s *Server) handleCardUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, back, err := s.Cards.Edit(r.Context(), u, id, version, r.PostFormValue("title"), r.PostFormValue("body"))
	if err != nil {
		s.form(w, r, err, "/cards/"+id, func(pr problem) {
			s.renderCard(w, r, pr.status, s.page(r, "Learning card").withErrors(r, pr.Fields, "title", "body"))
		})
		return
	}
	msg := "Card saved."
	if back {
		msg = "Card saved, and back to a draft: only you can read it until you release it again."
	}
	s.redirect(w, r, "/cards/"+id, msg)
}

func (s *Server) handleCardWiden(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	k, err := s.Cards.Widen(r.Context(), u, id, version, card.Audience(r.PostFormValue("to")))
	if err != nil {
		s.fail(w, r, err, "/cards/"+id)
		return
	}
	s.redirect(w, r, "/cards/"+id, "Released. It now reaches: "+k.Audience.Label()+".")
}

func (s *Server) handleCardWithdraw(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Cards.Withdraw(r.Context(), u, id, version); err != nil {
		s.fail(w, r, err, "/cards/"+id)
		return
	}
	s.redirect(w, r, "/cards/"+id, "Withdrawn: the card is a draft again, and only you can read it.")
}

// cardListPage is the cards an audience reads: a circle's, a program's or
// the organisation's.
type cardListPage struct {
	Page
	Eyebrow, EyebrowLink string
	Lead                 string
	Cards                []card.Card
	// First links to the first page when this is a later one.
	First string
	Next  string
	// Write links to the form for a new card, when the reader may write
	// one here.
	Write string
	// Badges shows each card's audience, where cards of several are
	// listed.
	Badges bool
}

func (s *Server) handleCircleCards(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	after := r.URL.Query().Get("after")
	c, pg, err := s.Cards.Circle(r.Context(), u, r.PathValue("id"), after)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Your circle’s learning cards")
	p.Nav = "circles"
	base := "/circles/" + c.ID + "/cards"
	s.render(w, r, http.StatusOK, "card_list", cardListPage{Page: p, Eyebrow: "Your circle", EyebrowLink: "/circles/" + c.ID,
		Lead:  "What members of your circle learned and chose to share with the circle, or wider. The cases themselves stay in the circle’s meetings.",
		Cards: pg.Cards, First: firstLink(base, after), Next: nextLink(base, pg.Next), Write: "/cards?circle=" + c.ID + "#write", Badges: true})
}

func (s *Server) handleProgramCards(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	after := r.URL.Query().Get("after")
	pr, pg, err := s.Cards.Program(r.Context(), u, r.PathValue("id"), after)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Learning cards of "+pr.Name)
	p.Nav = "programs"
	base := "/programs/" + pr.ID + "/cards"
	s.render(w, r, http.StatusOK, "card_list", cardListPage{Page: p, Eyebrow: pr.Name, EyebrowLink: "/programs/" + pr.ID,
		Lead:  "What members of this program’s circles learned and released to the whole program, or to everyone. Cards kept in a circle, and drafts, are not shown here.",
		Cards: pg.Cards, First: firstLink(base, after), Next: nextLink(base, pg.Next), Badges: true})
}

func (s *Server) handleLearning(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	after := r.URL.Query().Get("after")
	pg, err := s.Cards.Org(r.Context(), u, after)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Learning")
	p.Nav = "learning"
	s.render(w, r, http.StatusOK, "card_list", cardListPage{Page: p,
		Lead:  "What colleagues learned in their peer-coaching circles, released by each of them, step by step, to the whole organisation. Never the case itself: only what they take from it.",
		Cards: pg.Cards, First: firstLink("/learning", after), Next: nextLink("/learning", pg.Next), Write: "/cards#write"})
}

func firstLink(base, after string) string {
	if after == "" {
		return ""
	}
	return base
}

func nextLink(base, next string) string {
	if next == "" {
		return ""
	}
	return base + "?after=" + url.QueryEscape(next)
}
