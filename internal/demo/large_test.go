package demo_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

func TestLoadLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db := storetest.Open(t, dbURL, store.WithOutbox(&storetest.Outbox{}), store.WithScheduler(&storetest.Jobs{}))
		start := time.Now()
		r, err := demo.LoadLarge(ctx, db, demo.Large{People: 300, Circles: 40})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded 343 people and 40 circles in %s", time.Since(start))
		if !r.Created || r.People != 343 {
			t.Fatalf("first load: %+v", r)
		}
		again, err := demo.LoadLarge(ctx, db, demo.Large{People: 300, Circles: 40})
		if err != nil || again.Created {
			t.Fatalf("second load: %+v, %v", again, err)
		}
		people, _, err := db.FindUsers(ctx, r.Org.ID, store.UserFilter{WithDeactivated: true})
		if total := len(people); err != nil || total != 343 {
			t.Fatalf("%d people after two loads (%v)", total, err)
		}
		// Everyone is found by name in the directory's search.
		for _, p := range people[:20] {
			if n, err := db.CountUsers(ctx, r.Org.ID, store.UserFilter{Query: p.Name}); err != nil || n < 1 {
				t.Errorf("searching %q finds %d (%v)", p.Name, n, err)
			}
		}
		checkPeople(t, people)
		checkRoundCounts(t, db, r.Org.ID)

		progs, err := db.FindPrograms(ctx, r.Org.ID)
		if err != nil || len(progs) != 8 {
			t.Fatalf("programs: %d, %v", len(progs), err)
		}
		byID := map[string]account.User{}
		for _, u := range people {
			byID[u.ID] = u
		}
		var groups, pairs int
		kinds := map[string]int{}
		for _, p := range progs {
			if p.Name != demo.LargeGroupProgram && p.Name != demo.LargePairProgram {
				continue
			}
			cs, err := db.FindCircles(ctx, r.Org.ID, store.CircleFilter{ProgramID: p.ID})
			if err != nil {
				t.Fatal(err)
			}
			opted := map[string]bool{}
			opts, err := db.FindOptIns(ctx, r.Org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range opts {
				opted[o.UserID] = true
			}
			for _, c := range cs {
				if p.Format == program.FormatPair {
					pairs++
					if len(c.Members) != 2 {
						t.Errorf("pair with %d members", len(c.Members))
					}
				} else {
					groups++
					if len(c.Members) < 4 || len(c.Members) > 6 {
						t.Errorf("group with %d members", len(c.Members))
					}
				}
				for _, m := range c.Members {
					if _, ok := byID[m.UserID]; !ok {
						t.Errorf("circle %s: member %s is not in the organisation", c.ID, m.UserID)
					}
					if !opted[m.UserID] {
						t.Errorf("circle %s: member %s did not opt in to %s", c.ID, m.Name, p.Name)
					}
				}
				kinds[checkLargeCircle(t, db, c)]++
				if len(c.Slots) > 0 {
					kinds["with shared times"]++
				}
			}
		}
		if groups != 26 || pairs != 14 {
			t.Errorf("%d groups and %d pairs, want 26 and 14", groups, pairs)
		}
		// Most circles' members share a time; a few across far-apart
		// zones do not, as in a real round.
		if kinds["pending"] == 0 || kinds["fresh"] == 0 || kinds["lived"] < 30 || kinds["with shared times"] < 30 {
			t.Errorf("circles: %v", kinds)
		}
	})
}

// checkPeople checks the organisation's shape: a dozen or so departments,
// every manager in it, a tree several levels deep, unique addresses.
func checkPeople(t *testing.T, people []account.User) {
	t.Helper()
	byID := map[string]account.User{}
	depts, emails := map[string]int{}, map[string]bool{}
	for _, u := range people {
		byID[u.ID] = u
		depts[u.Department]++
		if emails[u.Email] {
			t.Errorf("two people with %s", u.Email)
		}
		emails[u.Email] = true
		if !strings.HasSuffix(u.Email, "@northwind.example") || strings.ContainsAny(u.Name, "0123456789") {
			t.Errorf("person %q <%s>", u.Name, u.Email)
		}
	}
	if len(depts) < 12 {
		t.Errorf("%d departments: %v", len(depts), depts)
	}
	deepest := 0
	for _, u := range people {
		depth := 0
		for m := u; m.ManagerID != ""; depth++ {
			next, ok := byID[m.ManagerID]
			if !ok {
				t.Fatalf("%s's manager is not in the organisation", u.Name)
			}
			if depth > 20 {
				t.Fatalf("%s's managers go round in a circle", u.Name)
			}
			m = next
		}
		deepest = max(deepest, depth)
	}
	if deepest < 4 {
		t.Errorf("the manager tree is %d levels deep", deepest)
	}
}

