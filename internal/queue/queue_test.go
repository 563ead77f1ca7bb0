package queue

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite"

	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/mail/mailtest"
)

// testDB is a fresh, migrated database of one engine.
type testDB struct {
	engine string
	db     *sql.DB
	url    string // PostgreSQL only: the URL db was opened with
}

// forEachEngine runs test on SQLite, and on PostgreSQL when
// HOLDSPACE_TEST_POSTGRES_URL is set, each in a fresh database.
func forEachEngine(t *testing.T, test func(t *testing.T, tdb testDB)) {
	t.Helper()
	t.Run(EngineSQLite, func(t *testing.T) {
		t.Parallel()
		test(t, mustOpenSQLite(t))
	})
	t.Run(EnginePostgres, func(t *testing.T) {
		baseURL := os.Getenv("HOLDSPACE_TEST_POSTGRES_URL")
		if baseURL == "" {
			t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
		}
		t.Parallel()
		test(t, mustOpenPostgres(t, baseURL))
	})
}

func mustOpenSQLite(tb testing.TB) testDB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "holdspace.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	// The app's single write connection, as River's SQLite driver wants.
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	tdb := testDB{engine: EngineSQLite, db: db}
	mustMigrate(tb, tdb)
	return tdb
}

// mustOpenPostgres makes a schema of its own for the test and opens a pool
// whose search_path points at it.
func mustOpenPostgres(tb testing.TB, baseURL string) testDB {
	tb.Helper()
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	schema := "queue_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema: %v", err)
		}
	})
	tdb := testDB{engine: EnginePostgres, url: withSearchPath(tb, baseURL, schema)}
	tdb.db = mustOpenPool(tb, tdb.url)
	mustMigrate(tb, tdb)
	return tdb
}

func withSearchPath(tb testing.TB, rawURL, schema string) string {
	tb.Helper()
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + "search_path=" + schema
}

// mustOpenPool opens another pool on the same database, as a second app
// instance would.
func mustOpenPool(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustMigrate(tb testing.TB, tdb testDB) {
	tb.Helper()
	ctx := context.Background()
	// Twice: Migrate must be safe to run on every start.
	for range 2 {
		if err := Migrate(ctx, tdb.engine, tdb.db); err != nil {
			tb.Fatalf("Migrate: %v", err)
		}
	}
	if _, err := tdb.db.Exec("CREATE TABLE invitation (email TEXT NOT NULL)"); err != nil {
		tb.Fatalf("create app table: %v", err)
	}
}

// mustStartQueue starts a queue that sends through sender, and stops it
// when the test ends.
func mustStartQueue(tb testing.TB, tdb testDB, db *sql.DB, sender mail.Sender, logger *slog.Logger) *Queue {
	tb.Helper()
	q, err := New(Config{
		Engine:            tdb.engine,
		DB:                db,
		PostgresURL:       tdb.url,
		Sender:            sender,
		Logger:            logger,
		FetchPollInterval: 100 * time.Millisecond,
		RetryDelay:        200 * time.Millisecond,
	})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	if err := q.Start(context.Background()); err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			tb.Errorf("Stop: %v", err)
		}
	})
	return q
}

func mustSMTP(tb testing.TB, addr string) *mail.SMTP {
	tb.Helper()
	s, err := mail.NewSMTP("smtp://"+addr+"?tls=none", "Holdspace <no-reply@holdspace.example>")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// testLogger returns a logger that records JSON lines, shown if the test
// fails.
func testLogger(tb testing.TB) (*slog.Logger, *syncBuffer) {
	buf := new(syncBuffer)
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("log:\n%s", buf.String())
		}
	})
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func message(subject string) mail.Message {
	return mail.Message{To: "ana@example.com", ToName: "Ana", Subject: subject, Text: "Body of " + subject + ".\n"}
}

