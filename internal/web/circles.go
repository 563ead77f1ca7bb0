package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/pulses"
)

// circleFail answers an error from inside a circle: a form goes back to
// the circle with what the person can act on.
func (s *Server) circleFail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Method == http.MethodPost {
		s.fail(w, r, err, "/circles/"+r.PathValue("id"))
		return
	}
	s.Error(w, r, err)
}

type circlesPage struct {
	Page
	Circles []circleCard
}

type circleCard struct {
	circles.CircleSummary
	Next string
}

func (s *Server) handleCirclesIndex(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	list, err := s.Circles.MyCircles(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := circlesPage{Page: s.page(r, "Your circles")}
	data.Nav = "circles"
	for _, c := range list {
		card := circleCard{CircleSummary: c}
		if c.Next != nil {
			card.Next = localTime(c.Next.Start, u.Timezone, true)
		}
		data.Circles = append(data.Circles, card)
	}
	s.render(w, r, http.StatusOK, "circles", data)
}

// localTime formats t in the zone tz: "Tue 1 Dec, 16:00" (with the zone's
// abbreviation when zone is set).
func localTime(t time.Time, tz string, zone bool) string {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	layout := "Mon 2 Jan, 15:04"
	if zone {
		layout += " MST"
	}
	return t.In(loc).Format(layout)
}

type rulesPage struct {
	Page
	Circle       *program.Circle
	Rules        *circle.GroundRules
	Body         template.HTML
	Acknowledged *time.Time
}

func (s *Server) handleCircleRules(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	c, rules, at, err := s.Agreements.CircleRules(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := rulesPage{Page: s.page(r, "Ground rules"), Circle: c, Rules: rules, Body: richtext.Render(rules.Body), Acknowledged: at}
	data.Nav = "circles"
	s.render(w, r, http.StatusOK, "circle_rules", data)
}

func (s *Server) handleCircleRulesAck(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err := s.Agreements.AcknowledgeGroundRules(r.Context(), u, id, version)
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"/ground-rules")
		return
	}
	s.redirect(w, r, "/circles/"+id, "Thank you. Welcome to your circle.")
}

type circlePage struct {
	Page
	*circles.Home
	Members   []memberRow
	Schedule  string
	Upcoming  []meetingRow
	Past      []meetingRow
	Agreement template.HTML
	Posts     []postRow
	Names     map[string]string
	// Next is the next meeting that is on, for the room button.
	Next *meetingRow
	// Soon is Upcoming up to and including Next, shown in full; Later
	// are the rest, folded away so that six meetings don't fill a
	// phone's screen.
	Soon, Later meetingList
	// ScheduleChanges are the schedule's recent changes, for the notice.
	ScheduleChanges []scheduleChangeRow
	// Pulse is the circle's pulse: an open round to answer, and the
	// agenda item it suggests after a drop.
	Pulse         *pulses.View
	SuggestedItem string
	// Fit is the first-meeting fit check, asked while it is open.
	Fit *fitCard
}

// scheduleChangeRow is a recent change to the schedule as the circle's
// page tells it, with times in the reader's zone.
type scheduleChangeRow struct {
	circles.ScheduleNotice
	By    string // the member's name, or "You"
	When  string
	Until string // when it can no longer be put back
}

// The rows of a circle's page hold their own fields rather than embed
// the records they show: a template finds a field promoted from an
// embedded struct by a search that allocates, for every field of every
// row. What a row shows is decided here, not by comparisons and calls in
// the template, each of which is a reflected call.

type memberRow struct {
	UserID, Name, Department, Timezone, Initials string
	// Me marks the reader.
	Me    bool
	Local string // the next meeting in the member's own time zone
	// Paused is the last day of the member's pause, in the reader's zone;
	// empty when not pausing.
	Paused string
}

type meetingRow struct {
	ID    string
	Start time.Time
	// Scheduled says the meeting is on (not cancelled).
	Scheduled                   bool
	FacilitatorID, TimekeeperID string
	RolesChosen                 bool
	When                        string
	// Input is the start as a datetime-local value, Minutes its length.
	Input       string
	Minutes     int
	Facilitator string
	Timekeeper  string
	Moved       bool
	// Mine is the reader's answer, for a meeting ahead that is on; Answer
	// says it takes one.
	Mine   circle.RSVP
	Answer bool
}

