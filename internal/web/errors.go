package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/holdspace/holdspace/internal/fault"
)

// errorPage is the data of error.html.
type errorPage struct {
	Page
	Status  int
	Heading string
	Message string
}

// how is what the web app does with a kind of error besides showing a page.
type how uint8

const (
	// showPage shows the error page with the status.
	showPage how = iota
	// toSignIn sends the browser to sign in, and back afterwards.
	toSignIn
	// toGroundRules sends a member to read the circle's ground rules.
	toGroundRules
	// notFoundPage shows the friendly page for unknown pages.
	notFoundPage
)

// answer is how the web app answers one kind of error.
type answer struct {
	status  int
	heading string
	// message is for errors that carry none of their own.
	message string
	how     how
	// flash: a form that has a page to go back to goes back there with
	// the message, even when the error has none of its own.
	flash bool
	// form: a form is drawn again with the message next to its fields.
	form bool
	// signIn: the sign-in form is drawn again with the message next to the
	// credentials; other forms answer as the other fields say.
	signIn bool
}

// answers is the one table from an error's kind to the web app's answer. A
// kind it lacks is a server error.
var answers = map[fault.Kind]answer{
	fault.Invalid:  {status: http.StatusUnprocessableEntity, heading: "Please check what you entered", flash: true, form: true},
	fault.NotFound: {status: http.StatusNotFound, how: notFoundPage},
	fault.Conflict: {status: http.StatusConflict, heading: "That changed meanwhile",
		message: "Someone else changed this at the same time. Go back, reload and try again.", flash: true},
	fault.Stale: {status: http.StatusConflict, heading: "That changed meanwhile",
		message: "Someone changed the meeting at the same moment; here is where it stands now.", flash: true},
	fault.Forbidden:       {status: http.StatusForbidden, heading: "Not for you, sorry", message: "This page is for organisation admins."},
	fault.GroundRules:     {status: http.StatusForbidden, heading: "Ground rules first", message: "Acknowledge the circle's ground rules first.", how: toGroundRules},
	fault.Unauthenticated: {status: http.StatusUnauthorized, how: toSignIn},
	fault.BadCredentials: {status: http.StatusUnauthorized, heading: "Sign in",
		message: "That email and password do not match an account.", signIn: true},
	fault.RateLimited: {status: http.StatusTooManyRequests, heading: "Slow down a little",
		message: "Too many attempts in a short time. Wait a minute and try again.", signIn: true},
	fault.LinkInvalid: {status: http.StatusGone, heading: "This link no longer works",
		message: "It has already been used, has expired, or was replaced by a newer one. Ask for a new one."},
	fault.TooLarge: {status: http.StatusRequestEntityTooLarge, heading: "That is too large",
		message: "The request was larger than Holdspace accepts. Try a smaller file."},
}

// problem is what a person is told about an error.
type problem struct {
	answer
	// Message is the error's own message, or else the table's; for field
	// errors without one, their messages in a line.
	Message string
	// Fields has a message per field, for forms.
	Fields map[string]string
	// own says the error carries something of its own to say.
	own bool
}

// problemOf looks err up in the table. An error of a kind the table lacks
// has status 500.
func problemOf(err error) problem {
	kind := fault.KindOf(err)
	if isMaxBytes(err) {
		kind = fault.TooLarge
	}
	a, ok := answers[kind]
	if !ok {
		return problem{answer: answer{status: http.StatusInternalServerError}}
	}
	p := problem{answer: a, Message: fault.MessageOf(err)}
	p.Fields, _ = fault.FieldsOf(err)
	if p.Message == "" && len(p.Fields) > 0 {
		var msgs []string
		for _, m := range p.Fields {
			msgs = append(msgs, m)
		}
		slices.Sort(msgs)
		p.Message = strings.Join(slices.Compact(msgs), " ")
	}
	p.own = p.Message != ""
	if !p.own {
		p.Message = a.message
	}
	return p
}

// isMaxBytes reports whether err came from reading a request body over its
// limit: an error of HTTP parsing, which the table answers as TooLarge.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// ErrorStatus returns the status the web app's table gives err. Kinds that
// send the browser elsewhere (to sign in, to the ground rules) answer with a
// redirect instead; the status is what the redirect stands for.
func ErrorStatus(err error) int { return problemOf(err).status }

