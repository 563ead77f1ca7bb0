package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/holdspace/holdspace/internal/mail"
)

// Mail retry policy: the delay after the nth failed attempt is n⁴ seconds
// (1 s, 16 s, 81 s, … 40 min), capped at an hour, so a short outage costs
// little delay and a long one little load; with 30 attempts the queue
// keeps trying for about a day before it gives up on a message.
const (
	mailMaxAttempts = 30
	mailMaxBackoff  = time.Hour
)

// MailJob is a send_mail job: the whole message, so that sending needs
// nothing else from the database. Services hand it to the store, which
// enqueues it with the change that causes the email.
type MailJob struct {
	Message mail.Message `json:"message"`
}

// Mail is the job that sends m.
func Mail(m mail.Message) MailJob { return MailJob{Message: m} }

// Mails is the jobs that send msgs, one each.
func Mails(msgs []mail.Message) []interface{ Kind() string } {
	out := make([]interface{ Kind() string }, len(msgs))
	for i, m := range msgs {
		out[i] = MailJob{Message: m}
	}
	return out
}

// Kind names the job in the database; changing it, or the JSON of the
// job, strands queued jobs.
func (MailJob) Kind() string { return "send_mail" }

// Validate refuses a message that could never be sent, when it is
// enqueued rather than when it fails later.
func (j MailJob) Validate() error { return j.Message.Validate() }

// InsertOpts gives mail its own number of attempts.
func (MailJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: mailMaxAttempts}
}

// mailTimeout bounds one attempt at handing a message to the mail server,
// well under the time after which River rescues a job as abandoned.
const mailTimeout = 10 * time.Second

// mailWorker sends the message of a send_mail job.
type mailWorker struct {
	river.WorkerDefaults[MailJob]
	sender     mail.Sender
	logger     *slog.Logger
	retryDelay time.Duration // if set, replaces mailBackoff (tests)
	// db is the queue's database, in which a sent message's job is marked
	// completed as soon as the mail server accepted it.
	db *sql.DB
}

// Timeout bounds an attempt: a mail server that hangs is given up on and
// tried again later.
func (w *mailWorker) Timeout(*river.Job[MailJob]) time.Duration { return mailTimeout }

// Work sends the message and marks its job completed. A failed send
// returns the error, and River retries the job; a message that can never
// be sent is cancelled.
//
// A message is sent at least once, and twice only if the process dies in
// the moment between the mail server accepting it and the completion
// committing (one round trip to the database): River on its own records
// completions in batches, a moment later, and a kill in between would send
// every message of the batch again once the job is rescued. A message sent
// twice in that moment keeps its Message-ID, derived from the job, so that
// mail clients that match on it show it once.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[MailJob]) error {
	if err := job.Args.Message.Validate(); err != nil {
		// Not retried, so River's error handler does not see it.
		w.logger.ErrorContext(ctx, "job failed, giving up",
			slog.String("job_kind", job.Kind),
			slog.Int64("job_id", job.ID),
			slog.String("error", err.Error()),
		)
		return river.JobCancel(err)
	}
	m := job.Args.Message
	m.MessageID = fmt.Sprintf("job-%d.%d", job.ID, job.CreatedAt.UnixNano())
	if err := w.sender.Send(ctx, m); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	// The send cannot be taken back: the completion is recorded even if
	// the job's time ran out meanwhile.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := w.complete(ctx, job); err != nil {
		// Returning nil still completes the job, only a moment later.
		w.logger.WarnContext(ctx, "mail sent, completing its job later",
			slog.String("job_kind", job.Kind),
			slog.Int64("job_id", job.ID),
			slog.String("error", err.Error()),
		)
	}
	return nil
}

// complete marks job completed in a transaction of its own, committed
// before Work returns.
func (w *mailWorker) complete(ctx context.Context, job *river.Job[MailJob]) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job); err != nil {
		return err
	}
	return tx.Commit()
}

// NextRetry schedules the next attempt after a failed send.
func (w *mailWorker) NextRetry(job *river.Job[MailJob]) time.Time {
	if w.retryDelay > 0 {
		return time.Now().Add(w.retryDelay)
	}
	// job.Errors does not yet include the failure being handled.
	return time.Now().Add(mailBackoff(len(job.Errors) + 1))
}

// mailBackoff is the delay after the nth failed attempt, with up to 10%
// jitter so that mail queued during an outage does not retry in lockstep.
func mailBackoff(n int) time.Duration {
	d := mailMaxBackoff
	if n < 8 { // 8⁴ s is more than an hour
		d = time.Duration(n*n*n*n) * time.Second
	}
	return d + rand.N(d/10+1)
}
