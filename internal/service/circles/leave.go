package circles

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/calendar"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/store"
)

// Leave takes u out of a circle, with an optional private note to the
// organisation's admins. The others are told and the circle goes on; when
// it falls below its program's minimum, the admins are told so and can
// return its members to the pool. u's meetings leave their calendar.
func (s *Service) Leave(ctx context.Context, u *account.User, circleID, note string) error {
	if _, err := s.Member(ctx, u, circleID); err != nil {
		return err
	}
	note = richtext.Normalize(note)
	if len([]rune(note)) > circle.MaxLeaveNoteLen {
		return fault.Fields(map[string]string{"note": fmt.Sprintf("Keep the note under %d characters.", circle.MaxLeaveNoteLen)})
	}
	admins, err := s.DB.FindAdmins(ctx, u.OrgID)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.leave(ctx, u, circleID, note, admins, true)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		return err
	}
}

// Depart takes a deactivated person out of every formed circle they are
// in, as if they had left each: the others are told (without anything
// said inside), the meetings ahead rotate their roles among those who
// stay, the leaver's reminders are cancelled, and what they did stays.
// The leaver is not emailed: they no longer have access.
func (s *Service) Depart(ctx context.Context, leaver *account.User) error {
	ids, err := s.DB.FindCircleIDsOf(ctx, leaver.OrgID, leaver.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	admins, err := s.DB.FindAdmins(ctx, leaver.OrgID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		for attempt := 1; ; attempt++ {
			err = s.leave(ctx, leaver, id, "", admins, false)
			if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
				continue
			}
			break
		}
		// Gone already: they left, or another departure took them out.
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// leave reads the circle's state and its agreement, decides what u's
// leaving does to them, and has the store apply it if the circle is still
// as read. confirm emails u that they left.
func (s *Service) leave(ctx context.Context, u *account.User, circleID, note string, admins []account.User, confirm bool) error {
	st, err := s.DB.FindCircleState(ctx, u.OrgID, circleID)
	if err != nil {
		return err
	}
	// The agreement is read after the state, whose version a consent
	// raises: one given since the state was read makes the store refuse.
	versions, err := s.DB.FindAgreement(ctx, u.OrgID, circleID)
	if err != nil {
		return err
	}
	c := st.Circle
	m := c.Member(u.ID)
	if m == nil {
		return store.ErrNotFound
	}
	leaver := *m
	stay := *c
	stay.Members = slices.DeleteFunc(slices.Clone(c.Members), func(m program.Member) bool { return m.UserID == u.ID })
	st.Circle = &stay
	adopted := circle.AfterLeave(versions, stay.UserIDs())
	s.plan(st)
	name := program.Label(st.Program)
	link := s.link("/circles/" + circleID)
	switch {
	case !confirm:
	case st.Schedule != nil:
		gone := *st.Schedule
		gone.Sequence++
		se := s.series(c, st.Program, &gone, st.Meetings)
		st.Mail = append(st.Mail, queue.Mail(mail.LeftCircle(leaver.Email, leaver.Name, name, calendar.Cancel(se))))
	default:
		st.Mail = append(st.Mail, queue.Mail(mail.LeftCircle(leaver.Email, leaver.Name, name, nil)))
	}
	rd, err := s.readers(ctx, st)
	if err != nil {
		return err
	}
	for _, m := range st.Circle.Members {
		st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, mail.CircleMemberLeft(m.Email, m.Name, leaver.Name, name, link))))
		if adopted != nil {
			st.Mail = append(st.Mail, queue.Mail(rd.Mail(m.UserID, mail.AgreementAdopted(m.Email, m.Name, name, adopted.Version, link+"/agreement"))))
		}
	}
	for _, a := range admins {
		st.Mail = append(st.Mail, queue.Mail(mail.MemberLeft(a.Email, a.Name, leaver.Name, name, note, len(st.Circle.Members), st.Program.MinSize,
			s.link("/programs/"+st.Program.ID))))
	}
	adopt := 0
	if adopted != nil {
		adopt = adopted.Version
	}
	plan := circle.PlanReminders(st.Meetings, st.Reminded(), st.Prefs, st.Reminders, st.Now)
	return s.DB.LeaveCircle(ctx, st, u.ID, note, adopt, plan)
}

// ReturnToPool dissolves a circle that fell below its program's minimum,
// so that its members are matched again at the next re-match (with their
// consent, like everyone).
func (s *Service) ReturnToPool(ctx context.Context, admin *account.User, circleID string) error {
	if err := auth.RequireAdmin(admin); err != nil {
		return err
	}
	c, err := s.DB.FindCircleByID(ctx, admin.OrgID, circleID)
	if err != nil {
		return err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, c.ProgramID)
	if err != nil {
		return err
	}
	if len(c.Members) >= p.MinSize {
		return circle.ErrNotBelowMinimum
	}
	var ics []byte
	sched, err := s.DB.FindSchedule(ctx, admin.OrgID, circleID)
	switch {
	case err == nil:
		meetings, err := s.DB.FindMeetings(ctx, admin.OrgID, circleID)
		if err != nil {
			return err
		}
		sched.Sequence++
		ics = calendar.Cancel(s.series(c, p, sched, meetings))
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	msgs := make([]mail.Message, 0, len(c.Members))
	for _, m := range c.Members {
		msgs = append(msgs, mail.CircleClosed(m.Email, m.Name, p.Name, ics))
	}
	return s.DB.DissolveCircle(ctx, admin.OrgID, circleID, queue.Mails(msgs))
}

// Departures lists who left a program's circles, with their notes, for
// its admins.
func (s *Service) Departures(ctx context.Context, admin *account.User, programID string) ([]circle.Departure, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	return s.DB.FindDepartures(ctx, admin.OrgID, programID)
}

// ProgramOf returns the program a circle belongs to, for the admins who
// tend the program's circles without seeing inside them.
func (s *Service) ProgramOf(ctx context.Context, admin *account.User, circleID string) (string, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return "", err
	}
	c, err := s.DB.FindCircleByID(ctx, admin.OrgID, circleID)
	if err != nil {
		return "", err
	}
	return c.ProgramID, nil
}
