// Package queue runs Holdspace's durable background jobs (sending email
// first; reminders and webhooks later) on River, in the app's own database,
// SQLite or PostgreSQL.
//
// Jobs are rows in the database, inserted in the same transaction as the
// change that causes them: an invitation's email exists if and only if the
// invitation does. Each job is worked once even with several app instances
// on one PostgreSQL database, and a job that fails (a mail server that is
// down) is retried with backoff, so mail is delayed, not lost.
package queue

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/holdspace/holdspace/internal/mail"
)

// Engines the queue runs on, as in Config.Engine.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// defaultWorkers is how many jobs one instance works at once unless
// Config.Workers says otherwise.
const defaultWorkers = 4

// A job picked up by a process that was then killed stays "running" until
// River's rescuer, which looks every 30 seconds, finds it running for
// longer than rescueAfter and schedules it again. Every job's context ends
// after jobTimeout (a kind may ask for less), before rescueAfter, so a job
// still at work is never rescued: abandoned mail goes out again within a
// minute of the kill, not an hour.
const (
	jobTimeout  = 20 * time.Second
	rescueAfter = 25 * time.Second
)

// Config is what New needs.
type Config struct {
	// Engine is EngineSQLite or EnginePostgres.
	Engine string
	// DB is the app's database. On SQLite it is the single write connection
	// (SetMaxOpenConns(1)), which River requires to avoid SQLITE_BUSY; on
	// PostgreSQL a database/sql pool opened with pgx's stdlib driver.
	DB *sql.DB
	// PostgresURL is the URL DB was opened with. On PostgreSQL the queue
	// opens one more connection from it to LISTEN for new jobs, so they are
	// worked at once rather than at the next poll.
	PostgresURL string

	// Sender delivers the email of send_mail jobs.
	Sender mail.Sender
	// Logger receives job failures (warn while retrying, error when given
	// up) and River's own warnings. Nil discards them.
	Logger *slog.Logger

	// Workers is how many jobs this instance works at once; 0 means 4.
	Workers int
	// JobWorkers holds the workers of job kinds other than send_mail,
	// registered by their packages with river.AddWorker. New adds the mail
	// worker to it, so one bundle serves one Queue. Nil means mail only.
	JobWorkers *river.Workers

	// PeriodicJobs run on a schedule, on one instance at a time (River's
	// elected leader), such as the hourly upkeep of circles.
	PeriodicJobs []*river.PeriodicJob

	// FetchPollInterval is how often to look for jobs without a
	// notification; 0 means River's default of 1s. Tests shorten it.
	FetchPollInterval time.Duration
	// RetryDelay, when set, replaces the backoff between attempts of a
	// failed job with this fixed delay. Tests shorten it.
	RetryDelay time.Duration
}

// Queue inserts and works jobs. Insert with SendMailTx in the transaction
// that causes the email; Start working jobs when the app starts and Stop
// when it ends.
type Queue struct {
	Inserter
	listenerPool *pgxpool.Pool // nil on SQLite
}

// Inserter inserts and cancels jobs inside the app's transactions, and
// does nothing else: it holds no connection of its own (River's
// insert-only client, on a driver without a pool), so it can exist before
// the database is opened. The store takes one as its outbox and scheduler
// when it opens, which breaks the circle that the workers would otherwise
// make: they need the store's connection and the services, and the store
// needs somewhere to put jobs. A Queue is also an Inserter.
type Inserter struct {
	client *river.Client[*sql.Tx]
}

// NewInserter returns an Inserter for engine (EngineSQLite or
// EnginePostgres). The jobs it inserts are worked by a Queue on the same
// database.
func NewInserter(engine string) (*Inserter, error) {
	driver, err := newDriver(engine, nil, nil)
	if err != nil {
		return nil, err
	}
	// No Queues and no Workers: River makes an insert-only client, which
	// needs no pool as long as only the ...Tx methods are used.
	client, err := river.NewClient(driver, &river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("queue: inserter: %w", err)
	}
	return &Inserter{client: client}, nil
}

