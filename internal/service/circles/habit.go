package circles

import (
	"context"
	"errors"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/riverqueue/river"
)

// --- RSVPs ---

// RSVPView is one meeting ahead with the reader's answer and how the
// circle's present members answered.
type RSVPView struct {
	Meeting circle.Meeting
	Mine    circle.RSVP
	Tally   circle.Tally
}

// errStaleRSVP refuses an answer based on one changed since.
var errStaleRSVP = fault.New(fault.Conflict, "Your answer changed meanwhile (in another window?). Look at it again, then answer.")

// findMeeting returns meeting meetingID of circleID.
func (s *Service) findMeeting(ctx context.Context, orgID, circleID, meetingID string) (circle.Meeting, error) {
	m, err := s.DB.FindMeetingByID(ctx, orgID, circleID, meetingID)
	if err != nil {
		return circle.Meeting{}, err
	}
	return *m, nil
}

// tally sorts the answers to meetingID of c's present members.
func tally(c *program.Circle, rsvps []circle.RSVP, meetingID string) circle.Tally {
	ids := c.UserIDs()
	names := make(map[string]string, len(ids))
	for _, m := range c.Members {
		names[m.UserID] = m.Name
	}
	answers := map[string]circle.Answer{}
	for _, r := range rsvps {
		if r.MeetingID == meetingID {
			answers[r.UserID] = r.Answer
		}
	}
	return circle.TallyRSVPs(ids, names, answers)
}

// RSVP returns u's answer to a meeting of their circle, and the circle's.
func (s *Service) RSVP(ctx context.Context, u *account.User, circleID, meetingID string) (*RSVPView, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return nil, err
	}
	m, err := s.findMeeting(ctx, u.OrgID, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	rsvps, err := s.DB.FindRSVPs(ctx, u.OrgID, []string{meetingID})
	if err != nil {
		return nil, err
	}
	v := &RSVPView{Meeting: m, Mine: circle.RSVP{MeetingID: meetingID, UserID: u.ID}, Tally: tally(c, rsvps, meetingID)}
	for _, r := range rsvps {
		if r.UserID == u.ID {
			v.Mine = r
		}
	}
	return v, nil
}

// SetRSVP answers a meeting ahead for u, if their answer is still at
// version (0 when they have not answered): otherwise a conflict, so of two
// answers sent at once from one answer seen, one is saved. A new "can't
// make it" within a week of the meeting emails the other members, once
// per change.
func (s *Service) SetRSVP(ctx context.Context, u *account.User, circleID, meetingID string, answer circle.Answer, version int) (circle.RSVP, error) {
	c, err := s.Inside(ctx, u, circleID)
	if err != nil {
		return circle.RSVP{}, err
	}
	m, err := s.findMeeting(ctx, u.OrgID, circleID, meetingID)
	if err != nil {
		return circle.RSVP{}, err
	}
	if _, err := circle.ParseAnswer(string(answer)); err != nil {
		return circle.RSVP{}, err
	}
	now := s.now()
	if err := circle.CheckRSVP(m, now); err != nil {
		return circle.RSVP{}, err
	}
	cur, err := s.DB.FindRSVP(ctx, u.OrgID, meetingID, u.ID)
	if err != nil {
		return circle.RSVP{}, err
	}
	if cur.Version != version {
		return circle.RSVP{}, errStaleRSVP
	}
	var msgs []store.Job
	if circle.TellCircle(m, cur.Answer, answer, now) {
		p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
		if err != nil {
			return circle.RSVP{}, err
		}
		rd, err := s.Readers(ctx, u.OrgID, circleID, program.Label(p))
		if err != nil {
			return circle.RSVP{}, err
		}
		for _, o := range c.Members {
			if o.UserID == u.ID {
				continue
			}
			msgs = append(msgs, queue.Mail(rd.Mail(o.UserID, mail.RSVPNotComing(o.Email, o.Name, u.Name, program.Label(p),
				m.When(o.Timezone), o.Timezone, s.link("/circles/"+circleID)))))
		}
	}
	r := circle.RSVP{MeetingID: meetingID, UserID: u.ID, Answer: answer}
	err = s.DB.SetRSVP(ctx, u.OrgID, &r, version, msgs)
	if errors.Is(err, store.ErrConflict) {
		return circle.RSVP{}, errStaleRSVP
	}
	return r, err
}

// rsvps fills in h's answers to the meetings ahead.
func (s *Service) rsvps(ctx context.Context, u *account.User, h *Home) error {
	ids := make([]string, 0, len(h.Upcoming))
	for _, m := range h.Upcoming {
		if m.Status == circle.Scheduled {
			ids = append(ids, m.ID)
		}
	}
	rsvps, err := s.DB.FindRSVPs(ctx, u.OrgID, ids)
	if err != nil {
		return err
	}
	h.Mine = map[string]circle.RSVP{}
	for _, id := range ids {
		h.Mine[id] = circle.RSVP{MeetingID: id, UserID: u.ID}
	}
	for _, r := range rsvps {
		if r.UserID == u.ID {
			h.Mine[r.MeetingID] = r
		}
	}
	if next := circle.NextOn(h.Upcoming); next >= 0 {
		t := tally(&h.Circle, rsvps, h.Upcoming[next].ID)
		h.NextTally = &t
	}
	return nil
}

