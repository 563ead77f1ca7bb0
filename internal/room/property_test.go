package room_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/room"
)

// script turns bytes into choices, so that random walks and the fuzzer
// share one driver. Past its end every choice is zero.
type script struct {
	data []byte
	i    int
}

func (sc *script) more() bool { return sc.i < len(sc.data) }

func (sc *script) byte() byte {
	if sc.i >= len(sc.data) {
		return 0
	}
	b := sc.data[sc.i]
	sc.i++
	return b
}

func (sc *script) pick(n int) int { return int(sc.byte()) % n }

// ids is a list of member ids, mostly a shuffle of members, sometimes
// broken: an outsider, a repeat, someone left out.
func (sc *script) ids(members []string) []string {
	out := slices.Clone(members)
	for i := len(out) - 1; i > 0; i-- {
		j := sc.pick(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	switch sc.pick(8) {
	case 0:
		out = append(out, "eve")
	case 1:
		out = append(out, out[0])
	case 2:
		out = out[:sc.pick(len(out)+1)]
	case 3:
		out = nil
	}
	return out
}

// kinds weights the commands like a real meeting: mostly moving on,
// sometimes going back, pausing, extending or changing who does what,
// seldom ending early, now and then nonsense.
var kinds = []room.CommandKind{
	room.CmdNext, room.CmdNext, room.CmdNext, room.CmdNext, room.CmdNext, room.CmdNext,
	room.CmdBack, room.CmdBack, room.CmdPause, room.CmdPause, room.CmdResume, room.CmdResume,
	room.CmdExtend, room.CmdExtend, room.CmdStart, room.CmdStart, room.CmdShuffle, room.CmdShuffle,
	room.CmdPresenters, room.CmdPresenters, room.CmdPresenters, room.CmdHelp, room.CmdHelp, room.CmdHelp,
	room.CmdTimekeeper, room.CmdEnd, "", "skip",
}

// command makes a command from the script, aimed at s but not always
// sensible: mostly by someone who runs the meeting, mostly on the current
// version.
func (sc *script) command(s room.State) room.Command {
	who := append(slices.Clone(s.Members), s.Timekeeper, s.Facilitator, s.Timekeeper, s.Facilitator, s.Timekeeper, "eve", "")
	c := room.Command{
		Kind:    kinds[sc.pick(len(kinds))],
		Version: s.Version,
		By:      who[sc.pick(len(who))],
	}
	switch sc.pick(32) {
	case 0:
		c.Version--
	case 1:
		c.Version++
	}
	switch c.Kind {
	case room.CmdExtend:
		c.Seconds = []int{0, 1, 30, 60, 3600, 3601, -1, 1 << 40}[sc.pick(8)]
	case room.CmdShuffle:
		c.Order = sc.ids(s.Members)
	case room.CmdPresenters:
		ps := sc.ids(s.Members)
		if s.Settings.Protocol != room.Pair && len(ps) > 0 {
			ps = ps[:sc.pick(len(ps)+1)]
		}
		c.Presenters = ps
	case room.CmdHelp:
		c.Presenter = who[sc.pick(len(who))]
		if sc.pick(4) > 0 {
			c.By = c.Presenter
		}
		c.Help = []room.Help{room.HelpExpert, room.HelpDoctor, room.HelpProcess, room.HelpNone, "", "coach"}[sc.pick(6)]
	case room.CmdTimekeeper:
		c.Timekeeper = who[sc.pick(len(who))]
	}
	return c
}

// elapse is how long passes before the next command: mostly seconds,
// sometimes nothing, sometimes many minutes.
func (sc *script) elapse() time.Duration {
	switch sc.pick(8) {
	case 0:
		return 0
	case 1:
		return time.Duration(sc.byte()) * time.Minute
	}
	return time.Duration(int(sc.byte())<<8|int(sc.byte())) * time.Millisecond
}

// open opens a room of a protocol and size the script chooses.
func (sc *script) open(t *testing.T) room.State {
	t.Helper()
	protocol := []room.Protocol{room.Council, room.Forum, room.Pair}[sc.pick(3)]
	n := 2 + sc.pick(5)
	if protocol == room.Pair {
		n = 2
	}
	members := []string{"ana", "ben", "cai", "dee", "eli", "fay"}[:n]
	s, err := room.New(room.DefaultSettings(protocol), members, members[sc.pick(n)], members[sc.pick(n)])
	if err != nil {
		t.Fatal(err)
	}
	invariants(t, s)
	return s
}

// walk runs meetings from the script: it applies the commands the script
// makes, checks every invariant after each one, restarts the server (a
// JSON round trip) at random points, and opens a new room when a meeting
// ends.
func walk(t *testing.T, data []byte) {
	t.Helper()
	sc := &script{data: data}
	s := sc.open(t)
	now := t0
	for sc.more() {
		now = now.Add(sc.elapse())
		c := sc.command(s)
		before := deepCopy(s)
		next, err := s.Apply(c, now)
		if !reflect.DeepEqual(s, before) {
			t.Fatalf("Apply(%+v) changed its input", c)
		}
		if err != nil && !reflect.DeepEqual(next, before) {
			t.Fatalf("refused %+v (%v) changed the state", c, err)
		}
		step(t, s, c, now, next, err)
		invariants(t, next)
		if sc.pick(8) == 0 {
			next = restart(t, next, now)
		}
		s = next
		if s.Phase == room.Ended && sc.pick(4) > 0 {
			s = sc.open(t)
		}
	}
}

// deepCopy is s with its own slices and map, to tell whether Apply wrote
// through the ones it was given.
func deepCopy(s room.State) room.State {
	s.Order, s.Presenters, s.Members = slices.Clone(s.Order), slices.Clone(s.Presenters), slices.Clone(s.Members)
	s.Help = maps.Clone(s.Help)
	return s
}

// legal lists each phase a command may move the meeting to.
var legal = map[room.Phase][]room.Phase{
	room.Ready:   {room.Ready, room.Running},
	room.Running: {room.Running, room.Paused, room.Ended},
	room.Paused:  {room.Paused, room.Running, room.Ended},
	room.Ended:   {},
}

// step checks what one command did.
func step(t *testing.T, s room.State, c room.Command, now time.Time, next room.State, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, room.ErrStale) && !errors.Is(err, room.ErrNotAllowed) && !errors.Is(err, room.ErrInvalid) {
			t.Fatalf("Apply(%+v): unexpected error %v", c, err)
		}
		if errors.Is(err, room.ErrStale) != (c.Version != s.Version) {
			t.Fatalf("Apply(%+v) on version %d: %v", c, s.Version, err)
		}
		return
	}
	if c.Version != s.Version || next.Version != s.Version+1 {
		t.Fatalf("applied %+v at version %d, now at %d", c, s.Version, next.Version)
	}
	if !slices.Contains(legal[s.Phase], next.Phase) {
		t.Fatalf("%s took the meeting from %s to %s", c.Kind, s.Phase, next.Phase)
	}
	runs := c.By == s.Timekeeper || c.By == s.Facilitator
	if c.Kind == room.CmdHelp {
		runs = c.By == c.Presenter
	}
	if !runs {
		t.Fatalf("%s applied for %q (timekeeper %q, facilitator %q)", c.Kind, c.By, s.Timekeeper, s.Facilitator)
	}
	left, leftAfter := s.Left(now), next.Left(now)
	switch c.Kind {
	case room.CmdStart, room.CmdPause, room.CmdResume:
		want := map[room.CommandKind]room.Phase{room.CmdStart: room.Running, room.CmdPause: room.Paused, room.CmdResume: room.Running}[c.Kind]
		if next.Phase != want || leftAfter != left || next.Step != s.Step {
			t.Fatalf("%s: phase %s, step %d, %v left; was %s, step %d, %v left", c.Kind, next.Phase, next.Step, leftAfter, s.Phase, s.Step, left)
		}
	case room.CmdExtend:
		secs := c.Seconds
		if secs == 0 {
			secs = 60
		}
		if want := max(left, 0) + time.Duration(secs)*time.Second; leftAfter != want || next.Phase != s.Phase {
			t.Fatalf("extend by %d s: %v left, want %v", c.Seconds, leftAfter, want)
		}
	case room.CmdNext, room.CmdBack:
		last := len(s.Agenda()) - 1
		switch {
		case c.Kind == room.CmdNext && s.Step == last:
			if next.Phase != room.Ended || !next.EndedAt.Equal(now) {
				t.Fatalf("next on the last step: %s", next.Phase)
			}
		case next.Step != s.Step+map[room.CommandKind]int{room.CmdNext: 1, room.CmdBack: -1}[c.Kind]:
			t.Fatalf("%s from step %d to %d", c.Kind, s.Step, next.Step)
		case next.Phase != s.Phase || leftAfter != next.Current().Duration:
			t.Fatalf("%s: %s with %v left, want %s with the step's %v", c.Kind, next.Phase, leftAfter, s.Phase, next.Current().Duration)
		}
	case room.CmdEnd:
		if next.Phase != room.Ended || !next.EndedAt.Equal(now) || next.Step != s.Step {
			t.Fatalf("end: %s at %v, step %d", next.Phase, next.EndedAt, next.Step)
		}
	default:
		// The rest never touch the clock, the step or who speaks now.
		for _, d := range []time.Duration{0, time.Second, time.Hour} {
			if next.Left(now.Add(d)) != s.Left(now.Add(d)) {
				t.Fatalf("%s changed the time left", c.Kind)
			}
		}
		// Help may change what the current step says, never whose turn
		// it is.
		was, is := s.Current(), next.Current()
		if next.Phase != s.Phase || next.Step != s.Step || is.Kind != was.Kind || is.Speaker != was.Speaker ||
			is.Presenter != was.Presenter || is.Duration != was.Duration {
			t.Fatalf("%s moved the room from %+v to %+v", c.Kind, was, is)
		}
	}
}