// New returns a Queue that can insert jobs at once and works them after
// Start. Call Stop to release it, even if Start was never called.
func New(cfg Config) (*Queue, error) {
	if cfg.DB == nil {
		return nil, errors.New("queue: no database")
	}
	if cfg.Sender == nil {
		return nil, errors.New("queue: no mail sender")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	workers := cfg.JobWorkers
	if workers == nil {
		workers = river.NewWorkers()
	}
	mw := &mailWorker{sender: cfg.Sender, logger: logger, retryDelay: cfg.RetryDelay, db: cfg.DB}
	if err := river.AddWorkerSafely(workers, mw); err != nil {
		return nil, fmt.Errorf("queue: add mail worker: %w", err)
	}

	var listenerPool *pgxpool.Pool
	if cfg.Engine == EnginePostgres {
		if cfg.PostgresURL == "" {
			return nil, errors.New("queue: PostgreSQL needs PostgresURL for its listener connection")
		}
		poolCfg, err := pgxpool.ParseConfig(cfg.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("queue: listener pool: %w", err)
		}
		// River takes one connection for LISTEN and keeps it.
		poolCfg.MinConns, poolCfg.MaxConns = 0, 1
		if listenerPool, err = pgxpool.NewWithConfig(context.Background(), poolCfg); err != nil {
			return nil, fmt.Errorf("queue: listener pool: %w", err)
		}
	}
	driver, err := newDriver(cfg.Engine, cfg.DB, listenerPool)
	if err != nil {
		return nil, err
	}

	riverCfg := &river.Config{
		ErrorHandler: &failureLogger{logger: logger},
		Logger:       slog.New(&minLevelHandler{Handler: logger.Handler(), min: slog.LevelWarn}),
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(cfg.Workers, defaultWorkers)},
		},
		Workers:              workers,
		PeriodicJobs:         cfg.PeriodicJobs,
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: rescueAfter,
		// A sent email's job holds its sign-in or reset link; keep it no
		// longer than is useful for looking into a problem.
		CompletedJobRetentionPeriod: time.Hour,
	}
	if cfg.FetchPollInterval > 0 {
		riverCfg.FetchPollInterval = cfg.FetchPollInterval
		riverCfg.FetchCooldown = min(river.FetchCooldownDefault, cfg.FetchPollInterval)
	}
	if cfg.RetryDelay > 0 {
		riverCfg.RetryPolicy = fixedRetry(cfg.RetryDelay)
	}
	client, err := river.NewClient(driver, riverCfg)
	if err != nil {
		if listenerPool != nil {
			listenerPool.Close()
		}
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &Queue{Inserter: Inserter{client: client}, listenerPool: listenerPool}, nil
}

// newDriver is the one place where the engines differ. Both drivers work
// on *sql.Tx, so jobs can be inserted in the app's transactions on either.
// A nil db gives a driver for inserting in transactions only.
func newDriver(engine string, db *sql.DB, listenerPool *pgxpool.Pool) (riverdriver.Driver[*sql.Tx], error) {
	switch engine {
	case EngineSQLite:
		return riversqlite.New(db), nil
	case EnginePostgres:
		if listenerPool == nil {
			return riverdatabasesql.New(db), nil
		}
		return riverdatabasesql.NewWithPgxListener(db, listenerPool), nil
	default:
		return nil, fmt.Errorf("queue: unknown engine %q (want %s or %s)", engine, EngineSQLite, EnginePostgres)
	}
}

// Migrate creates or updates River's tables in db. It is safe to run on
// every start: migrations already applied are skipped.
func Migrate(ctx context.Context, engine string, db *sql.DB) error {
	driver, err := newDriver(engine, db, nil)
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("queue: migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	return nil
}

// Start starts working jobs in the background. Cancelling ctx does not stop
// the queue: Stop does, so that running jobs can finish.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("queue: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish. If ctx
// ends first, it cancels them (they are retried later, here or by another
// instance) and returns ctx's error.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = q.client.StopAndCancel(hardCtx)
	}
	if q.listenerPool != nil {
		q.listenerPool.Close()
	}
	if err != nil {
		return fmt.Errorf("queue: stop: %w", err)
	}
	return nil
}

