package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
	"github.com/holdspace/holdspace/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// ---------------------------------------------------------------------------
// Wiring. This is the only place that constructs the application; everything
// below talks to it over HTTP alone, so that a refactoring of the services
// and the store changes this function and nothing else.
// ---------------------------------------------------------------------------

// app is the application as the access matrix sees it: a base URL, the mail
// it sent, and the patterns of both routers.
type app struct {
	// db plants what no route can write in the fixture: the words of a
	// closing ritual in a meeting that has not begun.
	db     *store.DB
	url    string
	mail   func() []mail.Message
	routes []string        // the web server's patterns
	ops    []api.Operation // the API's operations
}

// startApp serves the whole application, web pages with the JSON API
// mounted under them as in production, on a fresh database at dbURL.
func startApp(t *testing.T, dbURL string) *app {
	t.Helper()
	outbox := &storetest.Outbox{}
	db := storetest.Open(t, dbURL, store.WithOutbox(outbox), store.WithScheduler(&storetest.Jobs{}))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + srv.Listener.Addr().String())
	keys, err := seal.NewRing(bytes.Repeat([]byte{7}, seal.KeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	hub, broker := live.NewHub(), live.NewLocal()
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: logger, Limiter: accounts.NewLimiter(time.Second, 10000),
		Live: broker, Keys: keys})
	relay := live.NewRelay(hub, broker, web.RoomEvents(svc.Meetings), logger)
	relayCtx, stopRelay := context.WithCancel(context.Background())
	relayDone := make(chan struct{})
	go func() { defer close(relayDone); _ = relay.Run(relayCtx) }()
	a := api.New(api.Deps{Services: svc, Logger: logger, Hub: hub})
	s, err := web.NewServer(web.Deps{DB: db, Services: svc, Logger: logger, API: a,
		Registry: prometheus.NewRegistry(), Version: "test", Hub: hub})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(func() { stopRelay(); <-relayDone })
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close) // ends open streams before the server waits for them
	return &app{db: db, url: srv.URL, mail: outbox.Messages, routes: s.Routes(), ops: a.Operations()}
}

// ---------------------------------------------------------------------------
// Parties, and a browser for each.
// ---------------------------------------------------------------------------

// parties are the matrix's columns, in order.
var parties = []string{"anon", "other", "admin", "outsdr", "unack", "member", "guest", "former"}

// partyDoc says who each column is.
var partyDoc = map[string]string{
	"anon":   "nobody signed in",
	"other":  "a member of another organisation",
	"admin":  "an admin of the circle's organisation, not in the circle",
	"outsdr": "a member of the organisation outside the circle",
	"unack":  "a circle member who has not acknowledged the ground rules",
	"member": "a circle member who has acknowledged them (who planted most texts)",
	"guest":  "a colleague invited to observe one meeting, who accepted",
	"former": "a member who left the circle",
}

const accessPassword = "correct horse battery staple"

// browser is one person's cookie jar; redirects are not followed.
type browser struct {
	t   *testing.T
	app *app
	c   *http.Client
}

func (a *app) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type result struct {
	status   int
	body     string
	location string
	ctype    string
}

// csvBody is a request body sent as text/csv; rawBody as JSON, unchanged.
type (
	csvBody string
	rawBody string
)

// call sends a request. A url.Values body is a form; csvBody is CSV;
// anything else is JSON. An event stream is read up to its first event.
func (b *browser) call(method, path string, body any) result {
	b.t.Helper()
	var rd io.Reader
	ctype := ""
	switch v := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	case csvBody:
		rd, ctype = strings.NewReader(string(v)), "text/csv"
	case rawBody:
		rd, ctype = strings.NewReader(string(v)), "application/json"
	default:
		j, err := json.Marshal(v)
		if err != nil {
			b.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, b.app.url+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	r := result{status: res.StatusCode, location: res.Header.Get("Location"), ctype: res.Header.Get("Content-Type")}
	if strings.HasPrefix(r.ctype, "text/event-stream") {
		// A stream stays open: read its first event, then hang up.
		timer := time.AfterFunc(2*time.Second, cancel)
		defer timer.Stop()
		var sb strings.Builder
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			line := sc.Text()
			sb.WriteString(line + "\n")
			if line == "" && strings.Contains(sb.String(), "data:") {
				break
			}
		}
		r.body = sb.String()
		return r
	}
	raw, _ := io.ReadAll(res.Body)
	r.body = string(raw)
	return r
}

// must sends a request that the fixture needs to succeed with status, and
// decodes a JSON answer into v unless v is nil.
func (b *browser) must(status int, method, path string, body, v any) result {
	b.t.Helper()
	r := b.call(method, path, body)
	if r.status != status {
		b.t.Fatalf("%s %s: status %d, want %d: %.1500s", method, path, r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.body), v); err != nil {
			b.t.Fatalf("%s %s: decode: %v: %.500s", method, path, err, r.body)
		}
	}
	return r
}

var (
	tokenLinkRE = regexp.MustCompile(`token=([A-Za-z0-9_\-]+)`)
	guestLinkRE = regexp.MustCompile(`/guest/([A-Za-z0-9_\-]+)`)
	assetRE     = regexp.MustCompile(`/static/[0-9a-f]{12}/app\.css`)
)

// lastMail returns the newest message to an address.
func (a *app) lastMail(t *testing.T, to string) mail.Message {
	t.Helper()
	msgs := a.mail()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			return msgs[i]
		}
	}
	t.Fatalf("no email to %s", to)
	return mail.Message{}
}

// linkIn returns the first submatch of re in the newest email to an address.
func (a *app) linkIn(t *testing.T, to string, re *regexp.Regexp) string {
	t.Helper()
	m := re.FindStringSubmatch(a.lastMail(t, to).Text)
	if m == nil {
		t.Fatalf("no link in the email to %s", to)
	}
	return m[1]
}

// ---------------------------------------------------------------------------
// The fixture, built through HTTP as people would.
// ---------------------------------------------------------------------------

// planted texts, each with the parties who may read it. Everything shared
// in the circle is for its acknowledged members only; the helper member
// who wrote some of them is not a party.
var planted = []struct {
	text    string
	readers []string
	inMail  []string // who may receive it by email, by address
}{
	{"PLANTED-POST-7f3a", []string{"member"}, circleMail},
	{"PLANTED-COMMITMENT-2b9c", []string{"member"}, circleMail},
	{"PLANTED-AGREEMENT-5d1e", []string{"member"}, circleMail},
	// Comments on a proposal are shown, never emailed.
	{"PLANTED-COMMENT-6a0f", []string{"member"}, nil},
	{"PLANTED-CHECKIN-8a4f", []string{"member"}, circleMail},
	{"PLANTED-OFFER-3c6d", []string{"member"}, circleMail},
	{"PLANTED-NOTE-9e2b", []string{"member"}, circleMail},
	// Written by the helper member: nobody else ever reads it.
	{"PLANTED-REFLECTION-4f7a", nil, nil},
	// The helper's appreciation of the member in the season's closing
	// ritual: for the circle alone, never emailed.
	{"PLANTED-RITUAL-5e9a", []string{"member"}, nil},
	// The member's own journal: nobody else, admins included, reads it.
	{"PLANTED-JOURNAL-0c5e", []string{"member"}, nil},
	// The member's own self-assessment, sealed like the journal.
	{"PLANTED-ASSESSMENT-7b1d", []string{"member"}, nil},
	// Learning cards: the member's draft is theirs alone; the circle's
	// card is for the circle's acknowledged members; the program's for the
	// members of its circles and the admins; the organisation's for
	// everyone in it.
	{"PLANTED-CARD-DRAFT-2e61", []string{"member"}, nil},
	{"PLANTED-CARD-CIRCLE-7b3d", []string{"member"}, nil},
	{"PLANTED-CARD-PROGRAM-4c8a", []string{"member", "unack", "admin"}, nil},
	{"PLANTED-CARD-ORG-9f1e", []string{"member", "unack", "admin", "outsdr", "guest", "former"}, nil},
	// The member's own opt-in goals.
	// The member's own opt-in goals, which admins see among the
	// participants (the lists of people to prefer and avoid they never see).
	{"PLANTED-GOALS-6b8e", []string{"member", "admin"}, []string{"amy@acme.test"}},
	// The former member's note on leaving, for the organisation's admins.
	{"PLANTED-LEAVENOTE-1d5c", []string{"admin"}, []string{"ada@acme.test"}},
}

// circleMail is who may get the circle's own texts by email: its members
// who acknowledged the ground rules (Uma, who has not, is told only that
// there is news).
var circleMail = []string{"amy@acme.test", "ben@acme.test"}

// plantedLevel is everyone's seniority level, which only admins and the
// person themself may see.
const plantedLevel = 17

// world is the fixture: a browser per party, the helper member, and the ids
// the routes take.
type world struct {
	app     *app
	as      map[string]*browser // by party
	helper  *browser            // Ben, an acknowledged member who is no party
	ids     map[string]string   // path parameter → value
	byRoute map[string]map[string]string
	meeting []string // the circle's meetings ahead, by id
	// plantedAt and leftAt count the mail sent before the texts were
	// planted and before the former member left.
	plantedAt, leftAt int
}

