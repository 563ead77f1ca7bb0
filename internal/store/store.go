// Package store keeps Holdspace's data in SQLite or PostgreSQL. All SQL lives
// here. Every table that holds organisation data carries org_id and every
// query filters on it, so tenancy is enforced in one place. Public methods own
// their transaction; lowercase helpers take a *Tx.
//
// The store applies; it does not decide. Services load state, ask the
// domain packages what should change, and hand the result to one store
// method that writes it in one transaction, together with the jobs the
// change causes. Jobs are opaque here (see Job): the store neither builds
// email nor imports the mail package; it enqueues what it is given through
// the Outbox and Scheduler that Open is configured with.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Sentinel errors that every engine's driver errors are mapped to. They
// carry no message: each transport says what its table says for the kind.
var (
	ErrNotFound = &fault.Error{Kind: fault.NotFound}
	ErrConflict = &fault.Error{Kind: fault.Conflict}
)

//go:embed migrations
var migrations embed.FS

// Job is a background job the store enqueues or schedules with a change:
// an email to send, a reminder to send later. The store does not look
// inside: services build jobs (the queue's mail job from a message) and
// hand them over, so the store knows neither mail nor the queue. Kind
// names the job's worker; it matches River's JobArgs.
type Job = interface{ Kind() string }

// Outbox enqueues jobs inside a store transaction, so that an email is
// sent if and only if the change that caused it commits.
type Outbox interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, job Job) error
}

// DB is Holdspace's database on either engine.
type DB struct {
	// write takes every write. On SQLite it is a single connection, which
	// serialises writers without SQLITE_BUSY; on PostgreSQL it is the pool.
	write *sql.DB
	// read serves queries; on PostgreSQL it is the same pool as write.
	read *sql.DB
	d    dialect
	// reads and writes keep the statements prepared on read and write;
	// on PostgreSQL, whose pools are one, they are one cache.
	reads, writes *stmtCache
	// trace, when set, sees every query the store runs, with its
	// arguments: the query plan test collects them through it.
	trace func(q string, args []any)
	// statements counts every statement the store runs, reads and writes,
	// on every handle of the database (WithClock): the page benchmark
	// reports it per request, the work a page asks of the database.
	statements *atomic.Int64

	// now is the clock every transaction reads once, at its start.
	now func() time.Time
	// outbox sends the emails that store methods enqueue; methods that
	// send mail fail without one.
	outbox Outbox
	// jobs schedules and cancels the jobs that store methods plan, such as
	// meeting reminders; methods that plan jobs fail without one.
	jobs Scheduler
}

// Option configures a DB in Open.
type Option func(*DB)

// WithClock makes now the store's clock; tests pass one they move.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithOutbox sets where the emails that store methods enqueue go.
func WithOutbox(o Outbox) Option { return func(db *DB) { db.outbox = o } }

// WithScheduler sets where the jobs that store methods plan go.
func WithScheduler(s Scheduler) Option { return func(db *DB) { db.jobs = s } }

// Now is the store's clock, in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }

// WithClock returns a handle on the same database and connections that
// reads the clock now instead: the demo writes its history through one
// whose clock it moves back. Close only the original handle.
func (db *DB) WithClock(now func() time.Time) *DB {
	c := *db
	c.now = now
	return &c
}

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// ParseURL checks a database URL and returns its engine: postgres:// or
// postgresql:// for PostgreSQL, sqlite:PATH (or sqlite://PATH) for SQLite.
func ParseURL(raw string) (engine string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("not a URL: %w", err)
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		// A server on the same machine is reached through its socket
		// directory, named by the host parameter as libpq names it.
		if u.Host == "" && u.Query().Get("host") == "" {
			return "", errors.New("a postgres URL needs a host, as in postgres://user@host:5432/db, " +
				"or a socket directory, as in postgres://user@/db?host=/var/run/postgresql")
		}
		return Postgres, nil
	case "sqlite":
		if sqlitePath(raw) == "" {
			return "", errors.New("a sqlite URL needs a file path, as in sqlite:./holdspace.db")
		}
		return SQLite, nil
	default:
		return "", fmt.Errorf("unknown scheme %q: use sqlite:PATH or postgres://…", u.Scheme)
	}
}

