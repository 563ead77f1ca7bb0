package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// draftName is the demo's program not yet open: opening it is the way to
// see the opening email go out.
const draftName = "Listening skills lab"

// winterName is the demo's program that has ended.
const winterName = "New managers' pairs, winter"

// markAnnounced records that a program's opening email went out when it
// opened, as it did before the demo's history begins: the demo sends no
// email, and the upkeep must not announce it again.
func markAnnounced(ctx context.Context, db *store.DB, orgID, programID string) error {
	if err := db.StartMailing(ctx, orgID, programID, store.MailOpening, time.Time{}); err != nil {
		return fmt.Errorf("demo announcement: %w", err)
	}
	return db.SendMailingBatch(ctx, orgID, programID, store.MailOpening, &store.MailingBatch{}, nil)
}

// loadDraft adds a program for two departments whose opt-in opens in nine
// days: nobody has heard of it yet.
func loadDraft(ctx context.Context, live *store.DB, org *account.Org, admin *account.User) error {
	now := live.Now()
	// Written two days ago, before the programs now open.
	db, at := backdate(live)
	at(2 * day)
	p := &program.Program{OrgID: org.ID, Name: draftName, Format: program.FormatGroup, Cadence: program.Monthly, SessionMinutes: 90,
		Purpose:    "For support and sales people who listen for a living: a monthly circle to practise listening without fixing, with real conversations from your week.",
		OptInOpens: now.AddDate(0, 0, 9).Truncate(time.Hour), OptInCloses: now.AddDate(0, 0, 23).Truncate(time.Hour),
		Departments: []string{"Customer Success", "Sales"}, CreatedBy: admin.ID}
	p.Defaults()
	p.EndsAt = p.OptInCloses.AddDate(0, 5, 0)
	if err := p.Validate(); err != nil {
		return err
	}
	return db.CreateProgram(ctx, p)
}

// loadWinter adds a pair program that ran last winter and has ended: two
// pairs met for a season, their program closed, and they were thanked.
// It is in the archive.
func loadWinter(ctx context.Context, live *store.DB, org *account.Org, byKey map[string]*account.User) error {
	now := live.Now()
	db, at := backdate(live)
	at(30 * week)
	p := &program.Program{OrgID: org.ID, Name: winterName, Format: program.FormatPair, Cadence: program.Weekly, SessionMinutes: 45,
		Purpose:    "A pilot: two new managers, two turns each week, for one season.",
		OptInOpens: now.Add(-30 * week), OptInCloses: now.Add(-28 * week), EndsAt: now.Add(-14 * week), CreatedBy: byKey["maya"].ID}
	p.Defaults()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := db.CreateProgram(ctx, p); err != nil {
		return err
	}
	if err := markAnnounced(ctx, db, org.ID, p.ID); err != nil {
		return err
	}
	var pairs []program.Circle
	for i, two := range [][2]string{{"zara", "chloe"}, {"lena", "felix"}} {
		c := program.Circle{Score: 3.8, Reasons: []string{"You are both new to leading a team, in different departments."}}
		for j, k := range two {
			u := byKey[k]
			// Each of them opted in before the round, as the matching needs.
			o, err := demoOptIn(u, p.ID, 2*i+j, now)
			if err != nil {
				return err
			}
			if err := db.SaveOptIn(ctx, o, p); err != nil {
				return fmt.Errorf("demo opt-in: %w", err)
			}
			c.Members = append(c.Members, program.Member{UserID: u.ID, Name: u.Name, Email: u.Email, Response: program.Undecided})
		}
		pairs = append(pairs, c)
	}
	at(27 * week)
	_, formed, err := publishRound(ctx, db, org.ID, p.ID, pairs, nil)
	if err != nil {
		return err
	}
	at(26 * week)
	if err := acceptEach(ctx, db, org.ID, formed); err != nil {
		return fmt.Errorf("demo pair: %w", err)
	}
	// The first pair met weekly for ten weeks, each partner presenting
	// in turn.
	first := &formed[0]
	st, err := db.FindCircleState(ctx, org.ID, first.ID)
	if err != nil {
		return err
	}
	var held []circle.Meeting
	var presenters [][]string
	ids := first.UserIDs()
	for i := range 10 {
		start := now.Add(-25*week + time.Duration(i)*week).Truncate(time.Hour)
		held = append(held, circle.Meeting{Original: start, Start: start, End: start.Add(45 * time.Minute), Status: circle.Scheduled})
		presenters = append(presenters, []string{ids[i%2], ids[(i+1)%2]})
	}
	st.Meetings = circle.Rotate(ids, nil, held)
	if err := db.UpdateCircle(ctx, st, circle.ReminderPlan{}); err != nil {
		return err
	}
	if err := holdRooms(ctx, db, first, at, now, room.DefaultSettings(room.Pair), presenters, nil, func(int) []string { return nil }); err != nil {
		return err
	}
	at(14 * week)
	if err := closeSeason(ctx, db, org.ID, p.ID, formed); err != nil {
		return err
	}
	if err := loadCards(ctx, live, formed, byKey, winterCards); err != nil {
		return err
	}
	// The closing ritual of the first pair's last meeting.
	ms, err := db.FindMeetings(ctx, org.ID, first.ID)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return nil
	}
	last := ms[len(ms)-1]
	at(now.Sub(last.End.Add(-10 * time.Minute)))
	zara, chloe := byKey["zara"].ID, byKey["chloe"].ID
	for _, w := range []room.RitualWord{
		{UserID: zara, Kind: room.Appreciation, ToID: chloe, Body: "You never let me off the hook on the hard conversation with my team, and you were kind about it every time."},
		{UserID: chloe, Kind: room.Appreciation, ToID: zara, Body: "Your questions before advice. I started doing the same with my own people."},
		{UserID: zara, Kind: room.Takeaway, Body: "Ask what someone needs before I offer anything."},
		{UserID: chloe, Kind: room.Takeaway, Body: "A weekly half hour to think about how I lead, not just what we ship."},
	} {
		if err := db.SaveRitualWord(ctx, org.ID, last.ID, &w); err != nil {
			return err
		}
	}
	return nil
}
