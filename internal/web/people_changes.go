package web

import (
	"net/http"
	"strconv"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/directory"
)

type personEditPage struct {
	Page
	Person    *account.User
	Manager   personPicker
	Timezones []string
}

var personEditFields = []string{"name", "department", "manager_id", "manager_id_q", "level", "timezone", "role", "version"}

func (s *Server) handlePersonEditForm(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := auth.RequireAdmin(u); err != nil {
		s.Error(w, r, err)
		return
	}
	prof, err := s.Directory.Profile(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := prof.Person
	page := s.page(r, "Edit "+p.Name)
	page.Form = map[string]string{"name": p.Name, "department": p.Department, "level": strconv.Itoa(p.Level),
		"timezone": p.Timezone, "role": string(p.Role), "version": strconv.Itoa(p.Version)}
	s.renderPersonEdit(w, r, http.StatusOK, page, p, prof.Manager)
}

func (s *Server) renderPersonEdit(w http.ResponseWriter, r *http.Request, status int, p Page, person, manager *account.User) {
	p.Nav = "people"
	s.render(w, r, status, "person_edit", personEditPage{Page: p, Person: person,
		Manager: singlePicker(p, "manager_id", manager, "Type a name or an email address"), Timezones: timezones})
}

// formVersion reads the version a form was drawn from; a missing one
// means the person as they are now.
func formVersion(r *http.Request) *int {
	v, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return nil
	}
	return &v
}

func (s *Server) handlePersonEdit(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	person, err := s.Directory.Person(r.Context(), u, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e := directory.Edit{Name: r.PostFormValue("name"), Department: r.PostFormValue("department"),
		Timezone: r.PostFormValue("timezone"), Role: account.Role(r.PostFormValue("role")), Version: formVersion(r)}
	manager, unclear, err := s.pickPerson(r.Context(), r, u, "manager_id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e.ManagerID = manager
	if e.Level, err = strconv.Atoi(r.PostFormValue("level")); err != nil && r.PostFormValue("level") != "" {
		e.Level = -1 // reported by validation
	}
	var changed *account.User
	if unclear == "" {
		changed, err = s.Directory.EditPerson(r.Context(), u, id, e)
	}
	if unclear != "" || err != nil {
		if unclear != "" {
			err = withFields(err, map[string]string{"manager_id": unclear})
		}
		s.form(w, r, err, "", func(pr problem) {
			s.renderPersonEdit(w, r, pr.status, s.page(r, "Edit "+person.Name).withErrors(r, pr.Fields, personEditFields...), person, nil)
		})
		return
	}
	s.redirect(w, r, "/people/"+changed.ID, "Saved "+changed.Name+".")
}

func (s *Server) handlePersonDeactivate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	person, err := s.Directory.Deactivate(r.Context(), u, r.PathValue("id"), formVersion(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/people/"+person.ID, person.Name+" is deactivated: signed out, out of their circles, and no longer found or matched.")
}

func (s *Server) handlePersonReactivate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	person, err := s.Directory.Reactivate(r.Context(), u, r.PathValue("id"), formVersion(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	msg := person.Name + " is active again and can sign in."
	if person.Status == account.StatusInvited {
		msg = person.Name + " is active again; a new invitation is on its way."
	}
	s.redirect(w, r, "/people/"+person.ID, msg)
}

func (s *Server) handleHeldRelease(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	n, err := s.Directory.ReleaseHeld(r.Context(), u, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/people", strconv.Itoa(n)+" held invitations sent.")
}