func sqlitePath(raw string) string {
	p := strings.TrimPrefix(raw, "sqlite:")
	p = strings.TrimPrefix(p, "//")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// Open connects to the database that rawURL names, configured by opts. It
// does not migrate.
func Open(ctx context.Context, rawURL string, opts ...Option) (*DB, error) {
	engine, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db := &DB{now: time.Now, statements: new(atomic.Int64)}
	for _, o := range opts {
		o(db)
	}
	switch engine {
	case SQLite:
		db.d = sqliteDialect{}
		db.write, db.read, err = openSQLite(sqlitePath(rawURL))
	case Postgres:
		db.d = postgresDialect{}
		db.write, err = openPostgres(rawURL)
		db.read = db.write
	}
	if err != nil {
		return nil, err
	}
	db.writes = newStmtCache(db.write, db.d)
	db.reads = db.writes
	if db.read != db.write {
		db.reads = newStmtCache(db.read, db.d)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", engine, err)
	}
	return db, nil
}

// Close closes every prepared statement and connection.
func (db *DB) Close() error {
	err := db.writes.close()
	if db.reads != db.writes {
		err = errors.Join(err, db.reads.close())
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Engine returns SQLite or Postgres.
func (db *DB) Engine() string { return db.d.name() }

// WriteDB is the pool that writes go through; the job queue shares it so
// that jobs can be enqueued in the store's transactions.
func (db *DB) WriteDB() *sql.DB { return db.write }

// ReadDB is the pool for queries; metrics report on it.
func (db *DB) ReadDB() *sql.DB { return db.read }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name())
	if err != nil {
		return nil, err
	}
	if db.d.name() == Postgres {
		// Instances starting together take turns: the lock makes every
		// migration run once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		return goose.NewProvider(goose.DialectPostgres, db.write, sub, goose.WithSessionLocker(locker),
			goose.WithGoMigrations(db.goMigrations()...))
	}
	return goose.NewProvider(goose.DialectSQLite3, db.write, sub, goose.WithGoMigrations(db.goMigrations()...))
}

// goMigrations are the migrations SQL alone cannot write.
func (db *DB) goMigrations() []*goose.Migration {
	return []*goose.Migration{
		// Version 9 made the people search index; this fills it for the
		// people already here, with the terms only Go computes.
		goose.NewGoMigration(10, &goose.GoFunc{RunTx: func(ctx context.Context, stx *sql.Tx) error {
			return indexEveryone(ctx, &Tx{Tx: stx, d: db.d})
		}}, nil),
		// Names with an apostrophe gained a term kept whole (O'Connor,
		// "oconnor"): everyone is indexed again.
		goose.NewGoMigration(56, &goose.GoFunc{RunTx: func(ctx context.Context, stx *sql.Tx) error {
			return indexEveryone(ctx, &Tx{Tx: stx, d: db.d})
		}}, nil),
	}
}

// Migrate applies every pending migration, each in its own transaction.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if db.d.name() != SQLite {
		// PostgreSQL's autovacuum analyses what a migration changed.
		return nil
	}
	return db.Optimize(ctx)
}

// Optimize refreshes the statistics that SQLite's query planner chooses
// indexes by, for the tables whose contents changed enough since the last
// time (PRAGMA optimize): without them SQLite may read a whole
// organisation through its org_id index where a narrower index would do.
// Connections pick the new statistics up before their next query.
// On PostgreSQL it runs VACUUM (ANALYZE): autovacuum would refresh the
// statistics and the visibility of pages in time, but until it does, a
// large load leaves the planner guessing from an empty table, and a page
// that reads a few rows by an index can read every row instead. The
// vacuum matters as much as the statistics: until a table's pages are
// marked all-visible, an index-only scan costs the planner a visit to
// each row, and a check such as "has this program a running circle"
// read every circle of the organisation rather than one index entry.
func (db *DB) Optimize(ctx context.Context) error {
	if db.d.name() != SQLite {
		// Only the tables of Holdspace's own schema: a bare ANALYZE would
		// read every schema of the database.
		tables, err := db.queryStrings(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
		if err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
		if len(tables) == 0 {
			return nil
		}
		if _, err := db.write.ExecContext(ctx, `VACUUM (ANALYZE) `+strings.Join(tables, ", ")); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
		return nil
	}
	// 0x10000 looks at every table, not only those this connection has
	// used; 0x02 analyses those that need it.
	if _, err := db.write.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	// ANALYZE also samples each index into sqlite_stat4. With samples,
	// SQLite compiles a statement again every time a value is bound to a
	// parameter compared with an indexed column, in case the value
	// changes the best plan: a prepared statement then costs as much as
	// an unprepared one, on every query. The row counts of sqlite_stat1
	// choose the indexes; the samples go. Dropping the table changes the
	// schema, so every connection reloads the statistics.
	if _, err := db.write.ExecContext(ctx, `DROP TABLE IF EXISTS sqlite_stat4`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// Ready reports an error when the database is unreachable or a migration
// has not been applied.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if pending {
		return errors.New("migrations pending")
	}
	return nil
}

// Tx is a write transaction with the dialect's placeholder rewriting and
// the store's prepared statements.
type Tx struct {
	*sql.Tx
	d   dialect
	now time.Time
	// stmts keeps the write pool's prepared statements, and prepared
	// those already bound to this transaction. A migration's transaction
	// has neither and runs every query as text: the schema changes under
	// it.
	stmts    *stmtCache
	prepared map[string]*sql.Stmt
	// trace and statements are the DB's.
	trace      func(q string, args []any)
	statements *atomic.Int64
}

// stmt returns q's statement bound to tx, or nil when q runs as text:
// it has not been prepared yet, or tx is a migration's.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if s, ok := tx.prepared[q]; ok {
		return s
	}
	c := tx.stmts.holdInTx(q)
	if c == nil {
		return nil
	}
	// The transaction's statement keeps the cached one open until the
	// transaction ends, so it need not be held any longer.
	defer tx.stmts.release(c)
	s := tx.StmtContext(ctx, c.stmt)
	tx.prepared[q] = s
	return s
}

