//go:build linux

package livebench

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The clients are raw non-blocking sockets read by a few epoll loops
// rather than net/http clients with a goroutine or three each, so that
// ten thousand of them take little of the machine the server runs on.

// A client's connection goes through these phases.
const (
	phaseOff        = iota // no connection
	phaseConnecting        // waiting for the TCP handshake
	phaseHeaders           // request sent, reading the response head
	phaseBody              // reading the event stream
)

// Chunked transfer coding: where in a chunk the reader is.
const (
	chunkSize = iota // the hexadecimal size line
	chunkData        // the chunk's bytes
	chunkEnd         // the line break after the chunk's bytes
)

// feed outcomes.
const (
	streamOpen   = iota
	streamEnded  // the server finished the response
	streamBroken // the response was not an event stream
)

// client is one page with the room open.
type client struct {
	idx, room int
	loop      *loop
	fd        int
	phase     int

	sawStatus  bool
	chunked    bool
	chunkState int
	chunkExt   bool // in a chunk extension, which is skipped
	chunkLeft  int

	line []byte // a line split across reads or chunks
	data []byte // the data of the event being read
	// lastID is the last SSE id received, sent back as Last-Event-ID on
	// reconnecting; 0 when the server sends none.
	lastID int64
	// version is the newest state version received; the coordinator
	// reads it.
	version atomic.Int64
	// recorded is the newest round version whose latency this client
	// recorded, so that a version delivered twice counts once.
	recorded int64
}

// fleet is every client and the loops that read them.
type fleet struct {
	clients []client
	loops   []*loop
	addr    syscall.SockaddrInet4
	// dropped are the clients the reconnect check disconnected.
	dropped []int

	// target is the version of the round under way, and measuring says
	// whether its latencies count.
	target    atomic.Int64
	measuring atomic.Bool
	// hold, while set, keeps the loops waiting for it to close instead
	// of reading, so that the clients take no processor time from the
	// server while a round is delivered; byArrival times events by their
	// arrival at the client's socket, stamped by the kernel, instead of
	// by when they were read.
	hold      atomic.Pointer[chan struct{}]
	byArrival atomic.Bool
	stopped   atomic.Bool
	wg        sync.WaitGroup
}

// loop reads its share of the clients. Everything about a client is
// done on its loop's goroutine; the coordinator asks through do.
type loop struct {
	f     *fleet
	epfd  int
	ready [256]syscall.EpollEvent
	buf   [64 << 10]byte
	oob   [64]byte // ancillary data of a read: the arrival time
	req   []byte

	mu   sync.Mutex
	cmds []func()
	lat  []time.Duration // this round's latencies

	opened     atomic.Int64 // responses whose head arrived, ever
	outOfOrder atomic.Int64
	reconnects atomic.Int64
	failures   atomic.Int64
	firstErr   atomic.Pointer[error]
}

// lineCap is the room a client's buffers start with: a room state event
// fits, so reading one allocates nothing.
const lineCap = 512

// newFleet allocates n clients spread over rooms (consecutive clients
// share a room) and starts one loop per processor.
func newFleet(n, rooms int) (*fleet, error) {
	f := &fleet{clients: make([]client, n)}
	for range runtime.GOMAXPROCS(0) {
		epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			for _, l := range f.loops {
				syscall.Close(l.epfd)
			}
			return nil, fmt.Errorf("epoll: %w", err)
		}
		f.loops = append(f.loops, &loop{f: f, epfd: epfd, req: make([]byte, 0, 256), lat: make([]time.Duration, 0, n)})
	}
	per := (n + rooms - 1) / rooms
	for i := range f.clients {
		c := &f.clients[i]
		c.idx, c.room, c.fd = i, i/per, -1
		c.loop = f.loops[i%len(f.loops)]
		c.line = make([]byte, 0, lineCap)
		c.data = make([]byte, 0, lineCap)
	}
	for _, l := range f.loops {
		f.wg.Go(l.run)
	}
	return f, nil
}

// setAddr sets the server the clients connect to, an IPv4 host:port.
func (f *fleet) setAddr(addr string) error {
	tcp, err := net.ResolveTCPAddr("tcp4", addr)
	if err != nil {
		return err
	}
	f.addr = syscall.SockaddrInet4{Port: tcp.Port, Addr: [4]byte(tcp.IP.To4())}
	return nil
}