// invariants checks what holds of every state.
func invariants(t *testing.T, s room.State) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		b, _ := json.Marshal(s)
		t.Fatalf("%s\nstate: %s", fmt.Sprintf(format, args...), b)
	}
	agenda := s.Agenda()
	if s.Step < 0 || s.Step >= len(agenda) {
		fail("step %d outside an agenda of %d", s.Step, len(agenda))
	}
	if !isPermutation(s.Order, s.Members) {
		fail("order %v is not the members %v", s.Order, s.Members)
	}
	seen := map[string]bool{}
	for _, p := range s.Presenters {
		if seen[p] || !slices.Contains(s.Members, p) {
			fail("presenters %v", s.Presenters)
		}
		seen[p] = true
	}
	switch s.Settings.Protocol {
	case room.Pair:
		if !isPermutation(s.Presenters, s.Members) {
			fail("pair presenters %v", s.Presenters)
		}
	case room.Forum:
		if len(s.Presenters) > 1 {
			fail("forum presenters %v", s.Presenters)
		}
	}
	for _, h := range s.Help {
		if !h.Valid() {
			fail("help %q", h)
		}
	}
	if !slices.Contains(s.Members, s.Timekeeper) || !slices.Contains(s.Members, s.Facilitator) {
		fail("roles %q, %q", s.Timekeeper, s.Facilitator)
	}
	switch s.Phase {
	case room.Ready:
		if s.Step != 0 || !s.EndsAt.IsZero() || s.Remaining != agenda[0].Duration || !s.StartedAt.IsZero() || !s.EndedAt.IsZero() {
			fail("ready")
		}
	case room.Running:
		if s.EndsAt.IsZero() || s.Remaining != 0 || s.StartedAt.IsZero() || !s.EndedAt.IsZero() {
			fail("running")
		}
	case room.Paused:
		if !s.EndsAt.IsZero() || s.StartedAt.IsZero() || !s.EndedAt.IsZero() {
			fail("paused")
		}
	case room.Ended:
		if !s.EndsAt.IsZero() || s.Remaining != 0 || s.StartedAt.IsZero() || s.EndedAt.Before(s.StartedAt) {
			fail("ended")
		}
	default:
		fail("phase %q", s.Phase)
	}
	for _, st := range []*time.Time{&s.EndsAt, &s.StartedAt, &s.EndedAt} {
		if st.Location() != time.UTC {
			fail("a time in %v", st.Location())
		}
	}
}

