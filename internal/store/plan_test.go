package store

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	circ "github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

// TestQueryPlans checks that the store's reads are served by indexes. It
// seeds SQLite with an organisation of 10,000 people and what they do
// (programs, opt-ins, circles, meetings, sessions, …) beside 49 small
// ones, and asks SQLite for the plan of every query that the store's read
// methods run, with the arguments they ran it with: once without
// statistics, and once after Optimize has analysed the database.
//
// A plan may SEARCH any table. It may SCAN a table that holds
// organisation data (any with an org_id column) only as an ordered walk
// of an index that a LIMIT stops; a bare SCAN, an index walked to its end
// and an automatic index (one SQLite builds by scanning) fail. Analysed,
// a search that only an organisation's id narrows fails too (it reads all
// of the organisation's rows of a table), unless a LIMIT stops it. The
// reads that are meant to read a whole organisation's table, listed in
// wholeOrgReads with why, may do either.
//
// Queries are collected, not listed: readEverything calls every read
// method while the store reports each query it runs, so a new query is
// checked as soon as a read method runs it, and the test fails when an
// exported read method (Find…, Count…, Has…, Is…) ran none. The methods run
// while the organisation has its first 200 people, which is all they
// need to find what they look for; the rest are added before the plans
// are asked for. SQLite, compiled from C to Go, runs many times slower
// under the race detector, and reading whole organisations would take
// most of the test's time.
func TestQueryPlans(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db := mustOpenSQLite(t, WithClock(func() time.Time { return now }), WithOutbox(discard{}), WithScheduler(discard{}))
	seedOrganisation(t, db, 1, 200)
	log := &queryLog{seen: map[string]int{}, methods: map[string]int{}}
	db.trace = log.add
	readEverything(t, db)
	db.trace = nil
	for _, name := range readMethods() {
		if log.methods[name] == 0 {
			t.Errorf("%s ran no query: call it in readEverything", name)
		}
	}

	start := time.Now()
	seedOrganisation(t, db, 201, 10000)
	t.Logf("seeded 10,000 people in %v", time.Since(start))
	orgTables := tablesWithOrgID(t, db)
	check := func(planner string, wholeOrgRule bool) {
		t.Helper()
		for _, q := range log.queries {
			for _, problem := range planProblems(t, db, q, orgTables, wholeOrgRule) {
				t.Errorf("%s, %s: %s\n%s", strings.Join(q.methods, ", "), planner, problem, q.text)
			}
		}
	}
	// Before Holdspace first optimises a database (at migration, after
	// the demo loads, and hourly), SQLite has no statistics and takes any
	// index on a column to pick out a few rows: a scan then means that no
	// index serves the query at all.
	check("without statistics", false)
	if err := db.Optimize(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Index samples would have every statement compiled again whenever
	// a value is bound to it.
	var samples int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&samples); err != nil || samples != 0 {
		t.Errorf("after Optimize, sqlite_stat4: %d tables (%v), want none", samples, err)
	}
	// Analysed, the planner knows how many rows an index's prefix picks
	// out, this organisation's included: it also reads all of an
	// organisation by the index that starts with org_id when no better
	// index serves a query.
	check("analysed", true)
	// A page of learning cards reads its cards in the order it shows them
	// and stops at the page's end: sorting would read every card released
	// so far to find the newest.
	for _, q := range log.queries {
		if !slices.ContainsFunc(q.methods, func(m string) bool { return strings.HasSuffix(m, "Cards") && m != "FindNewCards" }) {
			continue
		}
		for _, detail := range explain(t, db, q) {
			if strings.Contains(detail, "TEMP B-TREE") {
				t.Errorf("%s sorts its cards (%s):\n%s", strings.Join(q.methods, ", "), detail, q.text)
			}
		}
	}
	t.Logf("%d distinct queries from %d read methods", len(log.queries), len(log.methods))
}

