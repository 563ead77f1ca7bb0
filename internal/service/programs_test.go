package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/agreements"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/service/pulses"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

var ctx = context.Background()

type world struct {
	t          *testing.T
	db         *store.DB
	programs   *programs.Service
	circles    *circles.Service
	agreements *agreements.Service
	room       *meetings.Service
	pulses     *pulses.Service
	outbox     *storetest.Outbox
	jobs       *storetest.Jobs
	org        *account.Org
	admin      *account.User
	members    []*account.User
	now        time.Time
	// onClock, when set, runs each time the store or a service asks the
	// time: a test holds two changes there to make them race.
	onClock func()
}

// newWorld makes an organisation with an admin, a manager and n-1 more
// people in four departments, and a topic vocabulary.
func newWorld(t *testing.T, dbURL string, n int) *world {
	t.Helper()
	w := &world{t: t, outbox: &storetest.Outbox{}, jobs: &storetest.Jobs{}, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db := storetest.Open(t, dbURL, store.WithOutbox(w.outbox), store.WithScheduler(w.jobs), store.WithClock(func() time.Time {
		if w.onClock != nil {
			w.onClock()
		}
		return w.now
	}))
	w.db = db
	base, _ := url.Parse("http://holdspace.test")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: logger})
	w.programs, w.circles, w.agreements, w.room = svc.Programs, svc.Circles, svc.Agreements, svc.Meetings
	w.pulses = svc.Pulses
	w.admin = &account.User{ID: "admin", Name: "Ada Admin", Email: "ada@org.example", Timezone: "Europe/Berlin"}
	depts := []string{"Sales", "Engineering", "Product", "Finance"}
	for i := range n {
		u := &account.User{ID: fmt.Sprintf("u%02d", i), Name: fmt.Sprintf("Person %02d", i), Email: fmt.Sprintf("p%02d@org.example", i),
			Department: depts[i%len(depts)], Level: 2 + i%4, Timezone: "Europe/London", Role: account.RoleMember, Status: account.StatusActive}
		if i > 0 {
			u.ManagerID = "u00" // u00 manages everyone else
		}
		w.members = append(w.members, u)
	}
	org, err := db.CreateOrg(ctx, "Org", w.admin, w.members...)
	if err != nil {
		t.Fatal(err)
	}
	w.org = org
	for _, topic := range []string{"Feedback", "Strategy", "Delegation"} {
		if err := w.programs.AddTopic(ctx, w.admin, topic); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) program(format program.Format) *program.Program {
	w.t.Helper()
	p := &program.Program{Name: "Circles", Format: format, OptInOpens: w.now.Add(-time.Hour), OptInCloses: w.now.Add(14 * 24 * time.Hour)}
	if format == program.FormatGroup {
		p.MinSize, p.MaxSize = 3, 4
	}
	if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// optIn opts a person in with Monday and Tuesday office hours (UTC).
func (w *world) optIn(u *account.User, p *program.Program, topics ...string) {
	w.t.Helper()
	o := &program.OptIn{ProgramID: p.ID, Topics: topics, Availability: []program.Interval{{9 * 60, 17 * 60}, {1440 + 9*60, 1440 + 17*60}}}
	if err := w.programs.SaveOptIn(ctx, u, o); err != nil {
		w.t.Fatalf("opt in %s: %v", u.ID, err)
	}
}

func (w *world) mailTo(email, subjectPart string) int {
	n := 0
	for _, m := range w.outbox.Messages() {
		if m.To == email && strings.Contains(strings.ToLower(m.Subject), strings.ToLower(subjectPart)) {
			n++
		}
	}
	return n
}

func (w *world) user(id string) *account.User {
	for _, u := range w.members {
		if u.ID == id {
			return u
		}
	}
	w.t.Fatalf("no user %s", id)
	return nil
}

func TestProposePublishConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 12)
		p := w.program(program.FormatGroup)
		for i, u := range w.members {
			w.optIn(u, p, []string{"Feedback", "Strategy", "Delegation"}[i%3])
		}
		round, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		rv, err := w.programs.Review(ctx, w.admin, round.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		// The review numbers circles from 1 in a stable order, a page at a
		// time, and a number names the same circle to a move.
		if rv.First != 1 || rv.Total != len(rv.Circles) || rv.Counts[program.Proposed] != rv.Total || len(rv.Circles) == 0 {
			t.Fatalf("review: first %d, %d of %d circles, counts %v", rv.First, len(rv.Circles), rv.Total, rv.Counts)
		}
		for n, c := range rv.Circles {
			if id, err := w.programs.CircleAt(ctx, w.admin, round.ID, n+1); err != nil || id != c.ID {
				t.Errorf("circle %d is %s (%v), the review shows %s", n+1, id, err, c.ID)
			}
		}
		if _, err := w.programs.CircleAt(ctx, w.admin, round.ID, rv.Total+1); fault.KindOf(err) != fault.Invalid {
			t.Errorf("a circle past the last: %v", err)
		}
		if beyond, err := w.programs.Review(ctx, w.admin, round.ID, 99); err != nil || beyond.First != 1 {
			t.Errorf("a page past the last shows the last page: %+v %v", beyond, err)
		}
		seen := map[string]bool{}
		for _, c := range rv.Circles {
			if c.Status != program.Proposed || len(c.Members) < 3 || len(c.Members) > 4 {
				t.Errorf("circle %+v", c)
			}
			for _, m := range c.Members {
				if seen[m.UserID] {
					t.Errorf("%s is in two circles", m.UserID)
				}
				seen[m.UserID] = true
			}
			// u00 manages everyone: they never share a circle.
			if c.Member("u00") != nil && len(c.Members) > 1 {
				t.Errorf("the manager u00 is in a circle with reports: %v", c.UserIDs())
			}
		}
		for _, u := range rv.Unmatched {
			seen[u.UserID] = true
			if u.Reason == "" {
				t.Errorf("unmatched %s without a reason", u.UserID)
			}
		}
		if len(seen) != 12 {
			t.Errorf("%d of 12 people accounted for", len(seen))
		}
		// Nothing is sent before publishing but the program's opening
		// email; members see nothing yet.
		for _, m := range w.outbox.Messages() {
			if !strings.HasPrefix(m.Subject, "A peer-coaching program is open") {
				t.Errorf("%q sent before publishing", m.Subject)
			}
		}
		if mine, _ := w.programs.MyMatches(ctx, w.user(rv.Circles[0].Members[0].UserID)); len(mine) != 0 {
			t.Error("a member sees a draft")
		}
		n, err := w.programs.Publish(ctx, w.admin, round.ID)
		if err != nil || n != len(rv.Circles) {
			t.Fatalf("publish: %d, %v", n, err)
		}
		c0 := rv.Circles[0]
		for _, m := range c0.Members {
			if w.mailTo(w.user(m.UserID).Email, "matched") != 1 {
				t.Errorf("%s did not get one proposal email", m.UserID)
			}
		}
		// All but the last accept: still pending. The last makes it active.
		for i, m := range c0.Members {
			c, err := w.programs.Respond(ctx, w.user(m.UserID), c0.ID, true, "")
			if err != nil {
				t.Fatal(err)
			}
			want := program.Pending
			if i == len(c0.Members)-1 {
				want = program.Active
			}
			if c.Status != want {
				t.Errorf("after %d acceptances status = %s, want %s", i+1, c.Status, want)
			}
		}
		for _, m := range c0.Members {
			if w.mailTo(w.user(m.UserID).Email, "ready") != 1 {
				t.Errorf("%s was not told the circle is ready", m.UserID)
			}
		}
		if _, err := w.programs.Respond(ctx, w.user(c0.Members[0].UserID), c0.ID, false, ""); !errors.Is(err, program.ErrNotPending) {
			t.Errorf("answering an active circle: %v", err)
		}

		// Declines take people out of the second circle while the others
		// still number three; the decline that would leave fewer dissolves
		// it. The others hear it won't go ahead, the admin hears people
		// wait; the reasons are counted anonymously.
		c1 := rv.Circles[1]
		if _, err := w.programs.Respond(ctx, w.user(c1.Members[len(c1.Members)-1].UserID), c1.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		sentBefore := len(w.outbox.Messages())
		var decliners []string
		for _, m := range c1.Members {
			decliners = append(decliners, m.UserID)
			c, err := w.programs.Respond(ctx, w.user(m.UserID), c1.ID, false, program.ReasonSchedule)
			if err != nil {
				t.Fatalf("decline: %v", err)
			}
			if wantOut := len(c1.Members)-len(decliners) >= 3; wantOut != (c.Status == program.Pending) {
				t.Fatalf("after %d declines the circle is %s", len(decliners), c.Status)
			}
			if c.Status == program.Dissolved {
				break
			}
		}
		for _, m := range c1.Members[len(decliners):] {
			if w.mailTo(w.user(m.UserID).Email, "won't go ahead") != 1 {
				t.Errorf("%s was not told the circle won't go ahead", m.UserID)
			}
		}
		for _, m := range w.outbox.Messages()[sentBefore:] {
			for _, d := range decliners {
				if strings.Contains(m.Text, w.user(d).Name) || strings.Contains(m.Text, "schedule") {
					t.Errorf("an email to %s names a decliner", m.To)
				}
			}
		}
		if w.mailTo(w.admin.Email, "declined") != 1 {
			t.Error("the admin was not told of the decline")
		}
		// Reasons are counted only from three declines on: the round says
		// who declined.
		rv, _ = w.programs.Review(ctx, w.admin, round.ID, 1)
		if want := len(decliners); want >= program.MinDeclinesShown && rv.Declines[program.ReasonSchedule] != want || want < program.MinDeclinesShown && len(rv.Declines) != 0 {
			t.Errorf("decline counts = %v after %d declines", rv.Declines, want)
		}

		// Re-match: the active circle stands; the dissolved circle's people
		// are proposed again, no decliner with the same people.
		if _, err := w.programs.Propose(ctx, w.admin, p.ID, true); err != nil {
			t.Fatal(err)
		}
		rv, _ = w.programs.Review(ctx, w.admin, round.ID, 1)
		for _, c := range rv.Circles {
			if c.ID == c0.ID && c.Status != program.Active {
				t.Error("re-matching touched an active circle")
			}
			for _, d := range decliners {
				if c.Status != program.Proposed || c.Member(d) == nil {
					continue
				}
				for _, o := range c1.Members {
					if o.UserID != d && c.Member(o.UserID) != nil {
						t.Errorf("the decliner %s is proposed with %s again", d, o.UserID)
					}
				}
			}
		}
	})
}

func TestMoveChecksRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 10)
		p := w.program(program.FormatGroup)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		round, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		rv, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		if len(rv.Circles) < 2 {
			t.Fatalf("want two circles, got %d", len(rv.Circles))
		}
		// The manager u00 is unmatched (everyone else reports to them);
		// placing them in any circle breaks the reporting-line rule.
		err = w.programs.Move(ctx, w.admin, round.ID, "u00", rv.Circles[0].ID)
		if f, ok := fault.FieldsOf(err); !ok || !strings.Contains(f["circle"], "rule") {
			t.Fatalf("moving a manager in with reports: %v", err)
		}
		// Moving someone between circles re-scores both.
		from, to := rv.Circles[0], rv.Circles[1]
		if len(to.Members) >= 4 {
			from, to = to, from
		}
		who := from.Members[0].UserID
		if err := w.programs.Move(ctx, w.admin, round.ID, who, to.ID); err != nil {
			t.Fatal(err)
		}
		rv2, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		var found bool
		for _, c := range rv2.Circles {
			if c.Member(who) != nil {
				found = len(c.Members) == len(to.Members)+1
			}
		}
		if !found {
			t.Errorf("%s was not moved", who)
		}
		// Both changed circles keep their numbers in the review.
		for i, c := range rv.Circles {
			if rv2.Circles[i].ID != c.ID {
				t.Errorf("after a move, circle %d is %s, was %s", i+1, rv2.Circles[i].ID, c.ID)
			}
		}
		// Out of the proposal, then publishing refuses a too-small circle.
		if err := w.programs.Move(ctx, w.admin, round.ID, who, ""); err != nil {
			t.Fatal(err)
		}
		rv3, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		if !slices.ContainsFunc(rv3.Unmatched, func(u program.Unmatched) bool { return u.UserID == who }) {
			t.Error("moved-out person is not listed as unmatched")
		}
	})
}

