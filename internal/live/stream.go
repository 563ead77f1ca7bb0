package live

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// A page's stream lasts the whole meeting, and a busy instance has
// thousands open. Served the ordinary way, each holds net/http's two
// goroutines and its buffers (about 25 KB) while it waits, and a change
// to every room wakes every one of them. So Serve takes the connection
// over from net/http once the request is accepted and hands it to the
// Hub: an open page is then its socket and a small stream value, and a
// few writer goroutines, one per processor, send each event to every
// page with non-blocking writes. A page whose socket is full (a slow
// network, a suspended laptop) gets a goroutine of its own until it has
// caught up, so it never holds up the others.

const (
	// maxPending is how many bytes may wait for one page before the hub
	// gives up on it, as SubscriberBuffer does for a channel: the page
	// is not reading, and catches up by reconnecting.
	maxPending = 64 << 10
	// drainTimeout bounds the wait for a full socket to take the rest
	// of what is pending.
	drainTimeout = 10 * time.Second
	// headTimeout bounds writing the response head and first event.
	headTimeout = 10 * time.Second
	// maxPingTick is how often, at most, the hub looks for streams that
	// are due a heartbeat.
	maxPingTick = time.Second
)

// errNotHandedOver says that Serve must stream the ordinary way: the
// connection cannot be taken over (HTTP/2, TLS served by this process, a
// test recorder, a platform without non-blocking writes).
var errNotHandedOver = errors.New("live: connection not handed over")

// stream is a page's connection, handed over to the hub.
type stream struct {
	conn      net.Conn
	raw       syscall.RawConn
	hub       *Hub
	sub       *Subscription
	w         *writer
	heartbeat time.Duration

	// last is the newest version sent, when ordered; guarded by hub.mu.
	last    int64
	ordered bool

	mu sync.Mutex
	// pending are bytes not yet written.
	pending []byte
	// queued is set while the stream waits in its writer's queue or is
	// being written, so that it is queued once however many events
	// arrive meanwhile.
	queued bool
	// written is when bytes last went out, for the heartbeat.
	written time.Time
	closed  bool
}

// handOver takes the connection behind w from net/http and writes the
// response head, the retry field and current (unless the browser has
// it) to it. It then hands the stream to the hub, which sends sub's
// events from then on. It returns errNotHandedOver, having written
// nothing, when the connection cannot be taken over.
func handOver(w http.ResponseWriter, r *http.Request, sub *Subscription, current Event, retry, heartbeat time.Duration) error {
	// A TLS connection's writes go through crypto/tls, not straight to
	// the socket, so it keeps the ordinary way too.
	if !canHandOver || r.ProtoMajor != 1 || r.TLS != nil {
		return errNotHandedOver
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return errNotHandedOver
	}
	s := &stream{conn: conn, hub: sub.hub, sub: sub, heartbeat: heartbeat}
	if sc, ok := conn.(syscall.Conn); ok {
		s.raw, err = sc.SyscallConn()
	}
	if s.raw == nil {
		conn.Close()
		return fmt.Errorf("live: %T has no file descriptor: %w", conn, cmpErr(err, errNotHandedOver))
	}

	// The head carries the headers the handler and its middleware set.
	// The body runs until the connection closes, so it has neither a
	// length nor chunks.
	h := w.Header()
	h.Set("Connection", "close")
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	if err := h.Write(&head); err != nil {
		conn.Close()
		return err
	}
	head.WriteString("\r\n")
	b := appendRetry(head.Bytes(), retry)
	s.last, s.ordered = current.version()
	if current.ID != "" && r.Header.Get("Last-Event-ID") == current.ID {
		b = append(b, '\n')
	} else {
		b = appendEvent(b, current)
	}
	if err := writeWithin(conn, b, headTimeout); err != nil {
		conn.Close()
		return fmt.Errorf("live: write: %w", err)
	}
	s.written = time.Now() // before adopt, so without the lock
	return sub.hub.adopt(s)
}

func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// adopt makes s its subscription's way to the page: events that reached
// the subscription's channel while the head was written go out first,
// then every event the hub publishes. It fails with ErrClosed, closing
// the connection, when the subscription has already ended.
func (h *Hub) adopt(s *stream) error {
	h.start.Do(h.startWriters)
	h.mu.Lock()
	defer h.mu.Unlock()
	sub := s.sub
	if sub.done {
		s.close()
		return ErrClosed
	}
	s.w = h.writers[h.next%len(h.writers)]
	h.next++
	if s.heartbeat > 0 && s.heartbeat/2 < h.tick {
		h.tick = s.heartbeat / 2
	}
	sub.stream = s
	for {
		select {
		case ev := <-sub.c:
			if !s.sendEvent(ev, appendEvent(nil, ev)) {
				h.dropped++
				h.remove(sub)
				return ErrClosed
			}
			continue
		default:
		}
		return nil
	}
}

