package meetings

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// InviteGuest invites a colleague who is not in the circle to observe one
// meeting, as the book asks circles to spread the practice. They get a
// personal link by email; the ground rules apply to them too.
func (s *Service) InviteGuest(ctx context.Context, u *account.User, circleID, meetingID, guestID string) (*room.Guest, error) {
	c, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	if !m.Ahead(s.now()) {
		return nil, fault.Fields(map[string]string{"meeting": "Guests can only be invited to a meeting ahead."})
	}
	guest, err := s.DB.FindUserByID(ctx, u.OrgID, guestID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (guest.Status != account.StatusActive || c.Member(guest.ID) != nil)) {
		return nil, fault.Fields(map[string]string{"user_id": "Choose a colleague who is not in the circle."})
	}
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	tok := account.NewToken(account.GuestPrefix)
	g := &room.Guest{OrgID: u.OrgID, CircleID: circleID, MeetingID: meetingID, UserID: guest.ID, Name: guest.Name, InvitedBy: u.ID}
	msg := mail.GuestInvitation(guest.Email, guest.Name, u.Name, p.Name, m.When(guest.Timezone), guest.Timezone, s.link("/guest/"+tok))
	if err := s.DB.CreateGuest(ctx, g, account.HashToken(tok), queue.Mail(msg)); err != nil {
		return nil, err
	}
	return g, nil
}

// Guests lists the guests of a meeting, for its members.
func (s *Service) Guests(ctx context.Context, u *account.User, circleID, meetingID string) ([]room.Guest, error) {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return nil, err
	}
	return s.DB.FindGuests(ctx, u.OrgID, meetingID)
}

// GuestVisit is what a guest sees: the invitation and the ground rules
// before accepting, then the live meeting while it runs.
type GuestVisit struct {
	Guest       room.Guest
	ProgramName string
	When        string
	Rules       circle.GroundRules
	// Over says the meeting has ended, and with it the visit: a guest
	// sees a meeting only while it runs.
	Over bool
	// State is the meeting's room while it runs; nil before the circle
	// opened it and once it is over. Names and Present name the people in
	// it.
	State   *room.State
	Seq     int64
	Names   map[string]string
	Present []string
}

// guest finds the invitation behind a guest link, for the person it was
// made for only.
func (s *Service) guest(ctx context.Context, u *account.User, token string) (*room.Guest, error) {
	g, err := s.DB.FindGuestByToken(ctx, account.HashToken(token))
	if err != nil {
		return nil, err
	}
	if g.OrgID != u.OrgID || g.UserID != u.ID {
		return nil, store.ErrNotFound
	}
	return g, nil
}

// Visit returns what the invited guest may see. Before they accept the
// ground rules it is the invitation only; afterwards the meeting's room
// while it runs — its timer, agenda and who is there — and never the
// circle's notes, offers, agreement or history. Once the meeting has
// ended, the visit is over.
func (s *Service) Visit(ctx context.Context, u *account.User, token string) (*GuestVisit, error) {
	g, err := s.guest(ctx, u, token)
	if err != nil {
		return nil, err
	}
	c, err := s.DB.FindCircleByID(ctx, g.OrgID, g.CircleID)
	if err != nil {
		return nil, err
	}
	if c.Status != "active" {
		return nil, store.ErrNotFound
	}
	p, err := s.DB.FindProgramByID(ctx, g.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	meetings, err := s.DB.FindMeetings(ctx, g.OrgID, g.CircleID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(meetings, func(m circle.Meeting) bool { return m.ID == g.MeetingID })
	if i < 0 {
		return nil, store.ErrNotFound
	}
	rules, err := s.DB.FindGroundRules(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	v := &GuestVisit{Guest: *g, ProgramName: p.Name, When: meetings[i].When(u.Timezone), Rules: *rules, Names: map[string]string{}}
	if g.AcceptedAt == nil {
		return v, nil
	}
	r, err := s.DB.FindRoom(ctx, g.OrgID, g.MeetingID)
	if errors.Is(err, store.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := room.Decode(r.State)
	if err != nil {
		return nil, err
	}
	if st.Phase == room.Ended {
		v.Over = true
		return v, nil
	}
	v.State, v.Seq = &st, r.Seq
	for _, m := range c.Members {
		v.Names[m.UserID] = m.Name
	}
	checkins, err := s.DB.FindCheckins(ctx, g.OrgID, g.MeetingID)
	if err != nil {
		return nil, err
	}
	for _, ci := range checkins {
		v.Present = append(v.Present, ci.Name)
	}
	return v, nil
}

// AcceptVisit records that the guest accepted the ground rules and the
// circle's confidentiality.
func (s *Service) AcceptVisit(ctx context.Context, u *account.User, token string) error {
	g, err := s.guest(ctx, u, token)
	if err != nil {
		return err
	}
	return s.DB.AcceptGuest(ctx, g.OrgID, g.ID)
}

// GuestRoom is the live feed's name for what a meeting's guests follow:
// the room's timer without anything its members wrote.
func GuestRoom(meetingID string) string { return "guest:" + meetingID }

// GuestSnapshot is a room as its guests' pages receive it: the timer only.
type GuestSnapshot struct {
	Seq         int64      `json:"seq"`
	Version     int64      `json:"version"`
	Phase       room.Phase `json:"phase"`
	Step        int        `json:"step"`
	EndsAt      *time.Time `json:"ends_at,omitempty"`
	RemainingMS int64      `json:"remaining_ms"`
	ServerNow   time.Time  `json:"server_now"`
	// Agenda holds each step's length, for the progress bar.
	Agenda []GuestStep `json:"agenda"`
}

// GuestStep is a step as guests' pages need it.
type GuestStep struct {
	Seconds int `json:"seconds"`
}

// GuestSnapshotOf is st as guests receive it at now.
func GuestSnapshotOf(st *room.State, seq int64, now time.Time) GuestSnapshot {
	g := GuestSnapshot{Seq: seq, Version: st.Version, Phase: st.Phase, Step: st.Step, RemainingMS: st.Left(now).Milliseconds(), ServerNow: now.UTC()}
	if st.Phase == room.Running {
		at := st.EndsAt.UTC()
		g.EndsAt = &at
	}
	for _, step := range st.Agenda() {
		g.Agenda = append(g.Agenda, GuestStep{Seconds: int(step.Duration / time.Second)})
	}
	return g
}

// LoadGuestRoom is LoadRoom for a meeting's guests.
func (s *Service) LoadGuestRoom(ctx context.Context, meetingID string) (*GuestSnapshot, error) {
	r, err := s.DB.FindRoomByMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	st, err := room.Decode(r.State)
	if err != nil {
		return nil, err
	}
	g := GuestSnapshotOf(&st, r.Seq, s.now())
	return &g, nil
}
