// Package meetings is a meeting's live room: the council's agenda and the
// shared timer, check-ins, choosing presenters, offers of counsel that a
// presenter may take as commitments, the shared note, closing answers,
// each member's sealed private reflection, the summary sent when the
// meeting ends, and guests invited to observe one meeting. It tells every
// instance when a room changes, so that open pages follow.
package meetings

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/circles"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the meeting room's flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
	// Circles answers who is inside a circle: a room is the circle's own.
	Circles *circles.Service
	// Live tells every instance that a meeting's room changed; nil in a
	// setting without open room pages.
	Live Notifier
	// Seal encrypts private reflections.
	Seal *seal.Box
	// Notes keeps each member's private helping notes; nil where none
	// are kept.
	Notes HelpNotes
}

func (s *Service) link(path string) string {
	u := *s.BaseURL
	u.Path = path
	return u.String()
}

func (s *Service) now() time.Time { return s.DB.Now() }

// Notifier tells every instance that a room changed, so that each pushes
// the room's new state to the pages it has open.
type Notifier interface {
	Notify(ctx context.Context, room string, seq int64) error
}

// notify tells the room's open pages about seq. A lost notification only
// delays a page until its next reconnect, so a failure is logged, not
// returned: the change itself is saved.
func (s *Service) notify(ctx context.Context, meetingID string, seq int64) {
	if s.Live == nil {
		return
	}
	for _, name := range []string{meetingID, GuestRoom(meetingID)} {
		if err := s.Live.Notify(ctx, name, seq); err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "notify room", "meeting_id", meetingID, "err", err)
		}
	}
}

// meeting loads a meeting of a circle u may see inside.
func (s *Service) meeting(ctx context.Context, u *account.User, circleID, meetingID string) (*program.Circle, *circle.Meeting, error) {
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.DB.FindMeetingByID(ctx, u.OrgID, circleID, meetingID)
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// RoomView is what a member's room page shows.
type RoomView struct {
	Circle  program.Circle
	Program program.Program
	Meeting circle.Meeting
	State   room.State
	Seq     int64
	// Names maps member ids to names.
	Names    map[string]string
	Offers   []room.Offer
	Checkins []room.Checkin
	// Present are the members known to be at the meeting, in the order
	// they came: in its live room while it was on, active in it, or
	// checked in.
	Present     []string
	Note        *room.Note
	Commitments []circle.Commitment
	// Agreement is the working agreement in force, for the opening and
	// the closing.
	Agreement string
	// LeastRecent lists members by how long ago they last presented,
	// longest first (never first): the fairness hint when choosing.
	LeastRecent []string
	// Answers are the members' closing answers: did we get what we
	// wanted today?
	Answers []room.ClosingAnswer
	// VideoURL is the circle's call, from its schedule; "" when it has
	// none.
	VideoURL string
	// Suggested is the agenda item the circle's pulse suggests, after a
	// drop from one shown round to the next, for the facilitator to
	// offer while the meeting has not ended; "" otherwise.
	Suggested string
	// Ritual says the meeting is its season's last, whose closing holds
	// the ritual: appreciations and what each takes with them, in
	// RitualWords.
	Ritual      bool
	RitualWords []room.RitualWord
}

// Room opens a meeting's room for a member, creating its state on the
// first visit: the program's protocol with the book's timings, the
// members, and the meeting's facilitator and timekeeper.
func (s *Service) Room(ctx context.Context, u *account.User, circleID, meetingID string) (*RoomView, error) {
	c, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	r, err := s.DB.FindRoom(ctx, u.OrgID, meetingID)
	if errors.Is(err, store.ErrNotFound) {
		if m.Status == circle.Cancelled {
			return nil, circle.ErrMeetingCancelled
		}
		r, err = s.openRoom(ctx, c, m)
	}
	if err != nil {
		return nil, err
	}
	st, err := room.Decode(r.State)
	if err != nil {
		return nil, err
	}
	// Having the room open while the meeting is on is being there, and
	// an open page reloads it at every change.
	if err := s.attend(ctx, u, m, st); err != nil {
		return nil, err
	}
	return s.roomView(ctx, u.OrgID, c, m, r)
}

// on reports whether a meeting is on at now, so that being in its room
// means being at it: under way, or ready within circle.EarlyStart of its
// time. A look at the room days ahead, or after the end, is not.
func on(st room.State, m *circle.Meeting, now time.Time) bool {
	switch st.Phase {
	case room.Running, room.Paused:
		return true
	case room.Ready:
		return !m.Early(now)
	}
	return false
}

// attend records u as present at m if the meeting is on, as st says,
// and tells the open pages of someone new.
func (s *Service) attend(ctx context.Context, u *account.User, m *circle.Meeting, st room.State) error {
	if !on(st, m, s.now()) {
		return nil
	}
	return s.present(ctx, u, m.ID)
}

// present records u as present at a meeting, once; the open pages hear of
// someone new.
func (s *Service) present(ctx context.Context, u *account.User, meetingID string) error {
	added, err := s.DB.RecordPresence(ctx, u.OrgID, meetingID, u.ID)
	if err != nil || !added {
		return err
	}
	return s.touch(ctx, u.OrgID, meetingID)
}

// attendRoom records u as present at m if its room shows the meeting on;
// a room nobody opened yet counts as ready.
func (s *Service) attendRoom(ctx context.Context, u *account.User, m *circle.Meeting) error {
	st := room.State{Phase: room.Ready}
	r, err := s.DB.FindRoom(ctx, u.OrgID, m.ID)
	switch {
	case err == nil:
		if st, err = room.Decode(r.State); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return s.attend(ctx, u, m, st)
}

// roomSettings is a circle's meeting format: its own, or the program's
// protocol with the book's timings.
func (s *Service) roomSettings(ctx context.Context, c *program.Circle) (room.Settings, error) {
	stored, err := s.DB.FindRoomSettings(ctx, c.OrgID, c.ID)
	if err != nil {
		return room.Settings{}, err
	}
	if stored != "" {
		var st room.Settings
		if err := json.Unmarshal([]byte(stored), &st); err == nil && st.Validate() == nil {
			return st, nil
		}
	}
	p, err := s.DB.FindProgramByID(ctx, c.OrgID, c.ProgramID)
	if err != nil {
		return room.Settings{}, err
	}
	protocol := room.Protocol(p.Protocol)
	if p.Format == program.FormatPair {
		protocol = room.Pair
	}
	return room.DefaultSettings(protocol), nil
}

// RoomSettings returns the meeting format a circle's next rooms open with.
func (s *Service) RoomSettings(ctx context.Context, u *account.User, circleID string) (room.Settings, error) {
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return room.Settings{}, err
	}
	return s.roomSettings(ctx, c)
}

// UpdateRoomSettings sets a circle's own meeting format: council or forum
// (a pair keeps the pair protocol) and how long each step lasts. Rooms
// already open keep theirs.
func (s *Service) UpdateRoomSettings(ctx context.Context, u *account.User, circleID string, st room.Settings) error {
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return err
	}
	p, err := s.DB.FindProgramByID(ctx, c.OrgID, c.ProgramID)
	if err != nil {
		return err
	}
	if (p.Format == program.FormatPair) != (st.Protocol == room.Pair) {
		return fault.Fields(map[string]string{"protocol": "Pairs meet with the pair protocol; circles choose council or forum."})
	}
	if err := st.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.DB.UpdateRoomSettings(ctx, c.OrgID, c.ID, string(b))
}

