package web

import (
	"net/http"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/circles"
)

// nextPage is the invitation at the end of a circle's season: continue
// together, re-form in the next round, or bring peer coaching to another
// team.
type nextPage struct {
	Page
	*circles.Home
	// Open are the programs open for opt-in that the member has not
	// joined.
	Open []program.Program
}

func (s *Server) handleCircleNext(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	h, err := s.Circles.Home(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	views, err := s.Programs.Programs(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := nextPage{Page: s.page(r, "What next?"), Home: h}
	data.Nav = "circles"
	for _, v := range views {
		if v.Open && !v.Matched {
			data.Open = append(data.Open, v.Program)
		}
	}
	s.render(w, r, http.StatusOK, "circle_next", data)
}
