// Package livebench measures package live under load: how long a change
// to every room takes to reach every open page, what an idle page costs
// the server, and whether any page misses a change across a reconnect;
// and how much later a change reaches a second instance through
// PostgreSQL than the instance that made it.
//
// Run is honest about what it measures: a real HTTP server on loopback,
// real HTTP/1.1 clients that parse chunked responses and Server-Sent
// Events, and wall-clock times from the moment the rooms' state changed
// to each event's delivery. Delivery is measured two ways. In some rounds
// the clients leave the events in their sockets until the round is over
// and take the kernel's stamp of each one's arrival, so that the server
// has the machine's processors to itself, as it would with its pages on
// other machines (the kernel's work for the clients' end of loopback TCP
// still runs on them). In the others the clients read every event as it
// comes, sharing the processors with the server, and the time is that of
// the read. The clients run in a second process, this executable started
// again, so the server's memory is measured alone. Run measures the same
// things for a minimal broadcaster written here (a map from room to
// channels, bare "data:" lines) as a yardstick.
package livebench

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Config is what Run measures. Zero fields take the defaults.
type Config struct {
	// Sizes are the numbers of open pages (SSE connections) to measure
	// at, each spread over Sizes[i]/5 rooms of five members. Default
	// 1,000 and 10,000.
	Sizes []int
	// Rounds is how many times every room changes at once while
	// latency is measured. Default 5.
	Rounds int
	// Drop is the fraction of pages dropped and reconnected in the
	// reconnect check. Default 0.1.
	Drop float64
	// Heartbeat is Serve's heartbeat. Default 25s, as the app would use:
	// an idle page then costs what it costs in production.
	Heartbeat time.Duration
	// Timeout is how long to wait for a round's changes to arrive
	// everywhere before counting those missing as lost. Default 10s.
	Timeout time.Duration
}

// membersPerRoom is the size of a circle in the benchmark.
const membersPerRoom = 5

func (c Config) withDefaults() Config {
	if len(c.Sizes) == 0 {
		c.Sizes = []int{1000, 10000}
	}
	c.Rounds = cmp.Or(c.Rounds, 5)
	c.Drop = cmp.Or(c.Drop, 0.1)
	c.Heartbeat = cmp.Or(c.Heartbeat, 25*time.Second)
	c.Timeout = cmp.Or(c.Timeout, 10*time.Second)
	return c
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms writes d in milliseconds with decimals digits after the point.
func ms(d time.Duration, decimals int) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', decimals, 64) + " ms"
}

// errWriter keeps the first write error, so a table is checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