func (w *world) signUp(t *testing.T, org, name, email string) *browser {
	t.Helper()
	b := w.app.browser(t)
	b.must(202, "POST", "/api/v1/signup", map[string]string{"org_name": org, "name": name, "email": email,
		"password": accessPassword, "timezone": "Europe/Berlin"}, nil)
	b.must(201, "POST", "/api/v1/signup/confirm", map[string]string{"token": w.app.linkIn(t, email, tokenLinkRE)}, nil)
	return b
}

// invite has admin invite someone, who accepts, and returns their browser
// and person id.
func (w *world) invite(t *testing.T, admin *browser, name, email string) (*browser, string) {
	t.Helper()
	var p struct{ ID string }
	admin.must(201, "POST", "/api/v1/people", map[string]any{"name": name, "email": email, "timezone": "UTC", "level": plantedLevel}, &p)
	b := w.app.browser(t)
	b.must(200, "POST", "/api/v1/invitations/"+w.app.linkIn(t, email, tokenLinkRE)+"/accept",
		map[string]string{"name": name, "timezone": "UTC", "password": accessPassword}, nil)
	return b, p.ID
}

func (w *world) circle(suffix string) string { return "/api/v1/circles/" + w.ids["id:circle"] + suffix }
func (w *world) room(suffix string) string {
	return w.circle("/meetings/" + w.meeting[0] + "/room" + suffix)
}

// sessionIDs lists the ids of the sessions b's person has.
func sessionIDs(b *browser) []string {
	var list struct{ Sessions []struct{ ID string } }
	b.must(200, "GET", "/api/v1/me/sessions", nil, &list)
	var ids []string
	for _, s := range list.Sessions {
		ids = append(ids, s.ID)
	}
	return ids
}

// spareSession signs b's person in elsewhere and returns that session's id.
func (w *world) spareSession(t *testing.T, b *browser, email string) string {
	t.Helper()
	before := sessionIDs(b)
	w.app.browser(t).must(200, "POST", "/api/v1/session", map[string]string{"email": email, "password": accessPassword}, nil)
	for _, id := range sessionIDs(b) {
		if !slices.Contains(before, id) {
			return id
		}
	}
	t.Fatal("no new session")
	return ""
}