// meetingList is some of a circle's meetings ahead, with what changing
// their roles needs. Inline lists carry the forms that change each
// meeting; the others link to a meeting's own page for them: five
// meetings' forms would be most of the circle's page, which a phone
// downloads and the server draws on every visit.
type meetingList struct {
	CircleID string
	Members  []program.Member
	Rows     []meetingRow
	Inline   bool
}

// meetingChange is what the forms that change one meeting need.
type meetingChange struct {
	CircleID string
	Members  []program.Member
	Meeting  meetingRow
}

type postRow struct {
	ID, AuthorName string
	// When is when it was written, in the reader's zone; Mine marks the
	// reader's own.
	When string
	Mine bool
	HTML template.HTML
}

func (s *Server) handleCircleShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	// The circle and its pulse (with its fit check) each let the reader
	// in: once is enough.
	ctx := service.Remember(r.Context())
	h, err := s.Circles.Home(ctx, u, r.PathValue("id"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	pv, err := s.Pulses.Circle(ctx, u, h.Circle.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := newCirclePage(s.page(r, circleTitle(h)), h, u.Timezone)
	data.Pulse, data.SuggestedItem = pv, pulse.SuggestedItem
	if pv.Fit.Open {
		data.Fit = newFitCard(h.Circle.ID, &pv.Fit, "")
	}
	s.render(w, r, http.StatusOK, "circle", data)
}

// circleTitle is the title of a circle's home: a pair is called one.
func circleTitle(h *circles.Home) string {
	if len(h.Circle.Members) == 2 && h.Program.Format == program.FormatPair {
		return "Your pair"
	}
	return "Your circle"
}

// newCirclePage is the home page of a circle, with times in tz, the zone
// of the person reading it.
func newCirclePage(p Page, h *circles.Home, tz string) circlePage {
	data := circlePage{Page: p, Home: h, Names: map[string]string{}}
	data.Nav = "circles"
	for _, m := range h.Circle.Members {
		data.Names[m.UserID] = m.Name
	}
	next := circle.NextOn(h.Upcoming)
	loc, me := p.Loc, ""
	if loc == nil {
		loc = time.UTC
	}
	if p.User != nil {
		me = p.User.ID
	}
	for _, m := range h.Circle.Members {
		row := memberRow{UserID: m.UserID, Name: m.Name, Department: m.Department, Timezone: m.Timezone,
			Initials: initials(m.Name), Me: m.UserID == me}
		if until, ok := h.Paused[m.UserID]; ok && !until.IsZero() {
			row.Paused = date(loc, until)
		}
		if next >= 0 {
			row.Local = localTime(h.Upcoming[next].Start, m.Timezone, true)
		}
		data.Members = append(data.Members, row)
	}
	for _, m := range h.Upcoming {
		row := newMeetingRow(m, data.Names, tz)
		row.Mine, row.Answer = h.Mine[m.ID]
		data.Upcoming = append(data.Upcoming, row)
	}
	if next >= 0 {
		data.Next = &data.Upcoming[next]
	}
	shown := min(max(next+1, 1), len(data.Upcoming))
	data.Soon = meetingList{CircleID: h.Circle.ID, Members: h.Circle.Members, Rows: data.Upcoming[:shown], Inline: true}
	data.Later = meetingList{CircleID: h.Circle.ID, Members: h.Circle.Members, Rows: data.Upcoming[shown:]}
	for _, m := range h.Past {
		data.Past = append(data.Past, newMeetingRow(m, data.Names, tz))
	}
	if h.Schedule != nil {
		data.Schedule = scheduleText(h.Schedule, tz)
	}
	zone := userZone(tz)
	for _, ch := range h.ScheduleChanges {
		row := scheduleChangeRow{ScheduleNotice: ch, By: ch.ChangedByName, When: ch.At.In(zone).Format("Mon 2 Jan, 15:04"),
			Until: ch.UndoUntil().In(zone).Format("Mon 2 Jan, 15:04")}
		if p.User != nil && ch.ChangedBy == p.User.ID {
			row.By = "You"
		}
		if row.By == "" {
			row.By = "A former member"
		}
		data.ScheduleChanges = append(data.ScheduleChanges, row)
	}
	if h.Adopted != nil {
		data.Agreement = richtext.Render(h.Adopted.Body)
	}
	for _, p := range h.Posts {
		data.Posts = append(data.Posts, postRow{ID: p.ID, AuthorName: p.AuthorName, When: datetime(loc, p.CreatedAt),
			Mine: p.AuthorID == me, HTML: richtext.Render(p.Body)})
	}
	return data
}

// newMeetingRow is how a meeting is listed, in the zone tz, with its
// roles by the names of the circle's members.
func newMeetingRow(m circle.Meeting, names map[string]string, tz string) meetingRow {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	return meetingRow{ID: m.ID, Start: m.Start, Scheduled: m.Status == circle.Scheduled,
		FacilitatorID: m.FacilitatorID, TimekeeperID: m.TimekeeperID, RolesChosen: m.RolesChosen,
		When: localTime(m.Start, tz, true), Input: m.Start.In(loc).Format("2006-01-02T15:04"),
		Minutes: int(m.End.Sub(m.Start) / time.Minute), Facilitator: nameOr(names, m.FacilitatorID),
		Timekeeper: nameOr(names, m.TimekeeperID), Moved: m.Moved()}
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	if id == "" {
		return "—"
	}
	return "a former member"
}

// scheduleText describes a schedule in its own zone and, when that
// differs, the reader's: "Every other Tuesday, 16:00–17:00 Europe/Berlin
// (15:00 your time)".
func scheduleText(sc *circle.Schedule, tz string) string {
	zone := sc.Zone()
	start := sc.FirstStart.In(zone)
	text := sc.Rule.Describe() + ", " + start.Format("15:04") + "–" + start.Add(sc.Duration).Format("15:04") + " " + sc.Timezone
	if loc, err := account.Location(tz); err == nil && tz != sc.Timezone {
		if mine := sc.FirstStart.In(loc); mine.Format("15:04") != start.Format("15:04") || mine.Weekday() != start.Weekday() {
			text += " (" + mine.Format("Monday 15:04") + " your time)"
		}
	}
	return text
}

type schedulePage struct {
	Page
	Circle    *program.Circle
	Existing  bool
	Timezones []string
	Weekdays  []string
	Weeks     []option
	Suggested string
}

type option struct{ Value, Label string }

// monthWeeks are the choices of a monthly schedule's week.
var monthWeeks = []option{{"1", "First"}, {"2", "Second"}, {"3", "Third"}, {"4", "Fourth"}, {"-1", "Last"}}

var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

func (s *Server) handleScheduleForm(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	in, existing, err := s.Circles.ScheduleForm(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	p := s.page(r, "Schedule")
	p.Form = scheduleForm(in)
	s.renderSchedule(w, r, http.StatusOK, p, existing)
}

func scheduleForm(in circle.ScheduleInput) map[string]string {
	f := map[string]string{"freq": in.Freq, "weekday": strconv.Itoa(in.Weekday), "nth": strconv.Itoa(in.Nth), "time": in.Time,
		"starts_on": in.StartsOn, "timezone": in.Timezone, "duration_minutes": strconv.Itoa(in.DurationMinutes), "video_url": in.VideoURL}
	if in.Replaces != nil {
		f["sequence"] = strconv.Itoa(*in.Replaces)
	}
	return f
}

func (s *Server) renderSchedule(w http.ResponseWriter, r *http.Request, status int, p Page, existing bool) {
	u := auth.UserFromContext(r.Context())
	c, err := s.Circles.Member(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "circles"
	data := schedulePage{Page: p, Circle: c, Existing: existing, Timezones: timezones, Weekdays: weekdayNames, Weeks: monthWeeks}
	if !existing {
		data.Suggested = "Suggested from the times you all marked as available."
	}
	s.render(w, r, status, "schedule", data)
}

func (s *Server) handleScheduleSave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	weekday, _ := strconv.Atoi(r.PostFormValue("weekday"))
	nth, _ := strconv.Atoi(r.PostFormValue("nth"))
	minutes, _ := strconv.Atoi(r.PostFormValue("duration_minutes"))
	in := circle.ScheduleInput{Freq: r.PostFormValue("freq"), Weekday: weekday, Nth: nth, Time: r.PostFormValue("time"),
		StartsOn: r.PostFormValue("starts_on"), Timezone: r.PostFormValue("timezone"), DurationMinutes: minutes,
		VideoURL: r.PostFormValue("video_url")}
	if seq, err := strconv.Atoi(r.PostFormValue("sequence")); err == nil {
		in.Replaces = &seq
	}
	_, err := s.Circles.SetSchedule(r.Context(), u, id, in)
	if err != nil {
		s.form(w, r, err, "/circles/"+id, func(pr problem) {
			p := s.page(r, "Schedule").withErrors(r, pr.Fields, "freq", "weekday", "nth", "time", "starts_on", "timezone", "duration_minutes", "video_url", "sequence")
			s.renderSchedule(w, r, pr.status, p, r.PostFormValue("existing") == "1")
		})
		return
	}
	s.redirect(w, r, "/circles/"+id, "Scheduled. Everyone has a calendar invitation by email.")
}

func (s *Server) handleScheduleClear(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	if err := s.Circles.ClearSchedule(r.Context(), u, id); err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id, "The schedule is cleared and its meetings are cancelled.")
}

func (s *Server) handleScheduleUndo(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	if _, err := s.Circles.UndoScheduleChange(r.Context(), u, id, r.PathValue("change")); err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id, "The schedule is back as it was. Everyone is told, and calendars follow.")
}

func (s *Server) handleMeetingMove(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	loc, err := account.Location(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	start, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("starts_at"), loc)
	if err != nil {
		s.redirect(w, r, "/circles/"+id, "Give the new time as a date and a time.")
		return
	}
	minutes, _ := strconv.Atoi(r.PostFormValue("duration_minutes"))
	err = s.Circles.MoveMeeting(r.Context(), u, id, r.PathValue("meeting"), start, minutes)
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id, "Moved. Everyone's calendar follows.")
}

