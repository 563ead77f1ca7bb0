package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Week is the number of minutes in a week: availability is given in minutes
// of the week in UTC, the week starting Monday 00:00 UTC.
const Week = 10080

// Formats of a program.
const (
	FormatPair  = "pair"
	FormatGroup = "group"
)

// Repeat policies for people who were in a group together before.
const (
	RepeatAvoid = "avoid"
	RepeatAllow = "allow"
)

// Limits from the contract.
const (
	MinGroupSize      = 2
	MaxGroupSize      = 12
	MinSessionMinutes = 15
	MaxSessionMinutes = 240
)

// Input is one matching problem: the people who opted in to a round, the
// reporting tree around them and how to weigh what they have in common.
type Input struct {
	// Format is "pair" or "group". For "pair" the group size is forced to
	// exactly 2 and GroupSize is ignored.
	Format string `json:"format"`
	// GroupSize bounds every group, inclusive: 2 ≤ min ≤ max ≤ 12.
	GroupSize SizeRange `json:"group_size"`
	// SessionMinutes is the length of one meeting, 15–240: every group's
	// members must share an interval at least this long.
	SessionMinutes int `json:"session_minutes"`
	// Weights of the pair score; nil means DefaultWeights. ParseInput fills
	// any key the file leaves out with its default.
	Weights *Weights `json:"weights,omitempty"`
	// Participants are the people to place, in a stable order: the order
	// decides nothing but ties and the order of the output.
	Participants []Participant `json:"participants"`
	// NonParticipants are only part of the reporting tree.
	NonParticipants []NonParticipant `json:"non_participants,omitempty"`
	// PastPairs (beyond matching.md) lists pairs of ids who were in a group
	// together in an earlier round. Ids that are not participants of this
	// round are ignored: people come and go between rounds.
	PastPairs [][2]string `json:"past_pairs,omitempty"`
	// RepeatPolicy (beyond matching.md) says what PastPairs mean: "avoid"
	// (the default) makes a past pair a veto exactly like an avoid entry —
	// "you won't be matched with anyone from an earlier circle" — and
	// "allow" ignores them.
	RepeatPolicy string `json:"repeat_policy,omitempty"`
}

// SizeRange is an inclusive range of group sizes.
type SizeRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Weights weigh the terms of the pair score w(i,j). They are non-negative.
type Weights struct {
	SharedTopic         float64 `json:"shared_topic"`
	DepartmentDiversity float64 `json:"department_diversity"`
	LevelGap            float64 `json:"level_gap"`
	MutualPreference    float64 `json:"mutual_preference"`
	OneWayPreference    float64 `json:"one_way_preference"`
}

// DefaultWeights are the weights of matching.md.
func DefaultWeights() Weights {
	return Weights{SharedTopic: 3, DepartmentDiversity: 2, LevelGap: 1, MutualPreference: 5, OneWayPreference: 2}
}

// Participant is one person who opted in.
type Participant struct {
	// ID is unique across participants and non-participants, and non-empty.
	ID string `json:"id"`
	// Department: an empty department differs from every department,
	// including another empty one.
	Department string `json:"department,omitempty"`
	// Manager is the id of the direct manager (a participant or a
	// non-participant), or "" (JSON null or absent) for none.
	Manager string `json:"manager,omitempty"`
	// Level is an integer seniority level.
	Level int `json:"level,omitempty"`
	// Topics are compared as sets of exact strings.
	Topics []string `json:"topics,omitempty"`
	// Availability is a list of [start, end) intervals in minutes of the
	// week in UTC, 0 ≤ start < end ≤ 10080, merged by the engine; the week
	// wraps around, so [10020, 10080) and [0, 60) form one two-hour slot.
	// Nil (absent or null in JSON) means available at all times; an empty,
	// non-nil list means never.
	Availability []Interval `json:"availability"`
	// Prefer and Avoid name other participants; naming yourself has no
	// effect. Avoid is a veto in either direction.
	Prefer []string `json:"prefer,omitempty"`
	Avoid  []string `json:"avoid,omitempty"`
}