func TestPrivacyAndTenancy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 8)
		db := w.db
		p := w.program(program.FormatGroup)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		a := w.user("u03")
		o := &program.OptIn{ProgramID: p.ID, Topics: []string{"Feedback"}, Availability: []program.Interval{{540, 1020}},
			Prefer: []string{"u04"}, Avoid: []string{"u05"}}
		if err := w.programs.SaveOptIn(ctx, a, o); err != nil {
			t.Fatal(err)
		}
		// Pages of three walk everyone, by name, once.
		var parts []programs.Participant
		after := ""
		for {
			page, err := w.programs.Participants(ctx, w.admin, p.ID, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(w.members) || len(page.Participants) > 3 {
				t.Fatalf("a page of %d, total %d, want %d in all", len(page.Participants), page.Total, len(w.members))
			}
			parts = append(parts, page.Participants...)
			if after = page.Next; after == "" {
				break
			}
		}
		if len(parts) != len(w.members) || !slices.IsSortedFunc(parts, func(a, b programs.Participant) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		}) {
			t.Errorf("participants across pages: %d, in name order: %v", len(parts), parts)
		}
		for _, pt := range parts {
			if u := w.user(pt.UserID); pt.Name != u.Name || pt.Department != u.Department {
				t.Errorf("participant %s shown as %q of %q, want %q of %q", pt.UserID, pt.Name, pt.Department, u.Name, u.Department)
			}
		}
		// Someone renamed moves to their new place in the list.
		last := parts[len(parts)-1]
		newName := "Aaa " + last.Name
		if _, err := db.UpdateUser(ctx, w.admin.OrgID, last.UserID, store.UserUpdate{Name: &newName}); err != nil {
			t.Fatal(err)
		}
		if first, err := w.programs.Participants(ctx, w.admin, p.ID, "", 1); err != nil || first.Participants[0].UserID != last.UserID {
			t.Errorf("after renaming %s to %q, the list starts with %+v (%v)", last.Name, newName, first, err)
		}
		// A leaver is neither listed nor counted; their opt-in stays.
		leaver, err := db.FindUserByID(ctx, w.admin.OrgID, parts[0].UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeactivatePerson(ctx, w.admin.OrgID, leaver.ID, leaver.Version); err != nil {
			t.Fatal(err)
		}
		if page, err := w.programs.Participants(ctx, w.admin, p.ID, "", len(w.members)); err != nil || page.Total != len(w.members)-1 ||
			len(page.Participants) != len(w.members)-1 || slices.ContainsFunc(page.Participants, func(pt programs.Participant) bool { return pt.UserID == leaver.ID }) {
			t.Errorf("after %s left: %+v (%v), want %d listed and counted without them", leaver.Name, page, err, len(w.members)-1)
		}
		b, _ := json.Marshal(parts)
		if strings.Contains(string(b), `"avoid"`) || strings.Contains(string(b), `"prefer"`) {
			t.Errorf("the admin's view shows private lists: %s", b)
		}
		if _, err := w.programs.Participants(ctx, a, p.ID, "", 10); err == nil {
			t.Error("a member listed the participants")
		}
		if _, err := w.programs.Propose(ctx, a, p.ID, false); err == nil {
			t.Error("a member proposed matches")
		}

		// Another organisation's admin reaches nothing.
		other := &account.User{Name: "Eve", Email: "eve@else.example", Timezone: "UTC"}
		if _, err := db.CreateOrg(ctx, "Else", other); err != nil {
			t.Fatal(err)
		}
		round, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.programs.Publish(ctx, w.admin, round.ID); err != nil {
			t.Fatal(err)
		}
		rv, _ := w.programs.Review(ctx, w.admin, round.ID, 1)
		checks := map[string]error{}
		_, checks["Program"] = w.programs.Program(ctx, other, p.ID)
		_, checks["Participants"] = w.programs.Participants(ctx, other, p.ID, "", 10)
		_, checks["Propose"] = w.programs.Propose(ctx, other, p.ID, false)
		_, checks["Review"] = w.programs.Review(ctx, other, round.ID, 1)
		_, checks["Publish"] = w.programs.Publish(ctx, other, round.ID)
		checks["Move"] = w.programs.Move(ctx, other, round.ID, "u01", "")
		_, checks["Respond"] = w.programs.Respond(ctx, other, rv.Circles[0].ID, true, "")
		checks["SaveOptIn"] = w.programs.SaveOptIn(ctx, other, &program.OptIn{ProgramID: p.ID, Topics: []string{"Feedback"}, Availability: []program.Interval{{0, 600}}})
		for name, err := range checks {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s from another organisation: %v, want not found", name, err)
			}
		}
		if mine, _ := w.programs.MyMatches(ctx, other); len(mine) != 0 {
			t.Error("another organisation sees circles")
		}
	})
}

func TestOptInRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		p := w.program(program.FormatGroup)
		u := w.user("u01")
		bad := &program.OptIn{ProgramID: p.ID, Topics: []string{"Knitting"}, Availability: []program.Interval{{600, 500}}}
		err := w.programs.SaveOptIn(ctx, u, bad)
		f, ok := fault.FieldsOf(err)
		if !ok || f["topics"] == "" || f["availability"] == "" {
			t.Errorf("bad opt-in: %v", err)
		}
		if _, err := w.programs.MyOptIn(ctx, u, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Error("a refused opt-in was saved")
		}
		w.optIn(u, p, "Feedback")
		if err := w.programs.Snooze(ctx, u, p.ID, true); err != nil {
			t.Fatal(err)
		}
		w.optIn(u, p, "Strategy") // changing topics keeps the pause
		if o, _ := w.programs.MyOptIn(ctx, u, p.ID); !o.Snoozed || o.Topics[0] != "Strategy" {
			t.Errorf("opt-in after change: %+v", o)
		}
		if err := w.programs.Withdraw(ctx, u, p.ID); err != nil {
			t.Fatal(err)
		}
		w.now = p.OptInCloses.Add(time.Minute)
		err = w.programs.SaveOptIn(ctx, u, &program.OptIn{ProgramID: p.ID, Topics: []string{"Feedback"}, Availability: []program.Interval{{0, 600}}})
		if f, ok := fault.FieldsOf(err); !ok || f["program"] == "" {
			t.Errorf("opt-in after the window closed: %v", err)
		}
	})
}

func TestPairInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 5)
		p := w.program(program.FormatPair)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		a, b, boss := w.user("u01"), w.user("u02"), w.user("u00")
		if _, err := w.programs.InvitePair(ctx, a, p.ID, boss.ID); err == nil {
			t.Error("a report invited their manager to pair")
		}
		inv, err := w.programs.InvitePair(ctx, a, p.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w.mailTo(b.Email, "would like to coach with you") != 1 {
			t.Error("the colleague got no invitation email")
		}
		if err := w.programs.AnswerPair(ctx, a, inv.ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the inviter answered their own invitation: %v", err)
		}
		if err := w.programs.AnswerPair(ctx, b, inv.ID, true); err != nil {
			t.Fatal(err)
		}
		mine, _ := w.programs.MyMatches(ctx, a)
		if len(mine) != 1 || mine[0].Status != program.Active || mine[0].Member(b.ID) == nil || mine[0].Origin != program.FromInvitation {
			t.Errorf("pair after acceptance: %+v", mine)
		}
		if w.mailTo(a.Email, "pair") < 1 {
			t.Error("the inviter was not told")
		}
		// Both are matched now: they cannot be invited again.
		if _, err := w.programs.InvitePair(ctx, w.user("u03"), p.ID, a.ID); err == nil {
			t.Error("a matched person was invited again")
		}

		// The program's page counts the pair formed outside any round
		// with those of its rounds once they are published: u03 and u04
		// (u00 manages both, and stays unplaced).
		total := func() int {
			t.Helper()
			ov, err := w.circles.Overview(ctx, w.admin, p.ID, 1, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(ov.Circles) != ov.Total {
				t.Errorf("the overview lists %d pairs and counts %d", len(ov.Circles), ov.Total)
			}
			return ov.Total
		}
		if n := total(); n != 1 {
			t.Errorf("with the invited pair alone, the program counts %d pairs, want 1", n)
		}
		draft, err := w.programs.Propose(ctx, w.admin, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if n := total(); n != 1 {
			t.Errorf("with a draft round, the program counts %d pairs, want 1: a proposal is not a pair yet", n)
		}
		if _, err := w.programs.Publish(ctx, w.admin, draft.ID); err != nil {
			t.Fatal(err)
		}
		if n := total(); n != 2 {
			t.Errorf("after publishing, the program counts %d pairs, want 2", n)
		}
	})
}