func isPermutation(ids, members []string) bool {
	a, b := slices.Clone(ids), slices.Clone(members)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// restart stores s as JSON and reads it back, as a server restart does,
// and checks that the room reads the same at any time after.
func restart(t *testing.T, s room.State, now time.Time) room.State {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back room.State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Fatalf("JSON round trip (-before +after):\n%s", diff)
	}
	for _, d := range []time.Duration{-time.Hour, 0, time.Millisecond, 59 * time.Second, 3*time.Minute + 7*time.Millisecond, 10 * time.Hour} {
		at := now.Add(d)
		if s.Left(at) != back.Left(at) || s.Warning(at) != back.Warning(at) || s.Overtime(at) != back.Overtime(at) {
			t.Fatalf("after a restart at %v: %v left, was %v", at, back.Left(at), s.Left(at))
		}
	}
	return back
}

// TestRandomWalks applies random command sequences to rooms of every
// protocol and size.
func TestRandomWalks(t *testing.T) {
	walks := 300
	if testing.Short() {
		walks = 50
	}
	for seed := range walks {
		r := rand.New(rand.NewPCG(uint64(seed), 0x700d))
		data := make([]byte, 100+r.IntN(1200))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { walk(t, data) })
	}
}

// TestRestartWithTheWallClock: a state made from time.Now, which carries
// a monotonic reading, reads the same after a round trip, whatever clock
// the reader uses.
func TestRestartWithTheWallClock(t *testing.T) {
	now := time.Now()
	s := mustNew(t, room.Council, []string{"ana", "ben"}, "ana", "ben")
	s = apply(t, s, room.Command{Kind: room.CmdStart, By: "ben"}, now)
	s = apply(t, s, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 7}, now.Add(1234567*time.Nanosecond))
	restart(t, s, now)
	restart(t, s, time.Now().In(time.FixedZone("CET", 3600)))
	paused := apply(t, s, room.Command{Kind: room.CmdPause, By: "ben"}, time.Now())
	restart(t, paused, time.Now())
}

func FuzzApply(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 2, 0, 0, 0, 0, 1, 0, 0, 4, 0, 0, 0, 0, 4, 0})
	f.Add([]byte("start the council, then next and next and pause and extend"))
	f.Add([]byte{2, 0, 1, 1, 3, 0, 0, 0, 2, 2, 9, 7, 1, 4, 0, 0, 4, 0, 0, 4, 200, 9, 2, 3, 1})
	for seed := range 8 {
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		data := make([]byte, 300)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		f.Add(data)
	}
	f.Fuzz(walk)
}