// NonParticipant is someone who is only part of the reporting tree.
type NonParticipant struct {
	ID      string `json:"id"`
	Manager string `json:"manager,omitempty"`
}

// Interval is [start, end) in minutes of the week, UTC.
type Interval [2]int

// weights returns the weights in force.
func (in *Input) weights() Weights {
	if in.Weights == nil {
		return DefaultWeights()
	}
	return *in.Weights
}

// sizes returns the group size bounds in force.
func (in *Input) sizes() (min, max int) {
	if in.Format == FormatPair {
		return 2, 2
	}
	return in.GroupSize.Min, in.GroupSize.Max
}

// InputError is an invalid input. Each problem names the field and, for a
// person, their index and id, like
//
//	participants[17] ("p18"): availability interval [900, 600] ends before it starts
type InputError struct {
	Problems []string
}

// maxProblems bounds how many problems an InputError collects.
const maxProblems = 100

func (e *InputError) Error() string {
	const show = 10
	if len(e.Problems) <= show {
		return strings.Join(e.Problems, "\n")
	}
	return strings.Join(e.Problems[:show], "\n") + fmt.Sprintf("\n… and %d more problems", len(e.Problems)-show)
}

// problems collects input problems up to maxProblems.
type problems struct {
	list []string
	more int
}

func (p *problems) addf(format string, args ...any) {
	if len(p.list) >= maxProblems {
		p.more++
		return
	}
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := p.list
	if p.more > 0 {
		list = append(list, fmt.Sprintf("… and %d more problems", p.more))
	}
	return &InputError{Problems: list}
}

// who names a participant or non-participant in a problem.
func who(kind string, i int, id string) string {
	return fmt.Sprintf("%s[%d] (%q)", kind, i, id)
}

