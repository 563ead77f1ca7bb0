package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/directory"
	"github.com/holdspace/holdspace/internal/service/programs"
)

const peoplePerPage = 50

type homePage struct {
	Page
	// People counts those still with the organisation; Invited the
	// invitations sent and not yet taken up, Held those held until a
	// program opens.
	People, Invited, Held int
	// Departments counts the organisation's departments.
	Departments int
	// OpenPrograms are open for opt-in and not yet joined by the viewer.
	OpenPrograms []program.Program
	// Practice is the viewer's own: their next meeting, what waits for
	// their answer, their open commitments.
	Practice *circles.Practice
	// NextWhen is the next meeting's time in the viewer's zone.
	NextWhen string
	// Attention is what needs an admin once they are past setup (people
	// imported and a program made); nil before, when the setup card shows.
	Attention *attention
}

// attention is what needs an admin, each a count with where to act on it.
type attention struct {
	Drafts  []programs.Draft
	Stalled []programCount
	// Struggling are the programs with circles whose attendance fell
	// below half for three held meetings in a row.
	Struggling []programCount
	Invited    int
	// Closing are programs whose opt-in closes within closingSoon.
	Closing []program.Program
}

// programCount is a count of something in one program.
type programCount struct {
	ID, Name string
	Count    int
}

// closingSoon is how near an opt-in's close must be for an admin's home to
// mention it: time for one more reminder.
const closingSoon = 7 * 24 * time.Hour

// draftsShown bounds the unpublished proposals an admin's home lists.
const draftsShown = 5

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	ctx := r.Context()
	sum, err := s.Directory.Summarize(ctx, u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := homePage{Page: s.page(r, "Home"), People: sum.People, Invited: sum.Invited, Held: sum.Held, Departments: sum.Departments}
	data.Nav = "home"
	// An admin's home weighs every program for what needs them; a
	// member's reads only the programs they may still join.
	var views []programs.ProgramView
	if u.IsAdmin() {
		if views, err = s.Programs.Programs(ctx, u); err != nil {
			s.Error(w, r, err)
			return
		}
		for _, v := range views {
			if v.Open && v.IsFor(u.Department) && !v.OptedIn && !v.Matched {
				data.OpenPrograms = append(data.OpenPrograms, v.Program)
			}
		}
	} else if data.OpenPrograms, err = s.Programs.Joinable(ctx, u); err != nil {
		s.Error(w, r, err)
		return
	}
	if data.Practice, err = s.Circles.Practice(ctx, u); err != nil {
		s.Error(w, r, err)
		return
	}
	if next := data.Practice.Next; next != nil {
		data.NextWhen = localTime(next.Start, u.Timezone, true)
	}
	// Past setup is people brought in (beyond the admin) and a program
	// made: from then on the home shows what needs the admin.
	if u.IsAdmin() && sum.People > 1 && len(views) > 0 {
		if data.Attention, err = s.attention(ctx, u, views, sum.Invited); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "home", data)
}

// attention reads what needs an admin: proposals to publish, circles that
// stalled, people not yet joined and opt-ins about to close; views are the
// organisation's programs, already read for the page.
func (s *Server) attention(ctx context.Context, u *account.User, views []programs.ProgramView, invited int) (*attention, error) {
	a := &attention{Invited: invited}
	var err error
	if a.Drafts, err = s.Programs.Drafts(ctx, u, draftsShown); err != nil {
		return nil, err
	}
	stalled, err := s.Circles.Stalled(ctx, u)
	if err != nil {
		return nil, err
	}
	struggling, err := s.Circles.Struggling(ctx, u)
	if err != nil {
		return nil, err
	}
	now := s.Programs.Now()
	for _, v := range views {
		if n := stalled[v.ID]; n > 0 {
			a.Stalled = append(a.Stalled, programCount{ID: v.ID, Name: v.Name, Count: n})
		}
		if n := struggling[v.ID]; n > 0 {
			a.Struggling = append(a.Struggling, programCount{ID: v.ID, Name: v.Name, Count: n})
		}
		if v.Open && v.OptInCloses.Sub(now) <= closingSoon {
			a.Closing = append(a.Closing, v.Program)
		}
	}
	return a, nil
}

