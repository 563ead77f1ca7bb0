package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/meetings"
)

type roomPage struct {
	Page
	*meetings.RoomView
	// Fit asks the circle's fit check at the closing, while it is open
	// and unanswered.
	Fit      *fitCard
	Snapshot template.JS
	Steps    []roomStep
	Current  roomStep
	Left     string
	// Runner: the signed-in member may run the timer.
	Runner      bool
	Me          string
	CheckedIn   *room.Checkin
	MyOpen      []circle.Commitment
	Today       []circle.Commitment
	Moods       []string
	Progresses  []option
	Helps       []option
	Agreement   template.HTML
	NoteHTML    template.HTML
	Reflection  string
	ReflectedAt time.Time
	// Presenting: the current step's presenter is the signed-in member.
	Presenting bool
	// MyAnswer is the member's closing answer, if given; Unanswered
	// names those present (everyone, before anyone checked in) who have
	// not answered.
	MyAnswer      *room.ClosingAnswer
	AnswerChoices []option
	Unanswered    []string
	Guests        []room.Guest
	// Guest picks a colleague to invite to observe.
	Guest *personPicker
	// Here names the members present who have not checked in.
	Here []string
	// Early is the meeting's time, in the member's zone, when starting
	// it now would move it (more than circle.EarlyStart ahead); "" when
	// it would not.
	Early string
	// Last: the meeting is at its last step, where moving on ends it;
	// StepsLeft counts the steps after the current one.
	Last      bool
	StepsLeft int
	// Confirm is the step the runner is asked to confirm before it is
	// taken: "start" (early) or "end".
	Confirm string
	// Handover lists the members the timekeeping may be handed to.
	Handover []option
	// MyHelp holds the member's own helping notes, by presenter, once a
	// counsel step has begun; Roles are the roles they pick from.
	MyHelp map[string]helpMark
	Roles  []journal.Role
}

// helpMark is a member's own helping note on one counsel step, as the
// room's form shows it.
type helpMark struct {
	Took       journal.Role
	HelpedKeys []string
	Noted      bool
}

// confirmable is what a runner may be asked to confirm in st: starting,
// only when it is early, and ending a meeting under way.
func confirmable(step string, st room.State, early bool) bool {
	switch step {
	case "start":
		return st.Phase == room.Ready && early
	case "end":
		return st.Phase == room.Running || st.Phase == room.Paused
	}
	return false
}

// roomCommand is one button of the timer controls.
type roomCommand struct {
	Base, Kind, Label, Class string
	Version                  int64
}

// roomStep is a step of the agenda as the room shows it. The step is a
// named field, not embedded: a template finds a promoted field by a search
// that allocates, and the agenda lists every step on every draw.
type roomStep struct {
	Step          room.Step
	Title, Prompt string
	Index         int
	Minutes       string
	Speaker       string
	Presenter     string
	Done, Now     bool
}

var helpChoices = []option{
	{"expert", "Ideas and knowledge (expert)"},
	{"doctor", "Help diagnosing it (doctor)"},
	{"process", "Help working out what help I need (process)"},
	{"none", "No advice — share your experience instead"},
}

var progressChoices = []option{{"done", "Done"}, {"partly", "Partly"}, {"not_yet", "Not yet"}}

// answerChoices are the closing's quick answers, in meetings.ClosingAnswers' order.
var answerChoices = []option{{"yes", "Yes"}, {"partly", "Partly"}, {"no", "Not really"}}

// offersFor reports whether any of offers was made to presenter.
func offersFor(offers []room.Offer, presenter string) bool {
	return slices.ContainsFunc(offers, func(o room.Offer) bool { return o.PresenterID == presenter })
}

// answerLabel is how a closing answer reads.
func answerLabel(answer string) string {
	for _, o := range answerChoices {
		if o.Value == answer {
			return o.Label
		}
	}
	return answer
}

func minutes(d time.Duration) string {
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	if s == 0 {
		return strconv.Itoa(m) + " min"
	}
	return strconv.Itoa(m) + ":" + twoDigits(s)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// clock formats a time left as m:ss, with a minus sign in overtime.
func clock(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "−", -d
	}
	d = d.Round(time.Second)
	return sign + strconv.Itoa(int(d/time.Minute)) + ":" + twoDigits(int(d%time.Minute/time.Second))
}