// --- commitments due ---

// DueCommitment is one of a person's commitments with what its page and
// emails need.
type DueCommitment = store.DueCommitment

// errStaleCommitment refuses a change based on a commitment changed since.
var errStaleCommitment = fault.New(fault.Conflict, "This commitment changed meanwhile (in another window?). Look at it again.")

// Commitment returns u's own commitment id in circleID; anyone else's is
// not found, since only its owner acts on it.
func (s *Service) Commitment(ctx context.Context, u *account.User, circleID, id string) (*store.DueCommitment, error) {
	if _, err := s.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	d, err := s.DB.FindCommitment(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	if d.CircleID != circleID || d.UserID != u.ID {
		return nil, store.ErrNotFound
	}
	return d, nil
}

// DueOn is the moment a commitment due on the calendar day day (in zone
// tz) falls due: nine in the morning there, so that its reminder comes the
// morning before and its follow-up the morning after.
func DueOn(day time.Time, tz string) time.Time {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, loc).UTC()
}

// ChangeCommitment does ch to u's own commitment if it is still at
// version: marks it done or open again, moves it, or lets it go.
func (s *Service) ChangeCommitment(ctx context.Context, u *account.User, circleID, id string, version int, ch circle.CommitmentChange) (int, error) {
	d, err := s.Commitment(ctx, u, circleID, id)
	if err != nil {
		return 0, err
	}
	if d.Version != version {
		return 0, errStaleCommitment
	}
	if (ch.Due != nil || ch.LetGo) && !d.Open() {
		return 0, circle.ErrCommitmentClosed
	}
	if ch.Due != nil && !ch.Due.After(s.now()) {
		return 0, circle.ErrDuePast
	}
	v, err := s.DB.ChangeCommitment(ctx, u.OrgID, circleID, id, u.ID, version, ch)
	if errors.Is(err, store.ErrConflict) {
		return 0, errStaleCommitment
	}
	return v, err
}

// SendCommitmentMail sends the reminder or follow-up of a commitment_due
// job if it is still wanted: the commitment open, still due when the job
// was planned for, this email not sent, and, for the reminder, its due
// time still ahead. It reports whether it sent.
func (s *Service) SendCommitmentMail(ctx context.Context, job store.CommitmentJob) (bool, error) {
	orgID, err := s.DB.FindCommitmentOrg(ctx, job.CommitmentID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	d, err := s.DB.FindCommitment(ctx, orgID, job.CommitmentID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !d.Open() || d.DueAt == nil || d.DueAt.Unix() != job.Due {
		return false, nil
	}
	due := dayOf(*d.DueAt, d.Timezone)
	link := s.link("/circles/" + d.CircleID + "/commitments/" + d.ID)
	var msg mail.Message
	switch job.Email {
	case circle.DueSoon:
		if !d.DueAt.After(s.now()) {
			// Run late (the server was down): a reminder of a time
			// already past would be wrong; the follow-up asks instead.
			return false, nil
		}
		msg = mail.CommitmentDue(d.Email, d.UserName, program.Label(&d.Program), d.Body, due, link)
	case circle.DueFollowUp:
		msg = mail.CommitmentFollowUp(d.Email, d.UserName, program.Label(&d.Program), d.Body, due, link)
	default:
		return false, nil
	}
	return s.DB.SendCommitmentMail(ctx, orgID, d.ID, job.Email, d.Version, queue.Mail(msg))
}

// dayOf says the day of t in zone tz: "Tuesday 1 December".
func dayOf(t time.Time, tz string) string {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Monday 2 January")
}

// CommitmentWorker works commitment_due jobs.
type CommitmentWorker struct {
	river.WorkerDefaults[store.CommitmentJob]
	Service *Service
}

// Work sends the job's email unless it is no longer wanted.
func (w *CommitmentWorker) Work(ctx context.Context, job *river.Job[store.CommitmentJob]) error {
	_, err := w.Service.SendCommitmentMail(ctx, job.Args)
	return err
}

// --- streaks ---

// Streak returns u's streak: the held meetings of their circles they
// attended in a row, and the commitments they kept in a row, counted back
// from now. Only u sees it.
func (s *Service) Streak(ctx context.Context, u *account.User) (circle.Streak, error) {
	held, err := s.DB.FindMeetingsHeld(ctx, u.OrgID, u.ID, 200)
	if err != nil {
		return circle.Streak{}, err
	}
	var st circle.Streak
	st.Meetings, st.LongestRun = circle.MeetingStreak(held)
	cs, err := s.DB.FindCommitmentDates(ctx, u.OrgID, u.ID, 200)
	if err != nil {
		return circle.Streak{}, err
	}
	st.Commitments = circle.CommitmentStreak(cs, s.now())
	return st, nil
}

// Now is the time by the store's clock, for pages that say whether
// something is still ahead.
func (s *Service) Now() time.Time { return s.now() }