func buildWorld(t *testing.T, a *app) *world {
	t.Helper()
	w := &world{app: a, as: map[string]*browser{"anon": a.browser(t)}, ids: map[string]string{}, byRoute: map[string]map[string]string{}}
	admin := w.signUp(t, "Acme", "Ada Admin", "ada@acme.test")
	w.as["admin"] = admin
	var id struct{ ID string }
	admin.must(200, "GET", "/api/v1/me", nil, &id)
	people := map[string]string{"admin": id.ID}
	for _, p := range []struct{ party, name, email string }{
		{"member", "Amy Member", "amy@acme.test"}, {"helper", "Ben Helper", "ben@acme.test"},
		{"unack", "Uma Unacked", "uma@acme.test"}, {"former", "Fred Former", "fred@acme.test"},
		{"outsdr", "Olga Outside", "olga@acme.test"}, {"guest", "Gus Guest", "gus@acme.test"},
	} {
		b, pid := w.invite(t, admin, p.name, p.email)
		w.as[p.party], people[p.party] = b, pid
	}
	for party, pid := range people {
		w.ids["person:"+party] = pid
	}
	w.helper = w.as["helper"]
	delete(w.as, "helper")
	w.ids["helper"] = people["helper"]
	other := w.signUp(t, "Globex", "Zed Admin", "zed@globex.test")
	w.as["other"], w.ids["person:other"] = w.invite(t, other, "Mo Other", "mo@globex.test")

	// Two people invited who never accept: one invitation's token for the
	// routes that show or accept one, one person to send invitations again.
	var pending struct{ ID string }
	admin.must(201, "POST", "/api/v1/people", map[string]string{"name": "Pat Pending", "email": "pat@acme.test"}, nil)
	w.ids["token:invitation"] = a.linkIn(t, "pat@acme.test", tokenLinkRE)
	admin.must(201, "POST", "/api/v1/people", map[string]string{"name": "Quinn Pending", "email": "quinn@acme.test"}, &pending)

	// Programs, opt-in, matching and consent.
	admin.must(201, "POST", "/api/v1/topics", map[string]string{"name": "Feedback"}, nil)
	admin.must(201, "POST", "/api/v1/topics", map[string]string{"name": "Spare"}, nil)
	now := time.Now().UTC()
	programBody := func(name, format string, minSize, maxSize int) map[string]any {
		b := map[string]any{"name": name, "purpose": "Learn from each other.", "format": format, "cadence": "weekly",
			"opt_in_opens": now.Add(-time.Hour), "opt_in_closes": now.Add(14 * 24 * time.Hour)}
		if minSize > 0 {
			b["min_size"], b["max_size"] = minSize, maxSize
		}
		return b
	}
	var groups, pairs struct{ ID string }
	// The circles' program ends after its fifth weekly meeting ahead, so
	// that meeting is the season's last and holds a closing ritual.
	groupBody := programBody("Leadership circles", "group", 3, 4)
	groupBody["ends_at"] = now.Add(29*24*time.Hour + 12*time.Hour)
	admin.must(201, "POST", "/api/v1/programs", groupBody, &groups)
	admin.must(201, "POST", "/api/v1/programs", programBody("Pairs", "pair", 0, 0), &pairs)
	// Drafts to open and to close, one for the pages and one for the API:
	// closing spends a program, and opening spends a draft.
	var webDraft, apiDraft, webClosing, apiClosing struct{ ID string }
	for _, d := range []*struct{ ID string }{&webDraft, &apiDraft, &webClosing, &apiClosing} {
		b := programBody("Later", "group", 3, 4)
		b["opt_in_opens"], b["opt_in_closes"] = now.Add(7*24*time.Hour), now.Add(21*24*time.Hour)
		admin.must(201, "POST", "/api/v1/programs", b, d)
	}
	monday := [][2]int{{540, 720}}
	for _, p := range []string{"member", "helper", "unack", "former"} {
		goals := "Give better feedback."
		if p == "member" {
			goals = "PLANTED-GOALS-6b8e"
		}
		w.party(p).must(200, "PUT", "/api/v1/programs/"+groups.ID+"/opt-in",
			map[string]any{"topics": []string{"Feedback"}, "goals": goals, "availability": monday}, nil)
	}
	for _, p := range []string{"member", "helper"} {
		w.party(p).must(200, "PUT", "/api/v1/programs/"+pairs.ID+"/opt-in", map[string]any{"goals": "Pair up.", "availability": monday}, nil)
	}
	var inv struct{ ID string }
	w.as["member"].must(201, "POST", "/api/v1/programs/"+pairs.ID+"/pair-invitations", map[string]string{"to_user": people["helper"]}, &inv)
	var rv struct {
		Round   struct{ ID string }
		Circles []struct {
			ID      string
			Members []any
		}
	}
	admin.must(201, "POST", "/api/v1/programs/"+groups.ID+"/rounds", nil, &rv)
	if len(rv.Circles) != 1 || len(rv.Circles[0].Members) != 4 {
		t.Fatalf("the round did not make one circle of four: %+v", rv)
	}
	w.ids["id:circle"] = rv.Circles[0].ID
	admin.must(200, "POST", "/api/v1/rounds/"+rv.Round.ID+"/publish", nil, nil)
	for _, p := range []string{"member", "helper", "unack", "former"} {
		w.party(p).must(200, "POST", w.circle("/response"), map[string]bool{"accept": true}, nil)
	}
	for _, p := range []string{"member", "helper", "former"} {
		var rules struct{ Version int }
		w.party(p).must(200, "GET", w.circle("/ground-rules"), nil, &rules)
		w.party(p).must(200, "POST", w.circle("/ground-rules/acknowledge"), map[string]int{"version": rules.Version}, nil)
	}

	// A schedule, and the first meeting's room.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := time.Now().In(berlin).AddDate(0, 0, 1)
	w.as["member"].must(200, "PUT", w.circle("/schedule"), map[string]any{"freq": "weekly", "weekday": int(day.Weekday()), "time": "10:00",
		"starts_on": day.Format("2006-01-02"), "timezone": "Europe/Berlin", "duration_minutes": 60, "video_url": "https://meet.example.com/c"}, nil)
	var ms struct{ Upcoming []struct{ ID string } }
	w.as["member"].must(200, "GET", w.circle("/meetings"), nil, &ms)
	if len(ms.Upcoming) != 5 {
		t.Fatalf("%d meetings ahead", len(ms.Upcoming))
	}
	for _, m := range ms.Upcoming {
		w.meeting = append(w.meeting, m.ID)
	}
	var rm struct {
		Snapshot struct {
			Version                 int64
			Timekeeper, Facilitator string
		}
	}
	w.as["member"].must(200, "GET", w.room(""), nil, &rm)
	runner := w.helper // whoever of timekeeper and facilitator has acknowledged the rules
	for _, p := range []string{"member", "helper", "former"} {
		if rm.Snapshot.Timekeeper == people[p] || rm.Snapshot.Facilitator == people[p] {
			runner = w.party(p)
		}
	}
	runner.must(200, "POST", w.room("/commands"), map[string]any{"kind": "presenters", "version": rm.Snapshot.Version,
		"presenters": []string{people["member"]}}, nil)

	// The guest: invited on the room page, accepting on the guest page.
	w.as["member"].must(303, "POST", "/circles/"+w.ids["id:circle"]+"/meetings/"+w.meeting[0]+"/room/guests",
		url.Values{"user_id": {people["guest"]}}, nil)
	w.ids["token:guest"] = a.linkIn(t, "gus@acme.test", guestLinkRE)
	w.as["guest"].must(303, "POST", "/guest/"+w.ids["token:guest"], url.Values{}, nil)

	// The private texts.
	w.plantedAt = len(a.mail())
	var post, spare1, spare2, com struct{ ID string }
	var agreement struct{ Version int }
	m := w.as["member"]
	m.must(201, "POST", w.circle("/posts"), map[string]string{"body": "PLANTED-POST-7f3a"}, &post)
	m.must(201, "POST", w.circle("/posts"), map[string]string{"body": "A post to remove by the page."}, &spare1)
	m.must(201, "POST", w.circle("/posts"), map[string]string{"body": "A post to remove by the API."}, &spare2)
	m.must(201, "POST", w.circle("/commitments"), map[string]string{"body": "PLANTED-COMMITMENT-2b9c"}, &com)
	m.must(201, "POST", w.circle("/agreement"), map[string]string{"body": "PLANTED-AGREEMENT-5d1e"}, &agreement)
	m.must(201, "POST", w.circle(fmt.Sprintf("/agreement/%d/comments", agreement.Version)), map[string]string{"body": "PLANTED-COMMENT-6a0f"}, nil)
	h := w.helper
	h.must(200, "POST", w.room("/checkin"), map[string]any{"mood": "good", "wins": "PLANTED-CHECKIN-8a4f"}, nil)
	var offered struct {
		Snapshot struct{ Offers []struct{ ID, Body string } }
	}
	h.must(201, "POST", w.room("/offers"), map[string]string{"presenter_id": people["member"], "body": "PLANTED-OFFER-3c6d"}, &offered)
	h.must(200, "PUT", w.room("/note"), map[string]any{"body": "PLANTED-NOTE-9e2b", "version": 0}, nil)
	h.must(200, "PUT", w.room("/reflection"), map[string]string{"body": "PLANTED-REFLECTION-4f7a"}, nil)

	// The closing ritual of the season's last meeting, which has not begun,
	// so no route writes it yet: Ben's appreciation of Amy.
	ctx := context.Background()
	ben, err := a.db.FindUserByEmail(ctx, "ben@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	last := w.meeting[4]
	if err := a.db.SaveRitualWord(ctx, ben.OrgID, last, &room.RitualWord{UserID: ben.ID, Kind: room.Appreciation,
		ToID: people["member"], Body: "PLANTED-RITUAL-5e9a"}); err != nil {
		t.Fatal(err)
	}
	if r := m.call("GET", w.circle("/meetings/"+last+"/room/ritual"), nil); r.status != 200 || !strings.Contains(r.body, "PLANTED-RITUAL-5e9a") {
		t.Fatalf("the season's last meeting shows no ritual: %d %.300s", r.status, r.body)
	}

	// What the member may revoke: tokens and sessions kept for the purpose.
	var tok1, tok2 struct{ ID string }
	m.must(201, "POST", "/api/v1/me/tokens", map[string]string{"name": "spare for the page"}, &tok1)
	m.must(201, "POST", "/api/v1/me/tokens", map[string]string{"name": "spare for the API"}, &tok2)
	var feed struct{ URL string }
	m.must(201, "POST", "/api/v1/me/calendar-feed", nil, &feed)

	// The member's journal: an entry, and two to delete.
	var entry, spareEntry1, spareEntry2 struct{ ID string }
	m.must(201, "POST", "/api/v1/me/journal", map[string]string{"prompt": "trigger", "body": "PLANTED-JOURNAL-0c5e"}, &entry)
	m.must(201, "POST", "/api/v1/me/journal", map[string]string{"prompt": "free", "body": "An entry to delete by the page."}, &spareEntry1)
	m.must(201, "POST", "/api/v1/me/journal", map[string]string{"prompt": "free", "body": "An entry to delete by the API."}, &spareEntry2)
	w.ids["id:journal"] = entry.ID
	// Their self-assessment, and two to delete.
	var assessed, spareAssessed1, spareAssessed2 struct{ ID string }
	rated := map[string]any{"ratings": []map[string]any{{"capability": "listening", "pick": "strength", "score": 4}}}
	m.must(201, "POST", "/api/v1/me/assessments", map[string]any{"ratings": rated["ratings"], "note": "PLANTED-ASSESSMENT-7b1d"}, &assessed)
	m.must(201, "POST", "/api/v1/me/assessments", rated, &spareAssessed1)
	m.must(201, "POST", "/api/v1/me/assessments", rated, &spareAssessed2)
	w.ids["id:assessment"] = assessed.ID
	w.ids["presenter"] = people["member"]

	// The member's learning cards, one at each audience.
	for i, text := range []string{"PLANTED-CARD-DRAFT-2e61", "PLANTED-CARD-CIRCLE-7b3d", "PLANTED-CARD-PROGRAM-4c8a", "PLANTED-CARD-ORG-9f1e"} {
		var k struct {
			ID      string
			Version int
		}
		m.must(201, "POST", "/api/v1/me/cards", map[string]string{"circle_id": w.ids["id:circle"], "title": text, "body": "What I learned: " + text}, &k)
		for _, to := range []string{"circle", "program", "org"}[:i] {
			m.must(200, "POST", "/api/v1/me/cards/"+k.ID+"/widen", map[string]any{"to": to, "version": k.Version}, &k)
		}
		if i == 0 {
			w.ids["id:card"] = k.ID
		}
	}

	// The former member leaves, with a note for the admins.
	w.leftAt = len(a.mail())
	w.as["former"].must(204, "POST", w.circle("/leave"), map[string]string{"note": "PLANTED-LEAVENOTE-1d5c"}, nil)

	page := w.as["anon"].must(200, "GET", "/", nil, nil)
	asset := assetRE.FindString(page.body)
	if asset == "" {
		t.Fatal("no stylesheet link on the front page")
	}
	parts := strings.Split(asset, "/")

	// The ids every route takes, from the organisation's data. Routes whose
	// call would spend an id the matrix needs later get an id of their own
	// in byRoute (see probe).
	for k, v := range map[string]string{
		"id:program": groups.ID, "id:round": rv.Round.ID, "id:person": people["member"],
		"meeting": w.meeting[0], "offer": offered.Snapshot.Offers[0].ID, "post": post.ID, "commitment": com.ID,
		"version": fmt.Sprint(agreement.Version), "id:pair-invitation": inv.ID, "name": "Spare",
		"hash": parts[2], "file": feed.URL[strings.LastIndex(feed.URL, "/")+1:], "token": w.ids["token:guest"],
	} {
		w.ids[k] = v
	}
	ritual := map[string]string{"meeting": w.meeting[4]}
	w.byRoute = map[string]map[string]string{
		"GET /api/v1/circles/{id}/meetings/{meeting}/room/ritual": ritual,
		"PUT /api/v1/circles/{id}/meetings/{meeting}/room/ritual": ritual,
		"POST /circles/{id}/meetings/{meeting}/room/ritual":       ritual,
		"POST /programs/{id}/open":                                {"id": webDraft.ID},
		"POST /api/v1/programs/{id}/open":                         {"id": apiDraft.ID},
		"POST /programs/{id}/remind":                              {"id": groups.ID},
		"POST /api/v1/programs/{id}/remind":                       {"id": pairs.ID},
		"POST /programs/{id}/close":                               {"id": webClosing.ID},
		"POST /api/v1/programs/{id}/close":                        {"id": apiClosing.ID},
		"POST /programs/{id}/pair-invitations":                    {"id": pairs.ID},
		"POST /api/v1/programs/{id}/pair-invitations":             {"id": pairs.ID},
		"POST /people/{id}/resend":                                {"id": pending.ID},
		"POST /api/v1/people/{id}/invitation":                     {"id": pending.ID},
		"POST /people/{id}/deactivate":                            {"id": pending.ID},
		"POST /people/{id}/reactivate":                            {"id": pending.ID},
		"POST /api/v1/people/{id}/deactivate":                     {"id": pending.ID},
		"POST /api/v1/people/{id}/reactivate":                     {"id": pending.ID},
		"GET /static/{hash}/{name}":                               {"name": "app.css"},
		"GET /api/v1/invitations/{token}":                         {"token": w.ids["token:invitation"]},
		"POST /api/v1/invitations/{token}/accept":                 {"token": w.ids["token:invitation"]},
		"POST /circles/{id}/posts/{post}/delete":                  {"post": spare1.ID},
		"DELETE /api/v1/circles/{id}/posts/{post}":                {"post": spare2.ID},
		"POST /profile/tokens/{id}/delete":                        {"id": tok1.ID},
		"DELETE /api/v1/me/tokens/{id}":                           {"id": tok2.ID},
		"POST /journal/{id}/delete":                               {"id": spareEntry1.ID},
		"DELETE /api/v1/me/journal/{id}":                          {"id": spareEntry2.ID},
		"POST /journal/assessments/{id}/delete":                   {"id": spareAssessed1.ID},
		"DELETE /api/v1/me/assessments/{id}":                      {"id": spareAssessed2.ID},
		"POST /profile/sessions/{id}/delete":                      {"id": w.spareSession(t, m, "amy@acme.test")},
		"DELETE /api/v1/me/sessions/{id}":                         {"id": w.spareSession(t, m, "amy@acme.test")},
		"POST /circles/{id}/meetings/{meeting}/cancel":            {"meeting": w.meeting[2]},
		"POST /api/v1/circles/{id}/meetings/{meeting}/cancel":     {"meeting": w.meeting[3]},
		"POST /api/v1/circles/{id}/meetings/{meeting}/restore":    {"meeting": w.meeting[2]},
		"POST /circles/{id}/agreement/{version}/withdraw":         {"version": "99"},
		"POST /api/v1/circles/{id}/agreement/{version}/withdraw":  {"version": "99"},
		// No change to put back: putting one back would change the
		// schedule the other rows rely on.
		"POST /circles/{id}/schedule/changes/{change}/undo":        {"change": "no-such-change"},
		"POST /api/v1/circles/{id}/schedule/changes/{change}/undo": {"change": "no-such-change"},
	}
	return w
}

func (w *world) party(p string) *browser {
	if p == "helper" {
		return w.helper
	}
	return w.as[p]
}

// ---------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------

// Outcome classes of a cell:
//
//	ok      2xx
//	redir   a redirect to a page other than sign-in (a form's answer)
//	signin  a redirect to sign in
//	rules   a redirect to a circle's ground rules, to read and acknowledge
//	        them first
//	401 403 404 405
//	inv     400, 409, 410, 413, 415, 422: the caller got past the
//	        authorisation, and the request was refused as it stands
//
// A party whose class is signin, rules, 401, 403, 404 or 405 is refused: for a
// state-changing route the test checks that its calls changed nothing.
func classify(r result) string {
	switch {
	case r.status >= 200 && r.status < 300:
		return "ok"
	case r.status >= 300 && r.status < 400 && strings.HasPrefix(r.location, "/signin"):
		return "signin"
	case r.status >= 300 && r.status < 400 && rulesRE.MatchString(r.location):
		return "rules"
	case r.status >= 300 && r.status < 400:
		return "redir"
	}
	switch r.status {
	case 400, 409, 410, 413, 415, 422:
		return "inv"
	}
	return fmt.Sprint(r.status)
}

func refused(class string) bool {
	return slices.Contains([]string{"signin", "rules", "401", "403", "404", "405"}, class)
}

var rulesRE = regexp.MustCompile(`^/circles/[^/]+/ground-rules$`)

// How state-changing routes are probed. Every party sends the same request.
// Where the allowed parties' call would spend something later cells need,
// the request is made harmless instead, without skipping the authorisation:
//
//   - bodies are well-formed for the API's schema (so the handler, which
//     authorises, runs) but fail the service's own checks where acting
//     would do harm: an empty post, a schedule in an unknown time zone, a
//     stale version, an acknowledgement of a version that does not exist;
//   - ids that a call spends are ids kept for it (byRoute): spare posts,
//     tokens and sessions of the member, other meetings to cancel, an
//     agreement version that does not exist to withdraw;
//   - signing out uses a session signed in for that cell alone;
//   - the calls that cannot be made harmless (clearing the schedule,
//     leaving the circle by the API) run last, in finalRoutes' order.
//
// After every state-changing row the fixture is checked (fixtureIntact), and
// the refused parties' calls are checked to change nothing a member or an
// admin sees (snapshot).

// webForms are the forms sent to the pages' POST routes; others send an
// empty form.
var webForms = map[string]url.Values{
	"POST /signin":             {"email": {"nobody@acme.test"}, "password": {"wrong password!"}},
	"POST /password/forgot":    {"email": {"nobody@acme.test"}},
	"POST /profile/tokens":     {"token_name": {"probe"}},
	"POST /circles/{id}/leave": {"note": {strings.Repeat("x", 1001)}},
	// In the past, so that the handler gets as far as the service.
	"POST /circles/{id}/meetings/{meeting}/move": {"starts_at": {"2001-01-01T10:00"}, "duration_minutes": {"60"}},
	// Stale versions: refused once the reader is let in.
	"POST /circles/{id}/meetings/{meeting}/rsvp":         {"answer": {"coming"}, "version": {"999"}},
	"POST /circles/{id}/commitments/{commitment}/move":   {"due": {"2030-01-01"}, "version": {"999"}},
	"POST /circles/{id}/commitments/{commitment}/let-go": {"version": {"999"}},
}

// apiBodies are the bodies sent to the API's operations, by operation id;
// others send none. "@helper" stands for the helper member's id.
var apiBodies = map[string]any{
	"sign-up":                    map[string]any{},
	"confirm-sign-up":            map[string]string{"token": "hss_nothing"},
	"sign-in":                    map[string]string{"email": "nobody@acme.test", "password": "wrong password!"},
	"request-password-reset":     map[string]string{"email": "nobody@acme.test"},
	"reset-password":             map[string]string{"token": "hsr_nothing", "password": "a long enough password"},
	"accept-invitation":          map[string]any{},
	"update-me":                  map[string]any{},
	"change-password":            map[string]any{},
	"create-token":               map[string]string{"name": "probe"},
	"invite-person":              map[string]any{},
	"update-role":                map[string]string{"role": "member"},
	"preview-import":             csvBody(""),
	"import-people":              csvBody(""),
	"create-topic":               map[string]any{},
	"create-program":             map[string]any{},
	"update-program":             map[string]any{},
	"save-opt-in":                map[string]any{"availability": [][2]int{}},
	"snooze-opt-in":              map[string]bool{"snoozed": false},
	"move-member":                map[string]string{"user_id": "@helper"},
	"respond-to-circle":          map[string]bool{"accept": true},
	"create-pair-invitation":     map[string]string{"to_user": "@helper"},
	"respond-to-pair-invitation": map[string]bool{"accept": false},
	"acknowledge-ground-rules":   map[string]int{"version": 999},
	"update-ground-rules":        map[string]string{"body": ""},
	"propose-agreement":          map[string]string{"body": ""},
	"answer-pulse":               map[string]any{"round": 999, "answers": []int{4, 4, 4, 4, 4, 4, 4}},
	"set-pulse-cadence":          map[string]int{"cadence": 0},
	"set-pulse-share":            map[string]bool{"agree": false},
	"answer-fit":                 map[string]string{"answer": "yes"},
	"invite-colleague":           map[string]string{"colleague_id": "nobody"},
	"set-taking-part":            map[string]bool{"show": false},
	"comment-on-agreement":       map[string]string{"body": ""},
	"create-post":                map[string]string{"body": ""},
	"create-commitment":          map[string]string{"body": ""},
	"update-commitment":          map[string]bool{"done": false},
	"change-commitment":          map[string]any{"version": 999, "let_go": true},
	"set-rsvp":                   map[string]any{"answer": "coming", "version": 999},
	"set-schedule": map[string]any{"freq": "weekly", "weekday": 1, "time": "10:00", "starts_on": "2030-01-07",
		"timezone": "Mars/Olympus_Mons", "duration_minutes": 60},
	"move-meeting":          map[string]any{"starts_at": "2001-01-01T10:00:00Z", "duration_minutes": 60},
	"set-meeting-roles":     map[string]string{"facilitator_id": "nobody", "timekeeper_id": "nobody"},
	"update-reminder-prefs": map[string]any{"offsets": []int{60}, "nudges": true},
	"send-room-command":     map[string]any{"kind": "start", "version": 999999},
	"check-in":              map[string]string{"mood": "okay"},
	"answer-closing":        map[string]string{"answer": "yes"},
	"create-offer":          map[string]string{"presenter_id": "", "body": ""},
	"take-offer":            map[string]string{"body": ""},
	"save-meeting-note":     map[string]any{"body": "probe", "version": 999999},
	"save-reflection":       map[string]string{"body": "probe"},
	// Not the season's last meeting: the member's call is refused.
	"save-ritual": map[string]string{"kind": "takeaway", "body": "probe"},
	// A pause too short: the member's call is refused as it stands.
	"pause-circle": map[string]int{"weeks": 1},
	// Blank entries: the owner's call is refused as it stands.
	"create-journal-entry": map[string]string{"prompt": "free", "body": ""},
	// Blank cards and stale versions: the author's call is refused as it
	// stands.
	"create-card":          map[string]string{"circle_id": "", "title": "", "body": ""},
	"update-card":          map[string]any{"title": "", "body": "", "version": 1},
	"widen-card":           map[string]any{"to": "circle", "version": 999},
	"withdraw-card":        map[string]any{"version": 999},
	"update-journal-entry": map[string]any{"prompt": "free", "body": "", "version": 1},
	// No picks: the owner's call is refused as it stands. A helping note
	// before the counsel step has begun is refused too.
	"create-self-assessment": map[string]any{"ratings": []any{}},
	"update-self-assessment": map[string]any{"ratings": []any{}, "version": 1},
	"save-help-note":         map[string]string{"took": "expert"},
}

// signOutRoutes end the session they are sent with: each cell signs in
// anew for the purpose.
var signOutRoutes = []string{"POST /signout", "DELETE /api/v1/session"}

// finalRoutes run after every other row, in this order: the allowed
// parties' calls change the circle for good.
var finalRoutes = []string{"POST /circles/{id}/schedule/clear", "DELETE /api/v1/circles/{id}/schedule", "POST /api/v1/circles/{id}/leave"}

// apiExtras are served by the API besides its operations.
var apiExtras = []string{"GET /api/v1/openapi.json"}

var partyEmail = map[string]string{"other": "mo@globex.test", "admin": "ada@acme.test", "outsdr": "olga@acme.test",
	"unack": "uma@acme.test", "member": "amy@acme.test", "guest": "gus@acme.test", "former": "fred@acme.test"}

// row is one route or operation to try.
type row struct {
	key  string // the pattern, as in the table
	body func() any
	api  bool
}

// rows lists the routes of both routers. The web server's mount of the API
// stands for the API's operations, which follow the pages.
func rows(t *testing.T, a *app) []row {
	t.Helper()
	var out []row
	mounted := false
	for _, p := range a.routes {
		switch {
		case p == "/api/v1/":
			mounted = true
			continue
		case p == "/":
			out = append(out, row{key: "* /", body: func() any { return nil }})
			continue
		}
		form := webForms[p]
		out = append(out, row{key: p, body: func() any {
			if strings.HasPrefix(p, "GET ") {
				return nil
			}
			if form == nil {
				return url.Values{}
			}
			return form
		}})
	}
	if !mounted {
		t.Fatal("the web server does not mount the API at /api/v1/")
	}
	for _, op := range a.ops {
		body := apiBodies[op.ID]
		out = append(out, row{key: op.Method + " " + op.Path, api: true, body: func() any { return body }})
	}
	for _, k := range apiExtras {
		out = append(out, row{key: k, api: true, body: func() any { return nil }})
	}
	// The final routes go last, in their order.
	slices.SortStableFunc(out, func(x, y row) int {
		return slices.Index(finalRoutes, x.key) - slices.Index(finalRoutes, y.key)
	})
	return out
}

var paramRE = regexp.MustCompile(`\{([a-z$]+)\}`)

// path fills a pattern's parameters with the fixture's ids.
func (w *world) path(t *testing.T, key string) (method, path string) {
	t.Helper()
	method, pattern, _ := strings.Cut(key, " ")
	if method == "*" {
		return "GET", "/no/such/page"
	}
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		m := paramRE.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		name := m[1]
		if name == "$" {
			segs[i] = ""
			continue
		}
		v, ok := w.byRoute[key][name]
		if !ok && name == "id" {
			v, ok = w.ids["id:"+strings.TrimSuffix(segs[i-1], "s")]
			if segs[i-1] == "people" {
				v, ok = w.ids["id:person"]
			}
		}
		if !ok {
			v, ok = w.ids[name]
		}
		if !ok {
			t.Fatalf("%s: no value for {%s}", key, name)
		}
		segs[i] = v
	}
	return method, strings.Join(segs, "/")
}

