//go:build linux

package livebench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/holdspace/holdspace/internal/live"
)

// Run measures package live and the minimal broadcaster at each of
// cfg.Sizes and prints a markdown table to out. After printing, it
// returns an error if package live lost an update or sent one out of
// order. It starts this executable again for the clients (see
// clientEnv), and raises the process's open-file limit as far as the
// largest size needs.
func Run(ctx context.Context, cfg Config, out io.Writer) error {
	cfg = cfg.withDefaults()
	largest := slices.Max(cfg.Sizes)
	// Each page is one descriptor here, the server's end; a page that
	// reconnects may briefly hold two.
	if err := raiseFileLimit(uint64(largest + largest/4 + 256)); err != nil {
		return err
	}
	loadBefore := loadAverage()
	var results []result
	for _, size := range cfg.Sizes {
		for _, newSystem := range []func(Config, *roomStore) *system{newLiveSystem, newMinimalSystem} {
			r, err := measure(ctx, cfg, size, newSystem)
			if err != nil {
				return fmt.Errorf("livebench: %s at %d connections: %w", r.impl, size, err)
			}
			results = append(results, r)
		}
	}

	ew := errWriter{w: out}
	ew.printf("SSE delivery on %d processors (GOMAXPROCS); load average %s when the run started, %s when it ended.\n\n",
		runtime.GOMAXPROCS(0), loadBefore, loadAverage())
	if ew.err == nil {
		ew.err = writeTable(out, results)
	}
	ew.printf("\nLatency (p50, p99, max): from a room's change to its event's arrival at the client's socket, stamped by the kernel (SO_TIMESTAMPNS), over %d rounds that change every room at once while the clients leave the events unread for %v, "+
		"so that, as pages on other machines would, they take none of the server's processors. "+
		"Read latency: to the event's being read off the socket, over %d more rounds in which the clients read every event as it comes, on the same processors as the server. "+
		"KB/conn: the server's heap and goroutine stacks per idle connection, after GC; the clients run in a process of their own (raw sockets on epoll) and kernel socket buffers are not counted. "+
		"Lost: pages not on a round's version within %s, over those rounds and a reconnect check that drops %.0f%% of pages, changes every room, reconnects them with Last-Event-ID and changes every room again.\n",
		cfg.Rounds, holdFor, cfg.Rounds, cfg.Timeout, 100*cfg.Drop)
	var bad []string
	for _, r := range results {
		if r.reconnects > 0 {
			ew.printf("%s at %d: the server ended %d streams on its own (slow subscribers dropped); the clients reconnected.\n", r.impl, r.size, r.reconnects)
		}
		if r.outOfOrder > 0 {
			ew.printf("%s at %d: %d events arrived older than one the page had.\n", r.impl, r.size, r.outOfOrder)
		}
		if r.impl == liveImpl && (r.lost > 0 || r.outOfOrder > 0) {
			bad = append(bad, fmt.Sprintf("%d lost and %d out of order at %d connections", r.lost, r.outOfOrder, r.size))
		}
	}
	if ew.err != nil {
		return ew.err
	}
	if len(bad) > 0 {
		return fmt.Errorf("livebench: package live: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Names of the implementations in the table.
const (
	liveImpl    = "live"
	minimalImpl = "minimal"
)

// system is a server under test: its handler for
// GET /rooms/{room}/events, how a room changes on it, and how many
// streams it has open.
type system struct {
	name    string
	handler http.Handler
	// change moves room to version v at the moment at, as a command
	// would.
	change      func(ctx context.Context, room int, v int64, at time.Time) error
	subscribers func() int
	close       func()
}

// holdFor is how long the clients leave a held round's events unread.
const holdFor = time.Second

// connectBatch is how many connections are opened at a time: a burst
// larger than the server's accept backlog would stall on SYN retries.
const connectBatch = 256

// measure runs one row of the table.
func measure(ctx context.Context, cfg Config, size int, newSystem func(Config, *roomStore) *system) (result, error) {
	rooms := (size + membersPerRoom - 1) / membersPerRoom
	store := newRoomStore(rooms)
	sys := newSystem(cfg, store)
	res := result{size: size, impl: sys.name}
	defer sys.close()
	srv := httptest.NewServer(sys.handler)
	defer srv.Close()
	cl, err := startClients(ctx, size, rooms, srv.Listener.Addr().String())
	if err != nil {
		return res, err
	}
	// Streams end before the server closes, which waits for them.
	defer func() {
		cl.close()
		waitFor(ctx, cfg.Timeout, func() bool { return sys.subscribers() == 0 })
	}()
	// status polls the clients: how many responses opened and how many
	// pages are at version v or newer. A client's failure ends the run.
	var statusErr error
	status := func(v int64) (opened, reached int) {
		rep, err := cl.call(request{Op: "status", V: v})
		statusErr = cmp.Or(statusErr, err)
		return rep.Opened, rep.Reached
	}

	before := memInUse()
	if _, err := cl.call(request{Op: "round", V: 1}); err != nil {
		return res, err
	}
	for start := 0; start < size; start += connectBatch {
		end := min(start+connectBatch, size)
		if _, err := cl.call(request{Op: "connect", From: start, To: end}); err != nil {
			return res, err
		}
		if !waitFor(ctx, cfg.Timeout, func() bool { o, _ := status(1); return o >= end || statusErr != nil }) || statusErr != nil {
			return res, fmt.Errorf("connecting: %w", cmp.Or(statusErr, errors.New("timed out")))
		}
	}
	if !waitFor(ctx, cfg.Timeout, func() bool { _, r := status(1); return r == size && sys.subscribers() == size || statusErr != nil }) || statusErr != nil {
		_, r := status(1)
		return res, fmt.Errorf("%d of %d pages got the first state, %d subscribed: %v", r, size, sys.subscribers(), statusErr)
	}
	// Idle: nothing in flight, so what is left is what connections hold.
	time.Sleep(200 * time.Millisecond)
	res.bytesPerConn = float64(memInUse()-before) / float64(size)

	v := int64(1)
	// round changes every room once. With measure, its latencies are
	// added to *into. With hold, the clients leave the events in their
	// sockets for a while, taking no processor time from the server,
	// and time them by the kernel's stamp of their arrival.
	round := func(measure, hold bool, into *[]time.Duration, expect int) error {
		v++
		if _, err := cl.call(request{Op: "round", V: v, Measure: measure, Hold: hold}); err != nil {
			return err
		}
		// Every room changes at the same moment, as far as the pages can
		// tell: latency counts from it, so it includes the time the
		// server takes to get round to each room.
		at := time.Now()
		for room := range rooms {
			if err := sys.change(ctx, room, v, at); err != nil {
				return fmt.Errorf("change room %d: %w", room, err)
			}
		}
		if hold {
			// Long past the last write; an event later still is
			// stamped at its arrival all the same.
			time.Sleep(holdFor)
			if _, err := cl.call(request{Op: "release"}); err != nil {
				return err
			}
		}
		waitFor(ctx, cfg.Timeout, func() bool { _, r := status(v); return r >= expect || statusErr != nil })
		_, reached := status(v)
		if statusErr != nil {
			return statusErr
		}
		res.lost += max(expect-reached, 0)
		if measure {
			lat, err := cl.latencies()
			if err != nil {
				return err
			}
			*into = append(*into, lat...)
		}
		// Let the last writes drain so rounds do not overlap.
		time.Sleep(100 * time.Millisecond)
		return nil
	}
	for range cfg.Rounds {
		if err := round(true, true, &res.arrived, size); err != nil {
			return res, err
		}
	}
	for range cfg.Rounds {
		if err := round(true, false, &res.read, size); err != nil {
			return res, err
		}
	}

	// The reconnect check: dropped pages miss a change, come back with
	// the last id they had while every room changes again, and must end
	// on the newest version all the same.
	rep, err := cl.call(request{Op: "drop", Every: max(int(1/cfg.Drop+0.5), 1)})
	if err != nil {
		return res, err
	}
	if err := round(false, false, nil, size-rep.Dropped); err != nil {
		return res, err
	}
	if _, err := cl.call(request{Op: "reconnect"}); err != nil {
		return res, err
	}
	if err := round(false, false, nil, size); err != nil {
		return res, err
	}

	rep, err = cl.call(request{Op: "stats"})
	res.outOfOrder, res.reconnects = rep.OutOfOrder, rep.Reconnects
	return res, cmp.Or(err, ctx.Err())
}

// waitFor polls cond until it holds, ctx ends or timeout passes, and
// reports whether it held.
func waitFor(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if ctx.Err() != nil || time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}

// memInUse is the heap in use and the goroutine stacks, after collecting
// garbage twice so that only what is reachable counts.
func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// raiseFileLimit lifts the open-file limit to at least n.
func raiseFileLimit(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("livebench: open-file limit: %w", err)
	}
	if lim.Cur >= n {
		return nil
	}
	lim.Cur, lim.Max = n, max(lim.Max, n)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("livebench: raise the open-file limit to %d: %w", n, err)
	}
	return nil
}

// loadAverage is the machine's load over the last 1, 5 and 15 minutes.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// roomState is what a room page receives, about as large as the app's
// room state, plus when the change was made.
type roomState struct {
	Version   int64     `json:"version"`
	Phase     string    `json:"phase"`
	Step      int       `json:"step"`
	Speaker   string    `json:"speaker"`
	EndsAt    time.Time `json:"ends_at"`
	Remaining int64     `json:"remaining"`
	Members   []string  `json:"members"`
	// Sent is when the change was made, in Unix nanoseconds; clients
	// measure latency from it.
	Sent int64 `json:"sent"`
}

// roomStore stands for the database: each room's current state.
type roomStore struct {
	rooms []atomic.Pointer[roomState]
}

func newRoomStore(n int) *roomStore {
	s := &roomStore{rooms: make([]atomic.Pointer[roomState], n)}
	for i := range s.rooms {
		members := make([]string, membersPerRoom)
		for j := range members {
			members[j] = fmt.Sprintf("m%05d%d", i, j)
		}
		s.rooms[i].Store(&roomState{Version: 1, Phase: "ready", Speaker: members[0], Members: members})
	}
	return s
}

// set moves room i to version v, changed at.
func (s *roomStore) set(i int, v int64, at time.Time) {
	st := *s.rooms[i].Load()
	st.Version, st.Phase, st.Step = v, "running", int(v%9)
	st.Speaker = st.Members[int(v)%len(st.Members)]
	st.EndsAt = at.Add(10 * time.Minute).UTC().Truncate(time.Second)
	st.Sent = at.UnixNano()
	s.rooms[i].Store(&st)
}

// get is room i's state as JSON, and its version.
func (s *roomStore) get(i int) ([]byte, int64, error) {
	st := s.rooms[i].Load()
	b, err := json.Marshal(st)
	return b, st.Version, err
}

// roomIndex reads the {room} of a request path.
func (s *roomStore) roomIndex(room string) (int, error) {
	i, err := strconv.Atoi(room)
	if err != nil || i < 0 || i >= len(s.rooms) {
		return 0, fmt.Errorf("no room %q", room)
	}
	return i, nil
}

// newLiveSystem serves rooms the way the app does: a Hub, a Relay from a
// Local broker reading the store, and Serve.
func newLiveSystem(cfg Config, store *roomStore) *system {
	hub := live.NewHub()
	broker := live.NewLocal()
	load := func(_ context.Context, room string) (live.Event, error) {
		i, err := store.roomIndex(room)
		if err != nil {
			return live.Event{}, err
		}
		data, v, err := store.get(i)
		return live.NewEvent(v, "state", data), err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = live.NewRelay(hub, broker, load, nil).Run(ctx) // a Local broker never fails
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rooms/{room}/events", func(w http.ResponseWriter, r *http.Request) {
		room := r.PathValue("room")
		sub, err := hub.Subscribe(room)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer sub.Close()
		current, err := load(r.Context(), room)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		// However the stream ends, the clients count what they got.
		_ = live.Serve(w, r, sub, current, cfg.Heartbeat)
	})
	return &system{
		name:    liveImpl,
		handler: mux,
		change: func(ctx context.Context, room int, v int64, at time.Time) error {
			store.set(room, v, at)
			return broker.Notify(ctx, strconv.Itoa(room), v)
		},
		subscribers: hub.Len,
		close: func() {
			hub.Close()
			cancel()
			<-done
		},
	}
}

