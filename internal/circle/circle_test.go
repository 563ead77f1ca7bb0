package circle_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func held(f, tk string) circle.Meeting {
	return circle.Meeting{Status: circle.Scheduled, FacilitatorID: f, TimekeeperID: tk}
}

func roles(ms []circle.Meeting) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.FacilitatorID + "/" + m.TimekeeperID
	}
	return out
}

func TestRotateLeastRecentlyHeld(t *testing.T) {
	members := []string{"a", "b", "c"}
	history := []circle.Meeting{held("a", "b"), held("b", "c")}
	got := circle.Rotate(members, history, make([]circle.Meeting, 3))
	// c has never facilitated and a has never kept time; then the turns
	// go round in the order they were last held.
	want := []string{"c/a", "a/b", "b/c"}
	if !slices.Equal(roles(got), want) {
		t.Errorf("roles = %v, want %v", roles(got), want)
	}
	for _, m := range got {
		if m.RolesChosen {
			t.Error("the rotation marked its suggestion as chosen")
		}
	}
	if got := circle.Rotate(nil, history, []circle.Meeting{{}}); got[0].FacilitatorID != "" {
		t.Errorf("no members, roles %v", roles(got))
	}
	if got := circle.Rotate([]string{"solo"}, nil, []circle.Meeting{{}}); roles(got)[0] != "solo/solo" {
		t.Errorf("one member holds both roles, got %v", roles(got))
	}
}

// From a fresh start, every member holds each role once before anyone
// holds it twice, and nobody holds both roles of one meeting.
func TestRotateTurnsGoRound(t *testing.T) {
	for n := 2; n <= 8; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var members []string
			for i := range n {
				members = append(members, fmt.Sprintf("m%d", i))
			}
			got := circle.Rotate(members, nil, make([]circle.Meeting, 3*n))
			for i, m := range got {
				if m.FacilitatorID == m.TimekeeperID || m.FacilitatorID == "" || m.TimekeeperID == "" {
					t.Fatalf("meeting %d: %s", i, roles(got)[i])
				}
			}
			for round := range 3 {
				fac, tk := map[string]bool{}, map[string]bool{}
				for _, m := range got[round*n : (round+1)*n] {
					fac[m.FacilitatorID], tk[m.TimekeeperID] = true, true
				}
				if len(fac) != n || len(tk) != n {
					t.Errorf("meetings %d–%d: %v; someone held a role twice before everyone held it", round*n+1, (round+1)*n, roles(got))
				}
			}
		})
	}
}

func TestRotateChosenRoles(t *testing.T) {
	members := []string{"a", "b", "c"}
	upcoming := make([]circle.Meeting, 3)
	upcoming[0] = circle.Meeting{FacilitatorID: "c", TimekeeperID: "b", RolesChosen: true}
	got := circle.Rotate(members, nil, upcoming)
	if !got[0].RolesChosen || roles(got)[0] != "c/b" {
		t.Errorf("the chosen roles changed: %v", roles(got))
	}
	// The choice counts as a turn: a has held nothing, so a is next.
	if got[1].FacilitatorID != "a" || got[1].TimekeeperID == "b" {
		t.Errorf("rotation after a choice: %v", roles(got))
	}

	// A chosen holder who has left goes back to the rotation.
	upcoming = make([]circle.Meeting, 2)
	upcoming[0] = circle.Meeting{FacilitatorID: "gone", TimekeeperID: "b", RolesChosen: true}
	upcoming[1] = circle.Meeting{FacilitatorID: "a", TimekeeperID: "gone", RolesChosen: true}
	got = circle.Rotate(members, nil, upcoming)
	for i, m := range got {
		if m.RolesChosen || !slices.Contains(members, m.FacilitatorID) || !slices.Contains(members, m.TimekeeperID) ||
			m.FacilitatorID == m.TimekeeperID {
			t.Errorf("meeting %d after its chosen holder left: %+v", i, m)
		}
	}
}

func TestRotateSkipsCancelled(t *testing.T) {
	members := []string{"a", "b", "c"}
	cancelled := held("c", "a")
	cancelled.Status = circle.Cancelled
	// The cancelled meeting did not happen: c has still not facilitated.
	got := circle.Rotate(members, []circle.Meeting{held("a", "b"), held("b", "c"), cancelled}, make([]circle.Meeting, 1))
	if got[0].FacilitatorID != "c" {
		t.Errorf("a cancelled meeting counted as c's turn: %v", roles(got))
	}

	upcoming := []circle.Meeting{{Status: circle.Cancelled, FacilitatorID: "a", TimekeeperID: "b", RolesChosen: true}, {}}
	got = circle.Rotate(members, nil, upcoming)
	if got[0].FacilitatorID != "" || got[0].TimekeeperID != "" || got[0].RolesChosen || got[0].Status != circle.Cancelled {
		t.Errorf("a cancelled meeting ahead kept roles: %+v", got[0])
	}
	if got[1].FacilitatorID != "a" || got[1].TimekeeperID != "b" {
		t.Errorf("the meeting after a cancelled one: %v, want the first turn a/b", roles(got))
	}
}

