package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/store"
)

// errorPage is the data of error.html.
type errorPage struct {
	Page
	Status  int
	Heading string
	Message string
}

// Error answers a page request that failed. It is the one place that maps
// errors to statuses; only server errors are logged as errors.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	var status int
	var heading, msg string
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = ""
		}
		http.Redirect(w, r, "/signin?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
		return
	case errors.Is(err, auth.ErrForbidden):
		status, heading, msg = http.StatusForbidden, "Not for you, sorry", "This page is for organisation admins."
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return
	case errors.Is(err, auth.ErrRateLimited):
		status, heading, msg = http.StatusTooManyRequests, "Slow down a little", "Too many attempts in a short time. Wait a minute and try again."
	case errors.Is(err, store.ErrLinkInvalid):
		status, heading, msg = http.StatusGone, "This link no longer works", "It has already been used, has expired, or was replaced by a newer one. Ask for a new one."
	case isMaxBytes(err):
		status, heading, msg = http.StatusRequestEntityTooLarge, "That is too large", "The request was larger than Holdspace accepts. Try a smaller file."
	case errors.Is(err, store.ErrConflict):
		status, heading, msg = http.StatusConflict, "That changed meanwhile", "Someone else changed this at the same time. Go back, reload and try again."
	default:
		if f, ok := account.AsValidation(err); ok {
			status, heading = http.StatusUnprocessableEntity, "Please check what you entered"
			var parts []string
			for k, v := range f {
				parts = append(parts, k+": "+v)
			}
			msg = strings.Join(parts, " ")
			break
		}
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "error", errorPage{Page: s.page(r, heading), Status: status, Heading: heading, Message: msg})
}

// serverError logs the cause and shows a safe message.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
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