func (s *Server) handleRoom(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	circleID, meetingID := r.PathValue("id"), r.PathValue("meeting")
	// The room, the reader's help notes, the guests, the reflection and
	// the fit check each let the reader in: once is enough.
	ctx := service.Remember(r.Context())
	v, err := s.Meetings.Room(ctx, u, circleID, meetingID)
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	data, err := newRoomPage(s.page(r, "Meeting room"), v, u, s.Meetings.Now())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Starting early and ending are asked about on the page itself, so
	// that the question works without JavaScript.
	if step := r.URL.Query().Get("confirm"); data.Runner && confirmable(step, v.State, data.Early != "") {
		data.Confirm = step
	}
	if slices.ContainsFunc(v.State.Presenters, v.State.CounselBegun) {
		notes, err := s.Meetings.MyHelpNotes(ctx, u, circleID, meetingID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		data.Roles, data.MyHelp = journal.Roles, map[string]helpMark{}
		for p, n := range notes {
			m := helpMark{Took: n.Took, Noted: true}
			for _, h := range n.Helped {
				m.HelpedKeys = append(m.HelpedKeys, string(h))
			}
			data.MyHelp[p] = m
		}
	}
	switch {
	case v.State.Phase == room.Ended:
		if data.Reflection, data.ReflectedAt, err = s.Meetings.Reflection(ctx, u, circleID, meetingID); err != nil {
			s.Error(w, r, err)
			return
		}
	case v.Meeting.Ahead(s.Meetings.Now()):
		// Guests are invited only while the meeting is still to come or
		// under way: once its time is over there is nothing to observe.
		if data.Guests, err = s.Meetings.Guests(ctx, u, circleID, meetingID); err != nil {
			s.Error(w, r, err)
			return
		}
		data.Guest = &personPicker{Field: "user_id", InputID: "guest", Placeholder: "Type a colleague's name"}
	}
	if v.Closing() {
		// The fit check is asked at the closing of the circle's first
		// meetings, of a member who has not answered it yet.
		fv, err := s.Pulses.Fit(ctx, u, circleID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if fv.Open && !fv.Answered {
			data.Fit = newFitCard(circleID, fv, meetingID)
		}
	}
	s.render(w, r, http.StatusOK, "room", data)
}

// newRoomPage is the room page of v for u at now, without the guests,
// the colleagues and the reflection, which take reading more.
func newRoomPage(p Page, v *meetings.RoomView, u *account.User, now time.Time) (roomPage, error) {
	snap, err := json.Marshal(v.Snapshot(now))
	if err != nil {
		return roomPage{}, err
	}
	data := roomPage{Page: p, RoomView: v, Snapshot: template.JS(snap), Me: u.ID, Moods: meetings.Moods,
		Progresses: progressChoices, Helps: helpChoices, Agreement: richtext.Render(v.Agreement), NoteHTML: richtext.Render(v.Note.Body),
		Runner: u.ID == v.State.Timekeeper || u.ID == v.State.Facilitator, Left: clock(v.State.Left(now))}
	data.Nav = "circles"
	data.Steps, data.Current = roomSteps(v)
	data.Presenting = data.Current.Step.Presenter == u.ID
	data.StepsLeft = len(data.Steps) - 1 - data.Current.Index
	data.Last = data.StepsLeft == 0
	if v.Meeting.Early(now) {
		zone, err := account.Location(u.Timezone)
		if err != nil {
			zone = time.UTC
		}
		data.Early = v.Meeting.Start.In(zone).Format("Monday 2 January, 15:04")
	}
	for _, id := range v.State.Members {
		if id != v.State.Timekeeper {
			data.Handover = append(data.Handover, option{id, v.Names[id]})
		}
	}
	checkedIn := map[string]bool{}
	for _, c := range v.Checkins {
		checkedIn[c.UserID] = true
	}
	for _, id := range v.Present {
		if name, ok := v.Names[id]; ok && !checkedIn[id] {
			data.Here = append(data.Here, name)
		}
	}
	if v.Closing() {
		data.AnswerChoices = answerChoices
		for i, a := range v.Answers {
			if a.UserID == u.ID {
				data.MyAnswer = &v.Answers[i]
			}
		}
		for _, id := range room.Unanswered(v.State.Order, v.Present, v.Answers) {
			data.Unanswered = append(data.Unanswered, v.Names[id])
		}
	}
	for i := range v.Checkins {
		if v.Checkins[i].UserID == u.ID {
			data.CheckedIn = &v.Checkins[i]
		}
	}
	for _, c := range v.Commitments {
		switch {
		case c.MeetingID == v.Meeting.ID:
			data.Today = append(data.Today, c)
		case c.UserID == u.ID && c.DoneAt == nil:
			data.MyOpen = append(data.MyOpen, c)
		}
	}
	return data, nil
}

// roomSteps is the agenda of v's meeting as the page lists it, and the
// step it is at.
func roomSteps(v *meetings.RoomView) (steps []roomStep, current roomStep) {
	for i, st := range v.State.Agenda() {
		rs := roomStep{Step: st, Title: st.Title, Prompt: st.Prompt, Index: i, Minutes: minutes(st.Duration), Speaker: v.Names[st.Speaker], Presenter: v.Names[st.Presenter],
			Done: i < v.State.Step || v.State.Phase == room.Ended, Now: i == v.State.Step && v.State.Phase != room.Ended}
		steps = append(steps, rs)
		if i == v.State.Step {
			current = rs
		}
	}
	return steps, current
}

// roomBack answers a room form: the room's script posts with Accept:
// JSON and gets the status and {"message": …} to show in place, the page
// updating itself; without JavaScript the browser goes back to the room
// with the message.
func (s *Server) roomBack(w http.ResponseWriter, r *http.Request, err error, flash string) {
	to := "/circles/" + r.PathValue("id") + "/meetings/" + r.PathValue("meeting") + "/room"
	if errors.Is(err, meetings.ErrEarlyStart) && r.Header.Get("Accept") != "application/json" {
		// A start from a page that did not know it was early asks first.
		s.redirect(w, r, to+"?confirm=start", "")
		return
	}
	if err != nil {
		s.fail(w, r, err, to)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]string{"message": flash})
		return
	}
	s.redirect(w, r, to, flash)
}

