//go:build linux

package livebench

import (
	"fmt"
	"testing"
	"time"
)

// stream is a response as Go's server writes Serve's output: chunked,
// with an event, a heartbeat and a second event whose data spans two
// lines; sizes with hex letters, in either case, and one with an extension.
var stream = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding: Chunked\r\n\r\n" +
	chunk("%x", "retry: 1878\nid: 1\nevent: state\ndata: {\"version\":1,\"step\":3}\n\n") +
	chunk("%x;ext=1", ": ping\n\n") +
	chunk("%X", "id: 2\nevent: state\ndata: {\"version\":2,\"phase\":\"running\",\ndata: \"sent\":5}\n\n")

func chunk(sizeFormat, data string) string {
	return fmt.Sprintf(sizeFormat, len(data)) + "\r\n" + data + "\r\n"
}

func newTestClient() (*loop, *client) {
	f := &fleet{clients: make([]client, 1)}
	l := &loop{f: f}
	c := &f.clients[0]
	c.loop, c.fd, c.phase = l, -1, phaseHeaders
	return l, c
}

// TestClientParsesStreamSplitAnywhere feeds the stream in two reads split
// at every byte, as TCP may deliver it.
func TestClientParsesStreamSplitAnywhere(t *testing.T) {
	for i := range len(stream) + 1 {
		l, c := newTestClient()
		for _, part := range []string{stream[:i], stream[i:]} {
			if got := l.feed(c, []byte(part), time.Now()); got != streamOpen {
				t.Fatalf("split at %d: feed = %d, want streamOpen", i, got)
			}
		}
		if v := c.version.Load(); v != 2 || c.lastID != 2 || !c.chunked || l.opened.Load() != 1 {
			t.Fatalf("split at %d: version %d, last id %d, chunked %v, opened %d", i, v, c.lastID, c.chunked, l.opened.Load())
		}
		if l.failures.Load() != 0 {
			t.Fatalf("split at %d: %v", i, *l.firstErr.Load())
		}
	}
}

func TestClientSeesStreamEnd(t *testing.T) {
	l, c := newTestClient()
	if got := l.feed(c, []byte(stream+"0\r\n\r\n"), time.Now()); got != streamEnded {
		t.Errorf("feed = %d, want streamEnded", got)
	}
	l, c = newTestClient()
	if got := l.feed(c, []byte("HTTP/1.1 503 Service Unavailable\r\n\r\n"), time.Now()); got != streamBroken {
		t.Errorf("feed of a 503 = %d, want streamBroken", got)
	}
}

func TestClientCountsOldEventsOutOfOrder(t *testing.T) {
	l, c := newTestClient()
	c.version.Store(3)
	l.feed(c, []byte(stream), time.Now())
	if got := l.outOfOrder.Load(); got != 2 {
		t.Errorf("out of order = %d, want 2", got)
	}
	if v := c.version.Load(); v != 3 {
		t.Errorf("version = %d, want 3 kept", v)
	}
}
