package room_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/room"
)

const minute = time.Minute

func TestDefaultSettings(t *testing.T) {
	tests := []struct {
		protocol room.Protocol
		want     room.Settings
	}{
		{room.Council, room.Settings{Protocol: room.Council, Opening: 3 * minute, CheckIn: 2 * minute, Choose: 3 * minute,
			Present: 3 * minute, Questions: 3 * minute, Counsel: 10 * minute, Closing: 5 * minute}},
		{room.Forum, room.Settings{Protocol: room.Forum, Opening: 3 * minute, CheckIn: 2 * minute, Choose: 3 * minute,
			Present: 10 * minute, Questions: 10 * minute, Counsel: 25 * minute, Reflection: 5 * minute, Closing: 5 * minute}},
		{room.Pair, room.Settings{Protocol: room.Pair, Opening: 3 * minute, CheckIn: 2 * minute,
			Present: 5 * minute, Questions: 5 * minute, Counsel: 15 * minute, Closing: 5 * minute}},
		// The council is the book's default.
		{"", room.DefaultSettings(room.Council)},
		{"circle", room.DefaultSettings(room.Council)},
	}
	for _, tt := range tests {
		t.Run(string(tt.protocol), func(t *testing.T) {
			got := room.DefaultSettings(tt.protocol)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DefaultSettings(%q) (-want +got):\n%s", tt.protocol, diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("defaults do not validate: %v", err)
			}
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	with := func(p room.Protocol, edit func(*room.Settings)) room.Settings {
		s := room.DefaultSettings(p)
		edit(&s)
		return s
	}
	tests := []struct {
		name     string
		settings room.Settings
		want     map[string]string // nil: valid
	}{
		{"bounds are inclusive", with(room.Forum, func(s *room.Settings) {
			s.Opening, s.Choose, s.Present, s.Questions = minute, time.Hour, minute, minute
			s.Counsel, s.Reflection, s.Closing, s.CheckIn = time.Hour, minute, time.Hour, 30*time.Second
		}), nil},
		{"check-in up to ten minutes", with(room.Council, func(s *room.Settings) { s.CheckIn = 10 * minute }), nil},
		{"unknown protocol", with(room.Council, func(s *room.Settings) { s.Protocol = "circle" }),
			map[string]string{"protocol": "Choose council, forum or pair."}},
		{"no protocol", with(room.Council, func(s *room.Settings) { s.Protocol = "" }),
			map[string]string{"protocol": "Choose council, forum or pair."}},
		{"every field out of bounds, each named", room.Settings{Protocol: room.Forum, Opening: minute - 1, CheckIn: 29 * time.Second,
			Choose: time.Hour + 1, Present: 0, Questions: -minute, Counsel: 61 * minute, Reflection: 59 * time.Second, Closing: 2 * time.Hour},
			map[string]string{
				"opening":    "Use 1 to 60 minutes.",
				"check_in":   "Use 30 seconds to 10 minutes per person.",
				"choose":     "Use 1 to 60 minutes.",
				"present":    "Use 1 to 60 minutes.",
				"questions":  "Use 1 to 60 minutes.",
				"counsel":    "Use 1 to 60 minutes.",
				"reflection": "Use 1 to 60 minutes.",
				"closing":    "Use 1 to 60 minutes.",
			}},
		{"check-in over ten minutes", with(room.Council, func(s *room.Settings) { s.CheckIn = 10*minute + time.Second }),
			map[string]string{"check_in": "Use 30 seconds to 10 minutes per person."}},
		// A protocol ignores the steps it does not have.
		{"council has no reflection", with(room.Council, func(s *room.Settings) { s.Reflection = 0 }), nil},
		{"pair neither chooses nor reflects", with(room.Pair, func(s *room.Settings) { s.Choose, s.Reflection = -1, 5*time.Hour }), nil},
		{"forum reflects", with(room.Forum, func(s *room.Settings) { s.Reflection = 0 }),
			map[string]string{"reflection": "Use 1 to 60 minutes."}},
		{"council chooses", with(room.Council, func(s *room.Settings) { s.Choose = 0 }),
			map[string]string{"choose": "Use 1 to 60 minutes."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.settings.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			got, ok := fault.FieldsOf(err)
			if !ok {
				t.Fatalf("Validate: %v, want a validation error", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// row is a step without its prompt, which TestPrompts checks.
type row struct {
	Kind      room.StepKind
	Title     string
	Speaker   string
	Presenter string
	Help      room.Help
	Duration  time.Duration
}

func rows(steps []room.Step) []row {
	out := make([]row, len(steps))
	for i, s := range steps {
		out[i] = row{s.Kind, s.Title, s.Speaker, s.Presenter, s.Help, s.Duration}
	}
	return out
}

func TestAgenda(t *testing.T) {
	council, forum, pair := room.DefaultSettings(room.Council), room.DefaultSettings(room.Forum), room.DefaultSettings(room.Pair)
	custom := council
	custom.Opening, custom.CheckIn, custom.Choose, custom.Present, custom.Questions, custom.Counsel, custom.Closing =
		4*minute, 90*time.Second, 2*minute, 5*minute, 4*minute, 12*minute, 6*minute

	opening := func(d time.Duration) row { return row{room.Opening, "Opening", "", "", "", d} }
	checkIn := func(m string, d time.Duration) row { return row{room.CheckIn, "Check-in", m, "", "", d} }
	closing := func(d time.Duration) row { return row{room.Closing, "Closing", "", "", "", d} }
	tests := []struct {
		name       string
		settings   room.Settings
		checkIn    []string
		presenters []string
		help       map[string]room.Help
		want       []row
	}{
		{"council before choosing", council, []string{"ben", "cai", "dee", "ana"}, nil, nil, []row{
			opening(3 * minute),
			checkIn("ben", 2*minute), checkIn("cai", 2*minute), checkIn("dee", 2*minute), checkIn("ana", 2*minute),
			{room.Choose, "Choosing presenters", "", "", "", 3 * minute},
			closing(5 * minute),
		}},
		{"council with two presenters", council, []string{"ben", "cai", "dee", "ana"}, []string{"cai", "ana"},
			map[string]room.Help{"cai": room.HelpDoctor, "ana": room.HelpNone, "ben": room.HelpExpert}, []row{
				opening(3 * minute),
				checkIn("ben", 2*minute), checkIn("cai", 2*minute), checkIn("dee", 2*minute), checkIn("ana", 2*minute),
				{room.Choose, "Choosing presenters", "", "", "", 3 * minute},
				{room.Present, "Presenting", "cai", "cai", room.HelpDoctor, 3 * minute},
				{room.Questions, "Questions", "", "cai", room.HelpDoctor, 3 * minute},
				{room.Counsel, "Counsel", "", "cai", room.HelpDoctor, 10 * minute},
				{room.Present, "Presenting", "ana", "ana", room.HelpNone, 3 * minute},
				{room.Questions, "Questions", "", "ana", room.HelpNone, 3 * minute},
				{room.Counsel, "Shared experience", "", "ana", room.HelpNone, 10 * minute},
				closing(5 * minute),
			}},
		{"council durations come from the settings", custom, []string{"ana", "ben"}, []string{"ben"}, nil, []row{
			opening(4 * minute),
			checkIn("ana", 90*time.Second), checkIn("ben", 90*time.Second),
			{room.Choose, "Choosing presenters", "", "", "", 2 * minute},
			{room.Present, "Presenting", "ben", "ben", "", 5 * minute},
			{room.Questions, "Questions", "", "ben", "", 4 * minute},
			{room.Counsel, "Counsel", "", "ben", "", 12 * minute},
			closing(6 * minute),
		}},
		{"forum has one presenter and a reflection", forum, []string{"ben", "cai", "ana"}, []string{"cai"},
			map[string]room.Help{"cai": room.HelpProcess}, []row{
				opening(3 * minute),
				checkIn("ben", 2*minute), checkIn("cai", 2*minute), checkIn("ana", 2*minute),
				{room.Choose, "Choosing the presenter", "", "", "", 3 * minute},
				{room.Present, "Presenting", "cai", "cai", room.HelpProcess, 10 * minute},
				{room.Questions, "Clarifying questions", "", "cai", room.HelpProcess, 10 * minute},
				{room.Counsel, "Counsel", "", "cai", room.HelpProcess, 25 * minute},
				{room.Reflection, "Reflection", "cai", "cai", room.HelpProcess, 5 * minute},
				closing(5 * minute),
			}},
		{"forum takes only the first presenter", forum, []string{"ben", "ana"}, []string{"ana", "ben"},
			map[string]room.Help{"ana": room.HelpNone}, []row{
				opening(3 * minute),
				checkIn("ben", 2*minute), checkIn("ana", 2*minute),
				{room.Choose, "Choosing the presenter", "", "", "", 3 * minute},
				{room.Present, "Presenting", "ana", "ana", room.HelpNone, 10 * minute},
				{room.Questions, "Clarifying questions", "", "ana", room.HelpNone, 10 * minute},
				{room.Counsel, "Shared experience", "", "ana", room.HelpNone, 25 * minute},
				{room.Reflection, "Reflection", "ana", "ana", room.HelpNone, 5 * minute},
				closing(5 * minute),
			}},
		{"pair: two turns, roles swapped, no choosing", pair, []string{"ben", "ana"}, []string{"ben", "ana"},
			map[string]room.Help{"ana": room.HelpExpert}, []row{
				opening(3 * minute),
				checkIn("ben", 2*minute), checkIn("ana", 2*minute),
				{room.Present, "Presenting", "ben", "ben", "", 5 * minute},
				{room.Questions, "Questions", "ana", "ben", "", 5 * minute},
				{room.Counsel, "Coaching", "ana", "ben", "", 15 * minute},
				{room.Present, "Presenting", "ana", "ana", room.HelpExpert, 5 * minute},
				{room.Questions, "Questions", "ben", "ana", room.HelpExpert, 5 * minute},
				{room.Counsel, "Coaching", "ben", "ana", room.HelpExpert, 15 * minute},
				closing(5 * minute),
			}},
		{"pair coachee who wants no advice hears experience", pair, []string{"ana", "ben"}, []string{"ana", "ben"},
			map[string]room.Help{"ana": room.HelpNone}, []row{
				opening(3 * minute),
				checkIn("ana", 2*minute), checkIn("ben", 2*minute),
				{room.Present, "Presenting", "ana", "ana", room.HelpNone, 5 * minute},
				{room.Questions, "Questions", "ben", "ana", room.HelpNone, 5 * minute},
				{room.Counsel, "Shared experience", "ben", "ana", room.HelpNone, 15 * minute},
				{room.Present, "Presenting", "ben", "ben", "", 5 * minute},
				{room.Questions, "Questions", "ana", "ben", "", 5 * minute},
				{room.Counsel, "Coaching", "ana", "ben", "", 15 * minute},
				closing(5 * minute),
			}},
		{"pair without a partner: nobody coaches", pair, []string{"ana"}, []string{"ana"}, nil, []row{
			opening(3 * minute),
			checkIn("ana", 2*minute),
			{room.Present, "Presenting", "ana", "ana", "", 5 * minute},
			{room.Questions, "Questions", "", "ana", "", 5 * minute},
			{room.Counsel, "Coaching", "", "ana", "", 15 * minute},
			closing(5 * minute),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps := room.Agenda(tt.settings, tt.checkIn, tt.presenters, tt.help)
			if diff := cmp.Diff(tt.want, rows(steps)); diff != "" {
				t.Errorf("Agenda (-want +got):\n%s", diff)
			}
			for i, s := range steps {
				if s.Title == "" || s.Prompt == "" {
					t.Errorf("step %d (%s) has no title or prompt: %+v", i, s.Kind, s)
				}
			}
			// Questions always come before counsel, for every presenter.
			asked := map[string]bool{}
			for _, s := range steps {
				switch s.Kind {
				case room.Questions:
					asked[s.Presenter] = true
				case room.Counsel:
					if !asked[s.Presenter] {
						t.Errorf("counsel for %s before questions", s.Presenter)
					}
				}
			}
		})
	}
}

// counselFor is the counsel step for ana's presentation under protocol p,
// when she asked for help h.
func counselFor(t *testing.T, p room.Protocol, h room.Help) room.Step {
	t.Helper()
	presenters := []string{"ana"}
	if p == room.Pair {
		presenters = []string{"ana", "ben"}
	}
	for _, s := range room.Agenda(room.DefaultSettings(p), []string{"ana", "ben"}, presenters, map[string]room.Help{"ana": h}) {
		if s.Kind == room.Counsel && s.Presenter == "ana" {
			return s
		}
	}
	t.Fatalf("no counsel step for %s", p)
	return room.Step{}
}

func TestPrompts(t *testing.T) {
	const (
		startWithQuestion = "Start with a question. The problem — and what to do about it — belongs to the presenter."
		shareExperience   = "No advice was asked for. Share experience, not advice: what happened when you faced something like this. The problem belongs to the presenter."
	)
	tests := []struct {
		protocol   room.Protocol
		help       room.Help
		title      string
		prompt     string
		promptHas  string
		promptLack string
	}{
		{room.Council, "", "Counsel", startWithQuestion, "", ""},
		{room.Council, room.HelpNone, "Shared experience", shareExperience, "", ""},
		{room.Council, room.HelpExpert, "Counsel", "", "Ideas and knowledge", "No advice"},
		{room.Council, room.HelpDoctor, "Counsel", "", "diagnosing", "No advice"},
		{room.Council, room.HelpProcess, "Counsel", "", "what help is needed", "No advice"},
		{room.Forum, "", "Counsel", startWithQuestion, "", ""},
		{room.Forum, room.HelpNone, "Shared experience", shareExperience, "", ""},
		{room.Pair, "", "Coaching", startWithQuestion, "", ""},
		{room.Pair, room.HelpNone, "Shared experience", shareExperience, "", ""},
		{room.Pair, room.HelpDoctor, "Coaching", "", "diagnosing", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.protocol)+"/"+string(tt.help), func(t *testing.T) {
			s := counselFor(t, tt.protocol, tt.help)
			if s.Title != tt.title {
				t.Errorf("title %q, want %q", s.Title, tt.title)
			}
			if tt.prompt != "" && s.Prompt != tt.prompt {
				t.Errorf("prompt %q, want %q", s.Prompt, tt.prompt)
			}
			if !strings.Contains(s.Prompt, tt.promptHas) || (tt.promptLack != "" && strings.Contains(s.Prompt, tt.promptLack)) {
				t.Errorf("prompt %q should hold %q and not %q", s.Prompt, tt.promptHas, tt.promptLack)
			}
			// Every kind of help still starts with a question, except
			// when no advice is asked for at all.
			if tt.help != room.HelpNone && !strings.Contains(s.Prompt, "Start with a question") {
				t.Errorf("prompt %q does not start with a question", s.Prompt)
			}
		})
	}

	t.Run("questions", func(t *testing.T) {
		steps := room.Agenda(room.DefaultSettings(room.Council), []string{"ana"}, []string{"ana"}, nil)
		for _, s := range steps {
			if s.Kind == room.Questions && s.Prompt != "Yes/no or short clarifying questions only. No advice yet." {
				t.Errorf("council questions prompt %q", s.Prompt)
			}
		}
		for _, p := range []room.Protocol{room.Council, room.Forum, room.Pair} {
			for _, s := range room.Agenda(room.DefaultSettings(p), []string{"ana", "ben"}, []string{"ana", "ben"}, nil) {
				if s.Kind == room.Questions && !strings.Contains(s.Prompt, "No advice yet.") {
					t.Errorf("%s questions prompt %q lets advice in", p, s.Prompt)
				}
			}
		}
	})

	t.Run("presenter says what help they want", func(t *testing.T) {
		for _, s := range room.Agenda(room.DefaultSettings(room.Council), []string{"ana"}, []string{"ana"}, nil) {
			if s.Kind == room.Present && !strings.Contains(s.Prompt, "whether you want advice") {
				t.Errorf("present prompt %q", s.Prompt)
			}
		}
	})
}