// resolve replaces the placeholders of a body with the fixture's ids.
func (w *world) resolve(body any) any {
	if m, ok := body.(map[string]string); ok {
		out := map[string]string{}
		for k, v := range m {
			if v == "@helper" {
				v = w.ids["helper"]
			}
			out[k] = v
		}
		return out
	}
	return body
}

// probe sends one cell's request.
func (w *world) probe(t *testing.T, r row, party string) result {
	t.Helper()
	method, path := w.path(t, r.key)
	b := w.as[party]
	if slices.Contains(signOutRoutes, r.key) && party != "anon" {
		b = w.app.browser(t)
		b.must(200, "POST", "/api/v1/session", map[string]string{"email": partyEmail[party], "password": accessPassword}, nil)
	}
	return b.call(method, path, w.resolve(r.body()))
}

var volatileRE = regexp.MustCompile(`"(server_now|remaining_ms|last_seen_at|last_used_at|created_at)":("[^"]*"|[-0-9]+|null)`)

// snapshot is what members and admins see of the organisation's data, for
// telling whether a refused call changed anything.
func (w *world) snapshot(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, c := range []struct{ party, path string }{
		{"member", w.circle("")}, {"member", w.room("")}, {"member", w.room("/note")}, {"member", w.circle("/commitments")},
		{"member", w.circle("/posts")}, {"member", w.circle("/agreement")}, {"member", "/api/v1/me/tokens"},
		{"member", "/api/v1/me/sessions"}, {"member", "/api/v1/programs/" + w.ids["id:program"] + "/opt-in"},
		{"member", "/api/v1/pair-invitations"}, {"member", "/api/v1/me/reminders"}, {"member", "/api/v1/me/calendar-feed"},
		{"admin", "/api/v1/people?limit=100"}, {"admin", "/api/v1/programs"}, {"admin", "/api/v1/rounds/" + w.ids["id:round"]},
		{"admin", "/api/v1/programs/" + w.ids["id:program"] + "/participants"}, {"admin", "/api/v1/ground-rules"},
		{"admin", "/api/v1/topics"}, {"unack", w.circle("/ground-rules")}, {"member", "/api/v1/me/journal"},
		{"member", "/api/v1/me/assessments"}, {"member", "/api/v1/me/helping"},
		{"member", "/api/v1/me/cards"}, {"admin", "/api/v1/learning"},
	} {
		r := w.as[c.party].call("GET", c.path, nil)
		fmt.Fprintf(&sb, "%s %s %d %s\n", c.party, c.path, r.status, volatileRE.ReplaceAllString(r.body, ""))
	}
	return sb.String()
}

