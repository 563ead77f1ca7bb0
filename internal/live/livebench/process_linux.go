//go:build linux

package livebench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Run's clients live in a second process, this same executable started
// again with clientEnv set: the server's process then holds only the
// server's memory and descriptors (an open-file limit too low for both
// ends of every connection in one process is common), and the clients
// cost it nothing. init turns that second process into the clients
// before main runs, so no command has to know about it.
const clientEnv = "HOLDSPACE_LIVEBENCH_CLIENTS"

func init() {
	if os.Getenv(clientEnv) != "1" {
		return
	}
	if err := serveClients(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "livebench clients:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// request is one command from Run to the clients' process; each gets one
// reply.
type request struct {
	Op string `json:"op"`
	// start
	Addr  string `json:"addr,omitempty"`
	N     int    `json:"n,omitempty"`
	Rooms int    `json:"rooms,omitempty"`
	// connect: clients From up to To
	From int `json:"from,omitempty"`
	To   int `json:"to,omitempty"`
	// round, status: the version waited for
	V       int64 `json:"v,omitempty"`
	Measure bool  `json:"measure,omitempty"`
	// round: leave events unread until release, timed by arrival
	Hold bool `json:"hold,omitempty"`
	// drop: every Every-th client
	Every int `json:"every,omitempty"`
}

type reply struct {
	Err        string  `json:"err,omitempty"`
	Opened     int     `json:"opened,omitempty"`
	Reached    int     `json:"reached,omitempty"`
	Dropped    int     `json:"dropped,omitempty"`
	Latencies  []int64 `json:"latencies,omitempty"` // nanoseconds
	OutOfOrder int     `json:"out_of_order,omitempty"`
	Reconnects int     `json:"reconnects,omitempty"`
}

// serveClients runs the clients' process: a fleet driven by the requests
// on r, answered on w, until r ends.
func serveClients(r io.Reader, w io.Writer) error {
	dec, enc := json.NewDecoder(r), json.NewEncoder(w)
	var f *fleet
	defer func() {
		if f != nil {
			f.stop()
		}
	}()
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var rep reply
		var err error
		switch {
		case req.Op == "start" && f == nil:
			f, err = startFleet(req)
		case f == nil:
			err = errors.New("not started")
		default:
			err = f.serve(req, &rep)
		}
		if err != nil {
			rep.Err = err.Error()
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
}

func startFleet(req request) (*fleet, error) {
	if err := raiseFileLimit(uint64(req.N + 64)); err != nil {
		return nil, err
	}
	f, err := newFleet(req.N, req.Rooms)
	if err != nil {
		return nil, err
	}
	if err := f.setAddr(req.Addr); err != nil {
		f.stop()
		return nil, err
	}
	return f, nil
}

// serve answers one request other than start.
func (f *fleet) serve(req request, rep *reply) error {
	switch req.Op {
	case "start":
		return errors.New("started twice")
	case "connect":
		f.on(span(req.From, req.To), (*loop).connect)
	case "round":
		f.startRound(req.V, req.Measure, req.Hold)
	case "release":
		f.release()
	case "status":
		rep.Opened, rep.Reached = f.opened(), f.reached(req.V)
		return f.err()
	case "drop":
		f.dropped = f.dropped[:0]
		for i := 0; i < len(f.clients); i += max(req.Every, 1) {
			f.dropped = append(f.dropped, i)
		}
		f.on(f.dropped, (*loop).closeConn)
		rep.Dropped = len(f.dropped)
	case "reconnect":
		f.on(f.dropped, (*loop).connect)
	case "latencies":
		for _, d := range f.latencies() {
			rep.Latencies = append(rep.Latencies, int64(d))
		}
	case "stats":
		rep.OutOfOrder, rep.Reconnects = f.stats()
	case "close":
		f.on(span(0, len(f.clients)), (*loop).closeConn)
	default:
		return fmt.Errorf("unknown request %q", req.Op)
	}
	return nil
}

// span is the client indexes from up to to.
func span(from, to int) []int {
	idx := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		idx = append(idx, i)
	}
	return idx
}

// clients is Run's end of the clients' process.
type clients struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *json.Encoder
	dec    *json.Decoder
	stderr bytes.Buffer
}

// startClients starts n clients in a process of their own, spread over
// rooms, to connect to addr.
func startClients(ctx context.Context, n, rooms int, addr string) (*clients, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &clients{cmd: exec.CommandContext(ctx, exe)}
	c.cmd.Env = append(os.Environ(), clientEnv+"=1")
	c.cmd.Stderr = &c.stderr
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the clients' process: %w", err)
	}
	c.enc, c.dec = json.NewEncoder(c.stdin), json.NewDecoder(stdout)
	if _, err := c.call(request{Op: "start", Addr: addr, N: n, Rooms: rooms}); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func (c *clients) call(req request) (reply, error) {
	var rep reply
	if err := c.enc.Encode(req); err != nil {
		return rep, fmt.Errorf("clients' process: %w: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	if err := c.dec.Decode(&rep); err != nil {
		return rep, fmt.Errorf("clients' process: %w: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	if rep.Err != "" {
		return rep, fmt.Errorf("clients: %s", rep.Err)
	}
	return rep, nil
}

// close closes every connection and ends the process.
func (c *clients) close() {
	_, _ = c.call(request{Op: "close"})
	c.stdin.Close()
	_ = c.cmd.Wait()
}

func (c *clients) latencies() ([]time.Duration, error) {
	rep, err := c.call(request{Op: "latencies"})
	lat := make([]time.Duration, len(rep.Latencies))
	for i, ns := range rep.Latencies {
		lat[i] = time.Duration(ns)
	}
	return lat, err
}