func (s *Service) openRoom(ctx context.Context, c *program.Circle, m *circle.Meeting) (*store.Room, error) {
	settings, err := s.roomSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	members := c.UserIDs()
	facilitator, timekeeper := m.FacilitatorID, m.TimekeeperID
	if !slices.Contains(members, facilitator) {
		facilitator = members[0]
	}
	if !slices.Contains(members, timekeeper) || timekeeper == facilitator {
		timekeeper = members[len(members)-1]
	}
	st, err := room.New(settings, members, facilitator, timekeeper)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, c.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	if st.Ritual, err = s.seasonLast(ctx, c.OrgID, c, p, m); err != nil {
		return nil, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return s.DB.CreateRoom(ctx, c.OrgID, c.ID, m.ID, b, st.Version)
}

// liveView loads what a room's snapshot needs and no more: it runs for
// every change of every watched room, on every instance.
func (s *Service) liveView(ctx context.Context, orgID string, c *program.Circle, meetingID string, r *store.Room) (*RoomView, error) {
	v := &RoomView{Circle: *c, Seq: r.Seq, Names: map[string]string{}}
	if err := json.Unmarshal(r.State, &v.State); err != nil {
		return nil, fmt.Errorf("room state: %w", err)
	}
	for _, mem := range c.Members {
		v.Names[mem.UserID] = mem.Name
	}
	var err error
	if v.Offers, err = s.DB.FindOffers(ctx, orgID, meetingID); err != nil {
		return nil, err
	}
	if v.Checkins, err = s.DB.FindCheckins(ctx, orgID, meetingID); err != nil {
		return nil, err
	}
	present, err := s.DB.FindPresence(ctx, orgID, meetingID)
	if err != nil {
		return nil, err
	}
	// Someone who has since left the circle is no longer shown.
	for _, id := range present {
		if _, ok := v.Names[id]; ok {
			v.Present = append(v.Present, id)
		}
	}
	return v, nil
}

// roomView is the whole room page: the live part and the rest.
func (s *Service) roomView(ctx context.Context, orgID string, c *program.Circle, m *circle.Meeting, r *store.Room) (*RoomView, error) {
	v, err := s.liveView(ctx, orgID, c, m.ID, r)
	if err != nil {
		return nil, err
	}
	v.Meeting = *m
	p, err := s.DB.FindProgramByID(ctx, orgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	v.Program = *p
	if v.Note, err = s.DB.FindNote(ctx, orgID, m.ID); err != nil {
		return nil, err
	}
	if v.Commitments, err = s.DB.FindRoomCommitments(ctx, orgID, c.ID, m.ID); err != nil {
		return nil, err
	}
	if v.Agreement, err = s.DB.FindAdoptedAgreement(ctx, orgID, c.ID); err != nil {
		return nil, err
	}
	if v.Answers, err = s.DB.FindClosingAnswers(ctx, orgID, m.ID); err != nil {
		return nil, err
	}
	sched, err := s.DB.FindScheduleIfAny(ctx, orgID, c.ID)
	if err != nil {
		return nil, err
	}
	if sched != nil {
		v.VideoURL = sched.VideoURL
	}
	if v.State.Phase != room.Ended {
		// Whether the pulse dropped is read from its last two shown rounds.
		rounds, err := s.DB.FindLatestPulseRounds(ctx, orgID, c.ID, 2)
		if err != nil {
			return nil, err
		}
		if pulse.TrendOf(rounds).Dropped {
			v.Suggested = pulse.SuggestedItem
		}
	}
	if seasonEnds(c, p) {
		ms, err := s.DB.FindMeetingsFrom(ctx, orgID, c.ID, m.Start, m.ID)
		if err != nil {
			return nil, err
		}
		if v.Ritual = seasonLastOf(c, p, sched, ms, m.ID); v.Ritual {
			if v.RitualWords, err = s.DB.FindRitualWords(ctx, orgID, m.ID); err != nil {
				return nil, err
			}
		}
	}
	v.LeastRecent, err = s.leastRecentPresenters(ctx, orgID, c, m)
	return v, err
}

// seasonLast reports whether m is the last meeting of c's season
// (circle.SeasonLast), reading c's schedule and its meetings from m on
// only where the season can end.
func (s *Service) seasonLast(ctx context.Context, orgID string, c *program.Circle, p *program.Program, m *circle.Meeting) (bool, error) {
	if !seasonEnds(c, p) {
		return false, nil
	}
	sched, err := s.DB.FindScheduleIfAny(ctx, orgID, c.ID)
	if err != nil {
		return false, err
	}
	ms, err := s.DB.FindMeetingsFrom(ctx, orgID, c.ID, m.Start, m.ID)
	if err != nil {
		return false, err
	}
	return seasonLastOf(c, p, sched, ms, m.ID), nil
}

// seasonEnds reports whether c's season can end, and so have a last
// meeting: it has finished, or its program has an end. A circle that runs
// on without one has none.
func seasonEnds(c *program.Circle, p *program.Program) bool {
	return c.FinishedAt != nil || !p.EndsAt.IsZero()
}

// seasonLastOf is seasonLast for a circle whose schedule, or nil, has
// been read. ms may start at meetingID: SeasonLast looks back from the
// newest, and an answer before meetingID is not meetingID either way.
func seasonLastOf(c *program.Circle, p *program.Program, sched *circle.Schedule, ms []circle.Meeting, meetingID string) bool {
	period := circle.PeriodFor(p.Cadence)
	if sched != nil {
		period = sched.Rule.Period()
	}
	i := circle.SeasonLast(ms, p, c.FinishedAt, period)
	return i >= 0 && ms[i].ID == meetingID
}

// SaveRitual keeps a member's words in the closing ritual of their
// circle's last meeting of the season, once it has begun: an
// appreciation (kind room.Appreciation) to another member, toID, or what
// they take with them (room.Takeaway). Each may write one of each, and
// change it. The circle reads them in the room; nobody else.
func (s *Service) SaveRitual(ctx context.Context, u *account.User, circleID, meetingID, kind, toID, body string) error {
	c, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return err
	}
	last, err := s.seasonLast(ctx, u.OrgID, c, p, m)
	if err != nil {
		return err
	}
	if !last {
		return room.ErrNoRitual
	}
	body = strings.TrimSpace(body)
	var v account.Validator
	v.Check(kind == room.Appreciation || kind == room.Takeaway, "kind", "Choose an appreciation or what you take with you.")
	v.Check(body != "", "body", "Write a few words.")
	v.Check(len([]rune(body)) <= room.MaxRitualLen, "body", fmt.Sprintf("Keep it under %d characters.", room.MaxRitualLen))
	v.Check(!m.Start.After(s.now()), "body", "The meeting has not begun yet.")
	if kind == room.Appreciation {
		v.Check(toID != u.ID && c.Member(toID) != nil, "to", "Choose another member of the circle.")
	} else {
		toID = ""
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.SaveRitualWord(ctx, u.OrgID, meetingID, &room.RitualWord{UserID: u.ID, Kind: kind, ToID: toID, Body: body})
}

// Ritual returns the words of a meeting's closing ritual, for a member.
func (s *Service) Ritual(ctx context.Context, u *account.User, circleID, meetingID string) ([]room.RitualWord, error) {
	c, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	last, err := s.seasonLast(ctx, u.OrgID, c, p, m)
	if err != nil {
		return nil, err
	}
	if !last {
		return nil, room.ErrNoRitual
	}
	return s.DB.FindRitualWords(ctx, u.OrgID, m.ID)
}

// Closing tells whether the meeting has reached its closing: the closing
// step is under way, or the meeting has ended.
func (v *RoomView) Closing() bool {
	return closing(v.State)
}

func closing(st room.State) bool {
	if st.Phase == room.Ended {
		return true
	}
	k := st.Current().Kind
	return st.Phase != room.Ready && (k == room.Closing || k == room.Farewell)
}

// leastRecentPresenters orders the members by when they last presented
// in an earlier meeting of the circle, longest ago (or never) first.
func (s *Service) leastRecentPresenters(ctx context.Context, orgID string, c *program.Circle, m *circle.Meeting) ([]string, error) {
	out := c.UserIDs()
	// The latest meeting comes first, so a member's first turn found is
	// their last. The history is read a few meetings at a time, back from
	// the latest, until every member has had a turn or it runs out: most
	// circles need one read however long they have met.
	ago := make(map[string]int, len(out)) // meetings back, 0 the latest
	left, page := len(out), max(4, 2*len(out))
	for offset := 0; left > 0; offset += page {
		states, err := s.DB.FindEarlierRooms(ctx, orgID, c.ID, m.Start, offset, page)
		if err != nil {
			return nil, err
		}
		for i, b := range states {
			var st struct {
				Presenters []string `json:"presenters"`
			}
			if json.Unmarshal(b, &st) != nil {
				continue
			}
			for _, p := range st.Presenters {
				if _, seen := ago[p]; seen {
					continue
				}
				ago[p] = offset + i
				if c.Member(p) != nil {
					left--
				}
			}
		}
		if len(states) < page {
			break
		}
	}
	// Never first, then the longest ago.
	key := func(id string) int {
		if n, ok := ago[id]; ok {
			return -n
		}
		return math.MinInt
	}
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(key(a), key(b)) })
	return out, nil
}

