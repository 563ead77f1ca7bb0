package room_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/holdspace/holdspace/internal/room"
)

// apply applies c as if its sender had seen s, and fails the test if it
// is refused.
func apply(tb testing.TB, s room.State, c room.Command, now time.Time) room.State {
	tb.Helper()
	c.Version = s.Version
	next, err := s.Apply(c, now)
	if err != nil {
		tb.Fatalf("%s by %s: %v", c.Kind, c.By, err)
	}
	return next
}

// edit returns a copy of s changed by f.
func edit(s room.State, f func(*room.State)) room.State {
	f(&s)
	return s
}

// snapshot is s as stored, to check that Apply leaves its input alone.
func snapshot(tb testing.TB, s room.State) string {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var allKinds = []room.CommandKind{
	room.CmdStart, room.CmdPause, room.CmdResume, room.CmdExtend, room.CmdNext, room.CmdBack,
	room.CmdEnd, room.CmdShuffle, room.CmdPresenters, room.CmdHelp, room.CmdTimekeeper,
}

// The council of these tests: ana facilitates and ben keeps time, so the
// check-in goes ben, cai, dee, ana. Its agenda: 0 opening (3 min), 1–4
// check-in (2 min each), 5 choosing (3 min), then 3 min presenting, 3 of
// questions and 10 of counsel per presenter, then the closing (5 min).
func councilStates(t *testing.T) (ready, running, paused, ended room.State) {
	ready = mustNew(t, room.Council, []string{"ana", "ben", "cai", "dee"}, "ana", "ben")
	running = edit(ready, func(s *room.State) {
		s.Phase, s.StartedAt, s.EndsAt, s.Remaining = room.Running, t0, at(180_000), 0
	})
	paused = edit(running, func(s *room.State) {
		s.Phase, s.EndsAt, s.Remaining = room.Paused, time.Time{}, 119_750*time.Millisecond
	})
	ended = edit(running, func(s *room.State) {
		s.Phase, s.EndsAt, s.EndedAt = room.Ended, time.Time{}, at(120_000)
	})
	return ready, running, paused, ended
}

type cmdCase struct {
	name string
	from room.State
	c    room.Command
	now  time.Time
	err  error // the error Apply returns, or nil when it applies
	// want changes from into the expected state; the version's bump is
	// checked apart.
	want func(*room.State)
}

func runCases(t *testing.T, tests []cmdCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, tt.from)
			c := tt.c
			c.Version = tt.from.Version
			got, err := tt.from.Apply(c, tt.now)
			if snapshot(t, tt.from) != before {
				t.Fatal("Apply changed its input")
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Apply: %v, want %v", err, tt.err)
				}
				if diff := cmp.Diff(tt.from, got); diff != "" {
					t.Errorf("a refused command changed the state (-before +after):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := edit(tt.from, tt.want)
			want.Version = tt.from.Version + 1
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyFromReady(t *testing.T) {
	ready, _, _, _ := councilStates(t)
	chosen := edit(ready, func(s *room.State) { s.Presenters = []string{"cai", "ana"} })
	runCases(t, []cmdCase{
		{"start by the timekeeper", ready, room.Command{Kind: room.CmdStart, By: "ben"}, at(1_234), nil, func(s *room.State) {
			s.Phase, s.StartedAt, s.EndsAt, s.Remaining = room.Running, at(1_234), at(181_234), 0
		}},
		{"start by the facilitator", ready, room.Command{Kind: room.CmdStart, By: "ana"}, t0, nil, func(s *room.State) {
			s.Phase, s.StartedAt, s.EndsAt, s.Remaining = room.Running, t0, at(180_000), 0
		}},
		{"start by a member", ready, room.Command{Kind: room.CmdStart, By: "cai"}, t0, room.ErrNotAllowed, nil},
		{"start by nobody", ready, room.Command{Kind: room.CmdStart}, t0, room.ErrNotAllowed, nil},
		{"start by an outsider", ready, room.Command{Kind: room.CmdStart, By: "eve"}, t0, room.ErrNotAllowed, nil},
		{"pause", ready, room.Command{Kind: room.CmdPause, By: "ben"}, t0, room.ErrInvalid, nil},
		{"resume", ready, room.Command{Kind: room.CmdResume, By: "ben"}, t0, room.ErrInvalid, nil},
		{"extend", ready, room.Command{Kind: room.CmdExtend, By: "ben"}, t0, room.ErrInvalid, nil},
		{"next", ready, room.Command{Kind: room.CmdNext, By: "ben"}, t0, room.ErrInvalid, nil},
		{"back", ready, room.Command{Kind: room.CmdBack, By: "ben"}, t0, room.ErrInvalid, nil},
		{"end: a meeting that never started is cancelled, not ended", ready, room.Command{Kind: room.CmdEnd, By: "ben"}, t0, room.ErrInvalid, nil},
		{"shuffle sets the whole order", ready, room.Command{Kind: room.CmdShuffle, By: "ana", Order: []string{"dee", "cai", "ben", "ana"}}, t0, nil, func(s *room.State) {
			s.Order = []string{"dee", "cai", "ben", "ana"}
		}},
		{"shuffle by a member", ready, room.Command{Kind: room.CmdShuffle, By: "dee", Order: []string{"dee", "cai", "ben", "ana"}}, t0, room.ErrNotAllowed, nil},
		{"presenters", ready, room.Command{Kind: room.CmdPresenters, By: "ben", Presenters: []string{"cai", "ana"}}, t0, nil, func(s *room.State) {
			s.Presenters = []string{"cai", "ana"}
		}},
		{"presenters by a member", ready, room.Command{Kind: room.CmdPresenters, By: "cai", Presenters: []string{"cai"}}, t0, room.ErrNotAllowed, nil},
		{"help from a chosen presenter", chosen, room.Command{Kind: room.CmdHelp, By: "ana", Presenter: "ana", Help: room.HelpNone}, t0, nil, func(s *room.State) {
			s.Help = map[string]room.Help{"ana": room.HelpNone}
		}},
		{"help before being chosen", ready, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai", Help: room.HelpExpert}, t0, room.ErrInvalid, nil},
		{"timekeeper handed over", ready, room.Command{Kind: room.CmdTimekeeper, By: "ben", Timekeeper: "cai"}, t0, nil, func(s *room.State) {
			s.Timekeeper = "cai"
		}},
	})
}

func TestApplyWhileRunning(t *testing.T) {
	_, running, _, _ := councilStates(t)
	// cai is checking in: step 2, with 49.5 s left at 350.5 s.
	checkIn := edit(running, func(s *room.State) { s.Step, s.EndsAt = 2, at(400_000) })
	choosing := edit(running, func(s *room.State) { s.Step, s.EndsAt = 5, at(1_000_000) })
	chosen := edit(running, func(s *room.State) { s.Presenters = []string{"cai", "ana"} })
	caiPresents := edit(chosen, func(s *room.State) { s.Step, s.EndsAt = 6, at(1_200_000) })
	caiQuestions := edit(chosen, func(s *room.State) { s.Step, s.EndsAt = 7, at(1_400_000) })
	closing := edit(chosen, func(s *room.State) { s.Step, s.EndsAt = 12, at(3_000_000) })
	now := at(60_250)
	runCases(t, []cmdCase{
		{"start again", running, room.Command{Kind: room.CmdStart, By: "ben"}, now, room.ErrInvalid, nil},
		{"pause keeps the time left", running, room.Command{Kind: room.CmdPause, By: "ben"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.Remaining = room.Paused, time.Time{}, 119_750*time.Millisecond
		}},
		{"pause in overtime keeps the overtime", running, room.Command{Kind: room.CmdPause, By: "ben"}, at(180_001), nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.Remaining = room.Paused, time.Time{}, -time.Millisecond
		}},
		{"pause by the facilitator", running, room.Command{Kind: room.CmdPause, By: "ana"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.Remaining = room.Paused, time.Time{}, 119_750*time.Millisecond
		}},
		{"pause by a member", running, room.Command{Kind: room.CmdPause, By: "cai"}, now, room.ErrNotAllowed, nil},
		{"resume", running, room.Command{Kind: room.CmdResume, By: "ben"}, now, room.ErrInvalid, nil},
		{"extend by a minute by default", running, room.Command{Kind: room.CmdExtend, By: "ben"}, now, nil, func(s *room.State) {
			s.EndsAt = at(240_000)
		}},
		{"extend by 30 s", running, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 30}, now, nil, func(s *room.State) {
			s.EndsAt = at(210_000)
		}},
		{"extend by an hour", running, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 3600}, now, nil, func(s *room.State) {
			s.EndsAt = at(3_780_000)
		}},
		{"extend in overtime counts from now", running, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 60}, at(200_001), nil, func(s *room.State) {
			s.EndsAt = at(260_001)
		}},
		{"extend by a member", running, room.Command{Kind: room.CmdExtend, By: "dee"}, now, room.ErrNotAllowed, nil},
		{"extend backwards", running, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: -5}, now, room.ErrInvalid, nil},
		{"extend by over an hour", running, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 3601}, now, room.ErrInvalid, nil},
		{"next starts the step's full time", running, room.Command{Kind: room.CmdNext, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.EndsAt = 1, at(180_250)
		}},
		{"next in overtime starts the step's full time", running, room.Command{Kind: room.CmdNext, By: "ana"}, at(999_999), nil, func(s *room.State) {
			s.Step, s.EndsAt = 1, at(1_119_999)
		}},
		{"next by a member", running, room.Command{Kind: room.CmdNext, By: "cai"}, now, room.ErrNotAllowed, nil},
		{"back from the first step", running, room.Command{Kind: room.CmdBack, By: "ben"}, now, room.ErrInvalid, nil},
		{"end", running, room.Command{Kind: room.CmdEnd, By: "ben"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.EndedAt = room.Ended, time.Time{}, now
		}},
		{"end by a member", running, room.Command{Kind: room.CmdEnd, By: "cai"}, now, room.ErrNotAllowed, nil},
		{"unknown command", running, room.Command{Kind: "skip", By: "ben"}, now, room.ErrInvalid, nil},
		{"no command", running, room.Command{By: "ben"}, now, room.ErrInvalid, nil},

		{"back in the check-in round", checkIn, room.Command{Kind: room.CmdBack, By: "ben"}, at(350_500), nil, func(s *room.State) {
			s.Step, s.EndsAt = 1, at(470_500)
		}},
		{"next in the check-in round", checkIn, room.Command{Kind: room.CmdNext, By: "ben"}, at(350_500), nil, func(s *room.State) {
			s.Step, s.EndsAt = 3, at(470_500)
		}},
		{"shuffle mid-round keeps who spoke and who speaks", checkIn, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"ana", "dee", "cai", "ben"}}, at(350_500), nil, func(s *room.State) {
			s.Order = []string{"ben", "cai", "ana", "dee"}
		}},
		{"shuffle naming an outsider", checkIn, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"ana", "dee", "cai", "eve"}}, at(350_500), room.ErrInvalid, nil},
		{"shuffle leaving someone out", checkIn, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"ana", "dee", "cai"}}, at(350_500), room.ErrInvalid, nil},
		{"shuffle naming someone twice", checkIn, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"ana", "dee", "cai", "ana"}}, at(350_500), room.ErrInvalid, nil},
		{"shuffle with no order", checkIn, room.Command{Kind: room.CmdShuffle, By: "ben"}, at(350_500), room.ErrInvalid, nil},
		{"presenters during the check-in", checkIn, room.Command{Kind: room.CmdPresenters, By: "ben", Presenters: []string{"dee"}}, at(350_500), nil, func(s *room.State) {
			s.Presenters = []string{"dee"}
		}},
		{"help from someone not presenting", checkIn, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai", Help: room.HelpExpert}, at(350_500), room.ErrInvalid, nil},

		{"presenters while choosing keep the step", choosing, room.Command{Kind: room.CmdPresenters, By: "ana", Presenters: []string{"cai", "ana"}}, now, nil, func(s *room.State) {
			s.Presenters = []string{"cai", "ana"}
		}},
		{"presenters: nobody today", choosing, room.Command{Kind: room.CmdPresenters, By: "ana", Presenters: []string{}}, now, nil, func(s *room.State) {
			s.Presenters = []string{}
		}},
		{"presenters naming an outsider", choosing, room.Command{Kind: room.CmdPresenters, By: "ana", Presenters: []string{"eve"}}, now, room.ErrInvalid, nil},
		{"presenters naming someone twice", choosing, room.Command{Kind: room.CmdPresenters, By: "ana", Presenters: []string{"cai", "cai"}}, now, room.ErrInvalid, nil},
		{"shuffle after the round", choosing, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"ana", "dee", "cai", "ben"}}, now, room.ErrInvalid, nil},
		{"next with nobody presenting goes to the closing", choosing, room.Command{Kind: room.CmdNext, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.EndsAt = 6, at(360_250)
		}},

		{"presenters once the presentations began", caiPresents, room.Command{Kind: room.CmdPresenters, By: "ben", Presenters: []string{"ana"}}, now, room.ErrInvalid, nil},
		{"help while presenting", caiPresents, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai", Help: room.HelpExpert}, now, nil, func(s *room.State) {
			s.Help = map[string]room.Help{"cai": room.HelpExpert}
		}},
		{"help from the later presenter", caiPresents, room.Command{Kind: room.CmdHelp, By: "ana", Presenter: "ana", Help: room.HelpProcess}, now, nil, func(s *room.State) {
			s.Help = map[string]room.Help{"ana": room.HelpProcess}
		}},
		{"help for someone else, even by the timekeeper", caiPresents, room.Command{Kind: room.CmdHelp, By: "ben", Presenter: "cai", Help: room.HelpExpert}, now, room.ErrNotAllowed, nil},
		{"help of an unknown kind", caiPresents, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai", Help: "coach"}, now, room.ErrInvalid, nil},
		{"help unsaid", caiPresents, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai"}, now, room.ErrInvalid, nil},
		{"help after presenting", caiQuestions, room.Command{Kind: room.CmdHelp, By: "cai", Presenter: "cai", Help: room.HelpNone}, now, room.ErrInvalid, nil},
		{"back to the presentation", caiQuestions, room.Command{Kind: room.CmdBack, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.EndsAt = 6, at(240_250)
		}},

		{"next on the last step ends the meeting", closing, room.Command{Kind: room.CmdNext, By: "ben"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.EndedAt = room.Ended, time.Time{}, now
		}},
		{"back from the closing", closing, room.Command{Kind: room.CmdBack, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.EndsAt = 11, at(660_250)
		}},
	})
}

