package live_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/live"
)

// streamServer serves room "a" of hub with Serve. before runs after the
// handler subscribed and before it serves, with the subscription; Serve's
// result goes to the returned channel.
func streamServer(t *testing.T, hub *live.Hub, current live.Event, heartbeat time.Duration, before func(*live.Subscription)) (*httptest.Server, <-chan error) {
	t.Helper()
	done := make(chan error, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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

func open(t *testing.T, url, lastEventID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
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
	srv, _ := streamServer(t, live.NewHub(), state(1), time.Hour, nil)
	s := open(t, srv.URL, "")
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
}

func TestServeSendsCurrentThenNewerInOrder(t *testing.T) {
	hub := live.NewHub()
	// While the handler read the current state (3), versions 2 to 4
	// were published: 2 and 3 must not follow 3.
	srv, _ := streamServer(t, hub, state(3), time.Hour, func(*live.Subscription) {
		for v := range int64(3) {
			hub.Publish("a", state(v+2))
		}
	})
	s := open(t, srv.URL, "")
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
}

func TestServeHeartbeat(t *testing.T) {
	srv, _ := streamServer(t, live.NewHub(), state(1), 5*time.Millisecond, nil)
	s := open(t, srv.URL, "")
	s.next(t)
	for range 2 {
		b := s.next(t)
		if len(b.comments) != 1 || b.comments[0] != "ping" || b.data != "" || b.id != "" {
			t.Fatalf("block = %+v, want a ping comment", b)
		}
	}
}

func TestServeEndsWhenClientLeaves(t *testing.T) {
	hub := live.NewHub()
	srv, done := streamServer(t, hub, state(1), time.Hour, nil)
	s := open(t, srv.URL, "")
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
	if got := hub.Len(); got != 0 {
		t.Errorf("Len = %d after the handler returned", got)
	}
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

func TestServeReturnsWhenSubscriptionCloses(t *testing.T) {
	hub := live.NewHub()
	srv, done := streamServer(t, hub, state(1), time.Hour, nil)
	s := open(t, srv.URL, "")
	s.next(t)
	hub.Close()
	select {
	case err := <-done:
		if !errors.Is(err, live.ErrClosed) {
			t.Errorf("Serve = %v, want ErrClosed", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve still running after its subscription closed")
	}
	// The response ends, so the browser reconnects.
	if _, err := io.ReadAll(s.r); err != nil {
		t.Errorf("stream did not end cleanly: %v", err)
	}
}

func TestServeLastEventID(t *testing.T) {
	hub := live.NewHub()
	srv, _ := streamServer(t, hub, state(7), time.Hour, nil)

	t.Run("older", func(t *testing.T) {
		s := open(t, srv.URL, "5")
		if b := s.nextEvent(t); b.id != "7" {
			t.Errorf("first event = %+v, want the current state 7", b)
		}
	})
	t.Run("current", func(t *testing.T) {
		s := open(t, srv.URL, "7")
		if b := s.next(t); b.retry == "" || b.data != "" {
			t.Errorf("first block = %+v, want only the retry hint", b)
		}
		hub.Publish("a", state(8))
		if b := s.nextEvent(t); b.id != "8" {
			t.Errorf("next event = %+v, want 8", b)
		}
	})
}