// fixtureIntact checks that the parties still stand where the matrix
// needs them.
func (w *world) fixtureIntact(t *testing.T, after string) {
	t.Helper()
	for _, c := range []struct {
		party, path string
		status      int
		text        string
	}{
		{"member", w.circle(""), 200, "PLANTED-POST-7f3a"},
		{"member", w.room(""), 200, "PLANTED-NOTE-9e2b"},
		{"unack", w.circle(""), 403, "ground_rules_required"},
		{"former", w.circle(""), 404, ""},
		{"outsdr", w.circle(""), 404, ""},
		{"guest", "/guest/" + w.ids["token:guest"], 200, "Gus"},
		{"admin", "/api/v1/me", 200, "Ada Admin"},
		{"other", "/api/v1/me", 200, "Mo Other"},
	} {
		r := w.as[c.party].call("GET", c.path, nil)
		if r.status != c.status || !strings.Contains(r.body, c.text) {
			t.Fatalf("after %s the fixture is broken: %s GET %s: %d, want %d with %q: %.300s", after, c.party, c.path, r.status, c.status, c.text, r.body)
		}
	}
}

// TestAccessMatrix tries every route of the web server and every operation
// of the API as each party, and compares each answer's class with
// accessTable. It fails on a route missing from the table, an answer of
// another class, and any planted private text in an answer or an email
// that must not carry it.
func TestAccessMatrix(t *testing.T) {
	want := parseTable(t, accessTable)
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			a := startApp(t, eng.URL(t))
			w := buildWorld(t, a)
			w.fixtureIntact(t, "building the fixture")
			built := time.Since(start)
			got := map[string][]string{}
			seen := map[string]bool{} // planted texts a reader was shown
			all := rows(t, a)
			for _, r := range all {
				exp, known := want[r.key]
				if !known {
					t.Errorf("%s is not in accessTable", r.key)
				}
				changing := !strings.HasPrefix(r.key, "GET ")
				final := slices.Contains(finalRoutes, r.key)
				cells := make([]string, len(parties))
				var before string
				if changing && known {
					before = w.snapshot(t)
				}
				// Refused parties first, so that their calls are checked on
				// data no allowed call has changed.
				order := slices.Clone(parties)
				if known {
					slices.SortStableFunc(order, func(x, y string) int {
						rx, ry := refused(exp[slices.Index(parties, x)]), refused(exp[slices.Index(parties, y)])
						switch {
						case rx && !ry:
							return -1
						case ry && !rx:
							return 1
						}
						return 0
					})
				}
				checked := !changing || !known
				for _, p := range order {
					i := slices.Index(parties, p)
					if !checked && !refused(exp[i]) {
						if after := w.snapshot(t); after != before {
							t.Errorf("%s: a refused party's call changed the data:\n%s", r.key, diffLines(before, after))
						}
						checked = true
					}
					res := w.probe(t, r, p)
					cells[i] = classify(res)
					checkLeaks(t, r.key, p, res.body, seen)
					checkLevels(t, w, r.key, p, res.body, seen)
					if known && cells[i] != exp[i] {
						extra := ""
						if cells[i] == "ok" {
							extra = " (an unexpected 2xx)"
						}
						t.Errorf("%s as %s (%s): got %s%s, want %s (status %d %s): %.300s", r.key, p, partyDoc[p], cells[i], extra, exp[i],
							res.status, res.location, res.body)
					}
				}
				if !checked {
					if after := w.snapshot(t); after != before {
						t.Errorf("%s: a refused party's call changed the data:\n%s", r.key, diffLines(before, after))
					}
				}
				if changing && !final {
					w.fixtureIntact(t, r.key)
				}
				got[r.key] = cells
			}
			for k := range want {
				if _, ok := got[k]; !ok {
					t.Errorf("accessTable has %s, which neither router serves", k)
				}
			}
			// The detector must not be blind: each text with readers
			// reached one of them somewhere.
			for _, p := range planted {
				if len(p.readers) > 0 && !seen[p.text] {
					t.Errorf("no reader was ever shown %s: the leak check cannot see it", p.text)
				}
			}
			if !seen["level"] {
				t.Error("no admin was ever shown a level: the level check cannot see it")
			}
			checkMail(t, w)
			t.Logf("access matrix on %s (%d routes × %d parties; fixture %v, all %v):\n%s", eng.Name, len(all), len(parties),
				built.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), formatTable(all, got))
		})
	}
}

