package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// autumnName is the demo's earlier program, whose circles have been
// meeting for a few weeks.
const autumnName = "Leadership circles, autumn"

// demoCircle is one circle of the autumn program.
type demoCircle struct {
	members []string // roster keys; the first proposes the agreement
	// declined were proposed too, and declined: the circle went ahead
	// without them, one fewer.
	declined []string
	// unacknowledged are members who have not yet read the ground rules,
	// so that a newcomer signing in as them meets the gate.
	unacknowledged []string
	scheduled      bool
	// away are, for each held meeting in turn, the members who missed it
	// without a word: two in a row earn a gentle nudge.
	away [][]string
	// struggling: a circle few of whose members still come, which its
	// admins see flagged; it has meetings and nothing else.
	struggling bool
}

var autumnCircles = []demoCircle{
	{members: []string{"nina", "maya", "tom", "noah", "fatima"}, unacknowledged: []string{"maya"}, scheduled: true,
		away: [][]string{nil, {"tom"}, {"tom"}}},
	{members: []string{"grace", "amelia", "omar", "isabel"}, declined: []string{"ana"}, unacknowledged: []string{"grace", "amelia", "omar", "isabel"}},
	{members: []string{"jonas", "elena", "james", "clara", "sam"}, scheduled: true, struggling: true,
		away: [][]string{{"james", "clara", "sam"}, {"elena", "james", "sam"}, {"elena", "james", "clara", "sam"}}},
}

// autumnUnplaced is who the autumn round could not place, and why: their
// matches page explains it, and they come first in the next round.
var autumnUnplaced = map[string]string{"ingrid": "the remaining people could not form a group of 4–6"}

