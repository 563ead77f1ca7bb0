package api

import (
	"context"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
)

type scheduleSetInput struct {
	ID   string `path:"id" maxLength:"100" doc:"The circle."`
	Body ScheduleInput
}

type scheduleOutput struct {
	Body Schedule
}

type meetingList struct {
	Upcoming []Meeting `json:"upcoming" nullable:"false" doc:"Meetings that have not ended, cancelled ones included, soonest first."`
	Past     []Meeting `json:"past" nullable:"false" doc:"The latest meetings held, newest first, at most 12."`
}

type meetingInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
}

type meetingMoveInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		StartsAt        time.Time `json:"starts_at" doc:"The new start, in the future, RFC 3339 with an offset; seconds are dropped."`
		DurationMinutes int       `json:"duration_minutes" minimum:"15" maximum:"240"`
	}
}

type meetingRolesInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		FacilitatorID string `json:"facilitator_id" maxLength:"100" doc:"A member of the circle."`
		TimekeeperID  string `json:"timekeeper_id" maxLength:"100" doc:"A member of the circle."`
	}
}

type meetingOutput struct {
	Body Meeting
}

// icsOutput is a calendar file: huma writes a []byte body as it is, with
// the Content-Type header the handler sets. That header stays out of the
// document, which states the media type in the response's content.
type icsOutput struct {
	ContentType        string `header:"Content-Type" hidden:"true"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type reminderPrefsInput struct {
	Body ReminderPrefs
}

type reminderPrefsOutput struct {
	Body ReminderPrefs
}

func (a *API) handleScheduleShow(ctx context.Context, in *circleInput) (*struct{ Body ScheduleForm }, error) {
	form, exists, err := a.circles.ScheduleForm(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ScheduleForm }{Body: ScheduleForm{ScheduleInput: newScheduleInput(form), Exists: exists}}, nil
}

func (a *API) handleScheduleSet(ctx context.Context, in *scheduleSetInput) (*scheduleOutput, error) {
	s, err := a.circles.SetSchedule(ctx, auth.UserFromContext(ctx), in.ID, in.Body.domain())
	if err != nil {
		return nil, err
	}
	return &scheduleOutput{Body: newSchedule(s)}, nil
}

type scheduleChangeList struct {
	Changes []ScheduleChange `json:"changes" nullable:"false" doc:"The changes of the last 48 hours, newest first."`
}

type scheduleChangeInput struct {
	ID     string `path:"id" maxLength:"100" doc:"The circle."`
	Change string `path:"change" maxLength:"100" doc:"The change to put back."`
}

func (a *API) handleScheduleChangeList(ctx context.Context, in *circleInput) (*struct{ Body scheduleChangeList }, error) {
	ns, err := a.circles.ScheduleNotices(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := scheduleChangeList{Changes: make([]ScheduleChange, len(ns))}
	for i := range ns {
		out.Changes[i] = newScheduleChange(&ns[i])
	}
	return &struct{ Body scheduleChangeList }{Body: out}, nil
}

func (a *API) handleScheduleUndo(ctx context.Context, in *scheduleChangeInput) (*scheduleOutput, error) {
	s, err := a.circles.UndoScheduleChange(ctx, auth.UserFromContext(ctx), in.ID, in.Change)
	if err != nil {
		return nil, err
	}
	return &scheduleOutput{Body: newSchedule(s)}, nil
}

func (a *API) handleScheduleClear(ctx context.Context, in *circleInput) (*struct{}, error) {
	if err := a.circles.ClearSchedule(ctx, auth.UserFromContext(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) handleMeetingList(ctx context.Context, in *circleInput) (*struct{ Body meetingList }, error) {
	upcoming, past, err := a.circles.Meetings(ctx, auth.UserFromContext(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body meetingList }{Body: meetingList{Upcoming: newMeetings(upcoming), Past: newMeetings(past)}}, nil
}

// meeting answers with one meeting as it is after a change. The service
// has checked the caller's membership by then.
func (a *API) meeting(ctx context.Context, circleID, meetingID string) (*meetingOutput, error) {
	_, m, err := a.circles.Meeting(ctx, auth.UserFromContext(ctx), circleID, meetingID)
	if err != nil {
		return nil, err
	}
	return &meetingOutput{Body: newMeeting(&m)}, nil
}

func (a *API) handleMeetingMove(ctx context.Context, in *meetingMoveInput) (*meetingOutput, error) {
	err := a.circles.MoveMeeting(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.StartsAt, in.Body.DurationMinutes)
	if err != nil {
		return nil, err
	}
	return a.meeting(ctx, in.ID, in.Meeting)
}

func (a *API) handleMeetingCancel(ctx context.Context, in *meetingInput) (*meetingOutput, error) {
	if err := a.circles.CancelMeeting(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, false); err != nil {
		return nil, err
	}
	return a.meeting(ctx, in.ID, in.Meeting)
}

func (a *API) handleMeetingRestore(ctx context.Context, in *meetingInput) (*meetingOutput, error) {
	if err := a.circles.CancelMeeting(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, true); err != nil {
		return nil, err
	}
	return a.meeting(ctx, in.ID, in.Meeting)
}

func (a *API) handleMeetingRoles(ctx context.Context, in *meetingRolesInput) (*meetingOutput, error) {
	err := a.circles.SetRoles(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.FacilitatorID, in.Body.TimekeeperID)
	if err != nil {
		return nil, err
	}
	return a.meeting(ctx, in.ID, in.Meeting)
}

func (a *API) handleMeetingICS(ctx context.Context, in *meetingInput) (*icsOutput, error) {
	ics, err := a.circles.MeetingICS(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	return &icsOutput{ContentType: "text/calendar; charset=utf-8", ContentDisposition: `attachment; filename="meeting.ics"`, Body: ics}, nil
}

func (a *API) handleRemindersShow(ctx context.Context, _ *struct{}) (*reminderPrefsOutput, error) {
	p, err := a.circles.ReminderPrefs(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &reminderPrefsOutput{Body: ReminderPrefs{Offsets: ints(p.Offsets), Nudges: p.Nudges, Digest: &p.Digest}}, nil
}

func (a *API) handleRemindersUpdate(ctx context.Context, in *reminderPrefsInput) (*reminderPrefsOutput, error) {
	u := auth.UserFromContext(ctx)
	p := circle.ReminderPrefs{Offsets: slices.Clone(in.Body.Offsets), Nudges: in.Body.Nudges}
	if in.Body.Digest != nil {
		p.Digest = *in.Body.Digest
	} else {
		old, err := a.circles.ReminderPrefs(ctx, u)
		if err != nil {
			return nil, err
		}
		p.Digest = old.Digest
	}
	if err := a.circles.UpdateReminderPrefs(ctx, u, p); err != nil {
		return nil, err
	}
	// Read back what was saved: the service sorts the offsets and drops
	// repeats.
	return a.handleRemindersShow(ctx, nil)
}

func (a *API) handleFeedShow(ctx context.Context, _ *struct{}) (*struct{ Body CalendarFeedStatus }, error) {
	ok, err := a.circles.HasFeed(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body CalendarFeedStatus }{Body: CalendarFeedStatus{Exists: ok}}, nil
}

func (a *API) handleFeedCreate(ctx context.Context, _ *struct{}) (*struct{ Body CalendarFeed }, error) {
	url, err := a.circles.ResetFeed(ctx, auth.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{ Body CalendarFeed }{Body: CalendarFeed{URL: url}}, nil
}

func (a *API) handleFeedDelete(ctx context.Context, _ *struct{}) (*struct{}, error) {
	if err := a.circles.DeleteFeed(ctx, auth.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ints is s, or an empty list for nil: lists are never null.
func ints(s []int) []int {
	return append([]int{}, s...)
}
