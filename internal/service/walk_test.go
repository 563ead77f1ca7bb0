package service_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// httpWalker serves a world's organisation through the pages and the
// API, to walk every route that reads as one person.
type httpWalker struct {
	url    string
	svc    *service.Services
	routes []string
	ops    []api.Operation
}

func newHTTPWalker(t *testing.T, w *world) *httpWalker {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://holdspace.test")
	keys, err := seal.NewRing(bytes.Repeat([]byte{7}, seal.KeySize), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{DB: w.db, BaseURL: base, Logger: logger, Limiter: accounts.NewLimiter(time.Second, 10000), Keys: keys})
	a := api.New(api.Deps{Services: svc, Logger: logger})
	s, err := web.NewServer(web.Deps{DB: w.db, Services: svc, Logger: logger, API: a, Registry: prometheus.NewRegistry(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &httpWalker{url: srv.URL, svc: svc, routes: s.Routes(), ops: a.Operations()}
}

// token is an access token of u's.
func (h *httpWalker) token(t *testing.T, u *account.User) string {
	t.Helper()
	secret, _, err := h.svc.Accounts.CreateToken(ctx, u, "walk")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

var walkParamRE = regexp.MustCompile(`\{[a-z$]+\}`)

// walk sends a GET to every page and API operation that reads, with each
// of ids in the first parameter of its path (and in the rest), as the
// holder of token. It fails if an answer holds one of forbidden, and
// returns the planted markers that any answer held.
func (h *httpWalker) walk(t *testing.T, token string, ids []string, forbidden ...string) map[string]bool {
	t.Helper()
	var patterns []string
	for _, r := range h.routes {
		if strings.HasPrefix(r, "GET ") {
			patterns = append(patterns, strings.TrimPrefix(r, "GET "))
		}
	}
	for _, op := range h.ops {
		if op.Method == http.MethodGet {
			patterns = append(patterns, op.Path)
		}
	}
	markers := []string{markCardDraft, markCardCircle, markCardOrg}
	seen := map[string]bool{}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range patterns {
		if strings.Contains(p, "/events") || strings.HasPrefix(p, "/static/") {
			continue
		}
		var paths []string
		if walkParamRE.MatchString(p) {
			for _, id := range ids {
				paths = append(paths, walkParamRE.ReplaceAllString(strings.ReplaceAll(p, "{$}", ""), id))
			}
		} else {
			paths = []string{strings.ReplaceAll(p, "{$}", "")}
		}
		for _, path := range paths {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := client.Do(req)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
			for _, m := range markers {
				if strings.Contains(string(body), m) {
					seen[m] = true
				}
			}
			for _, f := range forbidden {
				if strings.Contains(string(body), f) {
					t.Errorf("LEAK: GET %s shows %s", path, f)
				}
			}
		}
	}
	return seen
}
