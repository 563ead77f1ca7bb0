package api

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service/meetings"
)

// streamHeartbeat is how often an idle room stream sends a comment, as the
// web app's does: often enough that proxies keep it open and a client
// notices a dead one.
const streamHeartbeat = 25 * time.Second

type roomOutput struct {
	Body Room
}

type snapshotOutput struct {
	Body RoomSnapshot
}

type roomCommandInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	// There is no field for who sends the command: the service takes it
	// from the signed-in caller, so nobody acts as the timekeeper by
	// naming them, and a body naming anyone is refused as unknown.
	Body struct {
		Kind       room.CommandKind `json:"kind" enum:"start,pause,resume,extend,next,back,end,shuffle,presenters,help,timekeeper" doc:"start the timer on the first step; pause and resume it; extend the current step; next and back move a step with its full time (next on the last step ends the meeting); end the meeting; shuffle the check-in order of those still to come; set today's presenters; say what help you want as a presenter; hand the timekeeper role to another member. Every kind but help is for the timekeeper and the facilitator."`
		Version    int64            `json:"version" minimum:"1" doc:"The snapshot's version the caller saw; if someone changed the meeting since, the answer is 409 stale_version."`
		Seconds    int              `json:"seconds,omitempty" minimum:"1" maximum:"3600" doc:"For extend: how many seconds to add; 60 when left out."`
		Presenters []string         `json:"presenters,omitempty" maxItems:"50" doc:"For presenters: today's presenters in order, by member id. A forum has one; in a pair both partners present."`
		Presenter  string           `json:"presenter,omitempty" maxLength:"100" doc:"For help: the presenter, who can only be the caller; the caller when left out."`
		Help       room.Help        `json:"help,omitempty" enum:"expert,doctor,process,none" doc:"For help: ideas and knowledge (expert), help diagnosing (doctor), help working out what help is needed (process), or no advice (none)."`
		Timekeeper string           `json:"timekeeper,omitempty" maxLength:"100" doc:"For timekeeper: the member who keeps time from now on."`
		Confirm    bool             `json:"confirm,omitempty" doc:"For start: true to start a meeting more than an hour before its time, which moves it to now in everyone's calendar (and its record). Without it such a start answers 409 and changes nothing."`
	}
}

type checkinInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		// The moods are meetings.Moods.
		Mood     string            `json:"mood,omitempty" enum:"energised,good,okay,stretched,low" doc:"How the caller is arriving; left out for none."`
		Wins     string            `json:"wins,omitempty" maxLength:"1000"`
		Tabled   string            `json:"tabled,omitempty" maxLength:"1000" doc:"What the caller would like to bring today."`
		Progress []CheckinProgress `json:"progress,omitempty" maxItems:"100" doc:"Progress on the caller's open commitments, each named once."`
	}
}

type closingAnswerInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		// The answers are meetings.ClosingAnswers.
		Answer string `json:"answer" enum:"yes,partly,no" doc:"Did we get what we wanted today?"`
		Note   string `json:"note,omitempty" maxLength:"280" doc:"A word on it."`
	}
}

type offerCreateInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		PresenterID string `json:"presenter_id" maxLength:"100" doc:"The member the counsel is for."`
		Body        string `json:"body" maxLength:"500" doc:"The offer, in a sentence or two."`
	}
}

type offerTakeInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Offer   string `path:"offer" maxLength:"100" doc:"The offer."`
	Body    struct {
		Body string `json:"body" maxLength:"500" doc:"The commitment in the presenter's own words."`
	}
}

type noteSaveInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		Body    string `json:"body" maxLength:"20000" doc:"The whole note, in Markdown."`
		Version int64  `json:"version" minimum:"0" doc:"The note's version the caller edited: 0 for the first note. If someone saved since, the answer is 409 stale_version and nothing is saved."`
	}
}

type reflectionSaveInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	Body    struct {
		Body string `json:"body" maxLength:"20000" doc:"The caller's reflection, replacing an earlier one."`
	}
}

type roomEventsInput struct {
	ID      string `path:"id" maxLength:"100" doc:"The circle."`
	Meeting string `path:"meeting" maxLength:"100" doc:"The meeting."`
	// LastEventID is here for the document and validation; live.Serve
	// reads the header itself.
	LastEventID string `header:"Last-Event-ID" maxLength:"20" doc:"The id of the last event received, which browsers send when they reconnect. When it is the room's current seq the stream does not repeat that state; otherwise the current state comes first."`
}

