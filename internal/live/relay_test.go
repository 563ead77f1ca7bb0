package live_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/live"
)

// fakeDB stands for the database: the rooms' current versions, and a
// record of every read. When gated, each read waits for a release.
type fakeDB struct {
	mu       sync.Mutex
	versions map[string]int64
	reads    map[string]int
	fail     bool

	gated   bool
	started chan string
	release chan struct{}
}

func newFakeDB() *fakeDB {
	return &fakeDB{
		versions: make(map[string]int64),
		reads:    make(map[string]int),
		started:  make(chan string, 100),
		release:  make(chan struct{}),
	}
}

func (db *fakeDB) set(room string, v int64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.versions[room] = v
}

func (db *fakeDB) readCount(room string) int {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.reads[room]
}

// load reads the version at the moment the read starts, as a query would.
func (db *fakeDB) load(ctx context.Context, room string) (live.Event, error) {
	db.mu.Lock()
	db.reads[room]++
	v, gated, fail := db.versions[room], db.gated, db.fail
	db.mu.Unlock()
	if gated {
		db.started <- room
		select {
		case <-db.release:
		case <-ctx.Done():
			return live.Event{}, ctx.Err()
		}
	}
	if fail {
		return live.Event{}, errors.New("database is down")
	}
	return state(v), nil
}

// runRelay runs a relay from broker to hub until the test ends.
func runRelay(t *testing.T, hub *live.Hub, broker live.Broker, load live.Loader) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- live.NewRelay(hub, broker, load, nil).Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}

func TestRelayResyncsSubscribedRoomsOnStart(t *testing.T) {
	hub, db := live.NewHub(), newFakeDB()
	db.set("a", 4)
	sub := mustSubscribe(t, hub, "a")
	runRelay(t, hub, live.NewLocal(), db.load)
	if ev := next(t, sub); ev.ID != "4" {
		t.Fatalf("got %+v, want the state read at start", ev)
	}
}

func TestRelayCoalescesBursts(t *testing.T) {
	hub, db := live.NewHub(), newFakeDB()
	broker := live.NewLocal()
	sub := mustSubscribe(t, hub, "a")
	db.set("a", 1)
	runRelay(t, hub, broker, db.load)
	if ev := next(t, sub); ev.ID != "1" {
		t.Fatalf("got %+v, want 1 from the start-up read", ev)
	}
	ctx := context.Background()

	db.mu.Lock()
	db.gated = true
	db.mu.Unlock()
	db.set("a", 2)
	if err := broker.Notify(ctx, "a", 2); err != nil {
		t.Fatal(err)
	}
	<-db.started // the read of 2 is under way
	for v := range int64(3) {
		db.set("a", v+3)
		if err := broker.Notify(ctx, "a", v+3); err != nil {
			t.Fatal(err)
		}
	}
	// Nobody listens in room b: its notifications cost no read.
	if err := broker.Notify(ctx, "b", 9); err != nil {
		t.Fatal(err)
	}
	db.release <- struct{}{}
	if ev := next(t, sub); ev.ID != "2" {
		t.Fatalf("got %+v, want 2", ev)
	}
	<-db.started // one more read for 3, 4 and 5 together
	db.release <- struct{}{}
	if ev := next(t, sub); ev.ID != "5" {
		t.Fatalf("got %+v, want 5", ev)
	}

	// A notification the last read already covered causes no read; the
	// next real change causes exactly one.
	db.mu.Lock()
	db.gated = false
	db.mu.Unlock()
	if err := broker.Notify(ctx, "a", 5); err != nil {
		t.Fatal(err)
	}
	db.set("a", 6)
	if err := broker.Notify(ctx, "a", 6); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, sub); ev.ID != "6" {
		t.Fatalf("got %+v, want 6", ev)
	}
	if got := db.readCount("a"); got != 4 {
		t.Errorf("room a read %d times, want 4 (start, 2, 3–5, 6)", got)
	}
	if got := db.readCount("b"); got != 0 {
		t.Errorf("room b read %d times, want 0", got)
	}
	none(t, sub)
}

func TestRelaySurvivesFailedRead(t *testing.T) {
	hub, db := live.NewHub(), newFakeDB()
	broker := live.NewLocal()
	sub := mustSubscribe(t, hub, "a")
	db.set("a", 1)
	runRelay(t, hub, broker, db.load)
	next(t, sub)

	db.mu.Lock()
	db.fail = true
	db.mu.Unlock()
	db.set("a", 2)
	if err := broker.Notify(context.Background(), "a", 2); err != nil {
		t.Fatal(err)
	}
	// The failed read leaves the room pending nothing: the next change
	// goes through.
	deadline := time.Now().Add(wait)
	for db.readCount("a") < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	db.mu.Lock()
	db.fail = false
	db.mu.Unlock()
	db.set("a", 3)
	if err := broker.Notify(context.Background(), "a", 3); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, sub); ev.ID != "3" {
		t.Fatalf("got %+v, want 3", ev)
	}
}
