// Command holdspace runs Holdspace, the peer-coaching platform: one binary
// that serves the web app and its JSON API from SQLite or PostgreSQL.
//
//	holdspace serve [--demo]   run the server
//	holdspace migrate          apply database migrations and exit
//	holdspace keys rotate      seal everything again under a new server key
//	holdspace match            propose circles for a participants file
//	holdspace bench match      measure the matching engine
//	holdspace bench live       measure the meeting room's live updates
//	holdspace bench pages      measure the pages and the API at 43 and 10,043 people
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A Holdspace process's live heap is small: SQLite's pages are kept
	// outside it. Collecting each time the heap doubles, the runtime's
	// default, spent about a tenth of each page's CPU on collection;
	// collecting at five times the live heap costs some tens of megabytes
	// and saves most of that. GOGC, when set, decides instead.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "holdspace:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

const usage = `Holdspace: peer coaching in pairs and circles.

Usage:
  holdspace serve [flags]     run the web app and API (holdspace serve -h lists every setting)
  holdspace migrate [flags]   apply database migrations and exit
  holdspace keys rotate [flags]
                              wrap journal keys and seal reflections again under a new
                              HOLDSPACE_SECRET_KEY (the old one in HOLDSPACE_PREVIOUS_SECRET_KEY)
  holdspace match --in F --out F [--seconds S] [--seed N]
                              propose circles or pairs for a participants file
  holdspace bench match       measure the matching engine on generated instances
  holdspace bench live        measure the meeting room's live updates (SSE) against a minimal broadcaster
  holdspace bench pages       measure every main page and API list at 43 and 10,043 people against a bare handler
  holdspace version           print the version

Run "holdspace serve --demo" to try it with a demo organisation.
`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("missing command")}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args[1:], getenv, stdout, stderr)
	case "match":
		return matchCommand(ctx, args[1:], stdin, stdout, stderr)
	case "bench":
		return benchCommand(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "holdspace", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", args[0])}
	}
}
