package live

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultChannel is the LISTEN/NOTIFY channel of room changes.
const DefaultChannel = "holdspace_live"

const (
	// minBackoff and maxBackoff bound the wait before reconnecting a
	// dropped listener. The wait doubles with each failed attempt, so a
	// database that is down is not hammered, and starts small again once
	// a connection held, so a single drop costs pages little.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second
	// quietCheck is how long the listener may hear nothing before it
	// pings the server: a connection that died without a word (a
	// firewall's idle timeout, a failover) is found within about this
	// long rather than when the kernel gives up on it.
	quietCheck  = 30 * time.Second
	pingTimeout = 5 * time.Second
)

// PostgresConfig is what NewPostgres needs.
type PostgresConfig struct {
	// DB is the app's pool, opened with pgx's stdlib driver; NOTIFY goes
	// out on it.
	DB *sql.DB
	// URL is the database's connection string. The broker opens one
	// connection of its own from it to LISTEN on, for as long as Listen
	// runs. It is named "holdspace live" in pg_stat_activity unless URL
	// sets application_name.
	URL string
	// Channel is the LISTEN/NOTIFY channel; empty means DefaultChannel.
	// Instances that share a database share it.
	Channel string
	// Logger receives reconnections and malformed notifications; nil
	// discards them.
	Logger *slog.Logger
}

// Postgres is the Broker of instances that share a PostgreSQL database:
// NOTIFY on the app's pool, LISTEN on one dedicated connection per
// process. A payload is the version and the room id, so it stays far
// below PostgreSQL's 8000-byte limit and the state itself is read by
// each instance from the database.
type Postgres struct {
	db      *sql.DB
	conn    *pgx.ConnConfig
	channel string
	log     *slog.Logger
}

// NewPostgres returns a broker on cfg's database. It connects to nothing
// until Listen or Notify.
func NewPostgres(cfg PostgresConfig) (*Postgres, error) {
	if cfg.DB == nil {
		return nil, errors.New("live: postgres broker needs the app's DB")
	}
	conn, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("live: postgres broker: %w", err)
	}
	if _, ok := conn.RuntimeParams["application_name"]; !ok {
		conn.RuntimeParams["application_name"] = "holdspace live"
	}
	p := &Postgres{db: cfg.DB, conn: conn, channel: cfg.Channel, log: cfg.Logger}
	if p.channel == "" {
		p.channel = DefaultChannel
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Notify sends the notification to every instance listening on the
// channel, this one included. PostgreSQL delivers it when the sending
// transaction commits; outside one, at once.
func (p *Postgres) Notify(ctx context.Context, room string, version int64) error {
	if _, err := p.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, p.channel, payload(room, version)); err != nil {
		return fmt.Errorf("notify room %s: %w", room, err)
	}
	return nil
}

// Listen listens on a dedicated connection until ctx ends, reconnecting
// with backoff whenever the connection fails, and calls resync each time
// it listens again: notifications sent while it was away are lost.
func (p *Postgres) Listen(ctx context.Context, notified func(room string, version int64), resync func()) error {
	backoff := minBackoff
	for {
		listened, err := p.listen(ctx, notified, resync)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			backoff = minBackoff
		}
		// Spread the wait so that instances losing the database
		// together do not all come back in the same instant.
		wait := backoff/2 + rand.N(backoff/2)
		p.log.Warn("live: listener lost; reconnecting", "err", err, "wait", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen runs one connection until it fails, and reports whether it got
// as far as listening.
func (p *Postgres) listen(ctx context.Context, notified func(string, int64), resync func()) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, p.conn)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		// The context ctx may already be done; closing only says goodbye.
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	resync()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, quietCheck)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			room, version, ok := parsePayload(n.Payload)
			if !ok {
				p.log.Warn("live: malformed notification", "payload", n.Payload)
				continue
			}
			notified(room, version)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case pgconn.Timeout(err):
			// A wait cut short by its own deadline leaves the
			// connection usable; ask the server whether it is alive.
			pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("ping: %w", err)
			}
		default:
			return true, fmt.Errorf("wait for notification: %w", err)
		}
	}
}

// payload is a notification's text: the version first, so that the room
// id after it may hold any character.
func payload(room string, version int64) string {
	return strconv.FormatInt(version, 10) + " " + room
}

// parsePayload splits a notification's payload.
func parsePayload(s string) (room string, version int64, ok bool) {
	v, room, found := strings.Cut(s, " ")
	if !found || room == "" {
		return "", 0, false
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return "", 0, false
	}
	return room, version, true
}
