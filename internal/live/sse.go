package live

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

const (
	// retryMin and retrySpread set the reconnection delay Serve asks
	// browsers for: a random value from retryMin to retryMin+retrySpread
	// per stream, so that the pages of an instance that goes away do not
	// all come back in the same instant.
	retryMin    = time.Second
	retrySpread = 2 * time.Second
)

// Serve streams a room to one page as Server-Sent Events until the
// request's context ends (it then returns nil) or sub is closed (it then
// returns ErrClosed, and the browser reconnects); any other error is a
// failed write. The caller subscribes before reading current, the room's
// state now, and closes sub afterwards.
//
// Serve sends current first, unless the request's Last-Event-ID shows the
// browser already has exactly that version; then each event from sub, in
// order, skipping any not newer than one already sent. It sends a
// comment every heartbeat (none if heartbeat is not positive), so that
// proxies keep an idle stream open and a connection that died unnoticed
// fails a write and ends, and it flushes after every write.
func Serve(w http.ResponseWriter, r *http.Request, sub *Subscription, current Event, heartbeat time.Duration) error {
	rc := http.NewResponseController(w)
	// A stream lasts the whole meeting, far past any write timeout the
	// server sets for ordinary responses. A writer without deadlines has
	// none to clear.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("live: clear write deadline: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// nginx would otherwise buffer the stream and hold events back.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	sw := stickyWriter{w: w}
	retry := retryMin + rand.N(retrySpread)
	sw.str("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n")
	last, ordered := current.version()
	if current.ID != "" && r.Header.Get("Last-Event-ID") == current.ID {
		// The browser reconnected without missing a change: the retry
		// field only needs the blank line that ends its block.
		sw.str("\n")
	} else {
		sw.event(current)
	}
	if err := sw.flush(rc); err != nil {
		return err
	}

	var tick <-chan time.Time
	if heartbeat > 0 {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case ev, ok := <-sub.C:
			if !ok {
				return ErrClosed
			}
			// The subscription may hold versions from before current
			// was read.
			if v, ok := ev.version(); ok {
				if ordered && v <= last {
					continue
				}
				last, ordered = v, true
			}
			sw.event(ev)
		case <-tick:
			sw.str(": ping\n\n")
		}
		if err := sw.flush(rc); err != nil {
			return err
		}
	}
}

// stickyWriter keeps the first error and writes nothing after it, so a
// block of writes is checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) str(v string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, v)
	}
}

func (s *stickyWriter) bytes(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

// event writes ev as one SSE block. A line break in Data starts a new
// data line, which the browser joins back with a line break.
func (s *stickyWriter) event(ev Event) {
	if ev.ID != "" {
		s.str("id: ")
		s.str(ev.ID)
		s.str("\n")
	}
	if ev.Name != "" {
		s.str("event: ")
		s.str(ev.Name)
		s.str("\n")
	}
	for line := range bytes.SplitSeq(ev.Data, []byte("\n")) {
		s.str("data: ")
		s.bytes(line)
		s.str("\n")
	}
	s.str("\n")
}

// flush sends what was written to the browser, and reports the first
// error since the last flush.
func (s *stickyWriter) flush(rc *http.ResponseController) error {
	if s.err == nil {
		s.err = rc.Flush()
	}
	if s.err != nil {
		return fmt.Errorf("live: write: %w", s.err)
	}
	return nil
}