// loadCircles adds the autumn program with circles formed six weeks ago:
// one with a history — acknowledged ground rules, an agreement in force
// and an amendment waiting for consent, a fortnightly schedule kept in
// Berlin time for members from New York to Stockholm, past meetings with
// rotating roles, commitments and notes — and one still to begin, so
// both a lived-in circle and a fresh start can be tried; and a pair
// program from last winter that has ended. It does nothing when the
// program exists.
func loadCircles(ctx context.Context, db *store.DB, org *account.Org) error {
	progs, err := db.FindPrograms(ctx, org.ID)
	if err != nil {
		return err
	}
	for _, p := range progs {
		if p.Name == autumnName {
			return nil
		}
	}
	byKey, err := rosterUsers(ctx, db, org.ID)
	if err != nil {
		return err
	}
	for _, dc := range autumnCircles {
		for _, k := range append(slices.Clone(dc.members), dc.declined...) {
			if byKey[k] == nil {
				return nil // people were changed by hand; leave the demo as it is
			}
		}
	}

	now := db.Now()
	// From here on db is a handle on the same database whose clock at
	// sets back, so that the circle's history has plausible dates; live
	// keeps the real time.
	live := db
	db, at := backdate(live)

	at(10 * week)
	p := &program.Program{OrgID: org.ID, Name: autumnName, Format: program.FormatGroup, Cadence: program.Fortnightly,
		Purpose:    "Our first season of peer circles: five or six colleagues from different teams, meeting every two weeks.",
		OptInOpens: now.Add(-10 * week), OptInCloses: now.Add(-8 * week), CreatedBy: byKey["maya"].ID}
	p.Defaults()
	p.MinSize = 4
	if err := p.Validate(); err != nil {
		return err
	}
	if err := db.CreateProgram(ctx, p); err != nil {
		return err
	}
	if err := markAnnounced(ctx, db, org.ID, p.ID); err != nil {
		return err
	}
	var circles []program.Circle
	for _, dc := range autumnCircles {
		c := program.Circle{Score: 4.2, Reasons: []string{"You share an interest in giving feedback and leading through change.",
			"You come from different teams, so nobody coaches their own manager."}}
		for _, k := range append(slices.Clone(dc.members), dc.declined...) {
			u := byKey[k]
			c.Members = append(c.Members, program.Member{UserID: u.ID, Name: u.Name, Email: u.Email, Response: program.Undecided})
		}
		circles = append(circles, c)
	}
	var unplaced []program.Unmatched
	for k, reason := range autumnUnplaced {
		unplaced = append(unplaced, program.Unmatched{UserID: byKey[k].ID, Reason: reason})
	}
	// Everyone opted in before the round, as a round needs: whoever
	// declined or was not placed still is, and waits for the next round.
	// Each circle is proposed with the times its members share, as the
	// matching proposes them, so the round's review shows when each can
	// meet, and the first circle's schedule (Tuesdays at 15:00 in Berlin)
	// falls in them.
	n := 0
	optIn := func(k string) (*program.OptIn, error) {
		// An odd index leaves every weekday free (see demoOptIn).
		o, err := demoOptIn(byKey[k], p.ID, 2*n+1, now)
		n++
		if err != nil {
			return nil, err
		}
		if err := db.SaveOptIn(ctx, o, p); err != nil {
			return nil, fmt.Errorf("demo opt-in: %w", err)
		}
		return o, nil
	}
	for i, dc := range autumnCircles {
		var opts []*program.OptIn
		for _, k := range append(slices.Clone(dc.members), dc.declined...) {
			o, err := optIn(k)
			if err != nil {
				return err
			}
			opts = append(opts, o)
		}
		circles[i].Slots = sharedSlots(opts, p.SessionMinutes)
	}
	for k := range autumnUnplaced {
		if _, err := optIn(k); err != nil {
			return err
		}
	}
	at(7 * week)
	roundID, formed, err := publishRound(ctx, db, org.ID, p.ID, circles, unplaced)
	if err != nil {
		return err
	}
	at(6 * week)
	for i, c := range formed {
		c, version, err := db.FindVersionedCircle(ctx, org.ID, c.ID)
		if err != nil {
			return err
		}
		for _, k := range autumnCircles[i].declined {
			a, err := c.Decline(byKey[k].ID, p.MinSize, db.Now().UTC().Truncate(time.Microsecond))
			if err != nil {
				return err
			}
			if err := db.RespondToCircle(ctx, c, version, a, "", nil); err != nil {
				return fmt.Errorf("demo decline: %w", err)
			}
			version++
		}
		if _, err := acceptAll(ctx, db, c, version, c.UserIDs()); err != nil {
			return fmt.Errorf("demo circle: %w", err)
		}
	}
	// Read again: without whoever stepped out.
	if formed, err = db.FindCircles(ctx, org.ID, store.CircleFilter{RoundID: roundID}); err != nil {
		return err
	}
	for i, dc := range autumnCircles {
		if err := loadHistory(ctx, db, live, &formed[i], dc, byKey, at); err != nil {
			return fmt.Errorf("demo circle history: %w", err)
		}
	}
	if err := loadPulse(ctx, live, &formed[0], byKey); err != nil {
		return err
	}
	if err := loadCards(ctx, live, formed[:1], byKey, autumnCards); err != nil {
		return err
	}
	if err := loadWinter(ctx, live, org, byKey); err != nil {
		return err
	}
	if err := loadSummer(ctx, live, org, byKey); err != nil {
		return err
	}
	return loadSpread(ctx, live, org, &formed[0], byKey)
}

