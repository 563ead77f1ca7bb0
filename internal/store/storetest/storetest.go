// Package storetest opens fresh, migrated databases for tests: SQLite
// always, and PostgreSQL when HOLDSPACE_TEST_POSTGRES_URL is set (CI sets
// it, and HOLDSPACE_TEST_REQUIRE_POSTGRES=1 makes its absence a failure).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for schema set-up

	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// PostgresURL returns the server tests may use, or "" when none is set.
// When PostgreSQL is required and missing the test fails.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("HOLDSPACE_TEST_POSTGRES_URL")
	if u == "" && os.Getenv("HOLDSPACE_TEST_REQUIRE_POSTGRES") == "1" {
		tb.Fatal("HOLDSPACE_TEST_POSTGRES_URL is required (HOLDSPACE_TEST_REQUIRE_POSTGRES=1) but unset")
	}
	return u
}

// SQLiteURL returns a URL for a new SQLite file in a temporary directory.
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	return "sqlite:" + filepath.Join(tb.TempDir(), "holdspace.db")
}

// PostgresSchemaURL creates an empty schema on the test server and returns
// a URL whose connections use it; the schema is dropped when the test ends.
func PostgresSchemaURL(tb testing.TB, base string) string {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated database at rawURL, configured by opts (a
// recording Outbox and Jobs, a clock the test moves), closed when the
// test ends.
func Open(tb testing.TB, rawURL string, opts ...store.Option) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, rawURL, opts...)
	if err != nil {
		tb.Fatalf("open %s: %v", rawURL, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// Engine is one database a test runs on.
type Engine struct {
	Name string
	// URL opens a fresh, empty database of this engine for the calling test.
	URL func(tb testing.TB) string
}

// Engines lists SQLite and, when configured, PostgreSQL.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	out := []Engine{{Name: store.SQLite, URL: SQLiteURL}}
	if base := PostgresURL(tb); base != "" {
		out = append(out, Engine{Name: store.Postgres, URL: func(tb testing.TB) string { return PostgresSchemaURL(tb, base) }})
	}
	return out
}

// Each runs fn once per engine as a subtest with the URL of a fresh,
// empty database, which fn opens with Open and the options it needs.
func Each(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e.URL(t))
		})
	}
}

// Outbox records the mail that store methods enqueue, without sending it.
type Outbox struct {
	mu   sync.Mutex
	msgs []mail.Message
}

// EnqueueTx records the message of a mail job; other jobs are ignored.
func (o *Outbox) EnqueueTx(_ context.Context, _ *sql.Tx, job store.Job) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if j, ok := job.(queue.MailJob); ok {
		o.msgs = append(o.msgs, j.Message)
	}
	return nil
}

// Messages returns what was recorded.
func (o *Outbox) Messages() []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.msgs)
}

// Jobs records the jobs that store methods schedule and cancel, without
// running them; a test runs the due ones itself with the clock moved on.
type Jobs struct {
	mu   sync.Mutex
	jobs []Job
}

// Job is one recorded job.
type Job struct {
	ID        int64
	Args      store.Job
	At        time.Time
	Cancelled bool
}

// ScheduleTx records a job to run at at.
func (j *Jobs) ScheduleTx(_ context.Context, _ *sql.Tx, args store.Job, at time.Time) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	id := int64(len(j.jobs) + 1)
	j.jobs = append(j.jobs, Job{ID: id, Args: args, At: at})
	return id, nil
}

// CancelJobTx records that job id was cancelled.
func (j *Jobs) CancelJobTx(_ context.Context, _ *sql.Tx, id int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if id >= 1 && int(id) <= len(j.jobs) {
		j.jobs[id-1].Cancelled = true
	}
	return nil
}

// Pending returns the jobs not cancelled, in the order they were made.
func (j *Jobs) Pending() []Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Job
	for _, job := range j.jobs {
		if !job.Cancelled {
			out = append(out, job)
		}
	}
	return out
}

// Exec runs one statement on the database at rawURL over a connection of
// its own, for a test that needs a row no store method of its package
// writes. Placeholders are written $N, as in the store.
func Exec(tb testing.TB, rawURL, query string, args ...any) {
	tb.Helper()
	driver, dsn := "pgx", rawURL
	if path, ok := strings.CutPrefix(rawURL, "sqlite:"); ok {
		driver = "sqlite"
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_time_integer_format=unix_micro"
		query = regexp.MustCompile(`\$(\d+)`).ReplaceAllString(query, "?$1")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		tb.Fatalf("exec %q: %v", query, err)
	}
}