func (s *Server) handleRoomCommand(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	seconds, _ := strconv.Atoi(r.PostFormValue("seconds"))
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	cmd := room.Command{Kind: room.CommandKind(r.PostFormValue("kind")), Version: version, Seconds: seconds,
		Presenters: r.PostForm["presenters"], Presenter: r.PostFormValue("presenter"), Help: room.Help(r.PostFormValue("help")),
		Timekeeper: r.PostFormValue("timekeeper"), Confirm: r.PostFormValue("confirm") == "yes"}
	_, err := s.Meetings.RoomCommand(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), cmd)
	s.roomBack(w, r, err, "")
}

func (s *Server) handleRoomCheckin(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	in := meetings.CheckinInput{Mood: r.PostFormValue("mood"), Wins: r.PostFormValue("wins"), Tabled: r.PostFormValue("tabled"),
		Progress: map[string][2]string{}}
	for _, id := range r.PostForm["commitment"] {
		in.Progress[id] = [2]string{r.PostFormValue("progress-" + id), r.PostFormValue("learned-" + id)}
	}
	err := s.Meetings.Checkin(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), in)
	s.roomBack(w, r, err, "You're checked in.")
}

func (s *Server) handleRoomClosing(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Meetings.AnswerClosing(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PostFormValue("answer"), r.PostFormValue("note"))
	s.roomBack(w, r, err, "Thank you for answering.")
}

func (s *Server) handleRoomRitual(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Meetings.SaveRitual(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PostFormValue("kind"), r.PostFormValue("to"), r.PostFormValue("body"))
	s.roomBack(w, r, err, "Thank you. The circle reads it here.")
}

func (s *Server) handleRoomOffer(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Meetings.Offer(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PostFormValue("presenter_id"), r.PostFormValue("body"))
	s.roomBack(w, r, err, "Offered. The presenter decides what to take.")
}

func (s *Server) handleRoomTake(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	_, err := s.Meetings.TakeOffer(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PathValue("offer"), r.PostFormValue("body"))
	s.roomBack(w, r, err, "It's one of your commitments now.")
}

func (s *Server) handleRoomNote(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	_, err := s.Meetings.SaveNote(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PostFormValue("body"), version)
	s.roomBack(w, r, err, "Note saved.")
}

func (s *Server) handleRoomReflect(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	err := s.Meetings.Reflect(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), r.PostFormValue("reflection"))
	s.roomBack(w, r, err, "Saved. Only you can read it.")
}

// handleRoomEvents streams a room's state to a member's page: the current
// state at once (also after a reconnect with Last-Event-ID), then every
// change, until the page closes.
func (s *Server) handleRoomEvents(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	meetingID := r.PathValue("meeting")
	if s.Hub == nil {
		http.Error(w, "live updates are off", http.StatusServiceUnavailable)
		return
	}
	// Subscribe first, then read: a change between the two is not missed.
	sub, err := s.Hub.Subscribe(meetingID)
	if err != nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer sub.Close()
	v, err := s.Meetings.Room(r.Context(), u, r.PathValue("id"), meetingID)
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	snap := v.Snapshot(s.Meetings.Now())
	current, err := live.StateEvent(snap.Seq, snap)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	_ = live.Serve(w, r, sub, current, 25*time.Second)
}

