package room

import (
	"slices"
	"time"
)

// What members bring to a meeting beside the council's steps: check-ins,
// offers of counsel, the shared note, closing answers, and guests.

// Checkin is a member's check-in at a meeting; having one means they came.
type Checkin struct {
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Mood      string    `json:"mood"`
	Wins      string    `json:"wins"`
	Tabled    string    `json:"tabled"`
	CreatedAt time.Time `json:"created_at"`
}

// ClosingAnswer is a member's quick answer at a meeting's close: did we
// get what we wanted today?
type ClosingAnswer struct {
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Answer    string    `json:"answer"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// Offer is counsel given to a presenter.
type Offer struct {
	ID          string    `json:"id"`
	PresenterID string    `json:"presenter_id"`
	AuthorID    string    `json:"author_id"`
	AuthorName  string    `json:"author_name"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
	// Taken: the presenter made it one of their commitments.
	Taken bool `json:"taken"`
}

// Note is a meeting's shared note.
type Note struct {
	Body      string    `json:"body"`
	Version   int64     `json:"version"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Guest is a colleague invited to observe one meeting.
type Guest struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	CircleID   string     `json:"circle_id"`
	MeetingID  string     `json:"meeting_id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	InvitedBy  string     `json:"invited_by"`
	CreatedAt  time.Time  `json:"created_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// Unanswered lists, in check-in order, who has yet to give a closing
// answer of those who are expected to: the members present, or everyone
// when nobody is known to be.
func Unanswered(order, present []string, answers []ClosingAnswer) []string {
	answered := map[string]bool{}
	for _, a := range answers {
		answered[a.UserID] = true
	}
	var out []string
	for _, id := range order {
		if !answered[id] && (len(present) == 0 || slices.Contains(present, id)) {
			out = append(out, id)
		}
	}
	return out
}
