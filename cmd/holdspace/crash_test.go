package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// process is the real binary serving on a fixed port.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
}

// startBinary runs `bin serve args…` with env and waits until it is ready.
func startBinary(t *testing.T, bin, base string, env []string, args ...string) *process {
	t.Helper()
	p := &process{stderr: &syncBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	started := time.Now()
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				t.Logf("ready in %s", time.Since(started).Round(time.Millisecond))
				return p
			}
		}
		if time.Since(started) > 60*time.Second {
			t.Fatalf("not ready after 60s: %v\n%s", err, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// crashWriter is one person writing through the API while the server is
// killed under them: what was acknowledged (a 2xx answer) must be there
// afterwards, once.
type crashWriter struct {
	client *http.Client
	userID string
	// posts are the bodies of posts acknowledged; tried counts every post
	// sent, acknowledged or not.
	posts []string
	tried int
	// names are the names sent as profile edits, in order; named is the
	// index of the last one acknowledged, or -1.
	names []string
	named int
}

// send posts body as JSON and reports whether a 2xx answer came back. A
// refused connection (the server is down) or any other answer is not an
// acknowledgement.
func (w *crashWriter) send(method, u string, body any) bool {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, u, bytes.NewReader(b))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := w.client.Do(req)
	if err != nil {
		time.Sleep(20 * time.Millisecond)
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode/100 == 2
}

// TestKilledWhileWriting builds the real binary, runs it on the demo
// organisation, and kills it with SIGKILL four times while members of a
// circle post to it and edit their profiles at once; each time it is
// started again. Afterwards every acknowledged post is there exactly once,
// no post appears that was never sent, and each person's name is the last
// one acknowledged or one sent after it.
func TestKilledWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dbURL := storetest.SQLiteURL(t)
			if engine == store.Postgres {
				base := storetest.PostgresURL(t)
				if base == "" {
					t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
				}
				dbURL = postgresDatabase(t, base)
			}
			killWhileWriting(t, dbURL)
		})
	}
}

func killWhileWriting(t *testing.T, dbURL string) {
	bin := filepath.Join(t.TempDir(), "holdspace")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	env := append(os.Environ(), "HOLDSPACE_DATABASE_URL="+dbURL, "HOLDSPACE_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
		fmt.Sprintf("HOLDSPACE_ADDR=127.0.0.1:%d", port), "HOLDSPACE_BASE_URL="+base)
	p := startBinary(t, bin, base, env, "--demo")

	// The members of Nina's circle who have read its ground rules write
	// to it, two writers each.
	nina := apiClient(t, base, "nina@northwind.example")
	var circles struct {
		Circles []apiCircle `json:"circles"`
	}
	doJSON(t, nina, http.MethodGet, base+"/api/v1/circles", nil, http.StatusOK, &circles)
	i := slices.IndexFunc(circles.Circles, func(c apiCircle) bool { return c.ProgramName == "Leadership circles, autumn" })
	if i < 0 {
		t.Fatalf("nina has no autumn circle: %+v", circles)
	}
	c := circles.Circles[i]
	var writers []*crashWriter
	for _, m := range c.Members {
		// One session per person, shared by their two writers: signing
		// in is rate limited.
		client := nina
		if email := c.email(m.ID); email != "nina@northwind.example" {
			client = apiClient(t, base, email)
		}
		for range 2 {
			w := &crashWriter{client: client, userID: m.ID, named: -1}
			// Only members who may see inside the circle post to it.
			probe := fmt.Sprintf("writer %d post -1", len(writers))
			if w.send(http.MethodPost, base+"/api/v1/circles/"+c.ID+"/posts", map[string]string{"body": probe}) {
				w.posts = append(w.posts, probe)
				writers = append(writers, w)
			}
		}
	}
	if len(writers) < 6 {
		t.Fatalf("%d writers, want at least 6", len(writers))
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for n, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf("writer %d post %d", n, k)
				w.tried++
				if w.send(http.MethodPost, base+"/api/v1/circles/"+c.ID+"/posts", map[string]string{"body": body}) {
					w.posts = append(w.posts, body)
				}
				name := fmt.Sprintf("Writer %d edit %d", n, k)
				w.names = append(w.names, name)
				if w.send(http.MethodPatch, base+"/api/v1/me", map[string]string{"name": name}) {
					w.named = len(w.names) - 1
				}
			}
		}()
	}
	for kill := range 4 {
		time.Sleep(1500 * time.Millisecond)
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = p.cmd.Wait()
		t.Logf("killed (%d)", kill+1)
		p = startBinary(t, bin, base, env)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()

	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.ReadDB().Query(`SELECT body FROM circle_posts`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		stored[body]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	urows, err := db.ReadDB().Query(`SELECT id, name FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for urows.Next() {
		var id, name string
		if err := urows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		names[id] = name
	}
	if err := urows.Err(); err != nil {
		t.Fatal(err)
	}

	acked, tried := 0, 0
	sent := map[string]bool{}
	for n, w := range writers {
		acked, tried = acked+len(w.posts), tried+w.tried
		for _, body := range w.posts {
			sent[body] = true
			if stored[body] != 1 {
				t.Errorf("acknowledged post %q is stored %d times", body, stored[body])
			}
		}
		for k := -1; k < w.tried; k++ {
			sent[fmt.Sprintf("writer %d post %d", n, k)] = true
		}
	}
	for body := range stored {
		if !sent[body] && strings.HasPrefix(body, "writer ") {
			t.Errorf("post %q is stored but was never sent", body)
		}
	}
	// Two writers share each person: the name stored is one of theirs,
	// sent no earlier than the last acknowledged by either.
	for _, m := range c.Members {
		var ok []string
		edited := false
		for _, w := range writers {
			if w.userID != m.ID {
				continue
			}
			edited = edited || w.named >= 0
			ok = append(ok, w.names[max(w.named, 0):]...)
		}
		if edited && !slices.Contains(ok, names[m.ID]) {
			t.Errorf("%s is named %q, which is not an acknowledged edit or a later one", m.ID, names[m.ID])
		}
	}
	t.Logf("%d writers: %d posts acknowledged of %d sent", len(writers), acked, tried)
	if acked < 4*len(writers) {
		t.Errorf("only %d posts acknowledged: the server hardly ran between kills", acked)
	}
}
