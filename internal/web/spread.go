package web

import (
	"net/http"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/service/programs"
)

// spreadPage is "invite another team": what peer coaching is, in plain
// words, and a way to invite colleagues to a program's next opt-in.
type spreadPage struct {
	Page
	*programs.Spread
	Colleague personPicker
	// Chosen is the program picked when the form comes back after an
	// error.
	Chosen string
}

func (s *Server) handleSpreadShow(w http.ResponseWriter, r *http.Request) {
	s.renderSpread(w, r, http.StatusOK, s.page(r, "Invite another team"))
}

func (s *Server) renderSpread(w http.ResponseWriter, r *http.Request, status int, p Page) {
	u := auth.UserFromContext(r.Context())
	sp, err := s.Programs.SpreadFor(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "programs"
	s.render(w, r, status, "spread", spreadPage{Page: p, Spread: sp,
		Colleague: singlePicker(p, "colleague", nil, "Type a colleague's name"), Chosen: p.Form["program_id"]})
}

func (s *Server) handleSpreadInvite(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	to, unclear, err := s.pickPerson(r.Context(), r, u, "colleague")
	if err == nil && unclear != "" {
		err = fault.Fields(map[string]string{"colleague": unclear})
	} else if err == nil && to == "" {
		err = fault.Fields(map[string]string{"colleague": "Type the name of the colleague you would like to invite."})
	}
	if err == nil {
		err = s.Programs.InviteColleague(r.Context(), u, r.PostFormValue("program_id"), to)
	}
	if err != nil {
		s.form(w, r, err, "/spread", func(pr problem) {
			s.renderSpread(w, r, pr.status, s.page(r, "Invite another team").withErrors(r, pr.Fields, "colleague", "colleague_q", "program_id"))
		})
		return
	}
	s.redirect(w, r, "/spread", "Invitation sent. Joining is up to them, and you are not told whether they do.")
}

func (s *Server) handleSpreadAsk(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Programs.AskForProgram(r.Context(), u); err != nil {
		s.fail(w, r, err, "/spread")
		return
	}
	s.redirect(w, r, "/spread", "Your admins have been told you would like colleagues to be able to join.")
}

func (s *Server) handleSpreadProfile(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	show := r.PostFormValue("show") == "on"
	if err := s.Programs.ShowTakingPart(r.Context(), u, show); err != nil {
		s.fail(w, r, err, "/spread")
		return
	}
	msg := "Your profile no longer says that you take part in a circle."
	if show {
		msg = "Your profile now tells colleagues that you take part in a peer-coaching circle (never which)."
	}
	s.redirect(w, r, "/spread", msg)
}
