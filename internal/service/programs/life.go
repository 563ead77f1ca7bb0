package programs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

// MailBatch is how many people one transaction of a mailing emails: at
// ten thousand people a mailing is twenty short transactions, each
// holding one batch in memory, not one that holds everyone.
const MailBatch = 500

// Open opens a draft program's opt-in now, and emails everyone it is for.
// It returns how many were emailed.
func (s *Service) Open(ctx context.Context, admin *account.User, programID string) (int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return 0, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return 0, err
	}
	if err := p.CanOpen(s.now()); err != nil {
		return 0, err
	}
	if err := s.DB.OpenProgram(ctx, admin.OrgID, programID); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, program.ErrNotDraft
		}
		return 0, err
	}
	return s.announce(ctx, admin.OrgID, programID)
}

// announce emails everyone a program is for that its opt-in opened, once:
// a second announcement of the same program sends nothing.
func (s *Service) announce(ctx context.Context, orgID, programID string) (int, error) {
	if err := s.DB.StartMailing(ctx, orgID, programID, store.MailOpening, time.Time{}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, nil
		}
		return 0, err
	}
	if err := s.releaseHeld(ctx, orgID, programID); err != nil {
		return 0, err
	}
	return s.mailOut(ctx, orgID, programID, store.MailOpening)
}

// releaseHeld sends the invitations held until a program opens to the
// people the program is for, when it is first announced: the program's
// creator invites them, or the first admin if the creator no longer is
// one. Held people have not signed in, so the opening email does not
// reach them; their invitation is how they hear of it.
func (s *Service) releaseHeld(ctx context.Context, orgID, programID string) error {
	if s.ReleaseHeld == nil {
		return nil
	}
	p, err := s.DB.FindProgramByID(ctx, orgID, programID)
	if err != nil {
		return err
	}
	inviter, err := s.DB.FindUserByID(ctx, orgID, p.CreatedBy)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if inviter == nil || !inviter.IsAdmin() || inviter.Deactivated() {
		admins, err := s.DB.FindAdmins(ctx, orgID)
		if err != nil || len(admins) == 0 {
			return err
		}
		inviter = &admins[0]
	}
	_, err = s.ReleaseHeld(ctx, inviter, p.Departments)
	return err
}

// Remind emails everyone a program is for who has not joined yet, at an
// admin's request, at most once a day. It returns how many were reminded.
func (s *Service) Remind(ctx context.Context, admin *account.User, programID string) (int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return 0, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	if err := p.CanRemind(now); err != nil {
		return 0, err
	}
	if err := s.DB.StartMailing(ctx, admin.OrgID, programID, store.MailBulk, now.Add(-program.RemindEvery)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, program.ErrRemindedRecently
		}
		return 0, err
	}
	return s.mailOut(ctx, admin.OrgID, programID, store.MailBulk)
}

// Audience counts the people a program is for, for its admins, from the
// counts the store keeps: those invited who have not signed in yet
// included, though only those who have are emailed.
func (s *Service) Audience(ctx context.Context, admin *account.User, p *program.Program) (int, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return 0, err
	}
	return s.DB.CountAudience(ctx, admin.OrgID, p.Departments)
}

// mailOut sends a started mailing batch by batch from where it has got
// to, and returns how many it has emailed in all. Another run sending the
// same mailing at once makes this one stop: the batches it reads next
// are that run's.
func (s *Service) mailOut(ctx context.Context, orgID, programID string, kind store.Mailing) (int, error) {
	p, err := s.DB.FindProgramByID(ctx, orgID, programID)
	if err != nil {
		return 0, err
	}
	for {
		b, err := s.DB.FindMailingBatch(ctx, orgID, programID, kind, MailBatch)
		if err != nil {
			return 0, err
		}
		if b.Done {
			return b.Sent, nil
		}
		msgs := make([]mail.Message, 0, len(b.People))
		for _, u := range b.People {
			f := s.facts(p, u.Timezone)
			if kind == store.MailOpening {
				msgs = append(msgs, mail.ProgramOpened(u.Email, u.Name, f))
			} else {
				msgs = append(msgs, mail.OptInReminder(u.Email, u.Name, f))
			}
		}
		err = s.DB.SendMailingBatch(ctx, orgID, programID, kind, b, queue.Mails(msgs))
		if errors.Is(err, store.ErrConflict) {
			return b.Sent, nil
		}
		if err != nil {
			return 0, err
		}
		if len(b.People) == 0 {
			return b.Sent, nil
		}
	}
}

