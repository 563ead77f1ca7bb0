package live

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"
)

// Broker carries "room R is now at version V" between the app's
// instances.
type Broker interface {
	// Notify tells every instance, this one included, that room changed
	// to version. Call it after the change has committed, outside the
	// transaction, so that the state an instance then reads is at least
	// that new.
	Notify(ctx context.Context, room string, version int64) error
	// Listen calls notified for each notification until ctx ends, and
	// resync whenever notifications may have been missed: once it
	// listens, and again after each reconnection. Both must return
	// quickly. Listen returns nil when ctx ends.
	Listen(ctx context.Context, notified func(room string, version int64), resync func()) error
}

// Loader reads a room's current state from the database, as the event
// pages are sent.
type Loader func(ctx context.Context, room string) (Event, error)

// loaders is how many rooms a Relay reads at once. Reads are short
// queries on the app's pool; a few at once keep a burst of changes
// across many rooms moving without taking the pool over.
const loaders = 4

// loadTimeout bounds one read, so a stuck query does not hold a loader.
const loadTimeout = 10 * time.Second

// Relay turns a Broker's notifications into events on a Hub: for each
// notification about a room that has subscribers here and is newer than
// what they were sent, it reads the room once with the Loader and
// publishes the result. Notifications that arrive while the room is
// being read are coalesced into at most one more read, and a
// notification that the last read already covered causes none.
type Relay struct {
	hub    *Hub
	broker Broker
	load   Loader
	log    *slog.Logger

	mu      sync.Mutex
	cond    *sync.Cond
	pending map[string]*pending // rooms queued or being read
	queue   []string            // rooms waiting for a loader, each once
	stopped bool
}

// pending is a room that is queued or being read.
type pending struct {
	// want is the newest version notified since the room's read began
	// (or since it was queued); zero when none. A read that ends with
	// want newer than what it published is followed by one more.
	want int64
}

// NewRelay returns a relay from broker to hub. A nil logger discards
// the relay's warnings.
func NewRelay(hub *Hub, broker Broker, load Loader, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Relay{hub: hub, broker: broker, load: load, log: logger, pending: make(map[string]*pending)}
	r.cond = sync.NewCond(&r.mu)
	return r
}

// Run listens to the broker and relays until ctx ends; call it once. It
// returns the broker's error, or nil when ctx ends.
func (r *Relay) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	context.AfterFunc(ctx, func() {
		r.mu.Lock()
		r.stopped = true
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	var wg sync.WaitGroup
	for range loaders {
		wg.Go(func() { r.work(ctx) })
	}
	err := r.broker.Listen(ctx, r.notified, r.resync)
	cancel()
	wg.Wait()
	return err
}

// notified queues a read of room if it has subscribers here and version
// is newer than what they were sent.
func (r *Relay) notified(room string, version int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sent, ok := r.hub.version(room); !ok || version <= sent {
		return
	}
	p := r.pending[room]
	if p == nil {
		p = &pending{}
		r.pending[room] = p
		r.queue = append(r.queue, room)
		r.cond.Signal()
	}
	p.want = max(p.want, version)
}

// resync reads every room that has subscribers, whatever version they
// were sent: notifications may have been missed.
func (r *Relay) resync() {
	for _, room := range r.hub.Rooms() {
		r.notified(room, math.MaxInt64)
	}
}

// work reads and publishes queued rooms until the relay stops.
func (r *Relay) work(ctx context.Context) {
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.stopped {
			r.cond.Wait()
		}
		if r.stopped {
			r.mu.Unlock()
			return
		}
		room := r.queue[0]
		r.queue[0] = ""
		r.queue = r.queue[1:]
		p := r.pending[room]
		// This read sees every change notified so far: only
		// notifications from now on can call for another.
		p.want = 0
		r.mu.Unlock()

		r.publish(ctx, room)

		r.mu.Lock()
		if sent, ok := r.hub.version(room); ok && p.want > sent {
			r.queue = append(r.queue, room)
		} else {
			delete(r.pending, room)
		}
		r.mu.Unlock()
	}
}

// publish reads room and publishes its state to the hub. A failed read
// is logged and not retried: the room's pages catch up at its next change
// or when they reconnect, and retrying at once would only add load to a
// database that is failing.
func (r *Relay) publish(ctx context.Context, room string) {
	lctx, cancel := context.WithTimeout(ctx, loadTimeout)
	ev, err := r.load(lctx, room)
	cancel()
	if err != nil {
		// A read cut short by shutdown is no news.
		if ctx.Err() == nil {
			r.log.Warn("live: read room state", "room_id", room, "err", err)
		}
		return
	}
	r.hub.Publish(room, ev)
}

// Local is the Broker of a single instance, such as one on SQLite: a
// notification goes straight to this process's listener.
type Local struct {
	mu       sync.Mutex
	notified func(room string, version int64)
}

// NewLocal returns a Local broker with no listener yet.
func NewLocal() *Local { return &Local{} }

// Notify hands the notification to the listener. Without one (before
// Listen, or after it returned) there is nothing to tell and it does
// nothing.
func (l *Local) Notify(_ context.Context, room string, version int64) error {
	l.mu.Lock()
	f := l.notified
	l.mu.Unlock()
	if f != nil {
		f(room, version)
	}
	return nil
}

// Listen delivers notifications until ctx ends. It calls resync once, at
// the start: subscribers that came before it may have missed changes.
func (l *Local) Listen(ctx context.Context, notified func(room string, version int64), resync func()) error {
	l.mu.Lock()
	l.notified = notified
	l.mu.Unlock()
	resync()
	<-ctx.Done()
	l.mu.Lock()
	l.notified = nil
	l.mu.Unlock()
	return nil
}
