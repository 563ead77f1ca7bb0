package api

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/journal"
)

// JournalEntry is an entry of the caller's own journal.
type JournalEntry struct {
	ID        string    `json:"id"`
	Prompt    string    `json:"prompt" doc:"The key of the prompt it was written on; free for free writing."`
	Body      string    `json:"body"`
	Version   int       `json:"version" doc:"Send it back with an edit."`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func newJournalEntry(e *journal.Entry) JournalEntry {
	return JournalEntry{ID: e.ID, Prompt: e.Prompt, Body: e.Body, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// JournalReflection is the caller's own reflection after a meeting.
type JournalReflection struct {
	CircleID  string    `json:"circle_id"`
	MeetingID string    `json:"meeting_id"`
	MeetingAt time.Time `json:"meeting_at"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

// JournalItem is one thing in the timeline: an entry or a reflection.
type JournalItem struct {
	Kind       string             `json:"kind" enum:"entry,reflection"`
	Entry      *JournalEntry      `json:"entry,omitempty"`
	Reflection *JournalReflection `json:"reflection,omitempty"`
}

type journalList struct {
	Items []JournalItem `json:"items" nullable:"false"`
}

// JournalPrompt is a guided way into an entry.
type JournalPrompt struct {
	Key       string   `json:"key"`
	Title     string   `json:"title"`
	Questions []string `json:"questions" nullable:"false"`
}

type journalPrompts struct {
	Prompts []JournalPrompt `json:"prompts"`
}

type journalListInput struct {
	Q string `query:"q" maxLength:"200" doc:"Words every item shown holds, in any case and order."`
}

type journalWrite struct {
	Prompt string `json:"prompt" maxLength:"40" doc:"A prompt's key (see list-journal-prompts); free for free writing."`
	Body   string `json:"body" maxLength:"20000"`
}

type journalCreateInput struct {
	Body journalWrite
}

type journalEdit struct {
	Prompt  string `json:"prompt" maxLength:"40" doc:"A prompt's key (see list-journal-prompts); free for free writing."`
	Body    string `json:"body" maxLength:"20000"`
	Version int    `json:"version" doc:"The version the entry was read at."`
}

type journalUpdateInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body journalEdit
}

type journalEntryOutput struct {
	Body JournalEntry
}

func (a *API) handleJournalList(ctx context.Context, in *journalListInput) (*struct{ Body journalList }, error) {
	items, err := a.journal.Timeline(ctx, auth.UserFromContext(ctx), in.Q)
	if err != nil {
		return nil, err
	}
	out := journalList{Items: []JournalItem{}}
	for _, it := range items {
		if it.Entry != nil {
			e := newJournalEntry(it.Entry)
			out.Items = append(out.Items, JournalItem{Kind: "entry", Entry: &e})
			continue
		}
		r := it.Reflection
		out.Items = append(out.Items, JournalItem{Kind: "reflection", Reflection: &JournalReflection{CircleID: r.CircleID,
			MeetingID: r.MeetingID, MeetingAt: r.MeetingAt, Body: r.Text, UpdatedAt: r.UpdatedAt}})
	}
	return &struct{ Body journalList }{Body: out}, nil
}

func (a *API) handleJournalPrompts(_ context.Context, _ *struct{}) (*struct{ Body journalPrompts }, error) {
	var out journalPrompts
	for _, p := range journal.Prompts {
		out.Prompts = append(out.Prompts, JournalPrompt{Key: p.Key, Title: p.Title, Questions: append([]string{}, p.Questions...)})
	}
	return &struct{ Body journalPrompts }{Body: out}, nil
}

func (a *API) handleJournalCreate(ctx context.Context, in *journalCreateInput) (*journalEntryOutput, error) {
	e, err := a.journal.Write(ctx, auth.UserFromContext(ctx), in.Body.Prompt, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &journalEntryOutput{Body: newJournalEntry(e)}, nil
}

func (a *API) handleJournalShow(ctx context.Context, in *idInput) (*journalEntryOutput, error) {
	e, err := a.journal.Entry(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &journalEntryOutput{Body: newJournalEntry(e)}, nil
}

func (a *API) handleJournalUpdate(ctx context.Context, in *journalUpdateInput) (*journalEntryOutput, error) {
	e, err := a.journal.Edit(ctx, auth.UserFromContext(ctx), in.ID, in.Body.Version, in.Body.Prompt, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &journalEntryOutput{Body: newJournalEntry(e)}, nil
}

func (a *API) handleJournalDelete(ctx context.Context, in *idInput) (*struct{}, error) {
	if err := a.journal.Delete(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
