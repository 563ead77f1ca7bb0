package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
)

// Page is what every page's template data embeds.
type Page struct {
	Title string
	User  *account.User
	Org   *account.Org
	Flash string
	// FlashFailed says the flash reports a refusal, shown as an error
	// rather than as news of a success.
	FlashFailed bool
	Version     string
	// Nav names the active section of the navigation.
	Nav string
	// Form holds what was typed, to show it again after an error.
	Form map[string]string
	// Errors holds a message per field.
	Errors map[string]string
	// Loc is the viewer's time zone (UTC for nobody signed in): every
	// time a page shows goes through the date and datetime functions with
	// it, so that a post, a session or a commitment reads in the same zone
	// as the viewer's meetings.
	Loc *time.Location
}

// page builds the common page data for r.
func (s *Server) page(r *http.Request, title string) Page {
	p := Page{Title: title, Version: s.Version, User: auth.UserFromContext(r.Context()), Form: map[string]string{}, Loc: time.UTC}
	if p.User != nil {
		if loc, err := account.Location(p.User.Timezone); err == nil {
			p.Loc = loc
		}
		// A browser's session was read with its organisation.
		if id := auth.FromContext(r.Context()); id.Session != nil && id.Session.Org != nil {
			p.Org = id.Session.Org
		} else if org, err := s.Accounts.Org(r.Context(), p.User); err == nil {
			p.Org = org
		}
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash, p.FlashFailed = strings.CutPrefix(v, failedMark)
		}
	}
	return p
}

// withErrors returns p showing the form values and field errors of err.
func (p Page) withErrors(r *http.Request, fields map[string]string, keep ...string) Page {
	p.Errors = fields
	p.Form = map[string]string{}
	for _, k := range keep {
		p.Form[k] = r.PostFormValue(k)
	}
	return p
}

const flashCookie = "holdspace_flash"

// failedMark starts the flash of a refusal (see failed).
const failedMark = "\x00failed:"

// failed marks msg as a flash that reports a refusal.
func failed(msg string) string { return failedMark + msg }

// redirect sends the browser on after a successful POST, with a short
// message for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", MaxAge: 30,
			HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// setSession sets the session cookie.
func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: token, Path: "/", MaxAge: int(account.SessionLifetime / time.Second),
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps post-sign-in redirects on this site.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/home"
	}
	return next
}
