package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/service/accounts"
)

type profilePage struct {
	Page
	Sessions  []account.Session
	CurrentID string
	Tokens    []account.Token
	// NewToken is a token's secret, shown once right after it is made.
	NewToken  string
	Timezones []string
	// Feed is a new calendar feed, shown once right after it is made;
	// HasFeed says whether one exists.
	Feed      *feedLinks
	HasFeed   bool
	Reminders circle.ReminderPrefs
	Choices   []reminderChoice
}

type reminderChoice struct {
	Minutes int
	Label   string
	On      bool
}

// feedLinks are the ways to subscribe to a calendar feed, from a phone as
// from a desk: its address to copy, a webcal: link that a phone or a
// desktop opens in its calendar app, and the pages of Google Calendar and
// Outlook on the web that subscribe to it.
type feedLinks struct {
	URL     string
	Webcal  template.URL
	Google  string
	Outlook string
}

// feedName names the feed where a calendar asks for a name; the feed
// itself says the same (calendar.Feed).
const feedName = "Holdspace"

func newFeedLinks(feed string) *feedLinks {
	rest, ok := strings.CutPrefix(feed, "https://")
	if !ok {
		rest = strings.TrimPrefix(feed, "http://")
	}
	webcal := "webcal://" + rest
	return &feedLinks{
		URL: feed,
		// The address is ours, made from the base URL and a token.
		Webcal:  template.URL(webcal),
		Google:  "https://calendar.google.com/calendar/r?cid=" + url.QueryEscape(webcal),
		Outlook: "https://outlook.live.com/calendar/0/addfromweb?url=" + url.QueryEscape(feed) + "&name=" + url.QueryEscape(feedName),
	}
}

// profileOnce holds the secrets a profile page shows once.
type profileOnce struct {
	Token, FeedURL string
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request) {
	s.renderProfile(w, r, http.StatusOK, s.page(r, "Your profile"), profileOnce{})
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, p Page, once profileOnce) {
	id := auth.FromContext(r.Context())
	sessions, err := s.Accounts.Sessions(r.Context(), id.User)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	tokens, err := s.Accounts.Tokens(r.Context(), id.User)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := profilePage{Page: p, Sessions: sessions, Tokens: tokens, NewToken: once.Token, Timezones: timezones}
	if once.FeedURL != "" {
		data.Feed = newFeedLinks(once.FeedURL)
	}
	if data.HasFeed, err = s.Circles.HasFeed(r.Context(), id.User); err != nil {
		s.Error(w, r, err)
		return
	}
	if data.Reminders, err = s.Circles.ReminderPrefs(r.Context(), id.User); err != nil {
		s.Error(w, r, err)
		return
	}
	for _, m := range circle.ReminderChoices {
		data.Choices = append(data.Choices, reminderChoice{Minutes: m, Label: circle.DescribeOffset(m) + " before",
			On: slices.Contains(data.Reminders.Offsets, m)})
	}
	if id.Session != nil {
		data.CurrentID = id.Session.ID
	}
	data.Nav = "profile"
	s.render(w, r, status, "profile", data)
}

func (s *Server) handleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	name, tz := r.PostFormValue("name"), r.PostFormValue("timezone")
	_, err := s.Accounts.UpdateProfile(r.Context(), u, accounts.ProfileUpdate{Name: &name, Timezone: &tz})
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			s.renderProfile(w, r, pr.status, s.page(r, "Your profile").withErrors(r, pr.Fields, "name", "timezone"), profileOnce{})
		})
		return
	}
	s.redirect(w, r, "/profile", "Profile saved.")
}

func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	id := auth.FromContext(r.Context())
	keep := ""
	if id.Session != nil {
		keep = id.Session.ID
	}
	err := s.Accounts.ChangePassword(r.Context(), id.User, keep, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			s.renderProfile(w, r, pr.status, s.page(r, "Your profile").withErrors(r, pr.Fields), profileOnce{})
		})
		return
	}
	s.redirect(w, r, "/profile", "Password changed. Your other sessions are signed out and your access tokens revoked.")
}

func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	secret, _, err := s.Accounts.CreateToken(r.Context(), u, r.PostFormValue("token_name"))
	if err != nil {
		s.form(w, r, err, "", func(pr problem) {
			s.renderProfile(w, r, pr.status, s.page(r, "Your profile").withErrors(r, map[string]string{"token_name": pr.Fields["name"]}, "token_name"), profileOnce{})
		})
		return
	}
	// The secret is shown on this response only; it is never stored.
	p := s.page(r, "Your profile")
	p.Flash = "Token created. Copy it now: it will not be shown again."
	s.renderProfile(w, r, http.StatusCreated, p, profileOnce{Token: secret})
}

func (s *Server) handleTokenDelete(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Accounts.RevokeToken(r.Context(), u, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "Token revoked.")
}

func (s *Server) handleSessionDelete(w http.ResponseWriter, r *http.Request) {
	id := auth.FromContext(r.Context())
	if err := s.Accounts.EndSession(r.Context(), id.User, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	if id.Session != nil && id.Session.ID == r.PathValue("id") {
		s.clearSession(w)
		s.redirect(w, r, "/signin", "You are signed out.")
		return
	}
	s.redirect(w, r, "/profile", "That session is signed out.")
}

func (s *Server) handleFeedReset(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	feed, err := s.Circles.ResetFeed(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Your profile")
	p.Flash = "Your calendar feed is ready. Copy its address now: it will not be shown again."
	s.renderProfile(w, r, http.StatusCreated, p, profileOnce{FeedURL: feed})
}

func (s *Server) handleFeedDelete(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := s.Circles.DeleteFeed(r.Context(), u); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/profile#calendar", "Calendar feed turned off; its address no longer works.")
}

func (s *Server) handleRemindersSave(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	prefs := circle.ReminderPrefs{Offsets: []int{}, Nudges: r.PostForm.Get("nudges") == "1", Digest: r.PostForm.Get("digest") == "1"}
	for _, v := range r.PostForm["offsets"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.redirect(w, r, "/profile#reminders", "Choose reminders from the list.")
			return
		}
		prefs.Offsets = append(prefs.Offsets, n)
	}
	err := s.Circles.UpdateReminderPrefs(r.Context(), u, prefs)
	if err != nil {
		s.fail(w, r, err, "/profile#reminders")
		return
	}
	msg := "Reminders saved; the meetings ahead follow."
	if len(prefs.Offsets) == 0 {
		msg = "Reminders turned off."
	}
	s.redirect(w, r, "/profile#reminders", msg)
}