// facts describe p in an email to someone in zone.
func (s *Service) facts(p *program.Program, zone string) mail.ProgramFacts {
	loc, err := account.Location(zone)
	if err != nil {
		loc = time.UTC
	}
	// Opt-in closes at the midnight that ends its last day.
	last := p.OptInCloses.Add(-time.Nanosecond).In(loc)
	return mail.ProgramFacts{Name: p.Name, Purpose: p.Purpose, Format: p.FormatWords(), Rhythm: p.RhythmWords(), Length: p.Duration(),
		ClosesOn: last.Format("Monday 2 January"), Link: s.link("/programs/" + p.ID)}
}

// UpkeepJob is the periodic job that announces programs whose opt-in has
// opened, sends the reminder before opt-in closes, and finishes mailings
// a failure interrupted.
type UpkeepJob struct{}

// Kind names the job in the queue.
func (UpkeepJob) Kind() string { return "program_upkeep" }

// UpkeepEvery is how often the program upkeep runs.
const UpkeepEvery = time.Hour

// UpkeepWorker works program_upkeep jobs.
type UpkeepWorker struct {
	river.WorkerDefaults[UpkeepJob]
	Service *Service
}

// Work runs the upkeep of every program.
func (w *UpkeepWorker) Work(ctx context.Context, _ *river.Job[UpkeepJob]) error {
	return w.Service.UpkeepAll(ctx)
}

// Workers registers the program jobs' workers in workers.
func (s *Service) Workers(workers *river.Workers) error {
	return river.AddWorkerSafely(workers, &UpkeepWorker{Service: s})
}

// UpkeepAll does what every program's dates call for: the opening email
// once opt-in opens, the reminder once it is due, and the rest of any
// mailing left half sent. One failing program does not stop the others.
// Closing at the end date is the circles' upkeep's, since a program's
// circles finish with it.
func (s *Service) UpkeepAll(ctx context.Context) error {
	var errs []error
	unfinished, err := s.DB.FindUnfinishedMailings(ctx)
	if err != nil {
		return err
	}
	for _, ref := range unfinished {
		kinds, err := s.DB.FindUnfinishedKinds(ctx, ref.OrgID, ref.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, k := range kinds {
			if _, err := s.mailOut(ctx, ref.OrgID, ref.ID, k); err != nil {
				errs = append(errs, fmt.Errorf("program %s: %w", ref.ID, err))
			}
		}
	}
	refs, err := s.DB.FindUnclosedPrograms(ctx)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if err := s.upkeep(ctx, ref); err != nil {
			errs = append(errs, fmt.Errorf("program %s: %w", ref.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) upkeep(ctx context.Context, ref store.ProgramRef) error {
	p, err := s.DB.FindProgramByID(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return err
	}
	for _, d := range p.Duties(s.now()) {
		switch d {
		case program.Announce:
			_, err = s.announce(ctx, ref.OrgID, ref.ID)
		case program.Remind:
			if err = s.DB.StartMailing(ctx, ref.OrgID, ref.ID, store.MailReminder, time.Time{}); err == nil {
				_, err = s.mailOut(ctx, ref.OrgID, ref.ID, store.MailReminder)
			} else if errors.Is(err, store.ErrConflict) {
				err = nil
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