func TestApplyWhilePaused(t *testing.T) {
	_, _, paused, _ := councilStates(t)
	pausedOver := edit(paused, func(s *room.State) { s.Remaining = -5 * time.Second })
	checkIn := edit(paused, func(s *room.State) { s.Step, s.Remaining = 3, 17*time.Millisecond })
	closing := edit(paused, func(s *room.State) { s.Step = 6 })
	now := at(500_000)
	runCases(t, []cmdCase{
		{"start", paused, room.Command{Kind: room.CmdStart, By: "ben"}, now, room.ErrInvalid, nil},
		{"pause again", paused, room.Command{Kind: room.CmdPause, By: "ben"}, now, room.ErrInvalid, nil},
		{"resume gives back the time left", paused, room.Command{Kind: room.CmdResume, By: "ben"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.Remaining = room.Running, at(619_750), 0
		}},
		{"resume in overtime stays in overtime", pausedOver, room.Command{Kind: room.CmdResume, By: "ana"}, now, nil, func(s *room.State) {
			s.Phase, s.EndsAt, s.Remaining = room.Running, at(495_000), 0
		}},
		{"resume by a member", paused, room.Command{Kind: room.CmdResume, By: "cai"}, now, room.ErrNotAllowed, nil},
		{"extend while paused", paused, room.Command{Kind: room.CmdExtend, By: "ben"}, now, nil, func(s *room.State) {
			s.Remaining = 179_750 * time.Millisecond
		}},
		{"extend paused in overtime counts from zero", pausedOver, room.Command{Kind: room.CmdExtend, By: "ben", Seconds: 45}, now, nil, func(s *room.State) {
			s.Remaining = 45 * time.Second
		}},
		{"next stays paused with the full time", paused, room.Command{Kind: room.CmdNext, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.Remaining = 1, 2*time.Minute
		}},
		{"back stays paused with the full time", checkIn, room.Command{Kind: room.CmdBack, By: "ben"}, now, nil, func(s *room.State) {
			s.Step, s.Remaining = 2, 2*time.Minute
		}},
		{"back from the first step", paused, room.Command{Kind: room.CmdBack, By: "ben"}, now, room.ErrInvalid, nil},
		{"next on the last step ends the meeting", closing, room.Command{Kind: room.CmdNext, By: "ben"}, now, nil, func(s *room.State) {
			s.Phase, s.Remaining, s.EndedAt = room.Ended, 0, now
		}},
		{"end", paused, room.Command{Kind: room.CmdEnd, By: "ana"}, now, nil, func(s *room.State) {
			s.Phase, s.Remaining, s.EndedAt = room.Ended, 0, now
		}},
		{"shuffle in the opening", paused, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"cai", "ana", "dee", "ben"}}, now, nil, func(s *room.State) {
			s.Order = []string{"cai", "ana", "dee", "ben"}
		}},
		{"shuffle on the last check-in changes nothing left", edit(paused, func(s *room.State) { s.Step = 4 }),
			room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"cai", "ana", "dee", "ben"}}, now, nil, func(*room.State) {}},
		{"timekeeper handed over by the timekeeper", paused, room.Command{Kind: room.CmdTimekeeper, By: "ben", Timekeeper: "dee"}, now, nil, func(s *room.State) {
			s.Timekeeper = "dee"
		}},
		{"timekeeper handed over by the facilitator", paused, room.Command{Kind: room.CmdTimekeeper, By: "ana", Timekeeper: "ana"}, now, nil, func(s *room.State) {
			s.Timekeeper = "ana"
		}},
		{"timekeeper taken by a member", paused, room.Command{Kind: room.CmdTimekeeper, By: "cai", Timekeeper: "cai"}, now, room.ErrNotAllowed, nil},
		{"timekeeper handed to an outsider", paused, room.Command{Kind: room.CmdTimekeeper, By: "ben", Timekeeper: "eve"}, now, room.ErrInvalid, nil},
		{"timekeeper handed to nobody", paused, room.Command{Kind: room.CmdTimekeeper, By: "ben"}, now, room.ErrInvalid, nil},
		{"timekeeper handed to themselves", paused, room.Command{Kind: room.CmdTimekeeper, By: "ben", Timekeeper: "ben"}, now, room.ErrInvalid, nil},
	})
}