type peoplePage struct {
	Page
	People []personRow
	// Total counts everyone listed across the pages; Left, those of them
	// who have left (admins see them), whom the headline counts apart.
	Total, Left int
	Query       string
	Department  string
	Departments []string
	// Manager, when set, narrows the list to their direct reports.
	Manager *account.User
	// Prev and Next link the pages before and after; empty at the ends.
	Prev, Next string
	// Held counts the invitations held until a program opens (admins).
	Held int
}

// personRow is a person as the directory lists them, with what the row
// shows decided here rather than in the template, where each comparison
// and function is a reflected call, fifty times a page. Its fields are its
// own, not an embedded account.User's: a template looks up a promoted
// field by a search through the embedded structs, which allocates.
type personRow struct {
	ID, Name, Email, Department, Timezone string
	Level                                 int
	Initials                              string
	// ManagerID and Manager are the manager's id and name.
	ManagerID, Manager string
	// Badge is the person's standing when it is not simply active;
	// BadgeMuted greys it (a deactivated person). RoleAdmin marks an admin.
	Badge      string
	BadgeMuted bool
	RoleAdmin  bool
}

// personRows are people's rows, with their managers' names from
// managers; only an admin sees that an invitation is held.
func personRows(people []account.User, managers map[string]string, admin bool) []personRow {
	rows := make([]personRow, len(people))
	for i, p := range people {
		r := personRow{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department, Timezone: p.Timezone, Level: p.Level,
			Initials: initials(p.Name), ManagerID: p.ManagerID, Manager: managers[p.ManagerID], RoleAdmin: p.Role == account.RoleAdmin}
		switch {
		case p.Deactivated():
			r.Badge, r.BadgeMuted = "deactivated", true
		case admin && p.InvitationHeld:
			r.Badge = "invitation held"
		case p.Status == account.StatusInvited:
			r.Badge = "invited"
		}
		rows[i] = r
	}
	return rows
}

