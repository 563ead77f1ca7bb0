package journal

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
)

// Capability is one ability of a peer coach and of a self-aware person
// that a self-assessment rates.
type Capability struct {
	Key  string
	Name string
	// Hint says what the capability looks like in practice.
	Hint string
}

// Capabilities lists what a self-assessment offers to pick from. An
// assessment keeps each capability's key, so a key, once used, stays in
// this list.
var Capabilities = []Capability{
	{Key: "listening", Name: "Listening", Hint: "Hearing someone out without planning my answer."},
	{Key: "open_questions", Name: "Asking open questions", Hint: "Questions that open the situation up rather than steer it."},
	{Key: "feelings", Name: "Staying with feelings", Hint: "Letting an emotion be there, mine or someone else's, without fixing it."},
	{Key: "self_regulation", Name: "Self-regulation under pressure", Hint: "Pausing before reacting when I feel triggered."},
	{Key: "noticing", Name: "Noticing my reactions", Hint: "Knowing what I feel and what set it off, as it happens."},
	{Key: "giving_feedback", Name: "Giving feedback", Hint: "Saying what I saw, kindly and specifically."},
	{Key: "receiving_feedback", Name: "Receiving feedback", Hint: "Taking in what others see without defending myself."},
	{Key: "asking_help", Name: "Asking for help", Hint: "Bringing my own problems to others before they grow."},
	{Key: "holding_back", Name: "Holding back advice", Hint: "Not rushing to fix; letting the problem stay the presenter's."},
	{Key: "helping_role", Name: "Choosing the helping role", Hint: "Offering expertise, diagnosis or process help as the person needs."},
	{Key: "confidentiality", Name: "Keeping confidences", Hint: "What is said in the circle stays there."},
	{Key: "following_through", Name: "Following through", Hint: "Doing what I committed to, or saying honestly why not."},
}

// FindCapability returns the capability with key.
func FindCapability(key string) (Capability, bool) {
	i := slices.IndexFunc(Capabilities, func(c Capability) bool { return c.Key == key })
	if i < 0 {
		return Capability{}, false
	}
	return Capabilities[i], true
}

// Pick is what a person made of a capability in an assessment.
type Pick string

const (
	// Strength: something they do well.
	Strength Pick = "strength"
	// Growth: something they want to get better at.
	Growth Pick = "growth"
)

// Rating is one capability picked in an assessment and how its owner
// rated themselves on it, from 1 (just starting) to 5 (a real strength).
type Rating struct {
	Capability string `json:"capability"`
	Pick       Pick   `json:"pick"`
	Score      int    `json:"score"`
}

// MaxNoteLen is the longest note beside an assessment, in characters.
const MaxNoteLen = 2000

// MaxPicks is how many capabilities one assessment may pick: a few to
// work on, not a report card.
const MaxPicks = 8

// AssessEvery is how long after the last assessment a new one is
// suggested.
const AssessEvery = 90 * 24 * time.Hour

// Assessment is a person's self-assessment at one time: the strengths and
// growth areas they picked and how they rated each. Ratings and Note are
// the clear content, which exists only between the owner and the
// service: the store keeps it sealed.
type Assessment struct {
	ID      string
	OrgID   string
	UserID  string
	Ratings []Rating
	Note    string
	// Version rises with every edit, so that of two edits at once the
	// second is told.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Score returns the rating of capability key, and whether it was picked.
func (a *Assessment) Score(key string) (Rating, bool) {
	i := slices.IndexFunc(a.Ratings, func(r Rating) bool { return r.Capability == key })
	if i < 0 {
		return Rating{}, false
	}
	return a.Ratings[i], true
}

// Validate checks what the owner picked and rated, and puts the ratings
// in the list's order.
func (a *Assessment) Validate() error {
	var v account.Validator
	seen := map[string]bool{}
	strengths, growth := 0, 0
	for _, r := range a.Ratings {
		c, ok := FindCapability(r.Capability)
		switch {
		case !ok:
			v.Add("ratings", "Choose capabilities from the list.")
		case seen[r.Capability]:
			v.Add("rating-"+r.Capability, "Pick each capability once.")
		case r.Pick != Strength && r.Pick != Growth:
			v.Add("rating-"+r.Capability, fmt.Sprintf("Say whether %s is a strength or a growth area.", strings.ToLower(c.Name)))
		case r.Score < 1 || r.Score > 5:
			v.Add("rating-"+r.Capability, fmt.Sprintf("Rate %s from 1 to 5.", strings.ToLower(c.Name)))
		}
		seen[r.Capability] = true
		switch r.Pick {
		case Strength:
			strengths++
		case Growth:
			growth++
		}
	}
	switch {
	case len(a.Ratings) == 0:
		v.Add("ratings", "Pick at least one strength or growth area, and rate it.")
	case len(a.Ratings) > MaxPicks:
		v.Add("ratings", fmt.Sprintf("Pick up to %d: a few to work on is enough.", MaxPicks))
	}
	if utf8.RuneCountInString(a.Note) > MaxNoteLen {
		v.Add("note", fmt.Sprintf("Keep the note under %d characters.", MaxNoteLen))
	}
	if err := v.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(a.Ratings, func(x, y Rating) int { return capabilityIndex(x.Capability) - capabilityIndex(y.Capability) })
	return nil
}

func capabilityIndex(key string) int {
	return slices.IndexFunc(Capabilities, func(c Capability) bool { return c.Key == key })
}

// Due reports whether a new assessment is suggested at now, given when
// the last was made (zero before the first).
func Due(last, now time.Time) bool {
	return last.IsZero() || !now.Before(last.Add(AssessEvery))
}