// RoomCommand applies a member's command to the meeting. The state is
// saved only if nobody changed it since the version the member saw; then
// every open room page receives it.
//
// Starting a meeting more than circle.EarlyStart before its time holds it
// now instead: the command must say so (Confirm), or it is refused with
// ErrEarlyStart, which names the meeting's time. Confirmed, the meeting
// moves to now with the room's start (circles.Service.HoldNow).
func (s *Service) RoomCommand(ctx context.Context, u *account.User, circleID, meetingID string, cmd room.Command) (*room.State, error) {
	_, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	r, err := s.DB.FindRoom(ctx, u.OrgID, meetingID)
	if err != nil {
		return nil, err
	}
	st, err := room.Decode(r.State)
	if err != nil {
		return nil, err
	}
	cmd.By = u.ID
	if cmd.Kind == room.CmdShuffle {
		// Randomness stays out of package room so that it is testable.
		cmd.Order = slices.Clone(st.Order)
		rand.Shuffle(len(cmd.Order), func(i, j int) { cmd.Order[i], cmd.Order[j] = cmd.Order[j], cmd.Order[i] })
	}
	now := s.now()
	next, err := st.Apply(cmd, now)
	if err != nil {
		return nil, err
	}
	early := cmd.Kind == room.CmdStart && m.Early(now)
	if early && !cmd.Confirm {
		return nil, earlyStart(m, u.Timezone)
	}
	// Whoever runs the meeting while it is on, or starts it, is at it;
	// setting up the room days ahead is not.
	if on(st, m, now) || next.Phase != room.Ready {
		if err := s.present(ctx, u, meetingID); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(next)
	if err != nil {
		return nil, err
	}
	var msgs []mail.Message
	if next.Phase == room.Ended && st.Phase != room.Ended {
		if msgs, err = s.summary(ctx, u.OrgID, circleID, meetingID, &next); err != nil {
			return nil, err
		}
	}
	var seq int64
	if early {
		seq, err = s.startEarly(ctx, u.OrgID, circleID, meetingID, st.Version, b, next.Version)
	} else {
		seq, err = s.DB.UpdateRoom(ctx, u.OrgID, meetingID, st.Version, b, next.Version, queue.Mails(msgs))
	}
	if errors.Is(err, store.ErrConflict) {
		return nil, room.ErrStale
	}
	if err != nil {
		return nil, err
	}
	s.notify(ctx, meetingID, seq)
	return &next, nil
}

// ErrEarlyStart: the meeting's time is more than circle.EarlyStart away,
// and starting it now would move it. The error a caller sees asks whether
// to start the meeting of its date now.
var ErrEarlyStart = fault.New(fault.Conflict, "This meeting is not due yet.")

// earlyStart is ErrEarlyStart naming m's time in zone tz.
func earlyStart(m *circle.Meeting, tz string) error {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	return fault.Wrap(fault.Conflict, fmt.Sprintf("Start the meeting of %s now? It is more than an hour away: starting it "+
		"moves it to now in everyone's calendar. Confirm to start it now.", m.Start.In(loc).Format("Monday 2 January, 15:04")), ErrEarlyStart)
}

// earlyAttempts bounds how often an early start is planned again because
// the circle changed while its room did not.
const earlyAttempts = 5

// startEarly saves a meeting moved to now with its room's start, in one
// transaction. The member decided on the room at version from: if the
// room changed meanwhile, that is a conflict, and they see the room as it
// now is and decide again. The circle is another matter: its hourly
// upkeep, or a member's change of a later meeting, moves its version
// without touching this meeting's room, so the move is planned again on
// the circle as it now is. A meeting that changed meanwhile (cancelled,
// say) is refused by the new plan.
func (s *Service) startEarly(ctx context.Context, orgID, circleID, meetingID string, from int64, state []byte, to int64) (int64, error) {
	for attempt := 1; ; attempt++ {
		cst, err := s.DB.FindCircleState(ctx, orgID, circleID)
		if err != nil {
			return 0, err
		}
		plan, err := s.Circles.HoldNow(ctx, cst, meetingID)
		if err != nil {
			return 0, err
		}
		seq, err := s.DB.StartMeetingEarly(ctx, cst, plan, meetingID, from, state, to)
		if !errors.Is(err, store.ErrConflict) || attempt == earlyAttempts {
			return seq, err
		}
		r, rerr := s.DB.FindRoom(ctx, orgID, meetingID)
		if rerr != nil {
			return 0, rerr
		}
		if r.Version != from {
			return 0, err
		}
	}
}

// touch tells open pages that a room's content changed. The change is
// saved by then, so a failure here only delays the pages until their next
// change or reconnect: it is logged, not returned.
func (s *Service) touch(ctx context.Context, orgID, meetingID string) error {
	seq, err := s.DB.TouchRoom(ctx, orgID, meetingID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // nobody has opened the room yet: no page to tell
	}
	if err != nil {
		if s.Logger != nil {
			s.Logger.WarnContext(ctx, "touch room", "meeting_id", meetingID, "err", err)
		}
		return nil
	}
	s.notify(ctx, meetingID, seq)
	return nil
}

// CheckinInput is a member's check-in: how they are, their progress on
// last meeting's commitments, wins, and what they want to table.
type CheckinInput struct {
	Mood   string
	Wins   string
	Tabled string
	// Progress maps a commitment id to its progress ("done", "partly",
	// "not_yet") and what was learned.
	Progress map[string][2]string
}

// Moods are the check-in's quick answer to "how are you arriving?".
var Moods = []string{"energised", "good", "okay", "stretched", "low"}

// Checkin records a member's check-in, which also marks them present.
func (s *Service) Checkin(ctx context.Context, u *account.User, circleID, meetingID string, in CheckinInput) error {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return err
	}
	var v account.Validator
	v.Check(in.Mood == "" || slices.Contains(Moods, in.Mood), "mood", "Choose one of the moods, or none.")
	v.Check(len([]rune(in.Wins)) <= 1000, "wins", "Keep it under 1,000 characters.")
	v.Check(len([]rune(in.Tabled)) <= 1000, "tabled", "Keep it under 1,000 characters.")
	for _, p := range in.Progress {
		v.Check(p[0] == "" || slices.Contains(circle.Progresses, p[0]), "progress", "Choose done, partly or not yet.")
		v.Check(len([]rune(p[1])) <= 1000, "learned", "Keep it under 1,000 characters.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	for id, p := range in.Progress {
		if p[0] == "" && strings.TrimSpace(p[1]) == "" {
			delete(in.Progress, id)
		}
	}
	c := &room.Checkin{UserID: u.ID, Mood: in.Mood, Wins: strings.TrimSpace(in.Wins), Tabled: strings.TrimSpace(in.Tabled)}
	if err := s.DB.SaveCheckin(ctx, u.OrgID, circleID, meetingID, c, in.Progress); err != nil {
		return err
	}
	return s.touch(ctx, u.OrgID, meetingID)
}

// ClosingAnswers are the quick answers to "did we get what we wanted
// today?".
var ClosingAnswers = []string{"yes", "partly", "no"}

// AnswerClosing records a member's answer to the working agreement's
// question at the close — did we get what we wanted today? — with an
// optional word on it. It may be given, and changed, once the meeting has
// reached its closing.
func (s *Service) AnswerClosing(ctx context.Context, u *account.User, circleID, meetingID, answer, note string) error {
	_, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var v account.Validator
	v.Check(slices.Contains(ClosingAnswers, answer), "answer", "Choose yes, partly or no.")
	v.Check(len([]rune(note)) <= 280, "note", "Keep it under 280 characters.")
	if err := v.Err(); err != nil {
		return err
	}
	r, err := s.DB.FindRoom(ctx, u.OrgID, meetingID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	reached := false
	var st room.State
	if err == nil {
		if st, err = room.Decode(r.State); err != nil {
			return err
		}
		reached = closing(st)
	}
	if !reached {
		return fault.Fields(map[string]string{"answer": "The meeting has not reached its closing yet."})
	}
	if err := s.DB.SaveClosingAnswer(ctx, u.OrgID, meetingID, &room.ClosingAnswer{UserID: u.ID, Answer: answer, Note: note}); err != nil {
		return err
	}
	if err := s.attend(ctx, u, m, st); err != nil {
		return err
	}
	return s.touch(ctx, u.OrgID, meetingID)
}

// Offer adds a member's counsel for a presenter, as a short note the
// presenter may take or leave.
func (s *Service) Offer(ctx context.Context, u *account.User, circleID, meetingID, presenterID, body string) error {
	c, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	presenting := c.Member(presenterID) != nil && presenterID != u.ID
	if r, err := s.DB.FindRoom(ctx, u.OrgID, meetingID); err == nil {
		var st room.State
		if json.Unmarshal(r.State, &st) == nil {
			presenting = presenting && slices.Contains(st.Presenters, presenterID)
		}
	}
	var v account.Validator
	v.Check(presenting, "presenter_id", "Offer counsel to one of today's presenters (not yourself).")
	v.Check(body != "" && len([]rune(body)) <= 500, "body", "Write your offer in up to 500 characters.")
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.DB.CreateOffer(ctx, u.OrgID, meetingID, &room.Offer{PresenterID: presenterID, AuthorID: u.ID, Body: body}); err != nil {
		return err
	}
	if err := s.attendRoom(ctx, u, m); err != nil {
		return err
	}
	return s.touch(ctx, u.OrgID, meetingID)
}

// TakeOffer turns an offer into the presenter's own commitment for the
// next meeting, in their words; only the presenter it was made to may.
//
// The presenter owns the problem and the next step, so the commitment is
// what they will do, never the helper's words: a body that only repeats
// the offer is refused.
func (s *Service) TakeOffer(ctx context.Context, u *account.User, circleID, meetingID, offerID, body string) (*circle.Commitment, error) {
	_, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" || len([]rune(body)) > circle.MaxCommitmentLen {
		return nil, fault.Fields(map[string]string{"body": "Say what you will do, in your own words, in up to 500 characters."})
	}
	offers, err := s.DB.FindOffers(ctx, u.OrgID, meetingID)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(offers, func(o room.Offer) bool { return o.ID == offerID }); i >= 0 && sameWords(offers[i].Body, body) {
		return nil, fault.Fields(map[string]string{"body": "That is the offer as it was made. Say what you will do, in your own words."})
	}
	// It is due at the circle's next meeting.
	now := s.DB.Now()
	ahead, err := s.DB.FindUpcomingMeetings(ctx, u.OrgID, []string{circleID}, now)
	if err != nil {
		return nil, err
	}
	due := circle.DefaultDue(ahead[circleID], now)
	c, err := s.DB.TakeOffer(ctx, u.OrgID, circleID, meetingID, offerID, u.ID, body, due)
	if errors.Is(err, store.ErrConflict) {
		return nil, fault.Wrap(fault.Conflict, "You have taken this offer already; it is one of your commitments.", err)
	}
	if err != nil {
		return nil, err
	}
	c.UserName = u.Name
	if err := s.attendRoom(ctx, u, m); err != nil {
		return nil, err
	}
	return c, s.touch(ctx, u.OrgID, meetingID)
}

// sameWords reports whether a and b say the same words, whatever their
// case, spacing and closing punctuation.
func sameWords(a, b string) bool {
	words := func(s string) string {
		return strings.Join(strings.Fields(strings.TrimRight(strings.ToLower(s), " .!?…")), " ")
	}
	return words(a) == words(b)
}

// Now is the service's clock, by which the room counts down.
func (s *Service) Now() time.Time { return s.now() }

// ErrNoteChanged means someone saved the shared note after the version a
// member's change was based on; their text is not lost (the caller shows
// it back beside the newer note).
var ErrNoteChanged = fault.New(fault.Stale, "Someone else saved the note first.")

// SaveNote saves the meeting's shared note if nobody changed it since
// version; otherwise an error of kind Stale that wraps ErrNoteChanged and
// says the note's current version.
func (s *Service) SaveNote(ctx context.Context, u *account.User, circleID, meetingID, body string, version int64) (*room.Note, error) {
	_, m, err := s.meeting(ctx, u, circleID, meetingID)
	if err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	if len([]rune(body)) > circle.MaxTextLen {
		return nil, fault.Fields(map[string]string{"body": fmt.Sprintf("Keep the note under %d characters.", circle.MaxTextLen)})
	}
	n, err := s.DB.SaveNote(ctx, u.OrgID, meetingID, u.ID, body, version)
	if errors.Is(err, store.ErrConflict) {
		cur, ferr := s.DB.FindNote(ctx, u.OrgID, meetingID)
		if ferr != nil {
			return nil, ferr
		}
		return nil, &fault.Error{Kind: fault.Stale, Err: ErrNoteChanged, Message: fmt.Sprintf("Someone else saved the note first; "+
			"it is at version %d now. Read their version, add your part again and save it with that version.", cur.Version)}
	}
	if err != nil {
		return nil, err
	}
	if err := s.attendRoom(ctx, u, m); err != nil {
		return nil, err
	}
	return n, s.touch(ctx, u.OrgID, meetingID)
}

// reflectionContext binds a sealed reflection to its meeting and author.
func reflectionContext(meetingID, userID string) string {
	return "reflection/" + meetingID + "/" + userID
}

// Reflect saves a member's private reflection on a meeting, sealed so
// that only they can read it back.
func (s *Service) Reflect(ctx context.Context, u *account.User, circleID, meetingID, text string) error {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return err
	}
	if s.Seal == nil {
		return errors.New("meetings: no key to seal reflections with")
	}
	text = richtext.Normalize(text)
	if text == "" || len([]rune(text)) > circle.MaxTextLen {
		return fault.Fields(map[string]string{"reflection": "Write your reflection (up to 20,000 characters)."})
	}
	return s.DB.SaveReflection(ctx, u.OrgID, meetingID, u.ID, s.Seal.Seal([]byte(text), reflectionContext(meetingID, u.ID)))
}

