package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// pulsePage is a circle's pulse: the open round's questions, and the
// rounds the circle may see.
type pulsePage struct {
	Page
	*pulses.View
	Items     []pulseItem
	Labels    [7]string
	Cadences  []int
	Suggested string
	// Latest is the newest round shown, item by item.
	Latest *pulse.Point
}

// pulseItem is one statement of the scale, with its form field and, for
// the newest shown round, its mean.
type pulseItem struct {
	pulse.Item
	Field  string
	Chosen string
	Mean   float64
}

func (s *Server) handlePulseShow(w http.ResponseWriter, r *http.Request) {
	s.renderPulse(w, r, http.StatusOK, s.page(r, "Pulse"))
}

func (s *Server) renderPulse(w http.ResponseWriter, r *http.Request, status int, p Page) {
	u := auth.UserFromContext(r.Context())
	v, err := s.Pulses.Circle(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "circles"
	data := pulsePage{Page: p, View: v, Labels: pulse.Labels, Suggested: pulse.SuggestedItem}
	for n := pulse.MinCadence; n <= pulse.MaxCadence; n++ {
		data.Cadences = append(data.Cadences, n)
	}
	if n := len(v.Trend.Rounds); n > 0 {
		data.Latest = &v.Trend.Rounds[n-1]
	}
	for i, it := range pulse.Items {
		row := pulseItem{Item: it, Field: fmt.Sprintf("item%d", i+1)}
		row.Chosen = p.Form[row.Field]
		if data.Latest != nil {
			row.Mean = data.Latest.Items[i]
		}
		data.Items = append(data.Items, row)
	}
	s.render(w, r, status, "pulse", data)
}

func (s *Server) handlePulseAnswer(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	var a pulse.Answer
	keep := make([]string, len(a))
	for i := range a {
		keep[i] = fmt.Sprintf("item%d", i+1)
		// An unanswered or unreadable item stays 0, which Validate names.
		a[i], _ = strconv.Atoi(r.PostFormValue(keep[i]))
	}
	// A missing round is no round at all: the service says none is open.
	number, _ := strconv.Atoi(r.PostFormValue("round"))
	if err := s.Pulses.Answer(r.Context(), u, id, number, a); err != nil {
		s.form(w, r, err, "/circles/"+id+"/pulse", func(pr problem) {
			s.renderPulse(w, r, pr.status, s.page(r, "Pulse").withErrors(r, pr.Fields, keep...))
		})
		return
	}
	s.redirect(w, r, "/circles/"+id+"/pulse", "Thank you. Your answers were counted without your name.")
}

func (s *Server) handlePulseCadence(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	// Anything but a number is 0, which the service refuses by name.
	n, _ := strconv.Atoi(r.PostFormValue("cadence"))
	if err := s.Pulses.SetCadence(r.Context(), u, id, n); err != nil {
		s.fail(w, r, err, "/circles/"+id+"/pulse")
		return
	}
	every := "after every meeting"
	if n > 1 {
		every = fmt.Sprintf("every %d meetings", n)
	}
	s.redirect(w, r, "/circles/"+id+"/pulse", "The pulse is now asked "+every+".")
}

func (s *Server) handlePulseShare(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	agree := r.PostFormValue("agree") == "yes"
	if err := s.Pulses.SetShare(r.Context(), u, id, agree); err != nil {
		s.fail(w, r, err, "/circles/"+id+"/pulse")
		return
	}
	flash := "You withdrew your agreement: the circle’s pulse is not shared with the program’s admins."
	if agree {
		flash = "You agreed to share the circle’s pulse with the program’s admins. It is shared once every member agrees."
	}
	s.redirect(w, r, "/circles/"+id+"/pulse", flash)
}

// pulseAdminPage is an admin's view of the pulse: pools across circles,
// and one circle only where all its members chose to share it.
type pulseAdminPage struct {
	Page
	OrgPool  pulses.Pool
	Programs []pulseAdminProgram
	Items    [7]pulse.Item
	Minimum  int
	Circles  int
	// Shared counts every circle that shares; Listed, those on the page.
	Shared, Listed int
}

// pulseAdminProgram is one program's pool and the circles of it that
// chose to share their pulse.
type pulseAdminProgram struct {
	pulses.ProgramPool
	Shared []sharedPulse
}

// sharedPulse is a circle that shares its pulse, named as its program's
// review names it.
type sharedPulse struct {
	Label string
	pulses.SharedCircle
}

func (s *Server) handlePulseAdmin(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	org, programs, err := s.Pulses.Pools(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	shared, total, err := s.Pulses.Shared(r.Context(), u, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := pulseAdminPage{OrgPool: org, Items: pulse.Items, Minimum: pulse.PoolMinimum, Circles: pulse.PoolMinCircles,
		Shared: total, Listed: len(shared)}
	for _, pp := range programs {
		row := pulseAdminProgram{ProgramPool: pp}
		for _, c := range shared {
			if c.ProgramID == pp.Program.ID {
				label := "A circle formed by invitation"
				if c.Number > 0 {
					label = (&program.Circle{Number: c.Number}).Label(&pp.Program)
				}
				row.Shared = append(row.Shared, sharedPulse{Label: label, SharedCircle: c})
			}
		}
		data.Programs = append(data.Programs, row)
	}
	data.Page = s.page(r, "Psychological safety")
	data.Nav = "programs"
	s.render(w, r, http.StatusOK, "pulse_admin", data)
}