// stop ends the loops, closing every connection still open.
func (f *fleet) stop() {
	f.stopped.Store(true)
	f.release()
	f.wg.Wait()
	for i := range f.clients {
		c := &f.clients[i]
		c.loop.closeConn(c)
	}
	for _, l := range f.loops {
		syscall.Close(l.epfd)
	}
}

// on runs fn on the loops of the clients idx and waits until all ran.
func (f *fleet) on(idx []int, fn func(l *loop, c *client)) {
	var wg sync.WaitGroup
	wg.Add(len(idx))
	for _, i := range idx {
		c := &f.clients[i]
		c.loop.do(func() {
			defer wg.Done()
			fn(c.loop, c)
		})
	}
	wg.Wait()
}

// opened counts responses whose head has arrived, ever.
func (f *fleet) opened() int {
	var n int64
	for _, l := range f.loops {
		n += l.opened.Load()
	}
	return int(n)
}

// reached counts clients at version v or newer.
func (f *fleet) reached(v int64) int {
	n := 0
	for i := range f.clients {
		if f.clients[i].version.Load() >= v {
			n++
		}
	}
	return n
}

// err returns the first failure of any client, if there was one.
func (f *fleet) err() error {
	for _, l := range f.loops {
		if err := l.firstErr.Load(); err != nil {
			return fmt.Errorf("%d client failures, first: %w", f.failures(), *err)
		}
	}
	return nil
}

// failures counts client failures so far.
func (f *fleet) failures() int64 {
	var n int64
	for _, l := range f.loops {
		n += l.failures.Load()
	}
	return n
}

// release lets the loops read again after a held round.
func (f *fleet) release() {
	if ch := f.hold.Swap(nil); ch != nil {
		close(*ch)
	}
}

// startRound makes v the version clients wait for; measure says whether
// its latencies count, and hold whether the clients leave the events in
// their sockets until release, timed by arrival.
func (f *fleet) startRound(v int64, measure, hold bool) {
	for _, l := range f.loops {
		l.mu.Lock()
		l.lat = l.lat[:0]
		l.mu.Unlock()
	}
	f.measuring.Store(measure)
	f.byArrival.Store(hold)
	if hold {
		ch := make(chan struct{})
		f.hold.Store(&ch)
	}
	f.target.Store(v)
}

// latencies returns the latencies recorded in this round so far.
func (f *fleet) latencies() []time.Duration {
	var all []time.Duration
	for _, l := range f.loops {
		l.mu.Lock()
		all = append(all, l.lat...)
		l.mu.Unlock()
	}
	return all
}

// stats counts events that arrived out of order and streams the server
// ended on its own.
func (f *fleet) stats() (outOfOrder, reconnects int) {
	for _, l := range f.loops {
		outOfOrder += int(l.outOfOrder.Load())
		reconnects += int(l.reconnects.Load())
	}
	return outOfOrder, reconnects
}

// do queues fn to run on l's goroutine.
func (l *loop) do(fn func()) {
	l.mu.Lock()
	l.cmds = append(l.cmds, fn)
	l.mu.Unlock()
}

// run is the loop's goroutine: it runs queued commands and reads what
// its connections have for it, until the fleet stops.
func (l *loop) run() {
	for !l.f.stopped.Load() {
		l.mu.Lock()
		cmds := l.cmds
		l.cmds = nil
		l.mu.Unlock()
		for _, fn := range cmds {
			fn()
		}
		if ch := l.f.hold.Load(); ch != nil {
			<-*ch
		}
		// A short wait keeps commands prompt without a wake-up channel.
		n, err := syscall.EpollWait(l.epfd, l.ready[:], 2)
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			l.fail(nil, fmt.Errorf("epoll wait: %w", err))
			return
		}
		for _, ev := range l.ready[:n] {
			l.handle(&l.f.clients[ev.Fd], ev.Events)
		}
	}
}

// fail records err and closes c's connection, if any.
func (l *loop) fail(c *client, err error) {
	l.failures.Add(1)
	l.firstErr.CompareAndSwap(nil, &err)
	if c != nil {
		l.closeConn(c)
	}
}

