package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// demoCard is a learning card someone wrote, released as far as to, ago
// before now (each step a few days after the one before).
type demoCard struct {
	author      string
	title, body string
	to          card.Audience
	ago         time.Duration
}

// autumnCards are the lived-in circle's cards: some reached everyone,
// some the program, some stayed in the circle, and one is still a draft.
var autumnCards = []demoCard{
	{"nina", "Ask before advising",
		"When I held back my advice and asked \"what have you tried already?\", the answer was better than anything I would have said. I now count to five before offering a solution.",
		card.Org, 3 * week},
	{"tom", "Silence is part of the question",
		"I used to fill every pause. Letting a question sit for a few seconds gave people room to find their own answer. Uncomfortable at first, useful every time.",
		card.Program, 2 * week},
	{"noah", "Name the help you want",
		"Saying up front whether I wanted ideas, questions or just a listening ear made the counsel round twice as useful.",
		card.Circle, 10 * day},
	{"fatima", "Commitments small enough to keep",
		"My commitments were too big, so I kept missing them. One small step I can do this week works better than a plan for the quarter.",
		card.Circle, 4 * day},
	{"tom", "Feedback as an offer",
		"Still thinking this through: framing feedback as something the other person can take or leave.",
		card.Draft, 2 * day},
}

// winterCards are from last winter's pairs, released to everyone months
// ago, and one kept in the pair's program.
var winterCards = []demoCard{
	{"zara", "A peer sees what a manager cannot",
		"Talking with someone at my level, from another department, I said things I would never say to my manager. Peers are a different kind of mirror.",
		card.Org, 20 * week},
	{"lena", "Prepare one question, not ten",
		"Coming to each session with a single question that mattered to me that week kept us focused and honest.",
		card.Org, 17 * week},
	{"felix", "Regular beats intense",
		"Forty-five minutes every week did more for me than the two-day leadership course. The habit is the point.",
		card.Program, 16 * week},
}

// loadCards writes cards, each in its author's circle among circles,
// through a clock set back to when it was written and released.
func loadCards(ctx context.Context, live *store.DB, circles []program.Circle, byKey map[string]*account.User, cards []demoCard) error {
	db, at := backdate(live)
	now := live.Now()
	for _, dc := range cards {
		u := byKey[dc.author]
		var c *program.Circle
		for i := range circles {
			if u != nil && circles[i].Member(u.ID) != nil {
				c = &circles[i]
			}
		}
		if c == nil {
			return fmt.Errorf("demo card: %s is in none of the circles", dc.author)
		}
		if err := writeCard(ctx, db, at, now, c, u.ID, dc); err != nil {
			return err
		}
	}
	return nil
}

// writeCard writes dc's card by authorID in c a few days before dc.ago,
// and releases it a day a step up to dc.to, through db, whose clock at
// sets back from now.
func writeCard(ctx context.Context, db *store.DB, at func(time.Duration), now time.Time, c *program.Circle, authorID string, dc demoCard) error {
	at(dc.ago + 3*day)
	k, err := card.New(c.OrgID, c.ID, c.ProgramID, authorID, dc.title, dc.body)
	if err != nil {
		return err
	}
	if err := db.CreateCard(ctx, k); err != nil {
		return err
	}
	steps := 0
	for a := card.Draft; a != dc.to; a, _ = a.Next() {
		steps++
	}
	for i := range steps {
		ago := dc.ago + time.Duration(steps-1-i)*day
		at(ago)
		next, _ := k.Audience.Next()
		version := k.Version
		if err := k.Widen(next, now.Add(-ago).UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		if err := db.UpdateCard(ctx, k, version); err != nil {
			return fmt.Errorf("demo card: %w", err)
		}
	}
	return nil
}