func (a *API) handleRoomShow(ctx context.Context, in *meetingInput) (*roomOutput, error) {
	v, err := a.meetings.Room(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	return &roomOutput{Body: newRoom(v, a.meetings.Now())}, nil
}

func (a *API) handleRoomCommand(ctx context.Context, in *roomCommandInput) (*snapshotOutput, error) {
	u := auth.UserFromContext(ctx)
	b := in.Body
	cmd := room.Command{Kind: b.Kind, Version: b.Version, Seconds: b.Seconds, Presenters: b.Presenters, Presenter: b.Presenter,
		Help: b.Help, Timekeeper: b.Timekeeper, Confirm: b.Confirm}
	if cmd.Kind == room.CmdHelp && cmd.Presenter == "" {
		// Only presenters say what help they want, so the caller is the
		// only presenter the command can name.
		cmd.Presenter = u.ID
	}
	if _, err := a.meetings.RoomCommand(ctx, u, in.ID, in.Meeting, cmd); err != nil {
		return nil, err
	}
	// The service answers with the timer's state alone; the snapshot
	// carries the names, the offers and the room's seq with it. Someone
	// may have changed the room in between: the answer is then newer,
	// which is what the caller wants to see.
	v, err := a.meetings.Room(ctx, u, in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	snap := v.Snapshot(a.meetings.Now())
	return &snapshotOutput{Body: newRoomSnapshot(&snap)}, nil
}

func (a *API) handleRoomCheckin(ctx context.Context, in *checkinInput) (*roomOutput, error) {
	u := auth.UserFromContext(ctx)
	ci := meetings.CheckinInput{Mood: in.Body.Mood, Wins: in.Body.Wins, Tabled: in.Body.Tabled, Progress: map[string][2]string{}}
	for i, p := range in.Body.Progress {
		// The service keys progress by commitment; a second entry would
		// silently replace the first.
		if _, dup := ci.Progress[p.CommitmentID]; dup {
			return nil, fault.Fields(map[string]string{
				fmt.Sprintf("progress[%d].commitment_id", i): "Name each commitment once."})
		}
		ci.Progress[p.CommitmentID] = [2]string{p.Progress, p.Learned}
	}
	if err := a.meetings.Checkin(ctx, u, in.ID, in.Meeting, ci); err != nil {
		return nil, err
	}
	return a.handleRoomShow(ctx, &meetingInput{ID: in.ID, Meeting: in.Meeting})
}

func (a *API) handleClosingAnswer(ctx context.Context, in *closingAnswerInput) (*roomOutput, error) {
	if err := a.meetings.AnswerClosing(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.Answer, in.Body.Note); err != nil {
		return nil, err
	}
	return a.handleRoomShow(ctx, &meetingInput{ID: in.ID, Meeting: in.Meeting})
}

// handleOfferCreate answers with the room, where the new offer is listed
// with its id: the service does not return the offer it saved.
func (a *API) handleOfferCreate(ctx context.Context, in *offerCreateInput) (*roomOutput, error) {
	if err := a.meetings.Offer(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.PresenterID, in.Body.Body); err != nil {
		return nil, err
	}
	return a.handleRoomShow(ctx, &meetingInput{ID: in.ID, Meeting: in.Meeting})
}

func (a *API) handleOfferTake(ctx context.Context, in *offerTakeInput) (*struct{ Body Commitment }, error) {
	u := auth.UserFromContext(ctx)
	c, err := a.meetings.TakeOffer(ctx, u, in.ID, in.Meeting, in.Offer, in.Body.Body)
	if err != nil {
		return nil, err
	}
	return &struct{ Body Commitment }{Body: newCommitment(c)}, nil
}

func (a *API) handleNoteShow(ctx context.Context, in *meetingInput) (*struct{ Body MeetingNote }, error) {
	// The note is part of the room; reading it opens the room as the
	// room page does.
	v, err := a.meetings.Room(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		return nil, err
	}
	return &struct{ Body MeetingNote }{Body: newMeetingNote(v.Note)}, nil
}

func (a *API) handleNoteSave(ctx context.Context, in *noteSaveInput) (*struct{ Body MeetingNote }, error) {
	u := auth.UserFromContext(ctx)
	n, err := a.meetings.SaveNote(ctx, u, in.ID, in.Meeting, in.Body.Body, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &struct{ Body MeetingNote }{Body: newMeetingNote(n)}, nil
}

// reflection answers with the caller's own reflection; the service reads
// no one else's.
func (a *API) reflection(ctx context.Context, circleID, meetingID string) (*struct{ Body Reflection }, error) {
	text, at, err := a.meetings.Reflection(ctx, auth.UserFromContext(ctx), circleID, meetingID)
	if err != nil {
		return nil, err
	}
	out := Reflection{Body: text}
	if !at.IsZero() {
		out.UpdatedAt = &at
	}
	return &struct{ Body Reflection }{Body: out}, nil
}

func (a *API) handleReflectionShow(ctx context.Context, in *meetingInput) (*struct{ Body Reflection }, error) {
	return a.reflection(ctx, in.ID, in.Meeting)
}

func (a *API) handleReflectionSave(ctx context.Context, in *reflectionSaveInput) (*struct{ Body Reflection }, error) {
	if err := a.meetings.Reflect(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting, in.Body.Body); err != nil {
		return nil, err
	}
	return a.reflection(ctx, in.ID, in.Meeting)
}

// handleRoomEvents streams the room as the web app's page receives it.
// Everything that can fail with an answer of its own (no hub, not a
// member, the ground rules) is checked here, before the stream begins;
// the stream itself is live.Serve, so both stream the same way.
func (a *API) handleRoomEvents(ctx context.Context, in *roomEventsInput) (*huma.StreamResponse, error) {
	if a.hub == nil {
		return nil, newError(http.StatusServiceUnavailable, "Live updates are off on this server: read the room with GET "+
			Prefix+"/circles/{id}/meetings/{meeting}/room instead.", nil)
	}
	// Subscribe first, then read: a change between the two is not missed.
	sub, err := a.hub.Subscribe(in.Meeting)
	if err != nil {
		e := newError(http.StatusServiceUnavailable, "The server is shutting down; connect again in a moment.", nil)
		e.headers = http.Header{"Retry-After": {"1"}}
		return nil, e
	}
	v, err := a.meetings.Room(ctx, auth.UserFromContext(ctx), in.ID, in.Meeting)
	if err != nil {
		sub.Close()
		return nil, err
	}
	snap := v.Snapshot(a.meetings.Now())
	current, err := live.StateEvent(snap.Seq, snap)
	if err != nil {
		sub.Close()
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer sub.Close()
		r, w := humago.Unwrap(hctx)
		// Serve ends when the client goes away, or with ErrClosed when
		// the hub drops the stream; either way the client reconnects, and
		// there is nobody left to answer.
		_ = live.Serve(w, r, sub, current, streamHeartbeat)
	}}, nil
}

// roomEventsResponse documents the stream: huma cannot derive it from the
// handler, which writes the body itself.
func (a *API) roomEventsResponse() *huma.Response {
	snapshot := a.huma.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[RoomSnapshot](), true, "RoomSnapshot")
	state := &huma.Schema{
		Title: "Event state", Type: huma.TypeObject,
		Description: "The room as it stands. The stream's first block also carries retry.",
		Properties: map[string]*huma.Schema{
			"id":    {Type: huma.TypeInteger, Description: "The snapshot's seq; send it back as Last-Event-ID when reconnecting."},
			"event": {Type: huma.TypeString, Enum: []any{"state"}, Description: "The event name."},
			"data":  snapshot,
			"retry": {Type: huma.TypeInteger, Description: "How many milliseconds to wait before reconnecting."},
		},
		Required: []string{"id", "event", "data"},
	}
	retry := &huma.Schema{
		Title: "Retry", Type: huma.TypeObject,
		Description: "The first block alone, when Last-Event-ID names the current state.",
		Properties: map[string]*huma.Schema{
			"retry": {Type: huma.TypeInteger, Description: "How many milliseconds to wait before reconnecting."},
		},
		Required: []string{"retry"},
	}
	return &huma.Response{
		Description: "A stream of Server-Sent Events, each a block of id, event and data lines (data is the RoomSnapshot as JSON on one line). " +
			"Idle streams carry a comment line every 25 seconds.",
		Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{
			Title:       "Server-Sent Events",
			Description: "The blocks of the stream in order, each serialised as UTF-8 text according to the Server-Sent Events specification.",
			Type:        huma.TypeArray,
			Items:       &huma.Schema{OneOf: []*huma.Schema{state, retry}},
		}}},
	}
}
