package room

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Phase is where the meeting as a whole stands. A meeting goes from ready
// to running, between running and paused any number of times, and from
// either of those to ended, which is final.
type Phase string

const (
	// Ready: the room is open but the timer has not started.
	Ready Phase = "ready"
	// Running: the current step's time runs out at EndsAt.
	Running Phase = "running"
	// Paused: the clock is stopped with Remaining left in the step.
	Paused Phase = "paused"
	// Ended: the meeting is over and nothing changes it any more.
	Ended Phase = "ended"
)

// State is a meeting in progress: everything every member's room shows,
// and all the server keeps. The caller stores it as JSON under Version.
type State struct {
	// Version is bumped by exactly one by every applied command. A
	// command names the version its sender saw; a command based on an
	// older one is refused, so two timekeepers never both apply a change
	// made against the same moment.
	Version int64 `json:"version"`
	Phase   Phase `json:"phase"`
	// Step is the current step's index in the agenda.
	Step int `json:"step"`
	// EndsAt is when the current step's time runs out, while running
	// (zero otherwise). It may be in the past: overtime. A running timer
	// depends on nothing else, so it survives a server restart exactly.
	EndsAt time.Time `json:"ends_at"`
	// Remaining is the time left in the current step while ready or
	// paused (zero otherwise); negative is overtime.
	Remaining time.Duration `json:"remaining"`
	// Order is the check-in order: by default it starts with the member
	// after the facilitator and comes round to the facilitator last. The
	// facilitator already holds the floor in the opening, and as the
	// facilitator role rotates between meetings, so does who checks in
	// first.
	Order []string `json:"order"`
	// Presenters are today's presenters in order. A circle chooses them
	// (the caller suggests whoever presented least recently); in a pair
	// both partners present, in check-in order unless changed.
	Presenters []string `json:"presenters"`
	// Help is what each presenter asked for.
	Help map[string]Help `json:"help"`
	// Timekeeper and Facilitator run the timer; the timekeeper may hand
	// the role to another member.
	Timekeeper  string   `json:"timekeeper"`
	Facilitator string   `json:"facilitator"`
	Settings    Settings `json:"settings"`
	// Members are the meeting's participants, in the circle's order.
	Members []string `json:"members"`
	// Ritual: this is the season's last meeting, so its agenda ends with
	// the closing ritual.
	Ritual    bool      `json:"ritual,omitempty"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
}

// New opens a room for a meeting that has not started. It returns the
// settings' fault.Invalid error, or ErrInvalid when the members or
// roles do not make a meeting: at least two distinct members (a pair
// exactly two), with the facilitator and the timekeeper among them. The
// first state's version is 1, so a command that names no version is
// refused as stale rather than applied blind.
func New(settings Settings, members []string, facilitator, timekeeper string) (State, error) {
	if err := settings.Validate(); err != nil {
		return State{}, err
	}
	switch {
	case settings.Protocol == Pair && len(members) != 2:
		return State{}, invalidf("", "a pair has two members, not %d", len(members))
	case len(members) < 2:
		return State{}, invalidf("", "a meeting needs at least two members")
	case !distinct(members):
		return State{}, invalidf("", "members must be distinct and named")
	case !slices.Contains(members, facilitator):
		return State{}, invalidf("", "the facilitator %q is not a member", facilitator)
	case !slices.Contains(members, timekeeper):
		return State{}, invalidf("", "the timekeeper %q is not a member", timekeeper)
	}
	f := slices.Index(members, facilitator)
	order := append(slices.Clone(members[f+1:]), members[:f+1]...)
	s := State{
		Version:     1,
		Phase:       Ready,
		Remaining:   settings.Opening,
		Order:       order,
		Timekeeper:  timekeeper,
		Facilitator: facilitator,
		Settings:    settings,
		Members:     slices.Clone(members),
	}
	if settings.Protocol == Pair {
		s.Presenters = slices.Clone(order)
	}
	return s, nil
}

// distinct reports whether ids are all non-empty and different. An empty
// id would read as "the group" in a step's Speaker.
func distinct(ids []string) bool {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" || seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}

// Agenda is the meeting's agenda as it stands: a season's last meeting
// ends with its closing ritual, after the closing.
func (s State) Agenda() []Step {
	steps := Agenda(s.Settings, s.Order, s.Presenters, s.Help)
	if s.Ritual {
		steps = append(steps, Step{Kind: Farewell, Title: "Closing ritual", Duration: FarewellTime, Prompt: farewellPrompt})
	}
	return steps
}

// Current is the step the meeting is at.
func (s State) Current() Step {
	return s.Agenda()[s.Step]
}

// Left is the time left in the current step at now, negative in
// overtime; zero once the meeting has ended. A paused or ready timer does
// not move.
func (s State) Left(now time.Time) time.Duration {
	switch s.Phase {
	case Running:
		return s.EndsAt.Sub(now)
	case Ended:
		return 0
	}
	return s.Remaining
}

// Warning reports whether the meeting is under way and in the last minute
// of its step, so the room can show the speaker time is nearly up.
func (s State) Warning(now time.Time) bool {
	if !s.underway() {
		return false
	}
	left := s.Left(now)
	return left > 0 && left <= time.Minute
}

// Overtime reports whether the meeting is under way and its step's time is
// up.
func (s State) Overtime(now time.Time) bool {
	return s.underway() && s.Left(now) <= 0
}

func (s State) underway() bool { return s.Phase == Running || s.Phase == Paused }

// Decode reads a room's state as the store keeps it.
func Decode(stored []byte) (State, error) {
	var st State
	if err := json.Unmarshal(stored, &st); err != nil {
		return st, fmt.Errorf("room state: %w", err)
	}
	return st, nil
}

// CounselBegun reports whether the counsel step about presenter's
// situation has begun, or the meeting has ended with them among its
// presenters: from then on there is help to look back on.
func (s State) CounselBegun(presenter string) bool {
	if !slices.Contains(s.Presenters, presenter) {
		return false
	}
	switch s.Phase {
	case Ended:
		return true
	case Ready:
		return false
	}
	for i, step := range s.Agenda() {
		if step.Kind == Counsel && step.Presenter == presenter {
			return i <= s.Step
		}
	}
	return false
}
