package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

type programsPage struct {
	Page
	// Current are the programs not closed; Archived those that are,
	// shown folded unless ?archived=1 asks for them.
	Current, Archived []programCard
	ShowArchived      bool
}

// programCard is a program as its card shows it, with the viewer's zone
// for its dates (the card's template sees only the card). Its fields are
// named, not embedded: a template finds an embedded struct's field by a
// breadth-first search of every field on every lookup, which on a list
// of programs was a sixth of the page's time.
type programCard struct {
	Program        program.Program
	Status         program.Status
	Open, Upcoming bool
	Membership     program.Membership
	Loc            *time.Location
}

func (s *Server) handleProgramsIndex(w http.ResponseWriter, r *http.Request) {
	views, err := s.Programs.Programs(r.Context(), auth.UserFromContext(r.Context()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Programs")
	p.Nav = "programs"
	data := programsPage{Page: p, ShowArchived: r.URL.Query().Get("archived") == "1"}
	for _, v := range views {
		card := programCard{Program: v.Program, Status: v.Status, Open: v.Open, Upcoming: v.Upcoming, Membership: v.Membership, Loc: p.Loc}
		if v.Status == program.Closed {
			data.Archived = append(data.Archived, card)
		} else {
			data.Current = append(data.Current, card)
		}
	}
	s.render(w, r, http.StatusOK, "programs", data)
}

type programFormPage struct {
	Page
	Program *program.Program
	Edit    bool
	// Departments are the organisation's, each marked if the program is
	// for it.
	Departments []departmentChoice
}

type departmentChoice struct {
	Name   string
	Chosen bool
}

// renderProgramForm shows the program form with the organisation's
// departments to choose the audience from.
func (s *Server) renderProgramForm(w http.ResponseWriter, r *http.Request, status int, pg Page, p *program.Program, edit bool) {
	names, err := s.Directory.Departments(r.Context(), auth.UserFromContext(r.Context()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := programFormPage{Page: pg, Program: p, Edit: edit}
	for _, n := range names {
		data.Departments = append(data.Departments, departmentChoice{Name: n, Chosen: slices.Contains(p.Departments, n)})
	}
	pg.Nav = "programs"
	data.Page = pg
	s.render(w, r, status, "program_form", data)
}

// programForm reads the program form; dates are taken in the admin's own
// time zone.
func (s *Server) programForm(r *http.Request, p *program.Program) map[string]string {
	u := auth.UserFromContext(r.Context())
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	errs := map[string]string{}
	p.Name, p.Purpose = r.PostFormValue("name"), r.PostFormValue("purpose")
	p.Format, p.Cadence, p.Protocol = program.Format(r.PostFormValue("format")), program.Cadence(r.PostFormValue("cadence")), program.Protocol(r.PostFormValue("protocol"))
	p.AllowRepeat = r.PostFormValue("allow_repeat") == "on"
	for field, dst := range map[string]*int{"min_size": &p.MinSize, "max_size": &p.MaxSize, "session_minutes": &p.SessionMinutes} {
		if v := r.PostFormValue(field); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs[field] = "Use a whole number."
			}
			*dst = n
		}
	}
	if p.Format == program.FormatPair {
		p.Protocol = program.PairProtocol
	}
	p.Departments = nil
	if r.PostFormValue("audience") == "departments" {
		p.Departments = r.PostForm["departments"]
		if len(p.Departments) == 0 {
			errs["departments"] = "Choose at least one department, or everyone."
		}
	}
	for field, dst := range map[string]*time.Time{"opt_in_opens": &p.OptInOpens, "opt_in_closes": &p.OptInCloses, "ends_at": &p.EndsAt} {
		v := r.PostFormValue(field)
		if v == "" {
			*dst = time.Time{}
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			errs[field] = "Use a date such as 2026-03-01."
			continue
		}
		if field != "opt_in_opens" {
			// The last day is included: opt-in, or the program, ends at
			// its midnight.
			t = t.AddDate(0, 0, 1)
		}
		*dst = t
	}
	return errs
}

func (s *Server) handleProgramNew(w http.ResponseWriter, r *http.Request) {
	now := s.Programs.Now()
	p := &program.Program{OptInOpens: now, OptInCloses: now.AddDate(0, 0, 14)}
	p.Defaults()
	s.renderProgramForm(w, r, http.StatusOK, s.page(r, "New program"), p, false)
}

func (s *Server) handleProgramCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	p := &program.Program{}
	errs := s.programForm(r, p)
	if err := withFields(s.Programs.CreateProgram(r.Context(), u, p), errs); err != nil {
		s.form(w, r, err, "", func(pr problem) {
			pg := s.page(r, "New program")
			pg.Errors = pr.Fields
			s.renderProgramForm(w, r, pr.status, pg, p, false)
		})
		return
	}
	loc, _ := account.Location(u.Timezone)
	msg := "Program created as a draft. Everyone it is for will be emailed when its opt-in opens on " + date(loc, p.OptInOpens) + "."
	if p.AnnouncedAt != nil {
		msg = "Program created and opened: everyone it is for has been emailed an invitation to opt in."
	}
	s.redirect(w, r, "/programs/"+p.ID, msg)
}

func (s *Server) handleProgramEdit(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	p, err := s.Programs.Program(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderProgramForm(w, r, http.StatusOK, s.page(r, "Edit "+p.Name), p, true)
}

func (s *Server) handleProgramUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	p, err := s.Programs.Program(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	errs := s.programForm(r, p)
	if err := withFields(s.Programs.UpdateProgram(r.Context(), u, p), errs); err != nil {
		s.form(w, r, err, "", func(pr problem) {
			pg := s.page(r, "Edit "+p.Name)
			pg.Errors = pr.Fields
			s.renderProgramForm(w, r, pr.status, pg, p, true)
		})
		return
	}
	s.redirect(w, r, "/programs/"+p.ID, "Program saved.")
}

type programPage struct {
	Page
	Program *program.Program
	Status  program.Status
	Open    bool
	// ForYou: the person is in the program's audience.
	ForYou bool
	// For admins: how many people the program is for, and why they may
	// not remind those not yet joined now (empty when they may).
	AudienceCount int
	RemindBlocked string
	OptIn         *program.OptIn
	Matched       bool
	// For admins.
	Participants *programs.ParticipantPage
	// After is the participants page's cursor (?after=), FormedPage the
	// page of formed circles (?circles=).
	After      string
	FormedPage int
	Rounds     []program.Round
	Declines   []declineCount
	// Published circles, by who is in them and how they are doing, never
	// what they say: admins never see inside them. Formed is one page of
	// FormedTotal, numbered from FormedFirst; Small are those below the
	// minimum, on every page. Stalled counts the circles that have not met
	// for two cadence periods; StalledOnly (?stalled=1) lists just them.
	Formed                   []healthRow
	Small                    []formedCircle
	FormedTotal, FormedFirst int
	FormedPrev, FormedNext   string
	Stalled                  int
	StalledOnly              bool
	// Fit is the program's fit checks as an admin may see them: how many
	// circles answered, how many have a fit concern, and the pooled
	// answers over the thresholds.
	Fit pulses.FitConcerns
	// Struggling counts the circles fewer than half of whose members came
	// to each of their last three held meetings.
	Struggling int
	Departures []circle.Departure
	// Colleague picks someone to invite to pair, for a member waiting in
	// a pair program.
	Colleague *personPicker
}

type formedCircle struct {
	ID    string
	Names []string
	Below bool
}

// healthRow is one circle on its program's page: its members' names and
// its health, with the dates in the reader's zone and the words decided
// here. Its fields are its own rather than an embedded circle.Health's:
// a template finds a promoted field by a search that allocates, and a
// page lists a dozen circles of a dozen facts each.
type healthRow struct {
	ID    string
	Names string
	Size  int
	// Finished is the day its program closed on it; empty while it runs.
	Finished string
	State    circle.HealthState
	// Consent says it is still waiting for its members to say yes, of
	// whom Accepted have.
	Consent  bool
	Accepted int
	// Meetings says how many it held against how many were expected.
	Meetings string
	// Last and Next are the days it last met and meets next; empty when
	// none.
	Last, Next string
	// Attendance is in percent; empty before any meeting was held.
	Attendance          string
	Stalled, Struggling bool
	// Class colours the state's badge.
	Class string
	// FitConcern: at least two of its members said it is not a good fit.
	FitConcern bool
}

// newHealthRow is circle c's row, with its dates in loc.
func newHealthRow(c circles.CircleHealth, loc *time.Location) healthRow {
	h := c.Health
	row := healthRow{ID: c.ID, Size: len(c.Members), State: h.State, Consent: h.State == circle.AwaitingConsent, Accepted: h.Accepted,
		Stalled: h.Stalled, Struggling: h.Struggling, Class: healthClasses[c.State]}
	names := make([]string, len(c.Members))
	for i, m := range c.Members {
		names[i] = m.Name
	}
	row.Names = strings.Join(names, ", ")
	if c.FinishedAt != nil {
		row.Finished = date(loc, *c.FinishedAt)
	}
	switch {
	case h.Expected > 0:
		row.Meetings = strconv.Itoa(h.Held) + " of " + strconv.Itoa(h.Expected) + " expected"
	case h.Held > 0:
		row.Meetings = strconv.Itoa(h.Held) + " held"
	}
	if !h.Last.IsZero() {
		row.Last = date(loc, h.Last)
	}
	if !h.Next.IsZero() {
		row.Next = date(loc, h.Next)
	}
	if h.Attendance >= 0 {
		row.Attendance = strconv.Itoa(h.Attendance) + "%"
	}
	return row
}

// healthClasses colour a circle's state: calm when it meets, warm when it
// needs a look.
var healthClasses = map[circle.HealthState]string{
	circle.Regular:      "accent",
	circle.Overdue:      "warm",
	circle.BelowMinimum: "warm",
	circle.Unscheduled:  "warm",
}

type declineCount struct {
	Label string
	Count int
}

// participantsPerPage is how many participants a program's page lists
// at a time: about as many as a small program has, so that a program of
// thousands costs its admin's page no more than a small one; the rest
// are a "next" link away.
const participantsPerPage = 25

func (s *Server) handleProgramShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	// The program's page calls many services, each checking the program:
	// it is read once.
	ctx := service.Remember(r.Context())
	p, err := s.Programs.Program(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.Programs.Now()
	data := programPage{Page: s.page(r, p.Name), Program: p, Status: p.Status(now), Open: p.OptInOpen(now), ForYou: p.IsFor(u.Department),
		After: r.URL.Query().Get("after")}
	data.FormedPage, _ = strconv.Atoi(r.URL.Query().Get("circles"))
	data.StalledOnly = r.URL.Query().Get("stalled") == "1"
	data.Nav = "programs"
	o, optedIn, err := s.Programs.MyOptInOrNew(ctx, u, p.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if optedIn {
		data.OptIn = o
	}
	if data.Matched, err = s.Programs.Matched(ctx, u, p.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	if p.Format == program.FormatPair && optedIn && !data.Matched {
		data.Colleague = &personPicker{Field: "to_user", InputID: "to_user", Placeholder: "Type a colleague's name"}
	}
	if u.IsAdmin() {
		if err := s.programAdmin(ctx, u, &data); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "program", data)
}

// programAdmin adds to data what an admin sees of its program: who opted
// in, the rounds, why people declined, the circles formed and who left.
func (s *Server) programAdmin(ctx context.Context, u *account.User, data *programPage) error {
	id := data.Program.ID
	var err error
	if data.Participants, err = s.Programs.Participants(ctx, u, id, data.After, participantsPerPage); err != nil {
		return err
	}
	if data.Rounds, err = s.Programs.Rounds(ctx, u, id); err != nil {
		return err
	}
	counts, err := s.Programs.DeclineCounts(ctx, u, id)
	if err != nil {
		return err
	}
	formed, err := s.Circles.Overview(ctx, u, id, data.FormedPage, data.StalledOnly)
	if err != nil {
		return err
	}
	for _, c := range formed.Circles {
		data.Formed = append(data.Formed, newHealthRow(c, data.Loc))
	}
	ids := make([]string, len(data.Formed))
	for i, row := range data.Formed {
		ids[i] = row.ID
	}
	concerns, err := s.Pulses.FitConcernIn(ctx, u, ids)
	if err != nil {
		return err
	}
	for i := range data.Formed {
		data.Formed[i].FitConcern = concerns[data.Formed[i].ID]
	}
	if data.Fit, err = s.Pulses.ProgramFit(ctx, u, id); err != nil {
		return err
	}
	data.Small = formedCircles(formed.Small, data.Program.MinSize)
	data.FormedTotal, data.FormedFirst, data.Stalled = formed.Total, formed.First, formed.Stalled
	data.Struggling = formed.Struggling
	pageLink := func(n int) string {
		q := "?circles=" + strconv.Itoa(n)
		if data.StalledOnly {
			q += "&stalled=1"
		}
		return "/programs/" + id + q + "#circles"
	}
	pageNum := (formed.First-1)/circles.OverviewPageSize + 1
	if pageNum > 1 {
		data.FormedPrev = pageLink(pageNum - 1)
	}
	if formed.First-1+len(formed.Circles) < formed.Total {
		data.FormedNext = pageLink(pageNum + 1)
	}
	if data.Departures, err = s.Circles.Departures(ctx, u, id); err != nil {
		return err
	}
	if data.AudienceCount, err = s.Programs.Audience(ctx, u, data.Program); err != nil {
		return err
	}
	if err := data.Program.CanRemind(s.Programs.Now()); err != nil {
		data.RemindBlocked = fault.MessageOf(err)
	}
	data.Declines = declineCounts(counts)
	return nil
}

// formedCircles are the active circles as admins see them: who is in
// each, and whether it fell below minSize.
func formedCircles(active []program.Circle, minSize int) []formedCircle {
	var out []formedCircle
	for _, c := range active {
		f := formedCircle{ID: c.ID, Below: len(c.Members) < minSize}
		for _, m := range c.Members {
			f.Names = append(f.Names, m.Name)
		}
		out = append(out, f)
	}
	return out
}

// declineCounts are the reasons people declined, in the reasons' order,
// leaving out those nobody gave.
func declineCounts(counts map[program.DeclineReason]int) []declineCount {
	var out []declineCount
	for _, d := range program.DeclineReasons {
		if n := counts[d.Reason]; n > 0 {
			out = append(out, declineCount{Label: d.Label, Count: n})
		}
	}
	return out
}

// optInPage is the opt-in form with the availability grid in the person's
// own time zone.
type optInPage struct {
	Page
	Program    *program.Program
	OptIn      *program.OptIn
	Vocabulary []string
	// Prefer and Avoid are the private lists' pickers.
	Prefer, Avoid personPicker
	Days          []string
	Starts        []gridStart
	Chosen        map[string]bool
	Timezone      string
	Existing      bool
	// Closed says the opt-in window has closed: the page shows what the
	// person said, read-only.
	Closed bool
}

type gridStart struct {
	Minute int
	Label  string
}

var weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func cellKey(day, minute int) string { return strconv.Itoa(day) + "-" + strconv.Itoa(minute) }

func (s *Server) optInData(r *http.Request, p *program.Program, o *program.OptIn, existing bool) (optInPage, error) {
	u := auth.UserFromContext(r.Context())
	vocab, err := s.Programs.Topics(r.Context(), u)
	if err != nil {
		return optInPage{}, err
	}
	for _, t := range o.Topics {
		if !slices.Contains(vocab, t) {
			vocab = append(vocab, t)
		}
	}
	data := optInPage{Page: s.page(r, "Opt in to "+p.Name), Program: p, OptIn: o, Vocabulary: vocab, Days: weekdays,
		Chosen: map[string]bool{}, Timezone: u.Timezone, Existing: existing, Closed: !p.OptInOpen(s.Programs.Now())}
	data.Prefer = personPicker{Field: "prefer", InputID: "prefer", Multi: true, Placeholder: "Add someone: type a name"}
	data.Avoid = personPicker{Field: "avoid", InputID: "avoid", Multi: true, Placeholder: "Add someone: type a name"}
	if data.Prefer.Chosen, err = s.chosenPeople(r.Context(), u, o.Prefer); err != nil {
		return optInPage{}, err
	}
	if data.Avoid.Chosen, err = s.chosenPeople(r.Context(), u, o.Avoid); err != nil {
		return optInPage{}, err
	}
	data.Nav = "programs"
	for _, m := range program.DefaultGrid.Starts() {
		data.Starts = append(data.Starts, gridStart{Minute: m, Label: fmt.Sprintf("%02d:%02d", m/60, m%60)})
	}
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	for _, c := range program.DefaultGrid.FromUTC(o.Availability, loc, s.Programs.Now()) {
		data.Chosen[cellKey(c.Day, c.Minute)] = true
	}
	return data, nil
}

func (s *Server) handleOptInForm(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	p, err := s.Programs.Program(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	o, existing, err := s.Programs.MyOptInOrNew(r.Context(), u, p.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data, err := s.optInData(r, p, o, existing)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "optin", data)
}

// optInForm reads the opt-in form, whose grid of times is in the person's
// own time zone.
func (s *Server) optInForm(r *http.Request, programID string) (*program.OptIn, map[string]string, error) {
	u := auth.UserFromContext(r.Context())
	o := &program.OptIn{ProgramID: programID, Topics: r.PostForm["topics"], Goals: r.PostFormValue("goals"),
		FormatPref: program.FormatPref(r.PostFormValue("format_preference"))}
	errs := map[string]string{}
	for field, list := range map[string]*[]string{"prefer": &o.Prefer, "avoid": &o.Avoid} {
		ids, unclear, err := s.pickPeople(r.Context(), r, u, field)
		if err != nil {
			return nil, nil, err
		}
		*list = ids
		if unclear != "" {
			errs[field] = unclear
		}
	}
	var cells []program.Cell
	for _, v := range r.PostForm["slot"] {
		day, minute, ok := strings.Cut(v, "-")
		d, err1 := strconv.Atoi(day)
		m, err2 := strconv.Atoi(minute)
		if !ok || err1 != nil || err2 != nil {
			errs["availability"] = "A chosen time is not on the weekly grid."
			continue
		}
		cells = append(cells, program.Cell{Day: d, Minute: m})
	}
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	if o.Availability, err = program.DefaultGrid.ToUTC(cells, loc, s.Programs.Now()); err != nil {
		errs["availability"] = "A chosen time is not on the weekly grid."
	}
	return o, errs, nil
}

func (s *Server) handleOptInSave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	p, err := s.Programs.Program(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	o, errs, err := s.optInForm(r, p.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(errs) == 0 {
		err = s.Programs.SaveOptIn(r.Context(), u, o)
	}
	if err := withFields(err, errs); err != nil {
		s.form(w, r, err, "", func(pr problem) {
			data, derr := s.optInData(r, p, o, false)
			if derr != nil {
				s.Error(w, r, derr)
				return
			}
			data.Errors = pr.Fields
			// What was typed but named nobody clearly stays in its box.
			data.Prefer.Text, data.Prefer.Invalid = r.PostFormValue("prefer_q"), pr.Fields["prefer"] != ""
			data.Avoid.Text, data.Avoid.Invalid = r.PostFormValue("avoid_q"), pr.Fields["avoid"] != ""
			s.render(w, r, pr.status, "optin", data)
		})
		return
	}
	s.redirect(w, r, "/programs/"+p.ID, "You're in. You can change or withdraw your opt-in until matching.")
}

func (s *Server) handleOptInWithdraw(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Programs.Withdraw(r.Context(), u, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/programs/"+r.PathValue("id"), "You have withdrawn. You're welcome back any time the program is open.")
}

func (s *Server) handleOptInSnooze(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	snooze := r.PostFormValue("snoozed") == "true"
	if err := s.Programs.Snooze(r.Context(), u, r.PathValue("id"), snooze); err != nil {
		s.Error(w, r, err)
		return
	}
	msg := "Welcome back: you'll be included in the next round."
	if snooze {
		msg = "Paused: you'll sit out the next round and stay opted in."
	}
	s.redirect(w, r, "/programs/"+r.PathValue("id"), msg)
}

func (s *Server) handlePropose(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	round, err := s.Programs.Propose(r.Context(), u, r.PathValue("id"), r.PostFormValue("rematch") == "true")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	circles, err := s.Programs.Proposed(r.Context(), u, round.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	msg := "Here is the proposal. Review it, adjust it, then publish."
	if len(circles) == 0 {
		msg = "Nobody could be placed this time; the reasons are below."
	}
	s.redirect(w, r, "/rounds/"+round.ID, msg)
}

type roundPage struct {
	Page
	*programs.Review
	Draft    bool
	Timezone string
	// Cards are the page's circles as their cards show them.
	Cards []roundCard
	// Pair says the program forms pairs, not circles.
	Pair bool
	// PageNum is the page of circles shown; Prev and Next link the pages
	// before and after.
	PageNum    int
	Prev, Next string
}

// roundCard is one circle of a round's review, with what its card shows
// decided here: a template's comparisons and calls are reflected calls,
// and a round's page shows a dozen circles of five or six people each.
type roundCard struct {
	ID, Label, Status, StatusLabel, BadgeClass string
	// Proposed says the circle is a draft: its members can be moved.
	Proposed bool
	// Problems are the rules a draft breaks.
	Problems []string
	Score    string
	// MaxScore is the top of the fit scale; empty when unknown.
	MaxScore string
	Size     string
	Members  []roundMember
	Reasons  []string
	// Slots are the times they can meet, in the reader's zone.
	Slots []string
}

type roundMember struct {
	UserID, Name, Department, Initials string
	Response, ResponseClass            string
}

// statusClasses and responseClasses colour a circle's status and a
// member's answer on a round's cards.
var (
	statusClasses   = map[program.CircleStatus]string{program.Active: "accent", program.Dissolved: "danger", program.Pending: "warm"}
	responseClasses = map[program.Response]string{program.Accepted: "accent", program.Declined: "danger"}
)

// roundCards are a round's circles as their cards show them, with times
// in loc.
func roundCards(cs []program.Circle, p *program.Program, loc *time.Location, now time.Time) []roundCard {
	cards := make([]roundCard, len(cs))
	for i := range cs {
		c := &cs[i]
		card := roundCard{ID: c.ID, Label: c.Label(p), Status: string(c.Status), StatusLabel: statusLabel(c.Status),
			BadgeClass: statusClasses[c.Status], Proposed: c.Status == program.Proposed, Score: strconv.FormatFloat(c.Score, 'f', 1, 64),
			Reasons: c.Reasons}
		if card.Proposed {
			card.Problems = c.Problems(p)
		}
		if c.MaxScore > 0 {
			card.MaxScore = strconv.FormatFloat(c.MaxScore, 'f', 0, 64)
		}
		card.Size = strconv.Itoa(len(c.Members)) + " people"
		if len(c.Members) == 1 {
			card.Size = "1 person"
		}
		for _, m := range c.Members {
			card.Members = append(card.Members, roundMember{UserID: m.UserID, Name: m.Name, Department: m.Department,
				Initials: initials(m.Name), Response: string(m.Response), ResponseClass: responseClasses[m.Response]})
		}
		for _, iv := range c.Slots {
			card.Slots = append(card.Slots, program.Describe(iv, loc, now))
		}
		cards[i] = card
	}
	return cards
}

func (s *Server) handleRoundShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	rv, err := s.Programs.Review(r.Context(), u, r.PathValue("id"), page)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := roundPage{Page: s.page(r, rv.Program.Name+", round "+strconv.Itoa(rv.Round.Number)), Review: rv,
		Timezone: u.Timezone, Draft: rv.Counts[program.Proposed] > 0, Pair: rv.Program.Format == program.FormatPair}
	data.Nav = "programs"
	pageNum := (rv.First-1)/programs.ReviewPage + 1
	data.PageNum = pageNum
	if pageNum > 1 {
		data.Prev = "/rounds/" + rv.Round.ID + "?page=" + strconv.Itoa(pageNum-1)
	}
	if rv.First-1+len(rv.Circles) < rv.Total {
		data.Next = "/rounds/" + rv.Round.ID + "?page=" + strconv.Itoa(pageNum+1)
	}
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	data.Cards = roundCards(rv.Circles, rv.Program, loc, s.Programs.Now())
	s.render(w, r, http.StatusOK, "round", data)
}

// handleRoundMove moves someone of a draft to the circle whose number the
// admin typed (to_number), or a script named by id (to), or out of the
// proposal when out is sent: taking someone out is its own button, never
// what a move without a circle does.
func (s *Server) handleRoundMove(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	roundID := r.PathValue("id")
	to := r.PostFormValue("to")
	var err error
	switch n := strings.TrimSpace(r.PostFormValue("to_number")); {
	case r.PostFormValue("out") != "":
		to = ""
	case n != "":
		num, convErr := strconv.Atoi(n)
		if convErr != nil {
			num = 0 // refused by CircleAt with the field named
		}
		to, err = s.Programs.CircleAt(r.Context(), u, roundID, num)
	case to == "":
		err = fault.Field("to", "Give the number of the circle to move them to.")
	}
	if err == nil {
		err = s.Programs.Move(r.Context(), u, roundID, r.PostFormValue("user_id"), to)
	}
	back := "/rounds/" + roundID
	if p := r.PostFormValue("page"); p != "" {
		back += "?page=" + url.QueryEscape(p)
	}
	if err != nil {
		s.fail(w, r, err, back)
		return
	}
	s.redirect(w, r, back, "Moved. Scores and common times are updated.")
}

func (s *Server) handleRoundPublish(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	n, err := s.Programs.Publish(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err, "/rounds/"+r.PathValue("id"))
		return
	}
	s.redirect(w, r, "/rounds/"+r.PathValue("id"), strconv.Itoa(n)+" proposals sent. Each member now accepts or declines.")
}

type matchesPage struct {
	Page
	Circles  []program.Circle
	Programs map[string]string
	Slots    map[string][]string
	Reasons  []struct {
		Reason program.DeclineReason
		Label  string
	}
	Invitations []program.PairInvitation
	// Unplaced are the programs in which the person waits for the next
	// round, each with why and what they could change.
	Unplaced []programs.Unplaced
}

func (s *Server) handleMatches(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	circles, err := s.Programs.MyMatches(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	invs, err := s.Programs.PairInvitations(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	unplaced, err := s.Programs.MyUnplaced(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	names, err := s.Programs.Names(r.Context(), u, circles)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := matchesPage{Page: s.page(r, "Your matches"), Circles: circles, Programs: names, Slots: map[string][]string{},
		Reasons: program.DeclineReasons, Invitations: invs, Unplaced: unplaced}
	data.Nav = "matches"
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	for _, c := range circles {
		for _, iv := range c.Slots {
			data.Slots[c.ID] = append(data.Slots[c.ID], program.Describe(iv, loc, s.Programs.Now()))
		}
	}
	s.render(w, r, http.StatusOK, "matches", data)
}

func (s *Server) handleCircleRespond(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	accept := r.PostFormValue("answer") == "accept"
	c, err := s.Programs.Respond(r.Context(), u, r.PathValue("id"), accept, program.DeclineReason(r.PostFormValue("reason")))
	if err != nil {
		s.fail(w, r, err, "/matches")
		return
	}
	msg := "Thank you. You've declined; you stay in the program and can be matched again."
	switch {
	case !accept && c.Member(u.ID) == nil:
		msg = "Thank you. You've declined and are out of this circle; you'll be matched again in the next round."
	case c.Status == program.Active:
		msg = "Everyone has said yes: your circle is formed."
	case accept:
		msg = "Thank you. The circle forms when everyone has answered."
	}
	s.redirect(w, r, "/matches", msg)
}

type topicsPage struct {
	Page
	Topics []string
}

func (s *Server) handleTopics(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	topics, err := s.Programs.Topics(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Topics")
	p.Nav = "programs"
	s.render(w, r, http.StatusOK, "topics", topicsPage{Page: p, Topics: topics})
}

func (s *Server) handleTopicCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Programs.AddTopic(r.Context(), u, r.PostFormValue("topic"))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			topics, terr := s.Programs.Topics(r.Context(), u)
			if terr != nil {
				s.Error(w, r, terr)
				return
			}
			p := s.page(r, "Topics").withErrors(r, pr.Fields, "topic")
			p.Nav = "programs"
			s.render(w, r, pr.status, "topics", topicsPage{Page: p, Topics: topics})
		})
		return
	}
	s.redirect(w, r, "/topics", "Topic added.")
}

func (s *Server) handleTopicDelete(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Programs.RemoveTopic(r.Context(), u, r.PostFormValue("topic")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/topics", "Topic removed. People who chose it keep it until they change their opt-in.")
}

func (s *Server) handlePairInvite(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	// Who may invite is settled before the typed name is looked up, so a
	// stranger learns nothing from the answer.
	_, err := s.Programs.Program(r.Context(), u, r.PathValue("id"))
	var to, unclear string
	if err == nil {
		to, unclear, err = s.pickPerson(r.Context(), r, u, "to_user")
	}
	if err == nil && unclear != "" {
		err = fault.New(fault.Invalid, unclear)
	} else if err == nil && to == "" {
		err = fault.New(fault.Invalid, "Type the name of the colleague you'd like to pair with.")
	}
	var inv *program.PairInvitation
	if err == nil {
		inv, err = s.Programs.InvitePair(r.Context(), u, r.PathValue("id"), to)
	}
	if err != nil {
		s.fail(w, r, err, "/programs/"+r.PathValue("id"))
		return
	}
	s.redirect(w, r, "/matches", "Invitation sent to "+inv.ToName+".")
}

func (s *Server) handlePairAnswer(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	accept := r.PostFormValue("answer") == "accept"
	err := s.Programs.AnswerPair(r.Context(), u, r.PathValue("id"), accept)
	if err != nil {
		s.fail(w, r, err, "/matches")
		return
	}
	msg := "You declined the invitation."
	if accept {
		msg = "You're now a pair."
	}
	s.redirect(w, r, "/matches", msg)
}

func (s *Server) handleProgramOpen(w http.ResponseWriter, r *http.Request) {
	n, err := s.Programs.Open(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err, "/programs/"+r.PathValue("id"))
		return
	}
	s.redirect(w, r, "/programs/"+r.PathValue("id"), "Opt-in is open. Emailed "+countPeople(n)+" an invitation to opt in.")
}

func (s *Server) handleProgramRemind(w http.ResponseWriter, r *http.Request) {
	n, err := s.Programs.Remind(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err, "/programs/"+r.PathValue("id"))
		return
	}
	s.redirect(w, r, "/programs/"+r.PathValue("id"), "Reminded "+countPeople(n)+" who had not joined yet.")
}

func (s *Server) handleProgramClose(w http.ResponseWriter, r *http.Request) {
	if err := s.Circles.CloseProgram(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id")); err != nil {
		s.fail(w, r, err, "/programs/"+r.PathValue("id"))
		return
	}
	s.redirect(w, r, "/programs/"+r.PathValue("id"), "Program closed. Its circles' meetings ahead are cancelled and every member has been thanked.")
}

// countPeople says how many people: "1 person", "12 people".
func countPeople(n int) string {
	if n == 1 {
		return "1 person"
	}
	return strconv.Itoa(n) + " people"
}