func TestNeedsNudge(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	period := 14 * day
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	at := func(d time.Duration) *time.Time { t := ago(d); return &t }
	cases := []struct {
		name     string
		lastMet  time.Time
		formed   time.Time
		nudgedAt *time.Time
		want     bool
	}{
		{"never met, formed recently", time.Time{}, ago(27 * day), nil, false},
		{"never met, formed two periods ago", time.Time{}, ago(28 * day), nil, true},
		{"met recently", ago(10 * day), ago(200 * day), nil, false},
		{"last met two periods ago", ago(29 * day), ago(200 * day), nil, true},
		{"nudged since", ago(40 * day), ago(200 * day), at(3 * day), false},
		{"nudged since, two periods ago", ago(80 * day), ago(200 * day), at(30 * day), true},
		{"nudged before the last meeting", ago(30 * day), ago(200 * day), at(31 * day), true},
	}
	for _, c := range cases {
		if got := circle.NeedsNudge(c.lastMet, c.formed, c.nudgedAt, period, now); got != c.want {
			t.Errorf("%s: NeedsNudge = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestReminderPrefs(t *testing.T) {
	p := circle.ReminderPrefs{Offsets: []int{60, 15, 1440, 60, 15}}
	p.Normalize()
	if !slices.Equal(p.Offsets, []int{1440, 60, 15}) {
		t.Errorf("normalized offsets = %v", p.Offsets)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	off := circle.ReminderPrefs{}
	off.Normalize()
	if len(off.Offsets) != 0 || off.Validate() != nil {
		t.Errorf("no reminders: %+v, %v", off, off.Validate())
	}
	for _, bad := range [][]int{{30}, {1440, -60}, {0}} {
		if err := (circle.ReminderPrefs{Offsets: bad}).Validate(); err == nil {
			t.Errorf("offsets %v accepted", bad)
		}
	}
	def := circle.DefaultPrefs()
	if !slices.Equal(def.Offsets, []int{1440, 60}) || !def.Nudges {
		t.Errorf("defaults = %+v", def)
	}
	def.Offsets[0] = 15
	if circle.DefaultReminders[0] != 1440 {
		t.Error("changing someone's settings changed the defaults")
	}
}

func TestDescribeOffset(t *testing.T) {
	for minutes, want := range map[int]string{
		1: "1 minute", 15: "15 minutes", 90: "90 minutes", 60: "1 hour", 120: "2 hours",
		1440: "1 day", 2880: "2 days", 10080: "1 week", 20160: "2 weeks",
	} {
		if got := circle.DescribeOffset(minutes); got != want {
			t.Errorf("DescribeOffset(%d) = %q, want %q", minutes, got, want)
		}
	}
	for _, o := range circle.ReminderChoices {
		if circle.DescribeOffset(o) == "" {
			t.Errorf("choice %d has no description", o)
		}
	}
}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	f, ok := fault.FieldsOf(err)
	if !ok {
		t.Fatalf("want a validation error, got %v", err)
	}
	return f
}

func TestScheduleInputValidation(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	bad := circle.ScheduleInput{Freq: "yearly", Weekday: 9, Time: "25:99", StartsOn: "soon", Timezone: "Mars/Olympus",
		DurationMinutes: 5, VideoURL: "javascript:alert(1)"}
	f := fields(t, func() error { _, err := bad.Schedule("c1", now); return err }())
	for _, field := range []string{"freq", "time", "starts_on", "timezone", "duration_minutes", "video_url"} {
		if f[field] == "" {
			t.Errorf("no message for %s in %v", field, f)
		}
	}

	good := circle.ScheduleInput{Freq: "weekly", Weekday: 1, Time: "09:00", StartsOn: "2026-03-09", Timezone: "Europe/Berlin", DurationMinutes: 60}
	for _, c := range []struct {
		field string
		edit  func(in *circle.ScheduleInput)
	}{
		{"weekday", func(in *circle.ScheduleInput) { in.Weekday = 7 }},
		{"nth", func(in *circle.ScheduleInput) { in.Freq, in.Nth = "monthly", 5 }},
		{"timezone", func(in *circle.ScheduleInput) { in.Timezone = "" }},
		{"timezone", func(in *circle.ScheduleInput) { in.Timezone = "Local" }},
		{"time", func(in *circle.ScheduleInput) { in.Time = "9am" }},
		{"starts_on", func(in *circle.ScheduleInput) { in.StartsOn = "2026-03-01" }},
		{"starts_on", func(in *circle.ScheduleInput) { in.StartsOn = "2027-03-09" }},
		{"duration_minutes", func(in *circle.ScheduleInput) { in.DurationMinutes = circle.MaxMeetingMinutes + 1 }},
		{"video_url", func(in *circle.ScheduleInput) { in.VideoURL = "meet.example/abc" }},
	} {
		in := good
		c.edit(&in)
		_, err := in.Schedule("c1", now)
		if f := fields(t, err); f[c.field] == "" || len(f) != 1 {
			t.Errorf("%+v: errors %v, want one for %s", in, f, c.field)
		}
	}
	if _, err := good.Schedule("c1", now); err != nil {
		t.Errorf("valid input refused: %v", err)
	}

	// "Today" is the schedule's own day: 23:30 UTC on 2 March is already
	// 3 March in Berlin, but still 2 March in New York.
	late := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	in := circle.ScheduleInput{Freq: "weekly", Weekday: 4, Time: "09:00", StartsOn: "2026-03-02", Timezone: "Europe/Berlin", DurationMinutes: 60}
	if f := fields(t, func() error { _, err := in.Schedule("c1", late); return err }()); f["starts_on"] == "" {
		t.Errorf("a past day in Berlin: %v", f)
	}
	in.Timezone = "America/New_York"
	if _, err := in.Schedule("c1", late); err != nil {
		t.Errorf("today in New York refused: %v", err)
	}
}

func TestScheduleFirstMeeting(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC) // Monday, 09:00 in New York
	cases := []struct {
		name string
		in   circle.ScheduleInput
		want time.Time
	}{
		{"the first Tuesday on or after a Wednesday",
			circle.ScheduleInput{Freq: "fortnightly", Weekday: 2, Time: "17:00", StartsOn: "2026-03-04", Timezone: "Europe/Berlin", DurationMinutes: 60},
			time.Date(2026, 3, 10, 17, 0, 0, 0, berlin)},
		{"today's slot has begun: the next one, after the US clock change",
			circle.ScheduleInput{Freq: "weekly", Weekday: 1, Time: "08:00", StartsOn: "2026-03-02", Timezone: "America/New_York", DurationMinutes: 45},
			time.Date(2026, 3, 9, 8, 0, 0, 0, newYork)},
		{"today's slot is still ahead",
			circle.ScheduleInput{Freq: "weekly", Weekday: 1, Time: "10:30", StartsOn: "2026-03-02", Timezone: "America/New_York", DurationMinutes: 45},
			time.Date(2026, 3, 2, 10, 30, 0, 0, newYork)},
		{"the last Friday of the month",
			circle.ScheduleInput{Freq: "monthly", Weekday: 5, Nth: -1, Time: "12:00", StartsOn: "2026-03-02", Timezone: "Europe/Berlin", DurationMinutes: 90},
			time.Date(2026, 3, 27, 12, 0, 0, 0, berlin)},
	}
	for _, c := range cases {
		s, err := c.in.Schedule("c1", now)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !s.FirstStart.Equal(c.want) || s.FirstStart.Location() != time.UTC {
			t.Errorf("%s: first start %v, want %v", c.name, s.FirstStart, c.want.UTC())
		}
		if s.Timezone != c.in.Timezone || s.Duration != time.Duration(c.in.DurationMinutes)*time.Minute || s.CircleID != "c1" {
			t.Errorf("%s: schedule %+v", c.name, s)
		}
		// The form shows the schedule as it was entered, from the first
		// meeting's day.
		back := s.Input(now)
		if back.Time != c.in.Time || back.Weekday != c.in.Weekday || back.Freq != c.in.Freq || back.Nth != c.in.Nth ||
			back.StartsOn != c.want.Format("2006-01-02") || back.Timezone != c.in.Timezone {
			t.Errorf("%s: Input() = %+v", c.name, back)
		}
		// Once the first meeting has passed, from today, so that saving
		// the form unchanged is valid.
		later := c.want.Add(40 * 24 * time.Hour)
		if back := s.Input(later); back.StartsOn != later.Format("2006-01-02") || back.Time != c.in.Time {
			t.Errorf("%s: Input() later = %+v", c.name, back)
		} else if _, err := back.Schedule("c1", later); err != nil {
			t.Errorf("%s: the form shown later does not validate: %v", c.name, err)
		}
	}
	in := circle.ScheduleInput{Freq: "weekly", Weekday: 3, Time: "9:05", StartsOn: "2026-03-02", Timezone: "UTC", DurationMinutes: 30,
		VideoURL: "  https://meet.example/abc  "}
	s, err := in.Schedule("c1", now)
	if err != nil {
		t.Fatal(err)
	}
	if s.VideoURL != "https://meet.example/abc" || s.Rule.Nth != 0 || !s.FirstStart.Equal(time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC)) {
		t.Errorf("schedule %+v", s)
	}
}

func TestScheduleStartsAcrossDST(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := circle.ScheduleInput{Freq: "fortnightly", Weekday: 2, Time: "17:00", StartsOn: "2026-03-10", Timezone: "Europe/Berlin", DurationMinutes: 60}
	s, err := in.Schedule("c1", now)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Starts(s.FirstStart, 4)
	want := []time.Time{ // Berlin springs forward on 29 March
		time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 24, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 4, 7, 15, 0, 0, 0, time.UTC),
		time.Date(2026, 4, 21, 15, 0, 0, 0, time.UTC),
	}
	if len(got) != len(want) {
		t.Fatalf("starts %v", got)
	}
	for i := range want {
		if !got[i].Equal(want[i]) || got[i].In(berlin).Hour() != 17 || got[i].In(berlin).Weekday() != time.Tuesday {
			t.Errorf("start %d = %v, want %v (17:00 in Berlin)", i, got[i], want[i])
		}
	}
	// From between two meetings, the next ones only.
	if later := s.Starts(want[1].Add(time.Minute), 2); len(later) != 2 || !later[0].Equal(want[2]) || !later[1].Equal(want[3]) {
		t.Errorf("starts after the second meeting: %v", later)
	}

	// New York falls back on 1 November: 09:00 stays 09:00.
	in = circle.ScheduleInput{Freq: "weekly", Weekday: 1, Time: "09:00", StartsOn: "2026-10-26", Timezone: "America/New_York", DurationMinutes: 60}
	s, err = in.Schedule("c1", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got = s.Starts(s.FirstStart, 2)
	if !got[0].Equal(time.Date(2026, 10, 26, 13, 0, 0, 0, time.UTC)) || !got[1].Equal(time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)) ||
		got[1].In(newYork).Hour() != 9 {
		t.Errorf("starts across the fall-back: %v", got)
	}
}

