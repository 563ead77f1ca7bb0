package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schemas the bench makes and drops

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

const benchPagesUsage = `Usage: holdspace bench pages [--people 10000] [--conns 16] [--duration 3s] [--postgres URL] [--page NAME,…] [--cpuprofile DIR] [--bodies DIR]

Builds the demo organisation on SQLite in a temporary directory, once as
Northwind (43 people) and once with --people more (the large demo of serve
--demo-size), serves it in-process with the same handler as serve, signs in
as the demo admin and as a member, and drives every main page and the API's
lists with --conns keep-alive clients for --duration each, beside a bare
net/http handler measured the same way. With --postgres it does the same in
a fresh schema of that database, dropped afterwards. It prints a table per
database, with the targets met (✓) or not (✗), and the process's CPU time
per request asked one at a time, which holds steady on a busy machine
where requests/s does not, and how many statements the store ran for one
request.
`

// Targets of issue 12, flagged in the table.
const (
	scaleTarget = 1.5                   // cost at the large size ÷ cost at Northwind's 43
	shareTarget = 0.10                  // requests/s ÷ the bare handler's
	keyTarget   = 0.25                  // the same, for the pages people open most
	p99Target   = 20 * time.Millisecond // with 16 connections
)

// keyPages are the pages people open most, held to keyTarget.
var keyPages = []string{"home", "circles", "room", "room-running"}