// loadHistory writes a circle's history through db, whose clock at sets
// back, and its schedule through live, which keeps the real time.
func loadHistory(ctx context.Context, db, live *store.DB, c *program.Circle, dc demoCircle, byKey map[string]*account.User,
	at func(time.Duration)) error {
	rules, err := db.FindGroundRules(ctx, c.OrgID)
	if err != nil {
		return err
	}
	at(6*week - 2*time.Hour)
	for _, k := range dc.members {
		if !slices.Contains(dc.unacknowledged, k) {
			if err := db.CreateAcknowledgement(ctx, c.OrgID, c.ID, byKey[k].ID, rules.Version); err != nil {
				return err
			}
		}
	}
	if !dc.scheduled {
		// It never set a schedule: it shows its program's admins a
		// circle that has stalled, as the hourly upkeep would find it.
		return touchCircle(ctx, live, c)
	}
	away := func(held int) []string {
		if held >= len(dc.away) {
			return nil
		}
		var ids []string
		for _, k := range dc.away[held] {
			ids = append(ids, byKey[k].ID)
		}
		return ids
	}
	if dc.struggling {
		// It met on its schedule, but fewer and fewer came: the hourly
		// upkeep flags it to the program's admins as struggling.
		now := live.Now()
		if err := keepSchedule(ctx, live, c, calendar.Rule{Freq: calendar.Fortnightly, Weekday: time.Thursday}, "Europe/London", 13*60,
			time.Hour, "https://meet.northwind.example/autumn-circle-3", now.Add(-5*week)); err != nil {
			return err
		}
		presenters := [][]string{{byKey["jonas"].ID, byKey["elena"].ID}, {byKey["clara"].ID}, {byKey["jonas"].ID}}
		return holdRooms(ctx, db, c, at, now, room.DefaultSettings(room.Council), presenters, nil, away)
	}
	// Version 1, agreed by everyone in the first weeks.
	at(5*week + 3*day)
	ag, err := readAgreement(ctx, db, c)
	if err != nil {
		return err
	}
	first := byKey[dc.members[0]]
	if err := ag.propose(ctx, first.ID, agreementV1, "Our first draft, from the template and our first meeting."); err != nil {
		return err
	}
	for i, k := range dc.members[1:] {
		at(5*week - time.Duration(i)*day)
		if err := ag.consent(ctx, byKey[k].ID, 1); err != nil {
			return err
		}
	}
	// Version 2, an amendment on lateness, waiting for two consents.
	at(2 * day)
	amender := byKey[dc.members[2]]
	if err := ag.propose(ctx, amender.ID, agreementV2, "Add how we handle lateness and cancelling at short notice."); err != nil {
		return err
	}
	for _, k := range []string{dc.members[0], dc.members[4]} {
		at(day)
		if err := ag.consent(ctx, byKey[k].ID, 2); err != nil {
			return err
		}
	}
	// Before consenting, one member would rather have it otherwise, and
	// the proposer answers: the others read both first.
	for _, cm := range []struct {
		who, body string
		ago       time.Duration
	}{
		{dc.members[3], "I'd rather we wait five minutes before starting: the Tuesday all-hands often runs over, and I don't want to walk in on someone's check-in.", 20 * time.Hour},
		{dc.members[2], "Fair point. Five minutes' grace, then we start whoever is there? I'm happy to change the wording if that works for everyone.", 17 * time.Hour},
	} {
		at(cm.ago)
		if _, err := db.CreateAgreementComment(ctx, c.OrgID, c.ID, 2, byKey[cm.who].ID, cm.body); err != nil {
			return err
		}
	}

	// A fortnightly schedule in Berlin time that began five weeks ago.
	now := live.Now()
	rule := calendar.Rule{Freq: calendar.Fortnightly, Weekday: time.Tuesday}
	if err := keepSchedule(ctx, live, c, rule, "Europe/Berlin", 15*60, 90*time.Minute,
		"https://meet.northwind.example/autumn-circle-1", now.Add(-5*week)); err != nil {
		return err
	}
	if err := loadPastRooms(ctx, db, c, byKey, at, now, away); err != nil {
		return err
	}
	// Yesterday a member made the meetings longer; anyone may still put
	// that back.
	if err := lengthenMeetings(ctx, live, c, byKey[dc.members[3]], time.Hour); err != nil {
		return err
	}
	// Commitments are due at the next meeting, or a day their owner
	// chose. Maya kept her first two, and the latest is two days past its
	// day, still open: her home asks how it went, and the follow-up
	// offers to mark it done, move it or let it go.
	for i, cm := range []struct {
		who, body string
		ago, due  time.Duration // due: from now, negative when past
		done      bool
	}{
		{"maya", "Block Friday mornings for one-to-one preparation, and protect them.", 34 * day, -20 * day, true},
		{"maya", "Ask Clara to run the next all-hands and coach her beforehand.", 20 * day, -8 * day, true},
		{"tom", "Ask two people on my team what they'd like more of from me, and just listen.", 12 * day, 2 * day, true},
		{"noah", "Hand the weekly planning meeting to Yuki and stay out of the details.", 12 * day, 2 * day, false},
		{"maya", "Tell my team the reorganisation timeline before the rumours do.", 9 * day, -2 * day, false},
		{"fatima", "Have the conversation about workload with Ben before the quarter ends.", 5 * day, 9 * day, false},
	} {
		at(cm.ago)
		due := now.Add(cm.due)
		com := &circle.Commitment{UserID: byKey[cm.who].ID, Body: cm.body, DueAt: &due}
		if err := db.CreateCommitment(ctx, c.OrgID, c.ID, com); err != nil {
			return err
		}
		if cm.done {
			at(cm.ago - time.Duration(i%3+2)*day)
			if err := db.UpdateCommitment(ctx, c.OrgID, c.ID, com.ID, byKey[cm.who].ID, true); err != nil {
				return err
			}
		}
	}
	if err := loadRSVPs(ctx, live, c, byKey); err != nil {
		return err
	}
	for _, post := range []struct {
		who, body string
		ago       time.Duration
	}{
		{"nina", "The article on **situational leadership** I mentioned: https://hbr.org/ — the part on *delegating to someone new in a role* is what helped me.", 9 * day},
		{"tom", "Thank you all for Tuesday. Trying the \"listen first\" question on my team this week; I'll tell you how it went.", 4 * day},
	} {
		at(post.ago)
		if err := db.CreatePost(ctx, c.OrgID, c.ID, &circle.Post{AuthorID: byKey[post.who].ID, Body: post.body}); err != nil {
			return err
		}
	}
	return nil
}

