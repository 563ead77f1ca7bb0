package matching_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/matching"
)

// input builds an input file around a participants list and extra
// top-level fields.
func input(top, participants string) string {
	if top == "" {
		top = `"format": "group", "group_size": {"min": 2, "max": 3}, "session_minutes": 60`
	}
	return `{` + top + `, "participants": [` + participants + `]}`
}

const (
	p1 = `{"id": "p1", "department": "Sales", "manager": "m1", "level": 3, "topics": ["feedback"], "availability": [[540, 720]], "prefer": ["p2"]}`
	p2 = `{"id": "p2", "department": "Legal", "availability": [[600, 900]]}`
	p3 = `{"id": "p3"}`
)

func TestParseInputErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // the whole message
	}{
		{"duplicate id", input("", p2+`,{"id": "p1"},{"id": "p1"}`),
			`participants[2] ("p1"): id "p1" is already used by participants[1]`},
		{"duplicate across lists", `{"format": "pair", "session_minutes": 60, "participants": [` + p2 + `], "non_participants": [{"id": "p2"}]}`,
			`non_participants[0] ("p2"): id "p2" is already used by participants[0]`},
		{"missing id", input("", p2+`,{"department": "Sales"}`),
			`participants[1] (""): id is required`},
		{"unknown manager", input("", p2+`,{"id": "p3", "manager": "nobody"}`),
			`participants[1] ("p3"): manager "nobody" names no known person`},
		{"own manager", input("", p2+`,{"id": "p3", "manager": "p3"}`),
			`participants[1] ("p3"): manager: "p3" is their own manager`},
		{"cycle", `{"format": "pair", "session_minutes": 60, "participants": [{"id": "a", "manager": "m"}, {"id": "b", "manager": "a"}], "non_participants": [{"id": "m", "manager": "b"}]}`,
			`participants[0] ("a"): manager links form a cycle: a → m → b → a`},
		{"cycle of non-participants", `{"format": "pair", "session_minutes": 60, "participants": [{"id": "a", "manager": "x"}], "non_participants": [{"id": "x", "manager": "y"}, {"id": "y", "manager": "x"}]}`,
			`non_participants[0] ("x"): manager links form a cycle: x → y → x`},
		{"prefer unknown", input("", p2+`,{"id": "p3", "prefer": ["p9"]}`),
			`participants[1] ("p3"): prefer names "p9", who is not a participant`},
		{"avoid unknown", input("", p2+`,{"id": "p3", "avoid": ["zz"]}`),
			`participants[1] ("p3"): avoid names "zz", who is not a participant`},
		{"prefer non-participant", `{"format": "pair", "session_minutes": 60, "participants": [{"id": "a", "prefer": ["m"]}], "non_participants": [{"id": "m"}]}`,
			`participants[0] ("a"): prefer names "m", who is a non-participant`},
		{"end before start", input("", p2+`,{"id": "p18", "availability": [[900, 600]]}`),
			`participants[1] ("p18"): availability interval [900, 600] ends before it starts`},
		{"empty interval", input("", p2+`,{"id": "p3", "availability": [[600, 600]]}`),
			`participants[1] ("p3"): availability interval [600, 600] is empty (start equals end)`},
		{"not whole minutes", input("", p2+`,{"id": "p3", "availability": [[540.5, 600]]}`),
			`participants[1] ("p3"): availability interval [540.5, 600] is not a whole number of minutes`},
		{"negative start", input("", p2+`,{"id": "p3", "availability": [[-30, 600]]}`),
			`participants[1] ("p3"): availability interval [-30, 600] lies outside the week (0–10080)`},
		{"past the week", input("", p2+`,{"id": "p3", "availability": [[10000, 10081]]}`),
			`participants[1] ("p3"): availability interval [10000, 10081] lies outside the week (0–10080)`},
		{"not an interval", input("", p2+`,{"id": "p3", "availability": [[1, 2, 3]]}`),
			`participants[1] ("p3"): availability[0]: expected an interval [start, end], got [1, 2, 3]`},
		{"availability not a list", input("", p2+`,{"id": "p3", "availability": "weekdays"}`),
			`participants[1] ("p3"): availability: expected a list of [start, end] intervals`},
		{"level not a number", input("", p2+`,{"id": "p3", "level": "senior"}`),
			`participants[1] ("p3"): level: expected a whole number, got string`},
		{"topics not strings", input("", p2+`,{"id": "p3", "topics": [1]}`),
			`participants[1] ("p3"): topics: expected a string, got number`},
		{"min too small", input(`"format": "group", "group_size": {"min": 1, "max": 3}, "session_minutes": 60`, p2),
			`group_size: min 1 is outside 2–12`},
		{"max too large", input(`"format": "group", "group_size": {"min": 4, "max": 13}, "session_minutes": 60`, p2),
			`group_size: max 13 is outside 2–12`},
		{"min above max", input(`"format": "group", "group_size": {"min": 6, "max": 4}, "session_minutes": 60`, p2),
			`group_size: min 6 is greater than max 4`},
		{"group size missing", input(`"format": "group", "session_minutes": 60`, p2),
			`group_size: required for format "group" (min and max, 2–12)`},
		{"session too short", input(`"format": "pair", "session_minutes": 10`, p2),
			`session_minutes: 10 is outside 15–240`},
		{"session too long", input(`"format": "pair", "session_minutes": 241`, p2),
			`session_minutes: 241 is outside 15–240`},
		{"session missing", input(`"format": "pair"`, p2),
			`session_minutes: 0 is outside 15–240`},
		{"session not whole", input(`"format": "pair", "session_minutes": 60.5`, p2),
			`session_minutes: expected a whole number, got number 60.5`},
		{"negative weight", input(`"format": "pair", "session_minutes": 60, "weights": {"level_gap": -1}`, p2),
			`weights.level_gap: -1 is negative`},
		{"weight not a number", input(`"format": "pair", "session_minutes": 60, "weights": {"shared_topic": "3"}`, p2),
			`weights.shared_topic: expected a number, got string`},
		{"unknown format", input(`"format": "trio", "session_minutes": 60`, p2),
			`format: "trio" is neither "pair" nor "group"`},
		{"missing format", input(`"session_minutes": 60`, p2),
			`format: "" is neither "pair" nor "group"`},
		{"repeat policy", input(`"format": "pair", "session_minutes": 60, "repeat_policy": "sometimes"`, p2),
			`repeat_policy: "sometimes" is neither "avoid" nor "allow"`},
		{"past pair shape", input(`"format": "pair", "session_minutes": 60, "past_pairs": [["p2"]]`, p2),
			`past_pairs[0]: expected a pair of ids like ["p1", "p2"]`},
		{"not an object", `[1, 2]`,
			`expected an object, got array`},
		{"syntax", "{\n  \"format\": \"pair\",\n  oops\n}",
			`invalid JSON at line 3, column 3: invalid character 'o' looking for beginning of object key string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := matching.ParseInput([]byte(tt.data))
			if err == nil {
				t.Fatalf("no error; input %+v", in)
			}
			var ie *matching.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err is %T, want *matching.InputError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestParseInputManyProblems(t *testing.T) {
	data := input(`"format": "duo", "session_minutes": 5`, p2+`,{"id": "p3", "availability": [[900, 600]], "avoid": ["x"]}`)
	_, err := matching.ParseInput([]byte(data))
	var ie *matching.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`participants[1] ("p3"): availability interval [900, 600] ends before it starts`,
		`format: "duo" is neither "pair" nor "group"`,
		`session_minutes: 5 is outside 15–240`,
		`participants[1] ("p3"): avoid names "x", who is not a participant`,
	}
	if diff := cmp.Diff(want, ie.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), want[0]) || !strings.Contains(err.Error(), want[3]) {
		t.Errorf("Error() = %q", err)
	}
}

func TestParseInputValid(t *testing.T) {
	data := `{
	  "format": "pair",
	  "group_size": {"min": 4, "max": 6},
	  "session_minutes": 60,
	  "weights": {"shared_topic": 1.5},
	  "participants": [
	    ` + p1 + `,
	    ` + p2 + `,
	    {"id": "p3", "manager": null, "availability": null, "topics": ["a", "a"], "avoid": ["p3"]},
	    {"id": "p4", "availability": [], "unknown_field": true}
	  ],
	  "non_participants": [{"id": "m1", "manager": null}],
	  "past_pairs": [["p1", "p2"], ["p1", "gone"]]
	}`
	in, err := matching.ParseInput([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := &matching.Input{
		Format:         "pair",
		GroupSize:      matching.SizeRange{Min: 4, Max: 6},
		SessionMinutes: 60,
		Weights:        &matching.Weights{SharedTopic: 1.5, DepartmentDiversity: 2, LevelGap: 1, MutualPreference: 5, OneWayPreference: 2},
		Participants: []matching.Participant{
			{ID: "p1", Department: "Sales", Manager: "m1", Level: 3, Topics: []string{"feedback"}, Availability: []matching.Interval{{540, 720}}, Prefer: []string{"p2"}},
			{ID: "p2", Department: "Legal", Availability: []matching.Interval{{600, 900}}},
			{ID: "p3", Topics: []string{"a", "a"}, Avoid: []string{"p3"}},
			{ID: "p4", Availability: []matching.Interval{}},
		},
		NonParticipants: []matching.NonParticipant{{ID: "m1"}},
		PastPairs:       [][2]string{{"p1", "p2"}, {"p1", "gone"}},
	}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
	// Absent availability means always; an empty list means never.
	out := mustRun(t, in, 1)
	check(t, in, out)
	for _, u := range out.Unmatched {
		if u.ID == "p4" && u.Reason != "no available time was given" {
			t.Errorf("p4: reason %q", u.Reason)
		}
	}
}

// TestValidateGoInput checks inputs built in Go rather than parsed.
func TestValidateGoInput(t *testing.T) {
	in := &matching.Input{
		Format:         matching.FormatGroup,
		GroupSize:      matching.SizeRange{Min: 2, Max: 4},
		SessionMinutes: 60,
		Weights:        &matching.Weights{SharedTopic: -2},
		Participants: []matching.Participant{
			{ID: "a", Availability: []matching.Interval{{-1, 50}}},
			{ID: "b", Manager: "b"},
		},
		PastPairs: [][2]string{{"a", ""}},
	}
	err := in.Validate()
	var ie *matching.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`weights.shared_topic: -2 is negative`,
		`participants[1] ("b"): manager: "b" is their own manager`,
		`participants[0] ("a"): availability interval [-1, 50] lies outside the week (0–10080)`,
		`past_pairs[0]: an id is empty`,
	}
	if diff := cmp.Diff(want, ie.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