// Error answers a page request that failed. It is the one place that maps
// errors to statuses; only server errors are logged as errors.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(err)
	switch {
	case p.status >= 500:
		s.serverError(w, r, err)
		return
	case p.how == toSignIn:
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = ""
		}
		http.Redirect(w, r, "/signin?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
		return
	case p.how == toGroundRules && r.PathValue("id") != "":
		s.redirect(w, r, "/circles/"+r.PathValue("id")+"/ground-rules", "")
		return
	case p.how == notFoundPage:
		s.notFound(w, r)
		return
	}
	msg := p.Message
	if len(p.Fields) > 0 && fault.MessageOf(err) == "" {
		// A form that cannot draw itself again lists what was wrong.
		msg = fieldList(p.Fields)
	}
	s.render(w, r, p.status, "error", errorPage{Page: s.page(r, p.heading), Status: p.status, Heading: p.heading, Message: msg})
}

// wantsJSON reports whether a script posted the request and wants the
// answer as JSON rather than a page.
func wantsJSON(r *http.Request) bool { return r.Header.Get("Accept") == "application/json" }

// fieldList is field messages as one line, "field: message", by field.
func fieldList(fields map[string]string) string {
	var parts []string
	for k, v := range fields {
		parts = append(parts, k+": "+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// fail answers a form's POST that failed and has a page to go back to: an
// error a person can act on goes back to back with its message; anything
// else is answered as Error answers it. A room's scripts post with Accept:
// JSON and get the status and {"message": …} instead.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, back string) {
	p := problemOf(err)
	if p.how != showPage || p.status >= 500 || !(p.flash || p.own) {
		s.Error(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, p.status, map[string]string{"message": p.Message})
		return
	}
	s.redirect(w, r, back, failed(p.Message))
}

// form answers a form's POST that failed: an error the form can show is
// drawn again by redraw, with the status, the field messages and the
// message; anything else is answered as fail answers it when there is a
// page to go back to, and as Error answers it otherwise.
func (s *Server) form(w http.ResponseWriter, r *http.Request, err error, back string, redraw func(p problem)) {
	p := problemOf(err)
	switch {
	case p.form:
		redraw(p)
	case back != "":
		s.fail(w, r, err, back)
	default:
		s.Error(w, r, err)
	}
}

// signInForm answers a failed sign-in: wrong credentials and too many
// attempts are shown on the form, next to the credentials.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request, err error, redraw func(p problem)) {
	if p := problemOf(err); p.signIn || p.form {
		redraw(p)
		return
	}
	s.Error(w, r, err)
}

// withFields adds to err, a service's answer to a form, the messages the
// handler found while reading the form. The form's own messages win over
// the service's for the same field, and a form with any is drawn again
// whatever the service answered.
func withFields(err error, fields map[string]string) error {
	if len(fields) == 0 {
		return err
	}
	merged := map[string]string{}
	if f, ok := fault.FieldsOf(err); ok {
		for k, v := range f {
			merged[k] = v
		}
	}
	for k, v := range fields {
		merged[k] = v
	}
	return fault.Fields(merged)
}

// statusClientClosed is what the request log says of a request whose
// client went away before the answer: nginx's 499, no status of HTTP's.
const statusClientClosed = 499

// clientGone reports whether err is the request's own context cancelled:
// the browser closed the page or aborted the fetch, so the request failed
// for a reason that is nobody's fault and nobody is left to answer.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled)
}

// serverError logs the cause and shows a safe message. A request its
// client abandoned is no server error: it is answered with 499, which the
// request log records at info level, and its cause is logged at debug.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		s.Logger.Debug("client went away", "request_id", requestInfo(r.Context()).id, "err", err)
		w.WriteHeader(statusClientClosed)
		return
	}
	s.Logger.Error("server error", "request_id", requestInfo(r.Context()).id, "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	t := s.pages["error"]
	if t == nil {
		return
	}
	_ = t.ExecuteTemplate(w, "layout", errorPage{Page: Page{Title: "Something went wrong"}, Status: 500,
		Heading: "Something went wrong on our side", Message: "It has been logged. Try again in a moment. Reference: " + requestInfo(r.Context()).id})
}

// notFound answers unknown pages with a friendly page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", errorPage{Page: s.page(r, "Not found"), Status: 404,
		Heading: "We couldn’t find that page", Message: "The link may be old, or the page belongs to another organisation."})
}
