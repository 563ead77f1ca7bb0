package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/internal/live/livebench"
)

// benchLive measures the meeting room's live updates: delivery latency
// and memory per open page against a minimal broadcaster, lost updates
// across reconnects, and, given a PostgreSQL URL, the delay between
// instances.
func benchLive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
	}
	sizes := fs.String("sizes", "1000,10000", "numbers of open room pages (SSE connections), five to a room")
	rounds := fs.Int("rounds", 5, "how many times every room changes at once")
	pg := fs.String("postgres", "", "also measure the cross-instance delay through this PostgreSQL `URL`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	cfg := livebench.Config{Rounds: *rounds}
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 5 {
			return usageError{fmt.Errorf("bench live: --sizes: %q is not a number of connections of at least 5", f)}
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	if err := livebench.Run(ctx, cfg, stdout); err != nil {
		return err
	}
	if *pg != "" {
		fmt.Fprintln(stdout)
		return livebench.RunPostgres(ctx, livebench.PostgresConfig{URL: *pg}, stdout)
	}
	return nil
}