// Reflection returns the member's own reflection on a meeting, and when
// they last saved it; "" before they wrote one.
func (s *Service) Reflection(ctx context.Context, u *account.User, circleID, meetingID string) (string, time.Time, error) {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return "", time.Time{}, err
	}
	sealed, at, err := s.DB.FindReflection(ctx, u.OrgID, meetingID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if s.Seal == nil {
		return "", time.Time{}, errors.New("meetings: no key to open reflections with")
	}
	text, err := s.Seal.Open(sealed, reflectionContext(meetingID, u.ID))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("open reflection: %w", err)
	}
	return string(text), at, nil
}

// RoomSnapshot is a room as every open page receives it: the timer state,
// the agenda with names, who is present, and today's offers. It carries
// the server's clock so browsers can count down against it.
type RoomSnapshot struct {
	Seq         int64             `json:"seq"`
	Version     int64             `json:"version"`
	Phase       room.Phase        `json:"phase"`
	Step        int               `json:"step"`
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	RemainingMS int64             `json:"remaining_ms"`
	ServerNow   time.Time         `json:"server_now"`
	Agenda      []SnapshotStep    `json:"agenda"`
	Timekeeper  string            `json:"timekeeper"`
	Facilitator string            `json:"facilitator"`
	Order       []string          `json:"order"`
	Presenters  []string          `json:"presenters"`
	Names       map[string]string `json:"names"`
	Present     []string          `json:"present"`
	Offers      []room.Offer      `json:"offers"`
}