func TestApplyAfterEnd(t *testing.T) {
	_, _, _, ended := councilStates(t)
	ended.Presenters = []string{"cai"}
	var tests []cmdCase
	for _, kind := range allKinds {
		for _, by := range []string{"ben", "ana", "cai"} {
			tests = append(tests, cmdCase{
				name: fmt.Sprintf("%s by %s", kind, by), from: ended,
				c: room.Command{Kind: kind, By: by, Seconds: 30, Order: ended.Members, Presenters: []string{"dee"},
					Presenter: by, Help: room.HelpExpert, Timekeeper: "dee"},
				now: at(1_000_000), err: room.ErrInvalid,
			})
		}
	}
	runCases(t, tests)
}

func TestApplyPresentersByProtocol(t *testing.T) {
	pair := mustNew(t, room.Pair, []string{"ana", "ben"}, "ana", "ana")
	pairCheckIn := edit(pair, func(s *room.State) {
		s.Phase, s.StartedAt, s.EndsAt, s.Remaining, s.Step = room.Running, t0, at(1), 0, 2
	})
	pairTurn := edit(pairCheckIn, func(s *room.State) { s.Step = 3 })
	forum := mustNew(t, room.Forum, []string{"ana", "ben", "cai"}, "ana", "ben")
	cmd := func(by string, ps ...string) room.Command {
		return room.Command{Kind: room.CmdPresenters, By: by, Presenters: ps}
	}
	runCases(t, []cmdCase{
		{"pair swaps who goes first", pair, cmd("ana", "ana", "ben"), t0, nil, func(s *room.State) {
			s.Presenters = []string{"ana", "ben"}
		}},
		{"pair swaps during the check-in", pairCheckIn, cmd("ana", "ana", "ben"), t0, nil, func(s *room.State) {
			s.Presenters = []string{"ana", "ben"}
		}},
		{"pair swaps once the first turn began", pairTurn, cmd("ana", "ana", "ben"), t0, room.ErrInvalid, nil},
		{"pair with one presenter", pair, cmd("ana", "ana"), t0, room.ErrInvalid, nil},
		{"pair with a presenter twice", pair, cmd("ana", "ana", "ana"), t0, room.ErrInvalid, nil},
		{"pair with an outsider", pair, cmd("ana", "ana", "eve"), t0, room.ErrInvalid, nil},
		{"pair help from the second coachee in the first turn", pairTurn, room.Command{Kind: room.CmdHelp, By: "ana", Presenter: "ana", Help: room.HelpDoctor}, t0, nil, func(s *room.State) {
			s.Help = map[string]room.Help{"ana": room.HelpDoctor}
		}},
		{"forum with one presenter", forum, cmd("ben", "cai"), t0, nil, func(s *room.State) {
			s.Presenters = []string{"cai"}
		}},
		{"forum with two presenters", forum, cmd("ben", "cai", "ana"), t0, room.ErrInvalid, nil},
	})
}

