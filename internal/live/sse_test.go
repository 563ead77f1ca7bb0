package live_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/live"
)

// transports are the two ways Serve streams: over HTTP/1.1 it hands the
// connection to the hub, over HTTP/2 it streams on the handler's
// goroutine.
var transports = []string{"HTTP/1.1", "HTTP/2.0"}

// eachTransport runs test once over each transport.
func eachTransport(t *testing.T, test func(t *testing.T, proto string)) {
	for _, proto := range transports {
		t.Run(proto, func(t *testing.T) { test(t, proto) })
	}
}

// streamServer serves room "a" of hub with Serve over proto. before runs
// after the handler subscribed and before it serves, with the
// subscription; Serve's result goes to the returned channel.
func streamServer(t *testing.T, proto string, hub *live.Hub, current live.Event, heartbeat time.Duration, before func(*live.Subscription)) (*httptest.Server, <-chan error) {
	t.Helper()
	done := make(chan error, 16)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := hub.Subscribe("a")
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer sub.Close()
		if before != nil {
			before(sub)
		}
		done <- live.Serve(w, r, sub, current, heartbeat)
	}))
	if proto == "HTTP/2.0" {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, done
}

// block is one SSE block as a browser reads it: the fields up to a blank
// line.
type block struct {
	id, event, data, retry string
	comments               []string
}

type stream struct {
	resp *http.Response
	r    *bufio.Reader
}

func open(t *testing.T, srv *httptest.Server, lastEventID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if want := map[bool]int{true: 2, false: 1}[srv.EnableHTTP2]; resp.ProtoMajor != want {
		t.Fatalf("served over %s, want HTTP/%d", resp.Proto, want)
	}
	return &stream{resp: resp, r: bufio.NewReader(resp.Body)}
}

// next reads the next block, failing the test if the stream ends.
func (s *stream) next(t *testing.T) block {
	t.Helper()
	var b block
	var data []string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read stream: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			b.data = strings.Join(data, "\n")
			return b
		}
		if c, ok := strings.CutPrefix(line, ":"); ok {
			b.comments = append(b.comments, strings.TrimPrefix(c, " "))
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			b.id = value
		case "event":
			b.event = value
		case "data":
			data = append(data, value)
		case "retry":
			b.retry = value
		default:
			t.Fatalf("unknown field in %q", line)
		}
	}
}

// nextEvent skips heartbeats to the next block that carries an event.
func (s *stream) nextEvent(t *testing.T) block {
	t.Helper()
	for {
		if b := s.next(t); b.data != "" {
			return b
		}
	}
}

func TestServeHeaders(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		srv, _ := streamServer(t, proto, live.NewHub(), state(1), time.Hour, nil)
		s := open(t, srv, "")
		for name, want := range map[string]string{
			"Content-Type":      "text/event-stream",
			"Cache-Control":     "no-store",
			"X-Accel-Buffering": "no",
		} {
			if got := s.resp.Header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		b := s.next(t)
		if b.retry == "" {
			t.Error("no retry hint before the first event")
		}
		if b.id != "1" || b.event != "state" || b.data != `{"version":1}` {
			t.Errorf("first block = %+v, want the current state", b)
		}
	})
}

func TestServeSendsCurrentThenNewerInOrder(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		hub := live.NewHub()
		defer hub.Close()
		// While the handler read the current state (3), versions 2 to 4
		// were published: 2 and 3 must not follow 3.
		srv, _ := streamServer(t, proto, hub, state(3), time.Hour, func(*live.Subscription) {
			for v := range int64(3) {
				hub.Publish("a", state(v+2))
			}
		})
		s := open(t, srv, "")
		var ids []string
		var retries int
		for range 2 {
			b := s.nextEvent(t)
			ids = append(ids, b.id)
			if b.retry != "" {
				retries++
			}
		}
		hub.Publish("a", state(4))
		hub.Publish("a", state(5))
		hub.Publish("a", live.NewEvent(6, "state", []byte("{\n\"version\": 6\n}")))
		for range 2 {
			b := s.nextEvent(t)
			ids = append(ids, b.id)
			if b.retry != "" {
				retries++
			}
			if b.id == "6" && b.data != "{\n\"version\": 6\n}" {
				t.Errorf("multi-line data came back as %q", b.data)
			}
		}
		if got, want := strings.Join(ids, ","), "3,4,5,6"; got != want {
			t.Errorf("versions = %s, want %s", got, want)
		}
		if retries != 1 {
			t.Errorf("retry hint sent %d times, want once", retries)
		}
	})
}

func TestServeHeartbeat(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		hub := live.NewHub()
		defer hub.Close()
		srv, _ := streamServer(t, proto, hub, state(1), 5*time.Millisecond, nil)
		s := open(t, srv, "")
		s.next(t)
		for range 2 {
			b := s.next(t)
			if len(b.comments) != 1 || b.comments[0] != "ping" || b.data != "" || b.id != "" {
				t.Fatalf("block = %+v, want a ping comment", b)
			}
		}
	})
}

