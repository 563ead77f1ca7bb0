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

// Serve streams a room to one page as Server-Sent Events. The caller
// subscribes before reading current, the room's state now, and closes sub
// afterwards.
//
// Serve sends current first, unless the request's Last-Event-ID shows the
// browser already has exactly that version; then each event from sub, in
// order, skipping any not newer than one already sent. It sends a
// comment every heartbeat (over HTTP/1.1 only to a stream that has been
// quiet that long; never if heartbeat is not positive), so that proxies
// keep an idle stream open and a connection that died unnoticed fails a
// write and ends.
//
// Over HTTP/1.1 Serve takes the connection over from net/http, writes the
// response head and current, hands the stream to the hub and returns nil
// at once: the hub then writes the page's events itself, without a
// goroutine per page, and ends the subscription when the page goes (the
// caller's Close does nothing). Otherwise — HTTP/2, or a connection that
// cannot be taken over — Serve streams on the caller's goroutine until
// the request's context ends (it then returns nil) or sub is closed (it
// then returns ErrClosed, and the browser reconnects); any other error is
// a failed write.
func Serve(w http.ResponseWriter, r *http.Request, sub *Subscription, current Event, heartbeat time.Duration) error {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// nginx would otherwise buffer the stream and hold events back.
	h.Set("X-Accel-Buffering", "no")
	retry := retryMin + rand.N(retrySpread)
	if err := handOver(w, r, sub, current, retry, heartbeat); !errors.Is(err, errNotHandedOver) {
		return err
	}

	rc := http.NewResponseController(w)
	// A stream lasts the whole meeting, far past any write timeout the
	// server sets for ordinary responses. A writer without deadlines has
	// none to clear.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("live: clear write deadline: %w", err)
	}
	w.WriteHeader(http.StatusOK)
	b := appendRetry(nil, retry)
	last, ordered := current.version()
	if current.ID != "" && r.Header.Get("Last-Event-ID") == current.ID {
		// The browser reconnected without missing a change: the retry
		// field only needs the blank line that ends its block.
		b = append(b, '\n')
	} else {
		b = appendEvent(b, current)
	}
	if err := write(w, rc, b); err != nil {
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
			b = appendEvent(b[:0], ev)
		case <-tick:
			b = append(b[:0], pingFrame...)
		}
		if err := write(w, rc, b); err != nil {
			return err
		}
	}
}

// write sends b to the browser at once.
func write(w io.Writer, rc *http.ResponseController, b []byte) error {
	_, err := w.Write(b)
	if err == nil {
		err = rc.Flush()
	}
	if err != nil {
		return fmt.Errorf("live: write: %w", err)
	}
	return nil
}

// appendRetry appends the SSE field that sets the browser's reconnection
// delay.
func appendRetry(b []byte, retry time.Duration) []byte {
	b = append(b, "retry: "...)
	b = strconv.AppendInt(b, retry.Milliseconds(), 10)
	return append(b, '\n')
}

// appendEvent appends ev as one SSE block. A line break in Data starts a
// new data line, which the browser joins back with a line break.
func appendEvent(b []byte, ev Event) []byte {
	if ev.ID != "" {
		b = append(b, "id: "...)
		b = append(b, ev.ID...)
		b = append(b, '\n')
	}
	if ev.Name != "" {
		b = append(b, "event: "...)
		b = append(b, ev.Name...)
		b = append(b, '\n')
	}
	for line := range bytes.SplitSeq(ev.Data, []byte("\n")) {
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
	}
	return append(b, '\n')
}