// connect opens a connection for c; the handshake completes in handle.
func (l *loop) connect(c *client) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		l.fail(c, fmt.Errorf("socket: %w", err))
		return
	}
	if err := syscall.Connect(fd, &l.f.addr); err != nil && !errors.Is(err, syscall.EINPROGRESS) {
		syscall.Close(fd)
		l.fail(c, fmt.Errorf("connect: %w", err))
		return
	}
	// The kernel stamps every arrival, for rounds timed by arrival.
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1); err != nil {
		syscall.Close(fd)
		l.fail(c, fmt.Errorf("timestamps: %w", err))
		return
	}
	c.fd, c.phase = fd, phaseConnecting
	c.sawStatus, c.chunked, c.chunkState, c.chunkExt, c.chunkLeft = false, false, chunkSize, false, 0
	c.line, c.data = c.line[:0], c.data[:0]
	// The event's data word comes back untouched: it names the client.
	ev := syscall.EpollEvent{Events: syscall.EPOLLOUT | syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.idx)}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.fail(c, fmt.Errorf("epoll add: %w", err))
	}
}

// closeConn closes c's connection, if open, with a reset, as a vanished
// network would, and so that no port lingers in TIME_WAIT across sizes.
func (l *loop) closeConn(c *client) {
	if c.fd < 0 {
		return
	}
	_ = syscall.SetsockoptLinger(c.fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	syscall.Close(c.fd)
	c.fd, c.phase = -1, phaseOff
}

// reopen reconnects c after the server ended its stream, as a browser's
// EventSource does, sending the last id it had.
func (l *loop) reopen(c *client) {
	l.closeConn(c)
	l.reconnects.Add(1)
	l.connect(c)
}

// handle deals with what epoll reported for c.
func (l *loop) handle(c *client, events uint32) {
	switch c.phase {
	case phaseOff:
		return
	case phaseConnecting:
		if events&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) != 0 {
			l.sendRequest(c)
		}
		return
	}
	n, oobn, _, _, err := syscall.Recvmsg(c.fd, l.buf[:], l.oob[:], 0)
	now := time.Now()
	if l.f.byArrival.Load() {
		if at, ok := arrival(l.oob[:oobn]); ok {
			now = at
		}
	}
	switch {
	case n > 0:
		switch l.feed(c, l.buf[:n], now) {
		case streamEnded:
			l.reopen(c)
		case streamBroken:
			l.fail(c, errors.New("not an event stream"))
		}
	case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
	default: // the connection failed or the server closed it
		l.reopen(c)
	}
}

// arrival reads the kernel's time stamp of the data's arrival from a
// read's ancillary data (the newest data's, for TCP).
func arrival(oob []byte) (time.Time, bool) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec, nsec := binary.NativeEndian.Uint64(m.Data), binary.NativeEndian.Uint64(m.Data[8:])
			return time.Unix(int64(sec), int64(nsec)), true
		}
	}
	return time.Time{}, false
}

// sendRequest writes c's request once its connection is up.
func (l *loop) sendRequest(c *client) {
	if soErr, err := syscall.GetsockoptInt(c.fd, syscall.SOL_SOCKET, syscall.SO_ERROR); err != nil || soErr != 0 {
		l.fail(c, fmt.Errorf("connect: %w", cmpErr(err, syscall.Errno(soErr))))
		return
	}
	req := append(l.req[:0], "GET /rooms/"...)
	req = strconv.AppendInt(req, int64(c.room), 10)
	req = append(req, "/events HTTP/1.1\r\nHost: livebench\r\nAccept: text/event-stream\r\n"...)
	if c.lastID > 0 {
		req = append(req, "Last-Event-ID: "...)
		req = strconv.AppendInt(req, c.lastID, 10)
		req = append(req, "\r\n"...)
	}
	req = append(req, "\r\n"...)
	l.req = req
	// A fresh socket's buffer takes a request this small whole.
	if n, err := syscall.Write(c.fd, req); err != nil || n != len(req) {
		l.fail(c, fmt.Errorf("write request: %w", cmpErr(err, syscall.EAGAIN)))
		return
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.idx)}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_MOD, c.fd, &ev); err != nil {
		l.fail(c, fmt.Errorf("epoll mod: %w", err))
		return
	}
	c.phase = phaseHeaders
}