// TestJoinable: a member's home offers the programs they may join now:
// open for opt-in, for their department, and not yet joined; not one
// that opens later, has closed, or is for another department.
func TestJoinable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		create := func(name string, p *program.Program) *program.Program {
			t.Helper()
			p.Name, p.Format = name, program.FormatPair
			if p.OptInOpens.IsZero() {
				p.OptInOpens, p.OptInCloses = w.now.Add(-time.Hour), w.now.Add(14*24*time.Hour)
			}
			if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return p
		}
		everyone := create("For everyone", &program.Program{})
		create("For sales", &program.Program{Departments: []string{"Sales"}})
		create("Later", &program.Program{OptInOpens: w.now.Add(24 * time.Hour), OptInCloses: w.now.Add(20 * 24 * time.Hour)})
		closed := create("Closed", &program.Program{})
		if err := w.circles.CloseProgram(ctx, w.admin, closed.ID); err != nil {
			t.Fatal(err)
		}
		joinable := func(u *account.User) []string {
			t.Helper()
			list, err := w.programs.Joinable(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range list {
				names = append(names, p.Name)
			}
			slices.Sort(names)
			return names
		}
		sales, engineer := w.user("u00"), w.user("u01")
		if got, want := joinable(sales), []string{"For everyone", "For sales"}; !slices.Equal(got, want) {
			t.Errorf("sales may join %v, want %v", got, want)
		}
		if got, want := joinable(engineer), []string{"For everyone"}; !slices.Equal(got, want) {
			t.Errorf("engineering may join %v, want %v", got, want)
		}
		w.optIn(engineer, everyone, "Feedback")
		if got := joinable(engineer); len(got) != 0 {
			t.Errorf("after opting in, engineering may join %v, want none", got)
		}
		w.now = everyone.OptInCloses.Add(time.Minute)
		if got, want := joinable(sales), []string{"Later"}; !slices.Equal(got, want) {
			t.Errorf("once the first opt-ins closed, sales may join %v, want %v", got, want)
		}
	})
}