// TestStale: a command based on another version changes nothing, whoever
// sends it and whatever it asks — the sender reloads first.
func TestStale(t *testing.T) {
	ready, running, paused, ended := councilStates(t)
	for _, s := range []room.State{ready, running, paused, ended} {
		s.Version = 7
		for _, kind := range append(allKinds, "bogus") {
			for _, v := range []int64{0, 6, 8} {
				t.Run(fmt.Sprintf("%s/%s/v%d", s.Phase, kind, v), func(t *testing.T) {
					got, err := s.Apply(room.Command{Kind: kind, Version: v, By: "ben", Timekeeper: "cai", Order: s.Members}, at(1000))
					if !errors.Is(err, room.ErrStale) {
						t.Fatalf("Apply: %v, want ErrStale", err)
					}
					if diff := cmp.Diff(s, got); diff != "" {
						t.Errorf("state changed (-before +after):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestClockArithmetic walks one meeting at millisecond precision through
// pausing, extending, overtime and moving between steps.
func TestClockArithmetic(t *testing.T) {
	const none = -1 // no EndsAt
	steps := []struct {
		kind      room.CommandKind
		seconds   int
		ms        int64 // when the command is sent
		phase     room.Phase
		step      int
		endsAt    int64 // ms, or none
		remaining time.Duration
		left      time.Duration // at ms
	}{
		{room.CmdStart, 0, 1_234, room.Running, 0, 181_234, 0, 3 * time.Minute},
		{room.CmdPause, 0, 61_235, room.Paused, 0, none, 119_999 * time.Millisecond, 119_999 * time.Millisecond},
		{room.CmdExtend, 30, 70_000, room.Paused, 0, none, 149_999 * time.Millisecond, 149_999 * time.Millisecond},
		{room.CmdResume, 0, 100_001, room.Running, 0, 250_000, 0, 149_999 * time.Millisecond},
		// 0.5 s over: the minute counts from now.
		{room.CmdExtend, 0, 250_500, room.Running, 0, 310_500, 0, time.Minute},
		{room.CmdPause, 0, 400_007, room.Paused, 0, none, -89_507 * time.Millisecond, -89_507 * time.Millisecond},
		{room.CmdResume, 0, 500_000, room.Running, 0, 410_493, 0, -89_507 * time.Millisecond},
		{room.CmdNext, 0, 500_001, room.Running, 1, 620_001, 0, 2 * time.Minute},
		{room.CmdPause, 0, 600_000, room.Paused, 1, none, 20_001 * time.Millisecond, 20_001 * time.Millisecond},
		{room.CmdNext, 0, 700_000, room.Paused, 2, none, 2 * time.Minute, 2 * time.Minute},
		{room.CmdBack, 0, 700_001, room.Paused, 1, none, 2 * time.Minute, 2 * time.Minute},
		{room.CmdResume, 0, 800_000, room.Running, 1, 920_000, 0, 2 * time.Minute},
		{room.CmdExtend, 1, 800_999, room.Running, 1, 921_000, 0, 120_001 * time.Millisecond},
		{room.CmdBack, 0, 850_000, room.Running, 0, 1_030_000, 0, 3 * time.Minute},
		{room.CmdEnd, 0, 900_000, room.Ended, 0, none, 0, 0},
	}
	s := mustNew(t, room.Council, []string{"ana", "ben", "cai", "dee"}, "ana", "ben")
	for i, st := range steps {
		s = apply(t, s, room.Command{Kind: st.kind, By: "ben", Seconds: st.seconds}, at(st.ms))
		var endsAt time.Time
		if st.endsAt != none {
			endsAt = at(st.endsAt)
		}
		if s.Phase != st.phase || s.Step != st.step || !s.EndsAt.Equal(endsAt) || s.Remaining != st.remaining || s.Version != int64(i+2) {
			t.Fatalf("after %s at %d ms: phase %s step %d ends %v remaining %v version %d; want %s %d %v %v %d",
				st.kind, st.ms, s.Phase, s.Step, s.EndsAt, s.Remaining, s.Version, st.phase, st.step, endsAt, st.remaining, i+2)
		}
		if got := s.Left(at(st.ms)); got != st.left {
			t.Fatalf("after %s at %d ms: Left = %v, want %v", st.kind, st.ms, got, st.left)
		}
	}
	if !s.StartedAt.Equal(at(1_234)) || !s.EndedAt.Equal(at(900_000)) {
		t.Errorf("started %v, ended %v", s.StartedAt, s.EndedAt)
	}
}

// TestShuffleKeepsTheSpeaker: a reshuffle during the check-in round leaves
// the current speaker's turn running, and nobody is skipped or asked
// twice.
func TestShuffleKeepsTheSpeaker(t *testing.T) {
	members := []string{"ana", "ben", "cai", "dee", "eli", "fay"}
	base := mustNew(t, room.Council, members, "ana", "ben")
	base = apply(t, base, room.Command{Kind: room.CmdStart, By: "ben"}, t0)
	for step := 0; step <= len(members); step++ {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			s := base
			for range step {
				s = apply(t, s, room.Command{Kind: room.CmdNext, By: "ben"}, at(5_000))
			}
			now := at(5_000 + int64(step)*7)
			next := apply(t, s, room.Command{Kind: room.CmdShuffle, By: "ben", Order: []string{"fay", "eli", "dee", "cai", "ben", "ana"}}, now)
			if next.Current() != s.Current() || next.Step != s.Step || next.Left(now) != s.Left(now) {
				t.Errorf("the current turn changed: %+v, %v left; was %+v, %v left", next.Current(), next.Left(now), s.Current(), s.Left(now))
			}
			if diff := cmp.Diff(s.Order[:step], next.Order[:step]); diff != "" {
				t.Errorf("who has spoken changed (-before +after):\n%s", diff)
			}
			// The rest follow the new order.
			var rest []string
			for _, m := range []string{"fay", "eli", "dee", "cai", "ben", "ana"} {
				if !slices.Contains(s.Order[:step], m) {
					rest = append(rest, m)
				}
			}
			if diff := cmp.Diff(rest, next.Order[step:], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the rest (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPresentersKeepTheStep: choosing presenters rebuilds the agenda after
// the choosing step, and the room stays on the same step.
func TestPresentersKeepTheStep(t *testing.T) {
	s := mustNew(t, room.Council, []string{"ana", "ben", "cai", "dee"}, "ana", "ben")
	s = apply(t, s, room.Command{Kind: room.CmdStart, By: "ben"}, t0)
	for range 5 {
		s = apply(t, s, room.Command{Kind: room.CmdNext, By: "ben"}, at(1_000))
	}
	before := s.Agenda()
	for _, ps := range [][]string{{"cai", "ana"}, {"dee"}, {}, {"ana", "ben", "cai", "dee"}} {
		now := at(2_000)
		next := apply(t, s, room.Command{Kind: room.CmdPresenters, By: "ana", Presenters: ps}, now)
		after := next.Agenda()
		if next.Step != 5 || next.Current() != s.Current() || next.Left(now) != s.Left(now) {
			t.Errorf("presenters %v moved the room: step %d %+v", ps, next.Step, next.Current())
		}
		if diff := cmp.Diff(before[:6], after[:6]); diff != "" {
			t.Errorf("presenters %v changed the steps so far (-before +after):\n%s", ps, diff)
		}
		if want := 6 + 3*len(ps) + 1; len(after) != want {
			t.Errorf("presenters %v: %d steps, want %d", ps, len(after), want)
		}
		s = next
	}
}

// memStore keeps a room's state the way the caller's store does: it saves
// a new state only over the version it was computed from.
type memStore struct {
	mu sync.Mutex
	s  room.State
}

func (m *memStore) load() room.State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.s
}

func (m *memStore) save(next room.State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if next.Version != m.s.Version+1 {
		return room.ErrStale
	}
	m.s = next
	return nil
}

// apply runs a command the way a request handler does: load, apply, save.
func (m *memStore) apply(c room.Command, now time.Time) error {
	next, err := m.load().Apply(c, now)
	if err != nil {
		return err
	}
	return m.save(next)
}

// TestConcurrentCommands: the timekeeper and the facilitator act on the
// same version at once; only the first applies, the second is told the
// meeting changed.
func TestConcurrentCommands(t *testing.T) {
	start := mustNew(t, room.Council, []string{"ana", "ben", "cai"}, "ana", "ben")
	start = apply(t, start, room.Command{Kind: room.CmdStart, By: "ben"}, t0)

	t.Run("both computed, one saved", func(t *testing.T) {
		st := &memStore{s: start}
		seen := st.load()
		pause, err := seen.Apply(room.Command{Kind: room.CmdPause, Version: seen.Version, By: "ben"}, at(10_000))
		if err != nil {
			t.Fatal(err)
		}
		next, err := seen.Apply(room.Command{Kind: room.CmdNext, Version: seen.Version, By: "ana"}, at(10_001))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.save(pause); err != nil {
			t.Fatalf("first save: %v", err)
		}
		if err := st.save(next); !errors.Is(err, room.ErrStale) {
			t.Fatalf("second save: %v, want ErrStale", err)
		}
		if diff := cmp.Diff(pause, st.load()); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}
		// Retried against what is stored now, the facilitator's command
		// still names the version they saw.
		if err := st.apply(room.Command{Kind: room.CmdNext, Version: seen.Version, By: "ana"}, at(10_002)); !errors.Is(err, room.ErrStale) {
			t.Fatalf("retry: %v, want ErrStale", err)
		}
		// After reloading, they decide again on what they see.
		if err := st.apply(room.Command{Kind: room.CmdNext, Version: st.load().Version, By: "ana"}, at(10_003)); err != nil {
			t.Fatalf("after reload: %v", err)
		}
		if got := st.load(); got.Step != 1 || got.Phase != room.Paused || got.Version != start.Version+2 {
			t.Errorf("stored step %d phase %s version %d", got.Step, got.Phase, got.Version)
		}
	})

	t.Run("racing requests", func(t *testing.T) {
		st := &memStore{s: start}
		kinds := []room.CommandKind{room.CmdPause, room.CmdNext, room.CmdExtend, room.CmdEnd, room.CmdTimekeeper}
		errs := make([]error, 0, 2*len(kinds))
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, kind := range append(kinds, kinds...) {
			by := []string{"ana", "ben"}[i%2]
			wg.Go(func() {
				err := st.apply(room.Command{Kind: kind, Version: start.Version, By: by, Timekeeper: "cai"}, at(int64(20_000+i)))
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			})
		}
		wg.Wait()
		applied := 0
		for _, err := range errs {
			switch {
			case err == nil:
				applied++
			case !errors.Is(err, room.ErrStale):
				t.Errorf("unexpected error %v", err)
			}
		}
		if applied != 1 || st.load().Version != start.Version+1 {
			t.Errorf("%d commands applied, version %d; want exactly one", applied, st.load().Version)
		}
	})
}

// A presenter may say what help they want until their presentation is
// over, and the room offers the choice exactly as long as Apply takes it.
func TestCanAskHelp(t *testing.T) {
	_, running, _, ended := councilStates(t)
	running.Presenters = []string{"cai"}
	// The agenda: opening, four check-ins, choosing, then cai presents
	// (step 6), questions (7), counsel (8), closing.
	for step, want := range map[int]bool{0: true, 5: true, 6: true, 7: false, 8: false, 9: false} {
		st := edit(running, func(s *room.State) { s.Step = step })
		if got := st.CanAskHelp("cai"); got != want {
			t.Errorf("at step %d (%s): CanAskHelp = %v, want %v", step, st.Current().Kind, got, want)
		}
		_, err := st.Apply(room.Command{Kind: room.CmdHelp, Version: st.Version, By: "cai", Presenter: "cai", Help: room.HelpExpert}, t0)
		if (err == nil) != want {
			t.Errorf("at step %d: Apply of help: %v, want it to agree with CanAskHelp", step, err)
		}
	}
	if running.CanAskHelp("dee") {
		t.Error("someone not presenting may ask for help")
	}
	ended.Presenters = []string{"cai"}
	if ended.CanAskHelp("cai") {
		t.Error("help may be asked for after the meeting ended")
	}
}