// readEverything calls every read method of the store on the seeded
// organisation, with arguments that find something.
func readEverything(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustErr := func(err error) { t.Helper(); must(nil, err) }
	const org, user, prog, circle, meeting = "big", "u00013", "prog1", "c0004", "m0004_0"

	// People, sessions and access.
	must(db.FindOrgByID(ctx, org))
	must(db.FindOrgBySlug(ctx, org))
	must(db.FindUserByEmail(ctx, "p00005@big.example"))
	must(db.FindUserByID(ctx, org, user))
	must(db.FindPasswordHash(ctx, org, user))
	for _, f := range []UserFilter{
		{Limit: 50},
		{Limit: 50, After: "u00050"},
		{Limit: 50, Before: "u00150"},
		{Query: "person 12", Limit: 50},
		{Query: "p00013@big.example", Limit: 50},
		{Department: "Dept 07", Limit: 50},
		{Query: "person", Department: "Dept 07", Limit: 50, After: "u00047"},
		{ManagerID: "u00001"},
	} {
		_, _, err := db.FindUsers(ctx, org, f)
		mustErr(err)
		must(db.CountUsers(ctx, org, f))
	}
	_, err := db.CountPeople(ctx, org)
	mustErr(err)
	must(db.CountReports(ctx, org, []string{"u00001", "u00002", "u00003"}))
	_, _, err = db.FindRoots(ctx, org, 20)
	mustErr(err)
	must(db.FindManagerChain(ctx, org, "u00150"))
	must(db.FindReportingLines(ctx, org))
	must(db.FindAdmins(ctx, org))
	must(db.FindUsersByIDs(ctx, org, []string{"u00001", "u00002", "u00003"}))
	must(db.FindUserNames(ctx, org, []string{"u00001", "u00002", "u00003"}))
	must(db.FindProgramNames(ctx, org, []string{prog}))
	must(db.FindOptedInUsers(ctx, org, prog))
	must(db.FindDepartments(ctx, org))
	must(db.FindExistingPeople(ctx, org))
	must(db.CountHeld(ctx, org))
	must(db.FindHeld(ctx, org, nil, 200))
	must(db.FindHeld(ctx, org, []string{"Dept 07", "Dept 08"}, 200))
	must(db.FindCircleIDsOf(ctx, org, user))
	_, _, err = db.FindSession(ctx, "sess00001")
	mustErr(err)
	must(db.FindSessions(ctx, org, user))
	must(db.FindTokens(ctx, org, user))
	must(db.FindTokenUser(ctx, "tokhash00005"))
	must(db.FindLinkUser(ctx, "link00010", "invite"))
	_, _, err = db.FindCalendarFeed(ctx, "feed00005")
	mustErr(err)
	must(db.HasCalendarFeed(ctx, org, user))
	must(db.FindReminderPrefs(ctx, org, user))

	// Programs and matching.
	must(db.FindTopics(ctx, org))
	must(db.FindPrograms(ctx, org))
	must(db.FindOpenPrograms(ctx, org, db.Now()))
	must(db.FindProgramByID(ctx, org, prog))
	must(db.FindOptIn(ctx, org, prog, "u00002"))
	must(db.FindOptIns(ctx, org, prog))
	for _, after := range []string{"", "u00002"} {
		_, _, err = db.FindParticipants(ctx, org, prog, after, 50)
		mustErr(err)
	}
	must(db.CountOptIns(ctx, org, prog))
	must(db.FindMemberships(ctx, org, user))
	must(db.FindRounds(ctx, org, prog))
	must(db.FindRoundByID(ctx, org, "round1"))
	for _, f := range []CircleFilter{
		{UserID: user, Status: []program.CircleStatus{program.Active}},
		{UserID: user, Status: []program.CircleStatus{program.Pending}},
		{UserID: user, ProgramID: prog, Status: []program.CircleStatus{program.Active, program.Pending}},
		{ProgramID: prog, Status: []program.CircleStatus{program.Active}},
		{RoundID: "round1", Status: []program.CircleStatus{program.Proposed}},
		{RoundID: "round1"},
		{RoundID: "round1", Limit: 20, Offset: 20},
		{RoundID: "round1", Number: 17},
		{ProgramID: prog, Status: []program.CircleStatus{program.Active}, FewerThan: 4},
		{ProgramID: prog, Status: []program.CircleStatus{program.Active}, FewerThan: 4, Limit: 24},
		{ProgramID: prog, Status: []program.CircleStatus{program.Pending, program.Active}, Limit: 24, Offset: 24},
		{ProgramID: prog, StalledBy: db.Now()},
		{ProgramID: prog, StalledBy: db.Now(), Limit: 24},
		{ProgramID: prog, Struggling: true},
		{ProgramID: prog, Struggling: true, Limit: 24},
	} {
		must(db.FindCircles(ctx, org, f))
		must(db.CountCircles(ctx, org, f))
	}
	_, _, err = db.CountRoundCircles(ctx, org, "round1")
	mustErr(err)
	must(db.CountProgramCircles(ctx, org, prog))
	must(db.IsEngaged(ctx, org, prog, user))
	must(db.FindCircleByID(ctx, org, circle))
	must(db.FindUnmatched(ctx, org, "round1"))
	must(db.FindRoundDeclines(ctx, org, "round1"))
	must(db.FindUnplaced(ctx, org, user))
	must(db.DeclineCounts(ctx, org, prog))
	must(db.PastPairs(ctx, org, prog))
	must(db.FindEngaged(ctx, org, prog))
	must(db.FindPairInvitations(ctx, org, user))

	// A program's life: who it is for, its mailings, its close.
	must(db.CountAudience(ctx, org, nil))
	must(db.CountAudience(ctx, org, []string{"Dept 07", "Dept 14"}))
	for _, p := range []string{"prog1", "prog2"} {
		for _, kind := range []Mailing{MailOpening, MailReminder} {
			must(db.FindMailingBatch(ctx, org, p, kind, 500))
		}
	}
	must(db.FindUnclosedPrograms(ctx))
	must(db.FindUnfinishedMailings(ctx))
	must(db.FindUnfinishedKinds(ctx, org, prog))
	must(db.FindUnfinishedCircles(ctx, org, prog))

	// A circle's life.
	must(db.FindGroundRules(ctx, org))
	must(db.FindAcknowledgement(ctx, org, circle, user, 2))
	must(db.HasAcknowledgedRules(ctx, org, circle, user))
	must(db.FindAcknowledgedCircles(ctx, org, user, []string{circle, "c0005"}))
	must(db.FindAcknowledged(ctx, org, circle))
	must(db.FindAgreement(ctx, org, circle))
	must(db.FindAdoptedAgreement(ctx, org, circle))
	must(db.FindAgreementState(ctx, org, circle))
	must(db.FindAgreementComments(ctx, org, circle))
	must(db.FindScheduleChanges(ctx, org, circle, db.Now().Add(-48*time.Hour)))
	if _, err := db.FindScheduleChange(ctx, org, circle, "no-such-change"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindScheduleChange: %v", err)
	}
	_, _, err = db.FindVersionedCircle(ctx, org, circle)
	mustErr(err)
	must(db.FindCircleState(ctx, org, circle))
	must(db.FindSchedule(ctx, org, circle))
	must(db.FindScheduleIfAny(ctx, org, circle))
	must(db.FindMeetings(ctx, org, circle))
	must(db.FindMeetingsFrom(ctx, org, circle, db.Now(), meeting))
	must(db.FindUpcomingMeetings(ctx, org, []string{circle, "c0005"}, db.Now()))
	must(db.FindMeetingsShown(ctx, org, circle, db.Now(), 12))
	must(db.FindMeetingByID(ctx, org, circle, meeting))
	must(db.FindCalendar(ctx, org, user))
	must(db.FindActiveCircles(ctx))
	must(db.FindReminder(ctx, "r00013"))
	must(db.FindPosts(ctx, org, circle, 30))
	must(db.FindCommitments(ctx, org, circle))
	must(db.FindRoomCommitments(ctx, org, circle, meeting))
	must(db.FindDepartures(ctx, org, prog))

	// Health and homes.
	must(db.FindMeetingRecords(ctx, org, []string{circle, "c0005", "c0006"}, db.Now()))
	mustErr(db.FindAttendance(ctx, org, []circ.Held{{MeetingID: "m0001_0"}, {MeetingID: "m0001_1"}, {MeetingID: "m0002_0"}}))
	must(db.FindPulseCadence(ctx, org, circle))
	must(db.FindPulseRounds(ctx, org, circle))
	must(db.FindLatestPulseRounds(ctx, org, circle, 2))
	must(db.HasAnsweredPulse(ctx, org, "r0001", user))
	must(db.FindPulsePool(ctx, org, prog))
	must(db.FindPulsePool(ctx, org, ""))
	if _, _, err := db.FindPulsePools(ctx, org); err != nil {
		t.Fatal(err)
	}
	// Every member of the circle agrees to share its pulse, so that the
	// shared circles' rounds are read too.
	c, err := db.FindCircleByID(ctx, org, circle)
	mustErr(err)
	for _, m := range c.Members {
		mustErr(db.AgreePulseShare(ctx, org, circle, m.UserID))
	}
	must(db.FindPulseShare(ctx, org, circle, user))
	if list, _, err := db.FindSharedPulses(ctx, org, "", 50); err != nil || len(list) != 1 {
		t.Fatalf("shared pulses: %v, %v", list, err)
	}
	_, _, err = db.FindSharedPulses(ctx, org, prog, 50)
	mustErr(err)
	must(db.FindFitState(ctx, org, circle, user))
	must(db.FindFitChecks(ctx, org, prog))
	must(db.FindFitChecks(ctx, org, ""))
	must(db.FindFitConcerns(ctx, org, []string{circle, "c0005"}))
	if _, _, err := db.FindLastPulseRound(ctx, org, circle); err != nil {
		t.Fatal(err)
	}
	must(db.CountSpread(ctx, org, user))
	must(db.CountTeamInvitations(ctx, org, prog))
	must(db.FindOptInPrograms(ctx, org, db.Now()))
	if _, _, err := db.FindCircleShown(ctx, org, user); err != nil {
		t.Fatal(err)
	}
	must(db.CountStalled(ctx, org, db.Now()))
	for _, months := range []int{3, 12} {
		for _, p := range []string{"", prog} {
			var bounds []time.Time
			for i := months; i >= 0; i-- {
				bounds = append(bounds, db.Now().AddDate(0, -i, 0))
			}
			must(db.FindDashboard(ctx, org, p, bounds, db.Now()))
		}
	}
	must(db.CountStruggling(ctx, org))
	must(db.FindRoundsToPublish(ctx, org, 5))
	must(db.FindAgenda(ctx, org, user))
	if _, err := db.FindNextMeeting(ctx, org, user, db.Now()); err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	must(db.FindOpenCommitments(ctx, org, user, 5))
	must(db.FindCommitmentDates(ctx, org, user, 200))
	must(db.FindMeetingsHeld(ctx, org, user, 200))
	must(db.FindCommitment(ctx, org, "com00013"))
	must(db.FindCommitmentOrg(ctx, "com00013"))
	must(db.FindRSVPs(ctx, org, []string{meeting, "m0004_1"}))
	must(db.FindRSVP(ctx, org, meeting, user))
	must(db.FindNewCards(ctx, org, user, db.Now().Add(-7*24*time.Hour), 10))
	must(db.HasDigest(ctx, org, user, "2026-03-02"))
	must(db.FindDigestPeople(ctx))
	if _, _, err := db.FindDigestToken(ctx, "no-such-token"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}

	// The meeting room.
	must(db.FindRoom(ctx, org, meeting))
	must(db.FindEarlierRooms(ctx, org, circle, db.Now(), 0, 10))
	must(db.FindRoomByMeeting(ctx, meeting))
	must(db.FindRoomSettings(ctx, org, circle))
	must(db.FindCheckins(ctx, org, meeting))
	must(db.FindPresence(ctx, org, meeting))
	must(db.FindClosingAnswers(ctx, org, meeting))
	must(db.FindRitualWords(ctx, org, meeting))
	must(db.FindOffers(ctx, org, meeting))
	must(db.FindNote(ctx, org, meeting))
	_, _, err = db.FindReflection(ctx, org, meeting, user)
	mustErr(err)
	must(db.FindGuests(ctx, org, meeting))
	must(db.FindGuestByToken(ctx, "guest0005"))

	// The journal.
	must(db.FindJournalEntries(ctx, org, user))
	if _, err := db.FindJournalEntryByID(ctx, org, user, "e1"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := db.FindJournalKey(ctx, org, user); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	must(db.FindJournalKeysByKey(ctx, "k1", 100))
	must(db.FindSelfAssessments(ctx, org, user))
	if _, err := db.FindSelfAssessmentByID(ctx, org, user, "a1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindSelfAssessmentByID: %v", err)
	}
	must(db.FindHelpingNotes(ctx, org, user, ""))
	must(db.FindHelpingNotes(ctx, org, user, "m1"))
	must(db.FindOwnReflections(ctx, org, user))
	must(db.FindReflectionsAfter(ctx, "", 100))

	// Learning cards, first and later pages.
	if _, err := db.FindCardByID(ctx, org, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	later := CardCursor{At: db.Now(), ID: "k5"}
	for _, after := range []CardCursor{{}, later} {
		must(db.FindAuthorCards(ctx, org, user, after, 20))
		must(db.FindCircleCards(ctx, org, circle, after, 20))
		must(db.FindProgramCards(ctx, org, prog, after, 20))
		must(db.FindOrgCards(ctx, org, after, 20))
	}
	must(db.CountProgramMembers(ctx, org, prog))
	must(db.IsProgramMember(ctx, org, prog, user))
}

// readMethods lists the exported methods of DB that only read, by the
// store's vocabulary: Find…, Count…, Has…, Is….
func readMethods() []string {
	var out []string
	typ := reflect.TypeFor[*DB]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if slices.ContainsFunc([]string{"Find", "Count", "Has", "Is"}, func(p string) bool { return strings.HasPrefix(name, p) }) {
			out = append(out, name)
		}
	}
	return out
}