type guestPage struct {
	Page
	*meetings.GuestVisit
	Token    string
	Rules    template.HTML
	Snapshot template.JS
	Current  room.Step
	Speaker  string
	Left     string
	Steps    []roomStep
}

func (s *Server) handleGuest(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	token := r.PathValue("token")
	v, err := s.Meetings.Visit(r.Context(), u, token)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if v.Over {
		s.render(w, r, http.StatusOK, "error", errorPage{Page: s.page(r, "Thank you"), Status: http.StatusOK, Heading: "Thank you for observing",
			Message: "This meeting has ended. Thank you for observing: what you heard stays with the circle."})
		return
	}
	data := guestPage{Page: s.page(r, "Observing a meeting"), GuestVisit: v, Token: token, Rules: richtext.Render(v.Rules.Body)}
	if v.State != nil {
		now := s.Meetings.Now()
		data.Current = v.State.Current()
		data.Speaker = v.Names[data.Current.Speaker]
		data.Left = clock(v.State.Left(now))
		for i, st := range v.State.Agenda() {
			data.Steps = append(data.Steps, roomStep{Step: st, Index: i, Minutes: minutes(st.Duration), Speaker: v.Names[st.Speaker],
				Done: i < v.State.Step, Now: i == v.State.Step})
		}
		snap, err := json.Marshal(meetings.GuestSnapshotOf(v.State, v.Seq, now))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		data.Snapshot = template.JS(snap)
	}
	s.render(w, r, http.StatusOK, "guest", data)
}

func (s *Server) handleGuestAccept(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	token := r.PathValue("token")
	if err := s.Meetings.AcceptVisit(r.Context(), u, token); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/guest/"+token, "Welcome. What you hear stays in the circle.")
}

