// Package journal is each person's private journal: free writing and
// guided prompts on emotional responses, strengths, growth areas,
// triggers and self-regulation, read by its owner alone. It decides what
// an entry may hold and how a search matches; it does no I/O and never
// sees a sealed byte.
package journal

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
)

// MaxBodyLen is the longest entry, in characters: a long evening's
// writing, small enough to decrypt and search a year of entries at once.
const MaxBodyLen = 20000

// Free is the prompt key of free writing, with no questions.
const Free = "free"

// Prompt is a guided way into an entry: its questions are where the
// writing starts.
type Prompt struct {
	Key       string
	Title     string
	Questions []string
}

// Prompts lists every prompt, free writing first. An entry keeps its
// prompt's key, so a key, once used, stays in this list.
var Prompts = []Prompt{
	{Key: Free, Title: "Free writing"},
	{Key: "emotion", Title: "An emotional response", Questions: []string{
		"What happened, and what did I feel when it happened?",
		"What did I do?",
		"What would I try next time?",
	}},
	{Key: "trigger", Title: "A trigger", Questions: []string{
		"What set me off?",
		"What did I notice in my body and in my thoughts?",
		"What helped me steady myself, or what could have?",
	}},
	{Key: "regulation", Title: "Self-regulation", Questions: []string{
		"When did I pause before reacting, or wish I had?",
		"What did I do to stay steady?",
		"What would I try next time?",
	}},
	{Key: "strength", Title: "A strength", Questions: []string{
		"Where did I do well recently?",
		"What strength did that show?",
		"Where else could I use it?",
	}},
	{Key: "growth", Title: "A growth area", Questions: []string{
		"What do I want to get better at?",
		"What got in the way this time?",
		"What small step will I try next?",
	}},
}

// FindPrompt returns the prompt with key.
func FindPrompt(key string) (Prompt, bool) {
	i := slices.IndexFunc(Prompts, func(p Prompt) bool { return p.Key == key })
	if i < 0 {
		return Prompt{}, false
	}
	return Prompts[i], true
}

// Starter is the text a new entry on p begins with: its questions, each
// followed by room to answer, so that the questions stay in the entry
// the owner reads back.
func (p Prompt) Starter() string {
	var b strings.Builder
	for _, q := range p.Questions {
		b.WriteString(q)
		b.WriteString("\n\n\n")
	}
	return b.String()
}

// Entry is one piece of writing in a person's journal. Body is the clear
// text, which exists only between the owner and the service: the store
// keeps it sealed.
type Entry struct {
	ID     string
	OrgID  string
	UserID string
	Prompt string
	Body   string
	// Version rises with every edit; an edit names the version it was
	// made on, so that of two edits at once the second is told.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks what the owner wrote.
func (e *Entry) Validate() error {
	var v account.Validator
	if _, ok := FindPrompt(e.Prompt); !ok {
		v.Add("prompt", "Choose one of the prompts.")
	}
	switch n := utf8.RuneCountInString(e.Body); {
	case strings.TrimSpace(e.Body) == "":
		v.Add("body", "Write something first.")
	case n > MaxBodyLen:
		v.Add("body", fmt.Sprintf("Keep an entry under %d characters.", MaxBodyLen))
	}
	return v.Err()
}

// Matches reports whether text holds every word of query, in any case
// and order. An empty query matches everything.
func Matches(text, query string) bool {
	text = strings.ToLower(text)
	for _, w := range strings.Fields(strings.ToLower(query)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