// waitForJobs waits until no send_mail job is left to work and returns
// them all.
func waitForJobs(tb testing.TB, q *Queue, want int) []*rivertype.JobRow {
	tb.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := q.client.JobList(ctx, river.NewJobListParams().Kinds(MailJob{}.Kind()).First(1000))
		if err != nil {
			tb.Fatalf("JobList: %v", err)
		}
		done := len(res.Jobs) == want
		for _, j := range res.Jobs {
			if j.FinalizedAt == nil {
				done = false
			}
		}
		if done {
			return res.Jobs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("jobs not finished after 15s: %d jobs, want %d", len(res.Jobs), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func countSubjects(msgs []mailtest.Received) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		n[m.Subject]++
	}
	return n
}

func TestSendMailTxCommitted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		srv := mailtest.Start(t, mailtest.Config{})
		logger, _ := testLogger(t)
		q := mustStartQueue(t, tdb, tdb.db, mustSMTP(t, srv.Addr), logger)
		ctx := context.Background()

		tx, err := tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO invitation (email) VALUES ('ana@example.com')"); err != nil {
			t.Fatal(err)
		}
		m := mail.Invitation("ana@example.com", "Ana", "Ben", "Acme", "https://holdspace.example/invite/tok")
		if err := q.SendMailTx(ctx, tx, m); err != nil {
			t.Fatalf("SendMailTx: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		got := srv.Wait(t, 1, 10*time.Second)[0]
		if got.Subject != m.Subject || got.Text != m.Text || got.To[0] != "ana@example.com" {
			t.Errorf("received %q to %v, want %q to ana@example.com", got.Subject, got.To, m.Subject)
		}
		jobs := waitForJobs(t, q, 1)
		if jobs[0].State != rivertype.JobStateCompleted {
			t.Errorf("job state = %s, want completed", jobs[0].State)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("received %d messages, want exactly 1", n)
		}
	})
}

func TestSendMailTxRolledBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		srv := mailtest.Start(t, mailtest.Config{})
		logger, _ := testLogger(t)
		q := mustStartQueue(t, tdb, tdb.db, mustSMTP(t, srv.Addr), logger)
		ctx := context.Background()

		tx, err := tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.SendMailTx(ctx, tx, message("rolled back")); err != nil {
			t.Fatalf("SendMailTx: %v", err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		// A job queued afterwards is delivered; the rolled-back one never is.
		if err := q.SendMail(ctx, message("after")); err != nil {
			t.Fatalf("SendMail: %v", err)
		}
		srv.Wait(t, 1, 10*time.Second)
		waitForJobs(t, q, 1)
		if n := countSubjects(srv.Messages()); n["rolled back"] != 0 || n["after"] != 1 {
			t.Errorf("received %v, want only one \"after\"", n)
		}
	})
}

func TestSendMailRetriesUntilServerIsUp(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		// An address with nothing listening yet.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()

		sender := &countingSender{Sender: mustSMTP(t, addr)}
		logger, logs := testLogger(t)
		q := mustStartQueue(t, tdb, tdb.db, sender, logger)
		if err := q.SendMail(context.Background(), message("delayed")); err != nil {
			t.Fatalf("SendMail: %v", err)
		}

		deadline := time.Now().Add(10 * time.Second)
		for sender.n.Load() < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("%d attempts after 10s, want at least 2 failed ones", sender.n.Load())
			}
			time.Sleep(20 * time.Millisecond)
		}
		srv := mailtest.Start(t, mailtest.Config{Addr: addr})

		if got := srv.Wait(t, 1, 10*time.Second)[0]; got.Subject != "delayed" {
			t.Errorf("received %q, want delayed", got.Subject)
		}
		job := waitForJobs(t, q, 1)[0]
		if job.State != rivertype.JobStateCompleted || len(job.Errors) < 2 || job.MaxAttempts != mailMaxAttempts {
			t.Errorf("job state %s after %d errors with max %d attempts, want completed after at least 2 errors with max %d",
				job.State, len(job.Errors), job.MaxAttempts, mailMaxAttempts)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("received %d messages, want exactly 1", n)
		}

		var warned bool
		for line := range strings.Lines(logs.String()) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec["level"] == "WARN" && rec["msg"] == "job failed, will retry" && rec["job_kind"] == "send_mail" && rec["attempt"] != nil && rec["error"] != nil {
				warned = true
			}
		}
		if !warned {
			t.Error("no warning logged for the failed attempts")
		}
	})
}

