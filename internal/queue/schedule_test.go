package queue

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/holdspace/holdspace/internal/mail/mailtest"
)

type wakeArgs struct {
	Name string `json:"name"`
}

func (wakeArgs) Kind() string { return "test_wake" }

type wakeWorker struct {
	river.WorkerDefaults[wakeArgs]
	mu    sync.Mutex
	woken map[string]time.Time
}

func (w *wakeWorker) Work(_ context.Context, job *river.Job[wakeArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.woken[job.Args.Name] = time.Now()
	return nil
}

func (w *wakeWorker) get(name string) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	at, ok := w.woken[name]
	return at, ok
}

// TestScheduleAndCancel shows what reminders rely on: a job scheduled in
// a transaction runs at its time, not before, and a job cancelled in a
// later transaction never runs.
func TestScheduleAndCancel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, tdb testDB) {
		ctx := context.Background()
		worker := &wakeWorker{woken: map[string]time.Time{}}
		workers := river.NewWorkers()
		river.AddWorker(workers, worker)
		logger, _ := testLogger(t)
		srv := mailtest.Start(t, mailtest.Config{})
		q, err := New(Config{Engine: tdb.engine, DB: tdb.db, PostgresURL: tdb.url, Sender: mustSMTP(t, srv.Addr), Logger: logger,
			JobWorkers: workers, FetchPollInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(stop)
		})

		due := time.Now().Add(1500 * time.Millisecond)
		var cancelled int64
		tx, err := tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.ScheduleTx(ctx, tx, wakeArgs{Name: "kept"}, due); err != nil {
			t.Fatal(err)
		}
		if cancelled, err = q.ScheduleTx(ctx, tx, wakeArgs{Name: "cancelled"}, due); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		tx, err = tdb.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.CancelJobTx(ctx, tx, cancelled); err != nil {
			t.Fatal(err)
		}
		// Cancelling a job that does not exist is not an error: it may
		// have been cleaned up after it ran.
		if err := q.CancelJobTx(ctx, tx, cancelled+1000); err != nil {
			t.Fatalf("cancel a missing job: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		deadline := time.Now().Add(15 * time.Second)
		for {
			if at, ok := worker.get("kept"); ok {
				if at.Before(due) {
					t.Errorf("the job ran at %s, before its time %s", at.Format(time.StampMilli), due.Format(time.StampMilli))
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the scheduled job never ran")
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second)
		if _, ok := worker.get("cancelled"); ok {
			t.Error("a cancelled job ran")
		}
	})
}
