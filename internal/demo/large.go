package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// Large is the demo at scale: Northwind with more people in a dozen
// departments under its managers, and circles among them that have met
// for weeks, so that Holdspace can be tried, and measured, at the size of
// a large company.
type Large struct {
	// People is how many people join Northwind's forty.
	People int
	// Circles is how many circles they form: two in three of four to six
	// people, the rest pairs. 0 means one for every 20/3 people (1,500
	// for 10,000).
	Circles int
	// Seed picks another organisation of the same size.
	Seed uint64
	// Logger hears how loading goes; nil is quiet.
	Logger *slog.Logger
}

// Names of the programs the large demo adds.
const (
	LargeGroupProgram = "Peer circles, company-wide"
	LargePairProgram  = "Cross-team pairs"
)

// historyWorkers write circles' histories side by side: PostgreSQL takes
// them at once, and on SQLite one reads while another writes.
const historyWorkers = 4

// LoadLarge creates Northwind with l.People more people and their circles
// unless the demo organisation exists already, in which case it adds
// nothing (and says so when the existing one is of another size).
func LoadLarge(ctx context.Context, db *store.DB, l Large) (*Result, error) {
	if l.People < 0 || l.Circles < 0 {
		return nil, errors.New("large demo: people and circles must not be negative")
	}
	if _, err := l.plan(nil); err != nil {
		return nil, err
	}
	return load(ctx, db, l)
}

func (l Large) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Logger
}

func (l Large) circles() int {
	if l.Circles > 0 {
		return l.Circles
	}
	return l.People * 3 / 20
}

// rand is the generator for one part of the organisation, so that each
// part stays the same when another changes.
func (l Large) rand(part uint64) *rand.Rand {
	return rand.New(rand.NewPCG(l.Seed, part))
}

// largeDepartment is one department of the large organisation. Those
// Northwind has already grow under its head; new ones get a head who
// reports to the chief executive.
type largeDepartment struct {
	name   string
	head   string // a roster key, or "" for a new head
	weight int    // share of the people, in percent
	zones  []string
}

var largeDepartments = []largeDepartment{
	{"Engineering", "priya", 27, []string{"Europe/London", "Europe/Berlin", "Asia/Singapore", "America/New_York", "Asia/Kolkata", "Europe/Warsaw"}},
	{"Sales", "daniel", 14, []string{"America/New_York", "America/Chicago", "Europe/London", "Europe/Berlin", "Australia/Sydney", "America/Los_Angeles"}},
	{"Customer Success", "hannah", 12, []string{"Europe/Berlin", "Europe/Dublin", "America/New_York", "Asia/Singapore", "America/Sao_Paulo"}},
	{"Operations", "", 9, []string{"Europe/Amsterdam", "Europe/Berlin", "America/Chicago", "Asia/Kolkata"}},
	{"Product & Design", "sofia", 7, []string{"Europe/Lisbon", "Europe/London", "America/New_York", "America/Los_Angeles"}},
	{"Marketing", "", 6, []string{"America/New_York", "Europe/London", "Europe/Paris"}},
	{"Data & Analytics", "", 5, []string{"Europe/London", "Asia/Kolkata", "America/Toronto"}},
	{"Finance", "", 5, []string{"Europe/London", "America/New_York", "Europe/Zurich"}},
	{"People & Operations", "maya", 4, []string{"Europe/Stockholm", "Europe/London", "America/Sao_Paulo"}},
	{"IT & Security", "", 4, []string{"Europe/Dublin", "Asia/Kolkata", "America/Chicago"}},
	{"Research", "", 3, []string{"Europe/Zurich", "America/Los_Angeles", "Asia/Tokyo"}},
	{"Supply Chain", "", 2, []string{"Asia/Singapore", "Asia/Shanghai", "Europe/Amsterdam"}},
	{"Legal", "", 2, []string{"Europe/London", "America/New_York"}},
}