// checkLeaks fails if a planted text reaches a party who must not read it,
// and notes in seen the texts shown to their readers.
func checkLeaks(t *testing.T, key, party, body string, seen map[string]bool) {
	t.Helper()
	for _, p := range planted {
		if !strings.Contains(body, p.text) {
			continue
		}
		if !slices.Contains(p.readers, party) {
			t.Errorf("LEAK: %s as %s (%s) shows %s", key, party, partyDoc[party], p.text)
		}
		seen[p.text] = true
	}
}

var levelRE = regexp.MustCompile(`"level":\s*` + strconv.Itoa(plantedLevel) + `\b|Level ` + strconv.Itoa(plantedLevel) + `\b|data-label="Level"`)

// checkLevels fails if an answer shows party a level other than their own:
// levels are for admins. A JSON answer may hold a level only in the
// object of the party's own person; a page may show one only on their own
// person page.
func checkLevels(t *testing.T, w *world, key, party, body string, seen map[string]bool) {
	t.Helper()
	if party == "admin" {
		seen["level"] = seen["level"] || levelRE.MatchString(body)
		return
	}
	own := w.ids["person:"+party]
	var v any
	if json.Unmarshal([]byte(body), &v) == nil {
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if _, ok := v["level"].(float64); ok && (own == "" || v["id"] != own) {
					t.Errorf("LEVEL: %s as %s (%s) shows the level of %v", key, party, partyDoc[party], v["id"])
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
		return
	}
	if _, path := w.path(t, key); levelRE.MatchString(body) && (own == "" || path != "/people/"+own) {
		t.Errorf("LEVEL: %s as %s (%s) shows a level", key, party, partyDoc[party])
	}
}

// checkMail fails if an email carries a planted text to someone who must
// not read it. The former member was in the circle until leftAt.
func checkMail(t *testing.T, w *world) {
	t.Helper()
	for i, m := range w.app.mail() {
		if i < w.plantedAt {
			continue
		}
		all := m.Subject + "\n" + m.Text + "\n" + m.HTML + "\n" + string(m.Calendar)
		for _, p := range planted {
			ok := slices.Contains(p.inMail, m.To) || (i < w.leftAt && m.To == "fred@acme.test" && slices.Equal(p.inMail, circleMail))
			if strings.Contains(all, p.text) && !ok {
				t.Errorf("LEAK by email: %q to %s carries %s", m.Subject, m.To, p.text)
			}
		}
	}
}

// parseTable reads accessTable: a route, then one class per party.
func parseTable(t *testing.T, s string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "route" {
			continue
		}
		if len(f) != 2+len(parties) {
			t.Fatalf("accessTable: %q has %d fields, want %d", line, len(f), 2+len(parties))
		}
		key := f[0] + " " + f[1]
		if _, dup := out[key]; dup {
			t.Fatalf("accessTable: %s twice", key)
		}
		out[key] = f[2:]
	}
	return out
}

// formatTable draws the matrix as accessTable writes it.
func formatTable(all []row, got map[string][]string) string {
	var sb strings.Builder
	line := func(key string, cells []string) {
		fmt.Fprintf(&sb, "%-64s", key)
		for _, c := range cells {
			fmt.Fprintf(&sb, " %-6s", c)
		}
		sb.WriteString("\n")
	}
	line("route", parties)
	for _, r := range all {
		line(r.key, got[r.key])
	}
	return sb.String()
}

// diffLines lists the lines of b that differ from a's.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var sb strings.Builder
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			fmt.Fprintf(&sb, "- %.400s\n+ %.400s\n", x, y)
		}
	}
	return sb.String()
}

