// Package circle holds what a formed circle (or pair) keeps for itself: the
// ground rules its members acknowledge before anything else, the working
// agreement they write and consent to, the rotation of meeting roles, the
// recurring schedule and its meetings, reminders, commitments and the
// members-only space. It performs no I/O.
package circle

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// GroundRules is an organisation's ground-rules text at one version.
// Changing the text makes a new version, which every member acknowledges
// again before they see inside their circle.
type GroundRules struct {
	Version   int       `json:"version"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultGroundRules is version 1 of every organisation's ground rules until
// an admin edits them. It covers what the book holds a positive holding
// environment needs.
const DefaultGroundRules = `## Our ground rules

1. **Confidentiality.** What is said in the circle stays in the circle. We may share what we learned about ourselves, never what someone else said or did.
2. **Respect when giving feedback.** We speak about the situation and its effect, not about the person. We offer counsel; the presenter decides what to take.
3. **Compassion.** We assume good intent, listen to understand, and remember that everyone here is learning — including us.
4. **Voluntary participation.** Everyone is here by choice. Anyone may pass on a question or a turn, and may leave the circle without giving a reason.
5. **Presence.** We arrive on time, close other windows and notifications, and give the speaker our full attention.`

// MaxTextLen bounds ground rules, agreements and posts: long enough for a
// thorough agreement, short enough to read in a meeting.
const MaxTextLen = 20000

// CheckText validates a Markdown text for field.
func CheckText(v *account.Validator, field, text string, max int) {
	switch {
	case strings.TrimSpace(text) == "":
		v.Add(field, "Write something here.")
	case !utf8.ValidString(text):
		v.Add(field, "Use plain text (UTF-8).")
	case utf8.RuneCountInString(text) > max:
		v.Add(field, fmt.Sprintf("Keep it under %d characters.", max))
	}
}

// Post is a note in the members-only space.
type Post struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// MaxPostLen bounds one post.
const MaxPostLen = 4000

// Commitment is what a member means to do before the next meeting.
type Commitment struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	UserName  string     `json:"user_name"`
	MeetingID string     `json:"meeting_id,omitempty"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	// Progress and Learned are what the owner said of it at their next
	// check-in: "done", "partly" or "not_yet", and what they learned.
	Progress string `json:"progress,omitempty"`
	Learned  string `json:"learned,omitempty"`
	// DueAt is when its owner means to have done it; LetGoAt is when they
	// let it go instead. Version guards their changes.
	DueAt   *time.Time `json:"due_at,omitempty"`
	LetGoAt *time.Time `json:"let_go_at,omitempty"`
	Version int        `json:"version"`
}

// Progress values a member reports at check-in.
var Progresses = []string{"done", "partly", "not_yet"}

// MaxCommitmentLen bounds one commitment: a sentence or two.
const MaxCommitmentLen = 500

// Departure is a member who left a circle, with the note they left for the
// organisation's admins.
type Departure struct {
	CircleID string    `json:"circle_id"`
	UserID   string    `json:"user_id"`
	Name     string    `json:"name"`
	Note     string    `json:"note"`
	LeftAt   time.Time `json:"left_at"`
}

// MaxLeaveNoteLen bounds a leaving note.
const MaxLeaveNoteLen = 1000

// Errors of a circle's life: each is a rule that a request broke, a
// fault.Conflict whose message is written for the person who made it.
var (
	// ErrNotActive: changes to a circle that is not (or no longer) formed.
	ErrNotActive = fault.New(fault.Conflict, "This circle is not active.")
	// ErrRulesChanged: the ground rules changed while the person read them.
	ErrRulesChanged = fault.New(fault.Conflict, "The ground rules changed while you were reading them. Please read them again.")
	// ErrMeetingPast: a meeting that has begun can no longer change.
	ErrMeetingPast = fault.New(fault.Conflict, "That meeting has already begun; only meetings ahead can change.")
	// ErrMeetingCancelled: a cancelled meeting has no room.
	ErrMeetingCancelled = fault.New(fault.Conflict, "This meeting was cancelled. Put it back on to meet.")
	// ErrNotBelowMinimum: only a circle below its minimum can be returned
	// to the pool.
	ErrNotBelowMinimum = fault.New(fault.Conflict, "This circle still has enough members; it can only be returned to the pool when it falls below the minimum.")
)

// ErrGroundRules means a member has not acknowledged the ground rules in
// force, and so may not see inside the circle yet. Each transport says where
// to read them.
var ErrGroundRules = &fault.Error{Kind: fault.GroundRules}
