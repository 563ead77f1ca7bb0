package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make the test's database

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// postgresDatabase creates an empty database on the test server for one
// test and returns its URL; the database is dropped when the test ends.
// The instances test needs a database rather than a schema of its own:
// LISTEN/NOTIFY channels belong to a database, so in a shared one the
// instances would hear every other suite's room changes, and their
// listening connections could not be told from the others'.
func postgresDatabase(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "holdspace_t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		// FORCE ends the connections of instances that are still
		// stopping.
		if _, err := db.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// sseEvent is one Server-Sent Event of a room stream.
type sseEvent struct {
	id, name string
	snap     struct {
		Seq     int64    `json:"seq"`
		Version int64    `json:"version"`
		Phase   string   `json:"phase"`
		Step    int      `json:"step"`
		Present []string `json:"present"`
	}
	err error     // why the data is not a snapshot
	at  time.Time // when it arrived
}

// roomStream reads a room's event stream until the test ends.
type roomStream struct {
	name   string
	events chan sseEvent
}

// openStream connects c to a room's event stream at u and delivers its
// events; a stream that ends early fails the test when next waits.
func openStream(t *testing.T, c *http.Client, name, u string) *roomStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("%s: %d %s\n%s", name, res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	s := &roomStream{name: name, events: make(chan sseEvent, 64)}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				// A blank line ends a block; one without data (the
				// retry field alone) is no event.
				if len(data) > 0 {
					ev.at = time.Now()
					if err := json.Unmarshal([]byte(strings.Join(data, "\n")), &ev.snap); err != nil {
						ev.err = err
					}
					select {
					case s.events <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	return s
}

// next waits for the stream's first event with seq at least seq, and
// checks it is a "state" event whose id is its seq.
func (s *roomStream) next(t *testing.T, seq int64, within time.Duration) sseEvent {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("%s ended before seq %d", s.name, seq)
			}
			if ev.err != nil {
				t.Fatalf("%s: an event's data is not a snapshot: %v", s.name, ev.err)
			}
			if ev.snap.Seq < seq {
				continue
			}
			if ev.name != "state" || ev.id != strconv.FormatInt(ev.snap.Seq, 10) {
				t.Errorf("%s: event %q with id %q carries seq %d", s.name, ev.name, ev.id, ev.snap.Seq)
			}
			return ev
		case <-timeout:
			t.Fatalf("%s: no event with seq %d within %s", s.name, seq, within)
		}
	}
}