// waitLen waits for hub to have n subscribers.
func waitLen(t *testing.T, hub *live.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for hub.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Len = %d, want %d", hub.Len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A page that goes away is let go: at once when a goroutine serves it,
// within a heartbeat when the hub has its connection.
func TestServeEndsWhenClientLeaves(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		hub := live.NewHub()
		defer hub.Close()
		srv, done := streamServer(t, proto, hub, state(1), 20*time.Millisecond, nil)
		s := open(t, srv, "")
		s.next(t)
		s.resp.Body.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve = %v, want nil", err)
			}
		case <-time.After(wait):
			t.Fatal("Serve still running after the client left")
		}
		waitLen(t, hub, 0)
	})
}

func TestServeReturnsOnContextCancel(t *testing.T) {
	hub := live.NewHub()
	sub := mustSubscribe(t, hub, "a")
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	done := make(chan error)
	go func() { done <- live.Serve(w, r, sub, state(1), time.Hour) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve still running after its context ended")
	}
	if !strings.Contains(w.Body.String(), "id: 1\nevent: state\ndata: {\"version\":1}\n\n") {
		t.Errorf("body = %q, want the current state", w.Body.String())
	}
}

// When the hub ends a stream, its response ends, so the browser
// reconnects; Serve, if it is still serving, returns ErrClosed.
func TestServeEndsWhenSubscriptionCloses(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		hub := live.NewHub()
		srv, done := streamServer(t, proto, hub, state(1), time.Hour, nil)
		s := open(t, srv, "")
		s.next(t)
		served := func(want error) {
			t.Helper()
			select {
			case err := <-done:
				if !errors.Is(err, want) {
					t.Errorf("Serve = %v, want %v", err, want)
				}
			case <-time.After(wait):
				t.Fatal("Serve still running after its subscription closed")
			}
		}
		if proto == "HTTP/1.1" {
			served(nil) // handed over, it returns at once
			hub.Close()
		} else {
			hub.Close()
			served(live.ErrClosed)
		}
		if _, err := io.ReadAll(s.r); err != nil {
			t.Errorf("stream did not end cleanly: %v", err)
		}
	})
}

func TestServeLastEventID(t *testing.T) {
	eachTransport(t, func(t *testing.T, proto string) {
		hub := live.NewHub()
		defer hub.Close()
		srv, _ := streamServer(t, proto, hub, state(7), time.Hour, nil)

		t.Run("older", func(t *testing.T) {
			s := open(t, srv, "5")
			if b := s.nextEvent(t); b.id != "7" {
				t.Errorf("first event = %+v, want the current state 7", b)
			}
		})
		t.Run("current", func(t *testing.T) {
			s := open(t, srv, "7")
			if b := s.next(t); b.retry == "" || b.data != "" {
				t.Errorf("first block = %+v, want only the retry hint", b)
			}
			hub.Publish("a", state(8))
			if b := s.nextEvent(t); b.id != "8" {
				t.Errorf("next event = %+v, want 8", b)
			}
		})
	})
}

// A page that stops reading fills its socket; the hub goes on writing to
// the others, and gives up on it once too much waits for it, ending its
// stream so that it reconnects and is sent the current state.
func TestServeSlowPageDoesNotHoldUpOthers(t *testing.T) {
	hub := live.NewHub()
	defer hub.Close()
	srv, _ := streamServer(t, "HTTP/1.1", hub, state(1), time.Hour, nil)
	slow, fast := open(t, srv, ""), open(t, srv, "")
	slow.next(t)
	fast.next(t)
	waitLen(t, hub, 2)

	// Large events, so that the slow page's socket buffers fill after a
	// few hundred; the fast page reads each before the next is sent.
	data := []byte(`{"pad":"` + strings.Repeat("x", 32<<10) + `"}`)
	const events = 400
	read := make(chan int64)
	go func() {
		defer close(read)
		for {
			b, err := fast.r.ReadString('\n')
			if err != nil {
				return
			}
			if id, ok := strings.CutPrefix(b, "id: "); ok {
				var v int64
				fmt.Sscan(id, &v)
				read <- v
			}
		}
	}()
	for v := int64(2); v <= events+1; v++ {
		hub.Publish("a", live.NewEvent(v, "state", data))
		select {
		case got := <-read:
			if got != v {
				t.Fatalf("the reading page got version %d, want %d", got, v)
			}
		case <-time.After(wait):
			t.Fatalf("the reading page was held up at version %d", v)
		}
	}
	waitLen(t, hub, 1)
	if hub.Dropped() != 1 {
		t.Errorf("Dropped = %d, want 1", hub.Dropped())
	}
	// The slow page's stream ends after what its socket held.
	if _, err := io.Copy(io.Discard, slow.r); err != nil {
		t.Errorf("the slow page's stream did not end cleanly: %v", err)
	}
}