// cmpErr returns err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// feed parses bytes read from c's connection: the response head, the
// chunked coding and the event stream inside it.
func (l *loop) feed(c *client, p []byte, now time.Time) int {
	for len(p) > 0 {
		if c.phase == phaseHeaders {
			line, rest, ok := c.nextLine(p)
			p = rest
			if !ok {
				break
			}
			switch {
			case !c.sawStatus:
				c.sawStatus = true
				if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
					return streamBroken
				}
			case len(line) == 0:
				c.phase = phaseBody
				l.opened.Add(1)
			default:
				name, value, _ := bytes.Cut(line, []byte(":"))
				if bytes.EqualFold(name, []byte("Transfer-Encoding")) && bytes.Contains(bytes.ToLower(value), []byte("chunked")) {
					c.chunked = true
				}
			}
			continue
		}
		if !c.chunked {
			l.events(c, p, now)
			break
		}
		switch c.chunkState {
		case chunkSize:
			i := bytes.IndexByte(p, '\n')
			head := p
			if i >= 0 {
				head = p[:i]
			}
			for _, b := range head {
				switch {
				case c.chunkExt || b == '\r':
				case b == ';':
					c.chunkExt = true
				case '0' <= b && b <= '9':
					c.chunkLeft = c.chunkLeft<<4 + int(b-'0')
				case 'a' <= b && b <= 'f', 'A' <= b && b <= 'F':
					c.chunkLeft = c.chunkLeft<<4 + int(b|0x20-'a') + 10
				default:
					return streamBroken
				}
			}
			if i < 0 {
				return streamOpen
			}
			p = p[i+1:]
			if c.chunkLeft == 0 {
				return streamEnded
			}
			c.chunkState, c.chunkExt = chunkData, false
		case chunkData:
			k := min(len(p), c.chunkLeft)
			l.events(c, p[:k], now)
			p = p[k:]
			if c.chunkLeft -= k; c.chunkLeft == 0 {
				c.chunkState = chunkEnd
			}
		case chunkEnd:
			if p[0] == '\n' {
				c.chunkState = chunkSize
			}
			p = p[1:]
		}
	}
	return streamOpen
}

// nextLine returns the next whole line of p, without its line break,
// joined to what an earlier read left; or keeps p for the next read.
func (c *client) nextLine(p []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		c.line = append(c.line, p...)
		return nil, nil, false
	}
	line, rest = p[:i], p[i+1:]
	if len(c.line) > 0 {
		// The caller is done with line before c.line is written again.
		line = append(c.line, line...)
		c.line = c.line[:0]
	}
	return bytes.TrimSuffix(line, []byte("\r")), rest, true
}

// events parses a piece of the event stream, as EventSource does.
func (l *loop) events(c *client, p []byte, now time.Time) {
	for len(p) > 0 {
		line, rest, ok := c.nextLine(p)
		p = rest
		if !ok {
			return
		}
		switch {
		case len(line) == 0:
			if len(c.data) > 0 {
				l.dispatch(c, now)
			}
			c.data = c.data[:0]
		case line[0] == ':': // a comment: the heartbeat
		default:
			name, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(name) {
			case "data":
				if len(c.data) > 0 {
					c.data = append(c.data, '\n')
				}
				c.data = append(c.data, value...)
			case "id":
				if id, err := strconv.ParseInt(string(value), 10, 64); err == nil {
					c.lastID = id
				}
			}
		}
	}
}

// dispatch takes in one event: the room's state at a version, stamped
// with when it changed.
func (l *loop) dispatch(c *client, now time.Time) {
	var s struct {
		Version int64 `json:"version"`
		Sent    int64 `json:"sent"`
	}
	if err := json.Unmarshal(c.data, &s); err != nil {
		l.fail(c, fmt.Errorf("event data: %w", err))
		return
	}
	if s.Version < c.version.Load() {
		l.outOfOrder.Add(1)
		return
	}
	target := l.f.target.Load()
	if s.Version == target && c.recorded < target && l.f.measuring.Load() {
		c.recorded = target
		l.mu.Lock()
		l.lat = append(l.lat, now.Sub(time.Unix(0, s.Sent)))
		l.mu.Unlock()
	}
	// Stored last, so that a client counted as arrived has recorded.
	c.version.Store(s.Version)
}