func (s *Server) handlePeopleIndex(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	q := r.URL.Query()
	f := directory.Filter{Query: q.Get("q"), Department: q.Get("department"), ManagerID: q.Get("manager"),
		After: q.Get("after"), Before: q.Get("before"), Limit: peoplePerPage, WithDeactivated: u.IsAdmin()}
	data := peoplePage{Page: s.page(r, "People"), Query: f.Query, Department: f.Department}
	data.Nav = "people"
	if f.ManagerID != "" {
		m, err := s.Directory.Person(r.Context(), u, f.ManagerID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		data.Manager = m
		data.Title = "Reports of " + m.Name
	}
	page, err := s.Directory.People(r.Context(), u, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.Total, data.Left = page.Total, page.Left
	link := func(key, id string) string {
		v := url.Values{}
		for k, val := range map[string]string{"q": f.Query, "department": f.Department, "manager": f.ManagerID, key: id} {
			if val != "" {
				v.Set(k, val)
			}
		}
		return "/people?" + v.Encode()
	}
	if page.Prev != "" {
		data.Prev = link("before", page.Prev)
	}
	if page.Next != "" {
		data.Next = link("after", page.Next)
	}
	if data.Departments, err = s.Directory.Departments(r.Context(), u); err != nil {
		s.Error(w, r, err)
		return
	}
	managers, err := s.Directory.ManagerNames(r.Context(), u, page.People)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.People = personRows(page.People, managers, u.IsAdmin())
	if u.IsAdmin() {
		if data.Held, err = s.Directory.HeldInvitations(r.Context(), u); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "people", data)
}

type chartPage struct {
	Page
	*people.Chart
}

func (s *Server) handlePeopleChart(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	c, err := s.Directory.Chart(r.Context(), u, r.URL.Query().Get("at"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Org chart")
	p.Nav = "chart"
	s.render(w, r, http.StatusOK, "chart", chartPage{Page: p, Chart: c})
}

type personPage struct {
	Page
	Person      *account.User
	Manager     *account.User
	Reports     []account.User
	ReportCount int
	// TakesPart: the person, a leader, chose to show colleagues that
	// they take part in a peer-coaching circle, and does.
	TakesPart bool
}

func (s *Server) handlePersonShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	prof, err := s.Directory.Profile(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := personPage{Page: s.page(r, prof.Person.Name), Person: prof.Person, Manager: prof.Manager, Reports: prof.Reports,
		ReportCount: prof.ReportCount}
	if data.TakesPart, err = s.Programs.TakesPart(r.Context(), u, prof.Person.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	data.Nav = "people"
	s.render(w, r, http.StatusOK, "person", data)
}

type invitePage struct {
	Page
	Manager   personPicker
	Timezones []string
}

func (s *Server) handleInviteForm(w http.ResponseWriter, r *http.Request) {
	s.renderInvite(w, r, http.StatusOK, s.page(r, "Invite someone"))
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, p Page) {
	p.Nav = "people"
	s.render(w, r, status, "invite", invitePage{Page: p, Manager: singlePicker(p, "manager_id", nil, "Type a name or an email address"),
		Timezones: timezones})
}

func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	in := account.NewPerson{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Department: r.PostFormValue("department"),
		Timezone: r.PostFormValue("timezone"), Role: account.Role(r.PostFormValue("role"))}
	manager, unclear, err := s.pickPerson(r.Context(), r, u, "manager_id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in.ManagerID = manager
	if lv := r.PostFormValue("level"); lv != "" {
		if in.Level, err = strconv.Atoi(lv); err != nil {
			in.Level = -1 // reported by validation
		}
	}
	var person *account.User
	if unclear == "" {
		person, err = s.Directory.Invite(r.Context(), u, in)
	}
	if unclear != "" || err != nil {
		if unclear != "" {
			err = withFields(err, map[string]string{"manager_id": unclear})
		}
		s.form(w, r, err, "", func(pr problem) {
			s.renderInvite(w, r, pr.status, s.page(r, "Invite someone").withErrors(r, pr.Fields,
				"name", "email", "department", "manager_id", "manager_id_q", "timezone", "level", "role"))
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
	person, err := s.Directory.ChangeRole(r.Context(), u, r.PathValue("id"), account.Role(r.PostFormValue("role")))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/people/"+person.ID, person.Name+" is now "+string(person.Role)+".")
}

type importPage struct {
	Page
	Preview *people.Preview
	// Counts counts the preview's rows by what importing them would do.
	Counts importCounts
	// CSV is the checked file, sent again with the confirmation so that
	// nothing is kept on the server between the two steps.
	CSV string
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Import people")
	p.Nav = "people"
	s.render(w, r, http.StatusOK, "import", importPage{Page: p})
}

type importCounts struct{ New, Changed, Unchanged, Problem int }

func countRows(p *people.Preview) importCounts {
	var c importCounts
	if p == nil {
		return c
	}
	for _, r := range p.Rows {
		switch r.Status {
		case people.StatusNew:
			c.New++
		case people.StatusChanged:
			c.Changed++
		case people.StatusUnchanged:
			c.Unchanged++
		default:
			c.Problem++
		}
	}
	return c
}

// readCSV takes the file from an upload or from the pasted text.
func readCSV(r *http.Request) ([]byte, error) {
	// Request parsing, not a service's answer: a pasted file comes as a
	// plain form, which is no error here.
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
	s.render(w, r, status, "import_preview", importPage{Page: p, Preview: preview, Counts: countRows(preview), CSV: string(data)})
}

func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	data := []byte(r.PostFormValue("csv"))
	hold := r.PostFormValue("invitations") == "hold"
	preview, written, err := s.Directory.Import(r.Context(), u, data, hold)
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			p := s.page(r, "Import people")
			p.Nav = "people"
			if preview == nil || preview.OK() {
				// A preview with problems shows them itself, row by row.
				p.Errors = pr.Fields
			}
			s.render(w, r, pr.status, "import_preview", importPage{Page: p, Preview: preview, Counts: countRows(preview), CSV: string(data)})
		})
		return
	}
	added, changed := 0, 0
	for _, p := range written {
		if p.Version == 0 {
			added++
		} else {
			changed++
		}
	}
	msg := strconv.Itoa(added) + " people added"
	switch {
	case added == 0:
		msg = "Nobody added"
	case hold:
		msg += " (invitations held until you send them)"
	default:
		msg += " and invited"
	}
	s.redirect(w, r, "/people", msg+", "+strconv.Itoa(changed)+" updated.")
}
