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

	mu   sync.Mutex
	cond *sync.Cond
	// want holds the rooms queued or being read, each with the newest
	// version notified since it was queued or its read began; zero when
	// none. A read that ends with a want newer than what it published is
	// followed by one more.
	want    map[string]int64
	queue   []string // rooms waiting for a loader, each once
	stopped bool
}

// job is one room a loader takes from the queue.
type job struct {
	room string
	want int64
	// skip is set when the room needs no read: no subscribers here, or
	// they were already sent want.
	skip bool
	ev   Event
	err  error
	// sent is the version the room's subscribers have after publishing,
	// and subscribed whether it still has any.
	sent       int64
	subscribed bool
}

// NewRelay returns a relay from broker to hub. A nil logger discards
// the relay's warnings.
func NewRelay(hub *Hub, broker Broker, load Loader, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Relay{hub: hub, broker: broker, load: load, log: logger, want: make(map[string]int64)}
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

// notified queues room for a read, unless it is queued already. Whether
// it needs one is up to the loader: the notification itself costs a map
// entry, and takes no lock but the relay's, so that a burst of them does
// not contend with publishing.
func (r *Relay) notified(room string, version int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	want, queued := r.want[room]
	if !queued {
		r.queue = append(r.queue, room)
		r.cond.Signal()
	}
	r.want[room] = max(want, version)
}

// resync reads every room that has subscribers, whatever version they
// were sent: notifications may have been missed.
func (r *Relay) resync() {
	for _, room := range r.hub.Rooms() {
		r.notified(room, math.MaxInt64)
	}
}

// maxBatch bounds how many rooms a loader takes from the queue at once.
const maxBatch = 64

// work reads and publishes queued rooms until the relay stops. A loader
// takes its share of the queue at once and checks and publishes it
// under one lock of the hub: when every room changes at once, a lock
// taken per room would, when contended, send the loader to wait behind
// the thousands of streams it has just woken.
func (r *Relay) work(ctx context.Context) {
	var batch []job
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.stopped {
			r.cond.Wait()
		}
		if r.stopped {
			r.mu.Unlock()
			return
		}
		n := min(maxBatch, (len(r.queue)+loaders-1)/loaders)
		clear(batch) // let go of the last batch's events
		batch = batch[:0]
		for _, room := range r.queue[:n] {
			batch = append(batch, job{room: room, want: r.want[room]})
			// This read sees every change notified so far: only
			// notifications from now on can call for another.
			r.want[room] = 0
		}
		clear(r.queue[:n])
		r.queue = r.queue[n:]
		r.mu.Unlock()

		r.hub.locked(func() {
			for i := range batch {
				j := &batch[i]
				sent, ok := r.hub.versionLocked(j.room)
				j.skip = !ok || j.want <= sent
			}
		})
		for i := range batch {
			if j := &batch[i]; !j.skip {
				j.ev, j.err = r.read(ctx, j.room)
			}
		}
		r.hub.locked(func() {
			for i := range batch {
				j := &batch[i]
				if !j.skip && j.err == nil {
					r.hub.publishLocked(j.room, j.ev)
				}
				j.sent, j.subscribed = r.hub.versionLocked(j.room)
			}
		})

		r.mu.Lock()
		for _, j := range batch {
			if j.subscribed && r.want[j.room] > j.sent {
				r.queue = append(r.queue, j.room)
			} else {
				delete(r.want, j.room)
			}
		}
		r.mu.Unlock()
	}
}

// read reads room's state. A failed read is logged and not retried: the
// room's pages catch up at its next change or when they reconnect, and
// retrying at once would only add load to a database that is failing.
func (r *Relay) read(ctx context.Context, room string) (Event, error) {
	lctx, cancel := context.WithTimeout(ctx, loadTimeout)
	defer cancel()
	ev, err := r.load(lctx, room)
	// A read cut short by shutdown is no news.
	if err != nil && ctx.Err() == nil {
		r.log.Warn("live: read room state", "room_id", room, "err", err)
	}
	return ev, err
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