func (s *Server) handleMeetingCancel(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	restore := r.PostFormValue("restore") == "1"
	if err := s.Circles.CancelMeeting(r.Context(), u, id, r.PathValue("meeting"), restore); err != nil {
		s.circleFail(w, r, err)
		return
	}
	msg := "Cancelled. Everyone's calendar follows."
	if restore {
		msg = "The meeting is on again."
	}
	s.redirect(w, r, "/circles/"+id, msg)
}

func (s *Server) handleMeetingRoles(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	err := s.Circles.SetRoles(r.Context(), u, id, r.PathValue("meeting"), r.PostFormValue("facilitator_id"), r.PostFormValue("timekeeper_id"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id, "Roles saved; the rotation suggests the rest around them.")
}

// meetingChangePage changes one meeting ahead: its roles, its time, or
// whether it is on.
type meetingChangePage struct {
	Page
	Change meetingChange
	// Begun says the meeting has begun (or is over): nothing about it can
	// change any more.
	Begun bool
}

func (s *Server) handleMeetingChange(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	c, m, err := s.Circles.Meeting(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	names := make(map[string]string, len(c.Members))
	for _, mb := range c.Members {
		names[mb.UserID] = mb.Name
	}
	row := newMeetingRow(m, names, u.Timezone)
	data := meetingChangePage{Page: s.page(r, "Change the meeting of "+row.When),
		Change: meetingChange{CircleID: c.ID, Members: c.Members, Meeting: row},
		Begun:  !m.Start.After(s.Circles.Now())}
	data.Nav = "circles"
	s.render(w, r, http.StatusOK, "meeting_change", data)
}

func (s *Server) handleMeetingICS(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	ics, err := s.Circles.MeetingICS(r.Context(), u, r.PathValue("id"), strings.TrimSuffix(r.PathValue("meeting"), ".ics"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="meeting.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(ics)
}

// handleFeed serves a person's calendar feed to calendar apps, which
// cannot sign in: the secret in the address is the key.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !strings.HasPrefix(token, account.FeedPrefix) {
		s.notFound(w, r)
		return
	}
	ics, err := s.Circles.Feed(r.Context(), token)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(ics)
}

func (s *Server) handlePostCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	_, err := s.Circles.AddPost(r.Context(), u, id, r.PostFormValue("body"))
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"#space")
		return
	}
	s.redirect(w, r, "/circles/"+id+"#space", "Shared with your circle.")
}

