package demo

import (
	"context"
	"errors"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// JournalEntry is an entry in a demo person's private journal. The demo
// cannot seal it (only the journal service holds the keys), so the
// command that loads the demo writes these through that service.
type JournalEntry struct {
	// Person is the part of the person's address before the @.
	Person  string
	Prompt  string
	Body    string
	DaysAgo int
}

// Journal is what Maya, the demo's admin, has written in her journal, so
// that signing in as her shows a journal in use.
var Journal = []JournalEntry{
	{Person: "maya", Prompt: "emotion", DaysAgo: 19, Body: `What happened, and what did I feel when it happened?
Jonas questioned the rollout plan in front of the whole leadership group. I felt my face go hot — embarrassed first, then defensive.

What did I do?
I talked over him and listed every reason the plan was sound. He went quiet for the rest of the meeting.

What would I try next time?
Ask him what he saw that I didn't, before defending anything. His point about the Stockholm team's workload was fair.`},
	{Person: "maya", Prompt: "strength", DaysAgo: 12, Body: `Where did I do well recently?
Priya came to me upset about the reorganisation. I didn't fix anything; I listened for twenty minutes and asked two questions.

What strength did that show?
Patience, and trusting that she could find her own answer.

Where else could I use it?
In my circle, when someone presents a problem I think I know the answer to.`},
	{Person: "maya", Prompt: "trigger", DaysAgo: 6, Body: `What set me off?
A budget request that arrived at 17:55 on a Friday, marked urgent.

What did I notice in my body and in my thoughts?
Tight shoulders, a clenched jaw, and the story "nobody respects my time".

What helped me steady myself, or what could have?
Closing the laptop and walking round the block. On Monday it took ten minutes.`},
	{Person: "maya", Prompt: "free", DaysAgo: 2, Body: `Our circle's check-in today felt different — people said how they were, not just what they were working on. I want to protect that: keep the first ten minutes for check-ins, even when the agenda is full.`},
	{Person: "maya", Prompt: "growth", DaysAgo: 1, Body: `What do I want to get better at?
Letting silence sit after I ask a question.

What got in the way this time?
I rephrased my question twice before anyone had a chance to think.

What small step will I try next?
Count to seven in my head before saying anything else.`},
}

// SelfAssessment is one of a demo person's self-assessments, written, as
// their journal is, through the journal service.
type SelfAssessment struct {
	Person  string
	DaysAgo int
	// Ratings maps a capability's key to its pick ("strength" or
	// "growth") and score.
	Ratings map[string]Rating
	Note    string
}

// Rating is a capability's pick and score in a demo self-assessment.
type Rating struct {
	Pick  string
	Score int
}

// Assessments are Maya's self-assessments, every few months: listening
// grows, and holding back advice is still her growth area.
var Assessments = []SelfAssessment{
	{Person: "maya", DaysAgo: 200, Note: "Before the autumn circles. I fix things for people too quickly.", Ratings: map[string]Rating{
		"listening": {"strength", 3}, "holding_back": {"growth", 1}, "self_regulation": {"growth", 2},
		"giving_feedback": {"strength", 4}, "asking_help": {"growth", 2}}},
	{Person: "maya", DaysAgo: 108, Ratings: map[string]Rating{
		"listening": {"strength", 4}, "holding_back": {"growth", 2}, "self_regulation": {"growth", 2},
		"giving_feedback": {"strength", 4}, "asking_help": {"growth", 3}}},
	{Person: "maya", DaysAgo: 16, Note: "The circle shows me how often I reach for advice.", Ratings: map[string]Rating{
		"listening": {"strength", 4}, "holding_back": {"growth", 2}, "self_regulation": {"growth", 3},
		"giving_feedback": {"strength", 5}, "asking_help": {"strength", 4}, "open_questions": {"growth", 3}}},
}

// HelpingNote is a demo person's private note on one counsel step of a
// meeting their circle held: as a helper, the role they took; as the
// presenter, which help helped.
type HelpingNote struct {
	MeetingID   string
	PresenterID string
	Took        string
	Helped      []string
	At          time.Time
}

// mayasHelping is what Maya noted after each counsel step of her circle's
// meetings, by presenter: the role she took (mostly the expert, as her
// journal admits), and on her own turn which help helped (process help).
var mayasHelping = map[string]string{"nina": "expert", "tom": "expert", "fatima": "process", "noah": "expert"}

// Helping returns Maya's helping notes on the meetings her circle has
// held, oldest first: a note on every counsel step, so that her journal
// shows her pattern.
func Helping(ctx context.Context, db *store.DB, maya *account.User) ([]HelpingNote, error) {
	circles, err := db.FindCircleIDsOf(ctx, maya.OrgID, maya.ID)
	if err != nil {
		return nil, err
	}
	keyOf := map[string]string{}
	for k := range mayasHelping {
		u, err := db.FindUserByEmail(ctx, k+"@northwind.example")
		if err != nil {
			return nil, err
		}
		keyOf[u.ID] = k
	}
	var out []HelpingNote
	for _, id := range circles {
		meetings, err := db.FindMeetings(ctx, maya.OrgID, id)
		if err != nil {
			return nil, err
		}
		second := false
		for _, m := range meetings {
			r, err := db.FindRoom(ctx, maya.OrgID, m.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			st, err := room.Decode(r.State)
			if err != nil || st.Phase != room.Ended {
				continue
			}
			for _, p := range st.Presenters {
				n := HelpingNote{MeetingID: m.ID, PresenterID: p, At: m.Start}
				switch took := mayasHelping[keyOf[p]]; {
				case p == maya.ID:
					n.Helped = []string{"process"}
				case keyOf[p] == "nina" && second:
					// By her third meeting she tries diagnosing first.
					n.Took = "doctor"
				case took != "":
					n.Took = took
				default:
					continue
				}
				if keyOf[p] == "nina" {
					second = true
				}
				out = append(out, n)
			}
		}
	}
	return out, nil
}
