package web

import (
	"net/http"
	"strconv"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/circles"
)

// pausePage is a member's private "pause for a while, or leave?" page.
type pausePage struct {
	Page
	*circles.Standing
}

func (s *Server) handlePauseShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	st, err := s.Circles.Standing(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := pausePage{Page: s.page(r, "Pause for a while, or leave?"), Standing: st}
	data.Nav = "circles"
	s.render(w, r, http.StatusOK, "pause", data)
}

func (s *Server) handlePause(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	weeks, _ := strconv.Atoi(r.PostFormValue("weeks"))
	end, err := s.Circles.Pause(r.Context(), u, id, weeks)
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"/pause")
		return
	}
	if loc, err := account.Location(u.Timezone); err == nil {
		end = end.In(loc)
	}
	s.redirect(w, r, "/circles/"+id, "You're pausing until "+end.Format("Monday 2 January")+". Welcome back then.")
}

func (s *Server) handleResume(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	if err := s.Circles.Resume(r.Context(), u, id); err != nil {
		s.fail(w, r, err, "/circles/"+id+"/pause")
		return
	}
	s.redirect(w, r, "/circles/"+id, "Welcome back. Your meetings remind you again.")
}
