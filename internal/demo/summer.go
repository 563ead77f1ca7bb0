package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/store"
)

const summerName = "Leadership circles, summer"

// summerCircles are the summer program's two circles, by roster key. In
// the second, the last member left halfway through the season.
var summerCircles = [][]string{
	{"lucas", "ravi", "diego", "clara"},
	{"mei", "marcus", "yuki", "tariq"},
}

// summerCommitments are what members took away from a meeting.
var summerCommitments = []string{
	"Ask for feedback on one decision before I make it, not after.",
	"Block an hour each week for one-to-ones and protect it.",
	"Tell my team what I am still learning about this role.",
	"Say no to one meeting a week that someone else can cover.",
	"Write down the three things I want the team to remember from the reorg.",
}

// loadSummer adds the season before autumn, closed six weeks ago: two
// circles of four that met every other Wednesday for three months, with
// who came to each meeting (most did, each missed one now and then), the
// commitments they made and mostly kept, a member leaving halfway, and
// two rounds of the pulse, so that the program dashboard has months of
// history to show. The circles finished with the program: nothing is
// scheduled for them and nobody is reminded of anything.
func loadSummer(ctx context.Context, live *store.DB, org *account.Org, byKey map[string]*account.User) error {
	for _, keys := range summerCircles {
		for _, k := range keys {
			if byKey[k] == nil {
				return nil
			}
		}
	}
	now := live.Now()
	db, at := backdate(live)
	at(22 * week)
	p := &program.Program{OrgID: org.ID, Name: summerName, Format: program.FormatGroup, Cadence: program.Fortnightly,
		Purpose:    "A season of peer circles over the summer: four colleagues from different teams, every other Wednesday.",
		OptInOpens: now.Add(-22 * week), OptInCloses: now.Add(-20 * week), EndsAt: now.Add(-6 * week), CreatedBy: byKey["maya"].ID}
	p.Defaults()
	p.MinSize, p.MaxSize = 3, 5
	if err := p.Validate(); err != nil {
		return err
	}
	if err := db.CreateProgram(ctx, p); err != nil {
		return err
	}
	if err := markAnnounced(ctx, db, org.ID, p.ID); err != nil {
		return err
	}
	var proposed []program.Circle
	n := 0
	for _, keys := range summerCircles {
		c := program.Circle{Score: 4, Reasons: []string{"You come from different teams, so nobody coaches their own manager."}}
		for _, k := range keys {
			at(21*week - time.Duration(n)*day)
			u := byKey[k]
			o, err := demoOptIn(u, p.ID, 2*n+1, now)
			n++
			if err != nil {
				return err
			}
			if err := db.SaveOptIn(ctx, o, p); err != nil {
				return fmt.Errorf("demo opt-in: %w", err)
			}
			c.Members = append(c.Members, program.Member{UserID: u.ID, Name: u.Name, Email: u.Email, Response: program.Undecided})
		}
		c.Slots = []program.Interval{{2*1440 + 13*60, 2*1440 + 17*60}}
		proposed = append(proposed, c)
	}
	at(20 * week)
	roundID, formed, err := publishRound(ctx, db, org.ID, p.ID, proposed, nil)
	if err != nil {
		return err
	}
	at(19 * week)
	if err := acceptEach(ctx, db, org.ID, formed); err != nil {
		return fmt.Errorf("demo summer circle: %w", err)
	}
	if formed, err = db.FindCircles(ctx, org.ID, store.CircleFilter{RoundID: roundID}); err != nil {
		return err
	}
	for i := range formed {
		if err := summerSeason(ctx, db, at, now, &formed[i], i); err != nil {
			return fmt.Errorf("demo summer season: %w", err)
		}
	}
	at(6 * week)
	if err := closeSeason(ctx, db, org.ID, p.ID, formed); err != nil {
		return err
	}
	return nil
}