func (s *Server) handlePostDelete(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	if err := s.Circles.DeletePost(r.Context(), u, id, r.PathValue("post")); err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id+"#space", "Removed.")
}

func (s *Server) handleCommitmentCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	// Without a day it is due at the circle's next meeting.
	var due *time.Time
	if v := r.PostFormValue("due"); v != "" {
		day, err := time.Parse(time.DateOnly, v)
		if err != nil {
			s.fail(w, r, fault.Fields(map[string]string{"due": "Choose a day."}), "/circles/"+id+"#commitments")
			return
		}
		d := circles.DueOn(day, u.Timezone)
		due = &d
	}
	_, err := s.Circles.AddCommitment(r.Context(), u, id, r.PostFormValue("body"), due)
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"#commitments")
		return
	}
	s.redirect(w, r, "/circles/"+id+"#commitments", "Noted. Your circle will ask how it went.")
}

func (s *Server) handleCommitmentDone(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	done := r.PostFormValue("done") != "0"
	if r.PostFormValue("version") != "" {
		// From the commitment's own page: guarded by what it showed.
		msg := "Done. Well kept."
		if !done {
			msg = "Open again."
		}
		s.commitmentChange(w, r, circle.CommitmentChange{Done: &done}, msg)
		return
	}
	if err := s.Circles.CompleteCommitment(r.Context(), u, id, r.PathValue("commitment"), done); err != nil {
		s.circleFail(w, r, err)
		return
	}
	s.redirect(w, r, "/circles/"+id+"#commitments", "")
}

