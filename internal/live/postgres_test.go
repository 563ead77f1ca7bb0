package live_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// pgRooms is a fresh PostgreSQL schema holding rooms' versions, standing
// for the app's database.
type pgRooms struct {
	url string
	db  *sql.DB
	// channel is this test's own, so tests running at the same time on
	// one server do not hear each other.
	channel string
}

func mustPGRooms(t *testing.T) *pgRooms {
	t.Helper()
	base := storetest.PostgresURL(t)
	if base == "" {
		t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
	}
	u := storetest.PostgresSchemaURL(t, base)
	db := mustOpenPG(t, u)
	if _, err := db.Exec(`CREATE TABLE room (id text PRIMARY KEY, version bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return &pgRooms{url: u, db: db, channel: "live_test_" + randomHex(6)}
}

func mustOpenPG(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (p *pgRooms) set(t *testing.T, room string, v int64) {
	t.Helper()
	_, err := p.db.Exec(`INSERT INTO room (id, version) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version`, room, v)
	if err != nil {
		t.Fatal(err)
	}
}

// instance starts one app instance on the database: its own pool, hub,
// broker and relay. appName names its listener in pg_stat_activity.
func (p *pgRooms) instance(t *testing.T, appName string) (*live.Hub, *live.Postgres) {
	t.Helper()
	u, err := url.Parse(p.url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", appName)
	u.RawQuery = q.Encode()
	db := mustOpenPG(t, u.String())
	broker, err := live.NewPostgres(live.PostgresConfig{DB: db, URL: u.String(), Channel: p.channel})
	if err != nil {
		t.Fatal(err)
	}
	load := func(ctx context.Context, room string) (live.Event, error) {
		var v int64
		if err := db.QueryRowContext(ctx, `SELECT version FROM room WHERE id = $1`, room).Scan(&v); err != nil {
			return live.Event{}, err
		}
		return state(v), nil
	}
	hub := live.NewHub()
	runRelay(t, hub, broker, load)
	return hub, broker
}

func TestPostgresNotifyReachesEveryInstance(t *testing.T) {
	p := mustPGRooms(t)
	const room = "meeting 1" // the payload keeps spaces in ids
	p.set(t, room, 1)
	hubA, brokerA := p.instance(t, "live_test_a")
	hubB, _ := p.instance(t, "live_test_b")
	subA1, subA2 := mustSubscribe(t, hubA, room), mustSubscribe(t, hubA, room)
	subB := mustSubscribe(t, hubB, room)
	other := mustSubscribe(t, hubB, "meeting 2")

	// Each listener reads its subscribed rooms once it listens, so
	// version 1 arriving shows both are listening.
	for _, sub := range []*live.Subscription{subA1, subA2, subB} {
		if ev := next(t, sub); ev.ID != "1" {
			t.Fatalf("got %+v, want 1", ev)
		}
	}
	for v := int64(2); v <= 4; v++ {
		p.set(t, room, v)
		if err := brokerA.Notify(context.Background(), room, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []*live.Subscription{subA1, subA2, subB} {
		last := int64(1)
		for last < 4 {
			ev := next(t, sub)
			v := mustVersion(t, ev)
			if v <= last {
				t.Fatalf("version %d after %d", v, last)
			}
			last = v
		}
	}
	none(t, other)
}

func mustVersion(t *testing.T, ev live.Event) int64 {
	t.Helper()
	v, err := strconv.ParseInt(ev.ID, 10, 64)
	if err != nil {
		t.Fatalf("event id %q is not a version", ev.ID)
	}
	return v
}

func TestPostgresListenerReconnectReloads(t *testing.T) {
	p := mustPGRooms(t)
	appName := "live_test_" + randomHex(6)
	p.set(t, "a", 1)
	p.set(t, "b", 1)
	hub, _ := p.instance(t, appName)
	subA, subB := mustSubscribe(t, hub, "a"), mustSubscribe(t, hub, "b")
	next(t, subA)
	next(t, subB)

	// Changes whose notifications are lost: nobody sends them, as if
	// they had gone out while the listener was away. Only the reload
	// after reconnecting can deliver them.
	p.set(t, "a", 2)
	p.set(t, "b", 5)
	var killed int
	err := p.db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query ILIKE 'listen%'`, appName).Scan(&killed)
	if err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d listener connections, want 1", killed)
	}
	if ev := next(t, subA); ev.ID != "2" {
		t.Errorf("room a: got %+v, want 2", ev)
	}
	if ev := next(t, subB); ev.ID != "5" {
		t.Errorf("room b: got %+v, want 5", ev)
	}

	// And it listens again.
	p.set(t, "a", 3)
	if err := notifyOnce(p, "a", 3); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, subA); ev.ID != "3" {
		t.Errorf("room a after reconnecting: got %+v, want 3", ev)
	}
}

// notifyOnce notifies from a broker of its own, as another instance would.
func notifyOnce(p *pgRooms, room string, v int64) error {
	b, err := live.NewPostgres(live.PostgresConfig{DB: p.db, URL: p.url, Channel: p.channel})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return b.Notify(ctx, room, v)
}
