package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/journal"
	journals "github.com/holdspace/holdspace/internal/service/journal"
)

type journalPage struct {
	Page
	Prompts []journal.Prompt
	// Prompt is the one the new entry is written on.
	Prompt journal.Prompt
	// Body is the new entry's text: what was typed, or the prompt's
	// questions.
	Body  string
	Query string
	Items []journals.Item
	// AssessmentDue suggests a new self-assessment, the last made on
	// LastAssessed (zero before the first); Pattern is the owner's
	// helping pattern in a sentence.
	AssessmentDue bool
	LastAssessed  time.Time
	Pattern       string
}

// promptTitle names an entry's prompt.
func promptTitle(key string) string {
	p, _ := journal.FindPrompt(key)
	return p.Title
}

func (s *Server) handleJournalIndex(w http.ResponseWriter, r *http.Request) {
	p, ok := journal.FindPrompt(r.URL.Query().Get("prompt"))
	if !ok {
		p = journal.Prompts[0]
	}
	s.renderJournal(w, r, http.StatusOK, s.page(r, "Your journal"), p, p.Starter())
}

func (s *Server) renderJournal(w http.ResponseWriter, r *http.Request, status int, page Page, p journal.Prompt, body string) {
	u := auth.UserFromContext(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	items, err := s.Journal.Timeline(r.Context(), u, q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	assessed, err := s.Journal.Assessments(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pattern, err := s.Journal.Pattern(r.Context(), u, page.Loc)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Nav = "journal"
	data := journalPage{Page: page, Prompts: journal.Prompts, Prompt: p, Body: body, Query: q, Items: items, Pattern: pattern.Sentence()}
	data.AssessmentDue, data.LastAssessed = s.Journal.AssessmentDue(assessed)
	s.render(w, r, status, "journal", data)
}

func (s *Server) handleJournalCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	prompt, body := r.PostFormValue("prompt"), r.PostFormValue("body")
	if _, err := s.Journal.Write(r.Context(), u, prompt, body); err != nil {
		s.form(w, r, err, "", func(pr problem) {
			p, ok := journal.FindPrompt(prompt)
			if !ok {
				p = journal.Prompts[0]
			}
			s.renderJournal(w, r, pr.status, s.page(r, "Your journal").withErrors(r, pr.Fields), p, body)
		})
		return
	}
	s.redirect(w, r, "/journal", "Saved to your journal.")
}

type journalEditPage struct {
	Page
	Prompts []journal.Prompt
	Entry   *journal.Entry
}

func (s *Server) handleJournalEdit(w http.ResponseWriter, r *http.Request) {
	e, err := s.Journal.Entry(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderJournalEdit(w, r, http.StatusOK, s.page(r, "Edit an entry"), e)
}

func (s *Server) renderJournalEdit(w http.ResponseWriter, r *http.Request, status int, page Page, e *journal.Entry) {
	page.Nav = "journal"
	s.render(w, r, status, "journal_edit", journalEditPage{Page: page, Prompts: journal.Prompts, Entry: e})
}

func (s *Server) handleJournalUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	prompt, body := r.PostFormValue("prompt"), r.PostFormValue("body")
	if _, err := s.Journal.Edit(r.Context(), u, id, version, prompt, body); err != nil {
		s.form(w, r, err, "/journal/"+id+"/edit", func(pr problem) {
			e, ferr := s.Journal.Entry(r.Context(), u, id)
			if ferr != nil {
				s.Error(w, r, ferr)
				return
			}
			e.Prompt, e.Body = prompt, body
			s.renderJournalEdit(w, r, pr.status, s.page(r, "Edit an entry").withErrors(r, pr.Fields), e)
		})
		return
	}
	s.redirect(w, r, "/journal", "Entry saved.")
}

func (s *Server) handleJournalDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Journal.Delete(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/journal", "Entry deleted.")
}