// benchPages is `holdspace bench pages`.
func benchPages(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench pages", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchPagesUsage)
		fs.PrintDefaults()
	}
	var o pagesOptions
	fs.IntVar(&o.people, "people", 10000, "people the large organisation adds to Northwind's 40")
	fs.IntVar(&o.circles, "circles", 0, "circles among them; 0 is one for every 20/3 people")
	fs.IntVar(&o.conns, "conns", 16, "concurrent keep-alive clients")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "how long each page is measured")
	fs.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "how long each page is driven before it is measured")
	pg := fs.String("postgres", "", "also measure on this PostgreSQL `URL`, in a schema made and dropped for each organisation")
	fs.StringVar(&o.page, "page", "", "measure only these pages (by the names in the table's first column, separated by commas)")
	fs.StringVar(&o.profiles, "cpuprofile", "", "write a CPU profile of each page measured into this `directory`")
	fs.StringVar(&o.bodies, "bodies", "", "write the body of each page measured into this `directory`, to see what it shows")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("bench pages: unexpected argument %q", fs.Arg(0))}
	case o.people < 1 || o.circles < 0:
		return usageError{errors.New("bench pages: --people must be at least 1 and --circles not negative")}
	case o.conns < 1 || o.duration <= 0 || o.warmup < 0:
		return usageError{errors.New("bench pages: --conns and --duration must be positive")}
	}
	for _, dir := range []string{o.profiles, o.bodies} {
		if dir == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	o.progress = slog.New(slog.NewTextHandler(stderr, nil))

	gc := debug.SetGCPercent(-1) // reads the setting; put back at once
	debug.SetGCPercent(gc)
	fmt.Fprintf(stdout, "holdspace bench pages: %d CPUs (GOMAXPROCS %d, GOGC %d), %s; %d keep-alive connections, %s per page after %s of warm-up\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), gc, runtime.Version(), o.conns, o.duration, o.warmup)
	fmt.Fprintln(stdout, "Client and server share the process and its CPUs. cost = 1 ÷ requests/s, so the cost ratio is req/s at 43 ÷ req/s at the large size.")
	fmt.Fprintf(stdout, "Targets: scale = cost at the large size within %.1f× of cost at 43; share = req/s at least %.2f× the bare handler's (%.2f× for %s); p99 ≤ %s.\n",
		scaleTarget, shareTarget, keyTarget, strings.Join(keyPages, ", "), p99Target)

	engines := []benchEngine{{name: "SQLite", url: sqliteTemp}}
	if *pg != "" {
		if _, err := store.ParseURL(*pg); err != nil {
			return usageError{fmt.Errorf("bench pages: --postgres: %w", err)}
		}
		engines = append(engines, benchEngine{name: "PostgreSQL", url: func(ctx context.Context) (string, func(), error) { return postgresSchema(ctx, *pg) }})
	}
	var met, missed int
	for _, e := range engines {
		small, err := benchOrg(ctx, o, e, 0)
		if err != nil {
			return fmt.Errorf("bench pages on %s, Northwind: %w", e.name, err)
		}
		large, err := benchOrg(ctx, o, e, o.people)
		if err != nil {
			return fmt.Errorf("bench pages on %s, %d people: %w", e.name, 40+o.people, err)
		}
		m, x := printPages(stdout, e.name, small, large)
		met, missed = met+m, missed+x
	}
	fmt.Fprintf(stdout, "\nTargets met: %d of %d.\n", met, met+missed)
	return nil
}

type pagesOptions struct {
	people, circles, conns int
	duration, warmup       time.Duration
	page, profiles, bodies string
	progress               *slog.Logger
}

// benchEngine makes a fresh, empty database and returns its URL with what
// removes it.
type benchEngine struct {
	name string
	url  func(ctx context.Context) (string, func(), error)
}

func sqliteTemp(context.Context) (string, func(), error) {
	dir, err := os.MkdirTemp("", "holdspace-bench-")
	if err != nil {
		return "", nil, err
	}
	return "sqlite:" + filepath.Join(dir, "holdspace.db"), func() { os.RemoveAll(dir) }, nil
}

// postgresSchema makes a schema on the server at base and returns a URL
// whose connections use it; the returned function drops it.
func postgresSchema(ctx context.Context, base string) (string, func(), error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "holdspace_bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// orgPages is what one organisation measured.
type orgPages struct {
	people, circles int
	loaded          time.Duration
	member          string
	bare            measurement
	pages           []pageResult
}

type pageResult struct {
	name string
	measurement
}

// measurement is one page driven for a while.
type measurement struct {
	requests int
	elapsed  time.Duration
	p50, p99 time.Duration
	bytes    int // of one response
	// cpu is the process's CPU time per request, client included, with one
	// client asking at a time: unlike requests/s it holds steady when
	// other work shares the machine.
	cpu time.Duration
	// statements is how many statements the store ran for one request:
	// the work the page asks of the database.
	statements int64
}

func (m measurement) rps() float64 { return float64(m.requests) / m.elapsed.Seconds() }

// benchOrg builds the demo organisation with extra more people on a fresh
// database of e, serves it and measures every page.
func benchOrg(ctx context.Context, o pagesOptions, e benchEngine, extra int) (*orgPages, error) {
	dbURL, remove, err := e.url(ctx)
	if err != nil {
		return nil, err
	}
	defer remove()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	cfg, err := loadConfig("bench pages", []string{"-database-url", dbURL, "-secret-key", base64.StdEncoding.EncodeToString(key)},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		return nil, err
	}
	// The server logs as serve does, into nothing: the cost of a request's
	// log line counts, a terminal's does not.
	logger := newLogger(cfg, io.Discard)
	a, err := newApp(ctx, cfg, logger, io.Discard)
	if err != nil {
		return nil, err
	}
	defer a.db.Close()
	// The job queue stays stopped: no page needs it, and its hourly upkeep
	// (run at start) would go through every circle while pages are
	// measured.

	o.progress.Info("bench pages: loading the demo organisation", "database", e.name, "people", 40+extra)
	start := time.Now()
	var loaded *demo.Result
	if extra == 0 {
		loaded, err = demo.Load(ctx, a.db)
	} else {
		loaded, err = demo.LoadLarge(ctx, a.db, demo.Large{People: extra, Circles: o.circles, Logger: o.progress})
	}
	if err != nil {
		return nil, fmt.Errorf("load demo: %w", err)
	}
	// As serve does after loading the demo.
	if err := a.db.Optimize(ctx); err != nil {
		return nil, err
	}
	out := &orgPages{people: loaded.People, loaded: time.Since(start)}
	defer a.runRelay(ctx, logger)()

	t, err := findTargets(ctx, a.db, loaded.Org.ID)
	if err != nil {
		return nil, err
	}
	out.circles, out.member = t.circles, fmt.Sprintf("%s <%s>", t.member.Name, t.member.Email)

	base, stop, err := listen(a.handler, a.hub.Close)
	if err != nil {
		return nil, err
	}
	defer stop()
	bareURL, stopBare, err := listen(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	}), nil)
	if err != nil {
		return nil, err
	}
	defer stopBare()

	client := loadClient(o.conns)
	defer client.CloseIdleConnections()
	admin, err := signInAs(ctx, client, base, demo.AdminEmail)
	if err != nil {
		return nil, err
	}
	member, err := signInAs(ctx, client, base, t.member.Email)
	if err != nil {
		return nil, err
	}
	pages := t.pages(a.api.Operations(), base, admin, member)
	var only []string
	if o.page != "" {
		only = strings.Split(o.page, ",")
	}
	for _, name := range only {
		if !slices.ContainsFunc(pages, func(p benchPage) bool { return p.name == name }) {
			var names []string
			for _, p := range pages {
				names = append(names, p.name)
			}
			return nil, usageError{fmt.Errorf("bench pages: --page: no page %q; the pages are %s", name, strings.Join(names, ", "))}
		}
	}

	o.progress.Info("bench pages: measuring", "database", e.name, "people", out.people, "member", out.member)
	if out.bare, err = drive(ctx, client, o, benchPage{name: "bare", url: bareURL + "/"}, e.name, out.people, nil); err != nil {
		return nil, err
	}
	for _, p := range pages {
		if only != nil && !slices.Contains(only, p.name) {
			continue
		}
		if p.before != nil {
			if err := p.before(ctx, client); err != nil {
				return nil, fmt.Errorf("%s: %w", p.name, err)
			}
		}
		m, err := drive(ctx, client, o, p, e.name, out.people, a.db.Statements)
		if err != nil {
			return nil, err
		}
		out.pages = append(out.pages, pageResult{name: p.name, measurement: m})
	}
	return out, nil
}