// people makes l.People people, managers before their reports, with ids
// already, under Northwind's people (ids by roster key).
func (l Large) people(northwind map[string]string, hash string) []*account.User {
	if l.People == 0 {
		return nil
	}
	rng := l.rand(1)
	weights := 0
	for _, d := range largeDepartments {
		weights += d.weight
	}
	// manager is someone who still takes reports: the tree grows level by
	// level, each manager with a span of three to eight.
	type manager struct {
		id, tz      string
		left, depth int
	}
	taken := map[string]int{}
	out := make([]*account.User, 0, l.People)
	placed := 0
	for i, d := range largeDepartments {
		n := l.People * d.weight / weights
		if i == len(largeDepartments)-1 {
			n = l.People - placed
		}
		placed += n
		var queue []*manager
		if d.head != "" {
			queue = append(queue, &manager{id: northwind[d.head], tz: rosterPerson(d.head).tz, left: 3 + rng.IntN(6)})
		}
		for range n {
			first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
			u := &account.User{ID: uuid.Must(uuid.NewV7()).String(), Name: first + " " + last, Email: emailFor(first, last, taken),
				Department: d.name, Role: account.RoleMember, Status: account.StatusActive, PasswordHash: hash}
			depth := 0
			if len(queue) == 0 {
				// A new department's head reports to the chief executive.
				u.ManagerID, u.Timezone = northwind["oliver"], d.zones[0]
			} else {
				m := queue[0]
				u.ManagerID, u.Timezone, depth = m.id, m.tz, m.depth+1
				// Most people work where their manager does.
				if rng.IntN(10) < 3 {
					u.Timezone = d.zones[rng.IntN(len(d.zones))]
				}
				if m.left--; m.left == 0 {
					queue = queue[1:]
				}
			}
			u.Level = 9
			if depth > 0 {
				u.Level = max(2, 9-depth-rng.IntN(2))
			}
			queue = append(queue, &manager{id: u.ID, tz: u.Timezone, left: 3 + rng.IntN(6), depth: depth})
			out = append(out, u)
		}
	}
	return out
}

func rosterPerson(key string) person {
	for _, p := range roster {
		if p.key == key {
			return p
		}
	}
	panic("demo: no roster person " + key)
}

// emailFor makes first.last@northwind.example in plain letters, numbered
// from the second person of the same name on.
func emailFor(first, last string, taken map[string]int) string {
	local := fold(first) + "." + fold(last)
	taken[local]++
	if n := taken[local]; n > 1 {
		local += strconv.Itoa(n)
	}
	return local + "@northwind.example"
}

