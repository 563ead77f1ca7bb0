package room_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/room"
)

// t0 is when the meetings in these tests start: a Tuesday evening.
var t0 = time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)

// at is t0 plus ms milliseconds.
func at(ms int64) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func mustNew(tb testing.TB, p room.Protocol, members []string, facilitator, timekeeper string) room.State {
	tb.Helper()
	s, err := room.New(room.DefaultSettings(p), members, facilitator, timekeeper)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

func TestNew(t *testing.T) {
	council := room.DefaultSettings(room.Council)
	tests := []struct {
		name                    string
		settings                room.Settings
		members                 []string
		facilitator, timekeeper string
		want                    room.State
	}{
		{"check-in starts after the facilitator", council, []string{"ana", "ben", "cai", "dee"}, "cai", "ana", room.State{
			Version: 1, Phase: room.Ready, Remaining: 3 * time.Minute,
			Order:      []string{"dee", "ana", "ben", "cai"},
			Timekeeper: "ana", Facilitator: "cai", Settings: council,
			Members: []string{"ana", "ben", "cai", "dee"},
		}},
		{"last member facilitates: the round starts with the first", council, []string{"ana", "ben", "cai"}, "cai", "cai", room.State{
			Version: 1, Phase: room.Ready, Remaining: 3 * time.Minute,
			Order:      []string{"ana", "ben", "cai"},
			Timekeeper: "cai", Facilitator: "cai", Settings: council,
			Members: []string{"ana", "ben", "cai"},
		}},
		{"pair: both present, in check-in order", room.DefaultSettings(room.Pair), []string{"ana", "ben"}, "ana", "ben", room.State{
			Version: 1, Phase: room.Ready, Remaining: 3 * time.Minute,
			Order:      []string{"ben", "ana"},
			Presenters: []string{"ben", "ana"},
			Timekeeper: "ben", Facilitator: "ana", Settings: room.DefaultSettings(room.Pair),
			Members: []string{"ana", "ben"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			members := append([]string(nil), tt.members...)
			got, err := room.New(tt.settings, members, tt.facilitator, tt.timekeeper)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New (-want +got):\n%s", diff)
			}
			// The state owns its slices: the caller's stay as they were.
			members[0] = "changed"
			if got.Members[0] == "changed" || got.Order[len(got.Order)-1] == "changed" {
				t.Error("New kept the caller's slice")
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	council, pair := room.DefaultSettings(room.Council), room.DefaultSettings(room.Pair)
	tests := []struct {
		name                    string
		settings                room.Settings
		members                 []string
		facilitator, timekeeper string
	}{
		{"one member", council, []string{"ana"}, "ana", "ana"},
		{"no members", council, nil, "", ""},
		{"pair of three", pair, []string{"ana", "ben", "cai"}, "ana", "ben"},
		{"pair of one", pair, []string{"ana"}, "ana", "ana"},
		{"duplicate member", council, []string{"ana", "ben", "ana"}, "ana", "ben"},
		{"unnamed member", council, []string{"ana", ""}, "ana", "ana"},
		{"facilitator not a member", council, []string{"ana", "ben"}, "eve", "ben"},
		{"timekeeper not a member", council, []string{"ana", "ben"}, "ana", "eve"},
		{"no timekeeper", council, []string{"ana", "ben"}, "ana", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := room.New(tt.settings, tt.members, tt.facilitator, tt.timekeeper)
			if !errors.Is(err, room.ErrInvalid) {
				t.Errorf("New: %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("invalid settings", func(t *testing.T) {
		s := council
		s.Counsel = 0
		_, err := room.New(s, []string{"ana", "ben"}, "ana", "ben")
		if fields, ok := fault.FieldsOf(err); !ok || fields["counsel"] == "" {
			t.Errorf("New: %v, want a validation error on counsel", err)
		}
	})
}

func TestClock(t *testing.T) {
	ready := mustNew(t, room.Council, []string{"ana", "ben"}, "ana", "ben")
	running := ready
	running.Phase, running.StartedAt, running.EndsAt, running.Remaining = room.Running, t0, at(90_000), 0
	paused := ready
	paused.Phase, paused.StartedAt, paused.Remaining = room.Paused, t0, 59_999*time.Millisecond
	pausedOver := paused
	pausedOver.Remaining = -time.Millisecond
	ended := ready
	ended.Phase, ended.StartedAt, ended.EndedAt, ended.Remaining = room.Ended, t0, at(1), 0
	shortReady := ready
	shortReady.Remaining = time.Minute

	tests := []struct {
		name     string
		state    room.State
		now      time.Time
		left     time.Duration
		warning  bool
		overtime bool
	}{
		{"ready holds the opening", ready, at(10_000_000), 3 * time.Minute, false, false},
		{"a ready minute is no warning: nothing runs", shortReady, t0, time.Minute, false, false},
		{"running, plenty left", running, at(29_999), 60_001 * time.Millisecond, false, false},
		{"running, last minute begins", running, at(30_000), time.Minute, true, false},
		{"running, a millisecond left", running, at(89_999), time.Millisecond, true, false},
		{"running, time is up", running, at(90_000), 0, false, true},
		{"running, in overtime", running, at(95_500), -5500 * time.Millisecond, false, true},
		{"paused, the clock stands still", paused, at(1_000_000), 59_999 * time.Millisecond, true, false},
		{"paused in overtime", pausedOver, t0, -time.Millisecond, false, true},
		{"ended", ended, at(1_000_000), 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.state.Left(tt.now); got != tt.left {
				t.Errorf("Left = %v, want %v", got, tt.left)
			}
			if got := tt.state.Warning(tt.now); got != tt.warning {
				t.Errorf("Warning = %v, want %v", got, tt.warning)
			}
			if got := tt.state.Overtime(tt.now); got != tt.overtime {
				t.Errorf("Overtime = %v, want %v", got, tt.overtime)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	s := mustNew(t, room.Forum, []string{"ana", "ben", "cai"}, "ana", "ben")
	s.Presenters = []string{"cai"}
	s.Step = 5
	want := room.Step{Kind: room.Present, Title: "Presenting", Speaker: "cai", Presenter: "cai", Duration: 10 * time.Minute}
	got := s.Current()
	got.Prompt = ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Current (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(room.Agenda(s.Settings, s.Order, s.Presenters, s.Help), s.Agenda()); diff != "" {
		t.Errorf("State.Agenda differs from Agenda (-want +got):\n%s", diff)
	}
}

// TestJSON pins the stored and broadcast shape: browsers read these names.
func TestJSON(t *testing.T) {
	s := mustNew(t, room.Pair, []string{"ana", "ben"}, "ana", "ben")
	s = apply(t, s, room.Command{Kind: room.CmdStart, By: "ben"}, at(1500))
	s = apply(t, s, room.Command{Kind: room.CmdHelp, By: "ana", Presenter: "ana", Help: room.HelpDoctor}, at(2000))
	got, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":3,"phase":"running","step":0,"ends_at":"2026-03-10T18:03:01.5Z","remaining":0,` +
		`"order":["ben","ana"],"presenters":["ben","ana"],"help":{"ana":"doctor"},"timekeeper":"ben","facilitator":"ana",` +
		`"settings":{"protocol":"pair","opening":180000000000,"check_in":120000000000,"choose":0,"present":300000000000,` +
		`"questions":300000000000,"counsel":900000000000,"reflection":0,"closing":300000000000},` +
		`"members":["ana","ben"],"started_at":"2026-03-10T18:00:01.5Z","ended_at":"0001-01-01T00:00:00Z"}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}

	t.Run("a command's sender never comes from the body", func(t *testing.T) {
		var c room.Command
		if err := json.Unmarshal([]byte(`{"kind":"next","version":4,"by":"ben","By":"ben"}`), &c); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(room.Command{Kind: room.CmdNext, Version: 4}, c); diff != "" {
			t.Errorf("decoded (-want +got):\n%s", diff)
		}
	})
}