func TestSuggest(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday; no clock change within the week ahead
	const tue = 1440
	slots := []program.Interval{
		{3*tue + 600, 3*tue + 900}, // Thursday 10:00–15:00 UTC: long enough, but later
		{0, 30},                    // Monday 00:00–00:30 UTC: too short
		{tue + 540, tue + 585},     // Tuesday 09:00–09:45 UTC: too short
		{tue + 600, tue + 720},     // Tuesday 10:00–12:00 UTC: the earliest long enough
	}
	in := circle.Suggest(slots, program.Fortnightly, 60, berlin, now)
	want := circle.ScheduleInput{Freq: "fortnightly", Weekday: 2, Time: "11:00", StartsOn: "2026-03-09", Timezone: "Europe/Berlin", DurationMinutes: 60}
	if in != want {
		t.Errorf("suggestion %+v, want %+v", in, want)
	}
	s, err := in.Schedule("c1", now)
	if err != nil {
		t.Fatalf("the suggestion does not validate: %v", err)
	}
	if first := s.FirstStart; !first.Equal(time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("the suggestion's first meeting %v is not in the common slot", first)
	}

	// Early on Monday in UTC is Sunday evening in New York.
	in = circle.Suggest([]program.Interval{{120, 240}}, program.Weekly, 90, newYork, now)
	if in.Weekday != int(time.Sunday) || in.Time != "21:00" || in.Freq != "weekly" || in.Timezone != "America/New_York" {
		t.Errorf("suggestion in New York: %+v", in)
	}

	// No common slot long enough: the same weekday next week at 16:00.
	in = circle.Suggest([]program.Interval{{0, 30}}, program.Weekly, 60, berlin, now)
	if in.Weekday != int(time.Monday) || in.Time != "16:00" || in.StartsOn != "2026-03-09" {
		t.Errorf("suggestion without a slot: %+v", in)
	}

	// Monthly: the week of the month of the first such day.
	in = circle.Suggest(slots, program.Monthly, 60, berlin, now)
	if in.Freq != "monthly" || in.Weekday != int(time.Tuesday) || in.Nth != 2 {
		t.Errorf("monthly suggestion: %+v", in)
	}
	if _, err := in.Schedule("c1", now); err != nil {
		t.Errorf("the monthly suggestion does not validate: %v", err)
	}
}