// Validate checks every rule of matching.md's input section: unique
// non-empty ids, known managers, no one their own manager, no cycle of
// manager links, prefer/avoid naming participants, availability inside the
// week with start < end, sizes and session length in range, non-negative
// weights and a known format (and, beyond matching.md, a known repeat
// policy). It returns an *InputError listing every problem found.
func (in *Input) Validate() error {
	var p problems
	switch in.Format {
	case FormatPair:
	case FormatGroup:
		g := in.GroupSize
		switch {
		case g.Min == 0 && g.Max == 0:
			p.addf(`group_size: required for format "group" (min and max, 2–12)`)
		case g.Min < MinGroupSize || g.Min > MaxGroupSize:
			p.addf("group_size: min %d is outside 2–12", g.Min)
		case g.Max < MinGroupSize || g.Max > MaxGroupSize:
			p.addf("group_size: max %d is outside 2–12", g.Max)
		case g.Min > g.Max:
			p.addf("group_size: min %d is greater than max %d", g.Min, g.Max)
		}
	default:
		p.addf(`format: %q is neither "pair" nor "group"`, in.Format)
	}
	if in.SessionMinutes < MinSessionMinutes || in.SessionMinutes > MaxSessionMinutes {
		p.addf("session_minutes: %d is outside 15–240", in.SessionMinutes)
	}
	if w := in.Weights; w != nil {
		for _, f := range []struct {
			name string
			v    float64
		}{
			{"shared_topic", w.SharedTopic},
			{"department_diversity", w.DepartmentDiversity},
			{"level_gap", w.LevelGap},
			{"mutual_preference", w.MutualPreference},
			{"one_way_preference", w.OneWayPreference},
		} {
			switch {
			case math.IsNaN(f.v) || math.IsInf(f.v, 0):
				p.addf("weights.%s: %v is not a number", f.name, f.v)
			case f.v < 0:
				p.addf("weights.%s: %v is negative", f.name, f.v)
			}
		}
	}
	switch in.RepeatPolicy {
	case "", RepeatAvoid, RepeatAllow:
	default:
		p.addf(`repeat_policy: %q is neither "avoid" nor "allow"`, in.RepeatPolicy)
	}

	// Ids: unique across both lists, non-empty.
	type ref struct {
		kind string
		i    int
	}
	index := make(map[string]ref, len(in.Participants)+len(in.NonParticipants))
	addID := func(kind string, i int, id string) {
		if id == "" {
			p.addf("%s: id is required", who(kind, i, id))
			return
		}
		if prev, dup := index[id]; dup {
			p.addf("%s: id %q is already used by %s[%d]", who(kind, i, id), id, prev.kind, prev.i)
			return
		}
		index[id] = ref{kind, i}
	}
	for i := range in.Participants {
		addID("participants", i, in.Participants[i].ID)
	}
	for i := range in.NonParticipants {
		addID("non_participants", i, in.NonParticipants[i].ID)
	}

	// Managers: known, not oneself.
	managerOK := func(kind string, i int, id, manager string) {
		if manager == "" {
			return
		}
		if manager == id {
			p.addf("%s: manager: %q is their own manager", who(kind, i, id), id)
			return
		}
		if _, ok := index[manager]; !ok {
			p.addf("%s: manager %q names no known person", who(kind, i, id), manager)
		}
	}
	for i, q := range in.Participants {
		managerOK("participants", i, q.ID, q.Manager)
	}
	for i, q := range in.NonParticipants {
		managerOK("non_participants", i, q.ID, q.Manager)
	}
	in.checkCycles(func(id string) (string, int, bool) {
		r, ok := index[id]
		return r.kind, r.i, ok
	}, &p)

	// Per participant: prefer/avoid and availability.
	for i, q := range in.Participants {
		for _, list := range []struct {
			field string
			ids   []string
		}{{"prefer", q.Prefer}, {"avoid", q.Avoid}} {
			for _, id := range list.ids {
				r, ok := index[id]
				switch {
				case !ok:
					p.addf("%s: %s names %q, who is not a participant", who("participants", i, q.ID), list.field, id)
				case r.kind != "participants":
					p.addf("%s: %s names %q, who is a non-participant", who("participants", i, q.ID), list.field, id)
				}
			}
		}
		for _, iv := range q.Availability {
			if msg := intervalProblem(float64(iv[0]), float64(iv[1])); msg != "" {
				p.addf("%s: availability interval [%d, %d] %s", who("participants", i, q.ID), iv[0], iv[1], msg)
			}
		}
	}
	for k, pair := range in.PastPairs {
		if pair[0] == "" || pair[1] == "" {
			p.addf("past_pairs[%d]: an id is empty", k)
		}
	}
	return p.err()
}

// checkCycles reports every cycle of manager links once, at the person of
// the cycle who comes first in the input. Self-loops are reported by the
// caller as "their own manager".
func (in *Input) checkCycles(lookup func(id string) (string, int, bool), p *problems) {
	np := len(in.Participants)
	total := np + len(in.NonParticipants)
	node := func(kind string, i int) int {
		if kind == "participants" {
			return i
		}
		return np + i
	}
	idOf := func(v int) string {
		if v < np {
			return in.Participants[v].ID
		}
		return in.NonParticipants[v-np].ID
	}
	parent := make([]int, total)
	for v := range parent {
		parent[v] = -1
		var m string
		if v < np {
			m = in.Participants[v].Manager
		} else {
			m = in.NonParticipants[v-np].Manager
		}
		if m == "" || m == idOf(v) {
			continue
		}
		if kind, i, ok := lookup(m); ok {
			// A duplicate id resolves to its first holder; fine for cycles.
			parent[v] = node(kind, i)
		}
	}
	const (
		white = iota
		grey
		black
	)
	state := make([]uint8, total)
	var path []int
	for s := range total {
		if state[s] != white {
			continue
		}
		path = path[:0]
		v := s
		for v >= 0 && state[v] == white {
			state[v] = grey
			path = append(path, v)
			v = parent[v]
		}
		if v >= 0 && state[v] == grey {
			// The cycle is the part of path from v on.
			start := 0
			for path[start] != v {
				start++
			}
			cyc := path[start:]
			first := 0
			for k, u := range cyc {
				if u < cyc[first] {
					first = k
				}
			}
			names := make([]string, 0, len(cyc)+1)
			for k := range cyc {
				names = append(names, idOf(cyc[(first+k)%len(cyc)]))
			}
			names = append(names, names[0])
			u := cyc[first]
			kind, i := "participants", u
			if u >= np {
				kind, i = "non_participants", u-np
			}
			p.addf("%s: manager links form a cycle: %s", who(kind, i, idOf(u)), strings.Join(names, " → "))
		}
		for _, u := range path {
			state[u] = black
		}
	}
}

