package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/config"
	"github.com/holdspace/holdspace/internal/demo"
)

// syncBuffer is an io.Writer that tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// instance is a running `holdspace serve`.
type instance struct {
	URL            string
	stdout, stderr *syncBuffer
	stop           func() error
}

// startServe runs `holdspace serve` with env on a free port and waits until
// it answers.
func startServe(t testing.TB, env map[string]string, args ...string) *instance {
	t.Helper()
	return startServeOn(t, freePort(t), env, args...)
}

// startServeOn is startServe on a given port, so that a test can restart
// an instance where its pages expect it.
func startServeOn(t testing.TB, port int, env map[string]string, args ...string) *instance {
	t.Helper()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	getenv := func(k string) string {
		switch k {
		case "HOLDSPACE_ADDR":
			return fmt.Sprintf("127.0.0.1:%d", port)
		case "HOLDSPACE_BASE_URL":
			if v, ok := env[k]; ok {
				return v
			}
			return base
		}
		return env[k]
	}
	in := &instance{URL: base, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), getenv, nil, in.stdout, in.stderr) }()
	var once sync.Once
	var stopErr error
	in.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				stopErr = errors.New("serve did not stop within 30s")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = in.stop() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return in
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\nstderr:\n%s", err, in.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready: %v\nstderr:\n%s", err, in.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServeDemo(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"HOLDSPACE_DATABASE_URL": dbURL}
	in := startServe(t, env, "--demo")
	out := in.stdout.String()
	for _, want := range []string{"Holdspace is running at " + in.URL, "Loaded the demo organisation", demo.AdminEmail, demo.Password} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(in.URL+"/signin", url.Values{"email": {demo.AdminEmail}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Welcome, Maya<") {
		t.Fatalf("sign in as demo admin: %d\n%.1500s", res.StatusCode, body)
	}
	res, _ = c.Get(in.URL + "/people")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "42 people, and 1 who has left") {
		t.Errorf("demo people page does not show 42 people and the one deactivated")
	}
	res, _ = c.Get(in.URL + "/journal")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(body), "class=\"post journal-entry\""); n != len(demo.Journal) || !strings.Contains(string(body), "Count to seven") {
		t.Errorf("Maya's journal shows %d entries, want %d", n, len(demo.Journal))
	}
	// Her helping pattern from her circle's meetings, and her
	// self-assessments over time.
	if !strings.Contains(string(body), "You mostly offer expertise; as a presenter, you found process help most useful.") {
		t.Errorf("Maya's journal does not show her helping pattern:\n%.3000s", body)
	}
	res, _ = c.Get(in.URL + "/journal/assessments")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(body), "<figure class=\"spark\">"); n != 6 {
		t.Errorf("Maya's self-assessments chart %d capabilities, want 6", n)
	}
	// Nina invited a colleague to observe her circle's next meeting, who
	// accepted.
	observed := func(when string) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		nc := &http.Client{Jar: jar}
		res, err := nc.PostForm(in.URL+"/signin", url.Values{"email": {"nina@northwind.example"}, "password": {demo.Password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		res, err = nc.Get(in.URL + "/spread")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), "1 colleague observed a meeting") {
			t.Errorf("%s, Nina's invitations page does not show the colleague who observed:\n%.3000s", when, body)
		}
	}
	observed("on the first run")
	if err := in.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}

	// A second run adds nothing.
	in = startServe(t, env, "--demo")
	if !strings.Contains(in.stdout.String(), "already loaded") {
		t.Errorf("second run:\n%s", in.stdout.String())
	}
	res, _ = c.Get(in.URL + "/people")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "42 people, and 1 who has left") {
		t.Errorf("second demo run changed the number of people")
	}
	res, _ = c.Get(in.URL + "/journal")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(body), "class=\"post journal-entry\""); n != len(demo.Journal) {
		t.Errorf("after a second run Maya's journal shows %d entries, want %d", n, len(demo.Journal))
	}
	res, _ = c.Get(in.URL + "/api/v1/me/assessments")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(body), `"capability":"listening"`); n != len(demo.Assessments) {
		t.Errorf("after a second run Maya has %d self-assessments, want %d", n, len(demo.Assessments))
	}
	res, _ = c.Get(in.URL + "/api/v1/me/helping")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"presented":1,`) {
		t.Errorf("after a second run Maya's helping pattern is %s", body)
	}
	observed("after a second run")
}

// TestServeDrainsOnShutdown checks that a request in flight when the
// server is told to stop still gets its answer.
func TestServeDrainsOnShutdown(t *testing.T) {
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "h.db")})
	// The request's body arrives in two halves, so that the handler is
	// still reading it when the stop begins.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", in.URL+"/signin", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		res.Body.Close()
		done <- result{status: res.StatusCode}
	}()
	if _, err := io.WriteString(pw, "email=x%40example.com&pass"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- in.stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("serve stopped with a request in flight: %v", err)
	default:
	}
	if _, err := io.WriteString(pw, "word=wrong+password"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if r := <-done; r.err != nil || r.status != http.StatusUnauthorized {
		t.Errorf("in-flight request: status %d, err %v; want its 401 answer", r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestServeMetricsAndBaseURLWarning(t *testing.T) {
	const token = "a-metrics-token-of-enough-length"
	metricsPort := freePort(t)
	in := startServe(t, map[string]string{
		"HOLDSPACE_DATABASE_URL":  "sqlite:" + filepath.Join(t.TempDir(), "m.db"),
		"HOLDSPACE_BASE_URL":      "", // the default, http://localhost:8080
		"HOLDSPACE_METRICS_TOKEN": token,
		"HOLDSPACE_METRICS_ADDR":  fmt.Sprintf("127.0.0.1:%d", metricsPort),
	})
	get := func(u, auth string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	own := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	for _, c := range []struct {
		url, auth string
		want      int
	}{
		{in.URL + "/metrics", "", 401},
		{in.URL + "/metrics", "wrong-token-of-enough-length", 401},
		{in.URL + "/metrics", token, 200},
		{own, "", 401},
		{own, token, 200},
		{fmt.Sprintf("http://127.0.0.1:%d/home", metricsPort), token, 404},
	} {
		if got := get(c.url, c.auth); got != c.want {
			t.Errorf("GET %s with %q: %d, want %d", c.url, c.auth, got, c.want)
		}
	}
	logs := in.stderr.String()
	for _, want := range []string{"emailed links point at http://localhost:8080, but Holdspace listens on 127.0.0.1:", "-base-url (HOLDSPACE_BASE_URL)", "metrics_addr=127.0.0.1:"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

func TestServeNoBaseURLWarningWhenItMatches(t *testing.T) {
	in := startServe(t, map[string]string{"HOLDSPACE_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")})
	if logs := in.stderr.String(); strings.Contains(logs, "emailed links point at") {
		t.Errorf("a warning though the base URL matches:\n%s", logs)
	}
	if res, err := http.Get(in.URL + "/metrics"); err != nil || res.StatusCode != 404 {
		t.Errorf("/metrics without a token configured: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
}

func TestServeHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "-h"}, func(string) string { return "" }, nil, &out, io.Discard)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	for _, row := range config.Table() {
		for _, want := range []string{"-" + row[0], row[1]} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("serve -h lacks %q", want)
			}
		}
	}
}

func TestMalformedSettingNamed(t *testing.T) {
	tests := map[string]string{
		"HOLDSPACE_ADDR":             "not-an-address",
		"HOLDSPACE_DATABASE_URL":     "mysql://x",
		"HOLDSPACE_BASE_URL":         "ftp://x",
		"HOLDSPACE_LOG_FORMAT":       "xml",
		"HOLDSPACE_LOG_LEVEL":        "loud",
		"HOLDSPACE_SHUTDOWN_TIMEOUT": "soon",
		"HOLDSPACE_DEMO":             "maybe",
		"HOLDSPACE_DEMO_SIZE":        "lots",
		"HOLDSPACE_SMTP_URL":         "http://mail",
		"HOLDSPACE_METRICS_TOKEN":    "short",
		"HOLDSPACE_METRICS_ADDR":     "nowhere",
	}
	for env, val := range tests {
		t.Run(env, func(t *testing.T) {
			err := run(context.Background(), []string{"serve"}, func(k string) string {
				if k == env {
					return val
				}
				return ""
			}, nil, io.Discard, io.Discard)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), env) {
				t.Errorf("err = %v, want a usage error naming %s", err, env)
			}
		})
	}
}

func TestMetricsSettings(t *testing.T) {
	load := func(env map[string]string) error {
		_, err := config.Load("serve", nil, func(k string) string { return env[k] }, io.Discard)
		return err
	}
	// The metrics address must be an address of its own.
	if err := load(map[string]string{"HOLDSPACE_METRICS_ADDR": ":8080"}); err == nil || !strings.Contains(err.Error(), "must differ from HOLDSPACE_ADDR") {
		t.Errorf("the main address as the metrics address: %v", err)
	}
	// A rejected token is not written out.
	err := load(map[string]string{"HOLDSPACE_METRICS_TOKEN": "short secret"})
	if err == nil || strings.Contains(err.Error(), "short secret") || !strings.Contains(err.Error(), "HOLDSPACE_METRICS_TOKEN") {
		t.Errorf("a short token: %v", err)
	}
	if err := load(map[string]string{"HOLDSPACE_METRICS_TOKEN": "a-long-enough-token-1234", "HOLDSPACE_METRICS_ADDR": "127.0.0.1:9090"}); err != nil {
		t.Errorf("good metrics settings: %v", err)
	}
}

func TestMigrate(t *testing.T) {
	var out bytes.Buffer
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	getenv := func(k string) string {
		if k == "HOLDSPACE_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	for range 2 {
		if err := run(context.Background(), []string{"migrate"}, getenv, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if !regexp.MustCompile(`Migrations applied \(sqlite\)`).MatchString(out.String()) {
		t.Errorf("output: %s", out.String())
	}
}

func TestReadmeConfigTable(t *testing.T) {
	readme, err := readFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range config.Table() {
		if !strings.Contains(readme, "`"+row[1]+"`") || !strings.Contains(readme, "`-"+row[0]+"`") {
			t.Errorf("README's configuration table lacks %s / -%s", row[1], row[0])
		}
	}
}

func readFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	return string(b), err
}