// loadRSVPs has some of the circle answer its next meetings: for the
// next, two are coming and Noah can't make it, and the rest have yet to
// answer, as the circle's page shows.
func loadRSVPs(ctx context.Context, live *store.DB, c *program.Circle, byKey map[string]*account.User) error {
	ms, err := live.FindMeetings(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	now := live.Now()
	var ahead []circle.Meeting
	for _, m := range ms {
		if m.Status == circle.Scheduled && m.Start.After(now) {
			ahead = append(ahead, m)
		}
	}
	answers := []map[string]circle.Answer{
		{"nina": circle.Coming, "tom": circle.Coming, "noah": circle.NotComing},
		{"tom": circle.Coming, "fatima": circle.Coming},
	}
	for i, as := range answers {
		if i >= len(ahead) {
			break
		}
		for k, a := range as {
			r := &circle.RSVP{MeetingID: ahead[i].ID, UserID: byKey[k].ID, Answer: a}
			if err := live.SetRSVP(ctx, c.OrgID, r, 0, nil); err != nil {
				return fmt.Errorf("demo rsvp: %w", err)
			}
		}
	}
	return nil
}

const agreementV1 = `## Purpose and learning goals
We meet to get better at leading people through change, with honest counsel from peers outside our own teams. Each of us names one learning goal for the season and revisits it every third meeting.

## Disagreement and conflict
We say so in the meeting, kindly and directly. If it gets tense, the facilitator pauses us for a minute of silence, and we come back to it at the end.

## Roles and responsibilities
The facilitator and timekeeper rotate every meeting; whoever held a role least recently takes it. Anyone can swap, as long as nobody holds a role two meetings running.

## Accountability
Everyone leaves with one commitment, written here. At the next check-in we ask how it went — curious, not judging.

## Confidentiality
What is said here stays here. We share what we learned, never who said what.

## Attendance and lateness
We come to every meeting we can. If we can't, we tell the circle a day ahead.`

const agreementV2 = `## Purpose and learning goals
We meet to get better at leading people through change, with honest counsel from peers outside our own teams. Each of us names one learning goal for the season and revisits it every third meeting.

## Disagreement and conflict
We say so in the meeting, kindly and directly. If it gets tense, the facilitator pauses us for a minute of silence, and we come back to it at the end.

## Roles and responsibilities
The facilitator and timekeeper rotate every meeting; whoever held a role least recently takes it. Anyone can swap, as long as nobody holds a role two meetings running.

## Accountability
Everyone leaves with one commitment, written here. At the next check-in we ask how it went — curious, not judging.

## Confidentiality
What is said here stays here. We share what we learned, never who said what.

## Attendance and lateness
We come to every meeting we can. If we can't, we tell the circle a day ahead.
We start on time, even if someone is missing; whoever is late joins quietly at the next turn.
Cancelling within two hours is fine when life happens — send a note in the circle's space.`

// loadPastRooms gives the autumn circle's meetings already held their
// rooms, with Northwind's presenters; away says who missed each.
func loadPastRooms(ctx context.Context, db *store.DB, c *program.Circle, byKey map[string]*account.User, at func(time.Duration), now time.Time,
	away func(held int) []string) error {
	var presenters [][]string
	for _, keys := range [][]string{{"nina", "tom"}, {"fatima", "noah"}, {"maya", "nina"}} {
		var ids []string
		for _, k := range keys {
			ids = append(ids, byKey[k].ID)
		}
		presenters = append(presenters, ids)
	}
	return holdRooms(ctx, db, c, at, now, room.DefaultSettings(room.Council), presenters, nil, away)
}

// touchCircle saves c's state unchanged through live, which keeps the
// real time, so that the store records when c counts as stalled.
func touchCircle(ctx context.Context, live *store.DB, c *program.Circle) error {
	st, err := live.FindCircleState(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	return live.UpdateCircle(ctx, st, circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now))
}

// keepSchedule gives c a schedule by rule at minute of the day in tz,
// whose first meeting was the first on or after since: the meetings held
// so far keep the roles the rotation gave them, and those ahead get
// theirs and their reminders. It writes through live, which keeps the
// real time.
func keepSchedule(ctx context.Context, live *store.DB, c *program.Circle, rule calendar.Rule, tz string, minute int,
	length time.Duration, videoURL string, since time.Time) error {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return err
	}
	now := live.Now()
	first := calendar.FirstOnOrAfter(rule, loc, since.In(loc), minute)
	sched := &circle.Schedule{Rule: rule, Timezone: tz, FirstStart: first.UTC(), Duration: length, VideoURL: videoURL}
	// The demo is alone with its database: no other change can come
	// between reading the state and saving it.
	st, err := live.FindCircleState(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	st.Schedule = sched
	var past, ahead []circle.Meeting
	for _, start := range sched.Starts(sched.FirstStart, int(now.Sub(first)/week)+1+circle.Upcoming) {
		m := circle.Meeting{Original: start, Start: start, End: start.Add(sched.Duration), Status: circle.Scheduled}
		if start.Before(now) {
			past = append(past, m)
		} else if len(ahead) < circle.Upcoming {
			ahead = append(ahead, m)
		}
	}
	past = circle.Rotate(st.Circle.UserIDs(), nil, past)
	ahead = circle.Rotate(st.Circle.UserIDs(), past, ahead)
	st.Meetings = append(past, ahead...)
	return live.UpdateCircle(ctx, st, circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now))
}

