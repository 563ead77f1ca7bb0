package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/config"
	"github.com/holdspace/holdspace/internal/demo"
	journaldomain "github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/service/pulses"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/web"
)

// loadConfig reads the settings and turns a malformed one into a usage
// error that names it.
func loadConfig(name string, args []string, getenv func(string) string, stdout io.Writer) (*config.Config, error) {
	cfg, err := config.Load(name, args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil, err
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("configuration: %w", err)}
	}
	return cfg, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore connects and applies every migration, Holdspace's and the job
// queue's.
func openStore(ctx context.Context, cfg *config.Config, opts ...store.Option) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, opts...)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := queue.Migrate(ctx, db.Engine(), db.WriteDB()); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	return db, nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, getenv, stdout)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "Migrations applied (%s).\n", db.Engine())
	return nil
}

// app is Holdspace wired together, before anything in it runs: the store,
// the services, the job queue, the live relay and the HTTP handler with
// the JSON API inside. serve starts it and listens; bench pages drives
// the same handler.
type app struct {
	db      *store.DB
	svc     *service.Services
	hub     *live.Hub
	relay   *live.Relay
	queue   *queue.Queue
	api     *api.API
	handler http.Handler
	// metrics serves /metrics alone, for a separate metrics address.
	metrics http.Handler
}