// minimal is the yardstick: the smallest broadcaster that works, a map
// from room to the channels of its streams, each sent a bare "data:"
// line, with a message dropped for a stream whose channel is full.
type minimal struct {
	mu    sync.Mutex
	rooms map[int][]chan []byte
	n     int
}

func newMinimalSystem(_ Config, store *roomStore) *system {
	m := &minimal{rooms: make(map[int][]chan []byte)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rooms/{room}/events", func(w http.ResponseWriter, r *http.Request) {
		room, err := store.roomIndex(r.PathValue("room"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		ch := make(chan []byte, live.SubscriberBuffer)
		m.mu.Lock()
		m.rooms[room] = append(m.rooms[room], ch)
		m.n++
		m.mu.Unlock()
		defer func() {
			m.mu.Lock()
			m.rooms[room] = slices.DeleteFunc(m.rooms[room], func(c chan []byte) bool { return c == ch })
			if len(m.rooms[room]) == 0 {
				delete(m.rooms, room)
			}
			m.n--
			m.mu.Unlock()
		}()
		w.Header().Set("Content-Type", "text/event-stream")
		data, _, err := store.get(room)
		if err != nil {
			return
		}
		flusher := w.(http.Flusher)
		fmt.Fprintf(w, "data: %s\n\n", data)
		flusher.Flush()
		for {
			select {
			case <-r.Context().Done():
				return
			case msg := <-ch:
				fmt.Fprintf(w, "data: %s\n\n", msg)
				flusher.Flush()
			}
		}
	})
	return &system{
		name:    minimalImpl,
		handler: mux,
		change: func(_ context.Context, room int, v int64, at time.Time) error {
			store.set(room, v, at)
			data, _, err := store.get(room)
			if err != nil {
				return err
			}
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, ch := range m.rooms[room] {
				select {
				case ch <- data:
				default:
				}
			}
			return nil
		},
		subscribers: func() int {
			m.mu.Lock()
			defer m.mu.Unlock()
			return m.n
		},
		close: func() {},
	}
}

// result is one row of Run's table.
type result struct {
	size int
	impl string
	// arrived are the times from each change to its event's arrival at
	// the client's socket, over the rounds in which the clients held off
	// reading; read are the times to its being read, over the rounds in
	// which the clients read every event as it came.
	arrived, read []time.Duration
	// bytesPerConn is the server's heap and stacks per idle connection.
	bytesPerConn float64
	// lost counts pages that did not reach a round's version in time,
	// over all rounds and the reconnect check.
	lost int
	// outOfOrder counts events older than one the page already had.
	outOfOrder int
	// reconnects counts streams the server ended on its own (a dropped
	// slow subscriber), which the client reopened as a browser would.
	reconnects int
}

// writeTable prints results as a markdown table.
func writeTable(out io.Writer, results []result) error {
	ew := errWriter{w: out}
	ew.printf("| size | impl | p50 | p99 | max | read p50 | read p99 | read max | KB/conn | lost |\n")
	ew.printf("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		arrived, read := slices.Sorted(slices.Values(r.arrived)), slices.Sorted(slices.Values(r.read))
		ew.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %d |\n", humanize.Comma(int64(r.size)), r.impl,
			ms(percentile(arrived, 0.50), 1), ms(percentile(arrived, 0.99), 1), ms(percentile(arrived, 1), 1),
			ms(percentile(read, 0.50), 1), ms(percentile(read, 0.99), 1), ms(percentile(read, 1), 1),
			r.bytesPerConn/1024, r.lost)
	}
	return ew.err
}