// lengthenMeetings records that by made c's meetings longer than they
// were (from before), as a change the other members see and may put back.
func lengthenMeetings(ctx context.Context, live *store.DB, c *program.Circle, by *account.User, before time.Duration) error {
	st, err := live.FindCircleState(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	was := *st.Schedule
	was.Duration = before
	now := *st.Schedule
	now.Sequence = was.Sequence + 1
	st.Schedule, st.CalendarSequence = &now, now.Sequence
	st.ScheduleChange = &circle.ScheduleChange{ChangedBy: by.ID, ChangedByName: by.Name, Sequence: now.Sequence, Before: &was, After: &now}
	return live.UpdateCircle(ctx, st, circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now))
}

// holdRooms gives c's meetings already held their rooms, ended, as the
// meetings' own times: the i-th held meeting had presenters[i] (there are
// no more rooms than presenters) and, when notes has one, notes[i] as its
// shared note; every member checked in and answered the closing question
// but those away(i) says missed the i-th, and the others gave each
// presenter counsel — so the fairness hint has a history.
func holdRooms(ctx context.Context, db *store.DB, c *program.Circle, at func(time.Duration), now time.Time,
	settings room.Settings, presenters [][]string, notes []string, away func(held int) []string) error {
	meetings, err := db.FindMeetings(ctx, c.OrgID, c.ID)
	if err != nil {
		return err
	}
	members := c.UserIDs()
	closingAnswers := [][2]string{
		{"yes", ""},
		{"yes", "The questions before counsel helped me see it differently."},
		{"partly", "We ran over on the first presenter and rushed the second."},
		{"yes", ""},
		{"partly", "I wanted more time on my check-in item."},
		{"yes", "Good energy today."},
		{"no", "I was distracted; my fault, not the circle's."},
	}
	held := 0
	for _, m := range meetings {
		if !m.End.Before(now) || held >= len(presenters) {
			continue
		}
		st, err := room.New(settings, members, m.FacilitatorID, m.TimekeeperID)
		if err != nil {
			return err
		}
		ids := presenters[held]
		steps := []room.Command{{Kind: room.CmdPresenters, Presenters: ids}, {Kind: room.CmdStart}, {Kind: room.CmdEnd}}
		for i, cmd := range steps {
			cmd.Version, cmd.By = st.Version, m.FacilitatorID
			if st, err = st.Apply(cmd, m.Start.Add(time.Duration(i*85)*time.Minute/2)); err != nil {
				return fmt.Errorf("demo room: %w", err)
			}
		}
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		at(now.Sub(m.End))
		if _, err := db.CreateRoom(ctx, c.OrgID, c.ID, m.ID, b, st.Version); err != nil {
			return err
		}
		absent := away(held)
		for i, id := range members {
			if slices.Contains(absent, id) {
				continue
			}
			at(now.Sub(m.Start))
			if held == 0 && id == m.FacilitatorID {
				// The first meeting's facilitator ran it from the start
				// and never filled in the check-in: being in the room
				// is what says they came.
				if _, err := db.RecordPresence(ctx, c.OrgID, m.ID, id); err != nil {
					return err
				}
			} else if err := db.SaveCheckin(ctx, c.OrgID, c.ID, m.ID, &room.Checkin{UserID: id, Mood: []string{"good", "okay", "energised"}[(i+held)%3]}, nil); err != nil {
				return err
			}
			// At the close, most said the meeting gave them what they
			// wanted; a few said why not quite.
			at(now.Sub(m.End))
			a := closingAnswers[(i+2*held)%len(closingAnswers)]
			if err := db.SaveClosingAnswer(ctx, c.OrgID, m.ID, &room.ClosingAnswer{UserID: id, Answer: a[0], Note: a[1]}); err != nil {
				return err
			}
		}
		// Counsel: up to two offers for each presenter, from the others.
		at(now.Sub(m.Start.Add(40 * time.Minute)))
		for j, p := range ids {
			for k := range min(2, len(members)-1) {
				// One to three places after the presenter: never themselves.
				author := members[(slices.Index(members, p)+1+(k+j)%(len(members)-1))%len(members)]
				if slices.Contains(absent, author) {
					continue
				}
				body := demoOffers[(2*held+2*j+k)%len(demoOffers)]
				if err := db.CreateOffer(ctx, c.OrgID, m.ID, &room.Offer{PresenterID: p, AuthorID: author, Body: body}); err != nil {
					return err
				}
			}
		}
		if held < len(notes) && notes[held] != "" {
			at(now.Sub(m.End.Add(-5 * time.Minute)))
			if _, err := db.SaveNote(ctx, c.OrgID, m.ID, m.TimekeeperID, notes[held], 0); err != nil {
				return err
			}
		}
		held++
	}
	return nil
}

