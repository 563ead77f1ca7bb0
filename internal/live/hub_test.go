package live_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/live"
)

// wait is how long a test waits for something that should happen at once.
const wait = 10 * time.Second

func mustSubscribe(tb testing.TB, hub *live.Hub, room string) *live.Subscription {
	tb.Helper()
	sub, err := hub.Subscribe(room)
	if err != nil {
		tb.Fatalf("subscribe %s: %v", room, err)
	}
	tb.Cleanup(sub.Close)
	return sub
}

// next returns the subscription's next event, failing the test if none
// comes or the subscription closes.
func next(tb testing.TB, sub *live.Subscription) live.Event {
	tb.Helper()
	select {
	case ev, ok := <-sub.C:
		if !ok {
			tb.Fatal("subscription closed")
		}
		return ev
	case <-time.After(wait):
		tb.Fatal("no event")
	}
	return live.Event{}
}

// none fails the test if sub holds an event now.
func none(tb testing.TB, sub *live.Subscription) {
	tb.Helper()
	select {
	case ev, ok := <-sub.C:
		tb.Fatalf("unexpected event %+v (open %v)", ev, ok)
	default:
	}
}

func state(version int64) live.Event {
	return live.NewEvent(version, "state", fmt.Appendf(nil, `{"version":%d}`, version))
}

func TestHubFanOut(t *testing.T) {
	hub := live.NewHub()
	a1, a2, a3 := mustSubscribe(t, hub, "a"), mustSubscribe(t, hub, "a"), mustSubscribe(t, hub, "a")
	b := mustSubscribe(t, hub, "b")
	if got := hub.Len(); got != 4 {
		t.Fatalf("Len = %d, want 4", got)
	}

	hub.Publish("a", state(1))
	for _, sub := range []*live.Subscription{a1, a2, a3} {
		if ev := next(t, sub); ev.ID != "1" || ev.Name != "state" || string(ev.Data) != `{"version":1}` {
			t.Errorf("got %+v", ev)
		}
	}
	none(t, b)
	hub.Publish("nobody", state(1))
}

func TestHubPublishKeepsVersionOrder(t *testing.T) {
	hub := live.NewHub()
	sub := mustSubscribe(t, hub, "a")
	hub.Publish("a", state(2))
	hub.Publish("a", state(1))
	hub.Publish("a", state(2))
	hub.Publish("a", state(3))
	hub.Publish("a", live.Event{Name: "notice", Data: []byte(`{}`)})
	var got []string
	for range 3 {
		got = append(got, next(t, sub).ID)
	}
	if want := fmt.Sprint([]string{"2", "3", ""}); fmt.Sprint(got) != want {
		t.Errorf("IDs = %v, want %v", got, want)
	}
	none(t, sub)
}

func TestHubDropsSlowSubscriber(t *testing.T) {
	hub := live.NewHub()
	slow := mustSubscribe(t, hub, "a")
	fast := mustSubscribe(t, hub, "a")

	const n = live.SubscriberBuffer + 3
	published := make(chan struct{})
	var fastGot []string
	go func() {
		defer close(published)
		for v := range int64(n) {
			hub.Publish("a", state(v+1))
			select {
			case ev := <-fast.C:
				fastGot = append(fastGot, ev.ID)
			case <-time.After(wait):
				return
			}
		}
	}()
	select {
	case <-published:
	case <-time.After(wait):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if len(fastGot) != n {
		t.Fatalf("fast subscriber got %d events, want %d", len(fastGot), n)
	}

	// The slow subscriber keeps what fitted in its buffer, then its
	// channel is closed.
	var slowGot int
	for range slow.C {
		slowGot++
	}
	if slowGot != live.SubscriberBuffer {
		t.Errorf("slow subscriber got %d events before closing, want %d", slowGot, live.SubscriberBuffer)
	}
	if got := hub.Dropped(); got != 1 {
		t.Errorf("Dropped = %d, want 1", got)
	}
	if got := hub.Len(); got != 1 {
		t.Errorf("Len = %d, want 1", got)
	}
	slow.Close() // closing a dropped subscription is harmless
}

func TestSubscriptionClose(t *testing.T) {
	hub := live.NewHub()
	sub := mustSubscribe(t, hub, "a")
	other := mustSubscribe(t, hub, "a")
	sub.Close()
	sub.Close()
	if _, ok := <-sub.C; ok {
		t.Fatal("C open after Close")
	}
	if got := hub.Len(); got != 1 {
		t.Fatalf("Len = %d, want 1", got)
	}
	hub.Publish("a", state(1))
	if ev := next(t, other); ev.ID != "1" {
		t.Fatalf("remaining subscriber got %+v", ev)
	}
	other.Close()
	if rooms := hub.Rooms(); len(rooms) != 0 {
		t.Fatalf("Rooms = %v after the last subscriber left", rooms)
	}

	// A room that empties forgets its versions: a new subscriber is sent
	// what is published next, whatever its version.
	again := mustSubscribe(t, hub, "a")
	hub.Publish("a", state(1))
	if ev := next(t, again); ev.ID != "1" {
		t.Fatalf("new subscriber got %+v", ev)
	}
}

func TestHubClose(t *testing.T) {
	hub := live.NewHub()
	subs := []*live.Subscription{mustSubscribe(t, hub, "a"), mustSubscribe(t, hub, "a"), mustSubscribe(t, hub, "b")}
	hub.Close()
	for _, sub := range subs {
		if _, ok := <-sub.C; ok {
			t.Error("subscription open after Hub.Close")
		}
	}
	if _, err := hub.Subscribe("a"); !errors.Is(err, live.ErrClosed) {
		t.Errorf("Subscribe after Close: err = %v, want ErrClosed", err)
	}
	if got := hub.Len(); got != 0 {
		t.Errorf("Len = %d, want 0", got)
	}
}

// TestHubConcurrent gives the race detector subscribers coming and going
// while rooms are published to.
func TestHubConcurrent(t *testing.T) {
	hub := live.NewHub()
	var wg sync.WaitGroup
	for i := range 8 {
		room := fmt.Sprint("room-", i%3)
		wg.Go(func() {
			for range 200 {
				sub, err := hub.Subscribe(room)
				if err != nil {
					t.Error(err)
					return
				}
				select {
				case <-sub.C:
				default:
				}
				sub.Close()
			}
		})
		wg.Go(func() {
			for v := range int64(200) {
				hub.Publish(room, state(v+1))
			}
		})
	}
	wg.Wait()
	if got := hub.Len(); got != 0 {
		t.Errorf("Len = %d, want 0", got)
	}
}