// listen serves h on a loopback port and returns its base URL and what
// stops it.
func listen(h http.Handler, onShutdown func()) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	if onShutdown != nil {
		hs.RegisterOnShutdown(onShutdown)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	return "http://" + ln.Addr().String(), func() {
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutCtx)
		<-done
	}, nil
}

// loadClient keeps one connection per client open, as wrk does, and
// follows no redirect: a redirect (to sign in, to the ground rules) is a
// wrong URL, not a page.
func loadClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: 2 * conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			IdleConnTimeout: time.Minute, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       time.Minute,
	}
}

// signInAs signs in with the demo password and returns the session cookie
// as a Cookie header.
func signInAs(ctx context.Context, client *http.Client, base, email string) (string, error) {
	form := url.Values{"email": {email}, "password": {demo.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName(false) && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("sign in as %s: %s and no session cookie", email, res.Status)
}

// benchPage is one URL, asked for as one person.
type benchPage struct {
	name, url, cookie string
	// before runs once before the page is measured.
	before func(ctx context.Context, client *http.Client) error
}

// targets are what the pages are about: the program with the biggest
// round, a circle of it that meets, and as the member, the facilitator of
// its next meeting.
type targets struct {
	program *program.Program
	round   *program.Round
	circles int // in the round
	circle  *program.Circle
	meeting *circle.Meeting
	member  *account.User
}

func findTargets(ctx context.Context, db *store.DB, orgID string) (*targets, error) {
	progs, err := db.FindPrograms(ctx, orgID)
	if err != nil {
		return nil, err
	}
	t := &targets{}
	var best []program.Circle
	for i := range progs {
		rounds, err := db.FindRounds(ctx, orgID, progs[i].ID)
		if err != nil {
			return nil, err
		}
		if len(rounds) == 0 {
			continue
		}
		cs, err := db.FindCircles(ctx, orgID, store.CircleFilter{RoundID: rounds[0].ID})
		if err != nil {
			return nil, err
		}
		if len(cs) > len(best) {
			best, t.program, t.round = cs, &progs[i], &rounds[0]
		}
	}
	if t.round == nil {
		return nil, errors.New("no program has a round")
	}
	t.circles = len(best)
	rules, err := db.FindGroundRules(ctx, orgID)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	for i := range best {
		c := &best[i]
		if c.Status != program.Active {
			continue
		}
		meetings, err := db.FindMeetings(ctx, orgID, c.ID)
		if err != nil {
			return nil, err
		}
		for j := range meetings {
			m := &meetings[j]
			if m.Status != circle.Scheduled || !m.Start.After(now) {
				continue
			}
			// The facilitator runs the meeting, and must have read the
			// ground rules to see anything inside the circle.
			if at, err := db.FindAcknowledgement(ctx, orgID, c.ID, m.FacilitatorID, rules.Version); err != nil {
				return nil, err
			} else if at == nil {
				continue
			}
			if t.member, err = db.FindUserByID(ctx, orgID, m.FacilitatorID); err != nil {
				return nil, err
			}
			t.circle, t.meeting = c, m
			return t, nil
		}
	}
	return nil, fmt.Errorf("no circle of %s meets with a facilitator who has read the ground rules", t.program.Name)
}

// pages lists every page measured, with whom it is asked for as: the
// admin's pages as the admin, a circle's as its member.
func (t *targets) pages(ops []api.Operation, base, admin, member string) []benchPage {
	circlePath := "/circles/" + t.circle.ID
	roomPath := circlePath + "/meetings/" + t.meeting.ID + "/room"
	pages := []benchPage{
		{name: "home", url: "/home", cookie: admin},
		{name: "home-member", url: "/home", cookie: member},
		{name: "people", url: "/people", cookie: admin},
		{name: "people-search", url: "/people?q=" + url.QueryEscape(strings.ToLower(t.member.Name)), cookie: admin},
		{name: "org-chart", url: "/people/chart", cookie: admin},
		{name: "programs", url: "/programs", cookie: admin},
		{name: "program-admin", url: "/programs/" + t.program.ID, cookie: admin},
		{name: "round-review", url: "/rounds/" + t.round.ID, cookie: admin},
		// The dashboard counts the whole organisation's activity over
		// months: its cost is watched as the organisation grows.
		{name: "dashboard", url: "/dashboard", cookie: admin},
		{name: "matches", url: "/matches", cookie: member},
		{name: "circles", url: "/circles", cookie: member},
		{name: "circle", url: circlePath, cookie: member},
		{name: "agreement", url: circlePath + "/agreement", cookie: member},
		{name: "room", url: roomPath, cookie: member},
		{name: "room-running", url: roomPath, cookie: member,
			before: func(ctx context.Context, client *http.Client) error {
				return startMeeting(ctx, client, base, member, roomPath)
			}},
		{name: "profile", url: "/profile", cookie: member},
	}
	// The API's lists: every list operation, for a program or a circle
	// where its path names one; a circle's as its member, the rest as the
	// admin (some are the admin's alone). Those of the caller's own
	// sessions and tokens are left out: they hold one row.
	for _, op := range ops {
		if op.Method != http.MethodGet || !strings.HasPrefix(op.ID, "list-") {
			continue
		}
		path := strings.TrimPrefix(op.Path, api.Prefix)
		who := admin
		switch {
		case strings.HasPrefix(path, "/me/"):
			continue
		case strings.HasPrefix(path, "/circles") || path == "/matches" || path == "/pair-invitations":
			who = member
		}
		path = strings.Replace(path, "/programs/{id}", "/programs/"+t.program.ID, 1)
		path = strings.Replace(path, "/circles/{id}", circlePath, 1)
		if strings.Contains(path, "{") {
			continue
		}
		pages = append(pages, benchPage{name: "api-" + strings.TrimPrefix(op.ID, "list-"), url: api.Prefix + path, cookie: who})
	}
	for i := range pages {
		pages[i].url = base + pages[i].url
	}
	return pages
}

// startMeeting has the member, the meeting's facilitator, start its timer
// through the API, as the room page's button does.
func startMeeting(ctx context.Context, client *http.Client, base, cookie, roomPath string) error {
	var snap struct {
		Snapshot struct {
			Version int64  `json:"version"`
			Phase   string `json:"phase"`
		} `json:"snapshot"`
	}
	if err := callJSON(ctx, client, http.MethodGet, base+api.Prefix+roomPath, cookie, nil, &snap); err != nil {
		return err
	}
	if snap.Snapshot.Phase != "ready" {
		return fmt.Errorf("the meeting is %s, not ready to start", snap.Snapshot.Phase)
	}
	// The demo's meetings are days away: the start is confirmed, as the
	// timekeeper would, and moves the meeting to now.
	cmd := map[string]any{"kind": "start", "version": snap.Snapshot.Version, "confirm": true}
	var after struct {
		Phase string `json:"phase"`
	}
	if err := callJSON(ctx, client, http.MethodPost, base+api.Prefix+roomPath+"/commands", cookie, cmd, &after); err != nil {
		return err
	}
	if after.Phase != "running" {
		return fmt.Errorf("the meeting is %s after starting it", after.Phase)
	}
	return nil
}

func callJSON(ctx context.Context, client *http.Client, method, u, cookie string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %.300s", method, u, res.Status, b)
	}
	return json.Unmarshal(b, out)
}

// drive checks that p answers 200, drives it for the warm-up, then
// measures it with o.conns clients for o.duration, profiling if asked,
// and its CPU time and, when statements (the store's count) is given, its
// statements per request.
func drive(ctx context.Context, client *http.Client, o pagesOptions, p benchPage, engine string, people int, statements func() int64) (measurement, error) {
	var m measurement
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return m, err
	}
	if p.cookie != "" {
		req.Header.Set("Cookie", p.cookie)
	}
	res, err := client.Do(req)
	if err != nil {
		return m, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return m, err
	}
	if res.StatusCode != http.StatusOK {
		return m, fmt.Errorf("%s: GET %s answers %s (%s), not 200: %.300s", p.name, p.url, res.Status, res.Header.Get("Location"), b)
	}
	if o.bodies != "" && p.name != "bare" {
		if err := os.WriteFile(filepath.Join(o.bodies, fmt.Sprintf("%s-%d-%s.body", strings.ToLower(engine), people, p.name)), b, 0o644); err != nil {
			return m, err
		}
	}
	if o.warmup > 0 {
		if _, err := hammer(ctx, client, req, o.conns, o.warmup); err != nil {
			return m, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	if o.profiles != "" && p.name != "bare" {
		f, err := os.Create(filepath.Join(o.profiles, fmt.Sprintf("%s-%d-%s.pprof", strings.ToLower(engine), people, p.name)))
		if err != nil {
			return m, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return m, err
		}
		defer pprof.StopCPUProfile()
	}
	if m, err = hammer(ctx, client, req, o.conns, o.duration); err != nil {
		return m, fmt.Errorf("%s: %w", p.name, err)
	}
	if m.cpu, err = sequentialCPU(ctx, client, req, o.duration); err != nil {
		return m, fmt.Errorf("%s: %w", p.name, err)
	}
	if statements != nil {
		if m.statements, err = statementsPer(ctx, client, req, statements); err != nil {
			return m, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	m.bytes = len(b)
	return m, nil
}

// sequentialCPU sends req from one client, one request at a time, for d
// and returns the process's CPU time per request: the least of five
// windows of d/5, since work that is not the page's (the relay sending
// the demo's mail, a collection of the load's garbage) lands in some.
func sequentialCPU(ctx context.Context, client *http.Client, req *http.Request, d time.Duration) (time.Duration, error) {
	var least time.Duration
	for i := range 5 {
		cpu, err := windowCPU(ctx, client, req, d/5)
		if err != nil {
			return 0, err
		}
		if i == 0 || cpu < least {
			least = cpu
		}
	}
	return least, nil
}

// statementsPer sends req five times, one at a time, and returns the
// fewest statements the store ran for one of them: the relay sending the
// demo's mail runs its own now and then.
func statementsPer(ctx context.Context, client *http.Client, req *http.Request, statements func() int64) (int64, error) {
	var least int64
	for i := range 5 {
		before := statements()
		// A window of no time sends exactly one request.
		if _, err := windowCPU(ctx, client, req, 0); err != nil {
			return 0, err
		}
		if n := statements() - before; i == 0 || n < least {
			least = n
		}
	}
	return least, nil
}

func windowCPU(ctx context.Context, client *http.Client, req *http.Request, d time.Duration) (time.Duration, error) {
	req = req.Clone(ctx)
	n, start, cpu := 0, time.Now(), cpuTime()
	for n == 0 || time.Since(start) < d {
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil {
			return 0, err
		}
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s answered %s", req.URL, res.Status)
		}
		n++
	}
	return (cpuTime() - cpu) / time.Duration(n), nil
}

// hammer sends req from conns clients, each sending the next as soon as
// the last answered, until d has passed; answers in flight then are
// waited for and counted. Every answer must be 200.
func hammer(ctx context.Context, client *http.Client, req *http.Request, conns int, d time.Duration) (measurement, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	latencies := make([][]time.Duration, conns)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			req := req.Clone(ctx) // one request per client, sent again and again
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				res, err := client.Do(req)
				if err != nil {
					cancel(err)
					return
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err != nil {
					cancel(err)
					return
				}
				if res.StatusCode != http.StatusOK {
					cancel(fmt.Errorf("GET %s answered %s", req.URL, res.Status))
					return
				}
				latencies[i] = append(latencies[i], time.Since(t))
			}
		})
	}
	wg.Wait()
	m := measurement{elapsed: time.Since(start)}
	if err := context.Cause(ctx); err != nil {
		return m, err
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	m.requests = len(all)
	if len(all) > 0 {
		m.p50, m.p99 = all[len(all)/2], all[min(len(all)-1, len(all)*99/100)]
	}
	return m, nil
}

// printPages prints one database's table and returns how many targets its
// pages met and missed.
func printPages(w io.Writer, engine string, small, large *orgPages) (met, missed int) {
	fmt.Fprintf(w, "\n## %s\n\n", engine)
	fmt.Fprintf(w, "Loaded Northwind (%d people) in %s, and the large organisation (%s people, %s circles in the round reviewed) in %s.\n",
		small.people, small.loaded.Round(10*time.Millisecond), count(large.people), count(large.circles), large.loaded.Round(100*time.Millisecond))
	fmt.Fprintf(w, "Members measured: %s at %d, %s at %s.\n\n", small.member, small.people, large.member, count(large.people))
	fmt.Fprintln(w, "| page | people | req/s | p50 | p99 | × bare | cost ratio | CPU µs/req | CPU ratio | statements | body | targets |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, org := range []*orgPages{small, large} {
		fmt.Fprintf(w, "| bare net/http handler | %s | %s | %s | %s | 1.00 | | %s | | | %s | |\n",
			count(org.people), count(int(org.bare.rps())), ms(org.bare.p50), ms(org.bare.p99), us(org.bare.cpu), size(org.bare.bytes))
	}
	for _, sp := range small.pages {
		i := slices.IndexFunc(large.pages, func(lp pageResult) bool { return lp.name == sp.name })
		if i < 0 {
			continue
		}
		lp := large.pages[i]
		for _, row := range []struct {
			org *orgPages
			m   measurement
		}{{small, sp.measurement}, {large, lp.measurement}} {
			share := row.m.rps() / row.org.bare.rps()
			want := shareTarget
			if slices.Contains(keyPages, sp.name) {
				want = keyTarget
			}
			var marks []string
			ratio, cpuRatio := "", ""
			if row.org == large {
				r := sp.rps() / lp.rps()
				ratio = fmt.Sprintf("%.2f", r)
				if sp.cpu > 0 {
					cpuRatio = fmt.Sprintf("%.2f", float64(lp.cpu)/float64(sp.cpu))
				}
				marks = append(marks, "scale "+mark(r <= scaleTarget))
			}
			marks = append(marks, "share "+mark(share >= want), "p99 "+mark(row.m.p99 <= p99Target))
			for _, m := range marks {
				if strings.HasSuffix(m, "✓") {
					met++
				} else {
					missed++
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.3f | %s | %s | %s | %d | %s | %s |\n", sp.name, count(row.org.people), count(int(row.m.rps())),
				ms(row.m.p50), ms(row.m.p99), share, ratio, us(row.m.cpu), cpuRatio, row.m.statements, size(row.m.bytes), strings.Join(marks, " "))
		}
	}
	return met, missed
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// count writes n with thousands separated by commas.
func count(n int) string { return humanize.Comma(int64(n)) }

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func us(d time.Duration) string {
	return count(int(d / time.Microsecond))
}

func size(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}