// fold keeps the lowercase letters of a name, accents taken off.
func fold(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if a, ok := unaccented[r]; ok {
			r = a
		}
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var unaccented = map[rune]rune{'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e',
	'ë': 'e', 'í': 'i', 'ï': 'i', 'ñ': 'n', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'ø': 'o', 'ú': 'u', 'ü': 'u', 'ł': 'l', 'ř': 'r', 'ş': 's'}

// largeCircle is one circle of the large demo: positions in the people
// made by people.
type largeCircle struct {
	members []int
	pair    bool
}

// plan draws the circles: people shuffled, then groups of four to six
// (mostly five) and pairs, each person in one circle at most. Given the
// people's time zones, each circle is drawn from one part of the world
// (band), as matching on common times would form it; nil zones only
// check that the people fill the circles.
func (l Large) plan(zones []string) ([]largeCircle, error) {
	n := l.circles()
	if n == 0 {
		return nil, nil
	}
	rng := l.rand(2)
	groups := n * 2 / 3
	var out []largeCircle
	need := 0
	for i := range n {
		size := 2
		if i < groups {
			size = []int{4, 5, 5, 5, 6, 6}[rng.IntN(6)]
		}
		need += size
		out = append(out, largeCircle{members: make([]int, size), pair: i >= groups})
	}
	if need > l.People {
		return nil, fmt.Errorf("large demo: %d people cannot fill %d circles (they need %d)", l.People, n, need)
	}
	order := rng.Perm(l.People)
	if zones == nil {
		for i := range out {
			for j := range out[i].members {
				out[i].members[j], order = order[0], order[1:]
			}
		}
		return out, nil
	}
	var queues [3][]int
	bands := map[string]int{}
	for _, p := range order {
		b, ok := bands[zones[p]]
		if !ok {
			b = band(zones[p])
			bands[zones[p]] = b
		}
		queues[b] = append(queues[b], p)
	}
	for i := range out {
		size := len(out[i].members)
		// A band with people enough, drawn in proportion to who is left
		// in it, so that both programs span the world.
		left := 0
		for _, q := range queues {
			if len(q) >= size {
				left += len(q)
			}
		}
		if left == 0 {
			return nil, fmt.Errorf("large demo: no part of the world has %d people left for circle %d", size, i+1)
		}
		pick := rng.IntN(left)
		for b := range queues {
			if len(queues[b]) < size {
				continue
			}
			if pick -= len(queues[b]); pick < 0 {
				copy(out[i].members, queues[b])
				queues[b] = queues[b][size:]
				break
			}
		}
	}
	return out, nil
}

// band places a time zone in the Americas (0), Europe (1) or Asia and the
// Pacific (2) by its offset in January: working hours overlap within a
// band and with the band beside it, hardly across two.
func band(tz string) int {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return 1
	}
	_, off := time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
	switch {
	case off < -2*3600:
		return 0
	case off <= 3*3600:
		return 1
	}
	return 2
}

// Some circles are not where most are: a member of a pending circle has
// not answered yet, and a fresh circle waits for a member to read the
// ground rules before it writes its agreement and meets. Both are there
// to be tried.
func pending(i int) bool { return i%50 == 17 }
func fresh(i int) bool   { return !pending(i) && i%25 == 9 }

// checkLarge says when an existing demo organisation is not the size
// asked for: a demo of another size needs a new database.
func checkLarge(ctx context.Context, db *store.DB, org *account.Org, l Large) error {
	if l.People == 0 {
		return nil
	}
	count, err := db.CountPeople(ctx, org.ID)
	if err != nil {
		return err
	}
	total := count.People
	if total != len(roster)+l.People {
		l.logger().Warn("demo: the demo organisation already exists with another number of people; for a demo of this size, start with a new database",
			"people", total, "asked", len(roster)+l.People)
	}
	return nil
}