// queryLog records each distinct query text the store runs, with the
// arguments of its first run and the exported methods that ran it.
type queryLog struct {
	mu      sync.Mutex
	seen    map[string]int
	queries []*loggedQuery
	methods map[string]int
}

type loggedQuery struct {
	text    string
	args    []any
	methods []string
}

var dbMethod = regexp.MustCompile(`/internal/store\.\(\*DB\)\.([A-Z]\w*)$`)

func (l *queryLog) add(q string, args []any) {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	var methods []string
	for {
		f, more := frames.Next()
		if m := dbMethod.FindStringSubmatch(f.Function); m != nil && !slices.Contains(methods, m[1]) {
			methods = append(methods, m[1])
		}
		if !more {
			break
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range methods {
		l.methods[m]++
	}
	i, ok := l.seen[q]
	if !ok {
		i = len(l.queries)
		l.seen[q] = i
		l.queries = append(l.queries, &loggedQuery{text: q, args: slices.Clone(args)})
	}
	for _, m := range methods {
		if !slices.Contains(l.queries[i].methods, m) {
			l.queries[i].methods = append(l.queries[i].methods, m)
		}
	}
}

// tablesWithOrgID returns the tables that hold organisation data.
func tablesWithOrgID(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	// A table whose primary key is org_id alone (org_people) holds one
	// row per organisation, not the organisation's data.
	rows, err := db.read.QueryContext(context.Background(), `SELECT m.name FROM sqlite_schema m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'org_id'
		AND NOT (c.pk = 1 AND (SELECT COUNT(*) FROM pragma_table_info(m.name) k WHERE k.pk > 0) = 1)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out[name] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	// tableRef finds "FROM users u", "JOIN circles AS c", "FROM orgs".
	tableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_]+)(?:\s+(?:AS\s+)?([a-z_]+))?`)
	// scanStep, autoIndex and bloom read EXPLAIN QUERY PLAN's details.
	scanStep  = regexp.MustCompile(`^SCAN (\S+)(?: USING (?:COVERING )?INDEX (\S+))?`)
	autoIndex = regexp.MustCompile(`^SEARCH (\S+) USING AUTOMATIC`)
	// bloom is a Bloom filter, which SQLite fills by reading the table
	// with the terms that do not depend on the join, often the
	// organisation's id alone, before the join starts.
	bloom = regexp.MustCompile(`^BLOOM FILTER ON (\S+)`)
	// wholeOrg is a search that an organisation's id alone narrows.
	wholeOrg = regexp.MustCompile(`^SEARCH (\S+) USING (?:COVERING )?INDEX (\S+) \(org_id=\?\)`)
	hasLimit = regexp.MustCompile(`(?i)\bLIMIT\b`)
)

// wholeOrgReads are the reads that are meant to read a whole
// organisation's rows of a table, by method and table, and why.
var wholeOrgReads = map[string]string{
	"CountPeople users":                "it counts everyone",
	"FindDepartments users":            "it names every department in use",
	"FindExistingPeople users":         "an import is checked against everyone",
	"CountUsers users":                 "it counts everyone a filter matches",
	"CountHeld users":                  "it counts the held invitations, from an index of them alone",
	"CountAudience users":              "it counts the leavers, from an index of them alone",
	"FindReportingLines users":         "the matching keeps people apart from everyone above them, so it needs the whole tree",
	"FindPrograms programs":            "it lists every program",
	"CountStalled programs":            "it counts each program's stalled circles, from the index of running circles by stall time",
	"FindPrograms program_departments": "it lists who every program is for",
	"FindTopics topics":                "it lists the whole vocabulary",
	"FindPulsePool pulse_rounds":       "the organisation's pulse pools every circle's last closed round",
	"FindPulsePools pulse_rounds":      "the organisation's pulse pools every circle's last closed round",
	"FindPulsePool circles":            "the organisation's pulse pools every circle's last closed round, by its program",
	"FindPulsePools circles":           "the organisation's pulse pools every circle's last closed round, by its program",
	"FindFitChecks fit_counts":         "the organisation's fit checks are pooled across every circle",
	"FindSharedPulses pulse_shares":    "admins list the circles that chose to share their pulse, read from their agreements alone",
}

var sqlWords = map[string]bool{"WHERE": true, "JOIN": true, "LEFT": true, "INNER": true, "CROSS": true, "ON": true,
	"ORDER": true, "GROUP": true, "LIMIT": true, "USING": true, "SET": true, "WITH": true, "AND": true, "UNION": true}

// planProblems explains q with its recorded arguments and returns what
// its plan does that the rule forbids.
func planProblems(t *testing.T, db *DB, q *loggedQuery, orgTables map[string]bool, wholeOrgRule bool) []string {
	t.Helper()
	tables := map[string]string{}
	for _, m := range tableRef.FindAllStringSubmatch(q.text, -1) {
		tables[m[1]] = m[1]
		if m[2] != "" && !sqlWords[strings.ToUpper(m[2])] {
			tables[m[2]] = m[1]
		}
	}
	limited := hasLimit.MatchString(q.text)
	plan := explain(t, db, q)
	var problems []string
	for _, detail := range plan {
		var table, problem string
		if m := scanStep.FindStringSubmatch(detail); m != nil {
			table = tables[m[1]]
			switch {
			case m[2] == "":
				problem = "scans " + table
			case !limited:
				problem = "walks all of index " + m[2] + " of " + table
			}
		}
		if m := autoIndex.FindStringSubmatch(detail); m != nil {
			table, problem = tables[m[1]], "builds an automatic index on "+tables[m[1]]
		}
		if m := bloom.FindStringSubmatch(detail); m != nil {
			table, problem = tables[m[1]], "builds a Bloom filter of "+tables[m[1]]
		}
		if m := wholeOrg.FindStringSubmatch(detail); m != nil && wholeOrgRule && !limited {
			table, problem = tables[m[1]], "reads all of the organisation's "+tables[m[1]]+" (index "+m[2]+")"
		}
		if problem == "" || !orgTables[table] ||
			slices.ContainsFunc(q.methods, func(method string) bool { return wholeOrgReads[method+" "+table] != "" }) {
			continue
		}
		problems = append(problems, problem)
	}
	for i := range problems {
		problems[i] += " (plan: " + strings.Join(plan, "; ") + ")"
	}
	return problems
}

// explain returns the steps of q's plan, as SQLite describes them. The
// write connection analysed, so it plans with the statistics; the read
// pool's connections load them before their next query.
func explain(t *testing.T, db *DB, q *loggedQuery) []string {
	t.Helper()
	rows, err := db.write.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+db.d.rebind(q.text), q.args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q.text, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// discard is an outbox and a scheduler that keep nothing.
type discard struct{}

func (discard) EnqueueTx(context.Context, *sql.Tx, Job) error { return nil }
func (discard) ScheduleTx(context.Context, *sql.Tx, Job, time.Time) (int64, error) {
	return 1, nil
}
func (discard) CancelJobTx(context.Context, *sql.Tx, int64) error { return nil }

// seedOrganisation adds the people numbered from to to (of 10,000) to an
// organisation, with their share of what its people do, and to 49 small
// organisations their share of 980 people and their topics. Rows are made by SQL from a table of those
// numbers, in the order of their keys, with foreign keys off: under the
// race detector SQLite's every step is slow, so the fewer the better.
func seedOrganisation(t *testing.T, db *DB, from, to int) {
	t.Helper()
	ctx := context.Background()
	// {T} is 2026-03-01 09:00 UTC, the test's now, in microseconds; {D} a
	// day and {H} an hour.
	r := strings.NewReplacer("{T}", "1772355600000000", "{D}", "86400000000", "{H}", "3600000000",
		"{from}", strconv.Itoa(from), "{to}", strconv.Itoa(to))
	steps := []string{
		`PRAGMA foreign_keys = OFF`,
		`CREATE TEMP TABLE seq (i INTEGER PRIMARY KEY)`,
		`WITH d (x) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)),
		n (i) AS (SELECT a.x * 1000 + b.x * 100 + c.x * 10 + e.x + 1 FROM d a, d b, d c, d e)
		INSERT INTO seq SELECT i FROM n WHERE i BETWEEN {from} AND {to} ORDER BY i`,
		`INSERT OR IGNORE INTO orgs (id, name, slug, created_at) VALUES ('big', 'Big', 'big', {T} - 400 * {D})`,
		`INSERT OR IGNORE INTO ground_rules (org_id, version, body, created_by, created_at) VALUES ('big', 2, 'Keep it here.', 'u00001', {T} - 50 * {D})`,

		// People: one admin, a tree of managers eight reports wide, forty
		// departments, one in ten invited.
		`INSERT INTO users (id, org_id, email, name, role, status, timezone, department, manager_id, level, password_hash, created_at, updated_at)
		SELECT printf('u%05d', i), 'big', printf('p%05d@big.example', i), printf('Person %05d', i * 7919 % 10000),
			CASE i WHEN 1 THEN 'admin' ELSE 'member' END, CASE i % 10 WHEN 0 THEN 'invited' ELSE 'active' END, 'Europe/Berlin',
			printf('Dept %02d', i % 40), CASE i WHEN 1 THEN NULL ELSE printf('u%05d', (i - 2) / 8 + 1) END, i % 5, 'x',
			{T} - i * 1000000, {T} - i * 1000000
		FROM seq`,
		`INSERT OR IGNORE INTO orgs (id, name, slug, created_at) SELECT printf('org%02d', i), 'Small', printf('org%02d', i), {T} FROM seq WHERE i <= 49`,
		`INSERT INTO users (id, org_id, email, name, role, status, timezone, department, manager_id, level, password_hash, created_at, updated_at)
		SELECT printf('s%05d', i), printf('org%02d', i % 49 + 1), printf('s%05d@small.example', i), printf('Someone %05d', i), 'member', 'active', 'UTC',
			printf('Team %d', i % 5), NULL, 0, 'x', {T}, {T}
		FROM seq WHERE i <= 980`,
		`INSERT INTO user_terms (org_id, term, user_id)
		SELECT 'big', printf('%05d', i * 7919 % 10000), printf('u%05d', i) FROM seq WHERE i <= 2000`,
		`INSERT INTO sessions (id, org_id, user_id, created_at, expires_at, last_seen)
		SELECT printf('sess%05d', i), 'big', printf('u%05d', i), {T} - {H}, {T} + 14 * {D}, {T} - 60000000 FROM seq WHERE i <= 2000`,
		`INSERT INTO api_tokens (id, org_id, user_id, name, prefix, token_hash, created_at, last_used_at)
		SELECT printf('tok%05d', i), 'big', printf('u%05d', i), 'script', 'hsp_', printf('tokhash%05d', i), {T} - {D}, {T} - 60000000 FROM seq WHERE i <= 500`,
		`INSERT INTO user_links (token_hash, org_id, user_id, purpose, created_at, expires_at)
		SELECT printf('link%05d', i), 'big', printf('u%05d', i), 'invite', {T} - {D}, {T} + 7 * {D} FROM seq WHERE i % 10 = 0`,
		`INSERT INTO calendar_feeds (user_id, org_id, token_hash, created_at)
		SELECT printf('u%05d', i), 'big', printf('feed%05d', i), {T} FROM seq WHERE i <= 1000`,
		`INSERT INTO reminder_prefs (user_id, org_id, offsets, nudges, updated_at)
		SELECT printf('u%05d', i), 'big', '[60]', 1, {T} FROM seq WHERE i <= 1000`,

		// Programs: eight, the fifth for pairs; two thousand opt-ins to
		// each of the first two; five rounds of each of the first four.
		`INSERT INTO topics (org_id, name, created_at) SELECT 'big', printf('Topic %02d', i), {T} FROM seq WHERE i <= 30`,
		`INSERT INTO topics (org_id, name, created_at) SELECT printf('org%02d', i % 49 + 1), printf('Topic %03d', i), {T} FROM seq WHERE i <= 490`,
		`INSERT INTO programs (id, org_id, name, format, min_size, max_size, cadence, session_minutes, protocol,
			opt_in_opens, opt_in_closes, created_by, created_at, updated_at)
		SELECT printf('prog%d', i), 'big', printf('Program %d', i), CASE i WHEN 5 THEN 'pair' ELSE 'group' END,
			CASE i WHEN 5 THEN 2 ELSE 4 END, CASE i WHEN 5 THEN 2 ELSE 6 END, 'weekly', 60, CASE i WHEN 5 THEN 'pair' ELSE 'council' END,
			{T} - 30 * {D}, {T} + 30 * {D}, 'u00001', {T} - (100 - i) * {D}, {T} - (100 - i) * {D}
		FROM seq WHERE i <= 8`,
		`INSERT INTO opt_ins (program_id, org_id, user_id, created_at, updated_at)
		SELECT printf('prog%d', i % 2 + 1), 'big', printf('u%05d', i), {T} - {D} + i, {T} - {D} + i FROM seq WHERE i <= 4000`,
		`INSERT INTO rounds (id, org_id, program_id, number, created_at)
		SELECT printf('round%d', i), 'big', printf('prog%d', (i - 1) % 4 + 1), (i - 1) / 4 + 1, {T} - (100 - i) * {D} FROM seq WHERE i <= 20`,
		`INSERT INTO unmatched (org_id, round_id, user_id, reason, told_at)
		SELECT 'big', printf('round%d', (i - 1) % 20 + 1), printf('u%05d', 4000 + i), 'no slot', CASE WHEN i % 3 = 0 THEN NULL ELSE {T} END FROM seq WHERE i <= 1000`,
		`INSERT INTO decline_reasons (org_id, program_id, reason, count)
		SELECT 'big', printf('prog%d', (i - 1) / 5 + 1), printf('reason %d', i % 5), i FROM seq WHERE i <= 40`,
		`INSERT INTO program_departments (org_id, program_id, department)
		SELECT 'big', printf('prog%d', (i - 1) / 3 + 2), printf('Dept %02d', i * 7 % 40) FROM seq WHERE i <= 6`,
		// Mailings: the first two programs' opening and reminder under
		// way, every other mailing done; the small organisations' past
		// programs, all closed.
		`INSERT INTO program_mailings (org_id, program_id, kind, reached, sent, started_at, done_at)
		SELECT 'big', printf('prog%d', (i - 1) % 8 + 1), CASE (i - 1) / 8 WHEN 0 THEN 'opening' WHEN 1 THEN 'reminder' ELSE 'bulk' END,
			'u00010', 9, {T}, CASE WHEN i IN (1, 2, 9, 10) THEN NULL ELSE {T} END FROM seq WHERE i <= 24`,
		`INSERT INTO programs (id, org_id, name, format, min_size, max_size, cadence, session_minutes, protocol,
			opt_in_opens, opt_in_closes, created_by, created_at, updated_at, ends_at, closed_at)
		SELECT printf('past%03d', i), printf('org%02d', i % 49 + 1), 'Past', 'group', 4, 6, 'weekly', 60, 'council',
			{T} - 300 * {D}, {T} - 280 * {D}, printf('s%05d', i), {T} - 300 * {D}, {T} - 300 * {D}, {T} - 100 * {D}, {T} - 100 * {D}
		FROM seq WHERE i <= 490`,
		`INSERT INTO program_mailings (org_id, program_id, kind, reached, sent, started_at, done_at)
		SELECT printf('org%02d', i % 49 + 1), printf('past%03d', i), 'opening', '', 5, {T} - 300 * {D}, {T} - 300 * {D} FROM seq WHERE i <= 490`,
		`INSERT INTO pair_invitations (id, org_id, program_id, from_user, to_user, status, created_at)
		SELECT printf('pair%04d', i), 'big', 'prog5', printf('u%05d', i), printf('u%05d', i + 5000), 'pending', {T} - i FROM seq WHERE i <= 500`,

		// Circles: a thousand of four, from the first two programs' first
		// rounds; seven in ten active, the rest proposed, pending or
		// dissolved.
		`INSERT INTO circles (id, org_id, program_id, round_id, status, created_at, published_at, activated_at)
		SELECT printf('c%04d', i), 'big', printf('prog%d', i % 2 + 1), printf('round%d', i % 2 + 1),
			CASE i % 10 WHEN 0 THEN 'proposed' WHEN 1 THEN 'pending' WHEN 2 THEN 'dissolved' ELSE 'active' END,
			{T} - 20 * {D} + i, {T} - 19 * {D}, {T} - 18 * {D}
		FROM seq WHERE i <= 1000`,
		`INSERT INTO circle_members (org_id, circle_id, user_id, response, responded_at)
		SELECT 'big', printf('c%04d', (i - 1) / 4 + 1), printf('u%05d', i), 'accepted', {T} - 18 * {D} FROM seq WHERE i <= 4000`,
		// Who stepped out of a circle that went on without them: one in
		// two of the first thousand circles.
		`INSERT INTO circle_declines (org_id, circle_id, user_id, declined_at)
		SELECT 'big', printf('c%04d', i * 2), printf('u%05d', 5000 + i), {T} - 18 * {D} FROM seq WHERE i <= 500`,
		`INSERT INTO ground_rule_acks (org_id, circle_id, user_id, version, acknowledged_at)
		SELECT 'big', printf('c%04d', (i - 1) / 4 + 1), printf('u%05d', i), 2, {T} - 17 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO agreement_versions (org_id, circle_id, version, body, proposed_by, proposed_at, status, adopted_at)
		SELECT 'big', printf('c%04d', i), 1, 'We meet on time.', printf('u%05d', i * 4), {T} - 17 * {D}, 'adopted', {T} - 16 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO agreement_consents (org_id, circle_id, version, user_id, consented_at)
		SELECT 'big', printf('c%04d', (i - 1) / 4 + 1), 1, printf('u%05d', i), {T} - 16 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO circle_departures (org_id, circle_id, user_id, note, left_at)
		SELECT 'big', printf('c%04d', (i - 1) * 2 + 1), printf('u%05d', 6000 + i), '', {T} - i * 60000000 FROM seq WHERE i <= 400`,

		// Meetings: a weekly schedule and four meetings for every circle,
		// the first a week past with its room, reminders for the next.
		`INSERT INTO schedules (circle_id, org_id, freq, weekday, timezone, first_start, duration_minutes, updated_at)
		SELECT printf('c%04d', i), 'big', 'weekly', 2, 'Europe/Berlin', {T} - 7 * {D} + i * 60000000, 60, {T} - 15 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO meetings (id, org_id, circle_id, original_start, starts_at, ends_at, status)
		SELECT printf('m%04d_%d', (i - 1) / 4 + 1, (i - 1) % 4), 'big', printf('c%04d', (i - 1) / 4 + 1),
			{T} + ((i - 1) % 4 - 1) * 7 * {D} + i * 60000000, {T} + ((i - 1) % 4 - 1) * 7 * {D} + i * 60000000,
			{T} + ((i - 1) % 4 - 1) * 7 * {D} + i * 60000000 + {H}, 'scheduled'
		FROM seq WHERE i <= 4000`,
		`INSERT INTO reminders (id, org_id, meeting_id, user_id, offset_minutes, due_at, status)
		SELECT printf('r%05d', i), 'big', printf('m%04d_1', (i - 1) / 4 + 1), printf('u%05d', i), 60, {T} + 6 * {D} + i, 'scheduled' FROM seq WHERE i <= 2000`,
		`INSERT INTO circle_posts (id, org_id, circle_id, user_id, body, created_at)
		SELECT printf('post%05d', i), 'big', printf('c%04d', (i - 1) / 2 + 1), printf('u%05d', i), 'Hello', {T} - i FROM seq WHERE i <= 1000`,
		`INSERT INTO commitments (id, org_id, circle_id, user_id, meeting_id, body, created_at)
		SELECT printf('com%05d', i), 'big', printf('c%04d', (i - 1) / 2 + 1), printf('u%05d', i), printf('m%04d_0', (i - 1) / 2 + 1), 'Try', {T} - i
		FROM seq WHERE i <= 1000`,
		`INSERT INTO rooms (meeting_id, org_id, circle_id, state, version, updated_at)
		SELECT printf('m%04d_0', i), 'big', printf('c%04d', i), '{}', 1, {T} - 7 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO checkins (org_id, meeting_id, user_id, created_at)
		SELECT 'big', printf('m%04d_0', (i - 1) / 4 + 1), printf('u%05d', i), {T} - 7 * {D} + i FROM seq WHERE i <= 1000`,
		`INSERT INTO closing_answers (org_id, meeting_id, user_id, answer, created_at)
		SELECT 'big', printf('m%04d_0', (i - 1) / 4 + 1), printf('u%05d', i), 'yes', {T} - 7 * {D} + i FROM seq WHERE i <= 1000`,
		`INSERT INTO offers (id, org_id, meeting_id, presenter_id, author_id, body, created_at)
		SELECT printf('off%05d', i), 'big', printf('m%04d_0', (i - 1) / 2 + 1), printf('u%05d', i), printf('u%05d', i + 1), 'Ask', {T} - 7 * {D} + i
		FROM seq WHERE i <= 1000`,
		`INSERT INTO meeting_notes (meeting_id, org_id, body, version, updated_by, updated_at)
		SELECT printf('m%04d_0', i), 'big', 'Notes', 1, printf('u%05d', i * 4), {T} - 7 * {D} FROM seq WHERE i <= 500`,
		// Pulse rounds: three for each circle, the first answered by two
		// (too few to be shown), the others by three.
		`INSERT INTO pulse_rounds (id, org_id, circle_id, number, held, respondents)
		SELECT printf('pr%04d_%d', (i - 1) / 3 + 1, (i - 1) % 3), 'big', printf('c%04d', (i - 1) / 3 + 1), (i - 1) % 3 + 1,
			((i - 1) % 3 + 1) * 2, CASE (i - 1) % 3 WHEN 0 THEN 2 ELSE 3 END
		FROM seq WHERE i <= 3000`,
		`INSERT INTO pulse_counts (round_id, org_id, item, score, answers)
		SELECT printf('pr%04d_%d', (i - 1) / 3 + 1, (i - 1) % 3), 'big', 1, 5, 3 FROM seq WHERE i <= 3000`,
		`INSERT INTO reflections (id, org_id, meeting_id, user_id, sealed, created_at, updated_at)
		SELECT printf('ref%05d', i), 'big', printf('m%04d_0', (i - 1) / 4 + 1), printf('u%05d', i), x'00', {T} - 7 * {D}, {T} - 7 * {D} FROM seq WHERE i <= 1000`,
		`INSERT INTO guests (id, org_id, circle_id, meeting_id, user_id, invited_by, token_hash, created_at)
		SELECT printf('g%04d', i), 'big', printf('c%04d', i), printf('m%04d_1', i), printf('u%05d', i + 4), printf('u%05d', i * 4),
			printf('guest%04d', i), {T} - {D} FROM seq WHERE i <= 200`,

		`DROP TABLE seq`,
		`PRAGMA foreign_keys = ON`,
	}
	for _, s := range steps {
		if _, err := db.write.ExecContext(ctx, r.Replace(s)); err != nil {
			t.Fatalf("seed: %v\n%s", err, s)
		}
	}
}