// checkLargeCircle checks a circle's state and says which kind it is:
// pending (not everyone has answered), fresh (someone has not read the
// ground rules, so no agreement yet), or lived in: everyone acknowledged
// the rules, an agreement in force, a schedule, and rooms for the meetings
// held.
func checkLargeCircle(t *testing.T, db *store.DB, c program.Circle) string {
	t.Helper()
	ctx := context.Background()
	if c.Status == program.Pending {
		return "pending"
	}
	if c.Status != program.Active {
		t.Errorf("circle %s is %s", c.ID, c.Status)
		return ""
	}
	rules, err := db.FindGroundRules(ctx, c.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	for _, m := range c.Members {
		if at, err := db.FindAcknowledgement(ctx, c.OrgID, c.ID, m.UserID, rules.Version); err != nil {
			t.Fatal(err)
		} else if at != nil {
			acked++
		}
	}
	versions, err := db.FindAgreement(ctx, c.OrgID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if acked < len(c.Members) {
		if len(versions) != 0 {
			t.Errorf("circle %s has an agreement before everyone read the ground rules", c.ID)
		}
		// Formed recently, so that the hourly upkeep does not nudge it
		// for not having met.
		if c.ActivatedAt == nil || db.Now().Sub(*c.ActivatedAt) > 3*7*24*time.Hour {
			t.Errorf("fresh circle %s activated at %v", c.ID, c.ActivatedAt)
		}
		return "fresh"
	}
	inForce := false
	for _, v := range versions {
		inForce = inForce || v.Status == circle.AgreementAdopted
	}
	if !inForce {
		t.Errorf("circle %s has no agreement in force: %+v", c.ID, versions)
	}
	meetings, err := db.FindMeetings(ctx, c.OrgID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	held, ahead := 0, 0
	for _, m := range meetings {
		switch {
		case !m.Start.Before(db.Now()):
			if ahead++; ahead == 1 && len(c.Slots) > 0 && !inSlots(m, c.Slots) {
				t.Errorf("circle %s meets at %s, outside the times its members share: %v", c.ID, m.Start, c.Slots)
			}
			continue
		case !m.End.Before(db.Now()):
			// Under way as the test runs: the demo began it, and a
			// meeting that has begun is no longer one ahead.
			continue
		}
		held++
		if _, err := db.FindRoom(ctx, c.OrgID, m.ID); err != nil {
			t.Errorf("circle %s: meeting held %s has no room: %v", c.ID, m.Start, err)
		}
		checkins, err := db.FindCheckins(ctx, c.OrgID, m.ID)
		if err != nil || len(checkins) < len(c.Members)-1 {
			t.Errorf("circle %s: %d check-ins (%v)", c.ID, len(checkins), err)
		}
	}
	if held < 2 || ahead != circle.Upcoming {
		t.Errorf("circle %s: %d meetings held and %d ahead", c.ID, held, ahead)
	}
	// Its members read a learning card one of them released.
	cards, err := db.FindCircleCards(ctx, c.OrgID, c.ID, store.CardCursor{}, 10)
	if err != nil || len(cards.Cards) == 0 {
		t.Errorf("circle %s: no learning card released to it (%v)", c.ID, err)
	}
	return "lived"
}

// inSlots says whether m falls in one of slots, give or take the hour a
// change of daylight saving time since they were worked out moves it.
func inSlots(m circle.Meeting, slots []program.Interval) bool {
	start := m.Start.UTC()
	w := (int(start.Weekday())+6)%7*1440 + start.Hour()*60 + start.Minute()
	length := int(m.End.Sub(m.Start) / time.Minute)
	for _, iv := range slots {
		if w >= iv[0]-60 && w+length <= iv[1]+60 {
			return true
		}
	}
	return false
}

func TestLoadLargeFewCircles(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		l       demo.Large
		wantErr bool
	}{
		{demo.Large{People: 5}, false},              // no circle at all
		{demo.Large{People: 12, Circles: 1}, false}, // one pair, no group
		{demo.Large{People: 3, Circles: 2}, true},   // a group and a pair need at least six
	} {
		db := storetest.Open(t, storetest.SQLiteURL(t), store.WithOutbox(&storetest.Outbox{}), store.WithScheduler(&storetest.Jobs{}))
		r, err := demo.LoadLarge(ctx, db, tt.l)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%+v: loaded %+v, want an error for too few people", tt.l, r)
			}
			continue
		}
		if err != nil || r.People != 43+tt.l.People {
			t.Errorf("%+v: %+v, %v", tt.l, r, err)
		}
	}
}

// checkRoundCounts compares the counts the triggers keep for every round
// of orgID (round_counts) with its circles and their members as read: the
// demo forms, publishes, dissolves and re-matches circles and lets people
// leave them, every change the counts must follow.
func checkRoundCounts(t *testing.T, db *store.DB, orgID string) {
	t.Helper()
	ctx := context.Background()
	progs, err := db.FindPrograms(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	rounds := 0
	for _, p := range progs {
		rs, err := db.FindRounds(ctx, orgID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			rounds++
			cs, err := db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			want, wantWaiting := map[program.CircleStatus]int{}, 0
			for _, c := range cs {
				want[c.Status]++
				if c.Status == program.Dissolved {
					wantWaiting += len(c.Members)
				}
			}
			got, waiting, err := db.CountRoundCircles(ctx, orgID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) || waiting != wantWaiting {
				t.Errorf("%s round %d: counted %v with %d waiting, has %v with %d", p.Name, r.Number, got, waiting, want, wantWaiting)
			}
		}
	}
	if rounds == 0 {
		t.Error("no rounds to count")
	}
}