// handleGuestEvents streams the meeting to its guest. The stream carries
// only the timer's state: the page fetches what it may show.
func (s *Server) handleGuestEvents(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	v, err := s.Meetings.Visit(r.Context(), u, r.PathValue("token"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if v.State == nil || s.Hub == nil {
		http.Error(w, "not live", http.StatusNotFound)
		return
	}
	// Guests follow their own feed of the room, which carries the timer
	// and nothing the members wrote.
	sub, err := s.Hub.Subscribe(meetings.GuestRoom(v.Guest.MeetingID))
	if err != nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer sub.Close()
	current, err := live.StateEvent(v.Seq, meetings.GuestSnapshotOf(v.State, v.Seq, s.Meetings.Now()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	_ = live.Serve(w, r, sub, current, 25*time.Second)
}

func (s *Server) handleGuestInvite(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	// Who may invite is settled before the typed name is looked up, so a
	// stranger learns nothing from the answer.
	_, err := s.Circles.Inside(r.Context(), u, r.PathValue("id"))
	var guest, unclear string
	if err == nil {
		guest, unclear, err = s.pickPerson(r.Context(), r, u, "user_id")
	}
	if err == nil && unclear != "" {
		err = fault.New(fault.Invalid, unclear)
	} else if err == nil && guest == "" {
		err = fault.New(fault.Invalid, "Type the name of the colleague to invite.")
	}
	var g *room.Guest
	if err == nil {
		g, err = s.Meetings.InviteGuest(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), guest)
	}
	if err == nil {
		s.roomBack(w, r, nil, g.Name+" is invited to observe this meeting.")
		return
	}
	s.roomBack(w, r, err, "")
}

type formatPage struct {
	Page
	CircleID string
	Pair     bool
	Fields   []formatField
	// Book is what "the book's timings" are, one line per protocol.
	Book []string
}

// bookTimings says in words how long each step of protocol p lasts by the
// book (room.DefaultSettings), so that the format page can say what it
// means by "the book's timings".
func bookTimings(p room.Protocol) string {
	st := room.DefaultSettings(p)
	m := func(d time.Duration) string { return strconv.FormatFloat(d.Minutes(), 'f', -1, 64) }
	switch st.Protocol {
	case room.Pair:
		return "Pair: opening " + m(st.Opening) + ", check-in " + m(st.CheckIn) + " each, then for each partner as coachee " +
			m(st.Present) + " presenting, " + m(st.Questions) + " questions and " + m(st.Counsel) + " counsel; closing " + m(st.Closing) + " (minutes)."
	case room.Forum:
		return "Forum: opening " + m(st.Opening) + ", check-in " + m(st.CheckIn) + " each, choosing the presenter " + m(st.Choose) + ", then " +
			m(st.Present) + " presenting, " + m(st.Questions) + " questions, " + m(st.Counsel) + " counsel and " + m(st.Reflection) +
			" for the presenter’s reflection; closing " + m(st.Closing) + " (minutes)."
	}
	return "Council: opening " + m(st.Opening) + ", check-in " + m(st.CheckIn) + " each, choosing presenters " + m(st.Choose) +
		", then for each presenter " + m(st.Present) + " presenting, " + m(st.Questions) + " questions and " + m(st.Counsel) +
		" counsel; closing " + m(st.Closing) + " (minutes)."
}

type formatField struct {
	Name, Label, Help string
	Minutes           string
	ForumOnly         bool
}

// formatFields lists a meeting format's step lengths, in minutes, in the
// order of the meeting.
func formatFields(st room.Settings) []formatField {
	m := func(d time.Duration) string { return strconv.FormatFloat(d.Minutes(), 'f', -1, 64) }
	return []formatField{
		{Name: "opening", Label: "Opening", Help: "The working agreement on screen; what each wants from today.", Minutes: m(st.Opening)},
		{Name: "check_in", Label: "Check-in, per person", Help: "Half minutes are fine, e.g. 1.5.", Minutes: m(st.CheckIn)},
		{Name: "choose", Label: "Choosing presenters", Minutes: m(st.Choose)},
		{Name: "present", Label: "Presenting", Help: "Per presenter.", Minutes: m(st.Present)},
		{Name: "questions", Label: "Clarifying questions", Help: "Per presenter; always before counsel.", Minutes: m(st.Questions)},
		{Name: "counsel", Label: "Counsel", Help: "Per presenter.", Minutes: m(st.Counsel)},
		{Name: "reflection", Label: "The presenter’s reflection", Help: "Forum only.", Minutes: m(st.Reflection), ForumOnly: true},
		{Name: "closing", Label: "Closing", Help: "Commitments, the agreement again, appreciation.", Minutes: m(st.Closing)},
	}
}

func (s *Server) handleFormat(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	st, err := s.Meetings.RoomSettings(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	p := s.page(r, "Meeting format")
	p.Form["protocol"] = string(st.Protocol)
	s.renderFormat(w, r, http.StatusOK, p, st)
}

func (s *Server) renderFormat(w http.ResponseWriter, r *http.Request, status int, p Page, st room.Settings) {
	p.Nav = "circles"
	book := []string{bookTimings(room.Council), bookTimings(room.Forum)}
	if st.Protocol == room.Pair {
		book = []string{bookTimings(room.Pair)}
	}
	s.render(w, r, status, "format", formatPage{Page: p, CircleID: r.PathValue("id"), Pair: st.Protocol == room.Pair, Fields: formatFields(st), Book: book})
}

func (s *Server) handleFormatSave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	st := room.Settings{Protocol: room.Protocol(r.PostFormValue("protocol"))}
	fields := map[string]*time.Duration{"opening": &st.Opening, "check_in": &st.CheckIn, "choose": &st.Choose, "present": &st.Present,
		"questions": &st.Questions, "counsel": &st.Counsel, "reflection": &st.Reflection, "closing": &st.Closing}
	bad := map[string]string{}
	for name, d := range fields {
		v := r.PostFormValue(name)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			bad[name] = "Give a number of minutes."
			continue
		}
		*d = time.Duration(f * float64(time.Minute)).Round(time.Second)
	}
	err := error(fault.Fields(bad))
	if len(bad) == 0 {
		err = s.Meetings.UpdateRoomSettings(r.Context(), u, id, st)
	}
	if err != nil {
		s.form(w, r, err, "/circles/"+id, func(pr problem) {
			p := s.page(r, "Meeting format").withErrors(r, pr.Fields, "protocol")
			s.renderFormat(w, r, pr.status, p, st)
		})
		return
	}
	s.redirect(w, r, "/circles/"+id, "Meeting format saved. Rooms opened from now on follow it.")
}

// RoomEvents loads the live event of a room by its name on the stream: a
// meeting's id for its members' pages, meetings.GuestRoom(id) for its
// guests'. Each instance's relay calls it once per change of a room.
func RoomEvents(m *meetings.Service) func(ctx context.Context, room string) (live.Event, error) {
	return func(ctx context.Context, room string) (live.Event, error) {
		if meetingID, ok := strings.CutPrefix(room, meetings.GuestRoom("")); ok {
			snap, err := m.LoadGuestRoom(ctx, meetingID)
			if err != nil {
				return live.Event{}, err
			}
			return live.StateEvent(snap.Seq, snap)
		}
		snap, err := m.LoadRoom(ctx, room)
		if err != nil {
			return live.Event{}, err
		}
		return live.StateEvent(snap.Seq, snap)
	}
}