// loadLarge gives the people beyond the forty their programs and circles:
// a company-wide group program and a pairs program whose circles formed
// seven weeks ago and have met since, and opt-ins to the spring program.
func loadLarge(ctx context.Context, live *store.DB, org *account.Org, people []*account.User, l Large) error {
	log := l.logger()
	start := time.Now()
	zones := make([]string, len(people))
	for i, u := range people {
		zones[i] = u.Timezone
	}
	plan, err := l.plan(zones)
	if err != nil {
		return err
	}
	admin, err := live.FindUserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	progs, err := live.FindPrograms(ctx, org.ID)
	if err != nil {
		return err
	}
	var spring *program.Program
	for i := range progs {
		if progs[i].Name == springName {
			spring = &progs[i]
		}
	}
	if spring == nil {
		return errors.New("no spring program")
	}
	now := live.Now()
	db, at := backdate(live)

	at(12 * week)
	groups := &program.Program{OrgID: org.ID, Name: LargeGroupProgram, Format: program.FormatGroup, Cadence: program.Fortnightly,
		Purpose:    "Circles of four to six colleagues from across the company, meeting every two weeks with the council model.",
		OptInOpens: now.Add(-12 * week), OptInCloses: now.Add(-9 * week), CreatedBy: admin.ID}
	pairs := &program.Program{OrgID: org.ID, Name: LargePairProgram, Format: program.FormatPair, Cadence: program.Weekly,
		SessionMinutes: 45, Purpose: "Two people from different teams, two turns each week: one brings a challenge, the other coaches, then you swap.",
		OptInOpens: now.Add(-12 * week), OptInCloses: now.Add(-9 * week), CreatedBy: admin.ID}
	for _, p := range []*program.Program{groups, pairs} {
		p.Defaults()
		if err := p.Validate(); err != nil {
			return err
		}
		if err := db.CreateProgram(ctx, p); err != nil {
			return err
		}
	}

	// About one in five of those in no circle has opted in to the spring
	// program, open now; those in a circle opted in to its program, as
	// their histories tell.
	inCircle := make([]bool, len(people))
	for _, lc := range plan {
		for _, m := range lc.members {
			inCircle[m] = true
		}
	}
	at(3 * day)
	rng := l.rand(3)
	for i, u := range people {
		if !inCircle[i] && rng.IntN(5) == 0 {
			if err := optIn(ctx, db, u, spring.ID, i, now); err != nil {
				return err
			}
		}
	}
	log.Info("demo: programs and spring opt-ins", "took", time.Since(start).Round(time.Millisecond))

	// One round each, proposed eight weeks ago and published a few days
	// later.
	var published []versioned
	for _, p := range []*program.Program{groups, pairs} {
		var cs []program.Circle
		for i, lc := range plan {
			if lc.pair != (p == pairs) {
				continue
			}
			c := program.Circle{Score: 3.6 + float64(i%12)/10, Reasons: []string{reasons[i%len(reasons)],
				"You come from different teams, so nobody coaches their own manager."}}
			// Proposed with the times its members share, from the
			// opt-ins their histories write.
			var opts []*program.OptIn
			for _, m := range lc.members {
				u := people[m]
				c.Members = append(c.Members, program.Member{UserID: u.ID, Name: u.Name, Email: u.Email, Response: program.Undecided})
				o, err := demoOptIn(u, p.ID, i+m, now)
				if err != nil {
					return err
				}
				opts = append(opts, o)
			}
			c.Slots = sharedSlots(opts, p.SessionMinutes)
			cs = append(cs, c)
		}
		if len(cs) == 0 {
			continue
		}
		at(8 * week)
		round, err := db.SaveProposal(ctx, org.ID, p.ID, "", cs, nil, nil)
		if err != nil {
			return err
		}
		at(7*week + 4*day)
		if _, err := db.PublishRound(ctx, org.ID, round.ID, round.Version, nil); err != nil {
			return err
		}
		// The round's circles were made and published together, so they
		// are at the same version: one read gives it, and one more all of
		// them as published.
		formed, err := db.FindCircles(ctx, org.ID, store.CircleFilter{RoundID: round.ID})
		if err != nil {
			return err
		}
		_, version, err := db.FindVersionedCircle(ctx, org.ID, formed[0].ID)
		if err != nil {
			return err
		}
		byID := map[string]program.Circle{}
		for _, c := range formed {
			byID[c.ID] = c
		}
		for _, c := range cs {
			published = append(published, versioned{byID[c.ID], version})
		}
	}
	log.Info("demo: rounds published", "circles", len(published), "took", time.Since(start).Round(time.Millisecond))

	rules, err := live.FindGroundRules(ctx, org.ID)
	if err != nil {
		return err
	}
	// The circles' histories, side by side; the first error stops them.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var done atomic.Int64
	var wg sync.WaitGroup
	for range historyWorkers {
		wg.Go(func() {
			h := &history{live: live, rules: rules.Version, people: people, groups: groups.ID, pairs: pairs.ID}
			h.now = live.Now()
			h.db, h.at = backdate(live)
			for i := range next {
				if err := h.circle(ctx, i, &published[i].Circle, published[i].version, plan[i]); err != nil {
					cancel(fmt.Errorf("circle %d: %w", i, err))
					return
				}
				if n := done.Add(1); n%int64(max(1, len(published)/10)) == 0 {
					log.Info("demo: circles' histories", "done", n, "of", len(published), "took", time.Since(start).Round(time.Millisecond))
				}
			}
		})
	}
feed:
	for i := range published {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	log.Info("demo: large organisation loaded", "people", len(roster)+len(people), "circles", len(published),
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

func optIn(ctx context.Context, db *store.DB, u *account.User, programID string, i int, now time.Time) error {
	o, err := demoOptIn(u, programID, i, now)
	if err != nil {
		return err
	}
	p, err := db.FindProgramByID(ctx, u.OrgID, programID)
	if err != nil {
		return err
	}
	if err := db.SaveOptIn(ctx, o, p); err != nil {
		return fmt.Errorf("demo opt-in: %w", err)
	}
	return nil
}

var reasons = []string{
	"You share an interest in giving feedback and leading through change.",
	"You all want to get better at difficult conversations.",
	"You share an interest in delegation and prioritisation.",
	"You are all working on managing up and influencing without authority.",
	"You share an interest in coaching others.",
}

// versioned is a circle as read at a version.
type versioned struct {
	program.Circle
	version int
}

// history writes circles' histories through its own backdated handle.
type history struct {
	live          *store.DB
	db            *store.DB
	at            func(time.Duration)
	now           time.Time
	rules         int
	people        []*account.User
	groups, pairs string // the programs' ids
}

// circle writes the life of the i-th circle, planned as lc: its members'
// opt-ins and reminder settings, their answers since it was published,
// and unless it is pending, the ground rules; unless it is fresh too, its
// agreement, schedule, meetings held, commitments and posts.
func (h *history) circle(ctx context.Context, i int, c *program.Circle, version int, lc largeCircle) error {
	db, at := h.db, h.at
	members, pair := c.UserIDs(), lc.pair
	programID := h.groups
	if pair {
		programID = h.pairs
	}
	at(10 * week)
	for j, m := range lc.members {
		if err := optIn(ctx, db, h.people[m], programID, i+m, h.now); err != nil {
			return err
		}
		// Half of them keep the default reminders; the others asked for
		// one an hour before, or none.
		var prefs circle.ReminderPrefs
		switch (i + j) % 10 {
		case 0, 1, 2, 3, 4:
			continue
		case 5, 6, 7:
			prefs = circle.ReminderPrefs{Offsets: []int{60}, Nudges: true}
		}
		if err := db.UpdateReminderPrefs(ctx, c.OrgID, h.people[m].ID, prefs, nil, nil); err != nil {
			return err
		}
	}
	at(7*week - time.Duration(i%48)*time.Hour)
	if fresh(i) {
		// Its last member accepted ten days ago: too recently for the
		// circle to be nudged for not having met.
		at(10 * day)
	}
	if pending(i) {
		// The last member has not answered yet.
		_, err := acceptAll(ctx, db, c, version, members[:len(members)-1])
		return err
	}
	version, err := acceptAll(ctx, db, c, version, members)
	if err != nil {
		return err
	}
	at(6*week - time.Duration(i%72)*time.Hour)
	if fresh(i) {
		at(9 * day)
	}
	for j, id := range members {
		if fresh(i) && j == len(members)-1 {
			break // has not read the ground rules yet
		}
		if err := db.CreateAcknowledgement(ctx, c.OrgID, c.ID, id, h.rules); err != nil {
			return err
		}
	}
	if fresh(i) {
		return nil
	}

	// The agreement, proposed by one and consented to by the others in
	// the first week; a few circles are amending it now.
	body := pairAgreement
	if !pair {
		body = strings.Replace(agreementV1, agreementPurpose, purposes[i%len(purposes)], 1)
	}
	// Acknowledging the rules leaves the circle's version where the
	// answers left it, and it has no agreement yet: nothing to read again.
	ag := &agreement{db: db, st: &store.AgreementState{Circle: c, Version: version}}
	at(5*week + 3*day)
	if err := ag.propose(ctx, members[0], body, "Our first draft, from the template and our first meeting."); err != nil {
		return err
	}
	for j, id := range members[1:] {
		at(5*week - time.Duration(j)*day)
		if err := ag.consent(ctx, id, 1); err != nil {
			return err
		}
	}
	if !pair && i%10 == 3 {
		at(2 * day)
		if err := ag.propose(ctx, members[2], body+lateness, "Add how we handle lateness."); err != nil {
			return err
		}
		at(day)
		if err := ag.consent(ctx, members[0], 2); err != nil {
			return err
		}
	}

	// Meetings since five weeks ago (pairs, weekly, since three), in the
	// first member's time zone, at a time the members share (a working
	// hour of that zone when they share none); those held have their
	// rooms.
	tz, err := h.timezone(ctx, c)
	if err != nil {
		return err
	}
	rule := calendar.Rule{Freq: calendar.Fortnightly, Weekday: time.Monday + time.Weekday(i%4)}
	minute := (9 + i%8) * 60
	if len(c.Slots) > 0 {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return err
		}
		rule.Weekday, minute = slotStart(c.Slots[i%len(c.Slots)], loc, h.now)
	}
	length, settings := 60*time.Minute, room.DefaultSettings(room.Council)
	if pair {
		rule.Freq, length, settings = calendar.Weekly, 45*time.Minute, room.DefaultSettings(room.Pair)
	}
	video := fmt.Sprintf("https://meet.northwind.example/circle-%d", i+1)
	since := h.now.Add(-5 * week)
	if pair {
		since = h.now.Add(-3 * week)
	}
	if err := keepSchedule(ctx, h.live, c, rule, tz, minute, length, video, since); err != nil {
		return err
	}
	var presenters [][]string
	var notes []string
	for k := range 6 {
		if pair {
			presenters = append(presenters, []string{members[k%2], members[(k+1)%2]})
		} else {
			presenters = append(presenters, []string{members[(2*k)%len(members)], members[(2*k+1)%len(members)]})
		}
		notes = append(notes, meetingNotes[(i+k)%len(meetingNotes)])
	}
	// Someone missed the second meeting.
	away := func(held int) []string {
		if held == 1 {
			return members[len(members)-1:]
		}
		return nil
	}
	if err := holdRooms(ctx, db, c, at, h.now, settings, presenters, notes, away); err != nil {
		return err
	}

	// About half the members left the last meeting with a commitment;
	// some are done. A few posts in the circle's space.
	for j, id := range members {
		if (i+j)%2 == 1 {
			continue
		}
		at(time.Duration(1+(i+j)%12) * day)
		com := &circle.Commitment{UserID: id, Body: commitments[(i+j)%len(commitments)]}
		if err := db.CreateCommitment(ctx, c.OrgID, c.ID, com); err != nil {
			return err
		}
		if (i+j)%5 == 0 {
			at(time.Duration((i+j)%12) * day / 2)
			if err := db.UpdateCommitment(ctx, c.OrgID, c.ID, com.ID, id, true); err != nil {
				return err
			}
		}
	}
	for k := range i % 4 {
		at(time.Duration(10-3*k)*day - time.Duration(i%9)*time.Hour)
		post := &circle.Post{AuthorID: members[(i+k)%len(members)], Body: posts[(i+k)%len(posts)]}
		if err := db.CreatePost(ctx, c.OrgID, c.ID, post); err != nil {
			return err
		}
	}
	// A learning card from each circle since its second meeting: a third
	// released to everyone, a third to the program, a third kept in the
	// circle; every fifth circle has a draft too.
	dc := largeCards[i%len(largeCards)]
	dc.to, dc.ago = []card.Audience{card.Org, card.Program, card.Circle}[i%3], time.Duration(1+i%10)*day
	if err := writeCard(ctx, db, at, h.now, c, members[i%len(members)], dc); err != nil {
		return err
	}
	if i%5 == 0 {
		dc = largeCards[(i+1)%len(largeCards)]
		dc.to, dc.ago = card.Draft, day
		if err := writeCard(ctx, db, at, h.now, c, members[(i+1)%len(members)], dc); err != nil {
			return err
		}
	}
	return nil
}

// largeCards are what the large demo's circles learned, by title and
// text; each circle's is released as far as its place in the round says.
var largeCards = slices.Concat(autumnCards, winterCards)

// slotStart is the weekday and minute of the day in loc at which iv
// starts, at the offset loc has at ref.
func slotStart(iv program.Interval, loc *time.Location, ref time.Time) (time.Weekday, int) {
	_, off := ref.In(loc).Zone()
	start := ((iv[0]+off/60)%program.MinutesPerWeek + program.MinutesPerWeek) % program.MinutesPerWeek
	// The week of an interval starts on Monday.
	return time.Weekday((start/1440 + 1) % 7), start % 1440
}

// timezone is the circle's first member's, where it meets.
func (h *history) timezone(ctx context.Context, c *program.Circle) (string, error) {
	u, err := h.live.FindUserByID(ctx, c.OrgID, c.Members[0].UserID)
	if err != nil {
		return "", err
	}
	return u.Timezone, nil
}

const agreementPurpose = `We meet to get better at leading people through change, with honest counsel from peers outside our own teams. Each of us names one learning goal for the season and revisits it every third meeting.`

var purposes = []string{
	agreementPurpose,
	`We meet to get better at giving feedback that lands, and at hearing it. Each of us names one conversation we are putting off and brings it here.`,
	`We meet to think out loud about the hard parts of our work with people who are not in it. Each of us names one learning goal for the season.`,
	`We meet to learn to say no, delegate and keep our priorities. Each of us names one habit to change this season and tells the circle how it goes.`,
}

const lateness = `
We start on time, even if someone is missing; whoever is late joins quietly at the next turn.`

const pairAgreement = `## Purpose and learning goals
Two of us from different teams, taking turns: one brings a challenge, the other coaches, then we swap. Each of us names one thing to get better at this season.

## Disagreement and conflict
We say so straight away, kindly. If one of us feels pushed, we stop and ask what would help.

## Roles and responsibilities
We take turns presenting first; whoever presents second keeps the time.

## Accountability
Each of us leaves with one commitment, and we ask about it next week.

## Confidentiality
What we say stays between the two of us.`

var meetingNotes = []string{
	"Check-in: everyone in; two items tabled for next time.\n\nCounsel themes: ask before advising; name the trade-off out loud.",
	"We ran ten minutes over. Next time the timekeeper calls the end of counsel at exactly ten minutes.",
	"Presenters said the questions round helped most. Someone suggested we try the forum format once.",
	"Short meeting, good energy. Follow up on the hiring conversation next time.",
	"We revisited the agreement's section on lateness; no change for now.",
}

var commitments = []string{
	"Ask two people on my team what they'd like more of from me, and just listen.",
	"Block an hour each Friday to plan the week before it plans me.",
	"Have the conversation about workload with my manager before the month ends.",
	"Hand one recurring meeting to someone on my team and stay out of the details.",
	"Write down the three decisions I keep putting off, and make one.",
	"Give one piece of specific, kind feedback every day this week.",
	"Say no to one request this week and notice how it feels.",
}

var posts = []string{
	"Thank you all for Tuesday. Trying the \"listen first\" question on my team this week; I'll tell you how it went.",
	"The article on **situational leadership** I mentioned: the part on *delegating to someone new in a role* is what helped me.",
	"Small win: I said no to a meeting and nobody minded. Who knew.",
	"Could we move the next meeting half an hour later? I have a clash. Happy either way.",
	"A book for anyone who asked: *Crucial Conversations*. Chapter 3 is the one.",
}

var firstNames = []string{
	"Aaliyah", "Aarav", "Abena", "Adam", "Adebayo", "Aditi", "Agnieszka", "Ahmed", "Aiko", "Alejandro", "Alessandro", "Alice",
	"Amara", "Amir", "Ana", "Anders", "Andrea", "Anja", "Anna", "Arjun", "Astrid", "Ayşe", "Beatriz", "Ben", "Bianca", "Bogdan",
	"Camille", "Carlos", "Caroline", "Charlotte", "Chen", "Chiara", "Chloé", "Chukwuma", "Claire", "Daniel", "Darius", "David",
	"Deepa", "Dmitri", "Eamon", "Elena", "Elif", "Eliza", "Emeka", "Emil", "Emily", "Emma", "Ethan", "Eva", "Fatima", "Felipe",
	"Finn", "Freya", "Gabriel", "Giulia", "Grace", "Hana", "Hannah", "Haruto", "Hugo", "Ibrahim", "Ines", "Ingrid", "Isaac",
	"Isabel", "Ivan", "Jack", "Jakub", "James", "Jana", "Javier", "Jin", "João", "Jonas", "Julia", "Kai", "Kamala", "Karim",
	"Katarzyna", "Kavya", "Kenji", "Kofi", "Laila", "Lars", "Laura", "Leila", "Leon", "Liam", "Lina", "Lucas", "Lucía", "Luis",
	"Maja", "Malik", "Marco", "Maria", "Mariam", "Mateo", "Matteo", "Maya", "Mehmet", "Mei", "Mia", "Miguel", "Mohammed", "Nadia",
	"Naledi", "Nikhil", "Nina", "Noah", "Nora", "Olga", "Oliver", "Omar", "Oscar", "Pablo", "Paula", "Pedro", "Pia", "Priya",
	"Rafael", "Rahul", "Rania", "Ravi", "Rosa", "Ruth", "Sakura", "Samuel", "Sara", "Sebastian", "Seo-yeon", "Sienna", "Simon",
	"Siobhan", "Sofia", "Sophie", "Stefan", "Sven", "Tariq", "Thandiwe", "Theo", "Thomas", "Tomás", "Valentina", "Victor",
	"Wei", "William", "Xin", "Yara", "Yusuf", "Zainab", "Zara", "Zoë",
}

var lastNames = []string{
	"Abara", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Andersson", "Baker", "Banerjee", "Bauer", "Becker", "Bergström", "Bianchi",
	"Brown", "Campbell", "Castro", "Chen", "Choi", "Clarke", "Costa", "Cruz", "Das", "Dubois", "Dvořák", "Eriksen", "Evans",
	"Fernandes", "Fischer", "Fitzgerald", "García", "Ghosh", "Gomes", "González", "Gupta", "Hansen", "Hassan", "Hernández",
	"Hoffmann", "Horvat", "Hughes", "Ibrahim", "Ito", "Iyer", "Jansen", "Jensen", "Johansson", "Johnson", "Kang", "Kaplan",
	"Keller", "Khan", "Kim", "Kowalski", "Kumar", "Larsen", "Laurent", "Lee", "Lefebvre", "Li", "Lima", "Lindqvist", "Liu",
	"López", "Martin", "Martínez", "Mendes", "Meyer", "Moreau", "Morris", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak",
	"Nowak", "Obi", "O'Connor", "Okafor", "Olsen", "Osei", "Park", "Patel", "Pereira", "Petrov", "Popescu", "Quinn", "Rahman",
	"Reddy", "Ricci", "Rodrigues", "Romano", "Rossi", "Sánchez", "Santos", "Sato", "Schmidt", "Schneider", "Sharma", "Silva",
	"Singh", "Smith", "Suzuki", "Svensson", "Tanaka", "Taylor", "Thompson", "Turner", "Van Dijk", "Varga", "Wagner", "Walsh",
	"Wang", "Weber", "Williams", "Wilson", "Wójcik", "Yamamoto", "Yilmaz", "Zhang",
}