// SnapshotStep is one step of the agenda as pages show it.
type SnapshotStep struct {
	Kind      room.StepKind `json:"kind"`
	Title     string        `json:"title"`
	Speaker   string        `json:"speaker,omitempty"`
	Presenter string        `json:"presenter,omitempty"`
	Help      room.Help     `json:"help,omitempty"`
	Seconds   int           `json:"seconds"`
	Prompt    string        `json:"prompt"`
}

// Snapshot is v as pages receive it at now.
func (v *RoomView) Snapshot(now time.Time) RoomSnapshot {
	st := v.State
	snap := RoomSnapshot{Seq: v.Seq, Version: st.Version, Phase: st.Phase, Step: st.Step, RemainingMS: st.Left(now).Milliseconds(),
		ServerNow: now.UTC(), Timekeeper: st.Timekeeper, Facilitator: st.Facilitator, Order: st.Order, Presenters: st.Presenters,
		Names: v.Names, Offers: v.Offers, Present: []string{}}
	if snap.Presenters == nil {
		snap.Presenters = []string{}
	}
	if st.Phase == room.Running {
		at := st.EndsAt.UTC()
		snap.EndsAt = &at
	}
	for _, step := range st.Agenda() {
		snap.Agenda = append(snap.Agenda, SnapshotStep{Kind: step.Kind, Title: step.Title, Speaker: step.Speaker, Presenter: step.Presenter,
			Help: step.Help, Seconds: int(step.Duration / time.Second), Prompt: step.Prompt})
	}
	snap.Present = append(snap.Present, v.Present...)
	if snap.Offers == nil {
		snap.Offers = []room.Offer{}
	}
	return snap
}

