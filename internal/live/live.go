// Package live pushes a meeting room's state to every page that has the
// room open, on every instance of the app.
//
// The database holds the truth. When a command changes a room, the
// instance that handled it sends a small notification (room and version)
// through a Broker once its transaction has committed. Every instance's
// Relay hears it, reads the room's current state once with the app's
// Loader, and publishes it to the instance's Hub, which hands it to each
// open page's Subscription; Serve streams those to the browser as
// Server-Sent Events. Over HTTP/1.1, Serve hands the page's connection to
// the Hub, whose few writer goroutines send every page its events, so an
// open page costs a socket and about a kilobyte, not a goroutine. The
// instance that made the change hears its own notification too, so there
// is one path for every change.
//
// Notifications may be lost (a dropped LISTEN connection, an instance
// that was restarting), so nothing depends on receiving every one: the
// state carries its version, a late notification only triggers a read of
// the current state, a reconnected listener reloads every room that has
// pages open, and a browser that reconnects is sent the current state.
//
// A handler that streams a room subscribes first and reads the current
// state second, so that no change can fall between the two:
//
//	sub, err := hub.Subscribe(meetingID)
//	if err != nil { … }
//	defer sub.Close()
//	current, err := load(ctx, meetingID)
//	if err != nil { … }
//	return live.Serve(w, r, sub, current, 25*time.Second)
package live

import (
	"encoding/json"
	"errors"
	"strconv"
)

// ErrClosed is returned by Hub.Subscribe once the hub is closed, and by
// Serve when its subscription is closed under it: the hub dropped a
// subscriber that fell behind, or the process is shutting down. Either
// way the browser reconnects and is sent the current state.
var ErrClosed = errors.New("live: subscription closed")

// Event is one state of a room, as pages receive it.
type Event struct {
	// ID is the state's version in decimal, and the SSE event id, so a
	// reconnecting browser sends it back as Last-Event-ID. Versions order
	// events: neither the Hub nor Serve ever sends a page a version
	// older than one it was already sent.
	ID string
	// Name is the SSE event name, such as "state".
	Name string
	// Data is the payload, JSON on one line.
	Data []byte
}

// NewEvent returns the event of a room's state at version.
func NewEvent(version int64, name string, data []byte) Event {
	return Event{ID: strconv.FormatInt(version, 10), Name: name, Data: data}
}

// StateEvent is a room's state as the stream sends it: a "state" event
// whose data is v in JSON and whose id is the room's change counter seq,
// so a page that reconnects says where it was.
func StateEvent(seq int64, v any) (Event, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Event{}, err
	}
	return NewEvent(seq, "state", b), nil
}

// version is the state version the event carries. An ID that is not a
// version leaves the event unordered: it is always delivered.
func (e Event) version() (int64, bool) {
	v, err := strconv.ParseInt(e.ID, 10, 64)
	return v, err == nil
}
