package live

import (
	"sync"
	"time"
)

// SubscriberBuffer is how many events wait for one subscriber before the
// hub gives up on it. A room changes at the pace of people pressing
// buttons, and the Relay coalesces bursts, so a page that is eight
// states behind is not reading: it is dropped rather than allowed to
// hold up the others, and catches up by reconnecting.
const SubscriberBuffer = 8

// Hub hands each room's events to the subscribers in this process. There
// is one per process. Publish never waits for a page: it sends to each
// subscriber's buffered channel, which the goroutine serving the page
// reads, or — for a page whose connection Serve handed over — appends to
// the connection's pending bytes, which the hub's writers send (see
// stream). A room without subscribers holds no memory.
type Hub struct {
	mu      sync.Mutex
	rooms   map[string]*hubRoom
	n       int   // subscribers in all rooms
	dropped int64 // subscribers dropped for falling behind, ever
	closed  bool

	// writers send handed-over streams' bytes; they and the pinger
	// start with the first stream handed over and stop with Close.
	start   sync.Once
	writers []*writer
	next    int // the writer the next stream goes to; guarded by mu
	// tick is how often the pinger looks for idle streams; it shrinks
	// for a stream with a short heartbeat. Guarded by mu.
	tick time.Duration
	stop chan struct{}
	wg   sync.WaitGroup
}

// hubRoom is a room that has subscribers; it goes when the last one does.
type hubRoom struct {
	subs []*Subscription
	// version is the newest version published to the room since it
	// gained its first subscriber; older events are not delivered.
	version int64
}

// Subscription is one page's feed of a room's events.
type Subscription struct {
	// C delivers the room's events in version order. It is closed when
	// the subscription is: by Close, by the hub when the subscriber fell
	// SubscriberBuffer events behind, or by Hub.Close.
	C <-chan Event

	c    chan Event
	hub  *Hub
	room string
	done bool // guarded by hub.mu
	// stream, once Serve hands the page's connection over, is where
	// events go instead of c. Guarded by hub.mu.
	stream *stream
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{rooms: make(map[string]*hubRoom), tick: maxPingTick, stop: make(chan struct{})}
}

// Subscribe starts a feed of room's events. The caller must Close it. It
// fails only with ErrClosed, once the hub is closed.
func (h *Hub) Subscribe(room string) (*Subscription, error) {
	c := make(chan Event, SubscriberBuffer)
	s := &Subscription{C: c, c: c, hub: h, room: room}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	r := h.rooms[room]
	if r == nil {
		r = &hubRoom{}
		h.rooms[room] = r
	}
	r.subs = append(r.subs, s)
	h.n++
	return s, nil
}

// Close ends the subscription and closes C. It may be called more than
// once, and after the hub dropped the subscription. Once Serve has handed
// the page's connection to the hub, Close does nothing: the hub ends the
// subscription itself when the page goes.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.stream == nil {
		s.hub.remove(s)
	}
}

// remove ends s; h.mu is held.
func (h *Hub) remove(s *Subscription) {
	if s.done {
		return
	}
	s.done = true
	close(s.c)
	if s.stream != nil {
		s.stream.close()
	}
	h.n--
	r := h.rooms[s.room]
	for i, other := range r.subs {
		if other == s {
			last := len(r.subs) - 1
			r.subs[i] = r.subs[last]
			r.subs[last] = nil
			r.subs = r.subs[:last]
			break
		}
	}
	if len(r.subs) == 0 {
		delete(h.rooms, s.room)
	}
}

// Publish hands ev to every subscriber of room in this process, without
// waiting for any of them. A subscriber whose buffer is full is dropped:
// its channel is closed, so its page reconnects and is sent the current
// state. An event whose version is not newer than the last one published
// to the room is ignored, so a late read never takes a page back.
func (h *Hub) Publish(room string, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publishLocked(room, ev)
}

// locked runs fn with the hub locked, so that the Relay checks or
// publishes a batch of rooms for the cost of one lock.
func (h *Hub) locked(fn func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn()
}

// publishLocked is Publish with h.mu held.
func (h *Hub) publishLocked(room string, ev Event) {
	r := h.rooms[room]
	if r == nil {
		return
	}
	if v, ok := ev.version(); ok {
		if v <= r.version {
			return
		}
		r.version = v
	}
	// The event is written out once, for all the room's streams.
	var frame []byte
	// remove moves the last subscriber into the place of the removed
	// one, so i advances only past subscribers that stay.
	for i := 0; i < len(r.subs); {
		s := r.subs[i]
		var ok bool
		if s.stream != nil {
			if frame == nil {
				frame = appendEvent(nil, ev)
			}
			ok = s.stream.sendEvent(ev, frame)
		} else {
			select {
			case s.c <- ev:
				ok = true
			default:
			}
		}
		if ok {
			i++
			continue
		}
		h.dropped++
		h.remove(s)
	}
}

// versionLocked returns the newest version published to room, and
// whether the room has subscribers at all; h.mu is held.
func (h *Hub) versionLocked(room string) (int64, bool) {
	r := h.rooms[room]
	if r == nil {
		return 0, false
	}
	return r.version, true
}

// Len is the number of subscribers, for metrics.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// Dropped is the number of subscribers dropped so far for falling
// behind, for metrics: a rising count means pages cannot keep up.
func (h *Hub) Dropped() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dropped
}

// Rooms lists the rooms that have subscribers, in no particular order.
func (h *Hub) Rooms() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	rooms := make([]string, 0, len(h.rooms))
	for room := range h.rooms {
		rooms = append(rooms, room)
	}
	return rooms
}

// Close closes every subscription and refuses new ones, so that streams
// end and a server shutting down is not held open by them; their pages
// reconnect to another instance.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	for _, r := range h.rooms {
		for len(r.subs) > 0 {
			h.remove(r.subs[0])
		}
	}
	h.mu.Unlock()
	close(h.stop)
	h.wg.Wait()
}