// LoadRoom returns a room's snapshot by its meeting id, for the live
// fan-out, which checked who may see it when they subscribed.
func (s *Service) LoadRoom(ctx context.Context, meetingID string) (*RoomSnapshot, error) {
	r, err := s.DB.FindRoomByMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	c, err := s.DB.FindCircleByID(ctx, r.OrgID, r.CircleID)
	if err != nil {
		return nil, err
	}
	v, err := s.liveView(ctx, r.OrgID, c, meetingID, r)
	if err != nil {
		return nil, err
	}
	snap := v.Snapshot(s.now())
	return &snap, nil
}

// summary builds the emails sent when a meeting ends, dated when it was
// held. Each member who came gets its summary: who came, who presented,
// the commitments made — never the notes, offers or anything said, and
// never who stayed away. Each member who did not come is told, alone,
// what they missed.
func (s *Service) summary(ctx context.Context, orgID, circleID, meetingID string, st *room.State) ([]mail.Message, error) {
	c, err := s.DB.FindCircleByID(ctx, orgID, circleID)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, orgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	attendance, err := s.DB.FindPresence(ctx, orgID, meetingID)
	if err != nil {
		return nil, err
	}
	commitments, err := s.DB.FindCommitments(ctx, orgID, circleID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, m := range c.Members {
		names[m.UserID] = m.Name
	}
	came := map[string]bool{}
	var present, presenters, committed []string
	for _, id := range attendance {
		if name, ok := names[id]; ok {
			came[id] = true
			present = append(present, name)
		}
	}
	for _, id := range st.Presenters {
		presenters = append(presenters, names[id])
	}
	for _, com := range commitments {
		if com.MeetingID == meetingID {
			committed = append(committed, com.UserName+": "+com.Body)
		}
	}
	held := circle.Meeting{Start: st.StartedAt, End: st.EndedAt}
	link := s.link("/circles/" + circleID + "/meetings/" + meetingID + "/room")
	rd, err := s.Circles.Readers(ctx, orgID, circleID, program.Label(p))
	if err != nil {
		return nil, err
	}
	// While the circle's first meetings ask whether it is a good fit, each
	// member who has not answered is asked in their email too.
	records, err := s.DB.FindMeetingRecords(ctx, orgID, []string{circleID}, s.now())
	if err != nil {
		return nil, err
	}
	fitOpen := pulse.FitOpen(records[circleID].Held)
	msgs := make([]mail.Message, 0, len(c.Members))
	for _, m := range c.Members {
		var fitLink string
		if fitOpen {
			st, err := s.DB.FindFitState(ctx, orgID, circleID, m.UserID)
			if err != nil {
				return nil, err
			}
			if !st.Answered && !st.Closed {
				fitLink = s.link("/circles/" + circleID + "/fit")
			}
		}
		when := held.When(m.Timezone)
		msg := mail.MeetingMissed(m.Email, m.Name, p.Name, when, m.Timezone, presenters, committed, link, fitLink)
		if came[m.UserID] {
			msg = mail.MeetingSummary(m.Email, m.Name, p.Name, when, m.Timezone, present, presenters, committed, link, fitLink)
		}
		msgs = append(msgs, rd.Mail(m.UserID, msg))
	}
	return msgs, nil
}

// HelpNotes keeps each person's private helping notes, sealed under
// their own data key: the journal's, handed over by service.New.
type HelpNotes interface {
	SaveHelpNote(ctx context.Context, u *account.User, n journal.HelpNote) error
	DeleteHelpNote(ctx context.Context, u *account.User, meetingID, presenterID string) error
	HelpNotes(ctx context.Context, u *account.User, meetingID string) ([]journal.HelpNote, error)
}

// NoteHelp saves u's private note on the counsel step about presenterID's
// situation: as a helper, the role they took; as that presenter, which
// help helped. Only a member of the circle, once that step has begun.
// A note with no role and nothing helped, from a helper, removes theirs.
func (s *Service) NoteHelp(ctx context.Context, u *account.User, circleID, meetingID string, n journal.HelpNote) error {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return err
	}
	if s.Notes == nil {
		return errors.New("meetings: no place for helping notes")
	}
	r, err := s.DB.FindRoom(ctx, u.OrgID, meetingID)
	if err != nil {
		return err
	}
	st, err := room.Decode(r.State)
	if err != nil {
		return err
	}
	if !st.CounselBegun(n.PresenterID) {
		return fault.Fields(map[string]string{"presenter_id": "Note your help once the counsel step for one of today's presenters has begun."})
	}
	n.MeetingID = meetingID
	if n.PresenterID != u.ID && n.Took == "" && len(n.Helped) == 0 {
		err := s.Notes.DeleteHelpNote(ctx, u, meetingID, n.PresenterID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	return s.Notes.SaveHelpNote(ctx, u, n)
}

// MyHelpNotes returns u's own helping notes on a meeting, by presenter.
func (s *Service) MyHelpNotes(ctx context.Context, u *account.User, circleID, meetingID string) (map[string]journal.HelpNote, error) {
	if _, _, err := s.meeting(ctx, u, circleID, meetingID); err != nil {
		return nil, err
	}
	if s.Notes == nil {
		return nil, nil
	}
	notes, err := s.Notes.HelpNotes(ctx, u, meetingID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]journal.HelpNote, len(notes))
	for _, n := range notes {
		out[n.PresenterID] = n
	}
	return out, nil
}