// intervalProblem says what is wrong with an availability interval, or "".
func intervalProblem(start, end float64) string {
	switch {
	case start != math.Trunc(start) || end != math.Trunc(end):
		return "is not a whole number of minutes"
	case start < 0 || end > Week || start > Week || end < 0:
		return "lies outside the week (0–10080)"
	case end < start:
		return "ends before it starts"
	case end == start:
		return "is empty (start equals end)"
	}
	return ""
}

// ParseInput decodes a JSON input file as described in matching.md and
// validates it. Every error is an *InputError naming the field and, for a
// person, their index and id. Keys missing from "weights" take their
// default; unknown keys anywhere are ignored.
func ParseInput(data []byte) (*Input, error) {
	if in, ok := parseFast(data); ok {
		if err := in.Validate(); err != nil {
			return nil, err
		}
		return in, nil
	}
	return parseChecked(data)
}

// parseFast decodes a well-formed file in one pass. It gives up (and
// ParseInput decodes field by field, to say exactly what is wrong) on any
// decoding error and on availability that is not whole minutes inside the
// week in [start, end] pairs.
func parseFast(data []byte) (*Input, bool) {
	type participant struct {
		ID           string       `json:"id"`
		Department   string       `json:"department"`
		Manager      *string      `json:"manager"`
		Level        int          `json:"level"`
		Topics       []string     `json:"topics"`
		Availability *[][]float64 `json:"availability"`
		Prefer       []string     `json:"prefer"`
		Avoid        []string     `json:"avoid"`
	}
	var raw struct {
		Format          string           `json:"format"`
		GroupSize       *SizeRange       `json:"group_size"`
		SessionMinutes  int              `json:"session_minutes"`
		Weights         *json.RawMessage `json:"weights"`
		Participants    []participant    `json:"participants"`
		NonParticipants []struct {
			ID      string  `json:"id"`
			Manager *string `json:"manager"`
		} `json:"non_participants"`
		PastPairs    [][]string `json:"past_pairs"`
		RepeatPolicy string     `json:"repeat_policy"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, false
	}
	in := &Input{Format: raw.Format, SessionMinutes: raw.SessionMinutes, RepeatPolicy: raw.RepeatPolicy}
	if raw.GroupSize != nil {
		in.GroupSize = *raw.GroupSize
	}
	if raw.Weights != nil && !isNull(*raw.Weights) {
		w := DefaultWeights()
		if err := json.Unmarshal(*raw.Weights, &w); err != nil {
			return nil, false
		}
		in.Weights = &w
	}
	in.Participants = make([]Participant, len(raw.Participants))
	for i, q := range raw.Participants {
		dst := &in.Participants[i]
		*dst = Participant{ID: q.ID, Department: q.Department, Level: q.Level, Topics: q.Topics, Prefer: q.Prefer, Avoid: q.Avoid}
		if q.Manager != nil {
			dst.Manager = *q.Manager
		}
		if q.Availability == nil {
			continue
		}
		dst.Availability = make([]Interval, len(*q.Availability))
		for k, iv := range *q.Availability {
			if len(iv) != 2 || intervalProblem(iv[0], iv[1]) != "" {
				return nil, false
			}
			dst.Availability[k] = Interval{int(iv[0]), int(iv[1])}
		}
	}
	if len(raw.NonParticipants) > 0 {
		in.NonParticipants = make([]NonParticipant, len(raw.NonParticipants))
	}
	for i, q := range raw.NonParticipants {
		in.NonParticipants[i].ID = q.ID
		if q.Manager != nil {
			in.NonParticipants[i].Manager = *q.Manager
		}
	}
	for _, pair := range raw.PastPairs {
		if len(pair) != 2 {
			return nil, false
		}
		in.PastPairs = append(in.PastPairs, [2]string{pair[0], pair[1]})
	}
	return in, true
}

// parseChecked decodes field by field, reporting every problem.
func parseChecked(data []byte) (*Input, error) {
	var raw struct {
		Format          *json.RawMessage  `json:"format"`
		GroupSize       *json.RawMessage  `json:"group_size"`
		SessionMinutes  *json.RawMessage  `json:"session_minutes"`
		Weights         *json.RawMessage  `json:"weights"`
		Participants    []json.RawMessage `json:"participants"`
		NonParticipants []json.RawMessage `json:"non_participants"`
		PastPairs       []json.RawMessage `json:"past_pairs"`
		RepeatPolicy    *json.RawMessage  `json:"repeat_policy"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &InputError{Problems: []string{jsonProblem("", data, err)}}
	}
	var p problems
	in := &Input{}
	failed := map[string]bool{} // top-level fields that could not be decoded
	field := func(name string, src *json.RawMessage, dst any) {
		if src == nil || isNull(*src) {
			return
		}
		if err := json.Unmarshal(*src, dst); err != nil {
			p.addf("%s", jsonProblem(name, *src, err))
			failed[name] = true
		}
	}
	field("format", raw.Format, &in.Format)
	field("group_size", raw.GroupSize, &in.GroupSize)
	field("session_minutes", raw.SessionMinutes, &in.SessionMinutes)
	field("repeat_policy", raw.RepeatPolicy, &in.RepeatPolicy)
	if raw.Weights != nil && !isNull(*raw.Weights) {
		w := DefaultWeights()
		field("weights", raw.Weights, &w)
		in.Weights = &w
	}
	in.Participants = make([]Participant, len(raw.Participants))
	for i, r := range raw.Participants {
		parseParticipant(i, r, &in.Participants[i], &p)
	}
	if len(raw.NonParticipants) > 0 {
		in.NonParticipants = make([]NonParticipant, len(raw.NonParticipants))
	}
	for i, r := range raw.NonParticipants {
		var np struct {
			ID      string  `json:"id"`
			Manager *string `json:"manager"`
		}
		if err := json.Unmarshal(r, &np); err != nil {
			p.addf("%s: %s", who("non_participants", i, np.ID), jsonProblem("", r, err))
			continue
		}
		in.NonParticipants[i] = NonParticipant{ID: np.ID}
		if np.Manager != nil {
			in.NonParticipants[i].Manager = *np.Manager
		}
	}
	for k, r := range raw.PastPairs {
		var ids []string
		if err := json.Unmarshal(r, &ids); err != nil || len(ids) != 2 {
			p.addf("past_pairs[%d]: expected a pair of ids like [\"p1\", \"p2\"]", k)
			continue
		}
		in.PastPairs = append(in.PastPairs, [2]string{ids[0], ids[1]})
	}
	// Validate what could be decoded too, so that one run lists every
	// problem.
	var ie *InputError
	if err := in.Validate(); errors.As(err, &ie) {
		for _, msg := range ie.Problems {
			name, _, _ := strings.Cut(msg, ":")
			if name, _, _ = strings.Cut(name, "."); !failed[name] {
				p.addf("%s", msg)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return in, nil
}

// parseParticipant decodes one participant, reporting problems under its
// index and id.
func parseParticipant(i int, data json.RawMessage, dst *Participant, p *problems) {
	var r struct {
		ID           *json.RawMessage `json:"id"`
		Department   *json.RawMessage `json:"department"`
		Manager      *json.RawMessage `json:"manager"`
		Level        *json.RawMessage `json:"level"`
		Topics       *json.RawMessage `json:"topics"`
		Availability *json.RawMessage `json:"availability"`
		Prefer       *json.RawMessage `json:"prefer"`
		Avoid        *json.RawMessage `json:"avoid"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		p.addf("%s: %s", who("participants", i, ""), jsonProblem("", data, err))
		return
	}
	if r.ID != nil {
		if err := json.Unmarshal(*r.ID, &dst.ID); err != nil {
			p.addf("%s: %s", who("participants", i, ""), jsonProblem("id", *r.ID, err))
			return
		}
	}
	name := who("participants", i, dst.ID)
	field := func(fname string, src *json.RawMessage, v any) {
		if src == nil || isNull(*src) {
			return
		}
		if err := json.Unmarshal(*src, v); err != nil {
			p.addf("%s: %s", name, jsonProblem(fname, *src, err))
		}
	}
	field("department", r.Department, &dst.Department)
	field("manager", r.Manager, &dst.Manager)
	field("level", r.Level, &dst.Level)
	field("topics", r.Topics, &dst.Topics)
	field("prefer", r.Prefer, &dst.Prefer)
	field("avoid", r.Avoid, &dst.Avoid)
	if r.Availability == nil || isNull(*r.Availability) {
		return
	}
	var ivs []json.RawMessage
	if err := json.Unmarshal(*r.Availability, &ivs); err != nil {
		p.addf("%s: availability: expected a list of [start, end] intervals", name)
		return
	}
	dst.Availability = make([]Interval, 0, len(ivs))
	for k, iv := range ivs {
		var nums []json.Number
		if err := json.Unmarshal(iv, &nums); err != nil || len(nums) != 2 {
			p.addf("%s: availability[%d]: expected an interval [start, end], got %s", name, k, clip(iv))
			continue
		}
		s, err1 := nums[0].Float64()
		e, err2 := nums[1].Float64()
		if err1 != nil || err2 != nil {
			p.addf("%s: availability[%d]: expected an interval [start, end], got %s", name, k, clip(iv))
			continue
		}
		if msg := intervalProblem(s, e); msg != "" {
			p.addf("%s: availability interval [%s, %s] %s", name, nums[0], nums[1], msg)
			continue
		}
		dst.Availability = append(dst.Availability, Interval{int(s), int(e)})
	}
}

func isNull(b []byte) bool {
	return string(bytes.TrimSpace(b)) == "null"
}

// clip shortens raw JSON for a message.
func clip(b []byte) string {
	s := string(bytes.TrimSpace(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// jsonProblem turns a decoding error into a message naming the field.
func jsonProblem(name string, data []byte, err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	prefix := ""
	if name != "" {
		prefix = name + ": "
	}
	switch {
	case errors.As(err, &te):
		f := te.Field
		if name != "" && f != "" {
			f = name + "." + f
		} else if f == "" {
			f = name
		}
		want := te.Type.String()
		switch te.Type.Kind() {
		case reflect.Struct, reflect.Map:
			want = "an object"
		case reflect.Slice, reflect.Array:
			want = "a list"
		}
		switch te.Type.String() {
		case "int":
			want = "a whole number"
		case "float64":
			want = "a number"
		case "string":
			want = "a string"
		case "[]string":
			want = "a list of strings"
		}
		if f == "" {
			return fmt.Sprintf("expected %s, got %s", want, te.Value)
		}
		return fmt.Sprintf("%s: expected %s, got %s", f, want, te.Value)
	case errors.As(err, &se):
		// The offending byte is the last one read.
		line, col := 1, 1
		for _, c := range data[:max(0, min(int(se.Offset)-1, len(data)))] {
			if c == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("%sinvalid JSON at line %d, column %d: %v", prefix, line, col, err)
	}
	return prefix + "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}