func TestInvalidMessageIsCancelled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		srv := mailtest.Start(t, mailtest.Config{})
		sender := &countingSender{Sender: mustSMTP(t, srv.Addr)}
		logger, logs := testLogger(t)
		q := mustStartQueue(t, tdb, tdb.db, sender, logger)
		ctx := context.Background()

		invalid := mail.Message{To: "not an address", Subject: "x", Text: "x"}
		if err := q.SendMail(ctx, invalid); err == nil {
			t.Error("SendMail accepted an invalid message")
		}
		// Should one get into the queue anyway, it is cancelled, not retried.
		tx, err := tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.InsertTx(ctx, tx, MailJob{Message: invalid}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		job := waitForJobs(t, q, 1)[0]
		if job.State != rivertype.JobStateCancelled || sender.n.Load() != 0 {
			t.Errorf("job state %s after %d sends, want cancelled without sending", job.State, sender.n.Load())
		}
		if !strings.Contains(logs.String(), `"level":"ERROR","msg":"job failed, giving up"`) {
			t.Error("no error logged for the cancelled job")
		}
	})
}

// TestTwoInstances runs two queues, as two app servers would, on one
// PostgreSQL database: every message is delivered exactly once.
func TestTwoInstances(t *testing.T) {
	baseURL := os.Getenv("HOLDSPACE_TEST_POSTGRES_URL")
	if baseURL == "" {
		t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
	}
	t.Parallel()
	tdb := mustOpenPostgres(t, baseURL)
	srv := mailtest.Start(t, mailtest.Config{})
	logger, _ := testLogger(t)

	var senders [2]*countingSender
	var queues [2]*Queue
	for i := range queues {
		senders[i] = &countingSender{Sender: mustSMTP(t, srv.Addr)}
		queues[i] = mustStartQueue(t, tdb, mustOpenPool(t, tdb.url), senders[i], logger.With("instance", i))
	}

	const n = 60
	ctx := context.Background()
	for i := range n {
		// Half inserted through each instance, in its own transaction.
		q := queues[i%2]
		tx, err := tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.SendMailTx(ctx, tx, message(fmt.Sprint("message ", i))); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}

	srv.Wait(t, n, 20*time.Second)
	for _, j := range waitForJobs(t, queues[0], n) {
		if j.State != rivertype.JobStateCompleted {
			t.Errorf("job %d state = %s, want completed", j.ID, j.State)
		}
	}
	counts := countSubjects(srv.Messages())
	for i := range n {
		if c := counts[fmt.Sprint("message ", i)]; c != 1 {
			t.Errorf("message %d delivered %d times, want 1", i, c)
		}
	}
	if len(counts) != n {
		t.Errorf("received %d distinct messages, want %d", len(counts), n)
	}
	t.Logf("instance 0 sent %d, instance 1 sent %d", senders[0].n.Load(), senders[1].n.Load())
}

func TestNewErrors(t *testing.T) {
	tdb := mustOpenSQLite(t)
	sender := new(mail.Outbox)
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "no database", cfg: Config{Engine: EngineSQLite, Sender: sender}},
		{name: "no sender", cfg: Config{Engine: EngineSQLite, DB: tdb.db}},
		{name: "unknown engine", cfg: Config{Engine: "mysql", DB: tdb.db, Sender: sender}},
		{name: "postgres without URL", cfg: Config{Engine: EnginePostgres, DB: tdb.db, Sender: sender}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if q, err := New(tt.cfg); err == nil {
				q.Stop(context.Background())
				t.Fatal("New succeeded, want an error")
			}
		})
	}
	if err := Migrate(context.Background(), "mysql", tdb.db); err == nil {
		t.Error("Migrate with an unknown engine succeeded")
	}
}

