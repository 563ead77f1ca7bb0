package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/service/directory"
)

// personPicker is a field that chooses people of the organisation. It
// never lists everyone: the browser's script asks the directory as
// someone types (GET /api/v1/people?q=), and without the script the typed
// words are resolved when the form is posted (pickPerson).
type personPicker struct {
	// Field is the form field that carries the chosen id (one, or one per
	// chosen person); what was typed goes in Field+"_q".
	Field string
	// InputID is the id of the text input, which the label names.
	InputID string
	// ID and Text are the chosen person and what the input shows.
	ID, Text string
	// Multi pickers keep a list, Chosen, each a checkbox that stays
	// checked to keep them.
	Multi  bool
	Chosen []account.User
	// Placeholder says what to type; Invalid marks the input for an error.
	Placeholder string
	Invalid     bool
}

// singlePicker is a picker for one person, drawn again from what was
// posted (p.Form) after an error, or showing chosen when the form opens.
func singlePicker(p Page, field string, chosen *account.User, placeholder string) personPicker {
	pk := personPicker{Field: field, InputID: field, Placeholder: placeholder, Invalid: p.Errors[field] != ""}
	switch {
	case p.Form[field] != "" || p.Form[field+"_q"] != "":
		pk.ID, pk.Text = p.Form[field], p.Form[field+"_q"]
	case chosen != nil:
		pk.ID, pk.Text = chosen.ID, chosen.Name
	}
	return pk
}

// pickPerson reads a single picker from a posted form: the id the script
// chose, or else the one person the typed words name. Nothing typed is no
// one (""). A problem is a message for the field.
func (s *Server) pickPerson(ctx context.Context, r *http.Request, u *account.User, field string) (id, problem string, err error) {
	// The script empties the id whenever the text changes, so an id is
	// the person whose name the box still shows.
	if id := r.PostFormValue(field); id != "" {
		return id, "", nil
	}
	return s.resolvePerson(ctx, u, strings.TrimSpace(r.PostFormValue(field+"_q")))
}

// resolvePerson finds the one person that typed words name: their email
// address, or words that match nobody else.
func (s *Server) resolvePerson(ctx context.Context, u *account.User, q string) (id, problem string, err error) {
	if q == "" {
		return "", "", nil
	}
	found, err := s.Directory.Suggest(ctx, u, q)
	if err != nil {
		return "", "", err
	}
	for _, p := range found {
		if strings.EqualFold(p.Email, q) {
			return p.ID, "", nil
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Sprintf("Nobody here matches “%s”. Try a first name, a surname or an email address.", q), nil
	case 1:
		return found[0].ID, "", nil
	}
	names := make([]string, len(found))
	for i, p := range found {
		names[i] = p.Name + " (" + p.Email + ")"
	}
	more := ""
	if len(found) == directory.SuggestLimit {
		more = ", …"
	}
	return "", fmt.Sprintf("Several people match “%s”: %s%s. Type more of the name, or the email address.", q, strings.Join(names, ", "), more), nil
}

// pickPeople reads a list picker: the people kept checked, and the one
// typed in, if any.
func (s *Server) pickPeople(ctx context.Context, r *http.Request, u *account.User, field string) (ids []string, problem string, err error) {
	for _, id := range r.PostForm[field] {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	add, problem, err := s.resolvePerson(ctx, u, strings.TrimSpace(r.PostFormValue(field+"_q")))
	if add != "" && !slices.Contains(ids, add) {
		ids = append(ids, add)
	}
	return ids, problem, err
}

// chosenPeople are the people of ids by name, for a list picker; ids no
// longer in the organisation drop out.
func (s *Server) chosenPeople(ctx context.Context, u *account.User, ids []string) ([]account.User, error) {
	found, err := s.Directory.Named(ctx, u, ids)
	if err != nil {
		return nil, err
	}
	out := make([]account.User, 0, len(found))
	for _, id := range ids {
		if p, ok := found[id]; ok {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b account.User) int { return strings.Compare(people.Fold(a.Name), people.Fold(b.Name)) })
	return out, nil
}
