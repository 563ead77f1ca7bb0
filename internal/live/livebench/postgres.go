package livebench

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/holdspace/holdspace/internal/live"
)

// PostgresConfig is what RunPostgres measures.
type PostgresConfig struct {
	// URL is the PostgreSQL database to notify through.
	URL string
	// Notifications is how many changes are timed. Default 500.
	Notifications int
}

// RunPostgres measures how much later a change reaches a second instance
// than the instance that made it, on the PostgreSQL database at cfg.URL:
// two instances in this process, each with its own Hub, Relay and
// Postgres broker listening on a connection of its own, and a page
// subscribed on each. A changes the room and notifies, one change at a
// time; the delay is when B's page got it minus when A's did. It prints
// a markdown table to out. The channel is unique to the run, so a live
// app on the same database hears nothing.
func RunPostgres(ctx context.Context, cfg PostgresConfig, out io.Writer) error {
	n := cmp.Or(cfg.Notifications, 500)
	db, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		return fmt.Errorf("livebench: %w", err)
	}
	defer db.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	channel := "holdspace_livebench_" + hex.EncodeToString(b)

	// version stands for the room's row in the database, which both
	// instances read.
	var version atomic.Int64
	version.Store(1)
	load := func(context.Context, string) (live.Event, error) {
		v := version.Load()
		return live.NewEvent(v, "state", fmt.Appendf(nil, `{"version":%d}`, v)), nil
	}
	const room = "bench"

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	type arrival struct {
		instance int
		version  int64
		at       time.Time
	}
	arrivals := make(chan arrival, 64)
	var brokers [2]*live.Postgres
	for i := range brokers {
		if brokers[i], err = live.NewPostgres(live.PostgresConfig{DB: db, URL: cfg.URL, Channel: channel}); err != nil {
			return fmt.Errorf("livebench: %w", err)
		}
		hub := live.NewHub()
		sub, err := hub.Subscribe(room)
		if err != nil {
			return err
		}
		relay := live.NewRelay(hub, brokers[i], load, nil)
		wg.Go(func() { _ = relay.Run(ctx) }) // Postgres.Listen fails only by ctx ending
		wg.Go(func() {
			defer sub.Close()
			for {
				select {
				case <-ctx.Done():
					return
				case ev, ok := <-sub.C:
					at := time.Now()
					if !ok {
						return
					}
					v, _ := strconv.ParseInt(ev.ID, 10, 64)
					select {
					case arrivals <- arrival{instance: i, version: v, at: at}:
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}

	// await waits until both instances have version v, and returns when
	// each got it.
	await := func(v int64) ([2]time.Time, error) {
		var got [2]time.Time
		timeout := time.After(10 * time.Second)
		for got[0].IsZero() || got[1].IsZero() {
			select {
			case a := <-arrivals:
				if a.version == v {
					got[a.instance] = a.at
				}
			case <-timeout:
				return got, fmt.Errorf("version %d did not reach both instances", v)
			case <-ctx.Done():
				return got, ctx.Err()
			}
		}
		return got, nil
	}
	// Both read the room once they listen: version 1 arriving means the
	// listeners are up.
	if _, err := await(1); err != nil {
		return fmt.Errorf("livebench: listeners: %w", err)
	}

	var self, other, delay []time.Duration
	for v := int64(2); v < int64(n)+2; v++ {
		version.Store(v)
		sent := time.Now()
		if err := brokers[0].Notify(ctx, room, v); err != nil {
			return fmt.Errorf("livebench: %w", err)
		}
		got, err := await(v)
		if err != nil {
			return fmt.Errorf("livebench: %w", err)
		}
		self = append(self, got[0].Sub(sent))
		other = append(other, got[1].Sub(sent))
		delay = append(delay, got[1].Sub(got[0]))
	}

	ew := errWriter{w: out}
	ew.printf("| notifications | A→A p50 | A→A p99 | A→B p50 | A→B p99 | B−A p50 | B−A p99 |\n")
	ew.printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, d := range [][]time.Duration{self, other, delay} {
		slices.Sort(d)
	}
	ew.printf("| %d | %s | %s | %s | %s | %s | %s |\n", n,
		ms(percentile(self, 0.5), 2), ms(percentile(self, 0.99), 2),
		ms(percentile(other, 0.5), 2), ms(percentile(other, 0.99), 2),
		ms(percentile(delay, 0.5), 2), ms(percentile(delay, 0.99), 2))
	ew.printf("\nA→A: from A's NOTIFY to the page on A; A→B: to the page on B; B−A: how much later B's page got each change than A's.\n")
	return errors.Join(ew.err, ctx.Err())
}
