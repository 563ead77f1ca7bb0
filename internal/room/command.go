package room

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/fault"
)

// Errors Apply returns; each leaves the state unchanged.
var (
	// ErrStale: someone changed the meeting since the sender last saw it.
	// Their room reloads the state and they try again if it still makes
	// sense.
	ErrStale = &fault.Error{Kind: fault.Stale, Err: errors.New("room: stale version")}
	// ErrNotAllowed: the sender does not hold the role the command needs.
	ErrNotAllowed = fault.New(fault.Forbidden, "Only the timekeeper and the facilitator run the timer.")
	// ErrInvalid: the command makes no sense in the meeting as it stands.
	// Apply wraps it in an error whose message gives the reason.
	ErrInvalid = fault.New(fault.Conflict, "That step is not possible right now.")
)

// invalidf is ErrInvalid with the reason as its message, a sentence: the
// caller knows which command they sent.
func invalidf(kind CommandKind, why string, args ...any) error {
	reason := fmt.Sprintf(why, args...)
	err := fmt.Errorf("%w: %s", ErrInvalid, reason)
	if kind != "" {
		err = fmt.Errorf("%w: %s: %s", ErrInvalid, kind, reason)
	}
	return fault.Wrap(fault.Conflict, sentence(reason), err)
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// CommandKind is what a command asks for.
type CommandKind string

// The timer and the running of the meeting — every kind but CmdHelp — are
// in the hands of the timekeeper and the facilitator.
const (
	// CmdStart starts the timer on the first step.
	CmdStart CommandKind = "start"
	// CmdPause stops the clock, keeping exactly the time left.
	CmdPause CommandKind = "pause"
	// CmdResume restarts a paused timer with the time it had left.
	CmdResume CommandKind = "resume"
	// CmdExtend gives the current step Seconds more, 60 when unset.
	CmdExtend CommandKind = "extend"
	// CmdNext moves to the next step with its full time; on the last step
	// it ends the meeting.
	CmdNext CommandKind = "next"
	// CmdBack returns to the previous step with its full time.
	CmdBack CommandKind = "back"
	// CmdEnd ends the meeting, early or on time.
	CmdEnd CommandKind = "end"
	// CmdShuffle sets the check-in order to Order. The caller shuffles,
	// so that this package stays deterministic.
	CmdShuffle CommandKind = "shuffle"
	// CmdPresenters sets today's presenters, in order.
	CmdPresenters CommandKind = "presenters"
	// CmdHelp records the Help that Presenter asks for; only they may.
	CmdHelp CommandKind = "help"
	// CmdTimekeeper hands the timekeeper role to the member Timekeeper.
	CmdTimekeeper CommandKind = "timekeeper"
)

// maxExtend bounds one extension: more than an hour is a new meeting.
const maxExtend = 3600

// Command is one member's request to change the meeting.
type Command struct {
	Kind CommandKind `json:"kind"`
	// Version is the state's version the sender saw.
	Version int64 `json:"version"`
	// By is who sent the command. The server fills it in from the
	// signed-in member; it never comes from the request body, so nobody
	// can act as the timekeeper by naming them.
	By string `json:"-"`
	// Seconds is how much CmdExtend adds.
	Seconds int `json:"seconds,omitempty"`
	// Order is CmdShuffle's new check-in order.
	Order []string `json:"order,omitempty"`
	// Presenters are CmdPresenters' presenters, in order.
	Presenters []string `json:"presenters,omitempty"`
	// Presenter and Help are CmdHelp's presenter and what they ask for.
	Presenter string `json:"presenter,omitempty"`
	Help      Help   `json:"help,omitempty"`
	// Timekeeper is whom CmdTimekeeper hands the role to.
	Timekeeper string `json:"timekeeper,omitempty"`
	// Confirm is the sender's yes to what a command would also do beyond
	// the room, which the caller asks about first: Apply does not read it.
	Confirm bool `json:"confirm,omitempty"`
}

// Apply returns the state after c, sent at now, with the version bumped by
// one; or s unchanged and an error: ErrStale when c was based on another
// version, ErrNotAllowed when its sender may not do it, ErrInvalid when it
// makes no sense now. Staleness is checked first: a sender hears nothing
// else about a meeting they have not seen. Apply never changes s, its
// slices or its map, so two commands can be tried against the same state.
func (s State) Apply(c Command, now time.Time) (State, error) {
	if c.Version != s.Version {
		return s, fmt.Errorf("%w: %s based on version %d, the meeting is at %d", ErrStale, c.Kind, c.Version, s.Version)
	}
	// Stored instants carry no monotonic reading and no zone, so that a
	// state read back after a restart means exactly what it meant before.
	now = now.UTC()
	next, err := s.apply(c, now)
	if err != nil {
		return s, err
	}
	next.Version = s.Version + 1
	return next, nil
}

func (s State) apply(c Command, now time.Time) (State, error) {
	invalid := func(why string, args ...any) error { return invalidf(c.Kind, why, args...) }
	// Once ended, the meeting is a record: nothing changes it, whoever
	// asks.
	if s.Phase == Ended {
		return s, invalid("the meeting has ended")
	}
	switch c.Kind {
	case CmdHelp:
		// Only presenters say what help they want: the problem is theirs.
		if c.By != c.Presenter {
			return s, fault.Wrap(fault.Forbidden, "Only the presenter says what help they want.",
				fmt.Errorf("%w: only %q says what help they want", ErrNotAllowed, c.Presenter))
		}
	case CmdStart, CmdPause, CmdResume, CmdExtend, CmdNext, CmdBack, CmdEnd, CmdShuffle, CmdPresenters, CmdTimekeeper:
		if c.By != s.Timekeeper && c.By != s.Facilitator {
			return s, fmt.Errorf("%w: %s is for the timekeeper or the facilitator", ErrNotAllowed, c.Kind)
		}
	default:
		return s, invalid("unknown command")
	}

	switch c.Kind {
	case CmdStart:
		if s.Phase != Ready {
			return s, invalid("the meeting has already started")
		}
		s.Phase, s.StartedAt = Running, now
		s.EndsAt, s.Remaining = now.Add(s.Remaining), 0

	case CmdPause:
		if s.Phase != Running {
			return s, invalid("the timer is not running")
		}
		// Exactly the time left, overtime included, so that resuming
		// gives the speaker back what they had.
		s.Phase, s.Remaining, s.EndsAt = Paused, s.EndsAt.Sub(now), time.Time{}

	case CmdResume:
		if s.Phase != Paused {
			return s, invalid("the timer is not paused")
		}
		s.Phase, s.EndsAt, s.Remaining = Running, now.Add(s.Remaining), 0

	case CmdExtend:
		if s.Phase == Ready {
			return s, invalid("the meeting has not started")
		}
		secs := c.Seconds
		if secs == 0 {
			secs = 60
		}
		if secs < 0 || secs > maxExtend {
			return s, invalid("extend by 1 to %d seconds", maxExtend)
		}
		// In overtime the extra time counts from now: the group agreed to
		// take one more minute, not to pay back the minutes already over.
		left := max(s.Left(now), 0) + time.Duration(secs)*time.Second
		s.setLeft(left, now)

	case CmdNext, CmdBack:
		if s.Phase == Ready {
			return s, invalid("the meeting has not started")
		}
		to := s.Step + 1
		if c.Kind == CmdBack {
			to = s.Step - 1
		}
		if to < 0 {
			return s, invalid("this is the first step")
		}
		agenda := s.Agenda()
		if to == len(agenda) {
			return s.end(now), nil
		}
		// A new step gets its full time, whatever was left of the one
		// before; a paused timer stays paused.
		s.Step = to
		s.setLeft(agenda[to].Duration, now)

	case CmdEnd:
		if s.Phase == Ready {
			return s, invalid("the meeting has not started")
		}
		return s.end(now), nil

	case CmdShuffle:
		// Once the round is over the order has nothing left to decide.
		if s.Step > len(s.Order) {
			return s, invalid("the check-in round is over")
		}
		if !permutation(c.Order, s.Members) {
			return s, invalid("the order must name every member once")
		}
		// Mid-round, whoever has checked in or is speaking keeps their
		// place and turn; only those still to come are reordered, so
		// nobody is skipped or asked twice.
		done := s.Order[:s.Step]
		order := slices.Clone(done)
		for _, m := range c.Order {
			if !slices.Contains(done, m) {
				order = append(order, m)
			}
		}
		s.Order = order

	case CmdPresenters:
		if s.Step >= setupLen(s.Settings.Protocol, len(s.Members)) {
			return s, invalid("the presentations have begun")
		}
		if err := s.checkPresenters(c.Presenters); err != nil {
			return s, invalid("%v", err)
		}
		s.Presenters = slices.Clone(c.Presenters)

	case CmdHelp:
		if !c.Help.Valid() {
			return s, invalid("choose expert, doctor, process or none")
		}
		at := s.presentAt(c.Presenter)
		if at < 0 {
			return s, invalid("%q is not presenting", c.Presenter)
		}
		// The helpers need to know before they start asking questions.
		if s.Step > at {
			return s, invalid("the presentation is over")
		}
		s.Help = maps.Clone(s.Help)
		if s.Help == nil {
			s.Help = map[string]Help{}
		}
		s.Help[c.Presenter] = c.Help

	case CmdTimekeeper:
		if !slices.Contains(s.Members, c.Timekeeper) {
			return s, invalid("%q is not a member", c.Timekeeper)
		}
		if c.Timekeeper == s.Timekeeper {
			return s, invalid("%q already keeps time", c.Timekeeper)
		}
		s.Timekeeper = c.Timekeeper
	}
	return s, nil
}

// presentAt is the index in the agenda of presenter's presenting step,
// or -1 when they are not presenting.
func (s State) presentAt(presenter string) int {
	return slices.IndexFunc(s.Agenda(), func(st Step) bool { return st.Kind == Present && st.Presenter == presenter })
}

// CanAskHelp reports whether presenter may still say what help they want:
// the meeting is on and their presentation has not passed, since the
// helpers need to know before they start asking questions.
func (s State) CanAskHelp(presenter string) bool {
	at := s.presentAt(presenter)
	return s.Phase != Ended && at >= 0 && s.Step <= at
}

// setLeft makes left the time left in the current step at now, keeping
// the phase.
func (s *State) setLeft(left time.Duration, now time.Time) {
	if s.Phase == Running {
		s.EndsAt = now.Add(left)
		return
	}
	s.Remaining = left
}

func (s State) end(now time.Time) State {
	s.Phase, s.EndedAt = Ended, now
	s.EndsAt, s.Remaining = time.Time{}, 0
	return s
}

// checkPresenters says what, if anything, is wrong with ps as today's
// presenters.
func (s State) checkPresenters(ps []string) error {
	switch {
	case s.Settings.Protocol == Pair && !permutation(ps, s.Members):
		return errors.New("in a pair both partners present")
	case s.Settings.Protocol == Forum && len(ps) > 1:
		return errors.New("a forum has one presenter")
	case !distinct(ps):
		return errors.New("name each presenter once")
	}
	for _, p := range ps {
		if !slices.Contains(s.Members, p) {
			return fmt.Errorf("%q is not a member", p)
		}
	}
	return nil
}

// permutation reports whether ids name every member exactly once.
func permutation(ids, members []string) bool {
	return len(ids) == len(members) && distinct(ids) && !slices.ContainsFunc(ids, func(id string) bool {
		return !slices.Contains(members, id)
	})
}