// summerSeason gives the i-th summer circle its meetings, every other
// Wednesday at 16:00 in Berlin from 18 weeks ago until the program ended,
// and what happened at them.
func summerSeason(ctx context.Context, db *store.DB, at func(time.Duration), now time.Time, c *program.Circle, i int) error {
	rule := calendar.Rule{Freq: calendar.Fortnightly, Weekday: time.Wednesday}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	first := calendar.FirstOnOrAfter(rule, loc, now.Add(-18*week).In(loc), 16*60)
	sched := &circle.Schedule{Rule: rule, Timezone: "Europe/Berlin", FirstStart: first.UTC(), Duration: 90 * time.Minute,
		VideoURL: fmt.Sprintf("https://meet.northwind.example/summer-circle-%d", i+1)}
	var meetings []circle.Meeting
	for _, start := range sched.Starts(sched.FirstStart, 7) {
		if !start.Before(now.Add(-6 * week)) {
			break
		}
		meetings = append(meetings, circle.Meeting{Original: start, Start: start, End: start.Add(sched.Duration), Status: circle.Scheduled})
	}
	at(now.Sub(first) + week)
	st, err := db.FindCircleState(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	members := c.UserIDs()
	st.Schedule = sched
	st.Meetings = circle.Rotate(members, nil, meetings)
	if err := db.UpdateCircle(ctx, st, circle.ReminderPlan{}); err != nil {
		return err
	}
	saved, err := db.FindMeetings(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	// The second circle's last member left after its fourth meeting.
	leaver, leftAfter := "", len(saved)
	if i == 1 {
		leaver, leftAfter = members[len(members)-1], 3
	}
	if err := summerPulse(ctx, db, c, 0, members); err != nil {
		return err
	}
	for j, m := range saved {
		if j == leftAfter {
			at(now.Sub(m.Start) + 2*day)
			left, err := db.FindCircleState(ctx, c.OrgID, c.ID)
			if err != nil {
				return err
			}
			left.Circle.Members = slices.DeleteFunc(left.Circle.Members, func(mb program.Member) bool { return mb.UserID == leaver })
			if err := db.LeaveCircle(ctx, left, leaver, "", 0, circle.ReminderPlan{}); err != nil {
				return err
			}
		}
		at(now.Sub(m.Start))
		for k, id := range members {
			if (id == leaver && j >= leftAfter) || (j+k+i)%5 == 0 {
				continue // someone misses a meeting now and then
			}
			if _, err := db.RecordPresence(ctx, c.OrgID, m.ID, id); err != nil {
				return err
			}
		}
		// One commitment a meeting, most of them kept by the next.
		who := members[(j+i)%len(members)]
		if who == leaver && j >= leftAfter {
			who = members[0]
		}
		at(now.Sub(m.End))
		com := &circle.Commitment{UserID: who, Body: summerCommitments[(j+2*i)%len(summerCommitments)]}
		if err := db.CreateCommitment(ctx, c.OrgID, c.ID, com); err != nil {
			return err
		}
		if (j+i)%3 != 2 {
			at(now.Sub(m.End) - 10*day)
			if err := db.UpdateCommitment(ctx, c.OrgID, c.ID, com.ID, who, true); err != nil {
				return err
			}
		}
		if j == 2 || j == 5 {
			// A pulse round every three meetings; the newest stays open.
			if err := summerPulse(ctx, db, c, j+1, members); err != nil {
				return err
			}
		}
	}
	return nil
}

// summerPulse opens the summer circle's pulse round after held meetings
// (the first when held is 0 sets the cadence), and has the members
// present answer the round before it.
func summerPulse(ctx context.Context, db *store.DB, c *program.Circle, held int, members []string) error {
	if held == 0 {
		return db.UpdatePulseCadence(ctx, c.OrgID, c.ID, 3)
	}
	number := held / 3
	if err := db.CreatePulseRound(ctx, c.OrgID, c.ID, number, held); err != nil {
		return err
	}
	answers := []pulse.Answer{{2, 6, 1, 6, 2, 6, 6}, {3, 5, 2, 5, 3, 6, 5}, {2, 6, 2, 5, 2, 7, 6}, {3, 5, 3, 5, 3, 5, 5}}
	// The first round, answered by everyone; the second, still open,
	// by two so far.
	answering := members[:min(len(members), 4)]
	if number > 1 {
		answering = members[:2]
	}
	for k, id := range answering {
		if err := db.AnswerPulse(ctx, c.OrgID, c.ID, number, id, answers[(k+number)%len(answers)]); err != nil {
			return err
		}
	}
	return nil
}
