package circles

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

// DigestJob is the periodic job that sends each person their weekly
// digest on Monday morning in their own zone.
type DigestJob struct{}

// Kind names the job in the queue.
func (DigestJob) Kind() string { return "weekly_digest" }

// DigestEvery is how often the digest job looks for people whose Monday
// morning it is.
const DigestEvery = time.Hour

// DigestPrefix starts the secret of a digest's unsubscribe link.
const DigestPrefix = "hsd_"

// digestWeek returns the week a digest sent at now to someone in zone tz
// belongs to (the date of their Monday), and whether it is Monday morning
// there, from 7 to noon: the hourly job sends in the first run of it.
func digestWeek(now time.Time, tz string) (string, bool) {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	t := now.In(loc)
	if t.Weekday() != time.Monday || t.Hour() < 7 || t.Hour() >= 12 {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// DigestAll sends the weekly digest to everyone whose Monday morning it
// is and who has not had this week's: the row of a person's week, claimed
// by its insert with the email, makes it once however many instances run
// the job, however often. One failing person does not stop the others.
func (s *Service) DigestAll(ctx context.Context) error {
	people, err := s.DB.FindDigestPeople(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	var errs []error
	for _, p := range people {
		week, due := digestWeek(now, p.Timezone)
		if !due {
			continue
		}
		if _, err := s.SendDigest(ctx, p, week); err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", p.ID, err))
		}
	}
	return errors.Join(errs...)
}

// SendDigest sends p's digest of week unless it was sent. It reports
// whether it sent.
func (s *Service) SendDigest(ctx context.Context, p store.DigestPerson, week string) (bool, error) {
	if sent, err := s.DB.HasDigest(ctx, p.OrgID, p.ID, week); err != nil || sent {
		return false, err
	}
	u := &account.User{ID: p.ID, OrgID: p.OrgID, Name: p.Name, Email: p.Email, Timezone: p.Timezone}
	cs, err := s.MyCircles(ctx, u)
	if err != nil {
		return false, err
	}
	var next *circle.Meeting
	for _, c := range cs {
		if c.Next != nil && (next == nil || c.Next.Start.Before(next.Start)) {
			next = c.Next
		}
	}
	when, zone := "", ""
	if next != nil {
		when, zone = next.When(p.Timezone), p.Timezone
	}
	open, err := s.DB.FindOpenCommitments(ctx, p.OrgID, p.ID, 10)
	if err != nil {
		return false, err
	}
	lines := make([]string, len(open))
	for i, c := range open {
		lines[i] = c.Body
		if c.DueAt != nil {
			lines[i] += " (due " + dayOf(*c.DueAt, p.Timezone) + ")"
		}
	}
	cards, err := s.DB.FindNewCards(ctx, p.OrgID, p.ID, s.now().Add(-7*24*time.Hour), 10)
	if err != nil {
		return false, err
	}
	linked := make([]mail.Linked, len(cards))
	for i, c := range cards {
		linked[i] = mail.Linked{Text: c.Title, Link: s.link(cardPage(&c)) + "#card-" + c.ID}
	}
	tok := account.NewToken(DigestPrefix)
	msg := mail.WeeklyDigest(p.Email, p.Name, when, zone, lines, linked, s.link("/home"), s.link("/digest/stop")+"?t="+tok)
	return s.DB.ClaimDigest(ctx, p.OrgID, p.ID, week, account.HashToken(tok), queue.Mail(msg))
}

// cardPage is where a reader finds a released card: the page listing its
// audience's cards.
func cardPage(c *store.Card) string {
	switch c.Audience {
	case card.Circle:
		return "/circles/" + c.CircleID + "/cards"
	case card.Program:
		return "/programs/" + c.ProgramID + "/cards"
	}
	return "/learning"
}

// errDigestLink refuses an unsubscribe link that is not one.
var errDigestLink = store.ErrLinkInvalid

// DigestLink checks the secret of a digest's unsubscribe link and reports
// whether its person still gets the digest.
func (s *Service) DigestLink(ctx context.Context, token string) (on bool, err error) {
	orgID, userID, err := s.DB.FindDigestToken(ctx, account.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return false, errDigestLink
	}
	if err != nil {
		return false, err
	}
	p, err := s.DB.FindReminderPrefs(ctx, orgID, userID)
	return p.Digest, err
}

// StopDigest turns off the digest of the person whose digest carried
// token. It needs no sign-in: the secret is theirs alone.
func (s *Service) StopDigest(ctx context.Context, token string) error {
	orgID, userID, err := s.DB.FindDigestToken(ctx, account.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return errDigestLink
	}
	if err != nil {
		return err
	}
	return s.DB.SetDigest(ctx, orgID, userID, false)
}

// DigestWorker works weekly_digest jobs.
type DigestWorker struct {
	river.WorkerDefaults[DigestJob]
	Service *Service
}

// Work sends the digests due this hour.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestJob]) error {
	return w.Service.DigestAll(ctx)
}