// demoOffers are counsel as peers give it: questions first, the problem
// left with its owner.
var demoOffers = []string{
	"What would it look like if you asked them what they need, before offering anything?",
	"When I was in a similar spot, writing down what I would NOT do anymore helped more than a to-do list.",
	"Could you try one small experiment this fortnight and tell us how it went?",
	"Have you thought about who else on your team already sees this problem?",
	"I'd be curious what you'd say to a friend in your place.",
	"Maybe name the trade-off out loud to your manager, rather than carrying it alone.",
	"What's the smallest version of this conversation you could have this week?",
}

// backdate returns a handle on live's database whose clock at sets back
// from now, so that a history written through it has plausible dates.
// Each writer takes its own.
func backdate(live *store.DB) (db *store.DB, at func(ago time.Duration)) {
	now := live.Now()
	var ago time.Duration
	return live.WithClock(func() time.Time { return now.Add(-ago) }), func(d time.Duration) { ago = d }
}

// The demo is alone with its database: nothing changes a circle between
// reading it and saving a change decided on it, and it sends no email.

// acceptAll has each of userIDs accept c, published and read at version,
// in turn. c is kept in step with the answers written; it returns the
// version they leave the circle at.
// publishRound saves proposed (and unmatched) as a round of programID,
// publishes it, and returns its id and the circles it formed.
func publishRound(ctx context.Context, db *store.DB, orgID, programID string, proposed []program.Circle, unmatched []program.Unmatched) (string, []program.Circle, error) {
	round, err := db.SaveProposal(ctx, orgID, programID, "", proposed, unmatched, nil)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.PublishRound(ctx, orgID, round.ID, round.Version, nil); err != nil {
		return "", nil, err
	}
	formed, err := db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: round.ID})
	return round.ID, formed, err
}

