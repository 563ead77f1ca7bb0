package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/service/circles"
)

// rsvpPage asks a member to confirm their answer to a meeting ahead: an
// emailed link leads here, and only the form's POST changes anything.
type rsvpPage struct {
	Page
	CircleID string
	View     *circles.RSVPView
	When     string
	// Answer is the one the link suggested, preselected.
	Answer string
	Open   bool
}

func (s *Server) handleRSVPForm(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	v, err := s.Circles.RSVP(r.Context(), u, id, r.PathValue("meeting"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	p := s.page(r, "Will you be there?")
	p.Nav = "circles"
	answer := r.URL.Query().Get("answer")
	if _, err := circle.ParseAnswer(answer); err != nil {
		answer = string(v.Mine.Answer)
	}
	s.render(w, r, http.StatusOK, "rsvp", rsvpPage{Page: p, CircleID: id, View: v, When: localTime(v.Meeting.Start, u.Timezone, true),
		Answer: answer, Open: circle.CheckRSVP(v.Meeting, s.Circles.Now()) == nil})
}

func (s *Server) handleRSVP(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id, meeting := r.PathValue("id"), r.PathValue("meeting")
	back := "/circles/" + id + "#meetings"
	if r.PostFormValue("from") == "page" {
		back = "/circles/" + id + "/meetings/" + meeting + "/rsvp"
	}
	// The service checks the answer once it knows the reader may give one.
	answer := circle.Answer(r.PostFormValue("answer"))
	// A missing version is 0: an answer given without having seen one,
	// refused if there is one.
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Circles.SetRSVP(r.Context(), u, id, meeting, answer, version); err != nil {
		s.fail(w, r, err, back)
		return
	}
	msg := "Thank you: your circle sees you're coming."
	if answer == circle.NotComing {
		msg = "Thank you for letting your circle know. You'll be missed."
	}
	s.redirect(w, r, "/circles/"+id+"#meetings", msg)
}

// commitmentPage is one of the reader's own commitments, with what they
// can do with it: mark it done, move it, let it go.
type commitmentPage struct {
	Page
	CircleID   string
	Commitment *circles.DueCommitment
	Overdue    bool
	// DueInput is its due day as a date input's value; Today the first
	// day it can move to.
	DueInput, Today string
}

func (s *Server) handleCommitmentShow(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	d, err := s.Circles.Commitment(r.Context(), u, id, r.PathValue("commitment"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	p := s.page(r, "Your commitment")
	p.Nav = "circles"
	data := commitmentPage{Page: p, CircleID: id, Commitment: d, Overdue: d.Overdue(s.Circles.Now()),
		Today: s.Circles.Now().In(p.Loc).AddDate(0, 0, 1).Format(time.DateOnly)}
	if d.DueAt != nil {
		data.DueInput = d.DueAt.In(p.Loc).Format(time.DateOnly)
	}
	s.render(w, r, http.StatusOK, "commitment", data)
}

// commitmentChange reads the version a change is based on and applies ch.
func (s *Server) commitmentChange(w http.ResponseWriter, r *http.Request, ch circle.CommitmentChange, done string) {
	u := auth.UserFromContext(r.Context())
	id, cid := r.PathValue("id"), r.PathValue("commitment")
	page := "/circles/" + id + "/commitments/" + cid
	// A missing version is 0, which no commitment has: refused as stale
	// once the service knows the reader may change it.
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Circles.ChangeCommitment(r.Context(), u, id, cid, version, ch); err != nil {
		s.fail(w, r, err, page)
		return
	}
	s.redirect(w, r, "/circles/"+id+"#commitments", done)
}

func (s *Server) handleCommitmentMove(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	// A day that does not parse is the zero time, long past: the service
	// refuses it once it knows the reader may move the commitment.
	var due time.Time
	if day, err := time.Parse(time.DateOnly, r.PostFormValue("due")); err == nil {
		due = circles.DueOn(day, u.Timezone)
	}
	s.commitmentChange(w, r, circle.CommitmentChange{Due: &due}, "Moved. You'll get a reminder the day before.")
}

func (s *Server) handleCommitmentLetGo(w http.ResponseWriter, r *http.Request) {
	s.commitmentChange(w, r, circle.CommitmentChange{LetGo: true}, "Let go. That's a choice too.")
}

// digestPage confirms turning the weekly digest off from the link in it,
// without signing in: the link's secret is the person's alone.
type digestPage struct {
	Page
	Token string
	On    bool
}

func (s *Server) handleDigestStopForm(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("t")
	on, err := s.Circles.DigestLink(r.Context(), tok)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "digest_stop", digestPage{Page: s.page(r, "Stop the weekly digest"), Token: tok, On: on})
}

func (s *Server) handleDigestStop(w http.ResponseWriter, r *http.Request) {
	tok := r.PostFormValue("t")
	if err := s.Circles.StopDigest(r.Context(), tok); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "digest_stop", digestPage{Page: s.page(r, "Weekly digest stopped"), Token: tok})
}
