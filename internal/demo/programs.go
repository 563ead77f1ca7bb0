package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// topics is the demo organisation's vocabulary of learning goals.
var topics = []string{
	"Giving feedback", "Difficult conversations", "Leading through change", "Delegation", "Prioritisation",
	"Managing up", "Coaching others", "Influencing without authority", "Work–life balance", "Presenting with confidence",
	"Strategic thinking", "Hiring well",
}

// springName is the program open for opt-in now.
const springName = "Leadership circles, spring"

// loadPrograms opens two programs and opts most demo people in, so that a
// newcomer can propose matches straight away. A few people are left out
// so that opting in can be tried too. A third program, for two
// departments, is a draft to open.
func loadPrograms(ctx context.Context, db *store.DB, org *account.Org, users []*account.User) error {
	for _, t := range topics {
		if err := db.CreateTopic(ctx, org.ID, t); err != nil {
			return fmt.Errorf("demo topic: %w", err)
		}
	}
	now := db.Now()
	admin := users[0]
	circles := &program.Program{OrgID: org.ID, Name: springName, Format: program.FormatGroup,
		Purpose:    "Small circles of peers from different teams who meet every two weeks to work on real leadership challenges, using the council model: check in, present, ask, counsel, commit.",
		OptInOpens: now.AddDate(0, 0, -7), OptInCloses: now.AddDate(0, 0, 21), CreatedBy: admin.ID}
	circles.Defaults()
	pairs := &program.Program{OrgID: org.ID, Name: "New managers' pairs", Format: program.FormatPair, Cadence: program.Weekly,
		SessionMinutes: 45, Purpose: "Two new managers, two turns each time: one brings a challenge, the other coaches, then you swap.",
		OptInOpens: now.AddDate(0, 0, -3), OptInCloses: now.AddDate(0, 0, 28), CreatedBy: admin.ID}
	pairs.Defaults()
	for _, p := range []*program.Program{circles, pairs} {
		if err := p.Validate(); err != nil {
			return err
		}
		if err := db.CreateProgram(ctx, p); err != nil {
			return err
		}
		if err := markAnnounced(ctx, db, org.ID, p.ID); err != nil {
			return err
		}
	}
	if err := loadDraft(ctx, db, org, admin); err != nil {
		return err
	}
	// Everyone but the last six opts in to the circles; the pair program
	// gets the newest managers.
	for i, u := range users[:len(users)-6] {
		o, err := demoOptIn(u, circles.ID, i, now)
		if err != nil {
			return err
		}
		if err := db.SaveOptIn(ctx, o, circles); err != nil {
			return fmt.Errorf("demo opt-in: %w", err)
		}
	}
	for i, u := range users {
		if u.Level < 5 || u.Level > 6 {
			continue
		}
		o, err := demoOptIn(u, pairs.ID, i+3, now)
		if err != nil {
			return err
		}
		if err := db.SaveOptIn(ctx, o, pairs); err != nil {
			return fmt.Errorf("demo opt-in: %w", err)
		}
	}
	return nil
}

// demoOptIn gives person i two or three topics, skewed towards the first
// few as real interests are, and working hours in their own time zone with
// a free evening or a busy day for variety. People in the Americas start
// at 7:00, as colleagues of a company run from Europe often do, so that
// circles across the Atlantic share a time to meet.
func demoOptIn(u *account.User, programID string, i int, now time.Time) (*program.OptIn, error) {
	picks := []string{topics[i%4], topics[(i*7+3)%len(topics)]}
	if i%3 == 0 {
		picks = append(picks, topics[(i*5+1)%len(topics)])
	}
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		return nil, err
	}
	var cells []program.Cell
	first := 9 * 60
	if strings.HasPrefix(u.Timezone, "America/") {
		first = 7 * 60
	}
	for day := range 5 {
		if day == i%5 && i%2 == 0 {
			continue // a day full of other meetings
		}
		for m := first; m < 17*60; m += 60 {
			if m == 12*60 {
				continue // lunch
			}
			cells = append(cells, program.Cell{Day: day, Minute: m})
		}
	}
	avail, err := program.DefaultGrid.ToUTC(cells, loc, now)
	if err != nil {
		return nil, err
	}
	o := &program.OptIn{ProgramID: programID, OrgID: u.OrgID, UserID: u.ID, Topics: picks, Availability: avail,
		FormatPref: program.PreferEither, Goals: goals[i%len(goals)]}
	if err := o.Validate(topics); err != nil {
		return nil, err
	}
	return o, nil
}

// sharedSlots are the times at which everyone of opts can meet for a
// session of minutes: the overlap of their availabilities, as a round
// proposes a circle with them.
func sharedSlots(opts []*program.OptIn, minutes int) []program.Interval {
	var shared, out []program.Interval
	for j, o := range opts {
		if mine := program.Merge(o.Availability); j == 0 {
			shared = mine
		} else {
			shared = program.Overlap(shared, mine)
		}
	}
	for _, iv := range shared {
		if iv[1]-iv[0] >= minutes {
			out = append(out, iv)
		}
	}
	return out
}

var goals = []string{
	"I want to get better at giving feedback that lands.",
	"My team is going through a reorganisation and I want to lead it well.",
	"",
	"I say yes to too much. I want to learn to prioritise and delegate.",
	"I'd like a sounding board outside my own team.",
	"",
	"Preparing for a bigger role next year.",
}