// accessTable is each cell's expected class (see classify); the columns are
// parties, in order.
const accessTable = `
route                                                            anon   other  admin  outsdr unack  member guest  former
GET /healthz                                                     ok     ok     ok     ok     ok     ok     ok     ok
GET /readyz                                                      ok     ok     ok     ok     ok     ok     ok     ok
GET /metrics                                                     404    404    404    404    404    404    404    404
GET /static/{hash}/{name}                                        ok     ok     ok     ok     ok     ok     ok     ok
GET /{$}                                                         ok     redir  redir  redir  redir  redir  redir  redir
GET /signup                                                      ok     ok     ok     ok     ok     ok     ok     ok
POST /signup                                                     inv    inv    inv    inv    inv    inv    inv    inv
GET /signup/confirm                                              ok     ok     ok     ok     ok     ok     ok     ok
POST /signup/confirm                                             inv    inv    inv    inv    inv    inv    inv    inv
GET /signin                                                      ok     redir  redir  redir  redir  redir  redir  redir
POST /signin                                                     401    401    401    401    401    401    401    401
POST /signout                                                    signin signin signin signin signin signin signin signin
GET /password/forgot                                             ok     ok     ok     ok     ok     ok     ok     ok
POST /password/forgot                                            ok     ok     ok     ok     ok     ok     ok     ok
GET /password/reset                                              inv    inv    inv    inv    inv    inv    inv    inv
POST /password/reset                                             inv    inv    inv    inv    inv    inv    inv    inv
GET /invitation                                                  inv    inv    inv    inv    inv    inv    inv    inv
POST /invitation                                                 inv    inv    inv    inv    inv    inv    inv    inv
GET /digest/stop                                                 inv    inv    inv    inv    inv    inv    inv    inv
POST /digest/stop                                                inv    inv    inv    inv    inv    inv    inv    inv
GET /home                                                        signin ok     ok     ok     ok     ok     ok     ok
GET /people                                                      signin ok     ok     ok     ok     ok     ok     ok
GET /people/chart                                                signin ok     ok     ok     ok     ok     ok     ok
GET /people/{id}                                                 signin 404    ok     ok     ok     ok     ok     ok
GET /profile                                                     signin ok     ok     ok     ok     ok     ok     ok
POST /profile                                                    signin inv    inv    inv    inv    inv    inv    inv
POST /profile/password                                           signin inv    inv    inv    inv    inv    inv    inv
POST /profile/tokens                                             signin ok     ok     ok     ok     ok     ok     ok
POST /profile/tokens/{id}/delete                                 signin 404    404    404    404    redir  404    404
POST /profile/sessions/{id}/delete                               signin 404    404    404    404    redir  404    404
GET /programs                                                    signin ok     ok     ok     ok     ok     ok     ok
GET /programs/{id}                                               signin 404    ok     ok     ok     ok     ok     ok
GET /programs/{id}/opt-in                                        signin 404    ok     ok     ok     ok     ok     ok
POST /programs/{id}/opt-in                                       signin 404    inv    inv    inv    inv    inv    inv
POST /programs/{id}/opt-in/withdraw                              signin 404    404    404    inv    inv    404    redir
POST /programs/{id}/opt-in/snooze                                signin 404    404    404    redir  redir  404    404
POST /programs/{id}/pair-invitations                             signin 404    redir  redir  redir  redir  redir  redir
POST /pair-invitations/{id}/answer                               signin 404    404    404    404    404    404    404
GET /matches                                                     signin ok     ok     ok     ok     ok     ok     ok
POST /circles/{id}/respond                                       signin 404    404    404    redir  redir  404    404
GET /calendar/{file}                                             ok     ok     ok     ok     ok     ok     ok     ok
GET /circles                                                     signin ok     ok     ok     ok     ok     ok     ok
GET /circles/{id}                                                signin 404    404    404    rules  ok     404    404
GET /circles/{id}/ground-rules                                   signin 404    404    404    ok     ok     404    404
POST /circles/{id}/ground-rules                                  signin 404    404    404    rules  rules  404    404
GET /circles/{id}/agreement                                      signin 404    404    404    rules  ok     404    404
POST /circles/{id}/agreement                                     signin 404    404    404    rules  inv    404    404
POST /circles/{id}/agreement/{version}/consent                   signin 404    404    404    rules  redir  404    404
POST /circles/{id}/agreement/{version}/withdraw                  signin 404    404    404    rules  404    404    404
POST /circles/{id}/agreement/{version}/comments                  signin 404    404    404    rules  inv    404    404
GET /circles/{id}/schedule                                       signin 404    404    404    rules  ok     404    404
POST /circles/{id}/schedule                                      signin 404    404    404    rules  inv    404    404
POST /circles/{id}/schedule/changes/{change}/undo                signin 404    404    404    rules  404    404    404
GET /circles/{id}/meetings/{meeting}                             signin 404    404    404    rules  ok     404    404
POST /circles/{id}/meetings/{meeting}/move                       signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/cancel                     signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/roles                      signin 404    404    404    rules  redir  404    404
GET /circles/{id}/meetings/{meeting}/change                      signin 404    404    404    rules  ok     404    404
GET /circles/{id}/meetings/{meeting}/room                        signin 404    404    404    rules  ok     404    404
GET /circles/{id}/meetings/{meeting}/room/events                 signin 404    404    404    rules  ok     404    404
POST /circles/{id}/meetings/{meeting}/room/command               signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/checkin               signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/closing               signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/ritual                signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/offers                signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/offers/{offer}/take   signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/note                  signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/reflection            signin 404    404    404    rules  redir  404    404
POST /circles/{id}/meetings/{meeting}/room/helping               signin 404    404    404    rules  redir  404    404
GET /circles/{id}/format                                         signin 404    404    404    rules  ok     404    404
POST /circles/{id}/format                                        signin 404    404    404    rules  inv    404    404
POST /circles/{id}/meetings/{meeting}/room/guests                signin 404    404    404    rules  redir  404    404
GET /guest/{token}                                               signin 404    404    404    404    404    ok     404
POST /guest/{token}                                              signin 404    404    404    404    404    redir  404
GET /guest/{token}/events                                        signin 404    404    404    404    404    ok     404
POST /circles/{id}/posts                                         signin 404    404    404    rules  redir  404    404
POST /circles/{id}/posts/{post}/delete                           signin 404    404    404    rules  redir  404    404
POST /circles/{id}/commitments                                   signin 404    404    404    rules  redir  404    404
POST /circles/{id}/commitments/{commitment}/done                 signin 404    404    404    rules  redir  404    404
GET /circles/{id}/commitments/{commitment}                       signin 404    404    404    rules  ok     404    404
POST /circles/{id}/commitments/{commitment}/move                 signin 404    404    404    rules  redir  404    404
POST /circles/{id}/commitments/{commitment}/let-go               signin 404    404    404    rules  redir  404    404
GET /circles/{id}/meetings/{meeting}/rsvp                        signin 404    404    404    rules  ok     404    404
POST /circles/{id}/meetings/{meeting}/rsvp                       signin 404    404    404    rules  redir  404    404
GET /circles/{id}/next                                           signin 404    404    404    rules  ok     404    404
GET /circles/{id}/pause                                          signin 404    404    404    ok     ok     404    404
POST /circles/{id}/pause                                         signin 404    404    404    redir  redir  404    404
POST /circles/{id}/resume                                        signin 404    404    404    redir  redir  404    404
GET /circles/{id}/leave                                          signin 404    404    404    ok     ok     404    404
POST /circles/{id}/leave                                         signin 404    404    404    redir  redir  404    404
GET /circles/{id}/pulse                                          signin 404    404    404    rules  ok     404    404
POST /circles/{id}/pulse                                         signin 404    404    404    rules  inv    404    404
POST /circles/{id}/pulse/cadence                                 signin 404    404    404    rules  redir  404    404
POST /circles/{id}/pulse/share                                   signin 404    404    404    rules  redir  404    404
GET /spread                                                      signin ok     ok     ok     ok     ok     ok     ok
POST /spread/invite                                              signin inv    inv    inv    inv    inv    inv    inv
POST /spread/ask                                                 signin redir  redir  redir  redir  redir  redir  redir
POST /spread/profile                                             signin redir  redir  redir  redir  redir  redir  redir
GET /circles/{id}/fit                                            signin 404    404    404    rules  ok     404    404
POST /circles/{id}/fit                                           signin 404    404    404    rules  redir  404    404
POST /profile/calendar                                           signin ok     ok     ok     ok     ok     ok     ok
POST /profile/calendar/delete                                    signin redir  redir  redir  redir  redir  redir  redir
POST /profile/reminders                                          signin redir  redir  redir  redir  redir  redir  redir
GET /journal                                                     signin ok     ok     ok     ok     ok     ok     ok
POST /journal                                                    signin inv    inv    inv    inv    inv    inv    inv
GET /journal/{id}/edit                                           signin 404    404    404    404    ok     404    404
POST /journal/{id}                                               signin 404    404    404    404    inv    404    404
POST /journal/{id}/delete                                        signin 404    404    404    404    redir  404    404
GET /journal/assessments                                         signin ok     ok     ok     ok     ok     ok     ok
GET /journal/assessments/new                                     signin ok     ok     ok     ok     ok     ok     ok
POST /journal/assessments                                        signin inv    inv    inv    inv    inv    inv    inv
GET /journal/assessments/{id}/edit                               signin 404    404    404    404    ok     404    404
POST /journal/assessments/{id}/edit                              signin 404    404    404    404    inv    404    404
POST /journal/assessments/{id}/delete                            signin 404    404    404    404    redir  404    404
GET /journal/helping                                             signin ok     ok     ok     ok     ok     ok     ok
GET /learning                                                    signin ok     ok     ok     ok     ok     ok     ok
GET /cards                                                       signin ok     ok     ok     ok     ok     ok     ok
POST /cards                                                      signin inv    inv    inv    inv    inv    inv    inv
GET /cards/{id}                                                  signin 404    404    404    404    ok     404    404
POST /cards/{id}                                                 signin 404    404    404    404    redir  404    404
POST /cards/{id}/widen                                           signin 404    404    404    404    redir  404    404
POST /cards/{id}/withdraw                                        signin 404    404    404    404    redir  404    404
GET /circles/{id}/cards                                          signin 404    404    404    rules  ok     404    404
GET /programs/{id}/cards                                         signin 404    ok     404    ok     ok     404    404
GET /programs/new                                                signin 403    ok     403    403    403    403    403
POST /programs                                                   signin 403    inv    403    403    403    403    403
GET /programs/{id}/edit                                          signin 403    ok     403    403    403    403    403
POST /programs/{id}                                              signin 403    inv    403    403    403    403    403
POST /programs/{id}/propose                                      signin 403    inv    403    403    403    403    403
POST /programs/{id}/open                                         signin 403    redir  403    403    403    403    403
POST /programs/{id}/remind                                       signin 403    redir  403    403    403    403    403
POST /programs/{id}/close                                        signin 403    redir  403    403    403    403    403
GET /rounds/{id}                                                 signin 403    ok     403    403    403    403    403
POST /rounds/{id}/move                                           signin 403    redir  403    403    403    403    403
POST /rounds/{id}/publish                                        signin 403    redir  403    403    403    403    403
POST /circles/{id}/return                                        signin 403    redir  403    403    403    403    403
GET /ground-rules                                                signin 403    ok     403    403    403    403    403
POST /ground-rules                                               signin 403    inv    403    403    403    403    403
GET /topics                                                      signin 403    ok     403    403    403    403    403
GET /pulse                                                       signin 403    ok     403    403    403    403    403
GET /dashboard                                                   signin 403    ok     403    403    403    403    403
GET /dashboard.csv                                               signin 403    ok     403    403    403    403    403
POST /topics                                                     signin 403    inv    403    403    403    403    403
POST /topics/delete                                              signin 403    404    403    403    403    403    403
GET /people/invite                                               signin 403    ok     403    403    403    403    403
POST /people/invite                                              signin 403    inv    403    403    403    403    403
GET /people/import                                               signin 403    ok     403    403    403    403    403
POST /people/import                                              signin 403    inv    403    403    403    403    403
POST /people/import/confirm                                      signin 403    inv    403    403    403    403    403
POST /people/{id}/resend                                         signin 403    redir  403    403    403    403    403
POST /people/{id}/role                                           signin 403    inv    403    403    403    403    403
GET /people/{id}/edit                                            signin 403    ok     403    403    403    403    403
POST /people/{id}/edit                                           signin 403    inv    403    403    403    403    403
POST /people/{id}/deactivate                                     signin 403    redir  403    403    403    403    403
POST /people/{id}/reactivate                                     signin 403    redir  403    403    403    403    403
POST /people/invitations/release                                 signin 403    redir  403    403    403    403    403
* /                                                              404    404    404    404    404    404    404    404
POST /api/v1/signup                                              inv    inv    inv    inv    inv    inv    inv    inv
POST /api/v1/signup/confirm                                      inv    inv    inv    inv    inv    inv    inv    inv
POST /api/v1/session                                             401    401    401    401    401    401    401    401
DELETE /api/v1/session                                           401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/password/forgot                                     ok     ok     ok     ok     ok     ok     ok     ok
POST /api/v1/password/reset                                      inv    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/invitations/{token}                                  ok     ok     ok     ok     ok     ok     ok     ok
POST /api/v1/invitations/{token}/accept                          inv    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/me                                                   401    ok     ok     ok     ok     ok     ok     ok
PATCH /api/v1/me                                                 401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/password                                         401    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/me/sessions                                          401    ok     ok     ok     ok     ok     ok     ok
DELETE /api/v1/me/sessions/{id}                                  401    404    404    404    404    ok     404    404
GET /api/v1/me/tokens                                            401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/tokens                                           401    ok     ok     ok     ok     ok     ok     ok
DELETE /api/v1/me/tokens/{id}                                    401    404    404    404    404    ok     404    404
GET /api/v1/me/journal                                           401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/journal                                          401    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/me/journal/prompts                                   401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/me/journal/{id}                                      401    404    404    404    404    ok     404    404
PUT /api/v1/me/journal/{id}                                      401    404    404    404    404    inv    404    404
DELETE /api/v1/me/journal/{id}                                   401    404    404    404    404    ok     404    404
GET /api/v1/me/assessments                                       401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/me/assessments/capabilities                          401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/assessments                                      401    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/me/assessments/{id}                                  401    404    404    404    404    ok     404    404
PUT /api/v1/me/assessments/{id}                                  401    404    404    404    404    inv    404    404
DELETE /api/v1/me/assessments/{id}                               401    404    404    404    404    ok     404    404
GET /api/v1/me/helping                                           401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/org                                                  401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/people                                               401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/people/tree                                          401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/people/{id}                                          401    404    ok     ok     ok     ok     ok     ok
GET /api/v1/departments                                          401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/people                                              401    403    inv    403    403    403    403    403
POST /api/v1/people/{id}/invitation                              401    403    ok     403    403    403    403    403
PUT /api/v1/people/{id}/role                                     401    403    ok     403    403    403    403    403
POST /api/v1/people/import/preview                               401    403    inv    403    403    403    403    403
POST /api/v1/people/import                                       401    403    inv    403    403    403    403    403
PUT /api/v1/people/{id}                                          401    403    inv    403    403    403    403    403
POST /api/v1/people/{id}/deactivate                              401    403    ok     403    403    403    403    403
POST /api/v1/people/{id}/reactivate                              401    403    ok     403    403    403    403    403
POST /api/v1/people/invitations/release                          401    403    ok     403    403    403    403    403
GET /api/v1/topics                                               401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/topics                                              401    403    inv    403    403    403    403    403
DELETE /api/v1/topics/{name}                                     401    403    ok     403    403    403    403    403
GET /api/v1/programs                                             401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/programs                                            401    403    inv    403    403    403    403    403
GET /api/v1/programs/{id}                                        401    404    ok     ok     ok     ok     ok     ok
PUT /api/v1/programs/{id}                                        401    403    inv    403    403    403    403    403
GET /api/v1/programs/{id}/opt-in                                 401    404    404    404    ok     ok     404    404
PUT /api/v1/programs/{id}/opt-in                                 401    404    inv    inv    inv    inv    inv    inv
DELETE /api/v1/programs/{id}/opt-in                              401    404    404    404    inv    inv    404    404
PUT /api/v1/programs/{id}/opt-in/snooze                          401    404    404    404    ok     ok     404    404
GET /api/v1/programs/{id}/participants                           401    403    ok     403    403    403    403    403
GET /api/v1/programs/{id}/rounds                                 401    403    ok     403    403    403    403    403
POST /api/v1/programs/{id}/rounds                                401    403    inv    403    403    403    403    403
POST /api/v1/programs/{id}/open                                  401    403    ok     403    403    403    403    403
POST /api/v1/programs/{id}/remind                                401    403    ok     403    403    403    403    403
POST /api/v1/programs/{id}/close                                 401    403    ok     403    403    403    403    403
GET /api/v1/rounds/{id}                                          401    403    ok     403    403    403    403    403
POST /api/v1/rounds/{id}/moves                                   401    403    inv    403    403    403    403    403
POST /api/v1/rounds/{id}/publish                                 401    403    inv    403    403    403    403    403
GET /api/v1/matches                                              401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/circles/{id}/response                               401    404    404    404    inv    inv    404    404
GET /api/v1/pair-invitations                                     401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/programs/{id}/pair-invitations                      401    404    inv    inv    inv    inv    inv    inv
POST /api/v1/pair-invitations/{id}/response                      401    404    404    404    404    404    404    404
GET /api/v1/circles                                              401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/circles/{id}                                         401    404    404    404    403    ok     404    404
GET /api/v1/circles/{id}/ground-rules                            401    404    404    404    ok     ok     404    404
POST /api/v1/circles/{id}/ground-rules/acknowledge               401    404    404    404    inv    inv    404    404
GET /api/v1/ground-rules                                         401    ok     ok     ok     ok     ok     ok     ok
PUT /api/v1/ground-rules                                         401    403    inv    403    403    403    403    403
GET /api/v1/circles/{id}/agreement                               401    404    404    404    403    ok     404    404
GET /api/v1/me/cards                                             401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/cards                                            401    inv    inv    inv    inv    inv    inv    inv
GET /api/v1/me/cards/{id}                                        401    404    404    404    404    ok     404    404
PUT /api/v1/me/cards/{id}                                        401    404    404    404    404    inv    404    404
POST /api/v1/me/cards/{id}/widen                                 401    404    404    404    404    inv    404    404
POST /api/v1/me/cards/{id}/withdraw                              401    404    404    404    404    inv    404    404
GET /api/v1/circles/{id}/cards                                   401    404    404    404    403    ok     404    404
GET /api/v1/programs/{id}/cards                                  401    404    ok     404    ok     ok     404    404
GET /api/v1/learning                                             401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/circles/{id}/pulse                                   401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/pulse/answers                          401    404    404    404    403    inv    404    404
PUT /api/v1/circles/{id}/pulse/cadence                           401    404    404    404    403    inv    404    404
PUT /api/v1/circles/{id}/pulse/share                             401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/fit                                     401    404    404    404    403    ok     404    404
GET /api/v1/me/spread                                            401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/programs/{id}/colleague-invitations                 401    inv    inv    inv    inv    inv    inv    inv
PUT /api/v1/me/taking-part                                       401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/circles/{id}/fit/answers                            401    404    404    404    403    inv    404    404
GET /api/v1/programs/{id}/fit                                    401    403    ok     403    403    403    403    403
GET /api/v1/programs/{id}/pulse                                  401    403    ok     403    403    403    403    403
GET /api/v1/pulse                                                401    403    ok     403    403    403    403    403
GET /api/v1/dashboard                                            401    403    ok     403    403    403    403    403
POST /api/v1/circles/{id}/agreement                              401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/agreement/{version}/consent            401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/agreement/{version}/withdraw           401    404    404    404    403    404    404    404
GET /api/v1/circles/{id}/agreement/comments                      401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/agreement/{version}/comments           401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/posts                                   401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/posts                                  401    404    404    404    403    inv    404    404
DELETE /api/v1/circles/{id}/posts/{post}                         401    404    404    404    403    ok     404    404
GET /api/v1/circles/{id}/commitments                             401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/commitments                            401    404    404    404    403    inv    404    404
PUT /api/v1/circles/{id}/commitments/{commitment}                401    404    404    404    403    ok     404    404
PATCH /api/v1/circles/{id}/commitments/{commitment}              401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/return-to-pool                         401    403    inv    403    403    403    403    403
GET /api/v1/programs/{id}/departures                             401    403    ok     403    403    403    403    403
GET /api/v1/programs/{id}/health                                 401    403    ok     403    403    403    403    403
GET /api/v1/circles/{id}/schedule                                401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/schedule                                401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/schedule/changes                        401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/schedule/changes/{change}/undo         401    404    404    404    403    404    404    404
GET /api/v1/circles/{id}/meetings                                401    404    404    404    403    ok     404    404
GET /api/v1/circles/{id}/meetings/{meeting}/rsvp                 401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/rsvp                 401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/meetings/{meeting}/move                401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/meetings/{meeting}/cancel              401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/meetings/{meeting}/restore             401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/roles                401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/meetings/{meeting}/ics                  401    404    404    404    403    ok     404    404
GET /api/v1/me/reminders                                         401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/me/practice                                          401    ok     ok     ok     ok     ok     ok     ok
PUT /api/v1/me/reminders                                         401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/me/calendar-feed                                     401    ok     ok     ok     ok     ok     ok     ok
POST /api/v1/me/calendar-feed                                    401    ok     ok     ok     ok     ok     ok     ok
DELETE /api/v1/me/calendar-feed                                  401    ok     ok     ok     ok     ok     ok     ok
GET /api/v1/circles/{id}/meetings/{meeting}/room                 401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/meetings/{meeting}/room/commands       401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/meetings/{meeting}/room/checkin        401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/meetings/{meeting}/room/closing        401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/meetings/{meeting}/room/ritual          401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/room/ritual          401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/meetings/{meeting}/room/offers         401    404    404    404    403    inv    404    404
POST /api/v1/circles/{id}/meetings/{meeting}/room/offers/{offer}/take 401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/meetings/{meeting}/room/note            401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/room/note            401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/meetings/{meeting}/room/reflection      401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/room/reflection      401    404    404    404    403    ok     404    404
GET /api/v1/circles/{id}/meetings/{meeting}/room/helping         401    404    404    404    403    ok     404    404
PUT /api/v1/circles/{id}/meetings/{meeting}/room/helping/{presenter} 401    404    404    404    403    inv    404    404
GET /api/v1/circles/{id}/meetings/{meeting}/room/events          401    404    404    404    403    ok     404    404
GET /api/v1/openapi.json                                         ok     ok     ok     ok     ok     ok     ok     ok
POST /circles/{id}/schedule/clear                                signin 404    404    404    rules  redir  404    404
DELETE /api/v1/circles/{id}/schedule                             401    404    404    404    403    ok     404    404
POST /api/v1/circles/{id}/leave                                  401    404    404    404    ok     ok     404    404
GET /api/v1/circles/{id}/pause                                   401    404    404    404    ok     ok     404    404
POST /api/v1/circles/{id}/pause                                  401    404    404    404    inv    inv    404    404
POST /api/v1/circles/{id}/resume                                 401    404    404    404    inv    inv    404    404
`