// closeSeason closes programID and marks its formed circles finished.
func closeSeason(ctx context.Context, db *store.DB, orgID, programID string, formed []program.Circle) error {
	if err := db.CloseProgram(ctx, orgID, programID, nil); err != nil {
		return err
	}
	for _, c := range formed {
		st, err := db.FindCircleState(ctx, orgID, c.ID)
		if err != nil {
			return err
		}
		st.Finished = true
		if err := db.UpdateCircle(ctx, st, circle.ReminderPlan{}); err != nil {
			return err
		}
	}
	return nil
}

// acceptEach has every member of each formed circle accept it.
func acceptEach(ctx context.Context, db *store.DB, orgID string, formed []program.Circle) error {
	for _, c := range formed {
		c, version, err := db.FindVersionedCircle(ctx, orgID, c.ID)
		if err != nil {
			return err
		}
		if _, err := acceptAll(ctx, db, c, version, c.UserIDs()); err != nil {
			return err
		}
	}
	return nil
}

func acceptAll(ctx context.Context, db *store.DB, c *program.Circle, version int, userIDs []string) (int, error) {
	for _, id := range userIDs {
		a, err := c.Accept(id, db.Now().UTC().Truncate(time.Microsecond))
		if err != nil {
			return 0, err
		}
		if err := db.RespondToCircle(ctx, c, version, a, "", nil); err != nil {
			return 0, err
		}
		version++ // each answer moves the circle's version on
	}
	return version, nil
}

// agreement is a circle's working agreement as the demo writes it: read
// once, and kept in step with each proposal and consent written through
// db.
type agreement struct {
	db *store.DB
	st *store.AgreementState
}

func readAgreement(ctx context.Context, db *store.DB, c *program.Circle) (*agreement, error) {
	st, err := db.FindAgreementState(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	return &agreement{db: db, st: st}, nil
}

// propose has userID propose body for the circle's working agreement.
func (a *agreement) propose(ctx context.Context, userID, body, note string) error {
	p, err := circle.Propose(a.st.Versions, a.st.Circle.UserIDs(), userID, body)
	if err != nil {
		return err
	}
	v, err := a.db.ProposeAgreement(ctx, a.st, userID, body, note, p, nil)
	if err != nil {
		return err
	}
	for i := range a.st.Versions {
		if slices.Contains(p.Withdraw, a.st.Versions[i].Version) {
			a.st.Versions[i].Status = circle.AgreementWithdrawn
		}
	}
	a.st.Versions = append([]circle.AgreementVersion{*v}, a.st.Versions...)
	a.st.Version++
	return nil
}

// consent has userID consent to version of the circle's working agreement.
func (a *agreement) consent(ctx context.Context, userID string, version int) error {
	i := slices.IndexFunc(a.st.Versions, func(v circle.AgreementVersion) bool { return v.Version == version })
	if i < 0 {
		return fmt.Errorf("no version %d", version)
	}
	adopt, err := circle.AfterConsent(&a.st.Versions[i], a.st.Circle.UserIDs(), userID)
	if err != nil {
		return err
	}
	v, err := a.db.ConsentToAgreement(ctx, a.st, userID, version, adopt, nil)
	if err != nil {
		return err
	}
	if adopt {
		for j := range a.st.Versions {
			if a.st.Versions[j].Status == circle.AgreementAdopted {
				a.st.Versions[j].Status = circle.AgreementSuperseded
			}
		}
	}
	a.st.Versions[i] = *v
	a.st.Version++
	return nil
}