// SendMailTx queues m in tx: it is sent after tx commits, and never if tx
// rolls back. An invalid message is refused here rather than failing later.
func (q *Inserter) SendMailTx(ctx context.Context, tx *sql.Tx, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return q.EnqueueTx(ctx, tx, MailJob{Message: m})
}

// EnqueueTx inserts job in tx, as the store's outbox: a job that can
// validate itself (a MailJob) is refused here when it is invalid, rather
// than failing later.
func (q *Inserter) EnqueueTx(ctx context.Context, tx *sql.Tx, job interface{ Kind() string }) error {
	if v, ok := job.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("queue: %w", err)
		}
	}
	return q.InsertTx(ctx, tx, job)
}

// SendMail queues m on its own, for email that does not go with a change
// to the database.
func (q *Queue) SendMail(ctx context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if _, err := q.client.Insert(ctx, MailJob{Message: m}, nil); err != nil {
		return fmt.Errorf("queue: insert %s job: %w", MailJob{}.Kind(), err)
	}
	return nil
}

// InsertTx inserts a job of any registered kind in tx, for the packages
// that add workers through Config.JobWorkers.
func (q *Inserter) InsertTx(ctx context.Context, tx *sql.Tx, args interface{ Kind() string }) error {
	if _, err := q.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("queue: insert %s job: %w", args.Kind(), err)
	}
	return nil
}

// ScheduleTx inserts a job in tx to run at at, and returns its id so that
// it can be cancelled when the plan changes.
// args is any job's arguments; it is spelt as the bare interface so that
// packages can call this without importing River.
func (q *Inserter) ScheduleTx(ctx context.Context, tx *sql.Tx, args interface{ Kind() string }, at time.Time) (int64, error) {
	res, err := q.client.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at})
	if err != nil {
		return 0, fmt.Errorf("queue: schedule %s job: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// CancelJobTx cancels a job in tx. A job that already ran, or is running,
// is left alone: its worker checks whether its work is still wanted.
func (q *Inserter) CancelJobTx(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := q.client.JobCancelTx(ctx, tx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("queue: cancel job %d: %w", id, err)
	}
	return nil
}

// failureLogger logs every failed attempt of every job: at warn while it
// will be retried, at error when it will not.
type failureLogger struct {
	logger *slog.Logger
}

func (f *failureLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	// River does not call this for jobs that cancel themselves; their
	// workers log why.
	level, msg := slog.LevelWarn, "job failed, will retry"
	if job.Attempt >= job.MaxAttempts {
		level, msg = slog.LevelError, "job failed, giving up"
	}
	f.logger.Log(ctx, level, msg,
		slog.String("job_kind", job.Kind),
		slog.Int64("job_id", job.ID),
		slog.Int("attempt", job.Attempt),
		slog.Int("max_attempts", job.MaxAttempts),
		slog.String("error", err.Error()),
	)
	return nil
}

func (f *failureLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	f.logger.ErrorContext(ctx, "job panicked",
		slog.String("job_kind", job.Kind),
		slog.Int64("job_id", job.ID),
		slog.Int("attempt", job.Attempt),
		slog.Int("max_attempts", job.MaxAttempts),
		slog.String("panic", fmt.Sprint(panicVal)),
		slog.String("trace", trace),
	)
	return nil
}

// fixedRetry is a retry policy with one delay for every attempt.
type fixedRetry time.Duration

func (d fixedRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(d))
}

// minLevelHandler drops records below min: River reports every job's
// progress at info, which Holdspace's own failure logging already covers.
type minLevelHandler struct {
	slog.Handler
	min slog.Level
}

func (h *minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.Handler.Enabled(ctx, level)
}

func (h *minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &minLevelHandler{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h *minLevelHandler) WithGroup(name string) slog.Handler {
	return &minLevelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}