// newApp opens the store and builds everything on it; mail goes to
// mailLog unless cfg names an SMTP server. The caller closes a.db.
func newApp(ctx context.Context, cfg *config.Config, logger *slog.Logger, mailLog io.Writer) (a *app, err error) {
	// The store puts jobs (mail, reminders) in the queue inside its own
	// transactions, and the queue's workers need the store's connection
	// and the services built on the store. The inserting side of the
	// queue needs no connection of its own, so it comes first and the
	// store opens with it; the working side comes after the services.
	engine, err := store.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return nil, usageError{fmt.Errorf("configuration: HOLDSPACE_DATABASE_URL: %w", err)}
	}
	jobs, err := queue.NewInserter(engine)
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, cfg, store.WithOutbox(jobs), store.WithScheduler(jobs))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()

	var sender mail.Sender = mail.NewLog(mailLog)
	if cfg.SMTPURL != "" {
		if sender, err = mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return nil, usageError{fmt.Errorf("configuration: HOLDSPACE_SMTP_URL: %w", err)}
		}
	} else {
		logger.Info("HOLDSPACE_SMTP_URL is unset: emails are written to the log instead of being sent")
	}
	// The circles service works the circle jobs (reminders, the hourly
	// upkeep), so the services exist before the queue that runs them.
	keys, err := openKeys(cfg, db.Engine(), logger)
	if err != nil {
		return nil, err
	}
	// Meeting rooms: one hub per process feeds the open pages; the broker
	// carries "room changed" to every instance (LISTEN/NOTIFY on
	// PostgreSQL), and the relay reads each changed room once per instance.
	hub := live.NewHub()
	var broker live.Broker = live.NewLocal()
	if db.Engine() == store.Postgres {
		if broker, err = live.NewPostgres(live.PostgresConfig{DB: db.WriteDB(), URL: cfg.DatabaseURL, Logger: logger}); err != nil {
			return nil, err
		}
	}
	svc := service.New(service.Config{DB: db, BaseURL: cfg.BaseURL, Logger: logger, Limiter: accounts.NewLimiter(6*time.Second, 10),
		Live: broker, Keys: keys})
	relay := live.NewRelay(hub, broker, web.RoomEvents(svc.Meetings), logger)
	workers := river.NewWorkers()
	if err := svc.Circles.Workers(workers); err != nil {
		return nil, err
	}
	upkeep := river.NewPeriodicJob(river.PeriodicInterval(circles.UpkeepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return circles.UpkeepJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
	// The weekly digest looks every hour for the people whose Monday
	// morning it is; each person's week is claimed once, by its row.
	digest := river.NewPeriodicJob(river.PeriodicInterval(circles.DigestEvery),
		func() (river.JobArgs, *river.InsertOpts) { return circles.DigestJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
	if err := svc.Programs.Workers(workers); err != nil {
		return nil, err
	}
	programUpkeep := river.NewPeriodicJob(river.PeriodicInterval(programs.UpkeepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return programs.UpkeepJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
	if err := svc.Pulses.Workers(workers); err != nil {
		return nil, err
	}
	pulseUpkeep := river.NewPeriodicJob(river.PeriodicInterval(pulses.UpkeepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return pulses.UpkeepJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
	q, err := queue.New(queue.Config{Engine: db.Engine(), DB: db.WriteDB(), PostgresURL: cfg.DatabaseURL, Sender: sender, Logger: logger,
		JobWorkers: workers, PeriodicJobs: []*river.PeriodicJob{upkeep, programUpkeep, pulseUpkeep, digest}})
	if err != nil {
		return nil, err
	}
	jsonAPI := api.New(api.Deps{Services: svc, Logger: logger, Secure: cfg.Secure(), CookieName: auth.CookieName(cfg.Secure()),
		ClientIP: web.ClientIP(cfg.TrustProxy), Hub: hub})
	srv, err := web.NewServer(web.Deps{
		DB: db, Services: svc, Logger: logger, Secure: cfg.Secure(), TrustProxy: cfg.TrustProxy, Registry: prometheus.NewRegistry(),
		MetricsToken: cfg.MetricsToken, Version: version, Hub: hub, API: jsonAPI,
	})
	if err != nil {
		return nil, err
	}
	return &app{db: db, svc: svc, hub: hub, relay: relay, queue: q, api: jsonAPI, handler: srv, metrics: srv.Metrics()}, nil
}

// runRelay feeds the open room pages until the returned stop is called.
func (a *app) runRelay(ctx context.Context, logger *slog.Logger) (stop func()) {
	relayCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.relay.Run(relayCtx); err != nil {
			logger.Error("live relay stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// loadDemo loads the demo organisation, at the size cfg asks for.
func loadDemo(ctx context.Context, cfg *config.Config, db *store.DB, logger *slog.Logger) (*demo.Result, error) {
	if cfg.DemoSize > 0 {
		return demo.LoadLarge(ctx, db, demo.Large{People: cfg.DemoSize, Logger: logger})
	}
	return demo.Load(ctx, db)
}

// loadDemoJournal writes the demo's journal entries through the journal
// service, which alone can seal them, each dated by a store whose clock
// stands at its day. A person who has written anything keeps their
// journal as it is.
func loadDemoJournal(ctx context.Context, db *store.DB, keys *seal.Ring) error {
	now := db.Now()
	written := map[string]bool{}
	for _, e := range demo.Journal {
		u, err := db.FindUserByEmail(ctx, e.Person+"@northwind.example")
		if err != nil {
			return err
		}
		if _, seen := written[u.ID]; !seen {
			had, err := db.FindJournalEntries(ctx, u.OrgID, u.ID)
			if err != nil {
				return err
			}
			written[u.ID] = len(had) > 0
		}
		if written[u.ID] {
			continue
		}
		at := now.AddDate(0, 0, -e.DaysAgo).Truncate(time.Hour).Add(-3 * time.Hour)
		j := &journal.Service{DB: db.WithClock(func() time.Time { return at }), Keys: keys}
		if _, err := j.Write(ctx, u, e.Prompt, e.Body); err != nil {
			return err
		}
	}
	return loadDemoSelfAware(ctx, db, keys)
}

// loadDemoSelfAware writes Maya's self-assessments and her helping notes
// on her circle's meetings through the journal service, each dated by a
// store whose clock stands at its day. Someone who has any keeps theirs.
func loadDemoSelfAware(ctx context.Context, db *store.DB, keys *seal.Ring) error {
	now := db.Now()
	assessed := map[string]bool{}
	for _, a := range demo.Assessments {
		u, err := db.FindUserByEmail(ctx, a.Person+"@northwind.example")
		if err != nil {
			return err
		}
		if _, seen := assessed[u.ID]; !seen {
			had, err := db.FindSelfAssessments(ctx, u.OrgID, u.ID)
			if err != nil {
				return err
			}
			assessed[u.ID] = len(had) > 0
		}
		if assessed[u.ID] {
			continue
		}
		var ratings []journaldomain.Rating
		for key, r := range a.Ratings {
			ratings = append(ratings, journaldomain.Rating{Capability: key, Pick: journaldomain.Pick(r.Pick), Score: r.Score})
		}
		at := now.AddDate(0, 0, -a.DaysAgo).Truncate(time.Hour).Add(-5 * time.Hour)
		j := &journal.Service{DB: db.WithClock(func() time.Time { return at }), Keys: keys}
		if _, err := j.Assess(ctx, u, ratings, a.Note); err != nil {
			return fmt.Errorf("demo self-assessment: %w", err)
		}
	}

	maya, err := db.FindUserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		return err
	}
	if had, err := db.FindHelpingNotes(ctx, maya.OrgID, maya.ID, ""); err != nil || len(had) > 0 {
		return err
	}
	notes, err := demo.Helping(ctx, db, maya)
	if err != nil {
		return err
	}
	for _, n := range notes {
		at := n.At.Add(2 * time.Hour)
		j := &journal.Service{DB: db.WithClock(func() time.Time { return at }), Keys: keys}
		note := journaldomain.HelpNote{MeetingID: n.MeetingID, PresenterID: n.PresenterID, Took: journaldomain.Role(n.Took)}
		for _, h := range n.Helped {
			note.Helped = append(note.Helped, journaldomain.Role(h))
		}
		if err := j.SaveHelpNote(ctx, maya, note); err != nil {
			return fmt.Errorf("demo helping note: %w", err)
		}
	}
	return nil
}

// demoGuest is the colleague Nina invited to observe her circle's next
// meeting, who accepted: the invitation email, with its personal link,
// needs the server's base URL, so it is sent through the meetings
// service once the demo is loaded.
const demoGuest = "ahmed@northwind.example"

// loadDemoGuest has Nina invite demoGuest to observe the lived-in
// circle's next meeting, and the guest accept, unless a guest is invited
// already.
func loadDemoGuest(ctx context.Context, db *store.DB, svc *service.Services) error {
	nina, err := db.FindUserByEmail(ctx, "nina@northwind.example")
	if err != nil {
		return err
	}
	guest, err := db.FindUserByEmail(ctx, demoGuest)
	if err != nil {
		return err
	}
	cs, err := svc.Circles.MyCircles(ctx, nina)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Next == nil || c.Circle.Member(guest.ID) != nil {
			continue
		}
		had, err := db.FindGuests(ctx, nina.OrgID, c.Next.ID)
		if err != nil || len(had) > 0 {
			return err
		}
		g, err := svc.Meetings.InviteGuest(ctx, nina, c.Circle.ID, c.Next.ID, guest.ID)
		if err != nil {
			return err
		}
		return db.AcceptGuest(ctx, nina.OrgID, g.ID)
	}
	return nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("serve", args, getenv, stdout)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	a, err := newApp(ctx, cfg, logger, stderr)
	if err != nil {
		return err
	}
	defer a.db.Close()
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := a.queue.Stop(stopCtx); err != nil {
			logger.Warn("stop job queue", "err", err)
		}
	}()

	// The demo dates its history back by moving the store's clock, so it
	// loads before anything that reads the clock starts: the jobs it
	// schedules wait in the queue until then.
	var loaded *demo.Result
	if cfg.Demo {
		if loaded, err = loadDemo(ctx, cfg, a.db, logger); err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		if err := loadDemoJournal(ctx, a.db, a.svc.Journal.Keys); err != nil {
			return fmt.Errorf("load demo journal: %w", err)
		}
		if err := loadDemoGuest(ctx, a.db, a.svc); err != nil {
			return fmt.Errorf("load demo guest: %w", err)
		}
		if err := a.db.Optimize(ctx); err != nil {
			return err
		}
	}
	if err := a.queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	defer a.runRelay(ctx, logger)()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("holdspace is listening", "addr", ln.Addr().String(), "database", a.db.Engine(), "version", version)
	if msg := baseURLMismatch(cfg, ln.Addr()); msg != "" {
		logger.Warn(msg, "base_url", cfg.BaseURL.String(), "addr", ln.Addr().String())
	}
	if cfg.MetricsAddr != "" {
		stop, err := serveMetrics(cfg, a.metrics, logger)
		if err != nil {
			return err
		}
		defer stop()
	} else if cfg.MetricsToken == "" {
		logger.Info("/metrics is off: set HOLDSPACE_METRICS_TOKEN (-metrics-token) or HOLDSPACE_METRICS_ADDR (-metrics-addr) to serve it")
	}
	fmt.Fprintf(stdout, "Holdspace is running at %s\n", localURL(cfg, ln.Addr()))
	if loaded != nil {
		if loaded.Created {
			fmt.Fprintf(stdout, "Loaded the demo organisation %q with %d people.\n", loaded.Org.Name, loaded.People)
		} else {
			fmt.Fprintf(stdout, "The demo organisation %q is already loaded.\n", loaded.Org.Name)
		}
		fmt.Fprintf(stdout, "Sign in as the demo admin: %s / %s\n(every demo person shares that password, e.g. priya@northwind.example)\n", demo.AdminEmail, demo.Password)
	}

	// Expired sessions and links are swept hourly; every instance may do
	// it, since deleting what is already gone is harmless.
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		sweep(sweepCtx, a.db, logger, time.Hour)
	}()
	defer func() { stopSweep(); <-swept }()

	// Open room streams never end by themselves: closing the hub ends them
	// when shutdown begins, and their pages reconnect to another instance
	// or to this one when it is back.
	hs.RegisterOnShutdown(a.hub.Close)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// localURL is the address to print: the base URL when it was set, else
// the address actually bound (so that :0 in tests prints the real port).
func localURL(cfg *config.Config, addr net.Addr) string {
	if cfg.BaseURL.String() != "http://localhost:8080" {
		return cfg.BaseURL.String()
	}
	if ta, ok := addr.(*net.TCPAddr); ok {
		return fmt.Sprintf("http://localhost:%d", ta.Port)
	}
	return cfg.BaseURL.String()
}

// baseURLMismatch says why emailed links would not reach this instance,
// or "" when they would as far as can be told: when the base URL names
// this machine (localhost, a loopback address) on another port than the
// one bound. A public base URL on another port is normal behind a proxy.
func baseURLMismatch(cfg *config.Config, addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return ""
	}
	host := cfg.BaseURL.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return ""
	}
	port := cfg.BaseURL.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[cfg.BaseURL.Scheme]
	}
	if port == strconv.Itoa(ta.Port) {
		return ""
	}
	return fmt.Sprintf("emailed links point at %s, but Holdspace listens on %s: set -base-url (HOLDSPACE_BASE_URL) to the address people open, e.g. http://localhost:%d",
		cfg.BaseURL, addr, ta.Port)
}

// serveMetrics serves /metrics alone on cfg.MetricsAddr until the
// returned stop is called.
func serveMetrics(cfg *config.Config, h http.Handler, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", cfg.MetricsAddr, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "err", err)
		}
	}()
	logger.Info("/metrics is served on its own address", "metrics_addr", ln.Addr().String(), "token", cfg.MetricsToken != "")
	return func() { _ = hs.Close(); <-done }, nil
}

// sweep deletes expired sessions and links every interval until ctx ends.
func sweep(ctx context.Context, db *store.DB, logger *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := db.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("sweep expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openKeys returns the server keys that seal private reflections and wrap
// journal keys: the configured key (with the previous one during a
// rotation), or with SQLite a key kept in a file next to the database.
// PostgreSQL needs the key configured, since every instance must share it.
func openKeys(cfg *config.Config, engine string, logger *slog.Logger) (*seal.Ring, error) {
	key := cfg.SecretKey
	if key == nil {
		if engine != store.SQLite {
			return nil, usageError{errors.New("configuration: HOLDSPACE_SECRET_KEY is required with PostgreSQL (openssl rand -base64 32), and every instance must share it")}
		}
		path, _, _ := strings.Cut(strings.TrimPrefix(cfg.DatabaseURL, "sqlite:"), "?")
		path += ".key"
		var created bool
		var err error
		if key, created, err = seal.LoadOrCreateKeyFile(path); err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		if created {
			logger.Info("created a secret key for private reflections and journals; back it up with the database", "path", path)
		}
	}
	ring, err := seal.NewRing(key, cfg.PreviousSecretKey)
	if err != nil {
		return nil, usageError{fmt.Errorf("configuration: %w", err)}
	}
	return ring, nil
}
