package circle

import (
	"fmt"
	"slices"
	"time"
)

// ReminderChoices are the offsets, in minutes before a meeting, that a
// person may ask to be reminded at.
var ReminderChoices = []int{15, 60, 120, 1440, 2880, 10080}

// DefaultReminders are a day and an hour before each meeting.
var DefaultReminders = []int{1440, 60}

// ReminderPrefs are one person's reminder settings, for all their circles.
type ReminderPrefs struct {
	// Offsets are minutes before each meeting; none turns reminders off.
	Offsets []int `json:"offsets"`
	// Nudges: a note when a circle has not met for two cadence periods.
	Nudges bool `json:"nudges"`
	// Digest: the weekly digest on Monday morning.
	Digest bool `json:"digest"`
}

// DefaultPrefs are everyone's settings until they change them.
func DefaultPrefs() ReminderPrefs {
	return ReminderPrefs{Offsets: slices.Clone(DefaultReminders), Nudges: true, Digest: true}
}

// Normalize sorts the offsets, longest first, and drops repeats.
func (p *ReminderPrefs) Normalize() {
	slices.Sort(p.Offsets)
	p.Offsets = slices.Compact(p.Offsets)
	slices.Reverse(p.Offsets)
}

// Validate reports an offset that is not one of the choices.
func (p ReminderPrefs) Validate() error {
	for _, o := range p.Offsets {
		if !slices.Contains(ReminderChoices, o) {
			return fmt.Errorf("offsets: %d minutes is not one of the choices %v", o, ReminderChoices)
		}
	}
	return nil
}

// DescribeOffset says an offset as people do: "15 minutes", "1 hour",
// "2 days", "1 week".
func DescribeOffset(minutes int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case minutes%10080 == 0:
		return plural(minutes/10080, "week")
	case minutes%1440 == 0:
		return plural(minutes/1440, "day")
	case minutes%60 == 0:
		return plural(minutes/60, "hour")
	default:
		return plural(minutes, "minute")
	}
}

// NeedsNudge reports whether a circle that last met at lastMet (zero if
// never) and formed at formed should be nudged now: it has not met for two
// cadence periods, and it was not nudged since then within the last two
// periods.
func NeedsNudge(lastMet, formed time.Time, nudgedAt *time.Time, period time.Duration, now time.Time) bool {
	ref := lastMet
	if ref.IsZero() {
		ref = formed
	}
	if now.Sub(ref) < 2*period {
		return false
	}
	if nudgedAt != nil && nudgedAt.After(ref) && now.Sub(*nudgedAt) < 2*period {
		return false
	}
	return true
}

// ScheduledReminder is a reminder waiting to be sent, with the job that
// will send it.
type ScheduledReminder struct {
	ID        string
	MeetingID string
	UserID    string
	Offset    int // minutes before the meeting
	Due       time.Time
	JobID     int64
}

// NewReminder is a reminder a plan creates.
type NewReminder struct {
	// Meeting indexes the meetings PlanReminders was given, so that a
	// meeting not yet saved (without an ID) can have reminders too.
	Meeting int
	UserID  string
	Offset  int
	Due     time.Time
}

// ReminderPlan is what makes a circle's scheduled reminders exactly the
// ones its members' settings call for.
type ReminderPlan struct {
	Cancel []ScheduledReminder
	Create []NewReminder
}

// PlanReminders decides the reminders of meetings: one per member, offset
// and scheduled meeting ahead of now. A scheduled reminder that is still
// wanted at the same due time is kept, even if it is already due but not
// yet sent, so that a change to the circle while its job waits to run does
// not drop it; every other scheduled reminder is cancelled. New reminders
// are made only while their due time has not passed.
func PlanReminders(meetings []Meeting, members []string, prefs map[string]ReminderPrefs, scheduled []ScheduledReminder, now time.Time) ReminderPlan {
	type key struct {
		meeting int // index in meetings
		user    string
		offset  int
	}
	index := make(map[string]int, len(meetings))
	want := map[key]time.Time{}
	var order []key
	for i, m := range meetings {
		if m.ID != "" {
			index[m.ID] = i
		}
		if m.Status != Scheduled || !m.Start.After(now) {
			continue
		}
		for _, u := range members {
			for _, off := range prefs[u].Offsets {
				k := key{i, u, off}
				if _, ok := want[k]; !ok {
					order = append(order, k)
				}
				want[k] = m.Start.Add(-time.Duration(off) * time.Minute)
			}
		}
	}
	var plan ReminderPlan
	kept := map[key]bool{}
	for _, r := range scheduled {
		i, ok := index[r.MeetingID]
		k := key{i, r.UserID, r.Offset}
		if due, wanted := want[k]; ok && wanted && due.Equal(r.Due) {
			kept[k] = true
			continue
		}
		plan.Cancel = append(plan.Cancel, r)
	}
	for _, k := range order {
		if due := want[k]; !kept[k] && due.After(now) {
			plan.Create = append(plan.Create, NewReminder{Meeting: k.meeting, UserID: k.user, Offset: k.offset, Due: due})
		}
	}
	return plan
}

// DueReminder decides a reminder of meeting m that has come due for
// userID: whether it is still wanted — it is not once the circle met early
// and ended the meeting in its room (ended) — and the role the person
// holds in the meeting, "" for none.
func DueReminder(m Meeting, userID string, ended bool) (send bool, role Role) {
	if ended {
		return false, ""
	}
	switch userID {
	case m.FacilitatorID:
		role = Facilitator
	case m.TimekeeperID:
		role = Timekeeper
	}
	return true, role
}