type leavePage struct {
	Page
	Circle  *program.Circle
	Program *program.Program
}

func (s *Server) handleLeaveForm(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	c, _, _, err := s.Agreements.CircleRules(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.Programs.Program(r.Context(), u, c.ProgramID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := leavePage{Page: s.page(r, "Leave the circle"), Circle: c, Program: p}
	data.Nav = "circles"
	s.render(w, r, http.StatusOK, "leave", data)
}

func (s *Server) handleLeave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Circles.Leave(r.Context(), u, r.PathValue("id"), r.PostFormValue("note"))
	if err != nil {
		s.fail(w, r, err, "/circles/"+r.PathValue("id")+"/leave")
		return
	}
	s.redirect(w, r, "/circles", "You've left the circle. Thank you for the time you gave it.")
}

func (s *Server) handleReturnToPool(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	programID, err := s.Circles.ProgramOf(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Circles.ReturnToPool(r.Context(), u, r.PathValue("id")); err != nil {
		s.fail(w, r, err, "/programs/"+programID)
		return
	}
	s.redirect(w, r, "/programs/"+programID, "The circle is dissolved; its members wait for the next re-match.")
}

type groundRulesPage struct {
	Page
	Rules   *circle.GroundRules
	Preview template.HTML
}

func (s *Server) handleGroundRules(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	rules, err := s.Agreements.GroundRules(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Ground rules")
	p.Form["body"] = rules.Body
	p.Nav = "programs"
	s.render(w, r, http.StatusOK, "ground_rules", groundRulesPage{Page: p, Rules: rules, Preview: richtext.Render(rules.Body)})
}

func (s *Server) handleGroundRulesSave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	rules, err := s.Agreements.UpdateGroundRules(r.Context(), u, r.PostFormValue("body"))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			cur, err := s.Agreements.GroundRules(r.Context(), u)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			p := s.page(r, "Ground rules").withErrors(r, pr.Fields, "body")
			p.Nav = "programs"
			s.render(w, r, pr.status, "ground_rules", groundRulesPage{Page: p, Rules: cur, Preview: richtext.Render(cur.Body)})
		})
		return
	}
	s.redirect(w, r, "/ground-rules", "Saved as version "+strconv.Itoa(rules.Version)+". Members acknowledge it the next time they open their circle.")
}