// apiCircle is one of a person's circles as the API lists them.
type apiCircle struct {
	ID          string `json:"id"`
	ProgramName string `json:"program_name"`
	Members     []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"members"`
	NextMeeting *struct {
		ID            string `json:"id"`
		FacilitatorID string `json:"facilitator_id"`
		TimekeeperID  string `json:"timekeeper_id"`
	} `json:"next_meeting"`
}

// email is a demo member's address: their first name at Northwind.
func (c apiCircle) email(id string) string {
	for _, m := range c.Members {
		if m.ID == id {
			return strings.ToLower(strings.Fields(m.Name)[0]) + "@northwind.example"
		}
	}
	return ""
}

// apiClient is a person's HTTP client, signed in through the API.
func apiClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	doJSON(t, c, http.MethodPost, base+"/api/v1/session", map[string]string{"email": email, "password": demo.Password}, http.StatusOK, nil)
	return c
}

// doJSON sends body as JSON and decodes the answer into out, failing
// the test unless the status is want.
func doJSON(t *testing.T, c *http.Client, method, u string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d\n%s", method, u, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, u, err, b)
		}
	}
}

// listeners counts the connections that listen for room changes on the
// database: one per instance.
func listeners(t *testing.T, dbURL string) int {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'holdspace live'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitListeners(t *testing.T, dbURL string, want int) {
	t.Helper()
	n := 0
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if n = listeners(t, dbURL); n == want {
			return
		}
	}
	t.Fatalf("%d connections listen for room changes, want %d (one per instance)", n, want)
}

// TestInstancesShareRooms runs two whole instances on one PostgreSQL
// database, as a large organisation would behind a load balancer, and
// checks that a room changed through either reaches the pages streaming
// the room from the other, as Server-Sent Events: LISTEN/NOTIFY on one
// listening connection per instance. CI sets HOLDSPACE_TEST_POSTGRES_URL
// and HOLDSPACE_TEST_REQUIRE_POSTGRES=1, so there it never skips.
func TestInstancesShareRooms(t *testing.T) {
	base := storetest.PostgresURL(t)
	if base == "" {
		t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
	}
	dbURL := postgresDatabase(t, base)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	// Every instance shares the database and the secret key.
	env := map[string]string{"HOLDSPACE_DATABASE_URL": dbURL, "HOLDSPACE_SECRET_KEY": base64.StdEncoding.EncodeToString(key)}
	a := startServe(t, env, "--demo")
	waitListeners(t, dbURL, 1)
	b := startServe(t, env)
	waitListeners(t, dbURL, 2)

	// Nina finds her circle's next meeting and who runs it. Her session,
	// made on A, holds on B too: it is in the shared database.
	nina := apiClient(t, a.URL, "nina@northwind.example")
	var circles struct {
		Circles []apiCircle `json:"circles"`
	}
	doJSON(t, nina, http.MethodGet, b.URL+"/api/v1/circles", nil, http.StatusOK, &circles)
	i := slices.IndexFunc(circles.Circles, func(c apiCircle) bool {
		return c.ProgramName == "Leadership circles, autumn" && c.NextMeeting != nil
	})
	if i < 0 {
		t.Fatalf("nina has no autumn circle with a meeting ahead: %+v", circles)
	}
	circle := circles.Circles[i]
	// The runner is whichever of the facilitator and the timekeeper has
	// read the ground rules (in the demo, all but Maya have).
	email := circle.email(circle.NextMeeting.TimekeeperID)
	if email == demo.AdminEmail {
		email = circle.email(circle.NextMeeting.FacilitatorID)
	}
	runner := apiClient(t, b.URL, email)
	roomPath := "/circles/" + circle.ID + "/meetings/" + circle.NextMeeting.ID + "/room"
	var opened struct {
		Snapshot struct {
			Seq     int64 `json:"seq"`
			Version int64 `json:"version"`
		} `json:"snapshot"`
	}
	doJSON(t, runner, http.MethodGet, a.URL+"/api/v1"+roomPath, nil, http.StatusOK, &opened)
	seq, version := opened.Snapshot.Seq, opened.Snapshot.Version

	// Nina follows the room from both instances: on B through the stream
	// the room page uses, on A through the API's.
	onB := openStream(t, nina, "the page's stream on B", b.URL+roomPath+"/events")
	onA := openStream(t, nina, "the API's stream on A", a.URL+"/api/v1"+roomPath+"/events")
	for _, s := range []*roomStream{onA, onB} {
		if ev := s.next(t, seq, 10*time.Second); ev.snap.Seq != seq || ev.snap.Phase != "ready" {
			t.Fatalf("%s began with seq %d, phase %s; want the room as it is, seq %d, ready", s.name, ev.snap.Seq, ev.snap.Phase, seq)
		}
	}

	// Through A's API the runner starts the meeting: B's stream hears it.
	sent := time.Now()
	var started struct {
		Seq     int64 `json:"seq"`
		Version int64 `json:"version"`
	}
	doJSON(t, runner, http.MethodPost, a.URL+"/api/v1"+roomPath+"/commands", map[string]any{"kind": "start", "version": version, "confirm": true},
		http.StatusOK, &started)
	if started.Seq <= seq || started.Version != version+1 {
		t.Fatalf("start answered seq %d, version %d after seq %d, version %d", started.Seq, started.Version, seq, version)
	}
	for _, s := range []*roomStream{onB, onA} {
		ev := s.next(t, started.Seq, 10*time.Second)
		if ev.snap.Phase != "running" || ev.snap.Version != started.Version || ev.snap.Step != 0 {
			t.Errorf("%s: after the start on A: phase %s, version %d, step %d", s.name, ev.snap.Phase, ev.snap.Version, ev.snap.Step)
		}
		t.Logf("the start on A reached %s in %s", s.name, ev.at.Sub(sent).Round(time.Millisecond))
	}

	// Through B's room page (its form, as a browser posts it) the runner
	// moves on: A's stream hears it.
	sent = time.Now()
	form := url.Values{"kind": {"next"}, "version": {strconv.FormatInt(started.Version, 10)}}
	req, err := http.NewRequest(http.MethodPost, b.URL+roomPath+"/command", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := runner.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("next on B's room page: %d", res.StatusCode)
	}
	var moved sseEvent
	for _, s := range []*roomStream{onA, onB} {
		ev := s.next(t, started.Seq+1, 10*time.Second)
		if ev.snap.Step != 1 || ev.snap.Version != started.Version+1 || ev.snap.Phase != "running" {
			t.Errorf("%s: after next on B: step %d, version %d, phase %s", s.name, ev.snap.Step, ev.snap.Version, ev.snap.Phase)
		}
		t.Logf("the next step on B reached %s in %s", s.name, ev.at.Sub(sent).Round(time.Millisecond))
		moved = ev
	}

	// A check-in through A, which changes the room's content but not its
	// timer, reaches B's stream too.
	sent = time.Now()
	doJSON(t, nina, http.MethodPost, a.URL+"/api/v1"+roomPath+"/checkin", map[string]string{"mood": "good", "tabled": "A hard conversation"},
		http.StatusOK, nil)
	ev := onB.next(t, moved.snap.Seq+1, 10*time.Second)
	if len(ev.snap.Present) != 1 || ev.snap.Version != moved.snap.Version {
		t.Errorf("after Nina's check-in on A, B's stream shows present %v, version %d", ev.snap.Present, ev.snap.Version)
	}
	t.Logf("the check-in on A reached %s in %s", onB.name, ev.at.Sub(sent).Round(time.Millisecond))
	if n := listeners(t, dbURL); n != 2 {
		t.Errorf("%d connections listen for room changes at the end, want 2", n)
	}
}
