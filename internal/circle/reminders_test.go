package circle_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/circle"
)

func TestPlanReminders(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour)
	meeting := func(id string, start time.Time, status circle.MeetingStatus) circle.Meeting {
		return circle.Meeting{ID: id, Original: start, Start: start, End: start.Add(time.Hour), Status: status}
	}
	hourBefore := circle.ReminderPrefs{Offsets: []int{60}}
	scheduled := func(id, meetingID, user string, offset int, due time.Time) circle.ScheduledReminder {
		return circle.ScheduledReminder{ID: id, MeetingID: meetingID, UserID: user, Offset: offset, Due: due, JobID: 7}
	}
	tests := []struct {
		name      string
		meetings  []circle.Meeting
		members   []string
		prefs     map[string]circle.ReminderPrefs
		scheduled []circle.ScheduledReminder
		want      circle.ReminderPlan
	}{{
		name:     "a new meeting gets one reminder per member and offset",
		meetings: []circle.Meeting{meeting("", start, circle.Scheduled)},
		members:  []string{"a", "b"},
		prefs:    map[string]circle.ReminderPrefs{"a": {Offsets: []int{1440, 60}}, "b": hourBefore},
		want: circle.ReminderPlan{Create: []circle.NewReminder{
			{Meeting: 0, UserID: "a", Offset: 1440, Due: start.Add(-24 * time.Hour)},
			{Meeting: 0, UserID: "a", Offset: 60, Due: start.Add(-time.Hour)},
			{Meeting: 0, UserID: "b", Offset: 60, Due: start.Add(-time.Hour)},
		}},
	}, {
		name:      "a reminder still wanted is kept",
		meetings:  []circle.Meeting{meeting("m1", start, circle.Scheduled)},
		members:   []string{"a"},
		prefs:     map[string]circle.ReminderPrefs{"a": hourBefore},
		scheduled: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, start.Add(-time.Hour))},
	}, {
		name:      "a moved meeting's reminder is replaced",
		meetings:  []circle.Meeting{meeting("m1", start.Add(2*time.Hour), circle.Scheduled)},
		members:   []string{"a"},
		prefs:     map[string]circle.ReminderPrefs{"a": hourBefore},
		scheduled: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, start.Add(-time.Hour))},
		want: circle.ReminderPlan{
			Cancel: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, start.Add(-time.Hour))},
			Create: []circle.NewReminder{{Meeting: 0, UserID: "a", Offset: 60, Due: start.Add(time.Hour)}},
		},
	}, {
		name:      "a cancelled meeting, a dropped meeting and a leaver lose theirs",
		meetings:  []circle.Meeting{meeting("m1", start, circle.Cancelled)},
		members:   []string{"a"},
		prefs:     map[string]circle.ReminderPrefs{"a": hourBefore},
		scheduled: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, start.Add(-time.Hour)), scheduled("r2", "gone", "a", 60, start), scheduled("r3", "m1", "left", 60, start.Add(-time.Hour))},
		want: circle.ReminderPlan{Cancel: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, start.Add(-time.Hour)),
			scheduled("r2", "gone", "a", 60, start), scheduled("r3", "m1", "left", 60, start.Add(-time.Hour))}},
	}, {
		name:      "a reminder already due is kept but none is made once due",
		meetings:  []circle.Meeting{meeting("m1", now.Add(30*time.Minute), circle.Scheduled)},
		members:   []string{"a", "b"},
		prefs:     map[string]circle.ReminderPrefs{"a": hourBefore, "b": hourBefore},
		scheduled: []circle.ScheduledReminder{scheduled("r1", "m1", "a", 60, now.Add(-30*time.Minute))},
	}, {
		name:     "past meetings and reminders turned off give nothing; repeated offsets give one",
		meetings: []circle.Meeting{meeting("m0", now.Add(-time.Hour), circle.Scheduled), meeting("m1", start, circle.Scheduled)},
		members:  []string{"a", "b"},
		prefs:    map[string]circle.ReminderPrefs{"a": {}, "b": {Offsets: []int{60, 60}}},
		want:     circle.ReminderPlan{Create: []circle.NewReminder{{Meeting: 1, UserID: "b", Offset: 60, Due: start.Add(-time.Hour)}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := circle.PlanReminders(tt.meetings, tt.members, tt.prefs, tt.scheduled, now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PlanReminders (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDueReminder(t *testing.T) {
	m := circle.Meeting{ID: "m", FacilitatorID: "f", TimekeeperID: "k", Status: circle.Scheduled}
	tests := []struct {
		name  string
		user  string
		ended bool
		send  bool
		role  circle.Role
	}{
		{name: "the facilitator is told their role", user: "f", send: true, role: circle.Facilitator},
		{name: "the timekeeper is told their role", user: "k", send: true, role: circle.Timekeeper},
		{name: "a member without a role", user: "x", send: true},
		{name: "a meeting ended early in its room needs no reminder", user: "f", ended: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send, role := circle.DueReminder(m, tt.user, tt.ended)
			if send != tt.send || role != tt.role {
				t.Errorf("DueReminder = %v, %q; want %v, %q", send, role, tt.send, tt.role)
			}
		})
	}
}