// startWriters starts the writers and the pinger.
func (h *Hub) startWriters() {
	h.writers = make([]*writer, runtime.GOMAXPROCS(0))
	for i := range h.writers {
		w := &writer{hub: h, wake: make(chan struct{}, 1)}
		h.writers[i] = w
		h.wg.Go(w.run)
	}
	h.wg.Go(h.ping)
}

// sendEvent queues ev, written out as frame, unless the page already has
// a version at least as new; hub.mu is held. It reports false when the
// page has fallen too far behind.
func (s *stream) sendEvent(ev Event, frame []byte) bool {
	if v, ok := ev.version(); ok {
		if s.ordered && v <= s.last {
			return true
		}
		s.last, s.ordered = v, true
	}
	return s.send(frame)
}

// send queues b for the page, and the stream for its writer if it is not
// queued already. It reports false when too much is pending.
func (s *stream) send(b []byte) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return true // the hub is removing it already
	}
	if len(s.pending)+len(b) > maxPending {
		s.mu.Unlock()
		return false
	}
	s.pending = append(s.pending, b...)
	wake := !s.queued
	s.queued = true
	s.mu.Unlock()
	if wake {
		s.w.push(s)
	}
	return true
}

// close closes the connection; the hub has removed, or is removing, the
// subscription.
func (s *stream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.pending = nil
		s.conn.Close()
	}
}

// fail ends the subscription after a failed write or a page that left.
func (s *stream) fail() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.remove(s.sub)
}

// flush writes what is pending without waiting. What the socket does not
// take is left to a goroutine of the stream's own.
func (s *stream) flush() {
	s.mu.Lock()
	b := s.pending
	s.pending = nil
	s.mu.Unlock()
	n, err := writeNow(s.raw, b)
	if err != nil {
		s.fail()
		return
	}
	if n < len(b) {
		s.hub.wg.Go(func() { s.drain(b[n:]) })
		return
	}
	s.done()
}

// writeWithin writes all of b to conn, waiting at most timeout.
func writeWithin(conn net.Conn, b []byte, timeout time.Duration) error {
	if err := conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := conn.Write(b); err != nil {
		return err
	}
	return conn.SetWriteDeadline(time.Time{})
}

// drain waits, up to drainTimeout, for a full socket to take b.
func (s *stream) drain(b []byte) {
	if err := writeWithin(s.conn, b, drainTimeout); err != nil {
		s.fail()
		return
	}
	s.done()
}

// done follows a write: the stream leaves the queue, unless more arrived
// meanwhile.
func (s *stream) done() {
	now := time.Now()
	s.mu.Lock()
	s.written = now
	more := len(s.pending) > 0 && !s.closed
	s.queued = more
	s.mu.Unlock()
	if more {
		s.w.push(s)
	}
}

// idle reports whether the stream is due a heartbeat at now: nothing
// written for its heartbeat and nothing waiting.
func (s *stream) idle(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeat > 0 && !s.queued && !s.closed && now.Sub(s.written) >= s.heartbeat
}

// writer sends the pending bytes of its share of the streams.
type writer struct {
	hub   *Hub
	mu    sync.Mutex
	queue []*stream
	wake  chan struct{}
}

// push queues s, which has something to write.
func (w *writer) push(s *stream) {
	w.mu.Lock()
	w.queue = append(w.queue, s)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *writer) run() {
	var batch []*stream
	for {
		select {
		case <-w.hub.stop:
			return
		case <-w.wake:
		}
		w.mu.Lock()
		batch, w.queue = w.queue, batch[:0]
		w.mu.Unlock()
		for _, s := range batch {
			s.flush()
		}
		clear(batch)
	}
}

// pingFrame is the heartbeat: a comment, which browsers ignore.
var pingFrame = []byte(": ping\n\n")

// ping sends the heartbeat to streams that have been quiet for theirs,
// so that proxies keep them open; first it looks whether the page has
// closed its end, so that a page that went away is let go within a
// heartbeat even though the server never reads from it.
func (h *Hub) ping() {
	for {
		h.mu.Lock()
		tick := h.tick
		h.mu.Unlock()
		select {
		case <-h.stop:
			return
		case <-time.After(tick):
		}
		now := time.Now()
		var due []*stream
		h.mu.Lock()
		for _, r := range h.rooms {
			for _, sub := range r.subs {
				if sub.stream != nil && sub.stream.idle(now) {
					due = append(due, sub.stream)
				}
			}
		}
		h.mu.Unlock()
		for _, s := range due {
			if peerClosed(s.raw) {
				s.fail()
				continue
			}
			h.mu.Lock()
			if !s.send(pingFrame) {
				h.dropped++
				h.remove(s.sub)
			}
			h.mu.Unlock()
		}
	}
}
