package web

import (
	"net/http"
	"strings"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// fitCard is the fit check as a circle's page and its room ask it.
type fitCard struct {
	CircleID string
	Question string
	Fits     []pulse.Fit
	// Back is where the answer returns to ("room" for the room).
	Back string
	*pulses.FitView
}

func newFitCard(circleID string, v *pulses.FitView, back string) *fitCard {
	return &fitCard{CircleID: circleID, Question: pulse.FitQuestion, Fits: pulse.Fits, Back: back, FitView: v}
}

// fitPage is the fit check's own page: the question while it is open, and
// always what a member who is not at home in the circle may do.
type fitPage struct {
	Page
	Fit     *fitCard
	Rematch *pulses.Rematch
}

func (s *Server) handleFitShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	v, err := s.Pulses.Fit(r.Context(), u, id)
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	re, err := s.Pulses.RematchFor(r.Context(), u, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Is this circle a good fit?")
	p.Nav = "circles"
	s.render(w, r, http.StatusOK, "fit", fitPage{Page: p, Fit: newFitCard(id, v, ""), Rematch: re})
}

func (s *Server) handleFitAnswer(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	back := "/circles/" + id
	if m := r.PostFormValue("meeting"); m != "" && !strings.ContainsAny(m, "/?#.") {
		back += "/meetings/" + m + "/room"
	}
	re, err := s.Pulses.AnswerFit(r.Context(), u, id, pulse.Fit(r.PostFormValue("fit")))
	if err != nil {
		s.fail(w, r, err, back)
		return
	}
	if re != nil {
		// What a no is offered is shown to the member now and kept
		// nowhere: the page it leads to offers it to any member.
		s.redirect(w, r, "/circles/"+id+"/fit#rematch", "Thank you for saying so. Your answer was counted without your name; here is what you can do next.")
		return
	}
	s.redirect(w, r, back, "Thank you. Your answer was counted without your name.")
}