// TestExtraWorkers shows how a later feature adds a job kind.
func TestExtraWorkers(t *testing.T) {
	tdb := mustOpenSQLite(t)
	workers := river.NewWorkers()
	done := make(chan string, 1)
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[reminderArgs]) error {
		done <- job.Args.CircleID
		return nil
	}))
	q, err := New(Config{Engine: tdb.engine, DB: tdb.db, Sender: new(mail.Outbox), JobWorkers: workers, FetchPollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })

	ctx := context.Background()
	tx, err := tdb.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.InsertTx(ctx, tx, reminderArgs{CircleID: "c1"}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-done:
		if id != "c1" {
			t.Errorf("worked circle %q, want c1", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reminder job not worked after 10s")
	}
}

type reminderArgs struct {
	CircleID string `json:"circle_id"`
}

func (reminderArgs) Kind() string { return "test_reminder" }

func TestMailBackoff(t *testing.T) {
	var total time.Duration
	for n := 1; n < mailMaxAttempts; n++ {
		d := mailBackoff(n)
		if d <= 0 || d > mailMaxBackoff+mailMaxBackoff/10 {
			t.Errorf("mailBackoff(%d) = %v, want between 0 and %v", n, d, mailMaxBackoff*11/10)
		}
		total += d
	}
	if mailBackoff(1) > 2*time.Second || mailBackoff(2) < 16*time.Second {
		t.Errorf("first retries after %v and %v, want about 1s and 16s", mailBackoff(1), mailBackoff(2))
	}
	if total < 20*time.Hour || total > 28*time.Hour {
		t.Errorf("mail is retried for %v, want about a day", total)
	}
}

func TestFailureLoggerLevels(t *testing.T) {
	logger, logs := testLogger(t)
	f := &failureLogger{logger: logger}
	ctx := context.Background()
	f.HandleError(ctx, &rivertype.JobRow{ID: 7, Kind: "send_mail", Attempt: 3, MaxAttempts: 30}, fmt.Errorf("connection refused"))
	f.HandleError(ctx, &rivertype.JobRow{ID: 7, Kind: "send_mail", Attempt: 30, MaxAttempts: 30}, fmt.Errorf("connection refused"))
	got := logs.String()
	for _, want := range []string{
		`"level":"WARN","msg":"job failed, will retry","job_kind":"send_mail","job_id":7,"attempt":3,"max_attempts":30,"error":"connection refused"`,
		`"level":"ERROR","msg":"job failed, giving up","job_kind":"send_mail","job_id":7,"attempt":30,"max_attempts":30,"error":"connection refused"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log does not contain %s:\n%s", want, got)
		}
	}
}

// countingSender counts send attempts, failed ones included.
type countingSender struct {
	mail.Sender
	n atomic.Int64
}

func (c *countingSender) Send(ctx context.Context, m mail.Message) error {
	c.n.Add(1)
	return c.Sender.Send(ctx, m)
}

// TestAbandonedMailIsRescued: a send_mail job that a killed process had
// picked up is left "running". The next instance's rescuer schedules it
// again within a minute, and it is sent once, with a Message-ID that
// names the job, and completed.
func TestAbandonedMailIsRescued(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		srv := mailtest.Start(t, mailtest.Config{})
		logger, _ := testLogger(t)
		q, err := New(Config{Engine: tdb.engine, DB: tdb.db, PostgresURL: tdb.url, Sender: mustSMTP(t, srv.Addr), Logger: logger,
			FetchPollInterval: 100 * time.Millisecond, RetryDelay: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		// Picked up a minute ago by a process that is gone.
		res, err := q.client.Insert(ctx, MailJob{Message: message("abandoned")}, &river.InsertOpts{ScheduledAt: time.Now().Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tdb.db.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = scheduled_at WHERE id = ` + fmt.Sprint(res.Job.ID)); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
		got := srv.Wait(t, 1, 45*time.Second)[0]
		if got.Subject != "abandoned" {
			t.Errorf("received %q", got.Subject)
		}
		if id := got.Header.Get("Message-Id"); !strings.HasPrefix(id, fmt.Sprintf("<job-%d.", res.Job.ID)) {
			t.Errorf("Message-ID %q does not name job %d", id, res.Job.ID)
		}
		job := waitForJobs(t, q, 1)[0]
		if job.State != rivertype.JobStateCompleted {
			t.Errorf("job is %s, want completed", job.State)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("received %d messages, want 1", n)
		}
	})
}
