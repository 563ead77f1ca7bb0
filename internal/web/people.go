package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

const peoplePerPage = 50

type homePage struct {
	Page
	People, Invited int
	Departments     []string
	// OpenPrograms are open for opt-in and not yet joined by the viewer.
	OpenPrograms []program.Program
	// Waiting counts proposals that wait for the viewer's answer.
	Waiting int
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	all, total, err := s.DB.FindUsers(r.Context(), u.OrgID, store.UserFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	invited := 0
	depts := map[string]bool{}
	var names []string
	for _, p := range all {
		if p.Status == account.StatusInvited {
			invited++
		}
		if p.Department != "" && !depts[p.Department] {
			depts[p.Department] = true
			names = append(names, p.Department)
		}
	}
	data := homePage{Page: s.page(r, "Home"), People: total, Invited: invited, Departments: names}
	data.Nav = "home"
	views, err := s.Programs.Programs(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, v := range views {
		if v.Open && !v.OptedIn && !v.Matched {
			data.OpenPrograms = append(data.OpenPrograms, v.Program)
		}
	}
	circles, err := s.DB.FindCircles(r.Context(), u.OrgID, store.CircleFilter{UserID: u.ID, Status: []program.CircleStatus{program.Pending}})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, c := range circles {
		if m := c.Member(u.ID); m != nil && m.Response == program.Undecided {
			data.Waiting++
		}
	}
	s.render(w, r, http.StatusOK, "home", data)
}

type peoplePage struct {
	Page
	People      []account.User
	Managers    map[string]string
	Total       int
	Query       string
	Department  string
	Departments []string
	PageNum     int
	Pages       int
}

func (s *Server) handlePeopleIndex(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	pageNum = max(pageNum, 1)
	list, total, err := s.DB.FindUsers(r.Context(), u.OrgID, store.UserFilter{Query: q.Get("q"), Department: q.Get("department"),
		Limit: peoplePerPage, Offset: (pageNum - 1) * peoplePerPage})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	depts, err := s.DB.FindDepartments(r.Context(), u.OrgID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	managers, err := s.managerNames(r, list)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "People")
	p.Nav = "people"
	s.render(w, r, http.StatusOK, "people", peoplePage{Page: p, People: list, Managers: managers, Total: total,
		Query: q.Get("q"), Department: q.Get("department"), Departments: depts,
		PageNum: pageNum, Pages: max(1, (total+peoplePerPage-1)/peoplePerPage)})
}

// managerNames looks up the managers of list in one query's worth of work.
func (s *Server) managerNames(r *http.Request, list []account.User) (map[string]string, error) {
	names := map[string]string{}
	for _, p := range list {
		names[p.ID] = p.Name
	}
	var missing bool
	for _, p := range list {
		if p.ManagerID != "" && names[p.ManagerID] == "" {
			missing = true
			break
		}
	}
	if missing {
		all, _, err := s.DB.FindUsers(r.Context(), list[0].OrgID, store.UserFilter{})
		if err != nil {
			return nil, err
		}
		for _, p := range all {
			names[p.ID] = p.Name
		}
	}
	return names, nil
}

type chartPage struct {
	Page
	Roots []*people.Node
	Total int
}

func (s *Server) handlePeopleChart(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	all, total, err := s.DB.FindUsers(r.Context(), u.OrgID, store.UserFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Org chart")
	p.Nav = "chart"
	s.render(w, r, http.StatusOK, "chart", chartPage{Page: p, Roots: people.Tree(all), Total: total})
}

type personPage struct {
	Page
	Person  *account.User
	Manager *account.User
	Reports []account.User
}

func (s *Server) handlePersonShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	person, err := s.DB.FindUserByID(r.Context(), u.OrgID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := personPage{Page: s.page(r, person.Name), Person: person}
	data.Nav = "people"
	if person.ManagerID != "" {
		if data.Manager, err = s.DB.FindUserByID(r.Context(), u.OrgID, person.ManagerID); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	all, _, err := s.DB.FindUsers(r.Context(), u.OrgID, store.UserFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, p := range all {
		if p.ManagerID == person.ID {
			data.Reports = append(data.Reports, p)
		}
	}
	s.render(w, r, http.StatusOK, "person", data)
}

type invitePage struct {
	Page
	People    []account.User
	Timezones []string
}

func (s *Server) handleInviteForm(w http.ResponseWriter, r *http.Request) {
	s.renderInvite(w, r, http.StatusOK, s.page(r, "Invite someone"))
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, p Page) {
	u := auth.UserFromContext(r.Context())
	all, _, err := s.DB.FindUsers(r.Context(), u.OrgID, store.UserFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "people"
	s.render(w, r, status, "invite", invitePage{Page: p, People: all, Timezones: timezones})
}

func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	in := store.NewPerson{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Department: r.PostFormValue("department"),
		ManagerID: r.PostFormValue("manager_id"), Timezone: r.PostFormValue("timezone"), Role: account.Role(r.PostFormValue("role"))}
	var err error
	if lv := r.PostFormValue("level"); lv != "" {
		if in.Level, err = strconv.Atoi(lv); err != nil {
			in.Level = -1 // reported by validation
		}
	}
	person, err := s.Directory.Invite(r.Context(), u, in)
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			s.renderInvite(w, r, pr.status, s.page(r, "Invite someone").withErrors(r, pr.Fields,
				"name", "email", "department", "manager_id", "timezone", "level", "role"))
		})
		return
	}
	s.redirect(w, r, "/people/"+person.ID, "Invitation sent to "+person.Email+".")
}

func (s *Server) handleInviteResend(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Directory.ResendInvitation(r.Context(), u, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/people/"+r.PathValue("id"), "A new invitation is on its way; the old link no longer works.")
}

func (s *Server) handleRoleChange(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	person, err := s.DB.UpdateUserRole(r.Context(), u.OrgID, r.PathValue("id"), account.Role(r.PostFormValue("role")))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/people/"+person.ID, person.Name+" is now "+string(person.Role)+".")
}

type importPage struct {
	Page
	Preview *people.Preview
	// CSV is the checked file, sent again with the confirmation so that
	// nothing is kept on the server between the two steps.
	CSV string
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Import people")
	p.Nav = "people"
	s.render(w, r, http.StatusOK, "import", importPage{Page: p})
}

// readCSV takes the file from an upload or from the pasted text.
func readCSV(r *http.Request) ([]byte, error) {
	if err := r.ParseMultipartForm(maxImportBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, err
	}
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, people.MaxBytes+1))
	}
	return []byte(r.PostFormValue("csv")), nil
}

func (s *Server) handleImportPreview(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	data, err := readCSV(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Import people")
	p.Nav = "people"
	if len(data) == 0 {
		p.Errors = map[string]string{"file": "Choose a CSV file or paste its contents."}
		s.render(w, r, http.StatusUnprocessableEntity, "import", importPage{Page: p})
		return
	}
	preview, err := s.Directory.PreviewImport(r.Context(), u, data)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if !preview.OK() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "import_preview", importPage{Page: p, Preview: preview, CSV: string(data)})
}

func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	data := []byte(r.PostFormValue("csv"))
	preview, created, err := s.Directory.Import(r.Context(), u, data)
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			p := s.page(r, "Import people")
			p.Nav = "people"
			p.Errors = pr.Fields
			s.render(w, r, pr.status, "import_preview", importPage{Page: p, Preview: preview, CSV: string(data)})
		})
		return
	}
	s.redirect(w, r, "/people", strconv.Itoa(len(created))+" people imported and invited.")
}