func (tx *Tx) traced(q string, args []any) {
	if tx.statements != nil { // a migration's transaction counts nothing
		tx.statements.Add(1)
	}
	if tx.trace != nil {
		tx.trace(q, args)
	}
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	tx.traced(q, args)
	var r sql.Result
	var err error
	if s := tx.stmt(ctx, q); s != nil {
		r, err = s.ExecContext(ctx, args...)
	} else {
		r, err = tx.ExecContext(ctx, tx.d.rebind(q), args...)
	}
	return r, tx.d.mapErr(err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	tx.traced(q, args)
	var r *sql.Rows
	var err error
	if s := tx.stmt(ctx, q); s != nil {
		r, err = s.QueryContext(ctx, args...)
	} else {
		r, err = tx.QueryContext(ctx, tx.d.rebind(q), args...)
	}
	return r, tx.d.mapErr(err)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *row {
	tx.traced(q, args)
	if s := tx.stmt(ctx, q); s != nil {
		return &row{r: s.QueryRowContext(ctx, args...), d: tx.d}
	}
	return &row{r: tx.QueryRowContext(ctx, tx.d.rebind(q), args...), d: tx.d}
}

// row maps driver errors on Scan.
type row struct {
	r *sql.Row
	// err is why the query could not run at all.
	err error
	d   dialect
}

func (r *row) Scan(dest ...any) error {
	if r.err != nil {
		return r.d.mapErr(r.err)
	}
	return r.d.mapErr(r.r.Scan(dest...))
}

// inTx runs fn in a write transaction and commits when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	// Before the transaction holds a connection, prepare what earlier
	// ones ran as text.
	db.writes.preparePending(ctx)
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", db.d.mapErr(err))
	}
	// Microseconds are what PostgreSQL keeps; truncating here makes a value
	// read back equal to the one written.
	tx := &Tx{Tx: stx, d: db.d, now: db.Now().UTC().Truncate(time.Microsecond),
		stmts: db.writes, prepared: map[string]*sql.Stmt{}, trace: db.trace, statements: db.statements}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.d.mapErr(err))
	}
	return nil
}

// Statements returns how many statements the store has run since it was
// opened, reads and writes.
func (db *DB) Statements() int64 { return db.statements.Load() }

// queryStrings runs q, which selects one text column, and returns its
// values in the order q gives them.
func (db *DB) queryStrings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, db.d.mapErr(rows.Err())
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.traced(q, args)
	s, err := db.reads.get(ctx, q)
	if err != nil {
		return nil, db.d.mapErr(err)
	}
	defer db.reads.release(s)
	r, err := s.stmt.QueryContext(ctx, args...)
	return r, db.d.mapErr(err)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *row {
	db.traced(q, args)
	s, err := db.reads.get(ctx, q)
	if err != nil {
		return &row{err: err, d: db.d}
	}
	defer db.reads.release(s)
	return &row{r: s.stmt.QueryRowContext(ctx, args...), d: db.d}
}

func (db *DB) traced(q string, args []any) {
	db.statements.Add(1)
	if db.trace != nil {
		db.trace(q, args)
	}
}

// enqueue puts job in the outbox in tx.
func (db *DB) enqueue(ctx context.Context, tx *Tx, job Job) error {
	if db.outbox == nil {
		return errors.New("store: no outbox configured")
	}
	if err := db.outbox.EnqueueTx(ctx, tx.Tx, job); err != nil {
		return fmt.Errorf("enqueue %s: %w", job.Kind(), err)
	}
	return nil
}

// Enqueue puts a job that belongs to no other change in the outbox.
func (db *DB) Enqueue(ctx context.Context, job Job) error {
	return db.inTx(ctx, func(tx *Tx) error { return db.enqueue(ctx, tx, job) })
}

// newID returns a time-ordered unique id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// inList appends values to args as parameters and returns the arguments
// with the values' placeholders, comma-separated, for an IN (…) list.
func inList(args []any, values []string) ([]any, string) {
	marks := make([]string, len(values))
	for i, v := range values {
		args = append(args, v)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	return args, strings.Join(marks, ", ")
}
