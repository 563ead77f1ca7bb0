//go:build linux

package livebench

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRunSmall(t *testing.T) {
	size := 200
	if testing.Short() {
		size = 50
	}
	var out bytes.Buffer
	cfg := Config{Sizes: []int{size}, Rounds: 2, Heartbeat: 50 * time.Millisecond}
	// Run fails when package live loses an update or reorders one.
	if err := Run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"| size | impl | p50 | p99 | max | read p50 | read p99 | read max | KB/conn | lost |", "| 200 | live |", "| 200 | minimal |"} {
		if testing.Short() {
			want = strings.ReplaceAll(want, "200", "50")
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestMeasureLive(t *testing.T) {
	cfg := Config{Sizes: []int{100}, Rounds: 3}.withDefaults()
	res, err := measure(context.Background(), cfg, 100, newLiveSystem)
	if err != nil {
		t.Fatal(err)
	}
	if res.lost != 0 || res.outOfOrder != 0 {
		t.Errorf("lost %d, out of order %d; want none", res.lost, res.outOfOrder)
	}
	for _, lat := range [][]time.Duration{res.arrived, res.read} {
		if got, want := len(lat), 100*cfg.Rounds; got != want {
			t.Errorf("%d latencies, want one per page per round, %d", got, want)
		}
		for _, d := range lat {
			// Arrivals are stamped by the kernel, reads by the client:
			// either way, after the change, and an arrival long before
			// the held round's release.
			if d <= 0 || d > cfg.Timeout {
				t.Fatalf("latency %v: the change must come before its delivery", d)
			}
		}
	}
	if slices.Max(res.arrived) >= holdFor {
		t.Errorf("an arrival %v after the change: the stamp is the read's, not the arrival's", slices.Max(res.arrived))
	}
}
